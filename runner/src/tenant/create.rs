//! `tenant create`: all or nothing, and safe beside any other runner.
//!
//! 1. Under the server-wide allocation lock ([`super::allocate`]): the next
//!    number whose name no database, role, record or registry row uses, and
//!    whose lock is free; a slug no organization or creation under way has.
//!    The name's lock is taken and the intent recorded (committed) in the
//!    master before the lock goes.
//! 2. The database (a clone of this master's template, owned by its owner
//!    role), the login role, the stamp, the seed.
//! 3. The registry rows and the record marked `ready`, in one master
//!    transaction; then the name's lock is released.
//!
//! A failure at any step removes what was made (the record last). A kill
//! leaves the record and a free lock: the next create or cleanup finds it and
//! removes what it proves ours ([`super::remove::repair`]).

use std::time::Instant;

use schema_core::DbKind;
use sqlx::{Connection, PgConnection};

use super::access::{self, Credentials};
use super::allocate::{allocate, Allocated};
use super::fault::Failure;
#[cfg(feature = "testing")]
pub use super::fault::FaultAction;
use super::pool;
use super::remove;
use super::seed;
use crate::app::registry::{self as organization, Organization};
use crate::app::seeds::{self, SeedSet};
use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Fleet, Phase, Proof};
use crate::target::Target;
use crate::template::{self, Method};
use crate::RunnerError;

/// A step of tenant creation (progress, and where tests inject faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A spare claimed from the warm pool (only when there is one).
    Claim,
    CreateDatabase,
    CreateRole,
    Stamp,
    Seed,
    /// Inside the registry transaction, just before its commit.
    Register,
}

impl Step {
    /// The steps of every create ([`Step::Claim`] only from a pool).
    pub const ALL: [Step; 5] = [
        Step::CreateDatabase,
        Step::CreateRole,
        Step::Stamp,
        Step::Seed,
        Step::Register,
    ];
}

/// A fault injected after a step (tests; cargo feature `testing`).
#[cfg(feature = "testing")]
#[derive(Clone)]
pub struct Fault {
    pub after: Step,
    pub action: FaultAction,
}

#[cfg(feature = "testing")]
impl std::fmt::Debug for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} after {:?}", self.action, self.after)
    }
}

