// `rooms.hourly_rate` is new, NOT NULL and without default; the seed predates it.
use schema_core::{Decimal, Table};

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    #[column(numeric(10, 2))]
    pub hourly_rate: Decimal,
}

pub async fn seed(pool: &sqlx::PgPool) {
    Room::insert().name("Studio A").returning_row(pool).await.unwrap();
}

fn main() {}
