//! careid authenticates NHS health and care staff the way the NHS Care Identity Service does,
//! and decides what they may do.
//!
//! This facade re-exports the paved path of the careid crates. Today it carries the signature
//! verification core, [`crypto`]; the smartcard, X.509, CIS2 token and RBAC layers join it as
//! they land. Each lower crate is also usable alone.
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

/// Signature verification and key import: see [`careid_crypto`].
pub mod crypto {
    pub use careid_crypto::{
        AlgorithmSet, Error, Jwk, KeyKind, KeyPolicy, PublicKey, SignatureAlgorithm,
        SignatureFormat,
    };
}
