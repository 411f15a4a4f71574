//! Time as an argument: careid-assert never reads a clock.

use core::time::Duration;

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z ignoring leap seconds: the
/// JWT NumericDate (RFC 7519 §2).
///
/// Every verification takes the current time as a `UnixTime`; the crate never reads a clock.
/// A service passes `UnixTime::from_system_time(SystemTime::now())`; tests pin it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The time `secs` seconds after the epoch (negative before it).
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// Converts a [`std::time::SystemTime`] (rounded down to the second). `None` before the
    /// epoch or beyond `i64` seconds.
    pub fn from_system_time(time: std::time::SystemTime) -> Option<Self> {
        let secs = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        i64::try_from(secs).ok().map(Self)
    }

    /// This time plus `duration`, saturating at the ends of the range.
    #[must_use]
    pub fn saturating_add(self, duration: Duration) -> Self {
        Self(self.0.saturating_add(secs_i64(duration)))
    }

    /// This time minus `duration`, saturating at the ends of the range.
    #[must_use]
    pub fn saturating_sub(self, duration: Duration) -> Self {
        Self(self.0.saturating_sub(secs_i64(duration)))
    }
}

impl core::fmt::Display for UnixTime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whole seconds of a duration as `i64`, saturating.
pub(crate) fn secs_i64(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let t = UnixTime::from_secs(i64::MAX - 1);
        assert_eq!(
            t.saturating_add(Duration::from_secs(10)).as_secs(),
            i64::MAX
        );
        let t = UnixTime::from_secs(i64::MIN + 1);
        assert_eq!(
            t.saturating_sub(Duration::from_secs(10)).as_secs(),
            i64::MIN
        );
        assert_eq!(
            UnixTime::from_secs(100)
                .saturating_sub(Duration::from_secs(40))
                .as_secs(),
            60
        );
    }

    #[test]
    fn system_time_conversion() {
        let t = std::time::UNIX_EPOCH + Duration::from_millis(1_610_559_802_999);
        assert_eq!(
            UnixTime::from_system_time(t),
            Some(UnixTime::from_secs(1_610_559_802))
        );
        let before = std::time::UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(UnixTime::from_system_time(before), None);
    }
}
