//! Where each tenant stands: the master's registry and records, the server's
//! databases (shared catalogs, one query), and each tenant's stamp, read side
//! by side with bounded concurrency. A tenant dropped while it is being listed
//! is listed as what is left of it; the listing never fails because of it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDateTime;
use sqlx::Connection;

use crate::app::registry;
use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Identity, Intent, Kind, Phase};
use crate::bookkeeping::stamp::{self, Stamp};
use crate::error::sqlstate;
use crate::server::{Server, DEFAULT_SERVER};
use crate::target::{check_name, Target};
use crate::RunnerError;

/// Tenant databases read at once by [`list`].
const CONCURRENT_READS: usize = 8;

/// Where a tenant stands. The same names in text, JSON and `docs/cli.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Registered, stamped with the current schema.
    Current,
    /// Registered, stamped with another schema fingerprint.
    OtherSchema,
    /// Registered, but the database carries no stamp.
    Unstamped,
    /// Being created right now by a live runner.
    Creating,
    /// Being dropped right now, or a drop that was interrupted.
    Dropping,
    /// Recorded by this master, its creator gone: what an interrupted create
    /// left. The next create or cleanup removes it (unless it holds data).
    Orphan,
    /// A registry row whose database does not exist.
    Dangling,
    /// A database named like a tenant that no registry row points at: made by
    /// someone else, or by another master. Reported, never dropped.
    Unregistered,
    /// Registered, but its database refused the runner's connection.
    Unreachable,
    /// Being moved to another server right now, or a move that was
    /// interrupted (the next move, create or cleanup finishes or undoes it).
    Moving,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Current => "current",
            State::OtherSchema => "other_schema",
            State::Unstamped => "unstamped",
            State::Creating => "creating",
            State::Dropping => "dropping",
            State::Orphan => "orphan",
            State::Dangling => "dangling",
            State::Unregistered => "unregistered",
            State::Unreachable => "unreachable",
            State::Moving => "moving",
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TenantInfo {
    pub tenant: String,
    pub organization_id: Option<i32>,
    pub organization: Option<String>,
    /// When it was registered, in UTC (`2026-12-07T06:30:21Z`: the runner's
    /// sessions are pinned to UTC).
    #[serde(serialize_with = "utc")]
    pub created_at: Option<NaiveDateTime>,
    pub state: State,
    pub fingerprint: Option<String>,
    pub protected: bool,
    /// Made by this master's runner (recorded in its `rsm.databases` and, if
    /// the database exists, owned by its owner role) or adopted by its first
    /// `migrate`: the only tenants it drops.
    pub owned: bool,
    /// The server its database is on (`default`: the master's).
    pub server: String,
    /// Why, where the state needs a word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every role may connect to its database (PUBLIC holds CONNECT): only
    /// its own role should. Closed by [`exposure_fix`].
    pub open_to_every_role: bool,
}

/// The statements that leave `tenant`'s database to its own role alone.
pub fn exposure_fix(tenant: &str) -> String {
    let t = schema_core::ident::quote(tenant);
    format!(
        "REVOKE CONNECT, TEMPORARY ON DATABASE {t} FROM PUBLIC; \
         GRANT CONNECT, TEMPORARY ON DATABASE {t} TO {t};"
    )
}

/// A UTC timestamp written with its zone.
fn utc<S: serde::Serializer>(at: &Option<NaiveDateTime>, out: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => out.serialize_str(
            &at.and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        None => out.serialize_none(),
    }
}

struct Registered {
    organization_id: Option<i32>,
    organization: Option<String>,
    created_at: NaiveDateTime,
}

/// Everything known of the tenants without connecting to any of them.
struct Facts {
    identity: Option<Identity>,
    registry: BTreeMap<String, Registered>,
    intents: BTreeMap<String, Intent>,
    /// Intents whose lock a live runner holds.
    busy: BTreeSet<String>,
    /// Databases of interest on the server, with their owner.
    owners: BTreeMap<String, String>,
    /// Those left invalid by an interrupted `DROP DATABASE`.
    invalid: BTreeSet<String>,
    /// Those every role may connect to.
    open_to_all: BTreeSet<String>,
    /// The fleet's servers, by name (the master's as `default`).
    servers: BTreeMap<String, Server>,
    /// Servers that could not be read, with why.
    unreachable: BTreeMap<String, String>,
}

