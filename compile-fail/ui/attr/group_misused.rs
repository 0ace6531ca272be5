// A group holds no primary key nor another group; a flattened field takes
// no column keys. A table using a group with errors adds no errors of its
// own (`Desk`).
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

#[derive(Table)]
#[table(name = "desks", db = tenant)]
pub struct Desk {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten)]
    pub keyed: Keyed,
}

pub fn desks_still_have_columns() -> &'static str {
    Desk::id.name
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
