//! `careid card ...`: talk to a smartcard. Today against the built-in simulated card
//! (`--sim pkcs15|piv`); PC/SC readers join with careid-pcsc.

use crate::CliError;
use careid::card::{CardTransport, Hash, KeyAlgorithm, Pin, Token};
use careid::crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use careid_cardsim::CardSim;
use clap::{Args, Subcommand, ValueEnum};
use der::{Decode as _, Encode as _};
use sha2::Digest as _;
use std::io::Write;
use std::process::ExitCode;

/// `careid card` subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum CardCommand {
    /// Show the card's profile, label, keys and certificates.
    Info(CardArgs),
    /// Print the card's certificates (subject, issuer, validity) or write them as DER files.
    Certs(CertsArgs),
    /// Show the PIN status, where the card can tell without spending a try.
    PinStatus(CardArgs),
    /// Verify the PIN once (a wrong PIN spends one of the card's tries).
    VerifyPin(PinArgs),
    /// A full login: read the certificates, verify the PIN, sign a fresh challenge with the
    /// authentication key, and check the signature against the certificate.
    Login(PinArgs),
}

/// Which card to use: the built-in simulated card, or (with the `pcsc` feature) a card in a
/// PC/SC reader.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("card").required(true).args(["sim", "reader"])))]
pub struct CardArgs {
    /// Use the built-in simulated card with this personality.
    #[arg(long, value_enum)]
    pub sim: Option<SimKind>,
    /// Use the card in this PC/SC reader (a name as `careid readers` lists it, or a part of
    /// one). Needs the `pcsc` feature.
    #[arg(long)]
    pub reader: Option<String>,
    /// Send extended-length APDUs to the reader's card (fewer round trips; the card and reader
    /// must support them).
    #[arg(long, requires = "reader")]
    pub extended_length: bool,
}

/// Arguments of `careid card certs`.
#[derive(Debug, Args)]
pub struct CertsArgs {
    /// The card.
    #[command(flatten)]
    pub card: CardArgs,
    /// Write each certificate as `<id>.der` into this directory.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// Arguments of commands that need the PIN.
#[derive(Debug, Args)]
pub struct PinArgs {
    /// The card.
    #[command(flatten)]
    pub card: CardArgs,
    /// The PIN. Without it, careid asks for it without echoing. (A PIN on the command line is
    /// visible to other users of the machine: use it only with test cards.)
    #[arg(long)]
    pub pin: Option<String>,
}

/// The simulated card's personality.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SimKind {
    /// A PKCS#15 card (PIN 1234).
    Pkcs15,
    /// A PIV card (PIN 123456).
    Piv,
}

pub(crate) fn run(cmd: &CardCommand, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let args = match cmd {
        CardCommand::Info(a) | CardCommand::PinStatus(a) => a,
        CardCommand::Certs(a) => &a.card,
        CardCommand::VerifyPin(a) | CardCommand::Login(a) => &a.card,
    };
    match (args.sim, &args.reader) {
        (Some(sim), _) => {
            let mut card = match sim {
                SimKind::Pkcs15 => CardSim::pkcs15(),
                SimKind::Piv => CardSim::piv(),
            };
            run_on(cmd, &mut card, out)
        }
        (None, Some(reader)) => run_on_reader(cmd, reader, args.extended_length, out),
        (None, None) => Err(CliError::Decode {
            what: "the card choice",
            expected: "--sim or --reader",
        }),
    }
}

#[cfg(feature = "pcsc")]
fn run_on_reader(
    cmd: &CardCommand,
    reader: &str,
    extended: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let name = crate::readers::find_reader(reader)?;
    let mut card = careid_pcsc::PcscCard::connect(&name)?.with_extended_length(extended);
    writeln!(out, "reader: {name}")?;
    // One exclusive transaction for the whole command: no other application's APDUs in
    // between (a login's PIN, security environment and signature belong together).
    let mut exclusive = card.transaction()?;
    run_on(cmd, &mut exclusive, out)
}

#[cfg(not(feature = "pcsc"))]
fn run_on_reader(
    _: &CardCommand,
    _: &str,
    _: bool,
    _: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    Err(CliError::FeatureMissing {
        feature: "pcsc",
        what: "PC/SC readers",
    })
}

