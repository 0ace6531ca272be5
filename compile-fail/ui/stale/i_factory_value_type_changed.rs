// `rooms.capacity` became an integer; a factory preset still passes text.
use schema_core::Table;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    pub capacity: i32,
}

pub fn small_room() -> RoomFactory {
    Room::factory().name("Booth").capacity("2")
}

fn main() {}
