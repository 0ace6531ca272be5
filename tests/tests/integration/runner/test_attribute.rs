//! `#[runner::test]`'s tenants: from the pool, dropped after a passing test,
//! kept under the test's name after a failing one, factories seeded from the
//! test's name. (`example-app` is a crate using the attribute as a user's
//! would; these check what it cannot see from inside a test.)

use std::time::{Duration, Instant};

use runner::testing::{run_test, TestTenant};
use schema_defs::tenant::Client;
use sqlx::{Connection, PgConnection};

/// `f` on a connection to the test server's maintenance database (these
/// tests run outside any runtime, as `#[runner::test]` does).
fn on_admin<T>(f: impl AsyncFnOnce(&mut PgConnection) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut admin = PgConnection::connect(&runner::testing::server_url())
            .await
            .unwrap();
        f(&mut admin).await
    })
}

/// Whether the test server has database `name`.
fn exists(name: &str) -> bool {
    on_admin(async |admin| {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(admin)
            .await
            .unwrap()
    })
}

fn eventually_gone(name: &str) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if !exists(name) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The first client a tenant's factories make, as the test `test` sees it.
fn first_client(test: &'static str) -> (String, Option<String>) {
    run_test(test, async |tenant: TestTenant| {
        let mut conn = tenant.pool.acquire().await.unwrap();
        let client = tenant
            .seed
            .factory::<Client>()
            .create(&mut *conn)
            .await
            .unwrap();
        (client.name, client.email)
    })
}

#[test]
fn a_passing_tests_tenant_is_dropped_and_a_failing_ones_kept_under_its_name() {
    let passed = run_test("attribute::passes", async |tenant: TestTenant| {
        let mut conn = tenant.pool.acquire().await.unwrap();
        let tables: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert!(tables > 30, "the tenant schema is there: {tables} tables");
        tenant.name.clone()
    });
    assert!(
        eventually_gone(&passed),
        "{passed} is dropped after the test"
    );

    let (send, receive) = std::sync::mpsc::channel();
    let failed = std::thread::spawn(move || {
        run_test("attribute::fails on purpose", async |tenant: TestTenant| {
            send.send(tenant.name.clone()).unwrap();
            // Connected when it fails, as most failing tests are.
            let mut conn = tenant.pool.acquire().await.unwrap();
            sqlx::query("SELECT 1").execute(&mut *conn).await.unwrap();
            panic!("a failing test");
        })
    })
    .join();
    assert!(failed.is_err(), "the test's panic is the test's");
    let taken = receive.recv().unwrap();
    let kept = "rsm_test_failed_attribute__fails_on_purpose";
    assert!(exists(kept), "kept as {kept}");
    assert!(!exists(&taken));
    on_admin(async |admin| {
        sqlx::query(&format!("DROP DATABASE {kept} WITH (FORCE)"))
            .execute(admin)
            .await
            .unwrap();
    });
}

#[test]
fn the_same_test_name_gives_the_same_rows_and_another_name_others() {
    let once = first_client("attribute::seeded");
    let again = first_client("attribute::seeded");
    let other = first_client("attribute::seeded differently");
    assert_eq!(once, again);
    assert_ne!(once, other);
}
