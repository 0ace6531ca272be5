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

use crate::model::{
    Behaviour, BehaviourKind, Check, Column, ColumnDefault, Deferral, ForeignKey, Identity, Index,
    Key, Schema, Table,
};

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
        /// Not declared (`renamed_from`): the only unmatched table of the
        /// target's shape, renamed by hand.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        by_shape: bool,
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
        /// Not declared: the only undeclared column of the only missing
        /// one's type, renamed by hand.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        by_shape: bool,
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
        /// The sequence the column owns or its default draws from already:
        /// reused (owned, restarted past the largest value), never created
        /// again under its taken name.
        #[serde(skip_serializing_if = "Option::is_none")]
        existing_sequence: Option<String>,
    },
    /// A column's collation changes (back to its type's default: `None`).
    SetCollation {
        table: String,
        column: String,
        #[serde(serialize_with = "display")]
        data_type: SqlType,
        collation: Option<String>,
    },
    /// An identity column becomes plain (or serial, by a `SetSerial` after
    /// it), or a column becomes an identity.
    SetIdentity {
        table: String,
        column: String,
        from: Option<Identity>,
        to: Option<Identity>,
        /// The column had a serial default (dropped, with its sequence,
        /// before the identity is added).
        was_serial: bool,
        /// The target column is serial (its sequence follows the drop).
        to_serial: bool,
    },
    /// A generated column becomes a plain one (its values stay), or a
    /// column is replaced by a generated one.
    SetGenerated {
        table: String,
        column: String,
        actual_table: String,
        from: Option<String>,
        /// The target column (its definition, when it becomes generated).
        to: Column,
    },
    /// `ALTER TABLE ... SET LOGGED` (or `UNLOGGED`).
    SetLogged {
        table: String,
        logged: bool,
    },
    /// A foreign key to be checked at each statement again (or deferred).
    SetDeferral {
        table: String,
        name: String,
        deferral: Deferral,
    },
    /// A constraint added `NOT VALID`: its old rows are checked now.
    ValidateConstraint {
        table: String,
        actual_table: String,
        name: String,
        /// The foreign key (for its orphan check), or the check.
        foreign_key: Option<ForeignKey>,
        check: Option<Check>,
    },
    /// A trigger, rule, policy, row level security or exclusion constraint
    /// the target has (`diff --from --to` only: the derive declares none).
    AddBehaviour {
        table: String,
        behaviour: Behaviour,
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
        /// It changes what the declared statements do (a foreign key: a
        /// RESTRICT beside the declared CASCADE refuses deletes).
        changes_behaviour: bool,
    },
    /// Listed, never drift: an index changes no statement's result.
    Index {
        table: String,
        name: String,
        describe: String,
    },
    /// A trigger, rule, row level security, policy or exclusion constraint.
    Behaviour {
        table: String,
        behaviour: Behaviour,
    },
}

