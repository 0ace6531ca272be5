mod tables {
    use schema_core::Table;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "rooms", db = tenant)]
    pub struct Room {
        #[column(primary_key, serial)]
        pub id: i32,
    }
}

use tables::Room;

schema_core::schema! {
    pub static SCHEMA: Tenant;
    room => Room,
}

fn main() {}
