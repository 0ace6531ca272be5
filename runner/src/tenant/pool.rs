//! The warm pool: spare tenants made ahead of time on each server, so that
//! `tenant create` does no clone on its critical path.
//!
//! A spare is a clone of the current template with everything a tenant has
//! but its name and login: its database `rsm_spare_<master>_<schema><journal generation>_<n>`,
//! a role of the same name without a login (the master's owner role its
//! member), CONNECT and the tables granted to that role, the template's
//! stamp. It is recorded like a tenant (`rsm.databases`, kind `spare`) and
//! proven like one; no tenant prefix can make its name.
//!
//! A create claims one under the fleet's allocation lock (its record set
//! `claimed`, its lock taken: two creates never take the same spare), then
//! renames database and role and gives the role its login in one statement,
//! which commits whole or not at all. Killed before it, the spare goes back
//! to the pool at the next repair; after it, the tenant's own record decides.
//! A spare of another schema is dropped by the next `pool fill`, by
//! `pool drain`, and is never taken.

use schema_core::ident::quote;
use sqlx::{Connection, Executor, PgConnection};

use super::access;
use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Fleet, Identity, Kind, Phase, Proof};
use crate::bookkeeping::servers as registry;
use crate::server::Server;
use crate::target::{Target, SPARE_PREFIX};
use crate::template;
use crate::RunnerError;

/// The names of this master's spares of the schema with this fingerprint
/// (and the journal's generation) begin so (the number follows).
pub(crate) fn spare_stem(identity: &Identity, fingerprint: &str) -> String {
    format!(
        "{SPARE_PREFIX}{}_{}{}_",
        identity.short(),
        &fingerprint[..8.min(fingerprint.len())],
        crate::bookkeeping::journal::GENERATION
    )
}

fn current_stem(fleet: &Fleet) -> String {
    spare_stem(&fleet.identity, fleet.target.declared.tenant_fingerprint())
}

/// What `pool fill` or `pool drain` did on one server.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PoolReport {
    pub server: String,
    /// Spares of the current schema there now.
    pub spares: usize,
    pub made: Vec<String>,
    pub dropped: Vec<String>,
    /// Left alone, with why (busy, not provably ours).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
}

/// The servers a pool command works on: the one named, or every server that
/// takes new tenants (`fill`) or every server (`drain`).
async fn servers_for(
    fleet: &mut Fleet,
    only: Option<&str>,
    draining_too: bool,
) -> Result<Vec<Server>, RunnerError> {
    if let Some(name) = only {
        return Ok(vec![fleet.server_named(name).await?]);
    }
    let rows = registry::registered(&mut fleet.master)
        .await
        .map_err(|e| fleet.master_error("reading the servers", e))?;
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| draining_too || !r.draining) {
        out.push(fleet.server_named(&row.name).await?);
    }
    Ok(out)
}

/// Bring the pool of each server (or `server`) to `size` spares of the
/// current schema: spares of other schemas dropped, missing ones made.
pub async fn fill(
    target: &Target,
    size: usize,
    server: Option<&str>,
) -> Result<Vec<PoolReport>, RunnerError> {
    let mut fleet = Fleet::open(target).await?;
    let mut reports = Vec::new();
    for server in servers_for(&mut fleet, server, false).await? {
        fleet.work_on(server).await?;
        let mut report = drop_spares(&mut fleet, false).await?;
        while report.spares < size {
            let name = make_spare(&mut fleet).await?;
            report.made.push(name);
            report.spares += 1;
        }
        reports.push(report);
    }
    Ok(reports)
}

/// Drop every spare of each server (or `server`).
pub async fn drain(target: &Target, server: Option<&str>) -> Result<Vec<PoolReport>, RunnerError> {
    let mut fleet = Fleet::open(target).await?;
    let mut reports = Vec::new();
    for server in servers_for(&mut fleet, server, true).await? {
        fleet.work_on(server).await?;
        reports.push(drop_spares(&mut fleet, true).await?);
    }
    Ok(reports)
}

/// This master's spares recorded on the server worked on.
async fn spares_here(fleet: &mut Fleet) -> Result<Vec<ownership::Intent>, RunnerError> {
    let here = fleet.server.name.clone();
    Ok(ownership::intents(&mut fleet.master, Kind::Spare)
        .await
        .map_err(|e| fleet.master_error("reading the pool", e))?
        .into_iter()
        .filter(|s| s.server == here)
        .collect())
}

