//! How each column type fakes a value, reading the column's [`Hint`].

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use fake::faker::address::en::{CityName, CountryName, StateName, StreetName, ZipCode};
use fake::faker::company::en::CompanyName;
use fake::faker::internet::en::{IPv4, UserAgent};
use fake::faker::lorem::en::{Sentence, Words};
use fake::faker::name::en::{FirstName, LastName};
use fake::faker::phone_number::en::PhoneNumber;
use fake::Fake;
use rust_decimal::Decimal;
use sqlx::types::Json;
use uuid::Uuid;

use super::field::{Field, Hint};
use super::rng::StreamRng;

/// Everything one value is made from: its own random stream, its row number in
/// the seed's sequence of the table, the column, and the seed's anchor date.
pub struct Gen<'a> {
    pub rng: StreamRng,
    pub row: u64,
    pub field: &'a Field,
    pub anchor: NaiveDate,
}

impl Gen<'_> {
    /// Text of the given kind, whatever the column's own hint (for JSON parts).
    pub fn text(&mut self, hint: Hint) -> String {
        text(self, hint)
    }

    fn anchor_time(&self) -> NaiveDateTime {
        self.anchor.and_hms_opt(9, 0, 0).expect("09:00 exists")
    }

    /// A time `days_before`..`days_after` around the anchor, on a quarter hour.
    pub fn time_around(&mut self, days_before: i64, days_after: i64) -> NaiveDateTime {
        let quarters = self.rng.between(-days_before * 96, days_after * 96);
        self.anchor_time() + Duration::minutes(quarters * 15)
    }
}

/// A column value type a factory can fake. `#[derive(TextEnum)]` implements it
/// (a value of the set); implement it for your own typed JSON shapes.
pub trait FakeValue: Sized {
    fn fake(g: &mut Gen) -> Self;
}

impl<T: FakeValue> FakeValue for Option<T> {
    fn fake(g: &mut Gen) -> Self {
        if g.field.hint == Hint::Event && g.rng.chance(50) {
            return None;
        }
        Some(T::fake(g))
    }
}

impl FakeValue for bool {
    fn fake(g: &mut Gen) -> Self {
        g.rng.chance(50)
    }
}

fn integer(g: &mut Gen) -> i64 {
    if g.field.unique {
        return g.row as i64 + 1;
    }
    match g.field.hint {
        Hint::Year => g
            .rng
            .between(1990, i64::from(chrono::Datelike::year(&g.anchor))),
        Hint::Duration => g.rng.between(30, 600),
        Hint::Quantity => g.rng.between(1, 24),
        Hint::Money => g.rng.between(10, 500) * 100,
        Hint::Percent => g.rng.between(0, 25),
        _ => g.rng.between(1, 1000),
    }
}

impl FakeValue for i16 {
    fn fake(g: &mut Gen) -> Self {
        integer(g).min(i16::MAX as i64) as i16
    }
}
impl FakeValue for i32 {
    fn fake(g: &mut Gen) -> Self {
        integer(g) as i32
    }
}
impl FakeValue for i64 {
    fn fake(g: &mut Gen) -> Self {
        integer(g)
    }
}
impl FakeValue for f64 {
    fn fake(g: &mut Gen) -> Self {
        integer(g) as f64 + g.rng.below(100) as f64 / 100.0
    }
}

impl FakeValue for Decimal {
    /// Within the column's precision: `numeric(10, 2)` money stays under 5,000.00.
    fn fake(g: &mut Gen) -> Self {
        let (precision, scale) = g.field.numeric.unwrap_or((12, 2));
        let scale = u32::from(scale.min(precision).min(28));
        let digits_before = u32::from(precision).saturating_sub(scale).min(18);
        let ceiling = 10i64.saturating_pow(digits_before) - 1;
        let cap = match g.field.hint {
            Hint::Money => 5_000,
            Hint::Percent => 25,
            Hint::Quantity => 40,
            Hint::Duration => 600,
            _ => 1_000,
        }
        .min(ceiling);
        // Whole units for money most of the time, as a studio prices things.
        let unit = 10i64.pow(scale.min(18));
        let whole = g.rng.between(if cap >= 1 { 1 } else { 0 }, cap.max(0));
        let fraction = if scale == 0 || g.rng.chance(70) {
            0
        } else {
            g.rng.below(unit as u64) as i64
        };
        let mantissa = if whole == cap && cap > 0 {
            whole * unit
        } else {
            whole * unit + fraction
        };
        Decimal::new(mantissa, scale)
    }
}

