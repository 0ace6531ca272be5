//! The template database new tenants are cloned from, and the schema put into
//! a new database.
//!
//! Each master has its own template,
//! `rsm_template_<master>_<fingerprint><journal generation>`: recorded in the master before it is
//! made, owned by the master's owner role, marked `IS_TEMPLATE` only when
//! complete, so that a half-built one (a crash while building) is recognised
//! and rebuilt — and no other master's template is ever touched.

use std::time::Duration;

use schema_core::ident::quote;
use schema_core::DbKind;
use schema_model::ddl;

use crate::bookkeeping::history;
use crate::declared::Declared;
use sqlx::{Connection, Executor, PgConnection};

use crate::bookkeeping::lock::{self, LockKey};
use crate::bookkeeping::ownership::{self, Fleet, Identity, Kind, Phase, Proof};
use crate::bookkeeping::stamp;
use crate::error::sqlstate;
use crate::server::DEFAULT_SERVER;
use crate::target::TEMPLATE_PREFIX;
use crate::RunnerError;

/// The name of a master's template of the tenant schema with this
/// fingerprint on one of its servers (names are unique in the fleet: the
/// master's server's has no suffix).
pub fn template_name(identity: &Identity, fingerprint: &str, server: &str) -> String {
    let name = format!(
        "{TEMPLATE_PREFIX}{}_{}{}",
        identity.short(),
        &fingerprint[..12.min(fingerprint.len())],
        crate::bookkeeping::journal::GENERATION
    );
    if server == DEFAULT_SERVER {
        name
    } else {
        format!("{name}_{server}")
    }
}

/// This master's template of the current schema on the server worked on.
fn current_template(fleet: &Fleet) -> String {
    template_name(
        &fleet.identity,
        fleet.target.declared.tenant_fingerprint(),
        &fleet.server.name,
    )
}

/// Create `db`'s declared schema in an empty database, in one transaction,
/// with its stamp and a first history row: a database made at the current
/// schema has no use for the data migrations registered so far.
pub(crate) async fn apply_schema(
    conn: &mut PgConnection,
    declared: &Declared,
    db: DbKind,
    master_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin().await?;
    tx.execute(ddl::create_script(declared.schema(db)).as_str())
        .await?;
    let fingerprint = declared.fingerprint(db);
    stamp::write(&mut tx, fingerprint, master_id).await?;
    history::record(&mut tx, &history::Entry::baseline(declared, db)).await?;
    stamp::verify(&mut tx).await?;
    tx.commit().await
}

/// The schema of the target's tenants, with its stamp, into an empty database.
async fn apply_tenant_schema(fleet: &Fleet, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    apply_schema(
        conn,
        &fleet.target.declared,
        DbKind::Tenant,
        Some(&fleet.identity.master_id),
    )
    .await
}

/// Nobody connects to a template (a connection would block cloning, and
/// could change it), and it is marked IS_TEMPLATE only now that it is
/// complete.
pub(crate) async fn seal(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let seal = format!(
        "REVOKE CONNECT ON DATABASE {0} FROM PUBLIC; \
         ALTER DATABASE {0} IS_TEMPLATE true ALLOW_CONNECTIONS false",
        quote(name)
    );
    admin.execute(seal.as_str()).await.map(|_| ())
}

/// A clone and the mark its template carried just before it was made.
///
/// A template's mark is the OID and `xmin` of its `pg_database` row while it
/// refuses connections. Changing what is inside a template takes a
/// connection, so first an `ALTER DATABASE ... ALLOW_CONNECTIONS true`,
/// which gives the row a new `xmin`. So once a clone made under a mark was
/// found faithful (a clone is only made when no session is in its template),
/// every later clone under the same mark holds the same catalog, and is not
/// hashed again: [`vouched`], [`clone_holds`], [`record_mark`].
pub(crate) struct Vouch {
    template: String,
    mark: String,
}

/// The mark of `name` (see [`Vouch`]): `None` while it accepts connections.
const MARK_SQL: &str = "CASE WHEN NOT datallowconn THEN oid::text || ':' || xmin::text END";

async fn mark_now(admin: &mut PgConnection, name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT {MARK_SQL} FROM pg_database WHERE datname = $1"
    ))
    .bind(name)
    .fetch_optional(admin)
    .await
    .map(Option::flatten)
}

