//! Where the runner works: a PostgreSQL server (from `--database-url` /
//! `DATABASE_URL`, or the local cluster it manages), the master database's
//! name, and the prefix of tenant database names. Every name and URL is checked
//! here, before any cluster is started or any connection made.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use schema_core::ident;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::declared::Declared;
use crate::error::sqlstate;
use crate::project;
use crate::RunnerError;

/// The database an admin connection uses for `CREATE/DROP DATABASE`.
const MAINTENANCE_DB: &str = "postgres";

/// Databases every PostgreSQL server has; the runner never changes them
/// (beyond revoking PUBLIC's CONNECT on the local cluster it made itself).
pub const SYSTEM_DATABASES: [&str; 3] = ["postgres", "template0", "template1"];

/// Templates are `rsm_template_<master>_<fingerprint>`, whatever the tenant prefix.
pub const TEMPLATE_PREFIX: &str = "rsm_template_";

pub const DEFAULT_MASTER_DB: &str = "rsm_master";
pub const DEFAULT_TENANT_PREFIX: &str = "tenant_";

/// Settings every session of the runner pins at connection time, over
/// whatever the server, the database or the role sets (`ALTER DATABASE ...
/// SET search_path = shadow, public` must not redirect a step): names resolve
/// in `pg_catalog` (searched first when not listed) then `public` only, and
/// new objects go to `public`; literals, intervals and isolation read
/// one way; no timeout of the server's cuts a migration short (the runner's
/// own `lock_timeout` is added where it applies). sqlx already sends
/// `TimeZone=UTC` and `DateStyle=ISO, MDY` in the same startup packet.
pub const PINNED_SETTINGS: [(&str, &str); 6] = [
    ("search_path", "public"),
    ("standard_conforming_strings", "on"),
    ("IntervalStyle", "postgres"),
    ("default_transaction_isolation", "read\\ committed"),
    ("statement_timeout", "0"),
    ("idle_in_transaction_session_timeout", "0"),
];

/// Connection options with [`PINNED_SETTINGS`].
pub(crate) fn pinned(options: PgConnectOptions) -> PgConnectOptions {
    options.options(PINNED_SETTINGS)
}

/// A server, the master database on it, and how tenant databases are named.
#[derive(Debug, Clone)]
pub struct Target {
    server: PgConnectOptions,
    /// `host:port` or the socket folder: what messages name (never a password).
    pub server_label: String,
    pub master_db: String,
    /// Tenant databases are `{prefix}{n}`.
    pub tenant_prefix: String,
    /// The runner's own local cluster: it may harden the server itself.
    pub managed: bool,
    /// The schemas databases are brought to (`schema-defs` unless told otherwise).
    pub declared: Arc<Declared>,
}

impl Target {
    /// A server named by a URL. The URL's database is ignored: the runner
    /// connects to `postgres` to create databases and to each one by name.
    pub fn from_url(
        url: &str,
        master_db: &str,
        tenant_prefix: &str,
    ) -> Result<Target, RunnerError> {
        check_names(master_db, tenant_prefix)?;
        let server = parse_url(url)?;
        let label = match server.get_socket() {
            Some(dir) => format!("socket {}", dir.display()),
            None => format!("{}:{}", server.get_host(), server.get_port()),
        };
        Ok(Target::new(server, label, master_db, tenant_prefix, false))
    }

    /// The local cluster of the project at (or above) `project_dir`, created
    /// and started on demand. Names are checked before anything starts.
    pub fn local(
        project_dir: &Path,
        master_db: &str,
        tenant_prefix: &str,
    ) -> Result<Target, RunnerError> {
        check_names(master_db, tenant_prefix)?;
        let cluster = project::local_cluster(project_dir)?;
        cluster.init()?;
        cluster.start()?;
        let server = PgConnectOptions::new()
            .socket(&cluster.data_dir)
            .port(cluster.port)
            .username("postgres");
        let label = format!("local cluster {}", cluster.data_dir.display());
        Ok(Target::new(server, label, master_db, tenant_prefix, true))
    }

