//! The warm pool: creates take spares (never two the same one), a spare of
//! another schema is never taken and is replaced, and a create that fails or
//! is killed at any step leaves the pool and the fleet consistent.

use std::sync::Arc;
use std::time::Duration;

use runner::declared::Declared;
use runner::migrate::status::{self, StatusOptions};
use runner::template::Method;
use runner::tenant::{self, pool, CreateOptions, Fault, FaultAction, SeedSet, State, Step};
use schema_core::DbKind;
use sqlx::{Connection, PgConnection};

use super::fleet::TestFleet;

/// Spares recorded ready in the master.
async fn spares(fleet: &TestFleet) -> Vec<String> {
    let mut master = fleet.master().await;
    sqlx::query_scalar(
        "SELECT name FROM rsm.databases WHERE kind = 'spare' AND state = 'ready' ORDER BY name",
    )
    .fetch_all(&mut master)
    .await
    .unwrap()
}

/// This fleet's spares on the test server: databases and roles.
async fn spare_objects(fleet: &TestFleet) -> (Vec<String>, Vec<String>) {
    let mut master = fleet.master().await;
    let id: String = sqlx::query_scalar("SELECT master_id FROM rsm.identity")
        .fetch_one(&mut master)
        .await
        .unwrap();
    let prefix = format!("rsm_spare_{}_", &id[..8]);
    let mut admin = fleet.admin().await;
    let dbs = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1",
    )
    .bind(&prefix)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let roles = sqlx::query_scalar(
        "SELECT rolname::text FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1",
    )
    .bind(&prefix)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    (dbs, roles)
}

