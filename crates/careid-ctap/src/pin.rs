//! PIN/UV auth protocols One and Two (CTAP 2.1 §6.5.6 `#pinProto1`, §6.5.7 `#pinProto2`) and
//! the authenticatorClientPIN parameters (CTAP 2.1 §6.5.5). Both sides of the protocol live
//! here: the platform (careid) and the authenticator (careid-keysim).
//!
//! Randomness (ephemeral keys, IVs) comes from the caller's RNG; nothing here reads a global
//! one. Secrets (the shared secret, the PIN, the token) are zeroized on drop and redacted in
//! `Debug`.

use crate::cbor::read;
use crate::command::Map;
use crate::error::{Error, MemberProblem, PinProtocolError};
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt as _, BlockModeEncrypt as _, KeyIvInit as _};
use ciborium::value::Value;
use p256::elliptic_curve::Generate as _;
use p256::elliptic_curve::sec1::ToSec1Point as _;
use rand_core::CryptoRng;
use zeroize::{Zeroize as _, Zeroizing};

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// A PIN/UV auth protocol (CTAP 2.1 §6.5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PinUvAuthProtocol {
    /// Protocol One (§6.5.6): SHA-256(Z) as the shared secret, AES-256-CBC with a zero IV,
    /// HMAC-SHA-256 truncated to 16 bytes.
    One,
    /// Protocol Two (§6.5.7): HKDF-SHA-256 HMAC and AES keys, random IVs, full 32-byte HMACs.
    Two,
}

impl PinUvAuthProtocol {
    /// The protocol number (`1` or `2`).
    pub fn number(self) -> i64 {
        match self {
            Self::One => 1,
            Self::Two => 2,
        }
    }

    pub(crate) fn number_u64(self) -> u64 {
        match self {
            Self::One => 1,
            Self::Two => 2,
        }
    }

    /// The protocol with this number.
    pub fn from_number(number: u64) -> Result<Self, Error> {
        match number {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            number => Err(PinProtocolError::UnknownProtocol { number }.into()),
        }
    }

    /// The length of an `authenticate` output (16 for One, 32 for Two).
    pub fn mac_len(self) -> usize {
        match self {
            Self::One => 16,
            Self::Two => 32,
        }
    }
}

/// The permissions of a pinUvAuthToken (CTAP 2.1 §6.5.5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Permissions(pub u8);

impl Permissions {
    /// `mc`: authenticatorMakeCredential.
    pub const MAKE_CREDENTIAL: Self = Self(0x01);
    /// `ga`: authenticatorGetAssertion.
    pub const GET_ASSERTION: Self = Self(0x02);
    /// `cm`: authenticatorCredentialManagement.
    pub const CREDENTIAL_MANAGEMENT: Self = Self(0x04);
    /// `be`: authenticatorBioEnrollment.
    pub const BIO_ENROLLMENT: Self = Self(0x08);
    /// `lbw`: largeBlobs write.
    pub const LARGE_BLOB_WRITE: Self = Self(0x10);
    /// `acfg`: authenticatorConfig.
    pub const AUTHENTICATOR_CONFIG: Self = Self(0x20);

