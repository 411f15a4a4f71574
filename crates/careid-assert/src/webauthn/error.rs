//! The error type of WebAuthn verification.

use careid_ctap::AttestationFormat;

/// Why a WebAuthn registration or authentication was refused, or a policy could not be built.
///
/// Every variant carries structured data, never a formatted string, and never echoes
/// attacker-controlled text (a wrong origin is reported as wrong, not repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebAuthnError {
    /// The policy is incomplete or contradictory.
    #[error("WebAuthn policy: {problem}")]
    Policy {
        /// What is wrong.
        problem: &'static str,
    },
    /// The clientDataJSON is malformed (WebAuthn §7.1 steps 5-6, §7.2 steps 9-10).
    #[error("clientDataJSON: {0}")]
    ClientData(ClientDataProblem),
    /// `type` is not the ceremony's (`webauthn.create` for registration, `webauthn.get` for
    /// authentication): §7.1 step 7, §7.2 step 11.
    #[error("clientDataJSON type is not {expected}")]
    WrongCeremony {
        /// The type that was required.
        expected: &'static str,
    },
    /// `challenge` is not the one issued for this ceremony (§7.1 step 8, §7.2 step 12).
    #[error("clientDataJSON challenge does not match the issued challenge")]
    ChallengeMismatch,
    /// `origin` is not one the relying party expects (§7.1 step 9, §7.2 step 13).
    #[error("clientDataJSON origin is not an allowed origin")]
    OriginNotAllowed,
    /// `crossOrigin` is true (or a `topOrigin` is present) and the policy does not allow
    /// cross-origin iframes (WebAuthn L3 §7.1 step 10).
    #[error("cross-origin ceremonies are not allowed")]
    CrossOriginNotAllowed,
    /// authenticatorData or the attestationObject does not decode (careid-ctap).
    #[error("{0}")]
    Ctap(careid_ctap::Error),
    /// `rpIdHash` is not SHA-256 of the RP ID (§7.1 step 13, §7.2 step 15).
    #[error("rpIdHash is not SHA-256 of the relying party ID")]
    RpIdHashMismatch,
    /// The UP flag is clear (§7.1 step 14, §7.2 step 16).
    #[error("the user was not present (UP flag clear)")]
    UserNotPresent,
    /// The policy requires user verification and the UV flag is clear (§7.1 step 15, §7.2
    /// step 17).
    #[error("the user was not verified (UV flag clear) and the policy requires it")]
    UserNotVerified,
    /// The backup eligibility flag differs from the one recorded at registration (WebAuthn L3
    /// §7.2 step 18: BE is a permanent property of a credential).
    #[error("backup eligibility changed since registration (recorded {recorded}, now {now})")]
    BackupEligibilityChanged {
        /// BE at registration.
        recorded: bool,
        /// BE now.
        now: bool,
    },
    /// authenticatorData carries extension outputs the relying party did not allow (§7.1 step
    /// 18, §7.2 step 19).
    #[error("unrequested authenticator extension output")]
    UnexpectedExtension,
    /// The credential public key's algorithm is not in the policy's allow-list (§7.1 step 17),
    /// or the key has no `alg` (§6.5.1.1 requires one).
    #[error("credential algorithm {alg:?} is not allowed")]
    CredentialAlgorithmNotAllowed {
        /// The COSE algorithm, if the key named one.
        alg: Option<i64>,
    },
    /// The credential public key does not import (careid-crypto).
    #[error("credential public key: {0}")]
    CredentialKey(careid_crypto::Error),
    /// An attestation statement format careid does not verify (tpm, android-key,
    /// android-safetynet, apple, unknown).
    #[error("attestation format {fmt} is not supported")]
    UnsupportedFormat {
        /// The format.
        fmt: AttestationFormat,
    },
    /// The attestation statement names an algorithm careid does not verify.
    #[error("attestation algorithm {alg} is not supported")]
    AttestationAlgorithm {
        /// The COSE algorithm identifier.
        alg: i64,
    },
    /// Self attestation whose `alg` differs from the credential key's (§8.2 verification).
    #[error(
        "self attestation algorithm {statement} differs from the credential key's {credential}"
    )]
    SelfAttestationAlgorithmMismatch {
        /// `alg` in the statement.
        statement: i64,
        /// `alg` of the credential key.
        credential: i64,
    },
    /// The attestation signature does not verify (or the attestation key cannot verify it).
    #[error("attestation signature: {0}")]
    AttestationSignature(careid_crypto::Error),
    /// An attestation certificate does not decode (careid-x509).
    #[error("attestation certificate {index}: {source}")]
    AttestationCertificate {
        /// Its position in `x5c`.
        index: usize,
        /// Why.
        source: careid_x509::Error,
    },
    /// The attestation certificate breaks WebAuthn §8.2.1 (packed) or §8.6 (fido-u2f).
    #[error("attestation certificate requirement: {0}")]
    CertificateRequirement(CertificateRequirement),
    /// The AAGUID in the attestation certificate's id-fido-gen-ce-aaguid extension differs
    /// from the one in authenticatorData (§8.2.1).
    #[error("the attestation certificate's AAGUID differs from authenticatorData's")]
    AaguidMismatch,
    /// The attestation chain does not validate to a trust anchor configured for this
    /// authenticator model (§7.1 step 23-24, careid-x509).
    #[error("attestation chain: {0}")]
    AttestationChain(careid_x509::Error),
    /// The policy requires attestation that chains to a configured root, and this one does not
    /// (none, self, or no roots for the AAGUID).
    #[error("attestation is not trusted and the policy requires trusted attestation")]
    UntrustedAttestation,
    /// The credential ID is not in allowCredentials (§7.2 step 5).
    #[error("the credential is not in allowCredentials")]
    CredentialNotAllowed,
    /// The response's credential ID is not the stored credential's.
    #[error("the response names another credential than the stored one")]
    CredentialMismatch,
    /// `userHandle` does not match the credential's user (§7.2 step 6), or is missing when the
    /// user was not identified before the ceremony.
    #[error("userHandle does not match the credential's user")]
    UserHandleMismatch,
    /// The assertion signature does not verify (§7.2 step 21).
    #[error("assertion signature: {0}")]
    Signature(careid_crypto::Error),
    /// The signature counter did not increase (§7.2 step 22, WebAuthn §6.1.1): a sign that the
    /// authenticator may have been cloned.
    #[error("signature counter went from {stored} to {received}: possible cloned authenticator")]
    CounterRegression {
        /// The counter stored after the last login.
        stored: u32,
        /// The counter in this assertion.
        received: u32,
    },
    /// A stored credential record that does not decode.
    #[error("stored credential record is malformed")]
    CredentialRecordMalformed,
}

