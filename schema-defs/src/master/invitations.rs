//! The `invitations` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::{Organization, User};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "invitations", db = master)]
pub struct Invitation {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub email: String,
    #[column(references = Organization::id)]
    pub organization_id: i32,
    #[column(references = User::id)]
    pub invited_by: i32,
    #[column(varchar(50), default = "member")]
    pub role: String,
    #[column(varchar(255), unique)]
    pub token: String,
    #[column(varchar(50), default = "pending")]
    pub status: InvitationStatus,
    pub expires_at: NaiveDateTime,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}

/// Values of `invitations.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
}
