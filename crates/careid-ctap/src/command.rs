//! CTAP2 commands and their CBOR parameters (CTAP 2.1 §6). Each request encodes to canonical
//! CBOR and decodes from it (the authenticator side, careid-keysim); each response too.

use crate::authdata::AuthenticatorData;
use crate::cbor::read;
use crate::error::{Error, MemberKey, MemberProblem};
use crate::pin::PinUvAuthProtocol;
use ciborium::value::Value;

/// A CTAP2 command byte (CTAP 2.1 §6), decoded totally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CtapCommand {
    /// `0x01` authenticatorMakeCredential (§6.1).
    MakeCredential,
    /// `0x02` authenticatorGetAssertion (§6.2).
    GetAssertion,
    /// `0x04` authenticatorGetInfo (§6.4).
    GetInfo,
    /// `0x06` authenticatorClientPIN (§6.5).
    ClientPin,
    /// `0x07` authenticatorReset (§6.6). careid never sends it.
    Reset,
    /// `0x08` authenticatorGetNextAssertion (§6.3).
    GetNextAssertion,
    /// `0x09` authenticatorBioEnrollment (§6.7).
    BioEnrollment,
    /// `0x0A` authenticatorCredentialManagement (§6.8).
    CredentialManagement,
    /// `0x0B` authenticatorSelection (§6.9).
    Selection,
    /// `0x0C` authenticatorLargeBlobs (§6.10).
    LargeBlobs,
    /// `0x0D` authenticatorConfig (§6.11).
    Config,
    /// `0x40..=0xBF`: vendor-specific.
    Vendor(u8),
    /// Any other byte, kept as it was.
    Other(u8),
}

impl CtapCommand {
    /// Decodes a command byte.
    pub fn from_u8(byte: u8) -> Self {
        match byte {
            0x01 => Self::MakeCredential,
            0x02 => Self::GetAssertion,
            0x04 => Self::GetInfo,
            0x06 => Self::ClientPin,
            0x07 => Self::Reset,
            0x08 => Self::GetNextAssertion,
            0x09 => Self::BioEnrollment,
            0x0A => Self::CredentialManagement,
            0x0B => Self::Selection,
            0x0C => Self::LargeBlobs,
            0x0D => Self::Config,
            b @ 0x40..=0xBF => Self::Vendor(b),
            b => Self::Other(b),
        }
    }

    /// The command byte.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::MakeCredential => 0x01,
            Self::GetAssertion => 0x02,
            Self::GetInfo => 0x04,
            Self::ClientPin => 0x06,
            Self::Reset => 0x07,
            Self::GetNextAssertion => 0x08,
            Self::BioEnrollment => 0x09,
            Self::CredentialManagement => 0x0A,
            Self::Selection => 0x0B,
            Self::LargeBlobs => 0x0C,
            Self::Config => 0x0D,
            Self::Vendor(b) | Self::Other(b) => b,
        }
    }
}

/// A relying party (WebAuthn §5.4.2 PublicKeyCredentialRpEntity): `{"id", "name"?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RelyingParty {
    /// The RP ID (a domain, e.g. `localhost` or `am.nhsidentity.spineservices.nhs.uk`).
    pub id: String,
    /// A human-palatable name.
    pub name: Option<String>,
}

impl RelyingParty {
    /// An RP with an ID and optional name.
    pub fn new(id: impl Into<String>, name: Option<String>) -> Self {
        Self {
            id: id.into(),
            name,
        }
    }
}

/// A user account (WebAuthn §5.4.3 PublicKeyCredentialUserEntity):
/// `{"id", "name"?, "displayName"?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserEntity {
    /// The user handle: opaque, at most 64 bytes, never personal data.
    pub id: Vec<u8>,
    /// The account name.
    pub name: Option<String>,
    /// The display name.
    pub display_name: Option<String>,
}

