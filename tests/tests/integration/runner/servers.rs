//! A fleet over several servers: the registry (`server add | list | drain |
//! remove`), placement of new tenants, and every command that reaches a
//! tenant on its own server; a server stopped mid-life marks its tenants
//! `unreachable` and stops nothing else.

use runner::error::exit;
use runner::migrate::apply::Outcome;
use runner::migrate::run::{self, RunOptions};
use runner::migrate::status::{self, DbState, StatusOptions};
use runner::servers;
use runner::tenant::{self, CreateOptions, State};
use sqlx::{Connection, PgConnection};

use super::fleet::TestFleet;

async fn create_on(
    fleet: &TestFleet,
    server: Option<&str>,
) -> Result<tenant::Created, runner::RunnerError> {
    let options = CreateOptions {
        server: server.map(str::to_owned),
        credentials: true,
        ..CreateOptions::default()
    };
    tenant::create(&fleet.target, &options).await
}

/// Databases on the server at `url` whose name starts with `prefix`.
async fn databases_on(url: &str, prefix: &str) -> Vec<String> {
    let mut admin = PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1",
    )
    .bind(prefix)
    .fetch_all(&mut admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn placement_spreads_tenants_and_honours_capacity_and_drain() {
    let fleet = TestFleet::initialised().await;
    let second = runner::testing::other_server(0);
    let third = runner::testing::other_server(1);
    servers::add(&fleet.target, "second", &second, Some(1))
        .await
        .unwrap();
    servers::add(&fleet.target, "third", &third, None)
        .await
        .unwrap();

    // The fewest tenants first, the master's server on a tie; `second` is
    // full after one.
    let mut placed = Vec::new();
    for _ in 0..4 {
        let created = create_on(&fleet, None).await.unwrap();
        placed.push(created.server.clone());
    }
    assert_eq!(placed, ["default", "second", "third", "default"]);
    let prefix = &fleet.target.tenant_prefix;
    assert_eq!(databases_on(&second, prefix).await, [fleet.tenant(2)]);
    assert_eq!(databases_on(&third, prefix).await, [fleet.tenant(3)]);

    // Each tenant is read on its own server.
    let listed = tenant::list(&fleet.target).await.unwrap();
    let seen: Vec<(String, String, State)> = listed
        .iter()
        .map(|t| (t.tenant.clone(), t.server.clone(), t.state))
        .collect();
    assert_eq!(
        seen,
        [
            (fleet.tenant(1), "default".into(), State::Current),
            (fleet.tenant(2), "second".into(), State::Current),
            (fleet.tenant(3), "third".into(), State::Current),
            (fleet.tenant(4), "default".into(), State::Current),
        ]
    );
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");

    // Draining: no new tenant there; asked for by name, refused.
    servers::drain(&fleet.target, "third", true).await.unwrap();
    assert_eq!(create_on(&fleet, None).await.unwrap().server, "default");
    for (asked, code) in [
        ("third", exit::SERVER_UNAVAILABLE),
        ("second", exit::SERVER_UNAVAILABLE),
        ("nowhere", exit::UNKNOWN_SERVER),
    ] {
        let e = create_on(&fleet, Some(asked)).await.unwrap_err();
        assert_eq!(e.code(), code, "{asked}: {e}");
    }
    servers::drain(&fleet.target, "third", false).await.unwrap();
    assert_eq!(
        create_on(&fleet, Some("third")).await.unwrap().server,
        "third"
    );

    let listed = servers::list(&fleet.target).await.unwrap();
    let counts: Vec<(String, i64, bool)> = listed
        .iter()
        .map(|s| (s.name.clone(), s.tenants, s.reachable))
        .collect();
    assert_eq!(
        counts,
        [
            ("default".into(), 3, true),
            ("second".into(), 1, true),
            ("third".into(), 2, true),
        ]
    );
    assert!(
        listed.iter().all(|s| s.size_bytes.unwrap() > 0),
        "{listed:#?}"
    );

    // Credentials reach the tenant on its server.
    let rotated = tenant::rotate_credentials(&fleet.target, &fleet.tenant(3))
        .await
        .unwrap();
    let mut login = PgConnection::connect(&rotated.url).await.unwrap();
    let on: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut login)
        .await
        .unwrap();
    assert_eq!(on, fleet.tenant(3));
    login.close().await.unwrap();

    // A server holding tenants is not removed; emptied, it is, with its template.
    let e = servers::remove(&fleet.target, "second").await.unwrap_err();
    assert_eq!(e.code(), exit::SERVER_UNAVAILABLE, "{e}");
    assert!(e.to_string().contains(&fleet.tenant(2)), "{e}");
    tenant::drop(&fleet.target, &fleet.tenant(2)).await.unwrap();
    assert!(databases_on(&second, prefix).await.is_empty());
    let removed = servers::remove(&fleet.target, "second").await.unwrap();
    assert_eq!(removed.templates_dropped.len(), 1, "{removed:?}");
    assert!(databases_on(&second, &removed.templates_dropped[0])
        .await
        .is_empty());
    let e = servers::remove(&fleet.target, "default").await.unwrap_err();
    assert_eq!(e.code(), exit::SERVER_UNAVAILABLE);
}

