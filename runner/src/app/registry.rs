//! The application's registry of tenants in the master: each tenant's
//! organization (its name, its slug, its owner and membership) and its
//! `tenant_databases` row. Every query of those tables is here.

use chrono::NaiveDateTime;
use schema_defs::master::*;
use sqlx::PgConnection;

use crate::RunnerError;

/// A registered organization, as [`register`] returns it.
pub(crate) use schema_defs::master::Organization;

/// `organizations.name` is `varchar(200)`.
const MAX_NAME_CHARS: usize = 200;
/// `organizations.slug` is `varchar(100)`; room is left for a `-<n>` suffix.
const MAX_SLUG_CHARS: usize = 80;

/// An organization's display name: letters and digits of any script, spaces
/// and the punctuation company names use (`-_.&,()'’!+@/:#`), at most 200
/// characters. Control characters, quotes, semicolons, `<>` and backslashes are
/// refused. (It is always bound as a parameter, never spliced into SQL.)
pub fn check_organization_name(name: &str) -> Result<(), RunnerError> {
    let count = name.chars().count();
    let problem = if name.trim().is_empty() {
        Some("it is empty".to_owned())
    } else if count > MAX_NAME_CHARS {
        Some(format!(
            "it is {count} characters long; at most {MAX_NAME_CHARS}"
        ))
    } else {
        name.chars()
            .find(|c| !(c.is_alphanumeric() || is_mark(*c) || " -_.&,()'’!+@/:#".contains(*c)))
            .map(|c| format!("it contains {c:?}; use letters, digits, spaces and -_.&,()'’!+@/:#"))
    };
    match problem {
        Some(p) => Err(RunnerError::InvalidInput(format!(
            "invalid organization name {name:?}: {p}"
        ))),
        None => Ok(()),
    }
}

/// Marks of any script (Unicode General_Category M): the accent of a
/// decomposed `e\u{301}`, the vowel signs and virama of `स्टूडियो`.
fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// `Studio Nord & Fils` → `studio-nord-fils`, `Café Müller` → `cafe-muller`,
/// `O'Brien` → `obrien`, `Москва` → `moskva`: ASCII by transliteration, so that
/// it can be a subdomain. Empty when nothing is left (the caller numbers it).
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(&name.replace(['\'', '’'], ""));
    let mut slug = String::new();
    for ch in ascii.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(MAX_SLUG_CHARS).collect();
    slug.trim_end_matches('-').to_owned()
}

/// A slug for a new organization that no organization and no creation under
/// way has: the name's slug, or that slug numbered with the tenant's number.
/// Called under the allocation lock, so two creates never pick the same one.
pub(crate) async fn free_slug(
    master: &mut PgConnection,
    name: &str,
    number: u64,
) -> Result<String, sqlx::Error> {
    let base = slugify(name);
    let stem = if base.is_empty() { "studio" } else { &base };
    let mut attempt = 0u64;
    loop {
        let slug = match attempt {
            0 if !base.is_empty() => base.clone(),
            0 | 1 => format!("{stem}-{number}"),
            k => format!("{stem}-{number}-{k}"),
        };
        // The owner's address is made from the slug: both must be free, or
        // the registration fails after the clone.
        let taken: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM organizations WHERE slug = $1 OR subdomain = $1)
                 OR EXISTS (SELECT 1 FROM rsm.databases WHERE slug = $1)
                 OR EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($2))",
        )
        .bind(&slug)
        .bind(owner_email(&slug))
        .fetch_one(&mut *master)
        .await?;
        if !taken {
            return Ok(slug);
        }
        attempt += 1;
    }
}

/// The address of a new organization's owner, made from its slug.
fn owner_email(slug: &str) -> String {
    format!("owner@{slug}.example")
}

/// Owner, organization, membership and registry row, with the typed builders.
pub async fn register(
    conn: &mut PgConnection,
    name: &str,
    slug: &str,
    tenant: &str,
) -> Result<(Organization, String), sqlx::Error> {
    let email = owner_email(slug);
    let owner = User::insert()
        .email(email.as_str())
        .name(format!("{name} owner"))
        .role(UserRole::Admin)
        .returning_row(&mut *conn)
        .await?;
    let organization = Organization::insert()
        .name(name)
        .slug(slug)
        .subdomain(slug)
        .owner_id(owner.id)
        .returning_row(&mut *conn)
        .await?;
    OrganizationMember::insert()
        .user_id(owner.id)
        .organization_id(organization.id)
        .role(OrganizationMemberRole::Owner)
        .returning_key(&mut *conn)
        .await?;
    TenantDatabase::insert()
        .organization_id(organization.id)
        .database_name(tenant)
        .returning_key(&mut *conn)
        .await?;
    Ok((organization, email))
}

