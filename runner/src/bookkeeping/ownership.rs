//! What the runner owns, and how it proves it.
//!
//! A master initialised by the runner carries an identity (`rsm.identity`: a
//! random id) and a NOLOGIN role named after it, `rsm_owner_<id>`. Before the
//! runner creates a database it commits an *intent* row (`rsm.databases`) in
//! its master; the database is then created `OWNER rsm_owner_<id>` — a mark set
//! by `CREATE DATABASE` itself, so no crash can leave an unmarked database of
//! ours — and each tenant login role is created with that owner role as a
//! member (`CREATE ROLE ... ROLE rsm_owner_<id>`), again in the statement that
//! makes it.
//!
//! A database is this master's only when both hold: an intent row in this
//! master, and the owner mark. [`OwnedDatabase`] and [`OwnedRole`] can only be
//! made by the proofs below, and the only functions that drop take them, so
//! nothing can be dropped by name alone. System databases and the master are
//! refused whatever the records say.

use chrono::NaiveDateTime;
use schema_core::ident::quote;
use sqlx::{Executor, PgConnection};

use crate::error::sqlstate;
use crate::server::{Server, DEFAULT_SERVER};
use crate::target::{Target, SYSTEM_DATABASES};
use crate::RunnerError;

/// A master's identity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// 32 hex digits, random, made by `master init`.
    pub master_id: String,
}

impl Identity {
    pub fn random() -> std::io::Result<Identity> {
        let id = crate::scram::random_password()?;
        Ok(Identity {
            master_id: id[..32].to_owned(),
        })
    }

    /// The NOLOGIN role owning every database this master made.
    pub fn owner_role(&self) -> String {
        format!("rsm_owner_{}", &self.master_id[..16])
    }

    /// Eight hex digits, for names (templates).
    pub fn short(&self) -> &str {
        &self.master_id[..8]
    }
}

/// The identity of the master `conn` is connected to; `None` when the runner
/// never initialised it.
pub async fn read_identity(conn: &mut PgConnection) -> Result<Option<Identity>, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.identity') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(None);
    }
    let id: Option<String> = sqlx::query_scalar("SELECT master_id FROM rsm.identity")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(id.map(|master_id| Identity { master_id }))
}

/// What [`Fleet::open`] reads of the master.
struct MasterRead {
    identity: Option<Identity>,
    /// The version of its records ([`crate::bookkeeping::rsm::Ladder::Master`]).
    version: i32,
    /// Its stamp's fingerprint.
    fingerprint: Option<String>,
    /// Whether a record is unfinished (`true` when it could not be read).
    unfinished: bool,
    /// The highest tenant number allocated for the prefix asked about.
    allocated_up_to: Option<u64>,
}

/// Read [`MasterRead`]: one statement when the tables are there (each
/// statement is parsed and planned anew on a new connection); else two, the
/// first asking which are.
async fn read_master(conn: &mut PgConnection, prefix: &str) -> Result<MasterRead, sqlx::Error> {
    use crate::bookkeeping::rsm::{version_sql, Ladder, VERSIONS_EXIST};
    let direct = format!(
        "SELECT (SELECT master_id FROM rsm.identity), {}, (SELECT fingerprint FROM rsm.stamp LIMIT 1),
                EXISTS (SELECT FROM rsm.databases WHERE state <> 'ready'),
                (SELECT highest FROM rsm.allocation WHERE prefix = $1)",
        version_sql(Ladder::Master)
    );
    match sqlx::query_as(&direct)
        .bind(prefix)
        .fetch_one(&mut *conn)
        .await
    {
        Ok((id, version, fingerprint, unfinished, allocated_up_to)) => {
            let id: Option<String> = id;
            let allocated_up_to: Option<i64> = allocated_up_to;
            return Ok(MasterRead {
                identity: id.map(|master_id| Identity { master_id }),
                version,
                fingerprint,
                unfinished,
                allocated_up_to: allocated_up_to.map(|n| n as u64),
            });
        }
        // Not a master, or one of an older runner.
        Err(e) if crate::bookkeeping::stamp::absent_table(sqlstate(&e).as_deref()) => {}
        Err(e) => return Err(e),
    }
    let (identified, versioned, stamped): (bool, bool, bool) = sqlx::query_as(&format!(
        "SELECT to_regclass('rsm.identity') IS NOT NULL, {VERSIONS_EXIST},
                to_regclass('rsm.stamp') IS NOT NULL"
    ))
    .fetch_one(&mut *conn)
    .await?;
    if !identified {
        return Ok(MasterRead {
            identity: None,
            version: 0,
            fingerprint: None,
            unfinished: true,
            allocated_up_to: None,
        });
    }
    let version = if versioned {
        version_sql(Ladder::Master)
    } else {
        "0".to_owned()
    };
    let stamp = if stamped {
        "(SELECT fingerprint FROM rsm.stamp LIMIT 1)"
    } else {
        "NULL::text"
    };
    let (id, version, fingerprint): (Option<String>, i32, Option<String>) = sqlx::query_as(
        &format!("SELECT (SELECT master_id FROM rsm.identity), {version}, {stamp}"),
    )
    .fetch_one(conn)
    .await?;
    Ok(MasterRead {
        identity: id.map(|master_id| Identity { master_id }),
        version,
        fingerprint,
        unfinished: true,
        allocated_up_to: None,
    })
}

