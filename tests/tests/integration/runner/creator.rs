//! `tenant::Creator`: creates over kept connections are the same creates —
//! no lock left held between them, beside other creators, after a failure
//! and after the server closed its connections.

use std::time::Duration;

use runner::bookkeeping::lock::{self, LockKey};
use runner::template::Method;
use runner::tenant::{self, pool, CreateOptions, Creator, Fault, FaultAction, Step};
use sqlx::PgConnection;

use super::fleet::TestFleet;

/// The start of each backend connected to the fleet's master.
async fn master_backends(fleet: &TestFleet, admin: &mut PgConnection) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT backend_start::text FROM pg_stat_activity WHERE datname = $1 ORDER BY 1",
    )
    .bind(&fleet.target.master_db)
    .fetch_all(admin)
    .await
    .unwrap()
}

/// Every lock a create takes is free again: taken and released from
/// another session (waiting a little for the allocation lock, which other
/// tests' creates on this server take too).
async fn assert_free(admin: &mut PgConnection, names: &[String]) {
    let keys = names
        .iter()
        .map(|n| (n.clone(), LockKey::database(n)))
        .chain([("allocation".to_owned(), LockKey::allocation())]);
    for (name, key) in keys {
        let taken = lock::acquire(admin, key, Duration::from_secs(10))
            .await
            .unwrap();
        assert!(taken, "the lock of {name} is still held");
        lock::release(admin, key).await;
    }
}

#[tokio::test]
async fn a_creator_keeps_its_connections_and_holds_no_lock_between_creates() {
    let fleet = TestFleet::initialised().await;
    pool::fill(&fleet.target, 2, None).await.unwrap();
    let spares: Vec<String> =
        sqlx::query_scalar("SELECT name FROM rsm.databases WHERE kind = 'spare'")
            .fetch_all(&mut fleet.master().await)
            .await
            .unwrap();
    assert_eq!(spares.len(), 2);
    let mut admin = fleet.admin().await;

    let mut creator = Creator::new(&fleet.target);
    let mut made = Vec::new();
    let mut backends = Vec::new();
    for _ in 0..3 {
        let created = creator.create(&CreateOptions::default()).await.unwrap();
        made.push(created);
        backends.push(master_backends(&fleet, &mut admin).await);
        let names: Vec<String> = made.iter().map(|c| c.tenant.clone()).collect();
        assert_free(&mut admin, &[names, spares.clone()].concat()).await;
    }
    let methods: Vec<Method> = made.iter().map(|c| c.method).collect();
    assert_eq!(
        methods,
        [Method::Pooled, Method::Pooled, Method::Cloned],
        "{made:#?}"
    );
    assert_eq!(backends[0].len(), 1, "one connection to the master");
    assert!(
        backends.iter().all(|b| *b == backends[0]),
        "the same connection served every create: {backends:?}"
    );

    fleet.assert_all_current().await;
    assert_eq!(tenant::list(&fleet.target).await.unwrap().len(), 3);
    creator.close().await;
    // A backend ends just after its client's goodbye.
    let mut left = master_backends(&fleet, &mut admin).await;
    for _ in 0..100 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        left = master_backends(&fleet, &mut admin).await;
    }
    assert!(left.is_empty(), "closed: {left:?}");
}

#[tokio::test]
async fn creators_side_by_side_never_share_a_name_or_a_spare() {
    let fleet = TestFleet::initialised().await;
    pool::fill(&fleet.target, 4, None).await.unwrap();
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let target = fleet.target.clone();
            tokio::spawn(async move {
                let mut creator = Creator::new(&target);
                let mut made = Vec::new();
                for _ in 0..3 {
                    made.push(creator.create(&CreateOptions::default()).await.unwrap());
                }
                creator.close().await;
                made
            })
        })
        .collect();
    let mut made = Vec::new();
    for task in tasks {
        made.extend(task.await.unwrap());
    }
    let mut names: Vec<&str> = made.iter().map(|c| c.tenant.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 9);
    let pooled = made.iter().filter(|c| c.method == Method::Pooled).count();
    assert_eq!(pooled, 4, "each spare taken once: {made:#?}");
    fleet.assert_all_current().await;
}

#[tokio::test]
async fn a_creator_goes_on_after_a_failed_create_and_after_the_server_closed_its_connections() {
    let fleet = TestFleet::initialised().await;
    let mut admin = fleet.admin().await;
    let mut creator = Creator::new(&fleet.target);
    let first = creator.create(&CreateOptions::default()).await.unwrap();

    // A create that fails after its stamp removes what it made, as any.
    let failing = CreateOptions {
        fault: Some(Fault {
            after: Step::Stamp,
            action: FaultAction::Error,
        }),
        ..CreateOptions::default()
    };
    creator.create(&failing).await.unwrap_err();
    let only_first = vec![first.tenant.clone()];
    assert_eq!(fleet.leftovers().await, (only_first.clone(), only_first));

    // The server ends every session of the creator's (a restart, an idle
    // timeout): the next create connects again.
    let second = creator.create(&CreateOptions::default()).await.unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&fleet.target.master_db)
    .execute(&mut admin)
    .await
    .unwrap();
    let third = creator.create(&CreateOptions::default()).await.unwrap();
    let names = [first.tenant, second.tenant, third.tenant];
    assert_free(&mut admin, &names).await;
    fleet.assert_all_current().await;
    let listed = tenant::list(&fleet.target).await.unwrap();
    assert_eq!(
        listed.len(),
        3,
        "the failed create left no tenant: {listed:#?}"
    );
    creator.close().await;
}
