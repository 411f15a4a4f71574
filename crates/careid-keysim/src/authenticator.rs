//! The CTAP2 side of the simulated key (CTAP 2.1 §6): getInfo, makeCredential, getAssertion,
//! getNextAssertion, clientPIN and selection over canonical CBOR.

use careid_ctap::ciborium::value::Value;
use careid_ctap::coset::iana;
use careid_ctap::coset::{AsCborValue as _, CoseKeyBuilder};
use careid_ctap::rand_core::Rng as _;
use careid_ctap::{
    Aaguid, AttestationFormat, AttestationObject, AttestationStatement, AttestedCredentialData,
    AuthenticatorData, AuthenticatorInfo, ClientPinRequest, ClientPinResponse,
    CredentialDescriptor, CtapCommand, Error, Flags, GetAssertionRequest, GetAssertionResponse,
    KeyAgreementKey, MakeCredentialRequest, MemberProblem, Permissions, PinSubcommand,
    PinUvAuthParam, PinUvAuthProtocol, PinUvAuthToken, StatusCode, UserEntity, cbor,
};
use careid_testkit::{KEYSIM_AAGUID, TestAttestationCa};
use p256::ecdsa::signature::Signer as _;
use p256::elliptic_curve::Generate as _;
use rand_chacha::ChaCha20Rng;
use zeroize::Zeroizing;

/// The attestation the simulated key gives at registration (WebAuthn §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attestation {
    /// `packed` with `x5c` = [attestation certificate, intermediate] under
    /// [`TestAttestationCa`], the certificate carrying the keysim AAGUID (Basic attestation).
    PackedFull,
    /// `packed` without `x5c`, signed with the credential key (Self attestation).
    PackedSelf,
    /// `fido-u2f` with the attestation certificate, AAGUID zero (as from a U2F key).
    FidoU2f,
    /// `none`.
    None,
}

/// What happens when the key asks for a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserPresence {
    /// The user touches the key after this many UPNEEDED keepalives.
    Approve {
        /// Keepalives before the touch.
        after_keepalives: u32,
    },
    /// The user declines: CTAP2_ERR_OPERATION_DENIED.
    Deny,
    /// Nobody touches the key: CTAP2_ERR_USER_ACTION_TIMEOUT after this many keepalives.
    Timeout {
        /// Keepalives before the timeout.
        after_keepalives: u32,
    },
    /// Nobody touches the key and it waits forever (the host must cancel).
    Never,
}

/// The simulated key's PIN/UV auth protocol support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinProtocols {
    /// Two, then One (CTAP 2.1 keys).
    TwoAndOne,
    /// One only (CTAP 2.0 keys).
    OneOnly,
}

/// The default PIN retries (CTAP 2.1 §6.5.2.1: 8).
pub const PIN_RETRIES: u8 = 8;
/// Consecutive wrong PINs before a power cycle is needed (CTAP 2.1 §6.5.5.5: 3).
pub const PIN_ATTEMPTS_PER_POWER_CYCLE: u8 = 3;

pub(crate) struct Credential {
    pub(crate) id: Vec<u8>,
    rp_id: String,
    user: UserEntity,
    key: p256::ecdsa::SigningKey,
    resident: bool,
}

struct PinState {
    hash: Zeroizing<[u8; 16]>,
    retries: u8,
    consecutive_failures: u8,
}

struct TokenState {
    token: PinUvAuthToken,
    rp_id: Option<String>,
}

/// An operation waiting for the user's touch.
pub(crate) enum Pending {
    MakeCredential {
        request: MakeCredentialRequest,
        uv: bool,
    },
    GetAssertion {
        request: GetAssertionRequest,
        uv: bool,
        credentials: Vec<usize>,
    },
    Selection,
}

/// What a CTAP2 request gives.
pub(crate) enum Outcome {
    /// The response payload: status byte, then CBOR.
    Reply(Vec<u8>),
    /// The request needs a touch first.
    NeedsPresence(Box<Pending>),
}

