//! Property tests for every parser of careid-assert: no input panics, and each decoder agrees
//! with an independent oracle (the generator's own knowledge of what it generated, serde_json,
//! or the `base64` crate).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{
    AssuranceLevel, CacheControl, Claims, Error, IdTokenExpectations, Input, JwkSet, Jws,
    JwsLimits, ProviderMetadata, acr_level,
};
use careid_crypto::AlgorithmSet;
use careid_testkit::{CIS2_INT_ISSUER, CIS2_KID};
use common::{expect, id_claims, issuer, keys, now, rp, with};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---- never panic ---------------------------------------------------------------------------

proptest! {
    #[test]
    fn parsers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Claims::from_json(&bytes);
        let _ = Claims::from_userinfo_json(&bytes);
        let _ = JwkSet::from_json(&bytes);
        let _ = ProviderMetadata::from_json(&bytes, CIS2_INT_ISSUER);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = CacheControl::parse(text);
            let _ = acr_level(text);
            let _ = Jws::parse(text, AlgorithmSet::ALL, JwsLimits::DEFAULT);
            let _ = rp().verify_id_token(text, &keys(), &expect(), now());
        }
    }

    #[test]
    fn token_shaped_strings_never_panic(
        parts in proptest::collection::vec("[A-Za-z0-9_=+/ -]{0,64}", 0..7)
    ) {
        let token = parts.join(".");
        let _ = Jws::parse(&token, AlgorithmSet::ALL, JwsLimits::DEFAULT);
        let _ = rp().verify_id_token(&token, &keys(), &expect(), now());
    }

    #[test]
    fn json_text_never_panics(value in json_value(4)) {
        let text = value.to_string();
        let _ = Claims::from_json(text.as_bytes());
        let _ = JwkSet::from_json(text.as_bytes());
        let _ = ProviderMetadata::from_json(text.as_bytes(), CIS2_INT_ISSUER);
    }
}

fn json_value(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("iss"),
            Just("aud"),
            Just("exp"),
            Just("keys"),
            Just("kty"),
            Just("n")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(depth, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("iss".to_owned()),
                        Just("aud".to_owned()),
                        Just("exp".to_owned()),
                        Just("keys".to_owned()),
                        Just("kty".to_owned()),
                        Just("n".to_owned()),
                        Just("e".to_owned()),
                        Just("amr".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

// ---- strict JSON against an oracle --------------------------------------------------------------

/// A JSON object written out member by member, so that it can repeat names.
#[derive(Debug, Clone)]
enum Doc {
    Leaf(i64),
    Object(Vec<(String, Doc)>),
    Array(Vec<Doc>),
}

impl Doc {
    fn write(&self, out: &mut String) {
        match self {
            Doc::Leaf(n) => out.push_str(&n.to_string()),
            Doc::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Doc::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(name).unwrap());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The first duplicated name in document order (depth first), as a strict parser meets it.
    fn first_duplicate(&self) -> Option<String> {
        match self {
            Doc::Leaf(_) => None,
            Doc::Array(items) => items.iter().find_map(Doc::first_duplicate),
            Doc::Object(members) => {
                let mut seen: Vec<&str> = Vec::new();
                for (name, value) in members {
                    if seen.contains(&name.as_str()) {
                        return Some(name.clone());
                    }
                    seen.push(name);
                    if let Some(dup) = value.first_duplicate() {
                        return Some(dup);
                    }
                }
                None
            }
        }
    }

    fn depth(&self) -> usize {
        match self {
            Doc::Leaf(_) => 0,
            Doc::Array(items) => 1 + items.iter().map(Doc::depth).max().unwrap_or(0),
            Doc::Object(members) => 1 + members.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
        }
    }
}

fn doc(depth: u32) -> impl Strategy<Value = Doc> {
    // Names outside careid's claim vocabulary, from a tiny alphabet so that duplicates occur.
    let name =
        prop_oneof![Just("k0"), Just("k1"), Just("k2"), Just("k\u{e9}")].prop_map(str::to_owned);
    any::<i64>()
        .prop_map(Doc::Leaf)
        .prop_recursive(depth, 200, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Doc::Array),
                proptest::collection::vec((name.clone(), inner), 0..5).prop_map(Doc::Object),
            ]
        })
}

fn top_level(depth: u32) -> impl Strategy<Value = Doc> {
    let name = prop_oneof![Just("k0"), Just("k1"), Just("k2"), Just("k3")].prop_map(str::to_owned);
    proptest::collection::vec((name, doc(depth)), 0..5).prop_map(Doc::Object)
}

proptest! {
    #[test]
    fn duplicate_members_are_found_exactly_when_present(d in top_level(4)) {
        let mut text = String::new();
        d.write(&mut text);
        let result = Claims::from_json(text.as_bytes());
        match d.first_duplicate() {
            Some(member) => prop_assert_eq!(
                result.unwrap_err(),
                Error::DuplicateMember { input: Input::Claims, member: member.into() }
            ),
            None => {
                let claims = result.unwrap();
                // Every member is an unknown claim, kept as serde_json reads it.
                let parsed: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(claims.extra().count(), parsed.len());
                for extra in claims.extra() {
                    let value = extra.to_value();
                    prop_assert_eq!(value.as_ref(), parsed.get(extra.name()));
                }
            }
        }
    }

    #[test]
    fn nesting_beyond_sixteen_is_too_deep(levels in 0_usize..40, object in any::<bool>()) {
        // One member nested `levels` deep inside the claims object (level 1).
        let (open, close) = if object { ("{\"k\":", "}") } else { ("[", "]") };
        let text = format!("{{\"x\":{}1{}}}", open.repeat(levels), close.repeat(levels));
        let result = Claims::from_json(text.as_bytes());
        if 1 + levels > 16 {
            prop_assert_eq!(result.unwrap_err(), Error::TooDeep { input: Input::Claims, limit: 16 });
        } else {
            prop_assert!(result.is_ok());
        }
    }

    #[test]
    fn generated_documents_respect_depth(d in top_level(20)) {
        let mut text = String::new();
        d.write(&mut text);
        let result = Claims::from_json(text.as_bytes());
        if d.depth() > 16 {
            prop_assert!(
                matches!(result, Err(Error::TooDeep { .. }) | Err(Error::DuplicateMember { .. })),
                "{:?}", result
            );
        } else if d.first_duplicate().is_none() {
            prop_assert!(result.is_ok());
        }
    }
}

// ---- tokens round-trip, and every single-character change is refused ------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn minted_claims_read_back(
        sub in "[0-9]{12}",
        sid in "\\PC{1,24}",
        extra_name in "x-[a-z]{1,8}",
        extra_value in json_value(2),
        aud_array in any::<bool>(),
    ) {
        let aud = if aud_array {
            json!([careid_testkit::CIS2_CLIENT_ID])
        } else {
            json!(careid_testkit::CIS2_CLIENT_ID)
        };
        let mut claims = with(with(with(id_claims(), "sub", json!(sub)), "sid", json!(sid)), "aud", aud);
        claims[&extra_name] = extra_value.clone();
        let token = issuer().mint(&claims);
        let verified = rp().verify_id_token(&token, &keys(), &expect(), now()).unwrap();
        prop_assert_eq!(verified.subject(), sub.as_str());
        prop_assert_eq!(verified.session_id(), Some(sid.as_str()));
        let extra: Vec<_> = verified.claims().extra().collect();
        prop_assert_eq!(extra.len(), 1);
        prop_assert_eq!(extra[0].name(), extra_name.as_str());
        // The exact text that was signed (serde_json's float parsing is not exact, so the
        // text, not a re-parsed value, is the oracle).
        prop_assert_eq!(extra[0].json(), extra_value.to_string());
    }

    #[test]
    fn any_single_character_change_is_refused(position in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_.=-]") {
        let token = issuer().mint(&id_claims());
        let i = position.index(token.len());
        let replacement = replacement.chars().next().unwrap();
        prop_assume!(!token[i..].starts_with(replacement));
        let mut forged = token.clone();
        forged.replace_range(i..=i, &replacement.to_string());
        prop_assert!(rp().verify_id_token(&forged, &keys(), &expect(), now()).is_err());
        prop_assert!(
            rp().verify_id_token(&forged, &keys(), &IdTokenExpectations::danger_without_nonce(), now()).is_err()
        );
    }
}

