//! The stamp a database carries: which schema fingerprint the runner last
//! brought it to, whether it is protected, which master made it and how many
//! rows its seed put there. It lives in a schema of its own (`rsm.stamp`), so
//! that `public` holds exactly the application's tables. Tenants and the
//! master are stamped alike.
//!
//! The stamp says what the runner last did; only introspection says what a
//! database is.

use sqlx::{Executor, PgConnection};

/// What a database says of itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stamp {
    pub fingerprint: String,
    pub protected: bool,
    /// The master whose runner made it (absent in stamps of older runners).
    pub master_id: Option<String>,
    /// Rows the runner's seed put in it (what repair may remove with it).
    pub seeded_rows: i64,
}

const STAMP_DDL: &str = "CREATE SCHEMA IF NOT EXISTS rsm;
CREATE TABLE IF NOT EXISTS rsm.stamp (
    fingerprint text NOT NULL,
    stamped_at timestamptz NOT NULL DEFAULT now(),
    protected boolean NOT NULL DEFAULT false,
    master_id text,
    seeded_rows bigint NOT NULL DEFAULT 0
);";

/// Stamp the database `conn` is connected to with `fingerprint` (made when
/// missing; an existing stamp keeps its protection and seed count).
pub async fn write(
    conn: &mut PgConnection,
    fingerprint: &str,
    master_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.stamp') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        conn.execute(STAMP_DDL).await?;
    }
    let updated = sqlx::query(
        "UPDATE rsm.stamp SET fingerprint = $1, stamped_at = now(), master_id = coalesce($2, master_id)",
    )
    .bind(fingerprint)
    .bind(master_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO rsm.stamp (fingerprint, master_id) VALUES ($1, $2)")
            .bind(fingerprint)
            .bind(master_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The stamp of the database `conn` is connected to; `None` when unstamped.
/// Read as JSON, so that stamps written by older runners (fewer columns) still read.
pub async fn read(conn: &mut PgConnection) -> Result<Option<Stamp>, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.stamp') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(None);
    }
    let row: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT to_jsonb(s) FROM rsm.stamp s LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.and_then(|v| {
        Some(Stamp {
            fingerprint: v.get("fingerprint")?.as_str()?.to_owned(),
            protected: v.get("protected").and_then(|p| p.as_bool()) == Some(true),
            master_id: v
                .get("master_id")
                .and_then(|m| m.as_str())
                .map(str::to_owned),
            seeded_rows: v.get("seeded_rows").and_then(|n| n.as_i64()).unwrap_or(0),
        })
    }))
}
