//! `tenant move`: a tenant copied to another server of the fleet with
//! PostgreSQL's own tools, verified there, switched, and its old copy
//! dropped last.
//!
//! 1. Under the tenant's lock, and the allocation lock for the placement:
//!    the target takes tenants (not draining, not full) and has neither a
//!    database nor a role of the tenant's name. The move is recorded
//!    (`moving`, the target as the other copy's server, the database's
//!    connection limit) before anything is changed.
//! 2. The tenant kept out: its database's connection limit set to 0 (every
//!    role but a superuser refused) and its sessions ended.
//! 3. On the target: the database, owned by this master's owner role in the
//!    statement that makes it and kept out too; the tenant's role with its
//!    password verifier, limit and the master's mark; the database's
//!    privileges and settings.
//! 4. The copy: `pg_dump -Fc | pg_restore`, or with jobs a directory dump
//!    and `pg_restore --jobs` (a parallel restore needs a file it can seek).
//! 5. Verified: the rows of every table, every sequence, the tables as
//!    modelled from the catalogs and what the model leaves out (types,
//!    views, functions, comments), every privilege and setting: the same on
//!    both servers; the target's stamp records its own catalog hash.
//! 6. The switch: one statement in the master records the tenant on the
//!    target (`moved`, the source as the other copy).
//! 7. The target opened (its limit restored); the source dropped last.
//!
//! A failure before the switch undoes the move: the target's copy is
//! dropped, the source opened again. A kill leaves the record; the next
//! `tenant move`, create or cleanup finishes the move if it was switched and
//! undoes it if not ([`settle`]). Either way the tenant is whole on one
//! server, and nothing of it is left on the other.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use schema_core::ident::{quote, quote_literal};
use sqlx::{Connection, Executor, PgConnection};

use super::fault::Failure;
#[cfg(feature = "testing")]
use super::fault::FaultAction;
use crate::bookkeeping::lock::LockKey;
use crate::bookkeeping::ownership::{self, Fleet, Intent, Kind, Phase, Proof};
use crate::bookkeeping::stamp;
use crate::error::sqlstate;
use crate::server::{Server, DEFAULT_SERVER};
use crate::target::{check_name, Target};
use crate::RunnerError;

/// The most parallel jobs a move runs `pg_dump` and `pg_restore` with.
pub const MAX_JOBS: u32 = 16;

/// A step of a move (progress, and where tests inject faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveStep {
    /// Recorded, and the tenant kept out of its database.
    KeepOut,
    /// The target's database and role made.
    Prepare,
    /// `pg_dump` into `pg_restore`.
    Copy,
    /// Rows, sequences and catalog compared.
    Verify,
    /// The master records the tenant on the target.
    Switch,
    /// The target's database opened to its roles.
    Open,
    /// The source's database and role dropped.
    DropSource,
}

