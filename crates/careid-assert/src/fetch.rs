//! The transport seam: careid-assert never performs I/O itself; documents come in through
//! [`Fetch`], which the `http` feature implements with ureq and tests implement in memory.

use crate::error::FetchError;
use core::time::Duration;
use std::sync::Arc;

/// Fetches a document by URL (HTTP GET in practice). The one thing a transport implements.
///
/// Implementations return the body of a `200` response and its `Cache-Control` header, and
/// map everything else to a [`FetchError`]. They should bound the body size and the time
/// spent; the `http` feature's `HttpFetcher` does both.
pub trait Fetch {
    /// Fetches `url`.
    ///
    /// # Errors
    /// Why the document could not be fetched.
    fn fetch(&self, url: &str) -> Result<Fetched, FetchError>;
}

impl<T: Fetch + ?Sized> Fetch for &T {
    fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        (**self).fetch(url)
    }
}

impl<T: Fetch + ?Sized> Fetch for Arc<T> {
    fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        (**self).fetch(url)
    }
}

/// A fetched document and how long it may be cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    body: Vec<u8>,
    cache_control: CacheControl,
}

impl Fetched {
    /// A document with its response's `Cache-Control` header value, if any.
    pub fn new(body: Vec<u8>, cache_control: Option<&str>) -> Self {
        Self {
            body,
            cache_control: cache_control.map_or(CacheControl::UNSPECIFIED, CacheControl::parse),
        }
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The caching directives.
    pub fn cache_control(&self) -> CacheControl {
        self.cache_control
    }
}

/// The directives of a `Cache-Control` response header that decide how long careid keeps a
/// document (RFC 9111 §5.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheControl {
    max_age: Option<u64>,
    no_cache: bool,
}

impl CacheControl {
    /// No directives.
    pub const UNSPECIFIED: Self = Self {
        max_age: None,
        no_cache: false,
    };

    /// Parses a `Cache-Control` header value: comma-separated directives, names compared
    /// case-insensitively. `max-age=N` (digits, optionally quoted; RFC 9111 §5.2.2.1);
    /// `no-store`, `no-cache` and `must-revalidate`-with-`max-age=0` mean "do not reuse"; a
    /// repeated or malformed `max-age` makes the response stale (RFC 9111 §4.2.1). Other
    /// directives are ignored. Never fails.
    ///
    /// ```
    /// use careid_assert::CacheControl;
    /// assert_eq!(CacheControl::parse("public, max-age=3600").max_age(), Some(3600));
    /// assert!(CacheControl::parse("no-store").is_no_cache());
    /// ```
    pub fn parse(value: &str) -> Self {
        let mut max_age = None;
        let mut no_cache = false;
        let mut max_age_count = 0_u32;
        for directive in value.split(',') {
            let directive = directive.trim_matches([' ', '\t']);
            let (name, argument) = match directive.split_once('=') {
                Some((name, argument)) => (name.trim_end_matches([' ', '\t']), Some(argument)),
                None => (directive, None),
            };
            if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
                no_cache = true;
            } else if name.eq_ignore_ascii_case("max-age") {
                max_age_count = max_age_count.saturating_add(1);
                max_age = argument.and_then(parse_delta_seconds);
            }
        }
        if max_age_count > 1 || (max_age_count == 1 && max_age.is_none()) {
            // RFC 9111 §4.2.1: several or invalid max-age values: treat as stale.
            no_cache = true;
            max_age = None;
        }
        Self { max_age, no_cache }
    }

    /// `max-age` in seconds, if given once and well-formed.
    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// Whether the document must not be reused without fetching it again.
    pub fn is_no_cache(&self) -> bool {
        self.no_cache || self.max_age == Some(0)
    }
}

/// `delta-seconds = 1*DIGIT` (RFC 9111 §1.2.2), optionally in quotes; values beyond `u64`
/// saturate (RFC 9111 §1.2.2 says to use 2^31 or more).
fn parse_delta_seconds(argument: &str) -> Option<u64> {
    let argument = argument.trim_matches([' ', '\t']);
    let digits = argument
        .strip_prefix('"')
        .and_then(|a| a.strip_suffix('"'))
        .unwrap_or(argument);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

/// How long fetched documents are kept, and how often they may be fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    default_ttl: Duration,
    min_ttl: Duration,
    max_ttl: Duration,
    unknown_kid_interval: Duration,
    retry_interval: Duration,
    stale_if_error: Duration,
}

