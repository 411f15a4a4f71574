//! Key stores that fetch: a JWK set from its URL with rotation ([`KeyStore`]), and an issuer's
//! discovery document plus its key set ([`Provider`]). Bounded caches, refetchable, shared
//! between threads; time is an argument.

use crate::UnixTime;
use crate::discovery::{ProviderMetadata, UrlPolicy, discovery_url};
use crate::error::{Error, Input};
use crate::fetch::{CacheControl, CachePolicy, Fetch};
use crate::jwks::{JwkSet, KeyResolver, VerificationKey};
use core::time::Duration;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A JWK set fetched from its URL and cached (CIS2.md §2, §7.1 item 3).
///
/// - The set is kept for the response's `max-age`, clamped by the [`CachePolicy`] (by default
///   1 minute to 24 hours, 1 hour without `max-age`).
/// - A token naming a `kid` the set does not have triggers one refetch, at most once per
///   5 minutes (key rotation); if the key is still missing the answer is
///   [`Error::UnknownKey`] with `refreshed: true`.
/// - When fetching fails, an expired set is still used for up to an hour, and fetching is
///   retried at most once a minute; then the fetch error is returned.
/// - Keys are parsed once per fetch and shared: verification never re-imports a key.
///
/// One fetch runs at a time; other threads keep verifying with the current set meanwhile.
#[derive(Debug)]
pub struct KeyStore<F> {
    url: Box<str>,
    fetcher: F,
    cache: Cache<JwkSet>,
}

impl<F: Fetch> KeyStore<F> {
    /// A store for the JWK set at `jwks_uri`, under [`CachePolicy::JWKS`]. Nothing is fetched
    /// until a key is needed.
    pub fn new(jwks_uri: &str, fetcher: F) -> Self {
        Self {
            url: jwks_uri.into(),
            fetcher,
            cache: Cache::new(CachePolicy::JWKS),
        }
    }

    /// The same store under another cache policy.
    #[must_use]
    pub fn with_policy(mut self, policy: CachePolicy) -> Self {
        self.cache = Cache::new(policy);
        self
    }

    /// The JWK set URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The set currently cached, fresh or not.
    pub fn current(&self) -> Option<Arc<JwkSet>> {
        self.cache.snapshot().value
    }

    /// Fetches the set now, whatever the cache says.
    ///
    /// # Errors
    /// [`Error::Fetch`], or the JWK set's parse error.
    pub fn refresh(&self, now: UnixTime) -> Result<Arc<JwkSet>, Error> {
        let generation = self.cache.snapshot().generation;
        self.cache.refresh(now, generation, || self.load())
    }

    fn load(&self) -> Result<(JwkSet, CacheControl), Error> {
        let fetched = self
            .fetcher
            .fetch(&self.url)
            .map_err(|source| Error::Fetch {
                document: Input::Jwks,
                source,
            })?;
        Ok((JwkSet::from_json(fetched.body())?, fetched.cache_control()))
    }
}

impl<F: Fetch> KeyResolver for KeyStore<F> {
    fn resolve(&self, kid: &str, now: UnixTime) -> Result<Arc<VerificationKey>, Error> {
        let snapshot = self.cache.snapshot();
        if let Some(set) = snapshot.fresh(now) {
            return match set.find(kid) {
                Err(Error::UnknownKey { .. })
                    if due(
                        snapshot.last_attempt,
                        self.cache.policy.unknown_kid_interval(),
                        now,
                    ) =>
                {
                    let set = self
                        .cache
                        .refresh(now, snapshot.generation, || self.load())?;
                    set.find(kid).map_err(refreshed)
                }
                other => other,
            };
        }
        let (set, fetched) = self.cache.get(now, || self.load())?;
        let found = set.find(kid);
        if fetched {
            found.map_err(refreshed)
        } else {
            found
        }
    }
}

fn refreshed(err: Error) -> Error {
    match err {
        Error::UnknownKey { kid, .. } => Error::UnknownKey {
            kid,
            refreshed: true,
        },
        other => other,
    }
}

