//! Benchmark of `#[runner::test]`'s set-up: a suite of small tests, each with
//! a tenant of its own, through `runner::testing::run_test` (what the
//! attribute expands to), one after another.
//!
//! `cargo build --release -p tests && target/release/bench-tests [N]` (default
//! 100). Two runs of N tests: the first on a server that has no spares yet
//! (the harness's fresh cluster: the template is built, and the pool of 8 is
//! filled in the background while the tests run); then, once the pool holds
//! N spares (what a run leaves for the next when `RSM_TEST_POOL_SIZE` is N),
//! the second. Each test counts clients and inserts one through a factory.
//! Set-up is the time a test waits for its tenant; beside it, in the same
//! run, the floor without a pool: a clone of the template alone.

use std::time::{Duration, Instant};

use runner::testing::{pool, run_test, TestTenant};
use schema_defs::tenant::Client;
use sqlx::{Connection, Executor, PgConnection};

fn stats(name: &str, mut xs: Vec<Duration>) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mean = xs.iter().map(|d| ms(*d)).sum::<f64>() / xs.len() as f64;
    xs.sort();
    let at = |p: f64| ms(xs[((xs.len() - 1) as f64 * p).round() as usize]);
    println!(
        "{name}: mean {mean:.2} ms, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    );
}

/// One run of `n` tests: (set-up of each, whole test of each).
fn suite(run: &str, n: usize) -> (Vec<Duration>, Vec<Duration>) {
    let (mut set_up, mut whole) = (Vec::new(), Vec::new());
    for i in 0..n {
        let started = Instant::now();
        let waited = run_test(&format!("bench::{run}::{i}"), async |tenant: TestTenant| {
            let waited = tenant.set_up;
            let mut conn = tenant.pool.acquire().await.unwrap();
            let before: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(before, 0);
            tenant
                .seed
                .factory::<Client>()
                .create(&mut *conn)
                .await
                .unwrap();
            waited
        });
        set_up.push(waited);
        whole.push(started.elapsed());
    }
    (set_up, whole)
}

fn main() {
    let n: usize = tests::bench::arg(1, 100, "N");

    let (set_up, whole) = suite("first", n);
    println!(
        "run 1 (no spares yet): the first test waited {:.0} ms (template, first clone)",
        set_up[0].as_secs_f64() * 1e3
    );
    stats("run 1, set-up of tests 2..N", set_up[1..].to_vec());
    stats("run 1, whole test 2..N", whole[1..].to_vec());

    // What a run leaves the next: a full pool.
    std::env::set_var("RSM_TEST_POOL_SIZE", n.to_string());
    let filling = Instant::now();
    pool::wait_until_filled();
    println!(
        "pool filled to {n} in {:.1} s (in the background of a run)",
        filling.elapsed().as_secs_f64()
    );
    let (set_up, whole) = suite("second", n);
    stats("run 2 (a full pool), set-up", set_up);
    stats("run 2, whole test", whole);

    // Quiet again (the drops done, the pool back to 8) before the floor.
    std::env::set_var("RSM_TEST_POOL_SIZE", "8");
    pool::wait_until_filled();

    // The floor without a pool, in the same run: the clone alone.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let clones = runtime.block_on(async {
        let mut admin = PgConnection::connect(&runner::testing::server_url())
            .await
            .unwrap();
        let template: String = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'rsm\\_test\\_template\\_%' AND datistemplate",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        let mut clones = Vec::new();
        for i in 0..20 {
            let name = format!("rsm_test_bench_clone_{}_{i}", std::process::id());
            let started = Instant::now();
            admin
                .execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str())
                .await
                .unwrap();
            clones.push(started.elapsed());
            admin
                .execute(format!("DROP DATABASE {name}").as_str())
                .await
                .unwrap();
        }
        clones
    });
    stats("floor: a clone of the template alone (20)", clones);
}