pub(crate) struct Config {
    pub(crate) attestation: Attestation,
    pub(crate) pin_protocols: PinProtocols,
    pub(crate) ctap21: bool,
    pub(crate) builtin_uv: bool,
    pub(crate) uv_passes: bool,
    pub(crate) counter_enabled: bool,
    pub(crate) max_msg_size: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            attestation: Attestation::PackedFull,
            pin_protocols: PinProtocols::TwoAndOne,
            ctap21: true,
            builtin_uv: false,
            uv_passes: true,
            counter_enabled: true,
            max_msg_size: 1200,
        }
    }
}

pub(crate) struct Ctap2 {
    pub(crate) config: Config,
    rng: ChaCha20Rng,
    pub(crate) credentials: Vec<Credential>,
    pin: Option<PinState>,
    key_agreement: KeyAgreementKey,
    token: Option<TokenState>,
    pub(crate) sign_count: u32,
    next_assertions: Vec<(GetAssertionRequest, bool, usize)>,
    pub(crate) pin_token_requests: u32,
    /// The key-wrapping secret: non-resident credentials are derived from their ID with it,
    /// as on real keys, so the key needs no storage for them (and a key with the same seed
    /// recognises them in a later run).
    master: Zeroizing<[u8; 32]>,
}

fn status(code: StatusCode) -> Vec<u8> {
    vec![code.to_u8()]
}

fn ok(body: Option<&Value>) -> Vec<u8> {
    let mut out = vec![StatusCode::Ok.to_u8()];
    if let Some(body) = body {
        out.extend_from_slice(&cbor::encode(body));
    }
    out
}

/// The CTAP status for a request that does not decode (CTAP 2.1 §6, §8.2).
fn decode_status(err: &Error) -> StatusCode {
    match err {
        Error::Cbor(_) => StatusCode::InvalidCbor,
        Error::Member {
            problem: MemberProblem::Missing,
            ..
        } => StatusCode::MissingParameter,
        Error::Member {
            problem: MemberProblem::WrongType,
            ..
        }
        | Error::NotAMap { .. } => StatusCode::CborUnexpectedType,
        Error::Member {
            problem: MemberProblem::Invalid,
            ..
        } => StatusCode::InvalidOption,
        _ => StatusCode::InvalidParameter,
    }
}