    /// Both sets.
    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether every permission of `other` is in `self`.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A PIN, checked against CTAP 2.1 §6.5.1 (at least 4 Unicode code points, at most 63 bytes of
/// UTF-8) before anything is sent, so a malformed PIN never costs a retry. Zeroized on drop;
/// `Debug` shows nothing.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// The shortest PIN, in Unicode code points.
    pub const MIN_CODE_POINTS: usize = 4;
    /// The longest PIN, in bytes of UTF-8.
    pub const MAX_BYTES: usize = 63;

    /// Checks and wraps a PIN.
    pub fn new(pin: &str) -> Result<Self, Error> {
        if pin.chars().count() < Self::MIN_CODE_POINTS || pin.len() > Self::MAX_BYTES {
            return Err(Error::PinLength);
        }
        Ok(Self(Zeroizing::new(pin.to_owned())))
    }

    /// The PIN text, for the real-device backend (which takes it as a string).
    #[cfg(feature = "hid")]
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `LEFT(SHA-256(pin), 16)`, what the protocols send (encrypted) as pinHashEnc.
    pub fn hash16(&self) -> [u8; 16] {
        left16(&sha256(self.0.as_bytes()))
    }

    /// The PIN padded with zeros to 64 bytes, what setPIN/changePIN encrypt as newPinEnc.
    pub fn padded64(&self) -> Zeroizing<[u8; 64]> {
        let mut out = Zeroizing::new([0u8; 64]);
        for (slot, b) in out.iter_mut().zip(self.0.as_bytes()) {
            *slot = *b;
        }
        out
    }
}

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// A P-256 key agreement key pair (the platform's ephemeral key, or the authenticator's key
/// agreement key). Zeroized on drop.
pub struct KeyAgreementKey {
    secret: p256::SecretKey,
}

impl core::fmt::Debug for KeyAgreementKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyAgreementKey(<redacted>)")
    }
}

impl KeyAgreementKey {
    /// A fresh key from the caller's RNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self {
            secret: p256::SecretKey::generate_from_rng(rng),
        }
    }

    /// A key from its 32-byte scalar (test vectors).
    pub fn from_scalar(scalar: &[u8; 32]) -> Result<Self, Error> {
        p256::SecretKey::from_slice(scalar)
            .map(|secret| Self { secret })
            .map_err(|_| PinProtocolError::BadKeyAgreementKey.into())
    }

    /// The public key as the COSE_Key CTAP sends (§6.5.6 getPublicKey):
    /// `{1: 2 (EC2), 3: -25 (ECDH-ES+HKDF-256), -1: 1 (P-256), -2: x, -3: y}`.
    pub fn cose_public_key(&self) -> Value {
        let point = self.secret.public_key().to_sec1_point(false);
        let x = point.x().map(|x| x.to_vec()).unwrap_or_default();
        let y = point.y().map(|y| y.to_vec()).unwrap_or_default();
        Value::Map(vec![
            (read::int(1), read::int(2)),
            (read::int(3), read::int(-25)),
            (read::int(-1), read::int(1)),
            (read::int(-2), Value::Bytes(x)),
            (read::int(-3), Value::Bytes(y)),
        ])
    }

    /// The shared secret with the peer's COSE_Key (§6.5.6 / §6.5.7 `decapsulate`, and the
    /// second half of `encapsulate`): ECDH on P-256, then the protocol's KDF over the
    /// x-coordinate Z.
    pub fn shared_secret(
        &self,
        protocol: PinUvAuthProtocol,
        peer: &Value,
    ) -> Result<SharedSecret, Error> {
        let peer = peer_public_key(peer)?;
        let z = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), peer.as_affine());
        let z: &[u8] = z.raw_secret_bytes();
        Ok(SharedSecret::from_z(protocol, z))
    }
}

/// The shared secret of a PIN/UV auth protocol session: 32 bytes for One (SHA-256(Z)), 64 for
/// Two (HMAC key ‖ AES key). Zeroized on drop; `Debug` shows nothing.
pub struct SharedSecret {
    protocol: PinUvAuthProtocol,
    bytes: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SharedSecret")
            .field("protocol", &self.protocol)
            .finish_non_exhaustive()
    }
}

impl SharedSecret {
    /// The protocol's KDF over the ECDH x-coordinate (§6.5.6 `kdf`: SHA-256(Z); §6.5.7 `kdf`:
    /// HKDF-SHA-256 with a 32-byte zero salt, info "CTAP2 HMAC key" then "CTAP2 AES key").
    pub fn from_z(protocol: PinUvAuthProtocol, z: &[u8]) -> Self {
        let bytes = match protocol {
            PinUvAuthProtocol::One => sha256(z).to_vec(),
            PinUvAuthProtocol::Two => {
                let mut out = hkdf_sha256(z, b"CTAP2 HMAC key").to_vec();
                out.extend_from_slice(hkdf_sha256(z, b"CTAP2 AES key").as_slice());
                out
            }
        };
        Self {
            protocol,
            bytes: Zeroizing::new(bytes),
        }
    }

