#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod asn1;
mod card;
mod error;
mod pin;
mod token;

pub use error::{Error, ObjectKind, Operation, Structure};
pub use pin::{Pin, PinStatus};
pub use token::{
    CertificateInfo, Hash, KeyAlgorithm, KeyInfo, PIV_AID, PKCS15_AID, ProfileKind, Session, Token,
    parse_piv_certificate,
};
