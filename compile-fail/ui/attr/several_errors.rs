use schema_core::Table;

#[derive(Table)]
#[table(name = "", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(0))]
    pub name: String,
    #[column(defualt = 1)]
    pub capacity: i32,
    #[column(on_delete = cascade)]
    pub owner_id: i32,
}

fn main() {}
