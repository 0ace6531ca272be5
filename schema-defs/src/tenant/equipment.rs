//! The `equipment` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

use super::Room;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "equipment", db = tenant)]
pub struct Equipment {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Room::id)]
    pub room_id: Option<i32>,
    #[column(varchar(255))]
    pub name: String,
    #[column(varchar(100))]
    pub brand: Option<String>,
    #[column(varchar(100))]
    pub model: Option<String>,
    #[column(varchar(100))]
    pub serial_number: Option<String>,
    #[column(varchar(100))]
    pub category: EquipmentCategory,
    pub description: Option<String>,
    pub specifications: Option<String>,
    pub purchase_date: Option<NaiveDateTime>,
    #[column(numeric(10, 2))]
    pub purchase_price: Option<Decimal>,
    pub warranty_until: Option<NaiveDateTime>,
    #[column(varchar(50), default = "operational")]
    pub status: EquipmentStatus,
    #[column(varchar(50), default = "good")]
    pub condition: EquipmentCondition,
    pub last_maintenance_at: Option<NaiveDateTime>,
    pub next_maintenance_at: Option<NaiveDateTime>,
    pub maintenance_notes: Option<String>,
    #[column(varchar(255))]
    pub location: Option<String>,
    #[column(default = true)]
    pub is_available: bool,
    #[column(varchar(500))]
    pub image_url: Option<String>,
    pub notes: Option<String>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `equipment.category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum EquipmentCategory {
    Microphone,
    Preamp,
    Interface,
    Outboard,
    Instrument,
    Monitoring,
    Computer,
    Cable,
    Accessory,
    Other,
}

/// Values of `equipment.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum EquipmentStatus {
    Operational,
    Maintenance,
    OutOfService,
    Rented,
}

/// Values of `equipment.condition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum EquipmentCondition {
    Excellent,
    Good,
    Fair,
    Poor,
}
