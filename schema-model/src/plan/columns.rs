//! Steps on a column's machinery rather than its type: the sequence behind
//! a serial, identity, generated expressions, collation, and the table's
//! persistence.

use schema_core::ident::{quote, quote_literal, truncate};
use schema_core::SqlType;

use super::{alter, alter_column, column_step, step, Class, Phase, Stake, Step};
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
    s
}

/// Back to the collation of the column's type (or the target's).
pub(super) fn set_collation(
    table: &str,
    column: &str,
    data_type: &SqlType,
    collation: Option<&str>,
) -> Step {
    let collate = collation.unwrap_or("pg_catalog.\"default\"");
    column_step(
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
    )
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