/// What is wrong with a clientDataJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientDataProblem {
    /// Longer than [`MAX_CLIENT_DATA_LEN`](crate::MAX_CLIENT_DATA_LEN).
    TooLong,
    /// Not JSON (or not UTF-8), at this 1-based line and column.
    Syntax {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// Not a JSON object.
    NotAnObject,
    /// A member name appears twice in one object (anywhere in the document).
    DuplicateMember,
    /// Objects and arrays nested too deep.
    TooDeep,
    /// A required member is missing.
    Missing {
        /// The member.
        member: &'static str,
    },
    /// A member has the wrong JSON type.
    WrongType {
        /// The member.
        member: &'static str,
    },
    /// `challenge` is not strict base64url without padding.
    ChallengeEncoding,
}

impl core::fmt::Display for ClientDataProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TooLong => f.write_str("too long"),
            Self::Syntax { line, column } => {
                write!(f, "not JSON at line {line}, column {column}")
            }
            Self::NotAnObject => f.write_str("not a JSON object"),
            Self::DuplicateMember => f.write_str("duplicate member"),
            Self::TooDeep => f.write_str("nested too deep"),
            Self::Missing { member } => write!(f, "no `{member}` member"),
            Self::WrongType { member } => write!(f, "`{member}` has the wrong JSON type"),
            Self::ChallengeEncoding => f.write_str("challenge is not base64url"),
        }
    }
}

/// A WebAuthn §8.2.1 / §8.6 requirement an attestation certificate breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateRequirement {
    /// The certificate does not decode as X.509.
    Undecodable,
    /// Not an X.509 v3 certificate.
    NotVersion3,
    /// The subject has no C (ISO 3166 country code).
    MissingCountry,
    /// The subject has no O.
    MissingOrganization,
    /// The subject OU is not "Authenticator Attestation".
    WrongOrganizationalUnit,
    /// The subject has no CN.
    MissingCommonName,
    /// basicConstraints is absent, or says CA.
    BasicConstraints,
    /// The id-fido-gen-ce-aaguid extension is critical.
    AaguidExtensionCritical,
    /// The id-fido-gen-ce-aaguid extension is not an OCTET STRING of 16 bytes.
    AaguidExtensionMalformed,
    /// fido-u2f: the attestation key is not EC P-256.
    NotP256,
    /// fido-u2f: `x5c` must hold exactly one certificate.
    CertificateCount,
}

impl core::fmt::Display for CertificateRequirement {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Undecodable => "not a decodable X.509 certificate",
            Self::NotVersion3 => "not X.509 v3",
            Self::MissingCountry => "subject has no C",
            Self::MissingOrganization => "subject has no O",
            Self::WrongOrganizationalUnit => "subject OU is not \"Authenticator Attestation\"",
            Self::MissingCommonName => "subject has no CN",
            Self::BasicConstraints => "basicConstraints absent or CA",
            Self::AaguidExtensionCritical => "the AAGUID extension is critical",
            Self::AaguidExtensionMalformed => "the AAGUID extension is malformed",
            Self::NotP256 => "the attestation key is not P-256",
            Self::CertificateCount => "x5c must hold exactly one certificate",
        })
    }
}

impl From<careid_ctap::Error> for WebAuthnError {
    fn from(err: careid_ctap::Error) -> Self {
        Self::Ctap(err)
    }
}
