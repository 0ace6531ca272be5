//! Tenant lifecycle: create, list, drop, cleanup, protect, credentials, seed.
//!
//! Creation is all or nothing. The database is made first (a clone of the
//! template), then its login role, stamp and seed; the master registry rows
//! (owner, organization, membership, `tenant_databases`) are inserted last, in
//! one transaction. A failure at any step drops what was made. A kill leaves at
//! worst a database (and role) with no registry row; its creator held an
//! advisory lock on its name, so the next run sees the lock free and drops it
//! ([`repair`]). The registry never points at a database that was not complete.

use std::time::Instant;

use chrono::NaiveDateTime;
use schema_core::ident::{quote, quote_literal};
use schema_core::Seed;
use schema_defs::master::*;
use sqlx::{Connection, Executor, PgConnection};

use crate::target::{check_name, drop_database, drop_role, Target};
use crate::template::{self, lock_key, Method, Stamp};
use crate::RunnerError;

/// Which seed set a new tenant gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedSet {
    None,
    Base,
    Realistic,
}

/// A step of tenant creation, after which a fault can be injected (tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    CreateDatabase,
    CreateRole,
    Stamp,
    Seed,
    /// Inside the registry transaction, just before its commit.
    Register,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::CreateDatabase,
        Step::CreateRole,
        Step::Stamp,
        Step::Seed,
        Step::Register,
    ];
}

/// A fault injected after a step: an error (the normal cleanup runs) or a
/// crash (the process "dies": nothing is cleaned up, locks are released).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub after: Step,
    pub crash: bool,
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
            fault: None,
        }
    }
}

/// A login for one tenant database.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Credentials {
    pub role: String,
    pub password: String,
    pub url: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Created {
    pub tenant: String,
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
}

/// Serialises the choice of the next tenant number on a server.
const ALLOCATE: &str = "rsm tenant allocation";

/// Create a tenant: see the module documentation.
pub async fn create(target: &Target, options: &CreateOptions) -> Result<Created, RunnerError> {
    create_reporting(target, options, &mut |_| {}).await
}

/// How many progress steps [`create_reporting`] reports for a seed set.
pub fn progress_steps(seed: SeedSet) -> usize {
    4 + match seed {
        SeedSet::None => 0,
        SeedSet::Base => 1,
        SeedSet::Realistic => seed::realistic::VOLUME.len(),
    }
}