impl UserEntity {
    /// A user with a handle and optional names.
    pub fn new(id: Vec<u8>, name: Option<String>, display_name: Option<String>) -> Self {
        Self {
            id,
            name,
            display_name,
        }
    }
}

/// A credential descriptor (WebAuthn §5.8.3): `{"type": "public-key", "id"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CredentialDescriptor {
    /// The credential ID.
    pub id: Vec<u8>,
}

impl CredentialDescriptor {
    /// A public-key credential descriptor.
    pub fn new(id: Vec<u8>) -> Self {
        Self { id }
    }
}

/// A pinUvAuthParam with its protocol (CTAP 2.1 §6.1.1 members `0x08`, `0x09`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinUvAuthParam {
    /// The MAC over the clientDataHash with the pinUvAuthToken.
    pub param: Vec<u8>,
    /// The protocol of the token.
    pub protocol: PinUvAuthProtocol,
}

impl PinUvAuthParam {
    /// A parameter computed with `protocol`.
    pub fn new(param: Vec<u8>, protocol: PinUvAuthProtocol) -> Self {
        Self { param, protocol }
    }
}

/// authenticatorMakeCredential parameters (CTAP 2.1 §6.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MakeCredentialRequest {
    /// `0x01` clientDataHash: SHA-256 of the clientDataJSON.
    pub client_data_hash: [u8; 32],
    /// `0x02` rp.
    pub rp: RelyingParty,
    /// `0x03` user.
    pub user: UserEntity,
    /// `0x04` pubKeyCredParams: COSE algorithms of `public-key` type, in preference order.
    pub algorithms: Vec<i64>,
    /// `0x05` excludeList.
    pub exclude_list: Vec<CredentialDescriptor>,
    /// `0x07` options `rk`: a discoverable (resident) credential.
    pub resident_key: bool,
    /// `0x07` options `uv`: built-in user verification (not with a pinUvAuthParam).
    pub user_verification: bool,
    /// `0x08`/`0x09` pinUvAuthParam and pinUvAuthProtocol.
    pub pin_uv_auth: Option<PinUvAuthParam>,
    /// `0x0A` enterpriseAttestation (1 or 2). careid never asks for it.
    pub enterprise_attestation: Option<u64>,
}

/// The context string of errors about a makeCredential request.
const MC: &str = "authenticatorMakeCredential request";
/// The context string of errors about a getAssertion request.
const GA: &str = "authenticatorGetAssertion request";
/// The context string of errors about a getAssertion response.
const GA_RESP: &str = "authenticatorGetAssertion response";

impl MakeCredentialRequest {
    /// A request for an ES256 credential, non-resident, no user verification.
    pub fn new(client_data_hash: [u8; 32], rp: RelyingParty, user: UserEntity) -> Self {
        Self {
            client_data_hash,
            rp,
            user,
            algorithms: vec![careid_crypto::SignatureAlgorithm::Es256.cose_id()],
            exclude_list: Vec::new(),
            resident_key: false,
            user_verification: false,
            pin_uv_auth: None,
            enterprise_attestation: None,
        }
    }

    /// The CBOR parameters (canonical order is the encoder's job).
    pub fn to_value(&self) -> Value {
        let mut entries = vec![
            (read::int(1), Value::Bytes(self.client_data_hash.to_vec())),
            (read::int(2), rp_value(&self.rp)),
            (read::int(3), user_value(&self.user)),
            (
                read::int(4),
                Value::Array(
                    self.algorithms
                        .iter()
                        .map(|alg| {
                            Value::Map(vec![
                                (read::text("alg"), read::int(*alg)),
                                (read::text("type"), read::text("public-key")),
                            ])
                        })
                        .collect(),
                ),
            ),
        ];
        if !self.exclude_list.is_empty() {
            entries.push((read::int(5), descriptors_value(&self.exclude_list)));
        }
        let mut options = Vec::new();
        if self.resident_key {
            options.push((read::text("rk"), Value::Bool(true)));
        }
        if self.user_verification {
            options.push((read::text("uv"), Value::Bool(true)));
        }
        if !options.is_empty() {
            entries.push((read::int(7), Value::Map(options)));
        }
        if let Some(auth) = &self.pin_uv_auth {
            entries.push((read::int(8), Value::Bytes(auth.param.clone())));
            entries.push((read::int(9), read::int(auth.protocol.number())));
        }
        if let Some(ep) = self.enterprise_attestation {
            entries.push((
                read::int(0x0A),
                Value::Integer(ciborium::value::Integer::from(ep)),
            ));
        }
        Value::Map(entries)
    }

