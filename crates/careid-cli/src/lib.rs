//! The `careid` command line, as a library: a clap derive tree and one function per
//! subcommand, each writing to a caller-supplied output so tests can read it.
#![forbid(unsafe_code)]

mod card;
mod crypto;
mod demo;
mod key;
mod rbac;
#[cfg(feature = "pcsc")]
mod readers;
mod token;
mod x509;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// careid: authenticate NHS health and care staff the way the NHS Care Identity Service does.
#[derive(Debug, Parser)]
#[command(name = "careid", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Walk through a full login on the built-in simulated card, key and issuer, explaining
    /// each step.
    Demo,
    /// Signature verification (careid-crypto).
    #[command(subcommand)]
    Crypto(crypto::CryptoCommand),
    /// Smartcards: info, certificates, PIN status and verification, login.
    #[command(subcommand)]
    Card(card::CardCommand),
    /// PC/SC readers: list them and their cards, or watch for cards going in and out
    /// (`pcsc` feature).
    #[cfg(feature = "pcsc")]
    Readers(readers::ReadersArgs),
    /// National RBAC: decode codes, explain authorisation decisions, import the NRD extract.
    #[command(subcommand)]
    Rbac(rbac::RbacCommand),
    /// X.509 certificate chains: RFC 5280 path validation with CRLs, and the NHS smartcard
    /// profile.
    #[command(subcommand)]
    X509(x509::X509Command),
    /// CIS2 tokens: verify ID, access and logout tokens against a JWK set or the issuer's
    /// discovery document, or find an issuer's exact `issuer` string.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// FIDO2 security keys: list, info, register and log in, each ceremony verified as a
    /// relying party would (`--sim` for the built-in simulated key; real keys need the `hid`
    /// feature).
    #[command(subcommand)]
    Key(key::KeyCommand),
}

/// Why a command could not run (as opposed to a verification that ran and said no, which is
/// reported on the output with exit status 1).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Reading an input file failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Write(#[from] std::io::Error),
    /// An input could not be decoded.
    #[error("{what} is not valid {expected}")]
    Decode {
        /// Which input.
        what: &'static str,
        /// What it should have been.
        expected: &'static str,
    },
    /// A key or algorithm was refused before any verification could run.
    #[error("{0}")]
    Crypto(#[from] careid::crypto::Error),
    /// The card could not be read or refused an operation.
    #[error("card: {0}")]
    Card(#[from] careid::card::Error),
    /// An RBAC input (claim, catalogue, code, policy) was refused.
    #[error("rbac: {0}")]
    Rbac(#[from] careid_rbac::Error),
    /// An X.509 input (trust anchor, CRL, option) was refused before validation could run.
    #[error("x509: {0}")]
    X509(#[from] careid::x509::Error),
    /// A CIS2 token input (JWK set, issuer, option) was refused before verification could
    /// run, or the issuer could not be reached.
    #[error("token: {0}")]
    Token(#[from] careid::token::Error),
    /// A security key could not be reached or answered nonsense (the transport, the CTAPHID
    /// framing, a malformed CTAP2 response).
    #[error("security key: {0}")]
    Fido(#[from] careid::fido::CtapError),
    /// The command needs a feature this build does not have.
    #[error(
        "{what} need the `{feature}` feature: cargo run -p careid-cli --features {feature} -- ..."
    )]
    FeatureMissing {
        /// The feature.
        feature: &'static str,
        /// What needs it.
        what: &'static str,
    },
    /// PC/SC failed (no service, no reader, card removed...).
    #[cfg(feature = "pcsc")]
    #[error("PC/SC: {0}")]
    Pcsc(#[from] careid_pcsc::Error),
    /// The demo found something wrong: a step that should have passed failed, or the
    /// reverse. Always a bug.
    #[error("demo step failed: {step}")]
    DemoFailed {
        /// The step.
        step: String,
    },
}

/// Runs a parsed command line, writing its report to `out`. Returns the process exit code:
/// 0 for success, 1 for a verification that ran and failed.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Demo => demo::run(out).map(|()| ExitCode::SUCCESS),
        Command::Crypto(cmd) => crypto::run(cmd, out),
        Command::Card(cmd) => card::run(cmd, out),
        #[cfg(feature = "pcsc")]
        Command::Readers(args) => readers::run(args, out),
        Command::Rbac(cmd) => rbac::run(cmd, out),
        Command::X509(cmd) => x509::run(cmd, out),
        Command::Token(cmd) => token::run(cmd, out),
        Command::Key(cmd) => key::run(cmd, out),
    }
}