    fn new(
        server: PgConnectOptions,
        label: String,
        master_db: &str,
        tenant_prefix: &str,
        managed: bool,
    ) -> Target {
        Target {
            server: pinned(server.disable_statement_logging()),
            server_label: label,
            master_db: master_db.to_owned(),
            tenant_prefix: tenant_prefix.to_owned(),
            managed,
            declared: Declared::compiled(),
        }
    }

    /// The same server and names, bringing databases to other schemas.
    pub fn with_declared(mut self, declared: Arc<Declared>) -> Target {
        self.declared = declared;
        self
    }

    /// `database` on this target's server, as reports name it.
    pub fn locate(&self, database: &str) -> Located {
        Located {
            database: database.to_owned(),
            server: self.server_label.clone(),
        }
    }

    pub fn options(&self, database: &str) -> PgConnectOptions {
        self.server.clone().database(database)
    }

    /// A connection to `database`. An unreachable server, a refused login and
    /// a missing database are told apart.
    pub async fn connect(&self, database: &str) -> Result<PgConnection, RunnerError> {
        connect_with(
            &self.options(database),
            &self.server_label,
            database,
            database == self.master_db,
        )
        .await
    }

    /// A connection to `database` with a setting given at connection time
    /// (`lock_timeout`, say): no extra round trip.
    pub async fn connect_setting(
        &self,
        database: &str,
        name: &str,
        value: &str,
    ) -> Result<PgConnection, RunnerError> {
        let options = self.options(database).options([(name, value)]);
        connect_with(
            &options,
            &self.server_label,
            database,
            database == self.master_db,
        )
        .await
    }

    /// A connection for creating and dropping databases and roles.
    pub async fn admin(&self) -> Result<PgConnection, RunnerError> {
        self.connect(MAINTENANCE_DB).await
    }

    /// `tenant_12` → 12 (for this target's prefix); `None` for anything else,
    /// leading zeros included (`tenant_012` is not tenant 12).
    pub fn tenant_number(&self, name: &str) -> Option<u64> {
        tenant_number(&self.tenant_prefix, name)
    }
}

fn tenant_number(prefix: &str, name: &str) -> Option<u64> {
    let digits = name.strip_prefix(prefix)?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// A connection to the database a URL names (`runner diff --from URL --to URL`).
pub async fn connect_url(url: &str) -> Result<(PgConnection, Located), RunnerError> {
    let options = pinned(parse_url(url)?.disable_statement_logging());
    let database = options.get_database().unwrap_or("postgres").to_owned();
    let server = match options.get_socket() {
        Some(dir) => format!("socket {}", dir.display()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    let conn = connect_with(&options, &server, &database, false).await?;
    Ok((conn, Located { database, server }))
}

/// A database and the server it is on, as every report names them: the
/// database by its name, the server by host and port (or socket), never a
/// URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Located {
    pub database: String,
    pub server: String,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}", self.database, self.server)
    }
}

async fn connect_with(
    options: &PgConnectOptions,
    server: &str,
    database: &str,
    is_master: bool,
) -> Result<PgConnection, RunnerError> {
    let connect = PgConnection::connect_with(options);
    let e = match tokio::time::timeout(Duration::from_secs(10), connect).await {
        Ok(Ok(conn)) => return Ok(conn),
        Ok(Err(e)) => e,
        Err(_) => {
            return Err(RunnerError::Unreachable {
                server: server.to_owned(),
                detail: "no answer within 10 s".into(),
            })
        }
    };
    let code = sqlstate(&e);
    Err(match code.as_deref() {
        Some("3D000") if is_master => RunnerError::MasterMissing {
            database: database.to_owned(),
            server: server.to_owned(),
        },
        // Authentication (28xxx) or `permission denied for database` (42501).
        Some(c) if c.starts_with("28") || c == "42501" => RunnerError::PermissionDenied {
            server: server.to_owned(),
            database: database.to_owned(),
            detail: redact(&e.to_string()),
        },
        // Starting up, shutting down, in recovery.
        Some("57P03") | None => RunnerError::Unreachable {
            server: server.to_owned(),
            detail: redact(&e.to_string()),
        },
        Some(_) => RunnerError::db("connecting", database, e),
    })
}