/// [`create`], calling `step` as each step ends ([`progress_steps`] calls
/// when it succeeds): for a progress bar.
pub async fn create_reporting(
    target: &Target,
    options: &CreateOptions,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<Created, RunnerError> {
    let started = Instant::now();
    if let Some(name) = &options.name {
        check_organization_name(name)?;
    }
    let mut master = open_master(target).await?;
    let mut admin = target.admin().await?;
    repair(target, &mut admin, &mut master).await?;

    // The name: the next free number, chosen under a server-wide lock, and
    // held under a lock of its own until the tenant is registered or removed.
    // The clone runs outside the server-wide lock, so creates overlap.
    lock(&mut admin, ALLOCATE).await?;
    let allocated = allocate(target, &mut admin, &mut master).await;
    unlock(&mut admin, ALLOCATE).await;
    let (number, tenant) = allocated?;
    let built = build(
        target,
        &mut admin,
        &mut master,
        options,
        number,
        &tenant,
        step,
    )
    .await;
    match built {
        Ok(mut created) => {
            unlock(&mut admin, &tenant).await;
            created.millis = started.elapsed().as_millis() as u64;
            Ok(created)
        }
        Err(Failure::Crash(e)) => Err(e), // as if killed: nothing is cleaned up
        Err(Failure::Error(e)) => {
            discard(&mut admin, &tenant).await;
            unlock(&mut admin, &tenant).await;
            Err(e)
        }
    }
}

/// The next number whose name nobody holds: above every tenant database and
/// registry row, skipping names other creators have locked but not created yet.
async fn allocate(
    target: &Target,
    admin: &mut PgConnection,
    master: &mut PgConnection,
) -> Result<(u64, String), RunnerError> {
    let mut number = next_number(target, admin, master).await?;
    loop {
        let tenant = format!("{}{number}", target.tenant_prefix);
        if try_lock(admin, &tenant).await? {
            return Ok((number, tenant));
        }
        number += 1;
    }
}

enum Failure {
    Error(RunnerError),
    Crash(RunnerError),
}

impl From<RunnerError> for Failure {
    fn from(e: RunnerError) -> Self {
        Failure::Error(e)
    }
}

fn fault_at(options: &CreateOptions, step: Step) -> Result<(), Failure> {
    match options.fault {
        Some(f) if f.after == step => {
            let e = RunnerError::InvalidInput(format!("fault injected after {step:?}"));
            Err(if f.crash {
                Failure::Crash(e)
            } else {
                Failure::Error(e)
            })
        }
        _ => Ok(()),
    }
}

/// The database and everything after; on error the caller drops what exists.
async fn build(
    target: &Target,
    admin: &mut PgConnection,
    master: &mut PgConnection,
    options: &CreateOptions,
    number: u64,
    tenant: &str,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<Created, Failure> {
    let method = template::create_database(target, admin, tenant).await?;
    step("database");
    fault_at(options, Step::CreateDatabase)?;

    let password = random_password()?;
    create_role(admin, tenant, &password).await?;
    let mut conn = target.connect(tenant).await?;
    grant_tables(&mut conn, tenant).await?;
    fault_at(options, Step::CreateRole)?;
    step("role");

    let stamp = template::read_stamp(&mut conn)
        .await
        .map_err(|e| RunnerError::db("reading the stamp", tenant, e))?;
    if stamp.as_ref().map(|s| s.fingerprint.as_str()) != Some(template::fingerprint()) {
        return Err(RunnerError::FingerprintMismatch {
            tenant: tenant.to_owned(),
            found: stamp.map_or("none".into(), |s| s.fingerprint),
            expected: template::fingerprint().to_owned(),
        }
        .into());
    }
    sqlx::query("UPDATE rsm.stamp SET stamped_at = now()")
        .execute(&mut conn)
        .await
        .map_err(|e| RunnerError::db("stamping", tenant, e))?;
    fault_at(options, Step::Stamp)?;
    step("stamp");

    let rows = seed_database(
        &mut conn,
        tenant,
        options.seed,
        options.scale,
        options.seed_value.unwrap_or(number),
        step,
    )
    .await?;
    conn.close().await.ok();
    fault_at(options, Step::Seed)?;

    let name = options
        .name
        .clone()
        .unwrap_or_else(|| format!("Studio {number}"));
    let mut tx = master
        .begin()
        .await
        .map_err(|e| RunnerError::db("starting a transaction", &target.master_db, e))?;
    let registered = register(&mut tx, &name, number, tenant).await;
    let (organization, owner_email) =
        registered.map_err(|e| RunnerError::db("registering the tenant", &target.master_db, e))?;
    fault_at(options, Step::Register)?;
    tx.commit()
        .await
        .map_err(|e| RunnerError::db("committing the registration", &target.master_db, e))?;
    step("register");

    Ok(Created {
        tenant: tenant.to_owned(),
        organization: organization.name,
        organization_id: organization.id,
        slug: organization.slug,
        owner_email,
        fingerprint: template::fingerprint().to_owned(),
        method,
        seed: options.seed,
        rows,
        millis: 0,
        credentials: options
            .credentials
            .then(|| credentials_for(target, tenant, password)),
    })
}

async fn seed_database(
    conn: &mut PgConnection,
    tenant: &str,
    set: SeedSet,
    scale: u64,
    value: u64,
    step: &mut (dyn FnMut(&str) + Send),
) -> Result<u64, RunnerError> {
    let seeded = match set {
        SeedSet::None => return Ok(0),
        SeedSet::Base => seed::base::seed(conn).await.map(|()| step("base")),
        SeedSet::Realistic => {
            let mut table_done = |table: &'static str| step(table);
            seed::realistic::seed_reporting(conn, &Seed::new(value), scale, &mut table_done)
                .await
                .map(|_| ())
        }
    };
    seeded.map_err(|e| RunnerError::db("seeding", tenant, e))?;
    let counts = seed::row_counts(conn, schema_defs::schema(schema_core::DbKind::Tenant))
        .await
        .map_err(|e| RunnerError::db("counting rows", tenant, e))?;
    Ok(counts.iter().map(|(_, n)| *n as u64).sum())
}

/// Owner, organization, membership and registry row, with the typed builders.
async fn register(
    conn: &mut PgConnection,
    name: &str,
    number: u64,
    tenant: &str,
) -> Result<(Organization, String), sqlx::Error> {
    let mut slug = slugify(name);
    let taken: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM organizations WHERE slug = $1 OR subdomain = $1)",
    )
    .bind(&slug)
    .fetch_one(&mut *conn)
    .await?;
    if taken || slug.is_empty() {
        slug = format!(
            "{}{}studio-{number}",
            slug,
            if slug.is_empty() { "" } else { "-" }
        );
    }
    let email = format!("owner@{slug}.example");
    let owner = User::insert()
        .email(email.as_str())
        .name(format!("{name} owner"))
        .role(UserRole::Admin)
        .returning_row(&mut *conn)
        .await?;
    let organization = Organization::insert()
        .name(name)
        .slug(slug.as_str())
        .subdomain(slug.as_str())
        .owner_id(owner.id)
        .returning_row(&mut *conn)
        .await?;
    OrganizationMember::insert()
        .user_id(owner.id)
        .organization_id(organization.id)
        .role(OrganizationMemberRole::Owner)
        .returning_key(&mut *conn)
        .await?;
    TenantDatabase::insert()
        .organization_id(organization.id)
        .database_name(tenant)
        .returning_key(&mut *conn)
        .await?;
    Ok((organization, email))
}

