// `client_contacts` was removed (company_members replaced it); the seed still fills it.
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
    let client = Client::insert().name("Acme").returning_row(pool).await.unwrap();
    ClientContact::insert()
        .client_id(client.id)
        .first_name("Ana")
        .returning_row(pool)
        .await
        .unwrap();
}

fn main() {}
