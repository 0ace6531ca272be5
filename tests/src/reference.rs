//! The reference schema (`fixtures/reference/v1`, copied from the real
//! application) read into the model, for comparison with what we build.

use schema_core::{DbKind, SqlType};
use schema_model::model::{Column, ColumnDefault, ForeignKey, Index, Key, Schema, Table};
use serde::Deserialize;

#[derive(Deserialize)]
struct RefSchema {
    tables: Vec<RefTable>,
}

#[derive(Deserialize)]
struct RefTable {
    name: String,
    columns: Vec<RefColumn>,
    primary_key: Option<Key>,
    unique: Vec<Key>,
    foreign_keys: Vec<ForeignKey>,
    indexes: Vec<RefIndex>,
}

#[derive(Deserialize)]
struct RefColumn {
    name: String,
    #[serde(rename = "type")]
    data_type: String,
    nullable: bool,
    default: Option<String>,
    serial: bool,
}

#[derive(Deserialize)]
struct RefIndex {
    name: String,
    columns: Vec<String>,
    unique: bool,
    constraint: Option<String>,
}

/// The fixture's JSON text for `db`.
pub fn json(db: DbKind) -> &'static str {
    match db {
        DbKind::Master => include_str!("../fixtures/reference/v1/master.json"),
        DbKind::Tenant => include_str!("../fixtures/reference/v1/tenant.json"),
    }
}

/// The reference schema of `db` in the model's terms: a serial column's
/// `nextval(...)` default folds into `serial`, and indexes that back a
/// constraint are left to the constraint.
pub fn load(db: DbKind) -> Schema {
    let raw: RefSchema = serde_json::from_str(json(db)).expect("reference JSON");
    Schema {
        tables: raw
            .tables
            .into_iter()
            .map(|t| {
                let mut table = Table::new(&t.name);
                table.columns = t
                    .columns
                    .into_iter()
                    .map(|c| {
                        let mut column =
                            Column::new(&c.name, SqlType::parse(&c.data_type), c.nullable);
                        column.default =
                            c.default.filter(|_| !c.serial).map(ColumnDefault::printed);
                        column.serial = c.serial;
                        column
                    })
                    .collect();
                table.primary_key = t.primary_key;
                table.unique = t.unique;
                table.foreign_keys = t.foreign_keys;
                table.indexes = t
                    .indexes
                    .into_iter()
                    .filter(|i| i.constraint.is_none())
                    .map(|i| Index::new(i.name, i.columns, i.unique))
                    .collect();
                table
            })
            .collect(),
    }
}
