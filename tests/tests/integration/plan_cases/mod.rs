//! Plan cases of our own: an old schema and a new one (DDL, with rows in the
//! old), the most costly class the plan from old to new must have, and a
//! query that must hold once the plan ran. Each case builds both databases,
//! asks `runner diff --from --to` for the plan, runs its script in one
//! transaction in a session whose time zone is not UTC (no step may depend on
//! it), and asks again: the plan must then be empty, nothing kept.
//! One file per kind of object.

mod behaviours;
mod columns;
mod indexes;
mod keys;
mod refusals;
mod tables;

use runner::migrate::diff::between;
use schema_model::plan::Class;
use sqlx::Executor;
use tests::fresh_database;

pub struct Case {
    pub name: &'static str,
    /// DDL and rows of the database the plan starts from.
    pub old: &'static str,
    /// DDL of the database it must reach.
    pub new: &'static str,
    /// The plan's most costly class (`None`: nothing to do).
    pub class: Option<Class>,
    /// A boolean query on the migrated database (values kept, sequences
    /// right); empty for none.
    pub after: &'static str,
}

pub async fn run(cases: &[Case]) {
    for case in cases {
        let from = fresh_database().await;
        let to = fresh_database().await;
        let name = case.name;
        sqlx::raw_sql(case.old)
            .execute(&from.pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: old: {e}"));
        sqlx::raw_sql(case.new)
            .execute(&to.pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: new: {e}"));
        let planned = between(&from.url, &to.url)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let plan = &planned.assessed.plan;
        let script = plan.sql_script();
        assert_eq!(plan.class(), case.class, "{name}:\n{script}");
        assert!(
            planned.assessed.blocked.is_empty(),
            "{name}: blocked {:?}\n{script}",
            planned.assessed.blocked
        );
        let statements: Vec<&str> = plan.statements().collect();
        let mut conn = from.connect().await;
        conn.execute("SET TimeZone = 'Pacific/Auckland'")
            .await
            .unwrap();
        sqlx::raw_sql(&format!("BEGIN;\n{}\nCOMMIT;", statements.join("\n")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{name}: the printed plan does not apply: {e}\n{script}"));
        let again = between(&from.url, &to.url).await.unwrap();
        assert!(
            again.assessed.plan.steps.is_empty() && again.assessed.plan.kept.is_empty(),
            "{name}: did not converge; still:\n{}\nafter:\n{script}",
            again.assessed.plan.sql_script()
        );
        if !case.after.is_empty() {
            let holds: bool = sqlx::query_scalar(case.after)
                .fetch_one(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(holds, "{name}: `{}` after\n{script}", case.after);
        }
    }
}
