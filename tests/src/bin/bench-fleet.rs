//! Benchmark of the fleet engine with N tenants (default 1,000) of the real
//! 31-table schema, on one server or spread over SERVERS (1 to 3: the
//! harness's and up to two more throwaway clusters, registered with `runner
//! server add`; tenants placed by `tenant create`).
//!
//! `cargo build --release -p runner -p tests && target/release/bench-fleet [N] [CONCURRENCY] [SERVERS]`
//!
//! Floors are per server, the servers worked on at once (as the runner
//! does), at the same concurrency on each.
//! 1. `runner status` over the fleet, as a whole process (the release
//!    `runner` binary beside this one), and through the library; floor: one
//!    connection and `SELECT 1` per database, at the same concurrency.
//! 2. `migrate` to the schema plus a nullable column and an index on one
//!    table; floor: the same two statements and a commit per database over
//!    plain connections, at the same concurrency.
//! 3. `migrate` again, with nothing to do.
//!
//! Status and its floor, and the no-op migrate and the floor, alternate
//! ROUNDS times (default 3); the medians are compared.
//!
//! Runs on the harness's server (a throwaway cluster, or `TEST_DATABASE_URL`;
//! `bench/fsync-cluster.sh` gives a production-like one) in a master of its
//! own, removed at the end.

use std::sync::Arc;
use std::time::Instant;

use runner::declared::Declared;
use runner::migrate::run::{self, RunOptions};
use runner::migrate::status::{self, StatusOptions};
use runner::server::{Server, DEFAULT_SERVER};
use runner::tenant::{self, CreateOptions};
use schema_core::{DbKind, SqlType};
use schema_model::model::{Column, Index, Schema};
use sqlx::{Connection, Executor};

/// `f` for each tenant, `concurrency` at a time on each server, the servers
/// at once.
async fn each_by_server<F, Fut>(groups: &[(Server, Vec<String>)], concurrency: usize, f: F)
where
    F: Fn(Server, String) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut servers = tokio::task::JoinSet::new();
    for (server, names) in groups {
        let (f, server, names) = (f.clone(), server.clone(), names.clone());
        servers.spawn(async move {
            each(&names, concurrency, move |name| f(server.clone(), name)).await;
        });
    }
    while servers.join_next().await.is_some() {}
}

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

/// The floor of `status`: a connection and `SELECT 1` per database.
async fn status_floor(groups: &[(Server, Vec<String>)], concurrency: usize) -> f64 {
    let t = Instant::now();
    each_by_server(groups, concurrency, |server, name| async move {
        let mut conn = server.connect(&name).await.expect("connect");
        conn.execute("SELECT 1").await.expect("select");
        conn.close().await.ok();
    })
    .await;
    t.elapsed().as_secs_f64()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let n: usize = tests::bench::arg(1, 1000, "N");
    let concurrency: usize = tests::bench::arg(2, 16, "CONCURRENCY");
    let servers: usize = tests::bench::arg(3, 1, "SERVERS");
    assert!((1..=3).contains(&servers), "SERVERS is 1, 2 or 3");
    let url = runner::testing::server_url();
    let target = tests::bench::target("fleet");
    runner::master::init(&target).await.expect("master init");
    let mut known = vec![(DEFAULT_SERVER.to_owned(), target.server.clone())];
    for n in 0..servers - 1 {
        let (name, url) = (format!("s{}", n + 1), runner::testing::other_server(n));
        runner::servers::add(&target, &name, &url, None)
            .await
            .expect("server add");
        known.push((name.clone(), Server::registered(&name, &url).unwrap()));
    }

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
                created.lock().unwrap().push((t.server, t.tenant));
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let placed: Vec<(String, String)> = created.lock().unwrap().clone();
    let names: Vec<String> = placed.iter().map(|(_, t)| t.clone()).collect();
    let groups: Vec<(Server, Vec<String>)> = known
        .iter()
        .map(|(name, server)| {
            let on = placed
                .iter()
                .filter(|(s, _)| s == name)
                .map(|(_, t)| t.clone());
            (server.clone(), on.collect())
        })
        .collect();
    println!(
        "fleet: {} tenants created in {:.1} s (concurrency 4), on {}",
        names.len(),
        started.elapsed().as_secs_f64(),
        known
            .iter()
            .zip(&groups)
            .map(|((name, _), (_, on))| format!("{name} {}", on.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Status and its floor alternate, ROUNDS times (this machine drifts by
    // a third within minutes): the medians are compared.
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let runner_bin = std::env::current_exe().unwrap().with_file_name("runner");
    let (mut floors, mut processes, mut libraries) = (Vec::new(), Vec::new(), Vec::new());
    let (mut databases, mut status_groups) = (0, 0);
    for round in 1..=rounds {
        let floor = status_floor(&groups, concurrency).await;
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
        databases = st.databases;
        status_groups = st.groups.len();
        println!(
            "  round {round}: floor {floor:.2} s, whole process {}, library {library:.2} s",
            process.map_or("-".into(), |s| format!("{s:.2} s"))
        );
        floors.push(floor);
        processes.extend(process);
        libraries.push(library);
    }
    let floor = median(&mut floors);
    let library = median(&mut libraries);
    println!(
        "status, {databases} databases in {status_groups} groups, medians of {rounds} rounds: whole process {}, library {library:.2} s ({:.2}x); floor (connect + SELECT 1 each) {floor:.2} s",
        if processes.is_empty() {
            "(build the release runner to measure)".into()
        } else {
            let s = median(&mut processes);
            format!("{s:.2} s ({:.2}x)", s / floor)
        },
        library / floor
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
    let per_server = n.min(200) / servers;
    let floor_groups: Vec<(Server, Vec<String>)> = groups
        .iter()
        .map(|(server, on)| {
            (
                server.clone(),
                on.iter().take(per_server).cloned().collect(),
            )
        })
        .collect();
    let floor_count: usize = floor_groups.iter().map(|(_, on)| on.len()).sum();
    let t = Instant::now();
    each_by_server(&floor_groups, concurrency, |server, name| async move {
        let mut conn = server.connect(&name).await.expect("connect");
        let mut tx = conn.begin().await.unwrap();
        tx.execute("ALTER TABLE clients ADD COLUMN floor_probe text")
            .await
            .unwrap();
        tx.execute("CREATE INDEX floor_probe_idx ON clients (floor_probe)")
            .await
            .unwrap();
        tx.rollback().await.unwrap();
    })
    .await;
    let floor_rate = floor_count as f64 / t.elapsed().as_secs_f64();

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
        floor_count
    );

    // A migrate with nothing to do, alternating with the status floor.
    let (mut noops, mut floors) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let floor = status_floor(&groups, concurrency).await;
        let t = Instant::now();
        let again = run::migrate(&v2, &options, &mut |_, _| {})
            .await
            .expect("migrate");
        assert_eq!(again.summary.unchanged, names.len());
        let noop = t.elapsed().as_secs_f64();
        println!(
            "  round {round}: status floor {floor:.2} s, migrate with nothing to do {noop:.2} s"
        );
        noops.push(noop);
        floors.push(floor);
    }
    let (noop, floor) = (median(&mut noops), median(&mut floors));
    println!(
        "migrate with nothing to do, {} tenants, medians of {rounds} rounds: {noop:.2} s = {:.2}x the status floor ({floor:.2} s)",
        names.len(),
        noop / floor
    );

    let t = Instant::now();
    runner::testing::remove_fleet(&target)
        .await
        .expect("remove the bench fleet");
    println!("removed the fleet in {:.1} s", t.elapsed().as_secs_f64());
}
