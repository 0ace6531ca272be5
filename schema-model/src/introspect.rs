//! Reading a live database back into the [`model`](crate::model).
//!
//! Everything that changes what the application's statements do is read:
//! besides columns and keys, constraint validity and deferral, `NULLS NOT
//! DISTINCT`, disabled foreign-key triggers, collations, identity and
//! generated columns, owned sequences, whole index definitions,
//! persistence, and the undeclarable behaviours (user triggers, rules, row
//! level security and policies, exclusion constraints). The queries expect
//! a session whose `search_path` is `pg_catalog, public` (as the runner pins
//! it): names in `public` print unqualified, as declarations write them.

use std::collections::BTreeMap;

use sqlx::PgConnection;

use crate::model::{
    Behaviour, BehaviourKind, Check, Column, ColumnDefault, Deferral, ForeignKey, Identity, Index,
    Key, Schema, Table,
};
use schema_core::FkAction;
use schema_core::SqlType;

/// The ordinary and partitioned tables of `namespace` (usually `public`),
/// their columns in order, keys, foreign keys, checks, the indexes that back
/// no constraint and their behaviours. Tables come sorted by name.
pub async fn introspect(conn: &mut PgConnection, namespace: &str) -> Result<Schema, sqlx::Error> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();

    let table_rows: Vec<(String, bool, bool, bool)> = sqlx::query_as(
        "SELECT c.relname::text, c.relpersistence = 'u', c.relrowsecurity, c.relforcerowsecurity
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
         ORDER BY c.relname",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (name, unlogged, row_security, forced) in table_rows {
        let mut table = Table::new(&name);
        table.unlogged = unlogged;
        if row_security {
            table.behaviours.push(Behaviour {
                kind: BehaviourKind::RowSecurity,
                name: "row_security".into(),
                definition: if forced { "enabled, forced" } else { "enabled" }.into(),
            });
        }
        tables.insert(name, table);
    }

    // A serial column is one whose default draws from the sequence the column
    // owns; a default drawing from another sequence is a plain default. The
    // owned sequence is read from `pg_depend` (as `pg_get_serial_sequence`
    // does, without its lock on the table: a read never waits on a writer).
    type ColumnRow = (
        String,
        String,
        String,
        bool,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let column_rows: Vec<ColumnRow> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
                CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
                     THEN a.attcollation::regcollation::text END,
                (SELECT s.oid::regclass::text FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid
                  WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
                    AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum
                    AND dep.deptype IN ('a', 'i') AND s.relkind = 'S'
                  ORDER BY s.relname LIMIT 1)
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type ty ON ty.oid = a.atttypid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (table, name, ty, not_null, default, identity, generated, collation, owned) in column_rows {
        let identity = match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        let (default, generated) = match generated.as_str() {
            "s" => (None, default),
            _ => (default, None),
        };
        let serial = identity.is_none()
            && owned.as_ref().is_some_and(|seq| {
                default.as_deref() == Some(ColumnDefault::nextval(seq).printed.as_str())
            });
        if let Some(t) = tables.get_mut(&table) {
            let mut column = Column::new(&name, SqlType::parse(&ty), !not_null);
            column.default = default.filter(|_| !serial).map(ColumnDefault::printed);
            column.serial = serial;
            column.identity = identity;
            column.generated = generated;
            column.collation = collation;
            column.owned_sequence = owned;
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
        bool,
        bool,
        bool,
        bool,
        bool,
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
                c.confdeltype::text, c.confupdtype::text, pg_get_constraintdef(c.oid, true),
                c.convalidated, c.condeferrable, c.condeferred, coalesce(x.indnullsnotdistinct, false),
                NOT EXISTS (SELECT 1 FROM pg_trigger tg WHERE tg.tgconstraint = c.oid AND tg.tgenabled = 'D')
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         LEFT JOIN pg_class rt ON rt.oid = c.confrelid
         LEFT JOIN pg_index x ON x.indexrelid = c.conindid AND c.contype IN ('p', 'u')
         WHERE n.nspname = $1 AND c.contype IN ('p', 'u', 'f', 'c', 'x')
         ORDER BY t.relname, c.conname",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (
        table,
        name,
        kind,
        columns,
        ref_table,
        ref_columns,
        on_delete,
        on_update,
        definition,
        valid,
        deferrable,
        deferred,
        nulls_not_distinct,
        enforced,
    ) in constraint_rows
    {
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        let deferral = match (deferrable, deferred) {
            (false, _) => Deferral::Immediate,
            (true, false) => Deferral::Deferrable,
            (true, true) => Deferral::Deferred,
        };
        let key = || Key {
            name: name.clone(),
            columns: columns.clone(),
            deferral,
            nulls_not_distinct,
        };
        match kind.as_str() {
            "p" => t.primary_key = Some(key()),
            "u" => t.unique.push(key()),
            "c" => t.checks.push(Check {
                name,
                definition: definition.trim_end_matches(" NOT VALID").to_owned(),
                valid,
            }),
            "x" => t.behaviours.push(Behaviour {
                kind: BehaviourKind::Exclusion,
                name,
                definition,
            }),
            _ => t.foreign_keys.push(ForeignKey {
                name,
                columns,
                ref_table: ref_table.unwrap_or_default(),
                ref_columns,
                on_delete: action(&on_delete),
                on_update: action(&on_update),
                deferral,
                valid,
                enforced,
            }),
        }
    }

    // Indexes that back no constraint, each with what follows `USING` in
    // its definition (the prefix is cut at its known length: names may hold
    // any text).
    let index_rows: Vec<(String, String, bool, Vec<String>, String)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, x.indisunique,
                ARRAY(SELECT CASE WHEN k.attnum = 0
                                  THEN pg_get_indexdef(x.indexrelid, k.ord::int, true)
                                  ELSE a.attname::text END
                      FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                      LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                      WHERE k.ord <= x.indnkeyatts ORDER BY k.ord),
                substr(pg_get_indexdef(x.indexrelid),
                       length(format('CREATE %sINDEX %I ON %s%I.%I USING ',
                                     CASE WHEN x.indisunique THEN 'UNIQUE ' ELSE '' END, i.relname,
                                     CASE WHEN t.relkind = 'p' THEN 'ONLY ' ELSE '' END,
                                     n.nspname, t.relname)) + 1)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = $1
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
         ORDER BY t.relname, i.relname",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (table, name, unique, columns, definition) in index_rows {
        if let Some(t) = tables.get_mut(&table) {
            t.indexes.push(Index {
                name,
                columns,
                unique,
                definition,
            });
        }
    }

    // Triggers (not the internal ones of foreign keys), rules, policies.
    let behaviour_rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT t.relname::text, 'trigger', tg.tgname::text,
                pg_get_triggerdef(tg.oid, true) || CASE tg.tgenabled WHEN 'D' THEN ' (disabled)' ELSE '' END
           FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = $1 AND NOT tg.tgisinternal
         UNION ALL
         SELECT t.relname::text, 'rule', r.rulename::text, pg_get_ruledef(r.oid, true)
           FROM pg_rewrite r JOIN pg_class t ON t.oid = r.ev_class JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = $1 AND t.relkind IN ('r', 'p') AND r.rulename <> '_RETURN'
         UNION ALL
         SELECT t.relname::text, 'policy', p.polname::text,
                concat_ws(' ', CASE WHEN p.polpermissive THEN 'AS PERMISSIVE' ELSE 'AS RESTRICTIVE' END,
                          'FOR', CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                                               WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                          'TO', (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END, ', ')
                                   FROM unnest(p.polroles) r),
                          'USING (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                          'WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')')
           FROM pg_policy p JOIN pg_class t ON t.oid = p.polrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = $1
         ORDER BY 1, 2, 3",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    for (table, kind, name, definition) in behaviour_rows {
        if let Some(t) = tables.get_mut(&table) {
            let kind = match kind.as_str() {
                "trigger" => BehaviourKind::Trigger,
                "rule" => BehaviourKind::Rule,
                _ => BehaviourKind::Policy,
            };
            t.behaviours.push(Behaviour {
                kind,
                name,
                definition,
            });
        }
    }
    for t in tables.values_mut() {
        t.behaviours.sort();
    }

    Ok(Schema {
        tables: tables.into_values().collect(),
    })
}

