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

mod cis2;
mod fido;
mod pki;
mod signer;
pub mod timing;
mod x509;

pub use cis2::{
    CIS2_CLIENT_ID, CIS2_FIXTURE_NOW, CIS2_INT_ISSUER, CIS2_KID, CIS2_NONCE, CIS2_ROTATED_KID,
    CIS2_SELECTED_ROLEID, CIS2_SID, CIS2_SUBJECT, Cis2Issuer, cis2_access_token_claims,
    cis2_id_token_claims, cis2_id_token_fixture, cis2_id_token_mavis, cis2_logout_token_claims,
    cis2_userinfo_fixture, cis2_userinfo_for,
};
pub use fido::{AttestationCertOptions, FIDO_AAGUID_OID, KEYSIM_AAGUID, TestAttestationCa};
pub use pki::{DEMO_USER_NAME, DEMO_USER_UUID, TestPki};
pub use signer::{TestKey, TestSigner};
pub use x509::{BAD_USER_UUID, X509Fixtures};
