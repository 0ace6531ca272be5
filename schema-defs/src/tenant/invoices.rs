//! The `invoices` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "invoices", db = tenant)]
pub struct Invoice {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(100), unique)]
    pub invoice_number: String,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(default = now)]
    pub issue_date: NaiveDateTime,
    pub due_date: NaiveDateTime,
    #[column(varchar(50), default = "draft")]
    pub status: InvoiceStatus,
    #[column(numeric(10, 2))]
    pub subtotal: Decimal,
    #[column(numeric(5, 2), default = 20.00)]
    pub tax_rate: Decimal,
    #[column(numeric(10, 2))]
    pub tax_amount: Decimal,
    #[column(numeric(10, 2))]
    pub total: Decimal,
    #[column(numeric(10, 2))]
    pub deposit_amount: Option<Decimal>,
    pub deposit_paid_at: Option<NaiveDateTime>,
    #[column(varchar(255))]
    pub stripe_deposit_payment_intent_id: Option<String>,
    #[column(numeric(10, 2))]
    pub remaining_balance: Option<Decimal>,
    pub paid_at: Option<NaiveDateTime>,
    pub notes: Option<String>,
    pub pdf_s3_key: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `invoices.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum InvoiceStatus {
    Draft,
    Sent,
    Paid,
    Overdue,
    Cancelled,
}
