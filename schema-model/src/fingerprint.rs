//! A schema's fingerprint: a hash of a canonical, versioned form of the model
//! (not of the DDL text), so that a cosmetic change to the renderer changes no
//! fingerprint, and two databases with the same shape share one whatever
//! their column order or constraint names.

use std::fmt::Write;

use crate::model::Schema;

/// Bumped when the canonical form changes; part of what is hashed.
pub const CANONICAL_VERSION: &str = "rsm-schema-v1";

/// 16 hex digits of FNV-1a (64 bits) over [`canonical`].
pub fn fingerprint(schema: &Schema) -> String {
    format!(
        "{:016x}",
        schema_core::factory::stream_id(&canonical(schema))
    )
}

/// The canonical text: the version, then every table by name with its
/// columns by name (type, nullability, default as printed, serial), its keys,
/// foreign keys, indexes and checks, each sorted. Left out, as comparisons
/// leave them out: column order, constraint and index names, and what is
/// declared only to guide migrations (earlier names, backfills).
pub fn canonical(schema: &Schema) -> String {
    let mut out = format!("{CANONICAL_VERSION}\n");
    let mut tables: Vec<_> = schema.tables.iter().collect();
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    for t in tables {
        writeln!(out, "table {}", t.name).unwrap();
        let mut columns: Vec<_> = t.columns.iter().collect();
        columns.sort_by(|a, b| a.name.cmp(&b.name));
        for c in columns {
            writeln!(
                out,
                " column {} {} null={} serial={} default={}",
                c.name,
                c.data_type,
                c.nullable,
                c.serial,
                c.default.as_ref().map_or("-", |d| d.printed.as_str())
            )
            .unwrap();
        }
        let mut lines: Vec<String> = Vec::new();
        if let Some(pk) = &t.primary_key {
            lines.push(format!(" primary key ({})", pk.columns.join(",")));
        }
        lines.extend(
            t.unique
                .iter()
                .map(|k| format!(" unique ({})", k.columns.join(","))),
        );
        lines.extend(
            t.foreign_keys
                .iter()
                .map(|fk| format!(" foreign key {}", crate::compare::describe(fk))),
        );
        lines.extend(t.indexes.iter().map(|ix| {
            format!(
                " {}index ({})",
                if ix.unique { "unique " } else { "" },
                ix.columns.join(",")
            )
        }));
        lines.extend(
            t.checks
                .iter()
                .map(|c| format!(" check {}", c.normalized())),
        );
        lines.sort();
        for line in lines {
            writeln!(out, "{line}").unwrap();
        }
    }
    out
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
        t.primary_key = Some(Key {
            name: pk_name.into(),
            columns: vec!["a".into()],
        });
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
