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
    /// Table → column → field.
    fields: BTreeMap<String, BTreeMap<String, String>>,
}

impl Names {
    pub(super) fn new(tables: &[&Table]) -> Names {
        // Names a pulled file imports, or that a type may not take.
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
        let mut names = Names::default();
        // `mod.rs` is the index of the pulled folder; `lib.rs` and `main.rs`
        // are a crate's roots: a table named so gets `mod_2.rs` (and keeps
        // its SQL name in `schema!`).
        let mut modules: BTreeSet<String> = ["r#mod", "lib", "main"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mut types: BTreeSet<String> = TAKEN.iter().map(|s| (*s).to_owned()).collect();
        for t in tables {
            let module = ident_for(&t.name);
            let ty = unique(&mut types, camel(&singular(unraw(&module))), "");
            let module = unique(&mut modules, module, "_");
            names.tables.insert(t.name.clone(), (module, ty));
            let mut taken = BTreeSet::new();
            let fields = t
                .columns
                .iter()
                .map(|c| (c.name.clone(), unique(&mut taken, ident_for(&c.name), "_")))
                .collect();
            names.fields.insert(t.name.clone(), fields);
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

    /// Whether `schema!` must write the table's SQL name out
    /// (`user = "User" => User`): the module does not say it.
    pub(super) fn table_written(&self, table: &str) -> bool {
        unraw(self.module(table)) != table
    }

    /// The field of a column, and its SQL name when the field does not say
    /// it (`name = "createdAt"`).
    pub(super) fn field<'a>(&'a self, table: &str, column: &'a str) -> (&'a str, Option<&'a str>) {
        let field = self.fields[table][column].as_str();
        (field, (unraw(field) != column).then_some(column))
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

fn unraw(ident: &str) -> &str {
    ident.trim_start_matches("r#")
}

/// `base`, else `base<sep>2`, `base<sep>3`, ...: the first not `taken`.
fn unique(taken: &mut BTreeSet<String>, base: String, sep: &str) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{}{sep}{n}", unraw(&base));
        n += 1;
    }
    name
}

/// An identifier for a SQL name: itself when it is one (`r#type` for a
/// keyword, `self_` where not even a raw identifier may stand); else snake
/// case (`createdAt` → `created_at`, `Weird Name` → `weird_name`).
fn ident_for(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        return match name {
            "self" | "super" | "crate" | "_" => format!("{name}_"),
            n if is_keyword(n) => format!("r#{n}"),
            n => n.to_owned(),
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
    snake
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

/// `client_contacts` → `client_contact` (the last word only).
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
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
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
            let mut table = Table::new("t");
            table.columns.push(schema_model::model::Column::new(
                name,
                schema_core::SqlType::Text,
                true,
            ));
            let names = Names::new(&[&table]);
            assert_eq!(names.field("t", name), (field, written), "{name}");
        }
    }
}
