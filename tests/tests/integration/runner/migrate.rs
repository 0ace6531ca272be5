//! A schema moving from one compiled version to the next (two test-only
//! table sets), migrated across a fleet: renames keep data, a backfill fills
//! a new NOT NULL column, data in the way blocks a step and says where,
//! destructive steps wait for the flag, a failing tenant rolls back alone,
//! two runs at once apply nothing twice, data migrations run once.

use std::sync::Arc;

use runner::declared::data::{DataFuture, DataMigration};
use runner::declared::Declared;
use runner::migrate::apply::{MigrateOptions, Outcome};
use runner::migrate::run::{self, RunOptions, RunReport, Tenants};
use runner::migrate::status::{self, DbState, StatusOptions};
use runner::target::Target;
use runner::tenant::{self, CreateOptions};
use schema_core::{DbKind, Decimal, SchemaDef, Table};
use schema_model::model::Schema;
use sqlx::{Executor, PgConnection};

use super::fleet::TestFleet;

mod v1 {
    use super::*;

    #[derive(Table)]
    #[table(name = "artists", db = tenant)]
    pub struct Artist {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(varchar(100))]
        pub name: String,
        pub genre: Option<String>,
    }

    #[derive(Table)]
    #[table(name = "albums", db = tenant)]
    pub struct Album {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(references = Artist::id)]
        pub artist_id: i32,
        pub title: String,
        pub year: Option<i32>,
        #[column(numeric(10, 4))]
        pub price: Option<Decimal>,
    }

    pub static TENANT: SchemaDef = SchemaDef::new(DbKind::Tenant, &[Artist::DEF, Album::DEF]);
}

/// The next version: a column renamed, a table renamed, a NOT NULL column
/// added with a backfill, a type widened, a new table and index.
mod v2 {
    use super::*;

    #[derive(Table)]
    #[table(name = "artists", db = tenant)]
    pub struct Artist {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(varchar(200))]
        pub name: String,
        #[column(renamed_from = "genre")]
        pub style: Option<String>,
        #[column(varchar(2), backfill = sql("'??'"))]
        pub country: String,
    }

    #[derive(Table)]
    #[table(name = "records", db = tenant, renamed_from = "albums", index(artist_id))]
    pub struct Record {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(references = Artist::id)]
        pub artist_id: i32,
        pub title: String,
        #[column(renamed_from = "year")]
        pub release_year: Option<i32>,
        #[column(numeric(10, 4))]
        pub price: Option<Decimal>,
    }

    #[derive(Table)]
    #[table(name = "labels", db = tenant)]
    pub struct Label {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(unique)]
        pub name: String,
    }

    pub static TENANT: SchemaDef =
        SchemaDef::new(DbKind::Tenant, &[Artist::DEF, Record::DEF, Label::DEF]);
}

/// v2 without the backfill: the new NOT NULL column has no value for old rows.
mod v2_no_backfill {
    use super::*;

    #[derive(Table)]
    #[table(name = "artists", db = tenant)]
    pub struct Artist {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(varchar(100))]
        pub name: String,
        pub genre: Option<String>,
        #[column(varchar(2))]
        pub country: String,
    }

    pub static TENANT: SchemaDef = SchemaDef::new(DbKind::Tenant, &[Artist::DEF, v1::Album::DEF]);
}

/// v1 with a lossy change: prices lose two decimals.
mod v1_lossy {
    use super::*;

    #[derive(Table)]
    #[table(name = "albums", db = tenant)]
    pub struct Album {
        #[column(primary_key, serial)]
        pub id: i32,
        #[column(references = v1::Artist::id)]
        pub artist_id: i32,
        pub title: String,
        pub year: Option<i32>,
        #[column(numeric(10, 2))]
        pub price: Option<Decimal>,
    }

    pub static TENANT: SchemaDef = SchemaDef::new(DbKind::Tenant, &[v1::Artist::DEF, Album::DEF]);
}

fn declared(tenant: &'static SchemaDef, data: Vec<DataMigration>) -> Arc<Declared> {
    Arc::new(
        Declared::new(
            Schema::from_def(schema_defs::schema(DbKind::Master)),
            Schema::from_def(tenant),
        )
        .with_data_migrations(data),
    )
}

