//! What a factory knows of a column before it fakes a value: the kind of data
//! its name suggests (inferred by the derive, `schema-macros/src/table/hint.rs`),
//! its size limits, whether it is unique (both known to the derive). All of it is a compile-time constant,
//! so it costs nothing per row.

#[cfg(doc)]
use super::rng::stream_id;
use crate::def::TableDef;
use crate::types::SqlType;

/// The kind of value a column's name asks for. Each value type reads the hint
/// its own way (`Money` is a decimal amount, a `Quantity` an integer or decimal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Email,
    Phone,
    FirstName,
    LastName,
    /// A person's full name.
    PersonName,
    Company,
    City,
    Country,
    Region,
    PostalCode,
    Street,
    Url,
    /// A short title, a few capitalised words.
    Title,
    /// Free text: notes, descriptions.
    Paragraph,
    /// An opaque identifier or secret (`token`, `stripe_*_id`, `password_hash`).
    Token,
    /// A reference number (`invoice_number`, `isrc`).
    Code,
    Slug,
    Currency,
    Color,
    IpAddress,
    UserAgent,
    Genre,
    Instrument,
    Gender,
    Timezone,
    Language,
    NamePrefix,
    NameSuffix,
    Money,
    Percent,
    Quantity,
    Year,
    Duration,
    Birthday,
    /// A moment in the past (`created_at`).
    Past,
    /// A moment to come (`due_date`, `expires_at`).
    Future,
    /// An optional event (`paid_at`, `deleted_at`): left empty half the time.
    Event,
    /// Nothing in the name: a plausible value of the type.
    Plain,
}

/// One column as its factory sees it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
    /// The column's random stream, from its table and column names only:
    /// `stream_id(table) ^ stream_id(column).rotate_left(17)` ([`stream_id`]),
    /// computed by the derive.
    pub stream: u64,
    pub hint: Hint,
    pub max_len: Option<u32>,
    /// `(precision, scale)` of a `numeric` column.
    pub numeric: Option<(u16, u16)>,
    /// Unique on its own: every row gets a distinct value.
    pub unique: bool,
}

impl Field {
    /// Column `index` of `table`, evaluated at compile time by generated
    /// factories; the hint is inferred by the derive from the names.
    /// `unique`: the column is unique on its own (a single-column unique
    /// key or primary key), also known to the derive, as is `stream`.
    pub const fn of(
        table: &'static TableDef,
        index: usize,
        hint: Hint,
        unique: bool,
        stream: u64,
    ) -> Field {
        let column = &table.columns[index];
        let (max_len, numeric) = match column.sql_type {
            SqlType::Varchar(len) => (len, None),
            SqlType::Numeric(ps) => (None, ps),
            _ => (None, None),
        };
        Field {
            table: table.name,
            column: column.name,
            stream,
            hint,
            max_len,
            numeric,
            unique,
        }
    }
}