/// `Studio Nord & Fils` → `studio-nord-fils`.
fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for ch in name.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(60).collect()
}

/// An organization's display name: letters, digits, spaces and `-_.&,()`,
/// at most 100 characters. Quotes, semicolons and control characters are refused.
pub fn check_organization_name(name: &str) -> Result<(), RunnerError> {
    let problem = if name.trim().is_empty() {
        Some("it is empty".to_owned())
    } else if name.chars().count() > 100 {
        Some(format!(
            "it is {} characters long; at most 100",
            name.chars().count()
        ))
    } else {
        name.chars()
            .find(|c| !(c.is_alphanumeric() || " -_.&,()".contains(*c)))
            .map(|c| format!("it contains {c:?}; use letters, digits, spaces and -_.&,()"))
    };
    match problem {
        Some(p) => Err(RunnerError::InvalidInput(format!(
            "invalid organization name {name:?}: {p}"
        ))),
        None => Ok(()),
    }
}

async fn open_master(target: &Target) -> Result<PgConnection, RunnerError> {
    let mut master = target.connect(&target.master_db).await?;
    let ready: bool =
        sqlx::query_scalar("SELECT to_regclass('public.tenant_databases') IS NOT NULL")
            .fetch_one(&mut master)
            .await
            .map_err(|e| RunnerError::db("reading the master", &target.master_db, e))?;
    if !ready {
        return Err(RunnerError::UnknownSchema {
            database: target.master_db.clone(),
            differences: "  - no table `tenant_databases`".into(),
            hint: "run `runner master init` to create the master schema".into(),
        });
    }
    Ok(master)
}

async fn lock(admin: &mut PgConnection, name: &str) -> Result<(), RunnerError> {
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(lock_key(name))
        .execute(admin)
        .await
        .map(|_| ())
        .map_err(|e| RunnerError::db("taking an advisory lock", "postgres", e))
}

async fn unlock(admin: &mut PgConnection, name: &str) {
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(lock_key(name))
        .execute(admin)
        .await
        .ok();
}

/// Take `name`'s advisory lock if nobody holds it.
async fn try_lock(admin: &mut PgConnection, name: &str) -> Result<bool, RunnerError> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(lock_key(name))
        .fetch_one(admin)
        .await
        .map_err(|e| RunnerError::db("taking an advisory lock", "postgres", e))
}

/// Whether a live creator holds `tenant`'s lock (then it is not an orphan).
async fn being_created(admin: &mut PgConnection, tenant: &str) -> Result<bool, RunnerError> {
    let free = try_lock(admin, tenant).await?;
    if free {
        unlock(admin, tenant).await;
    }
    Ok(!free)
}

