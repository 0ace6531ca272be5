use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(10))]
    pub capacity: i32,
}

fn main() {}
