//! The `expenses` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::{Equipment, Project};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "expenses", db = tenant)]
pub struct Expense {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(100))]
    pub category: ExpenseCategory,
    #[column(varchar(500))]
    pub description: String,
    #[column(varchar(255))]
    pub vendor: Option<String>,
    #[column(numeric(10, 2))]
    pub amount: Decimal,
    #[column(varchar(3), default = "EUR")]
    pub currency: String,
    #[column(numeric(10, 2))]
    pub tax_amount: Option<Decimal>,
    pub expense_date: NaiveDateTime,
    pub paid_at: Option<NaiveDateTime>,
    #[column(varchar(50))]
    pub payment_method: Option<ExpensePaymentMethod>,
    #[column(varchar(100))]
    pub reference_number: Option<String>,
    #[column(varchar(50), default = "pending")]
    pub status: ExpenseStatus,
    #[column(default = false)]
    pub is_recurring: bool,
    #[column(references = Project::id)]
    pub project_id: Option<i32>,
    #[column(references = Equipment::id)]
    pub equipment_id: Option<i32>,
    #[column(varchar(500))]
    pub receipt_url: Option<String>,
    pub notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `expenses.category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ExpenseCategory {
    Rent,
    Utilities,
    Insurance,
    Maintenance,
    Salary,
    Marketing,
    Software,
    Supplies,
    Equipment,
    Other,
}

/// Values of `expenses.payment_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ExpensePaymentMethod {
    Cash,
    Card,
    BankTransfer,
    Check,
    Other,
}

/// Values of `expenses.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ExpenseStatus {
    Pending,
    Paid,
    Cancelled,
}