/// A database as `pg_database` shows it: name, owner, invalid (an
/// interrupted `DROP DATABASE`), open to every role.
type DatabaseRow = (String, String, bool, bool);

const DATABASE_COLUMNS: &str =
    "SELECT datname::text, pg_get_userbyid(datdba)::text, datconnlimit = -2,
        has_database_privilege('public', oid, 'CONNECT')";

impl Facts {
    fn note_database(&mut self, (name, owner, invalid, open): DatabaseRow) {
        if invalid {
            self.invalid.insert(name.clone());
        }
        if open {
            self.open_to_all.insert(name.clone());
        }
        self.owners.insert(name, owner);
    }
}

/// The master's records and the server's databases; only `only` when given.
async fn gather(target: &Target, only: Option<&str>) -> Result<Facts, RunnerError> {
    let master_db = target.master_db.as_str();
    let mut master = target.connect(master_db).await?;
    let ready = registry::exists(&mut master)
        .await
        .map_err(|e| RunnerError::db("reading the master", master_db, e))?;
    if !ready {
        return Err(RunnerError::UnknownSchema {
            database: master_db.to_owned(),
            differences: registry::MISSING.into(),
            hint: "run `runner master init` to create the master schema".into(),
        });
    }
    let identity = ownership::read_identity(&mut master)
        .await
        .map_err(|e| RunnerError::db("reading the master's identity", master_db, e))?;
    let rows = registry::entries(&mut master, only)
        .await
        .map_err(|e| RunnerError::db("reading the registry", master_db, e))?;
    let registry = rows
        .into_iter()
        .map(|(name, organization_id, organization, created_at)| {
            (
                name,
                Registered {
                    organization_id,
                    organization,
                    created_at,
                },
            )
        })
        .collect();
    let intents = match identity {
        Some(_) => ownership::intents(&mut master, Kind::Tenant)
            .await
            .map_err(|e| RunnerError::db("reading the master's records", master_db, e))?
            .into_iter()
            .filter(|i| only.is_none_or(|o| o == i.name))
            .map(|i| (i.name.clone(), i))
            .collect(),
        None => BTreeMap::new(),
    };

    let servers = resolve_servers(target, &mut master).await?;
    master.close().await.ok();

    let mut admin = target.admin().await?;
    let databases: Vec<DatabaseRow> = sqlx::query_as(&format!(
        "{DATABASE_COLUMNS} FROM pg_database WHERE $1::text IS NULL OR datname = $1"
    ))
    .bind(only)
    .fetch_all(&mut admin)
    .await
    .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let mut facts = Facts {
        identity,
        registry,
        intents,
        busy: BTreeSet::new(),
        owners: BTreeMap::new(),
        invalid: BTreeSet::new(),
        open_to_all: BTreeSet::new(),
        servers,
        unreachable: BTreeMap::new(),
    };
    for row in databases {
        let name = &row.0;
        let of_interest = target.tenant_number(name).is_some()
            || facts.registry.contains_key(name)
            || facts.intents.contains_key(name);
        if of_interest {
            facts.note_database(row);
        }
    }
    read_other_servers(&mut facts).await;
    for intent in facts.intents.values() {
        if intent.phase != Phase::Ready
            && lock::is_held(&mut admin, LockKey::database(&intent.name))
                .await
                .map_err(|e| RunnerError::db("reading advisory locks", "postgres", e))?
        {
            facts.busy.insert(intent.name.clone());
        }
    }
    admin.close().await.ok();
    Ok(facts)
}

