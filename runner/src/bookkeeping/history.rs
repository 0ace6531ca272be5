//! `rsm.history` in each database: one row per migration applied to it.

use sqlx::PgConnection;

use crate::bookkeeping::rsm::{self, Ladder};

/// A migration applied to one database.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub run_id: Option<&'a str>,
    pub fingerprint_before: &'a str,
    pub fingerprint_after: &'a str,
    pub statements: String,
    pub data_migrations: Vec<String>,
    pub duration_ms: i64,
}

impl Entry<'_> {
    /// The first row of a database made at the declared schema: every data
    /// migration registered so far counts as done.
    pub(crate) fn baseline(
        declared: &crate::declared::Declared,
        db: schema_core::DbKind,
    ) -> Entry<'_> {
        Entry {
            run_id: None,
            fingerprint_before: declared.fingerprint(db),
            fingerprint_after: declared.fingerprint(db),
            statements: String::new(),
            data_migrations: declared
                .data_migrations(db)
                .map(|m| m.name.to_owned())
                .collect(),
            duration_ms: 0,
        }
    }
}

/// Record an entry (the runner's schema brought up to date first), on the
/// migrating transaction.
pub async fn record(conn: &mut PgConnection, entry: &Entry<'_>) -> Result<(), sqlx::Error> {
    rsm::upgrade(conn, Ladder::Database).await?;
    insert(conn, entry).await
}

/// [`record`], knowing the runner's schema is up to date.
pub(crate) async fn insert(conn: &mut PgConnection, entry: &Entry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rsm.history (run_id, fingerprint_before, fingerprint_after, statements, data_migrations, duration_ms, runner_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.run_id)
    .bind(entry.fingerprint_before)
    .bind(entry.fingerprint_after)
    .bind(&entry.statements)
    .bind(&entry.data_migrations)
    .bind(entry.duration_ms)
    .bind(env!("CARGO_PKG_VERSION"))
    .execute(conn)
    .await
    .map(|_| ())
}
