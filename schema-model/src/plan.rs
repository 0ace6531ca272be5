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
//! Order: renames; drops of foreign keys, then of other constraints and
//! indexes that change or go; new tables; new columns; column changes; new
//! keys, checks and indexes; new foreign keys (their targets exist by then);
//! drops of columns, then of tables. Undeclared things are kept and listed
//! unless the options remove them.

mod behaviours;
mod columns;

use std::collections::BTreeMap;
use std::fmt::Write;

use schema_core::ident::{quote, quote_literal};
use schema_core::SqlType;
use serde::Serialize;

use crate::ddl::{self, relation};
use crate::diff::{diff, Change, Extra};
use crate::model::{Check, Column, Schema};

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
    /// Views reading what the step rewrites or drops: PostgreSQL refuses the
    /// step while they exist, and the plan does not drop and make them
    /// again; counted before anything runs, like a data check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub views: Option<DataCheck>,
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
        writeln!(
            out,
            "-- {} steps: {} safe, {} data-dependent, {} destructive.\n-- Run it in one transaction: psql -1 -v ON_ERROR_STOP=1 -f <this file>",
            self.steps.len(),
            count(Class::Safe),
            count(Class::DataDependent),
            count(Class::Destructive)
        )
        .unwrap();
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
                plan.steps.push(Step {
                    class: Class::Safe,
                    reason: format!(
                        "foreign key {} of new table {} -> {}",
                        fk.name, table.name, fk.ref_table
                    ),
                    table: Some(table.name.clone()),
                    column: None,
                    sql: vec![ddl::add_foreign_key(&table.name, fk)],
                    check: None,
                    stake: None,
                    views: None,
                    phase: Phase::AddForeignKey,
                });
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
        views: None,
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

