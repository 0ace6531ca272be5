//! The `'static` metadata `#[derive(Table)]` emits, and the traits it implements.

use std::marker::PhantomData;

use crate::types::SqlType;

/// Which database of the application a table lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DbKind {
    /// The one master database: users, organizations, the tenant registry.
    Master,
    /// Every tenant database: one per organization.
    Tenant,
}

impl DbKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            DbKind::Master => "master",
            DbKind::Tenant => "tenant",
        }
    }
}

impl std::fmt::Display for DbKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Type-level database marker, so that the compiler can refuse a foreign key
/// from a table of one database to a table of another.
pub trait Database: 'static {
    const KIND: DbKind;
}

/// The master database (`#[table(db = master)]`).
pub struct Master;
/// A tenant database (`#[table(db = tenant)]`).
pub struct Tenant;

impl Database for Master {
    const KIND: DbKind = DbKind::Master;
}
impl Database for Tenant {
    const KIND: DbKind = DbKind::Tenant;
}

/// A struct declared with `#[derive(Table)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a table",
    label = "not a `#[derive(Table)]` struct",
    note = "only structs with `#[derive(Table)]` can be referenced or listed in a schema"
)]
pub trait Table: Sized + 'static {
    /// The database this table belongs to ([`Master`] or [`Tenant`]).
    type Db: Database;
    /// The SQL name of the table.
    const NAME: &'static str;
    /// Everything about the table: columns, keys, indexes, foreign keys.
    const DEF: &'static TableDef;
}

/// A typed handle on one column: `Client::email` is a `Column<Client, String>`.
///
/// `V` is the column's value type without `Option`; foreign keys compare it.
pub struct Column<T, V> {
    /// SQL name of the column.
    pub name: &'static str,
    /// SQL name of its table.
    pub table: &'static str,
    _marker: PhantomData<fn() -> (T, V)>,
}

impl<T, V> Column<T, V> {
    #[doc(hidden)]
    pub const fn new(table: &'static str, name: &'static str) -> Self {
        Column {
            name,
            table,
            _marker: PhantomData,
        }
    }
}

impl<T, V> Clone for Column<T, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, V> Copy for Column<T, V> {}

impl<T, V> std::fmt::Debug for Column<T, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table, self.name)
    }
}

/// Metadata of one table, as declared.
#[derive(Debug)]
pub struct TableDef {
    pub name: &'static str,
    pub db: DbKind,
    /// Name of the Rust struct, for messages and docs.
    pub rust_name: &'static str,
    pub columns: &'static [ColumnDef],
    /// Primary key columns, in key order; empty when the table has none.
    pub primary_key: &'static [&'static str],
    /// Unique constraints, each a list of columns.
    pub unique: &'static [&'static [&'static str]],
    pub indexes: &'static [IndexDef],
    pub foreign_keys: &'static [ForeignKeyDef],
    /// CHECK constraints, as declared with `#[table(check(name = ..., sql = ...))]`.
    pub checks: &'static [CheckDef],
    /// Earlier names of this table, so that a migration renames instead of
    /// dropping and creating.
    pub renamed_from: &'static [&'static str],
}

impl TableDef {
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Metadata of one column, as declared.
#[derive(Debug)]
pub struct ColumnDef {
    pub name: &'static str,
    pub sql_type: SqlType,
    pub nullable: bool,
    /// `serial` / `smallserial` / `bigserial`: an owned sequence supplies the value.
    pub serial: bool,
    pub default: Option<DefaultDef>,
    /// Earlier names of this column, so that a migration renames instead of dropping.
    pub renamed_from: &'static [&'static str],
    /// `backfill = sql("...")`: the value existing rows get when a migration
    /// needs one (a new NOT NULL column without default, NULLs before SET NOT NULL).
    pub backfill: Option<&'static str>,
    /// The `fake` annotation, if any, for factories.
    pub fake: Option<&'static str>,
}

