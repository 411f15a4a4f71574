//! Public keys: import from SubjectPublicKeyInfo, and signature verification on ring.

use crate::error::UnsupportedCurveName;
use crate::{AlgorithmSet, Error, KeyKind, SignatureAlgorithm, SignatureFormat, oids};
use der::asn1::UintRef;
use der::{Decode, Sequence};
use p256::elliptic_curve::sec1::ToSec1Point;
use ring::signature::{self as ring_sig, RsaPublicKeyComponents, UnparsedPublicKey};
use spki::SubjectPublicKeyInfoRef;

/// The largest RSA modulus careid verifies (ring's limit).
pub const RSA_MAX_BITS: usize = 8192;

/// Rules applied when a key is imported.
///
/// The default refuses RSA moduli below 2048 bits (NIST SP 800-131A). Legacy PKIs, NIST PKITS
/// among them, still use 1024-bit RSA keys: [`KeyPolicy::danger_allow_rsa_1024`] admits them,
/// for RSASSA-PKCS1-v1_5 with SHA-256 or SHA-512 only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPolicy {
    min_rsa_bits: usize,
}

impl KeyPolicy {
    /// RSA moduli from 2048 to 8192 bits.
    pub const DEFAULT: Self = Self { min_rsa_bits: 2048 };

    /// Also accept RSA moduli from 1024 bits. Only for legacy PKIs and test suites: a 1024-bit
    /// RSA key does not meet any current NHS or NIST security level.
    #[must_use]
    pub const fn danger_allow_rsa_1024(self) -> Self {
        Self { min_rsa_bits: 1024 }
    }

    /// Require RSA moduli of at least `bits` (never below 1024; values below are raised to it).
    #[must_use]
    pub const fn with_min_rsa_bits(self, bits: usize) -> Self {
        Self {
            min_rsa_bits: if bits < 1024 { 1024 } else { bits },
        }
    }

    /// The smallest RSA modulus accepted, in bits.
    pub const fn min_rsa_bits(&self) -> usize {
        self.min_rsa_bits
    }
}

impl Default for KeyPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A validated public key for signature verification.
///
/// Built from a SubjectPublicKeyInfo ([`PublicKey::from_spki_der`]), a JWK
/// ([`PublicKey::from_jwk`]) or a COSE_Key ([`PublicKey::from_cose_key`]). Every constructor
/// checks the key fully (RSA modulus size and exponent, EC point on the curve, Ed25519 length),
/// so a `PublicKey` is always usable; a key's own metadata (JWK `alg`, COSE `alg`, an
/// RSASSA-PSS SPKI) further restricts which algorithms it may verify.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    material: Material,
    permitted: AlgorithmSet,
}

#[derive(Clone, PartialEq, Eq)]
enum Material {
    Rsa {
        n: Box<[u8]>,
        e: Box<[u8]>,
        bits: usize,
    },
    /// SEC1 uncompressed point, 65 bytes.
    P256([u8; 65]),
    /// SEC1 uncompressed point, 97 bytes.
    P384([u8; 97]),
    Ed25519([u8; 32]),
}

/// ```text
/// RSAPublicKey ::= SEQUENCE {
///     modulus           INTEGER,  -- n
///     publicExponent    INTEGER   -- e
/// }
/// ```
/// (RFC 8017 Appendix A.1.1)
#[derive(Sequence)]
struct RsaPublicKeyDer<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

