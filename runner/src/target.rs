//! Where the runner works: a PostgreSQL server (from `--database-url` /
//! `DATABASE_URL`, or the local cluster it manages), the master database's
//! name, and the prefix of tenant database names.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use schema_core::ident;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

use crate::cluster::{free_port, LocalCluster};
use crate::RunnerError;

/// The database an admin connection uses for `CREATE/DROP DATABASE`.
const MAINTENANCE_DB: &str = "postgres";

pub const DEFAULT_MASTER_DB: &str = "rsm_master";
pub const DEFAULT_TENANT_PREFIX: &str = "tenant_";

/// A server, the master database on it, and how tenant databases are named.
#[derive(Debug, Clone)]
pub struct Target {
    server: PgConnectOptions,
    /// `host:port` or the socket folder: what messages name (never a password).
    pub server_label: String,
    pub master_db: String,
    /// Tenant databases are `{prefix}{n}`.
    pub tenant_prefix: String,
}

impl Target {
    /// A server named by a URL. The URL's database is ignored: the runner
    /// connects to `postgres` to create databases and to each one by name.
    pub fn from_url(
        url: &str,
        master_db: &str,
        tenant_prefix: &str,
    ) -> Result<Target, RunnerError> {
        let server = PgConnectOptions::from_str(url).map_err(|e| {
            RunnerError::InvalidInput(format!(
                "the database URL is not a valid PostgreSQL URL ({}); expected postgres://user[:password]@host[:port][/db]",
                redact(&e.to_string())
            ))
        })?;
        let label = match server.get_socket() {
            Some(dir) => format!("socket {}", dir.display()),
            None => format!("{}:{}", server.get_host(), server.get_port()),
        };
        Target::new(server, label, master_db, tenant_prefix)
    }

    /// The local cluster in `project_dir/.rsm`, created and started on demand.
    pub fn local(
        project_dir: &Path,
        master_db: &str,
        tenant_prefix: &str,
    ) -> Result<Target, RunnerError> {
        let cluster = local_cluster(project_dir)?;
        cluster.init()?;
        cluster.start()?;
        let server = PgConnectOptions::new()
            .socket(&cluster.data_dir)
            .port(cluster.port)
            .username("postgres");
        let label = format!("local cluster {}", cluster.data_dir.display());
        Target::new(server, label, master_db, tenant_prefix)
    }

    fn new(
        server: PgConnectOptions,
        label: String,
        master_db: &str,
        tenant_prefix: &str,
    ) -> Result<Target, RunnerError> {
        check_name("master database name", master_db)?;
        // The prefix plus a number must still be a valid name.
        check_name("tenant prefix", &format!("{tenant_prefix}1"))?;
        Ok(Target {
            server: server.disable_statement_logging(),
            server_label: label,
            master_db: master_db.to_owned(),
            tenant_prefix: tenant_prefix.to_owned(),
        })
    }

    pub fn options(&self, database: &str) -> PgConnectOptions {
        self.server.clone().database(database)
    }

    /// A connection to `database`; an unreachable server and a missing
    /// database are told apart.
    pub async fn connect(&self, database: &str) -> Result<PgConnection, RunnerError> {
        let options = self.options(database);
        let connect = PgConnection::connect_with(&options);
        match tokio::time::timeout(Duration::from_secs(10), connect).await {
            Ok(Ok(conn)) => Ok(conn),
            Ok(Err(e)) if is_missing_database(&e) && database == self.master_db => {
                Err(RunnerError::MasterMissing {
                    database: database.to_owned(),
                    server: self.server_label.clone(),
                })
            }
            Ok(Err(e)) if is_missing_database(&e) => {
                Err(RunnerError::db("connecting", database, e))
            }
            Ok(Err(e)) => Err(RunnerError::Unreachable {
                server: self.server_label.clone(),
                detail: redact(&e.to_string()),
            }),
            Err(_) => Err(RunnerError::Unreachable {
                server: self.server_label.clone(),
                detail: "no answer within 10 s".into(),
            }),
        }
    }

    /// A connection for creating and dropping databases and roles.
    pub async fn admin(&self) -> Result<PgConnection, RunnerError> {
        self.connect(MAINTENANCE_DB).await
    }
}

/// `3D000`: the database named in the connection does not exist.
fn is_missing_database(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "3D000")
}

/// Drop a database, a template too, disconnecting its sessions; absent is fine.
pub async fn drop_database(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let is_template: Option<bool> =
        sqlx::query_scalar("SELECT datistemplate FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut *admin)
            .await?;
    if is_template == Some(true) {
        let unmark = format!("ALTER DATABASE {} IS_TEMPLATE false", ident::quote(name));
        admin.execute(unmark.as_str()).await?;
    }
    let drop = format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        ident::quote(name)
    );
    admin.execute(drop.as_str()).await.map(|_| ())
}

/// Drop a login role; absent is fine.
pub async fn drop_role(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let drop = format!("DROP ROLE IF EXISTS {}", ident::quote(name));
    admin.execute(drop.as_str()).await.map(|_| ())
}

/// Refuse a name the runner would create, before anything is touched.
pub fn check_name(what: &str, name: &str) -> Result<(), RunnerError> {
    ident::validate(name)
        .map_err(|e| RunnerError::InvalidInput(format!("invalid {what} {name:?}: {e}")))
}

/// Drop anything that looks like a password from a message.
pub fn redact(message: &str) -> String {
    // postgres://user:secret@host → postgres://user:***@host
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(tail.len());
        let (authority, after) = tail.split_at(end);
        match (authority.find(':'), authority.find('@')) {
            (Some(colon), Some(at)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The local cluster of a project: `.rsm/cluster`, its port kept in `.rsm/port`.
pub fn local_cluster(project_dir: &Path) -> Result<LocalCluster, RunnerError> {
    let home = project_dir.join(".rsm");
    std::fs::create_dir_all(&home)?;
    let home = std::fs::canonicalize(&home)?;
    let port_file = home.join("port");
    let port = match std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|p| p.trim().parse().ok())
    {
        Some(port) => port,
        None => {
            let port = free_port()?;
            std::fs::write(&port_file, port.to_string())?;
            port
        }
    };
    Ok(LocalCluster::new(data_dir(&home), port)?)
}

fn data_dir(home: &Path) -> PathBuf {
    home.join("cluster")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("error connecting to postgres://ana:s3cret@db.example:5432/x: refused"),
            "error connecting to postgres://ana:***@db.example:5432/x: refused"
        );
        assert_eq!(redact("postgres://ana@h/x"), "postgres://ana@h/x");
    }

    #[test]
    fn hostile_names_are_refused() {
        for name in [
            "a'b",
            "x; DROP DATABASE y",
            "select",
            &"a".repeat(64),
            "Tenant",
            "",
        ] {
            assert!(check_name("name", name).is_err(), "{name:?}");
        }
        assert!(check_name("name", "rsm_master").is_ok());
    }
}
