//! Signature algorithms, the caller's allow-list, and their names in JOSE, COSE and X.509.

use crate::Error;
use crate::oids;
use der::asn1::AnyRef;
use der::{Decode, Sequence};
use spki::AlgorithmIdentifierRef;

/// A signature algorithm careid verifies.
///
/// The names are the JOSE ones (RFC 7518 §3.1, RFC 8037 §3.1); the same algorithm has a COSE
/// identifier (RFC 9053 §2) and an X.509 AlgorithmIdentifier (RFC 4055, RFC 5758, RFC 8410).
/// `none`, HMAC and SHA-1 algorithms have no variant, so they cannot be allowed by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2).
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8017 §8.1).
    Ps256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
    Ps384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt.
    Ps512,
    /// ECDSA on P-256 with SHA-256 (FIPS 186-5).
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// EdDSA on Ed25519 (RFC 8032 §5.1).
    EdDsa,
}

/// How an ECDSA signature is encoded. RSA and EdDSA signatures have one encoding each and
/// ignore this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureFormat {
    /// `r || s`, each the width of the curve order: JWS (RFC 7518 §3.4) and COSE (RFC 9053
    /// §2.1).
    Fixed,
    /// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` in DER: X.509 (RFC 5758 §3.2),
    /// WebAuthn and CTAP2 (WebAuthn §6.5.5), PIV and PKCS#15 cards.
    Der,
}

impl SignatureAlgorithm {
    /// Every algorithm careid verifies, in a stable order.
    pub const ALL: [Self; 9] = [
        Self::Rs256,
        Self::Rs384,
        Self::Rs512,
        Self::Ps256,
        Self::Ps384,
        Self::Ps512,
        Self::Es256,
        Self::Es384,
        Self::EdDsa,
    ];