impl Extra {
    /// Whether it changes what the application's statements do (then the
    /// database is drifted, not merely carrying extras).
    pub fn changes_behaviour(&self) -> bool {
        match self {
            Extra::Table { .. } | Extra::Column { .. } | Extra::Index { .. } => false,
            Extra::Constraint {
                changes_behaviour, ..
            } => *changes_behaviour,
            // Policies do nothing while row level security is off; the
            // row-security entry itself says when it is on.
            Extra::Behaviour { behaviour, .. } => behaviour.kind != BehaviourKind::Policy,
        }
    }
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
        .map(|(a, t, _)| (t.name.as_str(), a.name.as_str()))
        .collect();
    for t in &target.tables {
        match tables.iter().find(|(_, tt, _)| tt.name == t.name) {
            Some((a, _, by_shape)) => {
                if a.name != t.name {
                    out.push(Change::RenameTable {
                        from: a.name.clone(),
                        to: t.name.clone(),
                        by_shape: *by_shape,
                    });
                }
                diff_table(a, t, &table_map, &mut out);
            }
            None => {
                out.push(Change::CreateTable { table: t.clone() });
                // What `CREATE TABLE` cannot say, once the table exists.
                out.extend(t.behaviours.iter().map(|b| Change::AddBehaviour {
                    table: t.name.clone(),
                    behaviour: b.clone(),
                }));
            }
        }
    }
    for a in &actual.tables {
        if !tables.iter().any(|(aa, _, _)| aa.name == a.name) {
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
/// by a declared earlier name that the database still has, else by shape (a
/// table renamed by hand: the only unmatched table with exactly the target's
/// column names and types), with whether the pair was found by shape.
fn match_tables<'a>(actual: &'a Schema, target: &'a Schema) -> Vec<(&'a Table, &'a Table, bool)> {
    let mut pairs: Vec<(&Table, &Table, bool)> = Vec::new();
    for t in &target.tables {
        if let Some(a) = actual.table(&t.name) {
            pairs.push((a, t, false));
        }
    }
    for t in &target.tables {
        if pairs.iter().any(|(_, tt, _)| tt.name == t.name) {
            continue;
        }
        let earlier = t.renamed_from.iter().find_map(|old| {
            let a = actual.table(old)?;
            let free =
                !pairs.iter().any(|(aa, _, _)| aa.name == a.name) && target.table(old).is_none();
            free.then_some(a)
        });
        if let Some(a) = earlier {
            pairs.push((a, t, false));
        }
    }
    let shape = |t: &Table| {
        let mut cols: Vec<(String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.data_type.to_string()))
            .collect();
        cols.sort();
        cols
    };
    let unmatched_actual = |pairs: &[(&Table, &Table, bool)]| -> Vec<&'a Table> {
        actual
            .tables
            .iter()
            .filter(|a| !pairs.iter().any(|(aa, _, _)| aa.name == a.name))
            .filter(|a| target.table(&a.name).is_none())
            .collect()
    };
    for t in &target.tables {
        if pairs.iter().any(|(_, tt, _)| tt.name == t.name) || t.columns.is_empty() {
            continue;
        }
        let candidates: Vec<&Table> = unmatched_actual(&pairs)
            .into_iter()
            .filter(|a| shape(a) == shape(t))
            .collect();
        let rivals = target
            .tables
            .iter()
            .filter(|o| o.name != t.name && shape(o) == shape(t))
            .count();
        if let ([a], 0) = (candidates.as_slice(), rivals) {
            pairs.push((a, t, true));
        }
    }
    pairs
}

