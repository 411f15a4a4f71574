//! The CTAP2 platform side (CTAP 2.1 §6) over a [`Device`].

use crate::attestation::AttestationObject;
use crate::cbor;
use crate::command::{
    CtapCommand, GetAssertionRequest, GetAssertionResponse, MakeCredentialRequest,
};
use crate::device::{Device, DeviceOptions, IgnoreKeepalives, KeepaliveHook};
use crate::error::{Error, MemberKey, MemberProblem};
use crate::info::AuthenticatorInfo;
use crate::pin::{
    ClientPinRequest, ClientPinResponse, KeyAgreementKey, Permissions, Pin, PinSubcommand,
    PinUvAuthProtocol, PinUvAuthToken, SharedSecret,
};
use crate::status::StatusCode;
use crate::transport::HidTransport;
use ciborium::value::Value;
use rand_core::CryptoRng;

/// The PIN retry state (CTAP 2.1 §6.5.5.2 getPINRetries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinRetries {
    /// PIN attempts left before the PIN blocks (only a reset helps then).
    pub retries: u64,
    /// Whether the key must be unplugged and plugged in again before the next attempt (three
    /// consecutive wrong PINs, CTAP 2.1 §6.5.5.5).
    pub power_cycle_required: Option<bool>,
}

/// A CTAP2 authenticator on a CTAPHID channel: getInfo at open, then makeCredential,
/// getAssertion and the clientPIN subcommands careid needs. careid never sends
/// authenticatorReset, setPIN/changePIN, credential management, bio enrollment, large blobs or
/// authenticatorConfig (FIDO.md §2), and never retries a PIN on its own.
#[derive(Debug)]
pub struct Authenticator<T: HidTransport> {
    device: Device<T>,
    info: AuthenticatorInfo,
}

impl<T: HidTransport> Authenticator<T> {
    /// Opens the device (CTAPHID_INIT with a nonce from `rng`) and reads its info.
    pub fn open<R: CryptoRng + ?Sized>(transport: T, rng: &mut R) -> Result<Self, Error> {
        Self::open_with(transport, DeviceOptions::default(), rng)
    }

    /// [`Authenticator::open`] with device options.
    pub fn open_with<R: CryptoRng + ?Sized>(
        transport: T,
        options: DeviceOptions,
        rng: &mut R,
    ) -> Result<Self, Error> {
        let mut nonce = [0u8; 8];
        rng.fill_bytes(&mut nonce);
        Self::from_device(Device::open_with(transport, nonce, options)?)
    }

    /// Wraps an open device and reads its info.
    pub fn from_device(device: Device<T>) -> Result<Self, Error> {
        let mut this = Self {
            device,
            info: AuthenticatorInfo::new(Vec::new(), crate::Aaguid::ZERO),
        };
        this.info = this.get_info()?;
        Ok(this)
    }

    /// The info read at open.
    pub fn info(&self) -> &AuthenticatorInfo {
        &self.info
    }

    /// The CTAPHID device.
    pub fn device(&self) -> &Device<T> {
        &self.device
    }

    /// The CTAPHID device, mutably.
    pub fn device_mut(&mut self) -> &mut Device<T> {
        &mut self.device
    }

    /// Gives the transport back.
    pub fn into_transport(self) -> T {
        self.device.into_transport()
    }

    /// authenticatorGetInfo (CTAP 2.1 §6.4). Also refreshes [`Authenticator::info`].
    pub fn get_info(&mut self) -> Result<AuthenticatorInfo, Error> {
        let body = self
            .request(CtapCommand::GetInfo, None, &mut IgnoreKeepalives)?
            .ok_or(Error::Member {
                context: "authenticatorGetInfo response",
                member: MemberKey::Int(1),
                problem: MemberProblem::Missing,
            })?;
        let info = AuthenticatorInfo::from_value(&body)?;
        self.info = info.clone();
        Ok(info)
    }

    /// Sends one CTAP2 command (`command byte ‖ canonical CBOR`) and decodes the answer: a
    /// status other than CTAP2_OK is [`Error::Status`]; the body, if any, must be canonical
    /// CBOR. Requests over the authenticator's maxMsgSize are refused before they are sent.
    pub fn request(
        &mut self,
        command: CtapCommand,
        params: Option<&Value>,
        hook: &mut dyn KeepaliveHook,
    ) -> Result<Option<Value>, Error> {
        let mut request = vec![command.to_u8()];
        if let Some(params) = params {
            request.extend_from_slice(&cbor::encode(params));
        }
        if command != CtapCommand::GetInfo && request.len() > self.info.max_request_len() {
            return Err(Error::RequestTooLarge {
                len: request.len(),
                max: self.info.max_request_len(),
            });
        }
        let response = self.device.cbor(&request, hook)?;
        let (status, body) = response.split_first().ok_or(Error::EmptyResponse)?;
        let status = StatusCode::from_u8(*status);
        if !status.is_ok() {
            return Err(Error::Status { command, status });
        }
        if body.is_empty() {
            return Ok(None);
        }
        Ok(Some(cbor::decode(body)?))
    }

