//! The `contracts` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::{Client, Project};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "contracts", db = tenant)]
pub struct Contract {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(100), unique)]
    pub contract_number: String,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(references = Project::id)]
    pub project_id: Option<i32>,
    #[column(name = "type", varchar(50))]
    pub kind: ContractType,
    #[column(varchar(50), default = "draft")]
    pub status: ContractStatus,
    #[column(varchar(255))]
    pub title: String,
    pub description: Option<String>,
    pub terms: String,
    pub start_date: Option<NaiveDateTime>,
    pub end_date: Option<NaiveDateTime>,
    pub signed_at: Option<NaiveDateTime>,
    #[column(numeric(10, 2))]
    pub value: Option<Decimal>,
    #[column(varchar(500))]
    pub document_url: Option<String>,
    #[column(varchar(500))]
    pub signed_document_url: Option<String>,
    #[column(varchar(255))]
    pub signature_request_id: Option<String>,
    #[column(varchar(255))]
    pub signed_by: Option<String>,
    pub notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `contracts.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ContractType {
    Recording,
    Mixing,
    Mastering,
    Production,
    Exclusivity,
    Distribution,
    StudioRental,
    Services,
    Partnership,
    Other,
}

/// Values of `contracts.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ContractStatus {
    Draft,
    Sent,
    PendingSignature,
    Signed,
    Active,
    Expired,
    Terminated,
    Cancelled,
}
