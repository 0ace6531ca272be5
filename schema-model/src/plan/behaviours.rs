//! Steps on how constraints are checked (deferral, validation) and on the
//! undeclarable behaviours of a table: triggers, rules, row level security,
//! policies, exclusion constraints.

use schema_core::ident::quote;

use super::checks::{failing_rows, orphans};
use super::{alter, step, Class, Names, Phase, Step};
use crate::ddl::relation;
use crate::model::{Behaviour, BehaviourKind, Check, Deferral, ForeignKey};

/// A foreign key checked at each statement again (or as the target says).
pub(super) fn set_deferral(table: &str, name: &str, deferral: Deferral) -> Step {
    let clause = match deferral {
        Deferral::Immediate => "NOT DEFERRABLE",
        Deferral::Deferrable => "DEFERRABLE INITIALLY IMMEDIATE",
        Deferral::Deferred => "DEFERRABLE INITIALLY DEFERRED",
    };
    step(
        Phase::AddForeignKey,
        Class::Safe,
        format!("make foreign key {name} on {table} {clause}: the rows stay, only when it is checked changes"),
        table,
        vec![format!("{} ALTER CONSTRAINT {} {clause};", alter(table), quote(name))],
    )
}

/// `VALIDATE CONSTRAINT` on a key or check added `NOT VALID`: every old row
/// is checked now, so the rows in the way are counted first.
pub(super) fn validate(
    names: &Names,
    table: &str,
    actual_table: &str,
    name: &str,
    foreign_key: Option<&ForeignKey>,
    check: Option<&Check>,
) -> Step {
    let sql = vec![format!(
        "{} VALIDATE CONSTRAINT {};",
        alter(table),
        quote(name)
    )];
    match (foreign_key, check) {
        (Some(fk), _) => {
            let mut s = step(
                Phase::AddForeignKey,
                Class::DataDependent,
                format!("validate foreign key {name} on {table} (added NOT VALID: old rows were never checked): every value must have its parent"),
                table,
                sql,
            );
            s.check = orphans(names, actual_table, table, fk);
            s
        }
        (None, check) => {
            let mut s = step(
                Phase::AddKey,
                Class::DataDependent,
                format!("validate check {name} on {table} (added NOT VALID: old rows were never tested): every row must pass it"),
                table,
                sql,
            );
            s.check = check.and_then(|c| failing_rows(names, table, actual_table, c));
            s
        }
    }
}

/// A behaviour the target has (`diff --from --to`), as PostgreSQL printed it.
pub(super) fn add(table: &str, b: &Behaviour) -> Step {
    let t = relation(table);
    let sql = match b.kind {
        BehaviourKind::Trigger => {
            let (definition, disabled) = match b.definition.strip_suffix(" (disabled)") {
                Some(d) => (d, true),
                None => (b.definition.as_str(), false),
            };
            let mut sql = vec![format!("{definition};")];
            if disabled {
                sql.push(format!(
                    "{} DISABLE TRIGGER {};",
                    alter(table),
                    quote(&b.name)
                ));
            }
            sql
        }
        BehaviourKind::Rule => vec![b.definition.clone()],
        BehaviourKind::RowSecurity => {
            let mut sql = vec![format!("{} ENABLE ROW LEVEL SECURITY;", alter(table))];
            if b.definition.contains("forced") {
                sql.push(format!("{} FORCE ROW LEVEL SECURITY;", alter(table)));
            }
            sql
        }
        BehaviourKind::Policy => vec![format!(
            "CREATE POLICY {} ON {t} {};",
            quote(&b.name),
            b.definition
        )],
        BehaviourKind::Exclusion => vec![format!(
            "{} ADD CONSTRAINT {} {};",
            alter(table),
            quote(&b.name),
            b.definition
        )],
    };
    // An exclusion constraint refuses the rows already in its way.
    let class = match b.kind {
        BehaviourKind::Exclusion => Class::DataDependent,
        _ => Class::Safe,
    };
    step(
        Phase::AddBehaviour,
        class,
        format!(
            "add {} {} on {table} (as the target has it)",
            b.kind.as_str(),
            b.name
        ),
        table,
        sql,
    )
}

/// Remove an undeclared behaviour (`--prune`): no row is lost.
pub(super) fn remove(table: &str, b: &Behaviour) -> Step {
    let t = relation(table);
    let name = quote(&b.name);
    let sql = match b.kind {
        BehaviourKind::Trigger => format!("DROP TRIGGER {name} ON {t};"),
        BehaviourKind::Rule => format!("DROP RULE {name} ON {t};"),
        BehaviourKind::RowSecurity => format!(
            "{} DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY;",
            alter(table)
        ),
        BehaviourKind::Policy => format!("DROP POLICY {name} ON {t};"),
        BehaviourKind::Exclusion => format!("{} DROP CONSTRAINT {name};", alter(table)),
    };
    step(
        Phase::DropForeignKey,
        Class::Safe,
        format!(
            "remove {} {} on {table}: not declared, and it changes what statements do; no data is lost",
            b.kind.as_str(),
            b.name
        ),
        table,
        vec![sql],
    )
}
