//! Runners side by side: parallel creates beside drops, cleanups and
//! listings; two inits; two drops of one tenant; listing while tenants vanish;
//! a tenant busy under another runner's lock.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use runner::bookkeeping::lock::{self, LockKey};
use runner::error::exit;
use runner::tenant::{self, CreateOptions, Selection, State};
use runner::RunnerError;

use super::fleet::TestFleet;

/// The stress case: 8 loops of 25 creates at once, beside a loop that
/// drops every 5th tenant as soon as it is reported, a loop of cleanups
/// (leftovers, and `--older-than`, which selects none of these young tenants)
/// and listings. Every tenant reported as created must exist at the end, with
/// its role, registry row and record, unless the test dropped it; nothing
/// else may be left. Bounded: 200 creates, 4 minutes at most.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_creates_beside_drops_cleanups_and_listings_lose_no_tenant() {
    const LOOPS: usize = 8;
    const PER_LOOP: usize = 25;
    let fleet = TestFleet::initialised().await;
    let started = Instant::now();
    let created = Arc::new(Mutex::new(Vec::<String>::new()));
    let dropped = Arc::new(Mutex::new(Vec::<String>::new()));
    let creating = Arc::new(AtomicBool::new(true));

    let run = async {
        let creators: Vec<_> = (0..LOOPS)
            .map(|_| {
                let (target, created) = (fleet.target.clone(), Arc::clone(&created));
                tokio::spawn(async move {
                    for _ in 0..PER_LOOP {
                        let made = tenant::create(&target, &CreateOptions::default())
                            .await
                            .expect("create");
                        created.lock().unwrap().push(made.tenant);
                    }
                })
            })
            .collect();
        let dropper = {
            let (target, created, dropped, creating) = (
                fleet.target.clone(),
                Arc::clone(&created),
                Arc::clone(&dropped),
                Arc::clone(&creating),
            );
            tokio::spawn(async move {
                let mut next = 0;
                loop {
                    let victim = created.lock().unwrap().get(next).cloned();
                    match victim {
                        Some(name) => {
                            tenant::drop(&target, &name).await.expect("drop");
                            dropped.lock().unwrap().push(name);
                            next += 5;
                        }
                        None if !creating.load(Ordering::SeqCst) => break,
                        None => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
            })
        };
        let cleaner = {
            let (target, creating) = (fleet.target.clone(), Arc::clone(&creating));
            tokio::spawn(async move {
                let mut rounds = 0;
                while creating.load(Ordering::SeqCst) {
                    for selection in [
                        Selection::Orphans,
                        Selection::OlderThan(chrono::Duration::hours(1)),
                    ] {
                        let plan = tenant::plan_cleanup(&target, selection)
                            .await
                            .expect("plan");
                        assert!(plan.tenants.is_empty(), "{plan:?}");
                        tenant::cleanup(&target, &plan, |_| {})
                            .await
                            .expect("cleanup");
                    }
                    tenant::list(&target).await.expect("list while creating");
                    rounds += 1;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                rounds
            })
        };
        for c in creators {
            c.await.unwrap();
        }
        creating.store(false, Ordering::SeqCst);
        dropper.await.unwrap();
        cleaner.await.unwrap()
    };
    let rounds = tokio::time::timeout(Duration::from_secs(240), run)
        .await
        .expect("the stress test finished within 4 minutes");

    let created: BTreeSet<String> = created.lock().unwrap().iter().cloned().collect();
    let dropped: BTreeSet<String> = dropped.lock().unwrap().iter().cloned().collect();
    assert_eq!(
        created.len(),
        LOOPS * PER_LOOP,
        "every create reported a distinct name"
    );
    assert_eq!(dropped.len(), LOOPS * PER_LOOP / 5);
    assert!(rounds > 0);
    let expected: BTreeSet<String> = created.difference(&dropped).cloned().collect();

    let listed = tenant::list(&fleet.target).await.unwrap();
    let listed_names: BTreeSet<String> = listed.iter().map(|t| t.tenant.clone()).collect();
    assert_eq!(listed_names, expected, "listed = created − dropped");
    for t in &listed {
        assert_eq!(t.state, State::Current, "{t:?}");
        assert!(t.owned, "{t:?}");
    }
    let (dbs, roles) = fleet.leftovers().await;
    assert_eq!(
        dbs.into_iter().collect::<BTreeSet<_>>(),
        expected,
        "databases"
    );
    assert_eq!(
        roles.into_iter().collect::<BTreeSet<_>>(),
        expected,
        "roles"
    );
    let records: BTreeSet<String> = fleet
        .records()
        .await
        .into_iter()
        .map(|(name, state)| {
            assert_eq!(state, "ready", "{name}");
            name
        })
        .collect();
    assert_eq!(records, expected, "records");
    assert_eq!(fleet.registry_counts().await.0, expected.len() as i64);
    eprintln!(
        "stress: {} creates, {} drops, {rounds} cleanup rounds in {:.1} s",
        created.len(),
        dropped.len(),
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn concurrent_master_inits_all_succeed() {
    let fleet = TestFleet::new();
    let (a, b, c) = tokio::join!(
        runner::master::init(&fleet.target),
        runner::master::init(&fleet.target),
        runner::master::init(&fleet.target)
    );
    let reports = [a.unwrap(), b.unwrap(), c.unwrap()];
    assert_eq!(reports.iter().filter(|r| r.created_database).count(), 1);
    assert_eq!(reports.iter().map(|r| r.plans_inserted).sum::<u64>(), 4);
    assert!(reports.iter().all(|r| r.master_id == reports[0].master_id));
}

#[tokio::test]
async fn of_two_drops_of_one_tenant_the_loser_says_already_dropped() {
    let fleet = TestFleet::initialised().await;
    let name = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap()
        .tenant;
    let (a, b) = tokio::join!(
        tenant::drop(&fleet.target, &name),
        tenant::drop(&fleet.target, &name)
    );
    let (ok, lost) = match (a, b) {
        (Ok(d), Err(e)) | (Err(e), Ok(d)) => (d, e),
        other => panic!("one drop wins, one loses: {other:?}"),
    };
    assert!(ok.database);
    assert!(matches!(lost, RunnerError::AlreadyDropped { .. }), "{lost}");
    assert_eq!(lost.code(), exit::ALREADY_DROPPED);
    assert_eq!(fleet.leftovers().await, (vec![], vec![]));
}

#[tokio::test]
async fn listing_tolerates_tenants_dropped_meanwhile() {
    let fleet = TestFleet::initialised().await;
    let mut names = Vec::new();
    for _ in 0..8 {
        names.push(
            tenant::create(&fleet.target, &CreateOptions::default())
                .await
                .unwrap()
                .tenant,
        );
    }
    let drops = async {
        for name in &names {
            tenant::drop(&fleet.target, name).await.unwrap();
        }
    };
    let lists = async {
        for _ in 0..6 {
            tenant::list(&fleet.target)
                .await
                .expect("a listing never fails because a tenant went");
        }
    };
    tokio::join!(drops, lists);
    assert!(tenant::list(&fleet.target).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_tenant_another_runner_is_working_on_is_busy() {
    let fleet = TestFleet::initialised().await;
    let name = tenant::create(&fleet.target, &CreateOptions::default())
        .await
        .unwrap()
        .tenant;
    let mut other_runner = fleet.admin().await;
    assert!(
        lock::try_acquire(&mut other_runner, LockKey::database(&name))
            .await
            .unwrap()
    );
    let err = tenant::drop(&fleet.target, &name).await.unwrap_err();
    assert_eq!(err.code(), exit::BUSY, "{err}");
    assert!(fleet.database_exists(&name).await);
    drop(other_runner);
}
