//! Column values seen through one object-safe trait, so that the generated
//! code of a table is one slice of its fields ([`Columns::visit`])
//! and everything done with the values (binary `COPY`, `UNNEST` arrays) is
//! compiled once per value *type*, here, instead of once per column.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgTypeInfo};
use sqlx::{Arguments, Encode, Postgres, Type};

/// A row's fields, in column order: implemented by `#[derive(Table)]`.
pub trait Columns {
    /// Hands `f` every field at once, as one slice: a single call in the
    /// generated code, where a call per field cost the borrow checker more
    /// than the builders' whole `FromRow` (docs/benchmarks.md).
    fn visit(&self, f: &mut dyn FnMut(&[&dyn ColumnValue]));
}

/// Any value a column can hold, as the factory runtime handles it.
pub trait ColumnValue: Send + Sync {
    /// The value in PostgreSQL's binary format (what `COPY ... (FORMAT binary)` reads).
    fn encode(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError>;
    /// The value's type and the type of an array of it, for `UNNEST`.
    fn types(&self) -> (PgTypeInfo, PgTypeInfo);
}

impl<T> ColumnValue for T
where
    T: for<'q> Encode<'q, Postgres> + Type<Postgres> + Send + Sync,
    Vec<T>: Type<Postgres>,
{
    fn encode(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        self.encode_by_ref(buf)
    }

    fn types(&self) -> (PgTypeInfo, PgTypeInfo) {
        (T::type_info(), <Vec<T>>::type_info())
    }
}

/// One column's values of a batch, bound as one array parameter. Built from
/// each value's own binary encoding, in PostgreSQL's array format, so that
/// no code is compiled per value type for it (sqlx's `Vec<T>` encoding
/// would be, once per column type, for every crate of tables).
pub(crate) struct ColumnArray {
    element: PgTypeInfo,
    array: PgTypeInfo,
    len: usize,
    /// The elements, each as a length (`-1`: NULL) then its bytes.
    elements: PgArgumentBuffer,
}

impl ColumnArray {
    /// An empty array of `first`'s type.
    pub(crate) fn of(first: &dyn ColumnValue) -> ColumnArray {
        let (element, array) = first.types();
        ColumnArray {
            element,
            array,
            len: 0,
            elements: PgArgumentBuffer::default(),
        }
    }

    /// Append `value`, which has this array's element type.
    pub(crate) fn push(&mut self, value: &dyn ColumnValue) -> Result<(), BoxDynError> {
        encode_field(&mut self.elements, value)?;
        self.len += 1;
        Ok(())
    }

    pub(crate) fn bind(self, args: &mut PgArguments) -> Result<(), BoxDynError> {
        args.add(self)
    }
}

impl Encode<'_, Postgres> for ColumnArray {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        // Every type a column may have is built in, so its OID is fixed.
        let element = self
            .element
            .oid()
            .ok_or_else(|| format!("no fixed OID for the type `{}`", self.element))?;
        let len = i32::try_from(self.len).map_err(|_| "too many rows for one array")?;
        buf.extend_from_slice(&1_i32.to_be_bytes()); // dimensions
        buf.extend_from_slice(&0_i32.to_be_bytes()); // flags
        buf.extend_from_slice(&element.0.to_be_bytes());
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(&1_i32.to_be_bytes()); // lower bound
        buf.extend_from_slice(&self.elements);
        Ok(IsNull::No)
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(self.array.clone())
    }
}

impl Type<Postgres> for ColumnArray {
    /// Stands in only: every array says its own type (`produces`).
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("unknown")
    }
}

/// `value` as one field of binary `COPY` or one element of an array: its
/// length (`-1` for NULL), then its bytes.
pub(crate) fn encode_field(
    buf: &mut PgArgumentBuffer,
    value: &dyn ColumnValue,
) -> Result<(), BoxDynError> {
    let at = buf.len();
    buf.extend_from_slice(&[0; 4]);
    let len = match value.encode(buf)? {
        IsNull::Yes => -1,
        IsNull::No => i32::try_from(buf.len() - at - 4).map_err(|_| "a value over 2 GiB")?,
    };
    buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};
    use rust_decimal::Decimal;
    use sqlx::types::Json;

    /// The array as sqlx would have sent it: the same bytes and type.
    fn same_as_sqlx<T>(values: Vec<T>)
    where
        T: ColumnValue + for<'q> Encode<'q, Postgres> + Type<Postgres> + std::fmt::Debug,
        Vec<T>: for<'q> Encode<'q, Postgres> + Type<Postgres>,
    {
        let mut array = ColumnArray::of(&values[0]);
        for value in &values {
            array.push(value).unwrap();
        }
        let mut ours = PgArgumentBuffer::default();
        assert!(matches!(
            array.encode_by_ref(&mut ours).unwrap(),
            IsNull::No
        ));
        let mut theirs = PgArgumentBuffer::default();
        assert!(matches!(
            values.encode_by_ref(&mut theirs).unwrap(),
            IsNull::No
        ));
        assert_eq!(&ours[..], &theirs[..], "{values:?}");
        assert_eq!(array.produces(), Some(<Vec<T>>::type_info()), "{values:?}");
    }

    #[test]
    fn an_array_is_encoded_as_sqlx_encodes_it() {
        same_as_sqlx(vec![1_i32, -7, i32::MAX]);
        same_as_sqlx(vec![Some(3_i64), None, Some(-1)]);
        same_as_sqlx(vec![None::<i16>, None]);
        same_as_sqlx(vec![true, false]);
        same_as_sqlx(vec!["Ana".to_owned(), String::new(), "Zoë".to_owned()]);
        same_as_sqlx(vec![None, Some("Lyon".to_owned())]);
        same_as_sqlx(vec![Decimal::new(12345, 2), Decimal::ZERO]);
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        same_as_sqlx(vec![day, NaiveDate::MIN]);
        let at: NaiveDateTime = day.and_hms_opt(15, 4, 5).unwrap();
        same_as_sqlx(vec![Some(at), None]);
        same_as_sqlx(vec![uuid::Uuid::nil(), uuid::Uuid::from_u128(7)]);
        same_as_sqlx(vec![Json(vec!["a".to_owned()]), Json(vec![])]);
        same_as_sqlx(vec![None, Some(serde_json::json!({"k": [1, 2]}))]);
    }
}
