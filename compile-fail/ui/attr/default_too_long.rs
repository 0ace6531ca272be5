use schema_core::{Decimal, Table};

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(numeric(5, 2), default = 1000.00)]
    pub rate: Decimal,
    #[column(varchar(5), default = "pending")]
    pub state: String,
}

fn main() {}
