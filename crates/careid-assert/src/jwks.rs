//! JWK sets (RFC 7517 §5) and key selection by `kid` (CIS2.md §7.1 item 3).

use crate::UnixTime;
use crate::error::{Error, Input};
use crate::json;
use careid_crypto::{Jwk, PublicKey};
use serde_json::Value;
use std::sync::Arc;

/// A verification key: a validated [`PublicKey`] and the `kid` it was published under.
///
/// Keys are imported once, when their set is parsed, and shared (`Arc`) by every verification
/// that selects them: verifying a token never re-parses a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationKey {
    kid: Option<Box<str>>,
    key: PublicKey,
}

impl VerificationKey {
    /// A key with an optional `kid`, for callers that hold keys outside a JWK set.
    pub fn new(kid: Option<&str>, key: PublicKey) -> Self {
        Self {
            kid: kid.map(Into::into),
            key,
        }
    }

    /// The `kid` (RFC 7517 §4.5).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
}

/// Finds the key a token's header names. Implemented by [`JwkSet`] (a fixed set), and by
/// [`KeyStore`](crate::KeyStore) and [`Provider`](crate::Provider), which fetch the set and
/// refresh it when a token names a `kid` they do not know (key rotation).
pub trait KeyResolver {
    /// The key with this `kid`, at time `now` (for cache expiry).
    ///
    /// # Errors
    /// [`Error::UnknownKey`], [`Error::AmbiguousKey`], [`Error::WeakKey`],
    /// [`Error::KeyNotUsable`], or a fetch error for resolvers that fetch.
    fn resolve(&self, kid: &str, now: UnixTime) -> Result<Arc<VerificationKey>, Error>;
}

impl<T: KeyResolver + ?Sized> KeyResolver for &T {
    fn resolve(&self, kid: &str, now: UnixTime) -> Result<Arc<VerificationKey>, Error> {
        (**self).resolve(kid, now)
    }
}

impl<T: KeyResolver + ?Sized> KeyResolver for Arc<T> {
    fn resolve(&self, kid: &str, now: UnixTime) -> Result<Arc<VerificationKey>, Error> {
        (**self).resolve(kid, now)
    }
}

/// A parsed JWK set (RFC 7517 §5).
///
/// Every key is imported through careid-crypto when the set is parsed: RSA of 2048-8192 bits
/// with an odd exponent of at least 3, EC P-256/P-384 on the curve, Ed25519; no private or
/// symmetric keys; `use` absent or `sig`; `key_ops` with `verify` when present; `alg`, when
/// present, restricts the key to that algorithm. A key that fails import is kept with its
/// reason, so that a token naming it gets [`Error::WeakKey`] or [`Error::KeyNotUsable`] instead
/// of [`Error::UnknownKey`]; keys of other kinds in the set (encryption keys, say) do not make
/// the set unusable. Two keys with the same `kid` make that `kid` [`Error::AmbiguousKey`].
///
/// ```
/// use careid_assert::{Error, JwkSet};
///
/// // RFC 7517 Appendix A.1's RSA key with kid "2011-04-29", published twice.
/// let rsa = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
/// let set = JwkSet::from_json(format!(r#"{{"keys":[{rsa}]}}"#).as_bytes())?;
/// assert_eq!(set.find("2011-04-29")?.kid(), Some("2011-04-29"));
///
/// let twice = JwkSet::from_json(format!(r#"{{"keys":[{rsa},{rsa}]}}"#).as_bytes())?;
/// assert_eq!(
///     twice.find("2011-04-29").unwrap_err(),
///     Error::AmbiguousKey { kid: "2011-04-29".into() }
/// );
/// # Ok::<(), careid_assert::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkSet {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    kid: Option<Box<str>>,
    key: Result<Arc<VerificationKey>, careid_crypto::Error>,
}

impl JwkSet {
    /// The largest JWK set document accepted.
    pub const MAX_BYTES: usize = 256 * 1024;

