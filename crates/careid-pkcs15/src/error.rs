//! The one error type of careid-pkcs15.

use careid_apdu::StatusWord;

/// What can go wrong talking to a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The APDU layer or the transport failed.
    #[error("APDU: {0}")]
    Apdu(#[from] careid_apdu::Error),
    /// The card answered a command with an unexpected status word.
    #[error("the card refused {operation} with status {sw}")]
    Card {
        /// The operation.
        operation: Operation,
        /// The status word.
        sw: StatusWord,
    },
    /// Neither the PIV application nor a PKCS#15 application was found.
    #[error("the card has neither a PIV nor a PKCS#15 application")]
    UnsupportedCard,
    /// A PKCS#15 or PIV structure read from the card does not decode.
    #[error("malformed {structure} on the card")]
    Malformed {
        /// Which structure.
        structure: Structure,
    },
    /// No object with that id.
    #[error("no {kind} with that id on the card")]
    NotFound {
        /// What was looked for.
        kind: ObjectKind,
    },
    /// The PIN was wrong. `tries_left` is the card's count (`63Cx`), `None` when the card gave
    /// no count (`6300`). With `Some(0)` the PIN is now blocked.
    #[error("wrong PIN ({})", match tries_left { Some(n) => format!("{n} tries left"), None => "tries left unknown".to_owned() })]
    WrongPin {
        /// Tries left.
        tries_left: Option<u8>,
    },
    /// The PIN is blocked (`6983`): it must be unblocked with the PUK (by a Registration
    /// Authority for NHS cards).
    #[error("the PIN is blocked")]
    PinBlocked,
    /// The PIN reference data is not usable (`6984`).
    #[error("the PIN is not usable")]
    PinUnusable,
    /// The PIN does not fit the card's rules (length, characters), so it was not sent: no try
    /// was spent.
    #[error("the PIN must be {min} to {max} {kind} characters; it was not sent to the card")]
    PinFormat {
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// The characters allowed.
        kind: &'static str,
    },
    /// The card was reset or re-inserted since the PIN was verified: the verification is gone
    /// and must be repeated by the user. careid never re-sends a PIN on its own.
    #[error("the card was reset; the PIN must be entered again")]
    PinStateLost,
    /// The key cannot do what was asked (sign with a key without the sign usage, an unsupported
    /// key type or hash).
    #[error("the key cannot perform this operation")]
    KeyUnsuitable,
    /// A digest of the wrong length for its hash algorithm.
    #[error("a {expected}-byte digest was expected, got {actual}")]
    DigestLength {
        /// The hash's length.
        expected: usize,
        /// The length given.
        actual: usize,
    },
}

/// Which command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// SELECT of an application or file.
    Select,
    /// READ BINARY.
    ReadBinary,
    /// GET DATA (PIV).
    GetData,
    /// VERIFY.
    Verify,
    /// CHANGE REFERENCE DATA.
    ChangePin,
    /// RESET RETRY COUNTER.
    UnblockPin,
    /// MANAGE SECURITY ENVIRONMENT.
    ManageSecurityEnvironment,
    /// PERFORM SECURITY OPERATION: COMPUTE DIGITAL SIGNATURE.
    ComputeSignature,
    /// INTERNAL AUTHENTICATE.
    InternalAuthenticate,
    /// GENERAL AUTHENTICATE (PIV).
    GeneralAuthenticate,
}

impl core::fmt::Display for Operation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Select => "SELECT",
            Self::ReadBinary => "READ BINARY",
            Self::GetData => "GET DATA",
            Self::Verify => "VERIFY",
            Self::ChangePin => "CHANGE REFERENCE DATA",
            Self::UnblockPin => "RESET RETRY COUNTER",
            Self::ManageSecurityEnvironment => "MANAGE SECURITY ENVIRONMENT",
            Self::ComputeSignature => "PSO: COMPUTE DIGITAL SIGNATURE",
            Self::InternalAuthenticate => "INTERNAL AUTHENTICATE",
            Self::GeneralAuthenticate => "GENERAL AUTHENTICATE",
        })
    }
}

/// A structure read from the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Structure {
    /// A file control parameter template (ISO/IEC 7816-4 §7.4).
    Fcp,
    /// EF.DIR.
    EfDir,
    /// EF.ODF.
    Odf,
    /// EF.TokenInfo.
    TokenInfo,
    /// An AODF entry.
    Aodf,
    /// A PrKDF entry.
    Prkdf,
    /// A CDF entry.
    Cdf,
    /// A PKCS#15 path.
    Path,
    /// A PIV data object (certificate container, CHUID).
    PivObject,
    /// An X.509 certificate (to find its key type).
    Certificate,
    /// A signature returned by the card.
    Signature,
}

impl core::fmt::Display for Structure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Fcp => "file control parameters",
            Self::EfDir => "EF.DIR",
            Self::Odf => "EF.ODF",
            Self::TokenInfo => "EF.TokenInfo",
            Self::Aodf => "AODF",
            Self::Prkdf => "PrKDF",
            Self::Cdf => "CDF",
            Self::Path => "path",
            Self::PivObject => "PIV data object",
            Self::Certificate => "certificate",
            Self::Signature => "signature",
        })
    }
}

/// A kind of object on the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectKind {
    /// A certificate.
    Certificate,
    /// A private key.
    Key,
    /// A PIN.
    Pin,
}

impl core::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Certificate => "certificate",
            Self::Key => "key",
            Self::Pin => "PIN",
        })
    }
}
