//! A stand-in for an application on `schema-defs`: a query or two of the
//! kind an application has, tested in `tests/` with `#[runner::test]`.

use schema_core::{Decimal, TextEnum};
use schema_defs::tenant::InvoiceStatus;
use sqlx::PgConnection;

/// What a client still owes: the totals of its invoices sent or overdue.
pub async fn outstanding(conn: &mut PgConnection, client_id: i32) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(total), 0) FROM invoices WHERE client_id = $1 AND status = ANY($2)",
    )
    .bind(client_id)
    .bind([
        InvoiceStatus::Sent.as_str(),
        InvoiceStatus::Overdue.as_str(),
    ])
    .fetch_one(conn)
    .await
}

/// Clients by name, each with their number of projects.
pub async fn clients_with_projects(
    conn: &mut PgConnection,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.name, count(p.id) FROM clients c LEFT JOIN projects p ON p.client_id = c.id
          GROUP BY c.id, c.name ORDER BY c.name, c.id",
    )
    .fetch_all(conn)
    .await
}