/// The fleet's servers: the master's, and those registered in it (none in a
/// master an older runner made and no command upgraded yet).
async fn resolve_servers(
    target: &Target,
    master: &mut sqlx::PgConnection,
) -> Result<BTreeMap<String, Server>, RunnerError> {
    let mut servers = BTreeMap::from([(DEFAULT_SERVER.to_owned(), target.server.clone())]);
    let registered = crate::bookkeeping::servers::all(master)
        .await
        .map_err(|e| RunnerError::db("reading the servers", &target.master_db, e))?;
    for row in registered {
        if let Some(url) = row.url.as_deref() {
            servers.insert(row.name.clone(), Server::registered(&row.name, url)?);
        }
    }
    Ok(servers)
}

/// The databases this master recorded on servers other than its own, read
/// on each (their owner, whether invalid); a server that cannot be read is
/// noted, and its tenants are `unreachable`.
async fn read_other_servers(facts: &mut Facts) {
    let mut on: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for intent in facts.intents.values() {
        if intent.server != DEFAULT_SERVER {
            on.entry(intent.server.clone())
                .or_default()
                .push(intent.name.clone());
        }
    }
    for (server, names) in on {
        for name in &names {
            // What the master's server holds under that name is not this tenant.
            facts.owners.remove(name);
            facts.invalid.remove(name);
            facts.open_to_all.remove(name);
        }
        let Some(reached) = facts.servers.get(&server) else {
            facts
                .unreachable
                .insert(server.clone(), "not in the servers registry".into());
            continue;
        };
        let read = async {
            let mut admin = reached.admin().await?;
            let rows: Vec<DatabaseRow> = sqlx::query_as(&format!(
                "{DATABASE_COLUMNS} FROM pg_database WHERE datname = ANY($1)"
            ))
            .bind(&names)
            .fetch_all(&mut admin)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
            admin.close().await.ok();
            Ok::<_, RunnerError>(rows)
        };
        match read.await {
            Ok(rows) => {
                for row in rows {
                    facts.note_database(row);
                }
            }
            Err(e) => {
                let why = e.to_string().lines().next().unwrap_or_default().to_owned();
                facts.unreachable.insert(server, why);
            }
        }
    }
}