impl FakeValue for NaiveDateTime {
    fn fake(g: &mut Gen) -> Self {
        match g.field.hint {
            Hint::Past => g.time_around(365, 0),
            Hint::Future => g.time_around(-1, 90),
            Hint::Birthday => g.time_around(70 * 365, -18 * 365),
            _ => g.time_around(90, 90),
        }
    }
}

impl FakeValue for DateTime<Utc> {
    fn fake(g: &mut Gen) -> Self {
        <NaiveDateTime as FakeValue>::fake(g).and_utc()
    }
}

impl FakeValue for NaiveDate {
    fn fake(g: &mut Gen) -> Self {
        <NaiveDateTime as FakeValue>::fake(g).date()
    }
}

impl FakeValue for Uuid {
    fn fake(g: &mut Gen) -> Self {
        let bits = (u128::from(g.rng.next_u64()) << 64) | u128::from(g.rng.next_u64());
        uuid::Builder::from_random_bytes(bits.to_le_bytes()).into_uuid()
    }
}

impl FakeValue for serde_json::Value {
    fn fake(g: &mut Gen) -> Self {
        let word: String = Words(1..2)
            .fake_with_rng::<Vec<String>, _>(&mut g.rng)
            .concat();
        serde_json::json!({ "note": word, "score": g.rng.below(100) })
    }
}

impl<T: FakeValue> FakeValue for Json<T> {
    fn fake(g: &mut Gen) -> Self {
        Json(T::fake(g))
    }
}

/// Zero to three items: a client has a phone or two, not twenty.
impl<T: FakeValue> FakeValue for Vec<T> {
    fn fake(g: &mut Gen) -> Self {
        let n = g.rng.between(0, 3);
        (0..n).map(|_| T::fake(g)).collect()
    }
}

impl FakeValue for String {
    fn fake(g: &mut Gen) -> Self {
        let hint = g.field.hint;
        let mut value = text(g, hint);
        let max = g.field.max_len.map_or(usize::MAX, |m| m as usize);
        if g.field.unique {
            value = make_unique(value, hint, g.row, max);
        }
        truncate_chars(&mut value, max);
        value
    }
}

/// Distinct for every row of the seed's sequence, however small the faker's
/// vocabulary: the row number goes where it still reads naturally, and survives
/// truncation to the column's length.
fn make_unique(value: String, hint: Hint, row: u64, max: usize) -> String {
    match hint {
        Hint::Email => {
            let (local, domain) = value.split_once('@').unwrap_or(("user", "example.com"));
            let tail = format!(".{row}@{domain}");
            let mut local = local.to_owned();
            truncate_chars(&mut local, max.saturating_sub(tail.len()).max(1));
            local + &tail
        }
        Hint::Code => format!(
            "{}-{:05}",
            value.split('-').next().unwrap_or("REF"),
            row + 1
        ),
        _ => format!("{row}-{value}"),
    }
}

fn truncate_chars(value: &mut String, max: usize) {
    if let Some((cut, _)) = value.char_indices().nth(max) {
        value.truncate(cut);
    }
}

const GENRES: &[&str] = &[
    "Rock",
    "Pop",
    "Jazz",
    "Hip-Hop",
    "Electronic",
    "Folk",
    "Soul",
    "R&B",
    "Metal",
    "Classical",
    "Reggae",
    "Funk",
    "Indie",
    "Blues",
    "Chanson",
];
const INSTRUMENTS: &[&str] = &[
    "Vocals",
    "Guitar",
    "Bass",
    "Drums",
    "Piano",
    "Keyboards",
    "Violin",
    "Cello",
    "Saxophone",
    "Trumpet",
    "Synthesizer",
    "Percussion",
];
const CURRENCIES: &[&str] = &["EUR", "USD", "GBP", "CHF", "CAD"];
const TIMEZONES: &[&str] = &[
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Asia/Tokyo",
];
const LANGUAGES: &[&str] = &["fr", "en", "de", "es", "it"];
const GENDERS: &[&str] = &["female", "male", "non-binary"];
const PREFIXES: &[&str] = &["Mr.", "Ms.", "Mrs.", "Dr."];
const SUFFIXES: &[&str] = &["Jr.", "Sr.", "II", "III"];
const URL_HOSTS: &[&str] = &["example.com", "example.org", "example.net"];

