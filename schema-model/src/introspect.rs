//! Reading a live database back into the [`model`](crate::model).

use std::collections::BTreeMap;

use sqlx::PgConnection;

use crate::model::{Check, Column, ColumnDefault, ForeignKey, Index, Key, Schema, Table};
use schema_core::FkAction;
use schema_core::SqlType;

/// The ordinary tables of `namespace` (usually `public`), their columns in order,
/// keys, foreign keys, checks and the indexes that back no constraint. Tables
/// come sorted by name.
pub async fn introspect(conn: &mut PgConnection, namespace: &str) -> Result<Schema, sqlx::Error> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();

    let table_rows: Vec<(String,)> = sqlx::query_as(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
         ORDER BY c.relname",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (name,) in table_rows {
        tables.insert(name.clone(), Table::new(&name));
    }

    // A serial column is one whose default draws from a sequence the column owns.
    let column_rows: Vec<(String, String, String, bool, Option<String>, bool)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                a.attidentity = '' AND pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (table, name, ty, not_null, default, owns_sequence) in column_rows {
        let serial = owns_sequence
            && default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        if let Some(t) = tables.get_mut(&table) {
            let mut column = Column::new(&name, SqlType::parse(&ty), !not_null);
            column.default = default.filter(|_| !serial).map(ColumnDefault::printed);
            column.serial = serial;
            t.columns.push(column);
        }
    }

    type ConstraintRow = (
        String,
        String,
        String,
        Vec<String>,
        Option<String>,
        Vec<String>,
        String,
        String,
        String,
    );
    let constraint_rows: Vec<ConstraintRow> = sqlx::query_as(
        "SELECT t.relname::text, c.conname::text, c.contype::text,
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                      ORDER BY k.ord),
                rt.relname::text,
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                      ORDER BY k.ord),
                c.confdeltype::text, c.confupdtype::text, pg_get_constraintdef(c.oid, true)
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         LEFT JOIN pg_class rt ON rt.oid = c.confrelid
         WHERE n.nspname = $1 AND c.contype IN ('p', 'u', 'f', 'c')
         ORDER BY t.relname, c.conname",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (table, name, kind, columns, ref_table, ref_columns, on_delete, on_update, definition) in
        constraint_rows
    {
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        match kind.as_str() {
            "p" => t.primary_key = Some(Key { name, columns }),
            "u" => t.unique.push(Key { name, columns }),
            "c" => t.checks.push(Check { name, definition }),
            _ => t.foreign_keys.push(ForeignKey {
                name,
                columns,
                ref_table: ref_table.unwrap_or_default(),
                ref_columns,
                on_delete: action(&on_delete),
                on_update: action(&on_update),
            }),
        }
    }

    let index_rows: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, x.indisunique,
                ARRAY(SELECT CASE WHEN k.attnum = 0
                                  THEN pg_get_indexdef(x.indexrelid, k.ord::int, true)
                                  ELSE a.attname::text END
                      FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                      LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                      WHERE k.ord <= x.indnkeyatts ORDER BY k.ord)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = $1
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
         ORDER BY t.relname, i.relname",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (table, name, unique, columns) in index_rows {
        if let Some(t) = tables.get_mut(&table) {
            t.indexes.push(Index {
                name,
                columns,
                unique,
            });
        }
    }

    Ok(Schema {
        tables: tables.into_values().collect(),
    })
}

/// `pg_constraint.confdeltype` / `confupdtype` codes.
fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// One round trip that hashes, on the server, the catalog rows introspection
/// reads for a namespace ($1): relations, columns, defaults, constraints and
/// indexes, with relations named (OIDs differ between databases: the OID
/// counter is the cluster's), defaults deparsed (a serial's names its
/// sequence), checks and index expressions as stored trees (their OIDs are of
/// types and functions, the same everywhere). Cheap on a fresh connection: no
/// constraint or index is deparsed. Equal hashes mean
/// equal catalogs, hence equal models. Statistics and privileges are left
/// out: they change no model.
pub const CATALOG_HASH_SQL: &str = "SELECT md5(concat_ws(E'\\n',
  (SELECT string_agg(concat_ws(' ', c.relname, c.relkind), ',' ORDER BY c.relname)
     FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'i', 'S')),
  (SELECT string_agg(concat_ws(' ', c.relname, a.attnum, a.attname, a.atttypid, a.atttypmod,
                               a.attnotnull, a.attidentity, a.attisdropped), ',' ORDER BY c.relname, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0),
  (SELECT string_agg(concat_ws(' ', c.relname, d.adnum, pg_get_expr(d.adbin, d.adrelid)), ',' ORDER BY c.relname, d.adnum)
     FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid WHERE c.relnamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', k.conname, k.contype, t.relname, k.conkey, r.relname, k.confkey,
                               k.confupdtype, k.confdeltype, i.relname, k.conbin::text), ',' ORDER BY t.relname, k.conname)
     FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
     LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_class i ON i.oid = k.conindid
    WHERE k.connamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', ic.relname, t.relname, x.indkey, x.indisunique, x.indisprimary,
                               x.indexprs::text, x.indpred::text), ',' ORDER BY ic.relname)
     FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relnamespace = $1::regnamespace)
))";

/// [`CATALOG_HASH_SQL`] on `conn`.
pub async fn catalog_hash(conn: &mut PgConnection, namespace: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(CATALOG_HASH_SQL)
        .bind(namespace)
        .fetch_one(conn)
        .await
}
