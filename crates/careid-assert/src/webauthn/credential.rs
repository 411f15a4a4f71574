//! The credential record a relying party stores at registration and loads at each login
//! (WebAuthn L3 §4 "credential record"), and the assurance class careid derives from it.

use super::attestation::{AttestationTrust, AttestationType, VerifiedAttestation};
use super::error::WebAuthnError;
use careid_crypto::{PublicKey, SignatureAlgorithm};
use careid_ctap::Aaguid;
use careid_ctap::cbor;
use careid_ctap::ciborium::value::Value;

/// How much the registration's attestation proved about the authenticator, stored with the
/// credential and re-read at every login (an assertion alone never proves hardware, FIDO.md
/// §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttestationClass {
    /// `none`: nothing.
    None,
    /// Self attestation: key possession only.
    SelfAttested,
    /// A certificate that did not chain to a configured root.
    Untrusted,
    /// A certificate chain to a root the relying party trusts for this model.
    Trusted,
}

impl AttestationClass {
    fn code(self) -> u64 {
        match self {
            Self::None => 0,
            Self::SelfAttested => 1,
            Self::Untrusted => 2,
            Self::Trusted => 3,
        }
    }

    fn from_code(code: u64) -> Option<Self> {
        match code {
            0 => Some(Self::None),
            1 => Some(Self::SelfAttested),
            2 => Some(Self::Untrusted),
            3 => Some(Self::Trusted),
            _ => None,
        }
    }

    pub(crate) fn of(attestation: &VerifiedAttestation) -> Self {
        match (&attestation.kind, &attestation.trust) {
            (AttestationType::None, _) => Self::None,
            (AttestationType::SelfAttestation, _) => Self::SelfAttested,
            (_, AttestationTrust::Trusted(_)) => Self::Trusted,
            _ => Self::Untrusted,
        }
    }
}

/// The authenticator assurance of one login (careid's mapping of FIDO.md §7, after NIST SP
/// 800-63B §4.2-4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AuthenticatorAssurance {
    /// User presence only: a single-factor cryptographic device; AAL2/AAL3 need another
    /// factor.
    SingleFactor,
    /// User verified, but the hardware binding is unproven (backup eligible, or attestation
    /// none, self or untrusted): at most AAL2.
    MultiFactor,
    /// User verified, not backup eligible, attestation trusted at registration: a multi-factor
    /// cryptographic hardware device, AAL3-eligible.
    MultiFactorHardware,
}

impl AuthenticatorAssurance {
    /// The class of a login with these flags on a credential registered with `attestation`.
    pub fn classify(
        user_verified: bool,
        backup_eligible: bool,
        attestation: AttestationClass,
    ) -> Self {
        match (user_verified, backup_eligible, attestation) {
            (false, _, _) => Self::SingleFactor,
            (true, false, AttestationClass::Trusted) => Self::MultiFactorHardware,
            _ => Self::MultiFactor,
        }
    }
}

/// What a relying party stores for a registered credential. Only
/// [`WebAuthnPolicy::verify_registration`](crate::WebAuthnPolicy::verify_registration) makes
/// one; storage round-trips it through [`CredentialRecord::to_bytes`] and
/// [`CredentialRecord::from_bytes`], which re-validates the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    pub(crate) id: Vec<u8>,
    pub(crate) public_key_cose: Vec<u8>,
    pub(crate) key: PublicKey,
    pub(crate) algorithm: SignatureAlgorithm,
    pub(crate) sign_count: u32,
    pub(crate) aaguid: Aaguid,
    pub(crate) backup_eligible: bool,
    pub(crate) backup_state: bool,
    pub(crate) user_verified: bool,
    pub(crate) attestation: AttestationClass,
    pub(crate) user_handle: Vec<u8>,
}

/// The storage format version.
const VERSION: u64 = 1;

