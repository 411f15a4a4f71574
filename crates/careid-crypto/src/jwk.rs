//! JSON Web Key import (RFC 7517, RFC 7518 §6, RFC 8037 §2).

use crate::error::UnsupportedCurveName;
use crate::{AlgorithmSet, Error, KeyPolicy, PublicKey, SignatureAlgorithm};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// A JSON Web Key as published in a JWKS (RFC 7517 §4), before it is trusted for anything.
///
/// Only the members careid uses are kept; unknown members are ignored, as RFC 7517 §4 asks.
/// A known member given twice is a [`Error::JwkMalformed`]. Turn it into a [`PublicKey`] with
/// [`PublicKey::from_jwk`].
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    use_: Option<String>,
    #[serde(default)]
    key_ops: Option<Vec<String>>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
    // Private members (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2): present means refused.
    #[serde(default)]
    d: Option<IgnoredAny>,
    #[serde(default)]
    p: Option<IgnoredAny>,
    #[serde(default)]
    q: Option<IgnoredAny>,
    #[serde(default)]
    dp: Option<IgnoredAny>,
    #[serde(default)]
    dq: Option<IgnoredAny>,
    #[serde(default)]
    qi: Option<IgnoredAny>,
    #[serde(default)]
    oth: Option<IgnoredAny>,
    #[serde(default)]
    k: Option<IgnoredAny>,
}

impl Jwk {
    /// Parses one JWK from JSON text.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(json).map_err(|e| Error::JwkMalformed {
            line: e.line(),
            column: e.column(),
        })
    }

    /// Parses one JWK from an already-parsed JSON value.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, Error> {
        Self::deserialize(value).map_err(|e| Error::JwkMalformed {
            line: e.line(),
            column: e.column(),
        })
    }

    /// The key type (`kty`, RFC 7517 §4.1).
    pub fn kty(&self) -> &str {
        &self.kty
    }

    /// The key id (`kid`, RFC 7517 §4.5).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The intended use (`use`, RFC 7517 §4.2).
    pub fn key_use(&self) -> Option<&str> {
        self.use_.as_deref()
    }

    /// The permitted operations (`key_ops`, RFC 7517 §4.3).
    pub fn key_ops(&self) -> Option<&[String]> {
        self.key_ops.as_deref()
    }

    /// The algorithm the key is for (`alg`, RFC 7517 §4.4).
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }
}

impl PublicKey {
    /// Imports a JWK under [`KeyPolicy::DEFAULT`].
    ///
    /// - `kty` `RSA` (`n`, `e`; RFC 7518 §6.3.1), `EC` with `crv` `P-256` or `P-384` (`x`, `y`
    ///   of exactly the field size; RFC 7518 §6.2.1), `OKP` with `crv` `Ed25519` (`x`; RFC 8037
    ///   §2). `oct` and other types are refused.
    /// - Members are strict base64url: no padding, canonical trailing bits (RFC 7515 §2); RSA
    ///   integers use the minimum number of octets (RFC 7518 §6.3.1.1).
    /// - A key carrying private members is refused: a JWKS must never publish them.
    /// - `use` other than `sig`, or `key_ops` without `verify`, is refused; `alg`, when present,
    ///   must be a supported algorithm for this key type, and the key is restricted to it.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Self::from_jwk_with_policy(jwk, KeyPolicy::DEFAULT)
    }

    /// Imports a JWK under the given policy.
    pub fn from_jwk_with_policy(jwk: &Jwk, policy: KeyPolicy) -> Result<Self, Error> {
        let private = [
            ("d", jwk.d.is_some()),
            ("p", jwk.p.is_some()),
            ("q", jwk.q.is_some()),
            ("dp", jwk.dp.is_some()),
            ("dq", jwk.dq.is_some()),
            ("qi", jwk.qi.is_some()),
            ("oth", jwk.oth.is_some()),
            ("k", jwk.k.is_some()),
        ];
        if let Some((member, _)) = private.iter().find(|(_, present)| *present) {
            return Err(Error::JwkHasPrivateKey { member });
        }
        if jwk.use_.as_deref().is_some_and(|u| u != "sig")
            || jwk
                .key_ops
                .as_ref()
                .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
        {
            return Err(Error::KeyNotForVerification);
        }
        let key = match jwk.kty.as_str() {
            "RSA" => {
                let n = member(&jwk.n, "n")?;
                let e = member(&jwk.e, "e")?;
                for (name, value) in [("n", &n), ("e", &e)] {
                    if value.first() == Some(&0) {
                        return Err(Error::RsaIntegerNotMinimal { member: name });
                    }
                }
                PublicKey::rsa(&n, &e, policy)?
            }
            "EC" => {
                let crv = jwk
                    .crv
                    .as_deref()
                    .ok_or(Error::JwkMissingMember { member: "crv" })?;
                let size = match crv {
                    "P-256" => 32,
                    "P-384" => 48,
                    "P-521" => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::P521,
                        });
                    }
                    "secp256k1" => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::Secp256k1,
                        });
                    }
                    _ => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::OtherJwkName,
                        });
                    }
                };
                let x = sized_member(&jwk.x, "x", size)?;
                let y = sized_member(&jwk.y, "y", size)?;
                let mut point = Vec::with_capacity(1 + 2 * size);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                if size == 32 {
                    PublicKey::p256_sec1(&point)?
                } else {
                    PublicKey::p384_sec1(&point)?
                }
            }
            "OKP" => {
                let crv = jwk
                    .crv
                    .as_deref()
                    .ok_or(Error::JwkMissingMember { member: "crv" })?;
                match crv {
                    "Ed25519" => PublicKey::ed25519(&sized_member(&jwk.x, "x", 32)?)?,
                    "Ed448" => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::Ed448,
                        });
                    }
                    "X25519" | "X448" => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::X25519OrX448,
                        });
                    }
                    _ => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::OtherJwkName,
                        });
                    }
                }
            }
            _ => return Err(Error::UnsupportedJwkKeyType),
        };
        match &jwk.alg {
            None => Ok(key),
            Some(name) => {
                let alg = SignatureAlgorithm::from_jose_name(name)?;
                key.restrict(AlgorithmSet::EMPTY.with(alg))
            }
        }
    }

    /// Parses JSON text as a JWK and imports it under [`KeyPolicy::DEFAULT`].
    pub fn from_jwk_json(json: &[u8]) -> Result<Self, Error> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }
}

