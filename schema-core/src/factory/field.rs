//! What a factory knows of a column before it fakes a value: the kind of data
//! its name suggests, its size limits, whether it is unique. All of it is
//! computed at compile time from the table's metadata, so that inference lives
//! in one place and costs nothing per row.

use super::rng::stream_id;
use crate::def::TableDef;
use crate::types::SqlType;

/// The kind of value a column's name asks for. Each value type reads the hint
/// its own way (`Money` is a decimal amount, a `Quantity` an integer or decimal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Email,
    Phone,
    FirstName,
    LastName,
    /// A person's full name.
    PersonName,
    Company,
    City,
    Country,
    Region,
    PostalCode,
    Street,
    Url,
    /// A short title, a few capitalised words.
    Title,
    /// Free text: notes, descriptions.
    Paragraph,
    /// An opaque identifier or secret (`token`, `stripe_*_id`, `password_hash`).
    Token,
    /// A reference number (`invoice_number`, `isrc`).
    Code,
    Slug,
    Currency,
    Color,
    IpAddress,
    UserAgent,
    Genre,
    Instrument,
    Gender,
    Timezone,
    Language,
    NamePrefix,
    NameSuffix,
    Money,
    Percent,
    Quantity,
    Year,
    Duration,
    Birthday,
    /// A moment in the past (`created_at`).
    Past,
    /// A moment to come (`due_date`, `expires_at`).
    Future,
    /// An optional event (`paid_at`, `deleted_at`): left empty half the time.
    Event,
    /// Nothing in the name: a plausible value of the type.
    Plain,
}

impl Hint {
    /// The hint for `table.column`, from the column's name (and for `name`, the table's).
    pub const fn infer(table: &str, column: &str) -> Hint {
        let c = column;
        if eq(c, "email") || ends_with(c, "_email") {
            return Hint::Email;
        }
        if contains(c, "phone") || eq(c, "mobile") {
            return Hint::Phone;
        }
        if eq(c, "first_name") || eq(c, "middle_name") {
            return Hint::FirstName;
        }
        if eq(c, "last_name") {
            return Hint::LastName;
        }
        if eq(c, "name") {
            return if one_of(table, &["users", "clients", "musicians", "client_contacts"]) {
                Hint::PersonName
            } else if one_of(table, &["organizations", "companies"]) {
                Hint::Company
            } else {
                Hint::Title
            };
        }
        if one_of(
            c,
            &[
                "artist_name",
                "stage_name",
                "author_name",
                "credit_name",
                "signed_by",
                "composer",
                "lyricist",
                "full_name",
                "contact_name",
                "manager_contact",
            ],
        ) {
            return Hint::PersonName;
        }
        if one_of(
            c,
            &[
                "company",
                "company_name",
                "record_label",
                "distributor",
                "publisher",
                "label",
                "vendor",
                "copyright_holder",
                "brand",
            ],
        ) {
            return Hint::Company;
        }
        if eq(c, "city") {
            return Hint::City;
        }
        if eq(c, "country") {
            return Hint::Country;
        }
        if eq(c, "region") || eq(c, "state") {
            return Hint::Region;
        }
        if eq(c, "postal_code") || starts_with(c, "zip") {
            return Hint::PostalCode;
        }
        if eq(c, "street") || eq(c, "address") || eq(c, "location") {
            return Hint::Street;
        }
        if ends_with(c, "_url") || eq(c, "url") || eq(c, "website") {
            return Hint::Url;
        }
        if eq(c, "ip_address") {
            return Hint::IpAddress;
        }
        if eq(c, "user_agent") {
            return Hint::UserAgent;
        }
        if contains(c, "genre") {
            return Hint::Genre;
        }
        if contains(c, "instrument") {
            return Hint::Instrument;
        }
        if eq(c, "gender") {
            return Hint::Gender;
        }
        if eq(c, "timezone") {
            return Hint::Timezone;
        }
        if eq(c, "language") || eq(c, "locale") {
            return Hint::Language;
        }
        if eq(c, "prefix") {
            return Hint::NamePrefix;
        }
        if eq(c, "suffix") {
            return Hint::NameSuffix;
        }
        if eq(c, "currency") {
            return Hint::Currency;
        }
        if eq(c, "color") || eq(c, "colour") {
            return Hint::Color;
        }
        if eq(c, "slug") || eq(c, "subdomain") || eq(c, "database_name") {
            return Hint::Slug;
        }
        if contains(c, "token")
            || contains(c, "hash")
            || contains(c, "secret")
            || starts_with(c, "stripe_")
            || ends_with(c, "session_id")
            || eq(c, "event_id")
            || ends_with(c, "_request_id")
            || contains(c, "s3_key")
            || eq(c, "last4")
        {
            return Hint::Token;
        }
        if ends_with(c, "_number")
            || eq(c, "isrc")
            || eq(c, "key")
            || eq(c, "error_code")
            || eq(c, "model")
        {
            return Hint::Code;
        }
        if eq(c, "title") || eq(c, "subject") || ends_with(c, "_name") || eq(c, "action_label") {
            return Hint::Title;
        }
        if one_of(
            c,
            &[
                "description",
                "notes",
                "note",
                "bio",
                "biography",
                "content",
                "message",
                "messages",
                "body",
                "comment",
                "terms",
                "lyrics",
                "summary",
                "specifications",
                "result",
                "error",
                "params",
                "metadata",
                "features",
                "page_context",
                "actions_called",
                "refund_reason",
                "locked_reason",
                "equipment_list",
                "awards_recognition",
                "notable_works",
            ],
        ) || ends_with(c, "_notes")
            || ends_with(c, "_message")
            || ends_with(c, "_used")
            || ends_with(c, "_chain")
            || ends_with(c, "_path")
            || ends_with(c, "_tags")
        {
            return Hint::Paragraph;
        }
        if contains(c, "rate") && !contains(c, "tax")
            || one_of(
                c,
                &[
                    "amount", "price", "total", "subtotal", "budget", "value", "cost",
                ],
            )
            || ends_with(c, "_amount")
            || ends_with(c, "_price")
            || ends_with(c, "_cost")
            || ends_with(c, "_fee")
            || starts_with(c, "price_")
            || ends_with(c, "_balance")
        {
            return Hint::Money;
        }
        if contains(c, "tax_rate") || contains(c, "percent") || eq(c, "discount") {
            return Hint::Percent;
        }
        if ends_with(c, "year") {
            return Hint::Year;
        }
        if contains(c, "duration") || ends_with(c, "_minutes") || ends_with(c, "_ms") {
            return Hint::Duration;
        }
        if contains(c, "quantity")
            || ends_with(c, "_count")
            || starts_with(c, "max_")
            || contains(c, "credits")
            || one_of(
                c,
                &[
                    "capacity",
                    "size",
                    "bpm",
                    "validity_days",
                    "storage_size",
                    "position",
                    "timestamp",
                ],
            )
            || ends_with(c, "_order")
            || ends_with(c, "_messages")
        {
            return Hint::Quantity;
        }
        if contains(c, "birth") {
            return Hint::Birthday;
        }
        if starts_with(c, "created")
            || starts_with(c, "updated")
            || eq(c, "joined_at")
            || eq(c, "issue_date")
            || eq(c, "purchase_date")
            || eq(c, "expense_date")
            || eq(c, "payment_date")
            || eq(c, "processed_at")
            || starts_with(c, "last_")
        {
            return Hint::Past;
        }
        if starts_with(c, "due")
            || starts_with(c, "expires")
            || starts_with(c, "next_")
            || ends_with(c, "_until")
            || ends_with(c, "_ends_at")
            || ends_with(c, "_period_end")
            || eq(c, "target_delivery_date")
        {
            return Hint::Future;
        }
        if ends_with(c, "_at") {
            return Hint::Event;
        }
        Hint::Plain
    }
}

