//! Benchmark of tenant creation, end to end through `runner::tenant::create`
//! (master registry, template clone, login role, grants, stamp; no seed),
//! and from the warm pool (a spare renamed).
//!
//! `cargo build --release -p runner && cargo run --release -p tests --bin
//! bench-create -- [N] [CONCURRENCY]` (defaults 200 and 4). One warm-up create
//! builds the template first; then N sequential creates give the latency
//! percentiles, and N more creates with CONCURRENCY tasks give the
//! throughput; then N creates from a filled pool, and N more through one
//! `tenant::Creator` (its connections kept between creates); up to 50
//! cloning creates through a `Creator`, each beside a clone alone (the
//! runner's own work around its clone). The whole process (`runner
//! tenant create`, the release binary beside this one) is timed from the pool
//! and without, beside `runner --version` (process start and exit). The
//! clone alone (`CREATE DATABASE ... TEMPLATE`) is measured in the same run as
//! the floor. Runs on the harness's server (a throwaway cluster, or
//! `TEST_DATABASE_URL`; see `bench/fsync-cluster.sh` for a production-like
//! one) in a master of its own.

use std::time::{Duration, Instant};

use runner::target::Target;
use runner::template::Method;
use runner::tenant::{self, pool, CreateOptions};
use sqlx::Executor;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let n: usize = tests::bench::arg(1, 200, "N");
    let concurrency: usize = tests::bench::arg(2, 4, "CONCURRENCY");
    let target = tests::bench::target("bench");
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
    // Both of PostgreSQL's strategies, alternately (the disk's noise falls
    // on both): the runner's clone uses the one measured faster here.
    let strategies = ["WAL_LOG", "FILE_COPY"];
    let mut clones = vec![Vec::new(), Vec::new()];
    for i in 0..n.min(50) {
        for (s, strategy) in strategies.iter().enumerate() {
            let name = format!("{}floor_{i}_{s}", target.tenant_prefix);
            clones[s].push(clone_alone(&mut admin, &name, &template, strategy).await);
        }
    }
    for (strategy, clones) in strategies.iter().zip(&mut clones) {
        clones.sort();
        println!(
            "floor, {} clones alone, STRATEGY {strategy}{}: p50 {:.1} ms, p95 {:.1} ms",
            clones.len(),
            if *strategy == runner::template::CLONE_STRATEGY {
                " (the runner's)"
            } else {
                ""
            },
            ms(percentile(clones, 0.50)),
            ms(percentile(clones, 0.95))
        );
    }
    // The other floor: one connection to the master (a create makes two).
    let mut connects = Vec::new();
    for _ in 0..n.min(50) {
        let started = Instant::now();
        let conn = target.connect(&target.master_db).await.expect("connect");
        connects.push(started.elapsed());
        sqlx::Connection::close(conn).await.ok();
    }
    connects.sort();
    println!(
        "floor, {} connections to the master: p50 {:.1} ms, p95 {:.1} ms",
        connects.len(),
        ms(percentile(&connects, 0.50)),
        ms(percentile(&connects, 0.95))
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

    // The runner's own work around its clone: creates through one
    // `Creator` (its connections kept, as a service keeps them), each beside
    // a clone alone made just before it, so that the disk's noise falls on
    // both; the difference of the medians is what the runner adds.
    let mut creator = tenant::Creator::new(&target);
    let (mut kept_clones, mut beside) = (Vec::new(), Vec::new());
    for i in 0..n.min(50) {
        let name = format!("{}floor_kept_{i}", target.tenant_prefix);
        let strategy = runner::template::CLONE_STRATEGY;
        beside.push(clone_alone(&mut admin, &name, &template, strategy).await);
        kept_clones.push(timed_create(&mut creator, Method::Cloned).await);
    }
    creator.close().await;
    kept_clones.sort();
    beside.sort();
    println!(
        "cloning through one `Creator`, {} creates: p50 {:.1} ms, p95 {:.1} ms; the clone alone \
         beside each p50 {:.1} ms: the runner's own work {:.1} ms",
        kept_clones.len(),
        ms(percentile(&kept_clones, 0.50)),
        ms(percentile(&kept_clones, 0.95)),
        ms(percentile(&beside, 0.50)),
        ms(percentile(&kept_clones, 0.50)) - ms(percentile(&beside, 0.50)),
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

    // From the pool: filled first (timed: spares made per second), then taken.
    let filled = Instant::now();
    pool::fill(&target, n, None).await.expect("pool fill");
    let fill_secs = filled.elapsed().as_secs_f64();
    println!(
        "pool fill, {n} spares: {fill_secs:.2} s = {:.1} spares/s",
        n as f64 / fill_secs
    );
    let mut pooled = Vec::with_capacity(n);
    // Where the time goes: until the spare is renamed (open the fleet,
    // repair, place, name, claim, take), then the registry.
    let (mut to_take, mut to_register) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let started = Instant::now();
        let mut marks = Vec::new();
        let created = tenant::create_reporting(&target, &CreateOptions::default(), &mut |step| {
            marks.push((step.to_owned(), started.elapsed()))
        })
        .await
        .expect("create");
        let total = started.elapsed();
        pooled.push(total);
        assert_eq!(created.method, Method::Pooled, "the pool ran dry");
        let at = |name: &str| marks.iter().find(|(s, _)| s == name).map(|m| m.1).unwrap();
        to_take.push(at("database"));
        to_register.push(at("register") - at("stamp"));
    }
    pooled.sort();
    to_take.sort();
    to_register.sort();
    println!(
        "from the pool, {n} creates (library): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms \
         (p50 {:.1} ms until the spare is renamed, {:.1} ms for the registry)",
        ms(percentile(&pooled, 0.50)),
        ms(percentile(&pooled, 0.95)),
        ms(*pooled.last().unwrap()),
        ms(percentile(&to_take, 0.50)),
        ms(percentile(&to_register, 0.50)),
    );

    // From the pool through a `Creator`, which keeps its connections (a
    // service creating tenants as users sign up): the first create opens them.
    pool::fill(&target, n + 1, None).await.expect("pool fill");
    let mut creator = tenant::Creator::new(&target);
    creator
        .create(&CreateOptions::default())
        .await
        .expect("first create");
    let mut kept = Vec::with_capacity(n);
    for _ in 0..n {
        kept.push(timed_create(&mut creator, Method::Pooled).await);
    }
    creator.close().await;
    kept.sort();
    println!(
        "from the pool, {n} creates through one `Creator` (connections kept): p50 {:.1} ms, \
         p95 {:.1} ms, max {:.1} ms",
        ms(percentile(&kept, 0.50)),
        ms(percentile(&kept, 0.95)),
        ms(*kept.last().unwrap()),
    );

    whole_process(&target, n.min(50)).await;

    // Leave the server as found (it may be a shared one, via TEST_DATABASE_URL).
    runner::testing::remove_fleet(&target)
        .await
        .expect("remove the bench fleet");
}

