//! An ordered plan of steps from a [`diff`](crate::diff): each with its SQL,
//! its class and a one-line reason.
//!
//! * **safe**: no data can be lost or refused (add a nullable column, rename,
//!   widen a type, drop a NOT NULL, set a default, add an index);
//! * **data-dependent**: fails on some data (SET NOT NULL over NULLs, a unique
//!   key over duplicates, a foreign key over orphans, a narrowing type over
//!   values that do not fit, a NOT NULL column without default added to a
//!   non-empty table). Each carries a read-only [`DataCheck`] that counts the
//!   rows in the way and shows one, written against the database as it is
//!   now, so it runs before anything changes; a declared `backfill` gives
//!   existing rows their value instead;
//! * **destructive**: loses data (drop a table or column, a lossy type
//!   change, drop a sequence). Each carries a [`Stake`] query (rows, non-null
//!   values); applying one needs `--allow-destructive`.
//!
//! Order: by [`Phase`] — renames; drops of foreign keys, then of other
//! constraints and indexes that change or go; new tables; new columns;
//! column changes; new keys, checks and indexes; new foreign keys (their
//! targets exist by then); behaviours; drops of columns, then of tables.
//! Undeclared things are kept and listed unless the options remove them.
//!
//! One file per kind of object: `tables`, `columns`, `types` (conversions),
//! `keys` (keys, foreign keys, checks, indexes), `behaviours` (deferral,
//! validation, triggers, rules, row security, exclusion constraints),
//! `extras` (what is not declared), and `checks` (the read-only queries that
//! count what stands in a step's way).

mod behaviours;
mod checks;
mod columns;
mod extras;
mod keys;
mod tables;
mod types;

use std::collections::BTreeMap;
use std::fmt::Write;

use schema_core::ident::quote;
use serde::Serialize;

use crate::ddl::relation;
use crate::diff::{diff, Change, Extra};
use crate::model::Schema;

/// When a step runs: steps are ordered by phase, then as the diff lists them.
/// Renames first (so that later steps name things as the target does),
/// drops of what changes shape before anything takes its name, tables before
/// their columns, columns before the keys over them, foreign keys once every
/// key they reference exists, and the drops that lose data last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    RenameTable,
    RenameColumn,
    RenameConstraint,
    /// Foreign keys, and behaviours (triggers, rules, policies) that go.
    DropForeignKey,
    /// Other constraints and indexes that go or change shape.
    DropConstraint,
    CreateTable,
    AddColumn,
    /// Types, defaults, NOT NULL, serial, identity, collation, persistence.
    AlterColumn,
    /// Keys, checks, indexes, validations.
    AddKey,
    AddForeignKey,
    /// Behaviours the target has (`diff --from --to`), once the table is whole.
    AddBehaviour,
    DropColumn,
    DropTable,
}

/// How much a step can cost the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Safe,
    DataDependent,
    Destructive,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Safe => "safe",
            Class::DataDependent => "data-dependent",
            Class::Destructive => "destructive",
        }
    }
}

/// What the plan may do with what the database has and the schema does not declare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Drop undeclared columns and tables (destructive).
    pub allow_destructive: bool,
    /// Drop undeclared indexes, checks and constraints.
    pub prune: bool,
    /// Bring the database to exactly the target: every undeclared thing goes
    /// (`runner diff --from --to`, as migra does).
    pub exact: bool,
}

/// A read-only query counting the rows that would make a step fail, and one
/// of them; run against the database as it is before the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataCheck {
    /// `SELECT count(*) ...`: 0 means the step will pass.
    pub count_sql: String,
    /// One offending row, as text.
    pub example_sql: String,
    /// What the counted rows are: "rows where sessions.client_id is NULL".
    pub what: String,
    /// How to get past it.
    pub fix: String,
}

