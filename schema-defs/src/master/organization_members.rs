//! The `organization_members` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::{Organization, User};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "organization_members", db = master, unique(user_id, organization_id))]
pub struct OrganizationMember {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = User::id)]
    pub user_id: i32,
    #[column(references = Organization::id)]
    pub organization_id: i32,
    #[column(varchar(50), default = "member")]
    pub role: OrganizationMemberRole,
    #[column(default = now)]
    pub joined_at: NaiveDateTime,
}

/// Values of `organization_members.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum OrganizationMemberRole {
    Owner,
    Admin,
    Member,
}