    /// Decodes the parameters (the authenticator side). Unknown members and extensions are
    /// ignored; `up` in the options is refused (CTAP 2.1 §6.1.2 step 5).
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let map = Map::new(value, MC)?;
        let client_data_hash = map.bytes32(1)?;
        let rp = rp_from(map.required(2)?, MC, 2)?;
        let user = user_from(map.required(3)?, MC, 3)?;
        let Value::Array(params) = map.required(4)? else {
            return Err(map.member(4, MemberProblem::WrongType));
        };
        let mut algorithms = Vec::new();
        for param in params {
            let p = Map::new(param, MC)?;
            let kind = p.text_member("type")?;
            let alg = p.i64_member("alg")?;
            if kind == "public-key" {
                algorithms.push(alg);
            }
        }
        let exclude_list = map
            .optional(5)
            .map(|v| descriptors_from(v, MC, 5))
            .transpose()?
            .unwrap_or_default();
        let options = map
            .optional(7)
            .map(|v| options_from(v, MC, 7))
            .transpose()?;
        let option = |name: &str| {
            options
                .as_ref()
                .and_then(|o| o.iter().find(|(k, _)| k == name).map(|(_, v)| *v))
        };
        if option("up").is_some() {
            return Err(map.member(7, MemberProblem::Invalid));
        }
        Ok(Self {
            client_data_hash,
            rp,
            user,
            algorithms,
            exclude_list,
            resident_key: option("rk").unwrap_or(false),
            user_verification: option("uv").unwrap_or(false),
            pin_uv_auth: pin_uv_auth_from(&map, 8, 9)?,
            enterprise_attestation: map
                .optional(0x0A)
                .map(|v| read::as_u64(v).ok_or(map.member(0x0A, MemberProblem::WrongType)))
                .transpose()?,
        })
    }
}

/// authenticatorGetAssertion parameters (CTAP 2.1 §6.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetAssertionRequest {
    /// `0x01` rpId.
    pub rp_id: String,
    /// `0x02` clientDataHash.
    pub client_data_hash: [u8; 32],
    /// `0x03` allowList: the credentials the RP accepts (empty: discoverable credentials).
    pub allow_list: Vec<CredentialDescriptor>,
    /// `0x05` options `up` (absent means true).
    pub user_presence: Option<bool>,
    /// `0x05` options `uv`: built-in user verification.
    pub user_verification: Option<bool>,
    /// `0x06`/`0x07` pinUvAuthParam and pinUvAuthProtocol.
    pub pin_uv_auth: Option<PinUvAuthParam>,
}

impl GetAssertionRequest {
    /// A request with user presence, without user verification.
    pub fn new(
        rp_id: impl Into<String>,
        client_data_hash: [u8; 32],
        allow_list: Vec<CredentialDescriptor>,
    ) -> Self {
        Self {
            rp_id: rp_id.into(),
            client_data_hash,
            allow_list,
            user_presence: None,
            user_verification: None,
            pin_uv_auth: None,
        }
    }

