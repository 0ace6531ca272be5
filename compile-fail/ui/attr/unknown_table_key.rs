use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", database = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
}

fn main() {}
