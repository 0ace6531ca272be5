//! The runner's library against a real server: master init, tenant creation
//! (with a fault injected after every step), isolation, listing, dropping,
//! cleanup, bad input. Each test works in a fleet of its own: its own master
//! database and tenant prefix, removed afterwards.

use std::sync::atomic::{AtomicUsize, Ordering};

use runner::target::{drop_database, drop_role, Target};
use runner::template::{self, Method};
use runner::tenant::{self, CreateOptions, Fault, SeedSet, State, Step};
use runner::RunnerError;
use sqlx::{Connection, Executor, PgConnection};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A master and a tenant prefix of its own; everything under them is dropped
/// with it.
struct Fleet {
    target: Target,
}

impl Fleet {
    fn new() -> Fleet {
        let k = NEXT.fetch_add(1, Ordering::SeqCst);
        let pid = std::process::id();
        let target = Target::from_url(
            &runner::testing::server_url(),
            &format!("rsm_master_{pid}_{k}"),
            &format!("f{pid}x{k}_"),
        )
        .unwrap();
        Fleet { target }
    }

    async fn initialised() -> Fleet {
        let fleet = Fleet::new();
        runner::master::init(&fleet.target).await.unwrap();
        fleet
    }

    async fn admin(&self) -> PgConnection {
        self.target.admin().await.unwrap()
    }

    async fn master(&self) -> PgConnection {
        self.target.connect(&self.target.master_db).await.unwrap()
    }

    /// Databases and roles of this fleet, the template excepted.
    async fn leftovers(&self) -> (Vec<String>, Vec<String>) {
        let mut admin = self.admin().await;
        let template = template::template_name(&self.target);
        let prefix = self.target.tenant_prefix.clone();
        let dbs: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database ORDER BY 1")
            .fetch_all(&mut admin)
            .await
            .unwrap();
        let roles: Vec<String> = sqlx::query_scalar("SELECT rolname FROM pg_roles ORDER BY 1")
            .fetch_all(&mut admin)
            .await
            .unwrap();
        let mine = |names: Vec<String>| {
            names
                .into_iter()
                .filter(|n| n.starts_with(&prefix) && *n != template)
                .collect()
        };
        (mine(dbs), mine(roles))
    }

    async fn registry_counts(&self) -> (i64, i64, i64) {
        let mut master = self.master().await;
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM tenant_databases), (SELECT count(*) FROM organizations), (SELECT count(*) FROM users)",
        )
        .fetch_one(&mut master)
        .await
        .unwrap()
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let target = self.target.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let Ok(mut admin) = target.admin().await else {
                    return;
                };
                let dbs: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database")
                    .fetch_all(&mut admin)
                    .await
                    .unwrap_or_default();
                for db in dbs
                    .iter()
                    .filter(|d| d.starts_with(&target.tenant_prefix) || **d == target.master_db)
                {
                    let _ = drop_database(&mut admin, db).await;
                }
                let roles: Vec<String> = sqlx::query_scalar("SELECT rolname FROM pg_roles")
                    .fetch_all(&mut admin)
                    .await
                    .unwrap_or_default();
                for role in roles
                    .iter()
                    .filter(|r| r.starts_with(&target.tenant_prefix))
                {
                    let _ = drop_role(&mut admin, role).await;
                }
            })
        })
        .join();
    }
}

#[tokio::test]
async fn master_init_is_idempotent_and_refuses_a_foreign_schema() {
    let fleet = Fleet::new();
    let first = runner::master::init(&fleet.target).await.unwrap();
    assert!(first.created_database && first.created_schema);
    assert_eq!(first.plans_inserted, 4);
    let second = runner::master::init(&fleet.target).await.unwrap();
    assert!(!second.created_database && !second.created_schema);
    assert_eq!(second.plans_inserted, 0);

    // A database holding something else is refused, untouched.
    let mut master = fleet.master().await;
    master.execute("CREATE TABLE stray (id int)").await.unwrap();
    let err = runner::master::init(&fleet.target).await.unwrap_err();
    assert!(matches!(err, RunnerError::UnknownSchema { .. }), "{err}");
    assert_eq!(err.code(), 79);
    assert!(err.to_string().contains("stray"), "{err}");
}