/// An issuer's discovery document and key set, fetched and cached (CIS2.md §2).
///
/// The discovery URL is built from the configured issuer verbatim (keeping CIS2's `:443`);
/// the document's `issuer` must equal it byte for byte; its `jwks_uri` feeds a [`KeyStore`]
/// (replaced when the `jwks_uri` changes). Discovery is cached for at most an hour
/// ([`CachePolicy::DISCOVERY`]), keys as in [`KeyStore`].
///
/// ```no_run
/// # #[cfg(feature = "http")] {
/// use careid_assert::{HttpFetcher, Provider, UnixTime};
///
/// let issuer = "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";
/// let provider = Provider::new(issuer, HttpFetcher::new());
/// let now = UnixTime::from_system_time(std::time::SystemTime::now()).expect("after 1970");
/// println!("JWKS at {}", provider.metadata(now)?.jwks_uri());
/// # }
/// # Ok::<(), careid_assert::Error>(())
/// ```
#[derive(Debug)]
pub struct Provider<F> {
    issuer: Box<str>,
    url_policy: UrlPolicy,
    fetcher: Arc<F>,
    jwks_policy: CachePolicy,
    discovery: Cache<ProviderMetadata>,
    keys: Mutex<Option<Arc<KeyStore<Arc<F>>>>>,
}

impl<F: Fetch> Provider<F> {
    /// A provider for `issuer`, exactly as configured.
    pub fn new(issuer: &str, fetcher: F) -> Self {
        Self {
            issuer: issuer.into(),
            url_policy: UrlPolicy::HttpsOnly,
            fetcher: Arc::new(fetcher),
            jwks_policy: CachePolicy::JWKS,
            discovery: Cache::new(CachePolicy::DISCOVERY),
            keys: Mutex::new(None),
        }
    }

    /// Accept plain `http` loopback URLs in the discovery document. For tests against a
    /// local server only.
    #[must_use]
    pub fn danger_allow_http_loopback(mut self) -> Self {
        self.url_policy = UrlPolicy::DangerAllowHttpLoopback;
        self
    }

    /// Other cache policies for the discovery document and the key set.
    #[must_use]
    pub fn with_cache_policies(mut self, discovery: CachePolicy, jwks: CachePolicy) -> Self {
        self.discovery = Cache::new(discovery);
        self.jwks_policy = jwks;
        self
    }

    /// The configured issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The discovery document, fetched if not cached or expired.
    ///
    /// # Errors
    /// [`Error::Fetch`], the document's parse errors, [`Error::DiscoveryIssuerMismatch`].
    pub fn metadata(&self, now: UnixTime) -> Result<Arc<ProviderMetadata>, Error> {
        self.discovery
            .get(now, || {
                let fetched =
                    self.fetcher
                        .fetch(&discovery_url(&self.issuer))
                        .map_err(|source| Error::Fetch {
                            document: Input::Discovery,
                            source,
                        })?;
                let metadata = ProviderMetadata::from_json_with_policy(
                    fetched.body(),
                    &self.issuer,
                    self.url_policy,
                )?;
                Ok((metadata, fetched.cache_control()))
            })
            .map(|(metadata, _)| metadata)
    }

    /// The key store for the current `jwks_uri`.
    ///
    /// # Errors
    /// As [`Provider::metadata`].
    pub fn key_store(&self, now: UnixTime) -> Result<Arc<KeyStore<Arc<F>>>, Error> {
        let metadata = self.metadata(now)?;
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        match &*keys {
            Some(store) if store.url() == metadata.jwks_uri() => Ok(Arc::clone(store)),
            _ => {
                let store = Arc::new(
                    KeyStore::new(metadata.jwks_uri(), Arc::clone(&self.fetcher))
                        .with_policy(self.jwks_policy),
                );
                *keys = Some(Arc::clone(&store));
                Ok(store)
            }
        }
    }
}

impl<F: Fetch> KeyResolver for Provider<F> {
    fn resolve(&self, kid: &str, now: UnixTime) -> Result<Arc<VerificationKey>, Error> {
        self.key_store(now)?.resolve(kid, now)
    }
}