fn diff_table(a: &Table, t: &Table, table_map: &BTreeMap<&str, &str>, out: &mut Vec<Change>) {
    let table = t.name.clone();
    let actual_table = a.name.clone();
    // Columns: by name, else by a declared earlier name, else by shape (the
    // only undeclared column of the type of the only missing one: renamed by
    // hand, its values kept instead of stranded beside an empty column).
    let mut columns: Vec<(&Column, &Column, bool)> = Vec::new();
    for tc in &t.columns {
        if let Some(ac) = a.column(&tc.name) {
            columns.push((ac, tc, false));
        }
    }
    for tc in &t.columns {
        if columns.iter().any(|(_, c, _)| c.name == tc.name) {
            continue;
        }
        let earlier = tc.renamed_from.iter().find_map(|old| {
            let ac = a.column(old)?;
            let free =
                !columns.iter().any(|(c, _, _)| c.name == ac.name) && t.column(old).is_none();
            free.then_some(ac)
        });
        if let Some(ac) = earlier {
            columns.push((ac, tc, false));
        }
    }
    let missing: Vec<&Column> = t
        .columns
        .iter()
        .filter(|tc| !columns.iter().any(|(_, c, _)| c.name == tc.name))
        .collect();
    let undeclared: Vec<&Column> = a
        .columns
        .iter()
        .filter(|ac| !columns.iter().any(|(c, _, _)| c.name == ac.name))
        .collect();
    if let ([tc], [ac]) = (missing.as_slice(), undeclared.as_slice()) {
        if tc.data_type == ac.data_type {
            columns.push((ac, tc, true));
        }
    }
    // Actual column names → target names, to compare keys across renames.
    let col_map: BTreeMap<&str, &str> = columns
        .iter()
        .map(|(ac, tc, _)| (ac.name.as_str(), tc.name.as_str()))
        .collect();

    if a.unlogged != t.unlogged {
        out.push(Change::SetLogged {
            table: table.clone(),
            logged: !t.unlogged,
        });
    }
    for tc in &t.columns {
        match columns.iter().find(|(_, c, _)| c.name == tc.name) {
            Some((ac, _, by_shape)) => diff_column(&table, &actual_table, ac, tc, *by_shape, out),
            None => out.push(Change::AddColumn {
                table: table.clone(),
                actual_table: actual_table.clone(),
                column: tc.clone(),
            }),
        }
    }
    for ac in &a.columns {
        if columns.iter().any(|(c, _, _)| c.name == ac.name) {
            continue;
        }
        // An undeclared NOT NULL column without a default makes every insert
        // of the declared code fail: it loses its NOT NULL, and keeps its data.
        if !ac.nullable && ac.default.is_none() && !ac.serial && ac.identity.is_none() {
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
    // Names this plan gives to new constraints and indexes of the table: an
    // unmatched object of the database holding one goes first (else the
    // statement that adds the declared one fails on the name).
    let mut wanted: Vec<&str> = Vec::new();
    let drop_or_extra = |name: &str, wanted: &[&str], extra: Change, out: &mut Vec<Change>| {
        if wanted.contains(&name) {
            match extra {
                Change::Extra(Extra::Index { .. }) => out.push(Change::DropIndex {
                    name: name.to_owned(),
                }),
                _ => out.push(Change::DropConstraint {
                    table: table.clone(),
                    name: name.to_owned(),
                }),
            }
        } else {
            out.push(extra);
        }
    };

    // Primary key: the same columns, checked at each statement.
    let same_key = |ak: &Key, tk: &Key| {
        mapped(&ak.columns) == tk.columns
            && ak.deferral == tk.deferral
            && ak.nulls_not_distinct == tk.nulls_not_distinct
    };
    match (&a.primary_key, &t.primary_key) {
        (Some(ak), Some(tk)) if same_key(ak, tk) => {
            rename_constraint(&table, &ak.name, &tk.name, out)
        }
        (Some(ak), Some(tk)) => {
            let add = Change::AddPrimaryKey {
                table: table.clone(),
                actual_table: at.clone(),
                key: tk.clone(),
            };
            remake(&table, &ak.name, add, out);
        }
        (None, Some(tk)) => {
            wanted.push(&tk.name);
            out.push(Change::AddPrimaryKey {
                table: table.clone(),
                actual_table: at.clone(),
                key: tk.clone(),
            })
        }
        (Some(ak), None) => out.push(extra_constraint(&table, ak, "primary key")),
        (None, None) => {}
    }
    // Unique keys; one that changed its deferral or NULL handling is made again.
    let mut claimed = vec![false; a.unique.len()];
    for tk in &t.unique {
        let found = a
            .unique
            .iter()
            .enumerate()
            .find(|(i, ak)| !claimed[*i] && mapped(&ak.columns) == tk.columns);
        match found {
            Some((i, ak)) if same_key(ak, tk) => {
                claimed[i] = true;
                rename_constraint(&table, &ak.name, &tk.name, out);
            }
            Some((i, ak)) => {
                claimed[i] = true;
                let add = Change::AddUnique {
                    table: table.clone(),
                    actual_table: at.clone(),
                    key: tk.clone(),
                };
                remake(&table, &ak.name, add, out);
            }
            None => {
                wanted.push(&tk.name);
                out.push(Change::AddUnique {
                    table: table.clone(),
                    actual_table: at.clone(),
                    key: tk.clone(),
                })
            }
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
    let mut fk_claimed = vec![false; a.foreign_keys.len()];
    for tf in &t.foreign_keys {
        let found = a
            .foreign_keys
            .iter()
            .enumerate()
            .find(|(i, af)| !fk_claimed[*i] && same_fk(af, tf));
        match found {
            // Its checks disabled: made again, so that every row is checked.
            Some((i, af)) if !af.enforced => {
                fk_claimed[i] = true;
                let add = Change::AddForeignKey {
                    table: table.clone(),
                    actual_table: at.clone(),
                    foreign_key: tf.clone(),
                };
                remake(&table, &af.name, add, out);
            }
            Some((i, af)) => {
                fk_claimed[i] = true;
                rename_constraint(&table, &af.name, &tf.name, out);
                if af.deferral != tf.deferral {
                    out.push(Change::SetDeferral {
                        table: table.clone(),
                        name: tf.name.clone(),
                        deferral: tf.deferral,
                    });
                }
                if !af.valid && tf.valid {
                    out.push(Change::ValidateConstraint {
                        table: table.clone(),
                        actual_table: actual_table.clone(),
                        name: tf.name.clone(),
                        foreign_key: Some(tf.clone()),
                        check: None,
                    });
                }
            }
            None => {
                wanted.push(&tf.name);
                out.push(Change::AddForeignKey {
                    table: table.clone(),
                    actual_table: at.clone(),
                    foreign_key: tf.clone(),
                })
            }
        }
    }
    // Indexes: plain ones by their columns (through renames), others by
    // their whole definition.
    let same_index = |ai: &Index, ti: &Index| {
        ai.unique == ti.unique
            && if ai.is_plain() && ti.is_plain() {
                mapped(&ai.columns) == ti.columns
            } else {
                ai.definition == ti.definition
            }
    };
    let mut ix_claimed = vec![false; a.indexes.len()];
    for ti in &t.indexes {
        let found = a
            .indexes
            .iter()
            .enumerate()
            .find(|(i, ai)| !ix_claimed[*i] && same_index(ai, ti));
        match found {
            Some((i, ai)) => {
                ix_claimed[i] = true;
                if ai.name != ti.name {
                    out.push(Change::RenameIndex {
                        from: ai.name.clone(),
                        to: ti.name.clone(),
                    });
                }
            }
            None => {
                wanted.push(&ti.name);
                out.push(Change::AddIndex {
                    table: table.clone(),
                    actual_table: at.clone(),
                    index: ti.clone(),
                })
            }
        }
    }
    // Checks.
    let mut ck_claimed = vec![false; a.checks.len()];
    for tc in &t.checks {
        let found = a
            .checks
            .iter()
            .enumerate()
            .find(|(i, ac)| !ck_claimed[*i] && ac.same_as(tc));
        match found {
            Some((i, ac)) => {
                ck_claimed[i] = true;
                rename_constraint(&table, &ac.name, &tc.name, out);
                if !ac.valid && tc.valid {
                    out.push(Change::ValidateConstraint {
                        table: table.clone(),
                        actual_table: actual_table.clone(),
                        name: tc.name.clone(),
                        foreign_key: None,
                        check: Some(tc.clone()),
                    });
                }
            }
            None => {
                wanted.push(&tc.name);
                out.push(Change::AddCheck {
                    table: table.clone(),
                    actual_table: at.clone(),
                    check: tc.clone(),
                })
            }
        }
    }
    // Constraint and index names share one name space per table (indexes:
    // per schema): what is left unmatched is extra, or goes first when it
    // holds a name the plan gives.
    for (i, ak) in a.unique.iter().enumerate() {
        if !claimed[i] {
            drop_or_extra(
                &ak.name,
                &wanted,
                extra_constraint(&table, ak, "unique"),
                out,
            );
        }
    }
    for (i, af) in a.foreign_keys.iter().enumerate() {
        if !fk_claimed[i] {
            let extra = Change::Extra(Extra::Constraint {
                table: table.clone(),
                name: af.name.clone(),
                describe: format!(
                    "foreign key ({}) -> {} ({}) ON DELETE {}",
                    af.columns.join(", "),
                    af.ref_table,
                    af.ref_columns.join(", "),
                    af.on_delete.as_sql()
                ),
                changes_behaviour: true,
            });
            drop_or_extra(&af.name, &wanted, extra, out);
        }
    }
    for (i, ai) in a.indexes.iter().enumerate() {
        if !ix_claimed[i] {
            let extra = Change::Extra(Extra::Index {
                table: table.clone(),
                name: ai.name.clone(),
                describe: format!(
                    "{}index {}",
                    if ai.unique { "unique " } else { "" },
                    ai.definition
                ),
            });
            drop_or_extra(&ai.name, &wanted, extra, out);
        }
    }
    for (i, ac) in a.checks.iter().enumerate() {
        if !ck_claimed[i] {
            let extra = Change::Extra(Extra::Constraint {
                table: table.clone(),
                name: ac.name.clone(),
                describe: ac.definition.clone(),
                changes_behaviour: false,
            });
            drop_or_extra(&ac.name, &wanted, extra, out);
        }
    }
    // Behaviours: the target's by kind, name and definition; the others extra.
    for b in &a.behaviours {
        if !t.behaviours.contains(b) {
            out.push(Change::Extra(Extra::Behaviour {
                table: table.clone(),
                behaviour: b.clone(),
            }));
        }
    }
    for b in &t.behaviours {
        if !a.behaviours.contains(b) {
            out.push(Change::AddBehaviour {
                table: table.clone(),
                behaviour: b.clone(),
            });
        }
    }
}

fn ref_columns_match(af: &ForeignKey, tf: &ForeignKey) -> bool {
    // Referenced columns are compared by name; a renamed referenced column
    // is rare enough to rebuild the foreign key.
    af.ref_columns == tf.ref_columns
}

/// A constraint made again: the database's goes first, the target's is added.
fn remake(table: &str, name: &str, add: Change, out: &mut Vec<Change>) {
    out.push(Change::DropConstraint {
        table: table.to_owned(),
        name: name.to_owned(),
    });
    out.push(add);
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
        // Listed, like an undeclared check or unique index: what makes a
        // database drifted is what silently changes statements (triggers,
        // rules, row security, a second foreign key's action).
        changes_behaviour: false,
    })
}

fn diff_column(
    table: &str,
    actual_table: &str,
    ac: &Column,
    tc: &Column,
    by_shape: bool,
    out: &mut Vec<Change>,
) {
    let column = tc.name.clone();
    if ac.name != tc.name {
        out.push(Change::RenameColumn {
            table: table.to_owned(),
            from: ac.name.clone(),
            to: tc.name.clone(),
            by_shape,
        });
    }
    if ac.generated != tc.generated {
        out.push(Change::SetGenerated {
            table: table.to_owned(),
            column: column.clone(),
            actual_table: actual_table.to_owned(),
            from: ac.generated.clone(),
            to: tc.clone(),
        });
        if tc.generated.is_some() {
            // The column is made anew from the target: nothing else to align.
            return;
        }
    }
    // An identity goes before the column changes; one comes after them
    // (it needs the column NOT NULL first).
    let identity = (ac.identity != tc.identity).then(|| Change::SetIdentity {
        table: table.to_owned(),
        column: column.clone(),
        from: ac.identity,
        to: tc.identity,
        was_serial: ac.serial,
        to_serial: tc.serial,
    });
    let identity_added = ac.identity.is_none() && tc.identity.is_some();
    if !identity_added {
        out.extend(identity.clone());
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
    if ac.collation != tc.collation {
        out.push(Change::SetCollation {
            table: table.to_owned(),
            column: column.clone(),
            data_type: tc.data_type.clone(),
            collation: tc.collation.clone(),
        });
    }
    // From serial to identity, the identity step drops the sequence.
    if ac.serial != tc.serial && (tc.serial || identity.is_none()) {
        // Made serial: the sequence the column owns (the one its serial
        // had), else the one its default draws from; none after an
        // identity, whose sequence went with it.
        let existing_sequence = if !tc.serial || ac.identity.is_some() {
            None
        } else {
            ac.owned_sequence
                .clone()
                .or_else(|| ac.default.as_ref().and_then(ColumnDefault::sequence))
        };
        out.push(Change::SetSerial {
            table: table.to_owned(),
            column: column.clone(),
            data_type: tc.data_type.clone(),
            serial: tc.serial,
            existing_sequence,
        });
    }
    let printed = |c: &Column| c.default.as_ref().map(|d| d.printed.clone());
    let type_changed = ac.data_type != tc.data_type;
    // A serial column's default is its sequence's: the SetSerial step sets it.
    let serial_set = tc.serial && !ac.serial;
    // A type change drops the default first and sets the target's after.
    if !serial_set && (printed(ac) != printed(tc) || (type_changed && tc.default.is_some())) {
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
    if identity_added {
        out.extend(identity);
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
        t.primary_key = Some(Key::new(format!("{name}_pkey"), vec!["id".into()]));
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
                    to: "new_t".into(),
                    by_shape: false
                },
                Change::RenameColumn {
                    table: "new_t".into(),
                    from: "old_c".into(),
                    to: "new_c".into(),
                    by_shape: false
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
        a.indexes
            .push(Index::new("a_note_idx", vec!["note".into()], false));
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
