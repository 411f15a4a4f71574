#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod algorithm;
mod cose;
mod error;
mod jwk;
mod key;
mod oids;

pub use algorithm::{AlgorithmSet, KeyKind, SignatureAlgorithm, SignatureFormat};
pub use error::{Error, UnsupportedCurveName};
pub use jwk::Jwk;
pub use key::{KeyPolicy, PublicKey, RSA_MAX_BITS};

/// The `coset` crate, whose `CoseKey` appears in [`PublicKey::from_cose_key`].
pub use coset;
/// The `spki` crate, whose `SubjectPublicKeyInfoRef` and `AlgorithmIdentifierRef` appear in
/// [`PublicKey::from_spki_with_policy`] and [`SignatureAlgorithm::from_x509`].
pub use spki;