/// What a destructive step destroys, counted before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stake {
    pub count_sql: String,
    /// "rows", "non-null values".
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub class: Class,
    /// One line: what the step does and why it is in its class.
    pub reason: String,
    pub table: Option<String>,
    pub column: Option<String>,
    pub sql: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<DataCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stake: Option<Stake>,
    /// Objects outside the plan that stand in its way (views reading what
    /// the step rewrites or drops, foreign keys of other schemas pointing at
    /// a table it drops): PostgreSQL refuses the step while they exist, and
    /// the plan does not drop and make them again; counted before anything
    /// runs, like a data check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<DataCheck>,
    #[serde(skip)]
    phase: Phase,
}

/// Something undeclared that this plan keeps, and what would remove it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    #[serde(flatten)]
    pub extra: Extra,
    pub removed_by: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub kept: Vec<Kept>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// What the plan keeps that changes what statements do (a trigger, a
    /// rule, row level security, a second foreign key): the database is
    /// drifted while it stays. One line each, with what removes it.
    pub fn kept_behaviour(&self) -> Vec<String> {
        self.kept
            .iter()
            .filter(|k| k.extra.changes_behaviour())
            .map(|k| format!("{} ({} removes it)", describe(&k.extra), k.removed_by))
            .collect()
    }

    /// The most costly class among the steps.
    pub fn class(&self) -> Option<Class> {
        self.steps.iter().map(|s| s.class).max()
    }

    /// Every statement, in order.
    pub fn statements(&self) -> impl Iterator<Item = &str> {
        self.steps
            .iter()
            .flat_map(|s| s.sql.iter().map(String::as_str))
    }

    /// A script `psql -1 -v ON_ERROR_STOP=1 -f` runs in one transaction: each
    /// step under a comment with its class and reason.
    pub fn sql_script(&self) -> String {
        let mut out = String::new();
        let count = |c: Class| self.steps.iter().filter(|s| s.class == c).count();
        let classes: Vec<String> = [Class::Safe, Class::DataDependent, Class::Destructive]
            .into_iter()
            .filter(|c| count(*c) > 0)
            .map(|c| format!("{} {}", count(c), c.as_str()))
            .collect();
        if self.steps.is_empty() {
            writeln!(out, "-- no step: nothing to run").unwrap();
        } else {
            writeln!(
                out,
                "-- {} step{}: {}.\n-- Run it in one transaction: psql -1 -v ON_ERROR_STOP=1 -f <this file>",
                self.steps.len(),
                if self.steps.len() == 1 { "" } else { "s" },
                classes.join(", ")
            )
            .unwrap();
        }
        for (i, step) in self.steps.iter().enumerate() {
            writeln!(
                out,
                "\n-- {}. [{}] {}",
                i + 1,
                step.class.as_str(),
                step.reason
            )
            .unwrap();
            for sql in &step.sql {
                writeln!(out, "{sql}").unwrap();
            }
        }
        for kept in &self.kept {
            writeln!(
                out,
                "\n-- kept: {} (removed by {})",
                describe(&kept.extra),
                kept.removed_by
            )
            .unwrap();
        }
        out
    }
}

/// A line for an undeclared thing.
pub fn describe(extra: &Extra) -> String {
    match extra {
        Extra::Table { table, .. } => format!("table {table} is not declared"),
        Extra::Column { table, column } => format!("column {table}.{column} is not declared"),
        Extra::Constraint {
            table,
            name,
            describe,
            ..
        } => format!("constraint {name} on {table} is not declared: {describe}"),
        Extra::Index {
            table,
            name,
            describe,
        } => format!("index {name} on {table} is not declared: {describe}"),
        Extra::Behaviour { table, behaviour } => format!(
            "{} {} on {table} is not declared: {}",
            behaviour.kind.as_str(),
            behaviour.name,
            behaviour.definition
        ),
    }
}

