//! Property tests: every codec round-trips and never panics on arbitrary input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_ctap::cbor::{self, DecodeOptions};
use careid_ctap::ciborium::value::{Integer, Value};
use careid_ctap::ctaphid::{CONT_DATA_LEN, Feed, INIT_DATA_LEN, Reassembler, fragment};
use careid_ctap::{
    AttestationObject, AuthenticatorData, AuthenticatorInfo, Cid, FramingError,
    GetAssertionResponse, HidCommand, MAX_MESSAGE_LEN, MakeCredentialRequest, Report,
};
use proptest::prelude::*;

fn value(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<u64>().prop_map(|n| Value::Integer(n.into())),
        any::<i64>().prop_map(|n| Value::Integer(n.into())),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        "[a-z]{0,12}".prop_map(Value::Text),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(depth, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((any::<i16>(), inner), 0..6).prop_map(|entries| {
                // Unique keys: later duplicates are dropped.
                let mut seen = std::collections::BTreeSet::new();
                Value::Map(
                    entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(*k))
                        .map(|(k, v)| (Value::Integer(Integer::from(k)), v))
                        .collect(),
                )
            }),
        ]
    })
}

fn has_float(v: &Value) -> bool {
    match v {
        Value::Float(_) => true,
        Value::Array(items) => items.iter().any(has_float),
        Value::Map(entries) => entries.iter().any(|(k, v)| has_float(k) || has_float(v)),
        _ => false,
    }
}

/// The same value with every map's entries in canonical order (what decoding canonical bytes
/// gives back).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        Value::Map(entries) => {
            let mut e: Vec<_> = entries
                .iter()
                .map(|(k, v)| (sorted(k), sorted(v)))
                .collect();
            e.sort_by(|(a, _), (b, _)| {
                cbor::canonical_key_order(&cbor::encode(a), &cbor::encode(b))
            });
            Value::Map(e)
        }
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fragment_and_reassemble_round_trip(
        payload in proptest::collection::vec(any::<u8>(), 0..2000),
        cid in any::<[u8; 4]>().prop_filter("allocatable", |c| *c != [0; 4]),
        cmd in 0u8..0x80,
    ) {
        let cid = Cid(cid);
        let cmd = HidCommand::from_u7(cmd);
        let reports = fragment(cid, cmd, &payload).unwrap();
        let expected = 1 + payload.len().saturating_sub(INIT_DATA_LEN).div_ceil(CONT_DATA_LEN);
        prop_assert_eq!(reports.len(), expected);
        let mut r = Reassembler::for_channel(cid);
        let mut out = None;
        for (i, report) in reports.iter().enumerate() {
            match r.feed(report).unwrap() {
                Feed::Complete(m) => { prop_assert_eq!(i, reports.len() - 1); out = Some(m); }
                Feed::Pending => prop_assert!(i < reports.len() - 1),
                Feed::OtherChannel(_) => prop_assert!(false),
            }
        }
        let m = out.unwrap();
        prop_assert_eq!(m.cid, cid);
        prop_assert_eq!(m.cmd, cmd);
        prop_assert_eq!(m.payload, payload);
    }

    #[test]
    fn reassembler_survives_any_report_sequence(
        reports in proptest::collection::vec(any::<[u8; 64]>(), 0..40),
        listen in any::<Option<[u8; 4]>>(),
    ) {
        let mut r = match listen {
            Some(c) => Reassembler::for_channel(Cid(c)),
            None => Reassembler::any_channel(),
        };
        for report in &reports {
            match r.feed(report) {
                Ok(Feed::Complete(m)) => prop_assert!(m.payload.len() <= MAX_MESSAGE_LEN),
                Ok(_) => {}
                Err(FramingError::MessageTooLong { len, .. }) => prop_assert!(len > MAX_MESSAGE_LEN),
                Err(_) => prop_assert_eq!(r.in_progress(), None),
            }
        }
    }

    #[test]
    fn interleaved_foreign_packets_are_skipped(
        payload in proptest::collection::vec(any::<u8>(), 58..400),
        noise in proptest::collection::vec(any::<[u8; 64]>(), 1..5),
    ) {
        let cid = Cid([0, 0x22, 0, 2]);
        let reports = fragment(cid, HidCommand::Cbor, &payload).unwrap();
        let mut r = Reassembler::for_channel(cid);
        let mut out = None;
        for (i, report) in reports.iter().enumerate() {
            for n in &noise {
                let mut n: Report = *n;
                n[..4].copy_from_slice(&[9, 9, 9, u8::try_from(i % 7).unwrap()]);
                prop_assert_eq!(r.feed(&n).unwrap(), Feed::OtherChannel(Cid([9, 9, 9, u8::try_from(i % 7).unwrap()])));
            }
            if let Feed::Complete(m) = r.feed(report).unwrap() {
                out = Some(m);
            }
        }
        prop_assert_eq!(out.unwrap().payload, payload);
    }

    #[test]
    fn cbor_encode_decode_round_trips(v in value(3)) {
        let bytes = cbor::encode(&v);
        let back = cbor::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &sorted(&v));
        prop_assert_eq!(cbor::encode(&back), bytes);
    }

    #[test]
    fn cbor_decoding_never_panics_and_canonical_input_reencodes_identically(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        if let Ok(v) = cbor::decode(&bytes)
            && !has_float(&v)
        {
            prop_assert_eq!(cbor::encode(&v), bytes.clone());
        }
        let _ = cbor::decode_with(&bytes, DecodeOptions::ANY_KEY_ORDER);
        let _ = cbor::decode_prefix(&bytes, DecodeOptions::CANONICAL);
    }

    #[test]
    fn authenticator_data_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(ad) = AuthenticatorData::parse(&bytes) {
            prop_assert_eq!(ad.as_bytes(), bytes.as_slice());
            // Parsed parts encode back to the same bytes (floats aside: kept as f64).
            let attested_len = ad
                .attested_credential_data()
                .map_or(0, |a| 18 + a.credential_id().len() + a.public_key_cbor().len());
            let acd = ad.attested_credential_data().map(|_| &bytes[37..37 + attested_len]);
            let again =
                AuthenticatorData::encode(ad.rp_id_hash(), ad.flags(), ad.sign_count(), acd, ad.extensions());
            if !ad.extensions().is_some_and(has_float) {
                prop_assert_eq!(again, bytes);
            }
        }
    }

    #[test]
    fn structured_decoders_never_panic(v in value(4), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = AuthenticatorInfo::from_value(&v);
        let _ = GetAssertionResponse::from_value(&v);
        let _ = MakeCredentialRequest::from_value(&v);
        let _ = AttestationObject::from_ctap_value(&v);
        let _ = AttestationObject::from_ctap_response(&bytes);
        let _ = AttestationObject::from_webauthn_bytes(&bytes);
    }

    #[test]
    fn authenticator_data_with_valid_prefix_never_panics(
        flags in any::<u8>(),
        tail in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = vec![0u8; 32];
        bytes.push(flags);
        bytes.extend_from_slice(&[0, 0, 0, 1]);
        bytes.extend_from_slice(&tail);
        let _ = AuthenticatorData::parse(&bytes);
    }
}
