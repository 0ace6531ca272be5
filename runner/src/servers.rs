//! The fleet's servers: `runner server add | list | drain | remove`, and where
//! a new tenant goes ([`place`]). The registry is the master's
//! (`rsm.servers`, [`crate::bookkeeping::servers`]); the master's own server
//! is `default` and always there. URLs are kept without a password: it is read
//! from `RSM_PASSWORD_<NAME>` or the passfile at each connection.
//!
//! Adding, draining and removing take the fleet's allocation lock, the one
//! `tenant create` places a tenant under: a create never lands on a server
//! removed meanwhile.

use sqlx::{Connection, PgConnection};

use crate::bookkeeping::ownership::{self, Fleet, Proof};
use crate::bookkeeping::servers::{self as registry, Registered, DEFAULT_SERVER};
use crate::server::{has_password, password_variable, system_identifier, Server};
use crate::target::Target;
use crate::RunnerError;

/// A server as `server list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServerInfo {
    pub name: String,
    /// `host:port` or the socket folder (never a password).
    pub address: String,
    /// At most this many tenants; `None`: no limit.
    pub capacity: Option<i32>,
    /// Takes no new tenants.
    pub draining: bool,
    /// This master's tenants on it.
    pub tenants: i64,
    /// This master's templates on it.
    pub templates: i64,
    /// Spares of the warm pool on it, ready to be taken.
    pub pool: i64,
    /// The size of those tenants' databases, when reachable.
    pub size_bytes: Option<i64>,
    pub reachable: bool,
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A server name: lowercase letters, digits and `_`, a letter first, at most
/// 20 bytes (it ends the names of the templates made on it); not `default`.
pub(crate) fn check_server_name(name: &str) -> Result<(), RunnerError> {
    let well_formed = name.len() <= 20
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return Err(RunnerError::InvalidInput(format!(
            "invalid server name {name:?}: lowercase letters, digits and `_`, a letter first, at most 20 bytes"
        )));
    }
    if name == DEFAULT_SERVER {
        return Err(RunnerError::InvalidInput(
            "`default` names the master's own server; choose another name".into(),
        ));
    }
    Ok(())
}

/// Register a server: reachable with the URL given (without a password), a
/// role there that may create databases and roles, not a server the fleet
/// has already (by its system identifier). This master's owner role is made
/// there, so that databases it creates carry its mark.
pub async fn add(
    target: &Target,
    name: &str,
    url: &str,
    capacity: Option<i32>,
) -> Result<ServerInfo, RunnerError> {
    check_server_name(name)?;
    if has_password(url) {
        return Err(RunnerError::InvalidInput(format!(
            "the URL of server `{name}` holds a password, and the registry keeps URLs without one: \
             give the URL without it, and the password in {} or in the passfile (~/.pgpass, or PGPASSFILE)",
            password_variable(name)
        )));
    }
    if capacity.is_some_and(|c| c < 1) {
        return Err(RunnerError::InvalidInput(
            "invalid capacity: at least 1 tenant".into(),
        ));
    }
    let server = Server::registered(name, url)?;
    let mut fleet = Fleet::open(target).await?;
    fleet
        .under_allocation_lock(async move |fleet| add_locked(fleet, server, url, capacity).await)
        .await
}

