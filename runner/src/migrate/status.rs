//! `runner status`: the master and every tenant, read from what is actually
//! in each database (not from stamps), grouped by the fingerprint of what is
//! there, so that 1,000 tenants in three states read as three groups.
//!
//! Per database one connection and a cheap query: the stamp and its DDL
//! journal ([`crate::bookkeeping::journal`]). A database whose journal is untouched since
//! the runner verified it still has the catalog hash its stamp records;
//! others (and all with `--deep`) have their catalog hashed on the server.
//! One database per distinct catalog hash is introspected in full; the others
//! share its model.

use std::collections::BTreeMap;

use schema_core::DbKind;
use schema_model::compare::{compare, Difference};
use schema_model::fingerprint::fingerprint;
use schema_model::introspect::{catalog_hash, introspect, unmodeled};
use schema_model::plan::{plan, PlanOptions};
use sqlx::{Connection, PgConnection};

use crate::bookkeeping::stamp::{self, Stamp};
use crate::server::Server;
use crate::target::Target;
use crate::tenant::{self, State, TenantInfo};
use crate::RunnerError;

/// Databases read at once unless told otherwise.
pub(crate) const DEFAULT_CONCURRENCY: usize = 16;

/// Where a database stands against the declared schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DbState {
    /// Holds exactly the declared schema (column order aside).
    Current,
    /// Holds exactly what its stamp says, an older schema: `migrate` brings it.
    Behind,
    /// Holds something its stamp does not say (changed by hand, or made by
    /// other tools and never stamped): each difference is listed.
    Drifted,
    /// Made by this master, but its bookkeeping (`rsm`: stamp, journal,
    /// history) is gone, as after a restore from a dump of `public` alone:
    /// whatever it holds, `migrate` stamps it again (and runs no data
    /// migration the master records as run).
    Unstamped,
    /// Refused the runner's connection.
    Unreachable,
    /// A database named like a tenant that no registry row points at.
    Unregistered,
    /// A registry row whose database does not exist.
    Dangling,
    /// Being created, or dropped, right now.
    Busy,
    /// Left by an interrupted create or drop: `tenant cleanup --orphans`.
    Orphan,
}

impl DbState {
    pub fn as_str(self) -> &'static str {
        match self {
            DbState::Current => "current",
            DbState::Behind => "behind",
            DbState::Drifted => "drifted",
            DbState::Unstamped => "unstamped",
            DbState::Unreachable => "unreachable",
            DbState::Unregistered => "unregistered",
            DbState::Dangling => "dangling",
            DbState::Busy => "busy",
            DbState::Orphan => "orphan",
        }
    }
}

/// Databases in one state with one fingerprint.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Group {
    pub db: DbKind,
    pub state: DbState,
    /// The fingerprint of what the databases hold (when read).
    pub fingerprint: Option<String>,
    pub count: usize,
    pub databases: Vec<String>,
    /// For `behind` and `drifted`: each difference from the declared schema.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
    /// What the databases hold and the schema does not declare: kept by
    /// `migrate` (unless asked), and no reason to call them out of date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<Difference>,
    /// What `migrate` would do (its plan's steps): with the differences, the
    /// reason the databases are not current — constraints under other names
    /// included.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Pending>,
    /// What the databases hold that no plan manages (types, views, loose
    /// sequences, partitions, keys to other schemas): listed, no drift.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listed: Vec<String>,
    /// Undeclared things that change what the application's statements do
    /// (a trigger, a rule, row level security, a second foreign key): the
    /// databases are drifted; `migrate --prune` removes them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub behaviour: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A step `migrate` would take: its class and why, as `diff` gives them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    pub class: schema_model::plan::Class,
    pub reason: String,
}

impl std::fmt::Display for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.class.as_str(), self.reason)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub master_fingerprint: String,
    pub tenant_fingerprint: String,
    pub databases: usize,
    /// Databases whose catalog was read (hashed): the journal could not vouch
    /// for them, or `--deep`.
    pub catalogs_read: usize,
    /// Every database of the fleet is `current` (with `--strict`, no
    /// database named like a tenant is unregistered either).
    pub all_current: bool,
    /// Databases named like tenants that no registry row points at: listed,
    /// and counted against `all_current` only with `--strict`.
    pub unregistered: usize,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Copy)]
pub struct StatusOptions {
    pub concurrency: usize,
    /// Count column order as a difference.
    pub strict_order: bool,
    /// Read every catalog, whatever the DDL journals say.
    pub deep: bool,
    /// A database named like a tenant that no registry row points at makes
    /// the fleet not current.
    pub strict: bool,
}

impl Default for StatusOptions {
    fn default() -> Self {
        StatusOptions {
            concurrency: DEFAULT_CONCURRENCY,
            strict_order: false,
            deep: false,
            strict: false,
        }
    }
}

