//! Date and time scalars: `Date` (ISO 8601 calendar date) and `DateTime` (RFC 3339, always UTC).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("{s:?} is not a date of the form YYYY-MM-DD"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        let mut out = String::with_capacity(10);
        push_date(&mut out, self.0);
        Value::String(out)
    }
}

/// An instant in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub NaiveDateTime);

/// An instant, RFC 3339 in UTC (`2026-11-22T02:13:00.000000Z`).
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| DateTime(t.naive_utc()))
                .map_err(|_| InputValueError::custom(format!("{s:?} is not an RFC 3339 date-time"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        let (date, time) = (self.0.date(), self.0.time());
        let mut out = String::with_capacity(27);
        push_date(&mut out, date);
        out.push('T');
        push_digits(&mut out, time.hour(), 2);
        out.push(':');
        push_digits(&mut out, time.minute(), 2);
        out.push(':');
        // chrono keeps a leap second as nanoseconds past 1e9, and writes it as second 60.
        push_digits(&mut out, time.second() + time.nanosecond() / 1_000_000_000, 2);
        out.push('.');
        push_digits(&mut out, time.nanosecond() % 1_000_000_000 / 1_000, 6);
        out.push('Z');
        Value::String(out)
    }
}

/// Writes a date as `%Y-%m-%d` does, without parsing a format for each value: dates are most of what lists of
/// visits, sessions and reports send, and chrono's formatter showed in the profile of a page of them.
fn push_date(out: &mut String, date: NaiveDate) {
    let year = date.year();
    if (0..=9999).contains(&year) {
        push_digits(out, year as u32, 4);
    } else {
        // Beyond four digits chrono writes a sign and at least four digits (`+10000`, `-0001`).
        out.push_str(&format!("{year:+05}"));
    }
    out.push('-');
    push_digits(out, date.month(), 2);
    out.push('-');
    push_digits(out, date.day(), 2);
}

/// Writes `n` in decimal, padded with zeros to at least `width` digits.
fn push_digits(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let (mut n, mut at) = (n, digits.len());
    while n > 0 || digits.len() - at < width {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_formats_them() {
        let years = [-10_000, -1, 0, 1, 9, 99, 999, 1945, 2006, 2026, 9999, 10_000, 262_142];
        for year in years {
            for (month, day) in [(1, 1), (2, 28), (9, 30), (12, 31)] {
                let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
                assert_eq!(Date(date).to_value(), Value::String(date.format("%Y-%m-%d").to_string()), "{date:?}");
                for (h, m, s, nano) in
                    [(0, 0, 0, 0), (2, 13, 0, 1_000), (23, 59, 59, 999_999_999), (23, 59, 59, 1_500_000_000)]
                {
                    let at = date.and_hms_nano_opt(h, m, s, nano).unwrap();
                    let chrono = at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
                    assert_eq!(DateTime(at).to_value(), Value::String(chrono), "{at:?}");
                }
            }
        }
    }
}
