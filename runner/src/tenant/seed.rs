//! Seed sets (the application's: [`crate::app::seeds`]) into a tenant: at
//! creation, or later into an empty tenant, counted in its stamp.

use sqlx::{Connection, PgConnection};

use super::inventory::{self, State};
use crate::app::seeds::{check_available, check_scale, SeedSet};
use crate::bookkeeping::ownership::Fleet;
use crate::RunnerError;

/// How many connections a seed into a new tenant loads over: one per core
/// of this machine, from 2 to 4 (the generator and PostgreSQL share them).
pub fn seed_connections() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4)
}

/// Run a seed set into an existing empty tenant in one transaction that
/// also records, in the stamp, how many rows the runner put there: all or
/// nothing. Returns the rows inserted.
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
    crate::app::seeds::run(std::slice::from_mut(&mut *tx), set, scale, value, step)
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

/// Run a seed set into a tenant being created, over `conns` at once (see
/// [`seed_connections`]) when the set loads in parallel, else in one
/// transaction on the first. Returns the rows.
///
/// A parallel load is not one transaction: the rows it is about to put
/// there are recorded in the stamp first, so that a failure or a kill
/// leaves a database still being created whose rows are all the runner's,
/// which the create (or the next run's repair) drops, as after any step of
/// a create; the stamp then records the rows found.
pub(super) async fn seed_new_database(
    conns: &mut [PgConnection],
    tenant: &str,
    set: SeedSet,
    scale: u64,
    value: u64,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<u64, RunnerError> {
    let Some(planned) = crate::app::seeds::parallel_rows(set, scale) else {
        return seed_database(&mut conns[0], tenant, set, scale, value, step).await;
    };
    check_available(set)?;
    let failed = |e| RunnerError::db("seeding", tenant, e);
    record_seeded(&mut conns[0], planned as i64)
        .await
        .map_err(failed)?;
    crate::app::seeds::run(conns, set, scale, value, step)
        .await
        .map_err(failed)?;
    let found = total_rows(&mut conns[0]).await.map_err(failed)?;
    record_seeded(&mut conns[0], found).await.map_err(failed)?;
    Ok(found as u64)
}

/// The rows the runner put into this new tenant (its stamp's `seeded_rows`).
async fn record_seeded(conn: &mut PgConnection, rows: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rsm.stamp SET seeded_rows = $1")
        .bind(rows)
        .execute(conn)
        .await
        .map(drop)
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