#[tokio::test]
async fn a_server_is_added_only_when_it_is_new_reachable_and_given_without_a_password() {
    let fleet = TestFleet::initialised().await;
    let other = runner::testing::other_server(0);
    let refused = [
        ("default", other.clone(), exit::INVALID_INPUT),
        ("Bad-Name", other.clone(), exit::INVALID_INPUT),
        (
            "pw",
            "postgres://ana:secret@localhost:1/postgres".to_owned(),
            exit::INVALID_INPUT,
        ),
        // The master's own server, under another name.
        ("home", runner::testing::server_url(), exit::INVALID_INPUT),
        // Nothing listens there.
        (
            "gone",
            "postgres://postgres@127.0.0.1:1/postgres".to_owned(),
            exit::UNREACHABLE,
        ),
    ];
    for (name, url, code) in refused {
        let e = servers::add(&fleet.target, name, &url, None)
            .await
            .unwrap_err();
        assert_eq!(e.code(), code, "{name}: {e}");
        assert!(!e.to_string().contains("secret"), "{e}");
    }
    servers::add(&fleet.target, "eu", &other, None)
        .await
        .unwrap();
    // The same server twice, under a second name.
    let e = servers::add(&fleet.target, "eu_again", &other, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), exit::INVALID_INPUT, "{e}");
    assert!(e.to_string().contains("`eu`"), "{e}");
    let names: Vec<String> = servers::list(&fleet.target)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["default", "eu"]);
}

#[tokio::test]
async fn a_stopped_server_marks_its_tenants_unreachable_and_stops_nothing_else() {
    let fleet = TestFleet::initialised().await;
    let (url, cluster) = runner::testing::own_server("stopped");
    servers::add(&fleet.target, "flaky", &url, None)
        .await
        .unwrap();
    let home = create_on(&fleet, Some("default")).await.unwrap();
    let away = create_on(&fleet, Some("flaky")).await.unwrap();
    cluster.stop().unwrap();

    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    let state = |name: &str| {
        st.groups
            .iter()
            .find(|g| g.databases.iter().any(|d| d == name))
            .map(|g| g.state)
            .unwrap()
    };
    assert_eq!(state(&home.tenant), DbState::Current, "{st:#?}");
    assert_eq!(state(&away.tenant), DbState::Unreachable, "{st:#?}");

    let listed = tenant::list(&fleet.target).await.unwrap();
    let away_info = listed.iter().find(|t| t.tenant == away.tenant).unwrap();
    assert_eq!(away_info.state, State::Unreachable, "{listed:#?}");

    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    let outcome = |name: &str| {
        report
            .tenants
            .iter()
            .find(|t| t.database == name)
            .map(|t| t.outcome)
    };
    assert_eq!(
        outcome(&home.tenant),
        Some(Outcome::Unchanged),
        "{report:#?}"
    );
    assert_eq!(outcome(&away.tenant), Some(Outcome::Failed), "{report:#?}");
    let listed = servers::list(&fleet.target).await.unwrap();
    assert!(!listed.iter().find(|s| s.name == "flaky").unwrap().reachable);
    // Asked for, the create fails before anything is recorded or made.
    let e = create_on(&fleet, Some("flaky")).await.unwrap_err();
    assert_eq!(e.code(), exit::UNREACHABLE, "{e}");
    assert_eq!(
        fleet.records().await.len(),
        2,
        "{:?}",
        fleet.records().await
    );

    cluster.start().unwrap();
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");
}

