//! Steps on columns (their type aside, see `types`): added, renamed,
//! dropped, NOT NULL, defaults, the sequence behind a serial, identity,
//! generated expressions, collation, and the table's persistence.

use schema_core::ident::{quote, quote_literal, truncate};
use schema_core::SqlType;

use super::checks::{example, views_reading};
use super::{alter, alter_column, column_step, step, Class, DataCheck, Names, Phase, Stake, Step};
use crate::ddl::{self, relation};
use crate::model::{Column, ColumnDefault, Identity};

/// `setval` past the largest value of the column and the sequence's own
/// position, whichever is further: no value already used is handed out again.
/// `sequence` is its SQL name, quoted as needed (as `regclass` prints it).
fn restart_past_values(sequence: &str, table: &str, column: &str) -> String {
    format!(
        "SELECT setval({}::regclass, GREATEST(COALESCE((SELECT max({c}) FROM {t}), 0) + 1, \
         (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {sequence})), false);",
        quote_literal(sequence),
        c = quote(column),
        t = relation(table),
    )
}

/// A serial's default and the sequence it owns, dropped (the values stay).
fn drop_serial(table: &str, column: &str) -> Vec<String> {
    vec![
        format!("{} DROP DEFAULT;", alter_column(table, column)),
        format!(
            "DO $rsm$ BEGIN EXECUTE format('DROP SEQUENCE %s', pg_get_serial_sequence({}, {})); END $rsm$;",
            quote_literal(&relation(table)),
            quote_literal(column)
        ),
    ]
}

/// A plain column made serial (reusing the sequence it has, under the name
/// it has), or a serial one made plain.
pub(super) fn set_serial(
    table: &str,
    column: &str,
    data_type: &SqlType,
    serial: bool,
    existing: Option<&str>,
) -> Step {
    if serial {
        let (sequence, mut sql, reason) = match existing {
            Some(seq) => (
                seq.to_owned(),
                vec![format!(
                    "ALTER SEQUENCE {seq} OWNED BY {}.{};",
                    relation(table),
                    quote(column)
                )],
                format!("make {table}.{column} serial again with its sequence {seq}: owned by the column, restarted past the largest value"),
            ),
            None => {
                let seq = relation(&truncate(format!("{table}_{column}_seq")));
                (
                    seq.clone(),
                    vec![format!(
                        "CREATE SEQUENCE {seq} AS {data_type} OWNED BY {}.{};",
                        relation(table),
                        quote(column)
                    )],
                    format!("make {table}.{column} serial: a new owned sequence, starting after the largest value"),
                )
            }
        };
        sql.push(format!(
            "{} SET DEFAULT {};",
            alter_column(table, column),
            ColumnDefault::nextval(&sequence).sql
        ));
        sql.push(restart_past_values(&sequence, table, column));
        return column_step(Phase::AlterColumn, Class::Safe, reason, table, column, sql);
    }
    let mut s = column_step(
        Phase::AlterColumn,
        Class::Destructive,
        format!("make {table}.{column} a plain {data_type}: its sequence is dropped (the values stay, the next value is lost)"),
        table,
        column,
        drop_serial(table, column),
    );
    s.stake = Some(Stake {
        count_sql: "SELECT 1::bigint".into(),
        what: "sequence (its next value)".into(),
    });
    s
}

