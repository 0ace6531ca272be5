//! The `client_portal_accounts` table.

use schema_core::{NaiveDateTime, Table};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "client_portal_accounts", db = tenant)]
pub struct ClientPortalAccount {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(varchar(255), unique)]
    pub email: String,
    #[column(varchar(255))]
    pub password_hash: Option<String>,
    #[column(default = false)]
    pub email_verified: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    #[column(default = 0)]
    pub login_count: i32,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = false)]
    pub is_locked: bool,
    pub locked_at: Option<NaiveDateTime>,
    pub locked_reason: Option<String>,
    #[column(varchar(255))]
    pub reset_token: Option<String>,
    pub reset_token_expires_at: Option<NaiveDateTime>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}
