//! The runner's own schema (`rsm`) has one versioned path: an older
//! runner's records are brought up to date once, concurrent upgrades of one
//! database agree, a current one runs no DDL, and a newer runner's records
//! are refused and left as they are.

use runner::bookkeeping::rsm::{self, Ladder};
use runner::migrate::apply::Outcome;
use runner::migrate::run::{self, RunOptions};
use runner::tenant::{self, CreateOptions};
use sqlx::{Executor, PgConnection};

use super::fleet::TestFleet;

async fn versions(conn: &mut PgConnection) -> Vec<(String, i32)> {
    sqlx::query_as("SELECT ladder, version FROM rsm.versions ORDER BY ladder")
        .fetch_all(conn)
        .await
        .unwrap()
}

async fn journal_rows(conn: &mut PgConnection) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM rsm.ddl_journal")
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_older_runners_records_are_upgraded_once() {
    let fleet = TestFleet::initialised().await;
    let first = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    let mut master = fleet.master().await;
    let latest = vec![
        ("database".to_owned(), Ladder::Database.latest()),
        ("master".to_owned(), Ladder::Master.latest()),
    ];
    assert_eq!(versions(&mut master).await, latest);

    // The master as a runner before `adopted` and versions left it, without
    // a ledger, servers, allocation marks or the index of unfinished records.
    master
        .execute(
            "DROP TABLE rsm.versions, rsm.run_databases, rsm.runs, rsm.data_migrations;
             ALTER TABLE rsm.identity DROP COLUMN adopted;
             ALTER TABLE rsm.databases DROP COLUMN adopted, DROP COLUMN server, DROP COLUMN claimed_for,
                 DROP COLUMN copy_on, DROP COLUMN connection_limit_before, DROP COLUMN verified_mark;
             DROP TABLE rsm.servers, rsm.allocation;
             DROP INDEX rsm.databases_unfinished",
        )
        .await
        .unwrap();
    let second = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    // Creating a tenant brings the master's records up to date; its stamp
    // waits for the next `migrate` (below).
    assert_eq!(versions(&mut master).await, latest[1..].to_vec());
    let recorded: Vec<(String, bool)> = sqlx::query_as(
        "SELECT name, adopted FROM rsm.databases WHERE kind = 'tenant' ORDER BY name",
    )
    .fetch_all(&mut master)
    .await
    .unwrap();
    assert_eq!(
        recorded,
        vec![
            (first.tenant.clone(), false),
            (second.tenant.clone(), false)
        ]
    );

    // A tenant without versions: `migrate` records them with its stamp.
    let mut conn = fleet.target.connect(&first.tenant).await.unwrap();
    conn.execute("DROP TABLE rsm.versions").await.unwrap();
    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert!(
        report.tenants.iter().all(|t| t.outcome != Outcome::Failed),
        "{report:#?}"
    );
    assert_eq!(versions(&mut conn).await, latest[..1].to_vec());
    assert_eq!(versions(&mut master).await, latest);

    // Once current, nothing is run: not even a no-op `IF NOT EXISTS`.
    let before = journal_rows(&mut master).await;
    rsm::upgrade(&mut master, Ladder::Master).await.unwrap();
    rsm::upgrade(&mut master, Ladder::Database).await.unwrap();
    assert_eq!(journal_rows(&mut master).await, before);
}

#[tokio::test]
async fn concurrent_upgrades_of_one_database_agree() {
    let db = runner::testing::fresh_database().await;
    let upgrades = (0..6).map(|i| {
        let url = db.url.clone();
        tokio::spawn(async move {
            let mut conn = <PgConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            let ladder = if i % 2 == 0 {
                Ladder::Database
            } else {
                Ladder::Master
            };
            rsm::upgrade(&mut conn, ladder).await
        })
    });
    for upgrade in upgrades {
        upgrade.await.unwrap().unwrap();
    }
    let mut conn = db.connect().await;
    assert_eq!(
        versions(&mut conn).await,
        vec![
            ("database".to_owned(), Ladder::Database.latest()),
            ("master".to_owned(), Ladder::Master.latest()),
        ]
    );
}

#[tokio::test]
async fn a_newer_runners_records_are_refused_and_left_as_they_are() {
    let fleet = TestFleet::initialised().await;
    let made = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();

    // A tenant upgraded by a newer runner: migrate fails it, naming why, and
    // leaves its stamp alone.
    let mut conn = fleet.target.connect(&made.tenant).await.unwrap();
    conn.execute(
        "UPDATE rsm.versions SET version = version + 1 WHERE ladder = 'database';
         UPDATE rsm.stamp SET fingerprint = '0123456789abcdef'",
    )
    .await
    .unwrap();
    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    let tenant = &report.tenants[0];
    assert_eq!(tenant.outcome, Outcome::Failed, "{report:#?}");
    let detail = tenant.detail.as_deref().unwrap();
    assert!(detail.contains("newer than this runner knows"), "{detail}");
    let fingerprint: String = sqlx::query_scalar("SELECT fingerprint FROM rsm.stamp")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(fingerprint, "0123456789abcdef");

    // A master upgraded by a newer runner: no tenant is made.
    let mut master = fleet.master().await;
    master
        .execute("UPDATE rsm.versions SET version = version + 1 WHERE ladder = 'master'")
        .await
        .unwrap();
    let refused = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("newer than this runner knows"),
        "{refused}"
    );
    assert_eq!(
        fleet.records().await.len(),
        1,
        "{:?}",
        fleet.records().await
    );
}
