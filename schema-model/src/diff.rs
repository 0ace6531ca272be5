//! What separates a database (`actual`, introspected) from a schema
//! (`target`): a list of typed changes, pure and without a server.
//!
//! Tables and columns are matched by name, or through a declared earlier name
//! (`renamed_from`): such a match is a rename, and the data is kept. Keys,
//! foreign keys, indexes and checks are matched by what they are (columns,
//! target, uniqueness, definition), never by name: the same constraint under
//! another name is renamed, not rebuilt. Column order is never a change.
//!
//! Everything names tables and columns twice where it matters: `table` is the
//! name in the target (after renames), `actual_table` the name in the
//! database now, so that checks of the data can run before anything changes.

use std::collections::BTreeMap;

use schema_core::SqlType;
use serde::Serialize;

use crate::model::{Check, Column, ColumnDefault, ForeignKey, Index, Key, Schema, Table};

/// One change, in the target's names (and the database's where data is read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    CreateTable {
        table: Table,
    },
    RenameTable {
        from: String,
        to: String,
    },
    AddColumn {
        table: String,
        actual_table: String,
        column: Column,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    AlterType {
        table: String,
        actual_table: String,
        column: String,
        actual_column: String,
        #[serde(serialize_with = "display")]
        from: SqlType,
        #[serde(serialize_with = "display")]
        to: SqlType,
        /// The column's default in the database, dropped before the type
        /// changes (it may not convert) and set again after.
        default: Option<ColumnDefault>,
    },
    /// A serial column becomes plain, or a plain one serial.
    SetSerial {
        table: String,
        column: String,
        #[serde(serialize_with = "display")]
        data_type: SqlType,
        serial: bool,
    },
    SetNotNull {
        table: String,
        actual_table: String,
        column: String,
        actual_column: String,
        backfill: Option<String>,
    },
    DropNotNull {
        table: String,
        column: String,
        /// The column is not declared at all (it keeps its data; inserts of the
        /// declared code would fail on its NOT NULL).
        undeclared: bool,
    },
    SetDefault {
        table: String,
        column: String,
        default: ColumnDefault,
    },
    DropDefault {
        table: String,
        column: String,
    },
    AddPrimaryKey {
        table: String,
        actual_table: Option<String>,
        key: Key,
    },
    AddUnique {
        table: String,
        actual_table: Option<String>,
        key: Key,
    },
    AddForeignKey {
        table: String,
        actual_table: Option<String>,
        foreign_key: ForeignKey,
    },
    AddIndex {
        table: String,
        actual_table: Option<String>,
        index: Index,
    },
    AddCheck {
        table: String,
        actual_table: Option<String>,
        check: Check,
    },
    /// A constraint (key, foreign key, check) that exists under another name.
    RenameConstraint {
        table: String,
        from: String,
        to: String,
    },
    RenameIndex {
        from: String,
        to: String,
    },
    /// A declared key or check that changed shape: the old one goes first.
    DropConstraint {
        table: String,
        name: String,
    },
    DropIndex {
        name: String,
    },
    /// What the database has and the schema does not declare.
    Extra(Extra),
}

/// Something the database holds that the target does not declare: kept and
/// reported unless the plan is told to remove it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Extra {
    Table {
        table: String,
        /// Foreign keys of other tables pointing at it: (table, constraint).
        referenced_by: Vec<(String, String)>,
    },
    Column {
        table: String,
        column: String,
    },
    Constraint {
        table: String,
        name: String,
        /// `primary key`, `unique`, `foreign key` or `check`, with its columns.
        describe: String,
    },
    Index {
        table: String,
        name: String,
        describe: String,
    },
}