/// Whether the template was cloned under the mark a faithful clone of it
/// was made under ([`Vouch`]): then the clone holds the verified catalog
/// without a look inside; else [`clone_holds`] looks, and [`record_mark`]
/// follows.
pub(crate) async fn vouched(
    master: &mut PgConnection,
    vouch: Option<&Vouch>,
) -> Result<bool, sqlx::Error> {
    let Some(v) = vouch else {
        return Ok(false);
    };
    let verified: Option<Option<String>> =
        sqlx::query_scalar("SELECT verified_mark FROM rsm.databases WHERE name = $1")
            .bind(&v.template)
            .fetch_optional(master)
            .await?;
    Ok(verified.flatten().as_deref() == Some(v.mark.as_str()))
}

/// Whether a new database holds the template's verified catalog: made by
/// DDL, or vouched for by its template's mark ([`vouched`]), or else
/// measured ([`clone_is_faithful`]).
pub(crate) async fn clone_holds(
    conn: &mut PgConnection,
    declared: &Declared,
    method: Method,
    vouched: bool,
) -> Result<bool, sqlx::Error> {
    if method != Method::Cloned || vouched {
        return Ok(true);
    }
    clone_is_faithful(conn, declared).await
}

/// After a clone made under `vouch` was found faithful: its template's mark
/// recorded, if it held through the clone (no `ALTER DATABASE` meanwhile,
/// and none of its sessions then, or the clone would have failed).
pub(crate) async fn record_mark(fleet: &mut Fleet, vouch: &Vouch) -> Result<(), RunnerError> {
    let now = mark_now(fleet.server_admin(), &vouch.template)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    if now.as_deref() != Some(vouch.mark.as_str()) {
        return Ok(());
    }
    sqlx::query("UPDATE rsm.databases SET verified_mark = $2 WHERE name = $1")
        .bind(&vouch.template)
        .bind(&vouch.mark)
        .execute(&mut fleet.master)
        .await
        .map(|_| ())
        .map_err(|e| fleet.master_error("recording the template's mark", e))
}

/// Whether a fresh clone holds what its template held when the runner
/// verified it: the catalog hash recorded in the stamp it carries, measured
/// again (a template altered by hand since would pass its change on to every
/// tenant; its journal, cleared at stamping, cannot be trusted to say so).
/// A template built without a journal (no superuser) recorded no hash: its
/// clone is read in full and compared with the declared schema.
async fn clone_is_faithful(
    conn: &mut PgConnection,
    declared: &Declared,
) -> Result<bool, sqlx::Error> {
    let recorded = stamp::read(conn).await?.and_then(|s| s.catalog);
    match recorded {
        Some(catalog) => {
            Ok(schema_model::introspect::catalog_hash(conn, "public").await? == catalog)
        }
        None => {
            let actual = schema_model::introspect::introspect(conn, "public").await?;
            Ok(schema_model::fingerprint::fingerprint(&actual)
                == declared.fingerprint(DbKind::Tenant))
        }
    }
}

/// A template found changed since it was verified: no longer marked a
/// template, so that [`ensure_template`] builds it again. Only this master's.
pub(crate) async fn set_aside(fleet: &mut Fleet) -> Result<(), RunnerError> {
    let name = current_template(fleet);
    match ownership::prove_database(fleet, &name)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?
    {
        Proof::Owned(_) => fleet
            .server_admin()
            .execute(format!("ALTER DATABASE {} IS_TEMPLATE false", quote(&name)).as_str())
            .await
            .map(|_| ())
            .map_err(|e| RunnerError::db("setting the changed template aside", &name, e)),
        Proof::Absent => Ok(()),
        Proof::NotOwned(reason) => Err(RunnerError::NotOwned {
            database: name,
            master: fleet.master_db().to_owned(),
            reason,
        }),
    }
}

/// How a tenant database got its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Cloned from the template (`CREATE DATABASE ... TEMPLATE`).
    Cloned,
    /// The template was busy: created empty, then the schema applied.
    Ddl,
    /// A spare from the warm pool, renamed.
    Pooled,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cloned => "cloned",
            Method::Ddl => "ddl",
            Method::Pooled => "pooled",
        }
    }
}