/// Remove a tenant's registry rows: its `tenant_databases` row, its
/// organization with memberships, invitations and credits, and the owner users
/// who belong nowhere else. Inside the caller's transaction.
pub(crate) async fn unregister(conn: &mut PgConnection, tenant: &str) -> Result<(), sqlx::Error> {
    let org: Option<i32> = sqlx::query_scalar(
        "DELETE FROM tenant_databases WHERE database_name = $1 RETURNING organization_id",
    )
    .bind(tenant)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(org) = org else {
        return Ok(());
    };
    let members: Vec<i32> =
        sqlx::query_scalar("SELECT user_id FROM organization_members WHERE organization_id = $1")
            .bind(org)
            .fetch_all(&mut *conn)
            .await?;
    for sql in [
        "DELETE FROM organization_members WHERE organization_id = $1",
        "DELETE FROM invitations WHERE organization_id = $1",
        "DELETE FROM ai_credits WHERE organization_id = $1",
        "DELETE FROM organizations WHERE id = $1",
    ] {
        sqlx::query(sql).bind(org).execute(&mut *conn).await?;
    }
    sqlx::query(
        "DELETE FROM users u WHERE u.id = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.owner_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.invited_by = u.id)",
    )
    .bind(&members)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the connected master holds the registry's table.
pub async fn exists(master: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT to_regclass('public.tenant_databases') IS NOT NULL")
        .fetch_one(master)
        .await
}

/// What a master without the registry lacks (for the error that says so).
pub(crate) const MISSING: &str = "  - no table `tenant_databases`";

/// A registry row: the tenant database, its organization (absent when the
/// row points at none), and when it was registered.
pub type Entry = (String, Option<i32>, Option<String>, NaiveDateTime);

/// The registry's rows in registration order; only `only`'s when given.
pub async fn entries(
    master: &mut PgConnection,
    only: Option<&str>,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.database_name::text, o.id, o.name::text, t.created_at
           FROM tenant_databases t LEFT JOIN organizations o ON o.id = t.organization_id
          WHERE $1::text IS NULL OR t.database_name = $1
          ORDER BY t.id",
    )
    .bind(only)
    .fetch_all(master)
    .await
}

/// The first `limit` registered tenant names (for messages).
pub(crate) async fn some_names(
    master: &mut PgConnection,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT database_name::text FROM tenant_databases ORDER BY id LIMIT $1")
        .bind(limit)
        .fetch_all(master)
        .await
}

/// Whether a registry row names `tenant`.
pub(crate) async fn is_registered(
    master: &mut PgConnection,
    tenant: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tenant_databases WHERE database_name = $1)")
        .bind(tenant)
        .fetch_one(master)
        .await
}

/// The tenant databases the application registered, as a query of one
/// column, `name` (the runner reads their numbers beside its own records').
pub(crate) const REGISTERED_NAMES: &str =
    "SELECT database_name::text AS name FROM tenant_databases";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_accept_any_script_and_refuse_hostile_input() {
        for good in [
            "Studio Nord & Fils (Lyon)",
            "Café Musique",
            "O'Brien Sound",
            "L’Atelier",
            "Студия Москва",
            "スタジオ東京",
            "Ψ Records",
            "Cafe\u{301} decomposed",
            "AC/DC Tribute #2",
            "स्टूडियो",
            "ஸ்டுடியோ ஒலி",
        ] {
            assert!(check_organization_name(good).is_ok(), "{good:?}");
        }
        for bad in [
            "x'; DROP DATABASE rsm_master; --",
            "a\"b",
            "",
            "   ",
            &"x".repeat(201),
            "tab\there",
            "nul\0",
            "<script>",
            "back\\slash",
        ] {
            assert!(check_organization_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn slugs_are_ascii_and_url_safe() {
        assert_eq!(slugify("Studio Nord & Fils"), "studio-nord-fils");
        assert_eq!(slugify("Café Müller"), "cafe-muller");
        assert_eq!(slugify("Cafe\u{301}"), "cafe");
        assert_eq!(slugify("O'Brien Sound"), "obrien-sound");
        assert_eq!(slugify("L’Atelier"), "latelier");
        assert_eq!(slugify("Студия Москва"), "studiia-moskva");
        assert_eq!(slugify("!!!"), "");
        let long = slugify(&"ab ".repeat(100));
        assert!(long.len() <= MAX_SLUG_CHARS && !long.ends_with('-'));
        for name in ["スタジオ東京", "Ψ Records", "Ærø Ølstudio"] {
            let slug = slugify(name);
            assert!(!slug.is_empty(), "{name:?}");
            assert!(
                slug.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name:?} → {slug:?}"
            );
        }
    }
}
