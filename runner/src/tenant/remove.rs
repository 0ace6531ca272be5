//! Removing tenants: `drop` one, `cleanup` many, `repair` what interrupted
//! runs left. Each acts on one database at a time, under that database's
//! lock, on its state read again under the lock, and only through the proofs
//! of [`ownership`]: a database or role this master cannot prove it made is
//! never dropped.
//!
//! A drop goes: record `dropping` → drop the database → drop the role →
//! remove the registry rows and the record (one transaction). Killed before
//! the database went, repair puts the record back to `ready` (the tenant is
//! intact); killed after, repair finishes the drop.

use sqlx::Connection;

use super::inventory::{self, State, TenantInfo};
use crate::app::registry::{self, is_registered};
use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Fleet, Kind, Phase, Proof};
use crate::target::{check_name, Target};
use crate::RunnerError;

/// What a drop removed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dropped {
    pub tenant: String,
    pub database: bool,
    pub role: bool,
    pub registry_rows: bool,
}

/// Drop one tenant this master made: its database, its login role and its
/// registry rows (organization, membership, owner if they belong nowhere else).
/// Refused when protected, when not provably this master's, when busy; a
/// tenant another runner dropped first is [`RunnerError::AlreadyDropped`].
pub async fn drop(target: &Target, tenant: &str) -> Result<Dropped, RunnerError> {
    check_name("tenant name", tenant)?;
    let mut fleet = Fleet::open(target).await?;
    if !is_known(&mut fleet, tenant).await? {
        return Err(inventory::unknown(target, tenant).await);
    }
    drop_one(&mut fleet, tenant).await
}

/// Whether the master or the server knows `tenant` at all.
async fn is_known(fleet: &mut Fleet, tenant: &str) -> Result<bool, RunnerError> {
    let recorded = ownership::intent(&mut fleet.master, tenant)
        .await
        .map_err(|e| fleet.master_error("reading the master's records", e))?
        .is_some();
    let exists = ownership::database_owner(&mut fleet.admin, tenant)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?
        .is_some();
    Ok(recorded
        || exists
        || is_registered(&mut fleet.master, tenant)
            .await
            .map_err(|e| fleet.master_error("reading the registry", e))?)
}

async fn drop_one(fleet: &mut Fleet, tenant: &str) -> Result<Dropped, RunnerError> {
    super::under_lock(fleet, tenant, async |fleet, tenant| {
        drop_locked(fleet, tenant).await
    })
    .await
}

async fn drop_locked(fleet: &mut Fleet, tenant: &str) -> Result<Dropped, RunnerError> {
    let intent = ownership::intent(&mut fleet.master, tenant)
        .await
        .map_err(|e| fleet.master_error("reading the master's records", e))?;
    let registered = is_registered(&mut fleet.master, tenant)
        .await
        .map_err(|e| fleet.master_error("reading the registry", e))?;
    let proof = ownership::prove_database(fleet, tenant)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let not_owned = |fleet: &Fleet, reason: String| super::not_owned(fleet, tenant, reason);
    let db = match (&intent, proof) {
        (None, Proof::Absent) if !registered => {
            return Err(RunnerError::AlreadyDropped {
                tenant: tenant.to_owned(),
            })
        }
        (None, Proof::NotOwned(reason)) => return Err(not_owned(fleet, reason)),
        (None, _) => {
            let reason = format!(
                "the master `{}` has no record of making it (registered by other tools: adopt it with `runner migrate` first)",
                fleet.master_db()
            );
            return Err(not_owned(fleet, reason));
        }
        (Some(i), _) if i.kind != Kind::Tenant => {
            let what = if i.kind == Kind::Template {
                "a template"
            } else {
                "a spare of the warm pool (`runner pool drain` drops spares)"
            };
            return Err(not_owned(fleet, format!("it is {what}, not a tenant")));
        }
        (Some(_), Proof::NotOwned(reason)) => return Err(not_owned(fleet, reason)),
        (Some(_), Proof::Absent) => None,
        (Some(_), Proof::Owned(db)) => Some(db),
    };
    let mut dropped = Dropped {
        tenant: tenant.to_owned(),
        database: false,
        role: false,
        registry_rows: registered,
    };
    if let Some(db) = db {
        // Left invalid by an interrupted DROP DATABASE: nothing to protect,
        // and no connection possible; the drop is finished.
        let invalid = ownership::is_invalid(fleet.server_admin(), tenant)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
        if !invalid && is_protected(fleet, tenant).await? {
            return Err(RunnerError::Protected {
                tenant: tenant.to_owned(),
            });
        }
        ownership::set_phase(&mut fleet.master, tenant, Phase::Dropping)
            .await
            .map_err(|e| fleet.master_error("recording the drop", e))?;
        ownership::drop_database(fleet.server_admin(), db)
            .await
            .map_err(|e| RunnerError::db("dropping the database", tenant, e))?;
        dropped.database = true;
    }
    dropped.role = drop_role_if_ours(fleet, tenant).await?;
    unregister_and_forget(fleet, tenant).await?;
    Ok(dropped)
}

