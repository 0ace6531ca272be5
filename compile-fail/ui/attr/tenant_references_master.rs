use schema_core::Table;

#[derive(Table)]
#[table(name = "users", db = master)]
pub struct User {
    #[column(primary_key, serial)]
    pub id: i32,
}

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = User::id)]
    pub user_id: Option<i32>,
}

fn main() {}
