use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(default = yesterday)]
    pub created_at: schema_core::NaiveDateTime,
}

fn main() {}