fn steps_for(
    change: &Change,
    actual: &Schema,
    names: &Names,
    options: &PlanOptions,
    plan: &mut Plan,
) {
    let steps = &mut plan.steps;
    match change {
        Change::CreateTable { table } => {
            let mut sql = vec![ddl::create_table(table, &[])];
            sql.extend(table.indexes.iter().map(|ix| ddl::create_index(&table.name, ix)));
            steps.push(step(
                Phase::CreateTable,
                Class::Safe,
                format!("create table {} ({} columns)", table.name, table.columns.len()),
                &table.name,
                sql,
            ));
        }
        Change::RenameTable { from, to, by_shape } => steps.push(step(
            Phase::RenameTable,
            Class::Safe,
            if *by_shape {
                format!("rename table {from} to {to} (renamed by hand: the only undeclared table with exactly its columns; the rows stay)")
            } else {
                format!("rename table {from} to {to} (declared renamed_from: the rows stay)")
            },
            to,
            vec![format!("ALTER TABLE {} RENAME TO {};", relation(from), quote(to))],
        )),
        Change::RenameColumn { table, from, to, by_shape } => {
            let why = if *by_shape { "renamed by hand: the only undeclared column of the missing one's type" } else { "declared renamed_from" };
            steps.push(column_step(Phase::RenameColumn, Class::Safe, format!("rename column {table}.{from} to {to} ({why}: the values stay)"), table, to, vec![format!("{} RENAME COLUMN {} TO {};", alter(table), quote(from), quote(to))]));
        }
        Change::RenameConstraint { table, from, to } => steps.push(step(
            Phase::RenameConstraint,
            Class::Safe,
            format!("rename constraint {from} on {table} to {to} (the same constraint under another name)"),
            table,
            vec![format!("{} RENAME CONSTRAINT {} TO {};", alter(table), quote(from), quote(to))],
        )),
        Change::RenameIndex { from, to } => steps.push(Step {
            table: None,
            ..step(
                Phase::RenameConstraint,
                Class::Safe,
                format!("rename index {from} to {to} (the same index under another name)"),
                "",
                vec![format!("ALTER INDEX {} RENAME TO {};", relation(from), quote(to))],
            )
        }),
        Change::AddColumn {
            table,
            actual_table,
            column,
        } => steps.push(add_column(table, actual_table, column)),
        Change::AlterType {
            table,
            actual_table,
            column,
            actual_column,
            from,
            to,
            default,
        } => {
            let conversion = conversion(from, to);
            let mut sql = Vec::new();
            if default.is_some() {
                sql.push(format!("{} DROP DEFAULT;", alter_column(table, column)));
            }
            let using = match &conversion {
                // An assignment cast refuses values that do not fit; an
                // explicit one (`USING c::varchar(5)`) would cut them silently.
                Conversion::Narrowing(_) if is_string(to) => String::new(),
                // No direct cast is known: through the value's text form, as
                // the check tests it.
                Conversion::Parse if !is_string(from) => {
                    format!(" USING {}::text::{to}", quote(column))
                }
                _ => format!(" USING {}", cast(from, to, &quote(column))),
            };
            sql.push(format!("{} TYPE {to}{using};", alter_column(table, column)));
            let (at, ac) = (relation(actual_table), quote(actual_column));
            let mut s = step(Phase::AlterColumn, Class::Safe, String::new(), table, sql);
            s.column = Some(column.clone());
            match conversion {
                Conversion::Widening => {
                    s.reason = format!("widen {table}.{column} from {from} to {to}: every value fits");
                }
                Conversion::Zoned => {
                    // Every value converts, but to what depends on a zone:
                    // the step names UTC instead of trusting the session's.
                    s.class = Class::DataDependent;
                    s.reason = format!("convert {table}.{column} from {from} to {to}, reading the values as UTC (the zone is written in the step, never the session's)");
                }
                Conversion::Narrowing(predicate) => {
                    let predicate = predicate.replace("{c}", &ac);
                    s.class = Class::DataDependent;
                    s.reason = format!("narrow {table}.{column} from {from} to {to}: every value must fit");
                    s.check = Some(DataCheck {
                        count_sql: format!("SELECT count(*) FROM {at} WHERE {predicate}"),
                        example_sql: format!("SELECT {ac}::text FROM {at} WHERE {predicate} LIMIT 1"),
                        what: format!("values of {table}.{column} that do not fit {to}"),
                        fix: "change or remove those values, or keep the wider type".into(),
                    });
                }
                Conversion::Parse => {
                    let predicate = format!("{ac} IS NOT NULL AND pg_temp.rsm_cast_fails({ac}::text, {})", quote_literal(&to.to_string()));
                    s.class = Class::DataDependent;
                    s.reason = format!("convert {table}.{column} from {from} to {to}: every value must convert");
                    s.check = Some(DataCheck {
                        count_sql: format!("SELECT count(*) FROM {at} WHERE {predicate}"),
                        example_sql: format!("SELECT {ac}::text FROM {at} WHERE {predicate} LIMIT 1"),
                        what: format!("values of {table}.{column} that do not convert to {to}"),
                        fix: "change or remove those values first".into(),
                    });
                }
                Conversion::Lossy(predicate) => {
                    let predicate = predicate.replace("{c}", &ac);
                    s.class = Class::Destructive;
                    s.reason = format!("convert {table}.{column} from {from} to {to}: values lose precision");
                    s.stake = Some(Stake {
                        count_sql: format!("SELECT count(*) FROM {at} WHERE {predicate}"),
                        what: format!("values of {table}.{column} that change"),
                    });
                }
            }
            s.views = Some(views_reading(actual_table, Some(actual_column)));
            steps.push(s);
        }
        Change::SetSerial {
            table,
            column,
            data_type,
            serial,
            existing_sequence,
        } => steps.push(columns::set_serial(
            table,
            column,
            data_type,
            *serial,
            existing_sequence.as_deref(),
        )),
        Change::SetCollation {
            table,
            column,
            data_type,
            collation,
        } => {
            let mut s = columns::set_collation(table, column, data_type, collation.as_deref());
            let (at, ac) = names.actual(table, column);
            s.views = Some(views_reading(&at, Some(&ac)));
            steps.push(s)
        }
        Change::SetIdentity {
            table,
            column,
            from,
            to,
            was_serial,
            to_serial,
        } => steps.push(columns::set_identity(
            table,
            column,
            *from,
            *to,
            *was_serial,
            *to_serial,
        )),
        Change::SetGenerated {
            table,
            column,
            actual_table,
            from,
            to,
        } => {
            let mut s = columns::set_generated(table, actual_table, column, from.as_deref(), to);
            if to.generated.is_some() {
                let (_, ac) = names.actual(table, column);
                s.views = Some(views_reading(actual_table, Some(&ac)));
            }
            steps.push(s)
        }
        Change::SetLogged { table, logged } => steps.push(columns::set_logged(table, *logged)),
        Change::SetDeferral {
            table,
            name,
            deferral,
        } => steps.push(behaviours::set_deferral(table, name, *deferral)),
        Change::ValidateConstraint {
            table,
            actual_table,
            name,
            foreign_key,
            check,
        } => steps.push(behaviours::validate(
            names,
            table,
            actual_table,
            name,
            foreign_key.as_ref(),
            check.as_ref(),
        )),
        Change::AddBehaviour { table, behaviour } => steps.push(behaviours::add(table, behaviour)),
        Change::SetNotNull {
            table,
            actual_table,
            column,
            actual_column,
            backfill,
        } => {
            let mut sql = Vec::new();
            let mut s = step(Phase::AlterColumn, Class::DataDependent, String::new(), table, Vec::new());
            s.column = Some(column.clone());
            match backfill {
                Some(expr) => {
                    sql.push(format!(
                        "UPDATE {} SET {c} = ({expr}) WHERE {c} IS NULL;",
                        relation(table),
                        c = quote(column)
                    ));
                    s.reason = format!("set NOT NULL on {table}.{column}: NULLs get the declared backfill `{expr}`");
                }
                None => {
                    let (at, ac) = (relation(actual_table), quote(actual_column));
                    s.reason = format!("set NOT NULL on {table}.{column}: no row may hold NULL");
                    s.check = Some(DataCheck {
                        count_sql: format!("SELECT count(*) FROM {at} WHERE {ac} IS NULL"),
                        example_sql: example(actual_table, &format!("{ac} IS NULL")),
                        what: format!("rows where {table}.{column} is NULL"),
                        fix: format!("fill them, or declare `backfill = sql(\"...\")` on {table}.{column}"),
                    });
                }
            }
            sql.push(format!("{} SET NOT NULL;", alter_column(table, column)));
            s.sql = sql;
            steps.push(s);
        }
        Change::DropNotNull {
            table,
            column,
            undeclared,
        } => {
            let reason = if *undeclared {
                format!("drop NOT NULL on undeclared {table}.{column}: it would make every insert of the declared code fail (its values stay)")
            } else {
                format!("drop NOT NULL on {table}.{column}")
            };
            let mut s = step(Phase::AlterColumn, Class::Safe, reason, table, vec![format!("{} DROP NOT NULL;", alter_column(table, column))]);
            s.column = Some(column.clone());
            steps.push(s);
        }
        Change::SetDefault {
            table,
            column,
            default,
        } => {
            steps.push(column_step(Phase::AlterColumn, Class::Safe, format!("set the default of {table}.{column} to {}", default.sql), table, column, vec![format!("{} SET DEFAULT {};", alter_column(table, column), default.sql)]));
        }
        Change::DropDefault { table, column } => {
            steps.push(column_step(Phase::AlterColumn, Class::Safe, format!("drop the default of {table}.{column}"), table, column, vec![format!("{} DROP DEFAULT;", alter_column(table, column))]));
        }
        Change::AddPrimaryKey {
            table,
            actual_table,
            key,
        } => steps.push(add_key(names, table, actual_table.is_some(), key, true)),
        Change::AddUnique {
            table,
            actual_table,
            key,
        } => steps.push(add_key(names, table, actual_table.is_some(), key, false)),
        Change::AddIndex {
            table,
            actual_table,
            index,
        } => {
            let mut s = step(
                Phase::AddKey,
                Class::Safe,
                format!(
                    "add {}index ({}) on {table}",
                    if index.unique { "unique " } else { "" },
                    index.columns.join(", ")
                ),
                table,
                vec![ddl::create_index(table, index)],
            );
            if index.unique && actual_table.is_some() {
                s.class = Class::DataDependent;
                s.reason.push_str(": no duplicate may exist");
                s.check = duplicates(names, table, &index.columns, false);
            }
            steps.push(s);
        }
        Change::AddCheck {
            table,
            actual_table,
            check,
        } => {
            let mut s = step(
                Phase::AddKey,
                Class::Safe,
                format!("add check {} on {table}", check.definition),
                table,
                vec![format!("{} ADD {};", alter(table), ddl::check_clause(check))],
            );
            if let Some(at) = actual_table {
                s.class = Class::DataDependent;
                s.reason.push_str(": every row must pass it");
                s.check = failing_rows(names, table, at, check);
            }
            steps.push(s);
        }
        Change::AddForeignKey {
            table,
            actual_table,
            foreign_key,
        } => {
            let mut s = step(
                Phase::AddForeignKey,
                Class::Safe,
                format!(
                    "add foreign key ({}) on {table} -> {} ({})",
                    foreign_key.columns.join(", "),
                    foreign_key.ref_table,
                    foreign_key.ref_columns.join(", ")
                ),
                table,
                vec![ddl::add_foreign_key(table, foreign_key)],
            );
            if let Some(at) = actual_table {
                s.class = Class::DataDependent;
                s.reason.push_str(": every value must have its parent");
                s.check = orphans(names, at, table, foreign_key);
            }
            steps.push(s);
        }
        Change::DropConstraint { table, name } => {
            let phase = if is_foreign_key(actual, names, table, name) { Phase::DropForeignKey } else { Phase::DropConstraint };
            steps.push(step(
                phase,
                Class::Safe,
                format!("drop constraint {name} on {table}: it changes shape and is added again below"),
                table,
                vec![format!("{} DROP CONSTRAINT {};", alter(table), quote(name))],
            ));
        }
        Change::DropIndex { name } => steps.push(Step {
            table: None,
            ..step(Phase::DropConstraint, Class::Safe, format!("drop index {name}"), "", vec![format!("DROP INDEX {};", relation(name))])
        }),
        Change::Extra(extra) => extra_steps(extra, names, options, plan),
    }
}