/// The owner role of a master, made when missing (NOLOGIN, no privileges;
/// no members but the runner's role when that is not a superuser, which
/// must be one to create and drop databases owned by it).
pub(crate) async fn ensure_owner_role(
    admin: &mut PgConnection,
    identity: &Identity,
) -> Result<(), sqlx::Error> {
    let owner_role = identity.owner_role();
    let owner = quote(&owner_role);
    let sql = format!("CREATE ROLE {owner} NOLOGIN");
    match admin.execute(sql.as_str()).await {
        Ok(_) => {}
        // 42710: exists already; 23505: made by a concurrent runner just now.
        Err(e) if matches!(sqlstate(&e).as_deref(), Some("42710" | "23505")) => {}
        Err(e) => return Err(e),
    }
    let member: bool = sqlx::query_scalar(
        "SELECT rolsuper OR pg_has_role(current_user, $1, 'MEMBER')
           FROM pg_roles WHERE rolname = current_user",
    )
    .bind(&owner_role)
    .fetch_one(&mut *admin)
    .await?;
    if !member {
        admin
            .execute(format!("GRANT {owner} TO CURRENT_USER").as_str())
            .await?;
    }
    Ok(())
}

/// An initialised master, open: the master's identity, a connection to the
/// master and one to its server's maintenance database (where every advisory
/// lock of the fleet is taken), and the server the job works on now (the
/// master's until [`Fleet::work_on`] says otherwise).
pub struct Fleet {
    pub target: Target,
    pub identity: Identity,
    pub master: PgConnection,
    /// On the master's server: the fleet's locks.
    pub admin: PgConnection,
    /// Where databases are created, proven and dropped now.
    pub server: Server,
    /// That server's maintenance connection, when it is not the master's.
    remote: Option<PgConnection>,
    /// The fingerprint the master's stamp says, as opened.
    pub master_fingerprint: Option<String>,
    /// The master read just now had no unfinished record: the next
    /// [`crate::tenant::repair`] need not read them again (once).
    pub(crate) none_unfinished: bool,
    /// The highest tenant number this master allocated for the target's
    /// prefix, as read with the master: where the next allocation starts
    /// looking (once; `None` when there is no mark yet).
    pub(crate) allocated_up_to: Option<u64>,
}

impl Fleet {
    /// Refuses a master that does not exist or that the runner never
    /// initialised; brings its records to this runner's version.
    pub async fn open(target: &Target) -> Result<Fleet, RunnerError> {
        use crate::bookkeeping::rsm::{self, Ladder};
        // Both connections at once (each is a round trip or three to the
        // server), the master read as soon as its own is up.
        let master = async {
            let mut master = target.connect(&target.master_db).await?;
            let read = read_master(&mut master, &target.tenant_prefix)
                .await
                .map_err(|e| {
                    RunnerError::db("reading the master's identity", &target.master_db, e)
                });
            Ok::<_, RunnerError>((master, read))
        };
        let (master, admin) = tokio::join!(master, target.admin());
        let ((mut master, read), admin) = (master?, admin?);
        let read = read?;
        let identity = read
            .identity
            .ok_or_else(|| RunnerError::MasterNotInitialised {
                database: target.master_db.clone(),
            })?;
        // The records a command writes, in the shape this runner writes them.
        rsm::upgrade_from(&mut master, Ladder::Master, read.version)
            .await
            .map_err(|e| RunnerError::db("upgrading the runner's records", &target.master_db, e))?;
        Ok(Fleet {
            target: target.clone(),
            identity,
            master,
            admin,
            server: target.server.clone(),
            remote: None,
            master_fingerprint: read.fingerprint,
            none_unfinished: !read.unfinished,
            allocated_up_to: read.allocated_up_to,
        })
    }

