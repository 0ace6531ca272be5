//! The application this runner serves, behind one seam: everything that
//! names it is here — its schemas (`schema-defs`) and their diagram domains,
//! its data migrations ([`data`]), its registry of tenants in the master
//! ([`registry`]: organizations, `tenant_databases`), its seed sets and the
//! master's reference rows ([`seeds`]). The rest of the runner knows tables
//! only through the declared schemas; no other module names `schema_defs` or
//! `seed` (the test `layers::the_application_is_named_in_app_only` holds it).

pub mod data;
pub mod registry;
pub mod seeds;

use std::sync::{Arc, OnceLock};

use schema_core::{DbKind, SchemaDef};
use schema_model::model::Schema;

use crate::declared::Declared;

/// The application's schema definition of one kind of database.
pub fn schema(db: DbKind) -> &'static SchemaDef {
    schema_defs::schema(db)
}

/// The domains of `db`'s diagrams: a title and the tables drawn under it.
pub fn diagrams(db: DbKind) -> &'static [(&'static str, &'static [&'static str])] {
    match db {
        DbKind::Master => schema_defs::master::DIAGRAMS,
        DbKind::Tenant => schema_defs::tenant::DIAGRAMS,
    }
}

/// The application's schemas and data migrations, as compiled into this
/// runner: what every command brings databases to unless told otherwise.
pub fn declared() -> Arc<Declared> {
    static COMPILED: OnceLock<Arc<Declared>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            Arc::new(
                Declared::new(
                    Schema::from_def(schema(DbKind::Master)),
                    Schema::from_def(schema(DbKind::Tenant)),
                )
                .with_data_migrations(data::all()),
            )
        })
        .clone()
}
