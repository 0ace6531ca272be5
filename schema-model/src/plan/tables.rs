//! Steps on whole tables: created, renamed, dropped.

use schema_core::ident::quote;

use super::checks::{foreign_keys_from_elsewhere, views_reading};
use super::{step, Class, Names, Phase, Stake, Step};
use crate::ddl::{self, relation};
use crate::model::Table;

/// A new table with its keys, checks and indexes; its foreign keys follow
/// once every table exists.
pub(super) fn create_table(table: &Table) -> Step {
    let mut sql = vec![ddl::create_table(table, &[])];
    sql.extend(
        table
            .indexes
            .iter()
            .map(|ix| ddl::create_index(&table.name, ix)),
    );
    step(
        Phase::CreateTable,
        Class::Safe,
        format!(
            "create table {} ({} columns)",
            table.name,
            table.columns.len()
        ),
        &table.name,
        sql,
    )
}

pub(super) fn rename_table(from: &str, to: &str, by_shape: bool) -> Step {
    step(
        Phase::RenameTable,
        Class::Safe,
        if by_shape {
            format!("rename table {from} to {to} (renamed by hand: the only undeclared table with exactly its columns; the rows stay)")
        } else {
            format!("rename table {from} to {to} (declared renamed_from: the rows stay)")
        },
        to,
        vec![format!(
            "ALTER TABLE {} RENAME TO {};",
            relation(from),
            quote(to)
        )],
    )
}

/// An undeclared table, dropped (`--allow-destructive`): the foreign keys of
/// other tables pointing at it go first.
pub(super) fn drop_table(names: &Names, table: &str, referenced_by: &[(String, String)]) -> Step {
    // Those tables are named as they are by then (renamed, or not).
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
    s.dependents.push(views_reading(table, None));
    s.dependents.push(foreign_keys_from_elsewhere(table));
    s
}