    /// Read the master again as [`Fleet::open`] does, on connections kept
    /// from an earlier command (another runner may have migrated it or
    /// upgraded its records since); `false` when it is no longer the master
    /// opened (then the fleet must be opened again).
    pub(crate) async fn refresh(&mut self) -> Result<bool, RunnerError> {
        use crate::bookkeeping::rsm::{self, Ladder};
        use sqlx::Connection;
        // The server's connection too: it takes the locks.
        let prefix = &self.target.tenant_prefix;
        let (read, alive) = tokio::join!(read_master(&mut self.master, prefix), self.admin.ping());
        alive.map_err(|e| RunnerError::db("reaching the server", "postgres", e))?;
        let read = read.map_err(|e| self.master_error("reading the master's identity", e))?;
        if read.identity.as_ref() != Some(&self.identity) {
            return Ok(false);
        }
        rsm::upgrade_from(&mut self.master, Ladder::Master, read.version)
            .await
            .map_err(|e| self.master_error("upgrading the runner's records", e))?;
        self.master_fingerprint = read.fingerprint;
        self.none_unfinished = !read.unfinished;
        self.allocated_up_to = read.allocated_up_to;
        Ok(true)
    }

    /// Close its connections, each with the server's goodbye.
    pub(crate) async fn close(self) {
        use sqlx::Connection;
        let remote = async {
            if let Some(remote) = self.remote {
                remote.close().await.ok();
            }
        };
        let _ = tokio::join!(self.master.close(), self.admin.close(), remote);
    }

