//! `AuthenticatorData::parse`: whatever parses re-encodes to the same bytes from its parts
//! (floats aside: careid keeps them as f64, so an f16/f32 in an extension output re-encodes
//! wider; the original bytes, which signatures cover, are kept as they came).
#![no_main]

use careid_ctap::ciborium::value::Value;
use careid_ctap::{AUTH_DATA_MIN_LEN, AuthenticatorData};
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
    let Ok(ad) = AuthenticatorData::parse(data) else {
        return;
    };
    assert_eq!(ad.as_bytes(), data);
    assert!(!ad.flags().backup_state() || ad.flags().backup_eligible());
    // The attested credential data is its raw span: 18 bytes, the ID, the COSE_Key as sent.
    let attested_len = ad.attested_credential_data().map_or(0, |a| {
        18 + a.credential_id().len() + a.public_key_cbor().len()
    });
    let attested = ad
        .attested_credential_data()
        .map(|_| &data[AUTH_DATA_MIN_LEN..AUTH_DATA_MIN_LEN + attested_len]);
    if let Some(acd) = ad.attested_credential_data() {
        assert!(acd.credential_id().len() <= 1023);
        let _ = acd.to_public_key();
    }
    let again = AuthenticatorData::encode(
        ad.rp_id_hash(),
        ad.flags(),
        ad.sign_count(),
        attested,
        ad.extensions(),
    );
    if !ad.extensions().is_some_and(has_float) {
        assert_eq!(again, data);
    }
    let reparsed = AuthenticatorData::parse(&again).unwrap();
    assert_eq!(reparsed.sign_count(), ad.sign_count());
    // Compared by bytes: a NaN in a COSE_Key parameter is not equal to itself.
    let raw = |a: &AuthenticatorData| {
        a.attested_credential_data().map(|c| {
            (
                c.aaguid(),
                c.credential_id().to_vec(),
                c.public_key_cbor().to_vec(),
            )
        })
    };
    assert_eq!(raw(&reparsed), raw(&ad));
});
