//! What the database has and the target does not declare: kept and listed,
//! or removed when the options say so (`--prune` for what loses no data,
//! `--allow-destructive` for columns and tables; everything for an exact
//! `diff --from --to`).

use super::{behaviours, columns, keys, tables, Kept, Names, Plan, PlanOptions};
use crate::diff::Extra;

pub(super) fn extra_steps(extra: &Extra, names: &Names, options: &PlanOptions, plan: &mut Plan) {
    let loses_data = matches!(extra, Extra::Table { .. } | Extra::Column { .. });
    let removed = if loses_data {
        options.allow_destructive || options.exact
    } else {
        options.prune || options.exact
    };
    if !removed {
        plan.kept.push(Kept {
            extra: extra.clone(),
            removed_by: if loses_data {
                "--allow-destructive"
            } else {
                "--prune"
            },
        });
        return;
    }
    plan.steps.push(match extra {
        Extra::Table {
            table,
            referenced_by,
        } => tables::drop_table(names, table, referenced_by),
        Extra::Column { table, column } => columns::drop_column(names, table, column),
        Extra::Behaviour { table, behaviour } => behaviours::remove(table, behaviour),
        Extra::Constraint {
            table,
            name,
            describe,
            ..
        } => keys::drop_undeclared_constraint(table, name, describe),
        Extra::Index {
            table,
            name,
            describe,
        } => keys::drop_undeclared_index(table, name, describe),
    });
}
