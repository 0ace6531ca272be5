//! Master init, tenant creation, access, listing, dropping, cleanup, seeding
//! and bad input, one runner at a time.

use runner::bookkeeping::ownership::{self, Identity};
use runner::error::exit;
use runner::target::Target;
use runner::template::{self, Method};
use runner::tenant::{self, CreateOptions, SeedSet, Selection, State};
use runner::RunnerError;
use sqlx::{Connection, Executor, PgConnection};

use super::fleet::TestFleet;

async fn identity(fleet: &TestFleet) -> Identity {
    ownership::read_identity(&mut fleet.master().await)
        .await
        .unwrap()
        .expect("an initialised master")
}

#[tokio::test]
async fn master_init_is_idempotent_and_refuses_a_foreign_schema() {
    let fleet = TestFleet::new();
    let first = runner::master::init(&fleet.target).await.unwrap();
    assert!(first.created_database && first.created_schema && !first.adopted);
    assert_eq!(first.plans_inserted, 4);
    assert_eq!(first.master_id.len(), 32);
    let second = runner::master::init(&fleet.target).await.unwrap();
    assert!(!second.created_database && !second.created_schema);
    assert_eq!(second.plans_inserted, 0);
    assert_eq!(second.master_id, first.master_id, "the identity is kept");

    // A database holding something else is refused, untouched.
    let mut master = fleet.master().await;
    master.execute("CREATE TABLE stray (id int)").await.unwrap();
    let err = runner::master::init(&fleet.target).await.unwrap_err();
    assert!(matches!(err, RunnerError::UnknownSchema { .. }), "{err}");
    assert_eq!(err.code(), exit::UNKNOWN_SCHEMA);
    assert!(err.to_string().contains("stray"), "{err}");
}

#[tokio::test]
async fn a_master_made_by_other_tools_is_adopted_and_column_order_does_not_matter() {
    let fleet = TestFleet::new();
    let mut admin = fleet.admin().await;
    admin
        .execute(format!("CREATE DATABASE \"{}\"", fleet.target.master_db).as_str())
        .await
        .unwrap();
    let mut master = fleet.master().await;
    sqlx::raw_sql(&runner::schema::sql_script(schema_core::DbKind::Master))
        .execute(&mut master)
        .await
        .unwrap();
    // Column order changed the way `ALTER TABLE ... ADD COLUMN` changes it.
    master
        .execute("ALTER TABLE ai_credits DROP COLUMN updated_at; ALTER TABLE ai_credits ADD COLUMN updated_at timestamp NOT NULL DEFAULT now()")
        .await
        .unwrap();
    master
        .execute("INSERT INTO users (email) VALUES ('kept@example.com')")
        .await
        .unwrap();
    let report = runner::master::init(&fleet.target).await.unwrap();
    assert!(report.adopted && !report.created_schema, "{report:?}");
    let kept: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'kept@example.com'")
            .fetch_one(&mut master)
            .await
            .unwrap();
    assert_eq!(kept, 1, "adopting changes no row");
    tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_tenant_is_registered_stamped_seeded_and_cloned_from_the_template() {
    let fleet = TestFleet::initialised().await;
    let options = CreateOptions {
        name: Some("Studio Nord & Fils".into()),
        seed: SeedSet::Base,
        ..CreateOptions::default()
    };
    let mut steps = Vec::new();
    let created = tenant::create_reporting(&fleet.target, &options, &mut |step| {
        steps.push(step.to_owned())
    })
    .await
    .unwrap();
    assert_eq!(steps, ["database", "role", "stamp", "base", "register"]);
    assert_eq!(steps.len(), tenant::progress_steps(SeedSet::Base));
    assert_eq!(created.tenant, fleet.tenant(1));
    assert_eq!(created.method, Method::Cloned);
    assert_eq!(created.slug, "studio-nord-fils");
    assert_eq!(created.rows, 46);
    assert!(created.credentials.is_none(), "credentials only when asked");

    let listed = tenant::list(&fleet.target).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, State::Current);
    assert!(listed[0].owned);
    assert_eq!(
        listed[0].fingerprint.as_deref(),
        Some(runner::app::declared().tenant_fingerprint())
    );
    assert_eq!(fleet.registry_counts().await, (1, 1, 1));
    assert_eq!(
        fleet.records().await,
        vec![(created.tenant.clone(), "ready".to_owned())]
    );

    // Marked with the master's identity: owned by its role, stamped with its id.
    let identity = identity(&fleet).await;
    let mut admin = fleet.admin().await;
    assert_eq!(
        ownership::database_owner(&mut admin, &created.tenant)
            .await
            .unwrap(),
        Some(identity.owner_role())
    );
    let mut conn = fleet.target.connect(&created.tenant).await.unwrap();
    let stamp = runner::bookkeeping::stamp::read(&mut conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stamp.master_id.as_deref(),
        Some(identity.master_id.as_str())
    );
    assert_eq!(stamp.seeded_rows, 46);

    // The tenant holds exactly the compiled schema in `public`.
    let actual = schema_model::introspect::introspect(&mut conn, "public")
        .await
        .unwrap();
    let expected =
        schema_model::model::Schema::from_def(schema_defs::schema(schema_core::DbKind::Tenant));
    assert_eq!(schema_model::compare::compare(&expected, &actual), vec![]);

    // The next one gets the next number.
    let second = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(second.tenant, fleet.tenant(2));
    assert_eq!(second.organization, "Studio 2");
}

