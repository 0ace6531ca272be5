//! The `ai_conversations` table.

use schema_core::{NaiveDateTime, Table};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "ai_conversations", db = tenant)]
pub struct AiConversation {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub session_id: String,
    pub user_id: Option<i32>,
    pub page_context: Option<String>,
    pub messages: String,
    #[column(default = 0)]
    pub total_messages: i32,
    pub actions_called: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}