    /// authenticatorMakeCredential (CTAP 2.1 §6.1): registers a credential. The user touches
    /// the key meanwhile; `hook` hears the keepalives. An enterprise attestation (`epAtt`) that
    /// the request did not ask for is refused.
    pub fn make_credential(
        &mut self,
        request: &MakeCredentialRequest,
        hook: &mut dyn KeepaliveHook,
    ) -> Result<AttestationObject, Error> {
        let body = self
            .request(CtapCommand::MakeCredential, Some(&request.to_value()), hook)?
            .ok_or(Error::NotAMap {
                context: "authenticatorMakeCredential response",
            })?;
        let object = AttestationObject::from_ctap_value(&body)?;
        // CTAP 2.1 §6.1.2 step 22: epAtt only answers a request for enterprise attestation,
        // which identifies the individual key. An unrequested one is refused.
        if object.enterprise_attestation() == Some(true) && request.enterprise_attestation.is_none()
        {
            return Err(Error::Member {
                context: "authenticatorMakeCredential response",
                member: MemberKey::Int(4),
                problem: MemberProblem::Invalid,
            });
        }
        Ok(object)
    }

    /// authenticatorGetAssertion (CTAP 2.1 §6.2): signs the clientDataHash with a credential of
    /// the allowList. When the allowList has exactly one entry the authenticator may leave the
    /// credential out of its answer; careid fills it in. Attested credential data in an
    /// assertion is refused.
    pub fn get_assertion(
        &mut self,
        request: &GetAssertionRequest,
        hook: &mut dyn KeepaliveHook,
    ) -> Result<GetAssertionResponse, Error> {
        let body = self
            .request(CtapCommand::GetAssertion, Some(&request.to_value()), hook)?
            .ok_or(Error::NotAMap {
                context: "authenticatorGetAssertion response",
            })?;
        let mut response = GetAssertionResponse::from_value(&body)?;
        response.auth_data.expect_attested(false)?;
        if response.credential.is_none() {
            match request.allow_list.as_slice() {
                [only] => response.credential = Some(only.clone()),
                _ => {
                    return Err(Error::Member {
                        context: "authenticatorGetAssertion response",
                        member: MemberKey::Int(1),
                        problem: MemberProblem::Missing,
                    });
                }
            }
        }
        Ok(response)
    }

    /// authenticatorGetNextAssertion (CTAP 2.1 §6.3), after a getAssertion that reported
    /// several credentials.
    pub fn get_next_assertion(&mut self) -> Result<GetAssertionResponse, Error> {
        let body = self
            .request(CtapCommand::GetNextAssertion, None, &mut IgnoreKeepalives)?
            .ok_or(Error::NotAMap {
                context: "authenticatorGetNextAssertion response",
            })?;
        let response = GetAssertionResponse::from_value(&body)?;
        response.auth_data.expect_attested(false)?;
        Ok(response)
    }

    /// authenticatorSelection (CTAP 2.1 §6.9): waits for a touch.
    pub fn selection(&mut self, hook: &mut dyn KeepaliveHook) -> Result<(), Error> {
        self.request(CtapCommand::Selection, None, hook).map(drop)
    }

    /// getPINRetries (CTAP 2.1 §6.5.5.2). Costs no retry.
    pub fn pin_retries(&mut self) -> Result<PinRetries, Error> {
        let request = ClientPinRequest::new(PinSubcommand::GetPinRetries, None);
        let response = self.client_pin(&request, &mut IgnoreKeepalives)?;
        Ok(PinRetries {
            retries: response.pin_retries.ok_or(pin_member(3))?,
            power_cycle_required: response.power_cycle_state,
        })
    }

    /// getUVRetries (CTAP 2.1 §6.5.5.3).
    pub fn uv_retries(&mut self) -> Result<u64, Error> {
        let request = ClientPinRequest::new(PinSubcommand::GetUvRetries, None);
        let response = self.client_pin(&request, &mut IgnoreKeepalives)?;
        response.uv_retries.ok_or(pin_member(5))
    }

