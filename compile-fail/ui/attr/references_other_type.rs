use schema_core::Table;

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
}

#[derive(Table)]
#[table(name = "client_notes", db = tenant)]
pub struct ClientNote {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i64,
}

fn main() {}
