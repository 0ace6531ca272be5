//! Seed sets (the application's: [`crate::app::seeds`]) into a tenant: at
//! creation, or later into an empty tenant, counted in its stamp.

use sqlx::{Connection, PgConnection};

use super::inventory::{self, State};
use crate::app::seeds::{check_available, check_scale, SeedSet};
use crate::bookkeeping::ownership::Fleet;
use crate::RunnerError;

/// Run a seed set in one transaction that also records, in the stamp, how many
/// rows the runner put there. Returns the rows inserted.
pub(super) async fn seed_database(
    conn: &mut PgConnection,
    tenant: &str,
    set: SeedSet,
    scale: u64,
    value: u64,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<u64, RunnerError> {
    if set == SeedSet::None {
        return Ok(0);
    }
    check_available(set)?;
    let failed = |e| RunnerError::db("seeding", tenant, e);
    let before = total_rows(conn).await.map_err(failed)?;
    let mut tx = conn.begin().await.map_err(failed)?;
    crate::app::seeds::run(&mut tx, set, scale, value, step)
        .await
        .map_err(failed)?;
    let inserted = total_rows(&mut tx).await.map_err(failed)? - before;
    sqlx::query("UPDATE rsm.stamp SET seeded_rows = seeded_rows + $1")
        .bind(inserted)
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(inserted as u64)
}

/// Rows in all the tenant tables, in one round trip.
pub(super) async fn total_rows(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    let tables = crate::app::schema(schema_core::DbKind::Tenant).tables;
    let sum: Vec<String> = tables
        .iter()
        .map(|t| {
            format!(
                "(SELECT count(*) FROM public.{})",
                schema_core::ident::quote(t.name)
            )
        })
        .collect();
    sqlx::query_scalar(&format!("SELECT {}", sum.join(" + ")))
        .fetch_one(conn)
        .await
}

/// What `tenant seed` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Seeded {
    pub tenant: String,
    pub set: SeedSet,
    pub inserted: u64,
}

/// Seed an existing tenant this master made. Refused up front, with the
/// reason, when it holds another schema or already holds rows (seed sets carry
/// fixed unique values: a second run would collide halfway).
pub async fn seed_existing(
    target: &crate::target::Target,
    tenant: &str,
    set: SeedSet,
    scale: u64,
    value: u64,
) -> Result<Seeded, RunnerError> {
    if set == SeedSet::None {
        return Err(RunnerError::InvalidInput(
            "`--set none` seeds nothing; choose `base` or `realistic`".into(),
        ));
    }
    check_scale(scale)?;
    check_available(set)?;
    let info = inventory::find(target, tenant).await?;
    match info.state {
        State::Current => {}
        State::OtherSchema | State::Unstamped => {
            return Err(RunnerError::FingerprintMismatch {
                tenant: tenant.to_owned(),
                found: info.fingerprint.unwrap_or_else(|| "none".into()),
                expected: target.declared.tenant_fingerprint().to_owned(),
            })
        }
        other => {
            return Err(RunnerError::InvalidInput(format!(
                "tenant `{tenant}` is {}; only a registered tenant can be seeded",
                other.as_str()
            )))
        }
    }
    let mut fleet = Fleet::open(target).await?;
    super::under_lock(&mut fleet, tenant, async |fleet, tenant| {
        seed_locked(fleet, tenant, set, scale, value).await
    })
    .await
}

async fn seed_locked(
    fleet: &mut Fleet,
    tenant: &str,
    set: SeedSet,
    scale: u64,
    value: u64,
) -> Result<Seeded, RunnerError> {
    super::owned_database(fleet, tenant).await?;
    let mut conn = fleet.connect(tenant).await?;
    let rows = total_rows(&mut conn)
        .await
        .map_err(|e| RunnerError::db("counting rows", tenant, e))?;
    if rows > 0 {
        return Err(RunnerError::NotEmpty {
            tenant: tenant.to_owned(),
            rows,
        });
    }
    let inserted = seed_database(&mut conn, tenant, set, scale, value, &mut |_| {}).await?;
    Ok(Seeded {
        tenant: tenant.to_owned(),
        set,
        inserted,
    })
}
