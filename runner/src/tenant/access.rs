//! Who may reach a tenant: its own login role (a SCRAM verifier computed here,
//! a connection limit, the master's owner mark), CONNECT on its database alone,
//! credential rotation, and what else such a role could reach on the server.

use schema_core::ident::{quote, quote_literal};
use sqlx::{Executor, PgConnection};

use crate::bookkeeping::ownership::{self, Fleet, Proof};
use crate::error::sqlstate;
use crate::scram;
use crate::server::Server;
use crate::target::Target;
use crate::RunnerError;

/// Connections a tenant's role may hold at once unless told otherwise: one
/// tenant cannot take every slot of the server.
pub const DEFAULT_CONNECTION_LIMIT: u32 = 20;
/// The most `--connection-limit` accepts.
pub const MAX_CONNECTION_LIMIT: u32 = 10_000;

/// A login for one tenant database.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Credentials {
    pub role: String,
    pub password: String,
    pub url: String,
}

/// The tenant's login role, named like its database: a SCRAM verifier (the
/// password itself never leaves this process), at most `connection_limit`
/// connections, the master's owner role as its member (the mark that proves
/// it ours), and CONNECT on its own database only. Without a login (`None`):
/// a spare's role, with a random password no one ever sees, which gets its
/// login when a tenant takes it ([`login_sql`]).
pub(crate) async fn create_role(
    fleet: &mut Fleet,
    tenant: &str,
    login: Option<(&str, u32)>,
) -> Result<(), RunnerError> {
    let owner = fleet.identity.owner_role();
    let master_db = fleet.master_db().to_owned();
    let admin = fleet.server_admin();
    create_login_role(admin, &owner, &master_db, tenant, login).await?;
    restrict_connect(admin, tenant).await
}

/// [`create_role`] in two parts, for a caller that runs them beside other
/// work: the role, on any connection to the server (roles are the
/// server's, not a database's)...
pub(crate) async fn create_login_role(
    conn: &mut PgConnection,
    owner_role: &str,
    master_db: &str,
    tenant: &str,
    login: Option<(&str, u32)>,
) -> Result<(), RunnerError> {
    let role = quote(tenant);
    let can = match login {
        Some((password, connection_limit)) => login_clause(password, connection_limit)?,
        None => {
            // Set now, off the critical path: PostgreSQL checks every SCRAM
            // verifier it is given against the empty password (4,096
            // iterations, about 5 ms), which a take then need not pay.
            let unseen =
                scram::random_password().map_err(RunnerError::system("reading /dev/urandom"))?;
            let verifier =
                scram::verifier(&unseen).map_err(RunnerError::system("reading /dev/urandom"))?;
            format!("NOLOGIN PASSWORD {}", quote_literal(&verifier))
        }
    };
    let create = format!("CREATE ROLE {role} {can} ROLE {}", quote(owner_role));
    if let Err(e) = conn.execute(create.as_str()).await {
        // 42710: a role of that name appeared since the name was allocated;
        // it is not ours, and it is left alone.
        if sqlstate(&e).as_deref() == Some("42710") {
            return Err(RunnerError::NotOwned {
                database: tenant.to_owned(),
                master: master_db.to_owned(),
                reason: format!("a role `{tenant}` was made by someone else meanwhile"),
            });
        }
        return Err(RunnerError::db("creating the login role", tenant, scrub(e)));
    }
    Ok(())
}

/// ...and, once the database exists, CONNECT on it for its role only (a
/// new database lets every role connect).
pub(crate) async fn restrict_connect(
    admin: &mut PgConnection,
    tenant: &str,
) -> Result<(), RunnerError> {
    let role = quote(tenant);
    let grants = format!(
        "REVOKE CONNECT, TEMPORARY ON DATABASE {role} FROM PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE {role} TO {role}"
    );
    admin
        .execute(grants.as_str())
        .await
        .map(|_| ())
        .map_err(|e| RunnerError::db("restricting CONNECT to the tenant's role", tenant, e))
}

/// `LOGIN PASSWORD <SCRAM verifier> CONNECTION LIMIT n`.
fn login_clause(password: &str, connection_limit: u32) -> Result<String, RunnerError> {
    let verifier =
        scram::verifier(password).map_err(RunnerError::system("reading /dev/urandom"))?;
    Ok(format!(
        "LOGIN PASSWORD {} CONNECTION LIMIT {connection_limit}",
        quote_literal(&verifier)
    ))
}

/// The statement that gives role `role` its login (a spare's, taken): with
/// a new password when one is to be shown, else the unseen one it has (as
/// a cloned tenant's, whose password is shown nowhere unless asked for).
pub(crate) fn login_sql(
    role: &str,
    password: Option<&str>,
    connection_limit: u32,
) -> Result<String, RunnerError> {
    let clause = match password {
        Some(password) => login_clause(password, connection_limit)?,
        None => format!("LOGIN CONNECTION LIMIT {connection_limit}"),
    };
    Ok(format!("ALTER ROLE {} {clause}", quote(role)))
}

