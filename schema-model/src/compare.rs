//! The differences between two schema models, as a reader wants them listed:
//! what `expected` declares and `actual` lacks or has otherwise. They are
//! the typed changes of [`diff`](crate::diff) — the same ones a plan is made
//! of — told as differences, so that `status` and `migrate` never disagree
//! on what differs; only column order is looked at here, because no plan
//! changes it. Constraint and index names are not differences (a plan only
//! renames).

use std::fmt;

use serde::Serialize;

use crate::diff::{diff, Change, Extra};
use crate::model::{ForeignKey, Schema, Table};
use schema_core::SqlType;

/// One way in which `actual` differs from `expected`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    MissingTable {
        table: String,
    },
    UnexpectedTable {
        table: String,
    },
    MissingColumn {
        table: String,
        column: String,
    },
    UnexpectedColumn {
        table: String,
        column: String,
        /// NOT NULL without a default: every insert of the declared code fails.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        blocks_inserts: bool,
    },
    ColumnOrder {
        table: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    ColumnType {
        table: String,
        column: String,
        #[serde(serialize_with = "display")]
        expected: SqlType,
        #[serde(serialize_with = "display")]
        actual: SqlType,
    },
    Nullability {
        table: String,
        column: String,
        expected_nullable: bool,
    },
    Serial {
        table: String,
        column: String,
        expected_serial: bool,
    },
    Default {
        table: String,
        column: String,
        expected: Option<String>,
        actual: Option<String>,
    },
    PrimaryKey {
        table: String,
        expected: Option<Vec<String>>,
        actual: Option<Vec<String>>,
    },
    MissingUnique {
        table: String,
        columns: Vec<String>,
    },
    UnexpectedUnique {
        table: String,
        columns: Vec<String>,
    },
    MissingForeignKey {
        table: String,
        foreign_key: String,
    },
    UnexpectedForeignKey {
        table: String,
        foreign_key: String,
    },
    MissingCheck {
        table: String,
        check: String,
    },
    UnexpectedCheck {
        table: String,
        check: String,
    },
    MissingIndex {
        table: String,
        columns: Vec<String>,
        unique: bool,
    },
    UnexpectedIndex {
        table: String,
        columns: Vec<String>,
        unique: bool,
    },
    /// A table or column under another name, renamed by the plan (declared
    /// `renamed_from`, or renamed by hand and found by its shape).
    Renamed {
        table: String,
        from: String,
        to: String,
    },
    /// Something the model reads beyond names and types that differs: a
    /// collation, identity, a generated expression, persistence, a key's
    /// deferral or validity (each said in words).
    Property {
        table: String,
        what: String,
    },
    /// A trigger, rule, row level security, policy or exclusion constraint
    /// the database has and the schema does not declare.
    UnexpectedBehaviour {
        table: String,
        what: String,
    },
    /// One the schema has (a database compared with another) and this lacks.
    MissingBehaviour {
        table: String,
        what: String,
    },
}

impl Difference {
    /// Something the database has and the schema does not declare: reported,
    /// kept by migrations unless asked to remove it, and not a reason to call
    /// the database out of date.
    pub fn is_extra(&self) -> bool {
        matches!(
            self,
            Difference::UnexpectedTable { .. }
                | Difference::UnexpectedColumn {
                    blocks_inserts: false,
                    ..
                }
                | Difference::UnexpectedUnique { .. }
                | Difference::UnexpectedForeignKey { .. }
                | Difference::UnexpectedIndex { .. }
                | Difference::UnexpectedCheck { .. }
                | Difference::UnexpectedBehaviour { .. }
                | Difference::PrimaryKey { expected: None, .. }
        )
    }
}