#[tokio::test]
async fn organization_names_in_any_script_are_slugged_and_collisions_resolved_up_front() {
    let fleet = TestFleet::initialised().await;
    let create = |name: &str| {
        let target = fleet.target.clone();
        let options = CreateOptions {
            name: Some(name.to_owned()),
            ..CreateOptions::default()
        };
        async move { tenant::create(&target, &options).await.unwrap() }
    };
    let apostrophe = create("L’Atelier d'Été").await;
    assert_eq!(apostrophe.organization, "L’Atelier d'Été");
    assert_eq!(apostrophe.slug, "latelier-dete");
    let cyrillic = create("Студия Звук").await;
    assert_eq!(cyrillic.slug, "studiia-zvuk");
    // Two names with one slug, created at the same time: both made, the
    // second slug numbered, no clone wasted on a collision.
    let (a, b) = tokio::join!(create("Studio Nord"), create("Studio-Nord"));
    let mut slugs = vec![a.slug, b.slug];
    slugs.sort();
    assert_eq!(slugs[0], "studio-nord");
    assert!(slugs[1].starts_with("studio-nord-"), "{slugs:?}");
    // A user holding the owner address a slug would give: that slug is
    // passed over before the clone, not found taken after it.
    let devanagari = create("स्टूडियो").await;
    assert!(!devanagari.slug.is_empty());
    sqlx::query("INSERT INTO users (email) VALUES ('owner@studio-sud.example')")
        .execute(&mut fleet.master().await)
        .await
        .unwrap();
    let sud = create("Studio Sud").await;
    assert!(sud.slug.starts_with("studio-sud-"), "{}", sud.slug);
}