/// Tenant databases on the server and registry rows, by name.
async fn tenant_databases(
    target: &Target,
    admin: &mut PgConnection,
) -> Result<Vec<String>, RunnerError> {
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database ORDER BY datname")
        .fetch_all(admin)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    Ok(names
        .into_iter()
        .filter(|n| tenant_number(target, n).is_some())
        .collect())
}

struct Registered {
    tenant: String,
    organization_id: i32,
    organization: String,
    created_at: NaiveDateTime,
}

async fn registry(
    target: &Target,
    master: &mut PgConnection,
) -> Result<Vec<Registered>, RunnerError> {
    let rows: Vec<(String, i32, String, NaiveDateTime)> = sqlx::query_as(
        "SELECT t.database_name, o.id, o.name, t.created_at
           FROM tenant_databases t JOIN organizations o ON o.id = t.organization_id
          ORDER BY t.id",
    )
    .fetch_all(master)
    .await
    .map_err(|e| RunnerError::db("reading the registry", &target.master_db, e))?;
    Ok(rows
        .into_iter()
        .filter(|r| tenant_number(target, &r.0).is_some())
        .map(
            |(tenant, organization_id, organization, created_at)| Registered {
                tenant,
                organization_id,
                organization,
                created_at,
            },
        )
        .collect())
}

