//! The owned schema model: what a compiled schema declares and what an
//! introspected database holds, in one shape so that the two can be compared,
//! rendered ([`crate::ddl`]) and diffed without going back to the definition.

use serde::{Deserialize, Serialize};

use schema_core::ident::{quote_literal, truncate};
use schema_core::SqlType;
use schema_core::{DefaultDef, FkAction, SchemaDef, TableDef};

/// The tables of one database.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// Earlier names, declared so that a migration renames the table instead
    /// of creating it anew; empty when introspected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// In column order.
    pub columns: Vec<Column>,
    pub primary_key: Option<Key>,
    pub unique: Vec<Key>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes that do not back a primary key or unique constraint.
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// `UNLOGGED`: emptied after a crash. Never declared.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
    /// Undeclarable things that change how the table behaves (triggers,
    /// rules, row level security and its policies, exclusion constraints):
    /// read from a database, never declared by the derive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviours: Vec<Behaviour>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Something a table has that changes what the application's statements do,
/// beyond its columns and keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Behaviour {
    pub kind: BehaviourKind,
    pub name: String,
    /// As PostgreSQL prints it (`pg_get_triggerdef`, `pg_get_ruledef`, ...).
    pub definition: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BehaviourKind {
    /// A user trigger (enabled or not: its definition says).
    Trigger,
    /// A rewrite rule (`DO INSTEAD NOTHING` makes inserts vanish).
    Rule,
    /// Row level security enabled (definition: `enabled` or `enabled, forced`).
    RowSecurity,
    /// A row level security policy.
    Policy,
    /// An exclusion constraint.
    Exclusion,
}

impl BehaviourKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BehaviourKind::Trigger => "trigger",
            BehaviourKind::Rule => "rule",
            BehaviourKind::RowSecurity => "row level security",
            BehaviourKind::Policy => "policy",
            BehaviourKind::Exclusion => "exclusion constraint",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type", with = "sql_type_text")]
    pub data_type: SqlType,
    pub nullable: bool,
    /// `None` for a serial column, whose `nextval(...)` is implied by `serial`.
    pub default: Option<ColumnDefault>,
    pub serial: bool,
    /// Earlier names, declared so that a migration renames the column and
    /// keeps its data; empty when introspected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// The SQL expression existing rows get when a migration needs a value
    /// (a new NOT NULL column without default; NULLs before SET NOT NULL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfill: Option<String>,
    /// A collation other than the type's default (`"C"`); never declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// An identity column: `ALWAYS` or `BY DEFAULT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The sequence the column owns (`OWNED BY`), when read from a database:
    /// what a plan reuses rather than creating one under a taken name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_sequence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

impl Identity {
    pub fn as_sql(self) -> &'static str {
        match self {
            Identity::Always => "ALWAYS",
            Identity::ByDefault => "BY DEFAULT",
        }
    }
}

impl Column {
    /// A column as introspection sees one: no declared renames or backfill.
    pub fn new(name: &str, data_type: SqlType, nullable: bool) -> Column {
        Column {
            name: name.to_owned(),
            data_type,
            nullable,
            default: None,
            serial: false,
            renamed_from: Vec::new(),
            backfill: None,
            collation: None,
            generated: None,
            identity: None,
            owned_sequence: None,
        }
    }
}

/// A column default, twice: as the DDL writes it, and as PostgreSQL prints
/// it back from `pg_get_expr` (what comparisons use). Introspected, both are
/// the printed form, which is valid SQL too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDefault {
    /// As written in `CREATE TABLE`: `'trial'`.
    pub sql: String,
    /// As PostgreSQL prints it: `'trial'::character varying`.
    pub printed: String,
}

impl ColumnDefault {
    /// A default read from a database.
    pub fn printed(text: impl Into<String>) -> ColumnDefault {
        let text = text.into();
        ColumnDefault {
            sql: text.clone(),
            printed: text,
        }
    }

    /// A serial's default: `nextval('clients_id_seq'::regclass)`, for a
    /// sequence named as `regclass` prints it (quoted where needed).
    pub fn nextval(sequence: &str) -> ColumnDefault {
        ColumnDefault::printed(format!("nextval({}::regclass)", quote_literal(sequence)))
    }

    /// The sequence a `nextval(...)` default draws from, as `regclass`
    /// prints it; `None` for any other default.
    pub fn sequence(&self) -> Option<String> {
        let inner = self
            .printed
            .strip_prefix("nextval('")?
            .strip_suffix("'::regclass)")?;
        Some(inner.replace("''", "'"))
    }
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    /// `CHECK (...)`: as written when declared, as `pg_get_constraintdef`
    /// prints it when introspected. Compared loosely ([`Check::same_as`]).
    pub definition: String,
    /// `false` for a check added `NOT VALID`: old rows were never tested.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub valid: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// When a constraint is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferral {
    /// At each statement (what the derive declares).
    #[default]
    Immediate,
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    Deferrable,
    /// `DEFERRABLE INITIALLY DEFERRED`: at commit.
    Deferred,
}