impl PublicKey {
    /// Imports a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) under [`KeyPolicy::DEFAULT`].
    ///
    /// Accepted: `rsaEncryption` (NULL parameters, RFC 3279 §2.3.1), `id-RSASSA-PSS` (RFC 4055
    /// §1.2; the key is then restricted to RSASSA-PSS, and to one hash when parameters are
    /// present), `id-ecPublicKey` with the named curve P-256 or P-384 (RFC 5480 §2.1.1), and
    /// `id-Ed25519` (RFC 8410 §4).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        Self::from_spki_der_with_policy(der, KeyPolicy::DEFAULT)
    }

    /// Imports a DER SubjectPublicKeyInfo under the given policy.
    pub fn from_spki_der_with_policy(der: &[u8], policy: KeyPolicy) -> Result<Self, Error> {
        // The encodings every CA uses, recognised byte for byte (only bytes the general
        // decoder below accepts, with the same result): no DER decoding of the
        // SubjectPublicKeyInfo on the path-validation hot path.
        if let Some(point) = der.strip_prefix(P256_SPKI_PREFIX)
            && point.len() == 65
        {
            return Self::p256_sec1(point);
        }
        if let Some(point) = der.strip_prefix(P384_SPKI_PREFIX)
            && point.len() == 97
        {
            return Self::p384_sec1(point);
        }
        if let Some(key_bits) = rsa_encryption_key(der) {
            return Self::rsa_public_key_der(key_bits, policy);
        }
        let spki = SubjectPublicKeyInfoRef::from_der(der)?;
        Self::from_spki_with_policy(&spki, policy)
    }

    /// Imports a decoded SubjectPublicKeyInfo under the given policy.
    pub fn from_spki_with_policy(
        spki: &SubjectPublicKeyInfoRef<'_>,
        policy: KeyPolicy,
    ) -> Result<Self, Error> {
        let oid = spki.algorithm.oid;
        let params = spki.algorithm.parameters;
        let key_bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(Error::Der(der::Tag::BitString.value_error().into()))?;
        match oid {
            oids::RSA_ENCRYPTION => {
                if !params.is_none_or(|p| p.is_null()) {
                    return Err(Error::BadAlgorithmParameters { oid });
                }
                Self::rsa_public_key_der(key_bits, policy)
            }
            oids::RSASSA_PSS => {
                let permitted = match params {
                    None => AlgorithmSet::from_slice(&[
                        SignatureAlgorithm::Ps256,
                        SignatureAlgorithm::Ps384,
                        SignatureAlgorithm::Ps512,
                    ]),
                    Some(any) => AlgorithmSet::EMPTY.with(
                        crate::algorithm::pss_from_params(any)
                            .ok_or(Error::BadAlgorithmParameters { oid })?,
                    ),
                };
                Self::rsa_public_key_der(key_bits, policy)?.restrict(permitted)
            }
            oids::EC_PUBLIC_KEY => {
                let curve: der::oid::ObjectIdentifier = params
                    .ok_or(Error::BadAlgorithmParameters { oid })?
                    .decode_as()
                    .map_err(|_| Error::BadAlgorithmParameters { oid })?;
                match curve {
                    oids::SECP256R1 => Self::p256_sec1(key_bits),
                    oids::SECP384R1 => Self::p384_sec1(key_bits),
                    oids::SECP521R1 => Err(Error::UnsupportedCurve {
                        curve: UnsupportedCurveName::P521,
                    }),
                    oids::SECP256K1 => Err(Error::UnsupportedCurve {
                        curve: UnsupportedCurveName::Secp256k1,
                    }),
                    other => Err(Error::UnsupportedCurve {
                        curve: UnsupportedCurveName::Oid(other),
                    }),
                }
            }
            oids::ED25519 => {
                if params.is_some() {
                    return Err(Error::BadAlgorithmParameters { oid });
                }
                Self::ed25519(key_bits)
            }
            oids::ED448 => Err(Error::UnsupportedCurve {
                curve: UnsupportedCurveName::Ed448,
            }),
            _ => Err(Error::UnsupportedKeyAlgorithm { oid }),
        }
    }

    /// An RSA key from its big-endian modulus and exponent. Leading zero octets are accepted
    /// here (DER INTEGERs arrive stripped already; callers with stricter formats check first).
    pub fn from_rsa_components(n: &[u8], e: &[u8], policy: KeyPolicy) -> Result<Self, Error> {
        Self::rsa(strip_leading_zeros(n), strip_leading_zeros(e), policy)
    }

    /// An ECDSA P-256 key from a SEC1 point (uncompressed `04 || x || y` or compressed
    /// `02/03 || x`; SEC 1 §2.3.3). The point must be on the curve and not the identity.
    pub fn from_p256_sec1(point: &[u8]) -> Result<Self, Error> {
        Self::p256_sec1(point)
    }

    /// An ECDSA P-384 key from a SEC1 point.
    pub fn from_p384_sec1(point: &[u8]) -> Result<Self, Error> {
        Self::p384_sec1(point)
    }

    /// An Ed25519 key from its 32-byte encoding (RFC 8032 §5.1.5). Whether the bytes decode to
    /// a curve point is checked when a signature is verified: a key that does not decode
    /// verifies nothing.
    pub fn from_ed25519_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::ed25519(bytes)
    }

    /// The kind of key.
    pub fn kind(&self) -> KeyKind {
        match self.material {
            Material::Rsa { .. } => KeyKind::Rsa,
            Material::P256(_) => KeyKind::P256,
            Material::P384(_) => KeyKind::P384,
            Material::Ed25519(_) => KeyKind::Ed25519,
        }
    }

    /// The RSA modulus length in bits, for RSA keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        match self.material {
            Material::Rsa { bits, .. } => Some(bits),
            _ => None,
        }
    }

    /// The algorithms this key may verify: those of its kind, narrowed by its metadata.
    pub fn permitted_algorithms(&self) -> AlgorithmSet {
        self.permitted
    }

    /// Narrows the algorithms this key may verify (never widens them). An empty intersection
    /// is an error: such a key could verify nothing.
    pub fn restrict(mut self, algorithms: AlgorithmSet) -> Result<Self, Error> {
        let narrowed =
            AlgorithmSet::from_iter(self.permitted.iter().filter(|a| algorithms.contains(*a)));
        if narrowed.is_empty() {
            let algorithm = algorithms
                .iter()
                .next()
                .ok_or(Error::KeyNotForVerification)?;
            return Err(Error::KeyMetadataMismatch {
                algorithm,
                key: self.kind(),
            });
        }
        self.permitted = narrowed;
        Ok(self)
    }

    /// Verifies `signature` over `message` with this key.
    ///
    /// `allowed` is the caller's allow-list and is checked first; then the key kind must fit
    /// the algorithm (an ES256 signature needs a P-256 key), then the key's own metadata must
    /// permit it. `format` says how an ECDSA signature is encoded (RSA and EdDSA ignore it).
    /// Every failure of the signature itself is [`Error::BadSignature`].
    pub fn verify(
        &self,
        allowed: AlgorithmSet,
        algorithm: SignatureAlgorithm,
        format: SignatureFormat,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        allowed.check(algorithm)?;
        let result = match (&self.material, algorithm) {
            (Material::Rsa { n, e, bits }, alg) if alg.key_kind() == KeyKind::Rsa => {
                self.permit(alg)?;
                let params = rsa_parameters(alg, *bits)?;
                RsaPublicKeyComponents { n: &**n, e: &**e }.verify(params, message, signature)
            }
            (Material::P256(point), SignatureAlgorithm::Es256) => {
                self.permit(algorithm)?;
                let alg = match format {
                    SignatureFormat::Fixed => &ring_sig::ECDSA_P256_SHA256_FIXED,
                    SignatureFormat::Der => &ring_sig::ECDSA_P256_SHA256_ASN1,
                };
                UnparsedPublicKey::new(alg, point).verify(message, signature)
            }
            (Material::P384(point), SignatureAlgorithm::Es384) => {
                self.permit(algorithm)?;
                let alg = match format {
                    SignatureFormat::Fixed => &ring_sig::ECDSA_P384_SHA384_FIXED,
                    SignatureFormat::Der => &ring_sig::ECDSA_P384_SHA384_ASN1,
                };
                UnparsedPublicKey::new(alg, point).verify(message, signature)
            }
            (Material::Ed25519(key), SignatureAlgorithm::EdDsa) => {
                self.permit(algorithm)?;
                UnparsedPublicKey::new(&ring_sig::ED25519, key).verify(message, signature)
            }
            _ => {
                return Err(Error::KeyAlgorithmMismatch {
                    algorithm,
                    key: self.kind(),
                });
            }
        };
        result.map_err(|_| Error::BadSignature)
    }

    fn permit(&self, algorithm: SignatureAlgorithm) -> Result<(), Error> {
        if self.permitted.contains(algorithm) {
            Ok(())
        } else {
            Err(Error::KeyNotPermittedForAlgorithm { algorithm })
        }
    }

    fn with_material(material: Material) -> Self {
        let mut key = Self {
            material,
            permitted: AlgorithmSet::EMPTY,
        };
        key.permitted = key.kind().algorithms();
        key
    }

    /// A DER `RSAPublicKey` (RFC 8017 §A.1.1), the content of an RSA SubjectPublicKeyInfo's
    /// BIT STRING.
    fn rsa_public_key_der(der: &[u8], policy: KeyPolicy) -> Result<Self, Error> {
        let rsa = RsaPublicKeyDer::from_der(der)?;
        Self::rsa(
            rsa.modulus.as_bytes(),
            rsa.public_exponent.as_bytes(),
            policy,
        )
    }

    pub(crate) fn rsa(n: &[u8], e: &[u8], policy: KeyPolicy) -> Result<Self, Error> {
        let bits = bit_length(n);
        if bits < policy.min_rsa_bits {
            return Err(Error::RsaModulusTooSmall {
                bits,
                minimum: policy.min_rsa_bits,
            });
        }
        if bits > RSA_MAX_BITS {
            return Err(Error::RsaModulusTooLarge {
                bits,
                maximum: RSA_MAX_BITS,
            });
        }
        // ring: 3 <= e <= 2^33 - 1, e odd (RFC 8017 §3.1 asks for odd e >= 3).
        let e_ok = match (e.first(), e.last()) {
            (Some(_), Some(last)) => {
                let value = e.iter().try_fold(0_u64, |acc, b| {
                    acc.checked_mul(256)
                        .and_then(|v| v.checked_add(u64::from(*b)))
                });
                value.is_some_and(|v| (3..(1_u64 << 33)).contains(&v)) && last & 1 == 1
            }
            _ => false,
        };
        if !e_ok {
            return Err(Error::RsaExponentInvalid);
        }
        Ok(Self::with_material(Material::Rsa {
            n: n.into(),
            e: e.into(),
            bits,
        }))
    }

    pub(crate) fn p256_sec1(point: &[u8]) -> Result<Self, Error> {
        let key = p256::PublicKey::from_sec1_bytes(point).map_err(|_| Error::InvalidEcPoint {
            curve: KeyKind::P256,
        })?;
        Ok(Self::with_material(Material::P256(uncompressed(
            point,
            KeyKind::P256,
            || key.to_sec1_point(false),
        )?)))
    }

    pub(crate) fn p384_sec1(point: &[u8]) -> Result<Self, Error> {
        let key = p384::PublicKey::from_sec1_bytes(point).map_err(|_| Error::InvalidEcPoint {
            curve: KeyKind::P384,
        })?;
        Ok(Self::with_material(Material::P384(uncompressed(
            point,
            KeyKind::P384,
            || key.to_sec1_point(false),
        )?)))
    }

    pub(crate) fn ed25519(bytes: &[u8]) -> Result<Self, Error> {
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::InvalidEd25519KeyLength { len: bytes.len() })?;
        Ok(Self::with_material(Material::Ed25519(key)))
    }
}

