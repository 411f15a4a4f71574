//! A cache of validated paths for repeat logins.

use crate::{CrlSet, Error, RevocationMode, RevocationStatus, Time, Validator, VerifiedPath};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Validated paths, keyed by the exact end-entity DER, for repeat logins with the same card.
///
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
#[derive(Debug)]
pub struct ValidationCache {
    validator: Validator,
    capacity: usize,
    state: Mutex<State>,
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
}

impl ValidationCache {
    /// A cache of up to `capacity` paths in front of `validator` (0 disables caching).
    pub fn new(validator: Validator, capacity: usize) -> Self {
        Self {
            validator,
            capacity,
            state: Mutex::new(State::default()),
        }
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
        let path = self
            .validator
            .validate(end_entity, intermediates, crls, time)?;
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

    /// Drops every entry (e.g. after the trust anchors were reviewed).
    pub fn clear(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.entries.clear();
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
        self.state.lock().map(|s| s.stats).unwrap_or_default()
    }

    /// The validator behind the cache.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }
}
