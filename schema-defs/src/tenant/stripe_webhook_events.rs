//! The `stripe_webhook_events` table.

use schema_core::{NaiveDateTime, Table};

use super::Invoice;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "stripe_webhook_events", db = tenant)]
pub struct StripeWebhookEvent {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255), unique)]
    pub event_id: String,
    #[column(varchar(100))]
    pub event_type: String,
    #[column(default = now)]
    pub processed_at: NaiveDateTime,
    #[column(references = Invoice::id, on_delete = set_null)]
    pub invoice_id: Option<i32>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}
