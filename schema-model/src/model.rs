//! The owned schema model: what a compiled schema declares and what an
//! introspected database holds, in one shape so that the two can be compared.

use serde::{Deserialize, Serialize};

use schema_core::ident::{quote_literal, truncate};
use schema_core::SqlType;
use schema_core::{DefaultDef, FkAction, SchemaDef, TableDef};

/// The tables of one database.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// In column order.
    pub columns: Vec<Column>,
    pub primary_key: Option<Key>,
    pub unique: Vec<Key>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes that do not back a primary key or unique constraint.
    pub indexes: Vec<Index>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type", with = "sql_type_text")]
    pub data_type: SqlType,
    pub nullable: bool,
    /// The default as PostgreSQL prints it (`'trial'::character varying`);
    /// `None` for a serial column, whose `nextval(...)` is implied by `serial`.
    pub default: Option<String>,
    pub serial: bool,
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

impl Schema {
    /// The model of a compiled schema, with constraint names and printed defaults
    /// computed as PostgreSQL will show them.
    pub fn from_def(def: &SchemaDef) -> Schema {
        Schema {
            tables: def.tables.iter().map(|t| Table::from_def(t)).collect(),
        }
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Table {
    pub fn from_def(def: &TableDef) -> Table {
        let name = def.name;
        let joined = |cols: &[&str]| cols.join("_");
        Table {
            name: name.to_owned(),
            columns: def
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.to_owned(),
                    data_type: c.sql_type.clone(),
                    nullable: c.nullable,
                    default: c.default.map(|d| printed_default(d, &c.sql_type)),
                    serial: c.serial,
                })
                .collect(),
            primary_key: (!def.primary_key.is_empty()).then(|| Key {
                name: truncate(format!("{name}_pkey")),
                columns: strings(def.primary_key),
            }),
            unique: def
                .unique
                .iter()
                .map(|cols| Key {
                    name: truncate(format!("{name}_{}_unique", joined(cols))),
                    columns: strings(cols),
                })
                .collect(),
            foreign_keys: def
                .foreign_keys
                .iter()
                .map(|fk| ForeignKey {
                    name: truncate(format!(
                        "{name}_{}_{}_{}_fk",
                        joined(fk.columns),
                        fk.ref_table,
                        joined(fk.ref_columns)
                    )),
                    columns: strings(fk.columns),
                    ref_table: fk.ref_table.to_owned(),
                    ref_columns: strings(fk.ref_columns),
                    on_delete: fk.on_delete,
                    on_update: fk.on_update,
                })
                .collect(),
            indexes: def
                .indexes
                .iter()
                .map(|ix| Index {
                    name: truncate(format!("{name}_{}_idx", joined(ix.columns))),
                    columns: strings(ix.columns),
                    unique: ix.unique,
                })
                .collect(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A declared default as PostgreSQL prints it back from `pg_get_expr`.
pub fn printed_default(default: DefaultDef, ty: &SqlType) -> String {
    match default {
        DefaultDef::Now => "now()".to_owned(),
        // A negative constant is stored as a typed string literal: `'-1'::integer`.
        DefaultDef::Literal(lit) if lit.starts_with('-') => {
            format!("{}::{}", quote_literal(lit), ty.base_name())
        }
        DefaultDef::Literal(lit) => lit.to_owned(),
        DefaultDef::Text(text) => format!("{}::{}", quote_literal(text), ty.base_name()),
        DefaultDef::Sql(expr) => expr.to_owned(),
    }
}

/// A declared default as it is written in `CREATE TABLE`.
pub fn default_sql(default: DefaultDef) -> String {
    match default {
        DefaultDef::Now => "now()".to_owned(),
        DefaultDef::Literal(lit) => lit.to_owned(),
        DefaultDef::Text(text) => quote_literal(text),
        DefaultDef::Sql(expr) => expr.to_owned(),
    }
}

mod sql_type_text {
    use super::SqlType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ty: &SqlType, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(ty)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SqlType, D::Error> {
        Ok(SqlType::parse(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_print_like_postgres() {
        let varchar = SqlType::Varchar(Some(50));
        assert_eq!(
            printed_default(DefaultDef::Text("trial"), &varchar),
            "'trial'::character varying"
        );
        assert_eq!(
            printed_default(DefaultDef::Text("[]"), &SqlType::Jsonb),
            "'[]'::jsonb"
        );
        assert_eq!(
            printed_default(DefaultDef::Literal("-1"), &SqlType::Integer),
            "'-1'::integer"
        );
        assert_eq!(
            printed_default(
                DefaultDef::Literal("20.00"),
                &SqlType::Numeric(Some((5, 2)))
            ),
            "20.00"
        );
        assert_eq!(
            printed_default(DefaultDef::Now, &SqlType::Timestamp),
            "now()"
        );
        assert_eq!(default_sql(DefaultDef::Text("it's")), "'it''s'");
    }
}