fn display<S: serde::Serializer>(value: &SqlType, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Every change that brings `actual` to `target`, grouped by table; the
/// [`plan`](crate::plan) orders them.
pub fn diff(actual: &Schema, target: &Schema) -> Vec<Change> {
    let mut out = Vec::new();
    let tables = match_tables(actual, target);
    // Actual names of matched tables, by target name; and the reverse.
    let table_map: BTreeMap<&str, &str> = tables
        .iter()
        .map(|(a, t)| (t.name.as_str(), a.name.as_str()))
        .collect();
    for t in &target.tables {
        match tables.iter().find(|(_, tt)| tt.name == t.name) {
            Some((a, _)) => {
                if a.name != t.name {
                    out.push(Change::RenameTable {
                        from: a.name.clone(),
                        to: t.name.clone(),
                    });
                }
                diff_table(a, t, &table_map, &mut out);
            }
            None => out.push(Change::CreateTable { table: t.clone() }),
        }
    }
    for a in &actual.tables {
        if !tables.iter().any(|(aa, _)| aa.name == a.name) {
            let referenced_by = actual
                .tables
                .iter()
                .filter(|o| o.name != a.name)
                .flat_map(|o| {
                    o.foreign_keys
                        .iter()
                        .filter(|fk| fk.ref_table == a.name)
                        .map(|fk| (o.name.clone(), fk.name.clone()))
                })
                .collect();
            out.push(Change::Extra(Extra::Table {
                table: a.name.clone(),
                referenced_by,
            }));
        }
    }
    out
}

/// Pairs (actual, target) of tables that are the same table: by name, else
/// by a declared earlier name that the database still has.
fn match_tables<'a>(actual: &'a Schema, target: &'a Schema) -> Vec<(&'a Table, &'a Table)> {
    let mut pairs: Vec<(&Table, &Table)> = Vec::new();
    for t in &target.tables {
        if let Some(a) = actual.table(&t.name) {
            pairs.push((a, t));
        }
    }
    for t in &target.tables {
        if pairs.iter().any(|(_, tt)| tt.name == t.name) {
            continue;
        }
        let earlier = t.renamed_from.iter().find_map(|old| {
            let a = actual.table(old)?;
            let free =
                !pairs.iter().any(|(aa, _)| aa.name == a.name) && target.table(old).is_none();
            free.then_some(a)
        });
        if let Some(a) = earlier {
            pairs.push((a, t));
        }
    }
    pairs
}

