//! The `client_contacts` table.

use schema_core::{NaiveDateTime, Table};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "client_contacts", db = tenant)]
pub struct ClientContact {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id, on_delete = cascade)]
    pub client_id: i32,
    #[column(varchar(100))]
    pub first_name: String,
    #[column(varchar(100))]
    pub last_name: String,
    #[column(varchar(100))]
    pub title: Option<String>,
    #[column(varchar(255))]
    pub email: Option<String>,
    #[column(varchar(50))]
    pub phone: Option<String>,
    #[column(default = false)]
    pub is_primary: bool,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}
