//! Compact JWS (RFC 7515 §7.1): structure, strict base64url, the JOSE header rules of RFC 8725
//! and CIS2.md §7.1 item 2, and signature verification on careid-crypto.

use crate::b64;
use crate::error::{Error, HeaderAlg, HeaderParam, Input, Malformed, Nesting, Segment};
use crate::json::{self, Check, Ctx, KeySeed, Names, Text};
use crate::jwks::VerificationKey;
use careid_crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use serde::de::{self, MapAccess, SeqAccess, Visitor};

/// The largest signature careid accepts: an RSA-8192 signature, 1024 bytes.
const MAX_SIGNATURE_BYTES: usize = 1024;

/// Limits applied before and while decoding a compact JWS (CIS2.md §7.1 item 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwsLimits {
    max_bytes: usize,
    max_depth: usize,
}

impl JwsLimits {
    /// 16 KiB per token, JSON nested at most 16 levels.
    pub const DEFAULT: Self = Self {
        max_bytes: 16 * 1024,
        max_depth: json::DEFAULT_MAX_DEPTH,
    };

    /// The largest token accepted, in bytes; checked before anything is decoded.
    #[must_use]
    pub const fn with_max_bytes(self, max_bytes: usize) -> Self {
        Self { max_bytes, ..self }
    }

    /// The deepest JSON nesting accepted (the top-level object is level 1). Clamped to 2..=64.
    #[must_use]
    pub const fn with_max_depth(self, depth: usize) -> Self {
        let max_depth = if depth < 2 {
            2
        } else if depth > json::MAX_CONFIGURABLE_DEPTH {
            json::MAX_CONFIGURABLE_DEPTH
        } else {
            depth
        };
        Self { max_depth, ..self }
    }

    /// The largest token accepted, in bytes.
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// The deepest JSON nesting accepted.
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }
}

impl Default for JwsLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A JOSE header that passed careid's rules (RFC 7515 §4): its algorithm is in the caller's
/// allow-list, and it has no embedded or referenced key, no `crit`, no `b64`, no `cty` and no
/// JWE parameter. There is no way to get a key out of a header: `jwk`, `jku`, `x5u` and `x5c`
/// are refused while parsing, never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwsHeader {
    alg: SignatureAlgorithm,
    json: String,
    kid: Option<Text>,
    typ: Option<Text>,
}

impl JwsHeader {
    /// `alg` (RFC 7515 §4.1.1), already checked against the allow-list.
    pub fn alg(&self) -> SignatureAlgorithm {
        self.alg
    }

    /// `kid` (RFC 7515 §4.1.4).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_ref().map(|kid| kid.get(&self.json))
    }

    /// `typ` (RFC 7515 §4.1.9), as written.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_ref().map(|typ| typ.get(&self.json))
    }

    /// The header's JSON text (RFC 7515 §5.2 step 2: the decoded protected header).
    pub fn json(&self) -> &str {
        &self.json
    }
}

/// A compact JWS whose structure and header are valid and whose signature has not been
/// checked yet (RFC 7515 §5.2 steps 1-7). Its payload is not available until
/// [`Jws::verify`] succeeds.
///
/// ```
/// use careid_assert::{Error, HeaderAlg, Jws, JwsLimits};
/// use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
///
/// // {"alg":"none"}.{"sub":"x"}. : refused before any key is looked up.
/// let rs256 = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
/// let err = Jws::parse("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", rs256, JwsLimits::DEFAULT)
///     .unwrap_err();
/// assert_eq!(err, Error::AlgNotAllowed { alg: HeaderAlg::None, allowed: rs256 });
/// ```
#[derive(Debug)]
pub struct Jws<'t> {
    signing_input: &'t str,
    header: JwsHeader,
    payload: Vec<u8>,
    signature: Vec<u8>,
    allowed: AlgorithmSet,
}

/// A JWS whose signature verified: its header and payload can be trusted as far as the key
/// can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedJws {
    header: JwsHeader,
    payload: Vec<u8>,
}

