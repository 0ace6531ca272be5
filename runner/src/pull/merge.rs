//! `runner pull --merge`: an existing declaration brought up to what the
//! database holds, keeping what only the code knows. Works on the text, in
//! the house style `pull` writes: inside the table's struct, a field's SQL
//! keys (type, default, keys, references) and nullability follow the
//! database; its type stays when it is the team's own (an enum, typed JSON),
//! its other keys (`fake`, `renamed_from`, `backfill`), doc comments and
//! comments stay; columns the database added are inserted where they stand;
//! declared columns the database lacks are kept and reported. Everything
//! outside the struct (presets, enums, impls) is left as it is, but for
//! imports the new fields need.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::source::{key_name, parse_body, parse_struct, table_name, Field, Struct};

/// Keys of `#[column(...)]` that say something about the database.
const COLUMN_SQL_KEYS: &[&str] = &[
    "primary_key",
    "serial",
    "varchar",
    "numeric",
    "default",
    "unique",
    "index",
    "references",
    "on_delete",
    "on_update",
];
/// Keys of `#[table(...)]` that say something about the database.
const TABLE_SQL_KEYS: &[&str] = &["primary_key", "unique", "index", "unique_index", "check"];
/// The types `pull` writes: a declaration using another (an enum, `Json<T>`)
/// keeps it.
const PLAIN_TYPES: &[&str] = &[
    "i16",
    "i32",
    "i64",
    "bool",
    "String",
    "Decimal",
    "NaiveDateTime",
    "DateTime<Utc>",
    "NaiveDate",
    "serde_json::Value",
    "Uuid",
];

/// The column groups declared beside the folder a pull merges into (and in
/// it), read once, on first need: struct name → its columns.
pub(crate) struct Groups {
    root: PathBuf,
    found: OnceCell<BTreeMap<String, Vec<String>>>,
}

impl Groups {
    /// The groups under `out`'s parent folder (where `schema-defs` keeps
    /// shared groups), `out` included.
    pub fn beside(out: &Path) -> Groups {
        Groups {
            root: out.parent().unwrap_or(out).to_path_buf(),
            found: OnceCell::new(),
        }
    }

    fn columns(&self, group: &str) -> Option<&[String]> {
        self.found
            .get_or_init(|| {
                let mut found = BTreeMap::new();
                for path in rust_files(&self.root) {
                    let Ok(text) = std::fs::read_to_string(path) else {
                        continue;
                    };
                    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
                    for (i, line) in lines.iter().enumerate() {
                        let Some(name) = line
                            .trim_start()
                            .strip_prefix("pub struct ")
                            .and_then(|l| l.strip_suffix(" {"))
                        else {
                            continue;
                        };
                        if let Some(body) = parse_body(&lines, i) {
                            let columns = body.fields.iter().map(|f| f.column.clone()).collect();
                            found.entry(name.to_owned()).or_insert(columns);
                        }
                    }
                }
                found
            })
            .get(group)
            .map(Vec::as_slice)
    }
}