fn display<S: serde::Serializer>(value: &SqlType, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Difference::*;
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        match self {
            MissingTable { table } => write!(f, "table {table}: missing"),
            UnexpectedTable { table } => write!(f, "table {table}: not in the schema"),
            MissingColumn { table, column } => write!(f, "{table}.{column}: missing"),
            UnexpectedColumn {
                table,
                column,
                blocks_inserts,
            } => write!(
                f,
                "{table}.{column}: not in the schema{}",
                if *blocks_inserts {
                    ", and NOT NULL without a default: every insert of the declared code fails"
                } else {
                    ""
                }
            ),
            ColumnOrder {
                table,
                expected,
                actual,
            } => write!(
                f,
                "table {table}: columns in order ({}), expected ({})",
                actual.join(", "),
                expected.join(", ")
            ),
            ColumnType {
                table,
                column,
                expected,
                actual,
            } => {
                write!(f, "{table}.{column}: type {actual}, expected {expected}")
            }
            Nullability {
                table,
                column,
                expected_nullable,
            } => write!(
                f,
                "{table}.{column}: {}, expected {}",
                if *expected_nullable {
                    "NOT NULL"
                } else {
                    "nullable"
                },
                if *expected_nullable {
                    "nullable"
                } else {
                    "NOT NULL"
                }
            ),
            Serial {
                table,
                column,
                expected_serial,
            } => write!(
                f,
                "{table}.{column}: {}serial, expected {}serial",
                if *expected_serial { "not " } else { "" },
                if *expected_serial { "" } else { "not " }
            ),
            Default {
                table,
                column,
                expected,
                actual,
            } => write!(
                f,
                "{table}.{column}: default {}, expected {}",
                opt(actual),
                opt(expected)
            ),
            PrimaryKey {
                table,
                expected,
                actual,
            } => write!(
                f,
                "table {table}: primary key {}, expected {}",
                actual
                    .as_ref()
                    .map_or("none".to_owned(), |c| format!("({})", c.join(", "))),
                expected
                    .as_ref()
                    .map_or("none".to_owned(), |c| format!("({})", c.join(", ")))
            ),
            MissingUnique { table, columns } => {
                write!(f, "table {table}: unique ({}) missing", columns.join(", "))
            }
            UnexpectedUnique { table, columns } => {
                write!(
                    f,
                    "table {table}: unique ({}) not in the schema",
                    columns.join(", ")
                )
            }
            MissingForeignKey { table, foreign_key } => {
                write!(f, "table {table}: foreign key {foreign_key} missing")
            }
            UnexpectedForeignKey { table, foreign_key } => {
                write!(
                    f,
                    "table {table}: foreign key {foreign_key} not in the schema"
                )
            }
            MissingCheck { table, check } => write!(f, "table {table}: {check} missing"),
            UnexpectedCheck { table, check } => {
                write!(f, "table {table}: {check} not in the schema")
            }
            MissingIndex {
                table,
                columns,
                unique,
            } => write!(
                f,
                "table {table}: {}index ({}) missing",
                if *unique { "unique " } else { "" },
                columns.join(", ")
            ),
            UnexpectedIndex {
                table,
                columns,
                unique,
            } => write!(
                f,
                "table {table}: {}index ({}) not in the schema",
                if *unique { "unique " } else { "" },
                columns.join(", ")
            ),
            Renamed { table, from, to } if table == to => {
                write!(f, "table {table}: named {from}")
            }
            Renamed { table, from, to } => write!(f, "{table}.{to}: named {from}"),
            Property { table, what } => write!(f, "table {table}: {what}"),
            UnexpectedBehaviour { table, what } => {
                write!(f, "table {table}: {what} not in the schema")
            }
            MissingBehaviour { table, what } => write!(f, "table {table}: {what} missing"),
        }
    }
}

/// Every difference between `expected` and `actual`, tables in `expected`'s
/// order: the changes a plan from `actual` to `expected` is made of, told as
/// differences, and column order.
pub fn compare(expected: &Schema, actual: &Schema) -> Vec<Difference> {
    let changes = diff(actual, expected);
    let mut out: Vec<Difference> = changes
        .iter()
        .flat_map(|c| told(c, actual, &changes))
        .collect();
    for e in &expected.tables {
        if let Some(a) = actual.table(&e.name) {
            column_order(e, a, &mut out);
        }
    }
    out
}

/// The database's table behind a target table name (through a rename).
fn actual_table<'a>(actual: &'a Schema, changes: &[Change], table: &str) -> Option<&'a Table> {
    let renamed = changes.iter().find_map(|c| match c {
        Change::RenameTable { from, to, .. } if to == table => Some(from.as_str()),
        _ => None,
    });
    actual.table(renamed.unwrap_or(table))
}

