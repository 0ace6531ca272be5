//! The application's data migrations, registered with its schemas (the
//! mechanism: [`crate::declared::data`]).

use schema_core::DbKind;
use sqlx::PgConnection;

use crate::declared::data::{DataFuture, DataMigration};

/// The application's data migrations, in the order they run.
pub fn all() -> Vec<DataMigration> {
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