    /// The JOSE `alg` name (RFC 7518 §3.1).
    pub const fn jose_name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
            Self::Ps256 => "PS256",
            Self::Ps384 => "PS384",
            Self::Ps512 => "PS512",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::EdDsa => "EdDSA",
        }
    }

    /// Maps a JOSE `alg` name. The match is exact and case-sensitive (RFC 7515 §4.1.1); `none`,
    /// `HS*` and names careid does not verify are [`Error::UnsupportedJoseAlgorithm`].
    pub fn from_jose_name(name: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.jose_name() == name)
            .ok_or(Error::UnsupportedJoseAlgorithm)
    }

    /// The COSE algorithm identifier (RFC 9053 §2, RFC 8230 §2 for RS*).
    pub const fn cose_id(self) -> i64 {
        match self {
            Self::Rs256 => -257,
            Self::Rs384 => -258,
            Self::Rs512 => -259,
            Self::Ps256 => -37,
            Self::Ps384 => -38,
            Self::Ps512 => -39,
            Self::Es256 => -7,
            Self::Es384 => -35,
            Self::EdDsa => -8,
        }
    }

    /// Maps a COSE algorithm identifier. The fully-specified identifiers of RFC 9864 (ESP256
    /// -9, ESP384 -51, Ed25519 -19) map to the same algorithms as ES256, ES384 and EdDSA: careid
    /// already ties each of those to one curve.
    pub fn from_cose_id(id: i64) -> Result<Self, Error> {
        match id {
            -9 => Ok(Self::Es256),
            -51 => Ok(Self::Es384),
            -19 => Ok(Self::EdDsa),
            _ => Self::ALL
                .into_iter()
                .find(|alg| alg.cose_id() == id)
                .ok_or(Error::UnsupportedCoseAlgorithm { id }),
        }
    }

    /// Maps an X.509 signature AlgorithmIdentifier (the `signatureAlgorithm` of a certificate or
    /// CRL) given as DER.
    pub fn from_x509_der(der: &[u8]) -> Result<Self, Error> {
        let ai = AlgorithmIdentifierRef::from_der(der)?;
        Self::from_x509(&ai)
    }

    /// Maps an X.509 signature AlgorithmIdentifier.
    ///
    /// - `sha{256,384,512}WithRSAEncryption`: parameters NULL or absent (RFC 4055 §5).
    /// - `ecdsa-with-SHA{256,384}`: parameters absent (RFC 5758 §3.2). The curve is the key's;
    ///   careid ties SHA-256 to P-256 and SHA-384 to P-384, so a mixed pair is refused at
    ///   verification as [`Error::KeyAlgorithmMismatch`].
    /// - `id-Ed25519`: parameters absent (RFC 8410 §3).
    /// - `id-RSASSA-PSS`: parameters present, with the same SHA-2 hash for the message and
    ///   MGF1, a salt as long as the hash, and trailer field 1 (RFC 4055 §3.1; the only PSS
    ///   shapes ring verifies). Others are [`Error::BadAlgorithmParameters`].
    pub fn from_x509(ai: &AlgorithmIdentifierRef<'_>) -> Result<Self, Error> {
        let oid = ai.oid;
        let params = ai.parameters;
        let null_or_absent = || match params {
            None => true,
            Some(any) => any.is_null(),
        };
        let bad = Error::BadAlgorithmParameters { oid };
        let rsa = |alg| {
            if null_or_absent() {
                Ok(alg)
            } else {
                Err(bad.clone())
            }
        };
        let absent = |alg| {
            if params.is_none() {
                Ok(alg)
            } else {
                Err(bad.clone())
            }
        };
        match oid {
            oids::SHA256_WITH_RSA => rsa(Self::Rs256),
            oids::SHA384_WITH_RSA => rsa(Self::Rs384),
            oids::SHA512_WITH_RSA => rsa(Self::Rs512),
            oids::ECDSA_WITH_SHA256 => absent(Self::Es256),
            oids::ECDSA_WITH_SHA384 => absent(Self::Es384),
            oids::ED25519 => absent(Self::EdDsa),
            oids::RSASSA_PSS => match params {
                Some(any) => pss_from_params(any).ok_or(bad),
                None => Err(bad),
            },
            _ => Err(Error::UnsupportedX509Algorithm { oid }),
        }
    }

    /// The kind of key this algorithm needs.
    pub const fn key_kind(self) -> KeyKind {
        match self {
            Self::Rs256 | Self::Rs384 | Self::Rs512 | Self::Ps256 | Self::Ps384 | Self::Ps512 => {
                KeyKind::Rsa
            }
            Self::Es256 => KeyKind::P256,
            Self::Es384 => KeyKind::P384,
            Self::EdDsa => KeyKind::Ed25519,
        }
    }

    const fn bit(self) -> u16 {
        let index: u16 = match self {
            Self::Rs256 => 0,
            Self::Rs384 => 1,
            Self::Rs512 => 2,
            Self::Ps256 => 3,
            Self::Ps384 => 4,
            Self::Ps512 => 5,
            Self::Es256 => 6,
            Self::Es384 => 7,
            Self::EdDsa => 8,
        };
        1 << index
    }
}

impl core::fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.jose_name())
    }
}

impl core::str::FromStr for SignatureAlgorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_jose_name(s)
    }
}

/// The kind of a public key, and the kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// An RSA key.
    Rsa,
    /// An elliptic curve key on NIST P-256 (secp256r1).
    P256,
    /// An elliptic curve key on NIST P-384 (secp384r1).
    P384,
    /// An Ed25519 key.
    Ed25519,
}

impl KeyKind {
    /// The algorithms a key of this kind can verify.
    pub fn algorithms(self) -> AlgorithmSet {
        SignatureAlgorithm::ALL
            .into_iter()
            .filter(|alg| alg.key_kind() == self)
            .collect()
    }
}

impl core::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Rsa => "RSA",
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::Ed25519 => "Ed25519",
        })
    }
}

/// The caller's allow-list of signature algorithms. Every verification takes one; a signature
/// whose algorithm is not in it is refused before any key is touched.
///
/// ```
/// use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
/// let cis2 = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256).with(SignatureAlgorithm::Rs512);
/// assert!(cis2.contains(SignatureAlgorithm::Rs256));
/// assert!(!cis2.contains(SignatureAlgorithm::Es256));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlgorithmSet(u16);