fn diff_table(a: &Table, t: &Table, table_map: &BTreeMap<&str, &str>, out: &mut Vec<Change>) {
    let table = t.name.clone();
    let actual_table = a.name.clone();
    // Columns: by name, else by a declared earlier name.
    let mut columns: Vec<(&Column, &Column)> = Vec::new();
    for tc in &t.columns {
        if let Some(ac) = a.column(&tc.name) {
            columns.push((ac, tc));
        }
    }
    for tc in &t.columns {
        if columns.iter().any(|(_, c)| c.name == tc.name) {
            continue;
        }
        let earlier = tc.renamed_from.iter().find_map(|old| {
            let ac = a.column(old)?;
            let free = !columns.iter().any(|(c, _)| c.name == ac.name) && t.column(old).is_none();
            free.then_some(ac)
        });
        if let Some(ac) = earlier {
            columns.push((ac, tc));
        }
    }
    // Actual column names → target names, to compare keys across renames.
    let col_map: BTreeMap<&str, &str> = columns
        .iter()
        .map(|(ac, tc)| (ac.name.as_str(), tc.name.as_str()))
        .collect();

    for tc in &t.columns {
        match columns.iter().find(|(_, c)| c.name == tc.name) {
            Some((ac, _)) => diff_column(&table, &actual_table, ac, tc, out),
            None => out.push(Change::AddColumn {
                table: table.clone(),
                actual_table: actual_table.clone(),
                column: tc.clone(),
            }),
        }
    }
    for ac in &a.columns {
        if columns.iter().any(|(c, _)| c.name == ac.name) {
            continue;
        }
        // An undeclared NOT NULL column without a default makes every insert
        // of the declared code fail: it loses its NOT NULL, and keeps its data.
        if !ac.nullable && ac.default.is_none() && !ac.serial {
            out.push(Change::DropNotNull {
                table: table.clone(),
                column: ac.name.clone(),
                undeclared: true,
            });
        }
        out.push(Change::Extra(Extra::Column {
            table: table.clone(),
            column: ac.name.clone(),
        }));
    }

    let mapped = |cols: &[String]| -> Vec<String> {
        cols.iter()
            .map(|c| {
                col_map
                    .get(c.as_str())
                    .map_or(c.clone(), |m| (*m).to_owned())
            })
            .collect()
    };
    let at = Some(actual_table.clone());

    // Primary key.
    match (&a.primary_key, &t.primary_key) {
        (Some(ak), Some(tk)) if mapped(&ak.columns) == tk.columns => {
            rename_constraint(&table, &ak.name, &tk.name, out)
        }
        (Some(ak), Some(tk)) => {
            out.push(Change::DropConstraint {
                table: table.clone(),
                name: ak.name.clone(),
            });
            out.push(Change::AddPrimaryKey {
                table: table.clone(),
                actual_table: at.clone(),
                key: tk.clone(),
            });
        }
        (None, Some(tk)) => out.push(Change::AddPrimaryKey {
            table: table.clone(),
            actual_table: at.clone(),
            key: tk.clone(),
        }),
        (Some(ak), None) => out.push(extra_constraint(&table, ak, "primary key")),
        (None, None) => {}
    }
    // Unique keys.
    let mut claimed = vec![false; a.unique.len()];
    for tk in &t.unique {
        let found = a
            .unique
            .iter()
            .enumerate()
            .find(|(i, ak)| !claimed[*i] && mapped(&ak.columns) == tk.columns);
        match found {
            Some((i, ak)) => {
                claimed[i] = true;
                rename_constraint(&table, &ak.name, &tk.name, out);
            }
            None => out.push(Change::AddUnique {
                table: table.clone(),
                actual_table: at.clone(),
                key: tk.clone(),
            }),
        }
    }
    for (i, ak) in a.unique.iter().enumerate() {
        if !claimed[i] {
            out.push(extra_constraint(&table, ak, "unique"));
        }
    }
    // Foreign keys: the same columns, target (through renames) and actions.
    let same_fk = |af: &ForeignKey, tf: &ForeignKey| {
        let ref_table = table_map
            .iter()
            .find(|(_, actual)| **actual == af.ref_table)
            .map_or(af.ref_table.as_str(), |(target, _)| *target);
        mapped(&af.columns) == tf.columns
            && ref_table == tf.ref_table
            && af.on_delete == tf.on_delete
            && af.on_update == tf.on_update
            && ref_columns_match(af, tf)
    };
    let mut claimed = vec![false; a.foreign_keys.len()];
    for tf in &t.foreign_keys {
        let found = a
            .foreign_keys
            .iter()
            .enumerate()
            .find(|(i, af)| !claimed[*i] && same_fk(af, tf));
        match found {
            Some((i, af)) => {
                claimed[i] = true;
                rename_constraint(&table, &af.name, &tf.name, out);
            }
            None => out.push(Change::AddForeignKey {
                table: table.clone(),
                actual_table: at.clone(),
                foreign_key: tf.clone(),
            }),
        }
    }
    for (i, af) in a.foreign_keys.iter().enumerate() {
        if !claimed[i] {
            out.push(Change::Extra(Extra::Constraint {
                table: table.clone(),
                name: af.name.clone(),
                describe: format!(
                    "foreign key ({}) -> {} ({})",
                    af.columns.join(", "),
                    af.ref_table,
                    af.ref_columns.join(", ")
                ),
            }));
        }
    }
    // Indexes.
    let mut claimed = vec![false; a.indexes.len()];
    for ti in &t.indexes {
        let found = a.indexes.iter().enumerate().find(|(i, ai)| {
            !claimed[*i] && mapped(&ai.columns) == ti.columns && ai.unique == ti.unique
        });
        match found {
            Some((i, ai)) => {
                claimed[i] = true;
                if ai.name != ti.name {
                    out.push(Change::RenameIndex {
                        from: ai.name.clone(),
                        to: ti.name.clone(),
                    });
                }
            }
            None => out.push(Change::AddIndex {
                table: table.clone(),
                actual_table: at.clone(),
                index: ti.clone(),
            }),
        }
    }
    for (i, ai) in a.indexes.iter().enumerate() {
        if !claimed[i] {
            out.push(Change::Extra(Extra::Index {
                table: table.clone(),
                name: ai.name.clone(),
                describe: format!(
                    "{}index ({})",
                    if ai.unique { "unique " } else { "" },
                    ai.columns.join(", ")
                ),
            }));
        }
    }
    // Checks.
    let mut claimed = vec![false; a.checks.len()];
    for tc in &t.checks {
        let found = a
            .checks
            .iter()
            .enumerate()
            .find(|(i, ac)| !claimed[*i] && ac.same_as(tc));
        match found {
            Some((i, ac)) => {
                claimed[i] = true;
                rename_constraint(&table, &ac.name, &tc.name, out);
            }
            None => out.push(Change::AddCheck {
                table: table.clone(),
                actual_table: at.clone(),
                check: tc.clone(),
            }),
        }
    }
    for (i, ac) in a.checks.iter().enumerate() {
        if !claimed[i] {
            out.push(Change::Extra(Extra::Constraint {
                table: table.clone(),
                name: ac.name.clone(),
                describe: ac.definition.clone(),
            }));
        }
    }
}

