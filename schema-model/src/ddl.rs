//! The PostgreSQL script that creates a whole schema.

use std::collections::HashSet;
use std::fmt::Write;

use crate::model::{default_sql, ForeignKey, Schema, Table};
use schema_core::ident::quote;
use schema_core::{FkAction, SchemaDef};

/// The `CREATE TABLE` / `CREATE INDEX` script of a compiled schema: deterministic,
/// tables in dependency order, without a transaction wrapper (the caller decides).
pub fn create_script(def: &SchemaDef) -> String {
    let mut out = String::new();
    let schema = Schema::from_def(def);
    let order = dependency_order(&schema);
    let mut created: HashSet<&str> = HashSet::new();
    let mut deferred: Vec<(&Table, &ForeignKey)> = Vec::new();
    for &i in &order {
        let table = &schema.tables[i];
        // The model holds defaults as PostgreSQL prints them back; the script
        // writes them as declared, so it reads those from the definition.
        let col_defs = &def.tables[i].columns;
        created.insert(&table.name);
        let mut lines: Vec<String> = Vec::new();
        for (col, col_def) in table.columns.iter().zip(col_defs.iter()) {
            let mut line = format!("    {} ", quote(&col.name));
            match col.data_type.serial_name() {
                Some(serial) if col.serial => line.push_str(serial),
                _ => write!(line, "{}", col.data_type).unwrap(),
            }
            if let Some(default) = col_def.default {
                write!(line, " DEFAULT {}", default_sql(default)).unwrap();
            }
            if !col.nullable {
                line.push_str(" NOT NULL");
            }
            lines.push(line);
        }
        if let Some(pk) = &table.primary_key {
            lines.push(format!(
                "    CONSTRAINT {} PRIMARY KEY ({})",
                quote(&pk.name),
                column_list(&pk.columns)
            ));
        }
        for key in &table.unique {
            lines.push(format!(
                "    CONSTRAINT {} UNIQUE ({})",
                quote(&key.name),
                column_list(&key.columns)
            ));
        }
        for fk in &table.foreign_keys {
            if created.contains(fk.ref_table.as_str()) {
                lines.push(format!("    {}", foreign_key_clause(fk)));
            } else {
                deferred.push((table, fk));
            }
        }
        writeln!(
            out,
            "CREATE TABLE {} (\n{}\n);",
            quote(&table.name),
            lines.join(",\n")
        )
        .unwrap();
        for ix in &table.indexes {
            writeln!(
                out,
                "CREATE {}INDEX {} ON {} ({});",
                if ix.unique { "UNIQUE " } else { "" },
                quote(&ix.name),
                quote(&table.name),
                column_list(&ix.columns)
            )
            .unwrap();
        }
        out.push('\n');
    }
    // Only a cycle of foreign keys gets here: both tables exist now.
    for (table, fk) in deferred {
        writeln!(
            out,
            "ALTER TABLE {} ADD {};",
            quote(&table.name),
            foreign_key_clause(fk)
        )
        .unwrap();
    }
    out
}

fn foreign_key_clause(fk: &ForeignKey) -> String {
    let mut clause = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote(&fk.name),
        column_list(&fk.columns),
        quote(&fk.ref_table),
        column_list(&fk.ref_columns)
    );
    if fk.on_delete != FkAction::NoAction {
        write!(clause, " ON DELETE {}", fk.on_delete.as_sql()).unwrap();
    }
    if fk.on_update != FkAction::NoAction {
        write!(clause, " ON UPDATE {}", fk.on_update.as_sql()).unwrap();
    }
    clause
}

fn column_list(columns: &[String]) -> String {
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

/// The schema's fingerprint: 16 hex digits of a stable hash (FNV-1a, 64 bits)
/// of its creation script. Any change to a table, column, type, default, key
/// or index changes it; nothing else does.
pub fn fingerprint(def: &SchemaDef) -> String {
    format!(
        "{:016x}",
        schema_core::factory::stream_id(&create_script(def))
    )
}