impl AlgorithmSet {
    /// No algorithm at all: every verification fails with [`Error::AlgorithmNotAllowed`].
    pub const EMPTY: Self = Self(0);
    /// Every algorithm careid verifies.
    pub const ALL: Self = Self::from_slice(&SignatureAlgorithm::ALL);

    /// A set of the given algorithms.
    pub const fn from_slice(algorithms: &[SignatureAlgorithm]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < algorithms.len() {
            #[allow(clippy::indexing_slicing)] // i < len, checked by the loop condition
            {
                bits |= algorithms[i].bit();
            }
            i += 1;
        }
        Self(bits)
    }

    /// This set plus `algorithm`.
    #[must_use]
    pub const fn with(self, algorithm: SignatureAlgorithm) -> Self {
        Self(self.0 | algorithm.bit())
    }

    /// This set less `algorithm`.
    #[must_use]
    pub const fn without(self, algorithm: SignatureAlgorithm) -> Self {
        Self(self.0 & !algorithm.bit())
    }

    /// Whether `algorithm` is allowed.
    pub const fn contains(self, algorithm: SignatureAlgorithm) -> bool {
        self.0 & algorithm.bit() != 0
    }

    /// Whether no algorithm is allowed.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The allowed algorithms, in the order of [`SignatureAlgorithm::ALL`].
    pub fn iter(self) -> impl Iterator<Item = SignatureAlgorithm> {
        SignatureAlgorithm::ALL
            .into_iter()
            .filter(move |alg| self.contains(*alg))
    }

    /// Returns `Ok` if `algorithm` is allowed, [`Error::AlgorithmNotAllowed`] otherwise.
    pub fn check(self, algorithm: SignatureAlgorithm) -> Result<(), Error> {
        if self.contains(algorithm) {
            Ok(())
        } else {
            Err(Error::AlgorithmNotAllowed { algorithm })
        }
    }
}

