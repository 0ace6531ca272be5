//! `runner master init`: the master database, its schema, its identity and
//! the plans.
//!
//! An existing database is read before anything in it is changed: it must be
//! this runner's master already, empty, or hold exactly the master schema (a
//! master made by the application's own tools, adopted). Anything else — an
//! application's database, a tenant, a template — is refused untouched.
//! Concurrent inits of one master wait for each other and both succeed.

use std::time::Duration;

use schema_core::ident::quote;
use schema_core::DbKind;
use schema_model::compare::{compare, Difference};
use schema_model::introspect::introspect;
use schema_model::model::Schema;
use sqlx::{Connection, Executor, PgConnection};

use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Identity};
use crate::target::Target;
use crate::tenant;
use crate::RunnerError;

/// What `init` did; all false and zero on a second run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InitReport {
    pub database: String,
    pub master_id: String,
    pub created_database: bool,
    pub created_schema: bool,
    /// A database holding the master schema, made by other tools, taken over.
    pub adopted: bool,
    pub plans_inserted: u64,
    /// What tenant roles could reach on this server, with the fix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Create or adopt the master; see the module documentation. Idempotent.
pub async fn init(target: &Target) -> Result<InitReport, RunnerError> {
    let database = target.master_db.clone();
    let mut admin = target.admin().await?;
    let key = LockKey::master_init(&database);
    let locked = lock::acquire(&mut admin, key, Duration::from_secs(120))
        .await
        .map_err(|e| RunnerError::db("taking the master's lock", &database, e))?;
    if !locked {
        return Err(RunnerError::Busy {
            database,
            what: "another `master init` has been running for 2 minutes".into(),
        });
    }
    let report = init_locked(target, &mut admin).await;
    lock::release(&mut admin, key).await;
    report
}

/// What an existing database holds, read before anything is changed.
enum Found {
    /// This runner's master already.
    Master(Identity),
    /// No tables at all: ours to fill.
    Empty,
    /// Exactly the master schema, without the runner's identity.
    Adoptable,
}

async fn init_locked(target: &Target, admin: &mut PgConnection) -> Result<InitReport, RunnerError> {
    let database = target.master_db.clone();
    let mut report = InitReport {
        database: database.clone(),
        ..InitReport::default()
    };
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&database)
            .fetch_one(&mut *admin)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    let mut conn = if exists {
        target.connect(&database).await?
    } else {
        let create = format!("CREATE DATABASE {}", quote(&database));
        admin
            .execute(create.as_str())
            .await
            .map_err(|e| RunnerError::db("creating the master database", &database, e))?;
        report.created_database = true;
        target.connect(&database).await?
    };
    let found = inspect(target, &mut conn).await?;

    // Nothing was changed before this point.
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| RunnerError::db("starting a transaction", &database, e))?;
    let failed = |what: &'static str| {
        let database = database.clone();
        move |e| RunnerError::db(what, &database, e)
    };
    let identity = match found {
        Found::Master(identity) => identity,
        Found::Empty | Found::Adoptable => {
            if matches!(found, Found::Empty) {
                tx.execute(
                    schema_model::ddl::create_script(target.declared.schema(DbKind::Master))
                        .as_str(),
                )
                .await
                .map_err(failed("creating the master schema"))?;
                crate::bookkeeping::history::record(
                    &mut tx,
                    &crate::bookkeeping::history::Entry::baseline(&target.declared, DbKind::Master),
                )
                .await
                .map_err(failed("recording the history"))?;
                report.created_schema = true;
            } else {
                report.adopted = true;
            }
            let identity =
                Identity::random().map_err(RunnerError::system("reading /dev/urandom"))?;
            crate::bookkeeping::rsm::upgrade(&mut tx, crate::bookkeeping::rsm::Ladder::Master)
                .await
                .map_err(failed("creating the runner's records"))?;
            sqlx::query("INSERT INTO rsm.identity (master_id, adopted) VALUES ($1, $2)")
                .bind(&identity.master_id)
                .bind(report.adopted)
                .execute(&mut *tx)
                .await
                .map_err(failed("recording the master's identity"))?;
            identity
        }
    };
    crate::bookkeeping::ledger::ensure(&mut tx)
        .await
        .map_err(failed("creating the run ledger"))?;
    crate::bookkeeping::stamp::write(
        &mut tx,
        target.declared.fingerprint(DbKind::Master),
        Some(&identity.master_id),
    )
    .await
    .map_err(failed("stamping the master"))?;
    match crate::app::seeds::master_rows(&mut tx)
        .await
        .map_err(failed("inserting the subscription plans"))?
    {
        Some(inserted) => report.plans_inserted = inserted,
        None => report.warnings.push(
            "built without seed sets (without the feature `seeds`): the subscription plans were not \
             inserted; `runner master init` from a default build inserts them"
                .into(),
        ),
    }
    crate::bookkeeping::stamp::verify(&mut tx)
        .await
        .map_err(failed("recording the verified catalog"))?;
    let adopted: bool = sqlx::query_scalar("SELECT adopted FROM rsm.identity")
        .fetch_one(&mut *tx)
        .await
        .map_err(failed("reading the master's identity"))?;
    tx.commit().await.map_err(failed("committing"))?;
    conn.close().await.ok();
    report.master_id = identity.master_id.clone();

    ownership::ensure_owner_role(admin, &identity)
        .await
        .map_err(|e| RunnerError::db("creating the master's owner role", &database, e))?;
    // Tenant roles must not reach the registry: CONNECT only for its owner
    // and the roles granted it explicitly. On a master the runner made; one it
    // adopted serves an application whose roles may connect through PUBLIC,
    // so there the exposure is reported with its fix instead.
    if adopted {
        report
            .warnings
            .extend(master_exposure(admin, &database).await?);
    } else {
        let revoke = format!(
            "REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC",
            quote(&database)
        );
        admin
            .execute(revoke.as_str())
            .await
            .map_err(|e| RunnerError::db("restricting CONNECT", &database, e))?;
    }
    if target.server.managed {
        tenant::close_public_exposure(admin)
            .await
            .map_err(|e| RunnerError::db("restricting CONNECT", "postgres", e))?;
    } else {
        report.warnings.extend(
            tenant::public_exposure(admin)
                .await
                .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?,
        );
    }
    Ok(report)
}

