// `sessions.project_id` was nullable and is now NOT NULL; a factory hook
// still gives it an `Option`.
use schema_core::{NaiveDateTime, Table};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "sessions", db = tenant)]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    pub project_id: i32,
    pub start_time: NaiveDateTime,
}

pub async fn seed(pool: &sqlx::PgPool, projects: Vec<i32>) {
    Session::factory()
        .each(move |x, at| {
            x.project_id(at.rng.chance(70).then(|| projects[0]));
        })
        .create_many(pool, 10)
        .await
        .unwrap();
}

fn main() {}