    /// A protocol One shared secret from its 32 bytes (test vectors).
    pub fn protocol_one_from_bytes(bytes: &[u8; 32]) -> Self {
        Self {
            protocol: PinUvAuthProtocol::One,
            bytes: Zeroizing::new(bytes.to_vec()),
        }
    }

    /// The protocol.
    pub fn protocol(&self) -> PinUvAuthProtocol {
        self.protocol
    }

    /// The key bytes (32 for One, 64 for Two). For tests against published vectors.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn aes_key(&self) -> &[u8] {
        match self.protocol {
            PinUvAuthProtocol::One => &self.bytes,
            PinUvAuthProtocol::Two => self.bytes.get(32..).unwrap_or_default(),
        }
    }

    fn hmac_key(&self) -> &[u8] {
        match self.protocol {
            PinUvAuthProtocol::One => &self.bytes,
            PinUvAuthProtocol::Two => self.bytes.get(..32).unwrap_or_default(),
        }
    }

    /// `encrypt(key, plaintext)`: One, AES-256-CBC with a zero IV; Two, a random IV from
    /// `rng` then AES-256-CBC (`IV ‖ ciphertext`). The plaintext must be a whole number of
    /// 16-byte blocks.
    pub fn encrypt<R: CryptoRng + ?Sized>(
        &self,
        plaintext: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, Error> {
        if !plaintext.len().is_multiple_of(16) {
            return Err(PinProtocolError::CiphertextLength {
                len: plaintext.len(),
            }
            .into());
        }
        let mut iv = [0u8; 16];
        if self.protocol == PinUvAuthProtocol::Two {
            rng.fill_bytes(&mut iv);
        }
        let mut buf = Zeroizing::new(plaintext.to_vec());
        let cipher = Aes256CbcEnc::new_from_slices(self.aes_key(), &iv)
            .map_err(|_| PinProtocolError::BadKeyAgreementKey)?;
        let len = buf.len();
        let ct = cipher
            .encrypt_padded::<NoPadding>(&mut buf, len)
            .map_err(|_| PinProtocolError::CiphertextLength { len })?;
        let mut out = Vec::with_capacity(16 + ct.len());
        if self.protocol == PinUvAuthProtocol::Two {
            out.extend_from_slice(&iv);
        }
        out.extend_from_slice(ct);
        Ok(out)
    }

    /// `decrypt(key, ciphertext)`, the inverse of [`SharedSecret::encrypt`]. A ciphertext that
    /// is not a whole number of blocks (after the IV, for Two) is refused.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        let bad = PinProtocolError::CiphertextLength {
            len: ciphertext.len(),
        };
        let (iv, body) = match self.protocol {
            PinUvAuthProtocol::One => ([0u8; 16], ciphertext),
            PinUvAuthProtocol::Two => {
                let (iv, body) = ciphertext.split_first_chunk::<16>().ok_or(bad)?;
                (*iv, body)
            }
        };
        if body.is_empty() || !body.len().is_multiple_of(16) {
            return Err(bad.into());
        }
        let mut buf = Zeroizing::new(body.to_vec());
        let cipher = Aes256CbcDec::new_from_slices(self.aes_key(), &iv)
            .map_err(|_| PinProtocolError::BadKeyAgreementKey)?;
        let len = cipher
            .decrypt_padded::<NoPadding>(&mut buf)
            .map_err(|_| bad)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }

    /// `authenticate(key, message)` with the shared secret's HMAC key.
    pub fn authenticate(&self, message: &[u8]) -> Vec<u8> {
        mac(self.protocol, self.hmac_key(), message)
    }

    /// Checks `authenticate(key, message) == param` in constant time.
    pub fn verify(&self, message: &[u8], param: &[u8]) -> bool {
        constant_time_eq(&self.authenticate(message), param)
    }
}

