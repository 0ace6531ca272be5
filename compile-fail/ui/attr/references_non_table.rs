use schema_core::Table;

pub struct Client {
    pub id: i32,
}

#[derive(Table)]
#[table(name = "client_notes", db = tenant)]
pub struct ClientNote {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
}

fn main() {}
