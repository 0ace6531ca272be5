//! An introspected schema written as declarations in the house style of
//! `schema-defs`: one `#[derive(Table)]` file per table and a `mod.rs` with
//! the module list and `schema_core::schema!` in dependency order. What the
//! derive cannot express is written as a comment where it stands and
//! returned as a warning; nothing is left out silently.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use schema_core::{DbKind, FkAction, SqlType};
use schema_model::model::{
    printed_literal, printed_text, Column, ForeignKey, Index, Schema, Table,
};

use super::naming::Names;

/// What introspection's model does not say but a pull must not miss.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Enum types of the namespace.
    pub enum_types: BTreeSet<String>,
    /// Partial indexes (name → definition): the model keeps no predicate.
    pub partial_indexes: BTreeMap<String, String>,
}

/// The files of a pull, by file name (`sessions.rs`, `mod.rs`).
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub files: Vec<(String, String)>,
    /// What the declarations do not express, one line each.
    pub warnings: Vec<String>,
}

pub fn render(schema: &Schema, db: DbKind, catalog: &Catalog) -> Rendered {
    let mut out = Rendered::default();
    let tables: Vec<&Table> = schema.tables.iter().collect();
    let names = Names::new(&tables);
    let ordered = dependency_order(&tables);
    for table in &ordered {
        let (text, warnings) = render_table(table, schema, db, &names, catalog);
        out.warnings.extend(warnings);
        // `mod r#type;` is in `type.rs`.
        let file = names.module(&table.name).trim_start_matches("r#");
        out.files.push((format!("{file}.rs"), text));
    }
    out.files
        .push(("mod.rs".into(), render_mod(&ordered, db, &names)));
    // Warnings go to a terminal: no control characters from a database.
    out.warnings = out.warnings.iter().map(|w| one_line(w)).collect();
    out
}

fn render_mod(ordered: &[&Table], db: DbKind, names: &Names) -> String {
    let mut modules: Vec<&str> = ordered.iter().map(|t| names.module(&t.name)).collect();
    modules.sort_unstable();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! The {db} database: {} tables (pulled by `runner pull`).\n",
        ordered.len()
    );
    for n in &modules {
        let _ = writeln!(s, "mod {n};");
    }
    s.push('\n');
    for n in &modules {
        let _ = writeln!(s, "pub use {n}::*;");
    }
    if ordered.is_empty() {
        s.push_str("// No table of the database could be declared (`runner pull` said why).\n");
        return s;
    }
    let kind = match db {
        DbKind::Master => "Master",
        DbKind::Tenant => "Tenant",
    };
    let _ = writeln!(
        s,
        "\nschema_core::schema! {{\n    /// Every table of the {db} database, parents before children.\n    pub static SCHEMA: {kind};"
    );
    for t in ordered {
        let module = names.module(&t.name);
        let ty = names.type_name(&t.name);
        if names.table_written(&t.name) {
            let _ = writeln!(s, "    {module} = {:?} => {ty},", t.name);
        } else {
            let _ = writeln!(s, "    {module} => {ty},");
        }
    }
    s.push_str("}\n");
    s
}

