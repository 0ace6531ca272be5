// `musicians.stage_name` was `artist_name`; a test's factory call still sets the old name.
use schema_core::Table;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "musicians", db = tenant)]
pub struct Musician {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    #[column(varchar(255), renamed_from = "artist_name")]
    pub stage_name: Option<String>,
}

pub async fn seed(pool: &sqlx::PgPool) {
    Musician::factory().artist_name("Nina").create(pool).await.unwrap();
}

fn main() {}