/// An identity dropped (the column keeps its values; a serial sequence
/// follows when the target is serial), added (after the serial default and
/// its sequence go), or switched between `ALWAYS` and `BY DEFAULT`.
pub(super) fn set_identity(
    table: &str,
    column: &str,
    from: Option<Identity>,
    to: Option<Identity>,
    was_serial: bool,
    then_serial: bool,
) -> Step {
    match (from, to) {
        (Some(_), Some(kind)) => column_step(
            Phase::AlterColumn,
            Class::Safe,
            format!(
                "make {table}.{column} GENERATED {} AS IDENTITY (the values stay)",
                kind.as_sql()
            ),
            table,
            column,
            vec![format!(
                "{} SET GENERATED {};",
                alter_column(table, column),
                kind.as_sql()
            )],
        ),
        (Some(_), None) => {
            let sql = vec![format!("{} DROP IDENTITY;", alter_column(table, column))];
            if then_serial {
                return column_step(
                    Phase::AlterColumn,
                    Class::Safe,
                    format!("drop the identity of {table}.{column}: it is declared serial, whose sequence follows (the values stay)"),
                    table,
                    column,
                    sql,
                );
            }
            let mut s = column_step(
                Phase::AlterColumn,
                Class::Destructive,
                format!("drop the identity of {table}.{column}: the values stay, the next value is lost"),
                table,
                column,
                sql,
            );
            s.stake = Some(Stake {
                count_sql: "SELECT 1::bigint".into(),
                what: "sequence (its next value)".into(),
            });
            s
        }
        (None, Some(kind)) => {
            let mut sql = if was_serial {
                drop_serial(table, column)
            } else {
                Vec::new()
            };
            sql.push(format!(
                "{} ADD GENERATED {} AS IDENTITY;",
                alter_column(table, column),
                kind.as_sql()
            ));
            sql.push(format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), COALESCE((SELECT max({}) FROM {}), 0) + 1, false);",
                quote_literal(&relation(table)),
                quote_literal(column),
                quote(column),
                relation(table)
            ));
            column_step(
                Phase::AlterColumn,
                Class::Safe,
                format!(
                    "make {table}.{column} GENERATED {} AS IDENTITY, starting after the largest value",
                    kind.as_sql()
                ),
                table,
                column,
                sql,
            )
        }
        (None, None) => unreachable!("an identity change changes something"),
    }
}

/// A generated column made plain (`DROP EXPRESSION`: its values stay), or a
/// column replaced by a generated one (PostgreSQL 15 cannot alter a column
/// into one: dropped and added again, its stored values replaced).
pub(super) fn set_generated(
    names: &Names,
    table: &str,
    actual_table: &str,
    column: &str,
    from: Option<&str>,
    to: &Column,
) -> Step {
    if to.generated.is_none() {
        return column_step(
            Phase::AlterColumn,
            Class::Safe,
            format!(
                "make {table}.{column} a plain column: its computed values stay as stored values"
            ),
            table,
            column,
            vec![format!("{} DROP EXPRESSION;", alter_column(table, column))],
        );
    }
    let mut s = column_step(
        Phase::AlterColumn,
        Class::Destructive,
        format!(
            "make {table}.{column} {}: dropped and added again, its values replaced by the expression",
            match from {
                Some(_) => "generated by another expression",
                None => "a generated column",
            }
        ),
        table,
        column,
        vec![
            format!("{} DROP COLUMN {};", alter(table), quote(column)),
            format!("{} ADD COLUMN {};", alter(table), ddl::column_definition(to)),
        ],
    );
    s.stake = Some(Stake {
        count_sql: format!(
            "SELECT count({}) FROM {}",
            quote(&to.name),
            relation(actual_table)
        ),
        what: "stored values".into(),
    });
    let (_, actual_column) = names.actual(table, column);
    s.dependents
        .push(views_reading(actual_table, Some(&actual_column)));
    s
}

/// Back to the collation of the column's type (or the target's).
pub(super) fn set_collation(
    names: &Names,
    table: &str,
    column: &str,
    data_type: &SqlType,
    collation: Option<&str>,
) -> Step {
    let collate = collation.unwrap_or("pg_catalog.\"default\"");
    let (actual_table, actual_column) = names.actual(table, column);
    let mut s = column_step(
        Phase::AlterColumn,
        Class::Safe,
        format!(
            "give {table}.{column} the collation {}: the values stay, comparisons and indexes follow it",
            collation.unwrap_or("of its type")
        ),
        table,
        column,
        vec![format!(
            "{} TYPE {data_type} COLLATE {collate};",
            alter_column(table, column)
        )],
    );
    s.dependents
        .push(views_reading(&actual_table, Some(&actual_column)));
    s
}

/// `SET LOGGED` (crash-safe again), or `SET UNLOGGED` (`diff --from --to`).
pub(super) fn set_logged(table: &str, logged: bool) -> Step {
    if logged {
        return step(
            Phase::AlterColumn,
            Class::Safe,
            format!("make table {table} logged again: an unlogged table is emptied after a crash"),
            table,
            vec![format!("{} SET LOGGED;", alter(table))],
        );
    }
    let mut s = step(
        Phase::AlterColumn,
        Class::Destructive,
        format!("make table {table} unlogged: its rows are lost after a crash"),
        table,
        vec![format!("{} SET UNLOGGED;", alter(table))],
    );
    s.stake = Some(Stake {
        count_sql: format!("SELECT count(*) FROM {}", relation(table)),
        what: "rows".into(),
    });
    s
}