#[derive(Debug, Clone)]
pub struct CreateOptions {
    /// The organization's name; `Studio <n>` when not given.
    pub name: Option<String>,
    pub seed: SeedSet,
    /// Volume of the `realistic` set (about 12,800 rows per unit).
    pub scale: u64,
    /// Seed value of faked data; the tenant number when not given.
    pub seed_value: Option<u64>,
    /// Return the tenant role's credentials (otherwise never shown).
    pub credentials: bool,
    /// Connections the tenant's role may hold at once.
    pub connection_limit: u32,
    /// The server to place it on; `None`: the least loaded with room.
    pub server: Option<String>,
    /// Take a spare from the warm pool when there is one (else clone).
    pub pooled: bool,
    /// A fault to inject after a step (tests only).
    #[cfg(feature = "testing")]
    pub fault: Option<Fault>,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            name: None,
            seed: SeedSet::None,
            scale: 1,
            seed_value: None,
            credentials: false,
            connection_limit: access::DEFAULT_CONNECTION_LIMIT,
            server: None,
            pooled: true,
            #[cfg(feature = "testing")]
            fault: None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Created {
    pub tenant: String,
    /// The server it was placed on (`default`: the master's).
    pub server: String,
    pub organization: String,
    pub organization_id: i32,
    pub slug: String,
    pub owner_email: String,
    pub fingerprint: String,
    pub method: Method,
    pub seed: SeedSet,
    pub rows: u64,
    pub millis: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// What else the tenant's role could reach on this server, with the fix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// How many progress steps [`create_reporting`] reports for a seed set.
pub fn progress_steps(seed: SeedSet) -> usize {
    4 + seeds::steps(seed)
}

/// Create a tenant: see the module documentation.
pub async fn create(target: &Target, options: &CreateOptions) -> Result<Created, RunnerError> {
    create_reporting(target, options, &mut |_| {}).await
}

/// [`create`], calling `step` as each step ends ([`progress_steps`] calls
/// when it succeeds): for a progress bar.
pub async fn create_reporting(
    target: &Target,
    options: &CreateOptions,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<Created, RunnerError> {
    let started = Instant::now();
    check_options(options)?;
    let mut fleet = Fleet::open(target).await?;
    create_on(&mut fleet, options, step, started).await
}

/// [`create_reporting`] on an open fleet. On success every lock it took is
/// released again, so that the fleet can serve the next create
/// ([`super::Creator`]); after an error it is closed.
pub(super) async fn create_on(
    fleet: &mut Fleet,
    options: &CreateOptions,
    step: &mut (dyn FnMut(&str) + Send),
    started: Instant,
) -> Result<Created, RunnerError> {
    check_master_schema(fleet)?;
    remove::repair(fleet, false).await?;
    let allocated = allocate(fleet, options).await?;
    let key = LockKey::database(&allocated.tenant);
    let claimed = match allocated.spare {
        Some(_) => fault_at(options, Step::Claim),
        None => Ok(()),
    };
    let built = match claimed {
        Ok(()) => build(fleet, options, &allocated, step).await,
        Err(failure) => Err(failure),
    };
    if let (Some(spare), Err(Failure::Error(_))) = (&allocated.spare, &built) {
        // Not taken (a taken spare's record is gone): back in the pool.
        let _ = pool::unclaim(&mut fleet.master, spare).await;
    }
    let spare_key = allocated.spare.as_deref().map(LockKey::database);
    if let (Some(spare_key), Err(_)) = (spare_key, &built) {
        fleet.release_here(spare_key).await;
        lock::release(&mut fleet.admin, spare_key).await;
    }
    match built {
        Ok(mut created) => {
            // The spare's and the tenant's at once.
            let keys: Vec<LockKey> = spare_key.into_iter().chain([key]).collect();
            fleet.release_each_here(&keys).await;
            lock::release_each(&mut fleet.admin, &keys).await;
            created.millis = started.elapsed().as_millis() as u64;
            Ok(created)
        }
        Err(Failure::Crash(e)) => Err(e), // as if killed: nothing is cleaned up
        Err(Failure::Error(e)) => {
            let tenant = allocated.tenant.as_str();
            let cleaned = discard(fleet, tenant).await;
            lock::release(&mut fleet.admin, key).await;
            Err(e.noted(if cleaned {
                format!("nothing was left of `{tenant}`")
            } else {
                format!(
                    "`{tenant}` may be left half-made; it is recorded in `{}`, and the next \
                     `runner tenant create` or `runner tenant cleanup --orphans` removes it",
                    fleet.target.master_db
                )
            }))
        }
    }
}

/// The registry rows are written with the declared master schema's builders:
/// a master stamped with another schema is refused before anything is made.
fn check_master_schema(fleet: &Fleet) -> Result<(), RunnerError> {
    let expected = fleet
        .target
        .declared
        .fingerprint(schema_core::DbKind::Master);
    match &fleet.master_fingerprint {
        Some(found) if found != expected => Err(RunnerError::MasterBehind {
            database: fleet.master_db().to_owned(),
            found: found.clone(),
            expected: expected.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Options are checked before anything is touched.
pub(super) fn check_options(options: &CreateOptions) -> Result<(), RunnerError> {
    if let Some(name) = &options.name {
        organization::check_organization_name(name)?;
    }
    seeds::check_scale(options.scale)?;
    seeds::check_available(options.seed)?;
    if !(1..=access::MAX_CONNECTION_LIMIT).contains(&options.connection_limit) {
        return Err(RunnerError::InvalidInput(format!(
            "invalid connection limit {}: from 1 to {}",
            options.connection_limit,
            access::MAX_CONNECTION_LIMIT
        )));
    }
    Ok(())
}

/// The fault the tests asked for after `step`, if any; without the
/// `testing` feature there is none and this is a no-op.
#[cfg(not(feature = "testing"))]
fn fault_at(_: &CreateOptions, _: Step) -> Result<(), Failure> {
    Ok(())
}

#[cfg(feature = "testing")]
fn fault_at(options: &CreateOptions, step: Step) -> Result<(), Failure> {
    let fault = options.fault.as_ref().filter(|f| f.after == step);
    super::fault::inject(fault.map(|f| &f.action), &step)
}

/// Steps 2 and 3; on error the caller removes what exists.
async fn build(
    fleet: &mut Fleet,
    options: &CreateOptions,
    allocated: &Allocated,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<Created, Failure> {
    let tenant = allocated.tenant.as_str();
    let password =
        crate::scram::random_password().map_err(RunnerError::system("reading /dev/urandom"))?;
    let fingerprint = fleet.target.declared.tenant_fingerprint().to_owned();
    let (method, conn) = match &allocated.spare {
        // From the pool: made, granted and stamped already; renamed now.
        Some(spare) => {
            let shown = options.credentials.then_some(password.as_str());
            pool::take(fleet, spare, tenant, shown, options.connection_limit).await?;
            step("database");
            fault_at(options, Step::CreateDatabase)?;
            step("role");
            fault_at(options, Step::CreateRole)?;
            step("stamp");
            fault_at(options, Step::Stamp)?;
            (Method::Pooled, None)
        }
        None => {
            let login = (password.as_str(), options.connection_limit);
            let (method, mut conn) = faithful_database(fleet, tenant, login).await?;
            step("database");
            fault_at(options, Step::CreateDatabase)?;
            access::grant_tables(&mut conn, tenant).await?;
            fault_at(options, Step::CreateRole)?;
            step("role");
            stamp_made(fleet, &mut conn, tenant, method).await?;
            fault_at(options, Step::Stamp)?;
            step("stamp");
            (method, Some(conn))
        }
    };

    let rows = if options.seed == SeedSet::None {
        0
    } else {
        let mut conns: Vec<_> = conn.into_iter().collect();
        while conns.len() < seed::seed_connections() {
            conns.push(fleet.connect(tenant).await?);
        }
        let seed_value = options.seed_value.unwrap_or(allocated.number);
        let rows = seed::seed_new_database(
            &mut conns,
            tenant,
            options.seed,
            options.scale,
            seed_value,
            step,
        )
        .await?;
        for conn in conns {
            conn.close().await.ok();
        }
        rows
    };
    fault_at(options, Step::Seed)?;

    // Made at the current schema: the data migrations its history marks as
    // done are recorded in the master too (a restore without `rsm` must not
    // run them on data that never needed them).
    let baseline =
        crate::bookkeeping::history::Entry::baseline(&fleet.target.declared, DbKind::Tenant)
            .data_migrations;
    let master_db = fleet.target.master_db.clone();
    let managed = fleet.server.managed;
    // What else the tenant's role could reach is read on the server meanwhile.
    let (admin, master) = fleet.server_admin_and_master();
    let (registered, warnings) = tokio::join!(
        register(master, &master_db, allocated, &baseline, options),
        async {
            if managed {
                Vec::new() // the runner's own cluster is closed when it is made
            } else {
                access::public_exposure(admin).await.unwrap_or_default()
            }
        }
    );
    let (organization, owner_email) = registered?;
    step("register");

    Ok(Created {
        tenant: tenant.to_owned(),
        server: fleet.server.name.clone(),
        organization: organization.name,
        organization_id: organization.id,
        slug: organization.slug,
        owner_email,
        fingerprint,
        method,
        seed: options.seed,
        rows,
        millis: 0,
        credentials: options
            .credentials
            .then(|| access::credentials_for(&fleet.server, tenant, password)),
        warnings,
    })
}

/// Step 3: the registry rows and the record marked `ready`, in one master
/// transaction.
async fn register(
    master: &mut PgConnection,
    master_db: &str,
    allocated: &Allocated,
    baseline: &[String],
    options: &CreateOptions,
) -> Result<(Organization, String), Failure> {
    let failed = |e| RunnerError::db("registering the tenant", master_db, e);
    let tenant = allocated.tenant.as_str();
    let mut tx = master.begin().await.map_err(failed)?;
    let registered =
        organization::register(&mut tx, &allocated.organization, &allocated.slug, tenant)
            .await
            .map_err(failed)?;
    ownership::set_phase(&mut tx, tenant, Phase::Ready)
        .await
        .map_err(failed)?;
    // (The ledger exists: `Fleet::open` brought the master's records up.)
    if !baseline.is_empty() {
        crate::bookkeeping::ledger::record_data_migrations(&mut tx, tenant, baseline)
            .await
            .map_err(failed)?;
    }
    fault_at(options, Step::Register)?;
    tx.commit().await.map_err(failed)?;
    Ok(registered)
}

/// The tenant's database and its login role, and a connection to the
/// database. A clone is checked against its template's verified catalog
/// (a template changed by hand since is set aside, rebuilt, and cloned
/// again, once); the role is made meanwhile (see below).
async fn faithful_database(
    fleet: &mut Fleet,
    tenant: &str,
    login: (&str, u32),
) -> Result<(template::Method, PgConnection), RunnerError> {
    let declared = fleet.target.declared.clone();
    let mut role_made = false;
    for attempt in 0..2 {
        // The login role is made while the server clones, on the master's
        // connection when the tenant is on the master's server (roles are
        // the server's); else while the clone's first backend starts.
        let (owner, master_db) = (fleet.identity.owner_role(), fleet.master_db().to_owned());
        let role_beside = !role_made && fleet.on_masters_server();
        let ((method, vouch), role) =
            template::create_database_beside(fleet, tenant, async |master| {
                if role_beside {
                    access::create_login_role(master, &owner, &master_db, tenant, Some(login)).await
                } else {
                    Ok(())
                }
            })
            .await?;
        role?;
        let server = fleet.server.clone();
        let (admin, master) = fleet.server_admin_and_master();
        let role = async {
            if !role_made && !role_beside {
                access::create_login_role(admin, &owner, &master_db, tenant, Some(login)).await?;
            }
            // Every clone, the one made again after a rebuild too.
            access::restrict_connect(admin, tenant).await
        };
        let (conn, vouched, role) = tokio::join!(
            server.connect(tenant),
            template::vouched(master, vouch.as_ref()),
            role
        );
        role?;
        role_made = true;
        let mut conn = conn?;
        let vouched = vouched.map_err(|e| fleet.master_error("reading the template's mark", e))?;
        let faithful = template::clone_holds(&mut conn, &declared, method, vouched)
            .await
            .map_err(|e| RunnerError::db("checking the clone", tenant, e))?;
        if let (true, false, Some(vouch)) = (faithful, vouched, &vouch) {
            template::record_mark(fleet, vouch).await?;
        }
        if faithful {
            return Ok((method, conn));
        }
        conn.close().await.ok();
        if attempt == 1 {
            break;
        }
        template::set_aside(fleet).await?;
        if let ownership::Proof::Owned(db) = ownership::prove_database(fleet, tenant)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?
        {
            ownership::drop_database(fleet.server_admin(), db)
                .await
                .map_err(|e| RunnerError::db("dropping the unfaithful clone", tenant, e))?;
        }
    }
    Err(RunnerError::Database {
        what: "checking the clone".into(),
        database: tenant.to_owned(),
        hint: "the template changed again while it was rebuilt; run the command again".into(),
        source: sqlx::Error::Protocol(
            "the clone does not hold its template's verified catalog".into(),
        ),
    })
}

/// A new database carries its template's stamp: date it and check it is
/// this schema's (a database that fails the check is dropped by the caller).
/// The journal is emptied with it ([`crate::bookkeeping::stamp::date_clone`]):
/// the template's verified catalog hash is this clone's too. A clone whose
/// stamp names another schema came from a template changed by hand where the
/// catalog check cannot see (its `rsm` schema): the template is set aside,
/// so that the next create builds it again.
pub(super) async fn stamp_made(
    fleet: &mut Fleet,
    conn: &mut PgConnection,
    name: &str,
    method: Method,
) -> Result<(), RunnerError> {
    let expected = fleet.target.declared.tenant_fingerprint().to_owned();
    let stamped = crate::bookkeeping::stamp::date_clone(conn, &fleet.identity.master_id)
        .await
        .map_err(|e| RunnerError::db("stamping", name, e))?;
    let found = match stamped.as_slice() {
        [found] if *found == expected => return Ok(()),
        _ => stamped.first().map_or("none".into(), Clone::clone),
    };
    if method != Method::Cloned {
        return Err(RunnerError::FingerprintMismatch {
            tenant: name.to_owned(),
            found,
            expected,
        });
    }
    template::set_aside(fleet).await?;
    Err(RunnerError::Database {
        what: "checking the clone's stamp".into(),
        database: name.to_owned(),
        hint: "the template's stamp was changed by hand: the template is set aside and built \
               again by the next create; run the command again"
            .into(),
        source: sqlx::Error::Protocol(format!(
            "the clone is stamped with schema {found}, this runner's is {expected}"
        )),
    })
}

/// Remove what a failed create made, the record last; `false` when something
/// could not be removed (the record then stays, for repair).
async fn discard(fleet: &mut Fleet, tenant: &str) -> bool {
    let mut clean = true;
    match ownership::prove_database(fleet, tenant).await {
        Ok(Proof::Owned(db)) => {
            clean &= ownership::drop_database(fleet.server_admin(), db)
                .await
                .is_ok()
        }
        Ok(Proof::Absent) => {}
        // Someone else's database took the name: it is left alone.
        Ok(Proof::NotOwned(_)) => {}
        Err(_) => clean = false,
    }
    match ownership::prove_role(fleet, tenant).await {
        Ok(Proof::Owned(role)) => {
            clean &= ownership::drop_role(fleet.server_admin(), role)
                .await
                .is_ok()
        }
        Ok(_) => {}
        Err(_) => clean = false,
    }
    if clean {
        clean = ownership::forget(&mut fleet.master, tenant).await.is_ok();
    }
    clean
}