/// A PostgreSQL URL, or a clear refusal: other schemes (`mysql://`) and
/// strings that are not URLs at all (`user:pw`) are refused.
pub(crate) fn parse_url(url: &str) -> Result<PgConnectOptions, RunnerError> {
    let scheme_ok = ["postgres://", "postgresql://"]
        .iter()
        .any(|s| url.len() >= s.len() && url[..s.len()].eq_ignore_ascii_case(s));
    if !scheme_ok {
        let shown = match url.split_once("://") {
            Some((scheme, _)) => format!("a `{scheme}://` URL"),
            None => "not a URL".to_owned(),
        };
        return Err(RunnerError::InvalidInput(format!(
            "the database URL is {shown}; expected postgres://user[:password]@host[:port][/db]"
        )));
    }
    check_url_text(url)?;
    PgConnectOptions::from_str(url).map_err(|e| {
        RunnerError::InvalidInput(format!(
            "the database URL is not a valid PostgreSQL URL ({}); expected postgres://user[:password]@host[:port][/db]",
            redact(&e.to_string())
        ))
    })
}

/// The query parameters a URL may carry: those the driver applies. Any other
/// would be dropped silently, so it is refused.
const URL_PARAMETERS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// The parts of `scheme://[userinfo@]hosts[/db][?query]`, as written.
pub(crate) struct UrlParts<'u> {
    pub userinfo: Option<&'u str>,
    pub hosts: &'u str,
    pub query: &'u str,
}

/// `url` cut into its parts, without decoding or checking anything.
pub(crate) fn url_parts(url: &str) -> UrlParts<'_> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = before_query.split('/').next().unwrap_or("");
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => (Some(userinfo), hosts),
        None => (None, authority),
    };
    UrlParts {
        userinfo,
        hosts,
        query,
    }
}

/// What the driver's parser would accept but could not represent exactly:
/// characters that must be percent-encoded (spaces, controls), a malformed
/// escape (`%zz`), several hosts, a parameter it would ignore. The password
/// is never echoed.
fn check_url_text(url: &str) -> Result<(), RunnerError> {
    let refuse = |why: String| {
        Err(RunnerError::InvalidInput(format!(
            "the database URL {why}; expected postgres://user[:password]@host[:port][/db][?sslmode=...]"
        )))
    };
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return refuse(format!(
            "holds {c:?}, which must be percent-encoded (a space is %20)"
        ));
    }
    let bytes = url.as_bytes();
    for (i, _) in url.match_indices('%') {
        let escape = bytes.get(i + 1..i + 3);
        if !escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)) {
            return refuse("has a `%` not followed by two hexadecimal digits".into());
        }
    }
    let parts = url_parts(url);
    if parts.hosts.contains(',') {
        return refuse("names several hosts; give one".into());
    }
    for pair in parts.query.split('&').filter(|p| !p.is_empty()) {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        let setting = key.starts_with("options[") && key.ends_with(']');
        if !URL_PARAMETERS.contains(&key) && !setting {
            return refuse(format!(
                "has the parameter {key:?}, which the runner does not apply (it takes {})",
                URL_PARAMETERS.join(", ")
            ));
        }
    }
    Ok(())
}

