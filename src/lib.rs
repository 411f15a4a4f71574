//! careid authenticates NHS health and care staff the way the NHS Care Identity Service does,
//! and decides what they may do.
//!
//! This facade re-exports the paved path of the careid crates: signature verification
//! ([`crypto`]) and smartcards ([`card`]); the X.509, CIS2 token and RBAC layers join it as they
//! land. Each lower crate is also usable alone.
//!
//! ```
//! use careid::crypto::{AlgorithmSet, SignatureAlgorithm};
//!
//! // The verifier decides the algorithm: CIS2 signs its tokens with RS256.
//! let allowed = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
//! assert!(allowed.check(SignatureAlgorithm::Rs256).is_ok());
//! assert!(allowed.check(SignatureAlgorithm::EdDsa).is_err());
//! ```
#![forbid(unsafe_code)]

/// Smartcards: the [`Token`](card::Token) API over PIV and PKCS#15 cards, PINs that are never
/// re-sent, and the transport trait a reader implements. See [`careid_pkcs15`] and
/// [`careid_apdu`].
pub mod card {
    pub use careid_apdu::{CardTransport, StatusWord, TransportError};
    pub use careid_pkcs15::{
        CertificateInfo, Error, Hash, KeyAlgorithm, KeyInfo, Pin, PinStatus, ProfileKind, Session,
        Token,
    };
}

/// Signature verification and key import: see [`careid_crypto`].
pub mod crypto {
    pub use careid_crypto::{
        AlgorithmSet, Error, Jwk, KeyKind, KeyPolicy, PublicKey, SignatureAlgorithm,
        SignatureFormat,
    };
}
