//! Step 1 of `tenant create`, under the fleet's allocation lock: the server,
//! the name and its lock, the recorded intent, and a spare claimed from the
//! warm pool.
//!
//! The name is the prefix and the first number above the highest this master
//! allocated for it (`rsm.allocation`, read with the master) that no database
//! or role on the server, no record of this master and no registry row uses,
//! and whose lock is free. Each candidate is looked up by name on both sides
//! (however large the fleet); the mark moves to the number taken in the
//! statement, and the commit, that records the intent. Without a mark (a
//! master that never allocated, or whose records predate it), or after
//! [`JUMP_AFTER`] names in a row were taken (another master with the same
//! prefix, databases made by hand), the next candidate is one above the
//! highest number any name uses: a read of every name, on the server and in
//! the master.

use super::create::CreateOptions;
use super::pool;
use crate::app::registry as organization;
use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Fleet};
use crate::RunnerError;

/// Candidates taken in a row before the next is looked for above every name.
const JUMP_AFTER: u32 = 4;

pub(super) struct Allocated {
    pub number: u64,
    pub tenant: String,
    pub organization: String,
    pub slug: String,
    /// The spare claimed from the warm pool (its lock held), if any.
    pub spare: Option<String>,
}

/// The name, its lock and the recorded intent.
pub(super) async fn allocate(
    fleet: &mut Fleet,
    options: &CreateOptions,
) -> Result<Allocated, RunnerError> {
    fleet
        .under_allocation_lock(async |fleet| allocate_locked(fleet, options).await)
        .await
}

async fn allocate_locked(
    fleet: &mut Fleet,
    options: &CreateOptions,
) -> Result<Allocated, RunnerError> {
    // The server first: the name must be free there too.
    let server = crate::servers::place(fleet, options.server.as_deref()).await?;
    fleet.work_on(server).await?;
    let (number, tenant) = free_name(fleet).await?;
    // Held on the tenant's server too, until this runner's statements there
    // are done (its session ends after a kill only when they are).
    if let Err(e) = fleet.hold_here(LockKey::database(&tenant)).await {
        lock::release(&mut fleet.admin, LockKey::database(&tenant)).await;
        return Err(e);
    }
    let recorded = match record(fleet, options, number, &tenant).await {
        Ok(mut allocated) if options.pooled => match pool::claim(fleet, &tenant).await {
            Ok(spare) => {
                // Its rename runs on the spare's server: held there too.
                let held = match &spare {
                    Some(spare) => fleet.hold_here(LockKey::database(spare)).await,
                    None => Ok(()),
                };
                match held {
                    Ok(()) => {
                        allocated.spare = spare;
                        Ok(allocated)
                    }
                    Err(e) => {
                        if let Some(spare) = &spare {
                            let _ = pool::unclaim(&mut fleet.master, spare).await;
                            lock::release(&mut fleet.admin, LockKey::database(spare)).await;
                        }
                        let _ = ownership::forget(&mut fleet.master, &tenant).await;
                        Err(e)
                    }
                }
            }
            Err(e) => {
                let _ = ownership::forget(&mut fleet.master, &tenant).await;
                Err(e)
            }
        },
        recorded => recorded,
    };
    if recorded.is_err() {
        lock::release(&mut fleet.admin, LockKey::database(&tenant)).await;
        fleet.release_here(LockKey::database(&tenant)).await;
    }
    recorded
}

/// The next free tenant name and its number, its lock taken (see the module
/// documentation).
async fn free_name(fleet: &mut Fleet) -> Result<(u64, String), RunnerError> {
    let prefix = fleet.target.tenant_prefix.clone();
    let mut number = match fleet.allocated_up_to.take() {
        Some(mark) => mark,
        None => highest_taken(fleet).await?,
    };
    let mut taken_in_a_row = 0;
    loop {
        number = number.checked_add(1).ok_or_else(|| {
            RunnerError::InvalidInput(format!("no tenant number is left for prefix {prefix:?}"))
        })?;
        let name = format!("{prefix}{number}");
        // PostgreSQL would cut a name past 63 bytes, silently (and onto another's).
        crate::target::check_name("tenant name", &name)?;
        let (mark, taken) = look_up(fleet, &name).await?;
        if let Some(mark) = mark.filter(|&mark| mark >= number) {
            // Another create of this master went this far since it was read.
            number = mark;
            continue;
        }
        if taken {
            taken_in_a_row += 1;
            if taken_in_a_row == JUMP_AFTER {
                taken_in_a_row = 0;
                number = number.max(highest_taken(fleet).await?);
            }
            continue;
        }
        // A name whose lock is held is being created elsewhere (perhaps by
        // another master with the same prefix): the next one.
        if lock::try_acquire(&mut fleet.admin, LockKey::database(&name))
            .await
            .map_err(|e| RunnerError::db("taking a lock", &name, e))?
        {
            return Ok((number, name));
        }
    }
}