impl core::fmt::Debug for AlgorithmSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<SignatureAlgorithm> for AlgorithmSet {
    fn from_iter<I: IntoIterator<Item = SignatureAlgorithm>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

/// ```text
/// RSASSA-PSS-params ::= SEQUENCE {
///     hashAlgorithm      [0] HashAlgorithm      DEFAULT sha1,
///     maskGenAlgorithm   [1] MaskGenAlgorithm   DEFAULT mgf1SHA1,
///     saltLength         [2] INTEGER            DEFAULT 20,
///     trailerField       [3] TrailerField       DEFAULT trailerFieldBC }
/// ```
/// (RFC 4055 §3.1). The defaults name SHA-1, which careid refuses, so absent hash fields fail.
#[derive(Sequence)]
struct PssParams<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

pub(crate) fn pss_from_params(params: AnyRef<'_>) -> Option<SignatureAlgorithm> {
    let params: PssParams<'_> = params.decode_as().ok()?;
    let hash = params.hash?;
    // RFC 4055 §2.1: the hash parameters are NULL or absent (absent preferred).
    if !hash.parameters.is_none_or(|p| p.is_null()) {
        return None;
    }
    let (alg, hash_len) = match hash.oid {
        oids::SHA256 => (SignatureAlgorithm::Ps256, 32),
        oids::SHA384 => (SignatureAlgorithm::Ps384, 48),
        oids::SHA512 => (SignatureAlgorithm::Ps512, 64),
        _ => return None,
    };
    let mgf = params.mask_gen?;
    if mgf.oid != oids::MGF1 {
        return None;
    }
    let mgf_hash: AlgorithmIdentifierRef<'_> = mgf.parameters?.decode_as().ok()?;
    if mgf_hash.oid != hash.oid || !mgf_hash.parameters.is_none_or(|p| p.is_null()) {
        return None;
    }
    if params.salt_len != Some(hash_len) || params.trailer_field.is_some_and(|t| t != 1) {
        return None;
    }
    Some(alg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jose_and_cose_names_round_trip() {
        for alg in SignatureAlgorithm::ALL {
            assert_eq!(SignatureAlgorithm::from_jose_name(alg.jose_name()), Ok(alg));
            assert_eq!(SignatureAlgorithm::from_cose_id(alg.cose_id()), Ok(alg));
        }
    }

    #[test]
    fn dangerous_and_unknown_jose_names_are_refused() {
        for name in [
            "none", "None", "HS256", "HS512", "ES512", "rs256", "RS1", "", "RS256 ",
        ] {
            assert_eq!(
                SignatureAlgorithm::from_jose_name(name),
                Err(Error::UnsupportedJoseAlgorithm),
                "{name}"
            );
        }
    }

    #[test]
    fn fully_specified_cose_ids() {
        // RFC 9864 §2.1 / IANA COSE Algorithms registry.
        assert_eq!(
            SignatureAlgorithm::from_cose_id(-9),
            Ok(SignatureAlgorithm::Es256)
        );
        assert_eq!(
            SignatureAlgorithm::from_cose_id(-51),
            Ok(SignatureAlgorithm::Es384)
        );
        assert_eq!(
            SignatureAlgorithm::from_cose_id(-19),
            Ok(SignatureAlgorithm::EdDsa)
        );
        // RS1 (-65535) and ES512 (-36) are not verified.
        assert_eq!(
            SignatureAlgorithm::from_cose_id(-65535),
            Err(Error::UnsupportedCoseAlgorithm { id: -65535 })
        );
        assert!(SignatureAlgorithm::from_cose_id(-36).is_err());
    }

    #[test]
    fn x509_algorithm_identifiers() {
        // DER from RFC 4055 / RFC 5758 / RFC 8410 (as emitted by OpenSSL).
        let cases: &[(&str, Result<SignatureAlgorithm, ()>)] = &[
            (
                "300d06092a864886f70d01010b0500",
                Ok(SignatureAlgorithm::Rs256),
            ),
            ("300b06092a864886f70d01010b", Ok(SignatureAlgorithm::Rs256)),
            (
                "300d06092a864886f70d01010c0500",
                Ok(SignatureAlgorithm::Rs384),
            ),
            (
                "300d06092a864886f70d01010d0500",
                Ok(SignatureAlgorithm::Rs512),
            ),
            ("300a06082a8648ce3d040302", Ok(SignatureAlgorithm::Es256)),
            ("300a06082a8648ce3d040303", Ok(SignatureAlgorithm::Es384)),
            ("300506032b6570", Ok(SignatureAlgorithm::EdDsa)),
            // ecdsa-with-SHA256 with a NULL parameter: RFC 5758 says absent.
            ("300c06082a8648ce3d0403020500", Err(())),
            // sha1WithRSAEncryption.
            ("300d06092a864886f70d0101050500", Err(())),
            // PSS with SHA-256, MGF1-SHA-256, salt 32 (OpenSSL's -sigopt rsa_padding_mode:pss).
            (
                "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
                Ok(SignatureAlgorithm::Ps256),
            ),
            // PSS with salt 20 instead of 32.
            (
                "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020114",
                Err(()),
            ),
            // PSS with no parameters (SHA-1 defaults).
            ("300b06092a864886f70d01010a", Err(())),
        ];
        for (hex_der, expected) in cases {
            let der = hex::decode(hex_der).unwrap();
            let got = SignatureAlgorithm::from_x509_der(&der).map_err(|_| ());
            assert_eq!(&got, expected, "{hex_der}");
        }
    }

    #[test]
    fn algorithm_set_operations() {
        let set = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
        assert!(set.contains(SignatureAlgorithm::Rs256));
        assert!(!set.contains(SignatureAlgorithm::Ps256));
        assert!(set.without(SignatureAlgorithm::Rs256).is_empty());
        assert_eq!(
            AlgorithmSet::ALL.iter().count(),
            SignatureAlgorithm::ALL.len()
        );
        let collected: AlgorithmSet = [SignatureAlgorithm::Es256, SignatureAlgorithm::EdDsa]
            .into_iter()
            .collect();
        assert_eq!(
            collected.iter().collect::<Vec<_>>(),
            vec![SignatureAlgorithm::Es256, SignatureAlgorithm::EdDsa]
        );
        assert_eq!(
            set.check(SignatureAlgorithm::Es256),
            Err(Error::AlgorithmNotAllowed {
                algorithm: SignatureAlgorithm::Es256
            })
        );
    }
}