    /// Parses a JWK set document (strict JSON, [`JwkSet::MAX_BYTES`] at most).
    ///
    /// # Errors
    /// JSON errors ([`Error::Json`], [`Error::DuplicateMember`], [`Error::TooDeep`], ...),
    /// [`Error::TooLarge`], and [`Error::MissingMember`] when there is no `keys` array. Keys
    /// that do not import are not errors here (see the type's documentation).
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        if json.len() > Self::MAX_BYTES {
            return Err(Error::TooLarge {
                input: Input::Jwks,
                limit: Self::MAX_BYTES,
                actual: json.len(),
            });
        }
        let text = json::utf8(json, Input::Jwks)?;
        let mut doc = json::parse_object_value(text, Input::Jwks, json::DEFAULT_MAX_DEPTH)?;
        let Some(Value::Array(keys)) = doc.remove("keys") else {
            return Err(Error::MissingMember {
                input: Input::Jwks,
                member: "keys",
            });
        };
        let entries = keys
            .iter()
            .map(|value| {
                let kid = value.get("kid").and_then(Value::as_str).map(Into::into);
                let key = Jwk::from_value(value)
                    .and_then(|jwk| PublicKey::from_jwk(&jwk))
                    .map(|key| {
                        Arc::new(VerificationKey {
                            kid: kid.clone(),
                            key,
                        })
                    });
                Entry { kid, key }
            })
            .collect();
        Ok(Self { entries })
    }

    /// A set of keys the caller already holds.
    pub fn from_keys(keys: impl IntoIterator<Item = VerificationKey>) -> Self {
        Self {
            entries: keys
                .into_iter()
                .map(|key| Entry {
                    kid: key.kid.clone(),
                    key: Ok(Arc::new(key)),
                })
                .collect(),
        }
    }

    /// The key with this `kid`.
    ///
    /// # Errors
    /// [`Error::UnknownKey`] (with `refreshed: false`), [`Error::AmbiguousKey`],
    /// [`Error::WeakKey`] (RSA below 2048 bits, a bad exponent), [`Error::KeyNotUsable`] (any
    /// other import failure).
    pub fn find(&self, kid: &str) -> Result<Arc<VerificationKey>, Error> {
        let mut matches = self
            .entries
            .iter()
            .filter(|entry| entry.kid.as_deref() == Some(kid));
        let (Some(entry), None) = (matches.next(), matches.next()) else {
            return Err(if self.contains_kid(kid) {
                Error::AmbiguousKey { kid: kid.into() }
            } else {
                Error::UnknownKey {
                    kid: kid.into(),
                    refreshed: false,
                }
            });
        };
        match &entry.key {
            Ok(key) => Ok(Arc::clone(key)),
            Err(reason) => Err(if is_weak(reason) {
                Error::WeakKey {
                    kid: kid.into(),
                    reason: reason.clone(),
                }
            } else {
                Error::KeyNotUsable {
                    kid: kid.into(),
                    reason: reason.clone(),
                }
            }),
        }
    }

    fn contains_kid(&self, kid: &str) -> bool {
        self.entries
            .iter()
            .any(|entry| entry.kid.as_deref() == Some(kid))
    }

    /// The number of keys in the document, usable or not.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys that imported, in document order.
    pub fn keys(&self) -> impl Iterator<Item = &VerificationKey> {
        self.entries
            .iter()
            .filter_map(|entry| entry.key.as_deref().ok())
    }

    /// The keys that did not import, with their `kid` and the reason.
    pub fn rejected(&self) -> impl Iterator<Item = (Option<&str>, &careid_crypto::Error)> {
        self.entries
            .iter()
            .filter_map(|entry| entry.key.as_ref().err().map(|e| (entry.kid.as_deref(), e)))
    }
}

impl KeyResolver for JwkSet {
    fn resolve(&self, kid: &str, _now: UnixTime) -> Result<Arc<VerificationKey>, Error> {
        self.find(kid)
    }
}

fn is_weak(reason: &careid_crypto::Error) -> bool {
    matches!(
        reason,
        careid_crypto::Error::RsaModulusTooSmall { .. } | careid_crypto::Error::RsaExponentInvalid
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const N_2048: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    fn rsa(kid: &str, e: &str, extra: &str) -> String {
        format!(r#"{{"kty":"RSA","kid":"{kid}","n":"{N_2048}","e":"{e}"{extra}}}"#)
    }

    #[test]
    fn selection_by_kid() {
        let doc = format!(
            r#"{{"keys":[{},{},{},{},{{"kty":"oct","kid":"sym","k":"AAAA"}},{{"kty":"EC","kid":"p521","crv":"P-521"}}],"other":1}}"#,
            rsa("a", "AQAB", ""),
            rsa("b", "AQAB", r#","use":"sig","alg":"RS256""#),
            rsa("enc", "AQAB", r#","use":"enc""#),
            rsa("exp1", "AQ", ""),
        );
        let set = JwkSet::from_json(doc.as_bytes()).unwrap();
        assert_eq!(set.len(), 6);
        assert_eq!(set.keys().count(), 2);
        assert_eq!(set.rejected().count(), 4);
        assert_eq!(set.find("a").unwrap().kid(), Some("a"));
        assert_eq!(set.find("b").unwrap().kid(), Some("b"));
        assert_eq!(
            set.find("c"),
            Err(Error::UnknownKey {
                kid: "c".into(),
                refreshed: false
            })
        );
        assert_eq!(
            set.find("enc"),
            Err(Error::KeyNotUsable {
                kid: "enc".into(),
                reason: careid_crypto::Error::KeyNotForVerification
            })
        );
        assert_eq!(
            set.find("exp1"),
            Err(Error::WeakKey {
                kid: "exp1".into(),
                reason: careid_crypto::Error::RsaExponentInvalid
            })
        );
        assert!(matches!(set.find("sym"), Err(Error::KeyNotUsable { .. })));
    }

    #[test]
    fn malformed_sets() {
        assert_eq!(
            JwkSet::from_json(br#"{"keys":{}}"#),
            Err(Error::MissingMember {
                input: Input::Jwks,
                member: "keys"
            })
        );
        assert_eq!(
            JwkSet::from_json(br#"[]"#),
            Err(Error::NotAnObject { input: Input::Jwks })
        );
        assert_eq!(
            JwkSet::from_json(br#"{"keys":[],"keys":[]}"#),
            Err(Error::DuplicateMember {
                input: Input::Jwks,
                member: "keys".into()
            })
        );
        let big = vec![b' '; JwkSet::MAX_BYTES + 1];
        assert!(matches!(
            JwkSet::from_json(&big),
            Err(Error::TooLarge { .. })
        ));
        assert!(JwkSet::from_json(br#"{"keys":[]}"#).unwrap().is_empty());
    }
}
