// A flattened field's type must derive `ColumnGroup`: the table expands
// through the group's macro, which a plain struct does not have.
use schema_core::Table;

pub struct Stamps {
    pub created_by: Option<i32>,
}

#[derive(Table)]
#[table(name = "desks", db = tenant)]
pub struct Desk {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(flatten)]
    pub stamps: Stamps,
}

fn main() {}
