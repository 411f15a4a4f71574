//! `SignatureAlgorithm::from_x509_der`.
#![no_main]

use careid_crypto::SignatureAlgorithm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match SignatureAlgorithm::from_x509_der(data) {
        Ok(alg) => assert_eq!(alg.jose_name().parse(), Ok(alg)),
        Err(e) => drop(e.to_string()),
    }
});
