use schema_core::Table;

#[derive(Table)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
}

fn main() {}