/// `current` (a file holding the table's struct) brought up to `pulled`
/// (what `pull` wrote for the table). The columns of the groups the struct
/// flattens (found in `groups`) are not added again.
pub(crate) fn merge_table(
    current: &str,
    pulled: &str,
    groups: &Groups,
    warnings: &mut Vec<String>,
) -> Result<String, String> {
    let table = table_name(pulled).ok_or("the pulled declaration has no table name")?;
    let lines: Vec<String> = current.lines().map(str::to_owned).collect();
    let new_lines: Vec<String> = pulled.lines().map(str::to_owned).collect();
    let cur = parse_struct(&lines, &table).ok_or_else(|| {
        format!("no struct with `#[table(name = {table:?}, ...)]` found whose fields stand one per line, as `runner pull` writes them; nothing was written (hint: merge this file by hand, or reformat it)")
    })?;
    let new = parse_struct(&new_lines, &table).ok_or("the pulled declaration does not parse")?;
    let db_of = |s: &Struct| {
        s.table_keys
            .iter()
            .find(|k| key_name(k) == "db")
            .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    if let (Some(declared), Some(pulled)) = (db_of(&cur), db_of(&new)) {
        if declared != pulled {
            return Err(format!(
                "`{table}` is declared with `{declared}`, the pull is `{pulled}`; nothing was written (hint: pass the --db the file declares)"
            ));
        }
    }

    let grouped = group_columns(&cur, groups, &table, warnings);
    let in_db: BTreeSet<&str> = new.fields.iter().map(|f| f.column.as_str()).collect();
    let declared: BTreeSet<&str> = cur.fields.iter().map(|f| f.column.as_str()).collect();

    let mut body: Vec<String> = Vec::new();
    let mut next_cur = 0;
    let flush_until = |body: &mut Vec<String>, upto: usize, next_cur: &mut usize| {
        while *next_cur < upto {
            let f = &cur.fields[*next_cur];
            if !in_db.contains(f.column.as_str()) {
                body.extend(f.text.iter().cloned());
            }
            *next_cur += 1;
        }
    };
    for nf in &new.fields {
        let column = &nf.column;
        if let Some(at) = cur.fields.iter().position(|f| f.column == *column) {
            flush_until(&mut body, at, &mut next_cur);
            body.extend(update_field(&cur.fields[at], nf, &table, warnings));
            next_cur = next_cur.max(at + 1);
        } else if grouped.contains(column.as_str()) {
            continue;
        } else {
            warnings.push(format!(
                "`{table}.{column}`: added (the database has it, the declaration did not)"
            ));
            body.extend(nf.text.iter().cloned());
        }
    }
    flush_until(&mut body, cur.fields.len(), &mut next_cur);
    // Columns the pull could not declare are commented: "    // `name` type...".
    let undeclarable: BTreeSet<&str> = new_lines
        .iter()
        .filter_map(|l| l.strip_prefix("    // `")?.split('`').next())
        .collect();
    for column in declared.difference(&in_db) {
        if undeclarable.contains(column) {
            warnings.push(format!(
                "`{table}.{column}`: the database's column cannot be declared (see the comment the pull wrote); the declaration was kept as it was"
            ));
        } else if !grouped.contains(column)
            && !cur
                .fields
                .iter()
                .any(|f| f.flattened() && f.column == *column)
        {
            warnings.push(format!(
                "`{table}.{column}`: declared but not in the database; kept (remove it by hand if it was dropped, or `runner migrate` adds it)"
            ));
        }
    }
    body.extend(cur.tail.iter().cloned());

    let (cur_sql, cur_other) = split_keys(&cur.table_keys, TABLE_SQL_KEYS);
    let (new_sql, _) = split_keys(&new.table_keys, TABLE_SQL_KEYS);
    let table_attr = if normalized(&cur_sql) == normalized(&new_sql) {
        lines[cur.table_attr.0..=cur.table_attr.1].to_vec()
    } else {
        warnings.push(format!(
            "`{table}`: table keys brought up to date ({})",
            new_sql.join(", ")
        ));
        let keys = [cur_other, new_sql].concat();
        vec![format!("#[table({})]", keys.join(", "))]
    };

    let mut out: Vec<String> = Vec::new();
    out.extend(lines[..cur.table_attr.0].iter().cloned());
    out.extend(table_attr);
    out.extend(lines[cur.table_attr.1 + 1..cur.body.0].iter().cloned());
    out.extend(body);
    out.extend(lines[cur.body.1..].iter().cloned());
    let mut out = merge_imports(out, &new_lines);
    if current.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// A field kept, its SQL keys and nullability brought to the database's.
fn update_field(cur: &Field, new: &Field, table: &str, warnings: &mut Vec<String>) -> Vec<String> {
    let plain = PLAIN_TYPES.contains(&cur.value_type());
    let retyped = plain && cur.value_type() != new.value_type();
    let (cur_sql, cur_other) = split_keys(&cur.keys, COLUMN_SQL_KEYS);
    let (new_sql, _) = split_keys(&new.keys, COLUMN_SQL_KEYS);
    let keys_changed = normalized(&cur_sql) != normalized(&new_sql);
    if !keys_changed && cur.nullable() == new.nullable() && !retyped {
        return cur.text.clone();
    }
    let column = &cur.column;
    let mut said = Vec::new();
    if cur.nullable() != new.nullable() {
        said.push(
            if new.nullable() {
                "now nullable"
            } else {
                "now NOT NULL"
            }
            .to_owned(),
        );
    }
    if retyped {
        said.push(format!("{} → {}", cur.value_type(), new.value_type()));
    }
    if keys_changed {
        let keys: Vec<String> = normalized(&new_sql).into_iter().collect();
        said.push(format!("keys now ({})", keys.join(", ")));
    }
    warnings.push(format!(
        "`{table}.{column}`: brought up to date: {}",
        said.join("; ")
    ));

    let keys = [new_sql, cur_other].concat();
    let value = if retyped {
        new.value_type()
    } else {
        cur.value_type()
    };
    let ty = if new.nullable() {
        format!("Option<{value}>")
    } else {
        value.to_owned()
    };
    let mut out = cur.comments.clone();
    if !keys.is_empty() {
        out.push(format!("    #[column({})]", keys.join(", ")));
    }
    out.extend(cur.other_attrs.iter().cloned());
    out.push(format!("{}{}: {ty},", cur.lead, cur.ident));
    out
}

/// The columns of the groups `cur` flattens.
fn group_columns<'g>(
    cur: &Struct,
    groups: &'g Groups,
    table: &str,
    warnings: &mut Vec<String>,
) -> BTreeSet<&'g str> {
    let mut out = BTreeSet::new();
    for f in cur.fields.iter().filter(|f| f.flattened()) {
        let group = f.value_type().rsplit("::").next().unwrap_or_default();
        match groups.columns(group) {
            Some(columns) => out.extend(columns.iter().map(String::as_str)),
            None => warnings.push(format!(
                "`{table}`: column group `{group}` not found under {}; its columns may be added again as the table's own",
                groups.root.display()
            )),
        }
    }
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() && out.len() < 2000 {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `mod.rs` merged: the pulled modules that it lacks are added (module,
/// re-export and an entry at the end of `schema!`); nothing is removed.
pub(crate) fn merge_mod(current: &str, pulled: &str, warnings: &mut Vec<String>) -> String {
    let mut lines: Vec<String> = current.lines().map(str::to_owned).collect();
    let entry_of = |module: &str| {
        pulled
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{module} =")))
            .map(str::to_owned)
    };
    let modules: Vec<String> = pulled
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_owned)
        .collect();
    let header = lines
        .iter()
        .take_while(|l| l.starts_with("//!") || l.trim().is_empty())
        .count();
    let had_schema = lines.iter().any(|l| l.contains("schema!"));
    let mut added = false;
    for module in modules {
        let declared = lines.iter().any(|l| {
            l.trim() == format!("mod {module};") || l.trim() == format!("pub mod {module};")
        });
        if declared {
            continue;
        }
        added = true;
        let last =
            |lines: &[String], prefix: &str| lines.iter().rposition(|l| l.starts_with(prefix));
        let at = last(&lines, "mod ").map_or(header, |i| i + 1);
        lines.insert(at, format!("mod {module};"));
        let at = last(&lines, "pub use ").map_or(at + 1, |i| i + 1);
        lines.insert(at, format!("pub use {module}::*;"));
        if had_schema {
            let schema_end = lines
                .iter()
                .position(|l| l.contains("schema!"))
                .and_then(|s| {
                    lines[s..]
                        .iter()
                        .position(|l| l.trim() == "}")
                        .map(|e| s + e)
                });
            match (schema_end, entry_of(&module)) {
                (Some(end), Some(entry)) => lines.insert(end, entry),
                _ => warnings.push(format!(
                    "mod.rs: add `{module}` to the `schema!` list by hand"
                )),
            }
        }
        warnings.push(format!("mod.rs: added module `{module}`"));
    }
    for module in lines
        .iter()
        .filter_map(|l| l.trim().strip_prefix("mod ")?.strip_suffix(';'))
    {
        if !pulled.lines().any(|l| l.trim() == format!("mod {module};")) {
            warnings.push(format!(
                "mod.rs: module `{module}` declares a table the database does not have; kept (remove it by hand if the table was dropped)"
            ));
        }
    }
    if added && !had_schema {
        if let Some(start) = pulled.find("schema_core::schema!") {
            lines.push(String::new());
            lines.extend(pulled[start..].lines().map(str::to_owned));
        }
    }
    let mut out = lines.join("\n");
    if current.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `use schema_core::{...};` and `use super::{...};` of `lines`, with the
/// items the pulled file uses added.
fn merge_imports(mut lines: Vec<String>, pulled: &[String]) -> String {
    for prefix in ["use schema_core::", "use super::"] {
        let wanted = pulled
            .iter()
            .find(|l| l.starts_with(prefix))
            .map(|l| use_items(l, prefix))
            .unwrap_or_default();
        if wanted.is_empty() {
            continue;
        }
        match lines
            .iter()
            .position(|l| l.starts_with(prefix) && l.ends_with(';'))
        {
            Some(i) => {
                let mut items = use_items(&lines[i], prefix);
                let before = items.len();
                for w in wanted {
                    if !items.contains(&w) {
                        items.push(w);
                    }
                }
                if items.len() != before {
                    lines[i] = use_line(prefix, &items);
                }
            }
            None => {
                let at = lines
                    .iter()
                    .rposition(|l| l.starts_with("use "))
                    .map_or(0, |i| i + 1);
                lines.insert(at, use_line(prefix, &wanted));
            }
        }
    }
    drop_unused_parents(&mut lines);
    lines.join("\n")
}

/// A parent imported by `use super::...` that the file no longer names (its
/// foreign key is gone from the database) is dropped from the import, so
/// that the merged file builds without an unused-import warning.
fn drop_unused_parents(lines: &mut Vec<String>) {
    const PREFIX: &str = "use super::";
    let Some(i) = lines
        .iter()
        .position(|l| l.starts_with(PREFIX) && l.ends_with(';'))
    else {
        return;
    };
    let rest: Vec<&String> = lines
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, l)| l)
        .collect();
    let named = |item: &str| rest.iter().any(|l| super::has_word(l, item));
    let items = use_items(&lines[i], PREFIX);
    let kept: Vec<String> = items.iter().filter(|it| named(it)).cloned().collect();
    if kept.len() == items.len() {
        return;
    }
    if kept.is_empty() {
        lines.remove(i);
        // The blank line the import stood after goes with it.
        if i > 0
            && lines[i - 1].trim().is_empty()
            && lines.get(i).is_some_and(|l| l.trim().is_empty())
        {
            lines.remove(i - 1);
        }
    } else {
        lines[i] = use_line(PREFIX, &kept);
    }
}

fn use_items(line: &str, prefix: &str) -> Vec<String> {
    let rest = line[prefix.len()..].trim_end_matches(';');
    let inner = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    inner
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn use_line(prefix: &str, items: &[String]) -> String {
    match items {
        [one] => format!("{prefix}{one};"),
        many => format!("{prefix}{{{}}};", many.join(", ")),
    }
}

/// `keys` as (those that say something about the database, the others).
fn split_keys(keys: &[String], sql: &[&str]) -> (Vec<String>, Vec<String>) {
    keys.iter()
        .cloned()
        .partition(|k| sql.contains(&key_name(k)))
}

/// Keys compared without their spacing.
fn normalized(keys: &[String]) -> BTreeSet<String> {
    keys.iter()
        .map(|k| k.split_whitespace().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = r#"//! The `sessions` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::Client;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "sessions", db = tenant, renamed_from = "bookings")]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    /// Shown on the calendar.
    #[column(varchar(100), fake = "lorem::Sentence(2..4)")]
    pub title: String,
    #[column(varchar(50), default = "scheduled")]
    pub status: SessionStatus,
    pub legacy_note: Option<String>,
    pub start_time: NaiveDateTime,
}

/// Values of `sessions.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum SessionStatus {
    Scheduled,
    Done,
}

impl SessionFactory {
    pub fn done(self) -> Self {
        self.status(SessionStatus::Done)
    }
}
"#;

    const PULLED: &str = r#"//! The `sessions` table (pulled by `runner pull`).

use schema_core::{Decimal, NaiveDateTime, Table};

use super::{Client, Room};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "sessions", db = tenant, index(client_id, start_time))]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(references = Room::id, on_delete = set_null)]
    pub room_id: Option<i32>,
    #[column(varchar(255))]
    pub title: Option<String>,
    #[column(varchar(50), default = "scheduled")]
    pub status: String,
    pub start_time: NaiveDateTime,
    #[column(numeric(10, 2))]
    pub total: Option<Decimal>,
}
"#;

    #[test]
    fn merge_keeps_what_only_the_code_knows() {
        let mut warnings = Vec::new();
        let merged = merge_table(
            CURRENT,
            PULLED,
            &Groups::beside(Path::new("/nonexistent")),
            &mut warnings,
        )
        .unwrap();
        let expected = r#"//! The `sessions` table.

use schema_core::{NaiveDateTime, Table, TextEnum, Decimal};

use super::{Client, Room};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "sessions", db = tenant, renamed_from = "bookings", index(client_id, start_time))]
pub struct Session {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(references = Client::id)]
    pub client_id: i32,
    #[column(references = Room::id, on_delete = set_null)]
    pub room_id: Option<i32>,
    /// Shown on the calendar.
    #[column(varchar(255), fake = "lorem::Sentence(2..4)")]
    pub title: Option<String>,
    #[column(varchar(50), default = "scheduled")]
    pub status: SessionStatus,
    pub legacy_note: Option<String>,
    pub start_time: NaiveDateTime,
    #[column(numeric(10, 2))]
    pub total: Option<Decimal>,
}

