//! A full smartcard login through the real PC/SC stack (pcscd + vsmartcard-vpcd + the
//! simulated card on its TCP link) against the same login in-process, in the same run. Starts
//! its own pcscd (root, `pcscd` and `vsmartcard-vpcd` installed); prints a message and measures
//! nothing when the stack is not available.
//!
//! `cargo bench --bench pcsc --features pcsc`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid::card::{CardTransport, Hash, PcscCard, Pin, Token};
use careid_cardsim::pcscd::{Pcscd, VPCD_READER};
use careid_cardsim::{CardSim, DEFAULT_PIN, VpcdCard};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn login<T: CardTransport>(card: T) -> u64 {
    let mut token = Token::open(card).unwrap();
    let key = token.keys()[0].id.clone();
    black_box(token.read_certificate(&key).unwrap());
    let mut session = token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap();
    black_box(
        session
            .sign_digest(&key, Hash::Sha256, &[0x5A; 32])
            .unwrap(),
    );
    session.token().apdu_count()
}

fn bench(c: &mut Criterion) {
    let _lock = Pcscd::lock();
    let pcscd = match Pcscd::start(35996) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("pcsc bench skipped: {e}");
            return;
        }
    };
    let _card = VpcdCard::insert(CardSim::pkcs15(), pcscd.card_addr());
    // Wait for pcscd to see the card.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut pcsc = loop {
        match PcscCard::connect(VPCD_READER) {
            Ok(card) => break card,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("{e}"),
        }
    };
    for extended in [false, true] {
        let mut card = PcscCard::connect(VPCD_READER)
            .unwrap()
            .with_extended_length(extended);
        let apdus = login(card.transaction().unwrap());
        println!("login through pcscd (extended length {extended}): {apdus} APDU exchanges");
    }
    let mut group = c.benchmark_group("card-login-pcsc");
    group.sample_size(30);
    group.bench_function("in-process", |b| {
        b.iter_batched(CardSim::pkcs15, login, criterion::BatchSize::SmallInput)
    });
    group.bench_function("pcscd+vpcd", |b| {
        b.iter(|| login(pcsc.transaction().unwrap()))
    });
    let mut extended = PcscCard::connect(VPCD_READER)
        .unwrap()
        .with_extended_length(true);
    group.bench_function("pcscd+vpcd/extended", |b| {
        b.iter(|| login(extended.transaction().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