/// A primary or unique key; on a table that exists, data-dependent.
fn add_key(
    names: &Names,
    table: &str,
    exists: bool,
    key: &crate::model::Key,
    primary: bool,
) -> Step {
    let (what, clause) = if primary {
        ("primary key", ddl::primary_key_clause(key))
    } else {
        ("unique", ddl::unique_clause(key))
    };
    let mut s = step(
        Phase::AddKey,
        Class::Safe,
        format!("add {what} ({}) on {table}", key.columns.join(", ")),
        table,
        vec![format!("{} ADD {clause};", alter(table))],
    );
    if exists {
        s.class = Class::DataDependent;
        s.reason.push_str(if primary {
            ": no NULL and no duplicate may exist"
        } else {
            ": no duplicate may exist"
        });
        s.check = duplicates(names, table, &key.columns, primary);
    }
    s
}

fn add_column(table: &str, actual_table: &str, column: &Column) -> Step {
    let needs_value = !column.nullable && column.default.is_none() && !column.serial;
    let mut s = step(
        Phase::AddColumn,
        Class::Safe,
        String::new(),
        table,
        Vec::new(),
    );
    s.column = Some(column.name.clone());
    match (&column.backfill, needs_value) {
        (Some(expr), true) => {
            let mut nullable = column.clone();
            nullable.nullable = true;
            s.class = Class::DataDependent;
            s.reason = format!(
                "add NOT NULL column {table}.{}: existing rows get the declared backfill `{expr}`",
                column.name
            );
            s.sql = vec![
                format!(
                    "{} ADD COLUMN {};",
                    alter(table),
                    ddl::column_definition(&nullable)
                ),
                format!(
                    "UPDATE {} SET {} = ({expr});",
                    relation(table),
                    quote(&column.name)
                ),
                format!("{} SET NOT NULL;", alter_column(table, &column.name)),
            ];
        }
        (None, true) => {
            s.class = Class::DataDependent;
            s.reason = format!(
                "add NOT NULL column {table}.{} without a default: the table must be empty",
                column.name
            );
            s.sql = vec![format!(
                "{} ADD COLUMN {};",
                alter(table),
                ddl::column_definition(column)
            )];
            s.check = Some(DataCheck {
                count_sql: format!("SELECT count(*) FROM {}", relation(actual_table)),
                example_sql: format!("SELECT t::text FROM {} t LIMIT 1", relation(actual_table)),
                what: format!(
                    "rows of {table}, which would have no value for {}",
                    column.name
                ),
                fix: format!(
                    "declare `backfill = sql(\"...\")` or a default on {table}.{}",
                    column.name
                ),
            });
        }
        (_, false) => {
            s.reason = if column.nullable {
                format!("add nullable column {table}.{}", column.name)
            } else {
                format!("add column {table}.{} (rows get its default)", column.name)
            };
            s.sql = vec![format!(
                "{} ADD COLUMN {};",
                alter(table),
                ddl::column_definition(column)
            )];
        }
    }
    s
}

