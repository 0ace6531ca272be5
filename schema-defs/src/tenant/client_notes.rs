//! The `client_notes` table.

use schema_core::{NaiveDateTime, Table};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "client_notes", db = tenant)]
pub struct ClientNote {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id, on_delete = cascade)]
    pub client_id: i32,
    pub note: String,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
}