/// Whether `name` is taken on the server worked on or in the master, and
/// the master's mark now (moved by [`record`], with the intent; another
/// create may have moved it since the fleet was opened).
async fn look_up(fleet: &mut Fleet, name: &str) -> Result<(Option<u64>, bool), RunnerError> {
    let prefix = fleet.target.tenant_prefix.clone();
    let in_master_sql = format!(
        "SELECT (SELECT highest FROM rsm.allocation WHERE prefix = $1),
                EXISTS (SELECT FROM rsm.databases WHERE name = $2)
                OR EXISTS (SELECT FROM ({}) AS registered WHERE name = $2)",
        organization::REGISTERED_NAMES
    );
    // Both sides at once (two connections).
    let (admin, master) = fleet.server_admin_and_master();
    let (on_server, in_master) = tokio::join!(
        sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)
                 OR EXISTS (SELECT FROM pg_roles WHERE rolname = $1)"
        )
        .bind(name)
        .fetch_one(admin),
        sqlx::query_as::<_, (Option<i64>, bool)>(&in_master_sql)
            .bind(&prefix)
            .bind(name)
            .fetch_one(master)
    );
    let on_server = on_server.map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let (mark, in_master) =
        in_master.map_err(|e| fleet.master_error("reading the runner's records", e))?;
    Ok((mark.map(|m| m as u64), on_server || in_master))
}

/// The highest tenant number taken: by a database or role on the server, a
/// record of this master or a registry row (every name read, on both
/// connections at once). Every canonical name above it is free of all four.
async fn highest_taken(fleet: &mut Fleet) -> Result<u64, RunnerError> {
    let prefix = fleet.target.tenant_prefix.clone();
    let server_sql = highest_number_sql(
        "(SELECT datname::text AS name FROM pg_database
           UNION ALL SELECT rolname::text FROM pg_roles) AS taken",
    );
    let recorded_sql = highest_number_sql(&format!(
        "(SELECT name FROM rsm.databases UNION ALL {}) AS recorded",
        organization::REGISTERED_NAMES
    ));
    let (admin, master) = fleet.server_admin_and_master();
    let (on_server, in_master) = tokio::join!(
        sqlx::query_scalar::<_, Option<i64>>(&server_sql)
            .bind(&prefix)
            .fetch_one(admin),
        sqlx::query_scalar::<_, Option<i64>>(&recorded_sql)
            .bind(&prefix)
            .fetch_one(master)
    );
    let on_server = on_server.map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let in_master = in_master.map_err(|e| fleet.master_error("reading the runner's records", e))?;
    Ok([on_server, in_master]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0) as u64)
}

/// SQL for the highest tenant number among the `name`s of `from` for prefix
/// `$1`: canonical numbers only (no leading zero, as
/// [`crate::target::Target::tenant_number`] reads them), at most 18 digits.
fn highest_number_sql(from: &str) -> String {
    format!(
        "SELECT max(substr(name, length($1) + 1)::bigint) FROM {from}
          WHERE starts_with(name, $1) AND substr(name, length($1) + 1) ~ '^(0|[1-9][0-9]{{0,17}})$'"
    )
}

async fn record(
    fleet: &mut Fleet,
    options: &CreateOptions,
    number: u64,
    tenant: &str,
) -> Result<Allocated, RunnerError> {
    let organization = options
        .name
        .clone()
        .unwrap_or_else(|| format!("Studio {number}"));
    let slug = organization::free_slug(&mut fleet.master, &organization, number)
        .await
        .map_err(|e| fleet.master_error("choosing the slug", e))?;
    let server = fleet.server.name.clone();
    let prefix = fleet.target.tenant_prefix.clone();
    ownership::record_allocated(&mut fleet.master, tenant, &slug, &server, (&prefix, number))
        .await
        .map_err(|e| fleet.master_error("recording the new tenant", e))?;
    Ok(Allocated {
        number,
        tenant: tenant.to_owned(),
        organization,
        slug,
        spare: None,
    })
}
