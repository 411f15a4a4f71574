//! A full smartcard login on the simulated card: open the token (profile detection and object
//! directories), read the authentication certificate, verify the PIN, sign a challenge digest.
//! Measured in time (in-process, so this is careid's own cost) and in APDU round trips, which
//! dominate on a real reader (milliseconds each). Run with `cargo bench --bench card`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid::card::{CardTransport, Hash, Pin, Token, TransportError};
use careid_apdu::ScriptedTransport;
use careid_cardsim::{CardSim, DEFAULT_PIN, DEFAULT_PIV_PIN};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// Records every exchange with the card, to replay them without the simulator's own costs.
struct Recorder {
    card: CardSim,
    exchanges: Vec<(Vec<u8>, Vec<u8>)>,
}

impl CardTransport for Recorder {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let answer = self.card.transmit_raw(command)?;
        self.exchanges.push((command.to_vec(), answer.clone()));
        Ok(answer)
    }
    fn supports_extended_length(&self) -> bool {
        self.card.supports_extended_length()
    }
}

/// One login; returns the number of APDU exchanges it took.
fn login<T: CardTransport>(card: T, pin: &str) -> u64 {
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
        // The same exchanges replayed from a transcript: careid's own cost per login, without
        // the simulator's RSA private-key operation.
        let mut recorder = Recorder {
            card: make(),
            exchanges: Vec::new(),
        };
        login(&mut recorder, pin);
        let script = ScriptedTransport::new(recorder.exchanges).with_extended_length(extended);
        group.bench_function(format!("{name}/replayed"), |b| {
            b.iter_batched(
                || script.clone(),
                |t| login(t, pin),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
