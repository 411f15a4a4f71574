//! The one error type of careid-crypto.

use crate::{KeyKind, SignatureAlgorithm};
use der::oid::ObjectIdentifier;

/// Everything that can go wrong when importing a key, mapping an algorithm identifier or
/// verifying a signature.
///
/// Every variant carries structured data, never a formatted string, and no input makes this
/// crate panic instead of returning one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The algorithm is not in the caller's allow-list.
    #[error("signature algorithm {algorithm} is not in the caller's allow-list")]
    AlgorithmNotAllowed {
        /// The algorithm that was asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The key cannot be used with the requested algorithm (an ES256 signature with a P-384 key,
    /// an RSA algorithm with an EC key, ...).
    #[error("a {key} key cannot verify {algorithm} signatures")]
    KeyAlgorithmMismatch {
        /// The algorithm that was asked for.
        algorithm: SignatureAlgorithm,
        /// The kind of key that was supplied.
        key: KeyKind,
    },
    /// The key's own metadata (JWK `alg`, COSE_Key `alg`, an RSASSA-PSS SubjectPublicKeyInfo)
    /// restricts it to other algorithms.
    #[error("the key's metadata does not permit {algorithm}")]
    KeyNotPermittedForAlgorithm {
        /// The algorithm that was asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The key's metadata names an algorithm its key type cannot use (a JWK with `kty: RSA` and
    /// `alg: ES256`, ...).
    #[error("the key's metadata names {algorithm}, which a {key} key cannot use")]
    KeyMetadataMismatch {
        /// The algorithm named by the key's metadata.
        algorithm: SignatureAlgorithm,
        /// The kind of key.
        key: KeyKind,
    },
    /// The key's metadata says it is not for verifying signatures (JWK `use` other than `sig`,
    /// `key_ops` or COSE `key_ops` without `verify`).
    #[error("the key's metadata says it is not for verifying signatures")]
    KeyNotForVerification,
    /// The signature does not verify with this key, algorithm and message.
    #[error("the signature is not valid")]
    BadSignature,

    /// A JOSE `alg` name that careid does not verify (`none`, `HS256`, `ES512`, ...).
    #[error("JOSE algorithm name is not supported (none, HMAC and unknown names are refused)")]
    UnsupportedJoseAlgorithm,
    /// A COSE algorithm identifier that careid does not verify.
    #[error("COSE algorithm {id} is not supported")]
    UnsupportedCoseAlgorithm {
        /// The COSE algorithm identifier (RFC 9053 / IANA COSE Algorithms).
        id: i64,
    },
    /// An X.509 signature AlgorithmIdentifier that careid does not verify.
    #[error("X.509 signature algorithm {oid} is not supported")]
    UnsupportedX509Algorithm {
        /// The algorithm OID.
        oid: ObjectIdentifier,
    },
    /// The parameters of an X.509 AlgorithmIdentifier are not the ones its RFC requires
    /// (NULL or absent for RSA PKCS#1 v1.5, absent for ECDSA and Ed25519, RFC 4055 §3.1 rules
    /// for RSASSA-PSS).
    #[error("the parameters of algorithm {oid} are malformed or unsupported")]
    BadAlgorithmParameters {
        /// The algorithm OID.
        oid: ObjectIdentifier,
    },

    /// DER that does not decode (SubjectPublicKeyInfo, RSAPublicKey, RSASSA-PSS-params).
    #[error("malformed DER: {0}")]
    Der(der::Error),
    /// A SubjectPublicKeyInfo whose algorithm is not one careid imports.
    #[error("public key algorithm {oid} is not supported")]
    UnsupportedKeyAlgorithm {
        /// The SubjectPublicKeyInfo algorithm OID.
        oid: ObjectIdentifier,
    },
    /// An elliptic curve careid does not support (P-521, secp256k1, X25519, Ed448...).
    #[error("elliptic curve {curve} is not supported")]
    UnsupportedCurve {
        /// The curve, as named by the key format (an OID in dotted form is rendered by the
        /// X.509 variant; JWK and COSE names and numbers are mapped to a static name).
        curve: UnsupportedCurveName,
    },
    /// The bytes are not a valid point on the key's curve (or not an allowed encoding of one).
    #[error("the elliptic curve public key is not a valid point on {curve}")]
    InvalidEcPoint {
        /// The curve the point was meant to be on.
        curve: KeyKind,
    },
    /// An Ed25519 public key that is not 32 bytes long.
    #[error("an Ed25519 public key must be 32 bytes, got {len}")]
    InvalidEd25519KeyLength {
        /// The length that was supplied.
        len: usize,
    },
    /// The RSA modulus is shorter than the policy allows.
    #[error("RSA modulus of {bits} bits is below the minimum of {minimum}")]
    RsaModulusTooSmall {
        /// The modulus length in bits.
        bits: usize,
        /// The policy's minimum.
        minimum: usize,
    },
    /// The RSA modulus is longer than careid verifies (8192 bits).
    #[error("RSA modulus of {bits} bits is above the maximum of {maximum}")]
    RsaModulusTooLarge {
        /// The modulus length in bits.
        bits: usize,
        /// The maximum.
        maximum: usize,
    },
    /// The RSA public exponent is even, below 3, or above 2^33 - 1.
    #[error("RSA public exponent must be odd, at least 3 and below 2^33")]
    RsaExponentInvalid,
    /// An RSA integer with a leading zero octet where the format demands the minimal encoding.
    #[error("RSA {member} is not minimally encoded")]
    RsaIntegerNotMinimal {
        /// Which integer (`n` or `e`).
        member: &'static str,
    },

    /// A JWK that is not valid JSON or does not have the shape of a JWK (members of the wrong
    /// JSON type, a known member given twice, ...).
    #[error("the JWK is malformed at line {line}, column {column}")]
    JwkMalformed {
        /// 1-based line of the error in the JSON text (0 when the JWK was given as a parsed
        /// JSON value, which has no text position).
        line: usize,
        /// 1-based column of the error in the JSON text (0 for a parsed JSON value).
        column: usize,
    },
    /// A JWK member that is required for its `kty` is missing.
    #[error("the JWK has no `{member}` member")]
    JwkMissingMember {
        /// The member name.
        member: &'static str,
    },
    /// A JWK member that is not strict base64url (RFC 7515 §2: no padding, URL alphabet,
    /// canonical trailing bits).
    #[error("the JWK member `{member}` is not strict base64url")]
    JwkBadBase64 {
        /// The member name.
        member: &'static str,
    },
    /// A JWK coordinate of the wrong length for its curve (RFC 7518 §6.2.1.2).
    #[error("the JWK member `{member}` must be {expected} bytes, got {actual}")]
    JwkBadLength {
        /// The member name.
        member: &'static str,
        /// The length the curve requires.
        expected: usize,
        /// The length that was supplied.
        actual: usize,
    },
    /// A JWK that carries private key material (`d`, `p`, `q`, ... or a symmetric `k`).
    #[error("the JWK carries private key material (`{member}`); only public keys are accepted")]
    JwkHasPrivateKey {
        /// The private member that was found.
        member: &'static str,
    },
    /// A JWK `kty` careid does not import (`oct` keys are never accepted).
    #[error("the JWK key type is not supported (RSA, EC and OKP are)")]
    UnsupportedJwkKeyType,

    /// CBOR that is not a COSE_Key (RFC 9052 §7), including duplicate labels.
    #[error("the COSE_Key does not decode")]
    CoseKeyMalformed,
    /// A COSE_Key type careid does not import (symmetric keys are never accepted).
    #[error("the COSE_Key type is not supported (EC2, OKP and RSA are)")]
    UnsupportedCoseKeyType,
    /// A COSE_Key parameter that is required for its key type is missing or of the wrong
    /// CBOR type.
    #[error("the COSE_Key parameter {label} is missing or of the wrong type")]
    CoseKeyBadParameter {
        /// The parameter label (RFC 9053 §7).
        label: i64,
    },
    /// A COSE_Key that carries private key material (`d`, or RSA private parameters).
    #[error("the COSE_Key carries private key material (label {label})")]
    CoseKeyHasPrivateKey {
        /// The private parameter label.
        label: i64,
    },
}

/// A curve that careid recognises by name but does not support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsupportedCurveName {
    /// NIST P-521 / secp521r1.
    P521,
    /// secp256k1.
    Secp256k1,
    /// Ed448.
    Ed448,
    /// X25519 / X448 (key agreement curves, never signature keys).
    X25519OrX448,
    /// A curve named by an OID careid does not know.
    Oid(ObjectIdentifier),
    /// A COSE curve number careid does not know.
    Cose(i64),
    /// A JWK `crv` name careid does not know.
    OtherJwkName,
}

impl core::fmt::Display for UnsupportedCurveName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::P521 => f.write_str("P-521"),
            Self::Secp256k1 => f.write_str("secp256k1"),
            Self::Ed448 => f.write_str("Ed448"),
            Self::X25519OrX448 => f.write_str("X25519/X448"),
            Self::Oid(oid) => write!(f, "OID {oid}"),
            Self::Cose(id) => write!(f, "COSE curve {id}"),
            Self::OtherJwkName => f.write_str("an unknown JWK curve"),
        }
    }
}

impl From<der::Error> for Error {
    fn from(err: der::Error) -> Self {
        Self::Der(err)
    }
}
