use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant, primary_key(code, floor))]
pub struct Room {
    pub code: Option<String>,
    pub floor: i32,
}

fn main() {}