/// One table's file, and what it could not express.
fn render_table(
    table: &Table,
    schema: &Schema,
    db: DbKind,
    names: &Names,
    catalog: &Catalog,
) -> (String, Vec<String>) {
    let name = &table.name;
    let mut warnings = Vec::new();
    // What is left out: a warning, and a note above the struct unless it is
    // noted in place (a column).
    let mut notes: Vec<String> = Vec::new();
    let mut not_expressed = |what: String, in_place: bool| {
        warnings.push(format!("`{name}`: {what}"));
        if !in_place {
            notes.push(what);
        }
    };

    for what in undeclarable(table) {
        not_expressed(what, false);
    }

    let mut imports: BTreeSet<&str> = BTreeSet::from(["Table"]);
    let mut parents: BTreeSet<&str> = BTreeSet::new();
    let mut table_attrs: Vec<String> = vec![format!("name = {name:?}"), format!("db = {db}")];
    let mut column_attrs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let types: BTreeMap<&str, Result<(&str, Option<String>), String>> = table
        .columns
        .iter()
        .map(|c| (c.name.as_str(), rust_type(c, catalog)))
        .collect();
    let declared = |col: &str| types.get(col).is_some_and(Result::is_ok);

    match &table.primary_key {
        Some(pk) if pk.columns.len() == 1 && declared(&pk.columns[0]) => {
            column_attrs
                .entry(&pk.columns[0])
                .or_default()
                .push("primary_key".into());
        }
        Some(pk) if pk.columns.iter().all(|c| declared(c)) => {
            table_attrs.push(format!("primary_key({})", names.fields(name, &pk.columns)));
        }
        Some(pk) => not_expressed(
            format!(
                "primary key ({}) on a column left out",
                pk.columns.join(", ")
            ),
            false,
        ),
        None => {}
    }
    for key in &table.unique {
        if !key.columns.iter().all(|c| declared(c)) {
            not_expressed(
                format!(
                    "unique key `{}` on a column left out: {}",
                    key.name,
                    key.columns.join(", ")
                ),
                false,
            );
        } else if let [col] = key.columns.as_slice() {
            column_attrs.entry(col).or_default().push("unique".into());
        } else {
            table_attrs.push(format!("unique({})", names.fields(name, &key.columns)));
        }
    }
    for index in &table.indexes {
        match index_form(table, index, names, catalog) {
            Err(why) => not_expressed(why, false),
            Ok(_) if !index.columns.iter().all(|c| declared(c)) => not_expressed(
                format!("index `{}` on a column left out", index.name),
                false,
            ),
            Ok(IndexForm::Column(col)) => {
                column_attrs.entry(col).or_default().push("index".into());
            }
            Ok(IndexForm::Table(attr)) => table_attrs.push(attr),
        }
    }
    for fk in &table.foreign_keys {
        match foreign_key_attrs(table, fk, schema, names) {
            Ok((col, attrs, parent)) if declared(col) => {
                if parent != names.type_name(name) {
                    parents.insert(parent);
                }
                column_attrs.entry(col).or_default().extend(attrs);
            }
            Ok((col, ..)) => not_expressed(
                format!("foreign key `{}` on `{col}`, a column left out", fk.name),
                false,
            ),
            Err(why) => not_expressed(why, false),
        }
    }
    let left_out: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| !declared(&c.name))
        .map(|c| c.name.as_str())
        .collect();
    for check in &table.checks {
        if let Some(col) = left_out.iter().find(|c| mentions(&check.definition, c)) {
            not_expressed(
                format!(
                    "check `{}` ({}) is on `{col}`, a column left out",
                    check.name, check.definition
                ),
                false,
            );
            continue;
        }
        let sql = check_sql(&check.definition);
        table_attrs.push(format!(
            "check(name = {:?}, sql = {:?})",
            check.name,
            sql.trim()
        ));
    }

    let mut body = String::new();
    for c in &table.columns {
        let (ty, type_attr) = match &types[c.name.as_str()] {
            Ok(found) => found,
            Err(why) => {
                let line = format!(
                    "`{}` {}{}: {why}; not declared here.",
                    c.name,
                    c.data_type,
                    if c.nullable { "" } else { " NOT NULL" }
                );
                let _ = writeln!(body, "    // {}", one_line(&line));
                not_expressed(
                    format!("column `{}` ({}) left out: {why}", c.name, c.data_type),
                    true,
                );
                continue;
            }
        };
        let mut attrs: Vec<String> = Vec::new();
        let (field, rename) = names.field(name, &c.name);
        if let Some(rename) = rename {
            attrs.push(format!("name = {rename:?}"));
        }
        let keys = column_attrs.remove(c.name.as_str()).unwrap_or_default();
        // House order: primary_key, serial, type, default, unique, index, references.
        if keys.iter().any(|k| k == "primary_key") {
            attrs.push("primary_key".into());
        }
        if c.serial {
            attrs.push("serial".into());
        }
        if let Some(t) = type_attr {
            attrs.push(t.clone());
        }
        if let Some(d) = default_attr(c) {
            attrs.push(d);
        }
        attrs.extend(keys.into_iter().filter(|k| k != "primary_key"));
        for import in type_imports(ty) {
            imports.insert(import);
        }
        if !attrs.is_empty() {
            let _ = writeln!(body, "    #[column({})]", attrs.join(", "));
        }
        let ty = if c.nullable {
            format!("Option<{ty}>")
        } else {
            (*ty).to_owned()
        };
        let _ = writeln!(body, "    pub {field}: {ty},");
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! The `{}` table (pulled by `runner pull`).\n",
        one_line(name)
    );
    let imports: Vec<&str> = imports.into_iter().collect();
    match imports.as_slice() {
        [one] => {
            let _ = writeln!(s, "use schema_core::{one};");
        }
        many => {
            let _ = writeln!(s, "use schema_core::{{{}}};", many.join(", "));
        }
    }
    match parents.len() {
        0 => {}
        1 => {
            let _ = writeln!(s, "\nuse super::{};", parents.first().unwrap());
        }
        _ => {
            let list: Vec<&str> = parents.into_iter().collect();
            let _ = writeln!(s, "\nuse super::{{{}}};", list.join(", "));
        }
    }
    s.push('\n');
    if !notes.is_empty() {
        s.push_str(
            "// Not expressed by this declaration (the database keeps them; `runner migrate`\n\
             // drops undeclared indexes and constraints only with --prune):\n",
        );
        for n in &notes {
            let _ = writeln!(s, "// - {}", one_line(n));
        }
    }
    // `a__b` is a fine column name but not snake case to rustc.
    if table.columns.iter().any(|c| {
        names
            .field(name, &c.name)
            .0
            .trim_matches('_')
            .contains("__")
    }) {
        let _ = writeln!(s, "#[allow(non_snake_case)]");
    }
    let _ = writeln!(s, "#[derive(Debug, Clone, PartialEq, Table)]");
    let _ = writeln!(s, "#[table({})]", table_attrs.join(", "));
    let _ = writeln!(s, "pub struct {} {{", names.type_name(name));
    s.push_str(&body);
    s.push_str("}\n");
    (s, warnings)
}

