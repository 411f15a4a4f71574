//! COSE_Key import (RFC 9052 §7, RFC 9053 §7, RFC 8230 §4).

use crate::error::UnsupportedCurveName;
use crate::{AlgorithmSet, Error, KeyPolicy, PublicKey, SignatureAlgorithm};
use coset::iana::{self, EnumI64 as _};
use coset::{Algorithm, CborSerializable as _, CoseKey, KeyOperation, KeyType, Label};

/// EC2 / OKP parameter labels (RFC 9053 §7.1, §7.2).
const CRV: i64 = -1;
const X: i64 = -2;
const Y: i64 = -3;
const D: i64 = -4;
/// RSA parameter labels (RFC 8230 §4): n, e, then d, p, q, dP, dQ, qInv, other, r_i, d_i, t_i.
const RSA_N: i64 = -1;
const RSA_E: i64 = -2;
const RSA_PRIVATE: core::ops::RangeInclusive<i64> = -12..=-3;

impl PublicKey {
    /// Decodes a CBOR COSE_Key and imports it under [`KeyPolicy::DEFAULT`].
    ///
    /// CBOR that coset cannot decode is [`Error::CoseKeyMalformed`]; that includes duplicate
    /// labels and, because coset only represents registered values, a `kty` or `alg` number
    /// that is not in the IANA registry.
    pub fn from_cose_key_bytes(cbor: &[u8]) -> Result<Self, Error> {
        let key = CoseKey::from_slice(cbor).map_err(|_| Error::CoseKeyMalformed)?;
        Self::from_cose_key(&key)
    }

    /// Imports a COSE_Key under [`KeyPolicy::DEFAULT`].
    ///
    /// - `EC2` (kty 2) with `crv` P-256 (1) or P-384 (2), `x` and `y` (a byte string, or the
    ///   sign bit of a compressed point; RFC 9053 §7.1.1).
    /// - `OKP` (kty 1) with `crv` Ed25519 (6) and `x` (RFC 9053 §7.2).
    /// - `RSA` (kty 3) with `n` and `e` minimally encoded (RFC 8230 §4).
    /// - Keys with private parameters, symmetric keys and other types are refused; `alg`, when
    ///   present, restricts the key and must fit it; `key_ops`, when present, must include
    ///   `verify`. Duplicate labels are refused (RFC 9052 §14).
    pub fn from_cose_key(key: &CoseKey) -> Result<Self, Error> {
        Self::from_cose_key_with_policy(key, KeyPolicy::DEFAULT)
    }