/// A fleet at v1 with `n` tenants, each holding two artists and three albums.
async fn fleet_at_v1(n: usize) -> (TestFleet, Vec<String>) {
    let mut fleet = TestFleet::new();
    fleet.target = fleet
        .target
        .clone()
        .with_declared(declared(&v1::TENANT, Vec::new()));
    runner::master::init(&fleet.target).await.unwrap();
    let mut names = Vec::new();
    for _ in 0..n {
        let t = tenant::create(&fleet.target, &CreateOptions::default())
            .await
            .unwrap()
            .tenant;
        let mut conn = fleet.target.connect(&t).await.unwrap();
        conn.execute(
            "INSERT INTO artists (name, genre) VALUES ('Nina', 'jazz'), ('Arvo', 'minimal');
             INSERT INTO albums (artist_id, title, year, price)
             SELECT a.id, a.name || ' ' || g, 1960 + g, 9.9999 FROM artists a, generate_series(1, 2) g
              WHERE a.name = 'Nina' OR g = 1;",
        )
        .await
        .unwrap();
        names.push(t);
    }
    (fleet, names)
}

fn at(target: &Target, declared: Arc<Declared>) -> Target {
    target.clone().with_declared(declared)
}

async fn migrate(target: &Target, options: MigrateOptions) -> RunReport {
    let run = RunOptions {
        migrate: options,
        ..RunOptions::default()
    };
    run::migrate(target, &run, &mut |_, _| {}).await.unwrap()
}

async fn scalar(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn a_compiled_schema_change_reaches_every_tenant_with_every_row() {
    let (fleet, names) = fleet_at_v1(3).await;
    let v2 = at(&fleet.target, declared(&v2::TENANT, Vec::new()));

    // Stamped v1 and holding exactly v1: behind, in one group.
    let before = status::status(&v2, &StatusOptions::default())
        .await
        .unwrap();
    let tenants: Vec<_> = before
        .groups
        .iter()
        .filter(|g| g.db == DbKind::Tenant)
        .collect();
    assert_eq!(tenants.len(), 1, "{tenants:?}");
    assert_eq!(tenants[0].state, DbState::Behind);
    assert_eq!(tenants[0].count, 3);
    assert!(!before.all_current);

    let report = migrate(&v2, MigrateOptions::default()).await;
    assert_eq!(report.summary.migrated, 3, "{report:#?}");
    assert_eq!(
        report.plans, 2,
        "the master's, and one shared by the three tenants"
    );
    assert_eq!(report.exit_code(), 0);

    for name in &names {
        let mut conn = v2.connect(name).await.unwrap();
        // Renamed table and columns kept their rows and values; the backfill
        // gave old rows their country.
        assert_eq!(scalar(&mut conn, "SELECT count(*) FROM records").await, 3);
        assert_eq!(
            scalar(
                &mut conn,
                "SELECT count(*) FROM records WHERE release_year BETWEEN 1961 AND 1962"
            )
            .await,
            3
        );
        assert_eq!(
            scalar(
                &mut conn,
                "SELECT count(*) FROM artists WHERE style IN ('jazz', 'minimal')"
            )
            .await,
            2
        );
        assert_eq!(
            scalar(
                &mut conn,
                "SELECT count(*) FROM artists WHERE country = '??'"
            )
            .await,
            2
        );
        let history = scalar(
            &mut conn,
            "SELECT count(*) FROM rsm.history WHERE statements <> ''",
        )
        .await;
        assert_eq!(history, 1);
    }
    let after = status::status(&v2, &StatusOptions::default())
        .await
        .unwrap();
    assert!(after.all_current, "{after:#?}");
    // A second run has nothing to do.
    let again = migrate(&v2, MigrateOptions::default()).await;
    assert_eq!(again.summary.unchanged, 3, "{again:#?}");
    // The migrated tenants still hash alike (objects made by the migration
    // have other OIDs in each database): one read serves all three.
    assert_eq!(again.plans, 2, "{again:#?}");
}

#[tokio::test]
async fn rows_in_the_way_block_a_step_and_a_backfill_lets_it_pass() {
    let (fleet, names) = fleet_at_v1(1).await;
    let no_backfill = at(&fleet.target, declared(&v2_no_backfill::TENANT, Vec::new()));
    let report = migrate(&no_backfill, MigrateOptions::default()).await;
    let t = &report.tenants[0];
    assert_eq!(t.outcome, Outcome::Blocked, "{t:#?}");
    let detail = t.detail.as_deref().unwrap();
    assert!(
        detail.contains("2 rows of artists, which would have no value for country"),
        "{detail}"
    );
    assert!(detail.contains("backfill = sql"), "{detail}");
    // The row in the way, as `column = value` pairs people can read.
    assert!(detail.contains("(one: id = "), "{detail}");
    assert_eq!(report.exit_code(), runner::error::exit::BLOCKED);
    let mut conn = fleet.target.connect(&names[0]).await.unwrap();
    let columns = scalar(
        &mut conn,
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'artists'",
    )
    .await;
    assert_eq!(columns, 3, "nothing changed");

    let with_backfill = at(&fleet.target, declared(&v2::TENANT, Vec::new()));
    let report = migrate(&with_backfill, MigrateOptions::default()).await;
    assert_eq!(report.tenants[0].outcome, Outcome::Migrated, "{report:#?}");
}

#[tokio::test]
async fn destructive_steps_wait_for_the_flag_and_the_data_stays_until_then() {
    let (fleet, names) = fleet_at_v1(1).await;
    let lossy = at(&fleet.target, declared(&v1_lossy::TENANT, Vec::new()));
    let report = migrate(&lossy, MigrateOptions::default()).await;
    let t = &report.tenants[0];
    assert_eq!(t.outcome, Outcome::NeedsDestructive, "{t:#?}");
    assert!(
        t.detail
            .as_deref()
            .unwrap()
            .contains("3 values of albums.price that change at stake"),
        "{t:#?}"
    );
    assert_eq!(report.exit_code(), runner::error::exit::NEEDS_DESTRUCTIVE);
    let mut conn = fleet.target.connect(&names[0]).await.unwrap();
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM albums WHERE price = 9.9999"
        )
        .await,
        3
    );

    let report = migrate(
        &lossy,
        MigrateOptions {
            allow_destructive: true,
            ..MigrateOptions::default()
        },
    )
    .await;
    assert_eq!(report.tenants[0].outcome, Outcome::Migrated, "{report:#?}");
    assert_eq!(
        scalar(&mut conn, "SELECT count(*) FROM albums WHERE price = 10.00").await,
        3
    );

    // An undeclared column is kept without the flag, dropped with it.
    conn.execute("ALTER TABLE albums ADD COLUMN notes text; UPDATE albums SET notes = 'x'")
        .await
        .unwrap();
    let report = migrate(&lossy, MigrateOptions::default()).await;
    assert_eq!(report.tenants[0].outcome, Outcome::Unchanged, "{report:#?}");
    assert_eq!(
        scalar(&mut conn, "SELECT count(notes) FROM albums").await,
        3
    );
    let report = migrate(
        &lossy,
        MigrateOptions {
            allow_destructive: true,
            ..MigrateOptions::default()
        },
    )
    .await;
    assert_eq!(report.tenants[0].outcome, Outcome::Migrated, "{report:#?}");
    assert_eq!(scalar(&mut conn, "SELECT count(*) FROM albums").await, 3);
}