fn text(g: &mut Gen, hint: Hint) -> String {
    let rng = &mut g.rng;
    match hint {
        Hint::Email => {
            let first: String = FirstName().fake_with_rng(rng);
            let last: String = LastName().fake_with_rng(rng);
            let host = rng.pick(URL_HOSTS);
            format!(
                "{}.{}@{host}",
                ascii_slug(&first, '_'),
                ascii_slug(&last, '_')
            )
        }
        Hint::Phone => PhoneNumber().fake_with_rng(rng),
        Hint::FirstName => FirstName().fake_with_rng(rng),
        Hint::LastName => LastName().fake_with_rng(rng),
        Hint::PersonName => {
            let first: String = FirstName().fake_with_rng(rng);
            let last: String = LastName().fake_with_rng(rng);
            format!("{first} {last}")
        }
        Hint::Company => CompanyName().fake_with_rng(rng),
        Hint::City => CityName().fake_with_rng(rng),
        Hint::Country => CountryName().fake_with_rng(rng),
        Hint::Region => StateName().fake_with_rng(rng),
        Hint::PostalCode => ZipCode().fake_with_rng(rng),
        Hint::Street => {
            let street: String = StreetName().fake_with_rng(rng);
            format!("{} {street}", rng.between(1, 250))
        }
        Hint::Url => {
            let words: Vec<String> = Words(1..3).fake_with_rng(rng);
            format!(
                "https://{}/{}",
                rng.pick(URL_HOSTS),
                ascii_slug(&words.join(" "), '-')
            )
        }
        Hint::Title => {
            let words: Vec<String> = Words(1..4).fake_with_rng(rng);
            capitalise(&words.join(" "))
        }
        Hint::Paragraph => Sentence(4..14).fake_with_rng(rng),
        Hint::Token => {
            let mut s = String::with_capacity(24);
            for _ in 0..24 {
                s.push(char::from(
                    b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.below(36) as usize],
                ));
            }
            s
        }
        Hint::Code => {
            let prefix: String = g
                .field
                .column
                .chars()
                .take(3)
                .collect::<String>()
                .to_uppercase();
            format!("{prefix}-{:05}", g.rng.below(100_000))
        }
        Hint::Slug => {
            let words: Vec<String> = Words(2..3).fake_with_rng(rng);
            ascii_slug(&words.join(" "), '-')
        }
        Hint::Currency => rng.pick(CURRENCIES).to_string(),
        Hint::Color => format!("#{:06x}", rng.below(0x100_0000)),
        Hint::IpAddress => IPv4().fake_with_rng(rng),
        Hint::UserAgent => UserAgent().fake_with_rng(rng),
        Hint::Genre => rng.pick(GENRES).to_string(),
        Hint::Instrument => rng.pick(INSTRUMENTS).to_string(),
        Hint::Gender => rng.pick(GENDERS).to_string(),
        Hint::Timezone => rng.pick(TIMEZONES).to_string(),
        Hint::Language => rng.pick(LANGUAGES).to_string(),
        Hint::NamePrefix => rng.pick(PREFIXES).to_string(),
        Hint::NameSuffix => rng.pick(SUFFIXES).to_string(),
        Hint::Money | Hint::Percent | Hint::Quantity | Hint::Year | Hint::Duration => {
            integer(g).to_string()
        }
        Hint::Birthday | Hint::Past | Hint::Future | Hint::Event => {
            <NaiveDateTime as FakeValue>::fake(g).to_string()
        }
        Hint::Plain => {
            let words: Vec<String> = Words(1..3).fake_with_rng(rng);
            capitalise(&words.join(" "))
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Zoë O'Neil` → `zoe_oneil`: what an address or a URL path can hold.
fn ascii_slug(s: &str, sep: char) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if ch.is_whitespace() && !out.ends_with(sep) {
            out.push(sep);
        }
    }
    out
}

