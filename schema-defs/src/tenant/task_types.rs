//! The `task_types` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "task_types", db = tenant)]
pub struct TaskType {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(100))]
    pub name: String,
    pub description: Option<String>,
    #[column(numeric(10, 2))]
    pub hourly_rate: Decimal,
    #[column(varchar(50), default = "billable")]
    pub category: TaskTypeCategory,
    #[column(varchar(7))]
    pub color: Option<String>,
    #[column(default = 0)]
    pub sort_order: i32,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `task_types.category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum TaskTypeCategory {
    Billable,
    #[text_enum(rename = "non-billable")]
    NonBillable,
}
