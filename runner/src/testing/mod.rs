//! Test support for suites built on this schema: one PostgreSQL server per
//! test process, a fresh database per test, dropped afterwards.
//!
//! ```no_run
//! # async fn example() {
//! let tenant = runner::testing::fresh_tenant().await; // cloned from the template
//! let client = tenant.seed.factory::<schema_defs::tenant::Client>().create(&tenant.pool).await.unwrap();
//! # }
//! ```
//!
//! `#[runner::test]` gives each test such a tenant, its factories seeded from
//! the test's name, from a pool kept filled in the background ([`pool`]):
//!
//! ```no_run
//! #[runner::test]
//! async fn a_client_gets_a_name(tenant: runner::testing::TestTenant) {
//!     let client = tenant.seed.factory::<schema_defs::tenant::Client>().create(&tenant.pool).await.unwrap();
//!     assert!(!client.name.is_empty());
//! }
//! ```
//!
//! With `TEST_DATABASE_URL` set, tests use that server (the URL's database is
//! only used to connect; each test creates and drops its own). Otherwise the
//! first test starts a throwaway cluster from the local PostgreSQL binaries in
//! a temporary folder; a reaper process stops it and removes the folder when
//! the test process ends, however it ends.

pub mod pool;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::bookkeeping::lock::{self, LockKey};
use crate::cluster::{free_port, LocalCluster};
use crate::target::Target;
use crate::template;
use schema_core::ident::quote;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, PgPool};

struct Server {
    /// URL of a database we may connect to for CREATE/DROP DATABASE.
    admin_url: String,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

fn server() -> &'static Server {
    let server = SERVER.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Ok(Server { admin_url: url }),
        _ => start_throwaway_cluster().map_err(|e| e.to_string()),
    });
    match server {
        Ok(server) => server,
        Err(e) => panic!("no PostgreSQL server for the tests: {e}"),
    }
}

fn start_throwaway_cluster() -> Result<Server, Box<dyn std::error::Error>> {
    start_cluster("").map(|(server, _)| server)
}

/// How many more servers a test may ask for ([`other_server`]).
pub const OTHER_SERVERS: usize = 2;

static OTHER: [OnceLock<Result<Server, String>>; OTHER_SERVERS] =
    [OnceLock::new(), OnceLock::new()];

/// The URL of the maintenance database of another throwaway server (`n` in
/// `0..OTHER_SERVERS`), started on first use and reaped with the test
/// process like the first: for fleets spanning several servers. Always a
/// local cluster, also when `TEST_DATABASE_URL` names the first server.
pub fn other_server(n: usize) -> String {
    let server = OTHER[n].get_or_init(|| {
        start_cluster(&format!("-{n}"))
            .map(|(server, _)| server)
            .map_err(|e| e.to_string())
    });
    match server {
        Ok(server) => server.admin_url.clone(),
        Err(e) => panic!("no second PostgreSQL server for the tests: {e}"),
    }
}

/// A throwaway server of the calling test's own, which it may stop and start
/// again (a server going down mid-command): its maintenance URL and the
/// cluster. Reaped with the test process like the others.
pub fn own_server(label: &str) -> (String, LocalCluster) {
    match start_cluster(&format!("-{label}")) {
        Ok((server, cluster)) => (server.admin_url, cluster),
        Err(e) => panic!("no PostgreSQL server of the test's own: {e}"),
    }
}

fn start_cluster(suffix: &str) -> Result<(Server, LocalCluster), Box<dyn std::error::Error>> {
    let pid = std::process::id();
    let dir = std::env::temp_dir().join(format!("rsm-test-cluster-{pid}{suffix}"));
    let _ = std::fs::remove_dir_all(&dir);
    let cluster = LocalCluster::new(&dir, free_port()?)?;
    // The reaper first, so that even a failing initdb leaves nothing behind.
    let reaper = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {}",
        cluster.teardown_command()
    );
    // setsid keeps the reaper alive when the test run is interrupted (Ctrl-C).
    let mut reaper_cmd = if Command::new("setsid").arg("--version").output().is_ok() {
        let mut c = Command::new("setsid");
        c.arg("sh");
        c
    } else {
        Command::new("sh")
    };
    reaper_cmd
        .args(["-c", &reaper])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    cluster.init()?;
    cluster.start()?;
    let server = Server {
        admin_url: cluster.url("postgres"),
    };
    Ok((server, cluster))
}

