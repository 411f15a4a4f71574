//! Property tests for careid-crypto's parsers and verification.
//!
//! - Never panic: SubjectPublicKeyInfo, JWK and COSE_Key import, X.509 AlgorithmIdentifier and
//!   JOSE `alg` mapping, and verification, on arbitrary bytes and on valid encodings of the
//!   testkit keys that have been mutated (bytes flipped, inserted, removed, truncated; JWK
//!   members and COSE_Key parameters replaced, dropped and added) so the parsers get past
//!   their first checks.
//! - Round trip: each test key imports to the same `PublicKey` from SPKI, JWK and COSE_Key.
//! - Signatures: a valid signature verifies, and any single-bit flip of the signature or of the
//!   message gives `Error::BadSignature`.
//!
//! Runs are reproducible: the RNG seed is fixed unless `PROPTEST_RNG_SEED` is set, and
//! `PROPTEST_CASES` overrides the case counts below for a longer soak.
// Test code: a panic is how a property reports failure. (.clippy.toml's allow-*-in-tests only
// covers `#[test]` functions, not the helpers they share.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_crypto::{
    AlgorithmSet, Error, Jwk, KeyKind, PublicKey, SignatureAlgorithm, SignatureFormat,
};
use careid_testkit::TestKey;
use coset::CborSerializable as _;
use coset::cbor::Value as Cbor;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::RngSeed;
use serde_json::Value as Json;

/// The default seed of every property in this file.
const SEED: u64 = 0x0ca5_e1d0_7e57;

/// `cases` cases from a fixed seed, unless the environment says otherwise.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config
}

/// SubjectPublicKeyInfo import through the `spki` crate's decoder and
/// [`PublicKey::from_spki_with_policy`], bypassing `from_spki_der`'s fast path.
fn via_spki_decoder(der: &[u8]) -> Result<PublicKey, Error> {
    use careid_crypto::spki::der::Decode as _;
    let spki = careid_crypto::spki::SubjectPublicKeyInfoRef::from_der(der)?;
    PublicKey::from_spki_with_policy(&spki, careid_crypto::KeyPolicy::DEFAULT)
}

