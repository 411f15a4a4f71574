//! `Certificate::from_der` (and `TrustAnchor::from_der`, `Time::parse_rfc3339`).
#![no_main]

use careid_x509::{Certificate, Error, Time, TrustAnchor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Certificate::from_der(data) {
        Ok(cert) => {
            // A decoded certificate is the input, and its names render.
            assert_eq!(cert.der(), data);
            drop(cert.subject().to_string());
            drop(cert.issuer().to_string());
            assert!(cert.version() >= 1 && cert.version() <= 3);
            let _ = (cert.is_self_issued(), cert.is_ca(), cert.key_usage());
            let _ = cert.signature_algorithm();
            // Anchors decode with the same profile.
            assert!(TrustAnchor::from_der(data).is_ok());
        }
        Err(e) => {
            assert!(matches!(e, Error::BadCertificate { .. }), "{e:?}");
            drop(e.to_string());
        }
    }
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(t) = Time::parse_rfc3339(text) {
            assert_eq!(Time::parse_rfc3339(&t.to_string()), Ok(t));
        }
    }
});
