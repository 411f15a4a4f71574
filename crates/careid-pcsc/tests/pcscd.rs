//! careid against the real PC/SC stack: pcscd, the vsmartcard-vpcd reader driver, and the
//! simulated card behind it; OpenSC as an independent reader of the same card.
//!
//! These tests start their own pcscd (foreground, own PID, private vpcd port) and stop it by
//! PID. They run when `CAREID_PCSC_TESTS=1` (the test script sets it after installing the
//! packages) and fail loudly then if the stack cannot start; otherwise they skip with a
//! message. They take a process-wide lock: there is one pcscd per machine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_apdu::TransportError;
use careid_cardsim::pcscd::{Pcscd, VPCD_READER};
use careid_cardsim::{CardSim, DEFAULT_PIN, DEFAULT_PIV_PIN, Fault, VpcdCard};
use careid_crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use careid_pcsc::{PcscCard, ReaderEvent, Watcher};
use careid_pkcs15::{Error as TokenError, Hash, KeyAlgorithm, Pin, Token};
use careid_testkit::TestPki;
use der::{Decode as _, Encode as _};
use sha2::Digest as _;
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

/// vpcd port for these tests (not the default 35963, so a developer's own card is untouched).
const PORT: u16 = 35990;

struct Stack {
    pcscd: Pcscd,
    _lock: MutexGuard<'static, ()>,
}

/// Starts pcscd, or returns `None` (skip) when the stack is not wanted here.
fn stack() -> Option<Stack> {
    let lock = Pcscd::lock();
    let required = std::env::var("CAREID_PCSC_TESTS").is_ok_and(|v| v == "1");
    match Pcscd::start(PORT) {
        Ok(pcscd) => Some(Stack { pcscd, _lock: lock }),
        Err(e) if !required => {
            eprintln!("skipping PC/SC test: {e} (set CAREID_PCSC_TESTS=1 to require it)");
            None
        }
        Err(e) => panic!("CAREID_PCSC_TESTS=1 but the PC/SC stack did not start: {e}"),
    }
}

/// Waits (on pcscd's own notifications, not sleeps) until the reader has a card or not.
fn wait_for_card(present: bool) {
    let mut watcher = Watcher::new(Some(VPCD_READER)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut have = false;
    while Instant::now() < deadline {
        match watcher
            .next_event(Some(Duration::from_millis(500)))
            .unwrap()
        {
            Some(ReaderEvent::CardInserted { .. }) => have = true,
            Some(ReaderEvent::CardRemoved { .. }) => have = false,
            _ => {}
        }
        if have == present {
            return;
        }
    }
    panic!(
        "the reader did not become {}",
        if present { "full" } else { "empty" }
    );
}

fn insert(stack: &Stack, card: CardSim) -> VpcdCard {
    let inserted = VpcdCard::insert(card, stack.pcscd.card_addr());
    wait_for_card(true);
    inserted
}

fn spki_key(cert: &[u8]) -> PublicKey {
    let cert = x509_cert::Certificate::from_der(cert).unwrap();
    PublicKey::from_spki_der(
        &cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap(),
    )
    .unwrap()
}

/// A full login through PC/SC in one transaction; returns the APDU count.
fn login(card: &mut PcscCard, pin: &str) -> u64 {
    let exclusive = card.transaction().unwrap();
    let mut token = Token::open(exclusive).unwrap();
    let key = token
        .keys()
        .iter()
        .find(|k| matches!(k.algorithm, KeyAlgorithm::Rsa { .. }))
        .unwrap()
        .clone();
    let cert = token.read_certificate(&key.id).unwrap();
    assert_eq!(cert, TestPki::get().user_rsa);
    let challenge = b"challenge through pcscd";
    let mut session = token.verify_pin(&Pin::from(pin)).unwrap();
    let sig = session
        .sign_digest(&key.id, Hash::Sha256, &sha2::Sha256::digest(challenge))
        .unwrap();
    spki_key(&cert)
        .verify(
            AlgorithmSet::ALL,
            SignatureAlgorithm::Rs256,
            SignatureFormat::Fixed,
            challenge,
            &sig,
        )
        .unwrap();
    session.token().apdu_count()
}

#[test]
fn full_login_through_pcscd_on_both_profiles() {
    let Some(stack) = stack() else { return };
    for (card, pin) in [
        (CardSim::pkcs15(), DEFAULT_PIN),
        (CardSim::piv(), DEFAULT_PIV_PIN),
    ] {
        let inserted = insert(&stack, card);
        let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
        assert_eq!(pcsc.atr().unwrap(), careid_cardsim::ATR);
        let apdus = login(&mut pcsc, pin);
        eprintln!("login through pcscd: {apdus} APDUs");
        // Also with extended-length APDUs, which vpcd passes through.
        let mut extended = PcscCard::connect(VPCD_READER)
            .unwrap()
            .with_extended_length(true);
        login(&mut extended, pin);
        drop((pcsc, extended));
        inserted.remove();
        wait_for_card(false);
    }
}

#[test]
fn three_wrong_pins_block_the_card_and_careid_never_spends_a_try() {
    let Some(stack) = stack() else { return };
    let inserted = insert(&stack, CardSim::pkcs15());
    let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
    let mut token = Token::open(&mut pcsc).unwrap();
    for left in [2, 1, 0] {
        assert_eq!(
            token.verify_pin(&Pin::from("0000")).unwrap_err(),
            TokenError::WrongPin {
                tries_left: Some(left)
            }
        );
    }
    assert_eq!(
        token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap_err(),
        TokenError::PinBlocked
    );
    let card = inserted.card();
    assert_eq!(card.pin_tries_left(), 0);
    // Exactly the four VERIFYs the test asked for reached the card: none of careid's own.
    let verifies = card
        .log()
        .iter()
        .filter(|(c, _)| c.get(1) == Some(&0x20))
        .count();
    assert_eq!(verifies, 4);
}

#[test]
fn card_removed_mid_read_is_a_typed_error() {
    let Some(stack) = stack() else { return };
    let inserted = insert(&stack, CardSim::pkcs15());
    let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
    let mut token = Token::open(&mut pcsc).unwrap();
    let n = inserted.card().command_count();
    // The card is pulled out during the certificate read.
    inserted.card().inject(Fault::RemoveAfter(n + 1));
    let started = Instant::now();
    let err = token.read_certificate(&[0x45]).unwrap_err();
    assert!(
        matches!(
            err,
            TokenError::Apdu(careid_apdu::Error::Transport(
                TransportError::CardRemoved | TransportError::NoCard
            ))
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5), "no hang");
}

#[test]
fn pcscd_killed_and_restarted() {
    let Some(mut stack) = stack() else { return };
    let inserted = insert(&stack, CardSim::pkcs15());
    let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
    login(&mut pcsc, DEFAULT_PIN);
    stack.pcscd.crash_and_restart().unwrap();
    // The old handle fails with a typed error, never a hang.
    let err = Token::open(&mut pcsc).unwrap_err();
    assert!(
        matches!(err, TokenError::Apdu(careid_apdu::Error::Transport(_))),
        "{err:?}"
    );
    drop(pcsc);
    // The card reconnects to the new daemon by itself; a new connection logs in again.
    wait_for_card(true);
    assert!(inserted.connections() >= 2);
    let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
    login(&mut pcsc, DEFAULT_PIN);
}

#[test]
fn contending_applications_are_kept_apart_by_transactions() {
    let Some(stack) = stack() else { return };
    let inserted = insert(&stack, CardSim::pkcs15());
    let workers: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(|| {
                let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
                (0..4).map(|_| login(&mut pcsc, DEFAULT_PIN)).sum::<u64>()
            })
        })
        .collect();
    let total: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(total > 0);
    // Every login's MSE was immediately followed by its own PSO: no other application's APDU
    // slipped in between.
    let card = inserted.card();
    let log = card.log();
    for (i, (cmd, _)) in log.iter().enumerate() {
        if cmd.get(1) == Some(&0x22) {
            assert_eq!(
                log[i + 1].0.get(1),
                Some(&0x2A),
                "APDU {i}: MSE not followed by its PSO"
            );
        }
    }
}