/// How PostgreSQL copies the template (`CREATE DATABASE ... STRATEGY`).
/// `WAL_LOG` (PostgreSQL's default) writes the template's blocks to the WAL;
/// `FILE_COPY` copies its files but forces a checkpoint before and after,
/// which on a durable server costs more than the WAL of a small template
/// and stalls every other session's writes meanwhile. Measured by
/// `bench-create` (docs/benchmarks.md): p50 72 ms against 137 ms on an
/// fsync-on cluster, equal within noise on a throwaway one.
pub const CLONE_STRATEGY: &str = "WAL_LOG";

/// Create `name` holding the current tenant schema, owned by the master's
/// owner role: a clone of the template, or plain DDL when the template is busy
/// (someone is connected to it). The caller recorded the intent first.
pub(crate) async fn create_database(
    fleet: &mut Fleet,
    name: &str,
) -> Result<(Method, Option<Vouch>), RunnerError> {
    let (made, ()) = create_database_beside(fleet, name, async |_| ()).await?;
    Ok(made)
}

/// [`create_database`], running `beside` on the master's connection while
/// the server clones (most of a create's time is the clone).
pub(crate) async fn create_database_beside<T>(
    fleet: &mut Fleet,
    name: &str,
    beside: impl AsyncFnOnce(&mut PgConnection) -> T,
) -> Result<((Method, Option<Vouch>), T), RunnerError> {
    let (template, mark) = ensure_template(fleet).await?;
    let owner_role = fleet.identity.owner_role();
    let owner = quote(&owner_role);
    let clone = format!(
        "CREATE DATABASE {} OWNER {owner} TEMPLATE {} STRATEGY {CLONE_STRATEGY}",
        quote(name),
        quote(&template)
    );
    let (admin, master) = fleet.server_admin_and_master();
    let (cloned, beside) = tokio::join!(admin.execute(clone.as_str()), beside(master));
    match cloned {
        Ok(_) => {
            let vouch = mark.map(|mark| Vouch { template, mark });
            return Ok(((Method::Cloned, vouch), beside));
        }
        // 55006: "source database ... is being accessed by other users".
        Err(e) if sqlstate(&e).as_deref() == Some("55006") => {}
        Err(e) => return Err(RunnerError::db("cloning the template", name, e)),
    }
    fleet
        .server_admin()
        .execute(format!("CREATE DATABASE {} OWNER {owner}", quote(name)).as_str())
        .await
        .map_err(|e| RunnerError::db("creating the database", name, e))?;
    let mut conn = fleet.connect(name).await?;
    apply_tenant_schema(fleet, &mut conn)
        .await
        .map_err(|e| RunnerError::db("creating the tenant schema", name, e))?;
    conn.close().await.ok();
    Ok(((Method::Ddl, None), beside))
}

/// Make sure this master's template of the current schema exists and is
/// complete; returns its name and its mark ([`Vouch`]). Built under its
/// lock, so concurrent runners build it once.
pub(crate) async fn ensure_template(
    fleet: &mut Fleet,
) -> Result<(String, Option<String>), RunnerError> {
    let name = current_template(fleet);
    if let Some(mark) = sealed(fleet, &name).await? {
        if mark.is_none() {
            // Sealed before templates refused connections: from now on.
            let refuse = format!("ALTER DATABASE {} ALLOW_CONNECTIONS false", quote(&name));
            fleet
                .server_admin()
                .execute(refuse.as_str())
                .await
                .map_err(|e| RunnerError::db("sealing the template", &name, e))?;
        }
        return Ok((name, mark));
    }
    let key = LockKey::database(&name);
    let locked = lock::acquire(&mut fleet.admin, key, Duration::from_secs(120))
        .await
        .map_err(|e| RunnerError::db("locking the template", &name, e))?;
    if !locked {
        return Err(RunnerError::Busy {
            database: name,
            what: "another runner has been building this template for 2 minutes".into(),
        });
    }
    let built = build_template(fleet, &name).await;
    lock::release(&mut fleet.admin, key).await;
    // Its first clone is hashed: the mark is taken by the next.
    built.map(|()| (name, None))
}

