//! The `subscription_plans` table.

use schema_core::{NaiveDateTime, Table};

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "subscription_plans", db = master)]
pub struct SubscriptionPlan {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(varchar(100), unique)]
    pub name: String,
    #[column(varchar(100))]
    pub display_name: String,
    pub description: Option<String>,
    pub price_monthly: i32,
    pub price_yearly: i32,
    #[column(varchar(255))]
    pub stripe_price_id_monthly: Option<String>,
    #[column(varchar(255))]
    pub stripe_price_id_yearly: Option<String>,
    pub features: String,
    pub max_users: Option<i32>,
    pub max_sessions: Option<i32>,
    pub max_storage: Option<i32>,
    #[column(default = true)]
    pub is_active: bool,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
}