fn fail_on_marker(conn: &mut PgConnection) -> DataFuture<'_> {
    Box::pin(async move {
        let marked: i64 = sqlx::query_scalar("SELECT count(*) FROM artists WHERE name = 'fail'")
            .fetch_one(&mut *conn)
            .await?;
        if marked > 0 {
            return Err(sqlx::Error::Protocol("a marked tenant".into()));
        }
        sqlx::query("UPDATE artists SET style = upper(style)")
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })
}

#[tokio::test]
async fn a_failing_tenant_rolls_back_whole_while_the_others_migrate_and_data_migrations_run_once() {
    let (fleet, names) = fleet_at_v1(3).await;
    let mut conn = fleet.target.connect(&names[1]).await.unwrap();
    conn.execute("INSERT INTO artists (name) VALUES ('fail')")
        .await
        .unwrap();
    let migration = DataMigration {
        name: "styles_upper",
        db: DbKind::Tenant,
        run: fail_on_marker,
    };
    let v2 = at(&fleet.target, declared(&v2::TENANT, vec![migration]));
    let report = migrate(&v2, MigrateOptions::default()).await;
    let outcomes: Vec<Outcome> = report.tenants.iter().map(|t| t.outcome).collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Migrated).count(),
        2,
        "{report:#?}"
    );
    let failed = report
        .tenants
        .iter()
        .find(|t| t.outcome == Outcome::Failed)
        .unwrap();
    assert_eq!(failed.database, names[1]);
    assert!(
        failed.detail.as_deref().unwrap().contains("styles_upper"),
        "{failed:#?}"
    );
    assert_eq!(report.exit_code(), runner::error::exit::NOT_MIGRATED);
    // Rolled back whole: still v1, no history of it.
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'albums'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM rsm.history WHERE statements <> ''"
        )
        .await,
        0
    );

    // The others ran it once, recorded; a second run does not run it again.
    let mut ok = v2.connect(&names[0]).await.unwrap();
    assert_eq!(
        scalar(&mut ok, "SELECT count(*) FROM artists WHERE style = 'JAZZ'").await,
        1
    );
    conn.execute("DELETE FROM artists WHERE name = 'fail'")
        .await
        .unwrap();
    let again = migrate(&v2, MigrateOptions::default()).await;
    assert_eq!(again.summary.migrated, 1, "{again:#?}");
    assert_eq!(again.summary.unchanged, 2, "{again:#?}");
    assert_eq!(
        scalar(&mut ok, "SELECT count(*) FROM artists WHERE style = 'JAZZ'").await,
        1
    );
    let recorded = scalar(
        &mut ok,
        "SELECT count(*) FROM rsm.history WHERE 'styles_upper' = ANY (data_migrations)",
    )
    .await;
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn two_runs_at_once_apply_every_step_once() {
    let (fleet, names) = fleet_at_v1(4).await;
    let v2 = at(&fleet.target, declared(&v2::TENANT, Vec::new()));
    let (a, b) = tokio::join!(
        migrate(&v2, MigrateOptions::default()),
        migrate(&v2, MigrateOptions::default())
    );
    for report in [&a, &b] {
        assert!(
            report.tenants.iter().all(|t| t.outcome.is_ok()),
            "{report:#?}"
        );
    }
    assert_eq!(a.summary.migrated + b.summary.migrated, 4, "{a:#?} {b:#?}");
    for name in &names {
        let mut conn = v2.connect(name).await.unwrap();
        assert_eq!(
            scalar(
                &mut conn,
                "SELECT count(*) FROM rsm.history WHERE statements <> ''"
            )
            .await,
            1
        );
        assert_eq!(scalar(&mut conn, "SELECT count(*) FROM records").await, 3);
    }
}

