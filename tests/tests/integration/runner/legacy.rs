//! A fleet made by other tools — a master and tenants registered in its
//! `tenant_databases`, with data, no `rsm` schema anywhere — in the shapes
//! old fleets have: a missing table, missing and extra columns, an extra
//! NOT NULL column, constraints under other names, extra indexes and checks,
//! column order changed by `ALTER TABLE ADD COLUMN`. `status` describes each
//! exactly, the first `migrate` adopts and converges them with every row
//! kept, and `status` then says current.

use runner::migrate::apply::{MigrateOptions, Outcome};
use runner::migrate::run::{self, RunOptions, Tenants};
use runner::migrate::status::{self, DbState, StatusOptions};
use runner::tenant::{self, State};
use schema_core::DbKind;
use schema_model::compare::Difference;
use sqlx::{Executor, PgConnection};

use super::fleet::TestFleet;

async fn scalar(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

/// Rows in every table of `public`, by table.
async fn rows(conn: &mut PgConnection) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND relkind = 'r' ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let n = scalar(conn, &format!("SELECT count(*) FROM \"{t}\"")).await;
        out.push((t, n));
    }
    out
}

/// The old fleet: its master, and three tenants built by the application's
/// own scripts, seeded, then changed the way years of hand fixes change them.
async fn legacy_fleet() -> (TestFleet, [String; 3]) {
    let fleet = TestFleet::new();
    let mut admin = fleet.admin().await;
    let master_db = fleet.target.master_db.clone();
    admin
        .execute(format!("CREATE DATABASE \"{master_db}\"").as_str())
        .await
        .unwrap();
    let mut master = fleet.master().await;
    sqlx::raw_sql(&runner::schema::sql_script(DbKind::Master))
        .execute(&mut master)
        .await
        .unwrap();
    let names = [fleet.tenant(1), fleet.tenant(2), fleet.tenant(3)];
    for (i, name) in names.iter().enumerate() {
        master
            .execute(
                format!(
                    "WITH u AS (INSERT INTO users (email) VALUES ('owner{i}@old.example') RETURNING id),
                          o AS (INSERT INTO organizations (name, slug, subdomain, owner_id)
                                SELECT 'Old {i}', 'old-{i}', 'old-{i}', id FROM u RETURNING id)
                     INSERT INTO tenant_databases (organization_id, database_name) SELECT id, '{name}' FROM o"
                )
                .as_str(),
            )
            .await
            .unwrap();
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap();
        let mut conn = fleet.target.connect(name).await.unwrap();
        sqlx::raw_sql(&runner::schema::sql_script(DbKind::Tenant))
            .execute(&mut conn)
            .await
            .unwrap();
        seed::base::seed(&mut conn).await.unwrap();
        // Contact persons the old way, inside a company client.
        conn.execute(
            "INSERT INTO client_contacts (client_id, first_name, last_name, email, title)
             SELECT id, 'Ada', 'Lovelace', 'ada@old.example', 'CTO' FROM clients WHERE type = 'company'
             UNION ALL
             SELECT id, 'Bo', 'Diddley', NULL, NULL FROM clients WHERE type = 'company'",
        )
        .await
        .unwrap();
    }
    let shape = |sql: &'static str| sql;
    let shapes = [
        // A table missing, a column missing, a column the schema never had.
        shape(
            "DROP TABLE track_comments;
             ALTER TABLE clients DROP COLUMN artist_name;
             ALTER TABLE clients ADD COLUMN legacy_code text;
             UPDATE clients SET legacy_code = 'L' || id;",
        ),
        // An old table shape: an extra NOT NULL column without default;
        // constraints under other names; an extra index and an extra check.
        shape(
            "ALTER TABLE rooms ADD COLUMN legacy_flag integer NOT NULL DEFAULT 0;
             ALTER TABLE rooms ALTER COLUMN legacy_flag DROP DEFAULT;
             ALTER TABLE equipment RENAME CONSTRAINT equipment_room_id_rooms_id_fk TO fk_equipment_room;
             ALTER TABLE rooms RENAME CONSTRAINT rooms_pkey TO pk_rooms;
             CREATE INDEX legacy_clients_name ON clients (name);
             ALTER TABLE rooms ADD CONSTRAINT legacy_capacity CHECK (capacity >= 0);",
        ),
        // Column order changed by dropping and adding a column back.
        shape(
            "ALTER TABLE clients ADD COLUMN notes_tmp text;
             UPDATE clients SET notes_tmp = notes;
             ALTER TABLE clients DROP COLUMN notes;
             ALTER TABLE clients RENAME COLUMN notes_tmp TO notes;",
        ),
    ];
    for (name, sql) in names.iter().zip(shapes) {
        let mut conn = fleet.target.connect(name).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    (fleet, names)
}

#[tokio::test]
async fn an_old_fleet_is_described_exactly_adopted_and_converged_with_every_row() {
    let (fleet, names) = legacy_fleet().await;
    let mut before = Vec::new();
    for name in &names {
        before.push(rows(&mut fleet.target.connect(name).await.unwrap()).await);
    }

    // Listed, diffed, never dropped before adoption.
    let listed = tenant::list(&fleet.target).await.unwrap();
    assert!(
        listed
            .iter()
            .all(|t| t.state == State::Unstamped && !t.owned),
        "{listed:?}"
    );

    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    let group_of = |name: &str| {
        st.groups
            .iter()
            .find(|g| g.databases.iter().any(|d| d == name))
            .unwrap()
    };
    let master = group_of(&fleet.target.master_db);
    assert_eq!(master.state, DbState::Current, "{master:#?}");
    let first = group_of(&names[0]);
    assert_eq!(first.state, DbState::Drifted);
    let said: Vec<String> = first.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        said,
        [
            "clients.artist_name: missing",
            "table track_comments: missing"
        ],
        "{first:#?}"
    );
    assert_eq!(first.extras.len(), 1, "{first:#?}");
    let second = group_of(&names[1]);
    assert_eq!(second.state, DbState::Drifted);
    assert!(
        matches!(
            second.differences.as_slice(),
            [Difference::UnexpectedColumn {
                blocks_inserts: true,
                ..
            }]
        ),
        "{second:#?}"
    );
    let pending: Vec<String> = second.pending.iter().map(ToString::to_string).collect();
    let pending = pending.join("\n");
    for expected in [
        "rename constraint fk_equipment_room on equipment to equipment_room_id_rooms_id_fk",
        "rename constraint pk_rooms on rooms to rooms_pkey",
        "drop NOT NULL on undeclared rooms.legacy_flag",
    ] {
        assert!(pending.contains(expected), "{expected} in {pending}");
    }
    let described: Vec<String> = second.extras.iter().map(|d| d.to_string()).collect();
    assert_eq!(described.len(), 2, "the index and the check: {described:?}");
    // Column order alone: current, unless asked to count it.
    assert_eq!(group_of(&names[2]).state, DbState::Current);
    let strict = status::status(
        &fleet.target,
        &StatusOptions {
            strict_order: true,
            ..StatusOptions::default()
        },
    )
    .await
    .unwrap();
    let third = strict
        .groups
        .iter()
        .find(|g| g.databases.contains(&names[2]))
        .unwrap();
    assert!(
        matches!(
            third.differences.as_slice(),
            [Difference::ColumnOrder { .. }]
        ),
        "{third:#?}"
    );

    // Not this runner's yet: never dropped.
    assert_eq!(
        tenant::drop(&fleet.target, &names[0])
            .await
            .unwrap_err()
            .code(),
        runner::error::exit::MASTER_NOT_READY
    );

    // A dry run with --adopt says which it would adopt, and changes nothing.
    let dry = RunOptions {
        adopt: true,
        migrate: MigrateOptions {
            dry_run: true,
            ..MigrateOptions::default()
        },
        ..RunOptions::default()
    };
    let report = run::migrate(&fleet.target, &dry, &mut |_, _| {})
        .await
        .unwrap();
    assert!(
        report
            .tenants
            .iter()
            .all(|t| t.adopted && t.outcome == Outcome::Planned),
        "{report:#?}"
    );
    for name in &names {
        let mut conn = fleet.target.connect(name).await.unwrap();
        let rsm = "SELECT count(*) FROM pg_namespace WHERE nspname = 'rsm'";
        assert_eq!(
            scalar(&mut conn, rsm).await,
            0,
            "{name} untouched by the dry run"
        );
    }

    // The first migrate adopts the master and the tenants.
    let adopt = RunOptions {
        adopt: true,
        ..RunOptions::default()
    };
    let report = run::migrate(&fleet.target, &adopt, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.master.outcome, Outcome::Stamped, "{report:#?}");
    // All three migrated: the third only needed the application's data
    // migration (client_contacts -> company_members), which old tenants never had.
    let outcomes: Vec<Outcome> = report.tenants.iter().map(|t| t.outcome).collect();
    assert_eq!(outcomes, [Outcome::Migrated; 3], "{report:#?}");
    assert!(report.tenants.iter().all(|t| t.adopted), "{report:#?}");
    assert_eq!(report.tenants[2].steps, 0, "{report:#?}");
    assert_eq!(
        report.tenants[2].data_migrations,
        ["client_contacts_to_company_members"]
    );
    let mut master_conn = fleet.master().await;
    assert!(
        runner::bookkeeping::ownership::read_identity(&mut master_conn)
            .await
            .unwrap()
            .is_some()
    );
    // Adopted, not made: the application's privileges on it are untouched,
    // now and on a later init (which reports the exposure instead).
    let public_may_connect =
        "SELECT datacl IS NULL OR datacl::text LIKE '%=c%' OR datacl::text LIKE '%=Tc%'
                                FROM pg_database WHERE datname = current_database()";
    let open: bool = sqlx::query_scalar(public_may_connect)
        .fetch_one(&mut master_conn)
        .await
        .unwrap();
    assert!(open);
    let again = runner::master::init(&fleet.target).await.unwrap();
    assert!(
        again
            .warnings
            .iter()
            .any(|w| w.contains("may connect to the master")),
        "{again:?}"
    );
    let open: bool = sqlx::query_scalar(public_may_connect)
        .fetch_one(&mut master_conn)
        .await
        .unwrap();
    assert!(open);

    // Every row kept (the missing table arrives empty); the data migration
    // added an individual client and a company_members row per contact.
    for (name, rows_before) in names.iter().zip(&before) {
        let mut conn = fleet.target.connect(name).await.unwrap();
        let after = rows(&mut conn).await;
        let contacts = scalar(&mut conn, "SELECT count(*) FROM client_contacts").await;
        assert!(contacts > 0, "the base seed has contacts");
        for (table, n) in &after {
            let was = rows_before
                .iter()
                .find(|(t, _)| t == table)
                .map_or(0, |(_, n)| *n);
            let added = match table.as_str() {
                "clients" | "company_members" => contacts,
                _ => 0,
            };
            assert_eq!(*n, was + added, "{name}.{table}");
        }
    }
    let mut second_conn = fleet.target.connect(&names[1]).await.unwrap();
    assert_eq!(
        scalar(
            &mut second_conn,
            "SELECT count(*) FROM rooms WHERE legacy_flag = 0"
        )
        .await,
        scalar(&mut second_conn, "SELECT count(*) FROM rooms").await,
        "the undeclared column keeps its values"
    );
    // An insert of the declared code works now.
    second_conn
        .execute("INSERT INTO rooms (name, hourly_rate) VALUES ('New', 50)")
        .await
        .unwrap();

    let after = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(after.all_current, "{after:#?}");
    let listed = tenant::list(&fleet.target).await.unwrap();
    assert!(
        listed.iter().all(|t| t.state == State::Current && t.owned),
        "{listed:?}"
    );

    // Adopted: now the runner's to drop (proven by its record and stamp),
    // though owned by the role that made it.
    let dropped = tenant::drop(&fleet.target, &names[2]).await.unwrap();
    assert!(
        dropped.database && !dropped.role,
        "its login role was never the runner's"
    );
}

