//! Replay protection for logout tokens (OIDC Back-Channel Logout 1.0 §2.6 step 8).

use crate::UnixTime;
use crate::error::Error;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Remembers accepted token ids until they expire, and refuses them a second time.
///
/// The verifier calls it last, after every other check has passed, so that a token refused
/// for another reason does not use up its `jti`. Implement it over a shared store (Redis,
/// a database) when several instances receive logout tokens; [`MemoryReplayCache`] serves one
/// process.
pub trait ReplayCache {
    /// Records (`issuer`, `jti`) until `expires_at`; fails if it is already recorded.
    ///
    /// # Errors
    /// [`Error::Replayed`], or [`Error::ReplayCacheFull`] when the cache cannot record it.
    fn check_and_record(
        &self,
        issuer: &str,
        jti: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), Error>;
}

impl<T: ReplayCache + ?Sized> ReplayCache for &T {
    fn check_and_record(
        &self,
        issuer: &str,
        jti: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), Error> {
        (**self).check_and_record(issuer, jti, expires_at, now)
    }
}

/// A bounded in-memory [`ReplayCache`].
///
/// Holds at most `capacity` unexpired entries. When full, expired entries are dropped; if
/// every entry is still live the token is refused ([`Error::ReplayCacheFull`]): forgetting a
/// live entry would let that token be replayed, so the cache fails closed. Logout tokens live
/// minutes (their `iat` window), so a capacity of a few thousand covers any real rate.
#[derive(Debug)]
pub struct MemoryReplayCache {
    capacity: usize,
    entries: Mutex<HashMap<ReplayKey, UnixTime>>,
}

/// (`iss`, `jti`).
type ReplayKey = (Box<str>, Box<str>);

impl MemoryReplayCache {
    /// A cache for at most `capacity` live entries (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The number of entries held (live or not yet purged).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ReplayCache for MemoryReplayCache {
    fn check_and_record(
        &self,
        issuer: &str,
        jti: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), Error> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (Box::<str>::from(issuer), Box::<str>::from(jti));
        if entries.get(&key).is_some_and(|until| now < *until) {
            return Err(Error::Replayed);
        }
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, until| now < *until);
            if entries.len() >= self.capacity {
                return Err(Error::ReplayCacheFull {
                    capacity: self.capacity,
                });
            }
        }
        entries.insert(key, expires_at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_are_refused_until_expiry_and_the_cache_fails_closed() {
        let cache = MemoryReplayCache::new(2);
        let t = UnixTime::from_secs;
        assert_eq!(cache.check_and_record("iss", "a", t(100), t(0)), Ok(()));
        assert_eq!(
            cache.check_and_record("iss", "a", t(100), t(50)),
            Err(Error::Replayed)
        );
        // Another issuer's jti is another token.
        assert_eq!(cache.check_and_record("other", "a", t(100), t(50)), Ok(()));
        assert_eq!(
            cache.check_and_record("iss", "b", t(100), t(50)),
            Err(Error::ReplayCacheFull { capacity: 2 })
        );
        // Once entries expire, they are purged to make room, and may be used again.
        assert_eq!(cache.check_and_record("iss", "b", t(200), t(100)), Ok(()));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.check_and_record("iss", "a", t(300), t(150)), Ok(()));
    }
}
