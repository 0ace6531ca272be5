//! `tenant move`: a tenant copied to another server, verified, switched and
//! its old copy dropped; under a failure or a crash after any step, whole on
//! exactly one server, and nothing of it left on the other once settled.

use runner::error::exit;
use runner::migrate::status::{self, StatusOptions};
use runner::servers;
use runner::tenant::{self, CreateOptions, FaultAction, MoveOptions, MoveStep, SeedSet, State};
use sqlx::{Connection, Executor, PgConnection};

use super::fleet::TestFleet;

/// A fleet with a second server, and one tenant seeded with `base`, its
/// credentials and one row of the application's own.
async fn fleet_with_a_tenant() -> (TestFleet, String, String, tenant::Created) {
    let fleet = TestFleet::initialised().await;
    let second = runner::testing::other_server(0);
    servers::add(&fleet.target, "second", &second, None)
        .await
        .unwrap();
    let created = tenant::create(
        &fleet.target,
        &CreateOptions {
            seed: SeedSet::Base,
            credentials: true,
            server: Some("default".into()),
            ..CreateOptions::default()
        },
    )
    .await
    .unwrap();
    let first = runner::testing::server_url();
    (fleet, first, second, created)
}

fn options(to: &str, jobs: u32) -> MoveOptions {
    MoveOptions::new(to, jobs)
}

/// Rows of every table of `public` in `tenant` on the server at `url`.
async fn rows_on(url: &str, tenant: &str) -> i64 {
    let url = runner::testing::with_database(url, tenant);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let rows: i64 = sqlx::query_scalar(
        "SELECT sum((xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', relname), false, true, '')))[1]::text::bigint)::bigint
           FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.ok();
    rows
}

/// Whether the server at `url` has a database and a role named `name`, and
/// the database's connection limit.
async fn presence(url: &str, name: &str) -> (bool, bool, Option<i32>) {
    let mut admin = PgConnection::connect(url).await.unwrap();
    let found = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1),
                EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1),
                (SELECT datconnlimit FROM pg_database WHERE datname = $1)",
    )
    .bind(name)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    admin.close().await.ok();
    found
}

/// The tenant's login URL on the server at `url`, with its password.
fn login_on(url: &str, created: &tenant::Created) -> String {
    let credentials = created.credentials.as_ref().unwrap();
    let server_part = url.split_once('@').unwrap().1;
    let host = server_part.split('/').next().unwrap();
    let query = url
        .split_once('?')
        .map_or(String::new(), |(_, q)| format!("?{q}"));
    format!(
        "postgres://{}:{}@{host}/{}{query}",
        credentials.role, credentials.password, created.tenant
    )
}

/// The tenant is whole on `home` (record, rows, login, limit, status
/// current) and nothing of it is on `away`.
async fn whole_on(
    fleet: &TestFleet,
    created: &tenant::Created,
    (home_name, home): (&str, &str),
    away: &str,
    rows: i64,
) {
    let name = created.tenant.as_str();
    let mut master = fleet.master().await;
    let record: (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT state, coalesce(server, 'default'), copy_on FROM rsm.databases WHERE name = $1",
    )
    .bind(name)
    .fetch_one(&mut master)
    .await
    .unwrap();
    assert_eq!(record, ("ready".into(), Some(home_name.into()), None));
    assert_eq!(
        presence(home, name).await,
        (true, true, Some(-1)),
        "{home_name}"
    );
    assert_eq!(
        presence(away, name).await,
        (false, false, None),
        "away from {home_name}"
    );
    assert_eq!(rows_on(home, name).await, rows);
    let mut login = PgConnection::connect(&login_on(home, created))
        .await
        .unwrap();
    let on: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut login)
        .await
        .unwrap();
    assert_eq!(on, name);
    login.close().await.ok();
    let info = tenant::find(&fleet.target, name).await.unwrap();
    assert_eq!(
        (info.server.as_str(), info.state),
        (home_name, State::Current)
    );
}

