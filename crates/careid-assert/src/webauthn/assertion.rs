//! Authentication (WebAuthn §7.2 "Verifying an Authentication Assertion").

use super::client_data::ClientData;
use super::credential::{AuthenticatorAssurance, CredentialRecord};
use super::error::WebAuthnError;
use super::policy::{CounterPolicy, UserVerification, WebAuthnPolicy};
use super::{sha256, signature_format};
use careid_ctap::AuthenticatorData;

/// What the browser (or careid's own CTAP client) returns from `navigator.credentials.get()`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AssertionResponse<'a> {
    /// `credential.rawId`.
    pub credential_id: &'a [u8],
    /// `response.clientDataJSON`.
    pub client_data_json: &'a [u8],
    /// `response.authenticatorData`.
    pub authenticator_data: &'a [u8],
    /// `response.signature`.
    pub signature: &'a [u8],
    /// `response.userHandle`, when the authenticator returned one.
    pub user_handle: Option<&'a [u8]>,
}

impl<'a> AssertionResponse<'a> {
    /// A response without a user handle.
    pub fn new(
        credential_id: &'a [u8],
        client_data_json: &'a [u8],
        authenticator_data: &'a [u8],
        signature: &'a [u8],
    ) -> Self {
        Self {
            credential_id,
            client_data_json,
            authenticator_data,
            signature,
            user_handle: None,
        }
    }

    /// With the authenticator's user handle.
    #[must_use]
    pub fn with_user_handle(mut self, user_handle: &'a [u8]) -> Self {
        self.user_handle = Some(user_handle);
        self
    }
}

/// What the signature counter said (WebAuthn §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CounterCheck {
    /// It went up: store the new value.
    Increased,
    /// Both the stored and the received counter are 0: the authenticator keeps no counter
    /// (common for synced passkeys); no signal either way.
    NotSupported,
    /// It did not go up: a sign of a cloned authenticator. Only returned under
    /// [`CounterPolicy::Flag`]; the default policy refuses the assertion.
    Regressed {
        /// The stored counter.
        stored: u32,
        /// The received counter.
        received: u32,
    },
}

/// An assertion that passed every check. Only [`WebAuthnPolicy::verify_assertion`] makes one.
/// Store [`VerifiedAssertion::updated_credential`] (the new counter and backup state)
/// atomically with the check, so two logins cannot race past the counter.
#[derive(Debug, Clone)]
pub struct VerifiedAssertion {
    updated: CredentialRecord,
    user_present: bool,
    user_verified: bool,
    counter: CounterCheck,
    assurance: AuthenticatorAssurance,
}

impl VerifiedAssertion {
    /// The credential that signed.
    pub fn credential_id(&self) -> &[u8] {
        self.updated.id()
    }
    /// The user handle of the credential.
    pub fn user_handle(&self) -> &[u8] {
        self.updated.user_handle()
    }
    /// The credential record with the new counter and backup state, to store.
    pub fn updated_credential(&self) -> &CredentialRecord {
        &self.updated
    }
    /// UP.
    pub fn user_present(&self) -> bool {
        self.user_present
    }
    /// UV.
    pub fn user_verified(&self) -> bool {
        self.user_verified
    }
    /// The counter verdict.
    pub fn counter(&self) -> CounterCheck {
        self.counter
    }
    /// The assurance of this login (FIDO.md §7).
    pub fn assurance(&self) -> AuthenticatorAssurance {
        self.assurance
    }
}