/// `CREATE DATABASE ... TEMPLATE` alone, timed; the clone dropped after.
async fn clone_alone(
    admin: &mut sqlx::PgConnection,
    name: &str,
    template: &str,
    strategy: &str,
) -> Duration {
    let started = Instant::now();
    admin
        .execute(format!("CREATE DATABASE {name} TEMPLATE {template} STRATEGY {strategy}").as_str())
        .await
        .expect("clone");
    let took = started.elapsed();
    admin
        .execute(format!("DROP DATABASE {name}").as_str())
        .await
        .expect("drop the clone");
    took
}

/// One create through `creator`, timed; it must have been made by `method`.
async fn timed_create(creator: &mut tenant::Creator, method: Method) -> Duration {
    let started = Instant::now();
    let created = creator
        .create(&CreateOptions::default())
        .await
        .expect("create");
    let took = started.elapsed();
    assert_eq!(
        created.method, method,
        "(a pool run dry, or a busy template)"
    );
    took
}

/// `runner tenant create` as a user runs it, `runs` times from the pool and
/// `runs` times without, beside `runner --version` (the process alone).
async fn whole_process(target: &Target, runs: usize) {
    let exe = std::env::current_exe().expect("this binary's path");
    let runner = exe.with_file_name("runner");
    if !runner.exists() {
        println!(
            "whole process: skipped ({} is missing: `cargo build --release -p runner` first)",
            runner.display()
        );
        return;
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let time = |args: &[&str]| {
        let started = Instant::now();
        let status = std::process::Command::new(&runner)
            .args(args)
            .env("DATABASE_URL", runner::testing::server_url())
            .env("RSM_MASTER_DB", &target.master_db)
            .env("RSM_TENANT_PREFIX", &target.tenant_prefix)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run the runner");
        assert!(status.success(), "runner {args:?} failed");
        started.elapsed()
    };
    let report = |what: &str, mut times: Vec<Duration>| {
        times.sort();
        println!(
            "whole process, {what}, {} runs: p50 {:.1} ms, p95 {:.1} ms",
            times.len(),
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95))
        );
    };
    report(
        "`runner --version`",
        (0..runs).map(|_| time(&["--version"])).collect(),
    );
    pool::drain(target, None).await.expect("pool drain");
    report(
        "`tenant create` (clone)",
        (0..runs).map(|_| time(&["tenant", "create"])).collect(),
    );
    pool::fill(target, runs, None).await.expect("pool fill");
    report(
        "`tenant create` (from the pool)",
        (0..runs).map(|_| time(&["tenant", "create"])).collect(),
    );
    let left: i64 = runner::servers::list(target)
        .await
        .expect("server list")
        .iter()
        .map(|s| s.pool)
        .sum();
    assert_eq!(left, 0, "every create took a spare");
}
