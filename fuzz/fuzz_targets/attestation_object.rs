//! `AttestationObject::from_webauthn_bytes` and `from_ctap_response`, then the WebAuthn
//! attestation statement verification (careid-assert) with a fixed policy.
#![no_main]

use careid_assert::WebAuthnPolicy;
use careid_assert::careid_x509::Time;
use careid_ctap::AttestationObject;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static POLICY: LazyLock<WebAuthnPolicy> = LazyLock::new(|| {
    WebAuthnPolicy::builder("localhost")
        .origin("https://localhost")
        .build()
        .unwrap()
});

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let object = if selector & 1 == 0 {
        AttestationObject::from_webauthn_bytes(rest)
    } else {
        AttestationObject::from_ctap_response(rest)
    };
    let Ok(object) = object else {
        return;
    };
    let _ = object.statement();
    let cdh = [selector.wrapping_mul(7); 32];
    // No fuzzer-made attestation verifies against a trusted root: none are configured, so
    // whatever passes is untrusted.
    if let Ok(v) =
        POLICY.verify_attestation_statement(&object, &cdh, Time::from_unix_seconds(1_780_000_000))
    {
        assert!(!matches!(
            v.trust,
            careid_assert::AttestationTrust::Trusted(_)
        ));
    }
});
