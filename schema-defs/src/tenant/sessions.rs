//! The `sessions` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::{Client, Project, Room};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "sessions", db = tenant)]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(references = Room::id)]
    pub room_id: i32,
    #[column(references = Project::id, on_delete = set_null)]
    pub project_id: Option<i32>,
    #[column(varchar(255))]
    pub title: String,
    pub description: Option<String>,
    pub start_time: NaiveDateTime,
    pub end_time: NaiveDateTime,
    #[column(varchar(50), default = "scheduled")]
    pub status: SessionStatus,
    #[column(numeric(10, 2))]
    pub total_amount: Option<Decimal>,
    #[column(numeric(10, 2))]
    pub deposit_amount: Option<Decimal>,
    #[column(default = false)]
    pub deposit_paid: bool,
    #[column(varchar(50), default = "unpaid")]
    pub payment_status: SessionPaymentStatus,
    #[column(varchar(255))]
    pub stripe_checkout_session_id: Option<String>,
    #[column(varchar(255))]
    pub stripe_payment_intent_id: Option<String>,
    pub notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `sessions.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum SessionStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

/// Values of `sessions.payment_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum SessionPaymentStatus {
    Unpaid,
    Partial,
    Paid,
    Refunded,
}
