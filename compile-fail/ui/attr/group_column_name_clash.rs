use schema_core::{ColumnGroup, Table};

#[derive(ColumnGroup)]
pub struct Synced {
    #[column(default = 1)]
    pub sync_version: i32,
}

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(name = "sync_version")]
    pub version: i64,
    #[column(flatten)]
    pub sync: Synced,
}

fn main() {}