/// A warning when PUBLIC (so every tenant role) may connect to the master.
async fn master_exposure(
    admin: &mut PgConnection,
    database: &str,
) -> Result<Vec<String>, RunnerError> {
    let open = crate::tenant::open_to_public(admin, &[database])
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    Ok(open
        .iter()
        .map(|db| {
            format!(
                "every role, tenant roles included, may connect to the master `{db}`; to close it: \
                 GRANT CONNECT ON DATABASE {0} TO <the application's roles>; REVOKE CONNECT ON DATABASE {0} FROM PUBLIC;",
                quote(db)
            )
        })
        .collect())
}

/// Decide what an existing database is, changing nothing.
async fn inspect(target: &Target, conn: &mut PgConnection) -> Result<Found, RunnerError> {
    let database = target.master_db.as_str();
    let expected = target.declared.schema(DbKind::Master);
    let read = |e| RunnerError::db("reading the database", database, e);
    if let Some(identity) = ownership::read_identity(conn).await.map_err(read)? {
        let actual = introspect(conn, "public").await.map_err(read)?;
        check_schema(database, expected, &actual)?;
        return Ok(Found::Master(identity));
    }
    let stamped: bool = sqlx::query_scalar("SELECT to_regclass('rsm.stamp') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(read)?;
    // The runner's own schema (`rsm`: a stamp, a history) does not count.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'rsm') AND n.nspname NOT LIKE 'pg_toast%'
          ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(read)?;
    let tenant = || {
        refused(
            database,
            "  - it carries a tenant stamp (`rsm.stamp`): it is a tenant or a template".into(),
        )
    };
    if tables.is_empty() {
        return if stamped {
            Err(tenant())
        } else {
            Ok(Found::Empty)
        };
    }
    let outside_public: Vec<&String> = tables
        .iter()
        .filter(|t| !t.starts_with("public."))
        .collect();
    if !outside_public.is_empty() {
        let listed: Vec<String> = outside_public
            .iter()
            .take(10)
            .map(|t| format!("  - {t}: not a master table"))
            .collect();
        return Err(refused(database, listed.join("\n")));
    }
    // Exactly the master schema: a master (made by other tools, perhaps
    // stamped by a first `migrate`), to adopt.
    let actual = introspect(conn, "public").await.map_err(read)?;
    match check_schema(database, expected, &actual) {
        Ok(()) => Ok(Found::Adoptable),
        Err(_) if stamped => Err(tenant()),
        Err(e) => Err(e),
    }
}

fn refused(database: &str, differences: String) -> RunnerError {
    RunnerError::UnknownSchema {
        database: database.to_owned(),
        differences,
        hint:
            "nothing was changed; point --master-db at an empty database, a new name, or a master \
               (an older master schema: `runner migrate --master` brings it up to date)"
                .into(),
    }
}

/// A master must hold exactly the compiled master schema; only the order of
/// columns may differ (it changes nothing a query sees).
pub(crate) fn check_schema(
    database: &str,
    expected: &Schema,
    actual: &Schema,
) -> Result<(), RunnerError> {
    let differences: Vec<Difference> = compare(expected, actual)
        .into_iter()
        .filter(|d| !matches!(d, Difference::ColumnOrder { .. }))
        .collect();
    if differences.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = differences
        .iter()
        .take(10)
        .map(|d| format!("  - {d}"))
        .collect();
    Err(refused(database, listed.join("\n")))
}
