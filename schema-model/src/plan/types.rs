//! Type changes: how values of one type become another, classed by what
//! they do to the values already stored, whatever the session.

use schema_core::ident::{quote, quote_literal};
use schema_core::SqlType;

use super::checks::views_reading;
use super::{alter_column, step, Class, DataCheck, Phase, Stake, Step};
use crate::ddl::relation;
use crate::model::ColumnDefault;

/// A column's type changed: the default dropped first (it may not convert),
/// the conversion written so that values that do not fit stop the step.
pub(super) fn alter_type(
    table: &str,
    actual_table: &str,
    column: &str,
    actual_column: &str,
    from: &SqlType,
    to: &SqlType,
    default: Option<&ColumnDefault>,
) -> Step {
    let conversion = conversion(from, to);
    let mut sql = Vec::new();
    if default.is_some() {
        sql.push(format!("{} DROP DEFAULT;", alter_column(table, column)));
    }
    let using = match &conversion {
        // An assignment cast refuses values that do not fit; an
        // explicit one (`USING c::varchar(5)`) would cut them silently.
        Conversion::Narrowing(_) if is_string(to) => String::new(),
        // No direct cast is known: through the value's text form, as
        // the check tests it.
        Conversion::Parse if !is_string(from) => {
            format!(" USING {}::text::{to}", quote(column))
        }
        _ => format!(" USING {}", cast(from, to, &quote(column))),
    };
    sql.push(format!("{} TYPE {to}{using};", alter_column(table, column)));
    let (at, ac) = (relation(actual_table), quote(actual_column));
    let mut s = step(Phase::AlterColumn, Class::Safe, String::new(), table, sql);
    s.column = Some(column.to_owned());
    match conversion {
        Conversion::Widening => {
            s.reason = format!("widen {table}.{column} from {from} to {to}: every value fits");
        }
        Conversion::Zoned => {
            // Every value converts, but to what depends on a zone:
            // the step names UTC instead of trusting the session's.
            s.class = Class::DataDependent;
            s.reason = format!("convert {table}.{column} from {from} to {to}, reading the values as UTC (the zone is written in the step, never the session's)");
        }
        Conversion::Narrowing(predicate) => {
            let predicate = predicate.replace("{c}", &ac);
            s.class = Class::DataDependent;
            s.reason = format!("narrow {table}.{column} from {from} to {to}: every value must fit");
            s.check = Some(DataCheck {
                count_sql: format!("SELECT count(*) FROM {at} WHERE {predicate}"),
                example_sql: format!("SELECT {ac}::text FROM {at} WHERE {predicate} LIMIT 1"),
                what: format!("values of {table}.{column} that do not fit {to}"),
                fix: "change or remove those values, or keep the wider type".into(),
            });
        }
        Conversion::Parse => {
            let predicate = format!(
                "{ac} IS NOT NULL AND pg_temp.rsm_cast_fails({ac}::text, {})",
                quote_literal(&to.to_string())
            );
            s.class = Class::DataDependent;
            s.reason =
                format!("convert {table}.{column} from {from} to {to}: every value must convert");
            s.check = Some(DataCheck {
                count_sql: format!("SELECT count(*) FROM {at} WHERE {predicate}"),
                example_sql: format!("SELECT {ac}::text FROM {at} WHERE {predicate} LIMIT 1"),
                what: format!("values of {table}.{column} that do not convert to {to}"),
                fix: "change or remove those values first".into(),
            });
        }
        Conversion::Lossy(predicate) => {
            let predicate = predicate.replace("{c}", &ac);
            s.class = Class::Destructive;
            s.reason =
                format!("convert {table}.{column} from {from} to {to}: values lose precision");
            s.stake = Some(Stake {
                count_sql: format!("SELECT count(*) FROM {at} WHERE {predicate}"),
                what: format!("values of {table}.{column} that change"),
            });
        }
    }
    s.dependents
        .push(views_reading(actual_table, Some(actual_column)));
    s
}

fn is_string(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Varchar(_) | SqlType::Text) || ty.to_string().starts_with("character")
}

/// How values change from one type to another.
enum Conversion {
    /// Every value fits.
    Widening,
    /// Some values may not fit; the predicate (on `{c}`) finds them.
    Narrowing(String),
    /// Values must be parsed; checked row by row.
    Parse,
    /// Values lose precision; the predicate finds those that change.
    Lossy(String),
    /// Every value converts, to a result that depends on a time zone
    /// ([`cast`] names UTC).
    Zoned,
}

/// A value of `from` written as `to` in a `USING` clause: through UTC
/// wherever a time zone would decide the result, never the session's zone.
fn cast(from: &SqlType, to: &SqlType, column: &str) -> String {
    match (from, to) {
        (SqlType::Timestamp, SqlType::Timestamptz) | (SqlType::Timestamptz, SqlType::Timestamp) => {
            format!("{column} AT TIME ZONE 'UTC'")
        }
        (SqlType::Date, SqlType::Timestamptz) => format!("{column}::timestamp AT TIME ZONE 'UTC'"),
        (SqlType::Timestamptz, SqlType::Date) => format!("({column} AT TIME ZONE 'UTC')::{to}"),
        _ => format!("{column}::{to}"),
    }
}

