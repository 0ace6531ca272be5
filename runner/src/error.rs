//! One error type for the runner: what failed, for which database, and what to
//! do next; each kind with its own exit code (one meaning per code), so that
//! scripts can tell them apart. Connection URLs are never printed whole: only
//! host, port and database.

use std::process::ExitCode;

use crate::cluster::ClusterError;

/// The runner's exit codes. sysexits.h values where one fits; the runner's own
/// conditions from 79 up. Each code has exactly one meaning.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// The command line could not be parsed (clap).
    pub const USAGE: u8 = 2;
    /// No server to work on: no URL given, and no project (a folder with
    /// `.rsm/`, or a cargo workspace declaring `schema-defs`) to keep a local
    /// cluster in.
    pub const NO_SERVER: u8 = 64; // EX_USAGE
    /// A name, organization name, URL, duration or size is not valid.
    pub const INVALID_INPUT: u8 = 65; // EX_DATAERR
    /// No such tenant in the master.
    pub const UNKNOWN_TENANT: u8 = 67; // EX_NOUSER
    /// No such server in the fleet's registry (`runner server list`).
    pub const UNKNOWN_SERVER: u8 = 68; // EX_NOHOST
    /// The server cannot be reached.
    pub const UNREACHABLE: u8 = 69; // EX_UNAVAILABLE
    /// A statement failed on a database; the message names it and the step.
    pub const DATABASE: u8 = 70; // EX_SOFTWARE
    /// The local cluster could not be created or started.
    pub(crate) const CLUSTER: u8 = 71; // EX_OSERR
    /// The system refused something the runner needs (random bytes, a folder).
    pub const SYSTEM: u8 = 72; // EX_OSFILE
    /// Output could not be written.
    pub(crate) const OUTPUT: u8 = 74; // EX_IOERR
    /// A destructive command was not confirmed.
    pub const NOT_CONFIRMED: u8 = 75;
    /// The tenant is protected (production) and is never dropped.
    pub const PROTECTED: u8 = 77; // EX_NOPERM
    /// The master is not ready: missing or not initialised (`runner master
    /// init`), or holding an older master schema (`runner migrate --master`).
    pub const MASTER_NOT_READY: u8 = 78; // EX_CONFIG
    /// A database holds a schema this runner does not know; nothing was changed.
    pub const UNKNOWN_SCHEMA: u8 = 79;
    /// The tenant is stamped with another schema fingerprint.
    pub const FINGERPRINT_MISMATCH: u8 = 80;
    /// The server refused the login or a privilege.
    pub const PERMISSION_DENIED: u8 = 81;
    /// Another runner is working on this database right now; try again.
    pub const BUSY: u8 = 82;
    /// Another runner dropped the tenant first.
    pub const ALREADY_DROPPED: u8 = 83;
    /// The runner cannot prove it made this database or role: it is never
    /// dropped, altered or revoked.
    pub const NOT_OWNED: u8 = 84;
    /// The tenant already holds rows; a seed set goes into an empty tenant.
    pub const NOT_EMPTY: u8 = 85;
    /// `status`: some database is not current (the output says which and why).
    pub const NOT_CURRENT: u8 = 86;
    /// `migrate`: databases were not migrated, for several reasons (the summary
    /// says which and why).
    pub const NOT_MIGRATED: u8 = 87;
    /// `migrate`: the plan has destructive steps; `--allow-destructive` applies them.
    pub const NEEDS_DESTRUCTIVE: u8 = 88;
    /// `migrate`: a data-dependent step would fail on the data (rows named).
    pub const BLOCKED: u8 = 89;
    /// `migrate`: undeclared things that change what statements do (a
    /// trigger, a rule, row level security, a second foreign key) were
    /// kept; `--prune` removes them.
    pub const NEEDS_PRUNE: u8 = 90;
    /// `diff --from --to`: the databases differ in something the engine does
    /// not plan (types, partitions, views, loose sequences); named, no script.
    pub const CANNOT_PLAN: u8 = 91;
    /// The tenant carries no stamp (its `rsm` schema is gone, as after a
    /// restore of `public` alone): `runner migrate --tenant T` stamps it again.
    pub(crate) const UNSTAMPED: u8 = 92;
    /// A server cannot be removed or take a tenant: it holds this fleet's
    /// tenants, is draining, or is full (the message says which).
    pub const SERVER_UNAVAILABLE: u8 = 93;
    /// `tenant move`: the copy failed or differs from the source (the move
    /// is undone, the tenant whole on its server).
    pub const MOVE_FAILED: u8 = 94;
}