/// A successful authenticatorClientPIN answer with the members `fill` sets.
fn pin_response(fill: impl FnOnce(&mut ClientPinResponse)) -> Vec<u8> {
    let mut response = ClientPinResponse::default();
    fill(&mut response);
    ok(response.to_value().as_ref())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn sign_der(key: &p256::ecdsa::SigningKey, message: &[u8]) -> Vec<u8> {
    let sig: p256::ecdsa::Signature = key.sign(message);
    sig.to_der().as_bytes().to_vec()
}

/// The uncompressed point coordinates of a P-256 key.
fn xy(key: &p256::ecdsa::SigningKey) -> (Vec<u8>, Vec<u8>) {
    let point = key.verifying_key().to_sec1_point(false);
    (
        point.x().map(|x| x.to_vec()).unwrap_or_default(),
        point.y().map(|y| y.to_vec()).unwrap_or_default(),
    )
}

impl Ctap2 {
    pub(crate) fn new(seed: u64, config: Config) -> Self {
        use careid_ctap::rand_core::SeedableRng as _;
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let key_agreement = KeyAgreementKey::generate(&mut rng);
        let mut master = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(master.as_mut());
        Self {
            config,
            rng,
            credentials: Vec::new(),
            pin: None,
            key_agreement,
            token: None,
            sign_count: 0,
            next_assertions: Vec::new(),
            pin_token_requests: 0,
            master,
        }
    }

    /// `HMAC-SHA-256(master, label ‖ nonce ‖ rpIdHash)`.
    fn wrap_mac(&self, label: &[u8], nonce: &[u8], rp_id_hash: &[u8; 32]) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.master.as_slice());
        let mut ctx = ring::hmac::Context::with_key(&key);
        ctx.update(label);
        ctx.update(nonce);
        ctx.update(rp_id_hash);
        let mut out = [0; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    /// A non-resident credential: ID = nonce(32) ‖ tag(16), the key derived from both.
    fn wrapped_credential(&mut self, rp_id_hash: &[u8; 32]) -> (Vec<u8>, p256::ecdsa::SigningKey) {
        loop {
            let mut nonce = [0u8; 32];
            self.rng.fill_bytes(&mut nonce);
            if let Some(key) = self.unwrap_key(&nonce, rp_id_hash) {
                let mut id = nonce.to_vec();
                id.extend_from_slice(&self.wrap_mac(b"careid-keysim id", &nonce, rp_id_hash)[..16]);
                return (id, key);
            }
        }
    }

    fn unwrap_key(&self, nonce: &[u8], rp_id_hash: &[u8; 32]) -> Option<p256::ecdsa::SigningKey> {
        let scalar = Zeroizing::new(self.wrap_mac(b"careid-keysim key", nonce, rp_id_hash));
        p256::ecdsa::SigningKey::from_slice(scalar.as_slice()).ok()
    }

    /// The credential with this ID for this RP: a stored one, or one this key wrapped.
    fn find_credential(&mut self, id: &[u8], rp_id: &str) -> Option<usize> {
        if let Some(i) = self
            .credentials
            .iter()
            .position(|c| c.id == id && c.rp_id == rp_id)
        {
            return Some(i);
        }
        let rp_id_hash = sha256(rp_id.as_bytes());
        let (nonce, tag) = (id.get(..32)?, id.get(32..)?);
        let expected = self.wrap_mac(b"careid-keysim id", nonce, &rp_id_hash);
        if tag.len() != 16 || !constant_time_eq(tag, expected.get(..16)?) {
            return None;
        }
        let key = self.unwrap_key(nonce, &rp_id_hash)?;
        self.credentials.push(Credential {
            id: id.to_vec(),
            rp_id: rp_id.to_owned(),
            user: UserEntity::new(Vec::new(), None, None),
            key,
            resident: false,
        });
        Some(self.credentials.len() - 1)
    }

    pub(crate) fn set_pin(&mut self, pin: &careid_ctap::Pin) {
        self.pin = Some(PinState {
            hash: Zeroizing::new(pin.hash16()),
            retries: PIN_RETRIES,
            consecutive_failures: 0,
        });
    }

    pub(crate) fn pin_retries(&self) -> Option<u8> {
        self.pin.as_ref().map(|p| p.retries)
    }

    /// A power cycle (CTAP 2.1 §6.5.5.5): new key agreement key, tokens and the per-boot
    /// failure count are gone.
    pub(crate) fn power_cycle(&mut self) {
        self.key_agreement = KeyAgreementKey::generate(&mut self.rng);
        self.token = None;
        self.next_assertions.clear();
        if let Some(pin) = &mut self.pin {
            pin.consecutive_failures = 0;
        }
    }

    pub(crate) fn aaguid(&self) -> Aaguid {
        if self.config.attestation == Attestation::FidoU2f {
            Aaguid::ZERO
        } else {
            Aaguid(KEYSIM_AAGUID)
        }
    }

    pub(crate) fn info(&self) -> AuthenticatorInfo {
        let mut versions = vec!["FIDO_2_0".to_owned()];
        if self.config.ctap21 {
            versions.push("FIDO_2_1".to_owned());
        }
        let mut info = AuthenticatorInfo::new(versions, self.aaguid());
        info.options.insert("rk".into(), true);
        info.options.insert("up".into(), true);
        info.options.insert("plat".into(), false);
        info.options.insert("clientPin".into(), self.pin.is_some());
        if self.config.builtin_uv {
            info.options.insert("uv".into(), true);
        }
        if self.config.ctap21 {
            info.options.insert("pinUvAuthToken".into(), true);
            info.options.insert("makeCredUvNotRqd".into(), true);
        }
        info.max_msg_size = Some(self.config.max_msg_size);
        info.pin_uv_auth_protocols = match self.config.pin_protocols {
            PinProtocols::TwoAndOne => vec![2, 1],
            PinProtocols::OneOnly => vec![1],
        };
        if self.config.ctap21 {
            info.max_credential_count_in_list = Some(8);
            info.max_credential_id_length = Some(64);
            info.transports = vec!["usb".to_owned()];
            info.algorithms = vec![-7];
            info.firmware_version = Some(1);
        }
        info
    }

    fn protocol_supported(&self, number: u64) -> Option<PinUvAuthProtocol> {
        let protocol = PinUvAuthProtocol::from_number(number).ok()?;
        match (self.config.pin_protocols, protocol) {
            (PinProtocols::OneOnly, PinUvAuthProtocol::Two) => None,
            _ => Some(protocol),
        }
    }

    fn next_count(&mut self) -> u32 {
        if self.config.counter_enabled {
            self.sign_count = self.sign_count.wrapping_add(1);
            self.sign_count
        } else {
            0
        }
    }

    /// Processes one CTAP2 request (`command byte ‖ CBOR`).
    pub(crate) fn process(&mut self, request: &[u8]) -> Outcome {
        let Some((command, params)) = request.split_first() else {
            return Outcome::Reply(status(StatusCode::InvalidLength));
        };
        let command = CtapCommand::from_u8(*command);
        let params = if params.is_empty() {
            None
        } else {
            match cbor::decode(params) {
                Ok(v) => Some(v),
                Err(_) => return Outcome::Reply(status(StatusCode::InvalidCbor)),
            }
        };
        // Only getNextAssertion may follow getAssertion (CTAP 2.1 §6.3).
        if command != CtapCommand::GetNextAssertion {
            self.next_assertions.clear();
        }
        match (command, params) {
            (CtapCommand::GetInfo, _) => Outcome::Reply(ok(Some(&self.info().to_value()))),
            (CtapCommand::MakeCredential, Some(p)) => match MakeCredentialRequest::from_value(&p) {
                Ok(req) => self.make_credential(req),
                Err(e) => Outcome::Reply(status(decode_status(&e))),
            },
            (CtapCommand::GetAssertion, Some(p)) => match GetAssertionRequest::from_value(&p) {
                Ok(req) => self.get_assertion(req),
                Err(e) => Outcome::Reply(status(decode_status(&e))),
            },
            (CtapCommand::GetNextAssertion, _) => Outcome::Reply(self.get_next_assertion()),
            (CtapCommand::ClientPin, Some(p)) => match ClientPinRequest::from_value(&p) {
                Ok(req) => Outcome::Reply(self.client_pin(&req)),
                Err(e) => Outcome::Reply(status(decode_status(&e))),
            },
            (CtapCommand::Selection, _) => Outcome::NeedsPresence(Box::new(Pending::Selection)),
            (
                CtapCommand::MakeCredential | CtapCommand::GetAssertion | CtapCommand::ClientPin,
                None,
            ) => Outcome::Reply(status(StatusCode::MissingParameter)),
            _ => Outcome::Reply(status(StatusCode::InvalidCommand)),
        }
    }

    /// Finishes an operation after the touch.
    pub(crate) fn finish(&mut self, pending: Box<Pending>) -> Vec<u8> {
        match *pending {
            Pending::MakeCredential { request, uv } => self.finish_make_credential(&request, uv),
            Pending::GetAssertion {
                request,
                uv,
                credentials,
            } => self.finish_get_assertion(&request, uv, &credentials, true),
            Pending::Selection => ok(None),
        }
    }

    /// Checks a pinUvAuthParam over the clientDataHash (CTAP 2.1 §6.1.2 step 11, §6.2.2 step
    /// 9).
    fn check_token(
        &self,
        auth: &PinUvAuthParam,
        client_data_hash: &[u8; 32],
        needed: Permissions,
        rp_id: &str,
    ) -> Result<(), StatusCode> {
        if self
            .protocol_supported(auth.protocol.number().unsigned_abs())
            .is_none()
        {
            return Err(StatusCode::InvalidParameter);
        }
        let Some(state) = &self.token else {
            return Err(StatusCode::PinAuthInvalid);
        };
        if state.token.protocol() != auth.protocol
            || !state.token.verify(client_data_hash, &auth.param)
        {
            return Err(StatusCode::PinAuthInvalid);
        }
        if let Some(permissions) = state.token.permissions()
            && !permissions.contains(needed)
        {
            return Err(StatusCode::UnauthorizedPermission);
        }
        if let Some(bound) = &state.rp_id
            && bound != rp_id
        {
            return Err(StatusCode::UnauthorizedPermission);
        }
        Ok(())
    }

    /// User verification for a request: a valid pinUvAuthParam, or built-in UV when asked.
    fn verify_user(
        &self,
        auth: Option<&PinUvAuthParam>,
        uv_option: bool,
        client_data_hash: &[u8; 32],
        needed: Permissions,
        rp_id: &str,
    ) -> Result<bool, StatusCode> {
        match auth {
            Some(auth) => self
                .check_token(auth, client_data_hash, needed, rp_id)
                .map(|()| true),
            None if uv_option => {
                if !self.config.builtin_uv {
                    Err(StatusCode::InvalidOption)
                } else if self.config.uv_passes {
                    Ok(true)
                } else {
                    Err(StatusCode::UvInvalid)
                }
            }
            None => Ok(false),
        }
    }

    fn make_credential(&mut self, request: MakeCredentialRequest) -> Outcome {
        if !request.algorithms.contains(&-7) {
            return Outcome::Reply(status(StatusCode::UnsupportedAlgorithm));
        }
        if request.enterprise_attestation.is_some() {
            return Outcome::Reply(status(StatusCode::InvalidParameter));
        }
        let uv = match self.verify_user(
            request.pin_uv_auth.as_ref(),
            request.user_verification,
            &request.client_data_hash,
            Permissions::MAKE_CREDENTIAL,
            &request.rp.id,
        ) {
            Ok(uv) => uv,
            Err(code) => return Outcome::Reply(status(code)),
        };
        // CTAP 2.1 §6.1.2 step 6: with a PIN set, a CTAP 2.0 key wants the PIN for every
        // registration; makeCredUvNotRqd lets a 2.1 key register non-resident credentials.
        if !uv && self.pin.is_some() && (!self.config.ctap21 || request.resident_key) {
            return Outcome::Reply(status(StatusCode::PuatRequired));
        }
        Outcome::NeedsPresence(Box::new(Pending::MakeCredential { request, uv }))
    }

    fn finish_make_credential(&mut self, request: &MakeCredentialRequest, uv: bool) -> Vec<u8> {
        let rp_id = &request.rp.id;
        if request.exclude_list.iter().any(|d| {
            self.credentials
                .iter()
                .any(|c| c.id == d.id && &c.rp_id == rp_id)
        }) {
            return status(StatusCode::CredentialExcluded);
        }
        let rp_id_hash = sha256(rp_id.as_bytes());
        let (id, key) = if request.resident_key {
            let mut id = vec![0u8; 48];
            self.rng.fill_bytes(&mut id);
            (
                id,
                p256::ecdsa::SigningKey::generate_from_rng(&mut self.rng),
            )
        } else {
            self.wrapped_credential(&rp_id_hash)
        };
        let (x, y) = xy(&key);
        let cose =
            CoseKeyBuilder::new_ec2_pub_key(iana::EllipticCurve::P_256, x.clone(), y.clone())
                .algorithm(iana::Algorithm::ES256)
                .build();
        let cose_value = match cose.to_cbor_value() {
            Ok(v) => v,
            Err(_) => return status(StatusCode::OtherError),
        };
        let cose_bytes = cbor::encode(&cose_value);
        let attested = match AttestedCredentialData::encode(self.aaguid(), &id, &cose_bytes) {
            Ok(a) => a,
            Err(_) => return status(StatusCode::OtherError),
        };
        let mut flags = Flags(Flags::UP);
        if uv {
            flags = flags.with(Flags::UV);
        }
        let count = self.next_count();
        let auth_data = AuthenticatorData::encode(&rp_id_hash, flags, count, Some(&attested), None);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&request.client_data_hash);
        let ca = TestAttestationCa::get();
        let attestation_key = ca.attestation_key.p256_signing_key();
        let (fmt, statement) = match (self.config.attestation, attestation_key) {
            (Attestation::PackedFull, Some(att_key)) => (
                AttestationFormat::Packed,
                AttestationStatement::Packed {
                    alg: -7,
                    sig: sign_der(att_key, &signed),
                    x5c: vec![ca.attestation_cert.clone(), ca.intermediate.clone()],
                },
            ),
            (Attestation::PackedSelf, _) => (
                AttestationFormat::Packed,
                AttestationStatement::Packed {
                    alg: -7,
                    sig: sign_der(&key, &signed),
                    x5c: Vec::new(),
                },
            ),
            (Attestation::FidoU2f, Some(att_key)) => {
                // WebAuthn §8.6 verification step 5: the U2F registration signature base.
                let mut base = vec![0x00];
                base.extend_from_slice(&rp_id_hash);
                base.extend_from_slice(&request.client_data_hash);
                base.extend_from_slice(&id);
                base.push(0x04);
                base.extend_from_slice(&x);
                base.extend_from_slice(&y);
                (
                    AttestationFormat::FidoU2f,
                    AttestationStatement::FidoU2f {
                        sig: sign_der(att_key, &base),
                        x5c: vec![ca.attestation_cert.clone()],
                    },
                )
            }
            (Attestation::None, _) => (AttestationFormat::None, AttestationStatement::None),
            (_, None) => return status(StatusCode::OtherError),
        };
        let parsed = match AuthenticatorData::parse(&auth_data) {
            Ok(p) => p,
            Err(_) => return status(StatusCode::OtherError),
        };
        let object = match AttestationObject::new(fmt, parsed, statement.to_value()) {
            Ok(o) => o,
            Err(_) => return status(StatusCode::OtherError),
        };
        self.credentials.push(Credential {
            id,
            rp_id: rp_id.clone(),
            user: request.user.clone(),
            key,
            resident: request.resident_key,
        });
        ok(Some(&object.to_ctap_value()))
    }

    fn get_assertion(&mut self, request: GetAssertionRequest) -> Outcome {
        let uv = match self.verify_user(
            request.pin_uv_auth.as_ref(),
            request.user_verification.unwrap_or(false),
            &request.client_data_hash,
            Permissions::GET_ASSERTION,
            &request.rp_id,
        ) {
            Ok(uv) => uv,
            Err(code) => return Outcome::Reply(status(code)),
        };
        let credentials: Vec<usize> = if request.allow_list.is_empty() {
            // Discoverable credentials, most recent first.
            (0..self.credentials.len())
                .rev()
                .filter(|i| {
                    self.credentials
                        .get(*i)
                        .is_some_and(|c| c.resident && c.rp_id == request.rp_id)
                })
                .collect()
        } else {
            let ids: Vec<Vec<u8>> = request.allow_list.iter().map(|d| d.id.clone()).collect();
            ids.iter()
                .filter_map(|id| self.find_credential(id, &request.rp_id))
                .collect()
        };
        if credentials.is_empty() {
            return Outcome::Reply(status(StatusCode::NoCredentials));
        }
        if request.user_presence.unwrap_or(true) {
            Outcome::NeedsPresence(Box::new(Pending::GetAssertion {
                request,
                uv,
                credentials,
            }))
        } else {
            Outcome::Reply(self.finish_get_assertion(&request, uv, &credentials, false))
        }
    }

    fn finish_get_assertion(
        &mut self,
        request: &GetAssertionRequest,
        uv: bool,
        credentials: &[usize],
        up: bool,
    ) -> Vec<u8> {
        let Some((first, rest)) = credentials.split_first() else {
            return status(StatusCode::NoCredentials);
        };
        let response = self.assertion(request, uv, up, *first, credentials.len());
        if request.allow_list.is_empty() {
            self.next_assertions = rest
                .iter()
                .rev()
                .map(|i| (request.clone(), uv, *i))
                .collect();
        }
        response
    }

    fn assertion(
        &mut self,
        request: &GetAssertionRequest,
        uv: bool,
        up: bool,
        index: usize,
        total: usize,
    ) -> Vec<u8> {
        let count = self.next_count();
        let Some(credential) = self.credentials.get(index) else {
            return status(StatusCode::NoCredentials);
        };
        let mut flags = Flags(0);
        if up {
            flags = flags.with(Flags::UP);
        }
        if uv {
            flags = flags.with(Flags::UV);
        }
        let auth_data =
            AuthenticatorData::encode(&sha256(request.rp_id.as_bytes()), flags, count, None, None);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&request.client_data_hash);
        let signature = sign_der(&credential.key, &signed);
        let Ok(parsed) = AuthenticatorData::parse(&auth_data) else {
            return status(StatusCode::OtherError);
        };
        let mut response = GetAssertionResponse::new(
            Some(CredentialDescriptor::new(credential.id.clone())),
            parsed,
            signature,
        );
        if credential.resident {
            // CTAP 2.1 §6.2.2: identifying user fields only after user verification.
            let mut user = credential.user.clone();
            if !uv {
                user.name = None;
                user.display_name = None;
            }
            response.user = Some(user);
        }
        if request.allow_list.is_empty() && total > 1 {
            response.number_of_credentials = u64::try_from(total).ok();
        }
        ok(Some(&response.to_value()))
    }

    fn get_next_assertion(&mut self) -> Vec<u8> {
        match self.next_assertions.pop() {
            Some((request, uv, index)) => self.assertion(&request, uv, true, index, 1),
            None => status(StatusCode::NotAllowed),
        }
    }

    fn client_pin(&mut self, request: &ClientPinRequest) -> Vec<u8> {
        let protocol = match request.protocol {
            Some(n) => match self.protocol_supported(n) {
                Some(p) => Some(p),
                None => return status(StatusCode::InvalidParameter),
            },
            None => None,
        };
        match request.subcommand {
            PinSubcommand::GetPinRetries => match &self.pin {
                Some(pin) => pin_response(|r| {
                    r.pin_retries = Some(u64::from(pin.retries));
                    r.power_cycle_state =
                        Some(pin.consecutive_failures >= PIN_ATTEMPTS_PER_POWER_CYCLE);
                }),
                None => pin_response(|r| r.pin_retries = Some(u64::from(PIN_RETRIES))),
            },
            PinSubcommand::GetKeyAgreement => {
                if protocol.is_none() {
                    return status(StatusCode::MissingParameter);
                }
                let key = self.key_agreement.cose_public_key();
                pin_response(|r| r.key_agreement = Some(key))
            }
            PinSubcommand::GetPinToken => self.pin_token(request, protocol, false),
            PinSubcommand::GetPinUvAuthTokenUsingPinWithPermissions if self.config.ctap21 => {
                self.pin_token(request, protocol, true)
            }
            PinSubcommand::GetPinUvAuthTokenUsingUvWithPermissions
                if self.config.ctap21 && self.config.builtin_uv =>
            {
                self.uv_token(request, protocol)
            }
            PinSubcommand::GetUvRetries if self.config.builtin_uv => {
                pin_response(|r| r.uv_retries = Some(8))
            }
            _ => status(StatusCode::InvalidSubcommand),
        }
    }

    /// getPinToken / getPinUvAuthTokenUsingPinWithPermissions (CTAP 2.1 §6.5.5.7.2).
    fn pin_token(
        &mut self,
        request: &ClientPinRequest,
        protocol: Option<PinUvAuthProtocol>,
        with_permissions: bool,
    ) -> Vec<u8> {
        let (Some(protocol), Some(platform_key), Some(pin_hash_enc)) =
            (protocol, &request.key_agreement, &request.pin_hash_enc)
        else {
            return status(StatusCode::MissingParameter);
        };
        let permissions = if with_permissions {
            match request.permissions {
                Some(p) if p.0 != 0 => Some(p),
                Some(_) => return status(StatusCode::InvalidParameter),
                None => return status(StatusCode::MissingParameter),
            }
        } else {
            if request.permissions.is_some() || request.rp_id.is_some() {
                return status(StatusCode::InvalidParameter);
            }
            None
        };
        let Some(pin) = &mut self.pin else {
            return status(StatusCode::PinNotSet);
        };
        if pin.retries == 0 {
            return status(StatusCode::PinBlocked);
        }
        if pin.consecutive_failures >= PIN_ATTEMPTS_PER_POWER_CYCLE {
            return status(StatusCode::PinAuthBlocked);
        }
        let Ok(shared) = self.key_agreement.shared_secret(protocol, platform_key) else {
            return status(StatusCode::InvalidParameter);
        };
        self.pin_token_requests = self.pin_token_requests.saturating_add(1);
        pin.retries = pin.retries.saturating_sub(1);
        let matches = shared
            .decrypt(pin_hash_enc)
            .is_ok_and(|hash| hash.as_slice() == pin.hash.as_slice());
        if !matches {
            pin.consecutive_failures = pin.consecutive_failures.saturating_add(1);
            let code = if pin.retries == 0 {
                StatusCode::PinBlocked
            } else if pin.consecutive_failures >= PIN_ATTEMPTS_PER_POWER_CYCLE {
                StatusCode::PinAuthBlocked
            } else {
                StatusCode::PinInvalid
            };
            self.key_agreement = KeyAgreementKey::generate(&mut self.rng);
            return status(code);
        }
        pin.retries = PIN_RETRIES;
        pin.consecutive_failures = 0;
        self.issue_token(&shared, protocol, permissions, request.rp_id.clone())
    }

    /// getPinUvAuthTokenUsingUvWithPermissions (CTAP 2.1 §6.5.5.7.3).
    fn uv_token(
        &mut self,
        request: &ClientPinRequest,
        protocol: Option<PinUvAuthProtocol>,
    ) -> Vec<u8> {
        let (Some(protocol), Some(platform_key), Some(permissions)) =
            (protocol, &request.key_agreement, request.permissions)
        else {
            return status(StatusCode::MissingParameter);
        };
        if !self.config.uv_passes {
            return status(StatusCode::UvInvalid);
        }
        let Ok(shared) = self.key_agreement.shared_secret(protocol, platform_key) else {
            return status(StatusCode::InvalidParameter);
        };
        self.issue_token(&shared, protocol, Some(permissions), request.rp_id.clone())
    }

    fn issue_token(
        &mut self,
        shared: &careid_ctap::SharedSecret,
        protocol: PinUvAuthProtocol,
        permissions: Option<Permissions>,
        rp_id: Option<String>,
    ) -> Vec<u8> {
        let mut bytes = Zeroizing::new(vec![0u8; 32]);
        self.rng.fill_bytes(&mut bytes);
        let encrypted = match shared.encrypt(&bytes, &mut self.rng) {
            Ok(e) => e,
            Err(_) => return status(StatusCode::OtherError),
        };
        let Ok(token) = PinUvAuthToken::new(protocol, bytes, permissions) else {
            return status(StatusCode::OtherError);
        };
        self.token = Some(TokenState { token, rp_id });
        pin_response(|r| r.pin_uv_auth_token = Some(encrypted))
    }
}