// ---------------------------------------------------------------------------------------------
// Never panic: arbitrary input
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn spki_der_never_panics(der in vec(any::<u8>(), 0..600)) {
        exercise(PublicKey::from_spki_der(&der));
    }

    #[test]
    fn jwk_json_never_panics(json in prop_oneof![
        vec(any::<u8>(), 0..300),
        any::<String>().prop_map(String::into_bytes),
    ]) {
        let parsed = Jwk::from_json(&json);
        let imported = PublicKey::from_jwk_json(&json);
        // from_jwk_json is exactly from_json then from_jwk.
        prop_assert_eq!(&imported, &parsed.and_then(|jwk| PublicKey::from_jwk(&jwk)));
        exercise(imported);
    }

    #[test]
    fn cose_key_bytes_never_panic(cbor in vec(any::<u8>(), 0..300)) {
        let imported = PublicKey::from_cose_key_bytes(&cbor);
        // from_cose_key_bytes is exactly coset's decoding then from_cose_key.
        let via_coset = coset::CoseKey::from_slice(&cbor)
            .map_err(|_| Error::CoseKeyMalformed)
            .and_then(|key| PublicKey::from_cose_key(&key));
        prop_assert_eq!(&imported, &via_coset);
        exercise(imported);
    }

    #[test]
    fn x509_algorithm_never_panics(der in vec(any::<u8>(), 0..120)) {
        let _ = SignatureAlgorithm::from_x509_der(&der);
    }

    #[test]
    fn jose_name_never_panics(name in prop_oneof![
        any::<String>(),
        "[A-Za-z0-9]{0,8}",
        jose_name_like(),
    ]) {
        if let Ok(alg) = SignatureAlgorithm::from_jose_name(&name) {
            // Exact, case-sensitive names only (RFC 7515 §4.1.1).
            prop_assert_eq!(alg.jose_name(), name.as_str());
        } else {
            prop_assert_eq!(
                SignatureAlgorithm::from_jose_name(&name),
                Err(Error::UnsupportedJoseAlgorithm)
            );
        }
    }

    #[test]
    fn verify_never_panics_on_arbitrary_signatures(
        key in test_key(),
        alg in select(SignatureAlgorithm::ALL.to_vec()),
        format in signature_format(),
        message in vec(any::<u8>(), 0..200),
        signature in arbitrary_signature(),
    ) {
        let public = key.signer().public_key();
        let result = public.verify(AlgorithmSet::ALL, alg, format, &message, &signature);
        if alg.key_kind() == public.kind() {
            prop_assert_eq!(result, Err(Error::BadSignature));
        } else {
            prop_assert_eq!(
                result,
                Err(Error::KeyAlgorithmMismatch { algorithm: alg, key: public.kind() })
            );
        }
        // The allow-list comes first, whatever the key.
        prop_assert_eq!(
            public.verify(AlgorithmSet::ALL.without(alg), alg, format, &message, &signature),
            Err(Error::AlgorithmNotAllowed { algorithm: alg })
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Never panic: mutated valid encodings
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn mutated_spki_never_panics(
        key in test_key(),
        mutations in vec(byte_mutation(), 1..4),
    ) {
        let der = mutate_bytes(key.signer().spki_der(), &mutations);
        let imported = PublicKey::from_spki_der(&der);
        // The byte-exact fast path for the usual P-256 / P-384 encodings gives exactly what
        // the general SubjectPublicKeyInfo decoder gives.
        prop_assert_eq!(&imported, &via_spki_decoder(&der));
        exercise(imported);
    }

    #[test]
    fn mutated_ec_points_import_as_the_general_decoder_says(
        key in select(vec![TestKey::P256, TestKey::P384]),
        flips in vec((any::<Index>(), 0_u8..8), 1..4),
    ) {
        // Bit flips inside the point only (the last 65 or 97 octets): the fast path's domain.
        let mut der = key.signer().spki_der();
        let point_len = if key == TestKey::P256 { 65 } else { 97 };
        let start = der.len() - point_len;
        for (at, bit) in flips {
            der[start + at.index(point_len)] ^= 1 << bit;
        }
        let imported = PublicKey::from_spki_der(&der);
        prop_assert_eq!(&imported, &via_spki_decoder(&der));
        exercise(imported);
    }

    #[test]
    fn mutated_spki_headers_import_as_the_general_decoder_says(
        key in test_key(),
        flips in vec((0_usize..40, 0_u8..8), 1..3),
    ) {
        // Bit flips in the headers and AlgorithmIdentifier (the first 40 octets), where the
        // byte-exact fast paths decide whether to take the input.
        let mut der = key.signer().spki_der();
        for (at, bit) in flips {
            if let Some(byte) = der.get_mut(at) {
                *byte ^= 1 << bit;
            }
        }
        let imported = PublicKey::from_spki_der(&der);
        prop_assert_eq!(&imported, &via_spki_decoder(&der));
        exercise(imported);
    }

    #[test]
    fn mutated_jwk_text_never_panics(
        key in test_key(),
        alg in proptest::option::of(select(SignatureAlgorithm::ALL.to_vec())),
        mutations in vec(byte_mutation(), 1..4),
    ) {
        let jwk = key.signer().jwk(Some("kid-1"), alg);
        let json = mutate_bytes(serde_json::to_vec(&jwk).unwrap(), &mutations);
        exercise(PublicKey::from_jwk_json(&json));
    }

    #[test]
    fn mutated_jwk_members_never_panic(
        key in test_key(),
        mutations in vec(jwk_mutation(), 1..5),
    ) {
        let mut jwk = key.signer().jwk(Some("kid-1"), None);
        let members = jwk.as_object_mut().unwrap();
        for mutation in &mutations {
            mutation.apply(members);
        }
        let json = serde_json::to_vec(&jwk).unwrap();
        let imported = PublicKey::from_jwk_json(&json);
        // The JSON text and the parsed value give the same result (a JwkMalformed from a
        // value has no text position to report).
        let from_value = Jwk::from_value(&jwk).and_then(|parsed| PublicKey::from_jwk(&parsed));
        prop_assert_eq!(without_position(&imported), without_position(&from_value));
        exercise(imported);
    }

    #[test]
    fn mutated_cose_key_bytes_never_panic(
        key in test_key(),
        alg in proptest::option::of(select(SignatureAlgorithm::ALL.to_vec())),
        mutations in vec(byte_mutation(), 1..4),
    ) {
        let cbor = mutate_bytes(key.signer().cose_key(alg), &mutations);
        exercise(PublicKey::from_cose_key_bytes(&cbor));
    }

    #[test]
    fn mutated_cose_key_parameters_never_panic(
        key in test_key(),
        mutations in vec(cose_mutation(), 1..5),
    ) {
        let Ok(Cbor::Map(mut entries)) = Cbor::from_slice(&key.signer().cose_key(None)) else {
            panic!("test COSE_Key is a map");
        };
        for mutation in &mutations {
            mutation.apply(&mut entries);
        }
        let cbor = Cbor::Map(entries).to_vec().unwrap();
        exercise(PublicKey::from_cose_key_bytes(&cbor));
    }

    #[test]
    fn mutated_x509_algorithm_never_panics(
        der in select(X509_ALGORITHMS.to_vec()),
        mutations in vec(byte_mutation(), 1..4),
    ) {
        let der = mutate_bytes(hex::decode(der).unwrap(), &mutations);
        if let Ok(alg) = SignatureAlgorithm::from_x509_der(&der) {
            prop_assert!(AlgorithmSet::ALL.contains(alg));
        }
    }
}

fn without_position(result: &Result<PublicKey, Error>) -> Result<PublicKey, Error> {
    match result {
        Err(Error::JwkMalformed { .. }) => Err(Error::JwkMalformed { line: 0, column: 0 }),
        other => other.clone(),
    }
}

/// DER AlgorithmIdentifiers careid maps (RFC 4055, RFC 5758, RFC 8410), and a PSS one.
const X509_ALGORITHMS: [&str; 7] = [
    "300d06092a864886f70d01010b0500",
    "300d06092a864886f70d01010c0500",
    "300d06092a864886f70d01010d0500",
    "300a06082a8648ce3d040302",
    "300a06082a8648ce3d040303",
    "300506032b6570",
    "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
];

/// Signatures that verify nothing: empty, a DER `SEQUENCE { 1, 1 }`, and fixed-width junk.
const JUNK_SIGNATURES: [&[u8]; 4] = [
    &[],
    &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
    &[0x5a; 64],
    &[0xa5; 256],
];

/// Uses an imported key the way a caller would: every algorithm, both formats, a signature
/// that is not valid. Nothing may panic, and nothing may verify.
fn exercise(imported: Result<PublicKey, Error>) {
    let Ok(key) = imported else { return };
    let _ = (key.kind(), key.rsa_bits(), format!("{key:?}"));
    let message = b"careid property test";
    for alg in SignatureAlgorithm::ALL {
        for format in [SignatureFormat::Fixed, SignatureFormat::Der] {
            for signature in JUNK_SIGNATURES {
                let result = key.verify(AlgorithmSet::ALL, alg, format, message, signature);
                assert!(result.is_err(), "{key:?} verified a junk {alg} signature");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trip between SPKI, JWK and COSE_Key
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn spki_jwk_and_cose_imports_agree(
        key in test_key(),
        kid in proptest::option::of(any::<String>()),
        extra_members in btree_map("[a-z][a-z0-9_]{0,7}", json_leaf(), 0..4),
        extra_labels in btree_map(cose_unknown_label(), cbor_leaf(), 0..4),
    ) {
        let signer = key.signer();
        let from_spki = PublicKey::from_spki_der(&signer.spki_der()).unwrap();
        prop_assert_eq!(&from_spki, &signer.public_key());
        prop_assert_eq!(from_spki.permitted_algorithms(), from_spki.kind().algorithms());

        // RFC 7517 §4: members careid does not know are ignored.
        let mut jwk = signer.jwk(kid.as_deref(), None);
        let unknown = extra_members
            .iter()
            .filter(|(name, _)| !JWK_MEMBERS.contains(&name.as_str()));
        for (name, value) in unknown {
            jwk[name] = value.clone();
        }
        let from_jwk = PublicKey::from_jwk_json(&serde_json::to_vec(&jwk).unwrap()).unwrap();
        prop_assert_eq!(&from_spki, &from_jwk);

        // Labels with no meaning for the key type are ignored too.
        let mut cose = coset::CoseKey::from_slice(&signer.cose_key(None)).unwrap();
        cose.params.extend(extra_labels.clone());
        let from_cose = PublicKey::from_cose_key_bytes(&cose.to_vec().unwrap()).unwrap();
        prop_assert_eq!(&from_spki, &from_cose);

        // With `alg`, JWK and COSE_Key imports are the SPKI key restricted to that algorithm.
        for alg in from_spki.kind().algorithms().iter() {
            let restricted = from_spki.clone().restrict(AlgorithmSet::EMPTY.with(alg)).unwrap();
            prop_assert_eq!(restricted.permitted_algorithms(), AlgorithmSet::EMPTY.with(alg));
            let jwk = signer.jwk(kid.as_deref(), Some(alg));
            prop_assert_eq!(
                &PublicKey::from_jwk_json(&serde_json::to_vec(&jwk).unwrap()).unwrap(),
                &restricted
            );
            prop_assert_eq!(
                &PublicKey::from_cose_key_bytes(&signer.cose_key(Some(alg))).unwrap(),
                &restricted
            );
        }
    }
}

/// Every member careid's `Jwk` reads (RFC 7517 §4, RFC 7518 §6): ten public, then the private
/// ones.
const JWK_MEMBERS: [&str; 18] = [
    "kty", "kid", "use", "key_ops", "alg", "crv", "n", "e", "x", "y", "d", "p", "q", "dp", "dq",
    "qi", "oth", "k",
];

/// A COSE_Key label with no meaning for any key type careid imports: above the common
/// parameters (RFC 9052 §7.1: 1-5), or text.
fn cose_unknown_label() -> impl Strategy<Value = coset::Label> {
    prop_oneof![
        (6_i64..100_000).prop_map(coset::Label::Int),
        "[a-z]{1,8}".prop_map(coset::Label::Text),
    ]
}

// ---------------------------------------------------------------------------------------------
// Signatures: valid ones verify, one flipped bit breaks them
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn ec_and_ed25519_signatures_verify_and_bit_flips_break_them(
        alg in select(vec![
            SignatureAlgorithm::Es256,
            SignatureAlgorithm::Es384,
            SignatureAlgorithm::EdDsa,
        ]),
        format in signature_format(),
        message in vec(any::<u8>(), 0..300),
        signature_bit in any::<Index>(),
        message_bit in any::<Index>(),
    ) {
        check_signature(alg, format, &message, signature_bit, message_bit)?;
    }
}

proptest! {
    // RSA signing in the testkit is the slow part: fewer cases.
    #![proptest_config(config(24))]

    #[test]
    fn rsa_signatures_verify_and_bit_flips_break_them(
        alg in select(KeyKind::Rsa.algorithms().iter().collect::<Vec<_>>()),
        message in vec(any::<u8>(), 0..300),
        signature_bit in any::<Index>(),
        message_bit in any::<Index>(),
    ) {
        check_signature(alg, SignatureFormat::Fixed, &message, signature_bit, message_bit)?;
    }
}

fn check_signature(
    alg: SignatureAlgorithm,
    format: SignatureFormat,
    message: &[u8],
    signature_bit: Index,
    message_bit: Index,
) -> Result<(), TestCaseError> {
    let signer = TestKey::for_algorithm(alg).signer();
    let key = signer.public_key();
    let signature = signer.sign(alg, format, message);
    let allowed = AlgorithmSet::EMPTY.with(alg);
    prop_assert_eq!(
        key.verify(allowed, alg, format, message, &signature),
        Ok(())
    );

    let flipped = flip_bit(&signature, signature_bit);
    prop_assert_eq!(
        key.verify(allowed, alg, format, message, &flipped),
        Err(Error::BadSignature)
    );
    if !message.is_empty() {
        let flipped = flip_bit(message, message_bit);
        prop_assert_eq!(
            key.verify(allowed, alg, format, &flipped, &signature),
            Err(Error::BadSignature)
        );
    }
    Ok(())
}

fn flip_bit(bytes: &[u8], bit: Index) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    let bit = bit.index(copy.len() * 8);
    copy[bit / 8] ^= 1_u8 << (bit % 8);
    copy
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

fn test_key() -> impl Strategy<Value = TestKey> {
    select(TestKey::ALL.to_vec())
}

fn signature_format() -> impl Strategy<Value = SignatureFormat> {
    select(vec![SignatureFormat::Fixed, SignatureFormat::Der])
}

/// Random bytes, biased to the lengths real signatures have (Ed25519/P-256 fixed, P-384 fixed,
/// RSA-2048) so verification gets past its length checks.
fn arbitrary_signature() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..600),
        vec(any::<u8>(), 64),
        vec(any::<u8>(), 96),
        vec(any::<u8>(), 256),
    ]
}

