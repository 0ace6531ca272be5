//! Where the runner works: the master's server (from `--database-url` /
//! `DATABASE_URL`, or the local cluster it manages: a [`Server`]), the master
//! database's name, and the prefix of tenant database names. Every name is
//! checked here (URLs in [`crate::server`]), before any cluster is started or
//! any connection made.

use std::path::Path;
use std::sync::Arc;

use schema_core::ident;
use sqlx::PgConnection;

use crate::declared::Declared;
use crate::project;
pub use crate::server::{Located, Server};
use crate::RunnerError;

/// Databases every PostgreSQL server has; the runner never changes them
/// (beyond revoking PUBLIC's CONNECT on the local cluster it made itself).
pub(crate) const SYSTEM_DATABASES: [&str; 3] = ["postgres", "template0", "template1"];

/// Templates are `rsm_template_<master>_<fingerprint><journal generation>`, whatever the tenant prefix.
pub(crate) const TEMPLATE_PREFIX: &str = "rsm_template_";

/// Spares of the warm pool are `rsm_spare_<master>_<fingerprint><journal generation>_<n>`.
pub(crate) const SPARE_PREFIX: &str = "rsm_spare_";

pub const DEFAULT_MASTER_DB: &str = "rsm_master";
pub const DEFAULT_TENANT_PREFIX: &str = "tenant_";

/// The master's server, the master database on it, and how tenant databases
/// are named.
#[derive(Debug, Clone)]
pub struct Target {
    /// The server the master lives on (the default server of its tenants).
    pub server: Server,
    pub master_db: String,
    /// Tenant databases are `{prefix}{n}`.
    pub tenant_prefix: String,
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
        Ok(Target::on(Server::from_url(url)?, master_db, tenant_prefix))
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
        Ok(Target::on(
            Server::local(&cluster),
            master_db,
            tenant_prefix,
        ))
    }

    fn on(server: Server, master_db: &str, tenant_prefix: &str) -> Target {
        Target {
            server,
            master_db: master_db.to_owned(),
            tenant_prefix: tenant_prefix.to_owned(),
            declared: crate::app::declared(),
        }
    }

    /// The same server and names, bringing databases to other schemas.
    pub fn with_declared(mut self, declared: Arc<Declared>) -> Target {
        self.declared = declared;
        self
    }

    /// `database` on the master's server, as reports name it.
    pub fn locate(&self, database: &str) -> Located {
        self.server.locate(database)
    }

    /// A connection to `database` on the master's server; an unreachable
    /// server, a refused login and a missing master are told apart.
    pub async fn connect(&self, database: &str) -> Result<PgConnection, RunnerError> {
        self.server
            .connect_to(database, &[], database == self.master_db)
            .await
    }

    /// [`Target::connect`] with a setting given at connection time
    /// (`lock_timeout`, say): no extra round trip.
    pub(crate) async fn connect_setting(
        &self,
        database: &str,
        name: &str,
        value: &str,
    ) -> Result<PgConnection, RunnerError> {
        self.server
            .connect_to(database, &[(name, value)], database == self.master_db)
            .await
    }

    /// A connection for creating and dropping databases and roles.
    pub async fn admin(&self) -> Result<PgConnection, RunnerError> {
        self.server.admin().await
    }

    /// `tenant_12` → 12 (for this target's prefix); `None` for anything else,
    /// leading zeros included (`tenant_012` is not tenant 12).
    pub(crate) fn tenant_number(&self, name: &str) -> Option<u64> {
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

/// The master name and the tenant prefix, checked alone and against each other
/// and the server's own databases: refused before anything is touched.
pub(crate) fn check_names(master_db: &str, tenant_prefix: &str) -> Result<(), RunnerError> {
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
    if [TEMPLATE_PREFIX, SPARE_PREFIX]
        .iter()
        .any(|p| tenant_prefix.starts_with(p))
    {
        return Err(RunnerError::InvalidInput(format!(
            "invalid tenant prefix {tenant_prefix:?}: `rsm_template_` and `rsm_spare_` name the runner's templates and spares"
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
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), RunnerError> {
    ident::validate(name)
        .map_err(|e| RunnerError::InvalidInput(format!("invalid {what} {name:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ("rsm_master", "rsm_spare_"),
            ("rsm_master", "rsm_template_x_"),
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
