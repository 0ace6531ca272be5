//! The DDL journal vouches for a database's recorded catalog hash only while
//! nothing changed: a fleet the runner made and verified is read without
//! reading catalogs; DDL by hand, a disabled trigger or `--deep` make status
//! read them again; temporary tables of the application leave no trace and
//! are not refused; a stamp of an older runner is brought up to date; what
//! the journal cannot see, `--deep` does.

use runner::migrate::apply::{MigrateOptions, Outcome};
use runner::migrate::run::{self, RunOptions};
use runner::migrate::status::{self, DbState, StatusOptions};
use runner::tenant::{self, CreateOptions};
use sqlx::{Connection, Executor, PgConnection};

use super::fleet::TestFleet;

async fn status(fleet: &TestFleet, deep: bool) -> status::Status {
    let options = StatusOptions {
        deep,
        ..StatusOptions::default()
    };
    status::status(&fleet.target, &options).await.unwrap()
}

#[tokio::test]
async fn the_journal_vouches_only_while_nothing_changed() {
    let fleet = TestFleet::initialised().await;
    let mut names = Vec::new();
    for _ in 0..3 {
        let options = CreateOptions {
            credentials: true,
            ..CreateOptions::default()
        };
        names.push(tenant::create(&fleet.target, &options).await.unwrap());
    }
    // Made and verified by the runner: no catalog needs reading.
    let st = status(&fleet, false).await;
    assert!(st.all_current, "{st:#?}");
    assert_eq!(st.catalogs_read, 0, "{st:#?}");
    assert_eq!(
        status(&fleet, true).await.catalogs_read,
        4,
        "--deep reads them all"
    );

    // The application's temporary tables: allowed, and no trace.
    let login = names[0].credentials.clone().unwrap();
    let mut app = PgConnection::connect(&login.url).await.unwrap();
    app.execute("CREATE TEMP TABLE scratch (x int); DROP TABLE scratch")
        .await
        .unwrap();
    app.close().await.unwrap();
    assert_eq!(status(&fleet, false).await.catalogs_read, 0);

    // DDL by hand is seen: that catalog is read, and the change reported.
    let mut conn = fleet.target.connect(&names[1].tenant).await.unwrap();
    conn.execute("ALTER TABLE clients DROP COLUMN artist_name")
        .await
        .unwrap();
    let st = status(&fleet, false).await;
    assert_eq!(st.catalogs_read, 1, "{st:#?}");
    let drifted = st
        .groups
        .iter()
        .find(|g| g.state == DbState::Drifted)
        .unwrap();
    assert_eq!(drifted.databases, [names[1].tenant.clone()]);

    // A disabled trigger vouches for nothing.
    let mut third = fleet.target.connect(&names[2].tenant).await.unwrap();
    third
        .execute("ALTER EVENT TRIGGER rsm_note_ddl DISABLE; ALTER TABLE rooms DROP COLUMN color")
        .await
        .unwrap();
    let st = status(&fleet, false).await;
    assert_eq!(st.catalogs_read, 2, "{st:#?}");
    assert_eq!(
        st.groups
            .iter()
            .filter(|g| g.state == DbState::Drifted)
            .count(),
        2,
        "{st:#?}"
    );

    // Migrated: verified again, and vouched for once more.
    third
        .execute("ALTER EVENT TRIGGER rsm_note_ddl ENABLE")
        .await
        .unwrap();
    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.summary.migrated, 2, "{report:#?}");
    let st = status(&fleet, false).await;
    assert!(st.all_current, "{st:#?}");
    assert_eq!(st.catalogs_read, 0, "{st:#?}");
    let again = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(again.summary.unchanged, 3, "{again:#?}");
    // The master, and three tenant catalogs: the two migrated tenants got
    // their column back at the end of the table (another column order).
    assert_eq!(again.plans, 4, "{again:#?}");
}