/// `SEQUENCE { SEQUENCE { id-ecPublicKey, secp256r1 }, BIT STRING (66 octets) }` up to the
/// point (RFC 5480 §2): 26 octets, then a 65-octet uncompressed point.
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The same for secp384r1: 23 octets, then a 97-octet uncompressed point.
const P384_SPKI_PREFIX: &[u8] = &[
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];

/// `AlgorithmIdentifier { rsaEncryption, NULL }` (RFC 3279 §2.3.1), DER.
const RSA_ENCRYPTION_ALGORITHM: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// The RSAPublicKey inside an `rsaEncryption` SubjectPublicKeyInfo in its DER form (minimal
/// lengths, NULL parameters, no unused bits, nothing trailing); `None` for anything else,
/// which is left to the general decoder.
fn rsa_encryption_key(der: &[u8]) -> Option<&[u8]> {
    let spki = der_content(der, 0x30)?;
    let bit_string = der_content(spki.strip_prefix(RSA_ENCRYPTION_ALGORITHM)?, 0x03)?;
    bit_string.strip_prefix(&[0])
}

/// The content of `der` when it is exactly one TLV with identifier `tag` and a minimal
/// definite length of at most two octets.
fn der_content(der: &[u8], tag: u8) -> Option<&[u8]> {
    let (content, len) = match der {
        [t, short, rest @ ..] if *t == tag && *short < 0x80 => (rest, usize::from(*short)),
        [t, 0x81, len, rest @ ..] if *t == tag && *len >= 0x80 => (rest, usize::from(*len)),
        [t, 0x82, high, low, rest @ ..] if *t == tag && *high != 0 => {
            (rest, usize::from(u16::from_be_bytes([*high, *low])))
        }
        _ => return None,
    };
    (content.len() == len).then_some(content)
}

