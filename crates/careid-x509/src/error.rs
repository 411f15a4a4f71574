//! The one error type of careid-x509.

use crate::{KeyUsage, RevocationReason, Time};
use der::oid::ObjectIdentifier;

/// Everything that can make a certificate, a CRL or a certification path unacceptable.
///
/// Path errors name the certificate by its `depth`: 0 is the end-entity certificate, 1 its
/// issuer, and so on; the trust anchor sits at depth `n`, the number of certificates in the
/// path. Each variant's message cites the RFC 5280 step that failed. Every variant carries
/// structured data, never a formatted string, and no input makes this crate panic instead of
/// returning one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A certificate does not decode, or breaks the RFC 5280 §4 profile.
    #[error("{input}: {reason}")]
    BadCertificate {
        /// Which input it was.
        input: Input,
        /// What is wrong with it.
        reason: Malformed,
    },
    /// A CRL does not decode, or breaks the RFC 5280 §5 profile.
    #[error("CRL: {reason}")]
    BadCrl {
        /// What is wrong with it.
        reason: Malformed,
    },
    /// A validation time that is not `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC, whole seconds), or
    /// that lies outside the years 0000-9999.
    #[error("the time is not of the form YYYY-MM-DDTHH:MM:SSZ")]
    BadTimeString,
    /// The validator was built without any trust anchor.
    #[error("no trust anchors were supplied")]
    NoTrustAnchors,
    /// A trust anchor does not match the published metadata it was checked against.
    #[error("the trust anchor does not match its published {field}")]
    AnchorMismatch {
        /// Which published value differs.
        field: AnchorField,
    },

    /// No certificate among the trust anchors and intermediates has the subject named as the
    /// issuer of the certificate at `depth` (RFC 5280 §6.1.3(a)(4), RFC 4158).
    #[error("no issuer found for the certificate at depth {depth} (RFC 5280 §6.1.3(a)(4))")]
    UnknownIssuer {
        /// The certificate whose issuer is missing.
        depth: usize,
    },
    /// The signature on the certificate at `depth` does not verify with its issuer's key, or
    /// uses an algorithm or key the caller does not allow (RFC 5280 §6.1.3(a)(1)).
    #[error("signature of the certificate at depth {depth}: {source} (RFC 5280 §6.1.3(a)(1))")]
    BadSignature {
        /// The signed certificate.
        depth: usize,
        /// Why careid-crypto refused it.
        source: careid_crypto::Error,
    },
    /// The validation time is before the certificate's notBefore (RFC 5280 §6.1.3(a)(2)).
    #[error(
        "the certificate at depth {depth} is not valid before {not_before} (validation time {time}; RFC 5280 §6.1.3(a)(2))"
    )]
    NotYetValid {
        /// The certificate.
        depth: usize,
        /// The validation time.
        time: Time,
        /// Its notBefore.
        not_before: Time,
    },
    /// The validation time is after the certificate's notAfter (RFC 5280 §6.1.3(a)(2)).
    #[error(
        "the certificate at depth {depth} expired at {not_after} (validation time {time}; RFC 5280 §6.1.3(a)(2))"
    )]
    Expired {
        /// The certificate.
        depth: usize,
        /// The validation time.
        time: Time,
        /// Its notAfter.
        not_after: Time,
    },
    /// An intermediate certificate is not a CA: basicConstraints is absent or cA is FALSE
    /// (RFC 5280 §6.1.4(k)).
    #[error("the certificate at depth {depth} is not a CA certificate (RFC 5280 §6.1.4(k))")]
    NotCa {
        /// The certificate.
        depth: usize,
    },
    /// The path is longer than a pathLenConstraint above it allows (RFC 5280 §6.1.4(l)).
    #[error("the certificate at depth {depth} exceeds a pathLenConstraint (RFC 5280 §6.1.4(l))")]
    PathLenExceeded {
        /// The certificate that one too many.
        depth: usize,
    },
    /// An intermediate's keyUsage does not assert keyCertSign (RFC 5280 §6.1.4(n)).
    #[error(
        "the CA certificate at depth {depth} has a keyUsage without keyCertSign (RFC 5280 §6.1.4(n))"
    )]
    CaKeyUsage {
        /// The certificate.
        depth: usize,
    },
    /// A critical extension careid does not process (RFC 5280 §6.1.4(o), §6.1.5(f)).
    #[error(
        "the certificate at depth {depth} has an unsupported critical extension {oid} (RFC 5280 §6.1.4(o))"
    )]
    UnsupportedCriticalExtension {
        /// The certificate.
        depth: usize,
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// A name in the certificate lies outside the permitted subtrees or inside the excluded
    /// subtrees of a CA above it (RFC 5280 §6.1.3(b)-(c)).
    #[error(
        "a {form} in the certificate at depth {depth} violates a name constraint (RFC 5280 §6.1.3(b)-(c))"
    )]
    NameConstraintViolation {
        /// The certificate.
        depth: usize,
        /// The form of the offending name.
        form: NameForm,
    },
    /// A name constraint of a form careid does not process applies to a name of that form in
    /// the certificate (RFC 5280 §4.2.1.10: process it or reject).
    #[error(
        "the certificate at depth {depth} has a {form}, constrained in a form careid does not process (RFC 5280 §4.2.1.10)"
    )]
    UnsupportedNameConstraint {
        /// The certificate.
        depth: usize,
        /// The name form.
        form: NameForm,
    },
    /// A policyMappings extension maps to or from anyPolicy (RFC 5280 §6.1.4(a)).
    #[error(
        "the certificate at depth {depth} maps a policy to or from anyPolicy (RFC 5280 §6.1.4(a))"
    )]
    PolicyMappingAnyPolicy {
        /// The certificate.
        depth: usize,
    },
    /// An explicit policy is required but no valid policy remains at this certificate
    /// (RFC 5280 §6.1.3(f), §6.1.5(g)).
    #[error(
        "no certificate policy is valid for the path at depth {depth} and an explicit policy is required (RFC 5280 §6.1.3(f), §6.1.5(g))"
    )]
    NoValidPolicy {
        /// The certificate where the valid policy set became empty.
        depth: usize,
    },
    /// The policy graph grew past its node budget (RFC 9618 §5).
    #[error("the certificate policy graph exceeds {limit} nodes (RFC 9618)")]
    PolicyGraphTooLarge {
        /// The node budget.
        limit: usize,
    },
    /// The end-entity keyUsage lacks a bit the caller requires (RFC 5280 §4.2.1.3).
    #[error("the end-entity keyUsage ({present}) lacks {required} (RFC 5280 §4.2.1.3)")]
    KeyUsageNotAllowed {
        /// What the caller requires.
        required: KeyUsage,
        /// What the certificate asserts.
        present: KeyUsage,
    },
    /// The end-entity extendedKeyUsage contains none of the purposes the caller accepts
    /// (RFC 5280 §4.2.1.12).
    #[error(
        "the end-entity extendedKeyUsage has none of the required purposes (RFC 5280 §4.2.1.12)"
    )]
    ExtendedKeyUsageNotAllowed,
    /// The end-entity certificate is a CA certificate and the profile refuses those.
    #[error(
        "the end-entity certificate is a CA certificate (cA = TRUE), which this profile refuses"
    )]
    CaUsedAsEndEntity,
    /// The certificate at `depth` is revoked (RFC 5280 §6.3.3(i)-(j)).
    #[error("the certificate at depth {depth} was revoked at {date} ({reason}) (RFC 5280 §6.3.3)")]
    Revoked {
        /// The certificate.
        depth: usize,
        /// The reason code (unspecified when the CRL entry has none).
        reason: RevocationReason,
        /// The revocation date.
        date: Time,
    },
    /// The revocation status of the certificate at `depth` could not be determined and the
    /// revocation policy requires it (RFC 5280 §6.3.3, UNDETERMINED).
    #[error(
        "the revocation status of the certificate at depth {depth} is unknown: {cause} (RFC 5280 §6.3.3)"
    )]
    RevocationUnknown {
        /// The certificate.
        depth: usize,
        /// The most specific reason no usable CRL covered it.
        cause: RevocationUnknownCause,
    },
    /// Path building ran out of one of its budgets (RFC 4158 §5; rustls-webpki's limits).
    #[error("path building exceeded its budget of {limit} {budget}")]
    BudgetExceeded {
        /// Which budget.
        budget: BudgetKind,
        /// Its limit.
        limit: usize,
    },
    /// The NHS profile: the end-entity subject has no serialNumber attribute with the user's
    /// 12-digit UUID, or has more than one.
    #[error("the certificate subject has no single serialNumber attribute with the user UUID")]
    UserUuidMissing,
    /// The NHS profile: the subject serialNumber attribute is not 12 ASCII digits.
    #[error("the subject serialNumber attribute is not a 12-digit user UUID")]
    UserUuidMalformed,
}

