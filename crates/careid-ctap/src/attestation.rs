//! The attestationObject (WebAuthn §6.5.4) and its attestation statements (WebAuthn §8).

use crate::authdata::AuthenticatorData;
use crate::cbor::{self, DecodeOptions, read};
use crate::error::{Error, MemberKey, MemberProblem};
use ciborium::value::Value;

/// The largest attestationObject careid parses when it comes from a client platform (a
/// browser re-encodes it; over HID the CTAPHID limit of 7609 bytes applies).
pub const MAX_ATTESTATION_OBJECT_LEN: usize = 64 * 1024;

/// An attestation statement format identifier (WebAuthn §8, IANA "WebAuthn Attestation
/// Statement Format Identifiers").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttestationFormat {
    /// `packed` (§8.2).
    Packed,
    /// `tpm` (§8.3).
    Tpm,
    /// `android-key` (§8.4).
    AndroidKey,
    /// `android-safetynet` (§8.5).
    AndroidSafetynet,
    /// `fido-u2f` (§8.6).
    FidoU2f,
    /// `none` (§8.7).
    None,
    /// `apple` (§8.8).
    Apple,
    /// Any other identifier, kept as it was.
    Other(String),
}

impl AttestationFormat {
    /// Maps an identifier (case-sensitive).
    pub fn from_id(id: &str) -> Self {
        match id {
            "packed" => Self::Packed,
            "tpm" => Self::Tpm,
            "android-key" => Self::AndroidKey,
            "android-safetynet" => Self::AndroidSafetynet,
            "fido-u2f" => Self::FidoU2f,
            "none" => Self::None,
            "apple" => Self::Apple,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The identifier.
    pub fn id(&self) -> &str {
        match self {
            Self::Packed => "packed",
            Self::Tpm => "tpm",
            Self::AndroidKey => "android-key",
            Self::AndroidSafetynet => "android-safetynet",
            Self::FidoU2f => "fido-u2f",
            Self::None => "none",
            Self::Apple => "apple",
            Self::Other(id) => id,
        }
    }
}

impl core::fmt::Display for AttestationFormat {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.id())
    }
}

/// A decoded attestation statement, for the formats careid verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttestationStatement {
    /// `packed` (WebAuthn §8.2): `{alg, sig, x5c?}`. An empty `x5c` is self attestation.
    Packed {
        /// The COSE algorithm of `sig`.
        alg: i64,
        /// The signature over `authenticatorData ‖ clientDataHash`.
        sig: Vec<u8>,
        /// The attestation certificate then its chain (DER), or empty (self attestation).
        x5c: Vec<Vec<u8>>,
    },
    /// `fido-u2f` (WebAuthn §8.6): `{sig, x5c}` with exactly one certificate.
    FidoU2f {
        /// The ES256 signature over the U2F registration data.
        sig: Vec<u8>,
        /// The attestation certificate (DER).
        x5c: Vec<Vec<u8>>,
    },
    /// `none` (WebAuthn §8.7): the empty map.
    None,
    /// `tpm` (WebAuthn §8.3): `{ver, alg, x5c, sig, certInfo, pubArea}`.
    Tpm {
        /// "2.0".
        ver: String,
        /// The COSE algorithm of `sig`.
        alg: i64,
        /// The AIK certificate then its chain (DER).
        x5c: Vec<Vec<u8>>,
        /// The signature over `certInfo`.
        sig: Vec<u8>,
        /// TPMS_ATTEST.
        cert_info: Vec<u8>,
        /// TPMT_PUBLIC of the credential key.
        pub_area: Vec<u8>,
    },
    /// A format careid does not decode (android-key, android-safetynet, apple, unknown).
    Unsupported {
        /// The format.
        fmt: AttestationFormat,
    },
}

const STMT: &str = "attStmt";

