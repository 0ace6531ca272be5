//! A schema's fingerprint: a hash of a canonical, versioned form of the model
//! (not of the DDL text), so that a cosmetic change to the renderer changes no
//! fingerprint, and two databases with the same shape share one whatever
//! their column order or constraint names.

use std::fmt::Write;

use crate::model::{Key, Schema};

/// Bumped when the canonical form changes; part of what is hashed.
pub const CANONICAL_VERSION: &str = "rsm-schema-v1";

/// 16 hex digits of FNV-1a (64 bits) over [`canonical`].
pub fn fingerprint(schema: &Schema) -> String {
    format!("{:016x}", schema_core::hash::stream_id(&canonical(schema)))
}

/// The canonical text: the version, then every table by name with its
/// columns by name (type, nullability, default as printed, serial), its keys,
/// foreign keys, indexes and checks, each sorted. Left out, as comparisons
/// leave them out: column order, constraint and index names, and what is
/// declared only to guide migrations (earlier names, backfills).
///
/// What the derive never declares (collations, identity and generated
/// columns, deferral, `NULLS NOT DISTINCT`, keys not valid or not enforced,
/// non-plain indexes, persistence, triggers, rules, row level security,
/// policies, exclusion constraints) is written only where present: a
/// database that has any fingerprints apart from the declaration, and every
/// fingerprint of a plain schema stays what it was before they were read.
/// Written here and nowhere else; `tests/tests/snapshots/canonical_*.txt`
/// pins it for both declared schemas.
pub fn canonical(schema: &Schema) -> String {
    let mut out = format!("{CANONICAL_VERSION}\n");
    let mut tables: Vec<_> = schema.tables.iter().collect();
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    for t in tables {
        writeln!(out, "table {}", t.name).unwrap();
        if t.unlogged {
            writeln!(out, " unlogged").unwrap();
        }
        let mut columns: Vec<_> = t.columns.iter().collect();
        columns.sort_by(|a, b| a.name.cmp(&b.name));
        for c in columns {
            write!(
                out,
                " column {} {} null={} serial={} default={}",
                c.name,
                c.data_type,
                c.nullable,
                c.serial,
                c.default.as_ref().map_or("-", |d| d.printed.as_str())
            )
            .unwrap();
            if let Some(collation) = &c.collation {
                write!(out, " collate={collation}").unwrap();
            }
            if let Some(identity) = c.identity {
                write!(out, " identity={}", identity.as_sql()).unwrap();
            }
            if let Some(expr) = &c.generated {
                write!(out, " generated=({expr})").unwrap();
            }
            out.push('\n');
        }
        let mut lines: Vec<String> = Vec::new();
        if let Some(pk) = &t.primary_key {
            lines.push(format!(
                " primary key ({}){}",
                pk.columns.join(","),
                key_options(pk)
            ));
        }
        lines.extend(
            t.unique
                .iter()
                .map(|k| format!(" unique ({}){}", k.columns.join(","), key_options(k))),
        );
        lines.extend(t.foreign_keys.iter().map(|fk| {
            let mut line = format!(
                " foreign key ({}) -> {} ({}) ON DELETE {} ON UPDATE {}{}",
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", "),
                fk.on_delete.as_sql(),
                fk.on_update.as_sql(),
                fk.deferral.as_sql()
            );
            if !fk.valid {
                line.push_str(" NOT VALID");
            }
            if !fk.enforced {
                line.push_str(" not enforced");
            }
            line
        }));
        lines.extend(t.indexes.iter().map(|ix| {
            let unique = if ix.unique { "unique " } else { "" };
            if ix.is_plain() {
                format!(" {unique}index ({})", ix.columns.join(","))
            } else {
                format!(" {unique}index using {}", ix.definition)
            }
        }));
        lines.extend(t.checks.iter().map(|c| {
            format!(
                " check {}{}",
                c.normalized(),
                if c.valid { "" } else { " not valid" }
            )
        }));
        lines.extend(
            t.behaviours
                .iter()
                .map(|b| format!(" {} {}: {}", b.kind.as_str(), b.name, b.definition)),
        );
        lines.sort();
        for line in lines {
            writeln!(out, "{line}").unwrap();
        }
    }
    out
}

fn key_options(key: &Key) -> String {
    format!(
        "{}{}",
        if key.nulls_not_distinct {
            " nulls not distinct"
        } else {
            ""
        },
        key.deferral.as_sql()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, Key, Table};
    use schema_core::SqlType;

    fn schema(columns: &[&str], pk_name: &str) -> Schema {
        let mut t = Table::new("t");
        t.columns = columns
            .iter()
            .map(|c| Column::new(c, SqlType::Integer, false))
            .collect();
        t.primary_key = Some(Key::new(pk_name, vec!["a".to_owned()]));
        Schema { tables: vec![t] }
    }

    #[test]
    fn order_and_names_do_not_count_shape_does() {
        let base = fingerprint(&schema(&["a", "b"], "t_pkey"));
        assert_eq!(base, fingerprint(&schema(&["b", "a"], "t_pkey")));
        assert_eq!(base, fingerprint(&schema(&["a", "b"], "other_name")));
        assert_ne!(base, fingerprint(&schema(&["a", "b", "c"], "t_pkey")));
        let mut nullable = schema(&["a", "b"], "t_pkey");
        nullable.tables[0].columns[1].nullable = true;
        assert_ne!(base, fingerprint(&nullable));
        // Declarations that only guide migrations do not count.
        let mut renamed = schema(&["a", "b"], "t_pkey");
        renamed.tables[0].columns[1].renamed_from = vec!["old_b".into()];
        assert_eq!(base, fingerprint(&renamed));
        assert!(canonical(&renamed).starts_with(CANONICAL_VERSION));
    }
}
