//! `rsm.history` in each database: one row per migration applied to it.

use sqlx::{Executor, PgConnection};

const HISTORY_DDL: &str = "CREATE SCHEMA IF NOT EXISTS rsm;
CREATE TABLE IF NOT EXISTS rsm.history (
    id bigserial PRIMARY KEY,
    run_id text,
    applied_at timestamptz NOT NULL DEFAULT now(),
    fingerprint_before text NOT NULL,
    fingerprint_after text NOT NULL,
    statements text NOT NULL,
    data_migrations text[] NOT NULL DEFAULT '{}',
    duration_ms bigint NOT NULL,
    runner_version text NOT NULL
);";

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
    pub fn baseline(declared: &crate::declared::Declared, db: schema_core::DbKind) -> Entry<'_> {
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

/// Record an entry (the table made when missing), on the migrating transaction.
pub async fn record(conn: &mut PgConnection, entry: &Entry<'_>) -> Result<(), sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.history') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    record_known(conn, exists, entry).await
}

/// [`record`], knowing whether the table exists.
pub async fn record_known(
    conn: &mut PgConnection,
    exists: bool,
    entry: &Entry<'_>,
) -> Result<(), sqlx::Error> {
    if !exists {
        conn.execute(HISTORY_DDL).await?;
    }
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
