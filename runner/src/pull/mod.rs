//! `runner pull`: declarations out of a live database, for a team that has
//! one and no `schema-defs` yet (or one that fell behind).

pub mod merge;
mod naming;
pub mod render;
mod source;

use std::path::{Path, PathBuf};

use schema_core::DbKind;
use schema_model::introspect::introspect;
use serde::Serialize;
use sqlx::PgConnection;

use crate::RunnerError;
pub use render::{render, Catalog, Rendered};

#[derive(Debug, Clone, Serialize)]
pub struct PullReport {
    /// The database read, by name, and its server.
    pub database: String,
    pub server: String,
    pub tables: usize,
    /// Files written anew.
    pub written: Vec<PathBuf>,
    /// Existing files brought up to date (`--merge`).
    pub merged: Vec<PathBuf>,
    /// Existing files that already said what the database holds.
    pub unchanged: Vec<PathBuf>,
    /// What the declarations do not express, or what a merge left alone.
    pub warnings: Vec<String>,
}

/// Read `conn`'s `public` schema and write declarations into `out`. Without
/// `merge`, an existing file is never overwritten: the pull stops before
/// writing anything.
pub async fn pull(
    conn: &mut PgConnection,
    at: &crate::server::Located,
    db: DbKind,
    out: &Path,
    merge: bool,
) -> Result<PullReport, RunnerError> {
    let database = at.database.as_str();
    let schema = introspect(conn, "public")
        .await
        .map_err(|e| RunnerError::db("reading the schema", database, e))?;
    let catalog = read_catalog(conn)
        .await
        .map_err(|e| RunnerError::db("reading enum types and partial indexes", database, e))?;
    let rendered = render(&schema, db, &catalog);
    let mut report = PullReport {
        database: database.to_owned(),
        server: at.server.clone(),
        tables: rendered.files.len().saturating_sub(1),
        written: Vec::new(),
        merged: Vec::new(),
        unchanged: Vec::new(),
        warnings: rendered.warnings.clone(),
    };
    write_files(&rendered, out, merge, &mut report)?;
    Ok(report)
}

async fn read_catalog(conn: &mut PgConnection) -> Result<Catalog, sqlx::Error> {
    let enums: Vec<(String,)> = sqlx::query_as(
        "SELECT format_type(t.oid, NULL) FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'e' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_all(&mut *conn)
    .await?;
    let partial: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.relname::text, pg_get_indexdef(x.indexrelid)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND x.indpred IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Catalog {
        enum_types: enums.into_iter().map(|(t,)| t).collect(),
        partial_indexes: partial.into_iter().collect(),
    })
}

fn write_files(
    rendered: &Rendered,
    out: &Path,
    merge: bool,
    report: &mut PullReport,
) -> Result<(), RunnerError> {
    let existing: Vec<PathBuf> = rendered
        .files
        .iter()
        .map(|(name, _)| out.join(name))
        .filter(|p| p.exists())
        .collect();
    if !merge && !existing.is_empty() {
        return Err(RunnerError::InvalidInput(format!(
            "{} already holds {} of the files a pull writes ({}); nothing was written\n\
             hint: pull into an empty folder, or add --merge to bring existing declarations up to date",
            out.display(),
            existing.len(),
            existing
                .iter()
                .take(5)
                .map(|p| p.file_name().unwrap_or_default().to_string_lossy())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // Every merge is computed before any file is written.
    let groups = merge::Groups::beside(out);
    let mut writes: Vec<(PathBuf, String, bool)> = Vec::new();
    for (name, text) in &rendered.files {
        let path = out.join(name);
        if !existing.contains(&path) {
            writes.push((path, text.clone(), false));
            continue;
        }
        let current = std::fs::read_to_string(&path)
            .map_err(RunnerError::system(format!("reading {}", path.display())))?;
        let merged = if name == "mod.rs" {
            merge::merge_mod(&current, text, &mut report.warnings)
        } else {
            merge::merge_table(&current, text, &groups, &mut report.warnings)
                .map_err(|why| RunnerError::InvalidInput(format!("{}: {why}", path.display())))?
        };
        if merged == current {
            report.unchanged.push(path);
        } else {
            writes.push((path, merged, true));
        }
    }
    std::fs::create_dir_all(out)
        .map_err(RunnerError::system(format!("creating {}", out.display())))?;
    for (path, text, was_there) in writes {
        write_atomically(&path, &text)?;
        if was_there {
            report.merged.push(path);
        } else {
            report.written.push(path);
        }
    }
    Ok(())
}

/// Whether `word` stands in `text` as a whole word (no letter, digit or `_`
/// either side).
fn has_word(text: &str, word: &str) -> bool {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(word).any(|(at, _)| {
        !part(text[..at].chars().next_back()) && !part(text[at + word.len()..].chars().next())
    })
}

/// A reader sees the old file or the new one, never half of one.
fn write_atomically(path: &Path, text: &str) -> Result<(), RunnerError> {
    let tmp = path.with_extension("rs.pulling");
    std::fs::write(&tmp, text)
        .map_err(RunnerError::system(format!("writing {}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(RunnerError::system(format!("writing {}", path.display())))
}
