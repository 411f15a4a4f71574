//! Test support for careid: deterministic test keys and signers for every algorithm careid
//! verifies, with their public keys as SubjectPublicKeyInfo, JWK and COSE_Key.
//!
//! Everything here is reproducible: keys come from fixed seeds through a seeded ChaCha20 RNG
//! (RSA) or directly from seed bytes (EC, Ed25519), and ECDSA signatures are deterministic
//! (RFC 6979). These keys are public knowledge: never trust them outside tests and demos.
//!
//! Signing lives here, in an unpublished crate, so that careid's verification crates contain
//! no signing code at all.
#![forbid(unsafe_code)]
// Test support: a failure here is a broken fixture, and panicking with a message is the
// clearest report a test can give.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod pki;
mod signer;

pub use pki::{DEMO_USER_NAME, DEMO_USER_UUID, TestPki};
pub use signer::{TestKey, TestSigner};