/// A literal default a factory keeps rather than fakes (`default = 0` on a
/// counter, `default = 1` on a version, `default = true` on a flag): the value
/// means a state, so a new row starts in it, as it would in the database.
/// The literal was checked against the type at compile time.
trait LiteralValue: Sized + 'static {
    fn from_literal(text: &str) -> Self;
}

macro_rules! literal_by_parse {
    ($($ty:ty),*) => {$(
        impl LiteralValue for $ty {
            fn from_literal(text: &str) -> Self {
                text.parse().expect("a literal checked at compile time")
            }
        }
    )*};
}

literal_by_parse!(i16, i32, i64, f32, f64, bool);

impl LiteralValue for Decimal {
    fn from_literal(text: &str) -> Self {
        Decimal::from_str_exact(text)
            .or_else(|_| Decimal::from_scientific(text))
            .expect("a literal checked at compile time")
    }
}

/// `text` as a `T`, if `T` is a type a literal default fits (`i32`,
/// `Option<Decimal>`, ...); `None` otherwise. Dispatched on the type at run
/// time rather than by a bound, so that a literal on a wrong type is reported
/// once, by the compile-time check, not again by the factory.
pub fn literal<T: 'static>(text: &str) -> Option<T> {
    fn as_<T: 'static, U: LiteralValue>(text: &str, out: &mut Option<T>) {
        let out = out as &mut dyn std::any::Any;
        if let Some(slot) = out.downcast_mut::<Option<U>>() {
            *slot = Some(U::from_literal(text));
        } else if let Some(slot) = out.downcast_mut::<Option<Option<U>>>() {
            *slot = Some(Some(U::from_literal(text)));
        }
    }
    let mut out = None;
    as_::<T, i16>(text, &mut out);
    as_::<T, i32>(text, &mut out);
    as_::<T, i64>(text, &mut out);
    as_::<T, f32>(text, &mut out);
    as_::<T, f64>(text, &mut out);
    as_::<T, bool>(text, &mut out);
    as_::<T, Decimal>(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::factory::rng::StreamRng;

    #[test]
    fn literals_become_values_of_the_column_type() {
        assert_eq!(literal::<i32>("30"), Some(30));
        assert_eq!(literal::<Option<i64>>("-1"), Some(Some(-1)));
        assert_eq!(literal::<Decimal>("20.00"), Some(Decimal::new(2000, 2)));
        assert_eq!(literal::<Option<bool>>("true"), Some(Some(true)));
        assert_eq!(literal::<String>("1"), None);
    }

    fn field(hint: Hint, max_len: Option<u32>, numeric: Option<(u16, u16)>, unique: bool) -> Field {
        Field {
            table: "t",
            column: "c",
            stream: 1,
            hint,
            max_len,
            numeric,
            unique,
        }
    }

    fn gen(field: &Field, row: u64) -> Gen<'_> {
        Gen {
            rng: StreamRng::new(42, field.stream, row),
            row,
            field,
            anchor: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        }
    }

    #[test]
    fn money_stays_within_precision() {
        let f = field(Hint::Money, None, Some((5, 2)), false);
        for row in 0..2000 {
            let d = <Decimal as FakeValue>::fake(&mut gen(&f, row));
            assert!(d >= Decimal::ZERO && d <= Decimal::new(99_999, 2), "{d}");
            assert_eq!(d.scale(), 2);
        }
    }

    #[test]
    fn unique_text_is_unique_and_fits() {
        let f = field(Hint::Email, Some(30), None, true);
        let values: std::collections::HashSet<String> = (0..20_000)
            .map(|row| <String as FakeValue>::fake(&mut gen(&f, row)))
            .collect();
        assert_eq!(values.len(), 20_000);
        assert!(values.iter().all(|v| v.chars().count() <= 30));
    }

    #[test]
    fn text_respects_varchar_length() {
        let f = field(Hint::Paragraph, Some(12), None, false);
        assert!(
            (0..500).all(|row| <String as FakeValue>::fake(&mut gen(&f, row))
                .chars()
                .count()
                <= 12)
        );
    }
}