/// Whether an attempt is allowed: never attempted, or `interval` has passed since.
fn due(last_attempt: Option<UnixTime>, interval: Duration, now: UnixTime) -> bool {
    last_attempt.is_none_or(|last| now >= last.saturating_add(interval))
}

/// A cached, refetchable document.
#[derive(Debug)]
struct Cache<T> {
    policy: CachePolicy,
    state: RwLock<State<T>>,
    fetching: Mutex<()>,
}

#[derive(Debug)]
struct State<T> {
    value: Option<Arc<T>>,
    fresh_until: UnixTime,
    last_attempt: Option<UnixTime>,
    last_error: Option<Error>,
    generation: u64,
}

struct Snapshot<T> {
    value: Option<Arc<T>>,
    fresh_until: UnixTime,
    last_attempt: Option<UnixTime>,
    last_error: Option<Error>,
    generation: u64,
}

impl<T> Snapshot<T> {
    fn fresh(&self, now: UnixTime) -> Option<&Arc<T>> {
        self.value.as_ref().filter(|_| now < self.fresh_until)
    }
}

impl<T> Cache<T> {
    fn new(policy: CachePolicy) -> Self {
        Self {
            policy,
            state: RwLock::new(State {
                value: None,
                fresh_until: UnixTime::from_secs(i64::MIN),
                last_attempt: None,
                last_error: None,
                generation: 0,
            }),
            fetching: Mutex::new(()),
        }
    }

    fn snapshot(&self) -> Snapshot<T> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        Snapshot {
            value: state.value.clone(),
            fresh_until: state.fresh_until,
            last_attempt: state.last_attempt,
            last_error: state.last_error.clone(),
            generation: state.generation,
        }
    }

    /// The value, fetching it when missing or expired (and an attempt is due). Returns
    /// whether this call fetched.
    fn get(
        &self,
        now: UnixTime,
        load: impl FnOnce() -> Result<(T, CacheControl), Error>,
    ) -> Result<(Arc<T>, bool), Error> {
        let snapshot = self.snapshot();
        if let Some(value) = snapshot.fresh(now) {
            return Ok((Arc::clone(value), false));
        }
        // After a failure, attempts are rate-limited; meanwhile the stale value (within its
        // grace) or the failure is the answer.
        let blocked = snapshot
            .last_error
            .filter(|_| !due(snapshot.last_attempt, self.policy.retry_interval(), now));
        if let Some(err) = blocked {
            return self.stale(now).map(|value| (value, false)).ok_or(err);
        }
        match self.refresh(now, snapshot.generation, load) {
            Ok(value) => Ok((value, true)),
            Err(err) => self.stale(now).map(|value| (value, false)).ok_or(err),
        }
    }

    /// The expired value, while within the stale-if-error grace.
    fn stale(&self, now: UnixTime) -> Option<Arc<T>> {
        let snapshot = self.snapshot();
        let grace_end = snapshot
            .fresh_until
            .saturating_add(self.policy.stale_if_error());
        snapshot.value.filter(|_| now < grace_end)
    }

    /// Fetches now, unless another thread fetched since `seen_generation` (then its result
    /// is used).
    fn refresh(
        &self,
        now: UnixTime,
        seen_generation: u64,
        load: impl FnOnce() -> Result<(T, CacheControl), Error>,
    ) -> Result<Arc<T>, Error> {
        let _one_fetch_at_a_time = self.fetching.lock().unwrap_or_else(PoisonError::into_inner);
        let current = self.snapshot();
        if current.generation != seen_generation {
            match (current.value, current.last_error) {
                (_, Some(err)) => return Err(err),
                (Some(value), None) => return Ok(value),
                (None, None) => {}
            }
        }
        let result = load();
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.generation = state.generation.wrapping_add(1);
        state.last_attempt = Some(now);
        match result {
            Ok((value, cache_control)) => {
                let value = Arc::new(value);
                state.value = Some(Arc::clone(&value));
                state.fresh_until = now.saturating_add(self.policy.ttl(cache_control));
                state.last_error = None;
                Ok(value)
            }
            Err(err) => {
                state.last_error = Some(err.clone());
                Err(err)
            }
        }
    }
}