/// A pinUvAuthToken (CTAP 2.1 §6.5.2), held by the platform after getPinToken or
/// getPinUvAuthTokenUsing*WithPermissions. Zeroized on drop; `Debug` shows nothing.
pub struct PinUvAuthToken {
    protocol: PinUvAuthProtocol,
    token: Zeroizing<Vec<u8>>,
    permissions: Option<Permissions>,
}

impl core::fmt::Debug for PinUvAuthToken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PinUvAuthToken")
            .field("protocol", &self.protocol)
            .field("permissions", &self.permissions)
            .finish_non_exhaustive()
    }
}

impl PinUvAuthToken {
    /// A token received (decrypted) under `protocol`. One allows 16 or 32 bytes (CTAP 2.0
    /// authenticators use 16), Two exactly 32.
    pub fn new(
        protocol: PinUvAuthProtocol,
        token: Zeroizing<Vec<u8>>,
        permissions: Option<Permissions>,
    ) -> Result<Self, Error> {
        let ok = match protocol {
            PinUvAuthProtocol::One => matches!(token.len(), 16 | 32),
            PinUvAuthProtocol::Two => token.len() == 32,
        };
        if !ok {
            return Err(PinProtocolError::TokenLength { len: token.len() }.into());
        }
        Ok(Self {
            protocol,
            token,
            permissions,
        })
    }

    /// The protocol.
    pub fn protocol(&self) -> PinUvAuthProtocol {
        self.protocol
    }

    /// The permissions asked for (None for a CTAP 2.0 getPinToken token, which allows
    /// makeCredential and getAssertion).
    pub fn permissions(&self) -> Option<Permissions> {
        self.permissions
    }

    /// `authenticate(pinUvAuthToken, message)`: the pinUvAuthParam for a request over
    /// `message` (the clientDataHash for makeCredential and getAssertion).
    pub fn authenticate(&self, message: &[u8]) -> crate::PinUvAuthParam {
        crate::PinUvAuthParam::new(mac(self.protocol, &self.token, message), self.protocol)
    }

    /// Checks a pinUvAuthParam in constant time (the authenticator side).
    pub fn verify(&self, message: &[u8], param: &[u8]) -> bool {
        constant_time_eq(&mac(self.protocol, &self.token, message), param)
    }

    /// The token bytes (the authenticator encrypts them to the platform).
    pub fn expose_bytes(&self) -> &[u8] {
        &self.token
    }
}

/// authenticatorClientPIN subcommands (CTAP 2.1 §6.5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PinSubcommand {
    /// `0x01` getPINRetries.
    GetPinRetries,
    /// `0x02` getKeyAgreement.
    GetKeyAgreement,
    /// `0x03` setPIN (never sent by careid).
    SetPin,
    /// `0x04` changePIN (never sent by careid).
    ChangePin,
    /// `0x05` getPinToken (CTAP 2.0; superseded by `0x09`).
    GetPinToken,
    /// `0x06` getPinUvAuthTokenUsingUvWithPermissions.
    GetPinUvAuthTokenUsingUvWithPermissions,
    /// `0x07` getUVRetries.
    GetUvRetries,
    /// `0x09` getPinUvAuthTokenUsingPinWithPermissions.
    GetPinUvAuthTokenUsingPinWithPermissions,
    /// Any other value, kept as it was.
    Other(u64),
}

impl PinSubcommand {
    /// Decodes a subcommand number.
    pub fn from_u64(n: u64) -> Self {
        match n {
            1 => Self::GetPinRetries,
            2 => Self::GetKeyAgreement,
            3 => Self::SetPin,
            4 => Self::ChangePin,
            5 => Self::GetPinToken,
            6 => Self::GetPinUvAuthTokenUsingUvWithPermissions,
            7 => Self::GetUvRetries,
            9 => Self::GetPinUvAuthTokenUsingPinWithPermissions,
            n => Self::Other(n),
        }
    }

