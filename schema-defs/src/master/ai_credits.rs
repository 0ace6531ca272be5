//! The `ai_credits` table.

use schema_core::{NaiveDateTime, Table, TextEnum};

use super::Organization;

#[derive(Debug, Clone, PartialEq, Table)]
#[table(name = "ai_credits", db = master)]
pub struct AiCredit {
    #[column(primary_key, serial)]
    pub id: i32,
    #[column(unique, references = Organization::id)]
    pub organization_id: i32,
    #[column(default = 0)]
    pub credits_remaining: i32,
    #[column(default = 0)]
    pub credits_used_this_month: i32,
    #[column(varchar(50), default = "trial")]
    pub plan: AiCreditPlan,
    pub last_recharge_at: Option<NaiveDateTime>,
    pub next_recharge_at: Option<NaiveDateTime>,
    #[column(default = now)]
    pub created_at: NaiveDateTime,
    #[column(default = now)]
    pub updated_at: NaiveDateTime,
}

/// Values of `ai_credits.plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TextEnum)]
pub enum AiCreditPlan {
    Trial,
    Pro,
    Enterprise,
}