/// What the facts say of `name`, and whether its stamp must be read.
fn classify(facts: &Facts, name: &str) -> Option<(TenantInfo, bool)> {
    let registered = facts.registry.get(name);
    let intent = facts.intents.get(name);
    let owner = facts.owners.get(name);
    if registered.is_none() && intent.is_none() && owner.is_none() {
        return None;
    }
    let ours = facts.identity.as_ref().map(|i| i.owner_role());
    // Recorded by this master and, if the database exists, owned by its role
    // (or adopted: made by other tools, stamped by `migrate`).
    let owned = intent.is_some_and(|i| i.adopted)
        || (intent.is_some() && owner.is_none_or(|o| Some(o) == ours.as_ref()));
    let mut info = TenantInfo {
        tenant: name.to_owned(),
        organization_id: registered.and_then(|r| r.organization_id),
        organization: registered.and_then(|r| r.organization.clone()),
        created_at: registered
            .map(|r| r.created_at)
            .or(intent.map(|i| i.created_at)),
        state: State::Current,
        fingerprint: None,
        protected: false,
        owned,
        server: intent.map_or_else(|| DEFAULT_SERVER.to_owned(), |i| i.server.clone()),
        note: None,
        open_to_every_role: facts.open_to_all.contains(name),
    };
    if let Some(why) = facts.unreachable.get(&info.server) {
        info.state = State::Unreachable;
        info.note = Some(format!(
            "its server `{}` cannot be read: {why}",
            info.server
        ));
        return Some((info, false));
    }
    let live = facts.busy.contains(name);
    if facts.invalid.contains(name) && !live {
        let (state, note) = if owned {
            (State::Orphan, "a DROP DATABASE was interrupted inside the statement: the database is invalid (no one can connect); `runner tenant cleanup --orphans` finishes the drop")
        } else {
            (
                State::Unregistered,
                "left invalid by an interrupted DROP DATABASE, not by this runner; never touched",
            )
        };
        info.state = state;
        info.note = Some(note.to_owned());
        return Some((info, false));
    }
    let (state, note) = match (intent.map(|i| i.phase), registered, owner) {
        (Some(Phase::Moving | Phase::Moved), _, _) => {
            let other = intent.and_then(|i| i.copy_on.clone()).unwrap_or_default();
            let switched = intent.is_some_and(|i| i.phase == Phase::Moved);
            let note = match (live, switched) {
                (true, false) => format!("being moved to `{other}`; its roles are kept out until the switch"),
                (true, true) => format!("moved; its old copy on `{other}` is being dropped"),
                (false, false) => format!("a move to `{other}` was interrupted before its switch; the next `runner tenant move`, create or cleanup undoes it"),
                (false, true) => format!("a move was interrupted after its switch; the next `runner tenant move`, create or cleanup drops the old copy on `{other}`"),
            };
            info.state = State::Moving;
            info.note = Some(note);
            return Some((info, false));
        }
        (Some(Phase::Creating), _, _) if live => (State::Creating, None),
        (Some(Phase::Dropping), _, _) if live => (State::Dropping, None),
        (Some(Phase::Creating), _, _) => (
            State::Orphan,
            Some("its creator is gone; the next create or cleanup removes it unless it holds data"),
        ),
        (Some(Phase::Dropping), _, Some(_)) => (
            State::Dropping,
            Some("a drop was interrupted before the database went: the tenant is intact; drop it again or keep it"),
        ),
        (Some(Phase::Dropping), _, None) => (
            State::Dropping,
            Some("a drop was interrupted after the database went; `runner tenant cleanup` finishes it"),
        ),
        (_, Some(_), None) => (
            State::Dangling,
            Some(if intent.is_some() {
                "its database is gone; `runner tenant cleanup` removes the registry rows"
            } else {
                "its database is gone; not made by this runner, so its rows are never removed by it"
            }),
        ),
        (_, Some(_), Some(_)) => return Some((info, true)),
        (_, None, Some(owner)) => {
            info.note = Some(if owned {
                "made by this master, but its registry row is gone; never dropped by cleanup".into()
            } else if owner.starts_with("rsm_owner_") {
                format!("made by another master's runner (owner `{owner}`); never touched")
            } else {
                format!("not made by this runner (owner `{owner}`); never touched")
            });
            info.state = State::Unregistered;
            return Some((info, false));
        }
        (_, None, None) => (
            State::Dangling,
            Some("recorded by this master, but its database and registry row are gone"),
        ),
    };
    info.state = state;
    info.note = note.map(str::to_owned);
    Some((info, false))
}

/// What reading a tenant's stamp found.
enum StampRead {
    Read(Option<Stamp>),
    /// The database went while we looked (dropped meanwhile).
    Vanished,
    Failed(String),
}

async fn read_stamp_of(server: &Server, tenant: &str) -> StampRead {
    let gone = |code: Option<String>| matches!(code.as_deref(), Some("3D000" | "57P01"));
    let mut conn = match server.connect(tenant).await {
        Ok(conn) => conn,
        Err(RunnerError::Database { source, .. }) if gone(sqlstate(&source)) => {
            return StampRead::Vanished
        }
        Err(e) => return StampRead::Failed(e.to_string()),
    };
    let read = match stamp::read(&mut conn).await {
        Ok(stamp) => StampRead::Read(stamp),
        Err(e) if gone(sqlstate(&e)) || matches!(e, sqlx::Error::Io(_)) => StampRead::Vanished,
        Err(e) => StampRead::Failed(e.to_string()),
    };
    conn.close().await.ok();
    read
}

fn settle(mut info: TenantInfo, read: StampRead, expected: &str) -> TenantInfo {
    match read {
        StampRead::Read(stamp) => {
            info.state = match &stamp {
                Some(s) if s.fingerprint == expected => State::Current,
                Some(_) => State::OtherSchema,
                None => State::Unstamped,
            };
            info.protected = stamp.as_ref().is_some_and(|s| s.protected);
            info.fingerprint = stamp.map(|s| s.fingerprint);
        }
        StampRead::Vanished => {
            info.state = State::Dangling;
            info.note = Some("its database went while it was being listed".into());
        }
        StampRead::Failed(why) => {
            info.state = State::Unreachable;
            info.note = Some(why);
        }
    }
    info
}

