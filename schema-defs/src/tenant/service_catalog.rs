//! The `service_catalog` table.

use schema_core::{Decimal, NaiveDateTime, Table, TextEnum};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "service_catalog", db = tenant)]
pub struct ServiceCatalogItem {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(255))]
    pub name: String,
    pub description: Option<String>,
    #[column(varchar(100))]
    pub category: ServiceCatalogItemCategory,
    #[column(numeric(10, 2))]
    pub unit_price: Decimal,
    #[column(numeric(5, 2), default = 20.00)]
    pub tax_rate: Decimal,
    #[column(numeric(10, 2), default = 1.00)]
    pub default_quantity: Decimal,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = 0)]
    pub display_order: i32,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `service_catalog.category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum ServiceCatalogItemCategory {
    #[text_enum(rename = "Studio")]
    Studio,
    #[text_enum(rename = "Post-production")]
    PostProduction,
    #[text_enum(rename = "Location matériel")]
    LocationMateriel,
    #[text_enum(rename = "Autre")]
    Autre,
}