#[tokio::test]
async fn a_tenant_role_reaches_its_own_database_only_within_its_connection_limit() {
    let fleet = TestFleet::initialised().await;
    let with_credentials = CreateOptions {
        credentials: true,
        seed: SeedSet::Base,
        connection_limit: 2,
        ..CreateOptions::default()
    };
    let a = tenant::create(&fleet.target, &with_credentials)
        .await
        .unwrap();
    let b = tenant::create(&fleet.target, &with_credentials)
        .await
        .unwrap();
    let a_login = a.credentials.unwrap();

    // Its own database: connects, reads and writes its tables.
    let mut own = PgConnection::connect(&a_login.url).await.unwrap();
    let clients: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
        .fetch_one(&mut own)
        .await
        .unwrap();
    assert_eq!(clients, 6);
    sqlx::query("INSERT INTO task_types (name, hourly_rate) VALUES ('Edit', 40)")
        .execute(&mut own)
        .await
        .unwrap();

    // At most `connection_limit` connections: one tenant cannot take every slot.
    let _second = PgConnection::connect(&a_login.url).await.unwrap();
    let err = PgConnection::connect(&a_login.url).await.unwrap_err();
    assert!(err.to_string().contains("too many connections"), "{err}");
    drop(own);

    // Another tenant's database, the master, and the server's own databases:
    // refused (the harness's cluster is closed as the runner's is). On a server
    // the runner does not manage, the exposure is reported with its fix.
    // The URL's path is the database: `.../tenant?host=...` or `.../tenant`.
    let on = |db: &str| match a_login.url.split_once('?') {
        Some((base, query)) => format!("{}/{db}?{query}", base.rsplit_once('/').unwrap().0),
        None => format!("{}/{db}", a_login.url.rsplit_once('/').unwrap().0),
    };
    let mut admin = fleet.admin().await;
    let exposed = tenant::public_exposure(&mut admin).await.unwrap();
    let mut refused = vec![b.tenant.clone(), fleet.target.master_db.clone()];
    if exposed.is_empty() {
        refused.extend(["postgres".to_owned(), "template1".to_owned()]);
    } else {
        assert!(
            exposed.iter().all(|w| w.contains("REVOKE CONNECT")),
            "{exposed:?}"
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    for db in refused {
        let err = PgConnection::connect(&on(&db)).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{db}: {err}");
    }

    // The server stores a SCRAM verifier; the password is never sent to it.
    let stored: String = sqlx::query_scalar("SELECT rolpassword FROM pg_authid WHERE rolname = $1")
        .bind(&a.tenant)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert!(stored.starts_with("SCRAM-SHA-256$4096:"), "{stored}");

    // Rotating a password yields a working login and retires the old one.
    let rotated = tenant::rotate_credentials(&fleet.target, &b.tenant)
        .await
        .unwrap();
    let old = b.credentials.unwrap();
    assert_ne!(rotated.password, old.password);
    PgConnection::connect(&rotated.url).await.unwrap();
    if runner::testing::own_cluster() {
        let err = PgConnection::connect(&old.url).await.unwrap_err();
        assert!(
            err.to_string().contains("password authentication failed"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn drop_and_cleanup_respect_protection_and_never_touch_what_is_not_theirs() {
    let fleet = TestFleet::initialised().await;
    let mut names = Vec::new();
    for _ in 0..4 {
        names.push(
            tenant::create(&fleet.target, &CreateOptions::default())
                .await
                .unwrap()
                .tenant,
        );
    }
    tenant::protect(&fleet.target, &names[0], true)
        .await
        .unwrap();
    let err = tenant::drop(&fleet.target, &names[0]).await.unwrap_err();
    assert!(matches!(err, RunnerError::Protected { .. }));
    assert_eq!(err.code(), exit::PROTECTED);

    let dropped = tenant::drop(&fleet.target, &names[1]).await.unwrap();
    assert!(dropped.database && dropped.role && dropped.registry_rows);
    assert_eq!(
        fleet.registry_counts().await,
        (3, 3, 3),
        "registry rows, organization and owner go too"
    );
    assert!(!fleet.role_exists(&names[1]).await);

    // A registry row whose database was dropped by hand, and a database named
    // like a tenant that someone made, with data.
    let mut admin = fleet.admin().await;
    admin
        .execute(format!("DROP DATABASE \"{}\" WITH (FORCE)", names[2]).as_str())
        .await
        .unwrap();
    let stray = fleet.tenant(99);
    fleet.foreign_database(&stray, 1_000).await;
    let states: Vec<(String, State)> = tenant::list(&fleet.target)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.tenant, t.state))
        .collect();
    assert!(
        states.contains(&(names[2].clone(), State::Dangling)),
        "{states:?}"
    );
    assert!(
        states.contains(&(stray.clone(), State::Unregistered)),
        "{states:?}"
    );
    let err = tenant::drop(&fleet.target, &stray).await.unwrap_err();
    assert_eq!(err.code(), exit::NOT_OWNED, "{err}");

    // Young tenants are kept by --older-than.
    let plan = tenant::plan_cleanup(
        &fleet.target,
        Selection::OlderThan(chrono::Duration::hours(1)),
    )
    .await
    .unwrap();
    assert!(
        plan.tenants.is_empty() && plan.orphans.is_empty(),
        "{plan:?}"
    );

    // --all: every unprotected tenant of this master; the protected one and
    // the stray database are kept, each with its reason.
    let plan = tenant::plan_cleanup(&fleet.target, Selection::All)
        .await
        .unwrap();
    let planned: Vec<&str> = plan.tenants.iter().map(|t| t.tenant.as_str()).collect();
    assert_eq!(planned, vec![names[2].as_str(), names[3].as_str()]);
    let kept: Vec<&str> = plan.kept.iter().map(|k| k.tenant.as_str()).collect();
    assert_eq!(kept, vec![names[0].as_str(), stray.as_str()]);
    let report = tenant::cleanup(&fleet.target, &plan, |_| {}).await.unwrap();
    assert_eq!(report.dropped, vec![names[2].clone(), names[3].clone()]);
    let left: Vec<String> = tenant::list(&fleet.target)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.tenant)
        .collect();
    assert_eq!(left, vec![names[0].clone(), stray.clone()]);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&mut fleet.target.connect(&stray).await.unwrap())
        .await
        .unwrap();
    assert_eq!(rows, 1_000, "the stray database is untouched");
}

#[tokio::test]
async fn seeding_goes_into_an_empty_tenant_and_says_what_it_did() {
    let fleet = TestFleet::initialised().await;
    let made = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    let seeded = tenant::seed_existing(&fleet.target, &made.tenant, SeedSet::Base, 1, 1)
        .await
        .unwrap();
    assert_eq!(seeded.inserted, 46);
    let err = tenant::seed_existing(&fleet.target, &made.tenant, SeedSet::Base, 1, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::NOT_EMPTY, "{err}");
    assert!(err.to_string().contains("46 rows"), "{err}");
    let err = tenant::seed_existing(&fleet.target, &made.tenant, SeedSet::None, 1, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::INVALID_INPUT, "{err}");
    let err = tenant::seed_existing(&fleet.target, &made.tenant, SeedSet::Base, 0, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::INVALID_INPUT, "{err}");
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_touched() {
    let url = runner::testing::server_url();
    for (master, prefix) in [
        ("a;b", "t_"),
        ("rsm_master", "t'"),
        ("select", "t_"),
        (&*"m".repeat(64), "t_"),
        ("postgres", "t_"),
        ("template1", "t_"),
        ("t_1", "t_"),
        ("rsm_master", "template"),
    ] {
        let err = Target::from_url(&url, master, prefix).unwrap_err();
        assert_eq!(
            err.code(),
            exit::INVALID_INPUT,
            "{master:?} {prefix:?}: {err}"
        );
    }
    for bad_url in ["mysql://u@h/db", "user:pw", "http://h/x"] {
        let err = Target::from_url(bad_url, "m", "t_").unwrap_err();
        assert_eq!(err.code(), exit::INVALID_INPUT, "{bad_url}: {err}");
    }

    let fleet = TestFleet::initialised().await;
    for hostile in [
        CreateOptions {
            name: Some("x'; DROP DATABASE postgres; --".into()),
            ..CreateOptions::default()
        },
        CreateOptions {
            scale: u64::MAX,
            ..CreateOptions::default()
        },
        CreateOptions {
            connection_limit: 0,
            ..CreateOptions::default()
        },
    ] {
        let err = tenant::create(&fleet.target, &hostile).await.unwrap_err();
        assert_eq!(err.code(), exit::INVALID_INPUT, "{err}");
    }
    assert_eq!(fleet.leftovers().await, (vec![], vec![]));
    assert_eq!(fleet.records().await, vec![]);
    let err = tenant::drop(&fleet.target, "tenant_1\"; DROP")
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::INVALID_INPUT, "{err}");
    let err = tenant::drop(&fleet.target, &fleet.tenant(7))
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::UNKNOWN_TENANT, "unknown tenant: {err}");

    // No master yet; a database that is not a master.
    let empty = TestFleet::new();
    let err = tenant::create(&empty.target, &CreateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::MASTER_NOT_READY, "{err}");
    assert!(err.to_string().contains("runner master init"), "{err}");

    // Nobody listening; a refused login.
    let port = runner::cluster::free_port().unwrap();
    let nowhere = Target::from_url(
        &format!("postgres://u:hunter2@127.0.0.1:{port}/x"),
        "m",
        "t_",
    )
    .unwrap();
    let err = runner::master::init(&nowhere).await.unwrap_err();
    assert_eq!(err.code(), exit::UNREACHABLE, "{err}");
    assert!(
        !err.to_string().contains("hunter2"),
        "no password in errors: {err}"
    );
    let made = tenant::create(
        &fleet.target,
        &CreateOptions {
            credentials: true,
            ..CreateOptions::default()
        },
    )
    .await
    .unwrap();
    let login = made.credentials.unwrap();
    let wrong = login.url.replace(&login.password, "not-the-password");
    let as_tenant = Target::from_url(&wrong, "m", "t_").unwrap();
    if runner::testing::own_cluster() {
        let err = as_tenant.connect(&made.tenant).await.unwrap_err();
        assert_eq!(err.code(), exit::PERMISSION_DENIED, "{err}");
    }
    let err = as_tenant
        .connect(&fleet.target.master_db)
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::PERMISSION_DENIED, "{err}");

    // A tenant stamped with another schema.
    let mut conn = fleet.target.connect(&made.tenant).await.unwrap();
    conn.execute("UPDATE rsm.stamp SET fingerprint = '0000000000000000'")
        .await
        .unwrap();
    let err = tenant::seed_existing(&fleet.target, &made.tenant, SeedSet::Base, 1, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::FINGERPRINT_MISMATCH, "{err}");
    assert!(err.to_string().contains("0000000000000000"));
}

