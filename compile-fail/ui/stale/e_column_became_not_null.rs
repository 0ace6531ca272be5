// `sessions.title` was nullable and is now NOT NULL without a default; the seed
// never set it.
use schema_core::{NaiveDateTime, Table};

#[derive(Table)]
#[table(name = "sessions", db = tenant)]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub title: String,
    pub start_time: NaiveDateTime,
    pub notes: Option<String>,
}

pub async fn seed(pool: &sqlx::PgPool, start: NaiveDateTime) {
    Session::insert()
        .start_time(start)
        .notes("bring the reel")
        .returning_key(pool)
        .await
        .unwrap();
}

fn main() {}
