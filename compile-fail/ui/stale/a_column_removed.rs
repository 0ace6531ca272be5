// `clients.first_name` was removed from schema-defs; the seed still sets it.
use schema_core::Table;

#[derive(Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
}

pub async fn seed(pool: &sqlx::PgPool) {
    Client::insert()
        .name("Ana Lima")
        .first_name("Ana")
        .returning_row(pool)
        .await
        .unwrap();
}

fn main() {}