impl Unmodeled {
    /// One line for each, as `status` lists them (not managed, no drift).
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .types
            .iter()
            .map(|(name, def)| format!("type {name}: {def}"))
            .collect();
        out.extend(
            self.partitioned
                .iter()
                .map(|t| format!("{t}: partitioned, or a partition")),
        );
        out.extend(self.views.iter().map(|(name, _)| format!("view {name}")));
        out.extend(
            self.loose_sequences
                .iter()
                .map(|s| format!("sequence {s} (no column owns it)")),
        );
        out.extend(self.cross_schema_keys.iter().cloned());
        out.extend(self.comments.iter().cloned());
        out.extend(self.grants.iter().cloned());
        out
    }
}

/// What a namespace holds that the model does not describe and no plan
/// creates: user-defined types (enum, domain, composite, range) with their
/// definition, partitioned tables and partitions, views with their
/// definition, sequences no column owns, foreign keys to or from other
/// schemas, the functions triggers run, comments, and grants to roles other
/// than a table's owner and the tenant's own role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmodeled {
    /// (name, definition): `enum ('happy', 'sad')`, `domain integer CHECK ...`.
    pub types: Vec<(String, String)>,
    pub partitioned: Vec<String>,
    /// (name, definition).
    pub views: Vec<(String, String)>,
    pub loose_sequences: Vec<String>,
    /// Foreign keys between a table of the namespace and one of another
    /// schema (which no plan manages), described.
    pub cross_schema_keys: Vec<String>,
    /// The functions the namespace's triggers run (signatures).
    pub trigger_functions: Vec<String>,
    /// (signature, hash of the source) of the namespace's functions and of
    /// those its triggers run: functions are not planned.
    pub functions: Vec<(String, String)>,
    /// `comment on column email of table clients: 'text'`: comments on the
    /// namespace's tables, columns, indexes, sequences, constraints and
    /// triggers (the schema's own comment is PostgreSQL's).
    pub comments: Vec<String>,
    /// `grant SELECT on clients to reporting`: privileges on the namespace's
    /// relations held by a role other than their owner and the role named
    /// like the database (a tenant's own, which the runner grants).
    pub grants: Vec<String>,
}