fn run_on(
    cmd: &CardCommand,
    transport: &mut dyn CardTransport,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let token = Token::open(transport)?;
    match cmd {
        CardCommand::Info(_) => {
            info(&token, out)?;
            Ok(ExitCode::SUCCESS)
        }
        CardCommand::Certs(args) => {
            let mut token = token;
            let ids: Vec<_> = token
                .certificates()
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect();
            for (id, label) in ids {
                let der = token.read_certificate(&id)?;
                writeln!(
                    out,
                    "certificate {} \"{label}\" ({} bytes)",
                    hex::encode(&id),
                    der.len()
                )?;
                describe_certificate(&der, out)?;
                if let Some(dir) = &args.out {
                    let path = dir.join(format!("{}.der", hex::encode(&id)));
                    std::fs::write(&path, &der).map_err(|source| CliError::Read {
                        path: path.display().to_string(),
                        source,
                    })?;
                    writeln!(out, "  written to {}", path.display())?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CardCommand::PinStatus(_) => {
            let mut token = token;
            writeln!(out, "PIN status: {:?}", token.pin_status()?)?;
            Ok(ExitCode::SUCCESS)
        }
        CardCommand::VerifyPin(args) => {
            let mut token = token;
            let pin = read_pin(args)?;
            match token.verify_pin(&pin) {
                Ok(_) => {
                    writeln!(out, "PIN verified")?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(err) => {
                    writeln!(out, "PIN refused: {err}")?;
                    Ok(ExitCode::from(1))
                }
            }
        }
        CardCommand::Login(args) => {
            let pin = read_pin(args)?;
            match login(token, &pin, out)? {
                true => Ok(ExitCode::SUCCESS),
                false => Ok(ExitCode::from(1)),
            }
        }
    }
}

fn read_pin(args: &PinArgs) -> Result<Pin, CliError> {
    match &args.pin {
        Some(pin) => Ok(Pin::from(pin.as_str())),
        None => {
            let pin = rpassword::prompt_password("Card PIN: ").map_err(CliError::Write)?;
            Ok(Pin::from(pin.as_str()))
        }
    }
}

fn info<T: CardTransport>(token: &Token<T>, out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(out, "profile: {:?}", token.profile())?;
    if let Some(label) = token.label() {
        writeln!(out, "label: {label}")?;
    }
    if let Some(serial) = token.serial_number() {
        writeln!(out, "serial: {}", hex::encode(serial))?;
    }
    for key in token.keys() {
        writeln!(
            out,
            "key {} \"{}\": {}{}",
            hex::encode(&key.id),
            key.label,
            describe_key(key.algorithm),
            if key.can_sign { ", can sign" } else { "" }
        )?;
    }
    for cert in token.certificates() {
        writeln!(
            out,
            "certificate {} \"{}\"",
            hex::encode(&cert.id),
            cert.label
        )?;
    }
    Ok(())
}

pub(crate) fn describe_key(algorithm: KeyAlgorithm) -> String {
    match algorithm {
        KeyAlgorithm::Rsa { bits } => format!("RSA-{bits}"),
        KeyAlgorithm::EcP256 => "ECDSA P-256".to_owned(),
        KeyAlgorithm::EcP384 => "ECDSA P-384".to_owned(),
        _ => "ECDSA".to_owned(),
    }
}

fn describe_certificate(der: &[u8], out: &mut dyn Write) -> Result<(), CliError> {
    let cert = x509_cert::Certificate::from_der(der).map_err(|_| CliError::Decode {
        what: "a certificate on the card",
        expected: "X.509 DER",
    })?;
    let tbs = cert.tbs_certificate();
    writeln!(out, "  subject: {}", tbs.subject())?;
    writeln!(out, "  issuer:  {}", tbs.issuer())?;
    let validity = tbs.validity();
    writeln!(
        out,
        "  valid:   {} to {}",
        validity.not_before, validity.not_after
    )?;
    Ok(())
}

/// The certificate's public key, for checking what the card signed.
pub(crate) fn certificate_key(der: &[u8]) -> Result<PublicKey, CliError> {
    let cert = x509_cert::Certificate::from_der(der).map_err(|_| CliError::Decode {
        what: "a certificate on the card",
        expected: "X.509 DER",
    })?;
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|_| CliError::Decode {
            what: "a certificate's public key",
            expected: "DER",
        })?;
    Ok(PublicKey::from_spki_der(&spki)?)
}

/// A full card login, reported step by step. Returns whether it succeeded.
pub(crate) fn login<T: CardTransport>(
    mut token: Token<T>,
    pin: &Pin,
    out: &mut dyn Write,
) -> Result<bool, CliError> {
    writeln!(
        out,
        "  card profile: {:?}, {} key(s), {} certificate(s)",
        token.profile(),
        token.keys().len(),
        token.certificates().count()
    )?;
    let Some(key) = token.keys().iter().find(|k| k.can_sign).cloned() else {
        writeln!(out, "  no signing key on the card")?;
        return Ok(false);
    };
    let cert = token.read_certificate(&key.id)?;
    let cert_key = certificate_key(&cert)?;
    let subject = x509_cert::Certificate::from_der(&cert)
        .map(|c| c.tbs_certificate().subject().to_string())
        .unwrap_or_default();
    writeln!(out, "  read the authentication certificate: {subject}")?;
    let mut session = match token.verify_pin(pin) {
        Ok(session) => session,
        Err(err) => {
            writeln!(
                out,
                "  PIN refused: {err} (careid does not retry: only the user can)"
            )?;
            return Ok(false);
        }
    };
    writeln!(out, "  PIN verified by the card")?;
    // A challenge the card cannot have seen before: in CIS1 it comes from the server.
    let challenge = format!("careid login challenge {:?}", std::time::SystemTime::now());
    let digest = sha2::Sha256::digest(challenge.as_bytes());
    let signature = session.sign_digest(&key.id, Hash::Sha256, &digest)?;
    let (alg, format) = match key.algorithm {
        KeyAlgorithm::Rsa { .. } => (SignatureAlgorithm::Rs256, SignatureFormat::Fixed),
        KeyAlgorithm::EcP384 => (SignatureAlgorithm::Es384, SignatureFormat::Der),
        _ => (SignatureAlgorithm::Es256, SignatureFormat::Der),
    };
    writeln!(
        out,
        "  the card signed a fresh challenge with its {} key ({} bytes)",
        describe_key(key.algorithm),
        signature.len()
    )?;
    let allowed = AlgorithmSet::EMPTY.with(alg);
    match cert_key.verify(allowed, alg, format, challenge.as_bytes(), &signature) {
        Ok(()) => {
            writeln!(
                out,
                "  the signature checks against the certificate's key: the card holds the private key"
            )?;
            writeln!(
                out,
                "  ({} APDU exchanges in all)",
                session.token().apdu_count()
            )?;
            Ok(true)
        }
        Err(err) => {
            writeln!(out, "  the signature does NOT check: {err}")?;
            Ok(false)
        }
    }
}
