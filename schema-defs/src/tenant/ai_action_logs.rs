//! The `ai_action_logs` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "ai_action_logs", db = tenant)]
pub struct AiActionLog {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub session_id: String,
    #[column(varchar(100))]
    pub action_name: String,
    pub params: Option<String>,
    pub result: Option<String>,
    #[column(varchar(50), default = "success")]
    pub status: AiActionLogStatus,
    pub error: Option<String>,
    pub execution_time_ms: Option<i32>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}

/// Values of `ai_action_logs.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum AiActionLogStatus {
    Success,
    Error,
}
