//! Failures between any two steps: an error, a kill, a server stopped in the
//! middle, an interrupted drop. What is left is always consistent, and the
//! next run removes or finishes what it proves its own.

use std::sync::Arc;
use std::time::Duration;

use runner::cluster::LocalCluster;
use runner::target::Target;
use runner::tenant::{self, CreateOptions, Fault, FaultAction, SeedSet, State, Step};
use sqlx::Executor;

use super::fleet::TestFleet;

/// Wait (bounded) until no tenant of the fleet is shown as being created: a
/// killed creator's session takes a moment to end on the server.
async fn settled(fleet: &TestFleet) -> Vec<tenant::TenantInfo> {
    for _ in 0..100 {
        let listed = tenant::list(&fleet.target).await.unwrap();
        if listed.iter().all(|t| t.state != State::Creating) {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a killed creator's lock was never released")
}

#[tokio::test]
async fn an_error_or_a_kill_after_any_step_leaves_nothing_behind() {
    let fleet = TestFleet::initialised().await;
    for step in Step::ALL {
        for crash in [false, true] {
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
            assert!(err.to_string().contains("fault injected"), "{err}");
            if crash {
                // A kill leaves the record and a free lock; the next run
                // removes what it proves its own (no data but its seed).
                let listed = settled(&fleet).await;
                assert!(
                    listed.iter().all(|t| t.state == State::Orphan),
                    "{step:?}: {listed:?}"
                );
                let repaired = tenant::repair_all(&fleet.target).await.unwrap();
                assert_eq!(repaired.removed.len(), 1, "{step:?}: {repaired:?}");
            } else {
                assert!(err.to_string().contains("nothing was left"), "{err}");
            }
            let after = format!("after {step:?}, crash {crash}");
            assert_eq!(fleet.leftovers().await, (vec![], vec![]), "{after}");
            assert_eq!(fleet.registry_counts().await, (0, 0, 0), "{after}");
            assert_eq!(fleet.records().await, vec![], "{after}");
        }
    }
    // And a normal create still works afterwards.
    tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
}

/// A create makes the login role while the server clones: killed between
/// the two, it leaves a recorded name with a role and no database, which
/// the next run removes (the role carries this master's mark).
#[tokio::test]
async fn a_create_killed_with_its_role_made_and_no_database_yet_leaves_nothing_behind() {
    use runner::bookkeeping::ownership::{self, Kind};
    let fleet = TestFleet::initialised().await;
    let mut master = fleet.master().await;
    let identity = ownership::read_identity(&mut master)
        .await
        .unwrap()
        .unwrap();
    let name = fleet.tenant(1);
    ownership::record_intent(
        &mut master,
        &name,
        Kind::Tenant,
        Some("studio-1"),
        "default",
    )
    .await
    .unwrap();
    fleet
        .admin()
        .await
        .execute(
            format!(
                "CREATE ROLE \"{name}\" LOGIN ROLE \"{}\"",
                identity.owner_role()
            )
            .as_str(),
        )
        .await
        .unwrap();
    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert_eq!(repaired.removed, vec![name.clone()], "{repaired:?}");
    assert_eq!(fleet.leftovers().await, (vec![], vec![]));
    assert_eq!(fleet.records().await, vec![]);
    // The number is free again.
    let created = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(created.tenant, name);
}

/// `realistic` loads a new tenant over several connections, each table
/// committed on its own: a create cut off in the middle of that load (its
/// connections gone, some tables filled and others not) leaves a database
/// whose rows are all the runner's, which the next run removes; the tenant
/// number is then free again.
#[tokio::test]
async fn a_create_cut_off_in_the_middle_of_its_parallel_seed_leaves_nothing_behind() {
    let fleet = TestFleet::initialised().await;
    let target = fleet.target.clone();
    let create = tokio::spawn(async move {
        let options = CreateOptions {
            seed: SeedSet::Realistic,
            scale: 5,
            ..CreateOptions::default()
        };
        tenant::create(&target, &options).await
    });
    // Wait (bounded) until some of the rows are in, then cut it off.
    let tenant = fleet.tenant(1);
    let mut filled = 0;
    for _ in 0..400 {
        if let Ok(mut conn) = fleet.target.connect(&tenant).await {
            filled = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM clients")
                .fetch_one(&mut conn)
                .await
                .unwrap_or(0);
            if filled > 0 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    create.abort();
    assert!(
        create.await.unwrap_err().is_cancelled(),
        "cut off before it finished"
    );
    assert!(filled > 0, "the load had begun");
    settled(&fleet).await;
    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert_eq!(repaired.removed, vec![tenant.clone()], "{repaired:?}");
    assert_eq!(fleet.leftovers().await, (vec![], vec![]));
    assert_eq!(fleet.records().await, vec![]);
    // The next create is whole (under the next number: none is handed out
    // twice).
    let made = tenant::create(
        &fleet.target,
        &CreateOptions {
            seed: SeedSet::Realistic,
            ..CreateOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(made.tenant, fleet.tenant(2));
    assert_eq!(
        made.rows,
        seed::realistic::VOLUME.iter().map(|(_, n)| n).sum::<u64>()
    );
}

#[tokio::test]
async fn a_leftover_holding_rows_the_runner_did_not_put_there_is_kept() {
    let fleet = TestFleet::initialised().await;
    let options = CreateOptions {
        seed: SeedSet::Base,
        fault: Some(Fault {
            after: Step::Seed,
            action: FaultAction::Crash,
        }),
        ..CreateOptions::default()
    };
    tenant::create(&fleet.target, &options).await.unwrap_err();
    settled(&fleet).await;
    let tenant = fleet.tenant(1);
    let mut conn = fleet.target.connect(&tenant).await.unwrap();
    conn.execute("INSERT INTO task_types (name, hourly_rate) VALUES ('Added by hand', 1)")
        .await
        .unwrap();
    drop(conn);
    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert!(repaired.removed.is_empty(), "{repaired:?}");
    assert!(
        repaired.kept[0]
            .reason
            .contains("holds 1 rows the runner did not put there"),
        "{repaired:?}"
    );
    assert!(fleet.database_exists(&tenant).await);
}

#[tokio::test]
async fn a_leftover_that_cannot_be_checked_now_does_not_block_creates() {
    let fleet = TestFleet::initialised().await;
    let options = CreateOptions {
        fault: Some(Fault {
            after: Step::Stamp,
            action: FaultAction::Crash,
        }),
        ..CreateOptions::default()
    };
    tenant::create(&fleet.target, &options).await.unwrap_err();
    settled(&fleet).await;
    let stuck = fleet.tenant(1);
    fleet.allow_connections(&stuck, false).await;
    let made = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .expect("a stuck leftover does not block creates");
    assert_eq!(made.tenant, fleet.tenant(2));
    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert!(repaired.removed.is_empty(), "{repaired:?}");
    assert_eq!(repaired.kept[0].tenant, stuck);
    assert!(
        repaired.kept[0].reason.starts_with("not repaired now"),
        "{repaired:?}"
    );
    // Once it accepts connections again, the next run removes it.
    fleet.allow_connections(&stuck, true).await;
    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert_eq!(repaired.removed, vec![stuck]);
}

#[tokio::test]
async fn an_interrupted_drop_is_undone_or_finished_by_the_next_run() {
    let fleet = TestFleet::initialised().await;
    let kept = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap()
        .tenant;
    let gone = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap()
        .tenant;
    let mut master = fleet.master().await;
    // Killed after recording the drop, before the database went: undone.
    runner::bookkeeping::ownership::set_phase(
        &mut master,
        &kept,
        runner::bookkeeping::ownership::Phase::Dropping,
    )
    .await
    .unwrap();
    // Killed after the database went, before the role and registry rows did: finished.
    runner::bookkeeping::ownership::set_phase(
        &mut master,
        &gone,
        runner::bookkeeping::ownership::Phase::Dropping,
    )
    .await
    .unwrap();
    fleet
        .admin()
        .await
        .execute(format!("DROP DATABASE \"{gone}\" WITH (FORCE)").as_str())
        .await
        .unwrap();
    let states: Vec<State> = tenant::list(&fleet.target)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.state)
        .collect();
    assert_eq!(states, vec![State::Dropping, State::Dropping]);

    let repaired = tenant::repair_all(&fleet.target).await.unwrap();
    assert_eq!(repaired.removed, vec![gone.clone()]);
    assert_eq!(
        fleet.records().await,
        vec![(kept.clone(), "ready".to_owned())]
    );
    assert!(!fleet.role_exists(&gone).await);
    assert_eq!(fleet.registry_counts().await, (1, 1, 1));
    assert_eq!(
        tenant::find(&fleet.target, &kept).await.unwrap().state,
        State::Current
    );
}

/// A cluster of the test's own, to stop in the middle of a command or to read
/// the server log of; stopped and removed on drop.
struct OwnCluster(LocalCluster);

impl OwnCluster {
    fn start(name: &str) -> OwnCluster {
        let dir = std::env::temp_dir().join(format!("rsm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cluster = LocalCluster::new(&dir, runner::cluster::free_port().unwrap()).unwrap();
        cluster.init().unwrap();
        cluster.start().unwrap();
        OwnCluster(cluster)
    }

    fn target(&self) -> Target {
        Target::from_url(&self.0.url("postgres"), "rsm_master", "tenant_").unwrap()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new("sh")
            .args(["-c", &self.0.teardown_command()])
            .status();
    }
}

#[tokio::test]
async fn a_server_stopped_mid_create_leaves_a_record_the_next_run_repairs() {
    let cluster = OwnCluster::start("stopped");
    let target = cluster.target();
    runner::master::init(&target).await.unwrap();
    let stopper = cluster.0.clone();
    let options = CreateOptions {
        seed: SeedSet::Base,
        fault: Some(Fault {
            after: Step::CreateRole,
            action: FaultAction::Call(Arc::new(move || stopper.stop().unwrap())),
        }),
        ..CreateOptions::default()
    };
    let err = tenant::create(&target, &options).await.unwrap_err();
    let message = err.to_string();
    assert!(!message.contains("nothing was left"), "{message}");
    assert!(message.contains("may be left half-made"), "{message}");
    assert!(message.contains("cleanup --orphans"), "{message}");

    cluster.0.start().unwrap();
    let listed = tenant::list(&target).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].state, State::Orphan);
    let repaired = tenant::repair_all(&target).await.unwrap();
    assert_eq!(repaired.removed, vec!["tenant_1".to_owned()]);
    assert!(tenant::list(&target).await.unwrap().is_empty());
    let mut admin = target.admin().await.unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'tenant\\_%')
              + (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'tenant\\_%')",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(left, 0);
    // And the next create works (under the next number: none is handed
    // out twice).
    let made = tenant::create(&target, &CreateOptions::default())
        .await
        .unwrap();
    assert_eq!(made.tenant, "tenant_2");
}

#[tokio::test]
async fn no_password_reaches_the_server_log() {
    let cluster = OwnCluster::start("log");
    let target = cluster.target();
    runner::master::init(&target).await.unwrap();
    let mut admin = target.admin().await.unwrap();
    admin
        .execute("ALTER SYSTEM SET log_statement = 'all'")
        .await
        .unwrap();
    admin.execute("SELECT pg_reload_conf()").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let options = CreateOptions {
        credentials: true,
        ..CreateOptions::default()
    };
    let made = tenant::create(&target, &options).await.unwrap();
    let rotated = tenant::rotate_credentials(&target, &made.tenant)
        .await
        .unwrap();
    let log = std::fs::read_to_string(cluster.0.data_dir.join("server.log")).unwrap();
    assert!(log.contains("CREATE ROLE"), "statements are logged");
    assert!(log.contains("SCRAM-SHA-256$"), "verifiers are what is sent");
    for password in [made.credentials.unwrap().password, rotated.password] {
        assert!(!log.contains(&password), "a password reached the log");
    }
}