/// `tenant_12` → 12 (for this target's prefix).
fn tenant_number(target: &Target, name: &str) -> Option<u64> {
    let digits = name.strip_prefix(&target.tenant_prefix)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

async fn next_number(
    target: &Target,
    admin: &mut PgConnection,
    master: &mut PgConnection,
) -> Result<u64, RunnerError> {
    let on_server = tenant_databases(target, admin).await?;
    let registered = registry(target, master).await?;
    let highest = on_server
        .iter()
        .chain(registered.iter().map(|r| &r.tenant))
        .filter_map(|n| tenant_number(target, n))
        .max()
        .unwrap_or(0);
    Ok(highest + 1)
}

async fn create_role(
    admin: &mut PgConnection,
    tenant: &str,
    password: &str,
) -> Result<(), RunnerError> {
    let role = quote(tenant);
    // A leftover role of a tenant that no longer exists: replaced.
    drop_role(admin, tenant)
        .await
        .map_err(|e| RunnerError::db("dropping a leftover role", tenant, e))?;
    admin
        .execute(
            format!(
                "CREATE ROLE {role} LOGIN PASSWORD {}",
                quote_literal(password)
            )
            .as_str(),
        )
        .await
        .map_err(|e| RunnerError::db("creating the login role", tenant, scrub(e)))?;
    let grants = format!(
        "REVOKE CONNECT, TEMPORARY ON DATABASE {role} FROM PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE {role} TO {role}"
    );
    admin
        .execute(grants.as_str())
        .await
        .map(|_| ())
        .map_err(|e| RunnerError::db("restricting CONNECT to the tenant's role", tenant, e))
}

async fn grant_tables(conn: &mut PgConnection, tenant: &str) -> Result<(), RunnerError> {
    let role = quote(tenant);
    let grants = format!(
        "GRANT USAGE ON SCHEMA public TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
         GRANT USAGE ON SCHEMA rsm TO {role};
         GRANT SELECT ON rsm.stamp TO {role};"
    );
    conn.execute(grants.as_str())
        .await
        .map(|_| ())
        .map_err(|e| RunnerError::db("granting the tenant's role its tables", tenant, e))
}

/// A database error whose message might quote the statement (and so a
/// password) is reduced to its code.
fn scrub(e: sqlx::Error) -> sqlx::Error {
    match e.as_database_error().and_then(|d| d.code()) {
        Some(code) => sqlx::Error::Protocol(format!("SQLSTATE {code}")),
        None => sqlx::Error::Protocol("statement failed".into()),
    }
}

/// 24 random bytes from the OS, as 48 hex digits.
fn random_password() -> Result<String, RunnerError> {
    use std::io::Read;
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(RunnerError::Output)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn credentials_for(target: &Target, tenant: &str, password: String) -> Credentials {
    let options = target.options(tenant);
    let url = match options.get_socket() {
        Some(dir) => format!(
            "postgres://{tenant}:{password}@localhost:{}/{tenant}?host={}",
            options.get_port(),
            dir.display()
        ),
        None => format!(
            "postgres://{tenant}:{password}@{}:{}/{tenant}",
            options.get_host(),
            options.get_port()
        ),
    };
    Credentials {
        role: tenant.to_owned(),
        password,
        url,
    }
}

/// Drop a tenant's database and role, whatever state they are in.
async fn discard(admin: &mut PgConnection, tenant: &str) {
    drop_database(admin, tenant).await.ok();
    drop_role(admin, tenant).await.ok();
}

/// [`repair`] on its own connections (`runner tenant cleanup` runs it too).
pub async fn repair_all(target: &Target) -> Result<Vec<String>, RunnerError> {
    let mut master = open_master(target).await?;
    let mut admin = target.admin().await?;
    repair(target, &mut admin, &mut master).await
}

/// Drop what interrupted creations left: tenant databases with no registry row
/// whose creator is gone. Returns the names dropped.
pub async fn repair(
    target: &Target,
    admin: &mut PgConnection,
    master: &mut PgConnection,
) -> Result<Vec<String>, RunnerError> {
    let registered: Vec<String> = registry(target, master)
        .await?
        .into_iter()
        .map(|r| r.tenant)
        .collect();
    let mut dropped = Vec::new();
    for name in tenant_databases(target, admin).await? {
        if registered.contains(&name) || being_created(admin, &name).await? {
            continue;
        }
        discard(admin, &name).await;
        dropped.push(name);
    }
    // Roles of tenants whose database is gone (a kill between the two drops).
    let roles: Vec<String> = sqlx::query_scalar("SELECT rolname FROM pg_roles WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = rolname)")
        .fetch_all(&mut *admin)
        .await
        .map_err(|e| RunnerError::db("reading pg_roles", "postgres", e))?;
    for role in roles.iter().filter(|r| tenant_number(target, r).is_some()) {
        if !being_created(admin, role).await? {
            drop_role(admin, role).await.ok();
        }
    }
    Ok(dropped)
}

/// Where a tenant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Registered, stamped with the current schema.
    Current,
    /// Registered, stamped with another schema fingerprint.
    OtherSchema,
    /// Registered, but the database carries no stamp.
    Unstamped,
    /// A database with no registry row, being created right now.
    Creating,
    /// A database with no registry row and no creator.
    Orphan,
    /// A registry row whose database does not exist.
    Dangling,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TenantInfo {
    pub tenant: String,
    pub organization_id: Option<i32>,
    pub organization: Option<String>,
    pub created_at: Option<NaiveDateTime>,
    pub state: State,
    pub fingerprint: Option<String>,
    pub protected: bool,
}

/// Every tenant of the master and every tenant database of the server.
pub async fn list(target: &Target) -> Result<Vec<TenantInfo>, RunnerError> {
    let mut master = open_master(target).await?;
    let mut admin = target.admin().await?;
    let registered = registry(target, &mut master).await?;
    let on_server = tenant_databases(target, &mut admin).await?;
    let mut out = Vec::new();
    for r in &registered {
        let (state, stamp) = if on_server.contains(&r.tenant) {
            let stamp = stamp_of(target, &r.tenant).await?;
            let state = match &stamp {
                Some(s) if s.fingerprint == template::fingerprint() => State::Current,
                Some(_) => State::OtherSchema,
                None => State::Unstamped,
            };
            (state, stamp)
        } else {
            (State::Dangling, None)
        };
        out.push(TenantInfo {
            tenant: r.tenant.clone(),
            organization_id: Some(r.organization_id),
            organization: Some(r.organization.clone()),
            created_at: Some(r.created_at),
            state,
            protected: stamp.as_ref().is_some_and(|s| s.protected),
            fingerprint: stamp.map(|s| s.fingerprint),
        });
    }
    for name in on_server
        .iter()
        .filter(|n| !registered.iter().any(|r| &r.tenant == *n))
    {
        let state = if being_created(&mut admin, name).await? {
            State::Creating
        } else {
            State::Orphan
        };
        out.push(TenantInfo {
            tenant: name.clone(),
            organization_id: None,
            organization: None,
            created_at: None,
            state,
            fingerprint: None,
            protected: false,
        });
    }
    out.sort_by_key(|t| tenant_number(target, &t.tenant));
    Ok(out)
}

async fn stamp_of(target: &Target, tenant: &str) -> Result<Option<Stamp>, RunnerError> {
    let mut conn = target.connect(tenant).await?;
    let stamp = template::read_stamp(&mut conn)
        .await
        .map_err(|e| RunnerError::db("reading the stamp", tenant, e))?;
    conn.close().await.ok();
    Ok(stamp)
}

/// One tenant as `list` shows it; unknown names are an error.
pub async fn find(target: &Target, tenant: &str) -> Result<TenantInfo, RunnerError> {
    check_name("tenant name", tenant)?;
    let all = list(target).await?;
    match all.iter().find(|t| t.tenant == tenant) {
        Some(t) => Ok(t.clone()),
        None => {
            let names: Vec<&str> = all.iter().map(|t| t.tenant.as_str()).take(10).collect();
            Err(RunnerError::UnknownTenant {
                tenant: tenant.to_owned(),
                master: target.master_db.clone(),
                known: if names.is_empty() {
                    " (there are none)".into()
                } else {
                    format!(" (known: {})", names.join(", "))
                },
            })
        }
    }
}

/// Drop one tenant: its database, role and registry rows (organization,
/// membership, owner if they belong nowhere else). Refused if protected.
pub async fn drop(target: &Target, tenant: &str) -> Result<TenantInfo, RunnerError> {
    let info = find(target, tenant).await?;
    drop_listed(target, &info).await?;
    Ok(info)
}

/// [`drop`] of a tenant as [`list`] showed it (cleanup drops many from one list).
async fn drop_listed(target: &Target, info: &TenantInfo) -> Result<(), RunnerError> {
    let tenant = info.tenant.as_str();
    if info.protected {
        return Err(RunnerError::Protected {
            tenant: tenant.to_owned(),
        });
    }
    let mut admin = target.admin().await?;
    if info.state == State::Creating {
        return Err(RunnerError::InvalidInput(format!(
            "tenant `{tenant}` is being created right now; try again when it is done"
        )));
    }
    // The database first: if it cannot go (in use), nothing has changed.
    drop_database(&mut admin, tenant)
        .await
        .map_err(|e| RunnerError::db("dropping the database", tenant, e))?;
    let mut master = open_master(target).await?;
    unregister(&mut master, tenant)
        .await
        .map_err(|e| RunnerError::db("removing the registry rows", &target.master_db, e))?;
    drop_role(&mut admin, tenant)
        .await
        .map_err(|e| RunnerError::db("dropping the login role", tenant, e))
}

async fn unregister(master: &mut PgConnection, tenant: &str) -> Result<(), sqlx::Error> {
    let mut tx = master.begin().await?;
    let org: Option<i32> = sqlx::query_scalar(
        "DELETE FROM tenant_databases WHERE database_name = $1 RETURNING organization_id",
    )
    .bind(tenant)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(org) = org {
        let owners: Vec<i32> = sqlx::query_scalar(
            "SELECT user_id FROM organization_members WHERE organization_id = $1",
        )
        .bind(org)
        .fetch_all(&mut *tx)
        .await?;
        for sql in [
            "DELETE FROM organization_members WHERE organization_id = $1",
            "DELETE FROM invitations WHERE organization_id = $1",
            "DELETE FROM ai_credits WHERE organization_id = $1",
            "DELETE FROM organizations WHERE id = $1",
        ] {
            sqlx::query(sql).bind(org).execute(&mut *tx).await?;
        }
        sqlx::query(
            "DELETE FROM users u WHERE u.id = ANY($1)
               AND NOT EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = u.id)
               AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.owner_id = u.id)
               AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.invited_by = u.id)",
        )
        .bind(&owners)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// What `cleanup` would drop.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CleanupPlan {
    pub tenants: Vec<TenantInfo>,
    /// Protected tenants that matched and are kept.
    pub kept_protected: Vec<String>,
}

