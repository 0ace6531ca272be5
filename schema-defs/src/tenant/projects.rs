//! The `projects` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "projects", db = tenant)]
pub struct Project {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(varchar(255))]
    pub name: String,
    #[column(varchar(255))]
    pub artist_name: Option<String>,
    pub description: Option<String>,
    #[column(varchar(100))]
    pub genre: Option<String>,
    #[column(name = "type", varchar(50), default = "album")]
    pub kind: ProjectType,
    #[column(varchar(50), default = "pre_production")]
    pub status: ProjectStatus,
    pub start_date: Option<NaiveDateTime>,
    pub target_delivery_date: Option<NaiveDateTime>,
    pub actual_delivery_date: Option<NaiveDateTime>,
    pub end_date: Option<NaiveDateTime>,
    #[column(numeric(10, 2))]
    pub budget: Option<Decimal>,
    #[column(numeric(10, 2))]
    pub total_cost: Option<Decimal>,
    #[column(default = 0)]
    pub track_count: Option<i32>,
    #[column(varchar(200))]
    pub label: Option<String>,
    #[column(varchar(100))]
    pub catalog_number: Option<String>,
    #[column(varchar(500))]
    pub cover_art_url: Option<String>,
    #[column(varchar(500))]
    pub spotify_url: Option<String>,
    #[column(varchar(500))]
    pub apple_music_url: Option<String>,
    #[column(varchar(500))]
    pub storage_location: Option<String>,
    pub storage_size: Option<i32>,
    pub notes: Option<String>,
    pub technical_notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `projects.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ProjectType {
    Album,
    Ep,
    Single,
    Demo,
    Soundtrack,
    Podcast,
}

/// Values of `projects.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ProjectStatus {
    PreProduction,
    Recording,
    Editing,
    Mixing,
    Mastering,
    Completed,
    Delivered,
    Archived,
}