    /// The CBOR parameters.
    pub fn to_value(&self) -> Value {
        let mut entries = vec![
            (read::int(1), read::text(&self.rp_id)),
            (read::int(2), Value::Bytes(self.client_data_hash.to_vec())),
        ];
        if !self.allow_list.is_empty() {
            entries.push((read::int(3), descriptors_value(&self.allow_list)));
        }
        let mut options = Vec::new();
        if let Some(up) = self.user_presence {
            options.push((read::text("up"), Value::Bool(up)));
        }
        if let Some(uv) = self.user_verification {
            options.push((read::text("uv"), Value::Bool(uv)));
        }
        if !options.is_empty() {
            entries.push((read::int(5), Value::Map(options)));
        }
        if let Some(auth) = &self.pin_uv_auth {
            entries.push((read::int(6), Value::Bytes(auth.param.clone())));
            entries.push((read::int(7), read::int(auth.protocol.number())));
        }
        Value::Map(entries)
    }

    /// Decodes the parameters (the authenticator side). `rk` in the options is refused
    /// (CTAP 2.1 §6.2.2 step 5).
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let map = Map::new(value, GA)?;
        let rp_id = read::as_text(map.required(1)?)
            .ok_or(map.member(1, MemberProblem::WrongType))?
            .to_owned();
        let client_data_hash = map.bytes32(2)?;
        let allow_list = map
            .optional(3)
            .map(|v| descriptors_from(v, GA, 3))
            .transpose()?
            .unwrap_or_default();
        let options = map
            .optional(5)
            .map(|v| options_from(v, GA, 5))
            .transpose()?;
        let option = |name: &str| {
            options
                .as_ref()
                .and_then(|o| o.iter().find(|(k, _)| k == name).map(|(_, v)| *v))
        };
        if option("rk").is_some() {
            return Err(map.member(5, MemberProblem::Invalid));
        }
        Ok(Self {
            rp_id,
            client_data_hash,
            allow_list,
            user_presence: option("up"),
            user_verification: option("uv"),
            pin_uv_auth: pin_uv_auth_from(&map, 6, 7)?,
        })
    }
}

/// An authenticatorGetAssertion / authenticatorGetNextAssertion response (CTAP 2.1 §6.2.2).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetAssertionResponse {
    /// `0x01` credential (may be omitted when the allowList had exactly one entry).
    pub credential: Option<CredentialDescriptor>,
    /// `0x02` authData.
    pub auth_data: AuthenticatorData,
    /// `0x03` signature over `authData ‖ clientDataHash`.
    pub signature: Vec<u8>,
    /// `0x04` user (discoverable credentials).
    pub user: Option<UserEntity>,
    /// `0x05` numberOfCredentials.
    pub number_of_credentials: Option<u64>,
    /// `0x06` userSelected.
    pub user_selected: Option<bool>,
    /// `0x07` largeBlobKey.
    pub large_blob_key: Option<Vec<u8>>,
}

impl GetAssertionResponse {
    /// A response with the required members.
    pub fn new(
        credential: Option<CredentialDescriptor>,
        auth_data: AuthenticatorData,
        signature: Vec<u8>,
    ) -> Self {
        Self {
            credential,
            auth_data,
            signature,
            user: None,
            number_of_credentials: None,
            user_selected: None,
            large_blob_key: None,
        }
    }

