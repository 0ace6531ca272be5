//! Migrating one database: under its advisory lock, in one transaction with
//! a `lock_timeout` (retried a few times), on a plan computed under the lock.
//! Databases whose catalogs hash alike share one plan. Data checks run first
//! (read-only); a blocked or a destructive plan (without the flag) is refused
//! before any statement. Then the statements, the pending data migrations,
//! a check that the database now holds the declared schema, the stamp and a
//! row in `rsm.history` — all committed together, or nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use schema_core::DbKind;
use schema_model::fingerprint::fingerprint;
use schema_model::introspect::{catalog_hash, introspect};
use schema_model::model::Schema;
use schema_model::plan::{plan, Class, Plan, PlanOptions};
use sqlx::{Connection, Executor, PgConnection};

use super::assess::{assess, Assessed};
use crate::bookkeeping::history::Entry;
use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::stamp;
use crate::error::sqlstate;
use crate::server::Server;
use crate::target::Target;
use crate::RunnerError;

#[derive(Debug, Clone, Copy)]
pub struct MigrateOptions {
    pub allow_destructive: bool,
    pub prune: bool,
    /// Plan and check, change nothing.
    pub dry_run: bool,
    /// How long a statement waits for a table lock before the attempt is
    /// rolled back and retried.
    pub lock_timeout: Duration,
    /// Attempts after a lock timeout.
    pub retries: u32,
    /// Measure each database's catalog before calling it unchanged, even
    /// where its DDL journal vouches that nothing changed since the runner
    /// last verified it (as `status --deep` does).
    pub deep: bool,
}

impl Default for MigrateOptions {
    fn default() -> Self {
        MigrateOptions {
            allow_destructive: false,
            prune: false,
            dry_run: false,
            lock_timeout: Duration::from_secs(5),
            retries: 3,
            deep: false,
        }
    }
}

impl MigrateOptions {
    fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            allow_destructive: self.allow_destructive,
            prune: self.prune,
            exact: false,
        }
    }
}

/// What happened to one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Brought to the declared schema.
    Migrated,
    /// Already there, and stamped so.
    Unchanged,
    /// Already there; its stamp (or first stamp: adopted) written.
    Stamped,
    /// `--dry-run`: this is what would happen.
    Planned,
    /// A data-dependent step would fail on its data; nothing changed.
    Blocked,
    /// The plan has destructive steps and `--allow-destructive` was not given.
    NeedsDestructive,
    /// Brought to the declared schema, but undeclared things that change
    /// what statements do (a trigger, a rule, row level security, a second
    /// foreign key) were kept: `--prune` removes them.
    NeedsPrune,
    /// Another runner holds the database; nothing changed.
    Busy,
    /// Registered by other tools and not adopted (no `--adopt`, or it may
    /// not be: the detail says why); nothing changed.
    NotAdopted,
    /// A statement failed (after the retries); the database was rolled back.
    Failed,
    /// Not reached: the run stopped before it (canary, --max-failures).
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Migrated => "migrated",
            Outcome::Unchanged => "unchanged",
            Outcome::Stamped => "stamped",
            Outcome::Planned => "planned",
            Outcome::Blocked => "blocked",
            Outcome::NeedsDestructive => "needs_destructive",
            Outcome::NeedsPrune => "needs_prune",
            Outcome::Busy => "busy",
            Outcome::NotAdopted => "not_adopted",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }

    /// Whether the database ends where it should (or would, in a dry run).
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            Outcome::Migrated | Outcome::Unchanged | Outcome::Stamped | Outcome::Planned
        )
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DbReport {
    pub database: String,
    pub db: DbKind,
    pub outcome: Outcome,
    pub fingerprint_before: Option<String>,
    pub fingerprint_after: Option<String>,
    pub steps: usize,
    pub data_migrations: Vec<String>,
    pub millis: u64,
    /// Why, for anything but success: blocked rows, destructive steps, the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The assessed plan, with `--dry-run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Assessed>,
    /// Registered by other tools and adopted by this run (`--adopt`): the
    /// master records it as its tenant and it gets the runner's stamp and
    /// journal. With `--dry-run`: it would be.
    pub adopted: bool,
}

