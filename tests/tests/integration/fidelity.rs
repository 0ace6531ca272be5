//! A database built from `runner schema sql` is the reference schema, and
//! introspection reads back exactly what the compiled schema declares.

use schema_core::{DbKind, Decimal, NaiveDateTime, SchemaDef, Table};
use schema_model::compare::compare;
use schema_model::ddl;
use schema_model::introspect::introspect;
use schema_model::model::Schema;
use sqlx::Executor;
use tests::{fresh_database, reference};

#[tokio::test]
async fn built_databases_match_the_reference() {
    for db in [DbKind::Master, DbKind::Tenant] {
        let test_db = fresh_database().await;
        let mut conn = test_db.connect().await;
        conn.execute(runner::schema::sql_script(db).as_str())
            .await
            .unwrap();
        let actual = introspect(&mut conn, "public").await.unwrap();
        let diffs = compare(&reference::load(db), &actual);
        assert!(
            diffs.is_empty(),
            "{db}: {}",
            diffs.iter().map(|d| format!("\n  {d}")).collect::<String>()
        );
        // And against the compiled model directly, constraint names aside.
        assert!(compare(&Schema::from_def(schema_defs::schema(db)), &actual).is_empty());
    }
}

/// A table using what the reference does not: other integer widths, uuid,
/// timestamptz, negative and SQL defaults, keywords as names, a composite
/// primary key, indexes, ON UPDATE, checks.
#[allow(dead_code)]
mod extra {
    use super::*;
    use schema_core::{DateTime, Utc, Uuid};

    #[derive(Table)]
    #[table(name = "accounts", db = tenant)]
    pub struct Account {
        #[column(primary_key, serial)]
        pub id: i64,
        #[column(varchar(40), unique)]
        pub handle: String,
    }

    #[derive(Table)]
    #[table(
        name = "ledger",
        db = tenant,
        primary_key(account_id, line),
        index(account_id, booked_at),
        unique_index(reference),
        check(name = "ledger_line_positive", sql = "line > 0"),
        check(name = "ledger_order_not_blank", sql = "\"order\" <> ''")
    )]
    pub struct Ledger {
        #[column(references = Account::id, on_delete = restrict, on_update = cascade)]
        pub account_id: i64,
        pub line: i16,
        #[column(default = sql("gen_random_uuid()"))]
        pub reference: Uuid,
        #[column(default = -1)]
        pub balance_hint: i32,
        #[column(numeric(12, 4), default = -0.5)]
        pub amount: Decimal,
        #[column(default = now, index)]
        pub booked_at: DateTime<Utc>,
        pub local_time: Option<NaiveDateTime>,
        #[column(name = "order", default = "it's")]
        pub order_note: String,
        pub payload: Option<serde_json::Value>,
    }

    pub static SCHEMA: SchemaDef = SchemaDef::new(DbKind::Tenant, &[Ledger::DEF, Account::DEF]);
}

#[tokio::test]
async fn introspection_reads_back_every_declared_feature() {
    let test_db = fresh_database().await;
    let mut conn = test_db.connect().await;
    let script = ddl::create_script(&Schema::from_def(&extra::SCHEMA));
    conn.execute(script.as_str()).await.unwrap();
    let actual = introspect(&mut conn, "public").await.unwrap();
    let expected = Schema::from_def(&extra::SCHEMA);
    let diffs = compare(&expected, &actual);
    assert!(
        diffs.is_empty(),
        "{}",
        diffs.iter().map(|d| format!("\n  {d}")).collect::<String>()
    );
    let ledger = actual.table("ledger").unwrap();
    assert_eq!(
        ledger.primary_key.as_ref().unwrap().columns,
        ["account_id", "line"]
    );
    assert_eq!(ledger.indexes.len(), 3);
    // Checks read back as PostgreSQL prints them, and compare equal to the declaration.
    let mut checks: Vec<(&str, &str)> = ledger
        .checks
        .iter()
        .map(|c| (c.name.as_str(), c.definition.as_str()))
        .collect();
    checks.sort();
    assert_eq!(
        checks,
        [
            ("ledger_line_positive", "CHECK (line > 0)"),
            ("ledger_order_not_blank", "CHECK (\"order\" <> ''::text)")
        ]
    );
    assert_eq!(
        ledger
            .column("order")
            .unwrap()
            .default
            .as_ref()
            .map(|d| d.printed.as_str()),
        Some("'it''s'::text")
    );
    assert_eq!(
        ledger
            .column("balance_hint")
            .unwrap()
            .default
            .as_ref()
            .map(|d| d.printed.as_str()),
        Some("'-1'::integer")
    );
    assert!(
        actual
            .table("accounts")
            .unwrap()
            .column("id")
            .unwrap()
            .serial
    );
}

