//! CTAP2 response bodies: canonical CBOR, then each response decoder; canonical input that
//! decodes re-encodes to itself (floats aside).
#![no_main]

use careid_ctap::cbor::{self, DecodeOptions};
use careid_ctap::ciborium::value::Value;
use careid_ctap::{
    AttestationObject, AuthenticatorInfo, ClientPinResponse, GetAssertionResponse, StatusCode,
};
use libfuzzer_sys::fuzz_target;

fn has_float(v: &Value) -> bool {
    match v {
        Value::Float(_) => true,
        Value::Array(items) => items.iter().any(has_float),
        Value::Map(entries) => entries.iter().any(|(k, v)| has_float(k) || has_float(v)),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first() else {
        return;
    };
    assert_eq!(StatusCode::from_u8(*status).to_u8(), *status);
    let _ = cbor::decode_with(body, DecodeOptions::ANY_KEY_ORDER);
    let Ok(value) = cbor::decode(body) else {
        return;
    };
    if !has_float(&value) {
        assert_eq!(cbor::encode(&value), body);
    }
    match status % 4 {
        0 => {
            if let Ok(info) = AuthenticatorInfo::from_value(&value) {
                let _ = info.preferred_pin_protocol();
                let _ = AuthenticatorInfo::from_value(&info.to_value());
            }
        }
        1 => {
            if let Ok(r) = GetAssertionResponse::from_value(&value) {
                assert!(GetAssertionResponse::from_value(&r.to_value()).is_ok());
            }
        }
        2 => {
            if let Ok(o) = AttestationObject::from_ctap_value(&value) {
                let _ = o.statement();
                let _ = AttestationObject::from_webauthn_bytes(&o.to_webauthn_bytes());
            }
        }
        _ => {
            let _ = ClientPinResponse::from_value(Some(&value));
        }
    }
});