impl MoveStep {
    pub const ALL: [MoveStep; 7] = [
        MoveStep::KeepOut,
        MoveStep::Prepare,
        MoveStep::Copy,
        MoveStep::Verify,
        MoveStep::Switch,
        MoveStep::Open,
        MoveStep::DropSource,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoveStep::KeepOut => "keep out",
            MoveStep::Prepare => "prepare",
            MoveStep::Copy => "copy",
            MoveStep::Verify => "verify",
            MoveStep::Switch => "switch",
            MoveStep::Open => "open",
            MoveStep::DropSource => "drop source",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct MoveOptions {
    /// The server to move to.
    pub to: String,
    /// Parallel jobs of `pg_dump` and `pg_restore` (1: one stream, no file).
    pub jobs: u32,
    /// A fault to inject after a step (tests only).
    #[cfg(feature = "testing")]
    pub fault: Option<(MoveStep, FaultAction)>,
}

impl MoveOptions {
    // The `testing` feature adds a field the update fills.
    #[allow(clippy::needless_update)]
    pub fn new(to: impl Into<String>, jobs: u32) -> MoveOptions {
        MoveOptions {
            to: to.into(),
            jobs,
            ..MoveOptions::default()
        }
    }
}

/// What a move did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Moved {
    pub tenant: String,
    pub from: String,
    pub to: String,
    /// Tables and rows copied, as counted on both servers.
    pub tables: usize,
    pub rows: i64,
    pub sequences: usize,
    pub catalog: String,
    pub jobs: u32,
    pub millis: u64,
}

/// Move a tenant: see the module documentation.
pub async fn move_tenant(
    target: &Target,
    tenant: &str,
    options: &MoveOptions,
) -> Result<Moved, RunnerError> {
    move_reporting(target, tenant, options, &mut |_| {}).await
}

/// [`move_tenant`], calling `step` as each step ends: for progress.
pub async fn move_reporting(
    target: &Target,
    tenant: &str,
    options: &MoveOptions,
    step: &mut (dyn FnMut(MoveStep) + Send),
) -> Result<Moved, RunnerError> {
    check_name("tenant name", tenant)?;
    if !(1..=MAX_JOBS).contains(&options.jobs) {
        return Err(RunnerError::InvalidInput(format!(
            "invalid --jobs {}: from 1 to {MAX_JOBS}",
            options.jobs
        )));
    }
    let started = Instant::now();
    let mut fleet = Fleet::open(target).await?;
    let mut moved = super::under_lock(&mut fleet, tenant, async |fleet, tenant| {
        move_locked(fleet, tenant, options, step).await
    })
    .await?;
    moved.millis = started.elapsed().as_millis() as u64;
    Ok(moved)
}

#[cfg(not(feature = "testing"))]
fn fault_at(_: &MoveOptions, _: MoveStep) -> Result<(), Failure> {
    Ok(())
}

#[cfg(feature = "testing")]
fn fault_at(options: &MoveOptions, step: MoveStep) -> Result<(), Failure> {
    let fault = options.fault.as_ref().filter(|(after, _)| *after == step);
    super::fault::inject(fault.map(|(_, action)| action), &step)
}

async fn move_locked(
    fleet: &mut Fleet,
    tenant: &str,
    options: &MoveOptions,
    step: &mut (dyn FnMut(MoveStep) + Send),
) -> Result<Moved, RunnerError> {
    let mut intent = read_intent(fleet, tenant).await?;
    // A move of this tenant that was interrupted: finished or undone first.
    if matches!(intent.phase, Phase::Moving | Phase::Moved) {
        settle(fleet, &intent).await?;
        intent = read_intent(fleet, tenant).await?;
        fleet.work_on_database(tenant).await?;
    }
    if intent.kind != Kind::Tenant {
        return Err(super::not_owned(
            fleet,
            tenant,
            "it is a template or a spare, not a tenant".into(),
        ));
    }
    if intent.phase != Phase::Ready {
        return Err(RunnerError::Busy {
            database: tenant.to_owned(),
            what: format!(
                "it is being {} (or that was interrupted: `runner tenant cleanup` settles it)",
                if intent.phase == Phase::Dropping {
                    "dropped"
                } else {
                    "created"
                }
            ),
        });
    }
    if intent.server == options.to {
        return Err(RunnerError::InvalidInput(format!(
            "tenant `{tenant}` is on server `{}` already",
            options.to
        )));
    }
    // `under_lock` works on its server, its lock held there too.
    let source = fleet.server.clone();
    super::owned_database(fleet, tenant).await?;
    let limit = connection_limit(fleet.server_admin(), tenant).await?;
    let to = options.to.clone();
    let dest = fleet
        .under_allocation_lock(async |fleet| reserve(fleet, tenant, &to, limit).await)
        .await?;
    let mut moved = Moved {
        tenant: tenant.to_owned(),
        from: source.name.clone(),
        to: dest.name.clone(),
        tables: 0,
        rows: 0,
        sequences: 0,
        catalog: String::new(),
        jobs: options.jobs,
        millis: 0,
    };
    let done = copy_and_switch(fleet, tenant, &source, &dest, options, &mut moved, step).await;
    match done {
        Ok(()) => Ok(moved),
        Err(Failure::Crash(e)) => Err(e),
        Err(Failure::Error(e)) => {
            // What the record says now decides: undone before the switch,
            // finished after it.
            let settled = match read_intent(fleet, tenant).await {
                Ok(intent) => settle(fleet, &intent).await.map(|_| intent.phase),
                Err(more) => Err(more),
            };
            let note = match settled {
                Ok(Phase::Moving) => format!(
                    "the move was undone: `{tenant}` is whole on `{}`, and nothing of it is left on `{}`",
                    source.name, dest.name
                ),
                Ok(_) => format!(
                    "the move was switched already and is finished: `{tenant}` is on `{}`",
                    dest.name
                ),
                Err(more) => format!(
                    "the move could not be settled now ({}); it is recorded in `{}`, and the next \
                     `runner tenant move`, `tenant create` or `tenant cleanup` settles it",
                    more.to_string().lines().next().unwrap_or_default(),
                    fleet.master_db()
                ),
            };
            Err(e.noted(note))
        }
    }
}

async fn read_intent(fleet: &mut Fleet, tenant: &str) -> Result<Intent, RunnerError> {
    ownership::intent(&mut fleet.master, tenant)
        .await
        .map_err(|e| fleet.master_error("reading the runner's records", e))?
        .ok_or_else(|| {
            super::not_owned(
                fleet,
                tenant,
                format!(
                    "the master `{}` has no record of making it",
                    fleet.master_db()
                ),
            )
        })
}

/// The target, under the allocation lock: it takes tenants and has nothing
/// of the tenant's name; then the move is recorded.
async fn reserve(
    fleet: &mut Fleet,
    tenant: &str,
    to: &str,
    limit: i32,
) -> Result<Server, RunnerError> {
    let dest = crate::servers::place(fleet, Some(to)).await?;
    let mut admin = dest.admin().await?;
    let (database, role): (bool, bool) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1),
                EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
    )
    .bind(tenant)
    .fetch_one(&mut admin)
    .await
    .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    if database || role {
        return Err(RunnerError::ServerUnavailable {
            server: dest.name.clone(),
            why: format!(
                "has a {} named `{tenant}` already, not made for this move; it is left alone",
                if database { "database" } else { "role" }
            ),
            hint: "move the tenant to another server".into(),
        });
    }
    // Its owner role there (made when the server was added; again if gone).
    ownership::ensure_owner_role(&mut admin, &fleet.identity)
        .await
        .map_err(|e| RunnerError::db("creating the owner role", "postgres", e))?;
    admin.close().await.ok();
    let recorded = sqlx::query(
        "UPDATE rsm.databases SET state = 'moving', copy_on = $2, connection_limit_before = $3
          WHERE name = $1 AND kind = 'tenant' AND state = 'ready'",
    )
    .bind(tenant)
    .bind(&dest.name)
    .bind(limit)
    .execute(&mut fleet.master)
    .await
    .map_err(|e| fleet.master_error("recording the move", e))?;
    if recorded.rows_affected() != 1 {
        return Err(RunnerError::Busy {
            database: tenant.to_owned(),
            what: "its record changed meanwhile".into(),
        });
    }
    Ok(dest)
}

