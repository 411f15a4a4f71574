//! Both card profiles end to end on the simulated card: list and read certificates, PIN
//! handling, signing verified with careid-crypto against the certificate's key, blocking.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_apdu::CardTransport as _;
use careid_cardsim::{CardSim, DEFAULT_PIN, DEFAULT_PIV_PIN, DEFAULT_PUK, Fault};
use careid_crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use careid_pkcs15::{Error, Hash, KeyAlgorithm, Pin, PinStatus, ProfileKind, Token};
use careid_testkit::TestPki;
use der::Decode as _;
use der::Encode as _;
use sha2::Digest as _;

fn spki_of(cert: &[u8]) -> PublicKey {
    let cert = x509_cert::Certificate::from_der(cert).unwrap();
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .unwrap();
    PublicKey::from_spki_der(&spki).unwrap()
}

/// Signs a challenge with every key and checks each signature with careid-crypto against the
/// public key in the key's certificate.
fn sign_and_check(token: &mut Token<CardSim>, pin: &str) {
    let challenge = b"CIS1 authentication challenge 4a61";
    let digest = sha2::Sha256::digest(challenge);
    let keys = token.keys().to_vec();
    assert!(!keys.is_empty());
    let certs: Vec<_> = keys
        .iter()
        .map(|k| token.read_certificate(&k.id).unwrap())
        .collect();
    let mut session = token.verify_pin(&Pin::from(pin)).unwrap();
    for (key, cert) in keys.iter().zip(&certs) {
        let signature = session.sign_digest(&key.id, Hash::Sha256, &digest).unwrap();
        let (alg, format) = match key.algorithm {
            KeyAlgorithm::Rsa { bits } => {
                assert_eq!(bits, 2048);
                (SignatureAlgorithm::Rs256, SignatureFormat::Fixed)
            }
            _ => (SignatureAlgorithm::Es256, SignatureFormat::Der),
        };
        spki_of(cert)
            .verify(AlgorithmSet::ALL, alg, format, challenge, &signature)
            .unwrap();
        // A different challenge does not verify with the same signature.
        assert!(
            spki_of(cert)
                .verify(AlgorithmSet::ALL, alg, format, b"other", &signature)
                .is_err()
        );
    }
}

#[test]
fn pkcs15_lists_reads_and_signs() {
    let mut token = Token::open(CardSim::pkcs15()).unwrap();
    assert_eq!(token.profile(), ProfileKind::Pkcs15);
    assert_eq!(token.label(), Some("TEST TOKEN"));
    assert_eq!(token.serial_number(), Some(&[0x12, 0x34, 0x56, 0x78][..]));
    let certs: Vec<_> = token.certificates().cloned().collect();
    assert_eq!(certs.len(), 2);
    assert_eq!(certs[0].id, vec![0x45]);
    assert_eq!(certs[0].label, "Authentication certificate");
    assert_eq!(token.keys()[0].algorithm, KeyAlgorithm::Rsa { bits: 2048 });
    assert_eq!(token.keys()[1].algorithm, KeyAlgorithm::Ec);
    let pki = TestPki::get();
    assert_eq!(token.read_certificate(&[0x45]).unwrap(), pki.user_rsa);
    assert_eq!(token.read_certificate(&[0x46]).unwrap(), pki.user_p256);
    // Cached: a second read sends nothing.
    let before = token.apdu_count();
    token.read_certificate(&[0x45]).unwrap();
    assert_eq!(token.apdu_count(), before);
    // Generic PKCS#15: the PIN status is not asked (the query could spend a try).
    let before = token.apdu_count();
    assert_eq!(token.pin_status().unwrap(), PinStatus::Unknown);
    assert_eq!(token.apdu_count(), before);
    sign_and_check(&mut token, DEFAULT_PIN);
}

#[test]
fn piv_lists_reads_and_signs() {
    let mut token = Token::open(CardSim::piv()).unwrap();
    assert_eq!(token.profile(), ProfileKind::Piv);
    let ids: Vec<_> = token.certificates().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec![vec![0x9A], vec![0x9E]]);
    assert_eq!(token.keys()[0].algorithm, KeyAlgorithm::Rsa { bits: 2048 });
    assert_eq!(token.keys()[1].algorithm, KeyAlgorithm::EcP256);
    assert_eq!(
        token.read_certificate(&[0x9A]).unwrap(),
        TestPki::get().user_rsa
    );
    let chuid = token.piv_chuid().unwrap().unwrap();
    assert!(chuid.windows(16).any(|w| w == b"careid-cardsim01"));
    assert_eq!(
        token.pin_status().unwrap(),
        PinStatus::NotVerified {
            tries_left: Some(3)
        }
    );
    sign_and_check(&mut token, DEFAULT_PIV_PIN);
    assert_eq!(token.pin_status().unwrap(), PinStatus::Verified);
}