/// The plan that brings `actual` to `target`.
pub fn plan(actual: &Schema, target: &Schema, options: &PlanOptions) -> Plan {
    let changes = diff(actual, target);
    let names = Names::new(actual, &changes);
    let mut plan = Plan::default();
    for change in &changes {
        steps_for(change, actual, &names, options, &mut plan);
    }
    // Foreign keys of new tables, once every table exists.
    for change in &changes {
        if let Change::CreateTable { table } = change {
            for fk in &table.foreign_keys {
                plan.steps
                    .push(keys::foreign_key_of_new_table(&table.name, fk));
            }
        }
    }
    plan.steps.sort_by_key(|s| s.phase);
    plan
}

/// The database's current names of what the target names: to write checks
/// that run before the renames.
struct Names {
    /// Target table name → actual table name (tables that exist).
    tables: BTreeMap<String, String>,
    /// (target table, target column) → actual column name (columns that exist).
    columns: BTreeMap<(String, String), String>,
    /// Target tables whose columns this plan adds, renames or retypes: an
    /// expression over them (a check) cannot be tested on the data as it is.
    reshaped: std::collections::BTreeSet<String>,
}

impl Names {
    fn new(actual: &Schema, changes: &[Change]) -> Names {
        let mut tables: BTreeMap<String, String> = actual
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.name.clone()))
            .collect();
        for c in changes {
            if let Change::RenameTable { from, to, .. } = c {
                tables.remove(from);
                tables.insert(to.clone(), from.clone());
            }
        }
        let mut columns = BTreeMap::new();
        for (target_name, actual_name) in &tables {
            if let Some(t) = actual.table(actual_name) {
                for col in &t.columns {
                    columns.insert((target_name.clone(), col.name.clone()), col.name.clone());
                }
            }
        }
        let mut reshaped = std::collections::BTreeSet::new();
        for c in changes {
            match c {
                Change::RenameColumn {
                    table, from, to, ..
                } => {
                    columns.remove(&(table.clone(), from.clone()));
                    columns.insert((table.clone(), to.clone()), from.clone());
                    reshaped.insert(table.clone());
                }
                Change::AddColumn { table, .. } | Change::AlterType { table, .. } => {
                    reshaped.insert(table.clone());
                }
                _ => {}
            }
        }
        Names {
            tables,
            columns,
            reshaped,
        }
    }

    /// The database's names (unquoted) of a target table and column; the
    /// target's where the database has none.
    fn actual(&self, table: &str, column: &str) -> (String, String) {
        let t = self.tables.get(table).map_or(table, String::as_str);
        let c = self
            .columns
            .get(&(table.to_owned(), column.to_owned()))
            .map_or(column, String::as_str);
        (t.to_owned(), c.to_owned())
    }

    fn table(&self, table: &str) -> Option<String> {
        self.tables.get(table).map(|t| relation(t))
    }

    /// The actual names of these target columns, quoted; `None` if one is new.
    fn columns(&self, table: &str, columns: &[String]) -> Option<Vec<String>> {
        columns
            .iter()
            .map(|c| {
                self.columns
                    .get(&(table.to_owned(), c.clone()))
                    .map(|a| quote(a).into_owned())
            })
            .collect()
    }
}

fn step(phase: Phase, class: Class, reason: String, table: &str, sql: Vec<String>) -> Step {
    Step {
        class,
        reason,
        table: Some(table.to_owned()),
        column: None,
        sql,
        check: None,
        stake: None,
        dependents: Vec::new(),
        phase,
    }
}

/// A step on one column of a table.
fn column_step(
    phase: Phase,
    class: Class,
    reason: String,
    table: &str,
    column: &str,
    sql: Vec<String>,
) -> Step {
    Step {
        column: Some(column.to_owned()),
        ..step(phase, class, reason, table, sql)
    }
}

fn alter(table: &str) -> String {
    format!("ALTER TABLE {}", relation(table))
}

fn alter_column(table: &str, column: &str) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        relation(table),
        quote(column)
    )
}

