//! The `client_portal_activity_logs` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "client_portal_activity_logs", db = tenant)]
pub struct ClientPortalActivityLog {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(varchar(100))]
    pub action: ClientPortalActivityLogAction,
    pub description: Option<String>,
    #[column(varchar(50))]
    pub resource_type: Option<ClientPortalActivityLogResourceType>,
    pub resource_id: Option<i32>,
    pub metadata: Option<String>,
    #[column(varchar(45))]
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    #[column(varchar(50), default = "success")]
    pub status: ClientPortalActivityLogStatus,
    pub error_message: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}

/// Values of `client_portal_activity_logs.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ClientPortalActivityLogAction {
    Login,
    Logout,
    ViewInvoice,
    BookSession,
    MakePayment,
    DownloadFile,
}

/// Values of `client_portal_activity_logs.resource_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ClientPortalActivityLogResourceType {
    Invoice,
    Session,
    File,
    Payment,
}

/// Values of `client_portal_activity_logs.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ClientPortalActivityLogStatus {
    Success,
    Failed,
    Pending,
}