    /// Run `work` under the fleet's allocation lock (tenant and spare names,
    /// placement, the servers registry), taken on the master's server.
    pub(crate) async fn under_allocation_lock<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut Fleet) -> Result<T, RunnerError>,
    ) -> Result<T, RunnerError> {
        use crate::bookkeeping::lock::{self, LockKey};
        let key = LockKey::allocation();
        let locked = lock::acquire(&mut self.admin, key, std::time::Duration::from_secs(60))
            .await
            .map_err(|e| RunnerError::db("taking the allocation lock", "postgres", e))?;
        if !locked {
            return Err(RunnerError::Busy {
                database: self.target.server.label.clone(),
                what: "another runner has held the tenant allocation lock for a minute".into(),
            });
        }
        let done = work(self).await;
        lock::release(&mut self.admin, key).await;
        done
    }

    /// Work on `server` from now on (its maintenance connection made once).
    pub(crate) async fn work_on(&mut self, server: Server) -> Result<(), RunnerError> {
        if server.name == self.server.name {
            return Ok(());
        }
        self.remote = if server.name == DEFAULT_SERVER {
            None
        } else {
            Some(server.admin().await?)
        };
        self.server = server;
        Ok(())
    }

    /// Work on `server`, holding `key` there too when it is not the
    /// master's server (where the fleet's own locks are taken): a runner that
    /// dies mid-statement on a remote server holds its lock there until the
    /// server has finished the statement, so that no repair decides on what
    /// that statement has not yet made.
    pub(crate) async fn work_on_locked(
        &mut self,
        server: Server,
        key: crate::bookkeeping::lock::LockKey,
    ) -> Result<(), RunnerError> {
        self.work_on(server).await?;
        self.hold_here(key).await
    }

    /// Take `key` on the server worked on, when it is not the master's
    /// (there the fleet's connection holds it already): see
    /// [`Fleet::work_on_locked`]. Waits up to 10 s.
    pub(crate) async fn hold_here(
        &mut self,
        key: crate::bookkeeping::lock::LockKey,
    ) -> Result<(), RunnerError> {
        use crate::bookkeeping::lock;
        let label = self.server.label.clone();
        let Some(remote) = self.remote.as_mut() else {
            return Ok(());
        };
        let held = lock::acquire(remote, key, std::time::Duration::from_secs(10))
            .await
            .map_err(|e| RunnerError::db("taking a lock", "postgres", e))?;
        if held {
            Ok(())
        } else {
            Err(RunnerError::Busy {
                database: label,
                what: "a runner (or one that died mid-statement) is still at work there".into(),
            })
        }
    }

    /// Release what [`Fleet::hold_here`] took.
    pub(crate) async fn release_here(&mut self, key: crate::bookkeeping::lock::LockKey) {
        self.release_each_here(&[key]).await
    }

    /// [`Fleet::release_here`], several at once.
    pub(crate) async fn release_each_here(&mut self, keys: &[crate::bookkeeping::lock::LockKey]) {
        if let Some(remote) = self.remote.as_mut() {
            crate::bookkeeping::lock::release_each(remote, keys).await;
        }
    }

    /// Work on the server the master records `database` on (the master's
    /// when it records nothing), holding the database's lock there too (the
    /// caller holds it on the master's server).
    pub(crate) async fn work_on_database(&mut self, database: &str) -> Result<(), RunnerError> {
        let recorded = intent(&mut self.master, database)
            .await
            .map_err(|e| self.master_error("reading the runner's records", e))?;
        let name = recorded.map_or_else(|| DEFAULT_SERVER.to_owned(), |i| i.server);
        let server = self.server_named(&name).await?;
        let key = crate::bookkeeping::lock::LockKey::database(database);
        self.work_on_locked(server, key).await
    }

    /// A server of the fleet by name, as registered.
    pub(crate) async fn server_named(&mut self, name: &str) -> Result<Server, RunnerError> {
        if name == DEFAULT_SERVER {
            return Ok(self.target.server.clone());
        }
        let registered = crate::bookkeeping::servers::registered(&mut self.master)
            .await
            .map_err(|e| self.master_error("reading the servers", e))?;
        match registered.iter().find(|s| s.name == name) {
            Some(found) => Server::registered(name, found.url.as_deref().unwrap_or_default()),
            None => Err(RunnerError::UnknownServer {
                server: name.to_owned(),
                master: self.target.master_db.clone(),
                known: format!(
                    " (servers: {})",
                    registered
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// Whether the server worked on is the master's.
    pub(crate) fn on_masters_server(&self) -> bool {
        self.remote.is_none()
    }

    /// The maintenance connection of the server worked on: where databases
    /// and roles are created, proven and dropped.
    pub(crate) fn server_admin(&mut self) -> &mut PgConnection {
        self.remote.as_mut().unwrap_or(&mut self.admin)
    }

    /// [`Fleet::server_admin`] and the master's connection, to query both at
    /// once.
    pub(crate) fn server_admin_and_master(&mut self) -> (&mut PgConnection, &mut PgConnection) {
        (
            self.remote.as_mut().unwrap_or(&mut self.admin),
            &mut self.master,
        )
    }

    /// A connection to `database` on the server worked on.
    pub async fn connect(&self, database: &str) -> Result<PgConnection, RunnerError> {
        self.server.connect(database).await
    }

    pub fn master_db(&self) -> &str {
        &self.target.master_db
    }

    /// A database error on the master.
    pub(crate) fn master_error(&self, what: &str, e: sqlx::Error) -> RunnerError {
        RunnerError::db(what, &self.target.master_db, e)
    }
}

/// What an intent row is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Tenant,
    Template,
    /// A clone of the template with a role of its name (no login yet),
    /// waiting in the warm pool for a tenant's name.
    Spare,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Tenant => "tenant",
            Kind::Template => "template",
            Kind::Spare => "spare",
        }
    }
}

/// Where a recorded database stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Intent recorded; being made (or its maker died).
    Creating,
    /// Complete (a tenant: registered).
    Ready,
    /// A drop was started (or its runner died).
    Dropping,
    /// A spare being renamed to a tenant (`claimed_for`).
    Claimed,
    /// A tenant being copied to another server (`copy_on`); the source is
    /// still the tenant.
    Moving,
    /// A tenant switched to its new server; its old copy (`copy_on`) is
    /// left to drop.
    Moved,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Creating => "creating",
            Phase::Ready => "ready",
            Phase::Dropping => "dropping",
            Phase::Claimed => "claimed",
            Phase::Moving => "moving",
            Phase::Moved => "moved",
        }
    }

    fn parse(text: &str) -> Phase {
        match text {
            "ready" => Phase::Ready,
            "dropping" => Phase::Dropping,
            "claimed" => Phase::Claimed,
            "moving" => Phase::Moving,
            "moved" => Phase::Moved,
            _ => Phase::Creating,
        }
    }
}