impl DbReport {
    fn new(database: &str, db: DbKind) -> DbReport {
        DbReport {
            database: database.to_owned(),
            db,
            outcome: Outcome::Skipped,
            fingerprint_before: None,
            fingerprint_after: None,
            steps: 0,
            data_migrations: Vec::new(),
            millis: 0,
            detail: None,
            plan: None,
            adopted: false,
        }
    }

    pub fn skipped(database: &str, db: DbKind, why: &str) -> DbReport {
        DbReport {
            detail: Some(why.to_owned()),
            ..DbReport::new(database, db)
        }
    }
}

/// A plan computed once for every database whose catalog hashes alike.
struct Planned {
    fingerprint: String,
    plan: Plan,
    /// Checked on the first database it was applied to: it reaches the
    /// declared schema.
    verified: bool,
    /// The catalog hash the plan's statements give, measured on the first
    /// database it was applied to (hashes name relations, so it is the same
    /// in every database that started from the same catalog).
    after: Option<String>,
}

type Plans = HashMap<(DbKind, String), Arc<Mutex<Planned>>>;

/// Plans by (kind, catalog hash), shared by the workers of a run.
#[derive(Default, Clone)]
pub(crate) struct PlanCache(Arc<Mutex<Plans>>);

impl PlanCache {
    fn get(&self, db: DbKind, catalog: &str) -> Option<Arc<Mutex<Planned>>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(db, catalog.to_owned()))
            .cloned()
    }

    fn put(&self, db: DbKind, catalog: String, planned: Planned) -> Arc<Mutex<Planned>> {
        let entry = Arc::new(Mutex::new(planned));
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((db, catalog), entry.clone());
        entry
    }

    /// Distinct plans computed so far.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Everything a worker needs to migrate databases of one run.
#[derive(Clone)]
pub(crate) struct Context {
    pub target: Target,
    pub options: MigrateOptions,
    pub cache: PlanCache,
    pub run_id: Option<String>,
    /// The master's id, written into stamps (adoption marks a database so).
    pub master_id: Option<String>,
    /// Tenants this master made or adopted already.
    pub owned: Arc<std::collections::BTreeSet<String>>,
    /// Data migrations the master records as run, by database.
    pub data_migrations_run: Arc<std::collections::BTreeMap<String, Vec<String>>>,
    /// The server of each database not on the master's.
    pub placed: Arc<std::collections::BTreeMap<String, Server>>,
}

/// Migrate one database; `admin` (a connection to the maintenance database)
/// holds its lock meanwhile. Never fails as a whole: the report says how it went.
pub(crate) async fn migrate_one(
    ctx: &Context,
    admin: &mut PgConnection,
    database: &str,
    db: DbKind,
) -> DbReport {
    let started = Instant::now();
    let mut report = DbReport::new(database, db);
    // Nothing to do is a read-only conclusion: reached without the lock or a
    // transaction when the stamp, the journal and the plans already computed
    // say so. Anything else goes on, on the same connection, under the lock.
    let mut first = match unchanged_without_lock(ctx, database, db, &mut report).await {
        Ok(Some(conn)) => Some(conn),
        Ok(None) => {
            report.millis = started.elapsed().as_millis() as u64;
            return report;
        }
        Err(_) => None, // the attempt below connects again and says why
    };
    let key = LockKey::database(database);
    match lock::acquire(admin, key, Duration::from_secs(10)).await {
        Ok(true) => {}
        Ok(false) => {
            report.outcome = Outcome::Busy;
            report.detail = Some("another runner is creating, dropping or migrating it".into());
            return report;
        }
        Err(e) => {
            report.outcome = Outcome::Failed;
            report.detail = Some(format!("taking its lock: {e}"));
            return report;
        }
    }
    let mut attempt = 0;
    loop {
        let result = attempt_once(ctx, first.take(), database, db, &mut report).await;
        match result {
            Err(e) if is_lock_timeout(&e) && attempt < ctx.options.retries => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
            }
            Err(e) => {
                report.outcome = Outcome::Failed;
                let retried = if is_lock_timeout(&e) {
                    format!(" (a table stayed locked through {} attempts)", attempt + 1)
                } else {
                    String::new()
                };
                report.detail = Some(format!(
                    "{}{retried}; the database was rolled back",
                    e.to_string().lines().next().unwrap_or_default()
                ));
                break;
            }
            Ok(()) => break,
        }
    }
    lock::release(admin, key).await;
    report.millis = started.elapsed().as_millis() as u64;
    report
}