/// Which input a certificate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Input {
    /// A certificate parsed on its own ([`Certificate::from_der`](crate::Certificate::from_der)).
    Certificate,
    /// The end-entity certificate of a validation.
    EndEntity,
    /// The intermediate at this index of the caller's list.
    Intermediate {
        /// Index in the caller's list of intermediates.
        index: usize,
    },
    /// A trust anchor.
    TrustAnchor,
}

impl core::fmt::Display for Input {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Certificate => f.write_str("certificate"),
            Self::EndEntity => f.write_str("end-entity certificate"),
            Self::Intermediate { index } => write!(f, "intermediate certificate #{index}"),
            Self::TrustAnchor => f.write_str("trust anchor certificate"),
        }
    }
}

/// What is wrong with an encoded certificate or CRL (RFC 5280 §4, §5).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// DER that does not decode as the named ASN.1 type (wrong tag, bad length, truncation,
    /// BER constructs, trailing bytes...).
    #[error("malformed DER in {structure}: {error}")]
    Der {
        /// The ASN.1 type being decoded (`TBSCertificate`, `BasicConstraints`, ...).
        structure: &'static str,
        /// The decoder's error, with its position.
        error: der::Error,
    },
    /// The serial number is negative (RFC 5280 §4.1.2.2 requires a positive integer).
    #[error("the serial number is negative (RFC 5280 §4.1.2.2)")]
    NegativeSerialNumber,
    /// The serial number is zero (RFC 5280 §4.1.2.2 requires a positive integer).
    #[error("the serial number is zero (RFC 5280 §4.1.2.2)")]
    ZeroSerialNumber,
    /// The serial number is longer than 20 octets (RFC 5280 §4.1.2.2).
    #[error("the serial number is {len} octets long; at most 20 are allowed (RFC 5280 §4.1.2.2)")]
    SerialNumberTooLong {
        /// Its length in octets.
        len: usize,
    },
    /// The signature algorithm inside the signed part differs from the outer one
    /// (RFC 5280 §4.1.1.2, §5.1.1.2).
    #[error("the inner and outer signature algorithms differ (RFC 5280 §4.1.1.2)")]
    SignatureAlgorithmMismatch,
    /// The issuer name is empty (RFC 5280 §4.1.2.4).
    #[error("the issuer name is empty (RFC 5280 §4.1.2.4)")]
    EmptyIssuer,
    /// A time that is not `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime),
    /// or not a real date (RFC 5280 §4.1.2.5.1-2).
    #[error("{field} is not a valid time (RFC 5280 §4.1.2.5)")]
    BadTime {
        /// Which time field.
        field: &'static str,
    },
    /// A date before 2050 encoded as GeneralizedTime, or from 2050 as UTCTime
    /// (RFC 5280 §4.1.2.5, §5.1.2.4).
    #[error("{field} uses the wrong time type for its year (RFC 5280 §4.1.2.5)")]
    WrongTimeType {
        /// Which time field.
        field: &'static str,
    },
    /// Extensions or unique identifiers in a certificate whose version does not allow them
    /// (RFC 5280 §4.1.2.1).
    #[error("the certificate version does not allow its fields (RFC 5280 §4.1.2.1)")]
    VersionMismatch,
    /// The same extension appears twice (RFC 5280 §4.2).
    #[error("extension {oid} appears more than once (RFC 5280 §4.2)")]
    DuplicateExtension {
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// The value of a known extension does not decode.
    #[error("extension {oid} is malformed: {error}")]
    BadExtension {
        /// The extension.
        oid: ObjectIdentifier,
        /// The decoder's error.
        error: der::Error,
    },
    /// A known extension whose value breaks its RFC 5280 rules (an empty SEQUENCE OF that must
    /// have one element, a policy listed twice, a key usage with no bit set, ...).
    #[error("extension {oid} has a value RFC 5280 does not allow")]
    BadExtensionValue {
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// A CRL entry reason code that RFC 5280 §5.3.1 does not define.
    #[error("CRL reason code {code} is not defined (RFC 5280 §5.3.1)")]
    UnknownReasonCode {
        /// The ENUMERATED value.
        code: u8,
    },
}

/// Which published value of a trust anchor did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnchorField {
    /// The certificate serial number.
    SerialNumber,
    /// The SHA-1 thumbprint of the certificate.
    Sha1Thumbprint,
    /// The SHA-256 fingerprint of the certificate.
    Sha256Fingerprint,
}