impl ColumnDef {
    /// An insert must give this column: NOT NULL, no default, not serial.
    pub const fn is_required(&self) -> bool {
        !self.nullable && self.default.is_none() && !self.serial
    }
}

/// A column default, as declared with `#[column(default = ...)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultDef {
    /// `default = now`: `now()`.
    Now,
    /// A numeric or boolean literal as written: `0`, `1.00`, `-5`, `true`.
    Literal(&'static str),
    /// A string literal; its SQL type is the column's: `'trial'::character varying`.
    Text(&'static str),
    /// `default = sql("...")`: a raw SQL expression, rendered verbatim.
    Sql(&'static str),
}

/// Referential action of a foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FkAction {
    #[serde(rename = "NO ACTION")]
    NoAction,
    #[serde(rename = "RESTRICT")]
    Restrict,
    #[serde(rename = "CASCADE")]
    Cascade,
    #[serde(rename = "SET NULL")]
    SetNull,
    #[serde(rename = "SET DEFAULT")]
    SetDefault,
}

impl FkAction {
    pub const fn as_sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key, as declared with `#[column(references = Other::col)]`.
#[derive(Debug)]
pub struct ForeignKeyDef {
    pub columns: &'static [&'static str],
    pub ref_table: &'static str,
    pub ref_columns: &'static [&'static str],
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

/// A CHECK constraint, as declared with `#[table(check(name = "...", sql = "..."))]`.
#[derive(Debug)]
pub struct CheckDef {
    pub name: &'static str,
    /// The boolean expression, as written (without `CHECK (...)`).
    pub sql: &'static str,
}

/// A secondary index, as declared with `#[column(index)]` or `#[table(index(...))]`.
#[derive(Debug)]
pub struct IndexDef {
    pub columns: &'static [&'static str],
    pub unique: bool,
}

/// All the tables of one database, checked when the constant is built:
/// listing a table of the other database, or one table twice, fails to compile.
#[derive(Debug)]
pub struct SchemaDef {
    pub db: DbKind,
    pub tables: &'static [&'static TableDef],
}

impl SchemaDef {
    pub const fn new(db: DbKind, tables: &'static [&'static TableDef]) -> SchemaDef {
        let mut i = 0;
        while i < tables.len() {
            if tables[i].db as u8 != db as u8 {
                panic!("a table of another database is listed in this schema");
            }
            let mut j = 0;
            while j < i {
                if str_eq(tables[i].name, tables[j].name) {
                    panic!("a table is listed twice in this schema");
                }
                j += 1;
            }
            i += 1;
        }
        SchemaDef { db, tables }
    }

    pub fn table(&self, name: &str) -> Option<&'static TableDef> {
        self.tables.iter().copied().find(|t| t.name == name)
    }
}

/// A set of columns declared once (`#[derive(ColumnGroup)]`) and flattened
/// into tables with `#[column(flatten)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column group",
    label = "flattened here",
    note = "add `#[derive(ColumnGroup)]` to `{Self}`, whose fields are then columns of each table that flattens it"
)]
pub trait ColumnGroup {}

/// An identifier as written without its `r#` (`r#type` → `type`), in a
/// `const` context: `schema!` names a table `type` as `r#type`.
pub const fn unraw(ident: &str) -> &str {
    let bytes = ident.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'r' && bytes[1] == b'#' {
        let (_, rest) = bytes.split_at(2);
        if let Ok(rest) = core::str::from_utf8(rest) {
            return rest;
        }
    }
    ident
}

/// `a == b`, in a `const` context.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_identifiers_lose_their_prefix_only() {
        const TYPE: &str = unraw("r#type");
        assert_eq!(TYPE, "type");
        assert_eq!(unraw("rooms"), "rooms");
        assert_eq!(unraw("r#"), "r#");
        assert!(str_eq(unraw("r#match"), "match"));
    }
}