fn is_lock_timeout(e: &RunnerError) -> bool {
    match e {
        RunnerError::Database { source, .. } => sqlstate(source).as_deref() == Some("55P03"),
        _ => false,
    }
}

/// A connection with the migration's `lock_timeout`.
async fn connect(ctx: &Context, database: &str) -> Result<PgConnection, RunnerError> {
    let lock_timeout = ctx.options.lock_timeout.as_millis().to_string();
    match ctx.placed.get(database) {
        Some(server) => {
            server
                .connect_to(database, &[("lock_timeout", &lock_timeout)], false)
                .await
        }
        None => {
            ctx.target
                .connect_setting(database, "lock_timeout", &lock_timeout)
                .await
        }
    }
}

/// Whether a stamp says the declared schema, for this master.
fn stamped_current(ctx: &Context, db: DbKind, stamp: &stamp::Stamp) -> bool {
    stamp.fingerprint == ctx.target.declared.fingerprint(db)
        && (ctx.master_id.is_none() || stamp.master_id == ctx.master_id)
}

/// The data migrations declared for `db` that neither the database's
/// history nor the master records as run in `database`.
fn pending_data_migrations<'a>(
    ctx: &'a Context,
    db: DbKind,
    database: &str,
    done: &'a [String],
) -> impl Iterator<Item = &'a crate::declared::data::DataMigration> {
    let recorded = ctx
        .data_migrations_run
        .get(database)
        .cloned()
        .unwrap_or_default();
    ctx.target
        .declared
        .data_migrations(db)
        .filter(move |m| !done.iter().chain(&recorded).any(|d| d == m.name))
}

/// `Ok(None)` when the database is found as it should be (the report says
/// `unchanged`); else the connection, for the locked attempt.
async fn unchanged_without_lock(
    ctx: &Context,
    database: &str,
    db: DbKind,
    report: &mut DbReport,
) -> Result<Option<PgConnection>, RunnerError> {
    let mut conn = connect(ctx, database).await?;
    // A database the runner made has its tables: read in one statement
    // (which, where they are missing, would leave an error in the log).
    let made = db == DbKind::Master || ctx.owned.contains(database);
    let kept = if made {
        stamp::Bookkeeping::read_vouched(&mut conn, true).await
    } else {
        stamp::Bookkeeping::read(&mut conn).await
    }
    .map_err(|e| RunnerError::db("reading the stamp", database, e))?;
    let current = kept
        .stamp
        .as_ref()
        .filter(|s| stamped_current(ctx, db, s))
        .and_then(|s| s.catalog_if_unchanged(&kept.journal));
    let pending = pending_data_migrations(ctx, db, database, &kept.data_migrations)
        .next()
        .is_some();
    let planned = current.and_then(|catalog| ctx.cache.get(db, catalog));
    // An empty plan that keeps nothing changing behaviour, for this catalog.
    let nothing_to_do = planned
        .filter(|_| !pending && kept.rsm_current())
        .and_then(|planned| {
            let p = planned.lock().unwrap_or_else(|p| p.into_inner());
            (p.plan.is_empty() && p.plan.kept_behaviour().is_empty()).then(|| p.fingerprint.clone())
        });
    if let (Some(fingerprint), Some(vouched)) = (nothing_to_do, current) {
        // The journal vouches for the catalog, as it does for `status`:
        // every DDL since the runner verified it leaves a row, and its
        // triggers and table are the rows verified then. (What it cannot
        // see, a superuser's DDL with event triggers silenced, `--deep`
        // does: the catalog measured, about four times the cost of a
        // connection on a fresh backend.)
        let unchanged = !ctx.options.deep
            || catalog_hash(&mut conn, "public")
                .await
                .map_err(|e| RunnerError::db("reading the catalog", database, e))?
                == vouched;
        if unchanged {
            report.outcome = Outcome::Unchanged;
            report.fingerprint_before = Some(fingerprint.clone());
            report.fingerprint_after = Some(fingerprint);
            return Ok(None);
        }
    }
    Ok(Some(conn))
}