/// Names close to real JOSE `alg` values: the supported ones, refused ones, and near misses.
fn jose_name_like() -> impl Strategy<Value = String> {
    (
        select(vec![
            "RS", "PS", "ES", "HS", "Ed", "EdDSA", "none", "rs", "es", "ESP", "Ed25519",
        ]),
        select(vec!["", "256", "384", "512", "1", "DSA", " ", "\0"]),
    )
        .prop_map(|(prefix, suffix)| format!("{prefix}{suffix}"))
}

/// A change to a byte string.
#[derive(Debug, Clone)]
enum ByteMutation {
    Flip(Index, u8),
    Set(Index, u8),
    Insert(Index, u8),
    Remove(Index),
    Truncate(Index),
}

fn byte_mutation() -> impl Strategy<Value = ByteMutation> {
    prop_oneof![
        3 => (any::<Index>(), 0_u8..8).prop_map(|(at, bit)| ByteMutation::Flip(at, bit)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| ByteMutation::Set(at, byte)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| ByteMutation::Insert(at, byte)),
        1 => any::<Index>().prop_map(ByteMutation::Remove),
        1 => any::<Index>().prop_map(ByteMutation::Truncate),
    ]
}

fn mutate_bytes(mut bytes: Vec<u8>, mutations: &[ByteMutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len();
        match mutation {
            ByteMutation::Insert(at, byte) => bytes.insert(at.index(len + 1), *byte),
            _ if len == 0 => {}
            ByteMutation::Flip(at, bit) => bytes[at.index(len)] ^= 1_u8 << bit,
            ByteMutation::Set(at, byte) => bytes[at.index(len)] = *byte,
            ByteMutation::Remove(at) => {
                bytes.remove(at.index(len));
            }
            ByteMutation::Truncate(at) => bytes.truncate(at.index(len)),
        }
    }
    bytes
}