/// One change as the differences it stands for (none for a rename of a
/// constraint or index: names are not differences).
fn told(change: &Change, actual: &Schema, changes: &[Change]) -> Vec<Difference> {
    use Difference as D;
    let t = |table: &String| table.clone();
    let in_db = |table: &str| actual_table(actual, changes, table);
    let printed = |table: &str, column: &str| {
        in_db(table)
            .and_then(|a| a.column(column))
            .and_then(|c| c.default.as_ref().map(|d| d.printed.clone()))
    };
    let property = |table: &String, what: String| {
        vec![D::Property {
            table: t(table),
            what,
        }]
    };
    match change {
        Change::CreateTable { table } => vec![D::MissingTable {
            table: table.name.clone(),
        }],
        Change::RenameTable { from, to, .. } => vec![D::Renamed {
            table: to.clone(),
            from: from.clone(),
            to: to.clone(),
        }],
        Change::RenameColumn {
            table, from, to, ..
        } => vec![D::Renamed {
            table: t(table),
            from: from.clone(),
            to: to.clone(),
        }],
        Change::AddColumn { table, column, .. } => vec![D::MissingColumn {
            table: t(table),
            column: column.name.clone(),
        }],
        Change::AlterType {
            table,
            column,
            from,
            to,
            ..
        } => vec![D::ColumnType {
            table: t(table),
            column: column.clone(),
            expected: to.clone(),
            actual: from.clone(),
        }],
        Change::SetNotNull { table, column, .. } => vec![D::Nullability {
            table: t(table),
            column: column.clone(),
            expected_nullable: false,
        }],
        Change::DropNotNull {
            table,
            column,
            undeclared: false,
        } => vec![D::Nullability {
            table: t(table),
            column: column.clone(),
            expected_nullable: true,
        }],
        // Said by the undeclared column itself (it blocks inserts).
        Change::DropNotNull { .. } => vec![],
        Change::SetSerial {
            table,
            column,
            serial,
            ..
        } => vec![D::Serial {
            table: t(table),
            column: column.clone(),
            expected_serial: *serial,
        }],
        Change::SetDefault {
            table,
            column,
            default,
        } => vec![D::Default {
            table: t(table),
            column: column.clone(),
            expected: Some(default.printed.clone()),
            actual: printed(table, column),
        }],
        Change::DropDefault { table, column } => vec![D::Default {
            table: t(table),
            column: column.clone(),
            expected: None,
            actual: printed(table, column),
        }],
        Change::SetCollation {
            table,
            column,
            collation,
            ..
        } => property(
            table,
            format!(
                "{column}: another collation, expected {}",
                collation.as_deref().unwrap_or("its type's")
            ),
        ),
        Change::SetIdentity {
            table, column, to, ..
        } => property(
            table,
            format!(
                "{column}: {}",
                match to {
                    Some(kind) => format!("expected GENERATED {} AS IDENTITY", kind.as_sql()),
                    None => "an identity column, not declared so".to_owned(),
                }
            ),
        ),
        Change::SetGenerated {
            table, column, to, ..
        } => property(
            table,
            format!(
                "{column}: {}",
                match &to.generated {
                    Some(expr) => format!("expected GENERATED ALWAYS AS ({expr}) STORED"),
                    None => "a generated column, not declared so".to_owned(),
                }
            ),
        ),
        Change::SetLogged { table, logged } => property(
            table,
            if *logged {
                "UNLOGGED (emptied after a crash), expected logged".to_owned()
            } else {
                "logged, expected UNLOGGED".to_owned()
            },
        ),
        Change::SetDeferral {
            table,
            name,
            deferral,
        } => property(
            table,
            format!(
                "foreign key {name}: checked {}",
                if deferral.is_immediate() {
                    "at commit (deferrable), expected at each statement"
                } else {
                    "at each statement, expected deferrable"
                }
            ),
        ),
        Change::ValidateConstraint { table, name, .. } => property(
            table,
            format!("constraint {name} was added NOT VALID: old rows were never checked"),
        ),
        Change::AddBehaviour { table, behaviour } => vec![D::MissingBehaviour {
            table: t(table),
            what: format!("{} {}", behaviour.kind.as_str(), behaviour.name),
        }],
        Change::AddPrimaryKey { table, key, .. } => vec![D::PrimaryKey {
            table: t(table),
            expected: Some(key.columns.clone()),
            actual: in_db(table).and_then(|a| a.primary_key.as_ref().map(|k| k.columns.clone())),
        }],
        Change::AddUnique { table, key, .. } => vec![D::MissingUnique {
            table: t(table),
            columns: key.columns.clone(),
        }],
        Change::AddForeignKey {
            table, foreign_key, ..
        } => vec![D::MissingForeignKey {
            table: t(table),
            foreign_key: describe(foreign_key),
        }],
        Change::AddIndex { table, index, .. } => vec![D::MissingIndex {
            table: t(table),
            columns: index.columns.clone(),
            unique: index.unique,
        }],
        Change::AddCheck { table, check, .. } => vec![D::MissingCheck {
            table: t(table),
            check: check.definition.clone(),
        }],
        Change::RenameConstraint { .. } | Change::RenameIndex { .. } => vec![],
        // What goes because it changes shape or holds a name: the database's
        // object, not in the schema as it is.
        Change::DropConstraint { table, name } => in_db(table)
            .map(|a| unexpected_constraint(a, &t(table), name))
            .unwrap_or_default(),
        Change::DropIndex { name } => actual
            .tables
            .iter()
            .flat_map(|a| a.indexes.iter().map(move |ix| (a, ix)))
            .filter(|(_, ix)| &ix.name == name)
            .map(|(a, ix)| D::UnexpectedIndex {
                table: a.name.clone(),
                columns: ix.columns.clone(),
                unique: ix.unique,
            })
            .collect(),
        Change::Extra(extra) => match extra {
            Extra::Table { table, .. } => vec![D::UnexpectedTable { table: t(table) }],
            Extra::Column { table, column } => {
                let blocks_inserts = in_db(table)
                    .and_then(|a| a.column(column))
                    .is_some_and(|c| {
                        !c.nullable && c.default.is_none() && !c.serial && c.identity.is_none()
                    });
                vec![D::UnexpectedColumn {
                    table: t(table),
                    column: column.clone(),
                    blocks_inserts,
                }]
            }
            Extra::Constraint { table, name, .. } => in_db(table)
                .map(|a| unexpected_constraint(a, &t(table), name))
                .unwrap_or_default(),
            Extra::Index { table, name, .. } => in_db(table)
                .and_then(|a| a.indexes.iter().find(|ix| &ix.name == name))
                .map(|ix| D::UnexpectedIndex {
                    table: t(table),
                    columns: ix.columns.clone(),
                    unique: ix.unique,
                })
                .into_iter()
                .collect(),
            Extra::Behaviour { table, behaviour } => vec![D::UnexpectedBehaviour {
                table: t(table),
                what: format!("{} {}", behaviour.kind.as_str(), behaviour.name),
            }],
        },
    }
}