impl Deferral {
    pub fn is_immediate(&self) -> bool {
        *self == Deferral::Immediate
    }

    /// The clause after a constraint's definition; empty when immediate.
    pub fn as_sql(self) -> &'static str {
        match self {
            Deferral::Immediate => "",
            Deferral::Deferrable => " DEFERRABLE",
            Deferral::Deferred => " DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

impl Check {
    /// Whether two checks test the same thing: their definitions equal once
    /// white space, parentheses, casts and letter case are set aside
    /// (`CHECK (total >= 0)` and `CHECK ((total >= (0)::numeric))`).
    pub fn same_as(&self, other: &Check) -> bool {
        self.normalized() == other.normalized()
    }

    /// The definition with white space, parentheses, casts and case set aside.
    pub fn normalized(&self) -> String {
        normalize_check(&self.definition)
    }
}

fn normalize_check(definition: &str) -> String {
    // Type names PostgreSQL prints in several words after `::`.
    const LONG_TYPES: [&str; 6] = [
        "character varying",
        "double precision",
        "timestamp without time zone",
        "timestamp with time zone",
        "time without time zone",
        "time with time zone",
    ];
    let text = definition.trim();
    let mut rest = match text.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("check") => &text[5..],
        _ => text,
    };
    let mut out = String::with_capacity(rest.len());
    let mut in_string = false;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with("::") {
            rest = &rest[2..];
            match LONG_TYPES.iter().find(|t| rest.starts_with(*t)) {
                Some(t) => rest = &rest[t.len()..],
                None => {
                    rest = rest
                        .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '"')
                }
            }
            rest = rest.trim_start_matches(['[', ']']);
            continue;
        }
        rest = &rest[c.len_utf8()..];
        if c == '\'' {
            in_string = !in_string;
        }
        if in_string || c == '\'' {
            out.push(c);
        } else if !(c.is_whitespace() || c == '(' || c == ')') {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub name: String,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Deferral::is_immediate")]
    pub deferral: Deferral,
    /// `NULLS NOT DISTINCT`: two NULLs collide.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
}

impl Key {
    /// A plain key: immediate, NULLs distinct.
    pub fn new(name: impl Into<String>, columns: Vec<String>) -> Key {
        Key {
            name: name.into(),
            columns,
            deferral: Deferral::Immediate,
            nulls_not_distinct: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    #[serde(default, skip_serializing_if = "Deferral::is_immediate")]
    pub deferral: Deferral,
    /// `false` for a key added `NOT VALID`: old rows were never checked.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub valid: bool,
    /// `false` when one of its internal triggers is disabled (`DISABLE
    /// TRIGGER ALL`): nothing is checked any more.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enforced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// Key columns by name; an expression as PostgreSQL prints it.
    pub columns: Vec<String>,
    pub unique: bool,
    /// What follows `USING` in `pg_get_indexdef`: method, keys with their
    /// order, `INCLUDE`, `NULLS NOT DISTINCT`, predicate
    /// (`btree (a DESC) WHERE (a > 0)`). A declared index is
    /// `btree (<columns>)` ([`Index::plain_definition`]).
    pub definition: String,
}

impl Index {
    /// A plain B-tree index on `columns`.
    pub fn new(name: impl Into<String>, columns: Vec<String>, unique: bool) -> Index {
        let definition = Index::plain_definition(&columns);
        Index {
            name: name.into(),
            columns,
            unique,
            definition,
        }
    }

    /// `btree (a, "b c")`, as PostgreSQL prints a plain index on these columns.
    pub fn plain_definition(columns: &[String]) -> String {
        format!("btree ({})", crate::ddl::column_list(columns))
    }

    /// A B-tree on plain columns, ascending, no `INCLUDE`, no predicate.
    pub fn is_plain(&self) -> bool {
        self.definition == Index::plain_definition(&self.columns)
    }
}

impl Schema {
    /// The model of a compiled schema, with constraint names and printed defaults
    /// computed as PostgreSQL will show them.
    pub fn from_def(def: &SchemaDef) -> Schema {
        Schema {
            tables: def.tables.iter().map(|t| Table::from_def(t)).collect(),
        }
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Table {
    /// A table with no columns, keys or indexes yet.
    pub fn new(name: &str) -> Table {
        Table {
            name: name.to_owned(),
            renamed_from: Vec::new(),
            columns: Vec::new(),
            primary_key: None,
            unique: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            unlogged: false,
            behaviours: Vec::new(),
        }
    }
}

impl Table {
    pub fn from_def(def: &TableDef) -> Table {
        let name = def.name;
        let joined = |cols: &[&str]| cols.join("_");
        Table {
            name: name.to_owned(),
            renamed_from: strings(def.renamed_from),
            columns: def
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.to_owned(),
                    data_type: c.sql_type.clone(),
                    nullable: c.nullable,
                    default: c.default.map(|d| ColumnDefault {
                        sql: default_sql(d),
                        printed: printed_default(d, &c.sql_type),
                    }),
                    serial: c.serial,
                    renamed_from: strings(c.renamed_from),
                    backfill: c.backfill.map(str::to_owned),
                    collation: None,
                    generated: None,
                    identity: None,
                    owned_sequence: None,
                })
                .collect(),
            primary_key: (!def.primary_key.is_empty())
                .then(|| Key::new(truncate(format!("{name}_pkey")), strings(def.primary_key))),
            unique: def
                .unique
                .iter()
                .map(|cols| {
                    Key::new(
                        truncate(format!("{name}_{}_unique", joined(cols))),
                        strings(cols),
                    )
                })
                .collect(),
            foreign_keys: def
                .foreign_keys
                .iter()
                .map(|fk| ForeignKey {
                    name: truncate(format!(
                        "{name}_{}_{}_{}_fk",
                        joined(fk.columns),
                        fk.ref_table,
                        joined(fk.ref_columns)
                    )),
                    columns: strings(fk.columns),
                    ref_table: fk.ref_table.to_owned(),
                    ref_columns: strings(fk.ref_columns),
                    on_delete: fk.on_delete,
                    on_update: fk.on_update,
                    deferral: Deferral::Immediate,
                    valid: true,
                    enforced: true,
                })
                .collect(),
            indexes: def
                .indexes
                .iter()
                .map(|ix| {
                    Index::new(
                        truncate(format!("{name}_{}_idx", joined(ix.columns))),
                        strings(ix.columns),
                        ix.unique,
                    )
                })
                .collect(),
            checks: def
                .checks
                .iter()
                .map(|c| Check {
                    name: c.name.to_owned(),
                    definition: format!("CHECK ({})", c.sql),
                    valid: true,
                })
                .collect(),
            unlogged: false,
            behaviours: Vec::new(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A declared default as PostgreSQL prints it back from `pg_get_expr`.
pub fn printed_default(default: DefaultDef, ty: &SqlType) -> String {
    match default {
        DefaultDef::Now => "now()".to_owned(),
        DefaultDef::Literal(lit) => printed_literal(lit, ty),
        DefaultDef::Text(text) => printed_text(text, ty),
        DefaultDef::Sql(expr) => expr.to_owned(),
    }
}

/// A number or boolean default as PostgreSQL prints it.
pub fn printed_literal(lit: &str, ty: &SqlType) -> String {
    // A negative constant is stored as a typed string literal: `'-1'::integer`.
    if lit.starts_with('-') {
        format!("{}::{}", quote_literal(lit), ty.base_name())
    } else {
        lit.to_owned()
    }
}

/// A text default as PostgreSQL prints it: `'trial'::character varying`.
pub fn printed_text(text: &str, ty: &SqlType) -> String {
    format!("{}::{}", quote_literal(text), ty.base_name())
}

/// A declared default as it is written in `CREATE TABLE`.
pub fn default_sql(default: DefaultDef) -> String {
    match default {
        DefaultDef::Now => "now()".to_owned(),
        DefaultDef::Literal(lit) => lit.to_owned(),
        DefaultDef::Text(text) => quote_literal(text),
        DefaultDef::Sql(expr) => expr.to_owned(),
    }
}

mod sql_type_text {
    use super::SqlType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ty: &SqlType, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(ty)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SqlType, D::Error> {
        Ok(SqlType::parse(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_print_like_postgres() {
        let varchar = SqlType::Varchar(Some(50));
        assert_eq!(
            printed_default(DefaultDef::Text("trial"), &varchar),
            "'trial'::character varying"
        );
        assert_eq!(
            printed_default(DefaultDef::Text("[]"), &SqlType::Jsonb),
            "'[]'::jsonb"
        );
        assert_eq!(
            printed_default(DefaultDef::Literal("-1"), &SqlType::Integer),
            "'-1'::integer"
        );
        assert_eq!(
            printed_default(
                DefaultDef::Literal("20.00"),
                &SqlType::Numeric(Some((5, 2)))
            ),
            "20.00"
        );
        assert_eq!(
            printed_default(DefaultDef::Now, &SqlType::Timestamp),
            "now()"
        );
        assert_eq!(default_sql(DefaultDef::Text("it's")), "'it''s'");
    }

    #[test]
    fn checks_compare_as_written_and_as_printed() {
        let check = |d: &str| Check {
            name: "c".into(),
            definition: d.into(),
            valid: true,
        };
        assert!(check("CHECK (total >= 0)").same_as(&check("CHECK ((total >= (0)::numeric))")));
        assert!(check("CHECK (bar > id)").same_as(&check("CHECK ((bar > id))")));
        assert!(check("CHECK (name <> '')").same_as(&check("CHECK (((name)::text <> ''::text))")));
        assert!(!check("CHECK (total >= 0)").same_as(&check("CHECK ((total > (0)::numeric))")));
        assert!(!check("CHECK (a = 'X Y')").same_as(&check("CHECK (a = 'xy')")));
    }
}
