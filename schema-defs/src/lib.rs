//! The application's tables, declared once: [`master`] (7 tables) and
//! [`tenant`] (31 tables), each exported with its [`SchemaDef`](schema_core::SchemaDef)
//! ([`master::SCHEMA`], [`tenant::SCHEMA`]).
//!
//! Each table lives in a file of its own. Text columns with a documented value
//! set are Rust enums (`#[derive(TextEnum)]`) stored in the same `varchar(n)`;
//! the typed JSON columns of `clients` use the shapes of [`json`].

pub mod json;
pub mod master;
pub mod tenant;

use schema_core::{DbKind, SchemaDef};

/// The compiled schema of one database.
pub fn schema(db: DbKind) -> &'static SchemaDef {
    match db {
        DbKind::Master => &master::SCHEMA,
        DbKind::Tenant => &tenant::SCHEMA,
    }
}
