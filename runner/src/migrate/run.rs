//! `runner migrate`: the master first, then the tenants — a canary of K
//! first when asked, then the rest with bounded concurrency — recorded in a
//! run ledger in the master so that a killed run can `--resume`.
//!
//! A master or tenants made by other tools (registered in `tenant_databases`,
//! no `rsm` schema) are adopted by the first migrate: the master gets the
//! runner's identity (as `master init` gives it), each tenant its stamp,
//! history and a record in the master.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use schema_core::DbKind;
use sqlx::PgConnection;

use super::apply::{migrate_one, Context, DbReport, MigrateOptions, Outcome, PlanCache};
use crate::bookkeeping::ledger;
use crate::bookkeeping::lock;
use crate::bookkeeping::ownership;
use crate::error::exit;
use crate::target::{check_name, Target};
use crate::tenant::{self, State};
use crate::RunnerError;

/// Which tenants a run takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenants {
    /// The master alone.
    None,
    /// Every registered tenant (and every tenant this master made).
    All,
    Named(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub migrate: MigrateOptions,
    pub tenants: Tenants,
    pub concurrency: usize,
    /// Migrate this many tenants first, one by one; stop on any failure.
    pub canary: Option<usize>,
    /// Stop starting tenants once more than this many have failed.
    pub max_failures: Option<usize>,
    /// Go on with the latest unfinished run instead of starting one.
    pub resume: bool,
    /// Adopt registered tenants made by other tools: without it they are
    /// reported `not_adopted` and never touched (a registry row is a claim
    /// anyone who may write the master can make, not a proof).
    pub adopt: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            migrate: MigrateOptions::default(),
            tenants: Tenants::All,
            concurrency: 4,
            canary: None,
            max_failures: None,
            resume: false,
            adopt: false,
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub migrated: usize,
    pub unchanged: usize,
    pub stamped: usize,
    pub planned: usize,
    pub blocked: usize,
    pub needs_destructive: usize,
    pub needs_prune: usize,
    pub busy: usize,
    pub not_adopted: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Summary {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Migrated => self.migrated += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Stamped => self.stamped += 1,
            Outcome::Planned => self.planned += 1,
            Outcome::Blocked => self.blocked += 1,
            Outcome::NeedsDestructive => self.needs_destructive += 1,
            Outcome::NeedsPrune => self.needs_prune += 1,
            Outcome::Busy => self.busy += 1,
            Outcome::NotAdopted => self.not_adopted += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Skipped => self.skipped += 1,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    pub run_id: Option<String>,
    pub resumed: bool,
    pub dry_run: bool,
    pub master: DbReport,
    pub tenants: Vec<DbReport>,
    pub summary: Summary,
    /// Distinct plans computed (databases with the same catalog share one).
    pub plans: usize,
    /// Why the run stopped early, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl RunReport {
    /// 0 when every database ends where it should; otherwise the code of the
    /// one kind of failure, or [`exit::NOT_MIGRATED`] when they are mixed.
    pub fn exit_code(&self) -> u8 {
        let failures: BTreeSet<Outcome> = std::iter::once(&self.master)
            .chain(&self.tenants)
            .map(|r| r.outcome)
            .filter(|o| !o.is_ok())
            .collect();
        match failures.iter().collect::<Vec<_>>().as_slice() {
            [] => exit::SUCCESS,
            [Outcome::Blocked] => exit::BLOCKED,
            [Outcome::NeedsDestructive] => exit::NEEDS_DESTRUCTIVE,
            [Outcome::NeedsPrune] => exit::NEEDS_PRUNE,
            [Outcome::Busy] => exit::BUSY,
            [Outcome::NotAdopted] => exit::NOT_OWNED,
            _ => exit::NOT_MIGRATED,
        }
    }
}

/// Run a migration; `done` is called as each database finishes, with the
/// number of databases the run takes (known once the master is done).
pub async fn migrate(
    target: &Target,
    options: &RunOptions,
    done: &mut (dyn FnMut(&DbReport, usize) + Send),
) -> Result<RunReport, RunnerError> {
    if let Tenants::Named(names) = &options.tenants {
        for name in names {
            check_name("tenant name", name)?;
        }
    }
    let cache = PlanCache::default();
    let mut admin = target.admin().await?;
    let mut master_conn = target.connect(&target.master_db).await?;
    let identity = ownership::read_identity(&mut master_conn)
        .await
        .map_err(|e| RunnerError::db("reading the master's identity", &target.master_db, e))?;
    let data_migrations_run = ledger::data_migrations(&mut master_conn)
        .await
        .map_err(|e| RunnerError::db("reading the run ledger", &target.master_db, e))?;

    // The master first; the tenants only when it is where it should be.
    let mut ctx = Context {
        target: target.clone(),
        options: options.migrate,
        cache: cache.clone(),
        run_id: None,
        master_id: identity.as_ref().map(|i| i.master_id.clone()),
        owned: Arc::default(),
        data_migrations_run: Arc::new(data_migrations_run),
        placed: Arc::default(),
    };
    let master = migrate_one(&ctx, &mut admin, &target.master_db, DbKind::Master).await;
    done(&master, 0); // the total is known once the tenants are listed
    let mut report = RunReport {
        run_id: None,
        resumed: false,
        dry_run: options.migrate.dry_run,
        master,
        tenants: Vec::new(),
        summary: Summary::default(),
        plans: 0,
        stopped: None,
    };
    if !report.master.outcome.is_ok() {
        report.stopped = Some("the master was not migrated; no tenant was touched".into());
        report.plans = cache.len();
        return Ok(report);
    }
    // A master made by other tools, now holding the declared schema: adopted.
    let identity = match identity {
        Some(identity) => Some(identity),
        None if options.migrate.dry_run => None,
        None => {
            crate::master::init(target).await?;
            ownership::read_identity(&mut master_conn)
                .await
                .map_err(|e| {
                    RunnerError::db("reading the master's identity", &target.master_db, e)
                })?
        }
    };
    ctx.master_id = identity.as_ref().map(|i| i.master_id.clone());

    let Selected {
        names: mut tenants,
        owned,
        placed,
    } = select(target, &options.tenants).await?;
    ctx.owned = Arc::new(owned);
    ctx.placed = Arc::new(placed);
    let mut total = 1 + tenants.len();
    if !options.migrate.dry_run {
        ledger::ensure(&mut master_conn)
            .await
            .map_err(|e| RunnerError::db("preparing the run ledger", &target.master_db, e))?;
        let declared = &target.declared;
        let (mfp, tfp) = (
            declared.fingerprint(DbKind::Master),
            declared.tenant_fingerprint(),
        );
        let resumed = if options.resume {
            ledger::resumable(&mut master_conn, &mut admin, mfp, tfp)
                .await
                .map_err(|e| RunnerError::db("reading the run ledger", &target.master_db, e))?
        } else {
            None
        };
        let run_id = match (&resumed, options.resume) {
            (Some(id), _) => id.clone(),
            (None, true) => {
                return Err(RunnerError::InvalidInput(
                    "no unfinished run to resume for these schemas (or its runner still lives); run without --resume".into(),
                ))
            }
            (None, false) => {
                let id = crate::scram::random_password()
                    .map_err(RunnerError::system("reading /dev/urandom"))?[..16]
                    .to_owned();
                lock::try_acquire(&mut admin, ledger::run_lock(&id))
                    .await
                    .map_err(|e| RunnerError::db("taking the run's lock", "postgres", e))?;
                let recorded = serde_json::json!({
                    "allow_destructive": options.migrate.allow_destructive,
                    "prune": options.migrate.prune,
                    "tenants": format!("{:?}", options.tenants),
                });
                ledger::start(&mut master_conn, &id, mfp, tfp, &recorded)
                    .await
                    .map_err(|e| RunnerError::db("starting the run", &target.master_db, e))?;
                id
            }
        };
        if resumed.is_some() {
            let finished = ledger::finished_databases(&mut master_conn, &run_id)
                .await
                .map_err(|e| RunnerError::db("reading the run ledger", &target.master_db, e))?;
            tenants.retain(|t| !finished.contains(t));
            total = 1 + tenants.len();
            report.resumed = true;
        }
        report.run_id = Some(run_id.clone());
        ctx.run_id = Some(run_id);
    }

    // Canary: one by one, stop on the first failure.
    let canary = options.canary.unwrap_or(0).min(tenants.len());
    let rest = tenants.split_off(canary);
    for name in &tenants {
        let r = migrate_tenant(&ctx, &mut admin, name, options.adopt).await;
        let ok = r.outcome.is_ok();
        finish_tenant(&ctx, &mut master_conn, &r).await?;
        done(&r, total);
        report.tenants.push(r);
        if !ok {
            report.stopped = Some(format!(
                "the canary `{name}` was not migrated; the other tenants were not touched"
            ));
            break;
        }
    }
    if report.stopped.is_none() {
        run_rest(
            &ctx,
            options,
            rest.clone(),
            &mut master_conn,
            &mut report,
            total,
            done,
        )
        .await?;
    }
    // Tenants never started are reported as skipped; all in the run's order.
    let order: Vec<&String> = tenants.iter().chain(&rest).collect();
    let reached: BTreeSet<String> = report.tenants.iter().map(|t| t.database.clone()).collect();
    for name in order.iter().filter(|n| !reached.contains(**n)) {
        report.tenants.push(DbReport::skipped(
            name,
            DbKind::Tenant,
            "the run stopped before it",
        ));
    }
    report
        .tenants
        .sort_by_key(|t| order.iter().position(|n| **n == t.database));
    for t in &report.tenants {
        report.summary.add(t.outcome);
    }
    report.plans = cache.len();
    if let Some(id) = &ctx.run_id {
        let state = if report.stopped.is_some() {
            "stopped"
        } else {
            "finished"
        };
        ledger::finish(&mut master_conn, id, state)
            .await
            .map_err(|e| RunnerError::db("closing the run", &target.master_db, e))?;
        lock::release(&mut admin, ledger::run_lock(id)).await;
    }
    Ok(report)
}

/// The tenants after the canary, `concurrency` at a time on each server (all
/// servers at once); each worker keeps one admin connection for the locks.
async fn run_rest(
    ctx: &Context,
    options: &RunOptions,
    rest: Vec<String>,
    master: &mut PgConnection,
    report: &mut RunReport,
    total: usize,
    done: &mut (dyn FnMut(&DbReport, usize) + Send),
) -> Result<(), RunnerError> {
    let admins: Arc<Mutex<Vec<PgConnection>>> = Arc::new(Mutex::new(Vec::new()));
    let server_of = |name: &str| {
        ctx.placed
            .get(name)
            .map_or(crate::server::DEFAULT_SERVER, |s| s.name.as_str())
            .to_owned()
    };
    let mut pending: std::collections::VecDeque<String> = rest.into();
    let mut busy: BTreeMap<String, usize> = BTreeMap::new();
    let mut running = tokio::task::JoinSet::new();
    let mut failures = report.tenants.iter().filter(|t| !t.outcome.is_ok()).count();
    loop {
        let over = options.max_failures.is_some_and(|max| failures > max);
        let mut waiting = std::collections::VecDeque::new();
        while let Some(name) = pending.pop_front() {
            let server = server_of(&name);
            let slots = busy.entry(server.clone()).or_default();
            if over || *slots >= options.concurrency.max(1) {
                waiting.push_back(name);
                continue;
            }
            *slots += 1;
            let (ctx, admins, adopt) = (ctx.clone(), Arc::clone(&admins), options.adopt);
            running.spawn(async move {
                let pooled = admins.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let mut admin = match pooled {
                    Some(conn) => conn,
                    None => match ctx.target.admin().await {
                        Ok(conn) => conn,
                        Err(e) => {
                            let mut r = DbReport::skipped(&name, DbKind::Tenant, "");
                            r.outcome = Outcome::Failed;
                            r.detail = Some(e.to_string());
                            return (server, r);
                        }
                    },
                };
                let r = migrate_tenant(&ctx, &mut admin, &name, adopt).await;
                admins.lock().unwrap_or_else(|p| p.into_inner()).push(admin);
                (server, r)
            });
        }
        pending = waiting;
        let Some(joined) = running.join_next().await else {
            break;
        };
        let r = match joined {
            Ok((server, r)) => {
                if let Some(slots) = busy.get_mut(&server) {
                    *slots -= 1;
                }
                r
            }
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        if !r.outcome.is_ok() {
            failures += 1;
        }
        finish_tenant(ctx, master, &r).await?;
        done(&r, total);
        report.tenants.push(r);
        if options.max_failures.is_some_and(|max| failures > max) && report.stopped.is_none() {
            report.stopped = Some(format!(
                "more than {} tenants failed; no further tenant was started",
                options.max_failures.unwrap_or(0)
            ));
        }
    }
    Ok(())
}

/// After a tenant: the ledger row, and the master's record of an adopted one.
async fn finish_tenant(
    ctx: &Context,
    master: &mut PgConnection,
    r: &DbReport,
) -> Result<(), RunnerError> {
    let Some(run_id) = &ctx.run_id else {
        return Ok(());
    };
    let master_db = &ctx.target.master_db;
    // Found as it should be: nothing to resume there, nothing to record.
    if r.outcome == Outcome::Unchanged && ctx.owned.contains(&r.database) {
        return Ok(());
    }
    if r.adopted && !ctx.options.dry_run {
        sqlx::query(
            "INSERT INTO rsm.databases (name, kind, state, adopted) VALUES ($1, 'tenant', 'ready', true)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&r.database)
        .execute(&mut *master)
        .await
        .map_err(|e| RunnerError::db("recording the adopted tenant", master_db, e))?;
    }
    // Committed with its data migrations (kept behaviours aside, it was migrated).
    let committed = matches!(r.outcome, Outcome::Migrated | Outcome::NeedsPrune);
    if committed && !r.data_migrations.is_empty() {
        ledger::record_data_migrations(master, &r.database, &r.data_migrations)
            .await
            .map_err(|e| RunnerError::db("recording the data migrations", master_db, e))?;
    }
    ledger::record(
        master,
        run_id,
        &r.database,
        r.outcome.as_str(),
        r.detail.as_deref(),
    )
    .await
    .map_err(|e| RunnerError::db("recording the run", master_db, e))
}

/// A tenant of the run: one this master made or adopted is migrated; one
/// registered by other tools only with `--adopt` and once it may be adopted
/// (else reported `not_adopted`, untouched).
async fn migrate_tenant(
    ctx: &Context,
    admin: &mut PgConnection,
    name: &str,
    adopt: bool,
) -> DbReport {
    if !ctx.owned.contains(name) {
        let refused = if adopt {
            let lock_timeout = ctx.options.lock_timeout.as_millis().to_string();
            adoption_refused(&ctx.target, ctx.master_id.as_deref(), name, &lock_timeout).await
        } else {
            Some((Outcome::NotAdopted, "registered by other tools and not adopted: `runner migrate --adopt` adopts it (after checking it holds the tenant tables)".to_owned()))
        };
        if let Some((outcome, why)) = refused {
            let mut r = DbReport::skipped(name, DbKind::Tenant, &why);
            r.outcome = outcome;
            return r;
        }
    }
    let mut r = migrate_one(ctx, admin, name, DbKind::Tenant).await;
    r.adopted = !ctx.owned.contains(name) && r.outcome.is_ok();
    r
}

/// Why a registered database made by other tools may not be adopted, if
/// it may not: a system database, the master, a template, a master of its
/// own, a database stamped by another master, or one that does not hold the
/// declared tenant tables (a third of them at least, by name and primary
/// key: an older schema is adopted and brought forward; an application's
/// other database is not).
async fn adoption_refused(
    target: &Target,
    master_id: Option<&str>,
    name: &str,
    lock_timeout: &str,
) -> Option<(Outcome, String)> {
    let refuse = |why: String| Some((Outcome::NotAdopted, why));
    let unread = |why: String| {
        Some((
            Outcome::Failed,
            format!("could not be read to check it may be adopted: {why}"),
        ))
    };
    use crate::target::{SYSTEM_DATABASES, TEMPLATE_PREFIX};
    if SYSTEM_DATABASES.contains(&name)
        || name == target.master_db
        || name.starts_with(TEMPLATE_PREFIX)
    {
        return refuse("a system database, the master or a template is never adopted".into());
    }
    let mut conn = match target
        .connect_setting(name, "lock_timeout", lock_timeout)
        .await
    {
        Ok(conn) => conn,
        Err(e) => return unread(e.to_string()),
    };
    let found = async {
        let is_master: bool = sqlx::query_scalar("SELECT to_regclass('rsm.identity') IS NOT NULL")
            .fetch_one(&mut conn)
            .await?;
        let stamp = crate::bookkeeping::stamp::read(&mut conn).await?;
        let actual = schema_model::introspect::introspect(&mut conn, "public").await?;
        Ok::<_, sqlx::Error>((is_master, stamp, actual))
    }
    .await;
    let (is_master, stamp, actual) = match found {
        Ok(found) => found,
        Err(e) => return unread(e.to_string()),
    };
    if is_master {
        return refuse("it is a master (it has the runner's identity)".into());
    }
    if let (Some(theirs), Some(ours)) = (stamp.and_then(|s| s.master_id), master_id) {
        if theirs != ours {
            return refuse(format!("it is stamped by another master ({theirs})"));
        }
    }
    let declared = target.declared.schema(DbKind::Tenant);
    let held = declared
        .tables
        .iter()
        .filter(|t| {
            actual.table(&t.name).is_some_and(|a| {
                a.primary_key.as_ref().map(|k| &k.columns)
                    == t.primary_key.as_ref().map(|k| &k.columns)
            })
        })
        .count();
    if held * 3 < declared.tables.len() || held == 0 {
        return refuse(format!(
            "it holds {held} of the {} declared tenant tables: not a tenant of this schema",
            declared.tables.len()
        ));
    }
    None
}

/// The tenant databases a run takes, by name: registered tenants whose
/// database exists, and those this master made; never a database that is
/// neither (unregistered, another master's).
async fn select(target: &Target, tenants: &Tenants) -> Result<Selected, RunnerError> {
    if *tenants == Tenants::None {
        return Ok(Selected::default());
    }
    let survey = tenant::survey(target).await?;
    let mut eligible: Vec<tenant::TenantInfo> = survey.to_read.clone();
    // This master's, unregistered; and those on a server that cannot be
    // reached now: tried, and reported as they fail, never skipped unsaid.
    eligible.extend(
        survey
            .settled
            .iter()
            .filter(|t| {
                (t.owned && t.state == State::Unregistered) || t.state == State::Unreachable
            })
            .cloned(),
    );
    let placed = eligible
        .iter()
        .filter(|t| t.server != crate::server::DEFAULT_SERVER)
        .map(|t| (t.tenant.clone(), survey.server_of(t)))
        .collect();
    tenant::sort(target, &mut eligible);
    let owned = eligible
        .iter()
        .filter(|t| t.owned)
        .map(|t| t.tenant.clone())
        .collect();
    let names = match tenants {
        Tenants::None => Vec::new(),
        Tenants::All => eligible.into_iter().map(|t| t.tenant).collect(),
        Tenants::Named(names) => {
            let mut out = Vec::new();
            for name in names {
                if eligible.iter().any(|t| &t.tenant == name) {
                    out.push(name.clone());
                    continue;
                }
                return Err(match survey.settled.iter().find(|t| &t.tenant == name) {
                    Some(t) if t.state == State::Unregistered => RunnerError::NotOwned {
                        database: name.clone(),
                        master: target.master_db.clone(),
                        reason: t
                            .note
                            .clone()
                            .unwrap_or_else(|| "no registry row points at it".into()),
                    },
                    Some(t) => RunnerError::InvalidInput(format!(
                        "tenant `{name}` is {}: there is no database to migrate{}",
                        t.state,
                        t.note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
                    )),
                    None => RunnerError::UnknownTenant {
                        tenant: name.clone(),
                        master: target.master_db.clone(),
                        known: String::new(),
                    },
                });
            }
            out
        }
    };
    Ok(Selected {
        names,
        owned,
        placed,
    })
}

/// The tenants a run takes, and which of them this master made or adopted
/// already (no record to write for those).
#[derive(Default)]
struct Selected {
    names: Vec<String>,
    owned: BTreeSet<String>,
    /// The server of each tenant not on the master's.
    placed: BTreeMap<String, crate::server::Server>,
}