impl AttestationStatement {
    /// Decodes `attStmt` for `fmt` strictly: the members of its syntax, of the right types,
    /// and no others.
    pub fn decode(fmt: &AttestationFormat, att_stmt: &Value) -> Result<Self, Error> {
        let Value::Map(entries) = att_stmt else {
            return Err(Error::NotAMap { context: STMT });
        };
        let allowed: &[&str] = match fmt {
            AttestationFormat::Packed => &["alg", "sig", "x5c"],
            AttestationFormat::FidoU2f => &["sig", "x5c"],
            AttestationFormat::None => &[],
            AttestationFormat::Tpm => &["ver", "alg", "x5c", "sig", "certInfo", "pubArea"],
            other => return Ok(Self::Unsupported { fmt: other.clone() }),
        };
        for (key, _) in entries {
            let known = read::as_text(key).and_then(|k| allowed.iter().find(|a| **a == k));
            if known.is_none() {
                return Err(Error::Member {
                    context: STMT,
                    member: MemberKey::Text("(unknown member)"),
                    problem: MemberProblem::Invalid,
                });
            }
        }
        let get = |name: &'static str| {
            entries
                .iter()
                .find(|(k, _)| read::as_text(k) == Some(name))
                .map(|(_, v)| v)
        };
        let member = |name: &'static str, problem| Error::Member {
            context: STMT,
            member: MemberKey::Text(name),
            problem,
        };
        let required =
            |name: &'static str| get(name).ok_or_else(|| member(name, MemberProblem::Missing));
        let bytes = |name: &'static str| -> Result<Vec<u8>, Error> {
            read::as_bytes(required(name)?)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| member(name, MemberProblem::WrongType))
        };
        let alg = || -> Result<i64, Error> {
            read::as_i64(required("alg")?).ok_or_else(|| member("alg", MemberProblem::WrongType))
        };
        let x5c = |needed: bool| -> Result<Vec<Vec<u8>>, Error> {
            let Some(value) = get("x5c") else {
                return if needed {
                    Err(member("x5c", MemberProblem::Missing))
                } else {
                    Ok(Vec::new())
                };
            };
            let Value::Array(items) = value else {
                return Err(member("x5c", MemberProblem::WrongType));
            };
            if items.is_empty() {
                return Err(member("x5c", MemberProblem::Invalid));
            }
            items
                .iter()
                .map(|c| {
                    read::as_bytes(c)
                        .map(<[u8]>::to_vec)
                        .ok_or_else(|| member("x5c", MemberProblem::WrongType))
                })
                .collect()
        };
        Ok(match fmt {
            AttestationFormat::Packed => Self::Packed {
                alg: alg()?,
                sig: bytes("sig")?,
                x5c: x5c(false)?,
            },
            AttestationFormat::FidoU2f => {
                let x5c = x5c(true)?;
                if x5c.len() != 1 {
                    return Err(member("x5c", MemberProblem::Invalid));
                }
                Self::FidoU2f {
                    sig: bytes("sig")?,
                    x5c,
                }
            }
            AttestationFormat::Tpm => Self::Tpm {
                ver: read::as_text(required("ver")?)
                    .map(str::to_owned)
                    .ok_or_else(|| member("ver", MemberProblem::WrongType))?,
                alg: alg()?,
                x5c: x5c(true)?,
                sig: bytes("sig")?,
                cert_info: bytes("certInfo")?,
                pub_area: bytes("pubArea")?,
            },
            _ => Self::None,
        })
    }

    /// Encodes the statement as the `attStmt` map (the authenticator side).
    pub fn to_value(&self) -> Value {
        let x5c_value =
            |x5c: &[Vec<u8>]| Value::Array(x5c.iter().map(|c| Value::Bytes(c.clone())).collect());
        let mut entries = Vec::new();
        match self {
            Self::Packed { alg, sig, x5c } => {
                entries.push((read::text("alg"), read::int(*alg)));
                entries.push((read::text("sig"), Value::Bytes(sig.clone())));
                if !x5c.is_empty() {
                    entries.push((read::text("x5c"), x5c_value(x5c)));
                }
            }
            Self::FidoU2f { sig, x5c } => {
                entries.push((read::text("sig"), Value::Bytes(sig.clone())));
                entries.push((read::text("x5c"), x5c_value(x5c)));
            }
            Self::Tpm {
                ver,
                alg,
                x5c,
                sig,
                cert_info,
                pub_area,
            } => {
                entries.push((read::text("ver"), read::text(ver)));
                entries.push((read::text("alg"), read::int(*alg)));
                entries.push((read::text("x5c"), x5c_value(x5c)));
                entries.push((read::text("sig"), Value::Bytes(sig.clone())));
                entries.push((read::text("certInfo"), Value::Bytes(cert_info.clone())));
                entries.push((read::text("pubArea"), Value::Bytes(pub_area.clone())));
            }
            Self::None | Self::Unsupported { .. } => {}
        }
        Value::Map(entries)
    }
}

/// An attestationObject (WebAuthn §6.5.4): the format, the authenticatorData and the
/// attestation statement; over CTAP2 also `epAtt` and `largeBlobKey` (CTAP 2.1 §6.1.2).
#[derive(Debug, Clone, PartialEq)]
pub struct AttestationObject {
    fmt: AttestationFormat,
    auth_data: AuthenticatorData,
    att_stmt: Value,
    ep_att: Option<bool>,
    large_blob_key: Option<Vec<u8>>,
}