#[tokio::test]
async fn a_stopped_run_resumes_without_redoing_its_tenants() {
    let (fleet, names) = legacy_fleet().await;
    // The last tenant of the run cannot be migrated now: another session
    // holds a lock its plan needs past the lock timeout (retried once).
    let order = vec![names[1].clone(), names[2].clone(), names[0].clone()];
    let mut blocker = fleet.target.connect(&names[0]).await.unwrap();
    blocker
        .execute("BEGIN; LOCK TABLE clients IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let first = run::migrate(
        &fleet.target,
        &RunOptions {
            tenants: Tenants::Named(order.clone()),
            adopt: true,
            concurrency: 1,
            max_failures: Some(0),
            migrate: MigrateOptions {
                lock_timeout: std::time::Duration::from_millis(100),
                retries: 1,
                ..MigrateOptions::default()
            },
            ..RunOptions::default()
        },
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let outcomes: Vec<Outcome> = first.tenants.iter().map(|t| t.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Migrated, Outcome::Migrated, Outcome::Failed],
        "{first:#?}"
    );
    // Locked: either its migration or the check that it may be adopted
    // (which reads its catalog) gave up waiting.
    let detail = first.tenants[2].detail.as_deref().unwrap();
    assert!(
        detail.contains("stayed locked through 2 attempts") || detail.contains("lock timeout"),
        "{first:#?}"
    );
    assert!(first.stopped.is_some(), "{first:#?}");
    blocker.execute("ROLLBACK").await.unwrap();

    // Resumed: the same run; only the tenant it did not finish is taken.
    let resumed = run::migrate(
        &fleet.target,
        &RunOptions {
            tenants: Tenants::Named(order),
            adopt: true,
            resume: true,
            ..RunOptions::default()
        },
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(resumed.run_id, first.run_id);
    assert!(resumed.resumed);
    let taken: Vec<(&str, Outcome)> = resumed
        .tenants
        .iter()
        .map(|t| (t.database.as_str(), t.outcome))
        .collect();
    assert_eq!(
        taken,
        [(names[0].as_str(), Outcome::Migrated)],
        "{resumed:#?}"
    );
    for name in &names[1..] {
        let mut conn = fleet.target.connect(name).await.unwrap();
        assert_eq!(
            scalar(&mut conn, "SELECT count(*) FROM rsm.history").await,
            1,
            "{name} once"
        );
    }

    // The run is finished: nothing is left to resume.
    let err = run::migrate(
        &fleet.target,
        &RunOptions {
            resume: true,
            ..RunOptions::default()
        },
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), runner::error::exit::INVALID_INPUT, "{err}");
}