/// A database, judged: (kind, state, fingerprint of what it holds, name, note).
/// (kind, state, fingerprint of what it holds, the catalog hash it was read
/// with, name, note).
type Entry = (
    DbKind,
    DbState,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// What one connection to a database says.
#[derive(Debug, Clone)]
struct Probe {
    catalog: String,
    stamp: Option<Stamp>,
    /// The catalog was hashed (not vouched for by the journal).
    read: bool,
}

/// `made`: the runner made this database (it has the runner's tables, so
/// the one-statement read never fails for their absence, which would leave
/// an error in the server's log).
async fn probe(conn: &mut PgConnection, deep: bool, made: bool) -> Result<Probe, sqlx::Error> {
    let (stamp, journal) = if made {
        stamp::read_vouched(conn).await?
    } else {
        stamp::read_with_journal(conn).await?
    };
    let vouched = stamp
        .as_ref()
        .and_then(|s| s.catalog_if_unchanged(&journal))
        .filter(|_| !deep)
        .map(str::to_owned);
    Ok(match vouched {
        Some(catalog) => Probe {
            catalog,
            stamp,
            read: false,
        },
        None => Probe {
            catalog: catalog_hash(conn, "public").await?,
            stamp,
            read: true,
        },
    })
}

/// A model read in full, for every database sharing its catalog hash.
struct Read {
    fingerprint: String,
    differences: Vec<Difference>,
    extras: Vec<Difference>,
    pending: Vec<Pending>,
    behaviour: Vec<String>,
    listed: Vec<String>,
}

impl Read {
    /// Judged by the plan `migrate` would run: no step, and nothing kept that
    /// changes behaviour.
    fn is_current(&self) -> bool {
        self.differences.is_empty() && self.pending.is_empty() && self.behaviour.is_empty()
    }
}

/// Read `database` in full: its model's fingerprint and its differences from
/// `db`'s declared schema. The catalog hash is measured on the same connection.
async fn read_model(
    target: &Target,
    server: &Server,
    database: &str,
    db: DbKind,
    options: &StatusOptions,
) -> Result<(String, Read), RunnerError> {
    let mut conn = server.connect(database).await?;
    let failed = |e| RunnerError::db("reading the schema", database, e);
    let catalog = catalog_hash(&mut conn, "public").await.map_err(failed)?;
    let actual = introspect(&mut conn, "public").await.map_err(failed)?;
    let listed = unmodeled(&mut conn, "public")
        .await
        .map_err(failed)?
        .lines();
    conn.close().await.ok();
    let declared = target.declared.schema(db);
    let (extras, differences) = compare(declared, &actual)
        .into_iter()
        .filter(|d| options.strict_order || !matches!(d, Difference::ColumnOrder { .. }))
        .partition(Difference::is_extra);
    let planned = plan(&actual, declared, &PlanOptions::default());
    let behaviour = planned.kept_behaviour();
    let pending = planned
        .steps
        .into_iter()
        .map(|s| Pending {
            class: s.class,
            reason: s.reason,
        })
        .collect();
    Ok((
        catalog,
        Read {
            fingerprint: fingerprint(&actual),
            differences,
            extras,
            pending,
            behaviour,
            listed,
        },
    ))
}

/// Status of the master and every tenant; changes nothing.
pub async fn status(target: &Target, options: &StatusOptions) -> Result<Status, RunnerError> {
    let mut master = target.connect(&target.master_db).await?;
    let master_probe = probe(&mut master, options.deep, true)
        .await
        .map_err(|e| RunnerError::db("reading the master", &target.master_db, e))?;
    master.close().await.ok();
    let mut survey = tenant::survey(target).await?;
    let to_read = std::mem::take(&mut survey.to_read);

    // Probe every registered tenant database at once (bounded).
    let deep = options.deep;
    let probed: Vec<(TenantInfo, Result<Probe, String>)> = tenant::concurrently_by(
        to_read,
        options.concurrency,
        |info| info.server.clone(),
        |info| {
            let server = survey.server_of(&info);
            async move {
                let result = match server.connect(&info.tenant).await {
                    Ok(mut conn) => {
                        let p = probe(&mut conn, deep, info.owned)
                            .await
                            .map_err(|e| e.to_string());
                        conn.close().await.ok();
                        p
                    }
                    Err(e) => Err(e.to_string().lines().next().unwrap_or_default().to_owned()),
                };
                (info, result)
            }
        },
    )
    .await;
    // One full read per distinct catalog hash.
    let mut models: BTreeMap<String, Read> = BTreeMap::new();
    let (catalog, read) = read_model(
        target,
        &target.server,
        &target.master_db,
        DbKind::Master,
        options,
    )
    .await?;
    models.insert(catalog, read);
    for (info, result) in &probed {
        if let Ok(p) = result {
            if !models.contains_key(&p.catalog) {
                // Measured again on the connection that reads the model: a
                // database changed meanwhile gets its own entry.
                let server = survey.server_of(info);
                if let Ok((catalog, read)) =
                    read_model(target, &server, &info.tenant, DbKind::Tenant, options).await
                {
                    models.insert(catalog, read);
                }
            }
        }
    }
    let mut entries: Vec<Entry> = Vec::new();
    // Behind: exactly what its stamp says, and that is an older schema (a
    // database holding the declared shape under other names is drifted).
    let judge = |p: &Probe, db: DbKind| -> (DbState, Option<String>) {
        match models.get(&p.catalog) {
            None => (DbState::Unreachable, None),
            Some(read) if read.is_current() => (DbState::Current, Some(read.fingerprint.clone())),
            Some(read) => {
                let stamped = p.stamp.as_ref().map(|s| s.fingerprint.as_str());
                let older = read.fingerprint != target.declared.fingerprint(db);
                let state = if older && stamped == Some(read.fingerprint.as_str()) {
                    DbState::Behind
                } else {
                    DbState::Drifted
                };
                (state, Some(read.fingerprint.clone()))
            }
        }
    };
    let (state, fp) = judge(&master_probe, DbKind::Master);
    entries.push((
        DbKind::Master,
        state,
        fp,
        Some(master_probe.catalog.clone()),
        target.master_db.clone(),
        None,
    ));
    for (info, result) in &probed {
        match result {
            Ok(p) => {
                let (state, fp) = match judge(p, DbKind::Tenant) {
                    (DbState::Unreachable, fp) => (DbState::Unreachable, fp),
                    (_, fp) if info.owned && p.stamp.is_none() => (DbState::Unstamped, fp),
                    judged => judged,
                };
                let note = match state {
                    DbState::Unreachable => Some("changed while it was read; run status again"),
                    DbState::Unstamped => Some(
                        "made by this master, but its `rsm` schema is missing (restored from a dump without it?); `runner migrate` stamps it again",
                    ),
                    _ => None,
                }
                .map(str::to_owned);
                entries.push((
                    DbKind::Tenant,
                    state,
                    fp,
                    Some(p.catalog.clone()),
                    info.tenant.clone(),
                    note,
                ));
            }
            Err(e) => entries.push((
                DbKind::Tenant,
                DbState::Unreachable,
                None,
                None,
                info.tenant.clone(),
                Some(e.clone()),
            )),
        }
    }
    for info in &survey.settled {
        let state = match info.state {
            State::Unregistered => DbState::Unregistered,
            State::Dangling => DbState::Dangling,
            State::Creating | State::Dropping | State::Moving => DbState::Busy,
            State::Orphan => DbState::Orphan,
            _ => DbState::Unreachable,
        };
        entries.push((
            DbKind::Tenant,
            state,
            None,
            None,
            info.tenant.clone(),
            info.note.clone(),
        ));
    }

    // Group by (database kind, state, fingerprint, what is listed); notes of
    // unreachable databases keep them apart. Each is told from the model
    // read with its own catalog hash.
    let mut groups: Vec<Group> = Vec::new();
    for (db, state, fp, catalog, name, note) in entries {
        let read = catalog.as_ref().and_then(|c| models.get(c));
        let behind_or_drifted = matches!(
            state,
            DbState::Behind | DbState::Drifted | DbState::Unstamped
        );
        let differences = read
            .filter(|_| behind_or_drifted)
            .map(|r| r.differences.clone())
            .unwrap_or_default();
        let pending = read
            .filter(|_| behind_or_drifted)
            .map(|r| r.pending.clone())
            .unwrap_or_default();
        let behaviour = read
            .filter(|_| behind_or_drifted)
            .map(|r| r.behaviour.clone())
            .unwrap_or_default();
        let extras = read.map(|r| r.extras.clone()).unwrap_or_default();
        let listed = read.map(|r| r.listed.clone()).unwrap_or_default();
        match groups.iter_mut().find(|g| {
            g.db == db
                && g.state == state
                && g.fingerprint == fp
                && g.note == note
                && g.listed == listed
        }) {
            Some(g) => {
                g.count += 1;
                g.databases.push(name);
            }
            None => groups.push(Group {
                db,
                state,
                fingerprint: fp,
                count: 1,
                databases: vec![name],
                differences,
                extras,
                listed,
                pending,
                behaviour,
                note,
            }),
        }
    }
    for g in &mut groups {
        g.databases.sort_by_key(|d| {
            (
                target.tenant_number(d).is_none(),
                target.tenant_number(d),
                d.clone(),
            )
        });
    }
    groups.sort_by(|a, b| {
        (a.db != DbKind::Master, a.state, std::cmp::Reverse(a.count)).cmp(&(
            b.db != DbKind::Master,
            b.state,
            std::cmp::Reverse(b.count),
        ))
    });
    let databases = groups.iter().map(|g| g.count).sum();
    let catalogs_read = usize::from(master_probe.read)
        + probed
            .iter()
            .filter(|(_, p)| p.as_ref().is_ok_and(|p| p.read))
            .count();
    Ok(Status {
        master_fingerprint: target.declared.fingerprint(DbKind::Master).to_owned(),
        tenant_fingerprint: target.declared.tenant_fingerprint().to_owned(),
        databases,
        catalogs_read,
        all_current: groups.iter().all(|g| {
            g.state == DbState::Current || (g.state == DbState::Unregistered && !options.strict)
        }),
        unregistered: groups
            .iter()
            .filter(|g| g.state == DbState::Unregistered)
            .map(|g| g.count)
            .sum(),
        groups,
    })
}