/// Values of `sessions.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum SessionStatus {
    Scheduled,
    Done,
}

impl SessionFactory {
    pub fn done(self) -> Self {
        self.status(SessionStatus::Done)
    }
}
"#;
        assert_eq!(merged, expected, "{merged}");
        let said = warnings.join("\n");
        assert!(said.contains("`sessions.room_id`: added"), "{said}");
        assert!(said.contains("`sessions.total`: added"), "{said}");
        assert!(
            said.contains("`sessions.title`: brought up to date: now nullable"),
            "{said}"
        );
        assert!(
            said.contains("`sessions.legacy_note`: declared but not in the database; kept"),
            "{said}"
        );
        assert!(!said.contains("sessions.status"), "{said}");
        // Merging again changes nothing.
        let again = merge_table(
            &merged,
            PULLED,
            &Groups::beside(Path::new("/nonexistent")),
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(again, merged);
    }

    #[test]
    fn merge_refuses_a_declaration_of_the_other_database() {
        let master = PULLED.replace("db = tenant", "db = master");
        let err = merge_table(
            CURRENT,
            &master,
            &Groups::beside(Path::new("/x")),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(
            err.contains("`db = tenant`") && err.contains("--db"),
            "{err}"
        );
    }

    #[test]
    fn merge_refuses_what_it_cannot_read_and_keeps_visibility() {
        let spread = CURRENT.replace(
            "    pub start_time: NaiveDateTime,",
            "    pub start_time:\n        NaiveDateTime,",
        );
        let err = merge_table(
            &spread,
            PULLED,
            &Groups::beside(Path::new("/x")),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(err.contains("one per line"), "{err}");

        let private = CURRENT.replace("    pub title: String,", "    pub(crate) title: String,");
        let merged = merge_table(
            &private,
            PULLED,
            &Groups::beside(Path::new("/x")),
            &mut Vec::new(),
        )
        .unwrap();
        assert!(
            merged.contains("    pub(crate) title: Option<String>,"),
            "{merged}"
        );
    }

    #[test]
    fn columns_of_a_flattened_group_are_not_added_again() {
        let root = std::env::temp_dir().join(format!("rsm-merge-groups-{}", std::process::id()));
        let out = root.join("tenant");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(
            root.join("common.rs"),
            "#[derive(ColumnGroup)]\npub struct Synced {\n    #[column(default = 1)]\n    pub sync_version: i32,\n}\n",
        )
        .unwrap();
        let current = CURRENT.replace(
            "    pub start_time: NaiveDateTime,\n}",
            "    pub start_time: NaiveDateTime,\n    #[column(flatten)]\n    pub sync: super::Synced,\n}",
        );
        let pulled = PULLED.replace(
            "    pub start_time: NaiveDateTime,\n",
            "    pub start_time: NaiveDateTime,\n    #[column(default = 1)]\n    pub sync_version: i32,\n",
        );
        let mut warnings = Vec::new();
        let merged = merge_table(&current, &pulled, &Groups::beside(&out), &mut warnings).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert!(!merged.contains("pub sync_version"), "{merged}");
        assert!(merged.contains("    pub sync: super::Synced,"), "{merged}");
        assert!(!warnings.join("\n").contains("sync"), "{warnings:?}");
    }

    #[test]
    fn merge_refuses_a_file_without_the_table() {
        let err = merge_table(
            "pub struct X {}\n",
            PULLED,
            &Groups::beside(Path::new("/x")),
            &mut Vec::new(),
        );
        assert!(err.unwrap_err().contains("sessions"));
    }

    #[test]
    fn mod_gains_the_modules_it_lacks() {
        let current = "mod clients;\n\npub use clients::*;\n\nschema_core::schema! {\n    pub static SCHEMA: Tenant;\n    clients => Client,\n}\n";
        let pulled = "mod clients;\nmod rooms;\n\npub use clients::*;\npub use rooms::*;\n\nschema_core::schema! {\n    pub static SCHEMA: Tenant;\n    clients => Client,\n    rooms => Room,\n}\n";
        let merged = merge_mod(current, pulled, &mut Vec::new());
        assert_eq!(merged, pulled);
    }
}
