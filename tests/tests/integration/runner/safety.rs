//! The runner touches only what it can prove it made: a second master on the
//! same server, databases and roles made by hand or by other tools, forged
//! records, application databases given as a master.

use runner::bookkeeping::ownership::{self, Kind};
use runner::error::exit;
use runner::migrate::status::{self, DbState, StatusOptions};
use runner::tenant::{self, CreateOptions, SeedSet, Selection, State};
use sqlx::Executor;

use super::fleet::TestFleet;

#[tokio::test]
async fn a_second_master_on_the_same_server_never_touches_the_first_ones_tenants() {
    let first = TestFleet::initialised().await;
    let mut theirs = Vec::new();
    for _ in 0..3 {
        let options = CreateOptions {
            seed: SeedSet::Base,
            ..CreateOptions::default()
        };
        theirs.push(
            tenant::create(&first.target, &options)
                .await
                .unwrap()
                .tenant,
        );
    }
    tenant::protect(&first.target, &theirs[0], true)
        .await
        .unwrap();

    // `--master-db staging_master`, same server, same tenant prefix.
    let staging = TestFleet::named(
        &format!("{}_staging", first.target.master_db),
        &first.target.tenant_prefix,
    );
    runner::master::init(&staging.target).await.unwrap();
    let own = tenant::create(&staging.target, &CreateOptions::default())
        .await
        .unwrap()
        .tenant;
    assert_eq!(
        own,
        first.tenant(4),
        "the numbers of the first master are skipped"
    );

    let listed = tenant::list(&staging.target).await.unwrap();
    for t in listed.iter().filter(|t| theirs.contains(&t.tenant)) {
        assert_eq!(t.state, State::Unregistered, "{t:?}");
        assert!(!t.owned);
        assert!(
            t.note.as_deref().unwrap().contains("another master"),
            "{t:?}"
        );
    }
    for name in &theirs {
        for err in [
            tenant::drop(&staging.target, name).await.unwrap_err(),
            tenant::protect(&staging.target, name, false)
                .await
                .unwrap_err(),
            tenant::rotate_credentials(&staging.target, name)
                .await
                .unwrap_err(),
        ] {
            assert_eq!(err.code(), exit::NOT_OWNED, "{name}: {err}");
        }
    }
    let plan = tenant::plan_cleanup(&staging.target, Selection::All)
        .await
        .unwrap();
    let planned: Vec<&str> = plan.tenants.iter().map(|t| t.tenant.as_str()).collect();
    assert_eq!(planned, vec![own.as_str()]);
    tenant::cleanup(&staging.target, &plan, |_| {})
        .await
        .unwrap();
    tenant::repair_all(&staging.target).await.unwrap();

    // The first master's fleet is whole: registered, current, seeded, protected.
    let listed = tenant::list(&first.target).await.unwrap();
    let states: Vec<(&str, State, bool)> = listed
        .iter()
        .filter(|t| t.owned)
        .map(|t| (t.tenant.as_str(), t.state, t.protected))
        .collect();
    assert_eq!(
        states,
        vec![
            (theirs[0].as_str(), State::Current, true),
            (theirs[1].as_str(), State::Current, false),
            (theirs[2].as_str(), State::Current, false),
        ]
    );
    for name in &theirs {
        assert!(first.role_exists(name).await);
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
            .fetch_one(&mut first.target.connect(name).await.unwrap())
            .await
            .unwrap();
        assert_eq!(rows, 6, "{name} keeps its data");
    }
}

/// After a first create, the next number starts from the master's mark and
/// each candidate is looked up by name: names taken since just above it are
/// skipped, one far above does not move the numbering, and a run of taken
/// names (another master with the same prefix) makes the next look above
/// every name. A mark set back (a master restored from an older backup)
/// never hands out a name its own records hold.
#[tokio::test]
async fn tenant_numbers_follow_the_masters_mark_and_skip_names_taken_since() {
    let fleet = TestFleet::initialised().await;
    let options = CreateOptions::default();
    let create = || tenant::create(&fleet.target, &options);
    let mark = || async {
        let mark: i64 = sqlx::query_scalar("SELECT highest FROM rsm.allocation WHERE prefix = $1")
            .bind(&fleet.target.tenant_prefix)
            .fetch_one(&mut fleet.master().await)
            .await
            .unwrap();
        mark
    };
    assert_eq!(create().await.unwrap().tenant, fleet.tenant(1));
    assert_eq!(mark().await, 1);

    fleet.foreign_database(&fleet.tenant(2), 1).await;
    let role = fleet.tenant(3);
    fleet.by_hand(&format!("CREATE ROLE \"{role}\"")).await;
    fleet.foreign_database(&fleet.tenant(900), 1).await;
    assert_eq!(
        create().await.unwrap().tenant,
        fleet.tenant(4),
        "the names taken are skipped; the one far above changes nothing"
    );
    assert_eq!(mark().await, 4);

    for n in 5..=8 {
        fleet.foreign_database(&fleet.tenant(n), 1).await;
    }
    assert_eq!(
        create().await.unwrap().tenant,
        fleet.tenant(901),
        "after four taken in a row, above every name"
    );

    fleet
        .master()
        .await
        .execute("UPDATE rsm.allocation SET highest = 0")
        .await
        .unwrap();
    assert_eq!(create().await.unwrap().tenant, fleet.tenant(902));
    assert_eq!(mark().await, 902);
    assert!(
        fleet.role_exists(&role).await,
        "the role made by hand stays"
    );
}

