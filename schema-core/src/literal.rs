//! Which `#[column(default = ...)]` literal suits which field type.
//!
//! The derive turns `default = 30` on a field of type `T` into
//! `const _: <T as IntegerDefault>::Literal = 30;`, spanned at the literal: a
//! type without the trait is reported with the messages below, and a literal
//! out of the column's range (`default = 40000` on an `i16`) by rustc's own
//! `overflowing_literals`, both at the literal. A text default on a
//! [`TextEnum`] must also be one of its values ([`text_default`]).

use crate::def::str_eq;
use crate::types::TextEnum;

/// An integer literal default (`0`, `-1`, `30`) suits this type.
#[diagnostic::on_unimplemented(
    message = "an integer default does not fit a column of type `{Self}`",
    label = "integer literal for a field of type `{Self}`",
    note = "an integer default suits an `i16`, `i32`, `i64`, `Decimal`, `f32` or `f64` column; otherwise write `default = sql(\"...\")`"
)]
pub trait IntegerDefault {
    /// The Rust type the literal is checked as (its range included).
    type Literal;
}

/// A decimal literal default (`1.00`, `20.5`) suits this type.
#[diagnostic::on_unimplemented(
    message = "a decimal default does not fit a column of type `{Self}`",
    label = "decimal literal for a field of type `{Self}`",
    note = "a decimal default suits a `Decimal`, `f32` or `f64` column; an integer column takes an integer (`default = 1`)"
)]
pub trait DecimalDefault {
    type Literal;
}

/// `true` / `false` suits this type.
#[diagnostic::on_unimplemented(
    message = "a boolean default does not fit a column of type `{Self}`",
    label = "boolean literal for a field of type `{Self}`",
    note = "`true` and `false` suit a `bool` column"
)]
pub trait BoolDefault {
    type Literal;
}

/// A text literal default (`"draft"`, `"[]"`) suits this type.
#[diagnostic::on_unimplemented(
    message = "a text default does not fit a column of type `{Self}`",
    label = "text literal for a field of type `{Self}`",
    note = "a text default suits a `String`, a `#[derive(TextEnum)]` or a JSON column; for a number write the number (`default = 0`), otherwise `default = sql(\"...\")`"
)]
pub trait TextDefault {
    /// The values a text default must be one of; `None`: any text.
    const VALUES: Option<&'static [&'static str]>;
}

/// `default = now` suits this type.
#[diagnostic::on_unimplemented(
    message = "`default = now` does not fit a column of type `{Self}`",
    label = "`now` for a field of type `{Self}`",
    note = "`now` suits a `NaiveDateTime`, `DateTime<Utc>` or `NaiveDate` column"
)]
pub trait NowDefault {}

// Written out, not by a macro, so that rustc's list of the types that do
// implement a trait reads plainly in the error.
impl IntegerDefault for i16 {
    type Literal = i16;
}
impl IntegerDefault for i32 {
    type Literal = i32;
}
impl IntegerDefault for i64 {
    type Literal = i64;
}
impl IntegerDefault for rust_decimal::Decimal {
    type Literal = i128;
}
impl IntegerDefault for f32 {
    type Literal = i128;
}
impl IntegerDefault for f64 {
    type Literal = i128;
}
impl DecimalDefault for rust_decimal::Decimal {
    type Literal = f64;
}
impl DecimalDefault for f32 {
    type Literal = f32;
}
impl DecimalDefault for f64 {
    type Literal = f64;
}
impl BoolDefault for bool {
    type Literal = bool;
}

impl TextDefault for String {
    const VALUES: Option<&'static [&'static str]> = None;
}
impl<T> TextDefault for sqlx::types::Json<T> {
    const VALUES: Option<&'static [&'static str]> = None;
}
impl TextDefault for serde_json::Value {
    const VALUES: Option<&'static [&'static str]> = None;
}
impl<E: TextEnum> TextDefault for E {
    const VALUES: Option<&'static [&'static str]> = Some(E::VALUES);
}

impl NowDefault for chrono::NaiveDateTime {}
impl NowDefault for chrono::DateTime<chrono::Utc> {}
impl NowDefault for chrono::NaiveDate {}

/// Named in a `const` item: `default = now` on a field of type `T`.
pub fn now_default<T: NowDefault + ?Sized>() {}

/// Evaluated in a `const` item: a text default of an enum column must be one
/// of the enum's values; `problem` is the compile error shown otherwise.
pub const fn text_default<T: TextDefault + ?Sized>(value: &str, problem: &'static str) {
    let Some(values) = T::VALUES else { return };
    let mut i = 0;
    while i < values.len() {
        if str_eq(values[i], value) {
            return;
        }
        i += 1;
    }
    panic!("{}", problem);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    enum Status {
        Draft,
    }
    impl TextEnum for Status {
        const VALUES: &'static [&'static str] = &["draft", "sent"];
        const ALL: &'static [Self] = &[Status::Draft];
        fn as_str(&self) -> &'static str {
            "draft"
        }
        fn from_text(_: &str) -> Option<Self> {
            None
        }
    }

    #[test]
    fn enum_defaults_must_be_values() {
        text_default::<Status>("sent", "unused");
        text_default::<String>("anything", "unused");
        let caught = std::panic::catch_unwind(|| text_default::<Status>("sen", "not a value"));
        assert!(caught.is_err());
    }
}