impl VerifiedJws {
    /// The header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The payload (RFC 7515 §5.2 step 6: base64url-decoded).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    pub(crate) fn into_parts(self) -> (JwsHeader, Vec<u8>) {
        (self.header, self.payload)
    }
}

impl<'t> Jws<'t> {
    /// Splits and decodes a compact JWS and checks its header.
    ///
    /// In order: the size limit; three segments (five is a JWE: [`Error::NestedOrEncrypted`]);
    /// strict base64url header; UTF-8 JSON object without duplicates, within the depth limit;
    /// then the header rules: JWE parameters, `b64`, `jwk`/`jku`/`x5u`/`x5c`, `crit`, `cty`,
    /// `alg` (must be in `allowed`; `none` and HMAC never are); then the payload and the
    /// signature segments (a missing signature is [`Error::Malformed`]).
    pub fn parse(token: &'t str, allowed: AlgorithmSet, limits: JwsLimits) -> Result<Self, Error> {
        if token.len() > limits.max_bytes {
            return Err(Error::TooLarge {
                input: Input::Token,
                limit: limits.max_bytes,
                actual: token.len(),
            });
        }
        // The '.'s, found with SIMD (memchr): the payload is most of the token.
        let bytes = token.as_bytes();
        let next_dot = |from: usize| {
            bytes
                .get(from..)
                .and_then(|rest| memchr::memchr(b'.', rest))
                .map(|at| from + at)
        };
        let first = next_dot(0);
        let second = first.and_then(|at| next_dot(at + 1));
        let third = second.and_then(|at| next_dot(at + 1));
        let split = match (first, second, third) {
            (Some(first), Some(second), None) => token
                .get(..first)
                .zip(token.get(first + 1..second).zip(token.get(second + 1..))),
            _ => None,
        };
        let Some((header_b64, (payload_b64, signature_b64))) = split else {
            let found = memchr::memchr_iter(b'.', bytes).count() + 1;
            if found == 5 {
                return Err(Error::NestedOrEncrypted {
                    kind: Nesting::Encrypted,
                });
            }
            // `header.payload` with no signature segment at all: an unsecured JWT cut short.
            // Its `alg` (typically `none`) is the more precise refusal.
            if let (Some(first), 2) = (first, found)
                && let Some(header_b64) = token.get(..first)
                && let Err(err @ Error::AlgNotAllowed { .. }) =
                    b64::decode(Segment::Header, header_b64)
                        .and_then(|bytes| parse_header(bytes, allowed, limits.max_depth))
            {
                return Err(err);
            }
            return Err(Error::Malformed {
                reason: Malformed::SegmentCount { found },
            });
        };
        if header_b64.is_empty() {
            return Err(Error::Malformed {
                reason: Malformed::EmptyHeader,
            });
        }
        let header_bytes = b64::decode(Segment::Header, header_b64)?;
        let header = parse_header(header_bytes, allowed, limits.max_depth)?;
        let payload = b64::decode(Segment::Payload, payload_b64)?;
        if signature_b64.is_empty() {
            return Err(Error::Malformed {
                reason: Malformed::EmptySignature,
            });
        }
        let signature = b64::decode(Segment::Signature, signature_b64)?;
        if signature.len() > MAX_SIGNATURE_BYTES {
            return Err(Error::Malformed {
                reason: Malformed::SignatureTooLong,
            });
        }
        // The signing input is everything before the second '.' (RFC 7515 §5.2 step 8).
        let signing_len = header_b64.len() + 1 + payload_b64.len();
        let signing_input = token.get(..signing_len).unwrap_or_default();
        Ok(Self {
            signing_input,
            header,
            payload,
            signature,
            allowed,
        })
    }