fn extra_steps(extra: &Extra, names: &Names, options: &PlanOptions, plan: &mut Plan) {
    let keep = |removed_by| Kept {
        extra: extra.clone(),
        removed_by,
    };
    match extra {
        Extra::Table {
            table,
            referenced_by,
        } => {
            if !(options.allow_destructive || options.exact) {
                plan.kept.push(keep("--allow-destructive"));
                return;
            }
            // Foreign keys pointing at it go first, from tables named as they
            // are by then (renamed, or not).
            let mut sql: Vec<String> = referenced_by
                .iter()
                .map(|(from, fk)| {
                    let from = names
                        .tables
                        .iter()
                        .find(|(_, a)| *a == from)
                        .map_or(from.as_str(), |(t, _)| t.as_str());
                    // A table dropped before it (circular keys) took its keys along.
                    format!(
                        "ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {};",
                        relation(from),
                        quote(fk)
                    )
                })
                .collect();
            sql.push(format!("DROP TABLE {};", relation(table)));
            let mut s = step(
                Phase::DropTable,
                Class::Destructive,
                format!("drop table {table}: not declared"),
                table,
                sql,
            );
            s.stake = Some(Stake {
                count_sql: format!("SELECT count(*) FROM {}", relation(table)),
                what: "rows".into(),
            });
            s.views = Some(views_reading(table, None));
            plan.steps.push(s);
        }
        Extra::Column { table, column } => {
            if !(options.allow_destructive || options.exact) {
                plan.kept.push(keep("--allow-destructive"));
                return;
            }
            let at = names.table(table).unwrap_or_else(|| relation(table));
            let mut s = step(
                Phase::DropColumn,
                Class::Destructive,
                format!("drop column {table}.{column}: not declared"),
                table,
                vec![format!("{} DROP COLUMN {};", alter(table), quote(column))],
            );
            s.column = Some(column.clone());
            s.stake = Some(Stake {
                count_sql: format!("SELECT count({}) FROM {at}", quote(column)),
                what: "non-null values".into(),
            });
            let actual_table = names
                .tables
                .get(table)
                .map_or(table.as_str(), String::as_str);
            s.views = Some(views_reading(actual_table, Some(column)));
            plan.steps.push(s);
        }
        Extra::Behaviour { table, behaviour } => {
            if !(options.prune || options.exact) {
                plan.kept.push(keep("--prune"));
                return;
            }
            plan.steps.push(behaviours::remove(table, behaviour));
        }
        Extra::Constraint {
            table,
            name,
            describe,
            ..
        } => {
            if !(options.prune || options.exact) {
                plan.kept.push(keep("--prune"));
                return;
            }
            let phase = if describe.starts_with("foreign key") {
                Phase::DropForeignKey
            } else {
                Phase::DropConstraint
            };
            plan.steps.push(step(
                phase,
                Class::Safe,
                format!(
                    "drop constraint {name} on {table}: not declared ({describe}); no data is lost"
                ),
                table,
                vec![format!("{} DROP CONSTRAINT {};", alter(table), quote(name))],
            ));
        }
        Extra::Index {
            table,
            name,
            describe,
        } => {
            if !(options.prune || options.exact) {
                plan.kept.push(keep("--prune"));
                return;
            }
            plan.steps.push(step(
                Phase::DropConstraint,
                Class::Safe,
                format!("drop index {name} on {table}: not declared ({describe}); no data is lost"),
                table,
                vec![format!("DROP INDEX {};", relation(name))],
            ));
        }
    }
}

