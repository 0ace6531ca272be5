//! PostgreSQL identifiers: when to quote them, and which names to refuse.

use std::borrow::Cow;
use std::fmt;

/// PostgreSQL's longest identifier, in bytes (`NAMEDATALEN - 1`).
pub const MAX_IDENT_BYTES: usize = 63;

/// Keywords that cannot stand unquoted as a table or column name
/// (PostgreSQL 15 appendix C: reserved, type/function-name and column-name keywords).
const KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Whether `name` is a keyword that must be quoted to be used as a name.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// `name` as it must appear in SQL: bare when PostgreSQL would read it back
/// unchanged, otherwise double-quoted with inner quotes doubled.
pub fn quote(name: &str) -> Cow<'_, str> {
    let plain = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain && !is_keyword(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("\"{}\"", name.replace('"', "\"\"")))
    }
}

/// A string literal: `'it''s'`.
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Why a name was refused by [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentError {
    Empty,
    TooLong { bytes: usize },
    BadStart(char),
    BadChar(char),
    Keyword,
}

impl fmt::Display for IdentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentError::Empty => write!(f, "the name is empty"),
            IdentError::TooLong { bytes } => write!(
                f,
                "the name is {bytes} bytes long; PostgreSQL names hold at most {MAX_IDENT_BYTES}"
            ),
            IdentError::BadStart(c) => {
                write!(f, "the name starts with {c:?}; it must start with a-z or _")
            }
            IdentError::BadChar(c) => {
                write!(
                    f,
                    "the name contains {c:?}; only a-z, 0-9 and _ are allowed"
                )
            }
            IdentError::Keyword => write!(f, "the name is an SQL keyword"),
        }
    }
}

impl std::error::Error for IdentError {}

/// Check a name the runner is about to create (a database, a role): lowercase
/// ASCII letters, digits and `_`, not starting with a digit, at most 63 bytes,
/// not a keyword. Anything else is refused before any SQL is sent.
pub fn validate(name: &str) -> Result<(), IdentError> {
    let first = name.chars().next().ok_or(IdentError::Empty)?;
    if name.len() > MAX_IDENT_BYTES {
        return Err(IdentError::TooLong { bytes: name.len() });
    }
    if !(first.is_ascii_lowercase() || first == '_') {
        return Err(IdentError::BadStart(first));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(IdentError::BadChar(c));
    }
    if is_keyword(name) {
        return Err(IdentError::Keyword);
    }
    Ok(())
}

/// A constraint or index name, shortened the way PostgreSQL would if too long.
pub fn truncate(mut name: String) -> String {
    if name.len() > MAX_IDENT_BYTES {
        let mut end = MAX_IDENT_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("clients"), "clients");
        assert_eq!(quote("timestamp"), "\"timestamp\"");
        assert_eq!(quote("user"), "\"user\"");
        assert_eq!(quote("Mixed"), "\"Mixed\"");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote("key"), "key");
    }

    #[test]
    fn refuses_hostile_names() {
        assert_eq!(validate("tenant_1"), Ok(()));
        assert_eq!(validate(""), Err(IdentError::Empty));
        assert_eq!(validate("a;drop"), Err(IdentError::BadChar(';')));
        assert_eq!(validate("x'y"), Err(IdentError::BadChar('\'')));
        assert_eq!(validate("1abc"), Err(IdentError::BadStart('1')));
        assert_eq!(validate("select"), Err(IdentError::Keyword));
        assert!(matches!(
            validate(&"a".repeat(64)),
            Err(IdentError::TooLong { bytes: 64 })
        ));
        assert_eq!(validate(&"a".repeat(63)), Ok(()));
    }

    #[test]
    fn literals_double_quotes() {
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
