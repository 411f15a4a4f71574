//! RFC 7520 §4 JWS examples (ietf-jose/cookbook, `tests/data/jose/`; provenance in its
//! SOURCE.md), RFC 7797 and RFC 8037, through careid-assert's compact JWS layer.
//!
//! careid verifies compact serializations only; JSON-serialized examples are converted to
//! compact form where they have a protected header (each signature on its own). Every example
//! has exactly one expected outcome, down to the error variant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{Error, HeaderAlg, HeaderParam, JwkSet, Jws, JwsLimits, Malformed};
use careid_crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm};
use serde_json::{Value, json};

fn read(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(common::data_path(&format!("jose/{rel}"))).unwrap())
        .unwrap()
}

/// The public half of an example key (the cookbook publishes private JWKs, which careid
/// refuses as keys to verify with).
fn public_jwk(key: &Value) -> Value {
    let mut public = json!({});
    for member in ["kty", "kid", "use", "crv", "n", "e", "x", "y"] {
        if let Some(value) = key.get(member) {
            public[member] = value.clone();
        }
    }
    public
}

/// Every compact form of an example: `output.compact`, or each signature of `output.json`
/// that has a protected header.
fn compact_forms(example: &Value) -> Vec<String> {
    if let Some(compact) = example["output"]["compact"].as_str() {
        return vec![compact.to_owned()];
    }
    let json = &example["output"]["json"];
    let payload = json["payload"].as_str().unwrap_or("");
    let signatures = match json["signatures"].as_array() {
        Some(all) => all.clone(),
        None => vec![json.clone()],
    };
    signatures
        .iter()
        .map(|sig| {
            format!(
                "{}.{payload}.{}",
                sig["protected"].as_str().unwrap_or(""),
                sig["signature"].as_str().unwrap()
            )
        })
        .collect()
}

enum Expect {
    Verifies(SignatureAlgorithm),
    Refused(Error),
}

fn hmac() -> Error {
    Error::AlgNotAllowed {
        alg: HeaderAlg::Hmac("HS256".into()),
        allowed: AlgorithmSet::ALL,
    }
}

