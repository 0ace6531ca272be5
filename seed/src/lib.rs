//! Seed sets, written with the typed builders and factories: when the schema
//! moves, this crate stops compiling instead of failing at run time.
//!
//! * [`base`]: a small, fixed, readable tenant data set;
//! * [`realistic`]: faker data in every tenant table, scaled;
//! * [`master`]: subscription plans and the fixed test studio.

pub mod base;
pub mod master;
pub mod realistic;

use sqlx::PgConnection;

/// Row counts of every table of `schema`, in its order.
pub async fn row_counts(
    conn: &mut PgConnection,
    schema: &schema_core::SchemaDef,
) -> Result<Vec<(&'static str, i64)>, sqlx::Error> {
    let mut counts = Vec::new();
    for table in schema.tables {
        let sql = format!(
            "SELECT count(*) FROM {}",
            schema_core::ident::quote(table.name)
        );
        counts.push((
            table.name,
            sqlx::query_scalar(&sql).fetch_one(&mut *conn).await?,
        ));
    }
    Ok(counts)
}