    /// Decodes a response body (canonical CBOR, already decoded).
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let map = Map::new(value, GA_RESP)?;
        let credential = map
            .optional(1)
            .map(|v| descriptor_from(v, GA_RESP, 1))
            .transpose()?;
        let auth_data =
            read::as_bytes(map.required(2)?).ok_or(map.member(2, MemberProblem::WrongType))?;
        let auth_data = AuthenticatorData::parse(auth_data)?;
        let signature = read::as_bytes(map.required(3)?)
            .ok_or(map.member(3, MemberProblem::WrongType))?
            .to_vec();
        let user = map
            .optional(4)
            .map(|v| user_from(v, GA_RESP, 4))
            .transpose()?;
        let number_of_credentials = map
            .optional(5)
            .map(|v| read::as_u64(v).ok_or(map.member(5, MemberProblem::WrongType)))
            .transpose()?;
        let user_selected = map
            .optional(6)
            .map(|v| read::as_bool(v).ok_or(map.member(6, MemberProblem::WrongType)))
            .transpose()?;
        let large_blob_key = map
            .optional(7)
            .map(|v| {
                read::as_bytes(v)
                    .map(<[u8]>::to_vec)
                    .ok_or(map.member(7, MemberProblem::WrongType))
            })
            .transpose()?;
        Ok(Self {
            credential,
            auth_data,
            signature,
            user,
            number_of_credentials,
            user_selected,
            large_blob_key,
        })
    }

    /// Encodes the response body (the authenticator side).
    pub fn to_value(&self) -> Value {
        let mut entries = Vec::new();
        if let Some(c) = &self.credential {
            entries.push((read::int(1), descriptor_value(c)));
        }
        entries.push((
            read::int(2),
            Value::Bytes(self.auth_data.as_bytes().to_vec()),
        ));
        entries.push((read::int(3), Value::Bytes(self.signature.clone())));
        if let Some(u) = &self.user {
            entries.push((read::int(4), user_value(u)));
        }
        if let Some(n) = self.number_of_credentials {
            entries.push((read::int(5), Value::Integer(n.into())));
        }
        if let Some(s) = self.user_selected {
            entries.push((read::int(6), Value::Bool(s)));
        }
        if let Some(k) = &self.large_blob_key {
            entries.push((read::int(7), Value::Bytes(k.clone())));
        }
        Value::Map(entries)
    }
}

/// A decoded CBOR map with typed accessors and error reports that name the member.
pub(crate) struct Map<'a> {
    entries: &'a [(Value, Value)],
    context: &'static str,
}

impl<'a> Map<'a> {
    pub(crate) fn new(value: &'a Value, context: &'static str) -> Result<Self, Error> {
        match value {
            Value::Map(entries) => Ok(Self { entries, context }),
            _ => Err(Error::NotAMap { context }),
        }
    }

    pub(crate) fn member(&self, key: i64, problem: MemberProblem) -> Error {
        Error::Member {
            context: self.context,
            member: MemberKey::Int(key),
            problem,
        }
    }

    fn text_error(&self, key: &'static str, problem: MemberProblem) -> Error {
        Error::Member {
            context: self.context,
            member: MemberKey::Text(key),
            problem,
        }
    }

