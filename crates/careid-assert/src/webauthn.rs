//! WebAuthn relying-party verification (W3C WebAuthn Level 2/3 §7): registration with
//! attestation (§7.1, §8) and authentication (§7.2), over careid-ctap's authenticatorData and
//! attestationObject types, careid-crypto's signatures and careid-x509's path validation.
//!
//! The module is pure: challenges, stored credentials, trust anchors and the validation time
//! come in as arguments; nothing here reads a clock, does I/O or draws random numbers.

mod assertion;
mod attestation;
mod client_data;
mod credential;
mod error;
mod policy;
mod registration;

pub use assertion::{AssertionResponse, CounterCheck, VerifiedAssertion};
pub use attestation::{AttestationTrust, AttestationType, VerifiedAttestation};
pub use client_data::{ClientData, MAX_CLIENT_DATA_LEN};
pub use credential::{AttestationClass, AuthenticatorAssurance, CredentialRecord};
pub use error::{CertificateRequirement, ClientDataProblem, WebAuthnError};
pub use policy::{
    AttestationRoots, CounterPolicy, UserVerification, WebAuthnPolicy, WebAuthnPolicyBuilder,
};
pub use registration::{RegistrationResponse, VerifiedRegistration};

/// SHA-256 (WebAuthn's hash for rpIdHash and clientDataHash).
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// How careid-crypto wants a signature of `algorithm` in WebAuthn: ECDSA as ASN.1 DER
/// (WebAuthn §6.5.5 "Signature Formats"), the others in their only form.
pub(crate) fn signature_format(
    algorithm: careid_crypto::SignatureAlgorithm,
) -> careid_crypto::SignatureFormat {
    match algorithm {
        careid_crypto::SignatureAlgorithm::Es256 | careid_crypto::SignatureAlgorithm::Es384 => {
            careid_crypto::SignatureFormat::Der
        }
        _ => careid_crypto::SignatureFormat::Fixed,
    }
}
