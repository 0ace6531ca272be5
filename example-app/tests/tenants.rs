//! The application's tests, each with a tenant of its own from
//! `#[runner::test]`: the current schema, empty, factories seeded from the
//! test's name; dropped after a passing test, kept after a failing one.

use runner::testing::TestTenant;
use schema_core::Decimal;
use schema_defs::tenant::{Client, Invoice, InvoiceStatus, Project};

#[runner::test]
async fn what_a_client_owes_is_its_sent_and_overdue_invoices(tenant: TestTenant) {
    let mut conn = tenant.pool.acquire().await.unwrap();
    let client = tenant
        .seed
        .factory::<Client>()
        .create(&mut *conn)
        .await
        .unwrap();
    for (status, total) in [
        (InvoiceStatus::Sent, 120),
        (InvoiceStatus::Overdue, 80),
        (InvoiceStatus::Paid, 1000),
        (InvoiceStatus::Draft, 7),
    ] {
        tenant
            .seed
            .factory::<Invoice>()
            .for_client(&client)
            .status(status)
            .total(Decimal::from(total))
            .create(&mut *conn)
            .await
            .unwrap();
    }
    let owed = example_app::outstanding(&mut conn, client.id)
        .await
        .unwrap();
    assert_eq!(owed, Decimal::from(200));
}

#[runner::test]
async fn clients_are_listed_with_their_projects(tenant: TestTenant) -> Result<(), sqlx::Error> {
    let mut conn = tenant.pool.acquire().await?;
    // An empty tenant: nothing another test made is here.
    assert!(example_app::clients_with_projects(&mut conn)
        .await?
        .is_empty());
    let clients = tenant.seed.factory::<Client>();
    let busy = clients.clone().name("Ana Costa").create(&mut *conn).await?;
    clients.clone().name("Bo Lind").create(&mut *conn).await?;
    tenant
        .seed
        .factory::<Project>()
        .for_client(&busy)
        .create_many(&mut *conn, 3)
        .await?;
    let listed = example_app::clients_with_projects(&mut conn).await?;
    assert_eq!(listed, [("Ana Costa".into(), 3), ("Bo Lind".into(), 0)]);
    Ok(())
}

/// The same test name gives the same seed, hence the same rows, every run.
#[runner::test]
async fn factories_are_seeded_from_the_test_name(tenant: TestTenant) {
    let path = concat!(module_path!(), "::factories_are_seeded_from_the_test_name");
    assert_eq!(tenant.seed.value(), runner::testing::pool::seed_of(path));
    assert_eq!(tenant.seed.anchor(), runner::testing::TEST_ANCHOR);
    let mut conn = tenant.pool.acquire().await.unwrap();
    let first = tenant
        .seed
        .factory::<Client>()
        .create(&mut *conn)
        .await
        .unwrap();
    // Another seed of the same value makes the same first client.
    let again = schema_core::Seed::with_anchor(tenant.seed.value(), tenant.seed.anchor());
    let twin = again.factory::<Client>().create(&mut *conn).await.unwrap();
    assert_eq!((first.name, first.email), (twin.name, twin.email));
}