/// Whether the tenant's stamp says protected. A database that went meanwhile
/// is not protected.
async fn is_protected(fleet: &Fleet, tenant: &str) -> Result<bool, RunnerError> {
    let mut conn = fleet.connect(tenant).await?;
    let stamp = crate::bookkeeping::stamp::read(&mut conn)
        .await
        .map_err(|e| RunnerError::db("reading the stamp", tenant, e))?;
    conn.close().await.ok();
    Ok(stamp.is_some_and(|s| s.protected))
}

async fn drop_role_if_ours(fleet: &mut Fleet, tenant: &str) -> Result<bool, RunnerError> {
    let proof = ownership::prove_role(fleet, tenant)
        .await
        .map_err(|e| RunnerError::db("reading pg_roles", tenant, e))?;
    match proof {
        Proof::Owned(role) => ownership::drop_role(fleet.server_admin(), role)
            .await
            .map(|()| true)
            .map_err(|e| RunnerError::db("dropping the login role", tenant, e)),
        // Someone else's role of that name is left alone.
        Proof::Absent | Proof::NotOwned(_) => Ok(false),
    }
}

/// The registry rows and the record, in one master transaction: the last step.
async fn unregister_and_forget(fleet: &mut Fleet, tenant: &str) -> Result<(), RunnerError> {
    let master_db = fleet.target.master_db.clone();
    let failed = |e| RunnerError::db("removing the registry rows", &master_db, e);
    let mut tx = fleet.master.begin().await.map_err(failed)?;
    registry::unregister(&mut tx, tenant)
        .await
        .map_err(failed)?;
    ownership::forget(&mut tx, tenant).await.map_err(failed)?;
    crate::bookkeeping::ledger::forget_data_migrations(&mut tx, tenant)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)
}

/// Which tenants `cleanup` removes besides the leftovers of interrupted runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Tenants created longer ago than this.
    OlderThan(chrono::Duration),
    /// Every unprotected tenant this master made.
    All,
    /// Only what interrupted runs left (orphans, unfinished drops).
    Orphans,
}

/// What `cleanup` would do.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CleanupPlan {
    /// Tenants this master made that match the selection: to drop.
    pub tenants: Vec<TenantInfo>,
    /// What interrupted runs left: removed unless they hold data.
    pub orphans: Vec<TenantInfo>,
    /// Matched, and kept: each with the reason.
    pub kept: Vec<Kept>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Kept {
    pub tenant: String,
    pub reason: String,
}

fn kept(tenant: &str, reason: impl Into<String>) -> Kept {
    Kept {
        tenant: tenant.to_owned(),
        reason: reason.into(),
    }
}

