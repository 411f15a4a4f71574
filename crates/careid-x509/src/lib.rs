#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod anchor;
mod asn1;
mod cache;
mod cert;
mod crl;
mod error;
mod name;
mod nhs;
mod oids;
mod options;
mod path;
mod policy;
mod revocation;
mod time;
mod usage;
mod verified;

pub use anchor::{PublishedAnchor, TrustAnchor};
pub use cache::{CacheStats, ValidationCache};
pub use cert::Certificate;
pub use crl::{Crl, CrlSet, RevocationReason};
pub use error::{
    AnchorField, BudgetKind, Error, Input, Malformed, NameForm, RevocationUnknownCause,
};
pub use name::Name;
pub use nhs::{CardKeyPurpose, NhsCardValidator, NhsIdentity, UserUuid};
pub use options::{Budget, PolicySettings, RevocationMode, RevocationPolicy};
pub use path::{Validator, ValidatorBuilder};
pub use time::Time;
pub use usage::{KeyUsage, Purpose};
pub use verified::{RevocationStatus, VerifiedPath};

/// careid-crypto, whose `AlgorithmSet`, `KeyPolicy` and `Error` appear in this crate's API.
pub use careid_crypto;
/// The `der` crate's `ObjectIdentifier`, used for policies and purposes.
pub use der::oid::ObjectIdentifier;
/// anyPolicy (2.5.29.32.0, RFC 5280 §4.2.1.4).
pub const ANY_POLICY: ObjectIdentifier = oids::ANY_POLICY;
