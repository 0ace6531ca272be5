use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant, primary_key(code))]
pub struct Room {
    pub code: String,
    #[column(primary_key)]
    pub name: String,
}

fn main() {}
