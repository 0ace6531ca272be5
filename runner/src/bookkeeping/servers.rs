//! The servers registry in the master (`rsm.servers`): the servers a fleet's
//! tenants may live on, with their capacity and whether they take new
//! tenants. The master's own server is [`DEFAULT_SERVER`]: always there,
//! recorded only once a setting of its own is given (capacity, drain). Each
//! database's server is `rsm.databases.server` (NULL: the default).

use std::collections::BTreeMap;

use sqlx::PgConnection;

pub use crate::server::DEFAULT_SERVER;

/// A row of the registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Registered {
    pub name: String,
    /// Without a password; `None` for the default server.
    #[serde(skip)]
    pub url: Option<String>,
    #[serde(skip)]
    pub system_identifier: Option<String>,
    /// At most this many tenants; `None`: no limit.
    pub capacity: Option<i32>,
    /// Takes no new tenants.
    pub draining: bool,
}

type Row = (String, Option<String>, Option<String>, Option<i32>, bool);
/// A [`Row`] and its tenants.
type RowWithTenants = (
    String,
    Option<String>,
    Option<String>,
    Option<i32>,
    bool,
    i64,
);

/// Every server, the default first (listed even when it has no row, and
/// alone in a master whose records predate the registry).
pub async fn all(master: &mut PgConnection) -> Result<Vec<Registered>, sqlx::Error> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('rsm.servers') IS NOT NULL")
        .fetch_one(&mut *master)
        .await?;
    if !exists {
        return Ok(with_default(Vec::new()));
    }
    registered(master).await
}

/// [`all`], in a master whose records are current (opened as a `Fleet`).
pub async fn registered(master: &mut PgConnection) -> Result<Vec<Registered>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT name, url, system_identifier, capacity, draining FROM rsm.servers
          ORDER BY name <> 'default', name",
    )
    .fetch_all(master)
    .await?;
    Ok(with_default(rows.into_iter().map(registered_of).collect()))
}

/// [`registered`], each with the number of tenants this master recorded on
/// it, in one statement (what placement reads).
pub async fn with_tenants(
    master: &mut PgConnection,
) -> Result<Vec<(Registered, i64)>, sqlx::Error> {
    let rows: Vec<RowWithTenants> = sqlx::query_as(
        "SELECT name, s.url, s.system_identifier, s.capacity, coalesce(s.draining, false),
                coalesce(t.tenants, 0)
           FROM rsm.servers s
           FULL JOIN (SELECT coalesce(server, 'default') AS name, count(*) AS tenants
                        FROM rsm.databases WHERE kind = 'tenant' GROUP BY 1) t USING (name)
          ORDER BY name <> 'default', name",
    )
    .fetch_all(master)
    .await?;
    let mut servers: Vec<(Registered, i64)> = rows
        .into_iter()
        .map(
            |(name, url, system_identifier, capacity, draining, tenants)| {
                let row = (name, url, system_identifier, capacity, draining);
                (registered_of(row), tenants)
            },
        )
        .collect();
    if servers
        .first()
        .is_none_or(|(s, _)| s.name != DEFAULT_SERVER)
    {
        servers.insert(0, (default_server(), 0));
    }
    Ok(servers)
}

fn registered_of((name, url, system_identifier, capacity, draining): Row) -> Registered {
    Registered {
        name,
        url,
        system_identifier,
        capacity,
        draining,
    }
}

/// `servers`, the default first even when it has no row.
fn with_default(mut servers: Vec<Registered>) -> Vec<Registered> {
    if servers.first().is_none_or(|s| s.name != DEFAULT_SERVER) {
        servers.insert(0, default_server());
    }
    servers
}

/// The master's own server, as it is without a row of its own.
fn default_server() -> Registered {
    Registered {
        name: DEFAULT_SERVER.to_owned(),
        url: None,
        system_identifier: None,
        capacity: None,
        draining: false,
    }
}

/// Record a server (its name checked free by the caller, under the lock).
pub async fn insert(master: &mut PgConnection, server: &Registered) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rsm.servers (name, url, system_identifier, capacity) VALUES ($1, $2, $3, $4)",
    )
    .bind(&server.name)
    .bind(&server.url)
    .bind(&server.system_identifier)
    .bind(server.capacity)
    .execute(master)
    .await
    .map(|_| ())
}

/// Set whether `name` takes new tenants, and its capacity when given
/// (the default server's row made on first use); `false` when no such server.
pub async fn set(
    master: &mut PgConnection,
    name: &str,
    draining: Option<bool>,
    capacity: Option<Option<i32>>,
) -> Result<bool, sqlx::Error> {
    if name == DEFAULT_SERVER {
        sqlx::query("INSERT INTO rsm.servers (name) VALUES ('default') ON CONFLICT DO NOTHING")
            .execute(&mut *master)
            .await?;
    }
    let done = sqlx::query(
        "UPDATE rsm.servers SET draining = coalesce($2, draining),
                capacity = CASE WHEN $3 THEN $4 ELSE capacity END
          WHERE name = $1",
    )
    .bind(name)
    .bind(draining)
    .bind(capacity.is_some())
    .bind(capacity.flatten())
    .execute(master)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forget a server that holds nothing of this master's.
pub async fn delete(master: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rsm.servers WHERE name = $1")
        .bind(name)
        .execute(master)
        .await
        .map(|_| ())
}

/// What this master recorded on one server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tenants: i64,
    pub templates: i64,
    /// Spares of the warm pool, ready to be taken.
    pub spares: i64,
}

/// What this master recorded on each server, by server name (the default's
/// under [`DEFAULT_SERVER`]).
pub async fn counts(master: &mut PgConnection) -> Result<BTreeMap<String, Counts>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT coalesce(server, 'default'),
                count(*) FILTER (WHERE kind = 'tenant'),
                count(*) FILTER (WHERE kind = 'template'),
                count(*) FILTER (WHERE kind = 'spare' AND state = 'ready')
           FROM rsm.databases GROUP BY 1",
    )
    .fetch_all(master)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(s, tenants, templates, spares)| {
            (
                s,
                Counts {
                    tenants,
                    templates,
                    spares,
                },
            )
        })
        .collect())
}

/// The databases this master recorded on `name`, with their kind (a
/// tenant's other copy, during a move, among them).
pub async fn databases_on(
    master: &mut PgConnection,
    name: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, kind FROM rsm.databases
          WHERE coalesce(server, 'default') = $1 OR copy_on = $1 ORDER BY name",
    )
    .bind(name)
    .fetch_all(master)
    .await
}
