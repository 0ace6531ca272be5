//! The `tracks` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::{Project, Room};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "tracks", db = tenant)]
pub struct Track {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Project::id)]
    pub project_id: i32,
    #[column(varchar(255))]
    pub title: String,
    pub track_number: Option<i32>,
    pub duration: Option<i32>,
    #[column(varchar(50))]
    pub isrc: Option<String>,
    #[column(varchar(50), default = "recording")]
    pub status: TrackStatus,
    pub bpm: Option<i32>,
    #[column(varchar(20))]
    pub key: Option<String>,
    pub lyrics: Option<String>,
    #[column(varchar(500))]
    pub file_url: Option<String>,
    #[column(varchar(500))]
    pub waveform_url: Option<String>,
    #[column(varchar(500))]
    pub demo_url: Option<String>,
    #[column(varchar(500))]
    pub rough_mix_url: Option<String>,
    #[column(varchar(500))]
    pub final_mix_url: Option<String>,
    #[column(varchar(500))]
    pub master_url: Option<String>,
    #[column(varchar(300))]
    pub composer: Option<String>,
    #[column(varchar(300))]
    pub lyricist: Option<String>,
    #[column(varchar(300))]
    pub copyright_holder: Option<String>,
    pub copyright_year: Option<i32>,
    pub genre_tags: Option<String>,
    #[column(varchar(100))]
    pub mood: Option<String>,
    #[column(varchar(50), default = "fr")]
    pub language: Option<String>,
    #[column(default = false)]
    pub explicit_content: Option<bool>,
    pub patch_preset: Option<String>,
    pub instruments_used: Option<String>,
    pub microphones_used: Option<String>,
    pub effects_chain: Option<String>,
    #[column(varchar(500))]
    pub daw_session_path: Option<String>,
    #[column(references = Room::id)]
    pub recorded_in_room_id: Option<i32>,
    pub notes: Option<String>,
    pub technical_notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `tracks.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum TrackStatus {
    Recording,
    Editing,
    Mixing,
    Mastering,
    Completed,
}