    /// The header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The JWS signing input, `BASE64URL(header) || '.' || BASE64URL(payload)`.
    pub fn signing_input(&self) -> &'t str {
        self.signing_input
    }

    /// Verifies the signature with `key` (RFC 7515 §5.2 step 8) and releases the payload.
    ///
    /// [`Error::BadSignature`] when the signature is wrong; [`Error::KeyNotUsable`] when the
    /// key cannot verify this algorithm (wrong key type, or its own metadata forbids it).
    pub fn verify(self, key: &PublicKey) -> Result<VerifiedJws, Error> {
        let kid: Box<str> = self.header.kid().unwrap_or_default().into();
        self.verify_inner(key, || kid)
    }

    /// Verifies with a key from a key set.
    pub fn verify_with(self, key: &VerificationKey) -> Result<VerifiedJws, Error> {
        self.verify_inner(key.public_key(), || key.kid().unwrap_or_default().into())
    }

    fn verify_inner(
        self,
        key: &PublicKey,
        kid: impl FnOnce() -> Box<str>,
    ) -> Result<VerifiedJws, Error> {
        match key.verify(
            self.allowed,
            self.header.alg,
            SignatureFormat::Fixed,
            self.signing_input.as_bytes(),
            &self.signature,
        ) {
            Ok(()) => Ok(VerifiedJws {
                header: self.header,
                payload: self.payload,
            }),
            Err(careid_crypto::Error::BadSignature) => Err(Error::BadSignature),
            Err(reason) => Err(Error::KeyNotUsable { kid: kid(), reason }),
        }
    }
}

/// Whether a `typ` value names `expected` (RFC 7515 §4.1.9: compared case-insensitively, with
/// the `application/` prefix optional).
pub(crate) fn typ_is(typ: &str, expected: &str) -> bool {
    let bare = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => typ.get(12..).unwrap_or(""),
        _ => typ,
    };
    bare.eq_ignore_ascii_case(expected)
}

/// Classifies an `alg` name (RFC 7518 §3.1).
fn classify_alg(name: &str) -> Result<SignatureAlgorithm, HeaderAlg> {
    SignatureAlgorithm::from_jose_name(name).map_err(|_| match name {
        "none" => HeaderAlg::None,
        "HS256" | "HS384" | "HS512" => HeaderAlg::Hmac(name.into()),
        other => HeaderAlg::Unsupported(other.into()),
    })
}

fn parse_header(
    bytes: Vec<u8>,
    allowed: AlgorithmSet,
    max_depth: usize,
) -> Result<JwsHeader, Error> {
    let json = json::utf8_owned(bytes, Input::Header)?;
    let ctx = Ctx::new(&json, Input::Header, max_depth);
    let raw = json::parse_document(&ctx, HeaderVisitor { ctx: &ctx })?;
    drop(ctx);
    if raw.jwe {
        return Err(Error::NestedOrEncrypted {
            kind: Nesting::Encrypted,
        });
    }
    for (present, param) in [
        (raw.b64, HeaderParam::B64),
        (raw.jwk, HeaderParam::Jwk),
        (raw.jku, HeaderParam::Jku),
        (raw.x5u, HeaderParam::X5u),
        (raw.x5c, HeaderParam::X5c),
    ] {
        if present {
            return Err(Error::ForbiddenHeader { param });
        }
    }
    if raw.crit {
        return Err(Error::UnsupportedCritical);
    }
    match &raw.cty {
        None => {}
        Some(Field::Text(cty)) if typ_is(cty.get(&json), "JWT") => {
            return Err(Error::NestedOrEncrypted {
                kind: Nesting::NestedJwt,
            });
        }
        Some(_) => {
            return Err(Error::ForbiddenHeader {
                param: HeaderParam::Cty,
            });
        }
    }
    let alg = match &raw.alg {
        Some(Field::Text(name)) => {
            classify_alg(name.get(&json)).map_err(|alg| Error::AlgNotAllowed { alg, allowed })?
        }
        _ => return Err(Error::InvalidHeader { param: "alg" }),
    };
    if !allowed.contains(alg) {
        return Err(Error::AlgNotAllowed {
            alg: HeaderAlg::Supported(alg),
            allowed,
        });
    }
    let text_or = |field: Option<Field>, param: &'static str| match field {
        None => Ok(None),
        Some(Field::Text(text)) => Ok(Some(text)),
        Some(Field::Other) => Err(Error::InvalidHeader { param }),
    };
    let kid = text_or(raw.kid, "kid")?;
    let typ = text_or(raw.typ, "typ")?;
    Ok(JwsHeader {
        alg,
        json,
        kid,
        typ,
    })
}