/// On the server worked on: drop spares of other schemas (or, with `all`,
/// every spare) that no one is working on; count the current ones left.
pub(crate) async fn drop_spares(fleet: &mut Fleet, all: bool) -> Result<PoolReport, RunnerError> {
    let stem = current_stem(fleet);
    let mut report = PoolReport {
        server: fleet.server.name.clone(),
        spares: 0,
        made: Vec::new(),
        dropped: Vec::new(),
        kept: Vec::new(),
    };
    for spare in spares_here(fleet).await? {
        let current = spare.name.starts_with(&stem) && spare.phase == Phase::Ready;
        if current && !all {
            report.spares += 1;
            continue;
        }
        let key = LockKey::database(&spare.name);
        let free = lock::try_acquire(&mut fleet.admin, key)
            .await
            .map_err(|e| RunnerError::db("taking a lock", &spare.name, e))?;
        if !free {
            report
                .kept
                .push(format!("{}: busy (being made or taken)", spare.name));
            continue;
        }
        let dropped = drop_spare(fleet, &spare.name).await;
        lock::release(&mut fleet.admin, key).await;
        match dropped? {
            None => report.dropped.push(spare.name),
            Some(reason) => report.kept.push(format!("{}: {reason}", spare.name)),
        }
    }
    Ok(report)
}

/// Drop one spare (its lock held): database, role and record, each proven;
/// `Some(why)` when something is not provably ours (then nothing goes).
async fn drop_spare(fleet: &mut Fleet, name: &str) -> Result<Option<String>, RunnerError> {
    let read = |e| RunnerError::db("reading pg_database", name, e);
    match ownership::prove_database(fleet, name).await.map_err(read)? {
        Proof::Owned(db) => ownership::drop_database(fleet.server_admin(), db)
            .await
            .map_err(|e| RunnerError::db("dropping the spare", name, e))?,
        Proof::Absent => {}
        Proof::NotOwned(reason) => return Ok(Some(reason)),
    }
    match ownership::prove_role(fleet, name).await.map_err(read)? {
        Proof::Owned(role) => ownership::drop_role(fleet.server_admin(), role)
            .await
            .map_err(|e| RunnerError::db("dropping the spare's role", name, e))?,
        Proof::Absent => {}
        Proof::NotOwned(reason) => return Ok(Some(reason)),
    }
    ownership::forget(&mut fleet.master, name)
        .await
        .map_err(|e| fleet.master_error("forgetting the spare", e))?;
    Ok(None)
}

/// Make one spare on the server worked on; what fails is removed again.
async fn make_spare(fleet: &mut Fleet) -> Result<String, RunnerError> {
    let name = record_spare(fleet).await?;
    let key = LockKey::database(&name);
    // On the spare's server too (see `Fleet::hold_here`).
    let built = match fleet.hold_here(key).await {
        Ok(()) => build_spare(fleet, &name).await,
        Err(e) => Err(e),
    };
    if built.is_err() {
        let _ = drop_spare(fleet, &name).await;
    }
    fleet.release_here(key).await;
    lock::release(&mut fleet.admin, key).await;
    built.map(|()| name)
}

/// A free spare name, its lock and its record, under the allocation lock.
async fn record_spare(fleet: &mut Fleet) -> Result<String, RunnerError> {
    fleet.under_allocation_lock(record_spare_locked).await
}

async fn record_spare_locked(fleet: &mut Fleet) -> Result<String, RunnerError> {
    let stem = current_stem(fleet);
    let like = format!("{}%", stem.replace('_', "\\_"));
    let highest: Option<i64> = sqlx::query_scalar(
        "SELECT max(substr(name, $2)::bigint) FROM rsm.databases
          WHERE name LIKE $1 AND substr(name, $2) ~ '^[0-9]+$'",
    )
    .bind(&like)
    .bind(stem.len() as i32 + 1)
    .fetch_one(&mut fleet.master)
    .await
    .map_err(|e| fleet.master_error("numbering the spare", e))?;
    let name = format!("{stem}{}", highest.unwrap_or(0) + 1);
    crate::target::check_name("spare name", &name)?;
    // Held from here until the spare is complete.
    lock::try_acquire(&mut fleet.admin, LockKey::database(&name))
        .await
        .map_err(|e| RunnerError::db("taking a lock", &name, e))?;
    let server = fleet.server.name.clone();
    ownership::record_intent(&mut fleet.master, &name, Kind::Spare, None, &server)
        .await
        .map_err(|e| fleet.master_error("recording the spare", e))?;
    Ok(name)
}

/// The clone, its role without a login, the grants, the stamp checked.
async fn build_spare(fleet: &mut Fleet, name: &str) -> Result<(), RunnerError> {
    let (method, vouch) = template::create_database(fleet, name).await?;
    access::create_role(fleet, name, None).await?;
    let mut conn = fleet.connect(name).await?;
    let vouched = template::vouched(&mut fleet.master, vouch.as_ref())
        .await
        .map_err(|e| fleet.master_error("reading the template's mark", e))?;
    if !template::clone_holds(&mut conn, &fleet.target.declared, method, vouched)
        .await
        .map_err(|e| RunnerError::db("checking the clone", name, e))?
    {
        // The template changed by hand: set aside, rebuilt by the next clone.
        template::set_aside(fleet).await?;
        return Err(RunnerError::InvalidInput(format!(
            "the template changed since it was verified; `{name}` is not kept and the template is rebuilt next time"
        )));
    }
    if let (false, Some(vouch)) = (vouched, &vouch) {
        template::record_mark(fleet, vouch).await?;
    }
    access::grant_tables(&mut conn, name).await?;
    super::create::stamp_made(fleet, &mut conn, name, method).await?;
    conn.close().await.ok();
    ownership::set_phase(&mut fleet.master, name, Phase::Ready)
        .await
        .map_err(|e| fleet.master_error("recording the spare", e))
}