/// Text that stays on its comment line: a name or an expression read from a
/// database may hold a line break (`"a\nb"` is a valid column name), which
/// would end the comment and put the rest into the file as code.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

enum IndexForm<'a> {
    Column(&'a str),
    Table(String),
}

fn index_form<'a>(
    table: &Table,
    index: &'a Index,
    names: &Names,
    catalog: &Catalog,
) -> Result<IndexForm<'a>, String> {
    if let Some(def) = catalog.partial_indexes.get(&index.name) {
        return Err(format!(
            "index `{}` is partial (a WHERE clause): {def}",
            index.name
        ));
    }
    if let Some(expr) = index.columns.iter().find(|c| table.column(c).is_none()) {
        return Err(format!(
            "index `{}` is on an expression (`{expr}`), not columns",
            index.name
        ));
    }
    if !index.is_plain() {
        return Err(format!(
            "index `{}` is not a plain B-tree on its columns: {}",
            index.name, index.definition
        ));
    }
    Ok(match (index.columns.as_slice(), index.unique) {
        ([col], false) => IndexForm::Column(col),
        (_, false) => IndexForm::Table(format!(
            "index({})",
            names.fields(&table.name, &index.columns)
        )),
        (_, true) => IndexForm::Table(format!(
            "unique_index({})",
            names.fields(&table.name, &index.columns)
        )),
    })
}

/// What the table has that the derive cannot declare at all, one line each:
/// pulled as the nearest declaration (a plain column, a plain key) or left
/// out, never silently.
fn undeclarable(table: &Table) -> Vec<String> {
    let mut out = Vec::new();
    for c in &table.columns {
        if let Some(identity) = c.identity {
            out.push(format!(
                "column `{}` is GENERATED {} AS IDENTITY: pulled as a plain column (declare `serial` for a sequence of its own)",
                c.name,
                identity.as_sql()
            ));
        }
        if let Some(expr) = &c.generated {
            out.push(format!(
                "column `{}` is GENERATED ALWAYS AS ({expr}) STORED: pulled as a plain column",
                c.name
            ));
        }
        if let Some(collation) = &c.collation {
            out.push(format!(
                "column `{}` has the collation {collation}: pulled with its type's",
                c.name
            ));
        }
    }
    let keys = table.primary_key.iter().chain(&table.unique);
    for key in keys.filter(|k| !k.deferral.is_immediate() || k.nulls_not_distinct) {
        out.push(format!(
            "key `{}` is{}{}: pulled as a plain key",
            key.name,
            key.deferral.as_sql(),
            if key.nulls_not_distinct {
                " NULLS NOT DISTINCT"
            } else {
                ""
            }
        ));
    }
    for fk in &table.foreign_keys {
        if !fk.deferral.is_immediate() || !fk.valid || !fk.enforced {
            out.push(format!(
                "foreign key `{}` is{}{}{}: pulled as a plain foreign key",
                fk.name,
                fk.deferral.as_sql(),
                if fk.valid { "" } else { " NOT VALID" },
                if fk.enforced {
                    ""
                } else {
                    " not enforced (its triggers are disabled)"
                }
            ));
        }
    }
    if table.unlogged {
        out.push("the table is UNLOGGED: pulled as a logged table".into());
    }
    for b in &table.behaviours {
        out.push(format!(
            "{} `{}` is not declarable: {}",
            b.kind.as_str(),
            b.name,
            b.definition
        ));
    }
    out
}

