//! Registration (WebAuthn §7.1 "Registering a New Credential").

use super::attestation::{self, VerifiedAttestation};
use super::client_data::ClientData;
use super::credential::{
    AttestationClass, AuthenticatorAssurance, CredentialRecord, import_credential_key,
};
use super::error::WebAuthnError;
use super::policy::{UserVerification, WebAuthnPolicy};
use super::sha256;
use careid_ctap::AttestationObject;
use careid_ctap::ciborium::value::Value;
use careid_x509::Time;

/// The COSE `alg` the credential key names (ESP256 -9 and ES256 -7 are one
/// [`careid_crypto::SignatureAlgorithm`]; self attestation compares the numbers).
fn named_alg(cose: &[u8], algorithm: careid_crypto::SignatureAlgorithm) -> i64 {
    super::credential::cose_alg(cose).unwrap_or(algorithm.cose_id())
}

/// What the browser (or careid's own CTAP client) returns from `navigator.credentials.create()`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RegistrationResponse<'a> {
    /// `response.clientDataJSON`.
    pub client_data_json: &'a [u8],
    /// `response.attestationObject` (CBOR).
    pub attestation_object: &'a [u8],
}

impl<'a> RegistrationResponse<'a> {
    /// A response from its two parts.
    pub fn new(client_data_json: &'a [u8], attestation_object: &'a [u8]) -> Self {
        Self {
            client_data_json,
            attestation_object,
        }
    }
}

/// A registration that passed every check. Only [`WebAuthnPolicy::verify_registration`]
/// makes one. Store [`VerifiedRegistration::credential`] after checking that its ID is not
/// registered yet (WebAuthn §7.1 step 25: that lookup is the caller's).
#[derive(Debug, Clone)]
pub struct VerifiedRegistration {
    credential: CredentialRecord,
    attestation: VerifiedAttestation,
    assurance: AuthenticatorAssurance,
}

impl VerifiedRegistration {
    /// The record to store.
    pub fn credential(&self) -> &CredentialRecord {
        &self.credential
    }
    /// Takes the record to store.
    pub fn into_credential(self) -> CredentialRecord {
        self.credential
    }
    /// The verified attestation.
    pub fn attestation(&self) -> &VerifiedAttestation {
        &self.attestation
    }
    /// The assurance of this registration ceremony.
    pub fn assurance(&self) -> AuthenticatorAssurance {
        self.assurance
    }
}

impl WebAuthnPolicy {
    /// Verifies a registration (WebAuthn §7.1): `challenge` is the one issued for this
    /// ceremony (single use: the caller discards it), `user_handle` the user.id the relying
    /// party chose, `time` the validation time for the attestation chain.
    pub fn verify_registration(
        &self,
        challenge: &[u8],
        user_handle: &[u8],
        response: &RegistrationResponse<'_>,
        time: Time,
    ) -> Result<VerifiedRegistration, WebAuthnError> {
        let object = AttestationObject::from_webauthn_bytes(response.attestation_object)?;
        self.verify_registration_object(
            challenge,
            user_handle,
            response.client_data_json,
            &object,
            time,
        )
    }

    /// [`WebAuthnPolicy::verify_registration`] for an attestation object already decoded
    /// (careid-ctap's authenticatorMakeCredential response).
    pub fn verify_registration_object(
        &self,
        challenge: &[u8],
        user_handle: &[u8],
        client_data_json: &[u8],
        object: &AttestationObject,
        time: Time,
    ) -> Result<VerifiedRegistration, WebAuthnError> {
        // Steps 5-10: clientDataJSON.
        ClientData::parse(client_data_json)?.check(
            "webauthn.create",
            challenge,
            &self.origins,
            self.allow_cross_origin,
        )?;
        // Step 11.
        self.registration_steps(&sha256(client_data_json), user_handle, object, time)
    }

    /// WebAuthn §7.1 steps 12-24 alone, given the clientDataHash: for platforms that checked
    /// the clientDataJSON themselves and for test vectors that publish only the hash.
    /// Dangerous: without the clientDataJSON checks nothing binds the registration to this
    /// ceremony's challenge and origin.
    pub fn danger_verify_registration_without_client_data(
        &self,
        client_data_hash: &[u8; 32],
        user_handle: &[u8],
        object: &AttestationObject,
        time: Time,
    ) -> Result<VerifiedRegistration, WebAuthnError> {
        self.registration_steps(client_data_hash, user_handle, object, time)
    }

