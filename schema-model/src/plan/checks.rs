//! The read-only queries that count what stands in a step's way, run
//! against the database as it is before the plan: rows that would fail a
//! key or a check, orphans of a foreign key, views reading what a step
//! rewrites.

use schema_core::ident::quote_literal;

use super::{DataCheck, Names};
use crate::ddl::relation;
use crate::model::{Check, ForeignKey};

/// Views reading `column` of `table` (or any of it), by the database's names.
pub(super) fn views_reading(table: &str, column: Option<&str>) -> DataCheck {
    let rel = quote_literal(&relation(table));
    let on_column = column.map_or(String::new(), |c| {
        format!(
            " AND d.refobjsubid = (SELECT attnum FROM pg_attribute WHERE attrelid = to_regclass({rel}) AND attname = {})",
            quote_literal(c)
        )
    });
    let from = format!(
        "FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class \
         WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass \
         AND d.refobjid = to_regclass({rel}) AND v.oid <> d.refobjid{on_column}"
    );
    DataCheck {
        count_sql: format!("SELECT count(DISTINCT v.oid) {from}"),
        example_sql: format!("SELECT string_agg(DISTINCT v.oid::regclass::text, ', ') {from}"),
        what: match column {
            Some(c) => format!("views reading {table}.{c}"),
            None => format!("views reading {table}"),
        },
        fix: "drop those views first and make them again after (the plan does not)".into(),
    }
}

/// Foreign keys of tables in other schemas (which no plan manages) pointing
/// at `table`: a drop of it would fail on them.
pub(super) fn foreign_keys_from_elsewhere(table: &str) -> DataCheck {
    let from = format!(
        "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
         WHERE k.contype = 'f' AND k.confrelid = to_regclass({}) \
         AND c.relnamespace <> 'public'::regnamespace",
        quote_literal(&relation(table))
    );
    DataCheck {
        count_sql: format!("SELECT count(*) {from}"),
        example_sql: format!(
            "SELECT string_agg(format('%s on %s', k.conname, c.oid::regclass), ', ') {from}"
        ),
        what: format!("foreign keys of other schemas pointing at {table}"),
        fix: "drop those foreign keys first (other schemas are not managed)".into(),
    }
}

/// One offending row of `table` where `predicate` holds, as text.
pub(super) fn example(table: &str, predicate: &str) -> String {
    format!(
        "SELECT {} FROM {} t WHERE {predicate} LIMIT 1",
        as_pairs("t"),
        relation(table)
    )
}

/// The row `alias` as `column = value, ...` in column order, each value cut
/// at 40 characters and NULL written out: read by people, not parsed.
pub(super) fn as_pairs(alias: &str) -> String {
    format!(
        "(SELECT string_agg(format('%s = %s', j.key, coalesce(CASE WHEN length(j.value) > 40 \
         THEN left(j.value, 40) || '…' ELSE j.value END, 'NULL')), ', ') \
         FROM json_each_text(row_to_json({alias})) j)"
    )
}

/// Rows in the way of a unique (or primary) key over `columns`.
pub(super) fn duplicates(
    names: &Names,
    table: &str,
    columns: &[String],
    primary: bool,
) -> Option<DataCheck> {
    let at = names.table(table)?;
    let cols = names.columns(table, columns)?.join(", ");
    let nulls = if primary {
        let any_null: Vec<String> = names
            .columns(table, columns)?
            .iter()
            .map(|c| format!("{c} IS NULL"))
            .collect();
        format!(
            " + (SELECT count(*) FROM {at} WHERE {})",
            any_null.join(" OR ")
        )
    } else {
        String::new()
    };
    let duplicated = format!(
        "SELECT {cols} FROM {at} WHERE ({cols}) IS NOT NULL GROUP BY {cols} HAVING count(*) > 1"
    );
    Some(DataCheck {
        count_sql: format!("SELECT (SELECT count(*) FROM ({duplicated}) d){nulls}"),
        example_sql: format!("SELECT {} FROM ({duplicated}) d LIMIT 1", as_pairs("d")),
        what: format!(
            "duplicated {}values of {table} ({})",
            if primary { "or NULL " } else { "" },
            columns.join(", ")
        ),
        fix: "remove or change the duplicates first".into(),
    })
}

/// Rows that fail a check. Written in the target's columns: counted on the
/// data as it is only where this plan changes no column of the table (else
/// the step itself tests every row when it runs).
pub(super) fn failing_rows(
    names: &Names,
    table: &str,
    actual_table: &str,
    check: &Check,
) -> Option<DataCheck> {
    if names.reshaped.contains(table) {
        return None;
    }
    let predicate = format!("NOT ({})", check_expression(&check.definition));
    Some(DataCheck {
        count_sql: format!(
            "SELECT count(*) FROM {} WHERE {predicate}",
            relation(actual_table)
        ),
        example_sql: example(actual_table, &predicate),
        what: format!("rows of {table} that fail {}", check.definition),
        fix: "change those rows, or the check".into(),
    })
}

/// Rows whose foreign key has no parent.
pub(super) fn orphans(
    names: &Names,
    actual_table: &str,
    table: &str,
    fk: &ForeignKey,
) -> Option<DataCheck> {
    let cols = names.columns(table, &fk.columns)?;
    let not_null: Vec<String> = cols.iter().map(|c| format!("x.{c} IS NOT NULL")).collect();
    let parent = match (
        names.table(&fk.ref_table),
        names.columns(&fk.ref_table, &fk.ref_columns),
    ) {
        (Some(rt), Some(rc)) => {
            let joined: Vec<String> = cols
                .iter()
                .zip(&rc)
                .map(|(c, r)| format!("p.{r} = x.{c}"))
                .collect();
            format!(
                " AND NOT EXISTS (SELECT 1 FROM {rt} p WHERE {})",
                joined.join(" AND ")
            )
        }
        // The parent table or column is new (empty): every value is an orphan.
        _ => String::new(),
    };
    let predicate = format!("{}{parent}", not_null.join(" AND "));
    let at = relation(actual_table);
    Some(DataCheck {
        count_sql: format!("SELECT count(*) FROM {at} x WHERE {predicate}"),
        example_sql: format!(
            "SELECT {} FROM {at} x WHERE {predicate} LIMIT 1",
            as_pairs("x")
        ),
        what: format!(
            "rows of {table} whose ({}) has no row in {}",
            fk.columns.join(", "),
            fk.ref_table
        ),
        fix: "add the parents or clear those values first".into(),
    })
}

/// `CHECK ((a > 0))` → `(a > 0)`.
pub(super) fn check_expression(definition: &str) -> String {
    let text = definition.trim();
    let body = match text.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("check") => text[5..].trim(),
        _ => text,
    };
    body.trim_end_matches(" NOT VALID")
        .trim_end_matches(" NO INHERIT")
        .to_owned()
}