    /// Imports a COSE_Key under the given policy.
    pub fn from_cose_key_with_policy(key: &CoseKey, policy: KeyPolicy) -> Result<Self, Error> {
        let param = |label: i64| {
            key.params
                .iter()
                .find(|(l, _)| *l == Label::Int(label))
                .map(|(_, value)| value)
        };
        let bytes = |label: i64| {
            param(label)
                .and_then(|v| v.as_bytes())
                .map(Vec::as_slice)
                .ok_or(Error::CoseKeyBadParameter { label })
        };
        let curve = || {
            param(CRV)
                .and_then(|v| v.as_integer())
                .and_then(|i| i64::try_from(i).ok())
                .ok_or(Error::CoseKeyBadParameter { label: CRV })
        };
        // RFC 9052 §14: labels are unique. coset checks this when decoding bytes; a `CoseKey`
        // assembled in code is checked here.
        for (i, (label, _)) in key.params.iter().enumerate() {
            if key
                .params
                .iter()
                .skip(i + 1)
                .any(|(other, _)| other == label)
            {
                return Err(Error::CoseKeyMalformed);
            }
        }
        if !key.key_ops.is_empty()
            && !key
                .key_ops
                .contains(&KeyOperation::Assigned(iana::KeyOperation::Verify))
        {
            return Err(Error::KeyNotForVerification);
        }
        let public = match key.kty {
            KeyType::Assigned(iana::KeyType::EC2) => {
                if param(D).is_some() {
                    return Err(Error::CoseKeyHasPrivateKey { label: D });
                }
                let crv = curve()?;
                let size = match iana::EllipticCurve::from_i64(crv) {
                    Some(iana::EllipticCurve::P_256) => 32,
                    Some(iana::EllipticCurve::P_384) => 48,
                    Some(iana::EllipticCurve::P_521) => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::P521,
                        });
                    }
                    Some(iana::EllipticCurve::Secp256k1) => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::Secp256k1,
                        });
                    }
                    _ => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::Cose(crv),
                        });
                    }
                };
                let x = bytes(X)?;
                if x.len() != size {
                    return Err(Error::CoseKeyBadParameter { label: X });
                }
                let mut point = Vec::with_capacity(1 + 2 * size);
                match param(Y) {
                    Some(coset::cbor::Value::Bytes(y)) if y.len() == size => {
                        point.push(0x04);
                        point.extend_from_slice(x);
                        point.extend_from_slice(y);
                    }
                    Some(coset::cbor::Value::Bool(sign)) => {
                        point.push(if *sign { 0x03 } else { 0x02 });
                        point.extend_from_slice(x);
                    }
                    _ => return Err(Error::CoseKeyBadParameter { label: Y }),
                }
                if size == 32 {
                    PublicKey::p256_sec1(&point)?
                } else {
                    PublicKey::p384_sec1(&point)?
                }
            }
            KeyType::Assigned(iana::KeyType::OKP) => {
                if param(D).is_some() {
                    return Err(Error::CoseKeyHasPrivateKey { label: D });
                }
                let crv = curve()?;
                match iana::EllipticCurve::from_i64(crv) {
                    Some(iana::EllipticCurve::Ed25519) => PublicKey::ed25519(bytes(X)?)?,
                    Some(iana::EllipticCurve::Ed448) => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::Ed448,
                        });
                    }
                    Some(iana::EllipticCurve::X25519 | iana::EllipticCurve::X448) => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::X25519OrX448,
                        });
                    }
                    _ => {
                        return Err(Error::UnsupportedCurve {
                            curve: UnsupportedCurveName::Cose(crv),
                        });
                    }
                }
            }
            KeyType::Assigned(iana::KeyType::RSA) => {
                if let Some(label) = RSA_PRIVATE.rev().find(|l| param(*l).is_some()) {
                    return Err(Error::CoseKeyHasPrivateKey { label });
                }
                let n = bytes(RSA_N)?;
                let e = bytes(RSA_E)?;
                for (name, value) in [("n", n), ("e", e)] {
                    if value.first() == Some(&0) {
                        return Err(Error::RsaIntegerNotMinimal { member: name });
                    }
                }
                PublicKey::rsa(n, e, policy)?
            }
            _ => return Err(Error::UnsupportedCoseKeyType),
        };
        match &key.alg {
            None => Ok(public),
            Some(Algorithm::Assigned(alg)) => {
                let alg = SignatureAlgorithm::from_cose_id(alg.to_i64())?;
                public.restrict(AlgorithmSet::EMPTY.with(alg))
            }
            Some(Algorithm::PrivateUse(id)) => Err(Error::UnsupportedCoseAlgorithm { id: *id }),
            Some(Algorithm::Text(_)) => Err(Error::CoseKeyBadParameter { label: 3 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;
    use coset::CoseKeyBuilder;

    #[test]
    fn ec2_compressed_and_uncompressed_agree() {
        // The P-256 generator point G (SEC 2 §2.4.2).
        let x = hex::decode("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
            .unwrap();
        let y = hex::decode("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
            .unwrap();
        let full =
            CoseKeyBuilder::new_ec2_pub_key(iana::EllipticCurve::P_256, x.clone(), y).build();
        // y is odd, so the compressed sign bit is 1.
        let compressed =
            CoseKeyBuilder::new_ec2_pub_key_y_sign(iana::EllipticCurve::P_256, x, true).build();
        let a = PublicKey::from_cose_key(&full).unwrap();
        let b = PublicKey::from_cose_key(&compressed).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.kind(), KeyKind::P256);
    }

    #[test]
    fn refused_key_shapes() {
        let sym = CoseKeyBuilder::new_symmetric_key(vec![1; 32]).build();
        assert_eq!(
            PublicKey::from_cose_key(&sym),
            Err(Error::UnsupportedCoseKeyType)
        );
        let x = vec![7; 32];
        let okp_private = CoseKeyBuilder::new_okp_key()
            .param(CRV, coset::cbor::Value::from(6))
            .param(X, coset::cbor::Value::Bytes(x.clone()))
            .param(D, coset::cbor::Value::Bytes(x.clone()))
            .build();
        assert_eq!(
            PublicKey::from_cose_key(&okp_private),
            Err(Error::CoseKeyHasPrivateKey { label: D })
        );
        let x448 = CoseKeyBuilder::new_okp_key()
            .param(CRV, coset::cbor::Value::from(5))
            .param(X, coset::cbor::Value::Bytes(x.clone()))
            .build();
        assert_eq!(
            PublicKey::from_cose_key(&x448),
            Err(Error::UnsupportedCurve {
                curve: UnsupportedCurveName::X25519OrX448
            })
        );
        let wrong_alg = CoseKeyBuilder::new_okp_key()
            .param(CRV, coset::cbor::Value::from(6))
            .param(X, coset::cbor::Value::Bytes(x))
            .algorithm(iana::Algorithm::ES256)
            .build();
        assert_eq!(
            PublicKey::from_cose_key(&wrong_alg),
            Err(Error::KeyMetadataMismatch {
                algorithm: SignatureAlgorithm::Es256,
                key: KeyKind::Ed25519
            })
        );
    }

    #[test]
    fn duplicate_labels_built_in_code_are_refused() {
        let x = vec![7; 32];
        let mut key = CoseKeyBuilder::new_okp_key()
            .param(CRV, coset::cbor::Value::from(6))
            .param(X, coset::cbor::Value::Bytes(x.clone()))
            .build();
        assert!(PublicKey::from_cose_key(&key).is_ok());
        // The builder replaces a repeated label; a `CoseKey` assembled by hand can repeat it.
        key.params
            .push((Label::Int(X), coset::cbor::Value::Bytes(x)));
        assert_eq!(PublicKey::from_cose_key(&key), Err(Error::CoseKeyMalformed));
    }

    #[test]
    fn duplicate_labels_are_refused() {
        // {1: 1, -1: 6, -2: h'00..', -2: h'00..'}: OKP key with `x` twice.
        let mut cbor = vec![0xa4, 0x01, 0x01, 0x20, 0x06];
        for _ in 0..2 {
            cbor.extend_from_slice(&[0x21, 0x58, 0x20]);
            cbor.extend_from_slice(&[0x11; 32]);
        }
        assert_eq!(
            PublicKey::from_cose_key_bytes(&cbor),
            Err(Error::CoseKeyMalformed)
        );
    }
}