fn is_foreign_key(actual: &Schema, names: &Names, table: &str, name: &str) -> bool {
    names
        .tables
        .get(table)
        .and_then(|a| actual.table(a))
        .is_some_and(|t| t.foreign_keys.iter().any(|fk| fk.name == name))
}

/// Views reading `column` of `table` (or any of it), by the database's names.
fn views_reading(table: &str, column: Option<&str>) -> DataCheck {
    let rel = quote_literal(&relation(table));
    let on_column = column.map_or(String::new(), |c| {
        format!(
            " AND d.refobjsubid = (SELECT attnum FROM pg_attribute WHERE attrelid = to_regclass({rel}) AND attname = {})",
            quote_literal(c)
        )
    });
    let from = format!(
        "FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class \
         WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass \
         AND d.refobjid = to_regclass({rel}) AND v.oid <> d.refobjid{on_column}"
    );
    DataCheck {
        count_sql: format!("SELECT count(DISTINCT v.oid) {from}"),
        example_sql: format!("SELECT string_agg(DISTINCT v.oid::regclass::text, ', ') {from}"),
        what: match column {
            Some(c) => format!("views reading {table}.{c}"),
            None => format!("views reading {table}"),
        },
        fix: "drop those views first and make them again after (the plan does not)".into(),
    }
}

