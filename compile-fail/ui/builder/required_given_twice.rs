// A required column is given once; a second call is refused.
use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
}

pub async fn seed(pool: &sqlx::PgPool) {
    Room::insert().name("A").name("B").returning_row(pool).await.unwrap();
}

fn main() {}
