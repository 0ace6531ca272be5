use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
}

#[derive(Table)]
#[table(name = "sessions", db = tenant)]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Room::id, on_delete = set_null)]
    pub room_id: i32,
}

fn main() {}
