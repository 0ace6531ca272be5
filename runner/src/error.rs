//! One error type for the runner: what failed, for which database, and what to
//! do next; each kind with its own exit code, so that scripts can tell them apart.
//! Connection URLs are never printed whole: only host, port and database.

use std::process::ExitCode;

use crate::cluster::ClusterError;

#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),

    #[error("{0}")]
    InvalidInput(String),

    #[error(
        "cannot reach the PostgreSQL server at {server}: {detail}\n\
         hint: check that it runs and that DATABASE_URL (or --database-url) is right; \
         without a URL the runner starts a local cluster (`runner dev up`)"
    )]
    Unreachable { server: String, detail: String },

    #[error(
        "the master database `{database}` does not exist on {server}\n\
         hint: run `runner master init` first"
    )]
    MasterMissing { database: String, server: String },

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
        "tenant `{tenant}` is stamped with schema fingerprint {found}, this runner's schema is {expected}\n\
         hint: the tenant was made by another version of the schema; migrate it before using it here"
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
}

impl RunnerError {
    /// A database error with its context.
    pub fn db(what: impl Into<String>, database: &str, source: sqlx::Error) -> RunnerError {
        RunnerError::Database {
            what: what.into(),
            database: database.to_owned(),
            hint: "nothing was left half-made; fix the cause above and run the command again"
                .into(),
            source,
        }
    }

    /// Named exit codes (sysexits.h where one fits).
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    pub fn code(&self) -> u8 {
        match self {
            RunnerError::InvalidInput(_) => 65,      // EX_DATAERR
            RunnerError::UnknownTenant { .. } => 67, // EX_NOUSER
            RunnerError::Unreachable { .. } => 69,   // EX_UNAVAILABLE
            RunnerError::Database { .. } => 70,      // EX_SOFTWARE
            RunnerError::Cluster(_) => 71,           // EX_OSERR
            RunnerError::Output(_) => 74,            // EX_IOERR
            RunnerError::Declined(_) => 75,          // EX_TEMPFAIL
            RunnerError::Protected { .. } => 77,     // EX_NOPERM
            RunnerError::MasterMissing { .. } => 78, // EX_CONFIG
            RunnerError::UnknownSchema { .. } => 79,
            RunnerError::FingerprintMismatch { .. } => 80,
        }
    }
}
