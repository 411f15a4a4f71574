//! `Jwk::from_json`, then `PublicKey::from_jwk`.
#![no_main]

use careid_crypto::{Jwk, KeyPolicy, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let jwk = match Jwk::from_json(data) {
        Ok(jwk) => jwk,
        Err(e) => return drop(e.to_string()),
    };
    let strict = PublicKey::from_jwk(&jwk);
    let legacy = PublicKey::from_jwk_with_policy(&jwk, KeyPolicy::DEFAULT.danger_allow_rsa_1024());
    if let Ok(key) = &strict {
        assert_eq!(legacy.as_ref().ok(), Some(key));
    }
    assert_eq!(strict, PublicKey::from_jwk_json(data));
    match strict {
        Ok(key) => drop(format!("{key:?}")),
        Err(e) => drop(e.to_string()),
    }
});
