use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(numeric(10, 2))]
    pub hourly_rate: f64,
}

fn main() {}
