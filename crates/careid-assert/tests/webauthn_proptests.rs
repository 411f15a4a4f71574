//! Property tests for the WebAuthn parsers and verifiers: no input panics, and
//! clientDataJSON parsing agrees with a straightforward JSON reading on well-formed input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_assert::careid_ctap::cbor;
use careid_assert::careid_ctap::ciborium::value::Value;
use careid_assert::careid_x509::Time;
use careid_assert::{
    AssertionResponse, ClientData, CredentialRecord, RegistrationResponse, WebAuthnPolicy,
};
use proptest::prelude::*;

fn policy() -> WebAuthnPolicy {
    WebAuthnPolicy::builder("careid.example")
        .origin("https://careid.example")
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn client_data_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = ClientData::parse(&bytes);
    }

    #[test]
    fn client_data_round_trips(
        kind in "[a-z.]{0,20}",
        challenge in proptest::collection::vec(any::<u8>(), 0..64),
        origin in "[ -~]{0,40}",
        cross in any::<Option<bool>>(),
    ) {
        use base64::Engine as _;
        let mut doc = serde_json::json!({
            "type": kind,
            "challenge": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&challenge),
            "origin": origin,
        });
        if let Some(c) = cross {
            doc["crossOrigin"] = c.into();
        }
        let cd = ClientData::parse(doc.to_string().as_bytes()).unwrap();
        prop_assert_eq!(cd.kind(), kind.as_str());
        prop_assert_eq!(cd.challenge(), challenge.as_slice());
        prop_assert_eq!(cd.origin(), origin.as_str());
        prop_assert_eq!(cd.cross_origin(), cross);
    }

    #[test]
    fn registration_never_panics(
        json in proptest::collection::vec(any::<u8>(), 0..100),
        object in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let at = Time::from_unix_seconds(1_780_000_000);
        let _ = policy().verify_registration(b"c", b"u", &RegistrationResponse::new(&json, &object), at);
    }

    #[test]
    fn stored_records_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = CredentialRecord::from_bytes(&bytes);
    }

    #[test]
    fn assertion_never_panics(
        auth_data in proptest::collection::vec(any::<u8>(), 0..120),
        sig in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        // A record for the careid-testkit P-256 key.
        let signer = careid_testkit::TestKey::P256.signer();
        let cose = cbor::encode(
            &cbor::decode(
                &signer.cose_key(Some(careid_crypto::SignatureAlgorithm::Es256)),
            )
            .unwrap(),
        );
        let int = |n: u64| Value::Integer(n.into());
        let record = CredentialRecord::from_bytes(&cbor::encode(&Value::Map(vec![
            (int(0), int(1)),
            (int(1), Value::Bytes(b"id".to_vec())),
            (int(2), Value::Bytes(cose)),
            (int(3), int(0)),
            (int(4), Value::Bytes(vec![0; 16])),
            (int(5), Value::Bool(false)),
            (int(6), Value::Bool(false)),
            (int(7), Value::Bool(true)),
            (int(8), int(1)),
            (int(9), Value::Bytes(b"u".to_vec())),
        ])))
        .unwrap();
        let json = br#"{"type":"webauthn.get","challenge":"Yw","origin":"https://careid.example"}"#;
        let result = policy().verify_assertion(
            b"c",
            &[],
            &record,
            &AssertionResponse::new(b"id", json, &auth_data, &sig).with_user_handle(b"u"),
        );
        // No fuzzer-made signature verifies under the test key.
        prop_assert!(result.is_err());
    }
}
