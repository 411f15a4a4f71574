//! A full smartcard login on the simulated card: open the token (profile detection and object
//! directories), read the authentication certificate, verify the PIN, sign a challenge digest.
//! Measured in time (in-process, so this is careid's own cost) and in APDU round trips, which
//! dominate on a real reader (milliseconds each). Run with `cargo bench --bench card`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid::card::{Hash, Pin, Token};
use careid_cardsim::{CardSim, DEFAULT_PIN, DEFAULT_PIV_PIN};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// One login; returns the number of APDU exchanges it took.
fn login(card: CardSim, pin: &str) -> u64 {
    let mut token = Token::open(card).unwrap();
    let key = token.keys()[0].id.clone();
    let cert = token.read_certificate(&key).unwrap();
    black_box(cert);
    let mut session = token.verify_pin(&Pin::from(pin)).unwrap();
    let sig = session
        .sign_digest(&key, Hash::Sha256, &[0x5A; 32])
        .unwrap();
    black_box(sig);
    session.token().apdu_count()
}

fn bench(c: &mut Criterion) {
    let cases = [
        ("pkcs15/extended", DEFAULT_PIN, true, false),
        ("pkcs15/short", DEFAULT_PIN, false, false),
        ("piv/extended", DEFAULT_PIV_PIN, true, true),
        ("piv/short", DEFAULT_PIV_PIN, false, true),
    ];
    let mut group = c.benchmark_group("card-login");
    for (name, pin, extended, piv) in cases {
        let make = || {
            let card = if piv {
                CardSim::piv()
            } else {
                CardSim::pkcs15()
            };
            card.with_extended_length(extended)
        };
        println!("card-login/{name}: {} APDU exchanges", login(make(), pin));
        group.bench_function(name, |b| {
            b.iter_batched(
                make,
                |card| login(card, pin),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
