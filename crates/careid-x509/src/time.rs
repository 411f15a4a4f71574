//! Validation time and the X.509 time encodings (RFC 5280 §4.1.2.5).

use crate::Error;

/// An instant, in whole seconds since 1970-01-01T00:00:00Z (negative before it).
///
/// careid-x509 never reads a clock: the caller passes the validation time. Certificate and
/// CRL times are decoded into this type from UTCTime (`YYMMDDHHMMSSZ`, years 1950-2049) and
/// GeneralizedTime (`YYYYMMDDHHMMSSZ`), as RFC 5280 §4.1.2.5 prescribes.
///
/// ```
/// use careid_x509::Time;
/// let t = Time::parse_rfc3339("2027-06-01T09:30:00Z")?;
/// assert_eq!(t.to_string(), "2027-06-01T09:30:00Z");
/// assert_eq!(Time::from_unix_seconds(t.unix_seconds()), t);
/// # Ok::<(), careid_x509::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

impl Time {
    /// The instant `seconds` after (before, if negative) the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Self(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// A UTC calendar date and time; `None` unless it is a real one in the years 0000-9999
    /// (seconds 0-59: X.509 has no leap seconds).
    pub fn from_ymd_hms(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Option<Self> {
        if year > 9999
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        Some(Self(
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        ))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 in UTC, whole seconds; `t` and `z` are
    /// accepted in lower case as RFC 3339 §5.6 allows).
    pub fn parse_rfc3339(text: &str) -> Result<Self, Error> {
        let b = text.as_bytes();
        let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
        if b.len() != 20
            || !sep(4, b"-")
            || !sep(7, b"-")
            || !sep(10, b"Tt")
            || !sep(13, b":")
            || !sep(16, b":")
            || !sep(19, b"Zz")
        {
            return Err(Error::BadTimeString);
        }
        let num = |start: usize, len: usize| digits(b.get(start..start + len)?);
        let field = |start, len| num(start, len).ok_or(Error::BadTimeString);
        let year = u16::try_from(field(0, 4)?).map_err(|_| Error::BadTimeString)?;
        let small = |start| u8::try_from(field(start, 2)?).map_err(|_| Error::BadTimeString);
        Self::from_ymd_hms(
            year,
            small(5)?,
            small(8)?,
            small(11)?,
            small(14)?,
            small(17)?,
        )
        .ok_or(Error::BadTimeString)
    }

    /// This time plus `seconds`, saturating at the ends of `i64`.
    #[must_use]
    pub const fn saturating_add_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds))
    }

    /// The calendar fields (year, month, day, hour, minute, second) of this instant.
    pub fn to_ymd_hms(self) -> (i64, u8, u8, u8, u8, u8) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let narrow = |v: i64| u8::try_from(v).unwrap_or(0);
        (
            y,
            narrow(m),
            narrow(d),
            narrow(secs / 3600),
            narrow(secs % 3600 / 60),
            narrow(secs % 60),
        )
    }

    /// Decodes the content octets of a UTCTime: `YYMMDDHHMMSSZ`, YY < 50 meaning 20YY
    /// (RFC 5280 §4.1.2.5.1).
    pub(crate) fn from_utc_time(value: &[u8]) -> Option<Self> {
        if value.len() != 13 || value.last() != Some(&b'Z') {
            return None;
        }
        let yy = u16::try_from(digits(value.get(0..2)?)?).ok()?;
        let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
        Self::from_fields(year, value.get(2..12)?)
    }

    /// Decodes the content octets of a GeneralizedTime: `YYYYMMDDHHMMSSZ`, no fractional
    /// seconds (RFC 5280 §4.1.2.5.2).
    pub(crate) fn from_generalized_time(value: &[u8]) -> Option<Self> {
        if value.len() != 15 || value.last() != Some(&b'Z') {
            return None;
        }
        let year = u16::try_from(digits(value.get(0..4)?)?).ok()?;
        Self::from_fields(year, value.get(4..14)?)
    }

    /// `MMDDHHMMSS` after the year.
    fn from_fields(year: u16, rest: &[u8]) -> Option<Self> {
        let two = |i: usize| -> Option<u8> { u8::try_from(digits(rest.get(i..i + 2)?)?).ok() };
        Self::from_ymd_hms(year, two(0)?, two(2)?, two(4)?, two(6)?, two(8)?)
    }

    /// The year of this instant.
    pub(crate) fn year(self) -> i64 {
        self.to_ymd_hms().0
    }
}

