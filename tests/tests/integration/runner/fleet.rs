//! A master and a tenant prefix of a test's own; everything it made is
//! removed when the value is dropped (also when the test panics).

use std::sync::atomic::{AtomicUsize, Ordering};

use runner::target::Target;
use sqlx::{Executor, PgConnection};

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct TestFleet {
    pub target: Target,
}

impl TestFleet {
    /// A fleet with names no other test uses.
    pub fn new() -> TestFleet {
        let k = NEXT.fetch_add(1, Ordering::SeqCst);
        let pid = std::process::id();
        TestFleet::named(&format!("rsm_master_{pid}_{k}"), &format!("f{pid}x{k}_"))
    }

    /// A fleet with the given master and prefix (say, a second master beside
    /// another fleet's tenants).
    pub fn named(master: &str, prefix: &str) -> TestFleet {
        let target = Target::from_url(&runner::testing::server_url(), master, prefix).unwrap();
        TestFleet { target }
    }

    pub async fn initialised() -> TestFleet {
        let fleet = TestFleet::new();
        runner::master::init(&fleet.target).await.unwrap();
        fleet
    }

    pub async fn admin(&self) -> PgConnection {
        self.target.admin().await.unwrap()
    }

    /// Run `sql` on the server's maintenance database, as an operator would.
    pub async fn by_hand(&self, sql: &str) {
        self.admin().await.execute(sql).await.unwrap();
    }

    /// `ALTER DATABASE ... ALLOW_CONNECTIONS`, as an operator would.
    pub async fn allow_connections(&self, database: &str, allow: bool) {
        let sql = format!("ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS {allow}");
        self.by_hand(&sql).await;
    }

    /// A tenant made by the runner, and a superuser connection to it.
    pub async fn fresh_tenant(&self) -> (String, PgConnection) {
        let name = runner::tenant::create(&self.target, &runner::tenant::CreateOptions::default())
            .await
            .unwrap()
            .tenant;
        let conn = self.target.connect(&name).await.unwrap();
        (name, conn)
    }

    /// `status` says every database of the fleet is current.
    pub async fn assert_all_current(&self) {
        let st = runner::migrate::status::status(&self.target, &Default::default())
            .await
            .unwrap();
        assert!(st.all_current, "{st:#?}");
    }

    pub async fn master(&self) -> PgConnection {
        self.target.connect(&self.target.master_db).await.unwrap()
    }

    pub fn tenant(&self, n: u64) -> String {
        format!("{}{n}", self.target.tenant_prefix)
    }

    /// Databases and roles named with this fleet's prefix.
    pub async fn leftovers(&self) -> (Vec<String>, Vec<String>) {
        let mut admin = self.admin().await;
        let like = format!("{}%", self.target.tenant_prefix.replace('_', "\\_"));
        let dbs = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE $1 ORDER BY 1",
        )
        .bind(&like)
        .fetch_all(&mut admin)
        .await
        .unwrap();
        let roles = sqlx::query_scalar(
            "SELECT rolname::text FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1",
        )
        .bind(&like)
        .fetch_all(&mut admin)
        .await
        .unwrap();
        (dbs, roles)
    }

    /// `tenant_databases`, `organizations`, `users` row counts.
    pub async fn registry_counts(&self) -> (i64, i64, i64) {
        let mut master = self.master().await;
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM tenant_databases), (SELECT count(*) FROM organizations), (SELECT count(*) FROM users)",
        )
        .fetch_one(&mut master)
        .await
        .unwrap()
    }

    /// The master's records of tenants: (name, state).
    pub async fn records(&self) -> Vec<(String, String)> {
        let mut master = self.master().await;
        sqlx::query_as("SELECT name, state FROM rsm.databases WHERE kind = 'tenant' ORDER BY name")
            .fetch_all(&mut master)
            .await
            .unwrap()
    }

    pub async fn database_exists(&self, name: &str) -> bool {
        let mut admin = self.admin().await;
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut admin)
            .await
            .unwrap()
    }

    pub async fn role_exists(&self, name: &str) -> bool {
        let mut admin = self.admin().await;
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(name)
            .fetch_one(&mut admin)
            .await
            .unwrap()
    }

    /// A database made by hand (not by the runner), with `rows` rows in a table.
    pub async fn foreign_database(&self, name: &str, rows: i64) {
        let mut admin = self.admin().await;
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap();
        let mut conn = self.target.connect(name).await.unwrap();
        conn.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text)")
            .await
            .unwrap();
        sqlx::query("INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, $1) g")
            .bind(rows)
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

impl Drop for TestFleet {
    fn drop(&mut self) {
        let target = self.target.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(runner::testing::remove_fleet(&target))
        })
        .join();
    }
}