#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),

    #[error("{0}")]
    InvalidInput(String),

    #[error("{what} failed: {source}")]
    System {
        what: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "no PostgreSQL server to work on: no --database-url (or DATABASE_URL) was given, and \
         {folder} is not inside a project (a folder holding `.rsm/`, or a cargo workspace \
         declaring `schema-defs`) whose local cluster could be used\n\
         hint: run `runner dev up` to make and start a local cluster here, or give a server \
         with --database-url or DATABASE_URL"
    )]
    NoServer { folder: String },

    #[error(
        "cannot reach the PostgreSQL server at {server}: {detail}\n\
         hint: check that it runs and that DATABASE_URL (or --database-url) is right; \
         without a URL the runner starts a local cluster (`runner dev up`)"
    )]
    Unreachable { server: String, detail: String },

    #[error(
        "the server at {server} refused access to `{database}`: {detail}\n\
         hint: check the user and password of DATABASE_URL; the runner needs a role that may \
         create databases and roles (a superuser, or CREATEDB and CREATEROLE)"
    )]
    PermissionDenied {
        server: String,
        database: String,
        detail: String,
    },

    #[error(
        "the master database `{database}` does not exist on {server}\n\
         hint: run `runner master init` first"
    )]
    MasterMissing { database: String, server: String },

    #[error(
        "`{database}` was not initialised as a master by this runner (no `rsm.identity` in it)\n\
         hint: run `runner master init` (it adopts a database holding the master schema; \
         `runner migrate --master` brings an older master schema up to date and adopts it), \
         or point --master-db at the right database"
    )]
    MasterNotInitialised { database: String },

    #[error(
        "the master `{database}` holds schema {found}, not this runner's {expected}\n\
         hint: `runner migrate --master` brings it up to date (`runner diff --master` shows how)"
    )]
    MasterBehind {
        database: String,
        found: String,
        expected: String,
    },

    #[error("database `{database}` holds a schema this runner does not know:\n{differences}\nhint: {hint}")]
    UnknownSchema {
        database: String,
        differences: String,
        hint: String,
    },

    #[error(
        "no tenant `{tenant}` in `{master}`{known}\n\
         hint: `runner tenant list` shows the tenants"
    )]
    UnknownTenant {
        tenant: String,
        master: String,
        known: String,
    },

    #[error(
        "no server `{server}` in `{master}`'s registry{known}\n\
         hint: `runner server list` shows the servers; `runner server add NAME URL` adds one"
    )]
    UnknownServer {
        server: String,
        master: String,
        known: String,
    },

    #[error("server `{server}` {why}\nhint: {hint}")]
    ServerUnavailable {
        server: String,
        why: String,
        hint: String,
    },

    #[error(
        "tenant `{tenant}` is stamped with schema fingerprint {found}, this runner's schema is {expected}\n\
         hint: the tenant was made by another version of the schema: `runner migrate --tenant {tenant}` brings it here"
    )]
    FingerprintMismatch {
        tenant: String,
        found: String,
        expected: String,
    },

    #[error("tenant `{tenant}` is protected (production): it is never dropped\nhint: `runner tenant protect {tenant} --off` first if this is really meant")]
    Protected { tenant: String },

    #[error("nothing was changed: {0}")]
    Declined(String),

    #[error("`{database}` is busy: {what}\nhint: nothing was changed; try again in a moment")]
    Busy { database: String, what: String },

    #[error("tenant `{tenant}` was already dropped (by another runner, meanwhile)")]
    AlreadyDropped { tenant: String },

    #[error(
        "no plan from `{from}` to `{to}`: they differ in what the engine does not plan:\n  - {}\n\
         hint: nothing was printed; make these the same by hand (or in the application's migrations), then diff again",
        what.join("\n  - ")
    )]
    CannotPlan {
        from: String,
        to: String,
        what: Vec<String>,
    },

    #[error(
        "`{database}` was not made by this runner's master `{master}`: {reason}\n\
         hint: nothing was changed; the runner never drops, alters or revokes what it cannot prove it made"
    )]
    NotOwned {
        database: String,
        master: String,
        reason: String,
    },

    #[error(
        "tenant `{tenant}` already holds {rows} rows; a seed set goes into an empty tenant\n\
         hint: nothing was changed; create a new tenant with `runner tenant create --seed ...`"
    )]
    NotEmpty { tenant: String, rows: i64 },

    #[error(
        "tenant `{tenant}` carries no stamp: its `rsm` schema is missing or empty (a restore of \
         `public` alone does that)\n\
         hint: `runner migrate --tenant {tenant}` stamps it again (`runner status` shows it \
         `unstamped`); then run this command again"
    )]
    Unstamped { tenant: String },

    #[error(
        "moving `{tenant}` failed at its {step} step: {detail}\n\
         hint: the PostgreSQL programs' own message is above; a superuser on both servers, \
         with `pg_dump` and `pg_restore` as new as the newer server, is what a move needs"
    )]
    MoveFailed {
        tenant: String,
        step: &'static str,
        detail: String,
    },

    #[error("{what} failed on `{database}`: {source}\nhint: {hint}")]
    Database {
        what: String,
        database: String,
        hint: String,
        #[source]
        source: sqlx::Error,
    },

    #[error(transparent)]
    Cluster(#[from] ClusterError),

    /// Another error, with a note on what it left behind; same kind and code.
    #[error("{source}\nnote: {note}")]
    Noted {
        source: Box<RunnerError>,
        note: String,
    },
}