impl WebAuthnPolicy {
    /// Verifies an assertion (WebAuthn §7.2) against the stored `credential`. `challenge` is
    /// the one issued for this ceremony; `allow_credentials` the credential IDs the relying
    /// party offered (empty when the user was not identified first, in which case the
    /// authenticator must return the user handle).
    pub fn verify_assertion(
        &self,
        challenge: &[u8],
        allow_credentials: &[&[u8]],
        credential: &CredentialRecord,
        response: &AssertionResponse<'_>,
    ) -> Result<VerifiedAssertion, WebAuthnError> {
        // Step 5: the credential was offered.
        if !allow_credentials.is_empty() && !allow_credentials.contains(&response.credential_id) {
            return Err(WebAuthnError::CredentialNotAllowed);
        }
        // Step 6: it is the stored credential, of the right user.
        if response.credential_id != credential.id() {
            return Err(WebAuthnError::CredentialMismatch);
        }
        match response.user_handle {
            Some(handle) if handle != credential.user_handle() => {
                return Err(WebAuthnError::UserHandleMismatch);
            }
            None if allow_credentials.is_empty() => {
                return Err(WebAuthnError::UserHandleMismatch);
            }
            _ => {}
        }
        // Steps 9-14: clientDataJSON.
        ClientData::parse(response.client_data_json)?.check(
            "webauthn.get",
            challenge,
            &self.origins,
            self.allow_cross_origin,
        )?;
        self.assertion_steps(
            &sha256(response.client_data_json),
            credential,
            response.authenticator_data,
            response.signature,
        )
    }

    /// WebAuthn §7.2 steps 15-22 alone, given the clientDataHash (test vectors that publish
    /// only the hash). Dangerous: without the clientDataJSON checks nothing binds the
    /// assertion to this ceremony's challenge and origin, and the credential and user handle
    /// checks of steps 5-6 are the caller's.
    pub fn danger_verify_assertion_without_client_data(
        &self,
        client_data_hash: &[u8; 32],
        credential: &CredentialRecord,
        authenticator_data: &[u8],
        signature: &[u8],
    ) -> Result<VerifiedAssertion, WebAuthnError> {
        self.assertion_steps(client_data_hash, credential, authenticator_data, signature)
    }

    fn assertion_steps(
        &self,
        client_data_hash: &[u8; 32],
        credential: &CredentialRecord,
        authenticator_data: &[u8],
        signature: &[u8],
    ) -> Result<VerifiedAssertion, WebAuthnError> {
        // Steps 15-19: authenticatorData.
        let auth_data = AuthenticatorData::parse(authenticator_data)?;
        auth_data.expect_attested(false)?;
        if auth_data.rp_id_hash() != &self.rp_id_hash {
            return Err(WebAuthnError::RpIdHashMismatch);
        }
        let flags = auth_data.flags();
        if !flags.user_present() && !self.allow_user_not_present {
            return Err(WebAuthnError::UserNotPresent);
        }
        if self.user_verification == UserVerification::Required && !flags.user_verified() {
            return Err(WebAuthnError::UserNotVerified);
        }
        if flags.backup_eligible() != credential.backup_eligible() {
            return Err(WebAuthnError::BackupEligibilityChanged {
                recorded: credential.backup_eligible(),
                now: flags.backup_eligible(),
            });
        }
        self.check_extensions(auth_data.extensions())?;
        // Steps 20-21: the signature over authenticatorData ‖ SHA-256(clientDataJSON).
        let mut signed = Vec::with_capacity(authenticator_data.len() + 32);
        signed.extend_from_slice(authenticator_data);
        signed.extend_from_slice(client_data_hash);
        let algorithm = credential.algorithm();
        credential
            .public_key()
            .verify(
                self.algorithms,
                algorithm,
                signature_format(algorithm),
                &signed,
                signature,
            )
            .map_err(WebAuthnError::Signature)?;
        // Step 22: the signature counter.
        let (stored, received) = (credential.sign_count(), auth_data.sign_count());
        let counter = if stored == 0 && received == 0 {
            CounterCheck::NotSupported
        } else if received > stored {
            CounterCheck::Increased
        } else {
            match self.counter {
                CounterPolicy::Reject => {
                    return Err(WebAuthnError::CounterRegression { stored, received });
                }
                CounterPolicy::Flag => CounterCheck::Regressed { stored, received },
            }
        };
        let mut updated = credential.clone();
        if counter == CounterCheck::Increased {
            updated.sign_count = received;
        }
        updated.backup_state = flags.backup_state();
        Ok(VerifiedAssertion {
            assurance: AuthenticatorAssurance::classify(
                flags.user_verified(),
                flags.backup_eligible(),
                credential.attestation(),
            ),
            updated,
            user_present: flags.user_present(),
            user_verified: flags.user_verified(),
            counter,
        })
    }
}