fn ref_columns_match(af: &ForeignKey, tf: &ForeignKey) -> bool {
    // Referenced columns are compared by name; a renamed referenced column
    // is rare enough to rebuild the foreign key.
    af.ref_columns == tf.ref_columns
}

fn rename_constraint(table: &str, from: &str, to: &str, out: &mut Vec<Change>) {
    if from != to {
        out.push(Change::RenameConstraint {
            table: table.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
}

fn extra_constraint(table: &str, key: &Key, kind: &str) -> Change {
    Change::Extra(Extra::Constraint {
        table: table.to_owned(),
        name: key.name.clone(),
        describe: format!("{kind} ({})", key.columns.join(", ")),
    })
}

fn diff_column(table: &str, actual_table: &str, ac: &Column, tc: &Column, out: &mut Vec<Change>) {
    let column = tc.name.clone();
    if ac.name != tc.name {
        out.push(Change::RenameColumn {
            table: table.to_owned(),
            from: ac.name.clone(),
            to: tc.name.clone(),
        });
    }
    if ac.data_type != tc.data_type {
        out.push(Change::AlterType {
            table: table.to_owned(),
            actual_table: actual_table.to_owned(),
            column: column.clone(),
            actual_column: ac.name.clone(),
            from: ac.data_type.clone(),
            to: tc.data_type.clone(),
            default: ac.default.clone(),
        });
    }
    if ac.serial != tc.serial {
        out.push(Change::SetSerial {
            table: table.to_owned(),
            column: column.clone(),
            data_type: tc.data_type.clone(),
            serial: tc.serial,
        });
    }
    let printed = |c: &Column| c.default.as_ref().map(|d| d.printed.clone());
    let type_changed = ac.data_type != tc.data_type;
    // A type change drops the default first and sets the target's after.
    if printed(ac) != printed(tc) || (type_changed && tc.default.is_some()) {
        match &tc.default {
            Some(d) => out.push(Change::SetDefault {
                table: table.to_owned(),
                column: column.clone(),
                default: d.clone(),
            }),
            None if !type_changed && !tc.serial => out.push(Change::DropDefault {
                table: table.to_owned(),
                column: column.clone(),
            }),
            None => {}
        }
    }
    if ac.nullable && !tc.nullable {
        out.push(Change::SetNotNull {
            table: table.to_owned(),
            actual_table: actual_table.to_owned(),
            column: column.clone(),
            actual_column: ac.name.clone(),
            backfill: tc.backfill.clone(),
        });
    }
    if !ac.nullable && tc.nullable {
        out.push(Change::DropNotNull {
            table: table.to_owned(),
            column,
            undeclared: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: SqlType, nullable: bool) -> Column {
        Column::new(name, ty, nullable)
    }

    fn table(name: &str, columns: Vec<Column>) -> Table {
        let mut t = Table::new(name);
        t.columns = columns;
        t.primary_key = Some(Key {
            name: format!("{name}_pkey"),
            columns: vec!["id".into()],
        });
        t
    }

    fn id() -> Column {
        let mut c = col("id", SqlType::Integer, false);
        c.serial = true;
        c
    }

    #[test]
    fn the_same_schema_has_no_change() {
        let s = Schema {
            tables: vec![table("a", vec![id(), col("x", SqlType::Text, true)])],
        };
        assert_eq!(diff(&s, &s), vec![]);
    }

    #[test]
    fn column_order_and_constraint_names_are_no_change_but_names_are_renamed() {
        let actual = Schema {
            tables: vec![table(
                "a",
                vec![
                    col("x", SqlType::Text, true),
                    id(),
                    col("y", SqlType::Text, true),
                ],
            )],
        };
        let mut target = Schema {
            tables: vec![table(
                "a",
                vec![
                    id(),
                    col("y", SqlType::Text, true),
                    col("x", SqlType::Text, true),
                ],
            )],
        };
        assert_eq!(diff(&actual, &target), vec![]);
        target.tables[0].primary_key.as_mut().unwrap().name = "a_id_pk".into();
        assert_eq!(
            diff(&actual, &target),
            vec![Change::RenameConstraint {
                table: "a".into(),
                from: "a_pkey".into(),
                to: "a_id_pk".into()
            }]
        );
    }

    #[test]
    fn declared_renames_keep_the_data() {
        let actual = Schema {
            tables: vec![table(
                "old_t",
                vec![id(), col("old_c", SqlType::Text, true)],
            )],
        };
        let mut t = table("new_t", vec![id(), col("new_c", SqlType::Text, true)]);
        t.renamed_from = vec!["old_t".into()];
        t.columns[1].renamed_from = vec!["old_c".into()];
        t.primary_key.as_mut().unwrap().name = "old_t_pkey".into();
        let changes = diff(&actual, &Schema { tables: vec![t] });
        assert_eq!(
            changes,
            vec![
                Change::RenameTable {
                    from: "old_t".into(),
                    to: "new_t".into()
                },
                Change::RenameColumn {
                    table: "new_t".into(),
                    from: "old_c".into(),
                    to: "new_c".into()
                },
            ]
        );
    }

    #[test]
    fn what_is_not_declared_is_extra_and_a_not_null_one_loses_its_not_null() {
        let mut a = table(
            "a",
            vec![
                id(),
                col("legacy", SqlType::Text, false),
                col("note", SqlType::Text, true),
            ],
        );
        a.indexes.push(Index {
            name: "a_note_idx".into(),
            columns: vec!["note".into()],
            unique: false,
        });
        let actual = Schema {
            tables: vec![a, table("old", vec![id()])],
        };
        let target = Schema {
            tables: vec![table("a", vec![id()])],
        };
        let changes = diff(&actual, &target);
        assert!(changes.contains(&Change::DropNotNull {
            table: "a".into(),
            column: "legacy".into(),
            undeclared: true
        }));
        let extras: Vec<&Extra> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Extra(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(extras.len(), 4, "{extras:?}");
    }
}