/// The master name and the tenant prefix, checked alone and against each other
/// and the server's own databases: refused before anything is touched.
pub fn check_names(master_db: &str, tenant_prefix: &str) -> Result<(), RunnerError> {
    check_name("master database name", master_db)?;
    // The prefix plus a number must still be a valid name, with room for a
    // million tenants: PostgreSQL would cut a longer name, silently.
    check_name("tenant prefix", &format!("{tenant_prefix}1"))?;
    if tenant_prefix.len() + 6 > ident::MAX_IDENT_BYTES {
        return Err(RunnerError::InvalidInput(format!(
            "invalid tenant prefix {tenant_prefix:?}: at most {} bytes, to leave room for tenant numbers",
            ident::MAX_IDENT_BYTES - 6
        )));
    }
    // Each tenant's login role is named like its database, and PostgreSQL
    // reserves role names beginning `pg_`: refused here, not at the first create.
    if tenant_prefix.starts_with("pg_") {
        return Err(RunnerError::InvalidInput(format!(
            "invalid tenant prefix {tenant_prefix:?}: PostgreSQL reserves role names beginning `pg_`, and each tenant's role is named like its database"
        )));
    }
    if SYSTEM_DATABASES.contains(&master_db) {
        return Err(RunnerError::InvalidInput(format!(
            "invalid master database name {master_db:?}: it is one of the server's own databases"
        )));
    }
    if master_db.starts_with(TEMPLATE_PREFIX) {
        return Err(RunnerError::InvalidInput(format!(
            "invalid master database name {master_db:?}: `{TEMPLATE_PREFIX}...` names the runner's templates"
        )));
    }
    if tenant_number(tenant_prefix, master_db).is_some() {
        return Err(RunnerError::InvalidInput(format!(
            "invalid master database name {master_db:?}: it is named like a tenant of prefix {tenant_prefix:?}"
        )));
    }
    if let Some(system) = SYSTEM_DATABASES
        .iter()
        .find(|s| tenant_number(tenant_prefix, s).is_some())
    {
        return Err(RunnerError::InvalidInput(format!(
            "invalid tenant prefix {tenant_prefix:?}: the server's own database `{system}` would be named like a tenant"
        )));
    }
    Ok(())
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
        match (authority.find(':'), authority.rfind('@')) {
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
        assert_eq!(redact("postgres://a:p@ss@h/x"), "postgres://a:***@h/x");
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

    #[test]
    fn names_that_collide_are_refused() {
        for (master, prefix) in [
            ("postgres", "tenant_"),
            ("template1", "tenant_"),
            ("template0", "tenant_"),
            ("tenant_1", "tenant_"),
            ("rsm_master", "template"),
            ("rsm_template_x", "tenant_"),
            ("rsm_master", "pg_"),
            ("rsm_master", "pg_tenant_"),
        ] {
            assert!(
                check_names(master, prefix).is_err(),
                "{master:?} {prefix:?}"
            );
        }
        assert!(check_names("rsm_master", "tenant_").is_ok());
        assert!(check_names("staging_master", "tenant_").is_ok());
        assert!(check_names("tenant_master", "tenant_").is_ok());
        assert!(check_names("rsm_master", "templ").is_ok());
        assert!(check_names("rsm_master", &"p".repeat(57)).is_ok());
        assert!(check_names("rsm_master", &"p".repeat(58)).is_err());
    }

    #[test]
    fn only_postgres_urls_are_accepted() {
        for bad in ["mysql://u@h/db", "user:pw", "http://h", "", "postgres:/x"] {
            let e = parse_url(bad).unwrap_err();
            assert_eq!(e.code(), crate::error::exit::INVALID_INPUT, "{bad:?}");
            assert!(!e.to_string().contains("pw"), "{e}");
        }
        // What the driver would take but not represent exactly.
        for bad in [
            "postgres://u:pw@h/db?bogus=1",
            "postgres://ana lima:pw@h/db",
            "postgres://u:SECRET%zz@h/db",
            "postgres://u:pw@h/db%4",
            "postgres://u:pw@h1,h2/db",
            "postgres://u:pw@h/db\n",
        ] {
            let e = parse_url(bad).unwrap_err();
            assert_eq!(e.code(), crate::error::exit::INVALID_INPUT, "{bad:?}");
            assert!(!e.to_string().contains("SECRET"), "{e}");
        }
        assert!(parse_url("postgres://u:pw@h:5/db").is_ok());
        assert!(parse_url("PostgreSQL://u@h/db").is_ok());
        assert!(
            parse_url("postgres://ana%20lima:p%40ss@h/db?sslmode=require&application_name=x")
                .is_ok()
        );
    }

    #[test]
    fn tenant_numbers_are_canonical() {
        assert_eq!(tenant_number("tenant_", "tenant_12"), Some(12));
        assert_eq!(tenant_number("tenant_", "tenant_012"), None);
        assert_eq!(tenant_number("tenant_", "tenant_0"), Some(0));
        assert_eq!(tenant_number("tenant_", "tenant_x"), None);
        assert_eq!(tenant_number("tenant_", "tenant_"), None);
        assert_eq!(
            tenant_number("tenant_", "tenant_99999999999999999999999"),
            None
        );
    }
}
