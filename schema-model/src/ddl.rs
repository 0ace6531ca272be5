//! PostgreSQL DDL rendered from the model alone: the script that creates a
//! whole schema, and the statements the planner assembles from.

use std::collections::HashSet;
use std::fmt::Write;

use schema_core::ident::quote;
use schema_core::FkAction;

use crate::model::{Check, Column, ForeignKey, Index, Key, Schema, Table};

/// The `CREATE TABLE` / `CREATE INDEX` script of a schema: deterministic,
/// tables in dependency order, without a transaction wrapper (the caller decides).
pub fn create_script(schema: &Schema) -> String {
    let mut out = String::new();
    let mut created: HashSet<&str> = HashSet::new();
    let mut deferred: Vec<(&Table, &ForeignKey)> = Vec::new();
    for i in dependency_order(schema) {
        let table = &schema.tables[i];
        created.insert(&table.name);
        let (inline, later): (Vec<&ForeignKey>, Vec<&ForeignKey>) = table
            .foreign_keys
            .iter()
            .partition(|fk| created.contains(fk.ref_table.as_str()));
        deferred.extend(later.into_iter().map(|fk| (table, fk)));
        writeln!(out, "{}", create_table(table, &inline)).unwrap();
        for ix in &table.indexes {
            writeln!(out, "{}", create_index(&table.name, ix)).unwrap();
        }
        out.push('\n');
    }
    // Only a cycle of foreign keys gets here: both tables exist now.
    for (table, fk) in deferred {
        writeln!(out, "{}", add_foreign_key(&table.name, fk)).unwrap();
    }
    out
}

/// `CREATE TABLE` with its columns, keys, checks and the given foreign keys
/// (those whose target exists already).
pub fn create_table(table: &Table, foreign_keys: &[&ForeignKey]) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("    {}", column_definition(c)))
        .collect();
    if let Some(pk) = &table.primary_key {
        lines.push(format!("    {}", primary_key_clause(pk)));
    }
    for key in &table.unique {
        lines.push(format!("    {}", unique_clause(key)));
    }
    for check in &table.checks {
        lines.push(format!("    {}", check_clause(check)));
    }
    for fk in foreign_keys {
        lines.push(format!("    {}", foreign_key_clause(fk)));
    }
    format!(
        "CREATE {}TABLE {} (\n{}\n);",
        if table.unlogged { "UNLOGGED " } else { "" },
        relation(&table.name),
        lines.join(",\n")
    )
}

/// A table, index or sequence of the managed schema, named with its schema
/// (`public.clients`): a statement never depends on a session's
/// `search_path`, whatever the database or role sets.
pub fn relation(name: &str) -> String {
    format!("public.{}", quote(name))
}

/// `"name" type [DEFAULT ...] [NOT NULL]`, as in `CREATE TABLE` and `ADD COLUMN`.
pub fn column_definition(col: &Column) -> String {
    let mut line = format!("{} ", quote(&col.name));
    match col.data_type.serial_name() {
        Some(serial) if col.serial => line.push_str(serial),
        _ => write!(line, "{}", col.data_type).unwrap(),
    }
    if let Some(collation) = &col.collation {
        write!(line, " COLLATE {collation}").unwrap();
    }
    if let Some(expr) = &col.generated {
        write!(line, " GENERATED ALWAYS AS ({expr}) STORED").unwrap();
    } else if let Some(default) = &col.default {
        write!(line, " DEFAULT {}", default.sql).unwrap();
    }
    if let Some(identity) = col.identity {
        write!(line, " GENERATED {} AS IDENTITY", identity.as_sql()).unwrap();
    }
    if !col.nullable {
        line.push_str(" NOT NULL");
    }
    line
}

pub fn primary_key_clause(pk: &Key) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({}){}",
        quote(&pk.name),
        column_list(&pk.columns),
        pk.deferral.as_sql()
    )
}

pub fn unique_clause(key: &Key) -> String {
    format!(
        "CONSTRAINT {} UNIQUE {}({}){}",
        quote(&key.name),
        if key.nulls_not_distinct {
            "NULLS NOT DISTINCT "
        } else {
            ""
        },
        column_list(&key.columns),
        key.deferral.as_sql()
    )
}

pub fn check_clause(check: &Check) -> String {
    format!("CONSTRAINT {} {}", quote(&check.name), check.definition)
}

pub fn foreign_key_clause(fk: &ForeignKey) -> String {
    let mut clause = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote(&fk.name),
        column_list(&fk.columns),
        relation(&fk.ref_table),
        column_list(&fk.ref_columns)
    );
    if fk.on_delete != FkAction::NoAction {
        write!(clause, " ON DELETE {}", fk.on_delete.as_sql()).unwrap();
    }
    if fk.on_update != FkAction::NoAction {
        write!(clause, " ON UPDATE {}", fk.on_update.as_sql()).unwrap();
    }
    clause.push_str(fk.deferral.as_sql());
    clause
}

pub fn add_foreign_key(table: &str, fk: &ForeignKey) -> String {
    format!(
        "ALTER TABLE {} ADD {};",
        relation(table),
        foreign_key_clause(fk)
    )
}

/// `CREATE INDEX`, from the index's whole definition (method, keys, order,
/// `INCLUDE`, predicate); a plain one reads `... ON t (a, b);`.
pub fn create_index(table: &str, ix: &Index) -> String {
    let unique = if ix.unique { "UNIQUE " } else { "" };
    if ix.is_plain() {
        return format!(
            "CREATE {unique}INDEX {} ON {} ({});",
            quote(&ix.name),
            relation(table),
            column_list(&ix.columns)
        );
    }
    format!(
        "CREATE {unique}INDEX {} ON {} USING {};",
        quote(&ix.name),
        relation(table),
        ix.definition
    )
}

pub fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Indexes of `schema.tables` so that every table comes after the tables it
/// references; ties keep declaration order. Tables caught in a cycle follow, in
/// declaration order (their foreign keys are then added by `ALTER TABLE`).
pub fn dependency_order(schema: &Schema) -> Vec<usize> {
    let n = schema.tables.len();
    let index_of = |name: &str| schema.tables.iter().position(|t| t.name == name);
    let deps: Vec<Vec<usize>> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.foreign_keys
                .iter()
                .filter_map(|fk| index_of(&fk.ref_table))
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    loop {
        let next = (0..n).find(|&i| !placed[i] && deps[i].iter().all(|&j| placed[j]));
        match next {
            Some(i) => {
                placed[i] = true;
                order.push(i);
            }
            None => break,
        }
    }
    order.extend((0..n).filter(|&i| !placed[i]));
    order
}
