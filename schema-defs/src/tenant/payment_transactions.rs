//! The `payment_transactions` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::{Client, Session};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "payment_transactions", db = tenant)]
pub struct PaymentTransaction {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(references = Session::id)]
    pub session_id: Option<i32>,
    #[column(varchar(255), unique)]
    pub stripe_payment_intent_id: Option<String>,
    #[column(varchar(255))]
    pub stripe_checkout_session_id: Option<String>,
    #[column(varchar(255))]
    pub stripe_customer_id: Option<String>,
    #[column(numeric(10, 2))]
    pub amount: Decimal,
    #[column(varchar(3), default = "usd")]
    pub currency: String,
    #[column(varchar(50))]
    pub payment_type: PaymentTransactionPaymentType,
    #[column(varchar(50), default = "pending")]
    pub status: PaymentTransactionStatus,
    #[column(varchar(50))]
    pub stripe_status: Option<String>,
    #[column(varchar(50))]
    pub payment_method: Option<PaymentTransactionPaymentMethod>,
    #[column(varchar(4))]
    pub last4: Option<String>,
    #[column(varchar(50))]
    pub brand: Option<PaymentTransactionBrand>,
    #[column(numeric(10, 2))]
    pub stripe_fee: Option<Decimal>,
    #[column(numeric(10, 2))]
    pub net_amount: Option<Decimal>,
    #[column(numeric(10, 2))]
    pub refunded_amount: Option<Decimal>,
    pub refunded_at: Option<NaiveDateTime>,
    pub refund_reason: Option<String>,
    pub metadata: Option<String>,
    pub description: Option<String>,
    #[column(varchar(100))]
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `payment_transactions.payment_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum PaymentTransactionPaymentType {
    Deposit,
    Balance,
    Full,
    Refund,
}

/// Values of `payment_transactions.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum PaymentTransactionStatus {
    Pending,
    Succeeded,
    Failed,
    Canceled,
    Refunded,
}

/// Values of `payment_transactions.payment_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum PaymentTransactionPaymentMethod {
    Card,
    BankTransfer,
}

/// Values of `payment_transactions.brand`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum PaymentTransactionBrand {
    Visa,
    Mastercard,
}
