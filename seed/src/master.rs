//! Master data: the subscription plans every installation has, and the fixed
//! test studio (its user, organization, membership and tenant registration)
//! that UI tests log into.

use schema_defs::master::*;
use sqlx::PgConnection;

/// `(name, display name, monthly and yearly price in cents, max users)`.
pub const PLANS: &[(&str, &str, i32, i32, Option<i32>)] = &[
    ("trial", "Trial", 0, 0, Some(1)),
    ("starter", "Starter", 2_900, 29_000, Some(2)),
    ("pro", "Pro", 7_900, 79_000, Some(10)),
    ("enterprise", "Enterprise", 19_900, 199_000, None),
];

/// Insert the plans that are missing; returns how many were inserted.
/// Running it again inserts nothing.
pub async fn plans(conn: &mut PgConnection) -> Result<u64, sqlx::Error> {
    let existing: Vec<String> = sqlx::query_scalar("SELECT name FROM subscription_plans")
        .fetch_all(&mut *conn)
        .await?;
    let mut inserted = 0;
    for (name, display, monthly, yearly, max_users) in PLANS {
        if existing.iter().any(|e| e == name) {
            continue;
        }
        SubscriptionPlan::insert()
            .name(*name)
            .display_name(*display)
            .price_monthly(*monthly)
            .price_yearly(*yearly)
            .max_users(*max_users)
            .features(format!("{display} plan: sessions, invoices, client portal"))
            .returning_key(&mut *conn)
            .await?;
        inserted += 1;
    }
    Ok(inserted)
}

/// The test studio's fixed identity.
pub const TEST_STUDIO_EMAIL: &str = "studio@example.com";
pub const TEST_STUDIO_SLUG: &str = "test-studio";

/// What [`test_studio`] created.
#[derive(Debug, Clone)]
pub struct TestStudio {
    pub user: User,
    pub organization: Organization,
    pub registration: TenantDatabase,
}

/// The test studio, registered against `database_name` (which the caller
/// creates). Fails if it exists already (the email and slug are unique).
pub async fn test_studio(
    conn: &mut PgConnection,
    database_name: &str,
) -> Result<TestStudio, sqlx::Error> {
    let user = User::insert()
        .email(TEST_STUDIO_EMAIL)
        .name("Studio Owner")
        .role(UserRole::Admin)
        .returning_row(&mut *conn)
        .await?;
    let organization = Organization::insert()
        .name("Test Studio")
        .slug(TEST_STUDIO_SLUG)
        .subdomain(TEST_STUDIO_SLUG)
        .owner_id(user.id)
        .subscription_tier(OrganizationSubscriptionTier::Pro)
        .subscription_status(OrganizationSubscriptionStatus::Active)
        .returning_row(&mut *conn)
        .await?;
    OrganizationMember::insert()
        .user_id(user.id)
        .organization_id(organization.id)
        .role(OrganizationMemberRole::Owner)
        .returning_key(&mut *conn)
        .await?;
    let registration = TenantDatabase::insert()
        .organization_id(organization.id)
        .database_name(database_name)
        .returning_row(&mut *conn)
        .await?;
    Ok(TestStudio {
        user,
        organization,
        registration,
    })
}