/// The uncompressed SEC1 encoding of a point that decoded: the input itself when it was
/// uncompressed (`04 || x || y`, already checked to be on the curve), else `encode`'s
/// re-encoding.
fn uncompressed<const N: usize, E: AsRef<[u8]>>(
    point: &[u8],
    curve: KeyKind,
    encode: impl FnOnce() -> E,
) -> Result<[u8; N], Error> {
    match <[u8; N]>::try_from(point) {
        Ok(bytes) if bytes.first() == Some(&0x04) => Ok(bytes),
        _ => <[u8; N]>::try_from(encode().as_ref()).map_err(|_| Error::InvalidEcPoint { curve }),
    }
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut s = f.debug_struct("PublicKey");
        s.field("kind", &self.kind());
        if let Some(bits) = self.rsa_bits() {
            s.field("bits", &bits);
        }
        s.field("permitted", &self.permitted)
            .finish_non_exhaustive()
    }
}

fn rsa_parameters(
    algorithm: SignatureAlgorithm,
    bits: usize,
) -> Result<&'static ring_sig::RsaParameters, Error> {
    use SignatureAlgorithm as A;
    if bits >= 2048 {
        return Ok(match algorithm {
            A::Rs256 => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
            A::Rs384 => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
            A::Rs512 => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
            A::Ps256 => &ring_sig::RSA_PSS_2048_8192_SHA256,
            A::Ps384 => &ring_sig::RSA_PSS_2048_8192_SHA384,
            A::Ps512 => &ring_sig::RSA_PSS_2048_8192_SHA512,
            _ => {
                return Err(Error::KeyAlgorithmMismatch {
                    algorithm,
                    key: KeyKind::Rsa,
                });
            }
        });
    }
    // Only reachable for keys imported under `KeyPolicy::danger_allow_rsa_1024`.
    match algorithm {
        A::Rs256 => Ok(&ring_sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY),
        A::Rs512 => Ok(&ring_sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY),
        _ => Err(Error::RsaModulusTooSmall {
            bits,
            minimum: 2048,
        }),
    }
}

pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn bit_length(n: &[u8]) -> usize {
    let n = strip_leading_zeros(n);
    match n.first() {
        None => 0,
        Some(first) => {
            let top_bits = usize::try_from(u8::BITS - first.leading_zeros()).unwrap_or(8);
            (n.len() - 1) * 8 + top_bits
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[0, 0x7f, 0xff]), 15);
    }

    #[test]
    fn rsa_exponent_rules() {
        let n = [0xc5_u8; 256];
        let policy = KeyPolicy::DEFAULT;
        assert!(PublicKey::rsa(&n, &[1, 0, 1], policy).is_ok());
        assert!(PublicKey::rsa(&n, &[3], policy).is_ok());
        for bad in [
            &[][..],
            &[1],
            &[2],
            &[1, 0, 0],
            &[2, 0, 0, 0, 1],
            &[0xff; 9],
        ] {
            assert_eq!(
                PublicKey::rsa(&n, bad, policy),
                Err(Error::RsaExponentInvalid),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rsa_size_limits() {
        let e = [1_u8, 0, 1];
        assert_eq!(
            PublicKey::rsa(&[0xc5; 128], &e, KeyPolicy::DEFAULT),
            Err(Error::RsaModulusTooSmall {
                bits: 1024,
                minimum: 2048
            })
        );
        assert!(
            PublicKey::rsa(&[0xc5; 128], &e, KeyPolicy::DEFAULT.danger_allow_rsa_1024()).is_ok()
        );
        assert_eq!(
            PublicKey::rsa(&[0xc5; 1025], &e, KeyPolicy::DEFAULT),
            Err(Error::RsaModulusTooLarge {
                bits: 8200,
                maximum: 8192
            })
        );
    }
}