/// A change to a JWK's members.
#[derive(Debug, Clone)]
enum JwkMutation {
    /// Remove the member at this position.
    Remove(Index),
    /// Replace the value of the member at this position.
    Replace(Index, Json),
    /// Set a (possibly new) member.
    Set(&'static str, Json),
}

impl JwkMutation {
    fn apply(&self, members: &mut serde_json::Map<String, Json>) {
        let names: Vec<String> = members.keys().cloned().collect();
        match self {
            Self::Remove(at) if !names.is_empty() => {
                members.remove(&names[at.index(names.len())]);
            }
            Self::Replace(at, value) if !names.is_empty() => {
                members.insert(names[at.index(names.len())].clone(), value.clone());
            }
            Self::Set(name, value) => {
                members.insert((*name).to_owned(), value.clone());
            }
            _ => {}
        }
    }
}

fn jwk_mutation() -> impl Strategy<Value = JwkMutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(JwkMutation::Remove),
        2 => (any::<Index>(), json_leaf()).prop_map(|(at, value)| JwkMutation::Replace(at, value)),
        // Public members more often than private ones, which end the import at once.
        3 => (select(JWK_MEMBERS[..10].to_vec()), json_leaf())
            .prop_map(|(name, value)| JwkMutation::Set(name, value)),
        1 => (select(JWK_MEMBERS[10..].to_vec()), json_leaf())
            .prop_map(|(name, value)| JwkMutation::Set(name, value)),
    ]
}