async fn copy_and_switch(
    fleet: &mut Fleet,
    tenant: &str,
    source: &Server,
    dest: &Server,
    options: &MoveOptions,
    moved: &mut Moved,
    step: &mut (dyn FnMut(MoveStep) + Send),
) -> Result<(), Failure> {
    keep_out(fleet.server_admin(), tenant).await?;
    step(MoveStep::KeepOut);
    fault_at(options, MoveStep::KeepOut)?;

    let shape = read_shape(fleet.server_admin(), tenant).await?;
    fleet
        .work_on_locked(dest.clone(), LockKey::database(tenant))
        .await?;
    make_target(fleet, tenant, &shape).await?;
    step(MoveStep::Prepare);
    fault_at(options, MoveStep::Prepare)?;

    let (source_program, dest_program) = (source.clone(), dest.clone());
    let (name, jobs) = (tenant.to_owned(), options.jobs);
    tokio::task::spawn_blocking(move || copy(&source_program, &dest_program, &name, jobs))
        .await
        .map_err(|e| move_failed(tenant, MoveStep::Copy, e.to_string()))??;
    step(MoveStep::Copy);
    fault_at(options, MoveStep::Copy)?;

    let mut at_source = source.connect(tenant).await?;
    let mut at_dest = dest.connect(tenant).await?;
    let (left, right) = tokio::join!(
        Contents::read(&mut at_source, tenant),
        Contents::read(&mut at_dest, tenant)
    );
    let (left, right) = (left?, right?);
    let differences = left.differences(&right);
    if !differences.is_empty() {
        return Err(move_failed(
            tenant,
            MoveStep::Verify,
            format!(
                "the copy on `{}` differs from the source: {}",
                dest.name,
                differences.join("; ")
            ),
        )
        .into());
    }
    // Its own hash, from now on what `status` checks it against.
    moved.catalog = stamp::verify(&mut at_dest)
        .await
        .map_err(|e| RunnerError::db("recording the catalog on the target", tenant, e))?;
    at_source.close().await.ok();
    at_dest.close().await.ok();
    moved.tables = left.rows.len();
    moved.rows = left.rows.values().sum();
    moved.sequences = left.sequences.len();
    step(MoveStep::Verify);
    fault_at(options, MoveStep::Verify)?;

    let switched = sqlx::query(
        "UPDATE rsm.databases SET state = 'moved', server = nullif($2, 'default'), copy_on = $3
          WHERE name = $1 AND state = 'moving' AND copy_on = $2",
    )
    .bind(tenant)
    .bind(&dest.name)
    .bind(&source.name)
    .execute(&mut fleet.master)
    .await
    .map_err(|e| fleet.master_error("switching the tenant's server", e))?;
    if switched.rows_affected() != 1 {
        return Err(move_failed(
            tenant,
            MoveStep::Switch,
            "the move's record changed meanwhile".into(),
        )
        .into());
    }
    step(MoveStep::Switch);
    fault_at(options, MoveStep::Switch)?;

    let intent = read_intent(fleet, tenant).await?;
    open(fleet, &intent).await?;
    step(MoveStep::Open);
    fault_at(options, MoveStep::Open)?;
    drop_other_copy(fleet, &intent).await?;
    step(MoveStep::DropSource);
    fault_at(options, MoveStep::DropSource)?;
    Ok(())
}

