//! The `musicians` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "musicians", db = tenant)]
pub struct Musician {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    #[column(varchar(255))]
    pub stage_name: Option<String>,
    #[column(varchar(255))]
    pub email: Option<String>,
    #[column(varchar(50))]
    pub phone: Option<String>,
    pub bio: Option<String>,
    #[column(varchar(50), default = "musician")]
    pub talent_type: MusicianTalentType,
    #[column(varchar(100))]
    pub primary_instrument: Option<String>,
    #[column(varchar(500))]
    pub website: Option<String>,
    #[column(varchar(500))]
    pub spotify_url: Option<String>,
    #[column(numeric(10, 2))]
    pub hourly_rate: Option<Decimal>,
    pub instruments: Option<String>,
    pub genres: Option<String>,
    #[column(varchar(500))]
    pub photo_url: Option<String>,
    #[column(varchar(500))]
    pub image_url: Option<String>,
    #[column(default = true)]
    pub is_active: bool,
    pub notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `musicians.talent_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum MusicianTalentType {
    Musician,
    Actor,
}