/// What the journal cannot see, a superuser's DDL with event triggers
/// silenced (`session_replication_role = replica`), `--deep` finds: `status
/// --deep` reads it drifted; a plain `migrate` calls it unchanged on the
/// journal's word (once a tenant of the same recorded catalog was measured
/// and planned), `migrate --deep` measures its catalog and repairs it.
#[tokio::test]
async fn ddl_the_journal_cannot_see_is_found_and_repaired_with_deep() {
    let fleet = TestFleet::initialised().await;
    for _ in 0..2 {
        tenant::create(&fleet.target, &CreateOptions::default())
            .await
            .unwrap();
    }
    let hidden = fleet.tenant(2);
    let mut conn = fleet.target.connect(&hidden).await.unwrap();
    conn.execute(
        "SET session_replication_role = replica;
         ALTER TABLE clients DROP COLUMN artist_name;
         RESET session_replication_role",
    )
    .await
    .unwrap();
    let st = status(&fleet, true).await;
    let drifted: Vec<_> = st
        .groups
        .iter()
        .filter(|g| g.state == DbState::Drifted)
        .collect();
    assert_eq!(drifted.len(), 1, "{st:#?}");
    assert_eq!(drifted[0].databases, std::slice::from_ref(&hidden));

    let migrate = |deep| {
        let target = fleet.target.clone();
        async move {
            let options = RunOptions {
                migrate: MigrateOptions {
                    deep,
                    ..MigrateOptions::default()
                },
                concurrency: 1,
                ..RunOptions::default()
            };
            run::migrate(&target, &options, &mut |_, _| {})
                .await
                .unwrap()
        }
    };
    let outcome = |report: &run::RunReport| {
        let r = report.tenants.iter().find(|r| r.database == hidden);
        r.map(|r| r.outcome)
    };
    let plain = migrate(false).await;
    assert_eq!(outcome(&plain), Some(Outcome::Unchanged), "{plain:#?}");
    let deep = migrate(true).await;
    assert_eq!(outcome(&deep), Some(Outcome::Migrated), "{deep:#?}");
    let st = status(&fleet, true).await;
    assert!(st.all_current, "{st:#?}");
}

#[tokio::test]
async fn a_stamp_of_an_older_runner_is_brought_up_to_date() {
    let fleet = TestFleet::initialised().await;
    // The stamp as an older runner wrote it: four columns, no versions.
    let (_, mut conn) = fleet.fresh_tenant().await;
    conn.execute(
        "DROP TABLE rsm.versions;
         ALTER TABLE rsm.stamp DROP COLUMN master_id, DROP COLUMN seeded_rows,
                               DROP COLUMN catalog, DROP COLUMN journal_seen;
         UPDATE rsm.stamp SET fingerprint = '0123456789abcdef'",
    )
    .await
    .unwrap();
    let report = run::migrate(
        &fleet.target,
        &RunOptions {
            migrate: MigrateOptions::default(),
            ..RunOptions::default()
        },
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(report.tenants[0].outcome, Outcome::Stamped, "{report:#?}");
    let stamp = runner::bookkeeping::stamp::read(&mut conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stamp.fingerprint,
        fleet.target.declared.tenant_fingerprint()
    );
    assert!(stamp.catalog.is_some());
    assert!(status(&fleet, false).await.all_current);
}

/// A database whose journal an earlier runner installed (two triggers, the
/// token with the functions' row versions): read the careful way, never
/// vouched for on the old token, and brought to this runner's journal by
/// the next `migrate`, vouched for after.
#[tokio::test]
async fn a_journal_an_earlier_runner_installed_is_brought_up_to_date() {
    let fleet = TestFleet::initialised().await;
    let (_, mut conn) = fleet.fresh_tenant().await;
    conn.execute(
        "DROP EVENT TRIGGER rsm_note_start; DROP FUNCTION rsm.note_start();
         UPDATE rsm.stamp SET journal_token = (SELECT concat_ws('/',
             (SELECT string_agg(e.evtname || ':' || e.xmin::text || ':' || p.xmin::text, ',' ORDER BY e.evtname)
                FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid
               WHERE e.evtname IN ('rsm_note_ddl', 'rsm_note_drop')),
             (SELECT relfilenode::text FROM pg_class WHERE oid = to_regclass('rsm.ddl_journal'))));
         DELETE FROM rsm.ddl_journal;",
    )
    .await
    .unwrap();
    let st = status(&fleet, false).await;
    assert!(st.all_current, "{st:#?}");
    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:#?}");
    let (start, token, rows): (bool, String, i64) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'rsm_note_start' AND evtenabled = 'O'),
                (SELECT journal_token FROM rsm.stamp), (SELECT count(*) FROM rsm.ddl_journal)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(start);
    let triggers: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_event_trigger")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(triggers, 3);
    assert_eq!(token.split(',').count(), 3, "{token}");
    assert_eq!(rows, 0);
}