/// A row of `rsm.databases`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub name: String,
    pub kind: Kind,
    pub phase: Phase,
    pub slug: Option<String>,
    pub adopted: bool,
    pub created_at: NaiveDateTime,
    /// The server it is on ([`DEFAULT_SERVER`]: the master's).
    pub server: String,
    /// A spare being renamed: the tenant it becomes.
    pub claimed_for: Option<String>,
    /// A tenant moving or moved: the server of its other copy.
    pub copy_on: Option<String>,
    /// A tenant moving or moved: its database's connection limit before the
    /// move kept everyone out.
    pub connection_limit_before: Option<i32>,
}

impl Intent {
    /// Whether this record accounts for a database named so on `server`: the
    /// server it is recorded on, or the other copy of a move under way.
    pub(crate) fn is_on(&self, server: &str) -> bool {
        self.server == server
            || (matches!(self.phase, Phase::Moving | Phase::Moved)
                && self.copy_on.as_deref() == Some(server))
    }
}

type IntentRow = (
    String,
    String,
    String,
    Option<String>,
    bool,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
);

fn intent_of(
    (
        name,
        kind,
        phase,
        slug,
        adopted,
        created_at,
        server,
        claimed_for,
        copy_on,
        connection_limit_before,
    ): IntentRow,
) -> Intent {
    Intent {
        name,
        kind: match kind.as_str() {
            "template" => Kind::Template,
            "spare" => Kind::Spare,
            _ => Kind::Tenant,
        },
        phase: Phase::parse(&phase),
        slug,
        adopted,
        created_at,
        server: server.unwrap_or_else(|| DEFAULT_SERVER.to_owned()),
        claimed_for,
        copy_on,
        connection_limit_before,
    }
}

/// The server, the claim and the move are read through JSON: a master of an
/// older runner, not yet upgraded (read by `status`), has no such columns.
const INTENT_COLUMNS: &str =
    "SELECT name, kind, state, slug, adopted, (created_at AT TIME ZONE 'UTC'),
        to_jsonb(d) ->> 'server', to_jsonb(d) ->> 'claimed_for', to_jsonb(d) ->> 'copy_on',
        (to_jsonb(d) ->> 'connection_limit_before')::int FROM rsm.databases d";

/// Record the intent to create `name`; committed before anything is created.
pub async fn record_intent(
    conn: &mut PgConnection,
    name: &str,
    kind: Kind,
    slug: Option<&str>,
    server: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(INTENT_INSERT)
        .bind(name)
        .bind(kind.as_str())
        .bind(slug)
        .bind(server)
        .execute(conn)
        .await
        .map(|_| ())
}

/// [`record_intent`] of tenant `name`, numbered `number` after `prefix`,
/// moving the master's allocation mark for the prefix up to that number in
/// the same statement (and commit).
pub(crate) async fn record_allocated(
    conn: &mut PgConnection,
    name: &str,
    slug: &str,
    server: &str,
    (prefix, number): (&str, u64),
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "WITH moved AS (
             INSERT INTO rsm.allocation AS a (prefix, highest) VALUES ($5, $6)
             ON CONFLICT (prefix) DO UPDATE SET highest = greatest(a.highest, excluded.highest))
         {INTENT_INSERT}"
    ))
    .bind(name)
    .bind(Kind::Tenant.as_str())
    .bind(slug)
    .bind(server)
    .bind(prefix)
    .bind(number as i64)
    .execute(conn)
    .await
    .map(|_| ())
}

const INTENT_INSERT: &str = "INSERT INTO rsm.databases (name, kind, state, slug, server)
         VALUES ($1, $2, 'creating', $3, nullif($4, 'default'))";

pub async fn set_phase(
    conn: &mut PgConnection,
    name: &str,
    phase: Phase,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rsm.databases SET state = $2 WHERE name = $1")
        .bind(name)
        .bind(phase.as_str())
        .execute(conn)
        .await
        .map(|_| ())
}

/// Remove the record of `name`: the last step of discarding or dropping it.
pub async fn forget(conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rsm.databases WHERE name = $1")
        .bind(name)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn intent(conn: &mut PgConnection, name: &str) -> Result<Option<Intent>, sqlx::Error> {
    let row: Option<IntentRow> = sqlx::query_as(&format!("{INTENT_COLUMNS} WHERE name = $1"))
        .bind(name)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(intent_of))
}

