//! The `time_entries` table.

use schema_core::{Decimal, NaiveDateTime, Table};

use super::{Invoice, Project, Session, TaskType, Track};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "time_entries", db = tenant)]
pub struct TimeEntry {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = TaskType::id)]
    pub task_type_id: i32,
    #[column(references = Session::id, on_delete = set_null)]
    pub session_id: Option<i32>,
    #[column(references = Project::id, on_delete = set_null)]
    pub project_id: Option<i32>,
    #[column(references = Track::id, on_delete = set_null)]
    pub track_id: Option<i32>,
    pub start_time: NaiveDateTime,
    pub end_time: Option<NaiveDateTime>,
    pub duration_minutes: Option<i32>,
    #[column(numeric(10, 2))]
    pub hourly_rate_snapshot: Decimal,
    #[column(default = false)]
    pub manually_adjusted: bool,
    #[column(references = Invoice::id, on_delete = set_null)]
    pub invoice_id: Option<i32>,
    pub notes: Option<String>,
    pub created_by: Option<i32>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}