impl CredentialRecord {
    /// The credential ID.
    pub fn id(&self) -> &[u8] {
        &self.id
    }
    /// The credential public key as the authenticator encoded it (COSE_Key).
    pub fn public_key_cose(&self) -> &[u8] {
        &self.public_key_cose
    }
    /// The imported public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }
    /// The credential's signature algorithm (its COSE_Key `alg`).
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
    /// The signature counter after the last verified ceremony.
    pub fn sign_count(&self) -> u32 {
        self.sign_count
    }
    /// The authenticator model.
    pub fn aaguid(&self) -> Aaguid {
        self.aaguid
    }
    /// BE at registration: whether the credential may be synced to other devices.
    pub fn backup_eligible(&self) -> bool {
        self.backup_eligible
    }
    /// BS at the last ceremony.
    pub fn backup_state(&self) -> bool {
        self.backup_state
    }
    /// Whether the user was verified at registration.
    pub fn user_verified_at_registration(&self) -> bool {
        self.user_verified
    }
    /// What the registration's attestation proved.
    pub fn attestation(&self) -> AttestationClass {
        self.attestation
    }
    /// The user handle the relying party assigned at registration.
    pub fn user_handle(&self) -> &[u8] {
        &self.user_handle
    }

    /// Encodes the record for storage (canonical CBOR, versioned).
    pub fn to_bytes(&self) -> Vec<u8> {
        let int = |n: u64| Value::Integer(n.into());
        cbor::encode(&Value::Map(vec![
            (int(0), int(VERSION)),
            (int(1), Value::Bytes(self.id.clone())),
            (int(2), Value::Bytes(self.public_key_cose.clone())),
            (int(3), int(u64::from(self.sign_count))),
            (int(4), Value::Bytes(self.aaguid.0.to_vec())),
            (int(5), Value::Bool(self.backup_eligible)),
            (int(6), Value::Bool(self.backup_state)),
            (int(7), Value::Bool(self.user_verified)),
            (int(8), int(self.attestation.code())),
            (int(9), Value::Bytes(self.user_handle.clone())),
        ]))
    }

    /// Decodes a stored record; the public key is imported again (its `alg` decides the
    /// algorithm) and must be one careid verifies.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, WebAuthnError> {
        let bad = || WebAuthnError::CredentialRecordMalformed;
        let Value::Map(entries) = cbor::decode(bytes).map_err(|_| bad())? else {
            return Err(bad());
        };
        let get = |key: u64| {
            entries
                .iter()
                .find(|(k, _)| k.as_integer() == Some(key.into()))
                .map(|(_, v)| v)
                .ok_or_else(bad)
        };
        let bytes_of = |key: u64| get(key)?.as_bytes().cloned().ok_or_else(bad);
        let bool_of = |key: u64| get(key)?.as_bool().ok_or_else(bad);
        let uint = |key: u64| {
            get(key)?
                .as_integer()
                .and_then(|i| u64::try_from(i).ok())
                .ok_or_else(bad)
        };
        if entries.len() != 10 || uint(0)? != VERSION {
            return Err(bad());
        }
        let public_key_cose = bytes_of(2)?;
        let (key, algorithm) = import_credential_key(&public_key_cose).map_err(|_| bad())?;
        let aaguid: [u8; 16] = bytes_of(4)?.try_into().map_err(|_| bad())?;
        Ok(Self {
            id: bytes_of(1)?,
            public_key_cose,
            key,
            algorithm,
            sign_count: u32::try_from(uint(3)?).map_err(|_| bad())?,
            aaguid: Aaguid(aaguid),
            backup_eligible: bool_of(5)?,
            backup_state: bool_of(6)?,
            user_verified: bool_of(7)?,
            attestation: AttestationClass::from_code(uint(8)?).ok_or_else(bad)?,
            user_handle: bytes_of(9)?,
        })
    }
}

/// Imports a credential COSE_Key: it must name its algorithm (WebAuthn §6.5.1.1) and that
/// algorithm must be one careid verifies; the key is restricted to it.
pub(crate) fn import_credential_key(
    cose: &[u8],
) -> Result<(PublicKey, SignatureAlgorithm), WebAuthnError> {
    let key = PublicKey::from_cose_key_bytes(cose).map_err(WebAuthnError::CredentialKey)?;
    let mut permitted = key.permitted_algorithms().iter();
    match (permitted.next(), permitted.next()) {
        // A COSE_Key with `alg` is restricted to exactly that algorithm.
        (Some(alg), None) if cose_alg(cose).is_some() => Ok((key, alg)),
        _ => Err(WebAuthnError::CredentialAlgorithmNotAllowed {
            alg: cose_alg(cose),
        }),
    }
}

/// The `alg` (label 3) of a COSE_Key, if present.
pub(crate) fn cose_alg(cose: &[u8]) -> Option<i64> {
    match cbor::decode(cose).ok()? {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_integer() == Some(3.into()))
            .and_then(|(_, v)| v.as_integer())
            .and_then(|i| i64::try_from(i).ok()),
        _ => None,
    }
}