/// One offending row of `table` where `predicate` holds, as text.
fn example(table: &str, predicate: &str) -> String {
    format!(
        "SELECT t::text FROM {} t WHERE {predicate} LIMIT 1",
        relation(table)
    )
}

/// Rows in the way of a unique (or primary) key over `columns`.
fn duplicates(names: &Names, table: &str, columns: &[String], primary: bool) -> Option<DataCheck> {
    let at = names.table(table)?;
    let cols = names.columns(table, columns)?.join(", ");
    let nulls = if primary {
        let any_null: Vec<String> = names
            .columns(table, columns)?
            .iter()
            .map(|c| format!("{c} IS NULL"))
            .collect();
        format!(
            " + (SELECT count(*) FROM {at} WHERE {})",
            any_null.join(" OR ")
        )
    } else {
        String::new()
    };
    let duplicated = format!(
        "SELECT {cols} FROM {at} WHERE ({cols}) IS NOT NULL GROUP BY {cols} HAVING count(*) > 1"
    );
    Some(DataCheck {
        count_sql: format!("SELECT (SELECT count(*) FROM ({duplicated}) d){nulls}"),
        example_sql: format!("SELECT d::text FROM ({duplicated}) d LIMIT 1"),
        what: format!(
            "duplicated {}values of {table} ({})",
            if primary { "or NULL " } else { "" },
            columns.join(", ")
        ),
        fix: "remove or change the duplicates first".into(),
    })
}

/// Rows that fail a check. Written in the target's columns: counted on the
/// data as it is only where this plan changes no column of the table (else
/// the step itself tests every row when it runs).
fn failing_rows(
    names: &Names,
    table: &str,
    actual_table: &str,
    check: &Check,
) -> Option<DataCheck> {
    if names.reshaped.contains(table) {
        return None;
    }
    let predicate = format!("NOT ({})", check_expression(&check.definition));
    Some(DataCheck {
        count_sql: format!(
            "SELECT count(*) FROM {} WHERE {predicate}",
            relation(actual_table)
        ),
        example_sql: example(actual_table, &predicate),
        what: format!("rows of {table} that fail {}", check.definition),
        fix: "change those rows, or the check".into(),
    })
}

