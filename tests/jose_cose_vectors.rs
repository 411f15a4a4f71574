//! External JOSE, COSE and WebAuthn vectors through careid-crypto's public API.
//!
//! - RFC 7520 §3 JWKs and §4 JWS examples (ietf-jose/cookbook), RFC 8037 Appendix A.4 Ed25519
//!   JWS: `tests/data/jose/`.
//! - cose-wg/Examples COSE_Sign1 and COSE_Sign messages (ECDSA, EdDSA, RSA-PSS and the
//!   `sign1-tests` negatives): `tests/data/cose/`.
//! - python-fido2 COSE keys with WebAuthn signatures: `tests/data/webauthn/vectors.json`.
//!
//! Provenance and licences are in each folder's `SOURCE.md`. Every vector has exactly one
//! expected outcome, down to the error variant, and every test prints its counts.
// Test code: a panic is how a vector reports failure. (.clippy.toml's allow-*-in-tests only
// covers `#[test]` functions, not the helpers they share.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_crypto::{
    AlgorithmSet, Error, Jwk, KeyKind, PublicKey, SignatureAlgorithm, SignatureFormat,
    UnsupportedCurveName,
};
use coset::iana::{self, EnumI64 as _};
use coset::{
    CborSerializable as _, CoseKeyBuilder, CoseSign, CoseSign1, TaggedCborSerializable as _,
};
use serde_json::Value;

const BILBO: &str = "bilbo.baggins@hobbiton.example";

// ---------------------------------------------------------------------------------------------
// JOSE: RFC 7520, RFC 8037
// ---------------------------------------------------------------------------------------------

