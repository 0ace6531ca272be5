//! The run ledger in the master's `rsm` schema: each `migrate` run and what
//! it did to each database, so that a killed run can `--resume` without
//! redoing the databases it finished. A run holds its own advisory lock while
//! it lives: a run whose lock is free was killed.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use crate::bookkeeping::lock::{self, LockKey};

/// The lock a live run holds (on an admin connection).
pub(crate) fn run_lock(id: &str) -> LockKey {
    LockKey::database(&format!("rsm-run:{id}"))
}

/// The ledger (and the rest of the master's records) brought to this
/// runner's version.
pub(crate) async fn ensure(master: &mut PgConnection) -> Result<(), sqlx::Error> {
    crate::bookkeeping::rsm::upgrade(master, crate::bookkeeping::rsm::Ladder::Master).await
}

/// Start a run.
pub async fn start(
    master: &mut PgConnection,
    id: &str,
    master_fingerprint: &str,
    tenant_fingerprint: &str,
    options: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rsm.runs (id, master_fingerprint, tenant_fingerprint, options, state) VALUES ($1, $2, $3, $4, 'running')",
    )
    .bind(id)
    .bind(master_fingerprint)
    .bind(tenant_fingerprint)
    .bind(options)
    .execute(master)
    .await
    .map(|_| ())
}

/// The latest run to the same schemas that did not finish, if its runner is
/// gone (its lock free; `admin` takes it for the resuming run).
pub(crate) async fn resumable(
    master: &mut PgConnection,
    admin: &mut PgConnection,
    master_fingerprint: &str,
    tenant_fingerprint: &str,
) -> Result<Option<String>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM rsm.runs WHERE state <> 'finished' AND master_fingerprint = $1 AND tenant_fingerprint = $2
          ORDER BY started_at DESC",
    )
    .bind(master_fingerprint)
    .bind(tenant_fingerprint)
    .fetch_all(&mut *master)
    .await?;
    for id in ids {
        if lock::try_acquire(admin, run_lock(&id)).await? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Databases the run has finished (migrated or found current).
pub(crate) async fn finished_databases(
    master: &mut PgConnection,
    id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT database FROM rsm.run_databases WHERE run_id = $1 AND outcome IN ('migrated', 'unchanged', 'stamped')",
    )
    .bind(id)
    .fetch_all(master)
    .await
}

pub async fn record(
    master: &mut PgConnection,
    id: &str,
    database: &str,
    outcome: &str,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rsm.run_databases (run_id, database, outcome, detail) VALUES ($1, $2, $3, $4)
         ON CONFLICT (run_id, database) DO UPDATE SET outcome = excluded.outcome, detail = excluded.detail, at = now()",
    )
    .bind(id)
    .bind(database)
    .bind(outcome)
    .bind(detail)
    .execute(master)
    .await
    .map(|_| ())
}

/// Whether the master has its table of data migrations run (a master no
/// migrate run has touched yet has none).
async fn records_data_migrations(master: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT to_regclass('rsm.data_migrations') IS NOT NULL")
        .fetch_one(master)
        .await
}

/// The data migrations the master records as run, by database (none when
/// no run ever recorded one).
pub async fn data_migrations(
    master: &mut PgConnection,
) -> Result<BTreeMap<String, Vec<String>>, sqlx::Error> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if records_data_migrations(master).await? {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT database, name FROM rsm.data_migrations")
                .fetch_all(master)
                .await?;
        for (database, name) in rows {
            out.entry(database).or_default().push(name);
        }
    }
    Ok(out)
}

/// Record that these data migrations ran in `database`.
pub(crate) async fn record_data_migrations(
    master: &mut PgConnection,
    database: &str,
    names: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rsm.data_migrations (database, name) SELECT $1, unnest($2::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(database)
    .bind(names)
    .execute(master)
    .await
    .map(|_| ())
}

/// Forget what ran in a database that is gone (its name may be taken again).
pub(crate) async fn forget_data_migrations(
    master: &mut PgConnection,
    database: &str,
) -> Result<(), sqlx::Error> {
    if records_data_migrations(master).await? {
        sqlx::query("DELETE FROM rsm.data_migrations WHERE database = $1")
            .bind(database)
            .execute(master)
            .await?;
    }
    Ok(())
}

pub async fn finish(master: &mut PgConnection, id: &str, state: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rsm.runs SET state = $2, finished_at = now() WHERE id = $1")
        .bind(id)
        .bind(state)
        .execute(master)
        .await
        .map(|_| ())
}
