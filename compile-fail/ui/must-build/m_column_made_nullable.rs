// `sessions.client_id` and `room_id` were NOT NULL and are now nullable; the
// seed code written against the old shape gives them bare values through the
// builder, the factory and a factory hook, and still compiles.
use schema_core::{NaiveDateTime, Table};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "sessions", db = tenant)]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    pub client_id: Option<i32>,
    #[column(references = Room::id)]
    pub room_id: Option<i32>,
    pub start_time: NaiveDateTime,
}

pub async fn seed(pool: &sqlx::PgPool, start: NaiveDateTime) {
    let room = Room::insert().name("A").returning_key(pool).await.unwrap();
    Session::insert()
        .client_id(7)
        .room_id(room)
        .start_time(start)
        .returning_row(pool)
        .await
        .unwrap();
    Session::factory()
        .client_id(8)
        .room_id(room)
        .create(pool)
        .await
        .unwrap();
    Session::factory()
        .each(move |x, at| {
            x.client_id(at.index as i32);
            x.room_id(room);
        })
        .create_many(pool, 3)
        .await
        .unwrap();
}