/// Tenants older than `older_than` (all when `None`), not protected, plus
/// orphans and dangling registry rows.
pub async fn plan_cleanup(
    target: &Target,
    older_than: Option<chrono::Duration>,
) -> Result<CleanupPlan, RunnerError> {
    let now = chrono::Utc::now().naive_utc();
    let mut plan = CleanupPlan {
        tenants: Vec::new(),
        kept_protected: Vec::new(),
    };
    for t in list(target).await? {
        let old_enough = match (older_than, t.created_at) {
            (Some(age), Some(created)) => now - created >= age,
            _ => true,
        };
        match t.state {
            State::Creating => {}
            State::Orphan | State::Dangling => plan.tenants.push(t),
            _ if !old_enough => {}
            _ if t.protected => plan.kept_protected.push(t.tenant),
            _ => plan.tenants.push(t),
        }
    }
    Ok(plan)
}

/// Drop what a plan lists, reporting each as it goes.
pub async fn cleanup(
    target: &Target,
    plan: &CleanupPlan,
    mut done: impl FnMut(&str),
) -> Result<Vec<String>, RunnerError> {
    let mut dropped = Vec::new();
    for t in &plan.tenants {
        drop_listed(target, t).await?;
        done(&t.tenant);
        dropped.push(t.tenant.clone());
    }
    Ok(dropped)
}