/// Plan a cleanup: nothing is changed.
pub async fn plan_cleanup(
    target: &Target,
    selection: Selection,
) -> Result<CleanupPlan, RunnerError> {
    let cutoff = match selection {
        Selection::OlderThan(age) => {
            // Registry times are the server's local `now()`: compare on its clock.
            let mut master = target.connect(&target.master_db).await?;
            let now: chrono::NaiveDateTime = sqlx::query_scalar("SELECT localtimestamp")
                .fetch_one(&mut master)
                .await
                .map_err(|e| RunnerError::db("reading the clock", &target.master_db, e))?;
            Some(
                now.checked_sub_signed(age)
                    .unwrap_or(chrono::NaiveDateTime::MIN),
            )
        }
        _ => None,
    };
    let mut plan = CleanupPlan {
        tenants: Vec::new(),
        orphans: Vec::new(),
        kept: Vec::new(),
    };
    for t in inventory::list(target).await? {
        let selected = match selection {
            Selection::All => true,
            Selection::Orphans => false,
            Selection::OlderThan(_) => t.created_at.zip(cutoff).is_some_and(|(c, cut)| c <= cut),
        };
        match t.state {
            State::Creating => {}
            // Repair decides these under their lock: removed, finished or undone.
            State::Orphan | State::Dropping | State::Moving => plan.orphans.push(t),
            _ if !selected => {}
            State::Unregistered => {
                let reason = t.note.clone().unwrap_or_default();
                plan.kept.push(kept(&t.tenant, reason))
            }
            _ if !t.owned => plan
                .kept
                .push(kept(&t.tenant, "not made by this runner: never dropped")),
            State::Unreachable => plan.kept.push(kept(
                &t.tenant,
                "unreachable: its protection cannot be read",
            )),
            _ if t.protected => plan.kept.push(kept(&t.tenant, "protected")),
            _ => plan.tenants.push(t),
        }
    }
    Ok(plan)
}

/// What `cleanup` did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CleanupReport {
    pub dropped: Vec<String>,
    /// Leftovers of interrupted runs that were removed.
    pub repaired: Vec<String>,
    /// Planned but left, each with the reason (protected or busy meanwhile,
    /// dropped by someone else, holding data).
    pub kept: Vec<Kept>,
}

/// Carry out a plan, tenant by tenant (each re-checked under its lock), then
/// remove the leftovers of interrupted runs.
pub async fn cleanup(
    target: &Target,
    plan: &CleanupPlan,
    mut done: impl FnMut(&str),
) -> Result<CleanupReport, RunnerError> {
    let mut fleet = Fleet::open(target).await?;
    let mut report = CleanupReport::default();
    for t in &plan.tenants {
        match drop_one(&mut fleet, &t.tenant).await {
            Ok(_) => report.dropped.push(t.tenant.clone()),
            Err(
                e @ (RunnerError::AlreadyDropped { .. }
                | RunnerError::Protected { .. }
                | RunnerError::Busy { .. }
                | RunnerError::NotOwned { .. }),
            ) => report.kept.push(kept(
                &t.tenant,
                e.to_string().lines().next().unwrap_or_default(),
            )),
            Err(e) => return Err(e),
        }
        done(&t.tenant);
    }
    let repaired = repair(&mut fleet, true).await?;
    report.repaired = repaired.removed;
    report.kept.extend(repaired.kept);
    Ok(report)
}

/// What [`repair`] did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Repaired {
    pub removed: Vec<String>,
    pub kept: Vec<Kept>,
}

/// [`repair`] on its own connections.
pub async fn repair_all(target: &Target) -> Result<Repaired, RunnerError> {
    let mut fleet = Fleet::open(target).await?;
    repair(&mut fleet, true).await
}