fn member(value: &Option<String>, name: &'static str) -> Result<Vec<u8>, Error> {
    let text = value
        .as_deref()
        .ok_or(Error::JwkMissingMember { member: name })?;
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::JwkBadBase64 { member: name })
}

fn sized_member(value: &Option<String>, name: &'static str, size: usize) -> Result<Vec<u8>, Error> {
    let bytes = member(value, name)?;
    if bytes.len() == size {
        Ok(bytes)
    } else {
        Err(Error::JwkBadLength {
            member: name,
            expected: size,
            actual: bytes.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;

    #[test]
    fn strict_base64url() {
        // RFC 7515 §2: no padding; RFC 4648 §3.5 canonical encoding.
        let ok =
            br#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        assert_eq!(
            PublicKey::from_jwk_json(ok).unwrap().kind(),
            KeyKind::Ed25519
        );
        for x in [
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=", // padding
            "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",  // standard alphabet
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp",  // non-canonical trailing bits
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcH URo", // whitespace
        ] {
            let json = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#);
            assert_eq!(
                PublicKey::from_jwk_json(json.as_bytes()),
                Err(Error::JwkBadBase64 { member: "x" }),
                "{x}"
            );
        }
    }

    #[test]
    fn private_and_symmetric_keys_are_refused() {
        let json = br#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#;
        assert_eq!(
            PublicKey::from_jwk_json(json),
            Err(Error::JwkHasPrivateKey { member: "d" })
        );
        let oct = br#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
        assert_eq!(
            PublicKey::from_jwk_json(oct),
            Err(Error::JwkHasPrivateKey { member: "k" })
        );
        let oct = br#"{"kty":"oct"}"#;
        assert_eq!(
            PublicKey::from_jwk_json(oct),
            Err(Error::UnsupportedJwkKeyType)
        );
    }

    #[test]
    fn use_key_ops_and_alg_restrict_the_key() {
        let base =
            r#""kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo""#;
        let with = |extra: &str| PublicKey::from_jwk_json(format!("{{{base},{extra}}}").as_bytes());
        assert_eq!(with(r#""use":"enc""#), Err(Error::KeyNotForVerification));
        assert_eq!(
            with(r#""key_ops":["sign"]"#),
            Err(Error::KeyNotForVerification)
        );
        assert!(with(r#""use":"sig","key_ops":["verify"]"#).is_ok());
        assert_eq!(
            with(r#""alg":"ES256""#),
            Err(Error::KeyMetadataMismatch {
                algorithm: SignatureAlgorithm::Es256,
                key: KeyKind::Ed25519
            })
        );
        assert_eq!(
            with(r#""alg":"HS256""#),
            Err(Error::UnsupportedJoseAlgorithm)
        );
        // A known member twice is malformed, not "last one wins".
        assert!(matches!(
            with(r#""x":"AAAA""#),
            Err(Error::JwkMalformed { .. })
        ));
    }

    #[test]
    fn ec_coordinates_must_be_full_size() {
        // RFC 7518 §6.2.1.2: x and y MUST be the full field size, even with leading zeros.
        let json = br#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#;
        assert_eq!(
            PublicKey::from_jwk_json(json),
            Err(Error::JwkBadLength {
                member: "x",
                expected: 32,
                actual: 1
            })
        );
    }
}