#[test]
fn a_reset_by_another_application_ends_the_session() {
    let Some(stack) = stack() else { return };
    let _inserted = insert(&stack, CardSim::pkcs15());
    let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
    let mut token = Token::open(&mut pcsc).unwrap();
    let mut session = token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap();
    session
        .sign_digest(&[0x45], Hash::Sha256, &[1; 32])
        .unwrap();
    // Another application disconnects with SCARD_RESET_CARD (what dropping a pcsc::Card does).
    let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
    let other = ctx
        .connect(
            &std::ffi::CString::new(VPCD_READER).unwrap(),
            pcsc::ShareMode::Shared,
            pcsc::Protocols::ANY,
        )
        .unwrap();
    assert!(other.disconnect(pcsc::Disposition::ResetCard).is_ok());
    assert_eq!(
        session
            .sign_digest(&[0x45], Hash::Sha256, &[1; 32])
            .unwrap_err(),
        TokenError::PinStateLost
    );
    // After the user enters the PIN again, signing works.
    let mut session = token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap();
    session
        .sign_digest(&[0x45], Hash::Sha256, &[1; 32])
        .unwrap();
}

#[test]
fn watcher_reports_insertion_and_removal() {
    let Some(stack) = stack() else { return };
    let mut watcher = Watcher::new(Some(VPCD_READER)).unwrap();
    // An empty reader first: drain the initial state.
    while let Some(event) = watcher
        .next_event(Some(Duration::from_millis(300)))
        .unwrap()
    {
        assert!(
            !matches!(event, ReaderEvent::CardInserted { .. }),
            "{event:?}"
        );
    }
    let inserted = VpcdCard::insert(CardSim::piv(), stack.pcscd.card_addr());
    let event = watcher.next_event(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(
        event,
        Some(ReaderEvent::CardInserted {
            reader: VPCD_READER.into(),
            atr: careid_cardsim::ATR.to_vec()
        })
    );
    inserted.remove();
    let event = watcher.next_event(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(
        event,
        Some(ReaderEvent::CardRemoved {
            reader: VPCD_READER.into()
        })
    );
    // Cancelling from another thread ends the iterator.
    let cancel = watcher.cancel_handle();
    let waiter = std::thread::spawn(move || watcher.next().is_none());
    std::thread::sleep(Duration::from_millis(200));
    cancel.cancel().unwrap();
    assert!(waiter.join().unwrap());
}
