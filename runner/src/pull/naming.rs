//! Rust names for SQL names: singular type names (`client_contacts` →
//! `ClientContact`), modules and fields (`r#type`, `created_at` for
//! `createdAt`, written with `name = "createdAt"`), unique within their scope.

use std::collections::{BTreeMap, BTreeSet};

use schema_model::model::Table;

/// The Rust names of every table and column of a pull, decided once so that
/// a foreign key names its parent's field as the parent's file does.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Table → (module and `Volumes` field, type).
    tables: BTreeMap<String, (String, String)>,
    /// (table, column) → (field, the name to write as `name = "..."`).
    columns: BTreeMap<(String, String), (String, Option<String>)>,
}

impl Names {
    pub(super) fn new(tables: &[&Table]) -> Names {
        let mut names = Names::default();
        let types = type_names(tables);
        let mut modules = BTreeSet::new();
        for t in tables {
            let module = unique(&mut modules, ident_for(&t.name).0);
            names
                .tables
                .insert(t.name.clone(), (module, types[&t.name].clone()));
            let mut fields = BTreeSet::new();
            for c in &t.columns {
                let (field, mut rename) = ident_for(&c.name);
                let field = unique(&mut fields, field);
                if rename.is_none() && field.trim_start_matches("r#") != c.name {
                    rename = Some(c.name.clone());
                }
                names
                    .columns
                    .insert((t.name.clone(), c.name.clone()), (field, rename));
            }
        }
        names
    }

    /// `r#type` for the table `type`, `user` for `User`.
    pub(super) fn module(&self, table: &str) -> &str {
        &self.tables[table].0
    }

    pub(super) fn type_name(&self, table: &str) -> &str {
        &self.tables[table].1
    }

    /// Whether the table is written `module = "SQL name"` in `schema!`.
    pub(super) fn table_renamed(&self, table: &str) -> bool {
        self.module(table).trim_start_matches("r#") != table
    }

    /// The field of a column, and its SQL name when the field is not it.
    pub(super) fn field(&self, table: &str, column: &str) -> (&str, Option<&str>) {
        let (field, rename) = &self.columns[&(table.to_owned(), column.to_owned())];
        (field, rename.as_deref())
    }

    /// `a, b` as fields, for `primary_key(...)` and friends.
    pub(super) fn fields(&self, table: &str, columns: &[String]) -> String {
        columns
            .iter()
            .map(|c| self.field(table, c).0)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn unique(taken: &mut BTreeSet<String>, base: String) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{}_{n}", base.trim_start_matches("r#"));
        n += 1;
    }
    name
}

/// An identifier for a SQL name: itself when it is one (`r#type` for a
/// keyword); else snake case (`createdAt` → `created_at`, `Weird Name` →
/// `weird_name`) with the SQL name to write out.
fn ident_for(name: &str) -> (String, Option<String>) {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        return match name {
            "self" | "super" | "crate" | "_" => (format!("{name}_"), Some(name.to_owned())),
            n if is_keyword(n) => (format!("r#{n}"), None),
            n => (n.to_owned(), None),
        };
    }
    let mut snake = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            snake.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            snake.push('_');
            prev_lower = false;
        }
    }
    let mut snake = snake
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert_str(0, "c_");
    }
    if matches!(snake.as_str(), "self" | "super" | "crate") {
        snake.push('_');
    } else if is_keyword(&snake) {
        snake.insert_str(0, "r#");
    }
    (snake, Some(name.to_owned()))
}

fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    KEYWORDS.contains(&s)
}

/// `client_contacts` → `ClientContact`, unique among the tables and clear of
/// the names a file imports.
fn type_names(tables: &[&Table]) -> BTreeMap<String, String> {
    const TAKEN: &[&str] = &[
        "Table",
        "Decimal",
        "NaiveDateTime",
        "NaiveDate",
        "DateTime",
        "Utc",
        "Uuid",
        "Option",
        "String",
        "Self",
        "Volumes",
    ];
    let mut out = BTreeMap::new();
    let mut used: BTreeSet<String> = TAKEN.iter().map(|s| (*s).to_owned()).collect();
    for t in tables {
        let base = camel(&singular(&ident_for(&t.name).0.replace("r#", "")));
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name) || name.is_empty() {
            name = format!("{base}{n}");
            n += 1;
        }
        used.insert(name.clone());
        out.insert(t.name.clone(), name);
    }
    out
}

fn singular(table: &str) -> String {
    let (head, last) = match table.rsplit_once('_') {
        Some((h, l)) => (format!("{h}_"), l),
        None => (String::new(), table),
    };
    let one = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if last.ends_with("sses")
        || last.ends_with("uses")
        || last.ends_with("xes")
        || last.ends_with("ches")
        || last.ends_with("shes")
    {
        last[..last.len() - 2].to_owned()
    } else if last.ends_with('s') && !last.ends_with("ss") && last.len() > 1 {
        last[..last.len() - 1].to_owned()
    } else {
        last.to_owned()
    };
    format!("{head}{one}")
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_become_singular_types() {
        for (table, ty) in [
            ("clients", "Client"),
            ("client_contacts", "ClientContact"),
            ("categories", "Category"),
            ("addresses", "Address"),
            ("statuses", "Status"),
            ("boxes", "Box"),
            ("equipment", "Equipment"),
            ("service_catalog", "ServiceCatalog"),
            ("stripe_webhook_events", "StripeWebhookEvent"),
        ] {
            assert_eq!(camel(&singular(table)), ty);
        }
    }

    #[test]
    fn odd_names_get_snake_case_fields_and_keep_their_sql_name() {
        for (name, field, written) in [
            ("email", "email", None),
            ("type", "r#type", None),
            ("self", "self_", Some("self")),
            ("createdAt", "created_at", Some("createdAt")),
            ("ID", "id", Some("ID")),
            ("Weird Name", "weird_name", Some("Weird Name")),
            ("2fa code", "c_2fa_code", Some("2fa code")),
            ("Type", "r#type", Some("Type")),
            ("Self", "self_", Some("Self")),
        ] {
            assert_eq!(
                ident_for(name),
                (field.to_owned(), written.map(str::to_owned)),
                "{name}"
            );
        }
    }
}