#[test]
fn rfc7520_jwk_examples() {
    let p521 = Error::UnsupportedCurve {
        curve: UnsupportedCurveName::P521,
    };
    let cases = [
        ("3_1.ec_public_key.json", Err(p521)),
        (
            "3_2.ec_private_key.json",
            Err(Error::JwkHasPrivateKey { member: "d" }),
        ),
        ("3_3.rsa_public_key.json", Ok(())),
        (
            "3_4.rsa_private_key.json",
            Err(Error::JwkHasPrivateKey { member: "d" }),
        ),
        (
            "3_5.symmetric_key_mac_computation.json",
            Err(Error::JwkHasPrivateKey { member: "k" }),
        ),
        (
            "3_6.symmetric_key_encryption.json",
            Err(Error::JwkHasPrivateKey { member: "k" }),
        ),
    ];
    assert_eq!(
        list_json_files("jose/jwk"),
        cases
            .iter()
            .map(|(f, _)| (*f).to_owned())
            .collect::<Vec<_>>(),
        "every file in tests/data/jose/jwk has an expected outcome"
    );

    let (mut imported, mut refused) = (0, 0);
    for (file, expected) in cases {
        let text = std::fs::read(common::data_path(&format!("jose/jwk/{file}"))).unwrap();
        // Every example is a well-formed JWK: the refusals come at import, not at parsing.
        let jwk = Jwk::from_json(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let result = PublicKey::from_jwk(&jwk);
        assert_eq!(PublicKey::from_jwk_json(&text), result, "{file}");
        match expected {
            Ok(()) => {
                let key = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(key.kind(), KeyKind::Rsa, "{file}");
                assert_eq!(key.rsa_bits(), Some(2048), "{file}");
                assert_eq!(
                    key.permitted_algorithms(),
                    KeyKind::Rsa.algorithms(),
                    "{file}"
                );
                assert_eq!(jwk.kid(), Some(BILBO));
                assert_eq!(jwk.key_use(), Some("sig"));
                imported += 1;
            }
            Err(error) => {
                assert_eq!(result, Err(error), "{file}");
                refused += 1;
            }
        }
    }
    println!("RFC 7520 §3 JWK: {imported} imported, {refused} refused as expected");
    assert_eq!((imported, refused), (1, 5));
}

#[test]
fn rfc7520_jws_rsa_signatures_verify() {
    let mut verified = 0;
    let mut tampered_rejected = 0;
    for (file, expected_alg) in [
        ("4_1.rsa_v15_signature.json", SignatureAlgorithm::Rs256),
        ("4_2.rsa-pss_signature.json", SignatureAlgorithm::Ps384),
    ] {
        let doc = common::read_json(&format!("jose/jws/{file}"));
        let example_key = &doc["input"]["key"];
        // The example key is a private JWK: offered whole, it is refused.
        assert_eq!(
            PublicKey::from_jwk_json(&serde_json::to_vec(example_key).unwrap()),
            Err(Error::JwkHasPrivateKey { member: "d" }),
            "{file}"
        );
        let key = PublicKey::from_jwk_json(&public_jwk(example_key))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((key.kind(), key.rsa_bits()), (KeyKind::Rsa, Some(2048)));

        let jws = Compact::parse(text(&doc["output"]["compact"]));
        assert_eq!(
            jws.signing_input,
            text(&doc["signing"]["sig-input"]).as_bytes()
        );
        assert_eq!(jws.signature, common::b64url(text(&doc["signing"]["sig"])));
        let alg = SignatureAlgorithm::from_jose_name(text(&jws.header["alg"])).unwrap();
        assert_eq!(alg, expected_alg, "{file}");

        let fixed = SignatureFormat::Fixed;
        let only_alg = AlgorithmSet::EMPTY.with(alg);
        for allowed in [only_alg, AlgorithmSet::ALL] {
            assert_eq!(
                key.verify(allowed, alg, fixed, &jws.signing_input, &jws.signature),
                Ok(()),
                "{file}"
            );
        }
        verified += 1;

        let input_len = jws.signing_input.len();
        let sig_len = jws.signature.len();
        for index in [0, input_len / 2, input_len - 1] {
            let input = flip_byte(&jws.signing_input, index);
            assert_eq!(
                key.verify(only_alg, alg, fixed, &input, &jws.signature),
                Err(Error::BadSignature),
                "{file}: signing input byte {index} flipped"
            );
            tampered_rejected += 1;
        }
        for index in [0, sig_len / 2, sig_len - 1] {
            let signature = flip_byte(&jws.signature, index);
            assert_eq!(
                key.verify(only_alg, alg, fixed, &jws.signing_input, &signature),
                Err(Error::BadSignature),
                "{file}: signature byte {index} flipped"
            );
            tampered_rejected += 1;
        }
        // The caller's allow-list is checked before anything else.
        assert_eq!(
            key.verify(
                AlgorithmSet::ALL.without(alg),
                alg,
                fixed,
                &jws.signing_input,
                &jws.signature
            ),
            Err(Error::AlgorithmNotAllowed { algorithm: alg }),
            "{file}"
        );
        // The same RSA key, another RSA algorithm: the signature does not verify.
        let other = if alg == SignatureAlgorithm::Rs256 {
            SignatureAlgorithm::Ps256
        } else {
            SignatureAlgorithm::Rs384
        };
        assert_eq!(
            key.verify(
                AlgorithmSet::ALL,
                other,
                fixed,
                &jws.signing_input,
                &jws.signature
            ),
            Err(Error::BadSignature),
            "{file}: verified as {other}"
        );
    }
    println!(
        "RFC 7520 §4.1-4.2 JWS: {verified} verified (RS256, PS384), \
         {tampered_rejected} tampered copies rejected"
    );
    assert_eq!(verified, 2);
}

#[test]
fn rfc7520_jws_ecdsa_p521_and_hmac_are_refused() {
    let mut refused = 0;

    // §4.3 ES512 over P-521: neither the algorithm nor the key is supported.
    let doc = common::read_json("jose/jws/4_3.ecdsa_signature.json");
    let jws = Compact::parse(text(&doc["output"]["compact"]));
    assert_eq!(jws.header["alg"], "ES512");
    assert_eq!(
        SignatureAlgorithm::from_jose_name("ES512"),
        Err(Error::UnsupportedJoseAlgorithm)
    );
    assert_eq!(
        PublicKey::from_jwk_json(&public_jwk(&doc["input"]["key"])),
        Err(Error::UnsupportedCurve {
            curve: UnsupportedCurveName::P521
        })
    );
    refused += 1;

    // §4.4-4.7 HS256 (compact, detached content, protected + unprotected header, unprotected
    // only): HMAC has no SignatureAlgorithm, and the `oct` key is refused with or without `k`.
    for file in [
        "4_4.hmac-sha2_integrity_protection.json",
        "4_5.signature_with_detached_content.json",
        "4_6.protecting_specific_header_fields.json",
        "4_7.protecting_content_only.json",
    ] {
        let doc = common::read_json(&format!("jose/jws/{file}"));
        let alg = flattened_jws_alg(&doc["output"]["json_flat"]);
        assert_eq!(alg, "HS256", "{file}");
        assert_eq!(
            SignatureAlgorithm::from_jose_name(&alg),
            Err(Error::UnsupportedJoseAlgorithm),
            "{file}"
        );
        assert_oct_key_refused(&doc["input"]["key"], file);
        refused += 1;
    }
    println!("RFC 7520 §4.3-4.7 JWS: {refused} refused as expected (1 ES512/P-521, 4 HS256)");
    assert_eq!(refused, 5);
}

#[test]
fn rfc7520_jws_multiple_signatures() {
    let doc = common::read_json("jose/jws/4_8.multiple_signatures.json");
    let json = &doc["output"]["json"];
    let payload = text(&json["payload"]);
    let signatures = json["signatures"].as_array().unwrap();
    let keys = doc["input"]["key"].as_array().unwrap();
    assert_eq!(signatures.len(), 3);
    assert_eq!(keys.len(), 3);

    let (mut verified, mut refused) = (0, 0);
    for (index, (signature, key)) in signatures.iter().zip(keys).enumerate() {
        let alg = flattened_jws_alg(signature);
        match alg.as_str() {
            "RS256" => {
                let alg = SignatureAlgorithm::from_jose_name(&alg).unwrap();
                let key = PublicKey::from_jwk_json(&public_jwk(key)).unwrap();
                let protected = text(&signature["protected"]);
                let signing_input = format!("{protected}.{payload}");
                assert_eq!(signing_input, text(&doc["signing"][index]["sig-input"]));
                let signature = common::b64url(text(&signature["signature"]));
                let fixed = SignatureFormat::Fixed;
                let only_alg = AlgorithmSet::EMPTY.with(alg);
                assert_eq!(
                    key.verify(only_alg, alg, fixed, signing_input.as_bytes(), &signature),
                    Ok(())
                );
                let tampered = flip_byte(signing_input.as_bytes(), signing_input.len() - 1);
                assert_eq!(
                    key.verify(only_alg, alg, fixed, &tampered, &signature),
                    Err(Error::BadSignature)
                );
                verified += 1;
            }
            "ES512" => {
                // The alg is in the unprotected header here; refused all the same.
                assert!(signature.get("protected").is_none());
                assert_eq!(
                    SignatureAlgorithm::from_jose_name(&alg),
                    Err(Error::UnsupportedJoseAlgorithm)
                );
                assert_eq!(
                    PublicKey::from_jwk_json(&public_jwk(key)),
                    Err(Error::UnsupportedCurve {
                        curve: UnsupportedCurveName::P521
                    })
                );
                refused += 1;
            }
            "HS256" => {
                assert_eq!(
                    SignatureAlgorithm::from_jose_name(&alg),
                    Err(Error::UnsupportedJoseAlgorithm)
                );
                assert_oct_key_refused(key, "4_8 HS256");
                refused += 1;
            }
            other => panic!("unexpected alg {other} in 4_8"),
        }
    }
    println!("RFC 7520 §4.8 JWS: {verified} verified (RS256), {refused} refused (ES512, HS256)");
    assert_eq!((verified, refused), (1, 2));
}

#[test]
fn rfc8037_ed25519_jws_verifies() {
    let doc = common::read_json("jose/curve25519/jws.json");
    assert_eq!(
        PublicKey::from_jwk_json(&serde_json::to_vec(&doc["input"]["key"]).unwrap()),
        Err(Error::JwkHasPrivateKey { member: "d" })
    );
    let key = PublicKey::from_jwk_json(&public_jwk(&doc["input"]["key"])).unwrap();
    assert_eq!(key.kind(), KeyKind::Ed25519);
    let jws = Compact::parse(text(&doc["output"]["compact"]));
    assert_eq!(
        jws.signing_input,
        text(&doc["signing"]["sig-input"]).as_bytes()
    );
    let alg = SignatureAlgorithm::from_jose_name(text(&jws.header["alg"])).unwrap();
    assert_eq!(alg, SignatureAlgorithm::EdDsa);
    let fixed = SignatureFormat::Fixed;
    let only_alg = AlgorithmSet::EMPTY.with(alg);
    assert_eq!(
        key.verify(only_alg, alg, fixed, &jws.signing_input, &jws.signature),
        Ok(())
    );
    let mut rejected = 0;
    for index in [0, jws.signing_input.len() - 1] {
        let input = flip_byte(&jws.signing_input, index);
        assert_eq!(
            key.verify(only_alg, alg, fixed, &input, &jws.signature),
            Err(Error::BadSignature)
        );
        rejected += 1;
    }
    for index in [0, 32, 63] {
        let signature = flip_byte(&jws.signature, index);
        assert_eq!(
            key.verify(only_alg, alg, fixed, &jws.signing_input, &signature),
            Err(Error::BadSignature)
        );
        rejected += 1;
    }
    assert_eq!(
        key.verify(
            AlgorithmSet::ALL.without(alg),
            alg,
            fixed,
            &jws.signing_input,
            &jws.signature
        ),
        Err(Error::AlgorithmNotAllowed { algorithm: alg })
    );
    println!("RFC 8037 A.4 Ed25519 JWS: 1 verified, {rejected} tampered copies rejected");
}

/// The public members of a JWK (RFC 7517 §4, RFC 7518 §6.2.1 and §6.3.1, RFC 8037 §2), as
/// JSON text: what a JWKS would publish for the example's private key.
fn public_jwk(key: &Value) -> Vec<u8> {
    const PUBLIC_MEMBERS: [&str; 8] = ["kty", "kid", "use", "crv", "x", "y", "n", "e"];
    let public: serde_json::Map<String, Value> = PUBLIC_MEMBERS
        .iter()
        .filter_map(|name| key.get(*name).map(|v| ((*name).to_owned(), v.clone())))
        .collect();
    serde_json::to_vec(&Value::Object(public)).unwrap()
}

/// An `oct` key is refused whole (it carries `k`) and without its secret (the type).
fn assert_oct_key_refused(key: &Value, what: &str) {
    assert_eq!(key["kty"], "oct", "{what}");
    assert_eq!(
        PublicKey::from_jwk_json(&serde_json::to_vec(key).unwrap()),
        Err(Error::JwkHasPrivateKey { member: "k" }),
        "{what}"
    );
    assert_eq!(
        PublicKey::from_jwk_json(&public_jwk(key)),
        Err(Error::UnsupportedJwkKeyType),
        "{what}"
    );
}

/// A JWS in compact serialisation (RFC 7515 §7.1).
struct Compact {
    signing_input: Vec<u8>,
    header: Value,
    signature: Vec<u8>,
}

impl Compact {
    fn parse(compact: &str) -> Self {
        let parts: Vec<&str> = compact.split('.').collect();
        assert_eq!(parts.len(), 3, "compact JWS has three parts");
        Self {
            signing_input: format!("{}.{}", parts[0], parts[1]).into_bytes(),
            header: serde_json::from_slice(&common::b64url(parts[0])).unwrap(),
            signature: common::b64url(parts[2]),
        }
    }
}

/// The `alg` of one signature in JWS JSON serialisation (RFC 7515 §7.2): from the protected
/// header if it has one, otherwise from the unprotected `header`.
fn flattened_jws_alg(signature: &Value) -> String {
    let protected = signature
        .get("protected")
        .map(|p| serde_json::from_slice::<Value>(&common::b64url(text(p))).unwrap());
    let alg = protected
        .as_ref()
        .and_then(|p| p.get("alg"))
        .or_else(|| signature.get("header").and_then(|h| h.get("alg")))
        .unwrap_or_else(|| panic!("no alg in {signature}"));
    text(alg).to_owned()
}

// ---------------------------------------------------------------------------------------------
// COSE: cose-wg/Examples
// ---------------------------------------------------------------------------------------------

/// What happened to one cose-wg example, stage by stage.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Every signature verified.
    Verified,
    /// coset does not decode the message (wrong CBOR tag, unregistered algorithm number...);
    /// the coset error variant.
    NotDecoded(&'static str),
    /// careid refuses the signer's key, its algorithm, or both, before any signature check.
    Unsupported {
        key: Option<Error>,
        alg: Option<AlgRefusal>,
    },
    /// Key and algorithm are supported; the signature does not verify.
    SignatureRejected(Error),
}

/// Why a COSE `alg` header did not map to a careid algorithm.
#[derive(Debug, Clone, PartialEq)]
enum AlgRefusal {
    Careid(Error),
    /// A text algorithm name (RFC 9052 §3.1 allows tstr): careid maps only numbers.
    Text(String),
    Missing,
}

#[test]
fn cose_wg_examples() {
    use Outcome::{NotDecoded, SignatureRejected, Verified};
    let p521_es512 = Outcome::Unsupported {
        key: Some(Error::UnsupportedCurve {
            curve: UnsupportedCurveName::P521,
        }),
        alg: Some(AlgRefusal::Careid(Error::UnsupportedCoseAlgorithm {
            id: -36,
        })),
    };
    let ed448 = Outcome::Unsupported {
        key: Some(Error::UnsupportedCurve {
            curve: UnsupportedCurveName::Ed448,
        }),
        alg: None,
    };
    // ES512 (SHA-512) with a P-256 key: careid ties ECDSA P-256 to SHA-256.
    let p256_es512 = Outcome::Unsupported {
        key: None,
        alg: Some(AlgRefusal::Careid(Error::UnsupportedCoseAlgorithm {
            id: -36,
        })),
    };
    // (file, outcome, whether coset's Sig_structure equals intermediates.ToBeSign_hex; None
    // when the message does not decode).
    let cases: Vec<(&str, Outcome, Option<bool>)> = vec![
        ("ecdsa-examples/ecdsa-01.json", Verified, Some(true)),
        ("ecdsa-examples/ecdsa-02.json", Verified, Some(true)),
        (
            "ecdsa-examples/ecdsa-03.json",
            p521_es512.clone(),
            Some(true),
        ),
        (
            "ecdsa-examples/ecdsa-04.json",
            p256_es512.clone(),
            Some(true),
        ),
        ("ecdsa-examples/ecdsa-sig-01.json", Verified, Some(true)),
        ("ecdsa-examples/ecdsa-sig-02.json", Verified, Some(true)),
        ("ecdsa-examples/ecdsa-sig-03.json", p521_es512, Some(true)),
        ("ecdsa-examples/ecdsa-sig-04.json", p256_es512, Some(true)),
        ("eddsa-examples/eddsa-01.json", Verified, Some(true)),
        ("eddsa-examples/eddsa-02.json", ed448.clone(), Some(true)),
        ("eddsa-examples/eddsa-sig-01.json", Verified, Some(true)),
        ("eddsa-examples/eddsa-sig-02.json", ed448, Some(true)),
        ("rsa-pss-examples/rsa-pss-01.json", Verified, Some(true)),
        ("rsa-pss-examples/rsa-pss-02.json", Verified, Some(true)),
        ("rsa-pss-examples/rsa-pss-03.json", Verified, Some(true)),
        // Tag 998 instead of 18: not a COSE_Sign1.
        (
            "sign1-tests/sign-fail-01.json",
            NotDecoded("UnexpectedItem"),
            None,
        ),
        // "Change signature": the payload's last byte was changed after signing.
        (
            "sign1-tests/sign-fail-02.json",
            SignatureRejected(Error::BadSignature),
            Some(false),
        ),
        // alg -999: unregistered and outside the private range, so coset refuses the header.
        (
            "sign1-tests/sign-fail-03.json",
            NotDecoded("UnregisteredIanaNonPrivateValue"),
            None,
        ),
        // alg "unknown" (tstr).
        (
            "sign1-tests/sign-fail-04.json",
            Outcome::Unsupported {
                key: None,
                alg: Some(AlgRefusal::Text("unknown".to_owned())),
            },
            Some(false),
        ),
        // Protected header changed after signing: the Sig_structure differs.
        (
            "sign1-tests/sign-fail-06.json",
            SignatureRejected(Error::BadSignature),
            Some(false),
        ),
        (
            "sign1-tests/sign-fail-07.json",
            SignatureRejected(Error::BadSignature),
            Some(false),
        ),
        // Protected header h'A0' (an empty map, not the empty bstr), alg unprotected; see
        // `cose_wg_sign_pass_01_empty_protected_map`.
        ("sign1-tests/sign-pass-01.json", Verified, Some(true)),
        // External AAD.
        ("sign1-tests/sign-pass-02.json", Verified, Some(true)),
        // Untagged COSE_Sign1.
        ("sign1-tests/sign-pass-03.json", Verified, Some(true)),
    ];
    let mut listed = Vec::new();
    for dir in [
        "ecdsa-examples",
        "eddsa-examples",
        "rsa-pss-examples",
        "sign1-tests",
    ] {
        listed.extend(
            list_json_files(&format!("cose/{dir}"))
                .into_iter()
                .map(|f| format!("{dir}/{f}")),
        );
    }
    assert_eq!(
        listed,
        cases
            .iter()
            .map(|(f, _, _)| (*f).to_owned())
            .collect::<Vec<_>>(),
        "every cose-wg example has an expected outcome"
    );

    let (mut verified, mut rejected, mut unsupported) = (0, 0, 0);
    let (mut not_decoded, mut signature_rejected, mut alg_refused) = (0, 0, 0);
    let (mut tbs_checked, mut tbs_verified) = (0, 0);
    let mut mismatches = Vec::new();
    for (file, expected, expected_tbs) in cases {
        let doc = common::read_json(&format!("cose/{file}"));
        let must_fail = doc.get("fail") == Some(&Value::Bool(true));
        let (outcome, tbs_matches, controls) = run_cose_example(&doc);
        tbs_verified += controls;
        if outcome != expected {
            mismatches.push(format!("{file}: expected {expected:?}, got {outcome:?}"));
        }
        if tbs_matches != expected_tbs {
            mismatches.push(format!(
                "{file}: Sig_structure equals ToBeSign_hex: expected {expected_tbs:?}, got \
                 {tbs_matches:?}"
            ));
        }
        if tbs_matches.is_some() {
            tbs_checked += 1;
        }
        if must_fail {
            assert_ne!(outcome, Verified, "{file} is marked fail");
            rejected += 1;
            match outcome {
                NotDecoded(_) => not_decoded += 1,
                SignatureRejected(_) => signature_rejected += 1,
                _ => alg_refused += 1,
            }
        } else if outcome == Verified {
            verified += 1;
        } else {
            unsupported += 1;
        }
    }
    println!(
        "cose-wg: {verified} verified, {rejected} rejected as expected ({not_decoded} at \
         decoding, {alg_refused} at the algorithm, {signature_rejected} at the signature), \
         {unsupported} unsupported (P-521, Ed448, ES512); {tbs_checked} Sig_structures compared \
         with ToBeSign_hex, {tbs_verified} signatures verified over it"
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!((verified, rejected, unsupported), (12, 6, 6));
}

/// sign-pass-01 sends its empty protected header as h'A0' and was signed over the zero-length
/// byte string. RFC 9052 §3: recipients "MUST accept both", and the zero-length byte string "is
/// the version used in the serialization structures for cryptographic computation". coset 0.4.2
/// builds the Sig_structure from the received bytes instead (google/coset#98, open), so its
/// `verify_signature` alone rejects this valid message; `run_cose_example` normalises first.
#[test]
fn cose_wg_sign_pass_01_empty_protected_map() {
    let doc = common::read_json("cose/sign1-tests/sign-pass-01.json");
    let cbor = common::unhex(text(&doc["output"]["cbor"]));
    let mut message = CoseSign1::from_tagged_slice(&cbor).unwrap();
    assert!(message.protected.header.is_empty());
    assert_eq!(
        message.protected.original_data.as_deref(),
        Some(&[0xa0][..])
    );
    let key =
        PublicKey::from_cose_key_bytes(&cose_key_from_json(&doc["input"]["sign0"]["key"])).unwrap();
    let alg = careid_alg(message.unprotected.alg.as_ref()).unwrap();
    let check = |signature: &[u8], tbs: &[u8]| {
        key.verify(
            AlgorithmSet::ALL,
            alg,
            SignatureFormat::Fixed,
            tbs,
            signature,
        )
    };
    // If this starts to pass, coset has fixed #98 and the normalisation can go.
    assert_eq!(
        message.verify_signature(&[], check),
        Err(Error::BadSignature)
    );
    assert!(empty_protected_as_zero_length(&mut message.protected));
    let expected_tbs = common::unhex(text(&doc["intermediates"]["ToBeSign_hex"]));
    assert_eq!(message.tbs_data(&[]), expected_tbs);
    assert_eq!(message.verify_signature(&[], check), Ok(()));
    println!("cose-wg sign-pass-01: verifies once the empty protected map is normalised");
}

/// RFC 9052 §3: an empty protected header map is authenticated as the zero-length byte string,
/// whichever way it was sent. Returns whether anything changed.
fn empty_protected_as_zero_length(protected: &mut coset::ProtectedHeader) -> bool {
    let sent_as_map = protected
        .original_data
        .as_ref()
        .is_some_and(|bytes| !bytes.is_empty());
    if protected.header.is_empty() && sent_as_map {
        protected.original_data = None;
        true
    } else {
        false
    }
}

/// Decodes, imports and verifies one cose-wg example. Returns the outcome and, for messages
/// that decode, whether coset's Sig_structure equals every signer's `ToBeSign_hex`.
///
/// Whatever the outcome, a signature whose key and algorithm careid supports must verify over
/// the example's own `ToBeSign_hex` (the Sig_structure before any `failures` mutation): that
/// proves the negative examples fail because of their mutation and nothing else.
fn run_cose_example(doc: &Value) -> (Outcome, Option<bool>, usize) {
    let input = &doc["input"];
    let cbor = common::unhex(text(&doc["output"]["cbor"]));
    // RFC 9052 §2: the application decides whether the tag is present; this one takes both.
    let tagged = cbor.first().is_some_and(|b| b >> 5 == 6);
    // (message, the signers' JSON, the signers' intermediates)
    let (message, signers, intermediates) = if let Some(sign0) = input.get("sign0") {
        let decoded = if tagged {
            CoseSign1::from_tagged_slice(&cbor)
        } else {
            CoseSign1::from_slice(&cbor)
        };
        let mut decoded = match decoded {
            Ok(decoded) => decoded,
            Err(error) => return (Outcome::NotDecoded(coset_error_name(&error)), None, 0),
        };
        empty_protected_as_zero_length(&mut decoded.protected);
        (
            Message::Sign1(decoded),
            vec![sign0],
            vec![&doc["intermediates"]],
        )
    } else {
        let decoded = if tagged {
            CoseSign::from_tagged_slice(&cbor)
        } else {
            CoseSign::from_slice(&cbor)
        };
        let mut decoded = match decoded {
            Ok(decoded) => decoded,
            Err(error) => return (Outcome::NotDecoded(coset_error_name(&error)), None, 0),
        };
        empty_protected_as_zero_length(&mut decoded.protected);
        for signature in &mut decoded.signatures {
            empty_protected_as_zero_length(&mut signature.protected);
        }
        let signers: Vec<&Value> = input["sign"]["signers"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        let intermediates = doc["intermediates"]["signers"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        (Message::Sign(decoded), signers, intermediates)
    };
    assert_eq!(message.signature_count(), signers.len());

    let mut tbs_matches = true;
    let mut outcome = Outcome::Verified;
    let mut controls = 0;
    for (index, (signer, intermediate)) in signers.iter().zip(intermediates).enumerate() {
        let aad = signer
            .get("external")
            .map(|hex| common::unhex(text(hex)))
            .unwrap_or_default();
        let expected_tbs = common::unhex(text(&intermediate["ToBeSign_hex"]));
        tbs_matches &= message.tbs(index, &aad) == expected_tbs;

        let key = PublicKey::from_cose_key_bytes(&cose_key_from_json(&signer["key"]));
        let alg = careid_alg(message.alg(index));
        let (key, alg) = match (key, alg) {
            (Ok(key), Ok(alg)) => (key, alg),
            (key, alg) => {
                outcome = Outcome::Unsupported {
                    key: key.err(),
                    alg: alg.err(),
                };
                continue;
            }
        };
        assert_eq!(
            key.verify(
                AlgorithmSet::ALL,
                alg,
                SignatureFormat::Fixed,
                &expected_tbs,
                message.signature(index)
            ),
            Ok(()),
            "signer {index}: the signature must verify over ToBeSign_hex"
        );
        controls += 1;
        if let Err(error) = message.verify(index, &aad, &key, alg) {
            outcome = Outcome::SignatureRejected(error);
        }
    }
    (outcome, Some(tbs_matches), controls)
}

fn coset_error_name(error: &coset::CoseError) -> &'static str {
    match error {
        coset::CoseError::DecodeFailed(_) => "DecodeFailed",
        coset::CoseError::DuplicateMapKey => "DuplicateMapKey",
        coset::CoseError::ExtraneousData => "ExtraneousData",
        coset::CoseError::OutOfRangeIntegerValue => "OutOfRangeIntegerValue",
        coset::CoseError::UnexpectedItem(..) => "UnexpectedItem",
        coset::CoseError::UnregisteredIanaValue => "UnregisteredIanaValue",
        coset::CoseError::UnregisteredIanaNonPrivateValue => "UnregisteredIanaNonPrivateValue",
        _ => "other",
    }
}

enum Message {
    Sign1(CoseSign1),
    Sign(CoseSign),
}

impl Message {
    fn signature_count(&self) -> usize {
        match self {
            Self::Sign1(_) => 1,
            Self::Sign(m) => m.signatures.len(),
        }
    }

    /// The signer's `alg`: from the protected header, else the unprotected one (RFC 9052 §3.1
    /// lets either carry it).
    fn alg(&self, index: usize) -> Option<&coset::Algorithm> {
        let (protected, unprotected) = match self {
            Self::Sign1(m) => (&m.protected.header, &m.unprotected),
            Self::Sign(m) => {
                let signature = &m.signatures[index];
                (&signature.protected.header, &signature.unprotected)
            }
        };
        protected.alg.as_ref().or(unprotected.alg.as_ref())
    }

    fn signature(&self, index: usize) -> &[u8] {
        match self {
            Self::Sign1(m) => &m.signature,
            Self::Sign(m) => &m.signatures[index].signature,
        }
    }

    fn tbs(&self, index: usize, aad: &[u8]) -> Vec<u8> {
        match self {
            Self::Sign1(m) => m.tbs_data(aad),
            Self::Sign(m) => m.tbs_data(aad, &m.signatures[index]),
        }
    }

    /// Verifies through coset's `verify_signature`, which builds the Sig_structure (RFC 9052
    /// §4.4) from the received protected-header bytes.
    fn verify(
        &self,
        index: usize,
        aad: &[u8],
        key: &PublicKey,
        alg: SignatureAlgorithm,
    ) -> Result<(), Error> {
        let check = |signature: &[u8], tbs: &[u8]| {
            key.verify(
                AlgorithmSet::ALL,
                alg,
                SignatureFormat::Fixed,
                tbs,
                signature,
            )
        };
        match self {
            Self::Sign1(m) => m.verify_signature(aad, check),
            Self::Sign(m) => m.verify_signature(index, aad, check),
        }
    }
}

fn careid_alg(alg: Option<&coset::Algorithm>) -> Result<SignatureAlgorithm, AlgRefusal> {
    match alg {
        None => Err(AlgRefusal::Missing),
        Some(coset::Algorithm::Assigned(alg)) => {
            SignatureAlgorithm::from_cose_id(alg.to_i64()).map_err(AlgRefusal::Careid)
        }
        Some(coset::Algorithm::PrivateUse(id)) => {
            SignatureAlgorithm::from_cose_id(*id).map_err(AlgRefusal::Careid)
        }
        Some(coset::Algorithm::Text(name)) => Err(AlgRefusal::Text(name.clone())),
    }
}

/// A CBOR COSE_Key (RFC 9052 §7, RFC 9053 §7, RFC 8230 §4) with only the public parameters of
/// a cose-wg example key (JWK-style members, base64url or `*_hex`).
fn cose_key_from_json(key: &Value) -> Vec<u8> {
    let builder = match text(&key["kty"]) {
        "EC" => {
            let crv = match text(&key["crv"]) {
                "P-256" => iana::EllipticCurve::P_256,
                "P-384" => iana::EllipticCurve::P_384,
                "P-521" => iana::EllipticCurve::P_521,
                other => panic!("unexpected EC curve {other}"),
            };
            CoseKeyBuilder::new_ec2_pub_key(crv, key_member(key, "x"), key_member(key, "y"))
        }
        "OKP" => {
            let crv = match text(&key["crv"]) {
                "Ed25519" => iana::EllipticCurve::Ed25519,
                "Ed448" => iana::EllipticCurve::Ed448,
                other => panic!("unexpected OKP curve {other}"),
            };
            CoseKeyBuilder::new_okp_key()
                .param(
                    iana::OkpKeyParameter::Crv.to_i64(),
                    coset::cbor::Value::from(crv.to_i64()),
                )
                .param(
                    iana::OkpKeyParameter::X.to_i64(),
                    coset::cbor::Value::Bytes(key_member(key, "x")),
                )
        }
        "RSA" => CoseKeyBuilder::new()
            .key_type(iana::KeyType::RSA)
            .param(
                iana::RsaKeyParameter::N.to_i64(),
                coset::cbor::Value::Bytes(key_member(key, "n")),
            )
            .param(
                iana::RsaKeyParameter::E.to_i64(),
                coset::cbor::Value::Bytes(key_member(key, "e")),
            ),
        other => panic!("unexpected kty {other}"),
    };
    let builder = match key.get("kid") {
        Some(kid) => builder.key_id(text(kid).as_bytes().to_vec()),
        None => builder,
    };
    builder.build().to_vec().unwrap()
}

/// A key member given as base64url (`x`) or as hex (`x_hex`).
fn key_member(key: &Value, name: &str) -> Vec<u8> {
    match key.get(name) {
        Some(b64) => common::b64url(text(b64)),
        None => common::unhex(text(&key[format!("{name}_hex")])),
    }
}

// ---------------------------------------------------------------------------------------------
// WebAuthn: python-fido2 COSE keys
// ---------------------------------------------------------------------------------------------

#[test]
fn python_fido2_cose_keys() {
    let doc = common::read_json("webauthn/vectors.json");
    let (mut verified, mut refused) = (0, 0);
    for entry in doc["python_fido2"].as_array().unwrap() {
        let name = text(&entry["name"]);
        match text(&entry["kind"]) {
            "cose_key_verify" => {
                assert_eq!(entry["expected"]["result"], "valid", "{name}");
                let fields = &entry["fields"];
                let parsed = &entry["expected"]["parsed_key"];
                let key =
                    PublicKey::from_cose_key_bytes(&common::unhex(text(&fields["cose_key_cbor"])))
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                let alg = SignatureAlgorithm::from_cose_id(parsed["3"].as_i64().unwrap())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                // The key's own `alg` restricts it to that algorithm.
                assert_eq!(
                    key.permitted_algorithms(),
                    AlgorithmSet::EMPTY.with(alg),
                    "{name}"
                );
                let expected_kind = match (parsed["1"].as_i64(), parsed["-1"].as_i64()) {
                    (Some(2), Some(1)) => KeyKind::P256,
                    (Some(3), _) => KeyKind::Rsa,
                    (Some(1), Some(6)) => KeyKind::Ed25519,
                    other => panic!("{name}: unexpected kty/crv {other:?}"),
                };
                assert_eq!(key.kind(), expected_kind, "{name}");
                // WebAuthn §6.5.5: ECDSA signatures are DER; RSA and EdDSA have one encoding.
                let format = if expected_kind == KeyKind::P256 {
                    SignatureFormat::Der
                } else {
                    SignatureFormat::Fixed
                };
                let message = common::unhex(text(&fields["message"]));
                let signature = common::unhex(text(&fields["signature"]));
                let only_alg = AlgorithmSet::EMPTY.with(alg);
                assert_eq!(
                    key.verify(only_alg, alg, format, &message, &signature),
                    Ok(()),
                    "{name}"
                );
                assert_eq!(
                    key.verify(only_alg, alg, format, &flip_byte(&message, 0), &signature),
                    Err(Error::BadSignature),
                    "{name}"
                );
                // A DER signature is not a fixed-width one.
                if format == SignatureFormat::Der {
                    assert_eq!(
                        key.verify(only_alg, alg, SignatureFormat::Fixed, &message, &signature),
                        Err(Error::BadSignature),
                        "{name}"
                    );
                }
                verified += 1;
            }
            "cose_key_parse" => {
                // python-fido2 keeps {1: 4711, 3: 4712, -1: h'313233', -2: h'343536'} as an
                // `UnsupportedKey`. careid refuses it: kty 4711 is not an IANA-registered key
                // type, so coset does not decode the map as a COSE_Key at all, and careid reports
                // that as CoseKeyMalformed (not UnsupportedCoseKeyType).
                let cbor = cbor_map_from_json(&entry["fields"]["cose_key_map"]);
                assert!(coset::CoseKey::from_slice(&cbor).is_err(), "{name}");
                assert_eq!(
                    PublicKey::from_cose_key_bytes(&cbor),
                    Err(Error::CoseKeyMalformed),
                    "{name}"
                );
                refused += 1;
            }
            _ => {}
        }
    }
    println!(
        "python-fido2 COSE keys: {verified} verified (ES256, ESP256, RS256, EdDSA, Ed25519), \
         {refused} unknown key refused as CoseKeyMalformed"
    );
    assert_eq!((verified, refused), (5, 1));
}

/// A CBOR map from the JSON form in vectors.json: integer labels as strings, integer values,
/// byte strings as hex.
fn cbor_map_from_json(map: &Value) -> Vec<u8> {
    let entries = map
        .as_object()
        .unwrap()
        .iter()
        .map(|(label, value)| {
            let label = coset::cbor::Value::from(label.parse::<i64>().unwrap());
            let value = match value {
                Value::Number(n) => coset::cbor::Value::from(n.as_i64().unwrap()),
                Value::String(hex) => coset::cbor::Value::Bytes(common::unhex(hex)),
                other => panic!("unexpected value {other}"),
            };
            (label, value)
        })
        .collect();
    coset::cbor::Value::Map(entries).to_vec().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a JSON string, got {value}"))
}

fn flip_byte(bytes: &[u8], index: usize) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[index] ^= 0x01;
    copy
}

/// The `*.json` file names in a folder under `tests/data/`, sorted.
fn list_json_files(rel: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::data_path(rel))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}
