//! The `organizations` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::User;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "organizations", db = master)]
pub struct Organization {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(200))]
    pub name: String,
    #[column(varchar(100), unique)]
    pub slug: String,
    #[column(varchar(100), unique)]
    pub subdomain: String,
    #[column(references = User::id)]
    pub owner_id: i32,
    #[column(varchar(500))]
    pub logo_url: Option<String>,
    #[column(varchar(50))]
    pub phone: Option<String>,
    pub address: Option<String>,
    #[column(varchar(100))]
    pub city: Option<String>,
    #[column(varchar(100))]
    pub country: Option<String>,
    #[column(varchar(100), default = "Europe/Paris")]
    pub timezone: String,
    #[column(varchar(10), default = "EUR")]
    pub currency: String,
    #[column(varchar(10), default = "fr")]
    pub language: String,
    #[column(varchar(50), default = "trial")]
    pub subscription_tier: OrganizationSubscriptionTier,
    pub trial_ends_at: Option<NaiveDateTime>,
    #[column(varchar(255))]
    pub stripe_customer_id: Option<String>,
    #[column(varchar(255))]
    pub stripe_subscription_id: Option<String>,
    #[column(varchar(50), default = "trial")]
    pub subscription_status: Option<OrganizationSubscriptionStatus>,
    pub current_period_end: Option<NaiveDateTime>,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `organizations.subscription_tier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum OrganizationSubscriptionTier {
    Trial,
    Starter,
    Pro,
    Enterprise,
}

/// Values of `organizations.subscription_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum OrganizationSubscriptionStatus {
    Trial,
    Active,
    PastDue,
    Canceled,
    Suspended,
}