impl core::fmt::Display for AnchorField {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::SerialNumber => "serial number",
            Self::Sha1Thumbprint => "SHA-1 thumbprint",
            Self::Sha256Fingerprint => "SHA-256 fingerprint",
        })
    }
}

/// A GeneralName form (RFC 5280 §4.2.1.6), as constrained by nameConstraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameForm {
    /// otherName `[0]`.
    OtherName,
    /// rfc822Name `[1]`, and emailAddress attributes of a subject DN.
    Rfc822Name,
    /// dNSName `[2]`.
    DnsName,
    /// x400Address `[3]`.
    X400Address,
    /// directoryName `[4]`, and the subject DN.
    DirectoryName,
    /// ediPartyName `[5]`.
    EdiPartyName,
    /// uniformResourceIdentifier `[6]`.
    Uri,
    /// iPAddress `[7]`.
    IpAddress,
    /// registeredID `[8]`.
    RegisteredId,
}

impl core::fmt::Display for NameForm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::OtherName => "otherName",
            Self::Rfc822Name => "rfc822Name",
            Self::DnsName => "dNSName",
            Self::X400Address => "x400Address",
            Self::DirectoryName => "directoryName",
            Self::EdiPartyName => "ediPartyName",
            Self::Uri => "uniformResourceIdentifier",
            Self::IpAddress => "iPAddress",
            Self::RegisteredId => "registeredID",
        })
    }
}