/// Finish or undo what interrupted runs of this master left: each unfinished
/// record whose runner is gone (its lock free), decided again under its lock,
/// and each recorded database left invalid by an interrupted `DROP DATABASE`
/// (whatever its record says: an older runner set such records back to ready)
/// on the master's server, or with `everywhere` on every server (`cleanup`;
/// `tenant create` repairs on its way and connects to no other server).
/// Reads what is left over, never the whole fleet.
pub async fn repair(fleet: &mut Fleet, everywhere: bool) -> Result<Repaired, RunnerError> {
    // The master's server first, its records and catalog read at once.
    fleet.work_on(fleet.target.server.clone()).await?;
    // Not read twice: opening the fleet may have found none just now.
    let none_unfinished = std::mem::take(&mut fleet.none_unfinished);
    let (admin, master) = fleet.server_admin_and_master();
    let (unfinished, invalid_here) = tokio::join!(
        async {
            match none_unfinished {
                true => Ok(Vec::new()),
                false => ownership::unfinished(master).await,
            }
        },
        ownership::invalid_databases(admin)
    );
    let mut unfinished =
        unfinished.map_err(|e| fleet.master_error("reading the master's records", e))?;
    let mut invalid = vec![(
        fleet.target.server.name.clone(),
        invalid_here.map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?,
    )];
    let mut servers = Vec::new();
    if everywhere {
        let registered = crate::bookkeeping::servers::registered(&mut fleet.master)
            .await
            .map_err(|e| fleet.master_error("reading the servers", e))?;
        for row in registered.iter().filter(|r| r.url.is_some()) {
            // One that cannot be named or reached is looked at next time.
            if let Ok(server) = fleet.server_named(&row.name).await {
                servers.push(server);
            }
        }
    }
    for server in servers {
        let name = server.name.clone();
        if fleet.work_on(server).await.is_err() {
            continue;
        }
        let found = ownership::invalid_databases(fleet.server_admin())
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
        invalid.push((name, found));
    }
    for (name, invalid) in invalid {
        if invalid.is_empty() {
            continue;
        }
        let recorded = ownership::intents_named(&mut fleet.master, &invalid)
            .await
            .map_err(|e| fleet.master_error("reading the master's records", e))?;
        for intent in recorded {
            if intent.server == name && !unfinished.iter().any(|u| u.name == intent.name) {
                unfinished.push(intent);
            }
        }
    }
    let mut report = Repaired::default();
    for intent in unfinished {
        let key = LockKey::database(&intent.name);
        let free = lock::try_acquire(&mut fleet.admin, key)
            .await
            .map_err(|e| RunnerError::db("taking a lock", &intent.name, e))?;
        if !free {
            continue; // a live runner is at work on it
        }
        let outcome = repair_locked(fleet, &intent.name).await;
        fleet.release_here(key).await;
        lock::release(&mut fleet.admin, key).await;
        // One leftover that cannot be handled now does not stop the others
        // (nor the create that runs repair first): it is reported, and tried again.
        match outcome {
            Ok(Outcome::Removed) => report.removed.push(intent.name),
            Ok(Outcome::Kept(reason)) => report.kept.push(kept(&intent.name, reason)),
            Ok(Outcome::Nothing) => {}
            Err(e) => {
                let reason = format!(
                    "not repaired now: {}",
                    e.to_string().lines().next().unwrap_or_default()
                );
                report.kept.push(kept(&intent.name, reason))
            }
        }
    }
    Ok(report)
}

enum Outcome {
    Removed,
    Kept(String),
    Nothing,
}