#[tokio::test]
async fn a_busy_template_falls_back_to_ddl_and_old_templates_of_this_master_are_replaced() {
    let fleet = TestFleet::initialised().await;
    tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    let identity = identity(&fleet).await;
    let template = template::template_name(
        &identity,
        runner::app::declared().tenant_fingerprint(),
        "default",
    );
    // Someone connected to the template blocks cloning: plain DDL instead.
    // (Templates refuse sessions; one let in by hand, as here, is the case.)
    fleet.allow_connections(&template, true).await;
    let holder = fleet.target.connect(&template).await.unwrap();
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.method, Method::Ddl);
    assert_eq!(
        tenant::find(&fleet.target, &created.tenant)
            .await
            .unwrap()
            .state,
        State::Current
    );
    holder.close().await.unwrap();

    // A half-built template (never sealed) and one of an older schema, both
    // this master's, are dropped and the current one rebuilt. A database
    // named like another master's template is left alone.
    let mut admin = fleet.admin().await;
    admin
        .execute(format!("ALTER DATABASE \"{template}\" IS_TEMPLATE false").as_str())
        .await
        .unwrap();
    let old = format!("rsm_template_{}_000000000000", identity.short());
    let mut master = fleet.master().await;
    ownership::record_intent(
        &mut master,
        &old,
        ownership::Kind::Template,
        None,
        "default",
    )
    .await
    .unwrap();
    admin
        .execute(
            format!(
                "CREATE DATABASE \"{old}\" OWNER \"{}\" IS_TEMPLATE true",
                identity.owner_role()
            )
            .as_str(),
        )
        .await
        .unwrap();
    let foreign = "rsm_template_ffffffff_000000000000";
    admin
        .execute(format!("CREATE DATABASE {foreign}").as_str())
        .await
        .unwrap();
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.method, Method::Cloned);
    assert!(
        !fleet.database_exists(&old).await,
        "the old template was dropped"
    );
    assert!(
        fleet.database_exists(foreign).await,
        "another's is untouched"
    );
    admin
        .execute(format!("DROP DATABASE {foreign}").as_str())
        .await
        .unwrap();
}

