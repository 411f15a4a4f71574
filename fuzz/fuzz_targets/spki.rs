//! `PublicKey::from_spki_der`, under the default and the legacy (RSA-1024) policy, and against
//! the general decoder (`spki` + `from_spki_with_policy`), which the byte-exact fast paths for
//! the usual EC and RSA encodings must agree with.
#![no_main]

use careid_crypto::spki::der::Decode as _;
use careid_crypto::{Error, KeyPolicy, PublicKey, RSA_MAX_BITS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = PublicKey::from_spki_der(data);
    let general = careid_crypto::spki::SubjectPublicKeyInfoRef::from_der(data)
        .map_err(Error::from)
        .and_then(|spki| PublicKey::from_spki_with_policy(&spki, KeyPolicy::DEFAULT));
    assert_eq!(strict, general);
    let legacy =
        PublicKey::from_spki_der_with_policy(data, KeyPolicy::DEFAULT.danger_allow_rsa_1024());
    // The legacy policy only widens what is accepted, and never changes the key.
    if let Ok(key) = &strict {
        assert_eq!(legacy.as_ref().ok(), Some(key));
    }
    match &legacy {
        Ok(key) => {
            let bits = key.rsa_bits().unwrap_or(1024);
            assert!((1024..=RSA_MAX_BITS).contains(&bits), "{key:?}");
        }
        Err(e) => drop(e.to_string()),
    }
});