/// A database of its own for one test, dropped when this value is dropped
/// (also when the test panics).
pub struct TestDb {
    pub name: String,
    pub url: String,
    pub pool: PgPool,
    /// From the test pool, for this test: given back when dropped
    /// ([`pool`]); otherwise dropped at once.
    pooled_for: Option<String>,
}

impl TestDb {
    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("connect to the test database")
    }
}

/// Create an empty database for the calling test.
pub async fn fresh_database() -> TestDb {
    let server = server();
    let name = next_name();
    let mut admin = PgConnection::connect(&server.admin_url)
        .await
        .unwrap_or_else(|e| panic!("connect to the test server: {e}"));
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("create test database {name}: {e}"));
    admin.close().await.ok();
    open(server, name).await
}

async fn open(server: &Server, name: String) -> TestDb {
    let url = with_database(&server.admin_url, &name);
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(
            url.parse::<PgConnectOptions>()
                .expect("test URL")
                .disable_statement_logging(),
        )
        .await
        .expect("connect to the test database");
    TestDb {
        name,
        url,
        pool,
        pooled_for: None,
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(test) = &self.pooled_for {
            pool::give_back(&self.name, test);
            return;
        }
        let admin_url = server().admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside any async context we could borrow: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                drop_test_database(&mut admin, &name).await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// A fresh database holding the current `db` schema: for the tenant schema a
/// clone of the template database (built once per schema fingerprint), for
/// master the creation script.
pub async fn fresh_schema(db: schema_core::DbKind) -> TestDb {
    match db {
        schema_core::DbKind::Tenant => fresh_tenant().await.db,
        schema_core::DbKind::Master => {
            let test_db = fresh_database().await;
            let mut conn = test_db.connect().await;
            sqlx::raw_sql(&crate::schema::sql_script(db))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("create the {db} schema in {}: {e}", test_db.name));
            test_db
        }
    }
}

/// A tenant database for one test: the current schema, cloned from the
/// template, and a seed for its factories (`tenant.seed.factory::<T>()`).
pub struct TestTenant {
    pub db: TestDb,
    pub seed: schema_core::Seed,
    /// How long the test waited for it.
    pub set_up: std::time::Duration,
}

impl std::ops::Deref for TestTenant {
    type Target = TestDb;
    fn deref(&self) -> &TestDb {
        &self.db
    }
}

/// Prefix of the template the test harness clones (shared by test processes
/// on one server, rebuilt when the schema fingerprint changes).
const TEST_PREFIX: &str = "rsm_test_";

/// A tenant for the calling test, from the test pool ([`pool`]), its
/// factories seeded with 0; dropped after the test, kept when it panics.
pub async fn fresh_tenant() -> TestTenant {
    tenant_for("fresh_tenant", schema_core::Seed::new(0))
}

/// A tenant from the test pool for `test`, its factories drawing from `seed`.
/// Blocks the calling thread for the moment the pool's worker takes to hand
/// it out (a rename; a clone when the pool is empty).
fn tenant_for(test: &str, seed: schema_core::Seed) -> TestTenant {
    let started = std::time::Instant::now();
    let name = pool::take();
    let set_up = started.elapsed();
    let url = with_database(&server().admin_url, &name);
    // Connected on first use: the test's own time, not the set-up's.
    let connections = PgPoolOptions::new().max_connections(4).connect_lazy_with(
        url.parse::<PgConnectOptions>()
            .expect("test URL")
            .disable_statement_logging(),
    );
    TestTenant {
        db: TestDb {
            name,
            url,
            pool: connections,
            pooled_for: Some(test.to_owned()),
        },
        seed,
        set_up,
    }
}

/// The day "today" is for the factories of `#[runner::test]`: the same data
/// on any day the suite runs.
pub const TEST_ANCHOR: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 6, 1) {
    Some(day) => day,
    None => panic!("a valid date"),
};