/// The database's constraint `name` on table `a`, as a difference.
fn unexpected_constraint(a: &Table, table: &str, name: &str) -> Vec<Difference> {
    let table = table.to_owned();
    if a.primary_key.as_ref().is_some_and(|k| k.name == name) {
        return vec![]; // a primary key that changes is told by the one added
    }
    if let Some(k) = a.unique.iter().find(|k| k.name == name) {
        return vec![Difference::UnexpectedUnique {
            table,
            columns: k.columns.clone(),
        }];
    }
    if let Some(fk) = a.foreign_keys.iter().find(|k| k.name == name) {
        return vec![Difference::UnexpectedForeignKey {
            table,
            foreign_key: describe(fk),
        }];
    }
    if let Some(c) = a.checks.iter().find(|c| c.name == name) {
        return vec![Difference::UnexpectedCheck {
            table,
            check: c.definition.clone(),
        }];
    }
    vec![]
}

/// Column order, which no plan changes: told when both sides hold the same
/// columns in another order.
fn column_order(e: &Table, a: &Table, out: &mut Vec<Difference>) {
    let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (en, an) = (names(e), names(a));
    let (mut es, mut as_) = (en.clone(), an.clone());
    es.sort();
    as_.sort();
    if es == as_ && en != an {
        out.push(Difference::ColumnOrder {
            table: e.name.clone(),
            expected: en,
            actual: an,
        });
    }
}

/// `(client_id) -> clients (id) ON DELETE CASCADE`
pub fn describe(fk: &ForeignKey) -> String {
    format!(
        "({}) -> {} ({}) ON DELETE {} ON UPDATE {}",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", "),
        fk.on_delete.as_sql(),
        fk.on_update.as_sql()
    )
}
