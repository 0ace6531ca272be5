//! `runner diff`: the plan for one database against the declared schema, or
//! the plan that brings one live database to another (as migra does: a SQL
//! script `psql -1` runs in one transaction). Both change nothing.

use schema_core::DbKind;
use schema_model::introspect::{introspect, unmodeled, Unmodeled};
use schema_model::plan::{plan, PlanOptions};
use sqlx::Connection;

use super::assess::{assess, Assessed};
use crate::server::{connect_url, Located};
use crate::target::Target;
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
    pub from: Located,
    pub to: Located,
    #[serde(flatten)]
    pub assessed: Assessed,
}

/// The plan that brings the database `from_url` names to exactly the one
/// `to_url` names, assessed against `from`'s data.
pub async fn between(from_url: &str, to_url: &str) -> Result<Between, RunnerError> {
    let (mut from, from_at) = connect_url(from_url).await?;
    let (mut to, to_at) = connect_url(to_url).await?;
    let (from_label, to_label) = (from_at.database.clone(), to_at.database.clone());
    let target = introspect(&mut to, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", &to_label, e))?;
    let actual = introspect(&mut from, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", &from_label, e))?;
    let options = PlanOptions {
        exact: true,
        ..PlanOptions::default()
    };
    let planned = plan(&actual, &target, &options);
    let read = |label: &str| {
        let label = label.to_owned();
        move |e| RunnerError::db("reading types, partitions and views", &label, e)
    };
    let theirs = unmodeled(&mut to, "public")
        .await
        .map_err(read(&to_label))?;
    to.close().await.ok();
    let ours = unmodeled(&mut from, "public")
        .await
        .map_err(read(&from_label))?;
    let what = cannot_plan(&ours, &theirs);
    if !what.is_empty() {
        return Err(RunnerError::CannotPlan {
            from: from_at.to_string(),
            to: to_at.to_string(),
            what,
        });
    }
    let assessed = assess(&mut from, &from_label, planned).await?;
    from.close().await.ok();
    Ok(Between {
        from: from_at,
        to: to_at,
        assessed,
    })
}

/// What differs between the two databases outside the model: each a line,
/// nothing when the plan can be trusted. (A view that reads what a step
/// rewrites blocks that step, as data would: see `Step::views`.)
fn cannot_plan(from: &Unmodeled, to: &Unmodeled) -> Vec<String> {
    let mut out = Vec::new();
    for (name, def) in &to.types {
        match from.types.iter().find(|(n, _)| n == name) {
            Some((_, d)) if d == def => {}
            Some((_, d)) => out.push(format!("type `{name}` is {d} here, {def} in the target")),
            None => out.push(format!("type `{name}` ({def}) is only in the target")),
        }
    }
    for (name, def) in &from.types {
        if !to.types.iter().any(|(n, _)| n == name) {
            out.push(format!("type `{name}` ({def}) is not in the target"));
        }
    }
    let partitioned: std::collections::BTreeSet<&String> =
        from.partitioned.iter().chain(&to.partitioned).collect();
    out.extend(
        partitioned
            .into_iter()
            .map(|t| format!("`{t}` is partitioned (or a partition): partitions are not planned")),
    );
    for (name, def) in &to.views {
        if !from.views.iter().any(|(n, d)| n == name && d == def) {
            out.push(format!("view `{name}` differs or is only in the target"));
        }
    }
    for (name, _) in &from.views {
        if !to.views.iter().any(|(n, _)| n == name) {
            out.push(format!("view `{name}` is not in the target"));
        }
    }
    for key in to.cross_schema_keys.iter().chain(&from.cross_schema_keys) {
        out.push(format!("{key}: other schemas are not managed"));
    }
    for function in &to.trigger_functions {
        let source = |u: &Unmodeled| {
            u.functions
                .iter()
                .find(|(f, _)| f == function)
                .map(|(_, s)| s.clone())
        };
        match (source(from), source(to)) {
            (Some(ours), Some(theirs)) if ours == theirs => {}
            (Some(_), _) => out.push(format!(
                "function {function}, which a trigger runs, differs: functions are not planned"
            )),
            (None, _) => out.push(format!(
                "function {function}, which a trigger runs, is only in the target: functions are not planned"
            )),
        }
    }
    // Comments and grants to other roles: listed by status, not planned.
    for (mine, theirs, what) in [
        (&from.comments, &to.comments, "comments are not planned"),
        (&from.grants, &to.grants, "grants are not planned"),
    ] {
        for line in theirs.iter().filter(|l| !mine.contains(l)) {
            out.push(format!("{line} is only in the target: {what}"));
        }
        for line in mine.iter().filter(|l| !theirs.contains(l)) {
            out.push(format!("{line} is not in the target: {what}"));
        }
    }
    for seq in &to.loose_sequences {
        if !from.loose_sequences.contains(seq) {
            out.push(format!(
                "sequence `{seq}` (no column owns it) is only in the target"
            ));
        }
    }
    out
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
    let (database, db, server) = match which {
        Which::Master => (
            target.master_db.clone(),
            DbKind::Master,
            target.server.clone(),
        ),
        Which::Tenant(name) => {
            let (info, server) = tenant::find_on(target, name).await?;
            if matches!(
                info.state,
                State::Dangling
                    | State::Unregistered
                    | State::Creating
                    | State::Orphan
                    | State::Moving
            ) {
                return Err(RunnerError::InvalidInput(format!(
                    "tenant `{name}` is {}: there is no registered database to diff",
                    info.state
                )));
            }
            (name.clone(), DbKind::Tenant, server)
        }
    };
    let mut conn = server.connect(&database).await?;
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