/// Integer widths: (rank, min, max).
fn int_range(ty: &SqlType) -> Option<(u8, i64, i64)> {
    match ty {
        SqlType::SmallInt => Some((1, i16::MIN as i64, i16::MAX as i64)),
        SqlType::Integer => Some((2, i32::MIN as i64, i32::MAX as i64)),
        SqlType::BigInt => Some((3, i64::MIN, i64::MAX)),
        _ => None,
    }
}

/// Length limit of a string type: `None` for unbounded (text, varchar).
fn string_length(ty: &SqlType) -> Option<Option<u32>> {
    match ty {
        SqlType::Text | SqlType::Varchar(None) => Some(None),
        SqlType::Varchar(Some(n)) => Some(Some(*n)),
        SqlType::Other(name) => {
            let name = name.as_ref();
            let n = name
                .strip_prefix("character(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|n| n.parse().ok());
            match (name, n) {
                (_, Some(n)) => Some(Some(n)),
                ("character", _) => Some(Some(1)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn conversion(from: &SqlType, to: &SqlType) -> Conversion {
    if let (Some((rf, _, _)), Some((rt, min, max))) = (int_range(from), int_range(to)) {
        return if rt >= rf {
            Conversion::Widening
        } else {
            Conversion::Narrowing(format!("{{c}} NOT BETWEEN {min} AND {max}"))
        };
    }
    if let (Some(lf), Some(lt)) = (string_length(from), string_length(to)) {
        return match (lf, lt) {
            (_, None) => Conversion::Widening,
            (Some(f), Some(t)) if t >= f => Conversion::Widening,
            (_, Some(t)) => Conversion::Narrowing(format!("length({{c}}) > {t}")),
        };
    }
    if int_range(from).is_some() && matches!(to, SqlType::Numeric(_)) {
        return match to {
            SqlType::Numeric(Some((p, s))) if p - s < 19 => {
                Conversion::Narrowing(format!("abs({{c}}) >= 1e{}", p - s))
            }
            _ => Conversion::Widening,
        };
    }
    if let (SqlType::Numeric(f), SqlType::Numeric(t)) = (from, to) {
        return match (f, t) {
            (_, None) => Conversion::Widening,
            (None, Some((p, s))) => Conversion::Lossy(format!(
                "{{c}} IS NOT NULL AND (round({{c}}, {s}) <> {{c}} OR abs({{c}}) >= 1e{})",
                p - s
            )),
            (Some((fp, fs)), Some((tp, ts))) => {
                if ts < fs {
                    Conversion::Lossy(format!("round({{c}}, {ts}) <> {{c}}"))
                } else if tp - ts < fp - fs {
                    Conversion::Narrowing(format!("abs({{c}}) >= 1e{}", tp - ts))
                } else {
                    Conversion::Widening
                }
            }
        };
    }
    match (from, to) {
        (SqlType::Timestamp, SqlType::Timestamptz)
        | (SqlType::Timestamptz, SqlType::Timestamp)
        | (SqlType::Date, SqlType::Timestamptz) => return Conversion::Zoned,
        (SqlType::Timestamp, SqlType::Date) => {
            return Conversion::Lossy("{c}::date::timestamp <> {c}".into())
        }
        (SqlType::Timestamptz, SqlType::Date) => {
            return Conversion::Lossy(
                "({c} AT TIME ZONE 'UTC')::date::timestamp <> ({c} AT TIME ZONE 'UTC')".into(),
            )
        }
        _ => {}
    }
    if matches!(from, SqlType::Numeric(_)) && int_range(to).is_some() {
        let (_, min, max) = int_range(to).unwrap_or((3, i64::MIN, i64::MAX));
        return Conversion::Lossy(format!(
            "round({{c}}) <> {{c}} OR {{c}} NOT BETWEEN {min} AND {max}"
        ));
    }
    let to_text = string_length(to) == Some(None);
    let widening = to_text
        || matches!(
            (from, to),
            (SqlType::Date, SqlType::Timestamp)
                | (SqlType::Json, SqlType::Jsonb)
                | (SqlType::Jsonb, SqlType::Json)
        )
        || (int_range(from).is_some() && to.to_string() == "double precision")
        // Direct casts that accept every value.
        || matches!((from, to), (SqlType::Boolean, SqlType::Integer) | (SqlType::Integer, SqlType::Boolean));
    if widening {
        Conversion::Widening
    } else {
        Conversion::Parse
    }
}

/// The session function the checks of parsing conversions call: whether a
/// value fails to convert. Temporary (`pg_temp`): it changes nothing.
pub const CHECK_FUNCTIONS: &str =
    "CREATE OR REPLACE FUNCTION pg_temp.rsm_cast_fails(v text, t text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT %L::%s', v, t);
    RETURN false;
EXCEPTION WHEN others THEN
    RETURN true;
END $$;";
