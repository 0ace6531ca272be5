//! The insert builder on each kind of executor, with defaults applied by the
//! server and only the primary key returned when asked.

use schema_core::{Decimal, Table};
use schema_defs::tenant::{Client, ClientType, Room, RoomType};
use sqlx::{Connection, Executor};
use tests::fresh_database;

#[tokio::test]
async fn inserts_on_a_pool_a_connection_and_a_transaction() {
    let test_db = fresh_database().await;
    test_db
        .pool
        .execute(runner::schema::sql_script(schema_core::DbKind::Tenant).as_str())
        .await
        .unwrap();

    // Pool; only the required column given: the declared defaults apply.
    let client = Client::insert()
        .name("Ana Lima")
        .returning_row(&test_db.pool)
        .await
        .unwrap();
    assert_eq!(client.kind, ClientType::Individual);
    assert!(client.is_active && !client.is_vip);
    assert_eq!(client.phones.as_ref().map(|p| p.0.len()), Some(0));

    // Connection, key only; an optional column given twice keeps the last value.
    let mut conn = test_db.connect().await;
    let room_id: i32 = Room::insert()
        .name("Studio A")
        .hourly_rate(Decimal::new(4500, 2))
        .kind(RoomType::Live)
        .kind(RoomType::Mixing)
        .returning_key(&mut conn)
        .await
        .unwrap();
    let (kind, rate): (String, Decimal) =
        sqlx::query_as("SELECT type, hourly_rate FROM rooms WHERE id = $1")
            .bind(room_id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!((kind.as_str(), rate), ("mixing", Decimal::new(4500, 2)));

    // Transaction: rolled back, nothing stays.
    let mut tx = conn.begin().await.unwrap();
    Client::insert()
        .name("Temp")
        .returning_key(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let count: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", Client::NAME))
        .fetch_one(&test_db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}