#[tokio::test]
async fn a_tenant_is_registered_stamped_seeded_and_cloned_from_the_template() {
    let fleet = Fleet::initialised().await;
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
    assert_eq!(created.tenant, format!("{}1", fleet.target.tenant_prefix));
    assert_eq!(created.method, Method::Cloned);
    assert_eq!(created.slug, "studio-nord-fils");
    assert_eq!(created.rows, 46);
    assert!(created.credentials.is_none(), "credentials only when asked");

    let listed = tenant::list(&fleet.target).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, State::Current);
    assert_eq!(
        listed[0].fingerprint.as_deref(),
        Some(template::fingerprint())
    );
    assert_eq!(fleet.registry_counts().await, (1, 1, 1));

    // The tenant holds exactly the compiled schema in `public`.
    let mut conn = fleet.target.connect(&created.tenant).await.unwrap();
    let actual = schema_core::introspect::introspect(&mut conn, "public")
        .await
        .unwrap();
    let expected =
        schema_core::model::Schema::from_def(schema_defs::schema(schema_core::DbKind::Tenant));
    assert_eq!(schema_core::compare::compare(&expected, &actual), vec![]);

    // The next one gets the next number.
    let second = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(second.tenant, format!("{}2", fleet.target.tenant_prefix));
    assert_eq!(second.organization, "Studio 2");
}

#[tokio::test]
async fn concurrent_creates_never_collide_on_a_name() {
    let fleet = Fleet::initialised().await;
    let creates = (0..6).map(|_| {
        let target = fleet.target.clone();
        tokio::spawn(async move { tenant::create(&target, &CreateOptions::default()).await })
    });
    let mut names = Vec::new();
    for handle in creates {
        names.push(handle.await.unwrap().unwrap().tenant);
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 6);
    assert_eq!(fleet.registry_counts().await.0, 6);
}