/// Every intent of a kind, oldest first.
pub(crate) async fn intents(
    conn: &mut PgConnection,
    kind: Kind,
) -> Result<Vec<Intent>, sqlx::Error> {
    let rows: Vec<IntentRow> = sqlx::query_as(&format!(
        "{INTENT_COLUMNS} WHERE kind = $1 ORDER BY created_at, name"
    ))
    .bind(kind.as_str())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(intent_of).collect())
}

/// Intents of work not finished: creations, drops, claims.
pub async fn unfinished(conn: &mut PgConnection) -> Result<Vec<Intent>, sqlx::Error> {
    let rows: Vec<IntentRow> = sqlx::query_as(&format!(
        "{INTENT_COLUMNS} WHERE state <> 'ready' ORDER BY created_at, name"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(intent_of).collect())
}

/// The intents of these names (those that exist).
pub(crate) async fn intents_named(
    conn: &mut PgConnection,
    names: &[String],
) -> Result<Vec<Intent>, sqlx::Error> {
    let rows: Vec<IntentRow> = sqlx::query_as(&format!(
        "{INTENT_COLUMNS} WHERE name = ANY($1) ORDER BY created_at, name"
    ))
    .bind(names)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(intent_of).collect())
}

/// The owner of database `name`, from the server's shared catalog; `None`
/// when there is no such database.
pub async fn database_owner(
    admin: &mut PgConnection,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(admin)
        .await
}

/// Proof that this master made a database: only [`prove_database`] makes one.
#[derive(Debug)]
pub struct OwnedDatabase {
    name: String,
}

impl OwnedDatabase {
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What [`prove_database`] found.
#[derive(Debug)]
pub enum Proof<T> {
    Owned(T),
    /// Nothing by that name on the server.
    Absent,
    /// It exists, and this master cannot prove it made it (the reason).
    NotOwned(String),
}

/// Whether this master made database `name`: an intent row in this master,
/// and the database owned by this master's owner role. Never true of a system
/// database or of a master.
pub(crate) async fn prove_database(
    fleet: &mut Fleet,
    name: &str,
) -> Result<Proof<OwnedDatabase>, sqlx::Error> {
    let Some(owner) = database_owner(fleet.server_admin(), name).await? else {
        return Ok(Proof::Absent);
    };
    if SYSTEM_DATABASES.contains(&name) {
        return Ok(Proof::NotOwned(
            "it is one of the server's own databases".into(),
        ));
    }
    if name == fleet.master_db() {
        return Ok(Proof::NotOwned("it is the master itself".into()));
    }
    let Some(record) = intent(&mut fleet.master, name).await? else {
        return Ok(Proof::NotOwned(format!(
            "the master `{}` has no record of making or adopting it",
            fleet.master_db()
        )));
    };
    // Named like one of ours, on another server than the one recorded.
    if !record.is_on(&fleet.server.name) {
        return Ok(Proof::NotOwned(format!(
            "the master `{}` records `{name}` on server `{}`, not on `{}`",
            fleet.master_db(),
            record.server,
            fleet.server.name
        )));
    }
    let ours = fleet.identity.owner_role();
    let proven = if owner == ours {
        true
    } else if record.adopted {
        // Adopted: made by other tools, stamped with this master's id by `migrate`.
        match fleet.connect(name).await {
            Ok(mut conn) => crate::bookkeeping::stamp::read(&mut conn)
                .await?
                .and_then(|s| s.master_id)
                .is_some_and(|id| id == fleet.identity.master_id),
            Err(_) => false,
        }
    } else {
        false
    };
    if !proven {
        return Ok(Proof::NotOwned(format!(
            "it is owned by role `{owner}`, not by this master's `{ours}`, and carries no stamp of its adoption"
        )));
    }
    Ok(Proof::Owned(OwnedDatabase {
        name: name.to_owned(),
    }))
}

/// Proof that this master made a login role: only [`prove_role`] makes one.
#[derive(Debug)]
pub struct OwnedRole {
    name: String,
}

impl OwnedRole {
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Whether this master made login role `name`: an intent row for the tenant
/// of that name, and this master's owner role a member of it.
pub(crate) async fn prove_role(
    fleet: &mut Fleet,
    name: &str,
) -> Result<Proof<OwnedRole>, sqlx::Error> {
    let marked: Option<bool> = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m
                          JOIN pg_roles o ON o.oid = m.member
                         WHERE m.roleid = r.oid AND o.rolname = $2)
           FROM pg_roles r WHERE r.rolname = $1",
    )
    .bind(name)
    .bind(fleet.identity.owner_role())
    .fetch_optional(fleet.server_admin())
    .await?;
    match marked {
        None => Ok(Proof::Absent),
        Some(false) => Ok(Proof::NotOwned(format!(
            "role `{name}` does not carry the mark of this master's `{}`",
            fleet.identity.owner_role()
        ))),
        Some(true) => match intent(&mut fleet.master, name).await? {
            Some(record) if !record.is_on(&fleet.server.name) => Ok(Proof::NotOwned(format!(
                "the master `{}` records `{name}` on server `{}`, not on `{}`",
                fleet.master_db(),
                record.server,
                fleet.server.name
            ))),
            Some(_) => Ok(Proof::Owned(OwnedRole {
                name: name.to_owned(),
            })),
            None => Ok(Proof::NotOwned(format!(
                "the master `{}` has no record of making role `{name}`",
                fleet.master_db()
            ))),
        },
    }
}