/// Under the allocation lock: claim a spare of the current schema on the
/// server worked on for `tenant` (its lock taken, its record `claimed`);
/// `None` when the pool there is empty.
pub(crate) async fn claim(fleet: &mut Fleet, tenant: &str) -> Result<Option<String>, RunnerError> {
    let stem = current_stem(fleet);
    let here = fleet.server.name.clone();
    // A few candidates at a time, names only: reading the whole pool would
    // cost each create more the fuller the pool is.
    let mut tried: Vec<String> = Vec::new();
    loop {
        let candidates: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM rsm.databases
              WHERE kind = 'spare' AND state = 'ready' AND coalesce(server, 'default') = $1
                AND starts_with(name, $2) AND name <> ALL ($3)
              ORDER BY created_at, name LIMIT 8",
        )
        .bind(&here)
        .bind(&stem)
        .bind(&tried)
        .fetch_all(&mut fleet.master)
        .await
        .map_err(|e| fleet.master_error("reading the pool", e))?;
        if candidates.is_empty() {
            return Ok(None);
        }
        for spare in candidates {
            tried.push(spare.clone());
            let key = LockKey::database(&spare);
            if !lock::try_acquire(&mut fleet.admin, key)
                .await
                .map_err(|e| RunnerError::db("taking a lock", &spare, e))?
            {
                continue; // being dropped by a drain
            }
            let claimed = sqlx::query(
                "UPDATE rsm.databases SET state = 'claimed', claimed_for = $2
                  WHERE name = $1 AND kind = 'spare' AND state = 'ready'",
            )
            .bind(&spare)
            .bind(tenant)
            .execute(&mut fleet.master)
            .await
            .map_err(|e| fleet.master_error("claiming a spare", e))?;
            if claimed.rows_affected() == 1 {
                return Ok(Some(spare));
            }
            lock::release(&mut fleet.admin, key).await;
        }
    }
}

/// Turn a claimed spare into `tenant`: database and role renamed and the
/// role given its login (a new password only when one is to be shown), in
/// one statement (all or nothing). On failure the spare goes back to the
/// pool. The spare's record goes after.
pub(crate) async fn take(
    fleet: &mut Fleet,
    spare: &str,
    tenant: &str,
    password: Option<&str>,
    connection_limit: u32,
) -> Result<(), RunnerError> {
    // Proven first (the record was checked by the claim, under the spare's
    // lock): the database owned by this master's owner role, the role
    // carrying its mark. As everywhere, proof then act.
    let ours: bool = sqlx::query_scalar(
        "SELECT (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1) = $2
            AND EXISTS (SELECT 1 FROM pg_auth_members m
                          JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles o ON o.oid = m.member
                         WHERE r.rolname = $1 AND o.rolname = $2)",
    )
    .bind(spare)
    .bind(fleet.identity.owner_role())
    .fetch_one(fleet.server_admin())
    .await
    .map(|ours: Option<bool>| ours == Some(true))
    .map_err(|e| RunnerError::db("proving the spare", spare, e))?;
    if !ours {
        // Not ours after all: the database stays; the role goes if it
        // still carries our mark, then our record.
        if let Ok(Proof::Owned(role)) = ownership::prove_role(fleet, spare).await {
            let _ = ownership::drop_role(fleet.server_admin(), role).await;
        }
        let _ = ownership::forget(&mut fleet.master, spare).await;
        return Err(RunnerError::NotOwned {
            database: spare.to_owned(),
            master: fleet.master_db().to_owned(),
            reason: "the spare's database or role no longer carries this master's mark".into(),
        });
    }
    let sql = format!(
        "ALTER DATABASE {0} RENAME TO {1}; ALTER ROLE {0} RENAME TO {1}; {2}",
        quote(spare),
        quote(tenant),
        access::login_sql(tenant, password, connection_limit)?,
    );
    if let Err(e) = fleet.server_admin().execute(sql.as_str()).await {
        let _ = unclaim(&mut fleet.master, spare).await;
        return Err(RunnerError::db(
            "renaming the spare",
            tenant,
            access::scrub(e),
        ));
    }
    ownership::forget(&mut fleet.master, spare)
        .await
        .map_err(|e| fleet.master_error("forgetting the spare", e))
}

/// A claimed spare back in the pool.
pub(crate) async fn unclaim(master: &mut PgConnection, spare: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rsm.databases SET state = 'ready', claimed_for = NULL WHERE name = $1")
        .bind(spare)
        .execute(master)
        .await
        .map(|_| ())
}
