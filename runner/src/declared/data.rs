//! Data migrations: Rust functions registered by name with the declared
//! schemas ([`Declared`](crate::declared::Declared)), each run once per
//! database inside the migrating transaction, after the schema steps, and
//! recorded in that database's `rsm.history`. A failure rolls the whole
//! database back.

use std::future::Future;
use std::pin::Pin;

use schema_core::DbKind;
use sqlx::PgConnection;

/// What a data migration returns: the rows it changed, or the error that
/// rolls its database back.
pub type DataFuture<'c> = Pin<Box<dyn Future<Output = Result<u64, sqlx::Error>> + Send + 'c>>;

#[derive(Clone, Copy)]
pub struct DataMigration {
    /// Unique, stable: what `rsm.history` records.
    pub name: &'static str,
    pub db: DbKind,
    /// Runs on the migrating transaction, once the schema steps are applied.
    pub run: for<'c> fn(&'c mut PgConnection) -> DataFuture<'c>,
}

impl std::fmt::Debug for DataMigration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataMigration({}, {})", self.name, self.db)
    }
}

/// The application's data migrations, registered with `schema-defs`.
pub fn builtin() -> Vec<DataMigration> {
    vec![DataMigration {
        name: "client_contacts_to_company_members",
        db: DbKind::Tenant,
        run: client_contacts_to_company_members,
    }]
}

/// `client_contacts` (deprecated: a contact person stored inside a company
/// client) become what replaced them: an individual client of their own,
/// linked to the company by a `company_members` row (role = their title).
/// A contact whose individual client exists already (same email, or the
/// same name without email) is linked, not copied again. The contacts stay.
fn client_contacts_to_company_members(conn: &mut PgConnection) -> DataFuture<'_> {
    Box::pin(async move {
        let made = sqlx::query(
            "WITH contacts AS (
                 SELECT cc.*, trim(cc.first_name || ' ' || cc.last_name) AS full_name
                   FROM public.client_contacts cc
                  WHERE NOT EXISTS (
                        SELECT 1 FROM public.clients c
                         WHERE c.type = 'individual'
                           AND (c.email = cc.email OR (cc.email IS NULL AND c.name = trim(cc.first_name || ' ' || cc.last_name))))
             )
             INSERT INTO public.clients (name, first_name, last_name, email, phone, type)
             SELECT full_name, first_name, last_name, email, phone, 'individual' FROM contacts",
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        let linked = sqlx::query(
            "INSERT INTO public.company_members (company_client_id, member_client_id, role, is_primary)
             SELECT cc.client_id, m.id, cc.title, cc.is_primary
               FROM public.client_contacts cc
               JOIN LATERAL (
                    SELECT c.id FROM public.clients c
                     WHERE c.type = 'individual'
                       AND (c.email = cc.email OR (cc.email IS NULL AND c.name = trim(cc.first_name || ' ' || cc.last_name)))
                     ORDER BY c.id LIMIT 1) m ON true
              WHERE NOT EXISTS (
                    SELECT 1 FROM public.company_members x
                     WHERE x.company_client_id = cc.client_id AND x.member_client_id = m.id)",
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(made + linked)
    })
}
