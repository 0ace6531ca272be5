//! The `quotes` table.

use schema_core::{Decimal, NaiveDateTime, Table};

use super::{Client, Project};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "quotes", db = tenant)]
pub struct Quote {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(100), unique)]
    pub quote_number: String,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(varchar(50), default = "draft")]
    pub status: String,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub responded_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    #[column(numeric(10, 2))]
    pub subtotal: Decimal,
    #[column(numeric(5, 2), default = 20.00)]
    pub tax_rate: Decimal,
    #[column(numeric(10, 2))]
    pub tax_amount: Decimal,
    #[column(numeric(10, 2))]
    pub total: Decimal,
    #[column(default = 30)]
    pub validity_days: i32,
    pub terms: Option<String>,
    pub notes: Option<String>,
    pub internal_notes: Option<String>,
    #[column(references = Project::id)]
    pub converted_to_project_id: Option<i32>,
    pub converted_at: Option<NaiveDateTime>,
}
