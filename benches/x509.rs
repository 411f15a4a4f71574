//! careid-x509 path validation of a 3-certificate client-auth chain (root → issuing CA →
//! card user), against rustls-webpki on the same chain in the same run, and against the raw
//! cost of the two signature verifications the path needs (ring, keys already parsed).
//! Targets: careid no slower than rustls-webpki, within 1.10x of the raw signature cost, and
//! a validated-chain cache hit under 2% of a full validation. "careid-new-card" is a first
//! login under a known issuing CA through `ValidationCache` (the CA's signature remembered).
//! After the criterion groups, the variants run interleaved and the ratios are printed.
//!
//! Two chains: the careid-testkit PKI with the RSA-2048 card certificate (every signature
//! RSA-2048 PKCS#1 v1.5 SHA-256), and the all-ECDSA P-256 fixture chain.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

use careid::x509::{
    CrlSet, Purpose, RevocationPolicy, Time, TrustAnchor, ValidationCache, Validator,
};
use careid_testkit::timing::Interleaved;
use careid_testkit::{TestPki, X509Fixtures};
use criterion::{Criterion, criterion_group, criterion_main};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use rustls_pki_types::{CertificateDer, UnixTime};
use std::hint::black_box;

/// One DER TLV: (tag, header length, content length).
fn header(der: &[u8]) -> (u8, usize, usize) {
    let tag = der[0];
    let first = der[1];
    if first < 0x80 {
        (tag, 2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        let len = der[2..2 + n]
            .iter()
            .fold(0_usize, |acc, b| (acc << 8) | usize::from(*b));
        (tag, 2 + n, len)
    }
}

/// The consecutive TLVs inside `content`, each as its whole encoding.
fn children(content: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (_, h, l) = header(rest);
        out.push(&rest[..h + l]);
        rest = &rest[h + l..];
    }
    out
}

fn content(tlv: &[u8]) -> &[u8] {
    let (_, h, l) = header(tlv);
    &tlv[h..h + l]
}

/// (TBSCertificate bytes, signature bytes, SubjectPublicKeyInfo's key bytes) of a certificate.
fn split(cert: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let parts = children(content(cert));
    let tbs = parts[0].to_vec();
    let sig = content(parts[2])[1..].to_vec();
    let fields = children(content(parts[0]));
    let spki = fields.iter().find(|f| {
        f[0] == 0x30 && {
            let inner = children(content(f));
            inner.len() == 2 && inner[1][0] == 0x03
        }
    });
    let key = content(children(content(spki.unwrap()))[1])[1..].to_vec();
    (tbs, sig, key)
}

fn at() -> Time {
    Time::parse_rfc3339("2027-06-01T09:00:00Z").unwrap()
}