/// One column as its factory sees it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
    /// The column's random stream, from its table and column names only.
    pub stream: u64,
    pub hint: Hint,
    pub max_len: Option<u32>,
    /// `(precision, scale)` of a `numeric` column.
    pub numeric: Option<(u16, u16)>,
    /// Unique on its own: every row gets a distinct value.
    pub unique: bool,
}

impl Field {
    /// Column `index` of `table`, evaluated at compile time by generated factories.
    pub const fn of(table: &'static TableDef, index: usize) -> Field {
        let column = &table.columns[index];
        let (max_len, numeric) = match column.sql_type {
            SqlType::Varchar(len) => (len, None),
            SqlType::Numeric(ps) => (None, ps),
            _ => (None, None),
        };
        let mut unique = false;
        let mut k = 0;
        while k < table.unique.len() {
            if table.unique[k].len() == 1 && eq(table.unique[k][0], column.name) {
                unique = true;
            }
            k += 1;
        }
        if table.primary_key.len() == 1 && eq(table.primary_key[0], column.name) {
            unique = true;
        }
        Field {
            table: table.name,
            column: column.name,
            stream: stream_id(table.name) ^ stream_id(column.name).rotate_left(17),
            hint: Hint::infer(table.name, column.name),
            max_len,
            numeric,
            unique,
        }
    }
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && starts_with_bytes(a, b)
}

const fn starts_with(s: &str, prefix: &str) -> bool {
    starts_with_bytes(s.as_bytes(), prefix.as_bytes())
}

const fn starts_with_bytes(s: &[u8], prefix: &[u8]) -> bool {
    if prefix.len() > s.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if s[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn ends_with(s: &str, suffix: &str) -> bool {
    let (s, suffix) = (s.as_bytes(), suffix.as_bytes());
    if suffix.len() > s.len() {
        return false;
    }
    let offset = s.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if s[offset + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn contains(s: &str, needle: &str) -> bool {
    let (s, needle) = (s.as_bytes(), needle.as_bytes());
    let mut start = 0;
    while start + needle.len() <= s.len() {
        let mut i = 0;
        while i < needle.len() && s[start + i] == needle[i] {
            i += 1;
        }
        if i == needle.len() {
            return true;
        }
        start += 1;
    }
    false
}

const fn one_of(s: &str, list: &[&str]) -> bool {
    let mut i = 0;
    while i < list.len() {
        if eq(s, list[i]) {
            return true;
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::Hint::{self, *};

    #[test]
    fn names_map_to_hints() {
        let cases: &[(&str, &str, Hint)] = &[
            ("clients", "email", Email),
            ("users", "name", PersonName),
            ("rooms", "name", Title),
            ("organizations", "name", Company),
            ("clients", "spotify_url", Url),
            ("clients", "postal_code", PostalCode),
            ("invoices", "invoice_number", Code),
            ("invoices", "tax_rate", Percent),
            ("rooms", "hourly_rate", Money),
            ("invoices", "due_date", Future),
            ("invoices", "paid_at", Event),
            ("invoices", "created_at", Past),
            ("invitations", "token", Token),
            ("payments", "stripe_charge_id", Token),
            ("tracks", "duration", Duration),
            ("tracks", "copyright_year", Year),
            ("clients", "genres", Genre),
            ("clients", "birthday", Birthday),
            ("rooms", "capacity", Quantity),
            ("clients", "is_vip", Plain),
        ];
        for (table, column, hint) in cases {
            assert_eq!(Hint::infer(table, column), *hint, "{table}.{column}");
        }
    }
}