/// Drop a database this master made, a template too, disconnecting its
/// sessions; gone already is fine. The only way the runner drops a database.
pub(crate) async fn drop_database(
    admin: &mut PgConnection,
    db: OwnedDatabase,
) -> Result<(), sqlx::Error> {
    let name = db.name;
    // Belt and braces: a proof is never made for these.
    if SYSTEM_DATABASES.contains(&name.as_str()) {
        return Err(sqlx::Error::Protocol(format!(
            "refusing to drop the system database {name}"
        )));
    }
    let is_template: Option<bool> =
        sqlx::query_scalar("SELECT datistemplate FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_optional(&mut *admin)
            .await?;
    if is_template == Some(true) {
        let unmark = format!("ALTER DATABASE {} IS_TEMPLATE false", quote(&name));
        admin.execute(unmark.as_str()).await?;
    }
    let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(&name));
    admin.execute(drop.as_str()).await.map(|_| ())
}

/// The databases of the server left invalid by an interrupted `DROP
/// DATABASE` (see [`is_invalid`]): usually none.
pub(crate) async fn invalid_databases(
    admin: &mut PgConnection,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datconnlimit = -2")
        .fetch_all(admin)
        .await
}

/// Whether `name` was left invalid by an interrupted `DROP DATABASE`
/// (`datconnlimit = -2`): no one can connect to it, and it holds nothing
/// usable; the only thing left to do with it is to finish the drop.
pub(crate) async fn is_invalid(admin: &mut PgConnection, name: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce((SELECT datconnlimit = -2 FROM pg_database WHERE datname = $1), false)",
    )
    .bind(name)
    .fetch_one(admin)
    .await
}

/// Drop a login role this master made; gone already is fine. The only way the
/// runner drops a role.
pub(crate) async fn drop_role(
    admin: &mut PgConnection,
    role: OwnedRole,
) -> Result<(), sqlx::Error> {
    let drop = format!("DROP ROLE IF EXISTS {}", quote(&role.name));
    admin.execute(drop.as_str()).await.map(|_| ())
}

/// Why repair must keep the database `conn` is connected to, if it must:
/// protected, or holding rows beyond those the runner put there itself (the
/// seed recorded in its stamp; a template holds none).
pub(crate) async fn reason_to_keep(conn: &mut PgConnection) -> Result<Option<String>, sqlx::Error> {
    let stamp = crate::bookkeeping::stamp::read(conn).await?;
    if stamp.as_ref().is_some_and(|s| s.protected) {
        return Ok(Some("protected".into()));
    }
    let seeded = stamp.map_or(0, |s| s.seeded_rows);
    let extra = rows(conn).await? - seeded;
    Ok((extra > 0).then(|| format!("holds {extra} rows the runner did not put there")))
}

/// Rows in every table of the database but the runner's own (`rsm`).
async fn rows(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'rsm')
            AND n.nspname NOT LIKE 'pg_toast%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = 0i64;
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?;
        rows += n;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_name_their_role_and_templates() {
        let id = Identity::random().unwrap();
        assert_eq!(id.master_id.len(), 32);
        assert!(id.master_id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id.owner_role().len(), "rsm_owner_".len() + 16);
        assert_ne!(id, Identity::random().unwrap());
    }
}
