//! A plan checked against the data it would meet, read-only: for each
//! data-dependent step, how many rows are in its way and one of them; for
//! each destructive step, what it would destroy.

use schema_model::plan::{Plan, CHECK_FUNCTIONS};
use sqlx::{Executor, PgConnection};

use crate::RunnerError;

/// A plan and what the database's data says of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Assessed {
    pub plan: Plan,
    /// Data-dependent steps the data would make fail.
    pub blocked: Vec<Blocked>,
    /// What each destructive step would destroy.
    pub at_stake: Vec<AtStake>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Blocked {
    /// 1-based, as the plan prints its steps.
    pub step: usize,
    pub table: Option<String>,
    pub column: Option<String>,
    pub rows: i64,
    /// One of those rows, as text.
    pub example: Option<String>,
    pub what: String,
    pub fix: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AtStake {
    pub step: usize,
    pub table: Option<String>,
    pub column: Option<String>,
    pub count: i64,
    pub what: String,
}

impl Assessed {
    /// `table.column: 3 rows where ... (one: ...); fix` for each blocked step.
    pub(crate) fn blocked_lines(&self) -> Vec<String> {
        self.blocked
            .iter()
            .map(|b| {
                format!(
                    "step {}: {} {}{}; {}",
                    b.step,
                    b.rows,
                    b.what,
                    b.example
                        .as_ref()
                        .map_or(String::new(), |e| format!(" (one: {e})")),
                    b.fix
                )
            })
            .collect()
    }
}

/// At most 160 characters of an example row, for messages.
fn shorten(value: &str) -> String {
    match value.char_indices().nth(160) {
        Some((at, _)) => format!("{}… ({} characters)", &value[..at], value.chars().count()),
        None => value.to_owned(),
    }
}

/// Run the plan's checks and stake counts on `conn` (the database the plan
/// starts from). Reads only: the one object it makes is a session function
/// in `pg_temp`, gone with the connection.
pub async fn assess(
    conn: &mut PgConnection,
    database: &str,
    plan: Plan,
) -> Result<Assessed, RunnerError> {
    let failed = |e| RunnerError::db("checking the data", database, e);
    if plan.steps.iter().any(|s| {
        s.check
            .as_ref()
            .is_some_and(|c| c.count_sql.contains("pg_temp."))
    }) {
        conn.execute(CHECK_FUNCTIONS).await.map_err(failed)?;
    }
    let mut blocked = Vec::new();
    let mut at_stake = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        for check in step.check.iter().chain(&step.dependents) {
            let rows: i64 = sqlx::query_scalar(&check.count_sql)
                .fetch_one(&mut *conn)
                .await
                .map_err(failed)?;
            if rows > 0 {
                let example: Option<String> = sqlx::query_scalar(&check.example_sql)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(failed)?;
                let example = example.map(|e| shorten(&e));
                blocked.push(Blocked {
                    step: i + 1,
                    table: step.table.clone(),
                    column: step.column.clone(),
                    rows,
                    example,
                    what: check.what.clone(),
                    fix: check.fix.clone(),
                });
            }
        }
        if let Some(stake) = &step.stake {
            let count: i64 = sqlx::query_scalar(&stake.count_sql)
                .fetch_one(&mut *conn)
                .await
                .map_err(failed)?;
            at_stake.push(AtStake {
                step: i + 1,
                table: step.table.clone(),
                column: step.column.clone(),
                count,
                what: stake.what.clone(),
            });
        }
    }
    Ok(Assessed {
        plan,
        blocked,
        at_stake,
    })
}