/// What `#[runner::test]` expands to: a runtime of the test's own, a tenant
/// from the pool with factories seeded from the test's path (the same data
/// every run, dates around [`TEST_ANCHOR`]), then the test's body. The tenant is dropped after a passing
/// test and kept, with its name printed, after a panic.
pub fn run_test<F, Fut, R>(test: &str, body: F) -> R
where
    F: FnOnce(TestTenant) -> Fut,
    Fut: std::future::Future<Output = R>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the test");
    let seed = schema_core::Seed::with_anchor(pool::seed_of(test), TEST_ANCHOR);
    // Its connections belong to the test's runtime.
    let tenant = {
        let _inside = runtime.enter();
        tenant_for(test, seed)
    };
    runtime.block_on(body(tenant))
}

/// The harness's template of the current tenant schema, built once per
/// fingerprint and shared by test processes (under its advisory lock);
/// templates of older fingerprints go.
async fn ensure_test_template(admin: &mut PgConnection) -> Result<String, sqlx::Error> {
    let declared = crate::app::declared();
    let name = format!(
        "{TEST_PREFIX}template_{}",
        &declared.tenant_fingerprint()[..12]
    );
    let key = LockKey::database(&name);
    if !lock::acquire(admin, key, std::time::Duration::from_secs(300)).await? {
        return Err(sqlx::Error::Protocol(format!(
            "{name} stayed locked for 5 minutes"
        )));
    }
    let built = build_test_template(admin, &name).await;
    lock::release(admin, key).await;
    built.map(|()| name)
}

async fn build_test_template(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let templates: Vec<(String, bool)> = sqlx::query_as(
        "SELECT datname::text, datistemplate FROM pg_database WHERE datname LIKE $1",
    )
    .bind(format!("{}template\\_%", TEST_PREFIX.replace('_', "\\_")))
    .fetch_all(&mut *admin)
    .await?;
    if templates.iter().any(|(t, sealed)| t == name && *sealed) {
        return Ok(());
    }
    // Older fingerprints, and a half-built current one (its builder died).
    for (old, _) in &templates {
        drop_test_database(admin, old).await?;
    }
    admin
        .execute(format!("CREATE DATABASE {}", quote(name)).as_str())
        .await?;
    let url = with_database(&server().admin_url, name);
    let mut conn = PgConnection::connect(&url).await?;
    let declared = crate::app::declared();
    template::apply_schema(&mut conn, &declared, schema_core::DbKind::Tenant, None).await?;
    conn.close().await.ok();
    template::seal(admin, name).await
}

/// Drop a database the harness made (`rsm_test_...`), a template too.
async fn drop_test_database(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    debug_assert!(name.starts_with(TEST_PREFIX));
    admin
        .execute(format!("ALTER DATABASE {} IS_TEMPLATE false", quote(name)).as_str())
        .await
        .ok();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(name)).as_str())
        .await
        .map(|_| ())
}