async fn repair_locked(fleet: &mut Fleet, name: &str) -> Result<Outcome, RunnerError> {
    let master_error = |fleet: &Fleet, e| fleet.master_error("reading the master's records", e);
    // Read again under the lock: the runner may have finished meanwhile.
    let Some(intent) = ownership::intent(&mut fleet.master, name)
        .await
        .map_err(|e| master_error(fleet, e))?
    else {
        return Ok(Outcome::Nothing);
    };
    fleet.work_on_database(name).await?;
    let proof = ownership::prove_database(fleet, name)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let invalid = ownership::is_invalid(fleet.server_admin(), name)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let proof = match proof {
        // A DROP DATABASE of ours was interrupted inside the statement: the
        // database is unusable; finish the drop without connecting to it.
        Proof::Owned(db) if invalid => db,
        proof => return repair_record(fleet, name, intent, proof).await,
    };
    {
        ownership::drop_database(fleet.server_admin(), proof)
            .await
            .map_err(|e| RunnerError::db("finishing an interrupted drop", name, e))?;
        if intent.kind != Kind::Template {
            drop_role_if_ours(fleet, name).await?;
        }
        unregister_and_forget(fleet, name).await?;
        Ok(Outcome::Removed)
    }
}

/// A record left unfinished, decided by its phase and what the server has.
async fn repair_record(
    fleet: &mut Fleet,
    name: &str,
    intent: ownership::Intent,
    proof: Proof<ownership::OwnedDatabase>,
) -> Result<Outcome, RunnerError> {
    let master_error = |fleet: &Fleet, e| fleet.master_error("reading the master's records", e);
    match intent.phase {
        Phase::Ready => Ok(Outcome::Nothing),
        // A move whose runner died: finished if it was switched, else undone.
        Phase::Moving | Phase::Moved => super::moving::settle(fleet, &intent)
            .await
            .map(Outcome::Kept),
        Phase::Creating => {
            if is_registered(&mut fleet.master, name)
                .await
                .map_err(|e| master_error(fleet, e))?
            {
                return Ok(Outcome::Nothing); // registered: not a leftover
            }
            if let Proof::Owned(db) = proof {
                let mut conn = fleet.connect(name).await?;
                let keep = ownership::reason_to_keep(&mut conn)
                    .await
                    .map_err(|e| RunnerError::db("counting rows", name, e))?;
                conn.close().await.ok();
                if let Some(reason) = keep {
                    return Ok(Outcome::Kept(format!(
                        "{reason}; never dropped by repair (`runner tenant drop {name}` if it is not needed)"
                    )));
                }
                ownership::drop_database(fleet.server_admin(), db)
                    .await
                    .map_err(|e| RunnerError::db("dropping a leftover database", name, e))?;
            }
            // Absent: nothing was created. Not owned: someone else's database
            // took the name; only our record goes.
            if intent.kind != Kind::Template {
                drop_role_if_ours(fleet, name).await?;
            }
            ownership::forget(&mut fleet.master, name)
                .await
                .map_err(|e| master_error(fleet, e))?;
            Ok(Outcome::Removed)
        }
        // A spare whose taker died: renamed (all at once) or not at all.
        Phase::Claimed => match proof {
            Proof::Owned(_) => {
                super::pool::unclaim(&mut fleet.master, name)
                    .await
                    .map_err(|e| master_error(fleet, e))?;
                Ok(Outcome::Kept(
                    "a create was interrupted before it took this spare; back in the pool".into(),
                ))
            }
            // Renamed: the database is the tenant's now, and its own record
            // decides; the spare's record goes.
            Proof::Absent | Proof::NotOwned(_) => {
                ownership::forget(&mut fleet.master, name)
                    .await
                    .map_err(|e| master_error(fleet, e))?;
                Ok(Outcome::Removed)
            }
        },
        Phase::Dropping => match proof {
            // Killed before the database went: the drop did not happen.
            Proof::Owned(_) => {
                ownership::set_phase(&mut fleet.master, name, Phase::Ready)
                    .await
                    .map_err(|e| master_error(fleet, e))?;
                Ok(Outcome::Kept(
                    "a drop was interrupted before the database went; the tenant is intact".into(),
                ))
            }
            Proof::Absent | Proof::NotOwned(_) => {
                drop_role_if_ours(fleet, name).await?;
                unregister_and_forget(fleet, name).await?;
                Ok(Outcome::Removed)
            }
        },
    }
}
