// `sync_version` was removed from the `Synced` group that `clients` and
// `rooms` flatten; seed code still sets it.
use schema_core::{ColumnGroup, Table, Uuid};

#[derive(Debug, Clone, PartialEq, ColumnGroup)]
pub struct Synced {
    #[column(default = sql("gen_random_uuid()"), unique)]
    pub sync_uuid: Uuid,
}

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "clients", db = tenant)]
pub struct Client {
    #[column(primary_key, serial)]
    pub id: i32,
    pub name: String,
    #[column(flatten)]
    pub sync: Synced,
}

pub async fn seed(pool: &sqlx::PgPool) {
    Client::insert()
        .name("Ana")
        .sync_version(2)
        .returning_row(pool)
        .await
        .unwrap();
    Client::factory()
        .each(|x, _| {
            x.sync_version(3);
        })
        .create(pool)
        .await
        .unwrap();
}

fn main() {}