/// Remove a fleet that a test or a benchmark made: every database its master
/// recorded (tenants, templates), every database and role named with its
/// tenant prefix, the master and its owner role. For test code, whose fleets
/// have prefixes of their own: the runner itself never drops a master, and
/// never drops by name.
pub async fn remove_fleet(target: &Target) -> Result<(), sqlx::Error> {
    // (server, databases recorded on it); the master's server first.
    let mut on: Vec<(crate::server::Server, Vec<String>)> =
        vec![(target.server.clone(), Vec::new())];
    let mut owner_role = None;
    if let Ok(mut master) =
        PgConnection::connect_with(&target.server.options(&target.master_db)).await
    {
        if let Ok(Some(identity)) = crate::bookkeeping::ownership::read_identity(&mut master).await
        {
            owner_role = Some(identity.owner_role());
            let servers = crate::bookkeeping::servers::all(&mut master)
                .await
                .unwrap_or_default();
            for row in servers.iter().filter(|s| s.url.is_some()) {
                if let Ok(server) =
                    crate::server::Server::registered(&row.name, row.url.as_deref().unwrap())
                {
                    on.push((server, Vec::new()));
                }
            }
            let recorded: Vec<(String, Option<String>)> =
                sqlx::query_as("SELECT name, to_jsonb(d) ->> 'server' FROM rsm.databases d")
                    .fetch_all(&mut master)
                    .await
                    .unwrap_or_default();
            for (name, server) in recorded {
                let server = server.unwrap_or_else(|| crate::server::DEFAULT_SERVER.to_owned());
                if let Some((_, names)) = on.iter_mut().find(|(s, _)| s.name == server) {
                    names.push(name);
                }
            }
        }
        master.close().await.ok();
    }
    on[0].1.push(target.master_db.clone());
    for (server, databases) in on {
        let mut admin = PgConnection::connect_with(&server.options("postgres")).await?;
        clear_server(
            &mut admin,
            databases,
            &target.tenant_prefix,
            owner_role.as_deref(),
        )
        .await?;
        admin.close().await.ok();
    }
    Ok(())
}

/// On one server: `databases`, every database and role named with `prefix`,
/// and the owner role last (it owned the databases).
async fn clear_server(
    admin: &mut PgConnection,
    mut databases: Vec<String>,
    prefix: &str,
    owner_role: Option<&str>,
) -> Result<(), sqlx::Error> {
    let like = format!("{}%", prefix.replace('_', "\\_"));
    databases.extend(
        sqlx::query_scalar::<_, String>(
            "SELECT datname::text FROM pg_database WHERE datname LIKE $1",
        )
        .bind(&like)
        .fetch_all(&mut *admin)
        .await?,
    );
    // Recorded databases' roles too (a spare's is named like it).
    let mut roles: Vec<String> = databases.clone();
    for db in databases {
        admin
            .execute(format!("ALTER DATABASE {} IS_TEMPLATE false", quote(&db)).as_str())
            .await
            .ok();
        admin
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(&db)).as_str())
            .await?;
    }
    roles.extend(
        sqlx::query_scalar::<_, String>("SELECT rolname::text FROM pg_roles WHERE rolname LIKE $1")
            .bind(&like)
            .fetch_all(&mut *admin)
            .await?,
    );
    roles.extend(owner_role.map(str::to_owned));
    for role in roles {
        admin
            .execute(format!("DROP ROLE IF EXISTS {}", quote(&role)).as_str())
            .await?;
    }
    Ok(())
}

fn next_name() -> String {
    format!(
        "{TEST_PREFIX}{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    )
}

/// Whether the tests run on the harness's own throwaway cluster (closed as
/// the runner's local cluster is: SCRAM for tenant roles, PUBLIC kept out of
/// `postgres`), not on a server given by `TEST_DATABASE_URL`.
pub fn own_cluster() -> bool {
    server();
    std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty())
}

/// The URL of the test server's maintenance database (for tests that need
/// a server of their own to work on, such as the runner's).
pub fn server_url() -> String {
    server().admin_url.clone()
}

/// `url` with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://u@h:5/x", "y"),
            "postgres://u@h:5/y"
        );
        assert_eq!(with_database("postgres://u@h:5", "y"), "postgres://u@h:5/y");
        assert_eq!(
            with_database("postgres://u@h/x?sslmode=disable", "y"),
            "postgres://u@h/y?sslmode=disable"
        );
    }
}