/// The tables and sequences of `public` to the tenant's role; its stamp to read.
pub(crate) async fn grant_tables(conn: &mut PgConnection, tenant: &str) -> Result<(), RunnerError> {
    let role = quote(tenant);
    // The DDL journal's event triggers stay silent for these grants (a
    // superuser's session only, as only a superuser has a journal; until the
    // statements' transaction ends): the stamp empties the journal of a new
    // clone anyway, and journaling five GRANTs costs a new backend more than
    // the grants (3.9 against 1.6 ms).
    let grants = format!(
        "SELECT set_config('session_replication_role', 'replica', true)
          WHERE current_setting('is_superuser') = 'on';
         GRANT USAGE ON SCHEMA public TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
         GRANT USAGE ON SCHEMA rsm TO {role};
         GRANT SELECT ON rsm.stamp TO {role};"
    );
    conn.execute(grants.as_str())
        .await
        .map(|_| ())
        .map_err(|e| RunnerError::db("granting the tenant's role its tables", tenant, e))
}

/// A database error whose message might quote the statement is reduced to its
/// code. (Statements carry verifiers, not passwords; this keeps even those out.)
pub(crate) fn scrub(e: sqlx::Error) -> sqlx::Error {
    match sqlstate(&e) {
        Some(code) => sqlx::Error::Protocol(format!("SQLSTATE {code}")),
        None => sqlx::Error::Protocol("statement failed".into()),
    }
}

/// The tenant's login on the server it is on (the one `fleet` works on).
pub(crate) fn credentials_for(server: &Server, tenant: &str, password: String) -> Credentials {
    Credentials {
        role: tenant.to_owned(),
        url: server.login_url(tenant, &password, tenant),
        password,
    }
}

/// A new password for a tenant's role; the only way credentials are shown.
/// Only for a tenant this master made; a protected tenant's caller asks first.
pub async fn rotate_credentials(target: &Target, tenant: &str) -> Result<Credentials, RunnerError> {
    crate::target::check_name("tenant name", tenant)?;
    let mut fleet = Fleet::open(target).await?;
    super::under_lock(&mut fleet, tenant, async |fleet, tenant| {
        rotate_locked(fleet, tenant).await
    })
    .await
}

async fn rotate_locked(fleet: &mut Fleet, tenant: &str) -> Result<Credentials, RunnerError> {
    let proof = ownership::prove_role(fleet, tenant)
        .await
        .map_err(|e| RunnerError::db("reading pg_roles", tenant, e))?;
    let role = match proof {
        Proof::Owned(role) => role,
        Proof::Absent => {
            return Err(RunnerError::UnknownTenant {
                tenant: tenant.to_owned(),
                master: fleet.master_db().to_owned(),
                known: " (it has no login role)".into(),
            })
        }
        Proof::NotOwned(reason) => return Err(super::not_owned(fleet, tenant, reason)),
    };
    let password = scram::random_password().map_err(RunnerError::system("reading /dev/urandom"))?;
    let verifier =
        scram::verifier(&password).map_err(RunnerError::system("reading /dev/urandom"))?;
    let sql = format!(
        "ALTER ROLE {} PASSWORD {}",
        quote(role.name()),
        quote_literal(&verifier)
    );
    fleet
        .server_admin()
        .execute(sql.as_str())
        .await
        .map_err(|e| RunnerError::db("setting the role's password", tenant, scrub(e)))?;
    Ok(credentials_for(&fleet.server, tenant, password))
}

/// The server's maintenance databases that PUBLIC (so every tenant role) may
/// connect to, each with the statement that closes it.
pub async fn public_exposure(admin: &mut PgConnection) -> Result<Vec<String>, sqlx::Error> {
    let open = open_to_public(admin, &["postgres", "template1"]).await?;
    Ok(open
        .into_iter()
        .map(|db| {
            format!(
                "every role, tenant roles included, may connect to `{db}`; to close it: \
                 REVOKE CONNECT ON DATABASE {db} FROM PUBLIC; (then GRANT CONNECT to the roles that need it)"
            )
        })
        .collect())
}

/// Which of `databases` every role may connect to (PUBLIC holds CONNECT,
/// explicitly or by the default privileges), in name order.
pub async fn open_to_public(
    admin: &mut PgConnection,
    databases: &[&str],
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT datname::text FROM pg_database
          WHERE datname::text = ANY($1)
            AND (datacl IS NULL OR EXISTS (
                 SELECT 1 FROM aclexplode(datacl) a WHERE a.grantee = 0 AND a.privilege_type = 'CONNECT'))
          ORDER BY 1",
    )
    .bind(databases)
    .fetch_all(admin)
    .await
}

/// On the runner's own cluster: close what [`public_exposure`] reports (idempotent).
pub async fn close_public_exposure(admin: &mut PgConnection) -> Result<(), sqlx::Error> {
    admin
        .execute("REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC")
        .await
        .map(|_| ())
}
