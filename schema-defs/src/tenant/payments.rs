//! The `payments` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::{Client, Invoice};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "payments", db = tenant)]
pub struct Payment {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(references = Invoice::id)]
    pub invoice_id: Option<i32>,
    #[column(numeric(10, 2))]
    pub amount: Decimal,
    #[column(varchar(3), default = "EUR")]
    pub currency: String,
    #[column(default = now)]
    pub payment_date: NaiveDateTime,
    #[column(varchar(50))]
    pub payment_method: PaymentPaymentMethod,
    #[column(varchar(100))]
    pub reference_number: Option<String>,
    #[column(varchar(255))]
    pub stripe_payment_intent_id: Option<String>,
    #[column(varchar(255))]
    pub stripe_charge_id: Option<String>,
    #[column(varchar(50), default = "completed")]
    pub status: PaymentStatus,
    #[column(numeric(10, 2))]
    pub refunded_amount: Option<Decimal>,
    pub refunded_at: Option<NaiveDateTime>,
    pub refund_reason: Option<String>,
    pub notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `payments.payment_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum PaymentPaymentMethod {
    Cash,
    Card,
    BankTransfer,
    Check,
    Stripe,
    Paypal,
    Other,
}

/// Values of `payments.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum PaymentStatus {
    Pending,
    Completed,
    Failed,
    Refunded,
}
