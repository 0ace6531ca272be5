// `musicians.stage_name` was `artist_name`; the seed uses the old name.
use schema_core::Table;

#[derive(Table)]
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
    Musician::insert()
        .name("Nina Simone")
        .artist_name("Nina")
        .returning_row(pool)
        .await
        .unwrap();
}

fn main() {}