/// The step (or steps) of one change; the plan orders them by phase.
fn steps_for(
    change: &Change,
    actual: &Schema,
    names: &Names,
    options: &PlanOptions,
    plan: &mut Plan,
) {
    let step = match change {
        Change::CreateTable { table } => tables::create_table(table),
        Change::RenameTable { from, to, by_shape } => tables::rename_table(from, to, *by_shape),
        Change::RenameColumn {
            table,
            from,
            to,
            by_shape,
        } => columns::rename_column(table, from, to, *by_shape),
        Change::RenameConstraint { table, from, to } => keys::rename_constraint(table, from, to),
        Change::RenameIndex { from, to } => keys::rename_index(from, to),
        Change::AddColumn {
            table,
            actual_table,
            column,
        } => columns::add_column(table, actual_table, column),
        Change::AlterType {
            table,
            actual_table,
            column,
            actual_column,
            from,
            to,
            default,
        } => types::alter_type(
            table,
            actual_table,
            column,
            actual_column,
            from,
            to,
            default.as_ref(),
        ),
        Change::SetSerial {
            table,
            column,
            data_type,
            serial,
            existing_sequence,
        } => columns::set_serial(
            table,
            column,
            data_type,
            *serial,
            existing_sequence.as_deref(),
        ),
        Change::SetCollation {
            table,
            column,
            data_type,
            collation,
        } => columns::set_collation(names, table, column, data_type, collation.as_deref()),
        Change::SetIdentity {
            table,
            column,
            from,
            to,
            was_serial,
            to_serial,
        } => columns::set_identity(table, column, *from, *to, *was_serial, *to_serial),
        Change::SetGenerated {
            table,
            column,
            actual_table,
            from,
            to,
        } => columns::set_generated(names, table, actual_table, column, from.as_deref(), to),
        Change::SetLogged { table, logged } => columns::set_logged(table, *logged),
        Change::SetNotNull {
            table,
            actual_table,
            column,
            actual_column,
            backfill,
        } => columns::set_not_null(
            table,
            actual_table,
            column,
            actual_column,
            backfill.as_deref(),
        ),
        Change::DropNotNull {
            table,
            column,
            undeclared,
        } => columns::drop_not_null(table, column, *undeclared),
        Change::SetDefault {
            table,
            column,
            default,
        } => columns::set_default(table, column, default),
        Change::DropDefault { table, column } => columns::drop_default(table, column),
        Change::AddPrimaryKey {
            table,
            actual_table,
            key,
        } => keys::add_key(names, table, actual_table.is_some(), key, true),
        Change::AddUnique {
            table,
            actual_table,
            key,
        } => keys::add_key(names, table, actual_table.is_some(), key, false),
        Change::AddIndex {
            table,
            actual_table,
            index,
        } => keys::add_index(names, table, actual_table.is_some(), index),
        Change::AddCheck {
            table,
            actual_table,
            check,
        } => keys::add_check(names, table, actual_table.as_deref(), check),
        Change::AddForeignKey {
            table,
            actual_table,
            foreign_key,
        } => keys::add_foreign_key(names, table, actual_table.as_deref(), foreign_key),
        Change::DropConstraint { table, name } => keys::drop_constraint(actual, names, table, name),
        Change::DropIndex { name } => keys::drop_index(name),
        Change::SetDeferral {
            table,
            name,
            deferral,
        } => behaviours::set_deferral(table, name, *deferral),
        Change::ValidateConstraint {
            table,
            actual_table,
            name,
            foreign_key,
            check,
        } => behaviours::validate(
            names,
            table,
            actual_table,
            name,
            foreign_key.as_ref(),
            check.as_ref(),
        ),
        Change::AddBehaviour { table, behaviour } => behaviours::add(table, behaviour),
        Change::Extra(extra) => return extras::extra_steps(extra, names, options, plan),
    };
    plan.steps.push(step);
}

