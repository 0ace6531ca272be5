//! Benchmark of the fleet engine on one server with N tenants (default 1,000)
//! of the real 31-table schema.
//!
//! `cargo build --release -p runner -p tests && target/release/bench-fleet [N] [CONCURRENCY]`
//!
//! 1. `runner status` over the fleet, as a whole process (the release
//!    `runner` binary beside this one), and through the library; floor: one
//!    connection and `SELECT 1` per database, at the same concurrency.
//! 2. `migrate` to the schema plus a nullable column and an index on one
//!    table; floor: the same two statements and a commit per database over
//!    plain connections, at the same concurrency.
//! 3. `migrate` again, with nothing to do.
//!
//! Runs on the harness's server (a throwaway cluster, or `TEST_DATABASE_URL`;
//! `bench/fsync-cluster.sh` gives a production-like one) in a master of its
//! own, removed at the end.

use std::sync::Arc;
use std::time::Instant;

use runner::declared::Declared;
use runner::migrate::run::{self, RunOptions};
use runner::migrate::status::{self, StatusOptions};
use runner::target::Target;
use runner::tenant::{self, CreateOptions};
use schema_core::{DbKind, SqlType};
use schema_model::model::{Column, Index, Schema};
use sqlx::{Connection, Executor};

async fn each<F, Fut>(names: &[String], concurrency: usize, f: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut running = tokio::task::JoinSet::new();
    let mut pending = names.iter().cloned();
    loop {
        while running.len() < concurrency {
            let Some(name) = pending.next() else { break };
            running.spawn(f(name));
        }
        if running.join_next().await.is_none() {
            break;
        }
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(1000, |s| s.parse().expect("N is a number"));
    let concurrency: usize = args
        .next()
        .map_or(16, |s| s.parse().expect("CONCURRENCY is a number"));
    let pid = std::process::id();
    let url = runner::testing::server_url();
    let target = Target::from_url(
        &url,
        &format!("fleet_master_{pid}"),
        &format!("fleet{pid}_"),
    )
    .unwrap();
    runner::master::init(&target).await.expect("master init");

    let started = Instant::now();
    let created = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (target, created) = (target.clone(), Arc::clone(&created));
        let per = n / 4 + usize::from(tasks.len() < n % 4);
        tasks.spawn(async move {
            for _ in 0..per {
                let t = tenant::create(&target, &CreateOptions::default())
                    .await
                    .expect("create");
                created.lock().unwrap().push(t.tenant);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let names: Vec<String> = created.lock().unwrap().clone();
    println!(
        "fleet: {} tenants created in {:.1} s (concurrency 4)",
        names.len(),
        started.elapsed().as_secs_f64()
    );

    // Floor of status: a connection and SELECT 1 per database.
    let t = Instant::now();
    let shared = Arc::new(target.clone());
    each(&names, concurrency, |name| {
        let target = Arc::clone(&shared);
        async move {
            let mut conn = target.connect(&name).await.expect("connect");
            conn.execute("SELECT 1").await.expect("select");
            conn.close().await.ok();
        }
    })
    .await;
    let floor = t.elapsed().as_secs_f64();

    let runner_bin = std::env::current_exe().unwrap().with_file_name("runner");
    let process = runner_bin.exists().then(|| {
        let t = Instant::now();
        let out = std::process::Command::new(&runner_bin)
            .args([
                "status",
                "--json",
                "--concurrency",
                &concurrency.to_string(),
            ])
            .args(["--database-url", &url, "--master-db", &target.master_db])
            .args(["--tenant-prefix", &target.tenant_prefix])
            .output()
            .expect("run the runner");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.elapsed().as_secs_f64()
    });
    let t = Instant::now();
    let st = status::status(
        &target,
        &StatusOptions {
            concurrency,
            ..StatusOptions::default()
        },
    )
    .await
    .expect("status");
    let library = t.elapsed().as_secs_f64();
    assert!(st.all_current);
    println!(
        "status, {} databases in {} groups: whole process {}, library {library:.2} s; floor (connect + SELECT 1 each) {floor:.2} s",
        st.databases,
        st.groups.len(),
        process.map_or("(build the release runner to measure)".into(), |s| format!("{s:.2} s"))
    );

    // The next schema: a nullable column and an index on one table.
    let mut next = Schema::from_def(schema_defs::schema(DbKind::Tenant));
    let clients = next
        .tables
        .iter_mut()
        .find(|t| t.name == "clients")
        .unwrap();
    clients
        .columns
        .push(Column::new("loyalty_tier", SqlType::Text, true));
    clients.indexes.push(Index::new(
        "clients_loyalty_tier_idx",
        vec!["loyalty_tier".into()],
        false,
    ));
    let v2 = target.clone().with_declared(Arc::new(Declared::new(
        Schema::from_def(schema_defs::schema(DbKind::Master)),
        next,
    )));
    let options = RunOptions {
        concurrency,
        ..RunOptions::default()
    };

    // Floor of migrate: the same two statements per database, plain.
    let floor_names: Vec<String> = names.iter().take(n.min(200)).cloned().collect();
    let t = Instant::now();
    each(&floor_names, concurrency, |name| {
        let target = Arc::clone(&shared);
        async move {
            let mut conn = target.connect(&name).await.expect("connect");
            let mut tx = conn.begin().await.unwrap();
            tx.execute("ALTER TABLE clients ADD COLUMN floor_probe text")
                .await
                .unwrap();
            tx.execute("CREATE INDEX floor_probe_idx ON clients (floor_probe)")
                .await
                .unwrap();
            tx.rollback().await.unwrap();
        }
    })
    .await;
    let floor_rate = floor_names.len() as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    let report = run::migrate(&v2, &options, &mut |_, _| {})
        .await
        .expect("migrate");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.summary.migrated, names.len(), "{:?}", report.summary);
    println!(
        "migrate (nullable column + index), {} tenants: {secs:.2} s = {:.0} tenants/s, {} plans; floor (the two statements alone, {} tenants) {floor_rate:.0} tenants/s",
        names.len(),
        names.len() as f64 / secs,
        report.plans,
        floor_names.len()
    );

    let t = Instant::now();
    let again = run::migrate(&v2, &options, &mut |_, _| {})
        .await
        .expect("migrate");
    assert_eq!(again.summary.unchanged, names.len());
    println!(
        "migrate with nothing to do, {} tenants: {:.2} s",
        names.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    runner::testing::remove_fleet(&target)
        .await
        .expect("remove the bench fleet");
    println!("removed the fleet in {:.1} s", t.elapsed().as_secs_f64());
}
