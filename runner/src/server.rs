//! A PostgreSQL server as a value: the one place the runner makes a
//! connection. It knows the server's address (never printed with its
//! password), pins every session's settings and tells an unreachable server,
//! a refused login and a missing database apart. Every URL the runner is
//! given is checked here.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::cluster::LocalCluster;
use crate::error::sqlstate;
use crate::RunnerError;

/// The database an admin connection uses for `CREATE/DROP DATABASE`.
const MAINTENANCE_DB: &str = "postgres";

/// Settings every session of the runner pins at connection time, over
/// whatever the server, the database or the role sets (`ALTER DATABASE ...
/// SET search_path = shadow, public` must not redirect a step): names resolve
/// in `pg_catalog` (searched first when not listed) then `public` only, and
/// new objects go to `public`; literals, intervals and isolation read
/// one way; no timeout of the server's cuts a migration short (the runner's
/// own `lock_timeout` is added where it applies). sqlx already sends
/// `TimeZone=UTC` and `DateStyle=ISO, MDY` in the same startup packet.
pub(crate) const PINNED_SETTINGS: [(&str, &str); 6] = [
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

/// The name of the master's own server in a fleet of several.
pub const DEFAULT_SERVER: &str = "default";

/// A PostgreSQL server the runner reaches.
#[derive(Clone)]
pub struct Server {
    /// [`DEFAULT_SERVER`] for the master's; else as registered (`runner server add`).
    pub name: String,
    options: PgConnectOptions,
    /// `host:port` or the socket folder: what messages name (never a password).
    pub label: String,
    /// The runner's own local cluster: it may harden the server itself.
    pub managed: bool,
    /// For the PostgreSQL programs the runner starts ([`Server::tool`]):
    /// the driver's options do not give it back.
    password: ToolPassword,
}

/// By hand: the driver's options print their password.
impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("name", &self.name)
            .field("label", &self.label)
            .field("user", &self.options.get_username())
            .field("managed", &self.managed)
            .field("password", &self.password)
            .finish()
    }
}

/// A password kept for [`Server::tool`]; never printed, not even by `{:?}`.
#[derive(Clone, Default)]
struct ToolPassword(Option<String>);

impl std::fmt::Debug for ToolPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "(set)" } else { "(none)" })
    }
}

impl Server {
    /// A server named by a URL (its database is ignored: the runner names
    /// the database of each connection).
    pub fn from_url(url: &str) -> Result<Server, RunnerError> {
        let options = parse_url(url)?;
        let label = label_of(&options);
        let mut server = Server::new(DEFAULT_SERVER, options, label, false);
        server.password = ToolPassword(url_password(url));
        Ok(server)
    }

    /// A server of the fleet, from its registered URL (kept without a
    /// password): the password comes from `RSM_PASSWORD_<NAME>` (the name in
    /// capitals) when set, else from the passfile (`PGPASSFILE`,
    /// `~/.pgpass`), as libpq reads it.
    pub fn registered(name: &str, url: &str) -> Result<Server, RunnerError> {
        let mut options = parse_url(url)?;
        let password = std::env::var(password_variable(name)).ok();
        if let Some(password) = &password {
            options = options.password(password);
        }
        let label = label_of(&options);
        let mut server = Server::new(name, options, label, false);
        server.password = ToolPassword(password);
        Ok(server)
    }

    /// The runner's own local cluster (started by the caller).
    pub fn local(cluster: &LocalCluster) -> Server {
        let options = PgConnectOptions::new()
            .socket(&cluster.data_dir)
            .port(cluster.port)
            .username("postgres");
        let label = format!("local cluster {}", cluster.data_dir.display());
        Server::new(DEFAULT_SERVER, options, label, true)
    }

    fn new(name: &str, options: PgConnectOptions, label: String, managed: bool) -> Server {
        Server {
            name: name.to_owned(),
            options: pinned(options.disable_statement_logging()),
            label,
            managed,
            password: ToolPassword::default(),
        }
    }

    /// `database` on this server, as reports name it.
    pub fn locate(&self, database: &str) -> Located {
        Located {
            database: database.to_owned(),
            server: self.label.clone(),
        }
    }

    /// The options of a connection to `database` (pinned settings, no
    /// statement logging): for connection strings handed to others.
    pub fn options(&self, database: &str) -> PgConnectOptions {
        self.options.clone().database(database)
    }

    /// The URL a login (a tenant's role) reaches `database` with, on this
    /// server: what `--credentials` prints, the one place a password is
    /// written into a URL.
    pub(crate) fn login_url(&self, user: &str, password: &str, database: &str) -> String {
        match self.options.get_socket() {
            Some(dir) => format!(
                "postgres://{user}:{password}@localhost:{}/{database}?host={}",
                self.options.get_port(),
                dir.display()
            ),
            None => format!(
                "postgres://{user}:{password}@{}:{}/{database}",
                self.options.get_host(),
                self.options.get_port()
            ),
        }
    }

