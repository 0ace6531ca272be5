//! The `notifications` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::{Client, Invoice, Project, Session};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "notifications", db = tenant)]
pub struct Notification {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(name = "type", varchar(50))]
    pub kind: NotificationType,
    #[column(varchar(50), default = "normal")]
    pub priority: NotificationPriority,
    #[column(varchar(255))]
    pub title: String,
    pub message: String,
    #[column(varchar(500))]
    pub action_url: Option<String>,
    #[column(varchar(100))]
    pub action_label: Option<String>,
    pub metadata: Option<String>,
    #[column(default = false)]
    pub is_read: bool,
    pub read_at: Option<NaiveDateTime>,
    #[column(references = Client::id)]
    pub client_id: Option<i32>,
    #[column(references = Project::id)]
    pub project_id: Option<i32>,
    #[column(references = Session::id)]
    pub session_id: Option<i32>,
    #[column(references = Invoice::id)]
    pub invoice_id: Option<i32>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `notifications.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum NotificationType {
    Info,
    Success,
    Warning,
    Error,
    Reminder,
    System,
}

/// Values of `notifications.priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum NotificationPriority {
    Low,
    Normal,
    High,
    Urgent,
}
