//! The tenant database: 31 tables.

mod ai_action_logs;
mod ai_conversations;
mod client_contacts;
mod client_notes;
mod client_portal_accounts;
mod client_portal_activity_logs;
mod client_portal_magic_links;
mod client_portal_sessions;
mod clients;
mod company_members;
mod contracts;
mod equipment;
mod expenses;
mod invoice_items;
mod invoices;
mod musicians;
mod notifications;
mod payment_transactions;
mod payments;
mod projects;
mod quote_items;
mod quotes;
mod rooms;
mod service_catalog;
mod sessions;
mod stripe_webhook_events;
mod task_types;
mod time_entries;
mod track_comments;
mod track_credits;
mod tracks;

pub use ai_action_logs::*;
pub use ai_conversations::*;
pub use client_contacts::*;
pub use client_notes::*;
pub use client_portal_accounts::*;
pub use client_portal_activity_logs::*;
pub use client_portal_magic_links::*;
pub use client_portal_sessions::*;
pub use clients::*;
pub use company_members::*;
pub use contracts::*;
pub use equipment::*;
pub use expenses::*;
pub use invoice_items::*;
pub use invoices::*;
pub use musicians::*;
pub use notifications::*;
pub use payment_transactions::*;
pub use payments::*;
pub use projects::*;
pub use quote_items::*;
pub use quotes::*;
pub use rooms::*;
pub use service_catalog::*;
pub use sessions::*;
pub use stripe_webhook_events::*;
pub use task_types::*;
pub use time_entries::*;
pub use track_comments::*;
pub use track_credits::*;
pub use tracks::*;

schema_core::schema! {
    /// Every table of the tenant database, parents before children.
    pub static SCHEMA: Tenant;
    clients => Client,
    client_contacts => ClientContact,
    client_notes => ClientNote,
    company_members => CompanyMember,
    rooms => Room,
    equipment => Equipment,
    projects => Project,
    sessions => Session,
    tracks => Track,
    track_comments => TrackComment,
    musicians => Musician,
    track_credits => TrackCredit,
    invoices => Invoice,
    invoice_items => InvoiceItem,
    quotes => Quote,
    quote_items => QuoteItem,
    service_catalog => ServiceCatalogItem,
    contracts => Contract,
    expenses => Expense,
    payments => Payment,
    payment_transactions => PaymentTransaction,
    stripe_webhook_events => StripeWebhookEvent,
    task_types => TaskType,
    time_entries => TimeEntry,
    notifications => Notification,
    ai_conversations => AiConversation,
    ai_action_logs => AiActionLog,
    client_portal_accounts => ClientPortalAccount,
    client_portal_sessions => ClientPortalSession,
    client_portal_magic_links => ClientPortalMagicLink,
    client_portal_activity_logs => ClientPortalActivityLog,
}

/// The tenant tables by domain, one ER diagram each in the schema reference
/// (`runner docs`); a table left out is drawn under "Other".
pub const DIAGRAMS: &[(&str, &[&str])] = &[
    (
        "Clients",
        &[
            "clients",
            "client_contacts",
            "client_notes",
            "company_members",
        ],
    ),
    (
        "Studio: rooms, projects, sessions and tracks",
        &[
            "rooms",
            "equipment",
            "projects",
            "sessions",
            "tracks",
            "track_comments",
            "musicians",
            "track_credits",
            "task_types",
            "time_entries",
        ],
    ),
    (
        "Billing",
        &[
            "service_catalog",
            "quotes",
            "quote_items",
            "contracts",
            "invoices",
            "invoice_items",
            "payments",
            "payment_transactions",
            "stripe_webhook_events",
            "expenses",
        ],
    ),
    (
        "Client portal",
        &[
            "client_portal_accounts",
            "client_portal_sessions",
            "client_portal_magic_links",
            "client_portal_activity_logs",
        ],
    ),
    (
        "Assistant and notifications",
        &["ai_conversations", "ai_action_logs", "notifications"],
    ),
];
