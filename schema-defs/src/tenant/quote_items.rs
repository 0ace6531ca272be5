//! The `quote_items` table.

use schema_core::{Decimal, NaiveDateTime, Table};

use super::Quote;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "quote_items", db = tenant)]
pub struct QuoteItem {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Quote::id)]
    pub quote_id: i32,
    #[column(varchar(500))]
    pub description: String,
    #[column(numeric(10, 2), default = 1.00)]
    pub quantity: Decimal,
    #[column(numeric(10, 2))]
    pub unit_price: Decimal,
    #[column(numeric(10, 2))]
    pub amount: Decimal,
    pub service_template_id: Option<i32>,
    #[column(default = 0)]
    pub display_order: i32,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}
