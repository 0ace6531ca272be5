use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_kee, serial)]
    pub id: i32,
}

fn main() {}