/// The session function the checks of parsing conversions call: whether a
/// value fails to convert. Temporary (`pg_temp`): it changes nothing.
pub use types::CHECK_FUNCTIONS;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnDefault, Index, Key, Table};
    use schema_core::SqlType;

    fn col(name: &str, ty: SqlType, nullable: bool) -> Column {
        Column::new(name, ty, nullable)
    }

    fn table(name: &str, columns: Vec<Column>) -> Table {
        let mut t = Table::new(name);
        let mut id = col("id", SqlType::Integer, false);
        id.serial = true;
        t.columns = std::iter::once(id).chain(columns).collect();
        t.primary_key = Some(Key::new(format!("{name}_pkey"), vec!["id".into()]));
        t
    }

    fn one(t: Table) -> Schema {
        Schema { tables: vec![t] }
    }

    fn classes(p: &Plan) -> Vec<Class> {
        p.steps.iter().map(|s| s.class).collect()
    }

    #[test]
    fn additive_steps_are_safe_and_new_tables_come_in_dependency_order() {
        let actual = one(table("clients", vec![]));
        let mut sessions = table("sessions", vec![col("client_id", SqlType::Integer, false)]);
        sessions.foreign_keys.push(crate::model::ForeignKey {
            name: "sessions_client_id_clients_id_fk".into(),
            columns: vec!["client_id".into()],
            ref_table: "clients".into(),
            ref_columns: vec!["id".into()],
            on_delete: schema_core::FkAction::Cascade,
            on_update: schema_core::FkAction::NoAction,
            deferral: crate::model::Deferral::Immediate,
            valid: true,
            enforced: true,
        });
        let mut clients = table("clients", vec![col("nickname", SqlType::Text, true)]);
        clients.indexes.push(Index::new(
            "clients_nickname_idx",
            vec!["nickname".into()],
            false,
        ));
        let target = Schema {
            tables: vec![sessions, clients],
        };
        let p = plan(&actual, &target, &PlanOptions::default());
        assert_eq!(classes(&p), vec![Class::Safe; 4], "{}", p.sql_script());
        let script = p.sql_script();
        let at = |s: &str| script.find(s).unwrap_or_else(|| panic!("{s} in {script}"));
        assert!(at("CREATE TABLE public.sessions") < at("ADD CONSTRAINT sessions_client_id"));
        assert!(at("ADD COLUMN nickname") < at("CREATE INDEX clients_nickname_idx"));
    }

    #[test]
    fn data_dependent_steps_carry_a_check_and_a_backfill_replaces_it() {
        let actual = one(table(
            "t",
            vec![
                col("c", SqlType::Text, true),
                col("n", SqlType::BigInt, true),
            ],
        ));
        let mut target = one(table(
            "t",
            vec![
                col("c", SqlType::Text, false),
                col("n", SqlType::Integer, true),
                col("required", SqlType::Text, false),
            ],
        ));
        let p = plan(&actual, &target, &PlanOptions::default());
        assert_eq!(
            classes(&p),
            vec![Class::DataDependent; 3],
            "{}",
            p.sql_script()
        );
        let checks: Vec<&str> = p
            .steps
            .iter()
            .map(|s| s.check.as_ref().unwrap().count_sql.as_str())
            .collect();
        assert!(
            checks.contains(&"SELECT count(*) FROM public.t WHERE c IS NULL"),
            "{checks:?}"
        );
        assert!(
            checks.contains(
                &"SELECT count(*) FROM public.t WHERE n NOT BETWEEN -2147483648 AND 2147483647"
            ),
            "{checks:?}"
        );
        assert!(
            checks.contains(&"SELECT count(*) FROM public.t"),
            "{checks:?}"
        );

        target.tables[0].columns[1].backfill = Some("'unknown'".into());
        target.tables[0].columns[3].backfill = Some("'x'".into());
        let p = plan(&actual, &target, &PlanOptions::default());
        let with_backfill: Vec<&Step> = p.steps.iter().filter(|s| s.check.is_none()).collect();
        assert_eq!(with_backfill.len(), 2, "{}", p.sql_script());
        assert!(p
            .sql_script()
            .contains("UPDATE public.t SET c = ('unknown') WHERE c IS NULL;"));
        assert!(p
            .sql_script()
            .contains("UPDATE public.t SET required = ('x');"));
    }

    #[test]
    fn destructive_steps_need_the_flag_and_show_what_is_at_stake() {
        let actual = Schema {
            tables: vec![
                table(
                    "t",
                    vec![
                        col("gone", SqlType::Text, true),
                        col("amount", SqlType::Numeric(Some((10, 4))), true),
                    ],
                ),
                table("old", vec![]),
            ],
        };
        let target = one(table(
            "t",
            vec![col("amount", SqlType::Numeric(Some((10, 2))), true)],
        ));
        let p = plan(&actual, &target, &PlanOptions::default());
        assert_eq!(classes(&p), vec![Class::Destructive], "{}", p.sql_script());
        assert_eq!(
            p.steps[0].stake.as_ref().unwrap().count_sql,
            "SELECT count(*) FROM public.t WHERE round(amount, 2) <> amount"
        );
        assert_eq!(p.kept.len(), 2, "the column and the table are kept");
        let p = plan(
            &actual,
            &target,
            &PlanOptions {
                allow_destructive: true,
                ..PlanOptions::default()
            },
        );
        assert_eq!(classes(&p), vec![Class::Destructive; 3]);
        assert!(p.kept.is_empty());
        let script = p.sql_script();
        assert!(
            script.contains("ALTER TABLE public.t DROP COLUMN gone;"),
            "{script}"
        );
        assert!(script.contains("DROP TABLE public.old;"), "{script}");
        assert!(script.find("DROP COLUMN").unwrap() < script.find("DROP TABLE").unwrap());
    }

    #[test]
    fn widening_needs_no_check_and_varchar_narrowing_never_truncates() {
        let actual = one(table(
            "t",
            vec![
                col("v", SqlType::Varchar(Some(10)), true),
                col("i", SqlType::Integer, true),
            ],
        ));
        let target = one(table(
            "t",
            vec![
                col("v", SqlType::Varchar(Some(20)), true),
                col("i", SqlType::BigInt, true),
            ],
        ));
        let p = plan(&actual, &target, &PlanOptions::default());
        assert_eq!(classes(&p), vec![Class::Safe; 2]);
        let narrow = one(table(
            "t",
            vec![
                col("v", SqlType::Varchar(Some(5)), true),
                col("i", SqlType::Integer, true),
            ],
        ));
        let p = plan(&actual, &narrow, &PlanOptions::default());
        assert_eq!(
            p.steps[0].sql,
            vec!["ALTER TABLE public.t ALTER COLUMN v TYPE character varying(5);"]
        );
        assert_eq!(
            p.steps[0].check.as_ref().unwrap().count_sql,
            "SELECT count(*) FROM public.t WHERE length(v) > 5"
        );
    }

    #[test]
    fn undeclared_things_are_kept_unless_pruned_and_a_type_change_moves_the_default() {
        let mut a = table("t", vec![col("c", SqlType::Text, true)]);
        a.columns[1].default = Some(ColumnDefault::printed("'0'::text"));
        a.indexes
            .push(Index::new("t_c_idx", vec!["c".into()], false));
        let mut t = table("t", vec![col("c", SqlType::Integer, true)]);
        t.columns[1].default = Some(ColumnDefault {
            sql: "0".into(),
            printed: "0".into(),
        });
        let p = plan(&one(a.clone()), &one(t.clone()), &PlanOptions::default());
        assert_eq!(p.kept.len(), 1);
        assert_eq!(
            p.statements().collect::<Vec<_>>(),
            vec![
                "ALTER TABLE public.t ALTER COLUMN c DROP DEFAULT;",
                "ALTER TABLE public.t ALTER COLUMN c TYPE integer USING c::integer;",
                "ALTER TABLE public.t ALTER COLUMN c SET DEFAULT 0;",
            ]
        );
        let p = plan(
            &one(a),
            &one(t),
            &PlanOptions {
                prune: true,
                ..PlanOptions::default()
            },
        );
        assert_eq!(p.statements().next(), Some("DROP INDEX public.t_c_idx;"));
    }
}
