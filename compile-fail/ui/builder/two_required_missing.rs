// Every missing required column is named.
use schema_core::Table;

#[derive(Table)]
#[table(name = "invoice_items", db = tenant)]
pub struct InvoiceItem {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(500))]
    pub description: String,
    pub position: i32,
    pub label: Option<String>,
}

pub async fn seed(pool: &sqlx::PgPool) {
    InvoiceItem::insert().label("x").returning_row(pool).await.unwrap();
}

fn main() {}
