// `studio_notes` was added to the schema; a seed set written before says
// nothing about it.
mod tables {
    use schema_core::Table;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "rooms", db = tenant)]
    pub struct Room {
        #[column(primary_key, serial)]
        pub id: i32,
    }

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "studio_notes", db = tenant)]
    pub struct StudioNote {
        #[column(primary_key, serial)]
        pub id: i32,
        pub note: String,
    }
}

use tables::{Room, StudioNote};

schema_core::schema! {
    pub static SCHEMA: Tenant;
    rooms => Room,
    studio_notes => StudioNote,
}

pub const REALISTIC: Volumes = Volumes { rooms: 8 };

fn main() {}
