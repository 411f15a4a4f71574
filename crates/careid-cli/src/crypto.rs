//! `careid crypto ...`: verify a signature with a key from a file.

use crate::CliError;
use base64::Engine as _;
use careid::crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `careid crypto` subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum CryptoCommand {
    /// Verify a signature over a message with a public key (SPKI DER or PEM, JWK, or COSE_Key).
    Verify(VerifyArgs),
    /// List the signature algorithms careid verifies, with their JOSE, COSE and key types.
    Algorithms,
}

/// Arguments of `careid crypto verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The public key: DER or PEM SubjectPublicKeyInfo, a JSON Web Key, or a CBOR COSE_Key.
    #[arg(long)]
    pub key: PathBuf,
    /// The algorithm (JOSE name: RS256, PS256, ES256, ES384, EdDSA, ...). It is also the only
    /// algorithm allowed for this verification.
    #[arg(long)]
    pub alg: SignatureAlgorithm,
    /// How an ECDSA signature is encoded.
    #[arg(long, value_enum, default_value_t = FormatArg::Fixed)]
    pub format: FormatArg,
    /// The signed message (raw bytes).
    #[arg(long)]
    pub message: PathBuf,
    /// The signature: a file of raw bytes.
    #[arg(
        long,
        conflicts_with = "signature_b64url",
        required_unless_present = "signature_b64url"
    )]
    pub signature: Option<PathBuf>,
    /// The signature, base64url without padding (as in a JWS).
    #[arg(long)]
    pub signature_b64url: Option<String>,
}

/// The ECDSA signature encoding on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// r || s (JWS, COSE).
    Fixed,
    /// DER Ecdsa-Sig-Value (X.509, WebAuthn, smartcards).
    Der,
}

pub(crate) fn run(cmd: &CryptoCommand, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match cmd {
        CryptoCommand::Algorithms => {
            writeln!(out, "{:<6} {:>5}  key", "JOSE", "COSE")?;
            for alg in SignatureAlgorithm::ALL {
                writeln!(
                    out,
                    "{:<6} {:>5}  {}",
                    alg.jose_name(),
                    alg.cose_id(),
                    alg.key_kind()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        CryptoCommand::Verify(args) => verify(args, out),
    }
}

fn verify(args: &VerifyArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let key = load_key(&read(&args.key)?)?;
    let message = read(&args.message)?;
    let signature = match (&args.signature, &args.signature_b64url) {
        (Some(path), _) => read(path)?,
        (None, Some(text)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| CliError::Decode {
                what: "--signature-b64url",
                expected: "base64url",
            })?,
        (None, None) => {
            return Err(CliError::Decode {
                what: "the signature",
                expected: "input",
            });
        }
    };
    let format = match args.format {
        FormatArg::Fixed => SignatureFormat::Fixed,
        FormatArg::Der => SignatureFormat::Der,
    };
    let allowed = AlgorithmSet::EMPTY.with(args.alg);
    writeln!(out, "key: {key:?}")?;
    match key.verify(allowed, args.alg, format, &message, &signature) {
        Ok(()) => {
            writeln!(
                out,
                "verdict: VALID {} signature over {} bytes",
                args.alg,
                message.len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            writeln!(out, "verdict: REJECTED: {err}")?;
            Ok(ExitCode::from(1))
        }
    }
}

/// Recognises the key format: PEM, JSON (JWK), DER (starts with SEQUENCE) or CBOR (a map).
pub(crate) fn load_key(bytes: &[u8]) -> Result<PublicKey, CliError> {
    let text = std::str::from_utf8(bytes).ok().map(str::trim);
    if let Some(pem) = text.and_then(|t| t.strip_prefix("-----BEGIN PUBLIC KEY-----")) {
        let body = pem
            .strip_suffix("-----END PUBLIC KEY-----")
            .ok_or(CliError::Decode {
                what: "the key",
                expected: "PEM (no END line)",
            })?;
        let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| CliError::Decode {
                what: "the key",
                expected: "PEM base64",
            })?;
        return Ok(PublicKey::from_spki_der(&der)?);
    }
    if text.is_some_and(|t| t.starts_with('{')) {
        return Ok(PublicKey::from_jwk_json(bytes)?);
    }
    match bytes.first() {
        Some(0x30) => Ok(PublicKey::from_spki_der(bytes)?),
        Some(0xa0..=0xbf) => Ok(PublicKey::from_cose_key_bytes(bytes)?),
        _ => Err(CliError::Decode {
            what: "the key",
            expected: "SPKI (DER/PEM), JWK or COSE_Key",
        }),
    }
}

fn read(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}
