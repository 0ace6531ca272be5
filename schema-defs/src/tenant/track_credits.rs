//! The `track_credits` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::{Musician, Track};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "track_credits", db = tenant)]
pub struct TrackCredit {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Track::id)]
    pub track_id: i32,
    #[column(references = Musician::id)]
    pub musician_id: Option<i32>,
    #[column(varchar(100))]
    pub role: TrackCreditRole,
    #[column(varchar(255))]
    pub credit_name: String,
    #[column(default = false)]
    pub is_primary: bool,
    pub description: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}

/// Values of `track_credits.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum TrackCreditRole {
    Producer,
    Engineer,
    Mixing,
    Mastering,
    Vocals,
    Guitar,
    Drums,
    Bass,
}
