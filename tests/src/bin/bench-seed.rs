//! Benchmark of the `realistic` seed: rows per second, peak memory, and where
//! the CPU goes (this process vs the PostgreSQL backend it talks to).
//!
//! `cargo run --release -p tests --bin bench-seed -- [SCALE] [RUNS]`
//! (default scale 10 ≈ 128,000 rows, 3 runs). Each run seeds a fresh tenant
//! database on the harness's server (a throwaway cluster, or `TEST_DATABASE_URL`);
//! the time covers generation and insertion, not creating the schema.

use std::time::Instant;

use schema_core::{DbKind, Seed};

/// Peak resident memory of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) of a process, from `/proc/<pid>/stat`; NaN
/// when unreadable (a server on another machine).
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return f64::NAN;
    };
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main]
async fn main() {
    let scale: u64 = tests::bench::arg(1, 10, "SCALE");
    let runs: usize = tests::bench::arg(2, 3, "RUNS");
    let mut rates = Vec::new();
    for run in 1..=runs {
        let db = tests::fresh_schema(DbKind::Tenant).await;
        let mut conn = db.connect().await;
        let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .expect("backend pid");
        let backend = backend.to_string();
        let (backend_before, client_before) = (cpu_seconds(&backend), cpu_seconds("self"));
        let started = Instant::now();
        let rows = seed::realistic::seed(&mut conn, &Seed::new(run as u64), scale)
            .await
            .expect("realistic seed");
        let secs = started.elapsed().as_secs_f64();
        let rate = rows as f64 / secs;
        println!(
            "run {run}: {rows} rows in {secs:.2} s = {rate:.0} rows/s \
             (CPU: PostgreSQL backend {:.2} s, this process {:.2} s)",
            cpu_seconds(&backend) - backend_before,
            cpu_seconds("self") - client_before,
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "scale {scale}: median {:.0} rows/s over {runs} runs; peak RSS {:.0} MiB",
        rates[rates.len() / 2],
        peak_rss_mib()
    );
}