    /// Gets a pinUvAuthToken with the PIN (CTAP 2.1 §6.5.5.7): PIN/UV auth protocol Two when
    /// offered, else One; getPinUvAuthTokenUsingPinWithPermissions (`0x09`) when the
    /// authenticator supports permissions, else getPinToken (`0x05`).
    ///
    /// The PIN is sent once. A wrong PIN is [`Error::WrongPin`] with the retries left (read
    /// with getPINRetries right after); careid never tries again on its own.
    pub fn pin_uv_auth_token<R: CryptoRng + ?Sized>(
        &mut self,
        pin: &Pin,
        permissions: Permissions,
        rp_id: Option<&str>,
        rng: &mut R,
    ) -> Result<PinUvAuthToken, Error> {
        if self.info.option("clientPin") != Some(true) {
            return Err(Error::NoUserVerification);
        }
        let protocol = self.info.preferred_pin_protocol()?;
        let (platform_key, shared) = self.key_agreement(protocol, rng)?;
        let (subcommand, permissions) = if self.info.supports_permissions() {
            (
                PinSubcommand::GetPinUvAuthTokenUsingPinWithPermissions,
                Some(permissions),
            )
        } else {
            (PinSubcommand::GetPinToken, None)
        };
        let mut request = ClientPinRequest::new(subcommand, Some(protocol));
        request.key_agreement = Some(platform_key);
        request.pin_hash_enc = Some(shared.encrypt(&pin.hash16(), rng)?);
        request.permissions = permissions;
        if permissions.is_some() {
            request.rp_id = rp_id.map(str::to_owned);
        }
        let response = match self.client_pin(&request, &mut IgnoreKeepalives) {
            Err(Error::Status {
                status: StatusCode::PinInvalid,
                ..
            }) => {
                let retries_left = self
                    .pin_retries()
                    .ok()
                    .and_then(|r| u32::try_from(r.retries).ok());
                return Err(Error::WrongPin { retries_left });
            }
            other => other?,
        };
        let encrypted = response.pin_uv_auth_token.ok_or(pin_member(2))?;
        PinUvAuthToken::new(protocol, shared.decrypt(&encrypted)?, permissions)
    }

    /// Gets a pinUvAuthToken with the authenticator's built-in user verification (a
    /// fingerprint; CTAP 2.1 §6.5.5.8 getPinUvAuthTokenUsingUvWithPermissions).
    pub fn uv_auth_token<R: CryptoRng + ?Sized>(
        &mut self,
        permissions: Permissions,
        rp_id: Option<&str>,
        hook: &mut dyn KeepaliveHook,
        rng: &mut R,
    ) -> Result<PinUvAuthToken, Error> {
        if !self.info.has_builtin_uv() || !self.info.supports_permissions() {
            return Err(Error::NoUserVerification);
        }
        let protocol = self.info.preferred_pin_protocol()?;
        let (platform_key, shared) = self.key_agreement(protocol, rng)?;
        let mut request = ClientPinRequest::new(
            PinSubcommand::GetPinUvAuthTokenUsingUvWithPermissions,
            Some(protocol),
        );
        request.key_agreement = Some(platform_key);
        request.permissions = Some(permissions);
        request.rp_id = rp_id.map(str::to_owned);
        let response = self.client_pin(&request, hook)?;
        let encrypted = response.pin_uv_auth_token.ok_or(pin_member(2))?;
        PinUvAuthToken::new(protocol, shared.decrypt(&encrypted)?, Some(permissions))
    }

    /// getKeyAgreement, then the platform half of `encapsulate` (CTAP 2.1 §6.5.6/§6.5.7).
    fn key_agreement<R: CryptoRng + ?Sized>(
        &mut self,
        protocol: PinUvAuthProtocol,
        rng: &mut R,
    ) -> Result<(Value, SharedSecret), Error> {
        let request = ClientPinRequest::new(PinSubcommand::GetKeyAgreement, Some(protocol));
        let response = self.client_pin(&request, &mut IgnoreKeepalives)?;
        let peer = response.key_agreement.ok_or(pin_member(1))?;
        let platform = KeyAgreementKey::generate(rng);
        let shared = platform.shared_secret(protocol, &peer)?;
        Ok((platform.cose_public_key(), shared))
    }

    fn client_pin(
        &mut self,
        request: &ClientPinRequest,
        hook: &mut dyn KeepaliveHook,
    ) -> Result<ClientPinResponse, Error> {
        let body = self.request(CtapCommand::ClientPin, Some(&request.to_value()), hook)?;
        ClientPinResponse::from_value(body.as_ref())
    }
}

fn pin_member(key: i64) -> Error {
    Error::Member {
        context: "authenticatorClientPIN response",
        member: MemberKey::Int(key),
        problem: MemberProblem::Missing,
    }
}
