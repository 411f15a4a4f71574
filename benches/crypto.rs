//! careid-crypto verification against ring called directly, on the same keys, messages and
//! signatures in the same run. The gap is the cost of careid's layer: the allow-list check, the
//! key/algorithm agreement check, and dispatch. Target: at most 3%.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use careid::crypto::{AlgorithmSet, SignatureAlgorithm, SignatureFormat};
use careid_testkit::TestKey;
use criterion::{Criterion, criterion_group, criterion_main};
use ring::signature::{self, UnparsedPublicKey};
use std::hint::black_box;

/// A CIS2-sized signing input: a JWS header and payload of about 1 KiB.
fn message() -> Vec<u8> {
    b"abcdefghijklmnopqrstuvwxyz0123456789-_"
        .iter()
        .copied()
        .cycle()
        .take(1024)
        .collect()
}

fn rs256(c: &mut Criterion) {
    let signer = TestKey::Rsa2048.signer();
    let msg = message();
    let sig = signer.sign(SignatureAlgorithm::Rs256, SignatureFormat::Fixed, &msg);
    let key = signer.public_key();
    let allowed = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
    // ring's own input: the RSAPublicKey inside the SPKI's BIT STRING (24-byte SPKI header for
    // a 2048-bit key).
    let spki = signer.spki_der();
    let ring_key =
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, spki[24..].to_vec());
    ring_key.verify(&msg, &sig).unwrap();

    let mut group = c.benchmark_group("verify/RS256");
    group.bench_function("ring", |b| {
        b.iter(|| black_box(&ring_key).verify(black_box(&msg), black_box(&sig)))
    });
    group.bench_function("careid", |b| {
        b.iter(|| {
            black_box(&key).verify(
                allowed,
                SignatureAlgorithm::Rs256,
                SignatureFormat::Fixed,
                black_box(&msg),
                black_box(&sig),
            )
        })
    });
    group.finish();
}

fn es256(c: &mut Criterion) {
    let signer = TestKey::P256.signer();
    let msg = message();
    let sig = signer.sign(SignatureAlgorithm::Es256, SignatureFormat::Fixed, &msg);
    let key = signer.public_key();
    let allowed = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Es256);
    // ring's own input: the uncompressed point after the 26-byte P-256 SPKI header.
    let spki = signer.spki_der();
    let ring_key = UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, spki[26..].to_vec());
    ring_key.verify(&msg, &sig).unwrap();

    let mut group = c.benchmark_group("verify/ES256");
    group.bench_function("ring", |b| {
        b.iter(|| black_box(&ring_key).verify(black_box(&msg), black_box(&sig)))
    });
    group.bench_function("careid", |b| {
        b.iter(|| {
            black_box(&key).verify(
                allowed,
                SignatureAlgorithm::Es256,
                SignatureFormat::Fixed,
                black_box(&msg),
                black_box(&sig),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, rs256, es256);
criterion_main!(benches);