impl CachePolicy {
    /// JWK sets (CIS2.md §2): `max-age` honoured between 1 minute and 24 hours, 1 hour when
    /// absent; an unknown `kid` refreshes the set at most once per 5 minutes; after a failed
    /// fetch, retry at most once a minute; serve an expired set for up to 1 hour while the
    /// issuer is unreachable.
    pub const JWKS: Self = Self {
        default_ttl: Duration::from_secs(3600),
        min_ttl: Duration::from_secs(60),
        max_ttl: Duration::from_secs(24 * 3600),
        unknown_kid_interval: Duration::from_secs(300),
        retry_interval: Duration::from_secs(60),
        stale_if_error: Duration::from_secs(3600),
    };

    /// Discovery documents (CIS2.md §2: "caching up to an hour is reasonable"): `max-age`
    /// honoured between 1 minute and 1 hour, 1 hour when absent; retry a failed fetch at most
    /// once a minute; serve an expired document for up to 1 hour while the issuer is
    /// unreachable.
    pub const DISCOVERY: Self = Self {
        default_ttl: Duration::from_secs(3600),
        min_ttl: Duration::from_secs(60),
        max_ttl: Duration::from_secs(3600),
        unknown_kid_interval: Duration::from_secs(300),
        retry_interval: Duration::from_secs(60),
        stale_if_error: Duration::from_secs(3600),
    };

    /// Lifetime when the response gives no `max-age`.
    #[must_use]
    pub const fn with_default_ttl(self, ttl: Duration) -> Self {
        Self {
            default_ttl: ttl,
            ..self
        }
    }

    /// The bounds `max-age` is clamped to (`no-cache` and `no-store` get the minimum).
    #[must_use]
    pub const fn with_ttl_bounds(self, min: Duration, max: Duration) -> Self {
        Self {
            min_ttl: min,
            max_ttl: max,
            ..self
        }
    }

    /// The least time between two refreshes caused by unknown `kid`s.
    #[must_use]
    pub const fn with_unknown_kid_interval(self, interval: Duration) -> Self {
        Self {
            unknown_kid_interval: interval,
            ..self
        }
    }

    /// The least time between fetch attempts after a failure.
    #[must_use]
    pub const fn with_retry_interval(self, interval: Duration) -> Self {
        Self {
            retry_interval: interval,
            ..self
        }
    }

    /// How long past its expiry a document is still used while fetching it fails (0: fail
    /// closed at once).
    #[must_use]
    pub const fn with_stale_if_error(self, grace: Duration) -> Self {
        Self {
            stale_if_error: grace,
            ..self
        }
    }

    /// How long a document fetched with these directives is fresh.
    pub fn ttl(&self, cache_control: CacheControl) -> Duration {
        let wanted = if cache_control.is_no_cache() {
            Duration::ZERO
        } else {
            cache_control
                .max_age()
                .map_or(self.default_ttl, Duration::from_secs)
        };
        wanted.clamp(self.min_ttl, self.max_ttl.max(self.min_ttl))
    }

    pub(crate) fn unknown_kid_interval(&self) -> Duration {
        self.unknown_kid_interval
    }

    pub(crate) fn retry_interval(&self) -> Duration {
        self.retry_interval
    }

    pub(crate) fn stale_if_error(&self) -> Duration {
        self.stale_if_error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_directives() {
        let cc = CacheControl::parse;
        assert_eq!(cc("max-age=600").max_age(), Some(600));
        assert_eq!(cc("Public , MAX-AGE = 600").max_age(), Some(600));
        assert_eq!(cc("max-age=\"60\"").max_age(), Some(60));
        assert_eq!(cc("private").max_age(), None);
        assert!(!cc("private").is_no_cache());
        assert!(cc("max-age=600, no-cache").is_no_cache());
        assert!(cc("no-store").is_no_cache());
        assert!(cc("max-age=0").is_no_cache());
        // Repeated or malformed max-age: stale (RFC 9111 §4.2.1).
        assert!(cc("max-age=60, max-age=3600").is_no_cache());
        assert!(cc("max-age=-1").is_no_cache());
        assert!(cc("max-age=1e3").is_no_cache());
        assert!(cc("max-age").is_no_cache());
        assert_eq!(
            cc("max-age=99999999999999999999999").max_age(),
            Some(u64::MAX)
        );
    }

    #[test]
    fn ttls_are_clamped() {
        let p = CachePolicy::JWKS;
        let ttl = |v: &str| p.ttl(CacheControl::parse(v)).as_secs();
        assert_eq!(ttl("max-age=600"), 600);
        assert_eq!(ttl("max-age=5"), 60);
        assert_eq!(ttl("max-age=999999999"), 24 * 3600);
        assert_eq!(ttl("no-store"), 60);
        assert_eq!(p.ttl(CacheControl::UNSPECIFIED).as_secs(), 3600);
        assert_eq!(
            CachePolicy::DISCOVERY
                .ttl(CacheControl::parse("max-age=86400"))
                .as_secs(),
            3600
        );
    }
}
