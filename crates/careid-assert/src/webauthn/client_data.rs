//! clientDataJSON (WebAuthn §5.8.1 CollectedClientData), parsed strictly: UTF-8 JSON, one
//! object, no member name twice in any object, bounded size and depth. Members careid does
//! not use (`tokenBinding`, browser additions) are allowed but must be well formed.

use super::error::{ClientDataProblem, WebAuthnError};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::collections::BTreeSet;

/// The largest clientDataJSON careid parses (browsers send a few hundred bytes).
pub const MAX_CLIENT_DATA_LEN: usize = 16 * 1024;
/// The deepest nesting of objects and arrays.
const MAX_DEPTH: usize = 16;

/// A parsed clientDataJSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientData {
    kind: String,
    challenge: Vec<u8>,
    origin: String,
    cross_origin: Option<bool>,
    top_origin: Option<String>,
}

impl ClientData {
    /// Parses a clientDataJSON (WebAuthn §7.1 steps 5-6, §7.2 steps 9-10). `type`,
    /// `challenge` (strict base64url, no padding) and `origin` are required strings;
    /// `crossOrigin` an optional boolean; `topOrigin` an optional string.
    pub fn parse(json: &[u8]) -> Result<Self, WebAuthnError> {
        let fail = |p| WebAuthnError::ClientData(p);
        if json.len() > MAX_CLIENT_DATA_LEN {
            return Err(fail(ClientDataProblem::TooLong));
        }
        let problem = Cell::new(None);
        let mut de = serde_json::Deserializer::from_slice(json);
        let top = Top { problem: &problem }
            .deserialize(&mut de)
            .and_then(|t| de.end().map(|()| t));
        let members = match top {
            Ok(m) => m,
            Err(e) => {
                return Err(fail(problem.get().unwrap_or(ClientDataProblem::Syntax {
                    line: e.line(),
                    column: e.column(),
                })));
            }
        };
        let text = |member: &'static str, value: Option<Member>, required: bool| match value {
            Some(Member::Text(s)) => Ok(Some(s)),
            None if !required => Ok(None),
            None => Err(fail(ClientDataProblem::Missing { member })),
            Some(_) => Err(fail(ClientDataProblem::WrongType { member })),
        };
        let kind = text("type", members.kind, true)?.unwrap_or_default();
        let challenge = text("challenge", members.challenge, true)?.unwrap_or_default();
        let origin = text("origin", members.origin, true)?.unwrap_or_default();
        let top_origin = text("topOrigin", members.top_origin, false)?;
        let cross_origin = match members.cross_origin {
            None => None,
            Some(Member::Bool(b)) => Some(b),
            Some(_) => {
                return Err(fail(ClientDataProblem::WrongType {
                    member: "crossOrigin",
                }));
            }
        };
        let challenge = URL_SAFE_NO_PAD
            .decode(challenge.as_bytes())
            .map_err(|_| fail(ClientDataProblem::ChallengeEncoding))?;
        Ok(Self {
            kind,
            challenge,
            origin,
            cross_origin,
            top_origin,
        })
    }

    /// `type`.
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// The decoded `challenge`.
    pub fn challenge(&self) -> &[u8] {
        &self.challenge
    }
    /// `origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// `crossOrigin`.
    pub fn cross_origin(&self) -> Option<bool> {
        self.cross_origin
    }
    /// `topOrigin` (WebAuthn L3).
    pub fn top_origin(&self) -> Option<&str> {
        self.top_origin.as_deref()
    }

    /// The ceremony checks (§7.1 steps 7-10, §7.2 steps 11-14): type, challenge (compared in
    /// constant time), origin (exact match against the allowed list), cross-origin.
    pub(crate) fn check(
        &self,
        expected_type: &'static str,
        challenge: &[u8],
        origins: &[String],
        allow_cross_origin: bool,
    ) -> Result<(), WebAuthnError> {
        use subtle::ConstantTimeEq as _;
        if self.kind != expected_type {
            return Err(WebAuthnError::WrongCeremony {
                expected: expected_type,
            });
        }
        if !bool::from(self.challenge.ct_eq(challenge)) {
            return Err(WebAuthnError::ChallengeMismatch);
        }
        if !origins.contains(&self.origin) {
            return Err(WebAuthnError::OriginNotAllowed);
        }
        let cross = self.cross_origin == Some(true) || self.top_origin.is_some();
        if cross && !allow_cross_origin {
            return Err(WebAuthnError::CrossOriginNotAllowed);
        }
        Ok(())
    }
}

/// A member value as far as careid cares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Text(String),
    Bool(bool),
    Other,
}

#[derive(Default)]
struct Members {
    kind: Option<Member>,
    challenge: Option<Member>,
    origin: Option<Member>,
    cross_origin: Option<Member>,
    top_origin: Option<Member>,
}

struct Top<'p> {
    problem: &'p Cell<Option<ClientDataProblem>>,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Members;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Members, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Members;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let mut names = BTreeSet::new();
        let mut members = Members::default();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert(name.clone()) {
                return Err(fail(self.problem, ClientDataProblem::DuplicateMember));
            }
            let value = map.next_value_seed(Any {
                problem: self.problem,
                depth: 2,
            })?;
            let slot = match name.as_str() {
                "type" => &mut members.kind,
                "challenge" => &mut members.challenge,
                "origin" => &mut members.origin,
                "crossOrigin" => &mut members.cross_origin,
                "topOrigin" => &mut members.top_origin,
                _ => continue,
            };
            *slot = Some(value);
        }
        Ok(members)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Members, A::Error> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<Members, E> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Members, E> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<Members, E> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<Members, E> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<Members, E> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Members, E> {
        Err(fail(self.problem, ClientDataProblem::NotAnObject))
    }
}