    /// A PostgreSQL client program (`pg_dump`, `pg_restore`) set to reach
    /// `database` on this server as the runner does: through its environment,
    /// never its arguments (which any user's `ps` shows). What the caller's
    /// environment would add (a service file, other options) is removed; the
    /// passfile is read by the program itself, as libpq does.
    pub fn tool(&self, program: &std::path::Path, database: &str) -> std::process::Command {
        use sqlx::postgres::PgSslMode;
        let mut command = std::process::Command::new(program);
        for inherited in [
            "PGSERVICE",
            "PGSERVICEFILE",
            "PGHOSTADDR",
            "PGOPTIONS",
            "PGTARGETSESSIONATTRS",
            "PGREQUIRESSL",
        ] {
            command.env_remove(inherited);
        }
        let host = match self.options.get_socket() {
            Some(dir) => dir.display().to_string(),
            None => self.options.get_host().to_owned(),
        };
        let ssl = match self.options.get_ssl_mode() {
            PgSslMode::Disable => "disable",
            PgSslMode::Allow => "allow",
            PgSslMode::Prefer => "prefer",
            PgSslMode::Require => "require",
            PgSslMode::VerifyCa => "verify-ca",
            PgSslMode::VerifyFull => "verify-full",
        };
        command
            .env("PGHOST", host)
            .env("PGPORT", self.options.get_port().to_string())
            .env("PGUSER", self.options.get_username())
            .env("PGDATABASE", database)
            .env("PGSSLMODE", ssl)
            .env("PGCONNECT_TIMEOUT", "10")
            .env("PGAPPNAME", "rsm-runner");
        if let Some(password) = &self.password.0 {
            command.env("PGPASSWORD", password);
        }
        command
    }

    /// A connection to `database`.
    pub async fn connect(&self, database: &str) -> Result<PgConnection, RunnerError> {
        self.connect_to(database, &[], false).await
    }

    /// A connection for creating and dropping databases and roles.
    pub async fn admin(&self) -> Result<PgConnection, RunnerError> {
        self.connect(MAINTENANCE_DB).await
    }

    /// A connection to `database` with settings given at connection time
    /// (no extra round trip); with `is_master`, a missing database is
    /// reported as a master that does not exist.
    pub(crate) async fn connect_to(
        &self,
        database: &str,
        settings: &[(&str, &str)],
        is_master: bool,
    ) -> Result<PgConnection, RunnerError> {
        let mut options = self.options(database);
        if !settings.is_empty() {
            options = options.options(settings.iter().copied());
        }
        connect_with(&options, &self.label, database, is_master).await
    }
}

/// The environment variable holding a registered server's password.
pub(crate) fn password_variable(name: &str) -> String {
    format!("RSM_PASSWORD_{}", name.to_ascii_uppercase())
}

/// The password a URL carries, decoded (`user:password@`, or `password=`).
fn url_password(url: &str) -> Option<String> {
    let parts = url_parts(url);
    let written = parts
        .userinfo
        .and_then(|u| u.split_once(':').map(|(_, p)| p))
        .or_else(|| {
            parts
                .query
                .split('&')
                .find_map(|p| p.strip_prefix("password="))
        })?;
    Some(
        percent_encoding::percent_decode_str(written)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Whether a URL carries a password (`user:password@`).
pub(crate) fn has_password(url: &str) -> bool {
    url_parts(url).userinfo.is_some_and(|u| u.contains(':'))
        || url_parts(url)
            .query
            .split('&')
            .any(|p| p.starts_with("password="))
}

/// The server's identity (`pg_control_system().system_identifier`): the same
/// server reached by two URLs has one. `None` when the role may not read it
/// (a superuser may; others may be granted it).
pub async fn system_identifier(conn: &mut PgConnection) -> Result<Option<String>, sqlx::Error> {
    let readable: bool = sqlx::query_scalar(
        "SELECT has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !readable {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT system_identifier::text FROM pg_control_system()")
        .fetch_one(conn)
        .await
        .map(Some)
}

/// What messages call a server: `host:port`, or its socket folder.
fn label_of(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(dir) => format!("socket {}", dir.display()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

/// A connection to the database a URL names (`runner diff --from URL --to URL`).
pub(crate) async fn connect_url(url: &str) -> Result<(PgConnection, Located), RunnerError> {
    let options = pinned(parse_url(url)?.disable_statement_logging());
    let database = options.get_database().unwrap_or("postgres").to_owned();
    let server = label_of(&options);
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

/// Drop anything that looks like a password from a message.
pub(crate) fn redact(message: &str) -> String {
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
    fn passwords_are_found_in_either_place() {
        assert!(has_password("postgres://ana:pw@h/db"));
        assert!(has_password(
            "postgres://ana@h/db?sslmode=require&password=pw"
        ));
        assert!(!has_password("postgres://ana@h/db"));
        assert!(!has_password("postgres://h:5432/db"));
        assert_eq!(password_variable("eu_2"), "RSM_PASSWORD_EU_2");
        assert_eq!(
            url_password("postgres://a:p%40ss@h/db").as_deref(),
            Some("p@ss")
        );
        assert_eq!(
            url_password("postgres://a@h/db?password=x%20y").as_deref(),
            Some("x y")
        );
        assert_eq!(url_password("postgres://a@h/db"), None);
        let server = Server::from_url("postgres://a:SECRET@h/db").unwrap();
        assert!(!format!("{server:?}").contains("SECRET"));
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
}
