//! The `rooms` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "rooms", db = tenant)]
pub struct Room {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    pub description: Option<String>,
    #[column(name = "type", varchar(50), default = "recording")]
    pub kind: RoomType,
    #[column(numeric(10, 2))]
    pub hourly_rate: Decimal,
    #[column(numeric(10, 2))]
    pub half_day_rate: Option<Decimal>,
    #[column(numeric(10, 2))]
    pub full_day_rate: Option<Decimal>,
    #[column(default = 1)]
    pub capacity: i32,
    pub size: Option<i32>,
    #[column(default = false)]
    pub has_isolation_booth: bool,
    #[column(default = false)]
    pub has_live_room: bool,
    #[column(default = false)]
    pub has_control_room: bool,
    pub equipment_list: Option<String>,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = true)]
    pub is_available_for_booking: bool,
    #[column(varchar(7), default = "#3498db")]
    pub color: Option<String>,
    #[column(varchar(500))]
    pub image_url: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `rooms.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum RoomType {
    Recording,
    Mixing,
    Mastering,
    Rehearsal,
    Live,
}