/// The tenants whose state the master's records and the server's catalogs
/// decide (`settled`), and the registered ones whose database must be read
/// to tell (`to_read`, in state `current` until read).
pub struct Survey {
    pub settled: Vec<TenantInfo>,
    pub to_read: Vec<TenantInfo>,
    /// The fleet's servers, by name: where each tenant is read.
    pub servers: Arc<BTreeMap<String, Server>>,
}

impl Survey {
    /// The server `tenant` is on (as its [`TenantInfo::server`] names it).
    pub(crate) fn server_of(&self, tenant: &TenantInfo) -> Server {
        server_in(&self.servers, tenant)
    }
}

/// `tenant`'s server in `servers` (the master's when not found: a name is
/// only recorded with a server the registry holds).
pub(crate) fn server_in(servers: &BTreeMap<String, Server>, tenant: &TenantInfo) -> Server {
    servers
        .get(&tenant.server)
        .or_else(|| servers.get(DEFAULT_SERVER))
        .cloned()
        .expect("the master's server is always known")
}

/// Every tenant of the master and every database named like a tenant on the
/// server, without connecting to any of them.
pub async fn survey(target: &Target) -> Result<Survey, RunnerError> {
    let facts = gather(target, None).await?;
    let servers = Arc::new(facts.servers.clone());
    let names: BTreeSet<&String> = facts
        .registry
        .keys()
        .chain(facts.intents.keys())
        .chain(facts.owners.keys())
        .collect();
    let mut survey = Survey {
        settled: Vec::new(),
        to_read: Vec::new(),
        servers,
    };
    for name in names {
        match classify(&facts, name) {
            Some((info, true)) => survey.to_read.push(info),
            Some((info, false)) => survey.settled.push(info),
            None => {}
        }
    }
    Ok(survey)
}