/// `Some(mark)` when `name` is this master's complete template ([`Vouch`]).
async fn sealed(fleet: &mut Fleet, name: &str) -> Result<Option<Option<String>>, RunnerError> {
    let row: Option<(bool, Option<String>)> = sqlx::query_as(&format!(
        "SELECT datistemplate AND pg_get_userbyid(datdba) = $2, {MARK_SQL}
           FROM pg_database WHERE datname = $1"
    ))
    .bind(name)
    .bind(fleet.identity.owner_role())
    .fetch_optional(fleet.server_admin())
    .await
    .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
    Ok(row.filter(|(sealed, _)| *sealed).map(|(_, mark)| mark))
}

async fn build_template(fleet: &mut Fleet, name: &str) -> Result<(), RunnerError> {
    if sealed(fleet, name).await?.is_some() {
        return Ok(()); // another runner built it while we waited
    }
    discard_old_templates(fleet, name).await?;
    if ownership::database_owner(fleet.server_admin(), name)
        .await
        .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?
        .is_some()
    {
        return Err(RunnerError::NotOwned {
            database: name.to_owned(),
            master: fleet.master_db().to_owned(),
            reason: "a database already has the name of this master's template".into(),
        });
    }
    let server = fleet.server.name.clone();
    ownership::record_intent(&mut fleet.master, name, Kind::Template, None, &server)
        .await
        .map_err(|e| fleet.master_error("recording the template", e))?;
    let built = make_template(fleet, name).await;
    if built.is_err() {
        if let Ok(Proof::Owned(db)) = ownership::prove_database(fleet, name).await {
            let _ = ownership::drop_database(fleet.server_admin(), db).await;
        }
        if ownership::database_owner(fleet.server_admin(), name)
            .await
            .is_ok_and(|o| o.is_none())
        {
            let _ = ownership::forget(&mut fleet.master, name).await;
        }
    }
    built
}

/// This master's templates of older schemas (nobody clones those any more)
/// and a half-built current one (its builder died): dropped.
async fn discard_old_templates(fleet: &mut Fleet, current: &str) -> Result<(), RunnerError> {
    let recorded = ownership::intents(&mut fleet.master, Kind::Template)
        .await
        .map_err(|e| fleet.master_error("reading the templates", e))?;
    // Only this server's: a template elsewhere is proven there.
    let here = fleet.server.name.clone();
    for old in recorded.into_iter().filter(|t| t.server == here) {
        let proof = ownership::prove_database(fleet, &old.name)
            .await
            .map_err(|e| RunnerError::db("reading pg_database", "postgres", e))?;
        match proof {
            Proof::Owned(db) => {
                // One being cloned right now (`55006`) is left for next time.
                if ownership::drop_database(fleet.server_admin(), db)
                    .await
                    .is_ok()
                {
                    let _ = ownership::forget(&mut fleet.master, &old.name).await;
                }
            }
            Proof::Absent => {
                let _ = ownership::forget(&mut fleet.master, &old.name).await;
            }
            // A record of ours for a database that is not ours: the record is wrong,
            // the database is left alone.
            Proof::NotOwned(_) if old.name != current => {
                let _ = ownership::forget(&mut fleet.master, &old.name).await;
            }
            Proof::NotOwned(reason) => {
                return Err(RunnerError::NotOwned {
                    database: old.name,
                    master: fleet.master_db().to_owned(),
                    reason,
                })
            }
        }
    }
    Ok(())
}

async fn make_template(fleet: &mut Fleet, name: &str) -> Result<(), RunnerError> {
    let create = format!(
        "CREATE DATABASE {} OWNER {}",
        quote(name),
        quote(&fleet.identity.owner_role())
    );
    fleet
        .server_admin()
        .execute(create.as_str())
        .await
        .map_err(|e| RunnerError::db("creating the template", name, e))?;
    let mut conn = fleet.connect(name).await?;
    apply_tenant_schema(fleet, &mut conn)
        .await
        .map_err(|e| RunnerError::db("creating the tenant schema in the template", name, e))?;
    conn.close().await.ok();
    seal(fleet.server_admin(), name)
        .await
        .map_err(|e| RunnerError::db("sealing the template", name, e))?;
    ownership::set_phase(&mut fleet.master, name, Phase::Ready)
        .await
        .map_err(|e| fleet.master_error("recording the template", e))
}
