//! The authenticatorGetInfo response (CTAP 2.1 §6.4).

use crate::authdata::Aaguid;
use crate::cbor::read;
use crate::command::Map;
use crate::error::{Error, MemberProblem};
use crate::pin::PinUvAuthProtocol;
use ciborium::value::Value;
use std::collections::BTreeMap;

/// What an authenticator says about itself (CTAP 2.1 §6.4). Members careid does not interpret
/// are kept in [`AuthenticatorInfo::other`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuthenticatorInfo {
    /// `0x01` versions (`FIDO_2_0`, `FIDO_2_1`, `U2F_V2`, ...).
    pub versions: Vec<String>,
    /// `0x02` extensions.
    pub extensions: Vec<String>,
    /// `0x03` aaguid.
    pub aaguid: Aaguid,
    /// `0x04` options (`rk`, `up`, `uv`, `clientPin`, `pinUvAuthToken`, `plat`, ...).
    pub options: BTreeMap<String, bool>,
    /// `0x05` maxMsgSize.
    pub max_msg_size: Option<u64>,
    /// `0x06` pinUvAuthProtocols, in the authenticator's order of preference.
    pub pin_uv_auth_protocols: Vec<u64>,
    /// `0x07` maxCredentialCountInList.
    pub max_credential_count_in_list: Option<u64>,
    /// `0x08` maxCredentialIdLength.
    pub max_credential_id_length: Option<u64>,
    /// `0x09` transports.
    pub transports: Vec<String>,
    /// `0x0A` algorithms: the COSE algorithms of `public-key` credentials.
    pub algorithms: Vec<i64>,
    /// `0x0D` minPINLength.
    pub min_pin_length: Option<u64>,
    /// `0x0E` firmwareVersion.
    pub firmware_version: Option<u64>,
    /// Every other member, as it came.
    pub other: Vec<(Value, Value)>,
}

const CONTEXT: &str = "authenticatorGetInfo response";

impl AuthenticatorInfo {
    /// An info with the required members.
    pub fn new(versions: Vec<String>, aaguid: Aaguid) -> Self {
        Self {
            versions,
            extensions: Vec::new(),
            aaguid,
            options: BTreeMap::new(),
            max_msg_size: None,
            pin_uv_auth_protocols: Vec::new(),
            max_credential_count_in_list: None,
            max_credential_id_length: None,
            transports: Vec::new(),
            algorithms: Vec::new(),
            min_pin_length: None,
            firmware_version: None,
            other: Vec::new(),
        }
    }

