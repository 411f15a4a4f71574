#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used
)]
use careid::x509::{CrlSet, Purpose, RevocationPolicy, Time, TrustAnchor, Validator};
use careid_testkit::{TestPki, X509Fixtures};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn parts(c: &mut Criterion) {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let time = Time::parse_rfc3339("2027-06-01T09:00:00Z").unwrap();
    let inters = [pki.issuing_ca.as_slice()];
    let off = Validator::builder([TrustAnchor::from_der(&pki.root).unwrap()])
        .require_purposes([Purpose::CLIENT_AUTH])
        .revocation(RevocationPolicy::OFF)
        .build()
        .unwrap();
    let req = Validator::builder([TrustAnchor::from_der(&pki.root).unwrap()])
        .require_purposes([Purpose::CLIENT_AUTH])
        .build()
        .unwrap();
    let crls = CrlSet::from_der(&[&fx.root_crl, &fx.ca_crl]).unwrap();
    let none = CrlSet::new();
    req.validate(&pki.user_rsa, &inters, &crls, time).unwrap();
    let mut g = c.benchmark_group("parts");
    g.bench_function("rsa-off", |b| {
        b.iter(|| {
            off.validate(black_box(&pki.user_rsa), &inters, &none, time)
                .unwrap()
        })
    });
    g.bench_function("rsa-crls", |b| {
        b.iter(|| {
            req.validate(black_box(&pki.user_rsa), &inters, &crls, time)
                .unwrap()
        })
    });
    g.finish();
}
criterion_group!(benches, parts);
criterion_main!(benches);
