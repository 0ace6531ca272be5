//! Benchmark of the `realistic` seed: rows per second, peak memory, and where
//! the CPU goes (this process vs the PostgreSQL backend it talks to).
//!
//! `cargo run --release -p tests --bin bench-seed -- [SCALE] [RUNS]`
//! (default scale 10 ≈ 128,000 rows, 3 runs). Each run seeds a fresh tenant
//! database on the harness's server (a throwaway cluster, or
//! `TEST_DATABASE_URL`) as `tenant create` does (several connections, keys
//! after the rows), another in one transaction as `tenant seed` does, and
//! measures the floor: the same rows, dumped, sent back by one binary `COPY`
//! per table into a fresh clone with its keys in place. The time covers
//! generation and insertion, not creating the schema.

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

/// The tenant's tables as `COPY ... (FORMAT binary)` gives them, in schema
/// order (parents first).
async fn dump(conn: &mut sqlx::PgConnection) -> Vec<(&'static str, Vec<u8>)> {
    use futures_util::TryStreamExt;
    let mut tables = Vec::new();
    for table in schema_defs::schema(DbKind::Tenant).tables {
        let sql = format!("COPY public.{} TO STDOUT (FORMAT binary)", table.name);
        let chunks: Vec<_> = conn
            .copy_out_raw(&sql)
            .await
            .expect("copy out")
            .try_collect()
            .await
            .expect("copy out");
        tables.push((table.name, chunks.concat()));
    }
    tables
}

/// The floor: exactly those rows sent by one connection, by binary `COPY`,
/// one table after another with every key in place, into a fresh clone.
async fn copy_floor(tables: &[(&'static str, Vec<u8>)]) -> f64 {
    let db = tests::fresh_schema(DbKind::Tenant).await;
    let mut conn = db.connect().await;
    let started = Instant::now();
    for (table, data) in tables {
        let mut copy = conn
            .copy_in_raw(&format!("COPY public.{table} FROM STDIN (FORMAT binary)"))
            .await
            .expect("copy in");
        copy.send(data.as_slice()).await.expect("copy in");
        copy.finish().await.expect("copy in");
    }
    started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let scale: u64 = tests::bench::arg(1, 10, "SCALE");
    let runs: usize = tests::bench::arg(2, 3, "RUNS");
    let connections = runner::tenant::seed_connections();
    let (mut loaded, mut single, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    let mut seeding_rss = f64::NAN;
    for run in 1..=runs {
        // What `tenant create --seed realistic` does: several connections.
        let db = tests::fresh_schema(DbKind::Tenant).await;
        let mut conns = Vec::new();
        for _ in 0..connections {
            conns.push(db.connect().await);
        }
        let client_before = cpu_seconds("self");
        let started = Instant::now();
        let rows =
            seed::realistic::load_into(&mut conns, &Seed::new(run as u64), scale, &mut |_| {})
                .await
                .expect("realistic seed");
        let secs = started.elapsed().as_secs_f64();
        let client = cpu_seconds("self") - client_before;
        if run == 1 {
            // Before the floor's dump is held in memory.
            seeding_rss = peak_rss_mib();
        }
        let rows = rows as f64;
        let tables = dump(&mut conns[0]).await;
        drop(conns);

        // What `tenant seed` does: one transaction, one connection.
        let db = tests::fresh_schema(DbKind::Tenant).await;
        let mut conn = db.connect().await;
        let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .expect("backend pid");
        let backend = backend.to_string();
        let backend_before = cpu_seconds(&backend);
        let started = Instant::now();
        seed::realistic::seed(&mut conn, &Seed::new(run as u64), scale)
            .await
            .expect("realistic seed");
        let one = started.elapsed().as_secs_f64();
        let one_backend = cpu_seconds(&backend) - backend_before;

        let copy = copy_floor(&tables).await;
        println!(
            "run {run}: {rows} rows; {connections} connections {secs:.3} s = {:.0} rows/s \
             (this process {client:.2} s CPU); one transaction {one:.3} s = {:.0} rows/s \
             (its backend {one_backend:.2} s CPU); floor, one binary COPY with the keys \
             in place: {copy:.3} s = {:.0} rows/s",
            rows / secs,
            rows / one,
            rows / copy,
        );
        loaded.push(rows / secs);
        single.push(rows / one);
        floor.push(rows / copy);
    }
    let (loaded, single, floor) = (median(loaded), median(single), median(floor));
    println!(
        "scale {scale}, median of {runs}: {loaded:.0} rows/s over {connections} connections \
         ({:.2}× the floor), {single:.0} rows/s in one transaction ({:.2}×), floor {floor:.0} \
         rows/s; peak RSS seeding {seeding_rss:.0} MiB (with the floor's dump {:.0} MiB)",
        loaded / floor,
        single / floor,
        peak_rss_mib()
    );
}
