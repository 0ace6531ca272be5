//! From Rust field types to PostgreSQL column types.

use std::borrow::Cow;
use std::fmt;

/// A PostgreSQL column type, printed as `format_type` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SqlType {
    SmallInt,
    Integer,
    BigInt,
    Boolean,
    Text,
    /// `character varying(n)`; `None` only when read back from a database.
    Varchar(Option<u32>),
    /// `numeric(precision, scale)`; `None` only when read back from a database.
    Numeric(Option<(u16, u16)>),
    Timestamp,
    Timestamptz,
    Date,
    Jsonb,
    Json,
    Uuid,
    /// Any other type read back from a database, as `format_type` printed it.
    Other(Cow<'static, str>),
}

impl SqlType {
    /// Parse `format_type` output; unknown types are kept as [`SqlType::Other`].
    pub fn parse(s: &str) -> SqlType {
        let s = s.trim();
        match s {
            "smallint" => return SqlType::SmallInt,
            "integer" => return SqlType::Integer,
            "bigint" => return SqlType::BigInt,
            "boolean" => return SqlType::Boolean,
            "text" => return SqlType::Text,
            "character varying" => return SqlType::Varchar(None),
            "numeric" => return SqlType::Numeric(None),
            "timestamp without time zone" => return SqlType::Timestamp,
            "timestamp with time zone" => return SqlType::Timestamptz,
            "date" => return SqlType::Date,
            "jsonb" => return SqlType::Jsonb,
            "json" => return SqlType::Json,
            "uuid" => return SqlType::Uuid,
            _ => {}
        }
        let args = |prefix: &str| -> Option<Vec<u32>> {
            let inner = s
                .strip_prefix(prefix)?
                .strip_prefix('(')?
                .strip_suffix(')')?;
            inner.split(',').map(|n| n.trim().parse().ok()).collect()
        };
        if let Some([n]) = args("character varying").as_deref() {
            return SqlType::Varchar(Some(*n));
        }
        if let Some([p, sc]) = args("numeric").as_deref() {
            if let (Ok(p), Ok(sc)) = (u16::try_from(*p), u16::try_from(*sc)) {
                return SqlType::Numeric(Some((p, sc)));
            }
        }
        SqlType::Other(Cow::Owned(s.to_owned()))
    }

    /// The name without modifiers, as PostgreSQL casts print it (`'x'::character varying`).
    pub fn base_name(&self) -> &str {
        match self {
            SqlType::SmallInt => "smallint",
            SqlType::Integer => "integer",
            SqlType::BigInt => "bigint",
            SqlType::Boolean => "boolean",
            SqlType::Text => "text",
            SqlType::Varchar(_) => "character varying",
            SqlType::Numeric(_) => "numeric",
            SqlType::Timestamp => "timestamp without time zone",
            SqlType::Timestamptz => "timestamp with time zone",
            SqlType::Date => "date",
            SqlType::Jsonb => "jsonb",
            SqlType::Json => "json",
            SqlType::Uuid => "uuid",
            SqlType::Other(s) => s.split('(').next().unwrap_or(s).trim(),
        }
    }

    /// The pseudo-type to declare a serial column of this integer type with.
    pub fn serial_name(&self) -> Option<&'static str> {
        match self {
            SqlType::SmallInt => Some("smallserial"),
            SqlType::Integer => Some("serial"),
            SqlType::BigInt => Some("bigserial"),
            _ => None,
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Varchar(Some(n)) => write!(f, "character varying({n})"),
            SqlType::Numeric(Some((p, s))) => write!(f, "numeric({p},{s})"),
            SqlType::Other(s) => f.write_str(s),
            other => f.write_str(other.base_name()),
        }
    }
}

/// A Rust type with a default column type. Nullability comes from `Option`.
///
/// `rust_decimal::Decimal` has no default: a numeric column always states its
/// precision and scale with `#[column(numeric(p, s))]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no default SQL column type",
    label = "this field type needs a column type",
    note = "for `Decimal` declare `#[column(numeric(precision, scale))]`",
    note = "for an enum stored as text add `#[derive(TextEnum)]`; for another type implement `schema_core::ColumnType`"
)]
pub trait ColumnType {
    const SQL_TYPE: SqlType;
}

/// A Rust type that may be stored in a `varchar(n)` column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a `varchar` column",
    label = "`varchar(n)` needs a `String` (or `#[derive(TextEnum)]`) field",
    note = "remove `varchar(..)` to use this type's own column type"
)]
pub trait TextType {}

/// A Rust type that may be stored in a `numeric(p, s)` column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a `numeric` column",
    label = "`numeric(p, s)` needs a `Decimal` field",
    note = "use `schema_core::Decimal` for exact amounts; floating point is never used for numeric"
)]
pub trait NumericType {}

/// An integer type that may back a `serial` column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `serial` column",
    label = "`serial` needs an `i16`, `i32` or `i64` field"
)]
pub trait SerialType {
    const SQL_TYPE: SqlType;
}

macro_rules! column_types {
    ($($ty:ty => $sql:expr),* $(,)?) => {
        $(impl ColumnType for $ty { const SQL_TYPE: SqlType = $sql; })*
    };
}

column_types! {
    i16 => SqlType::SmallInt,
    i32 => SqlType::Integer,
    i64 => SqlType::BigInt,
    bool => SqlType::Boolean,
    String => SqlType::Text,
    chrono::NaiveDateTime => SqlType::Timestamp,
    chrono::DateTime<chrono::Utc> => SqlType::Timestamptz,
    chrono::NaiveDate => SqlType::Date,
    serde_json::Value => SqlType::Jsonb,
    uuid::Uuid => SqlType::Uuid,
}

/// Typed JSON: `Json<Vec<Phone>>` is stored as `jsonb`.
impl<T> ColumnType for sqlx::types::Json<T> {
    const SQL_TYPE: SqlType = SqlType::Jsonb;
}

impl TextType for String {}
impl NumericType for rust_decimal::Decimal {}

impl SerialType for i16 {
    const SQL_TYPE: SqlType = SqlType::SmallInt;
}
impl SerialType for i32 {
    const SQL_TYPE: SqlType = SqlType::Integer;
}
impl SerialType for i64 {
    const SQL_TYPE: SqlType = SqlType::BigInt;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_round_trips() {
        for s in [
            "integer",
            "character varying(255)",
            "numeric(10,2)",
            "timestamp without time zone",
            "timestamp with time zone",
            "jsonb",
            "date",
            "uuid",
            "text",
            "boolean",
        ] {
            assert_eq!(SqlType::parse(s).to_string(), s);
        }
        assert_eq!(SqlType::parse("character varying"), SqlType::Varchar(None));
        assert_eq!(SqlType::parse("inet"), SqlType::Other("inet".into()));
        assert_eq!(SqlType::parse("numeric(10,2)").base_name(), "numeric");
    }
}

/// A fieldless enum stored as text (`#[derive(TextEnum)]`): its documented value set.
pub trait TextEnum: Sized + Copy + 'static {
    /// Every stored value, in declaration order.
    const VALUES: &'static [&'static str];
    /// Every variant, in the same order as [`TextEnum::VALUES`].
    const ALL: &'static [Self];
    fn as_str(&self) -> &'static str;
    fn from_text(text: &str) -> Option<Self>;
}

/// A stored text that is none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub value: String,
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown value {:?}; expected one of {:?}",
            self.value, self.expected
        )
    }
}

impl std::error::Error for UnknownValue {}
