use schema_core::{Decimal, Table};

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    pub hourly_rate: Decimal,
}

fn main() {}
