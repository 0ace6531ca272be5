//! Benchmark of `tenant move`: a `realistic` tenant moved between two
//! servers and back, beside its floor from the same run, `pg_dump -Fc |
//! pg_restore` of the same database into an empty one on the other server
//! run alone (and with `--jobs 2`, a directory dump and a parallel restore).
//!
//! `cargo run --release -p tests --bin bench-move -- [SCALE] [ROUNDS]`
//! (defaults 10 and 3). The first server is the harness's (a throwaway
//! cluster, or `TEST_DATABASE_URL`); the second is a throwaway cluster. Each
//! round moves the tenant there with one job and back with two, and runs both
//! floors; medians are printed.

use std::process::Stdio;
use std::time::Instant;

use runner::server::Server;
use runner::tenant::{self, CreateOptions, MoveOptions, SeedSet};
use sqlx::{Connection, Executor, PgConnection};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// `pg_dump` of `db` on `from` into the empty database `scratch` on `to`
/// (made anew), alone: the floor. Seconds.
async fn floor(from: &Server, to: &Server, db: &str, scratch: &str, jobs: u32) -> f64 {
    let mut admin = to.admin().await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS \"{scratch}\"").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE \"{scratch}\" TEMPLATE template0").as_str())
        .await
        .unwrap();
    let (dump, restore) = (
        runner::cluster::program("pg_dump"),
        runner::cluster::program("pg_restore"),
    );
    let started = Instant::now();
    // Without privileges: the tenant's role does not exist on the other server.
    let restore_args = ["--no-owner", "--no-acl", "--exit-on-error"];
    if jobs == 1 {
        let mut dumping = from
            .tool(&dump, db)
            .args(["--format=custom", "--compress=0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let restored = to
            .tool(&restore, scratch)
            .arg(format!("--dbname={scratch}"))
            .args(restore_args)
            .arg("--single-transaction")
            .stdin(dumping.stdout.take().unwrap())
            .status()
            .unwrap();
        assert!(dumping.wait().unwrap().success() && restored.success());
    } else {
        let folder = std::env::temp_dir().join(format!("bench-move-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        let dumped = from
            .tool(&dump, db)
            .args(["--format=directory", "--compress=0"])
            .arg(format!("--jobs={jobs}"))
            .arg(format!("--file={}", folder.display()))
            .status()
            .unwrap();
        let restored = to
            .tool(&restore, scratch)
            .arg(format!("--dbname={scratch}"))
            .args(restore_args)
            .arg(format!("--jobs={jobs}"))
            .arg(&folder)
            .status()
            .unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        assert!(dumped.success() && restored.success());
    }
    let seconds = started.elapsed().as_secs_f64();
    admin
        .execute(format!("DROP DATABASE \"{scratch}\"").as_str())
        .await
        .unwrap();
    seconds
}

#[tokio::main]
async fn main() {
    let scale: u64 = tests::bench::arg(1, 10, "SCALE");
    let rounds: usize = tests::bench::arg(2, 3, "ROUNDS");
    let pid = std::process::id();
    let target = tests::bench::target("bench");
    runner::master::init(&target).await.expect("master init");
    let second_url = runner::testing::other_server(0);
    runner::servers::add(&target, "second", &second_url, None)
        .await
        .expect("server add");
    let created = tenant::create(
        &target,
        &CreateOptions {
            seed: SeedSet::Realistic,
            scale,
            server: Some("default".into()),
            ..CreateOptions::default()
        },
    )
    .await
    .expect("create");
    let name = created.tenant.clone();
    let first = target.server.clone();
    let second = Server::registered("second", &second_url).unwrap();
    let scratch = format!("bench{pid}_floor");
    println!(
        "tenant {name}: realistic at scale {scale}, {} rows seeded",
        created.rows
    );

    let (mut there, mut back, mut floor_1, mut floor_2) = (vec![], vec![], vec![], vec![]);
    let mut rows = 0;
    for round in 1..=rounds {
        floor_1.push(floor(&first, &second, &name, &scratch, 1).await);
        // Where the time goes: each step's end.
        let mut last = Instant::now();
        let mut steps = Vec::new();
        let moved = tenant::move_reporting(
            &target,
            &name,
            &MoveOptions::new("second", 1),
            &mut |step| {
                steps.push(format!(
                    "{} {:.0} ms",
                    step.as_str(),
                    last.elapsed().as_secs_f64() * 1e3
                ));
                last = Instant::now();
            },
        )
        .await
        .expect("move there");
        println!(
            "round {round}, steps of the move there: {}",
            steps.join(", ")
        );
        rows = moved.rows;
        there.push(moved.millis as f64 / 1e3);
        floor_2.push(floor(&second, &first, &name, &scratch, 2).await);
        let moved = tenant::move_tenant(&target, &name, &MoveOptions::new("default", 2))
            .await
            .expect("move back");
        back.push(moved.millis as f64 / 1e3);
        println!(
            "round {round}: floor (1 job) {:.2} s, move {:.2} s; floor (2 jobs) {:.2} s, move {:.2} s",
            floor_1[round - 1],
            there[round - 1],
            floor_2[round - 1],
            back[round - 1]
        );
    }
    let report = |what: &str, moved: Vec<f64>, alone: Vec<f64>| {
        let (m, f) = (median(moved), median(alone));
        println!(
            "{what}: move {m:.2} s ({:.0} rows/s), pg_dump | pg_restore alone {f:.2} s ({:.0} rows/s): {:.2}x the floor",
            rows as f64 / m,
            rows as f64 / f,
            m / f
        );
    };
    println!("medians over {rounds} rounds, {rows} rows verified per move:");
    report("1 job (one stream)", there, floor_1);
    report("2 jobs (directory)", back, floor_2);

    let mut admin = PgConnection::connect(&second_url).await.unwrap();
    let _ = admin
        .execute(format!("DROP DATABASE IF EXISTS \"{scratch}\"").as_str())
        .await;
    runner::testing::remove_fleet(&target)
        .await
        .expect("removing the bench's fleet");
}