fn move_failed(tenant: &str, step: MoveStep, detail: String) -> RunnerError {
    RunnerError::MoveFailed {
        tenant: tenant.to_owned(),
        step: step.as_str(),
        detail,
    }
}

/// The database's connection limit now (-1: none).
async fn connection_limit(admin: &mut PgConnection, tenant: &str) -> Result<i32, RunnerError> {
    sqlx::query_scalar("SELECT datconnlimit FROM pg_database WHERE datname = $1")
        .bind(tenant)
        .fetch_one(admin)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", tenant, e))
}

/// Connection limit 0 (every role but a superuser refused), then every
/// session in the database ended, and waited for.
async fn keep_out(admin: &mut PgConnection, tenant: &str) -> Result<(), RunnerError> {
    let sql = format!("ALTER DATABASE {} CONNECTION LIMIT 0", quote(tenant));
    admin
        .execute(sql.as_str())
        .await
        .map_err(|e| RunnerError::db("keeping the tenant out", tenant, e))?;
    for _ in 0..100 {
        let left: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
              WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(tenant)
        .fetch_one(&mut *admin)
        .await
        .map_err(|e| RunnerError::db("ending the tenant's sessions", tenant, e))?;
        if left == 0 {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(RunnerError::Busy {
        database: tenant.to_owned(),
        what: "its sessions did not end within 5 s".into(),
    })
}

/// What the target's database and role are made like.
struct Shape {
    /// `ENCODING ... LC_COLLATE ... LC_CTYPE ...`.
    locale: String,
    /// The role's attributes and password verifier, as `CREATE ROLE` takes them.
    role: String,
    /// Privileges on the database and settings of the database and the role.
    statements: Vec<String>,
}

async fn read_shape(admin: &mut PgConnection, tenant: &str) -> Result<Shape, RunnerError> {
    let db = |e| RunnerError::db("reading the tenant's database and role", tenant, e);
    let (locale, acl): (String, bool) = sqlx::query_as(
        "SELECT format('ENCODING %L LC_COLLATE %L LC_CTYPE %L',
                       pg_encoding_to_char(encoding), datcollate, datctype),
                datacl IS NOT NULL
           FROM pg_database WHERE datname = $1",
    )
    .bind(tenant)
    .fetch_one(&mut *admin)
    .await
    .map_err(db)?;
    // The verifier is in pg_authid, which only a superuser reads.
    let role: Option<(bool, i32, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT rolcanlogin, rolconnlimit, rolvaliduntil::text, rolpassword
           FROM pg_authid WHERE rolname = $1",
    )
    .bind(tenant)
    .fetch_optional(&mut *admin)
    .await
    .map_err(|e| match sqlstate(&e).as_deref() {
        Some("42501") => RunnerError::PermissionDenied {
            server: "the source server".into(),
            database: tenant.to_owned(),
            detail: "a move copies the role's password verifier from pg_authid, which only a \
                     superuser reads"
                .into(),
        },
        _ => db(e),
    })?;
    let role = match role {
        Some((login, limit, until, verifier)) => {
            let mut role = format!(
                "{} CONNECTION LIMIT {limit}",
                if login { "LOGIN" } else { "NOLOGIN" }
            );
            if let Some(verifier) = verifier {
                role.push_str(&format!(" PASSWORD {}", quote_literal(&verifier)));
            }
            if let Some(until) = until {
                role.push_str(&format!(" VALID UNTIL {}", quote_literal(&until)));
            }
            role
        }
        None => "NOLOGIN".to_owned(),
    };
    let mut statements = Vec::new();
    if acl {
        statements.push(format!(
            "REVOKE ALL ON DATABASE {} FROM PUBLIC",
            quote(tenant)
        ));
    }
    let more: Vec<String> = sqlx::query_scalar(
        "SELECT format('GRANT %s ON DATABASE %I TO %s%s', a.privilege_type, d.datname,
                       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                       CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
           FROM pg_database d, aclexplode(d.datacl) a
          WHERE d.datname = $1 AND a.grantee <> d.datdba
         UNION ALL
         SELECT format('ALTER %s SET %s TO %L',
                       CASE WHEN s.setrole = 0 THEN format('DATABASE %I', $1)
                            WHEN s.setdatabase = 0 THEN format('ROLE %I', $1)
                            ELSE format('ROLE %I IN DATABASE %I', $1, $1) END,
                       split_part(c, '=', 1), substr(c, strpos(c, '=') + 1))
           FROM pg_db_role_setting s, unnest(s.setconfig) c
          WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = $1))
            AND s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = $1))
            AND (s.setdatabase, s.setrole) <> (0::oid, 0::oid)
            AND split_part(c, '=', 1) ~ '^[A-Za-z_][A-Za-z0-9_.]*$'",
    )
    .bind(tenant)
    .fetch_all(&mut *admin)
    .await
    .map_err(db)?;
    statements.extend(more);
    Ok(Shape {
        locale,
        role,
        statements,
    })
}

