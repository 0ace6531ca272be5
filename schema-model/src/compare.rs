//! The differences between two schema models: what `expected` declares and
//! `actual` lacks or has otherwise. Constraint and index names are not compared.

use std::fmt;

use serde::Serialize;

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
        }
    }
}

/// Every difference between `expected` and `actual`, tables in `expected`'s order.
pub fn compare(expected: &Schema, actual: &Schema) -> Vec<Difference> {
    let mut out = Vec::new();
    for e in &expected.tables {
        match actual.table(&e.name) {
            Some(a) => compare_table(e, a, &mut out),
            None => out.push(Difference::MissingTable {
                table: e.name.clone(),
            }),
        }
    }
    for a in &actual.tables {
        if expected.table(&a.name).is_none() {
            out.push(Difference::UnexpectedTable {
                table: a.name.clone(),
            });
        }
    }
    out
}

fn compare_table(e: &Table, a: &Table, out: &mut Vec<Difference>) {
    let table = || e.name.clone();
    for ec in &e.columns {
        let Some(ac) = a.column(&ec.name) else {
            out.push(Difference::MissingColumn {
                table: table(),
                column: ec.name.clone(),
            });
            continue;
        };
        let column = || ec.name.clone();
        if ec.data_type != ac.data_type {
            out.push(Difference::ColumnType {
                table: table(),
                column: column(),
                expected: ec.data_type.clone(),
                actual: ac.data_type.clone(),
            });
        }
        if ec.nullable != ac.nullable {
            out.push(Difference::Nullability {
                table: table(),
                column: column(),
                expected_nullable: ec.nullable,
            });
        }
        if ec.serial != ac.serial {
            out.push(Difference::Serial {
                table: table(),
                column: column(),
                expected_serial: ec.serial,
            });
        }
        let printed = |c: &crate::model::Column| c.default.as_ref().map(|d| d.printed.clone());
        if printed(ec) != printed(ac) {
            out.push(Difference::Default {
                table: table(),
                column: column(),
                expected: printed(ec),
                actual: printed(ac),
            });
        }
    }
    for ac in &a.columns {
        if e.column(&ac.name).is_none() {
            out.push(Difference::UnexpectedColumn {
                table: table(),
                column: ac.name.clone(),
                blocks_inserts: !ac.nullable && ac.default.is_none() && !ac.serial,
            });
        }
    }
    // Order only means something once both sides hold the same columns.
    let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (en, an) = (names(e), names(a));
    let (mut es, mut as_) = (en.clone(), an.clone());
    es.sort();
    as_.sort();
    if es == as_ && en != an {
        out.push(Difference::ColumnOrder {
            table: table(),
            expected: en,
            actual: an,
        });
    }

    let pk = |t: &Table| t.primary_key.as_ref().map(|k| k.columns.clone());
    if pk(e) != pk(a) {
        out.push(Difference::PrimaryKey {
            table: table(),
            expected: pk(e),
            actual: pk(a),
        });
    }
    for k in &e.unique {
        if !a.unique.iter().any(|o| o.columns == k.columns) {
            out.push(Difference::MissingUnique {
                table: table(),
                columns: k.columns.clone(),
            });
        }
    }
    for k in &a.unique {
        if !e.unique.iter().any(|o| o.columns == k.columns) {
            out.push(Difference::UnexpectedUnique {
                table: table(),
                columns: k.columns.clone(),
            });
        }
    }
    for fk in &e.foreign_keys {
        if !a.foreign_keys.iter().any(|o| same_foreign_key(fk, o)) {
            out.push(Difference::MissingForeignKey {
                table: table(),
                foreign_key: describe(fk),
            });
        }
    }
    for fk in &a.foreign_keys {
        if !e.foreign_keys.iter().any(|o| same_foreign_key(fk, o)) {
            out.push(Difference::UnexpectedForeignKey {
                table: table(),
                foreign_key: describe(fk),
            });
        }
    }
    for c in &e.checks {
        if !a.checks.iter().any(|o| o.same_as(c)) {
            out.push(Difference::MissingCheck {
                table: table(),
                check: c.definition.clone(),
            });
        }
    }
    for c in &a.checks {
        if !e.checks.iter().any(|o| o.same_as(c)) {
            out.push(Difference::UnexpectedCheck {
                table: table(),
                check: c.definition.clone(),
            });
        }
    }
    for ix in &e.indexes {
        if !a
            .indexes
            .iter()
            .any(|o| o.columns == ix.columns && o.unique == ix.unique)
        {
            out.push(Difference::MissingIndex {
                table: table(),
                columns: ix.columns.clone(),
                unique: ix.unique,
            });
        }
    }
    for ix in &a.indexes {
        if !e
            .indexes
            .iter()
            .any(|o| o.columns == ix.columns && o.unique == ix.unique)
        {
            out.push(Difference::UnexpectedIndex {
                table: table(),
                columns: ix.columns.clone(),
                unique: ix.unique,
            });
        }
    }
}

fn same_foreign_key(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
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
