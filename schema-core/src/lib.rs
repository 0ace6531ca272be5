//! Runtime of the schema compiler.
//!
//! `#[derive(Table)]` (re-exported here) turns a struct into `'static` metadata
//! ([`TableDef`]) and a few thin impls; everything that *does* something with that
//! metadata lives in this crate as ordinary, unit-tested functions:
//!
//! * [`factory`]: faked, reproducible rows for tests and seeds (feature
//!   `factories`, on by default);
//! * the insert builders' runtime ([`IntoValue`], [`Set`], [`Unset`]);
//! * [`ident`]: quoting and checking PostgreSQL identifiers.
//!
//! The owned schema model, DDL, introspection and the diff engine live in
//! `schema-model`, which depends on this crate: changing them never rebuilds
//! the tables.
//!
//! ```
//! use schema_core::{Table, Decimal};
//!
//! #[derive(Table)]
//! #[table(name = "rooms", db = tenant)]
//! pub struct Room {
//!     #[column(primary_key, serial)]
//!     pub id: i32,
//!     #[column(varchar(255))]
//!     pub name: String,
//!     #[column(numeric(10, 2))]
//!     pub hourly_rate: Decimal,
//!     #[column(default = true)]
//!     pub is_active: bool,
//! }
//!
//! let def = Room::DEF;
//! assert_eq!(def.name, "rooms");
//! assert_eq!(def.columns[1].sql_type.to_string(), "character varying(255)");
//! assert_eq!(Room::hourly_rate.name, "hourly_rate");
//! ```
//!
//! Every table gets a typed insert builder. The required columns (here `name`
//! and `hourly_rate`: NOT NULL, no default, not serial) must be given before
//! `returning_row` / `returning_key` compile; the others may be:
//!
//! ```no_run
//! # use schema_core::{Table, Decimal};
//! # #[derive(Debug, Table)]
//! # #[table(name = "rooms", db = tenant)]
//! # pub struct Room {
//! #     #[column(primary_key, serial)]
//! #     pub id: i32,
//! #     #[column(varchar(255))]
//! #     pub name: String,
//! #     #[column(numeric(10, 2))]
//! #     pub hourly_rate: Decimal,
//! #     #[column(default = true)]
//! #     pub is_active: bool,
//! # }
//! async fn add_room(pool: &sqlx::PgPool) -> Result<Room, sqlx::Error> {
//!     Room::insert()
//!         .name("Studio A")
//!         .hourly_rate(Decimal::new(4500, 2))
//!         .returning_row(pool)
//!         .await
//! }
//! ```

mod def;
#[cfg(feature = "factories")]
pub mod factory;
pub mod hash;
pub mod ident;
mod insert;
mod literal;
mod schema;
mod types;

pub use def::{
    CheckDef, Column, ColumnDef, ColumnGroup, Database, DbKind, DefaultDef, FkAction,
    ForeignKeyDef, IndexDef, Master, SchemaDef, Table, TableDef, Tenant,
};
#[cfg(feature = "factories")]
pub use factory::{FakeValue, HasFactory, Seed};
pub use insert::{IntoValue, Set, Unset};
pub use types::{ColumnType, NumericType, SerialType, SqlType, TextEnum, TextType, UnknownValue};

pub use schema_macros::{ColumnGroup, Table, TextEnum};

pub use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
pub use rust_decimal::Decimal;
pub use sqlx::types::Json;
pub use uuid::Uuid;

/// Items the generated code reaches; not a public API.
#[doc(hidden)]
pub mod __private;