/// A tenant every role may connect to (PUBLIC given CONNECT by hand, or
/// left so by a runner before the fix of 2026-12-07) is reported by `tenant
/// list`, with the statements that close it; closed, it is reported no more.
#[tokio::test]
async fn a_tenant_every_role_may_connect_to_is_reported_with_its_fix() {
    let fleet = TestFleet::initialised().await;
    let options = CreateOptions::default();
    let open = tenant::create(&fleet.target, &options)
        .await
        .unwrap()
        .tenant;
    let closed = tenant::create(&fleet.target, &options)
        .await
        .unwrap()
        .tenant;
    fleet
        .by_hand(&format!("GRANT CONNECT ON DATABASE \"{open}\" TO PUBLIC"))
        .await;
    let exposed = || async {
        tenant::list(&fleet.target)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.open_to_every_role)
            .map(|t| t.tenant)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        exposed().await,
        vec![open.clone()],
        "{closed} is its role's alone"
    );

    fleet.by_hand(&tenant::exposure_fix(&open)).await;
    assert_eq!(exposed().await, Vec::<String>::new());
    // The fix leaves the tenant's own role its connection.
    let can: bool = sqlx::query_scalar("SELECT has_database_privilege($1, $1, 'CONNECT')")
        .bind(&open)
        .fetch_one(&mut fleet.admin().await)
        .await
        .unwrap();
    assert!(can);
}

#[tokio::test]
async fn databases_and_roles_named_like_tenants_are_reported_never_dropped() {
    let fleet = TestFleet::initialised().await;
    // A database made by hand with data, one recorded by a forged intent row,
    // and a login role named like the next tenant.
    let by_hand = fleet.tenant(9999);
    fleet.foreign_database(&by_hand, 1_000).await;
    let forged = fleet.tenant(500);
    fleet.foreign_database(&forged, 10).await;
    let mut master = fleet.master().await;
    ownership::record_intent(&mut master, &forged, Kind::Tenant, None, "default")
        .await
        .unwrap();
    let mut admin = fleet.admin().await;
    let role = fleet.tenant(10000);
    admin
        .execute(format!("CREATE ROLE \"{role}\" LOGIN").as_str())
        .await
        .unwrap();

    let made = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(made.tenant, fleet.tenant(10001), "taken names are skipped");
    let plan = tenant::plan_cleanup(&fleet.target, Selection::All)
        .await
        .unwrap();
    tenant::cleanup(&fleet.target, &plan, |_| {}).await.unwrap();
    tenant::repair_all(&fleet.target).await.unwrap();

    for (db, rows) in [(&by_hand, 1_000i64), (&forged, 10)] {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
            .fetch_one(&mut fleet.target.connect(db).await.unwrap())
            .await
            .unwrap();
        assert_eq!(n, rows, "{db} is untouched");
    }
    assert!(
        fleet.role_exists(&role).await,
        "the role made by hand stays"
    );
    let listed = tenant::list(&fleet.target).await.unwrap();
    let by_hand_listed = listed.iter().find(|t| t.tenant == by_hand).unwrap();
    assert_eq!(by_hand_listed.state, State::Unregistered);
    assert!(by_hand_listed
        .note
        .as_deref()
        .unwrap()
        .contains("not made by this runner"));
    let err = tenant::drop(&fleet.target, &by_hand).await.unwrap_err();
    assert_eq!(err.code(), exit::NOT_OWNED);

    // `status` lists it; only `--strict` counts it against the fleet.
    let read = |strict| {
        let target = fleet.target.clone();
        async move {
            let options = StatusOptions {
                strict,
                ..StatusOptions::default()
            };
            status::status(&target, &options).await.unwrap()
        }
    };
    let (plain, strict) = (read(false).await, read(true).await);
    assert!(plain.unregistered >= 1, "{plain:#?}");
    assert!(!strict.all_current, "{strict:#?}");
    let rest_current = plain
        .groups
        .iter()
        .filter(|g| g.state != DbState::Unregistered)
        .all(|g| g.state == DbState::Current);
    assert_eq!(plain.all_current, rest_current, "{plain:#?}");
}

#[tokio::test]
async fn master_init_refuses_an_application_database_a_tenant_and_system_names_untouched() {
    let fleet = TestFleet::initialised().await;
    let made = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();

    // An application's database given as the master: refused, and not even
    // its CONNECT privilege changed.
    let app = format!("{}_someapp", fleet.target.master_db);
    fleet.foreign_database(&app, 5).await;
    let someapp = TestFleet::named(&app, &format!("{}app_", fleet.target.tenant_prefix));
    let mut admin = fleet.admin().await;
    let before = acl(&mut admin, &app).await;
    let err = runner::master::init(&someapp.target).await.unwrap_err();
    assert_eq!(err.code(), exit::UNKNOWN_SCHEMA, "{err}");
    assert!(err.to_string().contains("customers"), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(acl(&mut admin, &app).await, before);
    let has_rsm: bool = sqlx::query_scalar("SELECT to_regnamespace('rsm') IS NOT NULL")
        .fetch_one(&mut someapp.master().await)
        .await
        .unwrap();
    assert!(!has_rsm);

    // A tenant given as the master: refused too.
    let as_master = TestFleet::named(&made.tenant, "other_prefix_");
    let err = runner::master::init(&as_master.target).await.unwrap_err();
    assert_eq!(err.code(), exit::UNKNOWN_SCHEMA, "{err}");
    assert!(err.to_string().contains("tenant stamp"), "{err}");
    std::mem::forget(as_master); // its "master" is the first fleet's tenant

    // A database that is not an initialised master, for tenant commands.
    let err = tenant::create(&someapp.target, &CreateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::MASTER_NOT_READY, "{err}");
}

async fn acl(admin: &mut sqlx::PgConnection, db: &str) -> Option<String> {
    sqlx::query_scalar("SELECT datacl::text FROM pg_database WHERE datname = $1")
        .bind(db)
        .fetch_one(admin)
        .await
        .unwrap()
}
