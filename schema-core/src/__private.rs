//! What the generated code calls. Not a public API: names and signatures may
//! change with any release of `schema-macros`, which is released in lock-step.

pub use sqlx;

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

/// A foreign key column of type `Self` may reference a column of type `Target`.
#[diagnostic::on_unimplemented(
    message = "a foreign key column of type `{Self}` cannot reference a column of type `{Target}`",
    label = "the referenced column has type `{Target}`",
    note = "a foreign key and the column it references must have the same type"
)]
pub trait ReferenceType<Target> {}
impl<V> ReferenceType<V> for V {}

/// Type-checks `references = Target::column` from a column of table `S` whose
/// value type is `V`, and hands the column back for its name.
pub const fn foreign_key<S, V, T, W>(target: Column<T, W>) -> Column<T, W>
where
    S: Table,
    T: Table,
    T::Db: SameDatabase<S::Db>,
    V: ReferenceType<W>,
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

/// Stands in for the database of a table whose derive failed, so that tables
/// referencing it report nothing more.
pub struct ErrorDb;
impl Database for ErrorDb {
    const KIND: crate::DbKind = crate::DbKind::Tenant;
}
impl SameDatabase<ErrorDb> for crate::Master {}
impl SameDatabase<ErrorDb> for crate::Tenant {}
impl SameDatabase<crate::Master> for ErrorDb {}
impl SameDatabase<crate::Tenant> for ErrorDb {}

pub static ERROR_TABLE: crate::TableDef = crate::TableDef {
    name: "",
    db: crate::DbKind::Tenant,
    rust_name: "",
    columns: &[],
    primary_key: &[],
    unique: &[],
    indexes: &[],
    foreign_keys: &[],
};
