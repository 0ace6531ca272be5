//! `runner diff`: the plan for one database against the declared schema, or
//! the plan that brings one live database to another (as migra does: a SQL
//! script `psql -1` runs in one transaction). Both change nothing.

use schema_core::DbKind;
use schema_model::introspect::introspect;
use schema_model::plan::{plan, PlanOptions};
use sqlx::Connection;

use super::assess::{assess, Assessed};
use crate::target::{connect_url, Target};
use crate::tenant::{self, State};
use crate::RunnerError;

/// Which database of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    Master,
    Tenant(String),
}

/// A plan between two live databases.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Between {
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub assessed: Assessed,
}

/// The plan that brings the database `from_url` names to exactly the one
/// `to_url` names, assessed against `from`'s data.
pub async fn between(from_url: &str, to_url: &str) -> Result<Between, RunnerError> {
    let (mut from, from_label) = connect_url(from_url).await?;
    let (mut to, to_label) = connect_url(to_url).await?;
    let target = introspect(&mut to, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", &to_label, e))?;
    to.close().await.ok();
    let actual = introspect(&mut from, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", &from_label, e))?;
    let options = PlanOptions {
        exact: true,
        ..PlanOptions::default()
    };
    let assessed = assess(&mut from, &from_label, plan(&actual, &target, &options)).await?;
    from.close().await.ok();
    Ok(Between {
        from: from_label,
        to: to_label,
        assessed,
    })
}

/// A plan for one database of the fleet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ForDatabase {
    pub database: String,
    pub fingerprint: String,
    #[serde(flatten)]
    pub assessed: Assessed,
}

/// The plan that brings one database of the fleet to the declared schema,
/// with these options, assessed against its data.
pub async fn for_database(
    target: &Target,
    which: &Which,
    options: &PlanOptions,
) -> Result<ForDatabase, RunnerError> {
    let (database, db) = match which {
        Which::Master => (target.master_db.clone(), DbKind::Master),
        Which::Tenant(name) => {
            let info = tenant::find(target, name).await?;
            if matches!(
                info.state,
                State::Dangling | State::Unregistered | State::Creating | State::Orphan
            ) {
                return Err(RunnerError::InvalidInput(format!(
                    "tenant `{name}` is {}: there is no registered database to diff",
                    info.state
                )));
            }
            (name.clone(), DbKind::Tenant)
        }
    };
    let mut conn = target.connect(&database).await?;
    let actual = introspect(&mut conn, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", &database, e))?;
    let planned = plan(&actual, target.declared.schema(db), options);
    let assessed = assess(&mut conn, &database, planned).await?;
    conn.close().await.ok();
    Ok(ForDatabase {
        database,
        fingerprint: schema_model::fingerprint::fingerprint(&actual),
        assessed,
    })
}