#[tokio::test]
async fn a_fault_after_any_step_leaves_nothing_behind() {
    let fleet = Fleet::initialised().await;
    for step in Step::ALL {
        for crash in [false, true] {
            let options = CreateOptions {
                seed: SeedSet::Base,
                fault: Some(Fault { after: step, crash }),
                ..CreateOptions::default()
            };
            let err = tenant::create(&fleet.target, &options).await.unwrap_err();
            assert!(err.to_string().contains("fault injected"), "{err}");
            if crash {
                // A kill leaves a database no registry row points at; the
                // next run sees its creator gone and removes it.
                let orphans = tenant::list(&fleet.target).await.unwrap();
                assert!(
                    orphans.iter().all(|t| t.state == State::Orphan),
                    "{step:?}: {orphans:?}"
                );
                tenant::repair_all(&fleet.target).await.unwrap();
            }
            assert_eq!(
                fleet.leftovers().await,
                (vec![], vec![]),
                "after {step:?}, crash {crash}"
            );
            assert_eq!(
                fleet.registry_counts().await,
                (0, 0, 0),
                "after {step:?}, crash {crash}"
            );
        }
    }
    // And a normal create still works afterwards.
    tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_tenant_role_cannot_connect_to_another_tenant() {
    let fleet = Fleet::initialised().await;
    let with_credentials = CreateOptions {
        credentials: true,
        seed: SeedSet::Base,
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

    // Another tenant's database: refused. (The URL's path is the database.)
    let on = |db: &str| format!("{}/{db}", a_login.url.rsplit_once('/').unwrap().0);
    let err = PgConnection::connect(&on(&b.tenant)).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");

    // The master too.
    let err = PgConnection::connect(&on(&fleet.target.master_db))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");

    // Passwords are shown when asked, and rotating one yields a working login.
    let rotated = tenant::rotate_credentials(&fleet.target, &b.tenant)
        .await
        .unwrap();
    assert_ne!(rotated.password, b.credentials.unwrap().password);
    PgConnection::connect(&rotated.url).await.unwrap();
}

#[tokio::test]
async fn drop_and_cleanup_respect_protection_and_report_orphans() {
    let fleet = Fleet::initialised().await;
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
    assert_eq!(err.code(), 77);

    tenant::drop(&fleet.target, &names[1]).await.unwrap();
    assert_eq!(
        fleet.registry_counts().await,
        (3, 3, 3),
        "registry rows, organization and owner go too"
    );

    // A registry row whose database is gone, and a database with no row.
    let mut admin = fleet.admin().await;
    admin
        .execute(format!("DROP DATABASE \"{}\" WITH (FORCE)", names[2]).as_str())
        .await
        .unwrap();
    let stray = format!("{}99", fleet.target.tenant_prefix);
    admin
        .execute(format!("CREATE DATABASE \"{stray}\"").as_str())
        .await
        .unwrap();
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
        states.contains(&(stray.clone(), State::Orphan)),
        "{states:?}"
    );

    // Young tenants are kept by --older-than; orphans and dangling rows are not.
    let plan = tenant::plan_cleanup(&fleet.target, Some(chrono::Duration::hours(1)))
        .await
        .unwrap();
    let planned: Vec<&str> = plan.tenants.iter().map(|t| t.tenant.as_str()).collect();
    assert_eq!(planned, vec![names[2].as_str(), stray.as_str()]);
    tenant::cleanup(&fleet.target, &plan, |_| {}).await.unwrap();

    // Without an age, everything but the protected tenant.
    let plan = tenant::plan_cleanup(&fleet.target, None).await.unwrap();
    assert_eq!(plan.kept_protected, vec![names[0].clone()]);
    tenant::cleanup(&fleet.target, &plan, |_| {}).await.unwrap();
    let left: Vec<String> = tenant::list(&fleet.target)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.tenant)
        .collect();
    assert_eq!(left, vec![names[0].clone()]);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_touched() {
    let url = runner::testing::server_url();
    for (master, prefix) in [
        ("a;b", "t_"),
        ("rsm_master", "t'"),
        ("select", "t_"),
        (&*"m".repeat(64), "t_"),
    ] {
        let err = Target::from_url(&url, master, prefix).unwrap_err();
        assert_eq!(err.code(), 65, "{master:?} {prefix:?}: {err}");
    }

    let fleet = Fleet::initialised().await;
    let hostile = CreateOptions {
        name: Some("x'; DROP DATABASE postgres; --".into()),
        ..CreateOptions::default()
    };
    let err = tenant::create(&fleet.target, &hostile).await.unwrap_err();
    assert_eq!(err.code(), 65, "{err}");
    assert_eq!(fleet.leftovers().await, (vec![], vec![]));
    let err = tenant::drop(&fleet.target, "tenant_1\"; DROP")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 65, "{err}");
    let err = tenant::drop(&fleet.target, &format!("{}7", fleet.target.tenant_prefix))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 67, "unknown tenant: {err}");

    // No master yet.
    let empty = Fleet::new();
    let err = tenant::create(&empty.target, &CreateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), 78, "{err}");
    assert!(err.to_string().contains("runner master init"), "{err}");

    // Nobody listening.
    let port = runner::cluster::free_port().unwrap();
    let nowhere = Target::from_url(
        &format!("postgres://u:hunter2@127.0.0.1:{port}/x"),
        "m",
        "t_",
    )
    .unwrap();
    let err = runner::master::init(&nowhere).await.unwrap_err();
    assert_eq!(err.code(), 69, "{err}");
    assert!(
        !err.to_string().contains("hunter2"),
        "no password in errors: {err}"
    );

    // A tenant stamped with another schema.
    let made = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    let mut conn = fleet.target.connect(&made.tenant).await.unwrap();
    conn.execute("UPDATE rsm.stamp SET fingerprint = '0000000000000000'")
        .await
        .unwrap();
    let err = tenant::seed_existing(&fleet.target, &made.tenant, SeedSet::Base, 1, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 80, "{err}");
    assert!(err.to_string().contains("0000000000000000"));
}

#[tokio::test]
async fn a_busy_template_falls_back_to_ddl_and_stale_templates_are_replaced() {
    let fleet = Fleet::initialised().await;
    tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    let template = template::template_name(&fleet.target);
    // Someone connected to the template blocks cloning: plain DDL instead.
    let holder = fleet.target.connect(&template).await.unwrap();
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.method, Method::Ddl);
    assert_eq!(
        tenant::list(&fleet.target).await.unwrap()[1].state,
        State::Current
    );
    holder.close().await.unwrap();

    // A half-built template (never sealed) and one of an older schema are
    // dropped and the current one rebuilt.
    let mut admin = fleet.admin().await;
    admin
        .execute(format!("ALTER DATABASE \"{template}\" IS_TEMPLATE false").as_str())
        .await
        .unwrap();
    let old = format!("{}template_000000000000", fleet.target.tenant_prefix);
    admin
        .execute(format!("CREATE DATABASE \"{old}\" IS_TEMPLATE true").as_str())
        .await
        .unwrap();
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.method, Method::Cloned);
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&old)
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert!(!exists, "the stale template was dropped");
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
    let stamp = template::read_stamp(&mut tenant.connect().await)
        .await
        .unwrap();
    assert_eq!(stamp.unwrap().fingerprint, template::fingerprint());
    assert!(client.id > 0);
}
