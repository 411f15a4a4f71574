//! Hostile and broken cards end in typed errors within bounded work.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid_apdu::{StatusWord, TransportError};
use careid_cardsim::{CardSim, DEFAULT_PIN, Fault};
use careid_pkcs15::{Error, Hash, Operation, Pin, Token};

fn apdu(e: careid_apdu::Error) -> Error {
    Error::Apdu(e)
}

#[test]
fn file_not_found_everywhere_means_unsupported_card() {
    let card = CardSim::pkcs15().with_fault(Fault::Status {
        ins: 0xA4,
        sw: 0x6A82,
    });
    assert_eq!(Token::open(card).unwrap_err(), Error::UnsupportedCard);
}

#[test]
fn conditions_not_satisfied_on_signing() {
    let mut token = Token::open(CardSim::pkcs15()).unwrap();
    token.transport_mut().inject(Fault::Status {
        ins: 0x2A,
        sw: 0x6985,
    });
    let mut session = token.verify_pin(&Pin::from(DEFAULT_PIN)).unwrap();
    assert_eq!(
        session
            .sign_digest(&[0x45], Hash::Sha256, &[0; 32])
            .unwrap_err(),
        Error::Card {
            operation: Operation::ComputeSignature,
            sw: StatusWord::ConditionsNotSatisfied
        }
    );
}

#[test]
fn wrong_file_sizes_are_reported() {
    // The FCP claims 100 more bytes than the file holds: the card's 6282 (end of file) is
    // accepted, the object directories still parse, and nothing loops.
    let token = Token::open(CardSim::pkcs15().with_fault(Fault::WrongFileSize));
    let token = token.unwrap();
    assert_eq!(token.keys().len(), 2);
}

#[test]
fn garbage_directory_is_malformed() {
    let err = Token::open(CardSim::pkcs15().with_fault(Fault::Garbage { ins: 0xB0 })).unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
}

#[test]
fn endless_61xx_is_bounded() {
    let err = Token::open(CardSim::pkcs15().with_fault(Fault::EndlessMoreData)).unwrap_err();
    assert_eq!(
        err,
        apdu(careid_apdu::Error::TooManyGetResponses { rounds: 300 })
    );
}

#[test]
fn response_without_status_word() {
    let err =
        Token::open(CardSim::piv().with_fault(Fault::ShortResponse { ins: 0xA4 })).unwrap_err();
    assert_eq!(err, apdu(careid_apdu::Error::ResponseTooShort { len: 1 }));
}

#[test]
fn card_removed_mid_read() {
    // Pulled out during the certificate reads of opening.
    for after in [1, 3, 6, 9] {
        let err = Token::open(CardSim::pkcs15().with_fault(Fault::RemoveAfter(after))).unwrap_err();
        assert_eq!(
            err,
            apdu(careid_apdu::Error::Transport(TransportError::CardRemoved)),
            "after {after}"
        );
    }
    let mut token = Token::open(CardSim::pkcs15()).unwrap();
    let n = token.transport().command_count();
    token.transport_mut().inject(Fault::RemoveAfter(n + 1));
    assert_eq!(
        token.read_certificate(&[0x45]).unwrap_err(),
        apdu(careid_apdu::Error::Transport(TransportError::CardRemoved))
    );
}
