//! The `track_comments` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::Track;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "track_comments", db = tenant)]
pub struct TrackComment {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Track::id, on_delete = cascade)]
    pub track_id: i32,
    #[column(varchar(50))]
    pub version_type: TrackCommentVersionType,
    pub author_id: i32,
    #[column(varchar(255))]
    pub author_name: String,
    #[column(varchar(50), default = "client")]
    pub author_type: TrackCommentAuthorType,
    pub content: String,
    #[column(numeric(10, 3))]
    pub timestamp: Decimal,
    #[column(references = TrackComment::id, on_delete = cascade)]
    pub parent_id: Option<i32>,
    #[column(varchar(50), default = "open")]
    pub status: TrackCommentStatus,
    #[column(default = false)]
    pub is_edited: bool,
    pub edited_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i32>,
    pub resolved_at: Option<NaiveDateTime>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `track_comments.version_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum TrackCommentVersionType {
    Demo,
    #[text_enum(rename = "roughMix")]
    RoughMix,
    #[text_enum(rename = "finalMix")]
    FinalMix,
    Master,
}

/// Values of `track_comments.author_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum TrackCommentAuthorType {
    Client,
    Staff,
    Admin,
}

/// Values of `track_comments.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum TrackCommentStatus {
    Open,
    Resolved,
    Archived,
}