// ---- small decoders against their grammars --------------------------------------------------------

proptest! {
    #[test]
    fn acr_levels_follow_the_grammar(
        levels in proptest::collection::vec(0_u8..6, 1..4),
        method in "[A-Z0-9_]{0,12}",
    ) {
        let mut acr = levels.iter().map(|l| format!("AAL{l}")).collect::<Vec<_>>().join("_OR_");
        acr.push('_');
        acr.push_str(&method);
        let expected = (levels.iter().all(|l| (1..=3).contains(l)) && !method.is_empty())
            .then(|| *levels.iter().min().unwrap());
        prop_assert_eq!(acr_level(&acr), expected, "{}", acr);
    }

    #[test]
    fn assurance_levels_as_numbers_or_strings(n in 0_u64..20, as_string in any::<bool>()) {
        let raw = if as_string { format!("\"{n}\"") } else { n.to_string() };
        let claims = Claims::from_json(format!("{{\"id_assurance_level\":{raw}}}").as_bytes()).unwrap();
        let expected = if n <= 3 {
            AssuranceLevel::Level(u8::try_from(n).unwrap())
        } else {
            AssuranceLevel::Unknown(raw.as_str().into())
        };
        prop_assert_eq!(claims.id_assurance_level(), Some(&expected));
    }

    #[test]
    fn cache_control_max_age(
        age in 0_u64..1_000_000,
        others in proptest::collection::vec(prop_oneof![Just("public"), Just("private"), Just("must-revalidate"), Just("s-maxage=5")], 0..3),
        quoted in any::<bool>(),
        upper in any::<bool>(),
    ) {
        let name = if upper { "MAX-AGE" } else { "max-age" };
        let value = if quoted { format!("\"{age}\"") } else { age.to_string() };
        let mut directives: Vec<String> = others.iter().map(|s| (*s).to_owned()).collect();
        directives.insert(directives.len() / 2, format!("{name}={value}"));
        let cc = CacheControl::parse(&directives.join(", "));
        prop_assert_eq!(cc.max_age(), Some(age));
        prop_assert_eq!(cc.is_no_cache(), age == 0);
    }

    #[test]
    fn jwk_sets_of_generated_kids(kids in proptest::collection::vec("[a-c]", 0..5)) {
        let template = issuer().jwks()["keys"][0].clone();
        let keys: Vec<Value> = kids.iter().map(|kid| with(template.clone(), "kid", json!(kid))).collect();
        let set = JwkSet::from_json(json!({"keys": keys}).to_string().as_bytes()).unwrap();
        prop_assert_eq!(set.len(), kids.len());
        for kid in ["a", "b", "c", CIS2_KID] {
            let count = kids.iter().filter(|k| *k == kid).count();
            let found = set.find(kid);
            match count {
                0 => prop_assert_eq!(found.unwrap_err(), Error::UnknownKey { kid: kid.into(), refreshed: false }),
                1 => {
                    let key = found.unwrap();
                    prop_assert_eq!(key.kid(), Some(kid));
                }
                _ => prop_assert_eq!(found.unwrap_err(), Error::AmbiguousKey { kid: kid.into() }),
            }
        }
    }
}
