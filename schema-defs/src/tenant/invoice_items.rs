//! The `invoice_items` table.

use schema_core::{Decimal, NaiveDateTime, Table};

use super::Invoice;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "invoice_items", db = tenant)]
pub struct InvoiceItem {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Invoice::id)]
    pub invoice_id: i32,
    #[column(varchar(500))]
    pub description: String,
    #[column(numeric(10, 2), default = 1.00)]
    pub quantity: Decimal,
    #[column(numeric(10, 2))]
    pub unit_price: Decimal,
    #[column(numeric(10, 2))]
    pub amount: Decimal,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}