#[test]
fn rfc7520_rfc7797_and_rfc8037_examples() {
    use Expect::{Refused, Verifies};
    let es512 = Error::AlgNotAllowed {
        alg: HeaderAlg::Unsupported("ES512".into()),
        allowed: AlgorithmSet::ALL,
    };
    let b64 = Error::ForbiddenHeader {
        param: HeaderParam::B64,
    };
    let cases: Vec<(&str, Vec<Expect>)> = vec![
        (
            "jws/4_1.rsa_v15_signature.json",
            vec![Verifies(SignatureAlgorithm::Rs256)],
        ),
        (
            "jws/4_2.rsa-pss_signature.json",
            vec![Verifies(SignatureAlgorithm::Ps384)],
        ),
        ("jws/4_3.ecdsa_signature.json", vec![Refused(es512)]),
        (
            "jws/4_4.hmac-sha2_integrity_protection.json",
            vec![Refused(hmac())],
        ),
        // Detached content: the compact form has an empty payload; HS256 is refused first.
        (
            "jws/4_5.signature_with_detached_content.json",
            vec![Refused(hmac())],
        ),
        // Protected + unprotected header: only the protected part fits the compact form.
        (
            "jws/4_6.protecting_specific_header_fields.json",
            vec![Refused(hmac())],
        ),
        // No protected header at all: no compact form exists.
        (
            "jws/4_7.protecting_content_only.json",
            vec![Refused(Error::Malformed {
                reason: Malformed::EmptyHeader,
            })],
        ),
        (
            "jws/4_8.multiple_signatures.json",
            // The ES512 signature's header is unprotected only: no compact form.
            vec![
                Verifies(SignatureAlgorithm::Rs256),
                Refused(Error::Malformed {
                    reason: Malformed::EmptyHeader,
                }),
                Refused(hmac()),
            ],
        ),
        ("rfc7797/hmac-sha2_b64_false.json", vec![Refused(b64)]),
        // RFC 7797 §4.2's unencoded payload is "$.02": with its '.', it has no compact form
        // (RFC 7797 §5.2); written as one anyway it has four segments.
        (
            "rfc7797/4.2.hmac-sha2_b64_false.json",
            vec![Refused(Error::Malformed {
                reason: Malformed::SegmentCount { found: 4 },
            })],
        ),
        (
            "curve25519/jws.json",
            vec![Verifies(SignatureAlgorithm::EdDsa)],
        ),
    ];
    let (mut verified, mut refused, mut tampered) = (0, 0, 0);
    for (file, expected) in cases {
        let example = read(file);
        let forms = compact_forms(&example);
        assert_eq!(forms.len(), expected.len(), "{file}");
        let keys: Vec<Value> = match &example["input"]["key"] {
            Value::Array(keys) => keys.clone(),
            key => vec![key.clone()],
        };
        for (i, (compact, expect)) in forms.iter().zip(expected).enumerate() {
            let result = Jws::parse(compact, AlgorithmSet::ALL, JwsLimits::DEFAULT);
            match expect {
                Verifies(alg) => {
                    let jws = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                    assert_eq!(jws.header().alg(), alg, "{file}");
                    let key = PublicKey::from_jwk_json(public_jwk(&keys[i]).to_string().as_bytes())
                        .unwrap();
                    let ok = jws.verify(&key).unwrap_or_else(|e| panic!("{file}: {e}"));
                    assert_eq!(
                        ok.payload(),
                        example["input"]["payload"].as_str().unwrap().as_bytes(),
                        "{file}"
                    );
                    verified += 1;
                    // Through a key set, selected by kid, when the example has one.
                    if let Some(kid) = ok.header().kid() {
                        let set = JwkSet::from_json(
                            json!({"keys": [public_jwk(&keys[i])]})
                                .to_string()
                                .as_bytes(),
                        )
                        .unwrap();
                        let jws =
                            Jws::parse(compact, AlgorithmSet::ALL, JwsLimits::DEFAULT).unwrap();
                        jws.verify_with(&set.find(kid).unwrap()).unwrap();
                    }
                    // The verifier decides the algorithm: not allowed, not verified.
                    let others = AlgorithmSet::ALL.without(alg);
                    assert_eq!(
                        Jws::parse(compact, others, JwsLimits::DEFAULT).unwrap_err(),
                        Error::AlgNotAllowed {
                            alg: HeaderAlg::Supported(alg),
                            allowed: others
                        }
                    );
                    // Every tampering is a bad signature.
                    let (signing_input, signature) = compact.rsplit_once('.').unwrap();
                    let mut sig = common::unb64(signature);
                    for bit in [0, sig.len() * 4, sig.len() * 8 - 1] {
                        sig[bit / 8] ^= 1 << (bit % 8);
                        let forged = format!("{signing_input}.{}", common::b64(&sig));
                        sig[bit / 8] ^= 1 << (bit % 8);
                        assert_eq!(
                            Jws::parse(&forged, AlgorithmSet::ALL, JwsLimits::DEFAULT)
                                .unwrap()
                                .verify(&key)
                                .unwrap_err(),
                            Error::BadSignature,
                            "{file} bit {bit}"
                        );
                        tampered += 1;
                    }
                    let (head, payload) = signing_input.split_once('.').unwrap();
                    let mut bytes = common::unb64(payload);
                    bytes[0] ^= 0x20;
                    let forged = format!("{head}.{}.{signature}", common::b64(&bytes));
                    assert_eq!(
                        Jws::parse(&forged, AlgorithmSet::ALL, JwsLimits::DEFAULT)
                            .unwrap()
                            .verify(&key)
                            .unwrap_err(),
                        Error::BadSignature,
                        "{file} payload"
                    );
                    tampered += 1;
                }
                Refused(err) => {
                    assert_eq!(result.unwrap_err(), err, "{file} #{i}");
                    refused += 1;
                }
            }
        }
    }
    println!(
        "RFC 7520/7797/8037: {verified} verified, {refused} refused, {tampered} tampered copies rejected"
    );
    assert_eq!((verified, refused, tampered), (4, 9, 16));
}

#[test]
fn rfc7520_keys_through_a_key_set() {
    // RFC 7520 §3.3/§3.4 (the RSA key of §4.1), published with its private members: a JWK set
    // containing it keeps it as refused, never as a verification key.
    let private = read("jwk/3_4.rsa_private_key.json");
    let set = JwkSet::from_json(json!({"keys": [private]}).to_string().as_bytes()).unwrap();
    assert_eq!(
        set.find("bilbo.baggins@hobbiton.example").unwrap_err(),
        Error::KeyNotUsable {
            kid: "bilbo.baggins@hobbiton.example".into(),
            reason: careid_crypto::Error::JwkHasPrivateKey { member: "d" }
        }
    );
    let public = read("jwk/3_3.rsa_public_key.json");
    let set = JwkSet::from_json(json!({"keys": [public]}).to_string().as_bytes()).unwrap();
    let key = set.find("bilbo.baggins@hobbiton.example").unwrap();
    let example = read("jws/4_1.rsa_v15_signature.json");
    let compact = example["output"]["compact"].as_str().unwrap();
    let rs256 = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
    let ok = Jws::parse(compact, rs256, JwsLimits::DEFAULT)
        .unwrap()
        .verify_with(&key)
        .unwrap();
    assert_eq!(ok.header().kid(), Some("bilbo.baggins@hobbiton.example"));
}