/// `f` on each item, at most `limit` at a time; results in completion order.
pub(crate) async fn concurrently<T, R, F, Fut>(items: Vec<T>, limit: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
{
    concurrently_by(items, limit, |_| String::new(), f).await
}

/// `f` on each item, at most `limit` at a time for each `key` (a server:
/// each has its own cap, and all are worked on at once); results in
/// completion order.
pub(crate) async fn concurrently_by<T, R, K, F, Fut>(
    items: Vec<T>,
    limit: usize,
    key: K,
    f: F,
) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    K: Fn(&T) -> String,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R> + Send + 'static,
{
    let mut running = tokio::task::JoinSet::new();
    let mut busy: BTreeMap<String, usize> = BTreeMap::new();
    let mut pending: std::collections::VecDeque<T> = items.into();
    let mut out = Vec::new();
    loop {
        // The first waiting item (in order) of each key with room.
        let mut waiting = std::collections::VecDeque::new();
        while let Some(item) = pending.pop_front() {
            let k = key(&item);
            let slots = busy.entry(k.clone()).or_default();
            if *slots < limit.max(1) {
                *slots += 1;
                let work = f(item);
                running.spawn(async move { (k, work.await) });
            } else {
                waiting.push_back(item);
            }
        }
        pending = waiting;
        match running.join_next().await {
            Some(Ok((k, r))) => {
                if let Some(slots) = busy.get_mut(&k) {
                    *slots -= 1;
                }
                out.push(r);
            }
            // A panic in a task is a bug: let it surface as one.
            Some(Err(e)) => std::panic::resume_unwind(e.into_panic()),
            None => break,
        }
    }
    out
}

/// Every tenant of the master and every database named like a tenant on the
/// server. Stamps are read [`CONCURRENT_READS`] at a time.
pub async fn list(target: &Target) -> Result<Vec<TenantInfo>, RunnerError> {
    let Survey {
        settled: mut done,
        to_read,
        servers,
    } = survey(target).await?;
    let shared = Arc::new(target.clone());
    done.extend(
        concurrently(to_read, CONCURRENT_READS, |info| {
            let target = Arc::clone(&shared);
            let server = server_in(&servers, &info);
            async move {
                let read = read_stamp_of(&server, &info.tenant).await;
                settle(info, read, target.declared.tenant_fingerprint())
            }
        })
        .await,
    );
    sort(target, &mut done);
    Ok(done)
}

/// By tenant number; names of other shapes (registered by other tools) after.
pub fn sort(target: &Target, tenants: &mut [TenantInfo]) {
    tenants.sort_by(|a, b| {
        let key = |t: &TenantInfo| {
            let n = target.tenant_number(&t.tenant);
            (n.is_none(), n, t.tenant.clone())
        };
        key(a).cmp(&key(b))
    });
}

/// One tenant as [`list`] shows it, connecting to that tenant alone; an
/// unknown name is an error.
pub async fn find(target: &Target, tenant: &str) -> Result<TenantInfo, RunnerError> {
    find_on(target, tenant).await.map(|(info, _)| info)
}

/// [`find`], with the server the tenant is on.
pub async fn find_on(target: &Target, tenant: &str) -> Result<(TenantInfo, Server), RunnerError> {
    check_name("tenant name", tenant)?;
    let facts = gather(target, Some(tenant)).await?;
    match classify(&facts, tenant) {
        Some((info, read)) => {
            let server = server_in(&facts.servers, &info);
            if !read {
                return Ok((info, server));
            }
            let stamp = read_stamp_of(&server, tenant).await;
            Ok((
                settle(info, stamp, target.declared.tenant_fingerprint()),
                server,
            ))
        }
        None => Err(unknown(target, tenant).await),
    }
}

/// [`RunnerError::UnknownTenant`], naming a few tenants that do exist.
pub(super) async fn unknown(target: &Target, tenant: &str) -> RunnerError {
    let names: Vec<String> = match target.connect(&target.master_db).await {
        Ok(mut master) => registry::some_names(&mut master, 10)
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    RunnerError::UnknownTenant {
        tenant: tenant.to_owned(),
        master: target.master_db.clone(),
        known: if names.is_empty() {
            " (there are none)".into()
        } else {
            format!(" (known: {})", names.join(", "))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{concurrently_by, State};

    #[test]
    fn state_names_are_the_same_in_text_and_json() {
        for state in [
            State::Current,
            State::OtherSchema,
            State::Unstamped,
            State::Creating,
            State::Dropping,
            State::Orphan,
            State::Dangling,
            State::Unregistered,
            State::Unreachable,
            State::Moving,
        ] {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, state.as_str(), "{state:?}");
            assert_eq!(state.to_string(), state.as_str());
        }
    }

    /// Each server gets its own cap, and all servers are worked on at once.
    #[tokio::test]
    async fn the_cap_holds_per_key_and_keys_run_side_by_side() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let now: Arc<[AtomicUsize; 2]> = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let most: Arc<[AtomicUsize; 2]> = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let together = Arc::new(AtomicUsize::new(0));
        let items: Vec<usize> = vec![0, 0, 0, 0, 1, 1, 1, 1];
        let done = concurrently_by(
            items,
            2,
            |k| k.to_string(),
            |k| {
                let (now, most, together) =
                    (Arc::clone(&now), Arc::clone(&most), Arc::clone(&together));
                async move {
                    let n = now[k].fetch_add(1, Ordering::SeqCst) + 1;
                    most[k].fetch_max(n, Ordering::SeqCst);
                    let all = now[0].load(Ordering::SeqCst) + now[1].load(Ordering::SeqCst);
                    together.fetch_max(all, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    now[k].fetch_sub(1, Ordering::SeqCst);
                    k
                }
            },
        )
        .await;
        assert_eq!(done.len(), 8);
        assert_eq!(most[0].load(Ordering::SeqCst), 2);
        assert_eq!(most[1].load(Ordering::SeqCst), 2);
        assert!(
            together.load(Ordering::SeqCst) > 2,
            "keys ran one after the other"
        );
    }
}