/// Rows whose foreign key has no parent.
fn orphans(
    names: &Names,
    actual_table: &str,
    table: &str,
    fk: &crate::model::ForeignKey,
) -> Option<DataCheck> {
    let cols = names.columns(table, &fk.columns)?;
    let not_null: Vec<String> = cols.iter().map(|c| format!("x.{c} IS NOT NULL")).collect();
    let parent = match (
        names.table(&fk.ref_table),
        names.columns(&fk.ref_table, &fk.ref_columns),
    ) {
        (Some(rt), Some(rc)) => {
            let joined: Vec<String> = cols
                .iter()
                .zip(&rc)
                .map(|(c, r)| format!("p.{r} = x.{c}"))
                .collect();
            format!(
                " AND NOT EXISTS (SELECT 1 FROM {rt} p WHERE {})",
                joined.join(" AND ")
            )
        }
        // The parent table or column is new (empty): every value is an orphan.
        _ => String::new(),
    };
    let predicate = format!("{}{parent}", not_null.join(" AND "));
    let at = relation(actual_table);
    Some(DataCheck {
        count_sql: format!("SELECT count(*) FROM {at} x WHERE {predicate}"),
        example_sql: format!("SELECT x::text FROM {at} x WHERE {predicate} LIMIT 1"),
        what: format!(
            "rows of {table} whose ({}) has no row in {}",
            fk.columns.join(", "),
            fk.ref_table
        ),
        fix: "add the parents or clear those values first".into(),
    })
}

/// `CHECK ((a > 0))` → `(a > 0)`.
fn check_expression(definition: &str) -> String {
    let text = definition.trim();
    let body = match text.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("check") => text[5..].trim(),
        _ => text,
    };
    body.trim_end_matches(" NOT VALID").to_owned()
}

fn is_string(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Varchar(_) | SqlType::Text) || ty.to_string().starts_with("character")
}

/// How values change from one type to another.
enum Conversion {
    /// Every value fits.
    Widening,
    /// Some values may not fit; the predicate (on `{c}`) finds them.
    Narrowing(String),
    /// Values must be parsed; checked row by row.
    Parse,
    /// Values lose precision; the predicate finds those that change.
    Lossy(String),
    /// Every value converts, to a result that depends on a time zone
    /// ([`cast`] names UTC).
    Zoned,
}

/// A value of `from` written as `to` in a `USING` clause: through UTC
/// wherever a time zone would decide the result, never the session's zone.
fn cast(from: &SqlType, to: &SqlType, column: &str) -> String {
    match (from, to) {
        (SqlType::Timestamp, SqlType::Timestamptz) | (SqlType::Timestamptz, SqlType::Timestamp) => {
            format!("{column} AT TIME ZONE 'UTC'")
        }
        (SqlType::Date, SqlType::Timestamptz) => format!("{column}::timestamp AT TIME ZONE 'UTC'"),
        (SqlType::Timestamptz, SqlType::Date) => format!("({column} AT TIME ZONE 'UTC')::{to}"),
        _ => format!("{column}::{to}"),
    }
}

/// Integer widths: (rank, min, max).
fn int_range(ty: &SqlType) -> Option<(u8, i64, i64)> {
    match ty {
        SqlType::SmallInt => Some((1, i16::MIN as i64, i16::MAX as i64)),
        SqlType::Integer => Some((2, i32::MIN as i64, i32::MAX as i64)),
        SqlType::BigInt => Some((3, i64::MIN, i64::MAX)),
        _ => None,
    }
}

