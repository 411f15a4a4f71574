//! A cache of validated paths for repeat logins, and a memo of verified CA signatures for
//! first logins under a known issuing CA.

use crate::{CrlSet, Error, RevocationMode, RevocationStatus, Time, Validator, VerifiedPath};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

/// Validated paths, keyed by the exact end-entity DER, for repeat logins with the same card;
/// and the signatures on CA certificates it has verified, for a new card under a known CA.
///
/// **Repeat login.**
/// A hit needs the same end-entity and intermediate certificates (byte for byte), the very
/// same CRLs (the same decoded [`Crl`](crate::Crl) objects, in the same order: any CRL update
/// means a new [`CrlSet`] and a full validation), and a validation time inside the cached
/// path's window: every certificate's validity period and the freshness window of every CRL
/// used. Only successful validations whose revocation status is settled
/// ([`RevocationStatus::Checked`] or [`RevocationStatus::NotChecked`]) are cached; failures
/// never are. The cache belongs to one [`Validator`], so anchors and options cannot differ.
///
/// No clock and no randomness: the map is a `BTreeMap` (ordered by DER), the time is the
/// caller's. When full, entries outside their window at the current time are dropped first,
/// then the entry with the smallest key.
///
/// **New card, known CA.** A path that misses is validated in full (every RFC 5280 check,
/// every time: validity, constraints, policies, revocation), except that the signature on a
/// CA certificate is not verified again when the memo holds that exact certificate DER with
/// that exact issuer SubjectPublicKeyInfo, as verified by this cache's validator (whose
/// algorithm allow-list and key policy cannot change) on a path that then validated to a
/// trust anchor: a bag of certificates that chains to no anchor adds nothing, so it cannot
/// crowd the real CAs out. A signature check is a pure function of those bytes, so the memo
/// needs no invalidation; it keeps the [`ValidationCache::DEFAULT_SIGNATURES`] most recently
/// used pairs unless told otherwise ([`ValidationCache::remember_signatures`]). The end
/// entity's own signature is always verified. With one issuing CA below the root, a first
/// login then costs one signature verification instead of two.
#[derive(Debug)]
pub struct ValidationCache {
    validator: Validator,
    capacity: usize,
    state: Mutex<State>,
    memo: Mutex<SignatureMemo>,
}

/// Verified (issuer SubjectPublicKeyInfo, CA certificate) pairs, most recently used last.
#[derive(Debug)]
pub(crate) struct SignatureMemo {
    pairs: VecDeque<VerifiedSignature>,
    capacity: usize,
    hits: u64,
}

/// A CA certificate whose signature verified with the key in `issuer_spki`.
#[derive(Debug)]
struct VerifiedSignature {
    issuer_spki: Box<[u8]>,
    certificate: Box<[u8]>,
}

impl SignatureMemo {
    fn new(capacity: usize) -> Self {
        Self {
            pairs: VecDeque::new(),
            capacity,
            hits: 0,
        }
    }

    /// Whether the signature on `cert` was verified with the key `issuer_spki`; a hit counts
    /// and makes the pair the most recently used.
    pub(crate) fn check(&mut self, issuer_spki: &[u8], cert: &[u8]) -> bool {
        let Some(at) = self.position(issuer_spki, cert) else {
            return false;
        };
        self.hits += 1;
        if let Some(pair) = self.pairs.remove(at) {
            self.pairs.push_back(pair);
        }
        true
    }

    /// Records a verified signature, forgetting the oldest pair when full.
    pub(crate) fn insert(&mut self, issuer_spki: &[u8], cert: &[u8]) {
        if self.capacity == 0 || self.position(issuer_spki, cert).is_some() {
            return;
        }
        if self.pairs.len() >= self.capacity {
            self.pairs.pop_front();
        }
        self.pairs.push_back(VerifiedSignature {
            issuer_spki: issuer_spki.into(),
            certificate: cert.into(),
        });
    }

    fn position(&self, issuer_spki: &[u8], cert: &[u8]) -> Option<usize> {
        self.pairs
            .iter()
            .position(|p| *p.certificate == *cert && *p.issuer_spki == *issuer_spki)
    }
}

#[derive(Debug, Default)]
struct State {
    entries: BTreeMap<Box<[u8]>, Entry>,
    stats: CacheStats,
}

#[derive(Debug)]
struct Entry {
    intermediates: Vec<Box<[u8]>>,
    crls: CrlSet,
    path: VerifiedPath,
}

/// Cache counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// Validations answered from the cache.
    pub hits: u64,
    /// Validations that ran in full.
    pub misses: u64,
    /// CA certificate signatures taken from the memo instead of being verified again.
    pub signatures_remembered: u64,
}