    /// The subcommand number.
    pub fn to_u64(self) -> u64 {
        match self {
            Self::GetPinRetries => 1,
            Self::GetKeyAgreement => 2,
            Self::SetPin => 3,
            Self::ChangePin => 4,
            Self::GetPinToken => 5,
            Self::GetPinUvAuthTokenUsingUvWithPermissions => 6,
            Self::GetUvRetries => 7,
            Self::GetPinUvAuthTokenUsingPinWithPermissions => 9,
            Self::Other(n) => n,
        }
    }
}

/// authenticatorClientPIN parameters (CTAP 2.1 §6.5.5.1).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ClientPinRequest {
    /// `0x01` pinUvAuthProtocol.
    pub protocol: Option<u64>,
    /// `0x02` subCommand.
    pub subcommand: PinSubcommand,
    /// `0x03` keyAgreement: the platform's COSE_Key.
    pub key_agreement: Option<Value>,
    /// `0x04` pinUvAuthParam.
    pub pin_uv_auth_param: Option<Vec<u8>>,
    /// `0x05` newPinEnc.
    pub new_pin_enc: Option<Vec<u8>>,
    /// `0x06` pinHashEnc.
    pub pin_hash_enc: Option<Vec<u8>>,
    /// `0x09` permissions.
    pub permissions: Option<Permissions>,
    /// `0x0A` rpId.
    pub rp_id: Option<String>,
}

const PIN_REQ: &str = "authenticatorClientPIN request";
const PIN_RESP: &str = "authenticatorClientPIN response";

impl ClientPinRequest {
    /// A request with only the subcommand (and protocol).
    pub fn new(subcommand: PinSubcommand, protocol: Option<PinUvAuthProtocol>) -> Self {
        Self {
            protocol: protocol.map(PinUvAuthProtocol::number_u64),
            subcommand,
            key_agreement: None,
            pin_uv_auth_param: None,
            new_pin_enc: None,
            pin_hash_enc: None,
            permissions: None,
            rp_id: None,
        }
    }

    /// The CBOR parameters.
    pub fn to_value(&self) -> Value {
        let mut entries = Vec::new();
        if let Some(p) = self.protocol {
            entries.push((read::int(1), Value::Integer(p.into())));
        }
        entries.push((
            read::int(2),
            Value::Integer(self.subcommand.to_u64().into()),
        ));
        if let Some(k) = &self.key_agreement {
            entries.push((read::int(3), k.clone()));
        }
        for (key, bytes) in [
            (4, &self.pin_uv_auth_param),
            (5, &self.new_pin_enc),
            (6, &self.pin_hash_enc),
        ] {
            if let Some(b) = bytes {
                entries.push((read::int(key), Value::Bytes(b.clone())));
            }
        }
        if let Some(p) = self.permissions {
            entries.push((read::int(9), Value::Integer(p.0.into())));
        }
        if let Some(rp) = &self.rp_id {
            entries.push((read::int(0x0A), read::text(rp)));
        }
        Value::Map(entries)
    }

    /// Decodes the parameters (the authenticator side).
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let map = Map::new(value, PIN_REQ)?;
        let uint = |key: i64| {
            map.optional(key)
                .map(|v| read::as_u64(v).ok_or(map.member(key, MemberProblem::WrongType)))
                .transpose()
        };
        let bytes = |key: i64| {
            map.optional(key)
                .map(|v| {
                    read::as_bytes(v)
                        .map(<[u8]>::to_vec)
                        .ok_or(map.member(key, MemberProblem::WrongType))
                })
                .transpose()
        };
        let subcommand = uint(2)?.ok_or(map.member(2, MemberProblem::Missing))?;
        let permissions = uint(9)?
            .map(|p| {
                u8::try_from(p)
                    .map(Permissions)
                    .map_err(|_| map.member(9, MemberProblem::Invalid))
            })
            .transpose()?;
        Ok(Self {
            protocol: uint(1)?,
            subcommand: PinSubcommand::from_u64(subcommand),
            key_agreement: map.optional(3).cloned(),
            pin_uv_auth_param: bytes(4)?,
            new_pin_enc: bytes(5)?,
            pin_hash_enc: bytes(6)?,
            permissions,
            rp_id: map
                .optional(0x0A)
                .map(|v| {
                    read::as_text(v)
                        .map(str::to_owned)
                        .ok_or(map.member(0x0A, MemberProblem::WrongType))
                })
                .transpose()?,
        })
    }
}