#[tokio::test]
async fn a_dry_run_and_diff_change_nothing_and_bad_input_is_named() {
    let (fleet, names) = fleet_at_v1(2).await;
    let v2 = at(&fleet.target, declared(&v2::TENANT, Vec::new()));
    let report = migrate(
        &v2,
        MigrateOptions {
            dry_run: true,
            ..MigrateOptions::default()
        },
    )
    .await;
    assert_eq!(report.summary.planned, 2, "{report:#?}");
    assert!(report.run_id.is_none(), "a dry run writes no ledger");
    let planned = report.tenants[0].plan.as_ref().unwrap();
    assert!(
        planned.plan.sql_script().contains("RENAME TO records"),
        "{}",
        planned.plan.sql_script()
    );
    let diff = runner::migrate::diff::for_database(
        &v2,
        &runner::migrate::diff::Which::Tenant(names[0].clone()),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(diff.assessed.plan.steps.len(), planned.plan.steps.len());
    let still = status::status(&v2, &StatusOptions::default())
        .await
        .unwrap();
    assert!(
        still
            .groups
            .iter()
            .any(|g| g.state == DbState::Behind && g.count == 2),
        "{still:#?}"
    );

    // An unknown tenant, and a database that is not this master's.
    let run = |tenants| RunOptions {
        tenants,
        ..RunOptions::default()
    };
    let err = run::migrate(
        &v2,
        &run(Tenants::Named(vec![fleet.tenant(77)])),
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), runner::error::exit::UNKNOWN_TENANT, "{err}");
    let stray = fleet.tenant(50);
    fleet.foreign_database(&stray, 3).await;
    let err = run::migrate(
        &v2,
        &run(Tenants::Named(vec![stray.clone()])),
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), runner::error::exit::NOT_OWNED, "{err}");
    let all = migrate(&v2, MigrateOptions::default()).await;
    assert!(
        all.tenants.iter().all(|t| t.database != stray),
        "never migrated: {all:#?}"
    );
}