impl RunnerError {
    /// A database error with its context.
    pub fn db(what: impl Into<String>, database: &str, source: sqlx::Error) -> RunnerError {
        let hint = match Failure::of(&source) {
            Failure::ConnectionLost => {
                "the connection to the server was lost (it stopped or restarted): nothing was \
                 committed by the failed step; run the command again once the server is back"
            }
            Failure::NotAllowed => {
                "the runner's role lacks a privilege it needs: connect as a superuser, or as a \
                 role with CREATEDB and CREATEROLE that owns the master (run `runner master \
                 init` as that role once: it makes the role a member of the master's owner role)"
            }
            Failure::Statement => "fix the cause above and run the command again",
        };
        RunnerError::Database {
            what: what.into(),
            database: database.to_owned(),
            hint: hint.into(),
            source,
        }
    }

    /// An OS call the runner needs failed.
    pub fn system(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> RunnerError {
        let what = what.into();
        move |source| RunnerError::System { what, source }
    }

    /// The same error (same kind and code) with a note on what it left behind.
    pub(crate) fn noted(self, note: impl Into<String>) -> RunnerError {
        RunnerError::Noted {
            source: Box::new(self),
            note: note.into(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    pub fn code(&self) -> u8 {
        use RunnerError::*;
        match self {
            Noted { source, .. } => source.code(),
            InvalidInput(_) => exit::INVALID_INPUT,
            NoServer { .. } => exit::NO_SERVER,
            Unstamped { .. } => exit::UNSTAMPED,
            UnknownTenant { .. } => exit::UNKNOWN_TENANT,
            UnknownServer { .. } => exit::UNKNOWN_SERVER,
            ServerUnavailable { .. } => exit::SERVER_UNAVAILABLE,
            MoveFailed { .. } => exit::MOVE_FAILED,
            Unreachable { .. } => exit::UNREACHABLE,
            Database { source, .. } => match Failure::of(source) {
                Failure::ConnectionLost => exit::UNREACHABLE,
                Failure::NotAllowed => exit::PERMISSION_DENIED,
                Failure::Statement => exit::DATABASE,
            },
            Cluster(_) => exit::CLUSTER,
            System { .. } => exit::SYSTEM,
            Output(_) => exit::OUTPUT,
            Declined(_) => exit::NOT_CONFIRMED,
            Protected { .. } => exit::PROTECTED,
            MasterMissing { .. } | MasterNotInitialised { .. } | MasterBehind { .. } => {
                exit::MASTER_NOT_READY
            }
            UnknownSchema { .. } => exit::UNKNOWN_SCHEMA,
            FingerprintMismatch { .. } => exit::FINGERPRINT_MISMATCH,
            PermissionDenied { .. } => exit::PERMISSION_DENIED,
            Busy { .. } => exit::BUSY,
            AlreadyDropped { .. } => exit::ALREADY_DROPPED,
            CannotPlan { .. } => exit::CANNOT_PLAN,
            NotOwned { .. } => exit::NOT_OWNED,
            NotEmpty { .. } => exit::NOT_EMPTY,
        }
    }

    /// A stable snake_case name of the kind, for `--json`.
    pub fn kind(&self) -> &'static str {
        use RunnerError::*;
        match self {
            Noted { source, .. } => source.kind(),
            Output(_) => "output",
            System { .. } => "system",
            InvalidInput(_) => "invalid_input",
            NoServer { .. } => "no_server",
            Unstamped { .. } => "unstamped",
            Unreachable { .. } => "unreachable",
            PermissionDenied { .. } => "permission_denied",
            MasterMissing { .. } => "master_missing",
            MasterNotInitialised { .. } => "master_not_initialised",
            MasterBehind { .. } => "master_behind",
            UnknownSchema { .. } => "unknown_schema",
            UnknownTenant { .. } => "unknown_tenant",
            UnknownServer { .. } => "unknown_server",
            ServerUnavailable { .. } => "server_unavailable",
            MoveFailed { .. } => "move_failed",
            FingerprintMismatch { .. } => "fingerprint_mismatch",
            Protected { .. } => "protected",
            Declined(_) => "not_confirmed",
            Busy { .. } => "busy",
            AlreadyDropped { .. } => "already_dropped",
            CannotPlan { .. } => "cannot_plan",
            NotOwned { .. } => "not_owned",
            NotEmpty { .. } => "not_empty",
            Database { source, .. } => match Failure::of(source) {
                Failure::ConnectionLost => "unreachable",
                Failure::NotAllowed => "permission_denied",
                Failure::Statement => "database",
            },
            Cluster(_) => "cluster",
        }
    }

    /// The database the error is about, when there is one.
    pub fn database(&self) -> Option<&str> {
        use RunnerError::*;
        match self {
            Noted { source, .. } => source.database(),
            PermissionDenied { database, .. }
            | MasterMissing { database, .. }
            | MasterNotInitialised { database }
            | MasterBehind { database, .. }
            | UnknownSchema { database, .. }
            | Busy { database, .. }
            | NotOwned { database, .. }
            | Database { database, .. } => Some(database),
            UnknownTenant { tenant, .. }
            | FingerprintMismatch { tenant, .. }
            | Protected { tenant }
            | AlreadyDropped { tenant }
            | Unstamped { tenant }
            | NotEmpty { tenant, .. } => Some(tenant),
            _ => None,
        }
    }

    /// The error as `--json` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        error_json(self.kind(), self.code(), &self.to_string(), self.database())
    }
}

/// `{"error": {"kind", "code", "message", "hint", "database"}}`: the shape of
/// every error under `--json`, usage errors included. The message's `hint:`
/// line, when it has one, is its own field.
pub fn error_json(
    kind: &str,
    code: u8,
    message: &str,
    database: Option<&str>,
) -> serde_json::Value {
    let (message, hint) = match message.split_once("\nhint: ") {
        Some((message, hint)) => (message, Some(hint)),
        None => (message, None),
    };
    serde_json::json!({
        "error": {
            "kind": kind,
            "code": code,
            "message": message,
            "hint": hint,
            "database": database,
        }
    })
}

/// An error document as printed: pretty, like every other `--json` output.
pub fn error_document(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// What a failed statement says about the server: gone (the connection
/// dropped, the server shutting down), a privilege missing, or the
/// statement itself. Each has its own exit code.
enum Failure {
    ConnectionLost,
    NotAllowed,
    Statement,
}

impl Failure {
    fn of(e: &sqlx::Error) -> Failure {
        match e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                return Failure::ConnectionLost
            }
            _ => {}
        }
        match sqlstate(e).as_deref() {
            // connection_exception, admin/crash shutdown, cannot connect now
            Some(s) if s.starts_with("08") || ["57P01", "57P02", "57P03"].contains(&s) => {
                Failure::ConnectionLost
            }
            Some("42501") => Failure::NotAllowed, // insufficient_privilege
            _ => Failure::Statement,
        }
    }
}

/// The SQLSTATE of a database error, if it is one.
pub(crate) fn sqlstate(e: &sqlx::Error) -> Option<String> {
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_meaning() {
        let codes = [
            exit::SUCCESS,
            exit::USAGE,
            exit::NO_SERVER,
            exit::INVALID_INPUT,
            exit::UNKNOWN_TENANT,
            exit::UNREACHABLE,
            exit::DATABASE,
            exit::CLUSTER,
            exit::SYSTEM,
            exit::OUTPUT,
            exit::NOT_CONFIRMED,
            exit::PROTECTED,
            exit::MASTER_NOT_READY,
            exit::UNKNOWN_SCHEMA,
            exit::FINGERPRINT_MISMATCH,
            exit::PERMISSION_DENIED,
            exit::BUSY,
            exit::ALREADY_DROPPED,
            exit::NOT_OWNED,
            exit::NOT_EMPTY,
            exit::NOT_CURRENT,
            exit::NOT_MIGRATED,
            exit::NEEDS_DESTRUCTIVE,
            exit::BLOCKED,
        ];
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }

    #[test]
    fn json_errors_carry_kind_code_and_database() {
        let e = RunnerError::AlreadyDropped {
            tenant: "tenant_3".into(),
        };
        let j = e.to_json();
        assert_eq!(j["error"]["kind"], "already_dropped");
        assert_eq!(j["error"]["code"], exit::ALREADY_DROPPED);
        assert_eq!(j["error"]["database"], "tenant_3");
        let e = RunnerError::MasterMissing {
            database: "rsm_master".into(),
            server: "db:5432".into(),
        };
        let j = e.to_json();
        assert_eq!(j["error"]["hint"], "run `runner master init` first");
        let message = j["error"]["message"].as_str().unwrap();
        assert!(!message.contains("hint"), "{message}");
    }

    #[test]
    fn a_connection_lost_mid_command_is_unreachable_not_a_failed_statement() {
        let lost = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        for source in [sqlx::Error::Io(lost), sqlx::Error::PoolTimedOut] {
            let e = RunnerError::db("step 1", "tenant_1", source);
            assert_eq!(e.code(), exit::UNREACHABLE);
            assert_eq!(e.kind(), "unreachable");
            assert!(
                e.to_string().contains("connection to the server was lost"),
                "{e}"
            );
        }
        let e = RunnerError::db("step 1", "tenant_1", sqlx::Error::RowNotFound);
        assert_eq!(e.code(), exit::DATABASE);
    }
}
