//! Path building and validation over fuzzer-chosen chains: `Validator::validate` with the
//! careid-testkit root (plus one fuzzer-chosen anchor) as trust anchors, the fixture CRLs plus
//! fuzzer-chosen ones, under a revocation policy and time the input picks.
//!
//! Input: `[flags] [count] ([len:u16be] [der])*`. The first DER is the end entity; the next
//! `count & 7` are intermediates; any left are CRLs, except that with flag bit 0 the last one
//! is a second trust anchor. Bits 1-2 of `flags` pick the revocation policy (required,
//! best effort, off); bits 3-7 the validation year (2020 + n).
#![no_main]

use careid_testkit::{TestPki, X509Fixtures};
use careid_x509::{
    Crl, CrlSet, Error, RevocationPolicy, Time, TrustAnchor, Validator, careid_crypto::KeyPolicy,
};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static ROOT: LazyLock<TrustAnchor> =
    LazyLock::new(|| TrustAnchor::from_der(&TestPki::get().root).expect("test root"));
static CRLS: LazyLock<Vec<Crl>> = LazyLock::new(|| {
    let fx = X509Fixtures::get();
    [&fx.root_crl, &fx.ca_crl]
        .iter()
        .map(|d| Crl::from_der(d).expect("fixture CRL"))
        .collect()
});

fn chunks(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= 2 && out.len() < 16 {
        let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
        let rest = &data[2..];
        let len = len.min(rest.len());
        out.push(&rest[..len]);
        data = &rest[len..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (Some(&flags), Some(&count)) = (data.first(), data.get(1)) else {
        return;
    };
    let mut parts = chunks(&data[2..]);
    let mut anchors = vec![ROOT.clone()];
    if flags & 1 == 1 {
        if let Some(extra) = parts.pop() {
            if let Ok(anchor) = TrustAnchor::from_der(extra) {
                anchors.push(anchor);
            }
        }
    }
    let Some((ee, rest)) = parts.split_first() else {
        return;
    };
    let n = usize::from(count & 7).min(rest.len());
    let (inters, crl_ders) = rest.split_at(n);
    let mut crls = CrlSet::new();
    for crl in CRLS.iter() {
        crls.push(crl.clone());
    }
    for der in crl_ders {
        if let Ok(crl) = Crl::from_der(der) {
            crls.push(crl);
        }
    }
    let revocation = match (flags >> 1) & 3 {
        0 => RevocationPolicy::REQUIRED,
        1 => RevocationPolicy::BEST_EFFORT,
        _ => RevocationPolicy::OFF,
    };
    let year = 2020 + u16::from(flags >> 3);
    let time = Time::from_ymd_hms(year, 6, 1, 0, 0, 0).expect("a valid date");
    let validator = Validator::builder(anchors)
        .revocation(revocation)
        .key_policy(KeyPolicy::DEFAULT.danger_allow_rsa_1024())
        .build()
        .expect("anchors given");
    match validator.validate(ee, inters, &crls, time) {
        Ok(path) => {
            // The path starts at the end entity, uses only supplied certificates, and its
            // validity window contains the validation time.
            assert_eq!(path.end_entity(), *ee);
            for cert in path.certificates().skip(1) {
                assert!(inters.iter().any(|i| *i == cert));
            }
            assert!(path.not_before() <= time && time <= path.not_after());
        }
        Err(e) => {
            // Budget exhaustion is an error like any other, never a hang or a panic.
            drop(e.to_string());
            if let Error::BudgetExceeded { .. } = e {}
        }
    }
});