/// The target's database (owned by this master's owner role, kept out) and
/// the tenant's role, on the server worked on.
async fn make_target(fleet: &mut Fleet, tenant: &str, shape: &Shape) -> Result<(), RunnerError> {
    let owner = fleet.identity.owner_role();
    let owner = quote(&owner);
    let create = format!(
        "CREATE DATABASE {} OWNER {owner} TEMPLATE template0 {} CONNECTION LIMIT 0",
        quote(tenant),
        shape.locale
    );
    fleet
        .server_admin()
        .execute(create.as_str())
        .await
        .map_err(|e| RunnerError::db("creating the database on the target", tenant, e))?;
    let role = format!("CREATE ROLE {} {} ROLE {owner}", quote(tenant), shape.role);
    fleet
        .server_admin()
        .execute(role.as_str())
        .await
        .map_err(|e| {
            RunnerError::db(
                "creating the role on the target",
                tenant,
                super::access::scrub(e),
            )
        })?;
    for statement in &shape.statements {
        fleet
            .server_admin()
            .execute(statement.as_str())
            .await
            .map_err(|e| RunnerError::db("copying privileges and settings", tenant, e))?;
    }
    Ok(())
}

/// `pg_dump` of the source into `pg_restore` on the target: one stream with
/// one job, else a directory dump in a private folder (removed after).
fn copy(source: &Server, dest: &Server, tenant: &str, jobs: u32) -> Result<(), RunnerError> {
    use std::process::Stdio;
    let dump = crate::cluster::program("pg_dump");
    let restore = crate::cluster::program("pg_restore");
    // Objects are owned by the role restoring (as on any tenant made there);
    // privileges are restored, to roles of the same names.
    let restore_args = ["--no-owner", "--exit-on-error"];
    if jobs == 1 {
        let mut dumping = spawn(
            source
                .tool(&dump, tenant)
                .args(["--format=custom", "--compress=0"])
                .stdout(Stdio::piped()),
            "pg_dump",
        )?;
        let stream = dumping.stdout.take().expect("piped");
        let restoring = spawn(
            dest.tool(&restore, tenant)
                .arg(format!("--dbname={tenant}"))
                .args(restore_args)
                // All or nothing; a parallel restore cannot be one transaction.
                .arg("--single-transaction")
                .stdin(stream),
            "pg_restore",
        )?;
        // Both read at once: neither blocks on a full stderr pipe.
        let dumped = std::thread::spawn(move || dumping.wait_with_output());
        let restored = restoring.wait_with_output();
        let dumped = dumped.join().expect("pg_dump's waiter");
        finished(tenant, "pg_dump", dumped)?;
        finished(tenant, "pg_restore", restored)
    } else {
        let folder = private_folder(tenant)?;
        let archive = folder.join("dump");
        let result = (|| {
            let dumping = spawn(
                source
                    .tool(&dump, tenant)
                    .args(["--format=directory", "--compress=0"])
                    .arg(format!("--jobs={jobs}"))
                    .arg(format!("--file={}", archive.display())),
                "pg_dump",
            )?;
            finished(tenant, "pg_dump", dumping.wait_with_output())?;
            let restoring = spawn(
                dest.tool(&restore, tenant)
                    .arg(format!("--dbname={tenant}"))
                    .args(restore_args)
                    .arg(format!("--jobs={jobs}"))
                    .arg(&archive),
                "pg_restore",
            )?;
            finished(tenant, "pg_restore", restoring.wait_with_output())
        })();
        let _ = std::fs::remove_dir_all(&folder);
        result
    }
}

