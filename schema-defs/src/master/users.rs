//! The `users` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "users", db = master)]
pub struct User {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255), unique)]
    pub email: String,
    #[column(varchar(255))]
    pub name: Option<String>,
    #[column(varchar(255))]
    pub password_hash: Option<String>,
    #[column(varchar(50), default = "member")]
    pub role: UserRole,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum UserRole {
    Admin,
    Member,
}
