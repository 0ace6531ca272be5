//! Column values seen through one object-safe trait, so that the generated
//! code of a table is a single visitor over its fields ([`Columns::visit`])
//! and everything done with the values (binary `COPY`, `UNNEST` arrays) is
//! compiled once per value *type*, here, instead of once per column.

use std::any::Any;

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgArguments};
use sqlx::{Arguments, Encode, Postgres, Type};

/// A row's fields, in column order: implemented by `#[derive(Table)]`.
pub trait Columns {
    fn visit(&self, f: &mut dyn FnMut(&dyn ColumnValue));
}

/// Any value a column can hold, as the factory runtime handles it.
pub trait ColumnValue: Send + Sync {
    /// The value in PostgreSQL's binary format (what `COPY ... (FORMAT binary)` reads).
    fn encode(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError>;
    /// An empty array of this value's type, for `UNNEST`.
    fn new_array(&self, capacity: usize) -> Box<dyn ColumnArray>;
    fn as_any(&self) -> &dyn Any;
}

impl<T> ColumnValue for T
where
    T: for<'q> Encode<'q, Postgres> + Type<Postgres> + Clone + Send + Sync + 'static,
    Vec<T>: for<'q> Encode<'q, Postgres> + Type<Postgres>,
{
    fn encode(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        self.encode_by_ref(buf)
    }

    fn new_array(&self, capacity: usize) -> Box<dyn ColumnArray> {
        Box::new(Array::<T>(Vec::with_capacity(capacity)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One column's values of a batch, bound as one array parameter.
pub trait ColumnArray: Send {
    /// Append `value`, which has this array's element type.
    fn push(&mut self, value: &dyn ColumnValue);
    fn bind(self: Box<Self>, args: &mut PgArguments) -> Result<(), BoxDynError>;
}

struct Array<T>(Vec<T>);

impl<T> ColumnArray for Array<T>
where
    T: Clone + Send + 'static,
    Vec<T>: for<'q> Encode<'q, Postgres> + Type<Postgres>,
{
    fn push(&mut self, value: &dyn ColumnValue) {
        let value = value
            .as_any()
            .downcast_ref::<T>()
            .expect("a column holds values of one type");
        self.0.push(value.clone());
    }

    fn bind(self: Box<Self>, args: &mut PgArguments) -> Result<(), BoxDynError> {
        args.add(self.0)
    }
}