/// (object described, comment) of the namespace ($1): its relations and
/// their columns, constraints and triggers. Names, never OIDs, so equal
/// across databases. Shared by the listing and the catalog hash.
macro_rules! comments_sql {
    () => {
        "SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description
   FROM pg_description d
  WHERE (d.classoid = 'pg_class'::regclass
         AND d.objoid IN (SELECT oid FROM pg_class WHERE relnamespace = $1::regnamespace))
     OR (d.classoid = 'pg_constraint'::regclass
         AND d.objoid IN (SELECT oid FROM pg_constraint WHERE connamespace = $1::regnamespace))
     OR (d.classoid = 'pg_trigger'::regclass
         AND d.objoid IN (SELECT tg.oid FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
                           WHERE t.relnamespace = $1::regnamespace))"
    };
}

/// (relation, grantee, privileges) of the namespace ($1): privileges held by
/// roles other than the relation's owner and the role named like the
/// database (a tenant's own; the runner grants it). Role names are the
/// cluster's, so equal across databases.
macro_rules! grants_sql {
    () => {
        "SELECT c.relname::text, CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END,
        string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type)
   FROM pg_class c, aclexplode(c.relacl) x
  WHERE c.relnamespace = $1::regnamespace AND c.relacl IS NOT NULL AND x.grantee <> c.relowner
    AND x.grantee NOT IN (SELECT oid FROM pg_roles WHERE rolname = current_database())
  GROUP BY c.relname, x.grantee"
    };
}