    /// Verifies only the attestation statement and its trust (WebAuthn §7.1 steps 19-24), with
    /// the credential key from the object's authenticatorData.
    pub fn verify_attestation_statement(
        &self,
        object: &AttestationObject,
        client_data_hash: &[u8; 32],
        time: Time,
    ) -> Result<VerifiedAttestation, WebAuthnError> {
        object.auth_data().expect_attested(true)?;
        let acd = object
            .auth_data()
            .attested_credential_data()
            .ok_or(WebAuthnError::Ctap(careid_ctap::Error::AuthData(
                careid_ctap::AuthDataError::AttestedDataPresence { present: false },
            )))?;
        let (key, algorithm) = import_credential_key(acd.public_key_cbor())?;
        attestation::verify(
            self,
            object,
            client_data_hash,
            &key,
            named_alg(acd.public_key_cbor(), algorithm),
            time,
        )
    }

    fn registration_steps(
        &self,
        client_data_hash: &[u8; 32],
        user_handle: &[u8],
        object: &AttestationObject,
        time: Time,
    ) -> Result<VerifiedRegistration, WebAuthnError> {
        // Steps 12-16: authenticatorData.
        let auth_data = object.auth_data();
        auth_data.expect_attested(true)?;
        if auth_data.rp_id_hash() != &self.rp_id_hash {
            return Err(WebAuthnError::RpIdHashMismatch);
        }
        let flags = auth_data.flags();
        if !flags.user_present() {
            return Err(WebAuthnError::UserNotPresent);
        }
        if self.user_verification == UserVerification::Required && !flags.user_verified() {
            return Err(WebAuthnError::UserNotVerified);
        }
        let acd = auth_data
            .attested_credential_data()
            .ok_or(WebAuthnError::Ctap(careid_ctap::Error::AuthData(
                careid_ctap::AuthDataError::AttestedDataPresence { present: false },
            )))?;
        // Step 17: the credential algorithm is one the RP allows.
        let (key, algorithm) = import_credential_key(acd.public_key_cbor())?;
        if !self.algorithms.contains(algorithm) {
            return Err(WebAuthnError::CredentialAlgorithmNotAllowed {
                alg: Some(algorithm.cose_id()),
            });
        }
        // Step 18: extension outputs.
        self.check_extensions(auth_data.extensions())?;
        // Steps 19-24: the attestation statement and its trust.
        let credential_alg = named_alg(acd.public_key_cbor(), algorithm);
        let attestation =
            attestation::verify(self, object, client_data_hash, &key, credential_alg, time)?;
        let class = AttestationClass::of(&attestation);
        let credential = CredentialRecord {
            id: acd.credential_id().to_vec(),
            public_key_cose: acd.public_key_cbor().to_vec(),
            key,
            algorithm,
            sign_count: auth_data.sign_count(),
            aaguid: acd.aaguid(),
            backup_eligible: flags.backup_eligible(),
            backup_state: flags.backup_state(),
            user_verified: flags.user_verified(),
            attestation: class,
            user_handle: user_handle.to_vec(),
        };
        Ok(VerifiedRegistration {
            assurance: AuthenticatorAssurance::classify(
                flags.user_verified(),
                flags.backup_eligible(),
                class,
            ),
            credential,
            attestation,
        })
    }

    /// Every extension output must be one the relying party allowed (§7.1 step 18, §7.2 step
    /// 19).
    pub(crate) fn check_extensions(&self, extensions: Option<&Value>) -> Result<(), WebAuthnError> {
        let Some(Value::Map(entries)) = extensions else {
            return Ok(());
        };
        let allowed = entries.iter().all(|(k, _)| {
            k.as_text()
                .is_some_and(|id| self.allowed_extensions.iter().any(|a| a == id))
        });
        if allowed {
            Ok(())
        } else {
            Err(WebAuthnError::UnexpectedExtension)
        }
    }
}