#[tokio::test]
async fn a_moved_tenant_keeps_its_rows_its_login_and_its_settings() {
    let (fleet, first, second, created) = fleet_with_a_tenant().await;
    let name = created.tenant.clone();
    // A row of the application's own, a setting of the role's, and a session
    // open during the move.
    let mut session = PgConnection::connect(&login_on(&first, &created))
        .await
        .unwrap();
    session
        .execute("INSERT INTO task_types (name, hourly_rate) VALUES ('moved', 1)")
        .await
        .unwrap();
    let mut admin = fleet.admin().await;
    admin
        .execute(format!("ALTER ROLE \"{name}\" SET work_mem = '8MB'").as_str())
        .await
        .unwrap();
    let rows = rows_on(&first, &name).await;

    let moved = tenant::move_tenant(&fleet.target, &name, &options("second", 1))
        .await
        .unwrap();
    assert_eq!(
        (moved.from.as_str(), moved.to.as_str()),
        ("default", "second")
    );
    assert!(moved.rows >= rows, "{moved:?}");
    assert!(moved.tables > 20 && moved.sequences > 0, "{moved:?}");
    // The session was ended: its database is gone from under it.
    assert!(sqlx::query("SELECT 1").execute(&mut session).await.is_err());
    whole_on(&fleet, &created, ("second", &second), &first, rows).await;
    let mut login = PgConnection::connect(&login_on(&second, &created))
        .await
        .unwrap();
    let (tag, work_mem): (i64, String) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM task_types WHERE name = 'moved'), current_setting('work_mem')",
    )
    .fetch_one(&mut login)
    .await
    .unwrap();
    assert_eq!((tag, work_mem.as_str()), (1, "8MB"));
    // Its role may write there as it could here; the sequences go on.
    login
        .execute("INSERT INTO task_types (name, hourly_rate) VALUES ('after', 1)")
        .await
        .unwrap();
    login.close().await.ok();
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");

    // And back, with parallel jobs (a directory dump).
    let back = tenant::move_tenant(&fleet.target, &name, &options("default", 2))
        .await
        .unwrap();
    assert_eq!(
        (back.from.as_str(), back.to.as_str()),
        ("second", "default")
    );
    whole_on(&fleet, &created, ("default", &first), &second, rows + 1).await;
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("rsm-move-{name}-"))
        })
        .collect();
    assert!(leftovers.is_empty(), "the dump's folder is removed");
}

#[tokio::test]
async fn a_move_failing_or_crashing_after_any_step_leaves_the_tenant_whole_on_one_server() {
    let (fleet, first, second, created) = fleet_with_a_tenant().await;
    let name = created.tenant.clone();
    let rows = rows_on(&first, &name).await;
    let mut at = ("default", first.as_str());
    let other = |at: &str| {
        if at == "default" {
            ("second", second.as_str())
        } else {
            ("default", first.as_str())
        }
    };
    for step in MoveStep::ALL {
        for crash in [false, true] {
            let to = other(at.0);
            let action = if crash {
                FaultAction::Crash
            } else {
                FaultAction::Error
            };
            let mut asked = options(to.0, 1);
            asked.fault = Some((step, action));
            let e = tenant::move_tenant(&fleet.target, &name, &asked)
                .await
                .unwrap_err();
            assert!(e.to_string().contains("fault injected"), "{step:?}: {e}");
            let switched = step as usize >= MoveStep::Switch as usize;
            if crash {
                // As after a kill: the record says what is left to do, and
                // the tenant is listed as moving until the next run settles it.
                let info = tenant::find(&fleet.target, &name).await.unwrap();
                let done = step == MoveStep::DropSource;
                assert_eq!(
                    info.state,
                    if done { State::Current } else { State::Moving },
                    "{step:?}: {info:?}"
                );
                let repaired = tenant::repair_all(&fleet.target).await.unwrap();
                assert!(repaired.removed.is_empty(), "{repaired:?}");
            } else {
                assert!(
                    e.to_string()
                        .contains(if switched { "finished" } else { "undone" }),
                    "{step:?}: {e}"
                );
            }
            if switched {
                at = to;
            }
            whole_on(&fleet, &created, at, other(at.0).1, rows).await;
        }
    }
}

#[tokio::test]
async fn a_move_is_refused_when_the_target_cannot_take_it_and_nothing_changes() {
    let (fleet, first, second, created) = fleet_with_a_tenant().await;
    let name = created.tenant.clone();
    let rows = rows_on(&first, &name).await;
    let refused = async |to: &str| {
        tenant::move_tenant(&fleet.target, &name, &options(to, 1))
            .await
            .unwrap_err()
    };
    assert_eq!(refused("nowhere").await.code(), exit::UNKNOWN_SERVER);
    assert_eq!(refused("default").await.code(), exit::INVALID_INPUT);
    let e = tenant::move_tenant(&fleet.target, &name, &options("second", 0))
        .await
        .unwrap_err();
    assert_eq!(e.code(), exit::INVALID_INPUT, "{e}");
    servers::drain(&fleet.target, "second", true).await.unwrap();
    assert_eq!(refused("second").await.code(), exit::SERVER_UNAVAILABLE);
    servers::drain(&fleet.target, "second", false)
        .await
        .unwrap();

    // A database, then a role, of the tenant's name made by someone else
    // there: refused, and left as it is.
    let mut admin = PgConnection::connect(&second).await.unwrap();
    admin
        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    let e = refused("second").await;
    assert_eq!(e.code(), exit::SERVER_UNAVAILABLE, "{e}");
    assert!(e.to_string().contains("database"), "{e}");
    assert_eq!(presence(&second, &name).await, (true, false, Some(-1)));
    admin
        .execute(format!("DROP DATABASE \"{name}\"").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE ROLE \"{name}\"").as_str())
        .await
        .unwrap();
    let e = refused("second").await;
    assert_eq!(e.code(), exit::SERVER_UNAVAILABLE, "{e}");
    assert_eq!(presence(&second, &name).await, (false, true, None));
    admin
        .execute(format!("DROP ROLE \"{name}\"").as_str())
        .await
        .unwrap();
    admin.close().await.ok();
    whole_on(&fleet, &created, ("default", &first), &second, rows).await;

    // A server holding the other copy of a move is not removed.
    let mut crashed = options("second", 1);
    crashed.fault = Some((MoveStep::Copy, FaultAction::Crash));
    tenant::move_tenant(&fleet.target, &name, &crashed)
        .await
        .unwrap_err();
    let e = servers::remove(&fleet.target, "second").await.unwrap_err();
    assert_eq!(e.code(), exit::SERVER_UNAVAILABLE, "{e}");
    // The next move settles the interrupted one first, then moves.
    tenant::move_tenant(&fleet.target, &name, &options("second", 1))
        .await
        .unwrap();
    whole_on(&fleet, &created, ("second", &second), &first, rows).await;
}