/// The column, its `references`/action keys and the parent's type.
fn foreign_key_attrs<'a>(
    table: &Table,
    fk: &'a ForeignKey,
    schema: &Schema,
    names: &'a Names,
) -> Result<(&'a str, Vec<String>, &'a str), String> {
    let ([col], [ref_col]) = (fk.columns.as_slice(), fk.ref_columns.as_slice()) else {
        return Err(format!(
            "foreign key `{}` is composite ({}) → {} ({})",
            fk.name,
            fk.columns.join(", "),
            fk.ref_table,
            fk.ref_columns.join(", ")
        ));
    };
    // PostgreSQL lets `integer` reference `bigint`; a typed key does not.
    let own = table.column(col).map(|c| &c.data_type);
    let theirs = schema
        .table(&fk.ref_table)
        .and_then(|t| t.column(ref_col))
        .map(|c| &c.data_type);
    if let (Some(own), Some(theirs)) = (own, theirs) {
        if own != theirs {
            return Err(format!(
                "foreign key `{}` joins `{col}` ({own}) to `{}.{ref_col}` ({theirs}); a declared key needs one type on both sides",
                fk.name, fk.ref_table
            ));
        }
    }
    let parent = names.type_name(&fk.ref_table);
    let mut attrs = vec![format!(
        "references = {parent}::{}",
        names.field(&fk.ref_table, ref_col).0
    )];
    for (key, action) in [("on_delete", fk.on_delete), ("on_update", fk.on_update)] {
        let word = match action {
            FkAction::NoAction => continue,
            FkAction::Restrict => "restrict",
            FkAction::Cascade => "cascade",
            FkAction::SetNull => "set_null",
            FkAction::SetDefault => "set_default",
        };
        attrs.push(format!("{key} = {word}"));
    }
    Ok((col, attrs, parent))
}

/// Whether SQL text names `column` (quoted, or as a whole word).
fn mentions(sql: &str, column: &str) -> bool {
    sql.contains(&format!("\"{}\"", column.replace('"', "\"\""))) || super::has_word(sql, column)
}

/// `CHECK ((total >= (0)::numeric))` → `(total >= (0)::numeric)`.
fn check_sql(definition: &str) -> &str {
    let d = definition.trim();
    let d = d
        .strip_prefix("CHECK ")
        .or_else(|| d.strip_prefix("check "))
        .unwrap_or(d)
        .trim();
    let d = d.strip_suffix(" NOT VALID").unwrap_or(d);
    match d.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) if balanced(inner) => inner,
        _ => d,
    }
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    for c in s.chars() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// The field's value type and its type key (`varchar(255)`), or why the
/// column cannot be declared.
fn rust_type(c: &Column, catalog: &Catalog) -> Result<(&'static str, Option<String>), String> {
    Ok(match &c.data_type {
        SqlType::SmallInt => ("i16", None),
        SqlType::Integer => ("i32", None),
        SqlType::BigInt => ("i64", None),
        SqlType::Boolean => ("bool", None),
        SqlType::Text => ("String", None),
        SqlType::Varchar(Some(n)) => ("String", Some(format!("varchar({n})"))),
        SqlType::Varchar(None) => {
            return Err("`character varying` without a length (declare `text` or `varchar(n)`)".into())
        }
        SqlType::Numeric(Some((p, s))) => ("Decimal", Some(format!("numeric({p}, {s})"))),
        SqlType::Numeric(None) => {
            return Err("`numeric` without precision and scale (declare `numeric(p, s)`)".into())
        }
        SqlType::Timestamp => ("NaiveDateTime", None),
        SqlType::Timestamptz => ("DateTime<Utc>", None),
        SqlType::Date => ("NaiveDate", None),
        SqlType::Jsonb => ("serde_json::Value", None),
        SqlType::Uuid => ("Uuid", None),
        SqlType::Json => return Err("`json` (not `jsonb`) has no declaration".into()),
        SqlType::Other(t) if t.ends_with("[]") => {
            return Err(format!("an array type (`{t}`) has no declaration"))
        }
        SqlType::Other(t) if catalog.enum_types.contains(t.as_ref()) => {
            return Err(format!(
                "an enum type (`{t}`); a text column with a `#[derive(TextEnum)]` type is the declared form"
            ))
        }
        SqlType::Other(t) => return Err(format!("type `{t}` has no declaration")),
    })
}