/// A folder only this user reads, for a directory dump: under the system's
/// temporary folder, named by the tenant and this process.
fn private_folder(tenant: &str) -> Result<PathBuf, RunnerError> {
    use std::os::unix::fs::DirBuilderExt;
    let folder = std::env::temp_dir().join(format!("rsm-move-{tenant}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&folder)
        .map_err(RunnerError::system(format!(
            "making the folder {}",
            folder.display()
        )))?;
    Ok(folder)
}

fn spawn(
    command: &mut std::process::Command,
    what: &str,
) -> Result<std::process::Child, RunnerError> {
    use std::process::Stdio;
    command.stderr(Stdio::piped());
    // The program dies with the runner (a runner killed mid-copy leaves no
    // copy running on its own): the signal is sent when the thread that
    // spawned it ends, which waits for it.
    #[cfg(target_os = "linux")]
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    command
        .spawn()
        .map_err(RunnerError::system(format!("starting {what}")))
}

fn finished(
    tenant: &str,
    what: &str,
    output: std::io::Result<std::process::Output>,
) -> Result<(), RunnerError> {
    let output = output.map_err(RunnerError::system(format!("running {what}")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let detail: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .collect();
    Err(move_failed(
        tenant,
        MoveStep::Copy,
        format!(
            "{what} exited with {}: {}",
            output.status,
            crate::server::redact(&detail.join(" / "))
        ),
    ))
}

/// What is compared on both servers. Not the catalog hash: it holds the
/// columns' numbers, which a restore closes up where columns were dropped;
/// the models read from the catalogs are compared instead.
struct Contents {
    /// Rows of every table but the journal's, by `schema.table`.
    rows: BTreeMap<String, i64>,
    /// Every sequence's last value (`None`: never called).
    sequences: BTreeMap<String, Option<i64>>,
    model: schema_model::model::Schema,
    unmodeled: schema_model::introspect::Unmodeled,
    /// Privileges on the database, its schemas and its relations (the
    /// tenant role's among them), and the database's and role's settings.
    access: Vec<String>,
}

impl Contents {
    async fn read(conn: &mut PgConnection, tenant: &str) -> Result<Contents, RunnerError> {
        let db = |e| RunnerError::db("counting rows", tenant, e);
        // One round trip for every table's count.
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT format('%I.%I', n.nspname, c.relname),
                    (xpath('/row/n/text()', query_to_xml(
                        format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                        false, true, '')))[1]::text::bigint
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p')
                AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                AND (n.nspname, c.relname) <> ('rsm', 'ddl_journal')",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let sequences: Vec<(String, Option<i64>)> = sqlx::query_as(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let access: Vec<String> = sqlx::query_scalar(
            "SELECT x FROM (
               SELECT format('%s to %s%s', a.privilege_type,
                             CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                             CASE WHEN a.is_grantable THEN ' with grant option' ELSE '' END) AS x
                 FROM pg_database d, aclexplode(d.datacl) a
                WHERE d.datname = current_database() AND a.grantee <> d.datdba
               UNION ALL
               SELECT format('%s on schema %I to %s', a.privilege_type, n.nspname,
                             CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END)
                 FROM pg_namespace n, aclexplode(n.nspacl) a
                WHERE a.grantee <> n.nspowner AND n.nspname NOT LIKE 'pg\\_%'
                  AND n.nspname <> 'information_schema'
               UNION ALL
               SELECT format('%s on %I.%I to %s', a.privilege_type, n.nspname, c.relname,
                             CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END)
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
                WHERE a.grantee <> c.relowner AND n.nspname NOT LIKE 'pg\\_%'
                  AND n.nspname <> 'information_schema'
               UNION ALL
               SELECT format('%s/%s: %s', s.setdatabase <> 0, s.setrole <> 0, c)
                 FROM pg_db_role_setting s, unnest(s.setconfig) c
                WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
                  AND s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_database()))
                  AND (s.setdatabase, s.setrole) <> (0::oid, 0::oid)) s
             ORDER BY x",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let catalog = |e| RunnerError::db("reading the catalog", tenant, e);
        let model = schema_model::introspect::introspect(conn, "public")
            .await
            .map_err(catalog)?;
        let unmodeled = schema_model::introspect::unmodeled(conn, "public")
            .await
            .map_err(catalog)?;
        Ok(Contents {
            rows: rows.into_iter().collect(),
            sequences: sequences.into_iter().collect(),
            model,
            unmodeled,
            access,
        })
    }

    /// What differs, said for a person (the first few of each kind).
    fn differences(&self, copy: &Contents) -> Vec<String> {
        let mut found = Vec::new();
        for (table, n) in &self.rows {
            match copy.rows.get(table) {
                Some(m) if m == n => {}
                Some(m) => found.push(format!("{table} has {m} rows, not {n}")),
                None => found.push(format!("{table} is missing")),
            }
        }
        for table in copy.rows.keys().filter(|t| !self.rows.contains_key(*t)) {
            found.push(format!("{table} is extra"));
        }
        if self.sequences != copy.sequences {
            found.push("the sequences' values differ".into());
        }
        if self.model != copy.model {
            let differing: Vec<&str> = self
                .model
                .tables
                .iter()
                .filter(|t| !copy.model.tables.contains(t))
                .chain(
                    copy.model
                        .tables
                        .iter()
                        .filter(|t| !self.model.tables.contains(t)),
                )
                .map(|t| t.name.as_str())
                .collect();
            found.push(format!(
                "the definitions of {} differ",
                differing.join(", ")
            ));
        }
        if self.unmodeled != copy.unmodeled {
            found.push(format!(
                "types, views, functions, comments or grants differ ({:?} against {:?})",
                copy.unmodeled, self.unmodeled
            ));
        }
        if self.access != copy.access {
            found.push(format!(
                "privileges or settings differ ({:?} against {:?})",
                copy.access, self.access
            ));
        }
        found.truncate(8);
        found
    }
}

/// Finish a move that was switched, or undo one that was not: what a move
/// that failed does, and what repair does for one that was killed. Under
/// the tenant's lock.
pub(super) async fn settle(fleet: &mut Fleet, intent: &Intent) -> Result<String, RunnerError> {
    let other = intent.copy_on.clone().unwrap_or_default();
    match intent.phase {
        // Opened first, then the record settled last: a kill in between
        // leaves a record that says there is more to do.
        Phase::Moving => {
            open(fleet, intent).await?;
            drop_other_copy(fleet, intent).await?;
            Ok(format!(
                "a move to `{other}` was interrupted before its switch and is undone: the tenant is on `{}`",
                intent.server
            ))
        }
        Phase::Moved => {
            open(fleet, intent).await?;
            drop_other_copy(fleet, intent).await?;
            Ok(format!(
                "a move from `{other}` was interrupted after its switch and is finished: the tenant is on `{}`",
                intent.server
            ))
        }
        _ => Ok(String::new()),
    }
}

/// The tenant's database on its recorded server given back its connection
/// limit (when it exists and is proven this master's).
async fn open(fleet: &mut Fleet, intent: &Intent) -> Result<(), RunnerError> {
    let server = fleet.server_named(&intent.server).await?;
    fleet
        .work_on_locked(server, LockKey::database(&intent.name))
        .await?;
    let limit = intent.connection_limit_before.unwrap_or(-1);
    match ownership::prove_database(fleet, &intent.name)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?
    {
        Proof::Owned(_) => {
            let sql = format!(
                "ALTER DATABASE {} CONNECTION LIMIT {limit}",
                quote(&intent.name)
            );
            fleet
                .server_admin()
                .execute(sql.as_str())
                .await
                .map_err(|e| RunnerError::db("opening the tenant again", &intent.name, e))?;
            Ok(())
        }
        Proof::Absent => Ok(()),
        Proof::NotOwned(reason) => Err(super::not_owned(fleet, &intent.name, reason)),
    }
}

/// The copy on the other server (`copy_on`) dropped, database and role, as
/// far as each is proven this master's; then the record is the tenant's
/// alone again (`ready`).
async fn drop_other_copy(fleet: &mut Fleet, intent: &Intent) -> Result<(), RunnerError> {
    let other = intent.copy_on.as_deref().unwrap_or(DEFAULT_SERVER);
    let server = fleet.server_named(other).await?;
    fleet
        .work_on_locked(server, LockKey::database(&intent.name))
        .await?;
    let name = intent.name.as_str();
    match ownership::prove_database(fleet, name)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?
    {
        Proof::Owned(db) => ownership::drop_database(fleet.server_admin(), db)
            .await
            .map_err(|e| RunnerError::db("dropping the other copy", name, e))?,
        Proof::Absent => {}
        // Someone else's database took the name there: left alone.
        Proof::NotOwned(_) => {}
    }
    if let Proof::Owned(role) = ownership::prove_role(fleet, name)
        .await
        .map_err(|e| RunnerError::db("reading pg_roles", "postgres", e))?
    {
        ownership::drop_role(fleet.server_admin(), role)
            .await
            .map_err(|e| RunnerError::db("dropping the other copy's role", name, e))?;
    }
    sqlx::query(
        "UPDATE rsm.databases SET state = 'ready', copy_on = NULL, connection_limit_before = NULL
          WHERE name = $1 AND state IN ('moving', 'moved')",
    )
    .bind(name)
    .execute(&mut fleet.master)
    .await
    .map_err(|e| fleet.master_error("recording the move settled", e))?;
    // Back where the tenant is.
    let home = fleet.server_named(&intent.server).await?;
    fleet
        .work_on_locked(home, LockKey::database(&intent.name))
        .await
}