/// Any JSON value, checked for duplicate member names and depth all the way down.
struct Any<'p> {
    problem: &'p Cell<Option<ClientDataProblem>>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Any<'_> {
    type Value = Member;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Member, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Any<'_> {
    type Value = Member;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
        Ok(Member::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Member, E> {
        Ok(Member::Text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Member, E> {
        Ok(Member::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Member, E> {
        Ok(Member::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Member, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(fail(self.problem, ClientDataProblem::TooDeep));
        }
        while seq
            .next_element_seed(Any {
                problem: self.problem,
                depth: self.depth + 1,
            })?
            .is_some()
        {}
        Ok(Member::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(fail(self.problem, ClientDataProblem::TooDeep));
        }
        let mut names = BTreeSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert(name) {
                return Err(fail(self.problem, ClientDataProblem::DuplicateMember));
            }
            map.next_value_seed(Any {
                problem: self.problem,
                depth: self.depth + 1,
            })?;
        }
        Ok(Member::Other)
    }
}

fn fail<E: de::Error>(cell: &Cell<Option<ClientDataProblem>>, problem: ClientDataProblem) -> E {
    cell.set(Some(problem));
    E::custom("clientDataJSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(json: &str) -> ClientDataProblem {
        match ClientData::parse(json.as_bytes()) {
            Err(WebAuthnError::ClientData(p)) => p,
            other => panic!("{json}: {other:?}"),
        }
    }

    #[test]
    fn parses_and_checks() {
        let cd = ClientData::parse(
            br#"{"type":"webauthn.get","challenge":"AQID","origin":"https://a.example","crossOrigin":false,"other_keys_can_be_added_here":{"x":[1,{"y":null}]}}"#,
        )
        .unwrap();
        assert_eq!(cd.challenge(), [1, 2, 3]);
        let origins = vec!["https://a.example".to_owned()];
        assert_eq!(
            cd.check("webauthn.get", &[1, 2, 3], &origins, false),
            Ok(())
        );
        assert_eq!(
            cd.check("webauthn.create", &[1, 2, 3], &origins, false),
            Err(WebAuthnError::WrongCeremony {
                expected: "webauthn.create"
            })
        );
        assert_eq!(
            cd.check("webauthn.get", &[1, 2, 4], &origins, false),
            Err(WebAuthnError::ChallengeMismatch)
        );
        assert_eq!(
            cd.check(
                "webauthn.get",
                &[1, 2, 3],
                &["https://b.example".to_owned()],
                false
            ),
            Err(WebAuthnError::OriginNotAllowed)
        );
        let cross = ClientData::parse(
            br#"{"type":"webauthn.get","challenge":"AQID","origin":"https://a.example","crossOrigin":true}"#,
        )
        .unwrap();
        assert_eq!(
            cross.check("webauthn.get", &[1, 2, 3], &origins, false),
            Err(WebAuthnError::CrossOriginNotAllowed)
        );
        assert_eq!(
            cross.check("webauthn.get", &[1, 2, 3], &origins, true),
            Ok(())
        );
    }

    #[test]
    fn strictness() {
        assert_eq!(
            problem(r#"{"type":"a","type":"b","challenge":"","origin":""}"#),
            ClientDataProblem::DuplicateMember
        );
        assert_eq!(
            problem(r#"{"type":"a","challenge":"","origin":"","x":{"k":1,"k":2}}"#),
            ClientDataProblem::DuplicateMember
        );
        assert_eq!(problem(r#"["type"]"#), ClientDataProblem::NotAnObject);
        assert_eq!(
            problem(r#"{"challenge":"","origin":""}"#),
            ClientDataProblem::Missing { member: "type" }
        );
        assert_eq!(
            problem(r#"{"type":1,"challenge":"","origin":""}"#),
            ClientDataProblem::WrongType { member: "type" }
        );
        assert_eq!(
            problem(r#"{"type":"a","challenge":"","origin":"","crossOrigin":"no"}"#),
            ClientDataProblem::WrongType {
                member: "crossOrigin"
            }
        );
        assert_eq!(
            problem(r#"{"type":"a","challenge":"AQI=","origin":""}"#),
            ClientDataProblem::ChallengeEncoding
        );
        assert_eq!(
            problem(r#"{"type":"a","challenge":"AQ+","origin":""}"#),
            ClientDataProblem::ChallengeEncoding
        );
        assert!(matches!(
            problem("{\"type\":"),
            ClientDataProblem::Syntax { .. }
        ));
        assert!(matches!(
            problem(r#"{"type":"a","challenge":"","origin":""} x"#),
            ClientDataProblem::Syntax { .. }
        ));
        let deep = format!(
            r#"{{"type":"a","challenge":"","origin":"","x":{}1{}}}"#,
            "[".repeat(20),
            "]".repeat(20)
        );
        assert_eq!(problem(&deep), ClientDataProblem::TooDeep);
        assert_eq!(
            problem(&" ".repeat(MAX_CLIENT_DATA_LEN + 1)),
            ClientDataProblem::TooLong
        );
        assert!(matches!(
            ClientData::parse(b"{\"type\":\"\xff\"}"),
            Err(WebAuthnError::ClientData(ClientDataProblem::Syntax { .. }))
        ));
    }
}