async fn attempt_once(
    ctx: &Context,
    opened: Option<PgConnection>,
    database: &str,
    db: DbKind,
    report: &mut DbReport,
) -> Result<(), RunnerError> {
    let failed = |what: &'static str| move |e| RunnerError::db(what, database, e);
    let declared = ctx.target.declared.schema(db);
    let declared_fp = ctx.target.declared.fingerprint(db).to_owned();
    let mut conn = match opened {
        Some(conn) => conn,
        None => connect(ctx, database).await?,
    };
    let mut tx = conn
        .begin()
        .await
        .map_err(failed("starting the transaction"))?;

    // The plan, computed (or found) under the lock: the catalog hash the
    // stamp recorded while the DDL journal says nothing changed since, else
    // measured.
    let mut kept = stamp::Bookkeeping::read(&mut tx)
        .await
        .map_err(failed("reading the stamp"))?;
    let stamp = kept.stamp.clone();
    let recorded = stamp
        .as_ref()
        .and_then(|s| s.catalog_if_unchanged(&kept.journal))
        .map(str::to_owned);
    // Measured here, under the lock, whatever the journal says: a plan is
    // shared only with databases whose catalog this run read itself (DDL
    // under `session_replication_role = replica` leaves no journal row).
    let catalog = catalog_hash(&mut tx, "public")
        .await
        .map_err(failed("reading the catalog"))?;
    let recorded = recorded.filter(|r| *r == catalog);
    let planned = match ctx.cache.get(db, &catalog) {
        Some(p) => p,
        None => {
            let actual = introspect(&mut tx, "public")
                .await
                .map_err(failed("reading the schema"))?;
            let planned = Planned {
                fingerprint: fingerprint(&actual),
                plan: plan_of(&actual, declared, ctx),
                verified: false,
                after: None,
            };
            ctx.cache.put(db, catalog.clone(), planned)
        }
    };
    let (plan, before, verified, after) = {
        let p = planned.lock().unwrap_or_else(|p| p.into_inner());
        (
            p.plan.clone(),
            p.fingerprint.clone(),
            p.verified,
            p.after.clone(),
        )
    };
    report.fingerprint_before = Some(before.clone());
    report.steps = plan.steps.len();
    let pending: Vec<_> = pending_data_migrations(ctx, db, database, &kept.data_migrations)
        .copied()
        .collect();
    report.data_migrations = pending.iter().map(|m| m.name.to_owned()).collect();
    let kept_behaviour = plan.kept_behaviour();
    let outcome_if_done = |done: Outcome, report: &mut DbReport| {
        if kept_behaviour.is_empty() {
            report.outcome = done;
        } else {
            report.outcome = Outcome::NeedsPrune;
            report.detail = Some(format!("kept: {}", kept_behaviour.join("\nkept: ")));
        }
    };

    if plan.is_empty() && pending.is_empty() {
        let stamped = stamp.as_ref().is_some_and(|s| stamped_current(ctx, db, s));
        report.fingerprint_after = Some(before.clone());
        if ctx.options.dry_run || (stamped && recorded.is_some() && kept.rsm_current()) {
            let done = if stamped {
                Outcome::Unchanged
            } else {
                Outcome::Planned
            };
            outcome_if_done(done, report);
            return Ok(());
        }
        // Stamped now, or verified for the first time (journal and catalog
        // hash recorded, so that the next runs need not read its catalogs);
        // the runner's own schema brought to this runner's version.
        kept.upgrade(&mut tx)
            .await
            .map_err(failed("upgrading the runner's schema"))?;
        if !stamped {
            kept.write_stamp(&mut tx, &declared_fp, ctx.master_id.as_deref())
                .await
                .map_err(failed("stamping"))?;
        }
        kept.verify(&mut tx)
            .await
            .map_err(failed("recording the catalog"))?;
        tx.commit().await.map_err(failed("committing"))?;
        let done = if stamped {
            Outcome::Unchanged
        } else {
            Outcome::Stamped
        };
        outcome_if_done(done, report);
        return Ok(());
    }

    let assessed = assess(&mut tx, database, plan.clone()).await?;
    if !assessed.blocked.is_empty() {
        report.outcome = Outcome::Blocked;
        report.detail = Some(assessed.blocked_lines().join("\n"));
        report.plan = ctx.options.dry_run.then_some(assessed);
        return Ok(());
    }
    if !ctx.options.allow_destructive && plan.class() == Some(Class::Destructive) {
        let lines: Vec<String> = plan
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.class == Class::Destructive)
            .map(|(i, s)| {
                let stake = assessed
                    .at_stake
                    .iter()
                    .find(|a| a.step == i + 1)
                    .map_or(String::new(), |a| {
                        format!(" ({} {} at stake)", a.count, a.what)
                    });
                format!("step {}: {}{stake}", i + 1, s.reason)
            })
            .collect();
        report.outcome = Outcome::NeedsDestructive;
        report.detail = Some(format!(
            "{}\nrun again with --allow-destructive to apply them",
            lines.join("\n")
        ));
        report.plan = ctx.options.dry_run.then_some(assessed);
        return Ok(());
    }
    if ctx.options.dry_run {
        report.outcome = Outcome::Planned;
        report.fingerprint_after = Some(declared_fp);
        report.plan = Some(assessed);
        return Ok(());
    }

    let started = Instant::now();
    for (i, step) in plan.steps.iter().enumerate() {
        for sql in &step.sql {
            tx.execute(sql.as_str()).await.map_err(|e| {
                RunnerError::db(format!("step {} ({})", i + 1, step.reason), database, e)
            })?;
        }
    }
    for m in &pending {
        (m.run)(&mut tx)
            .await
            .map_err(|e| RunnerError::db(format!("data migration `{}`", m.name), database, e))?;
    }
    kept.write_stamp(&mut tx, &declared_fp, ctx.master_id.as_deref())
        .await
        .map_err(failed("stamping"))?;
    let statements: Vec<&str> = plan.statements().collect();
    kept.record_history(
        &mut tx,
        &Entry {
            run_id: ctx.run_id.as_deref(),
            fingerprint_before: &before,
            fingerprint_after: &declared_fp,
            statements: statements.join("\n"),
            data_migrations: report.data_migrations.clone(),
            duration_ms: started.elapsed().as_millis() as i64,
        },
    )
    .await
    .map_err(failed("recording the history"))?;
    // Every migrated database is checked before it commits: its catalog
    // hash equals the one the plan gave on the first database it was proved
    // on (one query), else its schema is read and planned again, and must
    // need nothing more (undeclared things the plan keeps aside).
    // The journal's rows from before this run (the DDL that made the
    // catalog this run measured under its lock) go too; DDL committed since
    // keeps its row when the journal vouched for the start.
    let (measured, clean) = match (&kept.journal, &recorded) {
        (crate::bookkeeping::stamp::Journal::Working { .. }, Some(_)) => {
            kept.measure_own(&mut tx).await
        }
        _ => kept.verify(&mut tx).await.map(|c| (c, false)),
    }
    .map_err(failed("recording the catalog"))?;
    if !(verified && after.as_deref() == Some(measured.as_str())) {
        let now = introspect(&mut tx, "public")
            .await
            .map_err(failed("reading the schema"))?;
        let left = plan_of(&now, declared, ctx).steps;
        if !left.is_empty() {
            let lines: Vec<String> = left.iter().take(5).map(|s| s.reason.clone()).collect();
            return Err(RunnerError::InvalidInput(format!(
                "the plan for `{database}` did not reach the declared schema (still: {}); nothing was changed — please report this",
                lines.join("; ")
            )));
        }
        let mut p = planned.lock().unwrap_or_else(|p| p.into_inner());
        p.verified = true;
        // Shared with the next databases only when no one else's DDL is in it.
        if clean && p.after.is_none() {
            p.after = Some(measured);
        }
    }
    tx.commit().await.map_err(failed("committing"))?;
    outcome_if_done(Outcome::Migrated, report);
    report.fingerprint_after = Some(declared_fp);
    Ok(())
}

/// The plan for `actual` under this run's options.
fn plan_of(actual: &Schema, declared: &Schema, ctx: &Context) -> Plan {
    plan(actual, declared, &ctx.options.plan_options())
}
