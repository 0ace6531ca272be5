// A group holds no primary key nor another group; a flattened field takes
// no column keys; a flattened type must be a group.
use schema_core::{ColumnGroup, Table};

#[derive(ColumnGroup)]
pub struct Keyed {
    #[column(primary_key)]
    pub id: i32,
    #[column(flatten)]
    pub inner: Plain,
}

#[derive(ColumnGroup)]
pub struct Plain {
    pub note: Option<String>,
}

pub struct NotAGroup {
    pub x: i32,
}

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten, unique)]
    pub plain: Plain,
}

fn main() {}