/// Why no usable CRL settled a certificate's revocation status (RFC 5280 §6.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationUnknownCause {
    /// No CRL from the certificate's issuer (or its CRL issuer) was supplied.
    NoCrl,
    /// The only CRLs have a nextUpdate before the validation time (less the stale grace), or
    /// none at all (RFC 5280 §6.3.3(a)(2)).
    CrlExpired {
        /// The latest nextUpdate among them (none if no CRL had a nextUpdate).
        next_update: Option<Time>,
    },
    /// The only CRLs were issued after the validation time.
    CrlNotYetValid {
        /// The earliest thisUpdate among them.
        this_update: Time,
    },
    /// A CRL's signature did not verify, or no certificate that may sign CRLs for its issuer
    /// (keyUsage cRLSign, a valid path to the same trust anchor) was found
    /// (RFC 5280 §6.3.3(f)-(g)).
    CrlSignatureInvalid,
    /// A CRL has a critical CRL or entry extension careid does not process (RFC 5280 §5.2,
    /// §5.3).
    CrlUnsupportedCriticalExtension,
    /// CRLs were supplied, but none has the scope (distribution point, certificate kind,
    /// issuer) that covers this certificate (RFC 5280 §6.3.3(b)).
    CrlScopeMismatch,
    /// Usable CRLs cover only some revocation reasons (RFC 5280 §6.3.3(e), `onlySomeReasons`).
    ReasonsNotCovered,
    /// Checking the CRL signer's own path recursed too deep.
    CrlSignerPathTooDeep,
}

impl core::fmt::Display for RevocationUnknownCause {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NoCrl => f.write_str("no CRL from its issuer was supplied"),
            Self::CrlExpired {
                next_update: Some(t),
            } => write!(f, "the CRL is stale (nextUpdate {t})"),
            Self::CrlExpired { next_update: None } => {
                f.write_str("the CRL has no nextUpdate, so its freshness is unknown")
            }
            Self::CrlNotYetValid { this_update } => {
                write!(f, "the CRL is not valid yet (thisUpdate {this_update})")
            }
            Self::CrlSignatureInvalid => {
                f.write_str("the CRL signature does not verify with a key allowed to sign CRLs")
            }
            Self::CrlUnsupportedCriticalExtension => {
                f.write_str("the CRL has an unsupported critical extension")
            }
            Self::CrlScopeMismatch => {
                f.write_str("no supplied CRL has a scope that covers the certificate")
            }
            Self::ReasonsNotCovered => {
                f.write_str("the usable CRLs do not cover every revocation reason")
            }
            Self::CrlSignerPathTooDeep => {
                f.write_str("the CRL signer's certification path nests too deeply")
            }
        }
    }
}

/// The budgets that bound path building (X509.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BudgetKind {
    /// Signature verifications.
    Signatures,
    /// Candidate issuers considered.
    BuildSteps,
    /// Name-constraint comparisons.
    NameComparisons,
    /// Intermediate certificates in one path.
    PathLength,
}

impl core::fmt::Display for BudgetKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Signatures => "signature verifications",
            Self::BuildSteps => "path-building steps",
            Self::NameComparisons => "name-constraint comparisons",
            Self::PathLength => "intermediate certificates",
        })
    }
}

impl Error {
    /// The input a certificate error is about, re-labelled (the validator knows which input
    /// it parsed; [`crate::Certificate::from_der`] does not).
    pub(crate) fn for_input(self, input: Input) -> Self {
        match self {
            Self::BadCertificate { reason, .. } => Self::BadCertificate { input, reason },
            other => other,
        }
    }

    /// How far into path processing this error got: when several candidate paths fail, the
    /// highest-ranked error is reported (as rustls-webpki ranks them).
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Self::UnknownIssuer { .. } => 0,
            Self::BadSignature { .. } => 1,
            Self::Revoked { .. } => 4,
            Self::RevocationUnknown { .. } => 3,
            _ => 2,
        }
    }
}

/// A DER error in the named structure of a certificate.
pub(crate) fn cert_der(structure: &'static str) -> impl Fn(der::Error) -> Error {
    move |error| Error::BadCertificate {
        input: Input::Certificate,
        reason: Malformed::Der { structure, error },
    }
}

/// A profile error in a certificate.
pub(crate) fn bad_cert(reason: Malformed) -> Error {
    Error::BadCertificate {
        input: Input::Certificate,
        reason,
    }
}
