//! Tenants: one module per job.
//!
//! * [`create`](create()): all or nothing, safe beside other runners; a
//!   [`Creator`] creates one after another over connections it keeps;
//! * [`list`] and [`find`]: where each tenant stands;
//! * [`drop`](drop()), [`cleanup`], [`repair`]: removal, only of what this
//!   master can prove it made;
//! * [`protect`]: production tenants are never dropped;
//! * [`rotate_credentials`]: the only place a password is shown;
//! * [`seed_existing`]: a seed set into an empty tenant;
//! * [`move_tenant`]: to another server of the fleet.

mod access;
mod allocate;
mod create;
mod creator;
mod fault;
mod inventory;
mod moving;
pub mod pool;
mod remove;
mod seed;

pub use crate::app::registry::{check_organization_name, slugify};
pub use crate::app::seeds::{check_available, check_scale, SeedSet, MAX_SCALE};
pub use access::{
    close_public_exposure, open_to_public, public_exposure, rotate_credentials, Credentials,
    DEFAULT_CONNECTION_LIMIT, MAX_CONNECTION_LIMIT,
};
pub use create::{create, create_reporting, progress_steps, CreateOptions, Created, Step};
#[cfg(feature = "testing")]
pub use create::{Fault, FaultAction};
pub use creator::Creator;
pub(crate) use inventory::concurrently_by;
pub use inventory::{exposure_fix, find, find_on, list, sort, survey, State, Survey, TenantInfo};
pub use moving::{move_reporting, move_tenant, MoveOptions, MoveStep, Moved, MAX_JOBS};
pub use remove::{
    cleanup, drop, plan_cleanup, repair, repair_all, CleanupPlan, CleanupReport, Dropped, Kept,
    Repaired, Selection,
};
pub use seed::{seed_connections, seed_existing, Seeded};

use std::time::Duration;

use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Fleet, OwnedDatabase, Proof};
use crate::target::{check_name, Target};
use crate::RunnerError;

/// How long a command waits for another runner working on the same tenant.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Run `work` under the tenant's lock: the one way a command changes a
/// tenant, so that it decides on what it reads under the lock. Another runner
/// holding it for [`LOCK_WAIT`] makes the tenant [`RunnerError::Busy`].
async fn under_lock<T>(
    fleet: &mut Fleet,
    tenant: &str,
    work: impl AsyncFnOnce(&mut Fleet, &str) -> Result<T, RunnerError>,
) -> Result<T, RunnerError> {
    let key = LockKey::database(tenant);
    let locked = lock::acquire(&mut fleet.admin, key, LOCK_WAIT)
        .await
        .map_err(|e| RunnerError::db("taking the tenant's lock", tenant, e))?;
    if !locked {
        return Err(RunnerError::Busy {
            database: tenant.to_owned(),
            what: "another runner is creating, dropping or changing it".into(),
        });
    }
    // On the server the master records the tenant on (read under the lock).
    let done = match fleet.work_on_database(tenant).await {
        Ok(()) => work(fleet, tenant).await,
        Err(e) => Err(e),
    };
    fleet.release_here(key).await;
    lock::release(&mut fleet.admin, key).await;
    done
}

/// The tenant's database, proven this master's; gone is
/// [`RunnerError::AlreadyDropped`], another's is [`RunnerError::NotOwned`].
async fn owned_database(fleet: &mut Fleet, tenant: &str) -> Result<OwnedDatabase, RunnerError> {
    let proof = ownership::prove_database(fleet, tenant)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", tenant, e))?;
    match proof {
        Proof::Owned(db) => Ok(db),
        Proof::Absent => Err(RunnerError::AlreadyDropped {
            tenant: tenant.to_owned(),
        }),
        Proof::NotOwned(reason) => Err(not_owned(fleet, tenant, reason)),
    }
}

fn not_owned(fleet: &Fleet, tenant: &str, reason: String) -> RunnerError {
    RunnerError::NotOwned {
        database: tenant.to_owned(),
        master: fleet.master_db().to_owned(),
        reason,
    }
}

/// Mark a tenant this master made protected (production) or not; under the
/// tenant's lock, so that a drop running at the same time sees one or the other.
pub async fn protect(target: &Target, tenant: &str, on: bool) -> Result<TenantInfo, RunnerError> {
    check_name("tenant name", tenant)?;
    let mut info = find(target, tenant).await?;
    let mut fleet = Fleet::open(target).await?;
    under_lock(&mut fleet, tenant, async |fleet, tenant| {
        mark_protected(fleet, tenant, on).await
    })
    .await?;
    info.protected = on;
    Ok(info)
}

async fn mark_protected(fleet: &mut Fleet, tenant: &str, on: bool) -> Result<(), RunnerError> {
    owned_database(fleet, tenant).await?;
    let mut conn = fleet.connect(tenant).await?;
    let unstamped = || RunnerError::Unstamped {
        tenant: tenant.to_owned(),
    };
    let has_stamp: bool = sqlx::query_scalar("SELECT to_regclass('rsm.stamp') IS NOT NULL")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| RunnerError::db("reading the stamp", tenant, e))?;
    if !has_stamp {
        return Err(unstamped());
    }
    let updated = sqlx::query("UPDATE rsm.stamp SET protected = $1")
        .bind(on)
        .execute(&mut conn)
        .await
        .map_err(|e| RunnerError::db("updating the stamp", tenant, e))?;
    if updated.rows_affected() == 0 {
        return Err(unstamped());
    }
    Ok(())
}