const CTAP_CONTEXT: &str = "authenticatorMakeCredential response";
const WEBAUTHN_CONTEXT: &str = "attestationObject";

impl AttestationObject {
    /// Assembles an attestation object from its parts (the authenticator side, and the
    /// real-device backend which hands them over separately). `att_stmt` must be a map.
    pub fn new(
        fmt: AttestationFormat,
        auth_data: AuthenticatorData,
        att_stmt: Value,
    ) -> Result<Self, Error> {
        if !matches!(att_stmt, Value::Map(_)) {
            return Err(Error::NotAMap { context: STMT });
        }
        auth_data.expect_attested(true)?;
        Ok(Self {
            fmt,
            auth_data,
            att_stmt,
            ep_att: None,
            large_blob_key: None,
        })
    }

    /// Decodes an authenticatorMakeCredential response body (CTAP 2.1 §6.1.2: `{1: fmt,
    /// 2: authData, 3: attStmt, 4: epAtt?, 5: largeBlobKey?}`), strictly canonical.
    pub fn from_ctap_response(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_ctap_value(&cbor::decode(bytes)?)
    }

    /// Decodes an already-decoded authenticatorMakeCredential response.
    pub fn from_ctap_value(value: &Value) -> Result<Self, Error> {
        let Value::Map(entries) = value else {
            return Err(Error::NotAMap {
                context: CTAP_CONTEXT,
            });
        };
        let member = |key: i64, problem| Error::Member {
            context: CTAP_CONTEXT,
            member: MemberKey::Int(key),
            problem,
        };
        let (mut fmt, mut auth_data, mut att_stmt, mut ep_att, mut lbk) =
            (None, None, None, None, None);
        for (key, value) in entries {
            match read::int_key(key) {
                Some(1) => fmt = Some(value),
                Some(2) => auth_data = Some(value),
                Some(3) => att_stmt = Some(value),
                Some(4) => ep_att = Some(value),
                Some(5) => lbk = Some(value),
                // Unknown members are ignored (CTAP 2.1 §6: forward compatibility).
                _ => {}
            }
        }
        let fmt = read::as_text(fmt.ok_or_else(|| member(1, MemberProblem::Missing))?)
            .ok_or_else(|| member(1, MemberProblem::WrongType))?;
        let auth_data = read::as_bytes(auth_data.ok_or_else(|| member(2, MemberProblem::Missing))?)
            .ok_or_else(|| member(2, MemberProblem::WrongType))?;
        let att_stmt = att_stmt.ok_or_else(|| member(3, MemberProblem::Missing))?;
        let ep_att = ep_att
            .map(|v| read::as_bool(v).ok_or_else(|| member(4, MemberProblem::WrongType)))
            .transpose()?;
        let large_blob_key = lbk
            .map(|v| {
                read::as_bytes(v)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| member(5, MemberProblem::WrongType))
            })
            .transpose()?;
        let mut object = Self::new(
            AttestationFormat::from_id(fmt),
            AuthenticatorData::parse(auth_data)?,
            att_stmt.clone(),
        )?;
        object.ep_att = ep_att;
        object.large_blob_key = large_blob_key;
        Ok(object)
    }

    /// Decodes a WebAuthn attestationObject (`{"fmt", "attStmt", "authData"}`) as a client
    /// platform delivers it: canonical CBOR except that key order is not checked (a browser
    /// may re-encode it), duplicate keys refused, at most 64 KiB. The authenticatorData inside
    /// is held to the full canonical rules.
    pub fn from_webauthn_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_ATTESTATION_OBJECT_LEN {
            return Err(Error::RequestTooLarge {
                len: bytes.len(),
                max: MAX_ATTESTATION_OBJECT_LEN,
            });
        }
        let value = cbor::decode_with(bytes, DecodeOptions::ANY_KEY_ORDER)?;
        let Value::Map(entries) = &value else {
            return Err(Error::NotAMap {
                context: WEBAUTHN_CONTEXT,
            });
        };
        let member = |name: &'static str, problem| Error::Member {
            context: WEBAUTHN_CONTEXT,
            member: MemberKey::Text(name),
            problem,
        };
        let get = |name: &'static str| {
            entries
                .iter()
                .find(|(k, _)| read::as_text(k) == Some(name))
                .map(|(_, v)| v)
                .ok_or_else(|| member(name, MemberProblem::Missing))
        };
        let fmt =
            read::as_text(get("fmt")?).ok_or_else(|| member("fmt", MemberProblem::WrongType))?;
        let auth_data = read::as_bytes(get("authData")?)
            .ok_or_else(|| member("authData", MemberProblem::WrongType))?;
        let att_stmt = get("attStmt")?;
        if entries.len() != 3 {
            return Err(member("(unknown member)", MemberProblem::Invalid));
        }
        Self::new(
            AttestationFormat::from_id(fmt),
            AuthenticatorData::parse(auth_data)?,
            att_stmt.clone(),
        )
    }

    /// Encodes the WebAuthn attestationObject (canonical CBOR).
    pub fn to_webauthn_bytes(&self) -> Vec<u8> {
        cbor::encode(&Value::Map(vec![
            (read::text("fmt"), read::text(self.fmt.id())),
            (read::text("attStmt"), self.att_stmt.clone()),
            (
                read::text("authData"),
                Value::Bytes(self.auth_data.as_bytes().to_vec()),
            ),
        ]))
    }

    /// Encodes the authenticatorMakeCredential response body (the authenticator side).
    pub fn to_ctap_value(&self) -> Value {
        let mut entries = vec![
            (read::int(1), read::text(self.fmt.id())),
            (
                read::int(2),
                Value::Bytes(self.auth_data.as_bytes().to_vec()),
            ),
            (read::int(3), self.att_stmt.clone()),
        ];
        if let Some(ep) = self.ep_att {
            entries.push((read::int(4), Value::Bool(ep)));
        }
        if let Some(lbk) = &self.large_blob_key {
            entries.push((read::int(5), Value::Bytes(lbk.clone())));
        }
        Value::Map(entries)
    }

    /// The attestation statement format.
    pub fn format(&self) -> &AttestationFormat {
        &self.fmt
    }
    /// The authenticatorData.
    pub fn auth_data(&self) -> &AuthenticatorData {
        &self.auth_data
    }
    /// The raw `attStmt` map.
    pub fn att_stmt(&self) -> &Value {
        &self.att_stmt
    }
    /// Decodes the attestation statement for its format.
    pub fn statement(&self) -> Result<AttestationStatement, Error> {
        AttestationStatement::decode(&self.fmt, &self.att_stmt)
    }
    /// `epAtt`: whether enterprise attestation was returned (CTAP 2.1 §6.1.2).
    pub fn enterprise_attestation(&self) -> Option<bool> {
        self.ep_att
    }
    /// `largeBlobKey` (CTAP 2.1 §6.1.2).
    pub fn large_blob_key(&self) -> Option<&[u8]> {
        self.large_blob_key.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        for id in [
            "packed",
            "tpm",
            "android-key",
            "android-safetynet",
            "fido-u2f",
            "none",
            "apple",
            "junk",
            "PACKED",
        ] {
            assert_eq!(AttestationFormat::from_id(id).id(), id);
        }
        assert_eq!(
            AttestationFormat::from_id("PACKED"),
            AttestationFormat::Other("PACKED".into())
        );
    }

    #[test]
    fn statements_are_decoded_strictly() {
        let packed = AttestationStatement::Packed {
            alg: -7,
            sig: vec![1, 2],
            x5c: vec![vec![3]],
        };
        let value = packed.to_value();
        assert_eq!(
            AttestationStatement::decode(&AttestationFormat::Packed, &value),
            Ok(packed)
        );
        // The same map is not a fido-u2f statement (alg is not in its syntax).
        assert!(AttestationStatement::decode(&AttestationFormat::FidoU2f, &value).is_err());
        // none must be the empty map.
        assert!(AttestationStatement::decode(&AttestationFormat::None, &value).is_err());
        assert_eq!(
            AttestationStatement::decode(&AttestationFormat::None, &Value::Map(vec![])),
            Ok(AttestationStatement::None)
        );
        // An empty x5c array is malformed (absent means self attestation).
        let empty_x5c = Value::Map(vec![
            (read::text("alg"), read::int(-7)),
            (read::text("sig"), Value::Bytes(vec![1])),
            (read::text("x5c"), Value::Array(vec![])),
        ]);
        assert!(AttestationStatement::decode(&AttestationFormat::Packed, &empty_x5c).is_err());
        assert_eq!(
            AttestationStatement::decode(&AttestationFormat::Apple, &Value::Map(vec![])),
            Ok(AttestationStatement::Unsupported {
                fmt: AttestationFormat::Apple
            })
        );
    }
}
