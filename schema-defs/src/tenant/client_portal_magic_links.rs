//! The `client_portal_magic_links` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "client_portal_magic_links", db = tenant)]
pub struct ClientPortalMagicLink {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(varchar(255), unique)]
    pub token: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    #[column(varchar(45))]
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    #[column(varchar(50), default = "login")]
    pub purpose: ClientPortalMagicLinkPurpose,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}

/// Values of `client_portal_magic_links.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ClientPortalMagicLinkPurpose {
    Login,
    EmailVerification,
    PasswordReset,
}