/// Names as other tools write them (`"LineItem"`, `"createdAt"`, spaces,
/// quotes): declared with `name = "..."`, quoted wherever SQL is written.
mod written_names {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "Order", db = tenant)]
    pub struct Order {
        #[column(name = "ID", primary_key, serial)]
        pub id: i32,
        #[column(name = "Ref \"A\"", unique)]
        pub reference: String,
    }

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "line items", db = tenant, index(order_id, created_at))]
    pub struct LineItem {
        #[column(name = "ID", primary_key, serial)]
        pub id: i32,
        #[column(name = "orderId", references = Order::id, on_delete = cascade)]
        pub order_id: i32,
        #[column(name = "createdAt", default = now)]
        pub created_at: NaiveDateTime,
        #[column(name = "unit price", numeric(8, 2), default = 0)]
        pub unit_price: Decimal,
    }

    schema_core::schema! {
        pub static SCHEMA: Tenant;
        order = "Order" => Order,
        line_items = "line items" => LineItem,
    }
}

#[tokio::test]
async fn written_names_round_trip_through_ddl_builders_factories_and_rows() {
    use written_names::{LineItem, Order, Volumes, SCHEMA};
    let test_db = fresh_database().await;
    let pool = &test_db.pool;
    let declared = Schema::from_def(&SCHEMA);
    pool.execute(ddl::create_script(&declared).as_str())
        .await
        .unwrap();
    let mut conn = test_db.connect().await;
    let actual = introspect(&mut conn, "public").await.unwrap();
    let diffs = compare(&declared, &actual);
    assert!(diffs.is_empty(), "{diffs:?}");
    assert!(actual
        .table("line items")
        .unwrap()
        .column("unit price")
        .is_some());

    let order = Order::insert()
        .reference("A-1")
        .returning_row(pool)
        .await
        .unwrap();
    let item = LineItem::insert()
        .order_id(order.id)
        .unit_price(Decimal::new(1250, 2))
        .returning_row(pool)
        .await
        .unwrap();
    assert_eq!(item.order_id, order.id);
    let seed = schema_core::Seed::new(5);
    let made = seed
        .factory::<LineItem>()
        .create_many(pool, 20)
        .await
        .unwrap();
    assert_eq!(made, 20);
    let rows: Vec<LineItem> = sqlx::query_as("SELECT * FROM \"line items\" ORDER BY \"ID\"")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 21);
    let volumes = Volumes {
        order: 1,
        line_items: 2,
    };
    assert_eq!(volumes.by_name("line items"), Some(2));
    assert_eq!(volumes.by_name("Order"), Some(1));
}

/// The next version of `written_names`: a column added, one renamed, an
/// index and a check, all on written-out names.
mod written_names_v2 {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(name = "Order", db = tenant)]
    pub struct Order {
        #[column(name = "ID", primary_key, serial)]
        pub id: i32,
        #[column(name = "Ref \"A\"", unique)]
        pub reference: String,
        #[column(name = "Note Text")]
        pub note: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Table)]
    #[table(
        name = "line items",
        db = tenant,
        index(order_id, created_at),
        index(unit_price),
        check(name = "line items: price ≥ 0", sql = "\"unit price\" >= 0")
    )]
    pub struct LineItem {
        #[column(name = "ID", primary_key, serial)]
        pub id: i32,
        #[column(name = "orderId", references = Order::id, on_delete = cascade)]
        pub order_id: i32,
        #[column(name = "Created At", renamed_from = "createdAt", default = now)]
        pub created_at: NaiveDateTime,
        #[column(name = "unit price", numeric(8, 2), default = 0)]
        pub unit_price: Decimal,
    }

    schema_core::schema! {
        pub static SCHEMA: Tenant;
        order = "Order" => Order,
        line_items = "line items" => LineItem,
    }
}

#[tokio::test]
async fn written_names_migrate_with_their_rows() {
    use schema_model::plan::{plan, PlanOptions};
    let test_db = fresh_database().await;
    let pool = &test_db.pool;
    let v1 = Schema::from_def(&written_names::SCHEMA);
    pool.execute(ddl::create_script(&v1).as_str())
        .await
        .unwrap();
    let order = written_names::Order::insert()
        .reference("A-1")
        .returning_row(pool)
        .await
        .unwrap();
    written_names::LineItem::insert()
        .order_id(order.id)
        .unit_price(Decimal::new(1250, 2))
        .returning_row(pool)
        .await
        .unwrap();

    let v2 = Schema::from_def(&written_names_v2::SCHEMA);
    let mut conn = test_db.connect().await;
    let actual = introspect(&mut conn, "public").await.unwrap();
    let steps = plan(&actual, &v2, &PlanOptions::default());
    let script = steps.sql_script();
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    tx.execute(script.as_str())
        .await
        .unwrap_or_else(|e| panic!("{e}\n{script}"));
    tx.commit().await.unwrap();
    let after = introspect(&mut conn, "public").await.unwrap();
    let diffs = compare(&v2, &after);
    assert!(diffs.is_empty(), "{diffs:?}\n{script}");
    let rows: Vec<written_names_v2::LineItem> = sqlx::query_as("SELECT * FROM \"line items\"")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the row survived the rename");
    assert_eq!(rows[0].unit_price, Decimal::new(1250, 2));
}
