//! Advisory locks: the one way runners on a server exclude each other.
//!
//! Session-level locks, held by the connection that takes them and released
//! when it closes — so a killed runner never leaves a lock behind, and a free
//! lock on a database's name means nobody is creating or dropping it now.
//! Whoever acts on a database takes its lock first and then reads its state
//! again: a decision is never made on what was read before the lock.

use std::time::{Duration, Instant};

use sqlx::PgConnection;

/// What a lock protects; the key is a stable hash of a namespaced name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockKey(i64);

impl LockKey {
    /// A database (tenant or template) by name: its creation, drop,
    /// protection and credentials. Names are unique on a server, and so is this.
    pub fn database(name: &str) -> LockKey {
        LockKey::of("database", name)
    }

    /// The choice of the next tenant name on the server.
    pub fn allocation() -> LockKey {
        LockKey::of("allocation", "")
    }

    /// Building a template.
    pub fn template(name: &str) -> LockKey {
        LockKey::of("template", name)
    }

    /// `master init` of one master.
    pub(crate) fn master_init(name: &str) -> LockKey {
        LockKey::of("master-init", name)
    }

    /// An upgrade of one ladder of the runner's own schema in a database
    /// (advisory locks are per database); taken for the transaction only.
    pub(crate) fn rsm_upgrade(ladder: &str) -> LockKey {
        LockKey::of("rsm-upgrade", ladder)
    }

    /// The key, for SQL written with it.
    pub fn value(self) -> i64 {
        self.0
    }

    fn of(kind: &str, name: &str) -> LockKey {
        LockKey(schema_core::hash::stream_id(&format!("rsm:{kind}:{name}")) as i64)
    }
}

/// Take the lock if nobody holds it.
pub async fn try_acquire(conn: &mut PgConnection, key: LockKey) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(key.0)
        .fetch_one(conn)
        .await
}

/// Wait for the lock, at most `wait`; `false` when it stayed held.
pub async fn acquire(
    conn: &mut PgConnection,
    key: LockKey,
    wait: Duration,
) -> Result<bool, sqlx::Error> {
    let deadline = Instant::now() + wait;
    loop {
        if try_acquire(conn, key).await? {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Release a lock this connection holds (a closed connection releases all).
pub async fn release(conn: &mut PgConnection, key: LockKey) {
    release_each(conn, &[key]).await
}

/// Release locks this connection holds, in one statement.
pub async fn release_each(conn: &mut PgConnection, keys: &[LockKey]) {
    let keys: Vec<i64> = keys.iter().map(|k| k.0).collect();
    let _ = sqlx::query("SELECT pg_advisory_unlock(k) FROM unnest($1::bigint[]) AS k")
        .bind(keys)
        .execute(conn)
        .await;
}

/// Whether another session holds the lock right now.
pub(crate) async fn is_held(conn: &mut PgConnection, key: LockKey) -> Result<bool, sqlx::Error> {
    let free = try_acquire(conn, key).await?;
    if free {
        release(conn, key).await;
    }
    Ok(!free)
}
