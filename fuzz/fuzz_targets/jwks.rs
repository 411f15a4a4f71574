//! `JwkSet::from_json` (RFC 7517 §5) and key selection by `kid`; discovery documents
//! (`ProviderMetadata::from_json` and `inspect`, OpenID Connect Discovery 1.0 §3); and
//! `CacheControl::parse` with the cache bounds (RFC 9111 §5.2.2).
#![no_main]

use careid_assert::{CacheControl, CachePolicy, Error, JwkSet, ProviderMetadata, UrlPolicy};
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

const ISSUER: &str = "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";

fuzz_target!(|data: &[u8]| {
    match JwkSet::from_json(data) {
        Ok(set) => {
            assert_eq!(set.keys().count() + set.rejected().count(), set.len());
            for key in set.keys() {
                let Some(kid) = key.kid() else { continue };
                match set.find(kid) {
                    Ok(found) => assert_eq!(found.kid(), Some(kid)),
                    Err(Error::AmbiguousKey { .. }) => {}
                    Err(other) => panic!("{kid}: {other}"),
                }
            }
            for (kid, reason) in set.rejected() {
                drop(format!("{kid:?} {reason}"));
            }
        }
        Err(err) => drop(err.to_string()),
    }
    let _ = ProviderMetadata::from_json(data, ISSUER);
    if let Ok(meta) = ProviderMetadata::inspect(data, UrlPolicy::HttpsOnly) {
        // Read with its own issuer, the document is accepted for that issuer.
        let again = ProviderMetadata::from_json(data, meta.issuer()).expect("same document");
        assert_eq!(again, meta);
        std::hint::black_box(meta.id_token_algorithms());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let cc = CacheControl::parse(text);
        for policy in [CachePolicy::JWKS, CachePolicy::DISCOVERY] {
            let ttl = policy.ttl(cc);
            assert!(ttl >= Duration::from_secs(60) && ttl <= Duration::from_secs(86_400));
        }
    }
});
