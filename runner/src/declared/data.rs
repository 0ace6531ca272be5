//! Data migrations: Rust functions registered by name with the declared
//! schemas ([`Declared`](crate::declared::Declared)), each run once per
//! database inside the migrating transaction, after the schema steps, and
//! recorded in that database's `rsm.history`. A failure rolls the whole
//! database back.

use std::future::Future;
use std::pin::Pin;

use schema_core::DbKind;
use sqlx::PgConnection;

/// What a data migration returns: the rows it changed, or the error that
/// rolls its database back.
pub type DataFuture<'c> = Pin<Box<dyn Future<Output = Result<u64, sqlx::Error>> + Send + 'c>>;

#[derive(Clone, Copy)]
pub struct DataMigration {
    /// Unique, stable: what `rsm.history` records.
    pub name: &'static str,
    pub db: DbKind,
    /// Runs on the migrating transaction, once the schema steps are applied.
    pub run: for<'c> fn(&'c mut PgConnection) -> DataFuture<'c>,
}

impl std::fmt::Debug for DataMigration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataMigration({}, {})", self.name, self.db)
    }
}
