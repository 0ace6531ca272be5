//! The attribute vocabulary, in one place.

pub const TABLE: &str = "table";
pub const COLUMN: &str = "column";
pub const TEXT_ENUM: &str = "text_enum";
pub const GROUP: &str = "group";

// #[table(...)]
pub const NAME: &str = "name";
pub const DB: &str = "db";
pub const PRIMARY_KEY: &str = "primary_key";
pub const UNIQUE: &str = "unique";
pub const INDEX: &str = "index";
pub const UNIQUE_INDEX: &str = "unique_index";
pub const CHECK: &str = "check";
pub const SQL_KEY: &str = "sql";

pub const TABLE_KEYS: &[&str] = &[
    NAME,
    DB,
    PRIMARY_KEY,
    UNIQUE,
    INDEX,
    UNIQUE_INDEX,
    CHECK,
    RENAMED_FROM,
];
pub const CHECK_KEYS: &[&str] = &[NAME, SQL_KEY];

// #[column(...)]
pub const SERIAL: &str = "serial";
pub const VARCHAR: &str = "varchar";
pub const NUMERIC: &str = "numeric";
pub const DEFAULT: &str = "default";
pub const REFERENCES: &str = "references";
pub const ON_DELETE: &str = "on_delete";
pub const ON_UPDATE: &str = "on_update";
pub const RENAMED_FROM: &str = "renamed_from";
pub const FAKE: &str = "fake";
pub const BACKFILL: &str = "backfill";
pub const FLATTEN: &str = "flatten";

pub const COLUMN_KEYS: &[&str] = &[
    NAME,
    PRIMARY_KEY,
    SERIAL,
    UNIQUE,
    INDEX,
    VARCHAR,
    NUMERIC,
    DEFAULT,
    REFERENCES,
    ON_DELETE,
    ON_UPDATE,
    RENAMED_FROM,
    FAKE,
    BACKFILL,
    FLATTEN,
];

// #[group(...)]
pub const GROUP_KEYS: &[&str] = &[DB];

// #[text_enum(...)] on a variant
pub const RENAME: &str = "rename";
pub const TEXT_ENUM_KEYS: &[&str] = &[RENAME];

// values
pub const DBS: &[&str] = &["master", "tenant"];
pub const ACTIONS: &[&str] = &[
    "no_action",
    "restrict",
    "cascade",
    "set_null",
    "set_default",
];
pub const NOW: &str = "now";
pub const SQL: &str = "sql";

/// `a`, `b` or `c` for messages.
pub fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