    pub(crate) fn optional(&self, key: i64) -> Option<&'a Value> {
        self.entries
            .iter()
            .find(|(k, _)| read::int_key(k) == Some(i128::from(key)))
            .map(|(_, v)| v)
    }

    pub(crate) fn required(&self, key: i64) -> Result<&'a Value, Error> {
        self.optional(key)
            .ok_or(self.member(key, MemberProblem::Missing))
    }

    pub(crate) fn bytes32(&self, key: i64) -> Result<[u8; 32], Error> {
        let bytes = read::as_bytes(self.required(key)?)
            .ok_or(self.member(key, MemberProblem::WrongType))?;
        bytes
            .try_into()
            .map_err(|_| self.member(key, MemberProblem::Invalid))
    }

    pub(crate) fn text(&self, key: &'static str) -> Option<&'a Value> {
        self.entries
            .iter()
            .find(|(k, _)| read::as_text(k) == Some(key))
            .map(|(_, v)| v)
    }

    pub(crate) fn text_member(&self, key: &'static str) -> Result<&'a str, Error> {
        let v = self
            .text(key)
            .ok_or(self.text_error(key, MemberProblem::Missing))?;
        read::as_text(v).ok_or(self.text_error(key, MemberProblem::WrongType))
    }

    pub(crate) fn optional_text_member(&self, key: &'static str) -> Result<Option<String>, Error> {
        self.text(key)
            .map(|v| {
                read::as_text(v)
                    .map(str::to_owned)
                    .ok_or(self.text_error(key, MemberProblem::WrongType))
            })
            .transpose()
    }

    pub(crate) fn i64_member(&self, key: &'static str) -> Result<i64, Error> {
        let v = self
            .text(key)
            .ok_or(self.text_error(key, MemberProblem::Missing))?;
        read::as_i64(v).ok_or(self.text_error(key, MemberProblem::WrongType))
    }

    pub(crate) fn bytes_member(&self, key: &'static str) -> Result<&'a [u8], Error> {
        let v = self
            .text(key)
            .ok_or(self.text_error(key, MemberProblem::Missing))?;
        read::as_bytes(v).ok_or(self.text_error(key, MemberProblem::WrongType))
    }
}

fn rp_value(rp: &RelyingParty) -> Value {
    let mut entries = vec![(read::text("id"), read::text(&rp.id))];
    if let Some(name) = &rp.name {
        entries.push((read::text("name"), read::text(name)));
    }
    Value::Map(entries)
}

fn rp_from(value: &Value, context: &'static str, key: i64) -> Result<RelyingParty, Error> {
    let map =
        Map::new(value, context).map_err(|_| member(context, key, MemberProblem::WrongType))?;
    Ok(RelyingParty {
        id: map.text_member("id")?.to_owned(),
        name: map.optional_text_member("name")?,
    })
}

fn user_value(user: &UserEntity) -> Value {
    let mut entries = vec![(read::text("id"), Value::Bytes(user.id.clone()))];
    if let Some(name) = &user.name {
        entries.push((read::text("name"), read::text(name)));
    }
    if let Some(display) = &user.display_name {
        entries.push((read::text("displayName"), read::text(display)));
    }
    Value::Map(entries)
}

fn user_from(value: &Value, context: &'static str, key: i64) -> Result<UserEntity, Error> {
    let map =
        Map::new(value, context).map_err(|_| member(context, key, MemberProblem::WrongType))?;
    Ok(UserEntity {
        id: map.bytes_member("id")?.to_vec(),
        name: map.optional_text_member("name")?,
        display_name: map.optional_text_member("displayName")?,
    })
}

fn descriptor_value(d: &CredentialDescriptor) -> Value {
    Value::Map(vec![
        (read::text("id"), Value::Bytes(d.id.clone())),
        (read::text("type"), read::text("public-key")),
    ])
}

fn descriptors_value(list: &[CredentialDescriptor]) -> Value {
    Value::Array(list.iter().map(descriptor_value).collect())
}

fn descriptor_from(
    value: &Value,
    context: &'static str,
    key: i64,
) -> Result<CredentialDescriptor, Error> {
    let map =
        Map::new(value, context).map_err(|_| member(context, key, MemberProblem::WrongType))?;
    if map.text_member("type")? != "public-key" {
        return Err(member(context, key, MemberProblem::Invalid));
    }
    Ok(CredentialDescriptor {
        id: map.bytes_member("id")?.to_vec(),
    })
}

fn descriptors_from(
    value: &Value,
    context: &'static str,
    key: i64,
) -> Result<Vec<CredentialDescriptor>, Error> {
    let Value::Array(items) = value else {
        return Err(member(context, key, MemberProblem::WrongType));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let map =
            Map::new(item, context).map_err(|_| member(context, key, MemberProblem::WrongType))?;
        // Descriptors of other types are skipped (WebAuthn §5.8.3).
        if map.text_member("type")? == "public-key" {
            out.push(CredentialDescriptor {
                id: map.bytes_member("id")?.to_vec(),
            });
        }
    }
    Ok(out)
}

fn options_from(
    value: &Value,
    context: &'static str,
    key: i64,
) -> Result<Vec<(String, bool)>, Error> {
    let Value::Map(entries) = value else {
        return Err(member(context, key, MemberProblem::WrongType));
    };
    entries
        .iter()
        .map(|(k, v)| match (read::as_text(k), read::as_bool(v)) {
            (Some(k), Some(v)) => Ok((k.to_owned(), v)),
            _ => Err(member(context, key, MemberProblem::WrongType)),
        })
        .collect()
}

fn pin_uv_auth_from(
    map: &Map<'_>,
    param: i64,
    protocol: i64,
) -> Result<Option<PinUvAuthParam>, Error> {
    let Some(p) = map.optional(param) else {
        return Ok(None);
    };
    let bytes = read::as_bytes(p).ok_or(map.member(param, MemberProblem::WrongType))?;
    let number = read::as_u64(map.required(protocol)?)
        .ok_or(map.member(protocol, MemberProblem::WrongType))?;
    let protocol = PinUvAuthProtocol::from_number(number)?;
    Ok(Some(PinUvAuthParam {
        param: bytes.to_vec(),
        protocol,
    }))
}

fn member(context: &'static str, key: i64, problem: MemberProblem) -> Error {
    Error::Member {
        context,
        member: MemberKey::Int(key),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cbor;

    #[test]
    fn command_bytes_round_trip() {
        for b in 0..=u8::MAX {
            assert_eq!(CtapCommand::from_u8(b).to_u8(), b);
        }
    }

    #[test]
    fn requests_round_trip_through_canonical_cbor() {
        let mut mc = MakeCredentialRequest::new(
            [7; 32],
            RelyingParty::new("localhost", Some("sweet home localhost".into())),
            UserEntity::new(vec![1, 2, 3], Some("jane".into()), Some("Jane".into())),
        );
        mc.exclude_list = vec![CredentialDescriptor::new(vec![9; 16])];
        mc.resident_key = true;
        mc.pin_uv_auth = Some(PinUvAuthParam::new(vec![5; 32], PinUvAuthProtocol::Two));
        let bytes = cbor::encode(&mc.to_value());
        let back = MakeCredentialRequest::from_value(&cbor::decode(&bytes).unwrap()).unwrap();
        assert_eq!(back, mc);

        let mut ga = GetAssertionRequest::new(
            "localhost",
            [8; 32],
            vec![CredentialDescriptor::new(vec![1])],
        );
        ga.user_presence = Some(false);
        ga.user_verification = Some(true);
        let bytes = cbor::encode(&ga.to_value());
        let back = GetAssertionRequest::from_value(&cbor::decode(&bytes).unwrap()).unwrap();
        assert_eq!(back, ga);
    }

    #[test]
    fn libfido2_style_request_bytes() {
        // ctap-hid-fido2's make_credential test vector (CTAP 2.0 with a PIN, protocol 1),
        // re-encoded by careid: same members, canonical order, same bytes.
        let expected = "a7015820e61e2bd6c4612662960b159cd54cf8eff1a998c89b3742519d11f85e0f5e787602a262696468746573742e636f6d646e616d656003a36269644100646e616d6561206b646973706c61794e616d6561200481a263616c672664747970656a7075626c69632d6b657907a162726bf408506f79fb322d74972acaa844c10c183bf70901";
        let value = cbor::decode(&hex::decode(expected).unwrap()).unwrap();
        let req = MakeCredentialRequest::from_value(&value).unwrap();
        assert_eq!(req.rp.id, "test.com");
        assert_eq!(req.algorithms, vec![-7]);
        assert!(!req.resident_key);
        assert_eq!(
            req.pin_uv_auth.as_ref().unwrap().protocol,
            PinUvAuthProtocol::One
        );
        // careid leaves `rk: false` out; with it put back the encoding is byte-identical.
        let mut reencoded = req.to_value();
        if let Value::Map(entries) = &mut reencoded {
            entries.push((
                read::int(7),
                Value::Map(vec![(read::text("rk"), Value::Bool(false))]),
            ));
        }
        assert_eq!(hex::encode(cbor::encode(&reencoded)), expected);
    }
}