#[tokio::test]
async fn users_suites_get_a_fresh_tenant_with_factories() {
    let tenant = runner::testing::fresh_tenant().await;
    let client = tenant
        .seed
        .factory::<schema_defs::tenant::Client>()
        .create(&tenant.pool)
        .await
        .unwrap();
    let stamp = runner::bookkeeping::stamp::read(&mut tenant.connect().await)
        .await
        .unwrap();
    assert_eq!(
        stamp.unwrap().fingerprint,
        runner::app::declared().tenant_fingerprint()
    );
    assert!(client.id > 0);
}

#[tokio::test]
async fn a_master_behind_its_schema_is_named_and_migrate_master_brings_it() {
    let fleet = TestFleet::initialised().await;
    let mut master = fleet.master().await;
    master
        .execute("ALTER TABLE organizations DROP COLUMN subdomain; UPDATE rsm.stamp SET fingerprint = 'older'")
        .await
        .unwrap();
    let err = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), exit::MASTER_NOT_READY, "{err}");
    assert!(err.to_string().contains("runner migrate --master"), "{err}");
    assert_eq!(
        fleet.leftovers().await,
        (vec![], vec![]),
        "nothing was made"
    );

    let run = runner::migrate::run::RunOptions {
        tenants: runner::migrate::run::Tenants::None,
        ..Default::default()
    };
    let report = runner::migrate::run::migrate(&fleet.target, &run, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        report.master.outcome,
        runner::migrate::apply::Outcome::Migrated,
        "{report:#?}"
    );
    tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
}

