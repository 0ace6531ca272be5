use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant, check(name = "rooms_capacity_positive"))]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    pub capacity: i32,
}

fn main() {}
