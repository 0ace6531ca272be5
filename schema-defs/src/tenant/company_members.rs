//! The `company_members` table.

use schema_core::{NaiveDateTime, Table};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "company_members", db = tenant)]
pub struct CompanyMember {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id, on_delete = cascade)]
    pub company_client_id: i32,
    #[column(references = Client::id, on_delete = cascade)]
    pub member_client_id: i32,
    #[column(varchar(255))]
    pub role: Option<String>,
    #[column(default = false)]
    pub is_primary: bool,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}
