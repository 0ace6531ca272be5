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