/// Mark a tenant protected (production) or not.
pub async fn protect(target: &Target, tenant: &str, on: bool) -> Result<TenantInfo, RunnerError> {
    let mut info = find(target, tenant).await?;
    let mut conn = target.connect(tenant).await?;
    let updated = sqlx::query("UPDATE rsm.stamp SET protected = $1")
        .bind(on)
        .execute(&mut conn)
        .await
        .map_err(|e| RunnerError::db("updating the stamp", tenant, e))?;
    if updated.rows_affected() == 0 {
        return Err(RunnerError::InvalidInput(format!(
            "tenant `{tenant}` carries no stamp; it was not made by this runner"
        )));
    }
    info.protected = on;
    Ok(info)
}

/// A new password for the tenant's role; the only way credentials are shown.
pub async fn rotate_credentials(target: &Target, tenant: &str) -> Result<Credentials, RunnerError> {
    find(target, tenant).await?;
    let password = random_password()?;
    let mut admin = target.admin().await?;
    let sql = format!(
        "ALTER ROLE {} PASSWORD {}",
        quote(tenant),
        quote_literal(&password)
    );
    admin
        .execute(sql.as_str())
        .await
        .map_err(|e| RunnerError::db("setting the role's password", tenant, scrub(e)))?;
    Ok(credentials_for(target, tenant, password))
}

/// Seed an existing tenant; refused when it holds another schema.
pub async fn seed_existing(
    target: &Target,
    tenant: &str,
    set: SeedSet,
    scale: u64,
    value: u64,
) -> Result<u64, RunnerError> {
    let info = find(target, tenant).await?;
    match info.state {
        State::Current => {}
        State::OtherSchema | State::Unstamped => {
            return Err(RunnerError::FingerprintMismatch {
                tenant: tenant.to_owned(),
                found: info.fingerprint.unwrap_or_else(|| "none".into()),
                expected: template::fingerprint().to_owned(),
            })
        }
        _ => {
            return Err(RunnerError::InvalidInput(format!(
                "tenant `{tenant}` is {:?}; only a registered tenant can be seeded",
                info.state
            )))
        }
    }
    let mut conn = target.connect(tenant).await?;
    seed_database(&mut conn, tenant, set, scale, value, &mut |_| {}).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_refuse_hostile_input() {
        assert!(check_organization_name("Studio Nord & Fils (Lyon)").is_ok());
        assert!(check_organization_name("Café Musique").is_ok());
        for bad in [
            "x'; DROP DATABASE rsm_master; --",
            "a\"b",
            "",
            &"x".repeat(101),
            "tab\there",
        ] {
            assert!(check_organization_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Studio Nord & Fils"), "studio-nord-fils");
        assert_eq!(slugify("Café"), "caf");
    }

    #[test]
    fn redaction_is_used_for_urls() {
        assert!(!crate::target::redact("postgres://a:pw@h/x").contains("pw"));
    }
}