impl core::fmt::Display for Time {
    /// RFC 3339: `YYYY-MM-DDTHH:MM:SSZ`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_ymd_hms();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// ASCII decimal digits (and nothing else) as a number.
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    bytes.iter().try_fold(0_u32, |acc, b| {
        if b.is_ascii_digit() {
            Some(acc * 10 + u32::from(b - b'0'))
        } else {
            None
        }
    })
}

fn is_leap(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_instants() {
        assert_eq!(Time::from_ymd_hms(1970, 1, 1, 0, 0, 0), Some(Time(0)));
        assert_eq!(
            Time::parse_rfc3339("2011-04-15T00:00:00Z").unwrap(),
            Time(1_302_825_600)
        );
        assert_eq!(
            Time::from_utc_time(b"500101120100Z"),
            Time::from_ymd_hms(1950, 1, 1, 12, 1, 0)
        );
        assert_eq!(
            Time::from_utc_time(b"491231235959Z"),
            Time::from_ymd_hms(2049, 12, 31, 23, 59, 59)
        );
        assert_eq!(
            Time::from_generalized_time(b"20500101000000Z"),
            Time::from_ymd_hms(2050, 1, 1, 0, 0, 0)
        );
        assert_eq!(Time(-1).to_string(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn bad_times_are_refused() {
        for bad in [
            &b"500101120100"[..],
            b"5001011201Z",
            b"500230120100Z",
            b"501301120100Z",
            b"500101240000Z",
            b"500101126000Z",
            b"500101120060Z",
            b"5001011201+0Z",
            b"50010112010-Z",
            b"500101120100z",
        ] {
            assert_eq!(Time::from_utc_time(bad), None, "{bad:?}");
        }
        assert_eq!(Time::from_generalized_time(b"20500101000000.5Z"), None);
        assert_eq!(Time::from_generalized_time(b"2050010100000Z"), None);
        assert!(Time::from_generalized_time(b"20000229000000Z").is_some());
        assert_eq!(Time::from_generalized_time(b"21000229000000Z"), None);
        for bad in [
            "2027-06-01 09:30:00Z",
            "2027-06-01T09:30:00",
            "2027-6-01T09:30:00Z",
            "+027-06-01T09:30:00Z",
        ] {
            assert_eq!(Time::parse_rfc3339(bad), Err(Error::BadTimeString), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn rfc3339_round_trips(secs in -62_135_596_800_i64..253_402_300_799) {
            let t = Time(secs);
            prop_assert_eq!(Time::parse_rfc3339(&t.to_string()), Ok(t));
        }

        #[test]
        fn x509_encodings_round_trip(secs in -631_152_000_i64..253_402_300_799) {
            let t = Time(secs);
            let (y, mo, d, h, mi, s) = t.to_ymd_hms();
            let gt = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
            prop_assert_eq!(Time::from_generalized_time(gt.as_bytes()), Some(t));
            if (1950..2050).contains(&y) {
                let ut = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100);
                prop_assert_eq!(Time::from_utc_time(ut.as_bytes()), Some(t));
            }
        }

        #[test]
        fn time_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
            let _ = Time::from_utc_time(&bytes);
            let _ = Time::from_generalized_time(&bytes);
            if let Ok(text) = core::str::from_utf8(&bytes) {
                let _ = Time::parse_rfc3339(text);
            }
        }
    }
}