#[tokio::test]
async fn a_copy_that_differs_from_its_source_is_never_switched() {
    let (fleet, first, second, created) = fleet_with_a_tenant().await;
    let name = created.tenant.clone();
    let rows = rows_on(&first, &name).await;
    // Someone (a superuser: the copy is kept out of every other role)
    // adds a row to the copy before it is verified.
    let copy = runner::testing::with_database(&second, &name);
    let tamper = move || {
        let copy = copy.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&copy).await.unwrap();
                conn.execute("INSERT INTO task_types (name, hourly_rate) VALUES ('slipped in', 1)")
                    .await
                    .unwrap();
            })
        })
        .join()
        .unwrap()
    };
    let mut asked = options("second", 1);
    asked.fault = Some((
        MoveStep::Copy,
        FaultAction::Call(std::sync::Arc::new(tamper)),
    ));
    let e = tenant::move_tenant(&fleet.target, &name, &asked)
        .await
        .unwrap_err();
    assert_eq!(e.code(), exit::MOVE_FAILED, "{e}");
    assert!(e.to_string().contains("public.task_types has"), "{e}");
    assert!(e.to_string().contains("undone"), "{e}");
    whole_on(&fleet, &created, ("default", &first), &second, rows).await;
}

/// The "done when": a fleet on three servers created, listed,
/// migrated, moved, drained and cleaned up through the same calls as on one.
#[tokio::test]
async fn a_fleet_on_three_servers_lives_its_whole_life_through_the_same_commands() {
    use runner::migrate::run::{self, RunOptions};
    let fleet = TestFleet::initialised().await;
    let urls = [
        ("default", runner::testing::server_url()),
        ("second", runner::testing::other_server(0)),
        ("third", runner::testing::other_server(1)),
    ];
    for (name, url) in &urls[1..] {
        servers::add(&fleet.target, name, url, None).await.unwrap();
    }
    let mut created = Vec::new();
    for _ in 0..6 {
        let options = CreateOptions {
            seed: SeedSet::Base,
            ..CreateOptions::default()
        };
        created.push(tenant::create(&fleet.target, &options).await.unwrap());
    }
    let placed: Vec<&str> = created.iter().map(|c| c.server.as_str()).collect();
    assert_eq!(
        placed,
        ["default", "second", "third", "default", "second", "third"]
    );
    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.summary.unchanged, 6, "{:?}", report.summary);

    // `second` is emptied onto the others: drained, its tenants moved.
    servers::drain(&fleet.target, "second", true).await.unwrap();
    for (c, to) in created
        .iter()
        .filter(|c| c.server == "second")
        .zip(["default", "third"])
    {
        let rows = rows_on(&urls[1].1, &c.tenant).await;
        tenant::move_tenant(&fleet.target, &c.tenant, &options(to, 1))
            .await
            .unwrap();
        let home = urls.iter().find(|(n, _)| *n == to).unwrap();
        assert_eq!(rows_on(&home.1, &c.tenant).await, rows);
    }
    let listed = tenant::list(&fleet.target).await.unwrap();
    assert!(listed
        .iter()
        .all(|t| t.state == State::Current && t.server != "second"));
    let removed = servers::remove(&fleet.target, "second").await.unwrap();
    assert_eq!(removed.server, "second");
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");

    // Cleaned up: nothing of the fleet's tenants is left on any server.
    let plan = tenant::plan_cleanup(&fleet.target, tenant::Selection::All)
        .await
        .unwrap();
    assert_eq!(plan.tenants.len(), 6);
    let report = tenant::cleanup(&fleet.target, &plan, |_| {}).await.unwrap();
    assert_eq!(report.dropped.len(), 6, "{report:?}");
    for (_, url) in &urls {
        for c in &created {
            assert_eq!(presence(url, &c.tenant).await, (false, false, None));
        }
    }
}
