//! The `client_portal_sessions` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "client_portal_sessions", db = tenant)]
pub struct ClientPortalSession {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(varchar(255), unique)]
    pub token: String,
    pub expires_at: NaiveDateTime,
    #[column(varchar(45))]
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    #[column(default = now)]
    pub last_activity_at: NaiveDateTime,
    #[column(varchar(50))]
    pub device_type: Option<ClientPortalSessionDeviceType>,
    #[column(varchar(255))]
    pub device_name: Option<String>,
    #[column(varchar(100))]
    pub browser: Option<String>,
    #[column(varchar(100))]
    pub os: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}

/// Values of `client_portal_sessions.device_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ClientPortalSessionDeviceType {
    Desktop,
    Mobile,
    Tablet,
}