async fn add_locked(
    fleet: &mut Fleet,
    server: Server,
    url: &str,
    capacity: Option<i32>,
) -> Result<ServerInfo, RunnerError> {
    let name = server.name.clone();
    let known = registry::registered(&mut fleet.master)
        .await
        .map_err(|e| fleet.master_error("reading the servers", e))?;
    if known.iter().any(|s| s.name == name) {
        return Err(RunnerError::InvalidInput(format!(
            "server `{name}` is registered already; `runner server list` shows it"
        )));
    }
    let mut admin = server.admin().await?;
    let read = |e| RunnerError::db("reading the server", "postgres", e);
    let may_create: bool = sqlx::query_scalar(
        "SELECT rolsuper OR (rolcreatedb AND rolcreaterole) FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&mut admin)
    .await
    .map_err(read)?;
    if !may_create {
        return Err(RunnerError::PermissionDenied {
            server: server.label.clone(),
            database: "postgres".into(),
            detail: "the URL's role may not create databases and roles (CREATEDB and CREATEROLE, or a superuser)".into(),
        });
    }
    let identifier = system_identifier(&mut admin).await.map_err(read)?;
    let home = system_identifier(&mut fleet.admin).await.map_err(read)?;
    let same_as = |other: &Option<String>| identifier.is_some() && identifier == *other;
    if same_as(&home) || (identifier.is_none() && server.label == fleet.target.server.label) {
        return Err(RunnerError::InvalidInput(format!(
            "server `{name}` ({}) is the master's own server, which the fleet has as `default`",
            server.label
        )));
    }
    if let Some(twin) = known.iter().find(|s| same_as(&s.system_identifier)) {
        return Err(RunnerError::InvalidInput(format!(
            "server `{name}` ({}) is the server registered as `{}` (the same system identifier)",
            server.label, twin.name
        )));
    }
    ownership::ensure_owner_role(&mut admin, &fleet.identity)
        .await
        .map_err(|e| RunnerError::db("creating the master's owner role", "postgres", e))?;
    admin.close().await.ok();
    registry::insert(
        &mut fleet.master,
        &Registered {
            name: name.clone(),
            url: Some(url.to_owned()),
            system_identifier: identifier,
            capacity,
            draining: false,
        },
    )
    .await
    .map_err(|e| fleet.master_error("recording the server", e))?;
    Ok(ServerInfo {
        name,
        address: server.label,
        capacity,
        draining: false,
        tenants: 0,
        templates: 0,
        pool: 0,
        size_bytes: Some(0),
        reachable: true,
        detail: None,
    })
}

/// Every server, the default first, each read on its own: one that cannot
/// be reached is listed so, and never stops the others.
pub async fn list(target: &Target) -> Result<Vec<ServerInfo>, RunnerError> {
    let mut fleet = Fleet::open(target).await?;
    let known = registry::registered(&mut fleet.master)
        .await
        .map_err(|e| fleet.master_error("reading the servers", e))?;
    let counts = registry::counts(&mut fleet.master)
        .await
        .map_err(|e| fleet.master_error("reading the runner's records", e))?;
    let mut reads = tokio::task::JoinSet::new();
    for (at, row) in known.iter().enumerate() {
        let counted = counts.get(&row.name).copied().unwrap_or_default();
        let databases = registry::databases_on(&mut fleet.master, &row.name)
            .await
            .map_err(|e| fleet.master_error("reading the runner's records", e))?
            .into_iter()
            .filter(|(_, kind)| kind == "tenant")
            .map(|(name, _)| name)
            .collect::<Vec<_>>();
        let server = fleet.server_named(&row.name).await;
        let row = row.clone();
        reads.spawn(async move {
            let mut info = ServerInfo {
                name: row.name.clone(),
                address: String::new(),
                capacity: row.capacity,
                draining: row.draining,
                tenants: counted.tenants,
                templates: counted.templates,
                pool: counted.spares,
                size_bytes: None,
                reachable: false,
                detail: None,
            };
            match server {
                Ok(server) => {
                    info.address = server.label.clone();
                    match size_of(&server, &databases).await {
                        Ok(size) => {
                            info.size_bytes = Some(size);
                            info.reachable = true;
                        }
                        Err(e) => info.detail = Some(e.to_string()),
                    }
                }
                Err(e) => info.detail = Some(e.to_string()),
            }
            (at, info)
        });
    }
    let mut listed: Vec<(usize, ServerInfo)> = reads.join_all().await;
    listed.sort_by_key(|(at, _)| *at);
    Ok(listed.into_iter().map(|(_, info)| info).collect())
}

/// The size of `databases` on `server` (those that exist).
async fn size_of(server: &Server, databases: &[String]) -> Result<i64, RunnerError> {
    let mut admin: PgConnection = server.admin().await?;
    let size: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(pg_database_size(oid)), 0)::bigint FROM pg_database WHERE datname = ANY($1)",
    )
    .bind(databases)
    .fetch_one(&mut admin)
    .await
    .map_err(|e| RunnerError::db("reading database sizes", "postgres", e))?;
    admin.close().await.ok();
    Ok(size)
}

/// Stop (`on`) or resume placing new tenants on a server; its tenants stay.
pub async fn drain(target: &Target, name: &str, on: bool) -> Result<ServerInfo, RunnerError> {
    let mut fleet = Fleet::open(target).await?;
    fleet
        .under_allocation_lock(async |fleet| {
            let found = registry::set(&mut fleet.master, name, Some(on), None)
                .await
                .map_err(|e| fleet.master_error("recording the drain", e))?;
            if !found {
                return Err(unknown(fleet, name).await);
            }
            Ok(())
        })
        .await?;
    list(target)
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| RunnerError::InvalidInput(format!("server `{name}` vanished meanwhile")))
}

/// What `server remove` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Removed {
    pub server: String,
    /// This master's templates and spares dropped from it.
    pub templates_dropped: Vec<String>,
}

/// Forget a server that holds none of this master's tenants; its templates
/// (this master's, proven) are dropped first. Refused for `default`, and
/// for a server that cannot be reached while a template of ours is on it.
pub async fn remove(target: &Target, name: &str) -> Result<Removed, RunnerError> {
    if name == DEFAULT_SERVER {
        return Err(RunnerError::ServerUnavailable {
            server: name.to_owned(),
            why: "is the master's own server: it cannot be removed".into(),
            hint: "`runner server drain default` stops new tenants going there".into(),
        });
    }
    let mut fleet = Fleet::open(target).await?;
    fleet
        .under_allocation_lock(async |fleet| remove_locked(fleet, name).await)
        .await
}

