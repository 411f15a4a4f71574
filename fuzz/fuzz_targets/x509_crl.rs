//! `Crl::from_der`.
#![no_main]

use careid_x509::{Crl, CrlSet, Error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Crl::from_der(data) {
        Ok(crl) => {
            assert_eq!(crl.der(), data);
            drop(crl.issuer().to_string());
            let _ = (crl.this_update(), crl.next_update(), crl.revoked_count(), crl.is_delta());
            drop(format!("{crl:?}"));
            assert_eq!(CrlSet::from_der(&[data]).map(|s| s.len()), Ok(1));
        }
        Err(e) => {
            assert!(matches!(e, Error::BadCrl { .. }), "{e:?}");
            drop(e.to_string());
        }
    }
});
