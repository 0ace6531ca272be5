//! What the generated code calls. Not a public API: names and signatures may
//! change with any release of `schema-macros`, which is released in lock-step.

#[cfg(feature = "factories")]
pub use fake;
/// A step of a table's expansion through its column groups.
pub use schema_macros::__table_with_groups as table_with_groups;
pub use sqlx;

/// The future of a builder's insert.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

pub use crate::def::{str_eq, unraw};
pub use crate::insert::{insert_returning_key, insert_returning_row, Values};
pub use crate::literal::{
    now_default, text_default, BoolDefault, DecimalDefault, IntegerDefault, NowDefault, TextDefault,
};

use crate::def::{Column, Database, Table};
use crate::types::{NumericType, SqlType, TextType};

/// Both sides of a foreign key live in the same database.
#[diagnostic::on_unimplemented(
    message = "a foreign key cannot cross databases: this table is in `{Other}`, the referenced table in `{Self}`",
    label = "references a table of another database",
    note = "master and tenant tables live in separate PostgreSQL databases; keep the id as a plain column instead"
)]
pub trait SameDatabase<Other> {}
impl<D: Database> SameDatabase<D> for D {}

/// `(foreign key column type, referenced column type)` agree. rustc 1.95 resolves
/// this single-impl bound into a type mismatch (E0271, "expected `i64`, found
/// `i32`" at the referenced column), so the message below is a fallback.
#[diagnostic::on_unimplemented(
    message = "a foreign key column and the column it references must have the same type; here they are `{Self}`",
    label = "this column has another type",
    note = "the pair reads (this column's type, referenced column's type)"
)]
pub trait SameValueType {}
impl<V> SameValueType for (V, V) {}

/// A typed column handle, seen through associated types so that the compiler
/// reads the referenced column's type off the argument instead of inferring it.
pub trait ColumnRef {
    type Table;
    type Value;
}
impl<T, V> ColumnRef for Column<T, V> {
    type Table = T;
    type Value = V;
}

/// Type-checks `references = Target::column` from a column of table `S` whose
/// value type is `V`, and hands the column back for its name.
pub const fn foreign_key<S, V, C>(target: C) -> C
where
    S: Table,
    C: ColumnRef,
    C::Table: Table,
    <C::Table as Table>::Db: SameDatabase<S::Db>,
    (V, C::Value): SameValueType,
{
    target
}

pub const fn varchar<T: TextType + ?Sized>(len: u32) -> SqlType {
    SqlType::Varchar(Some(len))
}

pub const fn numeric<T: NumericType + ?Sized>(precision: u16, scale: u16) -> SqlType {
    SqlType::Numeric(Some((precision, scale)))
}

pub fn parse_text_enum<E: crate::TextEnum>(text: &str) -> Result<E, crate::UnknownValue> {
    E::from_text(text).ok_or_else(|| crate::UnknownValue {
        value: text.to_owned(),
        expected: E::VALUES,
    })
}

/// What a table of a `schema!` is: with factories, one that has one.
#[cfg(feature = "factories")]
pub trait SchemaTable: crate::HasFactory {}
#[cfg(feature = "factories")]
impl<T: crate::HasFactory> SchemaTable for T {}
#[cfg(not(feature = "factories"))]
pub trait SchemaTable: crate::Table {}
#[cfg(not(feature = "factories"))]
impl<T: crate::Table> SchemaTable for T {}

/// The metadata of a table whose derive failed (the errors say why).
pub static ERROR_TABLE: crate::TableDef = crate::TableDef {
    name: "",
    db: crate::DbKind::Tenant,
    rust_name: "",
    columns: &[],
    primary_key: &[],
    unique: &[],
    indexes: &[],
    foreign_keys: &[],
    checks: &[],
    renamed_from: &[],
};