/// authenticatorClientPIN response members (CTAP 2.1 §6.5.5.2).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ClientPinResponse {
    /// `0x01` keyAgreement.
    pub key_agreement: Option<Value>,
    /// `0x02` pinUvAuthToken (encrypted).
    pub pin_uv_auth_token: Option<Vec<u8>>,
    /// `0x03` pinRetries.
    pub pin_retries: Option<u64>,
    /// `0x04` powerCycleState: a power cycle is needed before the next PIN attempt.
    pub power_cycle_state: Option<bool>,
    /// `0x05` uvRetries.
    pub uv_retries: Option<u64>,
}

impl ClientPinResponse {
    /// Decodes a response body (an empty body decodes to all-absent).
    pub fn from_value(value: Option<&Value>) -> Result<Self, Error> {
        let Some(value) = value else {
            return Ok(Self::default());
        };
        let map = Map::new(value, PIN_RESP)?;
        let uint = |key: i64| {
            map.optional(key)
                .map(|v| read::as_u64(v).ok_or(map.member(key, MemberProblem::WrongType)))
                .transpose()
        };
        Ok(Self {
            key_agreement: map.optional(1).cloned(),
            pin_uv_auth_token: map
                .optional(2)
                .map(|v| {
                    read::as_bytes(v)
                        .map(<[u8]>::to_vec)
                        .ok_or(map.member(2, MemberProblem::WrongType))
                })
                .transpose()?,
            pin_retries: uint(3)?,
            power_cycle_state: map
                .optional(4)
                .map(|v| read::as_bool(v).ok_or(map.member(4, MemberProblem::WrongType)))
                .transpose()?,
            uv_retries: uint(5)?,
        })
    }

    /// Encodes the response body; `None` when every member is absent (an empty response).
    pub fn to_value(&self) -> Option<Value> {
        let mut entries = Vec::new();
        if let Some(k) = &self.key_agreement {
            entries.push((read::int(1), k.clone()));
        }
        if let Some(t) = &self.pin_uv_auth_token {
            entries.push((read::int(2), Value::Bytes(t.clone())));
        }
        if let Some(n) = self.pin_retries {
            entries.push((read::int(3), Value::Integer(n.into())));
        }
        if let Some(b) = self.power_cycle_state {
            entries.push((read::int(4), Value::Bool(b)));
        }
        if let Some(n) = self.uv_retries {
            entries.push((read::int(5), Value::Integer(n.into())));
        }
        (!entries.is_empty()).then_some(Value::Map(entries))
    }
}

/// The peer's key agreement COSE_Key as a P-256 public key: kty EC2, crv P-256, x and y of 32
/// bytes each, a point on the curve. (`alg` is -25 on the wire; some authenticators send -7, so
/// it is not checked, as in libfido2.)
fn peer_public_key(peer: &Value) -> Result<p256::PublicKey, Error> {
    let bad = || Error::from(PinProtocolError::BadKeyAgreementKey);
    let map = Map::new(peer, "keyAgreement").map_err(|_| bad())?;
    let int = |k: i64| map.optional(k).and_then(read::as_i64);
    if int(1) != Some(2) || int(-1) != Some(1) {
        return Err(bad());
    }
    let coordinate = |k: i64| {
        map.optional(k)
            .and_then(read::as_bytes)
            .filter(|b| b.len() == 32)
            .ok_or_else(bad)
    };
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(coordinate(-2)?);
    sec1.extend_from_slice(coordinate(-3)?);
    p256::PublicKey::from_sec1_bytes(&sec1).map_err(|_| bad())
}