async fn remove_locked(fleet: &mut Fleet, name: &str) -> Result<Removed, RunnerError> {
    let server = fleet.server_named(name).await?;
    let on = registry::databases_on(&mut fleet.master, name)
        .await
        .map_err(|e| fleet.master_error("reading the runner's records", e))?;
    let tenants: Vec<&str> = on
        .iter()
        .filter(|(_, kind)| kind == "tenant")
        .map(|(n, _)| n.as_str())
        .collect();
    if !tenants.is_empty() {
        let shown: Vec<&str> = tenants.iter().take(5).copied().collect();
        return Err(RunnerError::ServerUnavailable {
            server: name.to_owned(),
            why: format!(
                "holds {} of this fleet's tenants ({}{})",
                tenants.len(),
                shown.join(", "),
                if tenants.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
            hint: "drop them first (`runner tenant drop`); `runner server drain` stops new ones"
                .into(),
        });
    }
    let mut dropped = Vec::new();
    if !on.is_empty() {
        fleet.work_on(server).await?;
        let pool = crate::tenant::pool::drop_spares(fleet, true).await?;
        if let Some(kept) = pool.kept.first() {
            return Err(RunnerError::ServerUnavailable {
                server: name.to_owned(),
                why: format!("holds a spare that could not be dropped ({kept})"),
                hint: "run the command again once no create is taking it".into(),
            });
        }
        dropped.extend(pool.dropped);
        for (template, _) in on.iter().filter(|(_, kind)| kind == "template") {
            match ownership::prove_database(fleet, template)
                .await
                .map_err(|e| RunnerError::db("reading pg_database", template, e))?
            {
                Proof::Owned(db) => {
                    ownership::drop_database(fleet.server_admin(), db)
                        .await
                        .map_err(|e| RunnerError::db("dropping the template", template, e))?;
                    dropped.push(template.clone());
                }
                Proof::Absent => {}
                Proof::NotOwned(reason) => {
                    return Err(RunnerError::NotOwned {
                        database: template.clone(),
                        master: fleet.master_db().to_owned(),
                        reason,
                    })
                }
            }
            ownership::forget(&mut fleet.master, template)
                .await
                .map_err(|e| fleet.master_error("forgetting the template", e))?;
        }
    }
    registry::delete(&mut fleet.master, name)
        .await
        .map_err(|e| fleet.master_error("forgetting the server", e))?;
    Ok(Removed {
        server: name.to_owned(),
        templates_dropped: dropped,
    })
}

async fn unknown(fleet: &mut Fleet, name: &str) -> RunnerError {
    match fleet.server_named(name).await {
        Err(e) => e,
        Ok(_) => RunnerError::UnknownServer {
            server: name.to_owned(),
            master: fleet.master_db().to_owned(),
            known: String::new(),
        },
    }
}

/// The server a new tenant goes to, under the allocation lock: the one asked
/// for (refused when draining or full), else the one with the fewest of this
/// master's tenants among those not draining and with room (the default
/// first on a tie, then by name).
pub(crate) async fn place(fleet: &mut Fleet, asked: Option<&str>) -> Result<Server, RunnerError> {
    let known = registry::with_tenants(&mut fleet.master)
        .await
        .map_err(|e| fleet.master_error("reading the servers", e))?;
    let full =
        |(s, tenants): &&(Registered, i64)| s.capacity.is_some_and(|c| *tenants >= i64::from(c));
    let chosen = match asked {
        Some(name) => {
            let Some(entry) = known.iter().find(|(s, _)| s.name == name) else {
                return Err(unknown(fleet, name).await);
            };
            if entry.0.draining {
                return Err(RunnerError::ServerUnavailable {
                    server: name.to_owned(),
                    why: "is draining: it takes no new tenants".into(),
                    hint: format!("`runner server drain {name} --off` lets it take tenants again"),
                });
            }
            if full(&entry) {
                return Err(RunnerError::ServerUnavailable {
                    server: name.to_owned(),
                    why: format!("is full ({} tenants, its capacity)", entry.1),
                    hint: "choose another server, or none (the least loaded with room is taken)"
                        .into(),
                });
            }
            &entry.0
        }
        None => known
            .iter()
            .filter(|entry| !entry.0.draining && !full(entry))
            .min_by_key(|(_, tenants)| *tenants)
            .map(|(s, _)| s)
            .ok_or_else(|| RunnerError::ServerUnavailable {
                server: "(any)".into(),
                why: "is available: every server is draining or full".into(),
                hint: "`runner server add NAME URL` adds one; `runner server list` shows why each is out"
                    .into(),
            })?,
    };
    match chosen.url.as_deref() {
        Some(url) => Server::registered(&chosen.name, url),
        None => Ok(fleet.target.server.clone()),
    }
}
