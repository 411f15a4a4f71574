//! `Jws::parse` (RFC 7515 §7.1 compact JWS) on arbitrary text, then the ID, access and logout
//! token verifiers of `RelyingParty` with the test issuer's keys.
#![no_main]

use careid_assert::{
    AccessTokenExpectations, IdTokenExpectations, JwkSet, Jws, JwsLimits, MemoryReplayCache,
    RelyingParty, UnixTime,
};
use careid_crypto::AlgorithmSet;
use careid_testkit::{CIS2_CLIENT_ID, CIS2_FIXTURE_NOW, CIS2_INT_ISSUER, Cis2Issuer};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static KEYS: LazyLock<JwkSet> = LazyLock::new(|| {
    JwkSet::from_json(Cis2Issuer::int().jwks().to_string().as_bytes()).expect("test JWKS")
});

static RP: LazyLock<RelyingParty> = LazyLock::new(|| {
    RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .min_identity_assurance(None)
        .build()
        .expect("relying party")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Jws::parse(text, AlgorithmSet::ALL, JwsLimits::DEFAULT) {
        Ok(jws) => {
            // The signing input is the token up to its last '.'.
            assert_eq!(
                Some(jws.signing_input()),
                text.rsplit_once('.').map(|(s, _)| s)
            );
            assert!(AlgorithmSet::ALL.contains(jws.header().alg()));
            drop(format!("{:?} {:?}", jws.header().kid(), jws.header().typ()));
            if let Ok(key) = KEYS.find(jws.header().kid().unwrap_or_default()) {
                if let Ok(verified) = jws.verify_with(&key) {
                    assert!(verified.payload().len() <= text.len());
                }
            }
        }
        Err(err) => drop(err.to_string()),
    }
    let now = UnixTime::from_secs(CIS2_FIXTURE_NOW);
    match RP.verify_id_token(
        text,
        &*KEYS,
        &IdTokenExpectations::danger_without_nonce(),
        now,
    ) {
        Ok(id) => {
            assert_eq!(id.issuer(), CIS2_INT_ISSUER);
            assert!(id.claims().audiences().any(|aud| aud == CIS2_CLIENT_ID));
        }
        Err(err) => drop(err.to_string()),
    }
    let _ = RP.verify_access_token(text, &*KEYS, &AccessTokenExpectations::new(), now);
    let _ = RP.verify_logout_token(text, &*KEYS, &MemoryReplayCache::new(4), now);
});