/// A runner whose role is not a superuser (CREATEDB and CREATEROLE, as
/// docs/cli.md allows): its templates carry no DDL journal (event triggers
/// are a superuser's), and it creates, reads, migrates and drops its
/// tenants all the same.
#[tokio::test]
async fn a_runner_without_superuser_creates_reads_migrates_and_drops_its_tenants() {
    let fleet = TestFleet::new();
    let role = format!(
        "rsm_plain_{}",
        fleet.target.tenant_prefix.trim_end_matches('_')
    );
    let password = "plain-runner-password";
    let verifier = runner::scram::verifier(password).unwrap();
    let mut admin = fleet.admin().await;
    admin
        .execute(
            // CONNECT on the maintenance database too: a closed server
            // (the harness's own) lets no role in by default. And
            // pg_signal_backend: `DROP DATABASE ... WITH (FORCE)` must end
            // an autovacuum worker that is in the database, which has no role.
            format!(
                "CREATE ROLE \"{role}\" LOGIN CREATEDB CREATEROLE PASSWORD '{verifier}';
                 GRANT CONNECT ON DATABASE postgres TO \"{role}\";
                 GRANT pg_signal_backend TO \"{role}\""
            )
            .as_str(),
        )
        .await
        .unwrap();
    let url = runner::testing::server_url();
    let (scheme, rest) = url.split_once("://").unwrap();
    let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
    let plain = Target::from_url(
        &format!("{scheme}://{role}:{password}@{rest}"),
        &fleet.target.master_db,
        &fleet.target.tenant_prefix,
    )
    .unwrap();

    // The role goes last, also when an assertion fails (after the fleet's
    // databases, which it owns part of).
    struct DropRole(String);
    impl Drop for DropRole {
        fn drop(&mut self) {
            let sql = format!("DROP OWNED BY \"{0}\"; DROP ROLE IF EXISTS \"{0}\"", self.0);
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let target =
                        Target::from_url(&runner::testing::server_url(), "m", "t_").unwrap();
                    let mut admin = target.admin().await.unwrap();
                    admin.execute(sql.as_str()).await.unwrap();
                })
            })
            .join();
        }
    }
    let _role = DropRole(role.clone());
    let fleet = fleet; // dropped before the role
    runner::master::init(&plain).await.unwrap();
    let first = tenant::create(&plain, &CreateOptions::default())
        .await
        .unwrap();
    let second = tenant::create(&plain, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(second.method, Method::Cloned);
    let mut conn = plain.connect(&second.tenant).await.unwrap();
    let journaled: bool = sqlx::query_scalar("SELECT to_regclass('rsm.ddl_journal') IS NOT NULL")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(!journaled, "no journal without a superuser");
    conn.close().await.unwrap();
    let listed = tenant::list(&plain).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed.iter().all(|t| t.state == State::Current),
        "{listed:#?}"
    );
    // Without a journal, status and migrate read each catalog: current, and
    // nothing to do.
    let st = runner::migrate::status::status(&plain, &Default::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");
    assert_eq!(st.catalogs_read, 3, "the master and two tenants: {st:#?}");
    let report = runner::migrate::run::migrate(&plain, &Default::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.summary.failed, 0, "{report:#?}");
    assert_eq!(report.summary.migrated, 0, "{report:#?}");
    tenant::drop(&plain, &first.tenant).await.unwrap();
    runner::testing::remove_fleet(&plain).await.unwrap();
    drop(fleet);
}