    /// Decodes a response body (already decoded from canonical CBOR).
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let map = Map::new(value, CONTEXT)?;
        let strings = |key: i64| -> Result<Vec<String>, Error> {
            match map.optional(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        read::as_text(i)
                            .map(str::to_owned)
                            .ok_or(map.member(key, MemberProblem::WrongType))
                    })
                    .collect(),
                Some(_) => Err(map.member(key, MemberProblem::WrongType)),
            }
        };
        let uint = |key: i64| -> Result<Option<u64>, Error> {
            map.optional(key)
                .map(|v| read::as_u64(v).ok_or(map.member(key, MemberProblem::WrongType)))
                .transpose()
        };
        let versions = strings(1)?;
        if map.optional(1).is_none() {
            return Err(map.member(1, MemberProblem::Missing));
        }
        let aaguid =
            read::as_bytes(map.required(3)?).ok_or(map.member(3, MemberProblem::WrongType))?;
        let aaguid = Aaguid(
            aaguid
                .try_into()
                .map_err(|_| map.member(3, MemberProblem::Invalid))?,
        );
        let mut options = BTreeMap::new();
        if let Some(value) = map.optional(4) {
            let Value::Map(entries) = value else {
                return Err(map.member(4, MemberProblem::WrongType));
            };
            for (k, v) in entries {
                match (read::as_text(k), read::as_bool(v)) {
                    (Some(k), Some(v)) => {
                        options.insert(k.to_owned(), v);
                    }
                    _ => return Err(map.member(4, MemberProblem::WrongType)),
                }
            }
        }
        let pin_uv_auth_protocols = match map.optional(6) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| read::as_u64(i).ok_or(map.member(6, MemberProblem::WrongType)))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(map.member(6, MemberProblem::WrongType)),
        };
        let algorithms = match map.optional(0x0A) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut algs = Vec::new();
                for item in items {
                    let p = Map::new(item, CONTEXT)?;
                    if p.text_member("type")? == "public-key" {
                        algs.push(p.i64_member("alg")?);
                    }
                }
                algs
            }
            Some(_) => return Err(map.member(0x0A, MemberProblem::WrongType)),
        };
        let known = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0A, 0x0D, 0x0E];
        let other = match value {
            Value::Map(entries) => entries
                .iter()
                .filter(|(k, _)| {
                    !read::int_key(k).is_some_and(|k| known.iter().any(|n| i128::from(*n) == k))
                })
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        Ok(Self {
            versions,
            extensions: strings(2)?,
            aaguid,
            options,
            max_msg_size: uint(5)?,
            pin_uv_auth_protocols,
            max_credential_count_in_list: uint(7)?,
            max_credential_id_length: uint(8)?,
            transports: strings(9)?,
            algorithms,
            min_pin_length: uint(0x0D)?,
            firmware_version: uint(0x0E)?,
            other,
        })
    }

    /// Encodes the response body (the authenticator side).
    pub fn to_value(&self) -> Value {
        let texts = |v: &[String]| Value::Array(v.iter().map(|s| read::text(s)).collect());
        let mut entries = vec![(read::int(1), texts(&self.versions))];
        if !self.extensions.is_empty() {
            entries.push((read::int(2), texts(&self.extensions)));
        }
        entries.push((read::int(3), Value::Bytes(self.aaguid.0.to_vec())));
        if !self.options.is_empty() {
            entries.push((
                read::int(4),
                Value::Map(
                    self.options
                        .iter()
                        .map(|(k, v)| (read::text(k), Value::Bool(*v)))
                        .collect(),
                ),
            ));
        }
        let uint = |v: u64| Value::Integer(v.into());
        if let Some(n) = self.max_msg_size {
            entries.push((read::int(5), uint(n)));
        }
        if !self.pin_uv_auth_protocols.is_empty() {
            entries.push((
                read::int(6),
                Value::Array(
                    self.pin_uv_auth_protocols
                        .iter()
                        .map(|p| uint(*p))
                        .collect(),
                ),
            ));
        }
        if let Some(n) = self.max_credential_count_in_list {
            entries.push((read::int(7), uint(n)));
        }
        if let Some(n) = self.max_credential_id_length {
            entries.push((read::int(8), uint(n)));
        }
        if !self.transports.is_empty() {
            entries.push((read::int(9), texts(&self.transports)));
        }
        if !self.algorithms.is_empty() {
            entries.push((
                read::int(0x0A),
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
            ));
        }
        if let Some(n) = self.min_pin_length {
            entries.push((read::int(0x0D), uint(n)));
        }
        if let Some(n) = self.firmware_version {
            entries.push((read::int(0x0E), uint(n)));
        }
        entries.extend(self.other.iter().cloned());
        Value::Map(entries)
    }

    /// An option's value, if the authenticator states it.
    pub fn option(&self, name: &str) -> Option<bool> {
        self.options.get(name).copied()
    }

    /// Whether a PIN is set (`clientPin: true`; `false` means supported but not set).
    pub fn pin_is_set(&self) -> bool {
        self.option("clientPin") == Some(true)
    }

    /// Whether built-in user verification is configured (`uv: true`).
    pub fn has_builtin_uv(&self) -> bool {
        self.option("uv") == Some(true)
    }

    /// Whether the authenticator implements pinUvAuthToken with permissions (CTAP 2.1).
    pub fn supports_permissions(&self) -> bool {
        self.option("pinUvAuthToken") == Some(true)
    }

    /// The PIN/UV auth protocol careid uses with this authenticator: Two when offered, else
    /// One (FIDO.md §2). A CTAP 2.0 authenticator that lists none speaks One.
    pub fn preferred_pin_protocol(&self) -> Result<PinUvAuthProtocol, Error> {
        if self.pin_uv_auth_protocols.is_empty() {
            return Ok(PinUvAuthProtocol::One);
        }
        [PinUvAuthProtocol::Two, PinUvAuthProtocol::One]
            .into_iter()
            .find(|p| self.pin_uv_auth_protocols.contains(&p.number_u64()))
            .ok_or(Error::UnsupportedPinProtocol)
    }

    /// The largest request the authenticator takes (maxMsgSize, default 1024 bytes, CTAP 2.1
    /// §6.4), capped at the CTAPHID maximum.
    pub fn max_request_len(&self) -> usize {
        self.max_msg_size
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(1024)
            .min(crate::ctaphid::MAX_MESSAGE_LEN)
    }
}