/// [`Unmodeled`] of `namespace`.
pub async fn unmodeled(conn: &mut PgConnection, namespace: &str) -> Result<Unmodeled, sqlx::Error> {
    // The namespace's own types, and those its tables' columns use wherever
    // they live (named with their schema when it is not the namespace).
    let types: Vec<(String, String)> = sqlx::query_as(
        "SELECT CASE WHEN n.nspname = $1 THEN t.typname::text ELSE format('%I.%I', n.nspname, t.typname) END,
                CASE t.typtype
                  WHEN 'e' THEN 'enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                              FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
                  WHEN 'd' THEN 'domain ' || format_type(t.typbasetype, t.typtypmod)
                                || coalesce(' ' || (SELECT string_agg(pg_get_constraintdef(c.oid), ' ' ORDER BY c.conname)
                                                     FROM pg_constraint c WHERE c.contypid = t.oid), '')
                  WHEN 'r' THEN 'range'
                  ELSE 'composite'
                END
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype IN ('e', 'd', 'r', 'c')
            AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
            AND (n.nspname = $1 OR t.oid IN (
                  SELECT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                    JOIN pg_namespace cn ON cn.oid = c.relnamespace
                   WHERE cn.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped))
          ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let partitioned: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND (c.relkind = 'p' OR c.relispartition) ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let views: Vec<(String, String)> = sqlx::query_as(
        "SELECT v.relname::text, pg_get_viewdef(v.oid, true)
           FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
          WHERE n.nspname = $1 AND v.relkind IN ('v', 'm') ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let cross_schema_keys: Vec<String> = sqlx::query_scalar(
        "SELECT format('foreign key %I on %s references %s', k.conname, k.conrelid::regclass, k.confrelid::regclass)
           FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
          WHERE k.contype = 'f' AND (t.relnamespace = $1::regnamespace) <> (r.relnamespace = $1::regnamespace)
          ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let trigger_functions: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT tg.tgfoid::regprocedure::text
           FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
          WHERE t.relnamespace = $1::regnamespace AND NOT tg.tgisinternal
          ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let functions: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.oid::regprocedure::text, md5(p.prosrc) FROM pg_proc p
          WHERE p.pronamespace = $1::regnamespace
             OR p.oid IN (SELECT tg.tgfoid FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
                           WHERE t.relnamespace = $1::regnamespace)
          ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let loose_sequences: Vec<String> = sqlx::query_scalar(
        "SELECT s.relname::text FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
          WHERE n.nspname = $1 AND s.relkind = 'S'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = s.oid AND d.deptype IN ('a', 'i'))
          ORDER BY 1",
    )
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let comments: Vec<String> = sqlx::query_scalar(concat!(
        "SELECT format('comment on %s: %L', d, c) FROM (",
        comments_sql!(),
        ") x(d, c) ORDER BY 1"
    ))
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let grants: Vec<String> = sqlx::query_scalar(concat!(
        "SELECT format('grant %s on %s to %s', p, r, g) FROM (",
        grants_sql!(),
        ") x(r, g, p) ORDER BY 1"
    ))
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Unmodeled {
        types,
        partitioned,
        views,
        loose_sequences,
        cross_schema_keys,
        trigger_functions,
        functions,
        comments,
        grants,
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

/// One round trip that hashes, on the server, every catalog row
/// introspection reads for a namespace ($1): relations (with persistence and
/// row security; views by name, as status lists them), columns (type by name, collation, identity, generated),
/// defaults, constraints (validity, deferral), indexes (method, key options,
/// operator classes, collations, predicate, expressions), which sequence
/// each column owns, triggers (with their enabled state and their
/// function's source), rules and policies. Relations, and the types and
/// collations a database made itself, are named, not numbered (their OIDs
/// differ between databases: the OID counter is the cluster's; built-in
/// ones, below 16384, are the same everywhere and cheaper as numbers), and so are the internal triggers of foreign keys (by
/// their constraint, ordered by their name's prefix and their event, not
/// by the OID their name ends in: `..._c_99999` sorts after `..._c_100000`,
/// so two equal databases would hash apart when one key's pair of triggers
/// straddles a power of ten; elsewhere the order is the name's, and the
/// hashes earlier runners recorded stand). Cheap on a fresh connection: only rules and policies
/// are deparsed, and databases rarely have any. Equal hashes mean equal
/// catalogs, hence equal models. Comments and grants to other roles are in
/// it because status lists them; statistics are left out.
pub const CATALOG_HASH_SQL: &str = concat!("SELECT md5(concat_ws(E'\\n',
  (SELECT string_agg(concat_ws(' ', c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity,
                               c.relam), ',' ORDER BY c.relname)
     FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'i', 'I', 'S', 'v', 'm')),
  (SELECT string_agg(concat_ws(' ', c.relname, a.attnum, a.attname,
                               CASE WHEN a.atttypid < 16384 THEN a.atttypid::text ELSE a.atttypid::regtype::text END,
                               a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated, a.attisdropped,
                               CASE WHEN a.attcollation < 16384 THEN a.attcollation::text
                                    ELSE a.attcollation::regcollation::text END), ',' ORDER BY c.relname, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0),
  (SELECT string_agg(concat_ws(' ', c.relname, d.adnum, pg_get_expr(d.adbin, d.adrelid)), ',' ORDER BY c.relname, d.adnum)
     FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid WHERE c.relnamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', k.conname, k.contype, t.relname, k.conkey, r.relname, k.confkey,
                               k.confupdtype, k.confdeltype, i.relname, k.conbin::text,
                               k.convalidated, k.condeferrable, k.condeferred), ',' ORDER BY t.relname, k.conname)
     FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
     LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_class i ON i.oid = k.conindid
    WHERE k.connamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', ic.relname, t.relname, x.indkey, x.indisunique, x.indisprimary,
                               x.indnkeyatts, x.indnullsnotdistinct, x.indoption, x.indclass,
                               (SELECT string_agg(co::regcollation::text, ' ') FROM unnest(x.indcollation::oid[]) co WHERE co <> 0),
                               x.indexprs::text, x.indpred::text), ',' ORDER BY ic.relname)
     FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relnamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', s.relname, t.relname, d.refobjsubid, d.deptype), ',' ORDER BY s.relname, t.relname)
     FROM pg_class s JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
     JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.relkind = 'S' AND s.relnamespace = $1::regnamespace
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')),
  (SELECT string_agg(concat_ws(' ', t.relname, CASE WHEN tg.tgisinternal THEN k.conname ELSE tg.tgname END,
                               tg.tgenabled, tg.tgtype, tg.tgisinternal,
                               CASE WHEN tg.tgfoid < 16384 THEN tg.tgfoid::text ELSE tg.tgfoid::regprocedure::text END,
                               tg.tgattr, tg.tgargs, tg.tgqual::text, CASE WHEN NOT tg.tgisinternal THEN md5(p.prosrc) END),
                     ',' ORDER BY t.relname, tg.tgisinternal, k.conname,
                              CASE WHEN tg.tgisinternal THEN rtrim(tg.tgname, '0123456789') END,
                              CASE WHEN tg.tgisinternal THEN tg.tgtype END, tg.tgname, tg.tgenabled)
     FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid JOIN pg_proc p ON p.oid = tg.tgfoid
     LEFT JOIN pg_constraint k ON k.oid = tg.tgconstraint
    WHERE t.relnamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', t.relname, r.rulename, r.ev_enabled, pg_get_ruledef(r.oid)), ',' ORDER BY t.relname, r.rulename)
     FROM pg_rewrite r JOIN pg_class t ON t.oid = r.ev_class
    WHERE t.relnamespace = $1::regnamespace AND t.relkind IN ('r', 'p') AND r.rulename <> '_RETURN'),
  (SELECT string_agg(concat_ws(' ', t.relname, p.polname, p.polcmd, p.polpermissive,
                               (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END, ',') FROM unnest(p.polroles) r),
                               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)), ',' ORDER BY t.relname, p.polname)
     FROM pg_policy p JOIN pg_class t ON t.oid = p.polrelid WHERE t.relnamespace = $1::regnamespace),
  (SELECT string_agg(concat_ws(' ', d, c), ',' ORDER BY d, c) FROM (", comments_sql!(), ") x(d, c)),
  (SELECT string_agg(concat_ws(' ', r, g, p), ',' ORDER BY r, g) FROM (", grants_sql!(), ") x(r, g, p))
))");

/// [`CATALOG_HASH_SQL`] on `conn`.
pub async fn catalog_hash(conn: &mut PgConnection, namespace: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(CATALOG_HASH_SQL)
        .bind(namespace)
        .fetch_one(conn)
        .await
}