enum Field {
    Text(Text),
    Other,
}

#[derive(Default)]
struct RawHeader {
    alg: Option<Field>,
    kid: Option<Field>,
    typ: Option<Field>,
    cty: Option<Field>,
    crit: bool,
    b64: bool,
    jwk: bool,
    jku: bool,
    x5u: bool,
    x5c: bool,
    jwe: bool,
}

struct HeaderVisitor<'c, 'de> {
    ctx: &'c Ctx<'de>,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_, 'de> {
    type Value = RawHeader;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawHeader, A::Error> {
        let ctx = self.ctx;
        let mut header = RawHeader::default();
        let mut names = Names::default();
        while let Some(name) = map.next_key_seed(KeySeed)? {
            if !names.insert(name.clone()) {
                return Err(ctx.duplicate(&name));
            }
            let field = match &*name {
                "alg" => Some(&mut header.alg),
                "kid" => Some(&mut header.kid),
                "typ" => Some(&mut header.typ),
                "cty" => Some(&mut header.cty),
                _ => None,
            };
            if let Some(field) = field {
                *field = Some(map.next_value_seed(FieldSeed { ctx })?);
                continue;
            }
            match &*name {
                "crit" => header.crit = true,
                "b64" => header.b64 = true,
                "jwk" => header.jwk = true,
                "jku" => header.jku = true,
                "x5u" => header.x5u = true,
                "x5c" => header.x5c = true,
                // JWE header parameters (RFC 7516 §4.1, RFC 7518 §4.6.1, §4.7.1, §4.8.1).
                "enc" | "zip" | "epk" | "apu" | "apv" | "iv" | "tag" | "p2s" | "p2c" => {
                    header.jwe = true;
                }
                _ => {}
            }
            map.next_value_seed(Check { ctx, depth: 2 })?;
        }
        Ok(header)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<RawHeader, A::Error> {
        Err(self.ctx.not_an_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawHeader, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawHeader, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawHeader, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawHeader, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<RawHeader, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawHeader, E> {
        Err(self.ctx.not_an_object())
    }
}

/// A string-valued header parameter; any other value is validated and remembered as `Other`.
struct FieldSeed<'c, 'de> {
    ctx: &'c Ctx<'de>,
}

impl<'de> de::DeserializeSeed<'de> for FieldSeed<'_, 'de> {
    type Value = Field;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, 'de> {
    type Value = Field;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a header parameter")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field, E> {
        Ok(Field::Text(self.ctx.borrowed_text(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        Ok(Field::Text(Text::Owned(v.into())))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Field, E> {
        Ok(Field::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Field, E> {
        Ok(Field::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Field, E> {
        Ok(Field::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Field, E> {
        Ok(Field::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field, A::Error> {
        Check {
            ctx: self.ctx,
            depth: 2,
        }
        .visit_seq(seq)
        .map(|()| Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field, A::Error> {
        Check {
            ctx: self.ctx,
            depth: 2,
        }
        .visit_map(map)
        .map(|()| Field::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(json: &str) -> Result<JwsHeader, Error> {
        parse_header(
            json.as_bytes().to_vec(),
            AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256),
            16,
        )
    }

    #[test]
    fn header_rules_in_order() {
        assert!(header(r#"{"alg":"RS256","kid":"k","typ":"JWT"}"#).is_ok());
        assert_eq!(
            header(r#"{"alg":"RS256","enc":"A128GCM"}"#),
            Err(Error::NestedOrEncrypted {
                kind: Nesting::Encrypted
            })
        );
        // b64 is reported before crit, whichever comes first in the object.
        assert_eq!(
            header(r#"{"crit":["b64"],"alg":"RS256","b64":false}"#),
            Err(Error::ForbiddenHeader {
                param: HeaderParam::B64
            })
        );
        assert_eq!(
            header(r#"{"alg":"RS256","crit":["exp"],"exp":1}"#),
            Err(Error::UnsupportedCritical)
        );
        assert_eq!(
            header(r#"{"alg":"RS256","cty":"jwt"}"#),
            Err(Error::NestedOrEncrypted {
                kind: Nesting::NestedJwt
            })
        );
        assert_eq!(
            header(r#"{"alg":"RS256","cty":"application/JWT"}"#),
            Err(Error::NestedOrEncrypted {
                kind: Nesting::NestedJwt
            })
        );
        assert_eq!(
            header(r#"{"alg":"RS256","cty":"json"}"#),
            Err(Error::ForbiddenHeader {
                param: HeaderParam::Cty
            })
        );
        assert_eq!(
            header(r#"{"kid":"k"}"#),
            Err(Error::InvalidHeader { param: "alg" })
        );
        assert_eq!(
            header(r#"{"alg":256}"#),
            Err(Error::InvalidHeader { param: "alg" })
        );
        assert_eq!(
            header(r#"{"alg":"RS256","kid":7}"#),
            Err(Error::InvalidHeader { param: "kid" })
        );
        assert_eq!(
            header(r#"{"alg":"RS256","x5t":"abc","custom":{"a":[1]}}"#)
                .unwrap()
                .kid(),
            None
        );
    }

    #[test]
    fn algorithm_names_are_classified() {
        let rs256 = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
        for (name, alg) in [
            ("none", HeaderAlg::None),
            ("HS256", HeaderAlg::Hmac("HS256".into())),
            ("HS512", HeaderAlg::Hmac("HS512".into())),
            ("ES512", HeaderAlg::Unsupported("ES512".into())),
            ("rs256", HeaderAlg::Unsupported("rs256".into())),
            ("None", HeaderAlg::Unsupported("None".into())),
            ("PS256", HeaderAlg::Supported(SignatureAlgorithm::Ps256)),
        ] {
            assert_eq!(
                header(&format!(r#"{{"alg":"{name}"}}"#)),
                Err(Error::AlgNotAllowed {
                    alg,
                    allowed: rs256
                }),
                "{name}"
            );
        }
    }

    #[test]
    fn typ_comparison() {
        assert!(typ_is("JWT", "JWT"));
        assert!(typ_is("jwt", "JWT"));
        assert!(typ_is("application/logout+jwt", "logout+jwt"));
        assert!(typ_is("Application/Logout+JWT", "logout+jwt"));
        assert!(!typ_is("at+jwt", "JWT"));
        assert!(!typ_is("application/", "JWT"));
        assert!(!typ_is("xjwt", "JWT"));
    }

    #[test]
    fn structure() {
        let rs256 = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
        let parse = |t: &str| Jws::parse(t, rs256, JwsLimits::DEFAULT).map(|_| ());
        assert_eq!(
            parse("a.b"),
            Err(Error::Malformed {
                reason: Malformed::SegmentCount { found: 2 }
            })
        );
        assert_eq!(
            parse("a.b.c.d"),
            Err(Error::Malformed {
                reason: Malformed::SegmentCount { found: 4 }
            })
        );
        assert_eq!(
            parse("a.b.c.d.e"),
            Err(Error::NestedOrEncrypted {
                kind: Nesting::Encrypted
            })
        );
        assert_eq!(
            parse(".b.c"),
            Err(Error::Malformed {
                reason: Malformed::EmptyHeader
            })
        );
        // {"alg":"RS256"} with an empty signature.
        assert_eq!(
            parse("eyJhbGciOiJSUzI1NiJ9.e30."),
            Err(Error::Malformed {
                reason: Malformed::EmptySignature
            })
        );
        let long = "a".repeat(16 * 1024 + 1);
        assert_eq!(
            parse(&long),
            Err(Error::TooLarge {
                input: Input::Token,
                limit: 16 * 1024,
                actual: 16 * 1024 + 1
            })
        );
    }

    #[test]
    fn limits_are_clamped() {
        assert_eq!(JwsLimits::DEFAULT.with_max_depth(0).max_depth(), 2);
        assert_eq!(JwsLimits::DEFAULT.with_max_depth(1000).max_depth(), 64);
        assert_eq!(JwsLimits::DEFAULT.with_max_bytes(10).max_bytes(), 10);
    }
}
