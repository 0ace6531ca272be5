use schema_core::{NaiveDate, Table, TextEnum};

#[derive(Clone, Copy, TextEnum)]
pub enum SessionStatus {
    Scheduled,
    Completed,
}

#[derive(Table)]
#[table(name = "sessions", db = tenant)]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(50), default = "schedulded")]
    pub status: SessionStatus,
    #[column(default = true)]
    pub day: NaiveDate,
    #[column(default = now)]
    pub paid: bool,
}

fn main() {}
