//! Benchmark of tenant creation, end to end through `runner::tenant::create`
//! (master registry, template clone, login role, grants, stamp; no seed).
//!
//! `cargo run --release -p tests --bin bench-create -- [N] [CONCURRENCY]`
//! (defaults 200 and 4). One warm-up create builds the template first; then N
//! sequential creates give the latency percentiles, and N more creates with
//! CONCURRENCY tasks give the throughput. The clone alone (`CREATE DATABASE
//! ... TEMPLATE`) is measured in the same run as the floor. Runs on the
//! harness's server (a throwaway cluster, or `TEST_DATABASE_URL`; see
//! `bench/fsync-cluster.sh` for a production-like one) in a master of its own.

use std::time::{Duration, Instant};

use runner::target::Target;
use runner::tenant::{self, CreateOptions};
use sqlx::Executor;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(200, |s| s.parse().expect("N is a number"));
    let concurrency: usize = args
        .next()
        .map_or(4, |s| s.parse().expect("CONCURRENCY is a number"));
    let pid = std::process::id();
    let target = Target::from_url(
        &runner::testing::server_url(),
        &format!("bench_master_{pid}"),
        &format!("bench{pid}_"),
    )
    .unwrap();
    runner::master::init(&target).await.expect("master init");

    let warmup = Instant::now();
    tenant::create(&target, &CreateOptions::default())
        .await
        .expect("warm-up create");
    println!(
        "warm-up (builds the template): {:.0} ms",
        warmup.elapsed().as_secs_f64() * 1e3
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    // The floor, in the same run: the clone alone (`CREATE DATABASE ...
    // TEMPLATE`), what every create pays whatever the runner does around it.
    let mut master = target.connect(&target.master_db).await.unwrap();
    let identity = runner::bookkeeping::ownership::read_identity(&mut master)
        .await
        .unwrap()
        .unwrap();
    let template =
        runner::template::template_name(&identity, target.declared.tenant_fingerprint(), "default");
    let mut admin = target.admin().await.expect("admin connection");
    let mut clones = Vec::new();
    for i in 0..n.min(50) {
        let name = format!("{}floor_{i}", target.tenant_prefix);
        let started = Instant::now();
        admin
            .execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str())
            .await
            .expect("clone");
        clones.push(started.elapsed());
        admin
            .execute(format!("DROP DATABASE {name}").as_str())
            .await
            .expect("drop the clone");
    }
    clones.sort();
    println!(
        "floor, {} clones alone: p50 {:.1} ms, p95 {:.1} ms",
        clones.len(),
        ms(percentile(&clones, 0.50)),
        ms(percentile(&clones, 0.95))
    );

    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        tenant::create(&target, &CreateOptions::default())
            .await
            .expect("create");
        latencies.push(started.elapsed());
    }
    latencies.sort();
    println!(
        "sequential, {n} creates: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.95)),
        ms(*latencies.last().unwrap())
    );

    let started = Instant::now();
    let per_task = n / concurrency;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut by_ddl = 0;
                for _ in 0..per_task {
                    let created = tenant::create(&target, &CreateOptions::default())
                        .await
                        .expect("create");
                    by_ddl += usize::from(created.method == runner::template::Method::Ddl);
                }
                by_ddl
            })
        })
        .collect();
    let mut by_ddl = 0;
    for task in tasks {
        by_ddl += task.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "concurrency {concurrency}, {} creates: {secs:.2} s = {:.1} tenants/s ({by_ddl} by DDL, the template being busy)",
        per_task * concurrency,
        (per_task * concurrency) as f64 / secs
    );

    // Leave the server as found (it may be a shared one, via TEST_DATABASE_URL).
    runner::testing::remove_fleet(&target)
        .await
        .expect("remove the bench fleet");
}
