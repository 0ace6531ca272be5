//! The master database: 7 tables.

mod ai_credits;
mod invitations;
mod organization_members;
mod organizations;
mod subscription_plans;
mod tenant_databases;
mod users;

pub use ai_credits::*;
pub use invitations::*;
pub use organization_members::*;
pub use organizations::*;
pub use subscription_plans::*;
pub use tenant_databases::*;
pub use users::*;

schema_core::schema! {
    /// Every table of the master database, parents before children.
    pub static SCHEMA: Master;
    users => User,
    organizations => Organization,
    organization_members => OrganizationMember,
    invitations => Invitation,
    tenant_databases => TenantDatabase,
    subscription_plans => SubscriptionPlan,
    ai_credits => AiCredit,
}

/// The master tables by domain, one ER diagram each in the schema reference
/// (`runner docs`); a table left out is drawn under "Other".
pub const DIAGRAMS: &[(&str, &[&str])] = &[(
    "Accounts, organizations and tenants",
    &[
        "users",
        "organizations",
        "organization_members",
        "invitations",
        "tenant_databases",
        "subscription_plans",
        "ai_credits",
    ],
)];
