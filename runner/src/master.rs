//! `runner master init`: the master database, its schema and the plans.

use schema_core::compare::compare;
use schema_core::ident::quote;
use schema_core::introspect::introspect;
use schema_core::model::Schema;
use schema_core::DbKind;
use sqlx::{Connection, Executor};

use crate::target::Target;
use crate::RunnerError;

/// What `init` did; all false and zero on a second run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InitReport {
    pub database: String,
    pub created_database: bool,
    pub created_schema: bool,
    pub plans_inserted: u64,
}

/// Create the master database and schema when missing and seed the
/// subscription plans. Idempotent. A master holding another schema is refused
/// untouched.
pub async fn init(target: &Target) -> Result<InitReport, RunnerError> {
    let database = target.master_db.clone();
    let mut report = InitReport {
        database: database.clone(),
        ..InitReport::default()
    };
    let mut admin = target.admin().await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&database)
            .fetch_one(&mut admin)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    if !exists {
        let create = format!("CREATE DATABASE {}", quote(&database));
        match admin.execute(create.as_str()).await {
            Ok(_) => report.created_database = true,
            // 42P04: created meanwhile by a concurrent `init`.
            Err(e)
                if e.as_database_error()
                    .and_then(|d| d.code())
                    .is_some_and(|c| c == "42P04") => {}
            Err(e) => {
                return Err(RunnerError::db(
                    "creating the master database",
                    &database,
                    e,
                ))
            }
        }
    }
    // Tenant roles must not reach the registry: CONNECT only for its owner
    // and the roles granted it explicitly.
    let revoke = format!(
        "REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC",
        quote(&database)
    );
    admin
        .execute(revoke.as_str())
        .await
        .map_err(|e| RunnerError::db("restricting CONNECT", &database, e))?;
    admin.close().await.ok();

    let mut conn = target.connect(&database).await?;
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| RunnerError::db("starting a transaction", &database, e))?;
    // One init at a time per master.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('rsm master init'))")
        .execute(&mut *tx)
        .await
        .map_err(|e| RunnerError::db("locking", &database, e))?;
    let actual = introspect(&mut tx, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", &database, e))?;
    if actual.tables.is_empty() {
        tx.execute(schema_core::ddl::create_script(schema_defs::schema(DbKind::Master)).as_str())
            .await
            .map_err(|e| RunnerError::db("creating the master schema", &database, e))?;
        report.created_schema = true;
    } else {
        check_schema(&database, &actual)?;
    }
    report.plans_inserted = seed::master::plans(&mut tx)
        .await
        .map_err(|e| RunnerError::db("inserting the subscription plans", &database, e))?;
    tx.commit()
        .await
        .map_err(|e| RunnerError::db("committing", &database, e))?;
    Ok(report)
}

/// A master that exists must hold exactly the compiled master schema.
pub fn check_schema(database: &str, actual: &Schema) -> Result<(), RunnerError> {
    let expected = Schema::from_def(schema_defs::schema(DbKind::Master));
    let differences = compare(&expected, actual);
    if differences.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = differences
        .iter()
        .take(10)
        .map(|d| format!("  - {d}"))
        .collect();
    Err(RunnerError::UnknownSchema {
        database: database.to_owned(),
        differences: listed.join("\n"),
        hint: "nothing was changed; point --master-db at an empty or an rsm master database".into(),
    })
}
