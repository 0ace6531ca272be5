//! Rust names for SQL names: singular type names (`client_contacts` →
//! `ClientContact`), fields (`r#type`), and which SQL names a declaration
//! can carry at all.

use std::collections::{BTreeMap, BTreeSet};

use schema_model::model::Table;

/// A column's field: itself, `r#type` for a keyword, `self_` (with the
/// name given) where even a raw identifier cannot stand.
pub(super) fn field_name(column: &str) -> (String, Option<String>) {
    match column {
        "self" | "super" | "crate" | "_" => (format!("{column}_"), Some(column.to_owned())),
        c if is_keyword(c) => (format!("r#{c}"), None),
        c => (c.to_owned(), None),
    }
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
pub(super) fn type_names(tables: &[&Table]) -> BTreeMap<String, String> {
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
        let base = camel(&singular(&t.name));
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

/// The derive's own rule for SQL names (`schema_macros` cannot be called).
pub(super) fn sql_name_problem(name: &str) -> Option<&'static str> {
    let first = name.chars().next()?;
    if name.len() > 63 {
        return Some("too long");
    }
    if !(first.is_ascii_lowercase() || first == '_') {
        return Some("bad start");
    }
    name.chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .then_some("bad character")
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
}
