//! The `careid` binary against the real PC/SC stack: `readers`, `readers --watch`, and `card`
//! commands on the simulated card in vpcd's reader, including two processes logging in at once
//! (their transactions keep them apart). Runs with the `pcsc` feature; required when
//! `CAREID_PCSC_TESTS=1`, skipped otherwise.
#![cfg(feature = "pcsc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_cardsim::pcscd::{Pcscd, VPCD_READER};
use careid_cardsim::{CardSim, VpcdCard};
use common::{careid, text};
use std::process::Command;
use std::time::Duration;

const PORT: u16 = 35994;

#[test]
fn readers_and_card_commands_through_pcscd() {
    let _lock = Pcscd::lock();
    let pcscd = match Pcscd::start(PORT) {
        Ok(p) => p,
        Err(e) if std::env::var("CAREID_PCSC_TESTS").as_deref() != Ok("1") => {
            eprintln!("skipping: {e}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    // An empty reader first, then a watcher sees the card go in.
    let listing = careid(&["readers"]);
    assert!(
        text(&listing).contains(&format!("{VPCD_READER}: empty")),
        "{}",
        text(&listing)
    );
    let watch = Command::new(env!("CARGO_BIN_EXE_careid"))
        .args([
            "readers",
            "--watch",
            "--filter",
            VPCD_READER,
            "--timeout",
            "4",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let inserted = VpcdCard::insert(CardSim::pkcs15(), pcscd.card_addr());
    let watched = watch.wait_with_output().unwrap();
    assert!(
        text(&watched).contains(&format!("inserted: {VPCD_READER} (ATR 3B80800101)")),
        "{}",
        text(&watched)
    );

    let listing = careid(&["readers"]);
    assert!(
        text(&listing).contains("card present, ATR 3B80800101"),
        "{}",
        text(&listing)
    );
    let info = careid(&["card", "info", "--reader", "Virtual PCD 00 00"]);
    assert!(
        text(&info).contains("key 45 \"Authentication key\": RSA-2048"),
        "{}",
        text(&info)
    );
    let certs = careid(&[
        "card",
        "certs",
        "--reader",
        "PCD 00 00",
        "--extended-length",
    ]);
    assert!(
        text(&certs).contains("SERIALNUMBER=555123456789"),
        "{}",
        text(&certs)
    );

    // Two processes log in at the same time, five times each.
    let logins: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(|| {
                (0..5).all(|_| {
                    let out = careid(&["card", "login", "--reader", VPCD_READER, "--pin", "1234"]);
                    out.status.success() && text(&out).contains("the card holds the private key")
                })
            })
        })
        .collect();
    assert!(logins.into_iter().all(|t| t.join().unwrap()));

    // Wrong PINs count down through PC/SC; careid adds no tries of its own.
    let wrong = careid(&[
        "card",
        "verify-pin",
        "--reader",
        VPCD_READER,
        "--pin",
        "0000",
    ]);
    assert!(
        text(&wrong).contains("wrong PIN (2 tries left)"),
        "{}",
        text(&wrong)
    );
    assert_eq!(inserted.card().pin_tries_left(), 2);

    let missing = careid(&["card", "info", "--reader", "No Such Reader"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing).contains("no reader with that name"),
        "{}",
        text(&missing)
    );
}