fn type_imports(ty: &str) -> Vec<&'static str> {
    match ty {
        "Decimal" => vec!["Decimal"],
        "NaiveDateTime" => vec!["NaiveDateTime"],
        "DateTime<Utc>" => vec!["DateTime", "Utc"],
        "NaiveDate" => vec!["NaiveDate"],
        "Uuid" => vec!["Uuid"],
        _ => vec![],
    }
}

/// `default = ...` from the default PostgreSQL prints, in the most specific
/// form that prints back the same; else `sql("...")`.
fn default_attr(c: &Column) -> Option<String> {
    let printed = &c.default.as_ref()?.printed;
    let ty = &c.data_type;
    if printed == "now()"
        && matches!(
            ty,
            SqlType::Timestamp | SqlType::Timestamptz | SqlType::Date
        )
    {
        return Some("default = now".into());
    }
    let literal = printed
        .strip_prefix('\'')
        .and_then(|rest| rest.rsplit_once("'::"))
        .map(|(inner, _)| inner.replace("''", "'"));
    match ty {
        SqlType::Boolean if printed == "true" || printed == "false" => {
            return Some(format!("default = {printed}"))
        }
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt | SqlType::Numeric(_) => {
            let number = literal.as_deref().unwrap_or(printed);
            if is_number(number) && printed_literal(number, ty) == *printed {
                return Some(format!("default = {number}"));
            }
        }
        SqlType::Text | SqlType::Varchar(_) | SqlType::Jsonb => {
            if let Some(text) = &literal {
                if printed_text(text, ty) == *printed {
                    return Some(format!("default = {text:?}"));
                }
            }
        }
        _ => {}
    }
    Some(format!("default = sql({printed:?})"))
}

fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Parents before children (foreign keys; self-references and cycles set
/// aside), else by name.
fn dependency_order<'a>(tables: &[&'a Table]) -> Vec<&'a Table> {
    let mut left: Vec<&Table> = tables.to_vec();
    left.sort_by(|a, b| a.name.cmp(&b.name));
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            t.foreign_keys.iter().all(|fk| {
                fk.ref_table == t.name
                    || done.contains(fk.ref_table.as_str())
                    || !left.iter().any(|o| o.name == fk.ref_table)
            })
        });
        // A cycle: take the first by name; its foreign keys come after.
        let t = left.remove(ready.unwrap_or(0));
        done.insert(&t.name);
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_take_the_form_that_prints_back_the_same() {
        let col = |ty: SqlType, printed: &str| {
            let mut c = Column::new("c", ty, false);
            c.default = Some(schema_model::model::ColumnDefault::printed(printed));
            default_attr(&c).unwrap()
        };
        assert_eq!(col(SqlType::Integer, "0"), "default = 0");
        assert_eq!(col(SqlType::Integer, "'-1'::integer"), "default = -1");
        assert_eq!(
            col(SqlType::Numeric(Some((10, 2))), "20.00"),
            "default = 20.00"
        );
        assert_eq!(col(SqlType::Boolean, "false"), "default = false");
        assert_eq!(
            col(SqlType::Varchar(Some(50)), "'it''s'::character varying"),
            "default = \"it's\""
        );
        assert_eq!(col(SqlType::Jsonb, "'[]'::jsonb"), "default = \"[]\"");
        assert_eq!(col(SqlType::Timestamp, "now()"), "default = now");
        assert_eq!(
            col(SqlType::Uuid, "gen_random_uuid()"),
            "default = sql(\"gen_random_uuid()\")"
        );
        assert_eq!(
            col(SqlType::Text, "'a'::text || 'b'::text"),
            "default = sql(\"'a'::text || 'b'::text\")"
        );
    }

    #[test]
    fn checks_lose_their_keyword_and_outer_parentheses_only() {
        assert_eq!(
            check_sql("CHECK ((total >= (0)::numeric))"),
            "(total >= (0)::numeric)"
        );
        assert_eq!(check_sql("CHECK ((a > 0)) NOT VALID"), "(a > 0)");
        assert_eq!(check_sql("CHECK ((a) > (b))"), "(a) > (b)");
    }
}