fn bench_chain(
    c: &mut Criterion,
    name: &str,
    root: &[u8],
    ca: &[u8],
    user: &[u8],
    alg: &'static dyn VerificationAlgorithm,
) {
    // Raw: the two signatures (user by CA, CA by root) with ring on pre-parsed keys.
    let (ca_tbs, ca_sig, ca_key) = split(ca);
    let (user_tbs, user_sig, _) = split(user);
    let (_, _, root_key) = split(root);
    let root_ring = UnparsedPublicKey::new(alg, root_key);
    let ca_ring = UnparsedPublicKey::new(alg, ca_key);
    root_ring.verify(&ca_tbs, &ca_sig).unwrap();
    ca_ring.verify(&user_tbs, &user_sig).unwrap();

    // careid: anchors built once (as a login server would), revocation off (the raw cost has
    // no CRL either), client-auth purpose required.
    let validator = Validator::builder([TrustAnchor::from_der(root).unwrap()])
        .require_purposes([Purpose::CLIENT_AUTH])
        .revocation(RevocationPolicy::OFF)
        .build()
        .unwrap();
    let crls = CrlSet::new();
    let time = at();
    let inters = [ca];
    validator.validate(user, &inters, &crls, time).unwrap();
    let cache = ValidationCache::new(validator.clone(), 64);
    cache.validate(user, &inters, &crls, time).unwrap();
    // A first login under a known issuing CA: no path caching, so every validation runs in
    // full except the CA certificate's signature, remembered from the warm-up.
    let new_card = ValidationCache::new(validator.clone(), 0);
    new_card.validate(user, &inters, &crls, time).unwrap();
    new_card.validate(user, &inters, &crls, time).unwrap();
    assert_eq!(new_card.stats().signatures_remembered, 1);

    // rustls-webpki: the anchor parsed once, the end entity parsed per validation.
    let root_der = CertificateDer::from(root);
    let anchors = [webpki::anchor_from_trusted_cert(&root_der)
        .unwrap()
        .to_owned()];
    let inter_ders = [CertificateDer::from(ca)];
    let user_der = CertificateDer::from(user);
    let secs = u64::try_from(time.unix_seconds()).unwrap();
    let wtime = UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs));
    let webpki_validate = |der: &CertificateDer<'_>| {
        let ee = webpki::EndEntityCert::try_from(der).unwrap();
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &inter_ders,
            wtime,
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .map(|_| ())
    };
    webpki_validate(&user_der).unwrap();

    // The five variants, measured by criterion one after the other, then interleaved.
    let raw = || {
        root_ring
            .verify(black_box(&ca_tbs), black_box(&ca_sig))
            .unwrap();
        ca_ring
            .verify(black_box(&user_tbs), black_box(&user_sig))
            .unwrap();
    };
    let careid = || {
        black_box(validator.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    let webpki = || webpki_validate(black_box(&user_der)).unwrap();
    let new_card = || {
        black_box(new_card.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    let hit = || {
        black_box(cache.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    let variants: [(&str, &dyn Fn()); 5] = [
        ("raw-signatures", &raw),
        ("careid", &careid),
        ("rustls-webpki", &webpki),
        ("careid-new-card", &new_card),
        ("careid-cache-hit", &hit),
    ];
    let mut group = c.benchmark_group(format!("x509/{name}"));
    for (label, variant) in variants {
        group.bench_function(label, |b| b.iter(variant));
    }
    group.finish();

    // Ratios from interleaved rounds (docs/benchmarks.md): the machine's load cancels out.
    let plan = Interleaved {
        rounds: 100,
        per_round: 20,
    };
    let t = plan.run(&variants.map(|(_, variant)| variant));
    println!(
        "x509/{name} interleaved ({} rounds x {}): raw {}, careid {}, rustls-webpki {}, \
         careid-new-card {}, careid-cache-hit {:.1} ns",
        plan.rounds,
        plan.per_round,
        t.seconds(0).micros_text(),
        t.seconds(1).micros_text(),
        t.seconds(2).micros_text(),
        t.seconds(3).micros_text(),
        t.seconds(4).median * 1e9,
    );
    println!(
        "x509/{name} median ratios [quartiles]: careid/raw {}, rustls-webpki/raw {}, \
         careid/rustls-webpki {}, careid-new-card/rustls-webpki {}, cache-hit/careid {:.5}",
        t.ratio(1, 0).ratio_text(),
        t.ratio(2, 0).ratio_text(),
        t.ratio(1, 2).ratio_text(),
        t.ratio(3, 2).ratio_text(),
        t.ratio(4, 1).median,
    );
}

fn chains(c: &mut Criterion) {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    bench_chain(
        c,
        "rsa2048",
        &pki.root,
        &pki.issuing_ca,
        &pki.user_rsa,
        &signature::RSA_PKCS1_2048_8192_SHA256,
    );
    bench_chain(
        c,
        "p256",
        &fx.p256_root,
        &fx.p256_ca,
        &fx.p256_user,
        &signature::ECDSA_P256_SHA256_ASN1,
    );
}

criterion_group!(benches, chains);
criterion_main!(benches);
