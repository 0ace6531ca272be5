//! The `tenant_databases` table.

use schema_core::{NaiveDateTime, Table};

use super::Organization;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "tenant_databases", db = master)]
pub struct TenantDatabase {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(unique, references = Organization::id)]
    pub organization_id: i32,
    #[column(varchar(100), unique)]
    pub database_name: String,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}
