//! Wycheproof signature-verification vectors (C2SP/wycheproof, Apache-2.0; see
//! tests/data/wycheproof/SOURCE.md) through careid-crypto's public API.
//!
//! Every `valid` vector must verify and every `invalid` one must be rejected. `acceptable`
//! vectors are legacy encodings either outcome is allowed for; careid's documented policy is to
//! reject them (docs/conformance.md). Each key is imported twice, from its SubjectPublicKeyInfo
//! and from its JWK where the file gives one, and both imports must give the same outcome.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_crypto::{AlgorithmSet, Jwk, PublicKey, SignatureAlgorithm, SignatureFormat};

#[derive(Debug, Default)]
struct Counts {
    valid_verified: usize,
    invalid_rejected: usize,
    acceptable_rejected: usize,
    acceptable_verified: usize,
    jwk_imports: usize,
}

fn run(file: &str, algorithm: SignatureAlgorithm, format: SignatureFormat) -> Counts {
    let doc = common::read_json(&format!("wycheproof/testvectors_v1/{file}"));
    let allowed = AlgorithmSet::EMPTY.with(algorithm);
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    let groups = doc["testGroups"].as_array().expect("testGroups");
    for group in groups {
        let spki = common::unhex(group["publicKeyDer"].as_str().expect("publicKeyDer"));
        let mut keys = vec![(
            "spki",
            PublicKey::from_spki_der(&spki).expect("Wycheproof key imports"),
        )];
        let jwk = group.get("publicKeyJwk").or_else(|| group.get("keyJwk"));
        if let Some(jwk) = jwk {
            // Wycheproof JWKs carry `kid: "none"` and an `alg` matching the file.
            let jwk = Jwk::from_value(jwk).expect("Wycheproof JWK parses");
            keys.push((
                "jwk",
                PublicKey::from_jwk(&jwk).expect("Wycheproof JWK imports"),
            ));
            counts.jwk_imports += 1;
        }
        for test in group["tests"].as_array().expect("tests") {
            let id = test["tcId"].as_u64().expect("tcId");
            let msg = common::unhex(test["msg"].as_str().expect("msg"));
            let sig = common::unhex(test["sig"].as_str().expect("sig"));
            let result = test["result"].as_str().expect("result");
            for (how, key) in &keys {
                let verified = key.verify(allowed, algorithm, format, &msg, &sig);
                match (result, &verified) {
                    ("valid", Ok(())) | ("invalid", Err(careid_crypto::Error::BadSignature)) => {}
                    ("acceptable", _) => {}
                    _ => failures.push(format!(
                        "{file} tcId {id} ({how}): {result} gave {verified:?}"
                    )),
                }
                if *how != "spki" {
                    continue;
                }
                match (result, verified.is_ok()) {
                    ("valid", true) => counts.valid_verified += 1,
                    ("invalid", false) => counts.invalid_rejected += 1,
                    ("acceptable", false) => counts.acceptable_rejected += 1,
                    ("acceptable", true) => counts.acceptable_verified += 1,
                    _ => {}
                }
            }
        }
    }
    let expected_tests =
        usize::try_from(doc["numberOfTests"].as_u64().expect("numberOfTests")).unwrap();
    let seen = counts.valid_verified
        + counts.invalid_rejected
        + counts.acceptable_rejected
        + counts.acceptable_verified;
    println!(
        "wycheproof {file}: {} valid verified, {} invalid rejected, {} acceptable rejected, {} acceptable verified, {} failures ({} of {} tests; {} keys also imported from JWK)",
        counts.valid_verified,
        counts.invalid_rejected,
        counts.acceptable_rejected,
        counts.acceptable_verified,
        failures.len(),
        seen,
        expected_tests,
        counts.jwk_imports,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(seen + failures.len(), expected_tests, "every test was run");
    counts
}

#[test]
fn ecdsa_p256_sha256_der() {
    let counts = run(
        "ecdsa_secp256r1_sha256_test.json",
        SignatureAlgorithm::Es256,
        SignatureFormat::Der,
    );
    assert_eq!((counts.valid_verified, counts.invalid_rejected), (174, 310));
}

#[test]
fn rsa_pkcs1v15_2048_sha256() {
    let counts = run(
        "rsa_signature_2048_sha256_test.json",
        SignatureAlgorithm::Rs256,
        SignatureFormat::Fixed,
    );
    assert_eq!((counts.valid_verified, counts.invalid_rejected), (9, 249));
    // The one acceptable vector (flag MissingNull: DigestInfo without the NULL parameters) is
    // rejected, as documented.
    assert_eq!(
        (counts.acceptable_rejected, counts.acceptable_verified),
        (1, 0)
    );
}

#[test]
fn rsa_pss_2048_sha256_mgf1_32() {
    let counts = run(
        "rsa_pss_2048_sha256_mgf1_32_test.json",
        SignatureAlgorithm::Ps256,
        SignatureFormat::Fixed,
    );
    assert_eq!((counts.valid_verified, counts.invalid_rejected), (63, 45));
}

#[test]
fn ed25519() {
    let counts = run(
        "ed25519_test.json",
        SignatureAlgorithm::EdDsa,
        SignatureFormat::Fixed,
    );
    assert_eq!((counts.valid_verified, counts.invalid_rejected), (88, 63));
}

/// The allow-list is checked before anything else: a valid Wycheproof signature is refused
/// when its algorithm is not allowed, and when the algorithm does not fit the key.
#[test]
fn allow_list_and_key_agreement_come_first() {
    let doc = common::read_json("wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_test.json");
    let group = &doc["testGroups"][0];
    let key =
        PublicKey::from_spki_der(&common::unhex(group["publicKeyDer"].as_str().unwrap())).unwrap();
    let test = &group["tests"][0];
    assert_eq!(test["result"], "valid");
    let msg = common::unhex(test["msg"].as_str().unwrap());
    let sig = common::unhex(test["sig"].as_str().unwrap());
    let es256 = SignatureAlgorithm::Es256;
    key.verify(
        AlgorithmSet::EMPTY.with(es256),
        es256,
        SignatureFormat::Der,
        &msg,
        &sig,
    )
    .unwrap();
    assert_eq!(
        key.verify(
            AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256),
            es256,
            SignatureFormat::Der,
            &msg,
            &sig
        ),
        Err(careid_crypto::Error::AlgorithmNotAllowed { algorithm: es256 })
    );
    assert_eq!(
        key.verify(
            AlgorithmSet::ALL,
            SignatureAlgorithm::Es384,
            SignatureFormat::Der,
            &msg,
            &sig
        ),
        Err(careid_crypto::Error::KeyAlgorithmMismatch {
            algorithm: SignatureAlgorithm::Es384,
            key: careid_crypto::KeyKind::P256
        })
    );
    // The same signature in the wrong encoding does not verify.
    assert_eq!(
        key.verify(AlgorithmSet::ALL, es256, SignatureFormat::Fixed, &msg, &sig),
        Err(careid_crypto::Error::BadSignature)
    );
}
