//! Logs in with the smartcard in a PC/SC reader: reads the authentication certificate, asks for
//! the PIN, has the card sign a fresh challenge, and checks the signature against the
//! certificate.
//!
//! ```text
//! cargo run --example card_login --features pcsc [-- READER]
//! ```
//! With no reader named, the first reader with a card is used. To try it without a card, start
//! pcscd and insert the simulated one: `cargo run -p careid-cardsim` (reader `Virtual PCD 00 00`).

use careid::card::{Hash, KeyAlgorithm, PcscCard, Pin, Token};
use careid::crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use std::process::ExitCode;

fn main() -> ExitCode {
    match login() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("card_login: {message}");
            ExitCode::FAILURE
        }
    }
}

fn login() -> Result<(), String> {
    let context =
        careid::card::pcsc::pcsc::Context::establish(careid::card::pcsc::pcsc::Scope::User)
            .map_err(|e| format!("{} (is pcscd running?)", careid::card::pcsc::Error::from(e)))?;
    let readers = careid::card::list_readers(&context).map_err(|e| e.to_string())?;
    if readers.is_empty() {
        return Err("no smartcard reader is connected".into());
    }
    let wanted = std::env::args().nth(1);
    let mut card = None;
    for reader in readers
        .iter()
        .filter(|r| wanted.as_deref().is_none_or(|w| r.contains(w)))
    {
        match PcscCard::connect_with(&context, reader) {
            Ok(c) => {
                println!("using the card in {reader}");
                card = Some(c);
                break;
            }
            Err(careid::card::pcsc::Error::NoCard) => println!("{reader}: no card"),
            Err(e) => println!("{reader}: {e}"),
        }
    }
    let mut card = card.ok_or("no reader has a card in it: insert your smartcard")?;
    let exclusive = card.transaction().map_err(|e| e.to_string())?;
    let mut token = Token::open(exclusive).map_err(|e| e.to_string())?;
    let key = token
        .keys()
        .iter()
        .find(|k| k.can_sign)
        .cloned()
        .ok_or("the card has no signing key")?;
    let cert = token.read_certificate(&key.id).map_err(|e| e.to_string())?;
    let public = certificate_key(&cert)?;
    let pin = rpassword::prompt_password("Card PIN: ").map_err(|e| e.to_string())?;
    let mut session = token
        .verify_pin(&Pin::from(pin.as_str()))
        .map_err(|e| e.to_string())?;
    let challenge = format!("card_login example {:?}", std::time::SystemTime::now());
    let digest: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, challenge.as_bytes())
        .as_ref()
        .try_into()
        .map_err(|_| "SHA-256 is 32 bytes")?;
    let signature = session
        .sign_digest(&key.id, Hash::Sha256, &digest)
        .map_err(|e| e.to_string())?;
    let (alg, format) = match key.algorithm {
        KeyAlgorithm::Rsa { .. } => (SignatureAlgorithm::Rs256, SignatureFormat::Fixed),
        KeyAlgorithm::EcP384 => (SignatureAlgorithm::Es384, SignatureFormat::Der),
        _ => (SignatureAlgorithm::Es256, SignatureFormat::Der),
    };
    public
        .verify(
            AlgorithmSet::EMPTY.with(alg),
            alg,
            format,
            challenge.as_bytes(),
            &signature,
        )
        .map_err(|e| format!("the card's signature does not check: {e}"))?;
    println!("logged in: the card proved possession of the key in its certificate");
    Ok(())
}

/// The certificate's SubjectPublicKeyInfo, found by walking the DER (Certificate ::= SEQUENCE
/// { tbsCertificate SEQUENCE { [0] version, serial, signature, issuer, validity, subject,
/// subjectPublicKeyInfo, ... } ... }).
fn certificate_key(cert: &[u8]) -> Result<PublicKey, String> {
    use careid_apdu::tlv;
    let bad = || "the certificate on the card is not valid DER".to_string();
    let outer = tlv::parse_one(cert).map_err(|_| bad())?;
    let tbs = outer
        .children()
        .next()
        .ok_or_else(bad)?
        .map_err(|_| bad())?;
    let mut fields = tbs.children();
    let mut first = fields.next().ok_or_else(bad)?.map_err(|_| bad())?;
    if first.tag() == 0xA0 {
        first = fields.next().ok_or_else(bad)?.map_err(|_| bad())?; // serial
    }
    let _ = first;
    // signature, issuer, validity, subject, then the SPKI.
    let spki = fields.nth(4).ok_or_else(bad)?.map_err(|_| bad())?;
    let der = tlv::encode(spki.tag(), spki.value()).map_err(|_| bad())?;
    PublicKey::from_spki_der(&der).map_err(|e| e.to_string())
}
