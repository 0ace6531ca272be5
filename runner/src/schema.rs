//! The compiled schema as SQL, without a server.

use schema_core::DbKind;
use schema_model::ddl;
use schema_model::model::Schema;

/// The script `runner schema sql` prints: the whole schema in one transaction,
/// ready for `psql -v ON_ERROR_STOP=1 -f -`.
pub fn sql_script(db: DbKind) -> String {
    let schema = crate::app::schema(db);
    format!(
        "-- {db} schema: {} tables, generated from schema-defs; do not edit\nBEGIN;\n\n{}COMMIT;\n",
        schema.tables.len(),
        ddl::create_script(&Schema::from_def(schema))
    )
}