/// A new column: nullable or with a default, safe; NOT NULL without one,
/// data-dependent (existing rows get the declared backfill, or the table must
/// be empty).
pub(super) fn add_column(table: &str, actual_table: &str, column: &Column) -> Step {
    let needs_value = !column.nullable && column.default.is_none() && !column.serial;
    let mut s = column_step(
        Phase::AddColumn,
        Class::Safe,
        String::new(),
        table,
        &column.name,
        Vec::new(),
    );
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
                example_sql: format!(
                    "SELECT {} FROM {} t LIMIT 1",
                    super::checks::as_pairs("t"),
                    relation(actual_table)
                ),
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

pub(super) fn rename_column(table: &str, from: &str, to: &str, by_shape: bool) -> Step {
    let why = if by_shape {
        "renamed by hand: the only undeclared column of the missing one's type"
    } else {
        "declared renamed_from"
    };
    column_step(
        Phase::RenameColumn,
        Class::Safe,
        format!("rename column {table}.{from} to {to} ({why}: the values stay)"),
        table,
        to,
        vec![format!(
            "{} RENAME COLUMN {} TO {};",
            alter(table),
            quote(from),
            quote(to)
        )],
    )
}

/// NOT NULL set: NULLs get the declared backfill, else none may exist.
pub(super) fn set_not_null(
    table: &str,
    actual_table: &str,
    column: &str,
    actual_column: &str,
    backfill: Option<&str>,
) -> Step {
    let mut s = column_step(
        Phase::AlterColumn,
        Class::DataDependent,
        String::new(),
        table,
        column,
        Vec::new(),
    );
    match backfill {
        Some(expr) => {
            s.sql.push(format!(
                "UPDATE {} SET {c} = ({expr}) WHERE {c} IS NULL;",
                relation(table),
                c = quote(column)
            ));
            s.reason = format!(
                "set NOT NULL on {table}.{column}: NULLs get the declared backfill `{expr}`"
            );
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
    s.sql
        .push(format!("{} SET NOT NULL;", alter_column(table, column)));
    s
}

pub(super) fn drop_not_null(table: &str, column: &str, undeclared: bool) -> Step {
    let reason = if undeclared {
        format!("drop NOT NULL on undeclared {table}.{column}: it would make every insert of the declared code fail (its values stay)")
    } else {
        format!("drop NOT NULL on {table}.{column}")
    };
    column_step(
        Phase::AlterColumn,
        Class::Safe,
        reason,
        table,
        column,
        vec![format!("{} DROP NOT NULL;", alter_column(table, column))],
    )
}

pub(super) fn set_default(table: &str, column: &str, default: &ColumnDefault) -> Step {
    column_step(
        Phase::AlterColumn,
        Class::Safe,
        format!("set the default of {table}.{column} to {}", default.sql),
        table,
        column,
        vec![format!(
            "{} SET DEFAULT {};",
            alter_column(table, column),
            default.sql
        )],
    )
}

pub(super) fn drop_default(table: &str, column: &str) -> Step {
    column_step(
        Phase::AlterColumn,
        Class::Safe,
        format!("drop the default of {table}.{column}"),
        table,
        column,
        vec![format!("{} DROP DEFAULT;", alter_column(table, column))],
    )
}

/// An undeclared column, dropped (`--allow-destructive`).
pub(super) fn drop_column(names: &Names, table: &str, column: &str) -> Step {
    let actual_table = names.tables.get(table).map_or(table, String::as_str);
    let mut s = column_step(
        Phase::DropColumn,
        Class::Destructive,
        format!("drop column {table}.{column}: not declared"),
        table,
        column,
        vec![format!("{} DROP COLUMN {};", alter(table), quote(column))],
    );
    s.stake = Some(Stake {
        count_sql: format!(
            "SELECT count({}) FROM {}",
            quote(column),
            relation(actual_table)
        ),
        what: "non-null values".into(),
    });
    s.dependents.push(views_reading(actual_table, Some(column)));
    s
}