fn mac(protocol: PinUvAuthProtocol, key: &[u8], message: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let tag = ring::hmac::sign(&key, message);
    let tag = tag.as_ref();
    tag.get(..protocol.mac_len()).unwrap_or(tag).to_vec()
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn left16(bytes: &[u8; 32]) -> [u8; 16] {
    let mut out = [0; 16];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
    out
}

struct Len32;
impl ring::hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

fn hkdf_sha256(ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let salt = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, &[0; 32]);
    let prk = salt.extract(ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    let info = [info];
    // `expand` and `fill` fail only for lengths over 255 × 32 bytes; 32 always works.
    if let Ok(okm) = prk.expand(&info, Len32)
        && okm.fill(out.as_mut()).is_err()
    {
        out.zeroize();
    }
    out
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_chacha::rand_core::SeedableRng as _;

    #[test]
    fn pin_length_rules() {
        assert!(Pin::new("123").is_err());
        assert!(Pin::new("1234").is_ok());
        assert!(Pin::new(&"1".repeat(63)).is_ok());
        assert!(Pin::new(&"1".repeat(64)).is_err());
        // Four code points, eight bytes.
        assert!(Pin::new("éééé").is_ok());
        assert_eq!(
            format!("{:?}", Pin::new("1234").unwrap()),
            "Pin(<redacted>)"
        );
    }

    #[test]
    fn both_sides_agree_and_round_trip() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        for protocol in [PinUvAuthProtocol::One, PinUvAuthProtocol::Two] {
            let platform = KeyAgreementKey::generate(&mut rng);
            let authenticator = KeyAgreementKey::generate(&mut rng);
            let a = platform
                .shared_secret(protocol, &authenticator.cose_public_key())
                .unwrap();
            let b = authenticator
                .shared_secret(protocol, &platform.cose_public_key())
                .unwrap();
            assert_eq!(a.expose_bytes(), b.expose_bytes());
            let ct = a.encrypt(&[0x42; 32], &mut rng).unwrap();
            assert_eq!(
                ct.len(),
                if protocol == PinUvAuthProtocol::Two {
                    48
                } else {
                    32
                }
            );
            assert_eq!(b.decrypt(&ct).unwrap().as_slice(), &[0x42; 32]);
            let mac = a.authenticate(b"message");
            assert_eq!(mac.len(), protocol.mac_len());
            assert!(b.verify(b"message", &mac));
            assert!(!b.verify(b"messagf", &mac));
            assert!(a.decrypt(&[0; 15]).is_err());
            assert!(a.encrypt(&[0; 15], &mut rng).is_err());
        }
    }

    #[test]
    fn bad_peer_keys_are_refused() {
        let mut rng = ChaCha20Rng::seed_from_u64(8);
        let k = KeyAgreementKey::generate(&mut rng);
        let mut peer = k.cose_public_key();
        if let Value::Map(entries) = &mut peer {
            entries[4].1 = Value::Bytes(vec![0; 32]); // y = 0: not on the curve
        }
        assert_eq!(
            k.shared_secret(PinUvAuthProtocol::Two, &peer).unwrap_err(),
            Error::PinProtocol(PinProtocolError::BadKeyAgreementKey)
        );
        assert!(
            k.shared_secret(PinUvAuthProtocol::One, &Value::Null)
                .is_err()
        );
    }

    #[test]
    fn token_lengths() {
        for (p, len, ok) in [
            (PinUvAuthProtocol::One, 16, true),
            (PinUvAuthProtocol::One, 32, true),
            (PinUvAuthProtocol::One, 24, false),
            (PinUvAuthProtocol::Two, 32, true),
            (PinUvAuthProtocol::Two, 16, false),
        ] {
            assert_eq!(
                PinUvAuthToken::new(p, Zeroizing::new(vec![0; len]), None).is_ok(),
                ok
            );
        }
    }
}
