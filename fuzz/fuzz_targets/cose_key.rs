//! `PublicKey::from_cose_key_bytes`.
#![no_main]

use careid_crypto::coset::{CborSerializable as _, CoseKey};
use careid_crypto::{KeyPolicy, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = PublicKey::from_cose_key_bytes(data);
    if let Ok(cose) = CoseKey::from_slice(data) {
        let legacy =
            PublicKey::from_cose_key_with_policy(&cose, KeyPolicy::DEFAULT.danger_allow_rsa_1024());
        if let Ok(key) = &strict {
            assert_eq!(legacy.as_ref().ok(), Some(key));
        }
    }
    match strict {
        Ok(key) => drop(format!("{key:?}")),
        Err(e) => drop(e.to_string()),
    }
});