impl ValidationCache {
    /// How many verified CA signatures a cache remembers unless told otherwise: enough for
    /// every issuing CA of a national PKI and its cross-certificates.
    pub const DEFAULT_SIGNATURES: usize = 32;

    /// A cache of up to `capacity` paths in front of `validator` (0 disables path caching),
    /// remembering up to [`ValidationCache::DEFAULT_SIGNATURES`] verified CA signatures.
    pub fn new(validator: Validator, capacity: usize) -> Self {
        Self {
            validator,
            capacity,
            state: Mutex::new(State::default()),
            memo: Mutex::new(SignatureMemo::new(Self::DEFAULT_SIGNATURES)),
        }
    }

    /// Remember up to `capacity` verified CA signatures (0: verify every signature every
    /// time).
    #[must_use]
    pub fn remember_signatures(mut self, capacity: usize) -> Self {
        self.memo = Mutex::new(SignatureMemo::new(capacity));
        self
    }

    /// Like [`Validator::validate`], answered from the cache when the inputs and the time
    /// allow.
    pub fn validate<T: AsRef<[u8]>>(
        &self,
        end_entity: &[u8],
        intermediates: &[T],
        crls: &CrlSet,
        time: Time,
    ) -> Result<VerifiedPath, Error> {
        let check_crls = self.validator.revocation().mode != RevocationMode::Off;
        if let Ok(mut state) = self.state.lock() {
            let hit = state.entries.get(end_entity).and_then(|e| {
                let same_inters = e.intermediates.len() == intermediates.len()
                    && e.intermediates
                        .iter()
                        .zip(intermediates)
                        .all(|(a, b)| **a == *b.as_ref());
                (same_inters
                    && (!check_crls || e.crls.same_as(crls))
                    && e.path.still_valid_at(time))
                .then(|| e.path.clone())
            });
            if let Some(path) = hit {
                state.stats.hits += 1;
                return Ok(path);
            }
            state.stats.misses += 1;
        }
        let path = self.validator.validate_remembering(
            end_entity,
            intermediates,
            crls,
            time,
            Some(&self.memo),
        )?;
        let cacheable = matches!(
            path.revocation(),
            RevocationStatus::Checked | RevocationStatus::NotChecked
        );
        if self.capacity > 0
            && cacheable
            && let Ok(mut state) = self.state.lock()
        {
            if state.entries.len() >= self.capacity && !state.entries.contains_key(end_entity) {
                state.entries.retain(|_, e| e.path.still_valid_at(time));
                if state.entries.len() >= self.capacity {
                    state.entries.pop_first();
                }
            }
            state.entries.insert(
                end_entity.into(),
                Entry {
                    intermediates: intermediates.iter().map(|i| i.as_ref().into()).collect(),
                    crls: crls.clone(),
                    path: path.clone(),
                },
            );
        }
        Ok(path)
    }

    /// Drops every path and every remembered signature.
    pub fn clear(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.entries.clear();
        }
        if let Ok(mut memo) = self.memo.lock() {
            memo.pairs.clear();
        }
    }

    /// Number of cached paths.
    pub fn len(&self) -> usize {
        self.state.lock().map(|s| s.entries.len()).unwrap_or(0)
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hit and miss counters.
    pub fn stats(&self) -> CacheStats {
        let mut stats = self.state.lock().map(|s| s.stats).unwrap_or_default();
        stats.signatures_remembered = self.memo.lock().map(|m| m.hits).unwrap_or(0);
        stats
    }

    /// The validator behind the cache.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }
}

#[cfg(test)]
mod tests {
    use super::SignatureMemo;

    #[test]
    fn memo_needs_both_the_key_and_the_certificate_and_forgets_the_least_recently_used() {
        let mut memo = SignatureMemo::new(2);
        memo.insert(b"key-a", b"ca-1");
        assert!(memo.check(b"key-a", b"ca-1"));
        assert!(!memo.check(b"key-b", b"ca-1"));
        assert!(!memo.check(b"key-a", b"ca-2"));
        assert!(!memo.check(b"key-a", b"ca-1 "));
        memo.insert(b"key-a", b"ca-1");
        assert_eq!(memo.pairs.len(), 1);
        memo.insert(b"key-a", b"ca-2");
        // A hit makes ca-1 the most recently used: ca-2 is the one forgotten next.
        assert!(memo.check(b"key-a", b"ca-1"));
        memo.insert(b"key-b", b"ca-3");
        assert_eq!(memo.pairs.len(), 2);
        assert!(!memo.check(b"key-a", b"ca-2"));
        assert!(memo.check(b"key-a", b"ca-1") && memo.check(b"key-b", b"ca-3"));
        assert_eq!(memo.hits, 4);

        let mut off = SignatureMemo::new(0);
        off.insert(b"key-a", b"ca-1");
        assert!(!off.check(b"key-a", b"ca-1"));
    }
}
