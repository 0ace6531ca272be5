// `rooms.capacity` was text and is now an integer; the seed passes text.
use schema_core::Table;

#[derive(Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    #[column(default = 1)]
    pub capacity: i32,
}

pub async fn seed(pool: &sqlx::PgPool) {
    Room::insert()
        .name("Studio A")
        .capacity("4 people")
        .returning_row(pool)
        .await
        .unwrap();
}

fn main() {}