fn wrong_pins_then_block(mut token: Token<CardSim>, right: &str, wrong: &str) {
    assert_eq!(
        token.verify_pin(&Pin::from(wrong)).unwrap_err(),
        Error::WrongPin {
            tries_left: Some(2)
        }
    );
    assert_eq!(
        token.verify_pin(&Pin::from(wrong)).unwrap_err(),
        Error::WrongPin {
            tries_left: Some(1)
        }
    );
    // The right PIN resets the counter.
    token.verify_pin(&Pin::from(right)).unwrap();
    assert_eq!(token.transport().pin_tries_left(), 3);
    for left in [2, 1, 0] {
        assert_eq!(
            token.verify_pin(&Pin::from(wrong)).unwrap_err(),
            Error::WrongPin {
                tries_left: Some(left)
            }
        );
    }
    // Blocked: even the right PIN is refused, and no session (so no signature) can be had.
    assert_eq!(
        token.verify_pin(&Pin::from(right)).unwrap_err(),
        Error::PinBlocked
    );
    assert_eq!(token.transport().pin_tries_left(), 0);
    // The card itself refuses to sign: a raw PSO / GENERAL AUTHENTICATE gets 6983.
    let raw: Vec<u8> = match token.profile() {
        ProfileKind::Pkcs15 => vec![0x00, 0x2A, 0x9E, 0x9A, 0x02, 0x30, 0x00, 0x00],
        _ => vec![0x00, 0x87, 0x07, 0x9A, 0x04, 0x7C, 0x02, 0x82, 0x00, 0x00],
    };
    assert_eq!(
        token.transport_mut().transmit_raw(&raw).unwrap(),
        vec![0x69, 0x83]
    );
    // The PUK unblocks and sets a new PIN.
    let new_pin = if right.len() == 4 { "4321" } else { "654321" };
    token
        .unblock_pin(&Pin::from(DEFAULT_PUK), &Pin::from(new_pin))
        .unwrap();
    token.verify_pin(&Pin::from(new_pin)).unwrap();
}

/// Without extended length the same flows use GET RESPONSE and command chaining (PIV's
/// 256-byte RSA block does not fit a short APDU).
#[test]
fn short_apdus_only() {
    for (card, pin) in [
        (CardSim::pkcs15(), DEFAULT_PIN),
        (CardSim::piv(), DEFAULT_PIV_PIN),
    ] {
        let mut token = Token::open(card.with_extended_length(false)).unwrap();
        sign_and_check(&mut token, pin);
        let log = token.transport().log();
        if token.profile() == ProfileKind::Piv {
            assert!(log.iter().any(|(c, _)| c[1] == 0xC0), "GET RESPONSE used");
            assert!(
                log.iter().any(|(c, _)| c[0] == 0x10),
                "command chaining used"
            );
        } else {
            // Certificates come in 256-byte READ BINARY chunks at increasing offsets.
            assert!(
                log.iter().any(|(c, _)| c[1] == 0xB0 && c[2] == 0x01),
                "chunked READ BINARY"
            );
        }
    }
}

#[test]
fn pkcs15_pin_counts_down_and_blocks() {
    wrong_pins_then_block(Token::open(CardSim::pkcs15()).unwrap(), DEFAULT_PIN, "9999");
}

#[test]
fn piv_pin_counts_down_and_blocks() {
    wrong_pins_then_block(
        Token::open(CardSim::piv()).unwrap(),
        DEFAULT_PIV_PIN,
        "999999",
    );
}

#[test]
fn the_library_never_spends_a_try_on_its_own() {
    let mut token = Token::open(CardSim::pkcs15()).unwrap();
    // Badly formed PINs are refused before anything is sent.
    let before = token.transport().command_count();
    for bad in ["12", "123456789", "12a4", ""] {
        assert!(
            matches!(
                token.verify_pin(&Pin::from(bad)),
                Err(Error::PinFormat { .. })
            ),
            "{bad}"
        );
    }
    assert_eq!(token.transport().command_count(), before);
    assert_eq!(token.transport().pin_tries_left(), 3);
    // One wrong PIN costs exactly one VERIFY.
    let before = token.transport().command_count();
    assert!(token.verify_pin(&Pin::from("0000")).is_err());
    assert_eq!(token.transport().command_count(), before + 1);
    assert_eq!(token.transport().pin_tries_left(), 2);
}

#[test]
fn change_pin() {
    let mut token = Token::open(CardSim::pkcs15()).unwrap();
    token
        .change_pin(&Pin::from(DEFAULT_PIN), &Pin::from("8765"))
        .unwrap();
    assert_eq!(
        token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap_err(),
        Error::WrongPin {
            tries_left: Some(2)
        }
    );
    token.verify_pin(&Pin::from("8765")).unwrap();
}

#[test]
fn a_reset_ends_the_session() {
    let mut token = Token::open(CardSim::pkcs15()).unwrap();
    let digest = [7_u8; 32];
    let mut session = token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap();
    session.sign_digest(&[0x45], Hash::Sha256, &digest).unwrap();
    let n = session.token().transport().command_count();
    session.token().transport_mut().inject(Fault::ResetAfter(n));
    // The reset is noticed on the next exchange; the session is dead from then on.
    assert_eq!(
        session
            .sign_digest(&[0x45], Hash::Sha256, &digest)
            .unwrap_err(),
        Error::PinStateLost
    );
    assert_eq!(
        session
            .sign_digest(&[0x45], Hash::Sha256, &digest)
            .unwrap_err(),
        Error::PinStateLost
    );
    // A new verification (by the user) works again.
    let mut session = token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap();
    session.sign_digest(&[0x45], Hash::Sha256, &digest).unwrap();
}