/// JSON values a JWK member might hold, valid or not: meaningful names, base64url of useful
/// lengths (EC coordinates, Ed25519 keys, RSA moduli), and values of the wrong JSON type.
fn json_leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        4 => select(vec![
            "RSA", "EC", "OKP", "oct", "P-256", "P-384", "P-521", "secp256k1", "Ed25519", "Ed448",
            "X25519", "sig", "enc", "RS256", "PS384", "ES256", "ES384", "EdDSA", "HS256", "none",
            "AQAB", "AQ", "AA", "",
        ])
        .prop_map(Json::from),
        4 => prop_oneof![
            vec(any::<u8>(), 0..80),
            vec(any::<u8>(), 32),
            vec(any::<u8>(), 48),
            vec(any::<u8>(), 255..=257),
        ]
        .prop_map(|bytes| Json::from(b64url(&bytes))),
        1 => ".{0,12}".prop_map(Json::from),
        1 => any::<i64>().prop_map(Json::from),
        1 => any::<bool>().prop_map(Json::from),
        1 => Just(Json::Null),
        1 => vec(select(vec!["verify", "sign", "encrypt"]), 0..3).prop_map(Json::from),
    ]
}

/// A change to a COSE_Key's CBOR map.
#[derive(Debug, Clone)]
enum CoseMutation {
    Remove(Index),
    Replace(Index, Cbor),
    /// Add an entry, which may repeat a label already present.
    Add(Cbor, Cbor),
}

