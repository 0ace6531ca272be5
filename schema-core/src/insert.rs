//! The runtime of the generated insert builders: the values given so far, the
//! `INSERT ... RETURNING` statement, and the typestate markers.

use std::fmt::Write;

use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Arguments, Encode, FromRow, PgExecutor, Postgres, Type};

use crate::__private::BoxFuture;
use crate::def::{Table, TableDef};
use crate::ident::quote;

/// Typestate of a required column the builder has not been given yet.
pub struct Unset;
/// Typestate of a required column the builder has been given.
pub struct Set;

/// A value a builder setter accepts for a column holding `T`: `T` itself, and
/// the usual conveniences (`&str` for text, a bare value for a nullable column).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in this column, which holds `{T}`",
    label = "expected a value convertible to `{T}`"
)]
pub trait IntoValue<T> {
    fn into_value(self) -> T;
}

impl<T> IntoValue<T> for T {
    fn into_value(self) -> T {
        self
    }
}
impl<T> IntoValue<Option<T>> for T {
    fn into_value(self) -> Option<T> {
        Some(self)
    }
}
impl IntoValue<String> for &str {
    fn into_value(self) -> String {
        self.to_owned()
    }
}
impl IntoValue<Option<String>> for &str {
    fn into_value(self) -> Option<String> {
        Some(self.to_owned())
    }
}

/// A value that can be bound as a query parameter, whatever its type.
pub trait BindValue: Send {
    fn add_to(self: Box<Self>, args: &mut PgArguments) -> Result<(), BoxDynError>;
}

impl<T> BindValue for T
where
    T: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send + 'static,
{
    fn add_to(self: Box<Self>, args: &mut PgArguments) -> Result<(), BoxDynError> {
        args.add(*self)
    }
}

/// The values of one row, by column position; unset columns are left out of
/// the `INSERT` so that PostgreSQL applies their defaults.
pub struct Values {
    slots: Vec<Option<Box<dyn BindValue>>>,
}

impl Values {
    pub fn new(columns: usize) -> Values {
        Values {
            slots: (0..columns).map(|_| None).collect(),
        }
    }

    /// Set column `column`; setting it again replaces the earlier value.
    pub fn set<V: BindValue + 'static>(mut self, column: usize, value: V) -> Values {
        self.slots[column] = Some(Box::new(value));
        self
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2) RETURNING <returning>` and its arguments.
    fn into_statement(
        self,
        table: &TableDef,
        returning: &str,
    ) -> Result<(String, PgArguments), sqlx::Error> {
        let mut sql = format!("INSERT INTO {}", quote(table.name));
        let mut args = PgArguments::default();
        let mut names = Vec::new();
        for (column, slot) in table.columns.iter().zip(self.slots) {
            if let Some(value) = slot {
                value.add_to(&mut args).map_err(sqlx::Error::Encode)?;
                names.push(quote(column.name));
            }
        }
        if names.is_empty() {
            sql.push_str(" DEFAULT VALUES");
        } else {
            write!(sql, " ({}) VALUES (", names.join(", ")).unwrap();
            for i in 1..=names.len() {
                write!(sql, "{}${i}", if i > 1 { ", " } else { "" }).unwrap();
            }
            sql.push(')');
        }
        write!(sql, " RETURNING {returning}").unwrap();
        Ok((sql, args))
    }
}

/// The declared columns, for `RETURNING`: a row decodes by these names even if
/// the database holds more.
fn column_list(table: &TableDef) -> String {
    table
        .columns
        .iter()
        .map(|c| quote(c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Insert one row and return it decoded as the table struct.
///
/// Boxed here, not at the call: that the future is `Send` is then proven once,
/// for any table, instead of once per generated builder.
pub fn insert_returning_row<'e, T, E>(
    executor: E,
    values: Values,
) -> BoxFuture<'e, Result<T, sqlx::Error>>
where
    T: Table + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'e,
    E: PgExecutor<'e> + 'e,
{
    Box::pin(async move {
        let (sql, args) = values.into_statement(T::DEF, &column_list(T::DEF))?;
        sqlx::query_as_with::<_, T, _>(&sql, args)
            .fetch_one(executor)
            .await
    })
}

/// Insert one row and return the value of its one-column primary key.
pub fn insert_returning_key<'e, T, K, E>(
    executor: E,
    values: Values,
) -> BoxFuture<'e, Result<K, sqlx::Error>>
where
    T: Table,
    K: for<'r> sqlx::Decode<'r, Postgres> + Type<Postgres> + Send + Unpin + 'e,
    E: PgExecutor<'e> + 'e,
{
    Box::pin(async move {
        let key = quote(T::DEF.primary_key[0]).into_owned();
        let (sql, args) = values.into_statement(T::DEF, &key)?;
        sqlx::query_scalar_with::<_, K, _>(&sql, args)
            .fetch_one(executor)
            .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ColumnDef, DbKind, SqlType};

    static TABLE: TableDef = TableDef {
        name: "user",
        db: DbKind::Master,
        rust_name: "User",
        columns: &[
            ColumnDef {
                name: "id",
                sql_type: SqlType::Integer,
                nullable: false,
                serial: true,
                default: None,
                renamed_from: &[],
                backfill: None,
                fake: None,
            },
            ColumnDef {
                name: "email",
                sql_type: SqlType::Text,
                nullable: false,
                serial: false,
                default: None,
                renamed_from: &[],
                backfill: None,
                fake: None,
            },
            ColumnDef {
                name: "order",
                sql_type: SqlType::Integer,
                nullable: true,
                serial: false,
                default: None,
                renamed_from: &[],
                backfill: None,
                fake: None,
            },
        ],
        primary_key: &["id"],
        unique: &[],
        indexes: &[],
        foreign_keys: &[],
        checks: &[],
        renamed_from: &[],
    };

    #[test]
    fn statement_lists_only_the_given_columns() {
        let values = Values::new(3)
            .set(2, Some(5))
            .set(1, "a".to_owned())
            .set(2, None::<i32>);
        let (sql, _) = values.into_statement(&TABLE, "id").unwrap();
        assert_eq!(
            sql,
            "INSERT INTO \"user\" (email, \"order\") VALUES ($1, $2) RETURNING id"
        );
        let (sql, _) = Values::new(3).into_statement(&TABLE, "id").unwrap();
        assert_eq!(sql, "INSERT INTO \"user\" DEFAULT VALUES RETURNING id");
    }
}