/// Length limit of a string type: `None` for unbounded (text, varchar).
fn string_length(ty: &SqlType) -> Option<Option<u32>> {
    match ty {
        SqlType::Text | SqlType::Varchar(None) => Some(None),
        SqlType::Varchar(Some(n)) => Some(Some(*n)),
        SqlType::Other(name) => {
            let name = name.as_ref();
            let n = name
                .strip_prefix("character(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|n| n.parse().ok());
            match (name, n) {
                (_, Some(n)) => Some(Some(n)),
                ("character", _) => Some(Some(1)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn conversion(from: &SqlType, to: &SqlType) -> Conversion {
    if let (Some((rf, _, _)), Some((rt, min, max))) = (int_range(from), int_range(to)) {
        return if rt >= rf {
            Conversion::Widening
        } else {
            Conversion::Narrowing(format!("{{c}} NOT BETWEEN {min} AND {max}"))
        };
    }
    if let (Some(lf), Some(lt)) = (string_length(from), string_length(to)) {
        return match (lf, lt) {
            (_, None) => Conversion::Widening,
            (Some(f), Some(t)) if t >= f => Conversion::Widening,
            (_, Some(t)) => Conversion::Narrowing(format!("length({{c}}) > {t}")),
        };
    }
    if int_range(from).is_some() && matches!(to, SqlType::Numeric(_)) {
        return match to {
            SqlType::Numeric(Some((p, s))) if p - s < 19 => {
                Conversion::Narrowing(format!("abs({{c}}) >= 1e{}", p - s))
            }
            _ => Conversion::Widening,
        };
    }
    if let (SqlType::Numeric(f), SqlType::Numeric(t)) = (from, to) {
        return match (f, t) {
            (_, None) => Conversion::Widening,
            (None, Some((p, s))) => Conversion::Lossy(format!(
                "{{c}} IS NOT NULL AND (round({{c}}, {s}) <> {{c}} OR abs({{c}}) >= 1e{})",
                p - s
            )),
            (Some((fp, fs)), Some((tp, ts))) => {
                if ts < fs {
                    Conversion::Lossy(format!("round({{c}}, {ts}) <> {{c}}"))
                } else if tp - ts < fp - fs {
                    Conversion::Narrowing(format!("abs({{c}}) >= 1e{}", tp - ts))
                } else {
                    Conversion::Widening
                }
            }
        };
    }
    match (from, to) {
        (SqlType::Timestamp, SqlType::Timestamptz)
        | (SqlType::Timestamptz, SqlType::Timestamp)
        | (SqlType::Date, SqlType::Timestamptz) => return Conversion::Zoned,
        (SqlType::Timestamp, SqlType::Date) => {
            return Conversion::Lossy("{c}::date::timestamp <> {c}".into())
        }
        (SqlType::Timestamptz, SqlType::Date) => {
            return Conversion::Lossy(
                "({c} AT TIME ZONE 'UTC')::date::timestamp <> ({c} AT TIME ZONE 'UTC')".into(),
            )
        }
        _ => {}
    }
    if matches!(from, SqlType::Numeric(_)) && int_range(to).is_some() {
        let (_, min, max) = int_range(to).unwrap_or((3, i64::MIN, i64::MAX));
        return Conversion::Lossy(format!(
            "round({{c}}) <> {{c}} OR {{c}} NOT BETWEEN {min} AND {max}"
        ));
    }
    let to_text = string_length(to) == Some(None);
    let widening = to_text
        || matches!(
            (from, to),
            (SqlType::Date, SqlType::Timestamp)
                | (SqlType::Json, SqlType::Jsonb)
                | (SqlType::Jsonb, SqlType::Json)
        )
        || (int_range(from).is_some() && to.to_string() == "double precision")
        // Direct casts that accept every value.
        || matches!((from, to), (SqlType::Boolean, SqlType::Integer) | (SqlType::Integer, SqlType::Boolean));
    if widening {
        Conversion::Widening
    } else {
        Conversion::Parse
    }
}

/// The session function the checks of parsing conversions call: whether a
/// value fails to convert. Temporary (`pg_temp`): it changes nothing.
pub const CHECK_FUNCTIONS: &str =
    "CREATE OR REPLACE FUNCTION pg_temp.rsm_cast_fails(v text, t text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT %L::%s', v, t);
    RETURN false;
EXCEPTION WHEN others THEN
    RETURN true;
END $$;";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnDefault, Index, Key, Table};

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
