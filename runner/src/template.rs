//! The tenant schema as it stands: its fingerprint, the stamp a tenant database
//! carries, and the template database new tenants are cloned from.
//!
//! The stamp lives in a schema of its own (`rsm.stamp`), so that `public` holds
//! exactly the application's tables. The template is `{prefix}template_{fingerprint}`:
//! built once per compiled schema, marked `IS_TEMPLATE` only when complete, so a
//! half-built one (a crash while building) is recognised and rebuilt.

use std::sync::OnceLock;

use schema_core::{ddl, ident::quote, DbKind};
use sqlx::{Connection, Executor, PgConnection};

use crate::target::{drop_database, Target};
use crate::RunnerError;

/// The compiled tenant schema's fingerprint.
pub fn fingerprint() -> &'static str {
    static FINGERPRINT: OnceLock<String> = OnceLock::new();
    FINGERPRINT.get_or_init(|| ddl::fingerprint(schema_defs::schema(DbKind::Tenant)))
}

/// The template database's name on `target`.
pub fn template_name(target: &Target) -> String {
    format!("{}template_{}", target.tenant_prefix, &fingerprint()[..12])
}

/// What a tenant database says of itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stamp {
    pub fingerprint: String,
    pub protected: bool,
}

const STAMP_DDL: &str = "CREATE SCHEMA rsm;
CREATE TABLE rsm.stamp (
    fingerprint text NOT NULL,
    stamped_at timestamptz NOT NULL DEFAULT now(),
    protected boolean NOT NULL DEFAULT false
);";

/// Create the tenant schema and its stamp in an empty database, in one transaction.
pub async fn apply_schema(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin().await?;
    tx.execute(ddl::create_script(schema_defs::schema(DbKind::Tenant)).as_str())
        .await?;
    tx.execute(STAMP_DDL).await?;
    sqlx::query("INSERT INTO rsm.stamp (fingerprint) VALUES ($1)")
        .bind(fingerprint())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The stamp of the database `conn` is connected to; `None` when unstamped.
pub async fn read_stamp(conn: &mut PgConnection) -> Result<Option<Stamp>, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.stamp') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(None);
    }
    let row: Option<(String, bool)> =
        sqlx::query_as("SELECT fingerprint, protected FROM rsm.stamp LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(fingerprint, protected)| Stamp {
        fingerprint,
        protected,
    }))
}

/// Make sure the current template exists and is complete; returns its name.
/// Builds it under an advisory lock so that concurrent runners build it once.
pub async fn ensure_template(
    target: &Target,
    admin: &mut PgConnection,
) -> Result<String, RunnerError> {
    let name = template_name(target);
    if is_complete_template(admin, &name).await? {
        return Ok(name);
    }
    let key = lock_key(&format!("template:{name}"));
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut *admin)
        .await
        .map_err(|e| RunnerError::db("locking the template", &name, e))?;
    let built = build_template(target, admin, &name).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(key)
        .execute(&mut *admin)
        .await
        .ok();
    built.map(|()| name)
}

async fn is_complete_template(admin: &mut PgConnection, name: &str) -> Result<bool, RunnerError> {
    let complete: Option<bool> =
        sqlx::query_scalar("SELECT datistemplate FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut *admin)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    Ok(complete == Some(true))
}

async fn build_template(
    target: &Target,
    admin: &mut PgConnection,
    name: &str,
) -> Result<(), RunnerError> {
    if is_complete_template(admin, name).await? {
        return Ok(()); // another runner built it while we waited
    }
    // A half-built leftover, or a template of an older schema: drop them.
    let templates = format!("{}template_", target.tenant_prefix);
    let stale: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database")
        .fetch_all(&mut *admin)
        .await
        .map_err(|e| RunnerError::db("listing templates", name, e))?;
    for old in stale.iter().filter(|d| d.starts_with(&templates)) {
        // An old template being cloned right now is left for next time.
        drop_database(admin, old).await.ok();
    }
    admin
        .execute(format!("CREATE DATABASE {}", quote(name)).as_str())
        .await
        .map_err(|e| RunnerError::db("creating the template", name, e))?;
    let built = fill_template(target, admin, name).await;
    if built.is_err() {
        drop_database(admin, name).await.ok();
    }
    built
}

/// The schema into the new template, then the seal: no connections, IS_TEMPLATE.
async fn fill_template(
    target: &Target,
    admin: &mut PgConnection,
    name: &str,
) -> Result<(), RunnerError> {
    let mut conn = target.connect(name).await?;
    apply_schema(&mut conn)
        .await
        .map_err(|e| RunnerError::db("creating the tenant schema in the template", name, e))?;
    conn.close().await.ok();
    // Nobody connects to a template: a connection would block cloning.
    let seal = format!(
        "REVOKE CONNECT ON DATABASE {0} FROM PUBLIC; ALTER DATABASE {0} IS_TEMPLATE true",
        quote(name)
    );
    admin
        .execute(seal.as_str())
        .await
        .map_err(|e| RunnerError::db("sealing the template", name, e))?;
    Ok(())
}

/// How a tenant database got its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Cloned from the template (`CREATE DATABASE ... TEMPLATE`).
    Cloned,
    /// The template was busy: created empty, then the schema applied.
    Ddl,
}

/// Create `name` holding the current tenant schema: a clone of the template,
/// or plain DDL when the template is busy (someone is connected to it).
pub async fn create_database(
    target: &Target,
    admin: &mut PgConnection,
    name: &str,
) -> Result<Method, RunnerError> {
    let template = ensure_template(target, admin).await?;
    let clone = format!(
        "CREATE DATABASE {} TEMPLATE {}",
        quote(name),
        quote(&template)
    );
    match admin.execute(clone.as_str()).await {
        Ok(_) => return Ok(Method::Cloned),
        // 55006: "source database ... is being accessed by other users".
        Err(e)
            if e.as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "55006") => {}
        Err(e) => return Err(RunnerError::db("cloning the template", name, e)),
    }
    admin
        .execute(format!("CREATE DATABASE {}", quote(name)).as_str())
        .await
        .map_err(|e| RunnerError::db("creating the database", name, e))?;
    let mut conn = target.connect(name).await?;
    apply_schema(&mut conn)
        .await
        .map_err(|e| RunnerError::db("creating the tenant schema", name, e))?;
    conn.close().await.ok();
    Ok(Method::Ddl)
}

/// A stable advisory-lock key for a name (its FNV-1a hash, as PostgreSQL's bigint).
pub fn lock_key(name: &str) -> i64 {
    schema_core::factory::stream_id(name) as i64
}
