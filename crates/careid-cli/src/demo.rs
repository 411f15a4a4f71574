//! `careid demo`: a guided tour of what careid checks, on built-in test keys. It grows with
//! every layer: today, signature verification.

use crate::CliError;
use careid::crypto::{AlgorithmSet, Error, PublicKey, SignatureAlgorithm, SignatureFormat};
use careid_testkit::TestKey;
use std::io::Write;

pub(crate) fn run(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "careid demo: what happens when a clinical system checks a login"
    )?;
    writeln!(
        out,
        "All keys below are built-in TEST keys; nothing here touches real NHS systems."
    )?;
    writeln!(out)?;
    signatures(out)?;
    writeln!(out)?;
    card_login(out)?;
    writeln!(out)?;
    crate::x509::demo_step(out)?;
    writeln!(out)?;
    crate::key::demo_step(out)?;
    writeln!(out)?;
    crate::token::demo_step(out)?;
    writeln!(out)?;
    crate::rbac::demo_step(out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Demo complete: genuine signatures and logins were accepted; forgeries, wrong PINs and\nrequests outside the selected role were refused."
    )?;
    Ok(())
}

/// Step 2: a CIS1 smartcard login on the simulated card.
fn card_login(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "Smartcard login (CIS1), on the built-in simulated card"
    )?;
    writeln!(
        out,
        "  The card keeps its private key inside: careid reads the card's certificate, the user"
    )?;
    writeln!(
        out,
        "  unlocks the card with a PIN, the card signs a fresh challenge, and careid checks that"
    )?;
    writeln!(
        out,
        "  signature against the certificate. Three wrong PINs lock a real NHS card, so careid"
    )?;
    writeln!(out, "  never re-sends a PIN on its own.")?;
    for (name, card, pin) in [
        (
            "PKCS#15 card",
            careid_cardsim::CardSim::pkcs15(),
            careid_cardsim::DEFAULT_PIN,
        ),
        (
            "PIV card",
            careid_cardsim::CardSim::piv(),
            careid_cardsim::DEFAULT_PIV_PIN,
        ),
    ] {
        writeln!(out, "  {name}:")?;
        let token = careid::card::Token::open(card)?;
        if !crate::card::login(token, &careid::card::Pin::from(pin), out)? {
            return Err(CliError::DemoFailed {
                step: format!("card login on the {name}"),
            });
        }
    }
    let mut token = careid::card::Token::open(careid_cardsim::CardSim::pkcs15())?;
    match token.verify_pin(&careid::card::Pin::from("9999")) {
        Err(err @ careid::card::Error::WrongPin { .. }) => writeln!(
            out,
            "  A wrong PIN: the card answers \"{err}\"; careid stops there."
        )?,
        _ => {
            return Err(CliError::DemoFailed {
                step: "wrong PIN refusal".into(),
            });
        }
    }
    Ok(())
}

/// Step 1: every login in careid ends in a signature check.
fn signatures(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(out, "Signatures")?;
    writeln!(
        out,
        "  A smartcard, a security key and the CIS2 identity service all prove who they are by"
    )?;
    writeln!(
        out,
        "  signing data with a private key. careid checks each signature with the matching public"
    )?;
    writeln!(
        out,
        "  key, and only for algorithms the caller has allowed."
    )?;
    let message = b"login challenge 7f3a for user 555123456789 at RX1 (demo)";
    for algorithm in SignatureAlgorithm::ALL {
        let signer = TestKey::for_algorithm(algorithm).signer();
        // The verifier imports the public key the way it would receive it: as a
        // SubjectPublicKeyInfo from a certificate, a JWK from a JWKS, or a COSE_Key from a
        // security key.
        let (how, key) = match algorithm {
            SignatureAlgorithm::Rs256 | SignatureAlgorithm::Rs512 | SignatureAlgorithm::Es384 => (
                "an X.509 SubjectPublicKeyInfo",
                PublicKey::from_spki_der(&signer.spki_der())?,
            ),
            SignatureAlgorithm::Es256 | SignatureAlgorithm::EdDsa => (
                "a COSE_Key",
                PublicKey::from_cose_key_bytes(&signer.cose_key(Some(algorithm)))?,
            ),
            _ => (
                "a JSON Web Key",
                PublicKey::from_jwk_json(
                    signer
                        .jwk(Some("demo"), Some(algorithm))
                        .to_string()
                        .as_bytes(),
                )?,
            ),
        };
        let allowed = AlgorithmSet::EMPTY.with(algorithm);
        let signature = signer.sign(algorithm, SignatureFormat::Fixed, message);
        let genuine = key.verify(
            allowed,
            algorithm,
            SignatureFormat::Fixed,
            message,
            &signature,
        );
        let mut tampered = message.to_vec();
        if let Some(byte) = tampered.get_mut(16) {
            *byte ^= 0x01;
        }
        let forged = key.verify(
            allowed,
            algorithm,
            SignatureFormat::Fixed,
            &tampered,
            &signature,
        );
        writeln!(
            out,
            "  {:<6} {} key from {how}:",
            algorithm.jose_name(),
            key.kind()
        )?;
        match &genuine {
            Ok(()) => writeln!(out, "           genuine message  -> accepted")?,
            Err(err) => writeln!(out, "           genuine message  -> REFUSED ({err})")?,
        }
        match &forged {
            Err(err) => writeln!(out, "           one byte changed -> refused: {err}")?,
            Ok(()) => writeln!(
                out,
                "           one byte changed -> ACCEPTED (this must never happen)"
            )?,
        }
        if genuine.is_err() || forged != Err(Error::BadSignature) {
            return Err(CliError::DemoFailed {
                step: format!("signature check with {algorithm}"),
            });
        }
    }
    // The caller decides the algorithm, never the signed data.
    let signer = TestKey::Ed25519.signer();
    let signature = signer.sign(SignatureAlgorithm::EdDsa, SignatureFormat::Fixed, message);
    let cis2_only = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
    let refused = signer.public_key().verify(
        cis2_only,
        SignatureAlgorithm::EdDsa,
        SignatureFormat::Fixed,
        message,
        &signature,
    );
    writeln!(
        out,
        "  A genuine EdDSA signature offered to a verifier that only allows RS256 (as CIS2 does):"
    )?;
    match refused {
        Err(err @ Error::AlgorithmNotAllowed { .. }) => {
            writeln!(out, "           -> refused: {err}")?
        }
        other => {
            writeln!(out, "           -> unexpected: {other:?}")?;
            return Err(CliError::DemoFailed {
                step: "allow-list refusal".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_accepts_genuine_and_refuses_forged_signatures() {
        let mut out = Vec::new();
        super::run(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for alg in careid::crypto::SignatureAlgorithm::ALL {
            assert!(
                text.contains(&format!("  {:<6} ", alg.jose_name())),
                "{alg} missing:\n{text}"
            );
        }
        // One genuine signature per algorithm in the signatures step.
        assert_eq!(text.matches("genuine message  -> accepted").count(), 9);
        // Every later step ran and said what it checked.
        for step in [
            "the card holds the private key",
            "-> valid; not revoked (CRLs checked); user UUID 555123456789",
            "Login: signature valid, user verified",
            "-> accepted: user",
            "-> yes, because:",
        ] {
            assert!(text.contains(step), "{step:?} missing:\n{text}");
        }
        assert_eq!(
            text.matches("one byte changed -> refused: the signature is not valid")
                .count(),
            9
        );
        assert!(text.contains("is not in the caller's allow-list"));
        assert!(!text.contains("ACCEPTED"));
    }
}