impl CoseMutation {
    fn apply(&self, entries: &mut Vec<(Cbor, Cbor)>) {
        match self {
            Self::Remove(at) if !entries.is_empty() => {
                entries.remove(at.index(entries.len()));
            }
            Self::Replace(at, value) if !entries.is_empty() => {
                let len = entries.len();
                entries[at.index(len)].1 = value.clone();
            }
            Self::Add(label, value) => entries.push((label.clone(), value.clone())),
            _ => {}
        }
    }
}

fn cose_mutation() -> impl Strategy<Value = CoseMutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(CoseMutation::Remove),
        3 => (any::<Index>(), cbor_leaf()).prop_map(|(at, value)| CoseMutation::Replace(at, value)),
        3 => (cose_label(), cbor_leaf()).prop_map(|(label, value)| CoseMutation::Add(label, value)),
    ]
}

/// COSE_Key labels (RFC 9052 §7.1, RFC 9053 §7, RFC 8230 §4) and a few others.
fn cose_label() -> impl Strategy<Value = Cbor> {
    prop_oneof![
        4 => (-12_i64..=5).prop_map(Cbor::from),
        1 => any::<i64>().prop_map(Cbor::from),
        1 => "[a-z]{1,4}".prop_map(Cbor::Text),
    ]
}

/// CBOR values a COSE_Key parameter might hold, valid or not: key types, curves and algorithm
/// numbers, byte strings of useful lengths, and values of the wrong CBOR type.
fn cbor_leaf() -> impl Strategy<Value = Cbor> {
    prop_oneof![
        4 => select(vec![
            1_i64, 2, 3, 4, 5, 6, 7, 8, -7, -8, -9, -19, -35, -36, -37, -38, -39, -51, -257, -258,
            -259, -65535, 0, 4711,
        ])
        .prop_map(Cbor::from),
        4 => prop_oneof![
            vec(any::<u8>(), 0..80),
            vec(any::<u8>(), 32),
            vec(any::<u8>(), 48),
            vec(any::<u8>(), 255..=257),
        ]
        .prop_map(Cbor::Bytes),
        1 => any::<bool>().prop_map(Cbor::Bool),
        1 => any::<i64>().prop_map(Cbor::from),
        1 => "[ -~]{0,8}".prop_map(Cbor::Text),
        1 => Just(Cbor::Null),
        1 => vec((-1_i64..12).prop_map(Cbor::from), 0..3).prop_map(Cbor::Array),
    ]
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