#[tokio::test]
async fn diff_migrate_and_cleanup_reach_each_tenant_on_its_server() {
    let fleet = TestFleet::initialised().await;
    servers::add(
        &fleet.target,
        "second",
        &runner::testing::other_server(0),
        None,
    )
    .await
    .unwrap();
    let away = create_on(&fleet, Some("second")).await.unwrap();
    let login = away.credentials.clone().unwrap();
    // Changed by hand where it lives.
    let mut admin = PgConnection::connect(&runner::testing::with_database(
        &runner::testing::other_server(0),
        &away.tenant,
    ))
    .await
    .unwrap();
    sqlx::Executor::execute(&mut admin, "ALTER TABLE rooms DROP COLUMN color")
        .await
        .unwrap();
    admin.close().await.unwrap();

    let planned = runner::migrate::diff::for_database(
        &fleet.target,
        &runner::migrate::diff::Which::Tenant(away.tenant.clone()),
        &Default::default(),
    )
    .await
    .unwrap();
    assert!(!planned.assessed.plan.steps.is_empty(), "{planned:#?}");

    let report = run::migrate(&fleet.target, &RunOptions::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.tenants[0].outcome, Outcome::Migrated, "{report:#?}");
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");
    let mut app = PgConnection::connect(&login.url).await.unwrap();
    sqlx::query("SELECT color FROM rooms")
        .fetch_all(&mut app)
        .await
        .unwrap();
    app.close().await.unwrap();

    // Cleanup drops it there, with its role.
    let plan = tenant::plan_cleanup(&fleet.target, tenant::Selection::All)
        .await
        .unwrap();
    let cleaned = tenant::cleanup(&fleet.target, &plan, |_| {}).await.unwrap();
    assert_eq!(cleaned.dropped, vec![away.tenant.clone()], "{cleaned:#?}");
    let prefix = &fleet.target.tenant_prefix;
    assert!(databases_on(&runner::testing::other_server(0), prefix)
        .await
        .is_empty());
}

#[tokio::test]
async fn a_second_masters_tenants_on_a_shared_server_are_never_touched() {
    let ours = TestFleet::initialised().await;
    let theirs = TestFleet::initialised().await;
    let shared = runner::testing::other_server(1);
    servers::add(&ours.target, "shared", &shared, None)
        .await
        .unwrap();
    servers::add(&theirs.target, "shared", &shared, None)
        .await
        .unwrap();
    let mine = create_on(&ours, Some("shared")).await.unwrap();
    let other = create_on(&theirs, Some("shared")).await.unwrap();

    // Their tenant, seen from our master: not ours, never dropped.
    let e = tenant::drop(&ours.target, &other.tenant).await.unwrap_err();
    assert_ne!(e.code(), 0);
    let plan = tenant::plan_cleanup(&ours.target, tenant::Selection::All)
        .await
        .unwrap();
    let cleaned = tenant::cleanup(&ours.target, &plan, |_| {}).await.unwrap();
    assert_eq!(cleaned.dropped, vec![mine.tenant.clone()], "{cleaned:#?}");
    assert_eq!(
        databases_on(&shared, &theirs.target.tenant_prefix).await,
        vec![other.tenant.clone()]
    );
    // Our server entry goes; theirs still works.
    servers::remove(&ours.target, "shared").await.unwrap();
    let st = status::status(&theirs.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");
}

#[tokio::test]
async fn each_server_keeps_a_pool_of_its_own() {
    let fleet = TestFleet::initialised().await;
    let second = runner::testing::other_server(0);
    servers::add(&fleet.target, "second", &second, None)
        .await
        .unwrap();
    let filled = tenant::pool::fill(&fleet.target, 1, None).await.unwrap();
    let made: Vec<(String, usize)> = filled
        .iter()
        .map(|r| (r.server.clone(), r.made.len()))
        .collect();
    assert_eq!(made, [("default".into(), 1), ("second".into(), 1)]);
    let listed = servers::list(&fleet.target).await.unwrap();
    assert!(listed.iter().all(|s| s.pool == 1), "{listed:#?}");

    let created = create_on(&fleet, Some("second")).await.unwrap();
    assert_eq!(created.method, runner::template::Method::Pooled);
    let login = PgConnection::connect(&created.credentials.unwrap().url)
        .await
        .unwrap();
    login.close().await.unwrap();

    // Removing the server takes its spares and template with it.
    tenant::drop(&fleet.target, &created.tenant).await.unwrap();
    tenant::pool::fill(&fleet.target, 1, Some("second"))
        .await
        .unwrap();
    let removed = servers::remove(&fleet.target, "second").await.unwrap();
    assert_eq!(removed.templates_dropped.len(), 2, "{removed:?}");
    for name in &removed.templates_dropped {
        assert!(databases_on(&second, name).await.is_empty());
    }
}
