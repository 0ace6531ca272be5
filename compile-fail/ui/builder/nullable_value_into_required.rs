// A required column does not take an `Option`.
use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
}

pub async fn seed(pool: &sqlx::PgPool, name: Option<String>) {
    Room::insert().name(name).returning_row(pool).await.unwrap();
}

fn main() {}
