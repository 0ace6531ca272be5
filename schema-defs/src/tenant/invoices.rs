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

/// Presets: plain methods over the generated factory.
#[cfg(feature = "factories")]
impl InvoiceFactory {
    /// Amounts that add up: tax and total from the subtotal and rate.
    pub fn consistent(self) -> Self {
        self.each(|i, _| {
            i.tax_amount((i.subtotal * i.tax_rate / Decimal::ONE_HUNDRED).round_dp(2));
            i.total(i.subtotal + i.tax_amount);
            if let Some(deposit) = i.deposit_amount {
                i.deposit_amount(deposit.min(i.total));
            }
            i.remaining_balance(i.total - i.deposit_amount.unwrap_or_default());
            if i.due_date < i.issue_date {
                i.due_date(i.issue_date + chrono_days(30));
            }
        })
    }

    /// Sent, then paid in full.
    pub fn paid(self) -> Self {
        self.consistent().status(InvoiceStatus::Paid).each(|i, at| {
            i.sent_at(i.issue_date);
            i.paid_at(i.issue_date + chrono_days(at.rng.between(1, 30)));
            i.remaining_balance(Decimal::ZERO);
        })
    }
}

#[cfg(feature = "factories")]
fn chrono_days(days: i64) -> schema_core::Duration {
    schema_core::Duration::days(days)
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