#[tokio::test]
async fn creates_take_spares_and_parallel_creates_never_share_one() {
    let fleet = TestFleet::initialised().await;
    let filled = pool::fill(&fleet.target, 3, None).await.unwrap();
    assert_eq!(filled[0].made.len(), 3, "{filled:?}");
    assert_eq!(spares(&fleet).await.len(), 3);

    let creates = (0..6).map(|_| {
        let target = fleet.target.clone();
        tokio::spawn(async move {
            let options = CreateOptions {
                credentials: true,
                ..CreateOptions::default()
            };
            tenant::create(&target, &options).await
        })
    });
    let mut made = Vec::new();
    for create in creates {
        made.push(create.await.unwrap().unwrap());
    }
    let pooled = made.iter().filter(|c| c.method == Method::Pooled).count();
    assert_eq!(pooled, 3, "{made:#?}");
    let mut names: Vec<&str> = made.iter().map(|c| c.tenant.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 6);
    assert!(spares(&fleet).await.is_empty());

    // A pooled tenant is a tenant like any: its login works, it is current,
    // and no spare's database or role is left under its old name.
    for created in made.iter().filter(|c| c.method == Method::Pooled) {
        let login = created.credentials.as_ref().unwrap();
        let mut conn = PgConnection::connect(&login.url).await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows, 0);
        conn.close().await.unwrap();
    }
    assert_eq!(spare_objects(&fleet).await.0.len(), 0);
    let st = status::status(&fleet.target, &StatusOptions::default())
        .await
        .unwrap();
    assert!(st.all_current, "{st:#?}");
    assert_eq!(
        st.catalogs_read, 0,
        "the journal vouches for pooled tenants too"
    );
    let listed = tenant::list(&fleet.target).await.unwrap();
    assert!(
        listed.iter().all(|t| t.state == State::Current),
        "{listed:#?}"
    );

    // Taken without credentials, it keeps the password no one saw; rotating
    // gives one that logs in.
    pool::fill(&fleet.target, 1, None).await.unwrap();
    let quiet = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(quiet.method, Method::Pooled);
    assert!(quiet.credentials.is_none());
    let rotated = tenant::rotate_credentials(&fleet.target, &quiet.tenant)
        .await
        .unwrap();
    let conn = PgConnection::connect(&rotated.url).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_spare_of_another_schema_is_never_taken_and_is_replaced() {
    let fleet = TestFleet::initialised().await;
    pool::fill(&fleet.target, 2, None).await.unwrap();
    let old = spares(&fleet).await;

    // The schema moves on: one table fewer (one no key points at).
    let declared = runner::app::declared();
    let mut tenant_schema = declared.schema(DbKind::Tenant).clone();
    let leaf = tenant_schema
        .tables
        .iter()
        .map(|t| t.name.clone())
        .rfind(|name| {
            tenant_schema
                .tables
                .iter()
                .all(|t| t.foreign_keys.iter().all(|k| &k.ref_table != name))
        })
        .unwrap();
    tenant_schema.tables.retain(|t| t.name != leaf);
    let moved = fleet.target.clone().with_declared(Arc::new(Declared::new(
        declared.schema(DbKind::Master).clone(),
        tenant_schema,
    )));
    let created = tenant::create(&moved, &CreateOptions::default())
        .await
        .unwrap();
    assert_ne!(created.method, Method::Pooled);
    assert_eq!(spares(&fleet).await, old, "the old spares are not taken");

    let filled = pool::fill(&moved, 2, None).await.unwrap();
    assert_eq!(filled[0].dropped, old, "{filled:?}");
    assert_eq!(filled[0].made.len(), 2, "{filled:?}");
    let taken = tenant::create(&moved, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(taken.method, Method::Pooled);

    let drained = pool::drain(&moved, None).await.unwrap();
    assert_eq!(drained[0].dropped.len(), 1, "{drained:?}");
    assert_eq!(spare_objects(&fleet).await, (vec![], vec![]));
}

/// Wait (bounded) until no create of the fleet is live.
async fn settled(fleet: &TestFleet) {
    for _ in 0..100 {
        let listed = tenant::list(&fleet.target).await.unwrap();
        if listed.iter().all(|t| t.state != State::Creating) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a killed creator's lock was never released")
}

#[tokio::test]
async fn a_create_failing_or_killed_at_any_step_of_taking_a_spare_leaves_all_consistent() {
    let fleet = TestFleet::initialised().await;
    let steps = std::iter::once(Step::Claim).chain(Step::ALL);
    for step in steps {
        for crash in [false, true] {
            pool::fill(&fleet.target, 1, None).await.unwrap();
            let options = CreateOptions {
                seed: SeedSet::Base,
                fault: Some(Fault {
                    after: step,
                    action: if crash {
                        FaultAction::Crash
                    } else {
                        FaultAction::Error
                    },
                }),
                ..CreateOptions::default()
            };
            let err = tenant::create(&fleet.target, &options).await.unwrap_err();
            let after = format!("after {step:?}, crash {crash}");
            assert!(err.to_string().contains("fault injected"), "{after}: {err}");
            if crash {
                settled(&fleet).await;
                tenant::repair_all(&fleet.target).await.unwrap();
            }
            // No tenant is left, and the spare is back unless it was taken.
            assert_eq!(fleet.leftovers().await, (vec![], vec![]), "{after}");
            assert_eq!(fleet.registry_counts().await, (0, 0, 0), "{after}");
            assert_eq!(fleet.records().await, vec![], "{after}");
            let expected = if step == Step::Claim { 1 } else { 0 };
            assert_eq!(spares(&fleet).await.len(), expected, "{after}");
            let (dbs, roles) = spare_objects(&fleet).await;
            assert_eq!((dbs.len(), roles.len()), (expected, expected), "{after}");
        }
    }
    // And the pool, filled again, serves the next create.
    pool::fill(&fleet.target, 1, None).await.unwrap();
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.method, Method::Pooled);
}

#[tokio::test]
async fn a_spare_replaced_by_someone_elses_database_is_never_renamed() {
    let fleet = TestFleet::initialised().await;
    pool::fill(&fleet.target, 1, None).await.unwrap();
    let spare = spares(&fleet).await.remove(0);
    // Dropped and made again by hand, under the same name, owned by another role.
    let mut admin = fleet.admin().await;
    for sql in [
        format!("ALTER DATABASE {spare} IS_TEMPLATE false"),
        format!("DROP DATABASE {spare} WITH (FORCE)"),
        format!("CREATE DATABASE {spare}"),
    ] {
        sqlx::Executor::execute(&mut admin, sql.as_str())
            .await
            .unwrap();
    }
    let e = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), runner::error::exit::NOT_OWNED, "{e}");
    // Left as it was, under its name; our record of it is gone.
    let still: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&spare)
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert!(still);
    let role: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(&spare)
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert!(!role, "the spare's own role (ours, marked) is dropped");
    assert!(spares(&fleet).await.is_empty());
    assert_eq!(fleet.records().await, vec![]);
    // The next create clones.
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.method, Method::Cloned);
    sqlx::Executor::execute(&mut admin, format!("DROP DATABASE {spare}").as_str())
        .await
        .unwrap();
}
