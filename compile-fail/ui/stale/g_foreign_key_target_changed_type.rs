// `clients.id` became a bigserial (and `client_notes.client_id` a bigint with
// it); the seed still hands out `i32` client ids.
use schema_core::Table;

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i64,
}

#[derive(Table)]
#[table(name = "client_notes", db = tenant)]
pub struct ClientNote {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id, on_delete = cascade)]
    pub client_id: i64,
    pub note: String,
}

pub async fn note_for(pool: &sqlx::PgPool, client_id: i32) {
    ClientNote::insert()
        .client_id(client_id)
        .note("prefers analog tape")
        .returning_row(pool)
        .await
        .unwrap();
}

fn main() {}
