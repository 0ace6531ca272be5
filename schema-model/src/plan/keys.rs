//! Steps on keys, foreign keys, checks and indexes: added (data-dependent on
//! a table with rows), renamed, dropped when they change shape or are not
//! declared.

use schema_core::ident::quote;

use super::checks::{duplicates, failing_rows, orphans};
use super::{alter, step, Class, Names, Phase, Step};
use crate::ddl::{self, relation};
use crate::model::{Check, ForeignKey, Index, Key, Schema};

/// A primary or unique key; on a table that exists, data-dependent.
pub(super) fn add_key(names: &Names, table: &str, exists: bool, key: &Key, primary: bool) -> Step {
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

/// An index; a unique one on a table that exists is data-dependent.
pub(super) fn add_index(names: &Names, table: &str, exists: bool, index: &Index) -> Step {
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
    if index.unique && exists {
        s.class = Class::DataDependent;
        s.reason.push_str(": no duplicate may exist");
        s.check = duplicates(names, table, &index.columns, false);
    }
    s
}

/// A check; on a table that exists (named `actual_table` there), every row
/// must pass it.
pub(super) fn add_check(
    names: &Names,
    table: &str,
    actual_table: Option<&str>,
    check: &Check,
) -> Step {
    let mut s = step(
        Phase::AddKey,
        Class::Safe,
        format!("add check {} on {table}", check.definition),
        table,
        vec![format!(
            "{} ADD {};",
            alter(table),
            ddl::check_clause(check)
        )],
    );
    if let Some(at) = actual_table {
        s.class = Class::DataDependent;
        s.reason.push_str(": every row must pass it");
        s.check = failing_rows(names, table, at, check);
    }
    s
}

/// A foreign key; on a table that exists, every value must have its parent.
pub(super) fn add_foreign_key(
    names: &Names,
    table: &str,
    actual_table: Option<&str>,
    foreign_key: &ForeignKey,
) -> Step {
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
    s
}

/// The foreign key of a new table, once every table exists.
pub(super) fn foreign_key_of_new_table(table: &str, fk: &ForeignKey) -> Step {
    step(
        Phase::AddForeignKey,
        Class::Safe,
        format!(
            "foreign key {} of new table {table} -> {}",
            fk.name, fk.ref_table
        ),
        table,
        vec![ddl::add_foreign_key(table, fk)],
    )
}

pub(super) fn rename_constraint(table: &str, from: &str, to: &str) -> Step {
    step(
        Phase::RenameConstraint,
        Class::Safe,
        format!(
            "rename constraint {from} on {table} to {to} (the same constraint under another name)"
        ),
        table,
        vec![format!(
            "{} RENAME CONSTRAINT {} TO {};",
            alter(table),
            quote(from),
            quote(to)
        )],
    )
}

pub(super) fn rename_index(from: &str, to: &str) -> Step {
    Step {
        table: None,
        ..step(
            Phase::RenameConstraint,
            Class::Safe,
            format!("rename index {from} to {to} (the same index under another name)"),
            "",
            vec![format!(
                "ALTER INDEX {} RENAME TO {};",
                relation(from),
                quote(to)
            )],
        )
    }
}

/// A declared constraint that changes shape (or whose name a declared one
/// needs): dropped before it is added again.
pub(super) fn drop_constraint(actual: &Schema, names: &Names, table: &str, name: &str) -> Step {
    let is_foreign_key = names
        .tables
        .get(table)
        .and_then(|a| actual.table(a))
        .is_some_and(|t| t.foreign_keys.iter().any(|fk| fk.name == name));
    step(
        if is_foreign_key {
            Phase::DropForeignKey
        } else {
            Phase::DropConstraint
        },
        Class::Safe,
        format!("drop constraint {name} on {table}: it changes shape and is added again below"),
        table,
        vec![format!("{} DROP CONSTRAINT {};", alter(table), quote(name))],
    )
}

pub(super) fn drop_index(name: &str) -> Step {
    Step {
        table: None,
        ..step(
            Phase::DropConstraint,
            Class::Safe,
            format!("drop index {name}"),
            "",
            vec![format!("DROP INDEX {};", relation(name))],
        )
    }
}

/// An undeclared constraint, pruned: no data is lost.
pub(super) fn drop_undeclared_constraint(table: &str, name: &str, describe: &str) -> Step {
    step(
        if describe.starts_with("foreign key") {
            Phase::DropForeignKey
        } else {
            Phase::DropConstraint
        },
        Class::Safe,
        format!("drop constraint {name} on {table}: not declared ({describe}); no data is lost"),
        table,
        vec![format!("{} DROP CONSTRAINT {};", alter(table), quote(name))],
    )
}

/// An undeclared index, pruned: no data is lost.
pub(super) fn drop_undeclared_index(table: &str, name: &str, describe: &str) -> Step {
    step(
        Phase::DropConstraint,
        Class::Safe,
        format!("drop index {name} on {table}: not declared ({describe}); no data is lost"),
        table,
        vec![format!("DROP INDEX {};", relation(name))],
    )
}
