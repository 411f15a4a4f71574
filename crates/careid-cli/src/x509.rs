//! `careid x509 ...`: RFC 5280 certification path validation (careid-x509), and the demo's
//! certificate-chain step.

use crate::CliError;
use base64::Engine as _;
use careid::x509::{
    CardKeyPurpose, Certificate, CrlSet, Error, NhsCardValidator, RevocationPolicy,
    RevocationStatus, Time, TrustAnchor, Validator, ValidatorBuilder, VerifiedPath,
};
use careid_testkit::{TestPki, X509Fixtures};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `careid x509` subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum X509Command {
    /// Validate a certificate's path to trusted roots (RFC 5280 §6.1, CRLs per §6.3) and
    /// print the chain and the verdict, or the precise reason for rejection.
    Verify(VerifyArgs),
}

/// Arguments of `careid x509 verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Trusted root certificates: DER, or PEM with one or more certificates.
    #[arg(long)]
    pub roots: PathBuf,
    /// Untrusted intermediate certificates: DER, or PEM with one or more certificates.
    #[arg(long)]
    pub intermediates: Option<PathBuf>,
    /// A CRL (DER or PEM); repeat for several.
    #[arg(long)]
    pub crl: Vec<PathBuf>,
    /// Validation time, `YYYY-MM-DDTHH:MM:SSZ`; default: now.
    #[arg(long)]
    pub at: Option<String>,
    /// What a missing or stale CRL means: `required` fails closed (the default),
    /// `best-effort` passes and says so, `off` skips revocation checking.
    #[arg(long, value_enum, default_value_t = RevocationArg::Required)]
    pub revocation: RevocationArg,
    /// Apply the NHS smartcard profile and print the user UUID.
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// The certificate to validate: DER or PEM.
    pub leaf: PathBuf,
}

/// `--revocation`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RevocationArg {
    /// Fail closed: every certificate needs a fresh CRL.
    Required,
    /// Pass when a CRL is missing or stale, and say so.
    BestEffort,
    /// Do not check revocation.
    Off,
}

/// `--profile`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    /// NHS smartcard authentication certificate.
    NhsAuthentication,
    /// NHS smartcard signing certificate.
    NhsSigning,
}

pub(crate) fn run(cmd: &X509Command, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match cmd {
        X509Command::Verify(args) => verify(args, out),
    }
}

fn verify(args: &VerifyArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let roots = read_certificates(&args.roots, "--roots")?;
    let intermediates = match &args.intermediates {
        Some(path) => read_certificates(path, "--intermediates")?,
        None => Vec::new(),
    };
    let mut crls = Vec::new();
    for path in &args.crl {
        crls.extend(pem_or_der(&read(path)?, "X509 CRL", "--crl")?);
    }
    let leaf = pem_or_der(&read(&args.leaf)?, "CERTIFICATE", "the leaf certificate")?
        .into_iter()
        .next()
        .ok_or(CliError::Decode {
            what: "the leaf certificate",
            expected: "a certificate",
        })?;
    let time = match &args.at {
        Some(text) => Time::parse_rfc3339(text).map_err(|_| CliError::Decode {
            what: "--at",
            expected: "a time YYYY-MM-DDTHH:MM:SSZ",
        })?,
        None => Time::from_unix_seconds(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
                .unwrap_or(0),
        ),
    };
    let anchors = roots
        .iter()
        .map(|der| TrustAnchor::from_der(der))
        .collect::<Result<Vec<_>, _>>()?;
    let revocation = match args.revocation {
        RevocationArg::Required => RevocationPolicy::REQUIRED,
        RevocationArg::BestEffort => RevocationPolicy::BEST_EFFORT,
        RevocationArg::Off => RevocationPolicy::OFF,
    };
    let builder = Validator::builder(anchors).revocation(revocation);
    let crls = match CrlSet::from_der(&crls) {
        Ok(set) => set,
        Err(err) => {
            writeln!(out, "verdict: REJECTED: {err}")?;
            return Ok(ExitCode::from(1));
        }
    };

    writeln!(out, "validation time: {time}")?;
    describe_leaf(&leaf, out)?;
    let (result, uuid) = match args.profile {
        None => (
            builder
                .build()?
                .validate(&leaf, &intermediates, &crls, time),
            None,
        ),
        Some(profile) => {
            let purpose = match profile {
                ProfileArg::NhsAuthentication => CardKeyPurpose::Authentication,
                ProfileArg::NhsSigning => CardKeyPurpose::Signing,
            };
            match NhsCardValidator::new(builder, purpose, 0)?.validate(
                &leaf,
                &intermediates,
                &crls,
                time,
            ) {
                Ok(id) => (Ok(id.path().clone()), Some(id.uuid())),
                Err(err) => (Err(err), None),
            }
        }
    };
    match result {
        Ok(path) => {
            print_path(&path, out)?;
            if let Some(uuid) = uuid {
                writeln!(out, "NHS user UUID: {uuid}")?;
            }
            writeln!(out, "verdict: VALID")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            writeln!(out, "verdict: REJECTED: {err}")?;
            Ok(ExitCode::from(1))
        }
    }
}

fn describe_leaf(der: &[u8], out: &mut dyn Write) -> Result<(), CliError> {
    match Certificate::from_der(der) {
        Ok(cert) => writeln!(out, "leaf: {}", cert.subject())?,
        Err(_) => writeln!(out, "leaf: (does not decode)")?,
    }
    Ok(())
}

/// Prints the chain, end entity first, then the anchor, the policies and revocation.
fn print_path(path: &VerifiedPath, out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(out, "chain:")?;
    for (depth, der) in path.certificates().enumerate() {
        match Certificate::from_der(der) {
            Ok(cert) => writeln!(
                out,
                "  [{depth}] {}\n      issuer {}\n      serial {}, valid {} to {}",
                cert.subject(),
                cert.issuer(),
                hex::encode(cert.serial_number()),
                cert.not_before(),
                cert.not_after()
            )?,
            Err(_) => writeln!(out, "  [{depth}] (does not decode)")?,
        }
    }
    writeln!(out, "  anchor: {}", path.anchor().subject())?;
    let policies = path.user_constrained_policies();
    if policies.is_empty() {
        writeln!(out, "policies: none asserted")?;
    } else {
        let list: Vec<String> = policies.iter().map(ToString::to_string).collect();
        writeln!(out, "policies: {}", list.join(", "))?;
    }
    match path.revocation() {
        RevocationStatus::Checked => writeln!(out, "revocation: checked, not revoked")?,
        RevocationStatus::Unknown { depth, cause } => writeln!(
            out,
            "revocation: UNKNOWN for the certificate at depth {depth}: {cause}"
        )?,
        RevocationStatus::NotChecked => writeln!(out, "revocation: not checked")?,
        _ => writeln!(out, "revocation: (status not recognised)")?,
    }
    writeln!(
        out,
        "path valid from {} to {}",
        path.not_before(),
        path.not_after()
    )?;
    Ok(())
}

/// The demo's certificate step: the simulated card's chain validated under the NHS profile
/// at a pinned time, with its CRLs, then one refusal with its precise reason.
pub(crate) fn demo_step(out: &mut dyn Write) -> Result<(), CliError> {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    writeln!(
        out,
        "Certificate chain (X.509, RFC 5280), for the simulated card"
    )?;
    writeln!(
        out,
        "  A card's certificate counts only if its chain reaches a root the system trusts:"
    )?;
    writeln!(
        out,
        "  careid checks every signature up to the (test) NHS root, the validity dates, the CA"
    )?;
    writeln!(
        out,
        "  constraints, key usage for login, and the CAs' revocation lists, then reads the"
    )?;
    writeln!(out, "  user's 12-digit UUID from the certificate.")?;
    let validator = NhsCardValidator::new(nhs_builder(pki)?, CardKeyPurpose::Authentication, 0)?;
    let crls = CrlSet::from_der(&[&fx.root_crl, &fx.ca_crl])?;
    let when = demo_time("2027-06-01T09:00:00Z")?;
    let id = validator
        .validate(&pki.user_rsa, &[&pki.issuing_ca], &crls, when)
        .map_err(|err| CliError::DemoFailed {
            step: format!("chain validation of the card certificate: {err}"),
        })?;
    writeln!(out, "  At {when}:")?;
    for (depth, der) in id.path().certificates().enumerate() {
        if let Ok(cert) = Certificate::from_der(der) {
            writeln!(out, "    [{depth}] {}", cert.subject())?;
        }
    }
    writeln!(out, "    anchor: {}", id.path().anchor().subject())?;
    writeln!(
        out,
        "    -> valid; not revoked (CRLs checked); user UUID {}",
        id.uuid()
    )?;
    let later = demo_time("2036-06-01T09:00:00Z")?;
    match validator.validate(&pki.user_rsa, &[&pki.issuing_ca], &crls, later) {
        Err(err @ Error::Expired { .. }) => {
            writeln!(out, "  The same card at {later}:")?;
            writeln!(out, "    -> refused: {err}")?;
        }
        other => {
            return Err(CliError::DemoFailed {
                step: format!("expired card refusal: {other:?}"),
            });
        }
    }
    Ok(())
}

fn nhs_builder(pki: &TestPki) -> Result<ValidatorBuilder, CliError> {
    Ok(Validator::builder([TrustAnchor::from_der(&pki.root)?]))
}

fn demo_time(text: &str) -> Result<Time, CliError> {
    Time::parse_rfc3339(text).map_err(|_| CliError::Decode {
        what: "the demo time",
        expected: "RFC 3339",
    })
}

fn read_certificates(path: &PathBuf, what: &'static str) -> Result<Vec<Vec<u8>>, CliError> {
    let certs = pem_or_der(&read(path)?, "CERTIFICATE", what)?;
    if certs.is_empty() {
        return Err(CliError::Decode {
            what,
            expected: "at least one certificate",
        });
    }
    Ok(certs)
}

/// DER as it is, or every PEM block with `label` (RFC 7468).
fn pem_or_der(bytes: &[u8], label: &str, what: &'static str) -> Result<Vec<Vec<u8>>, CliError> {
    if bytes.first() == Some(&0x30) {
        return Ok(vec![bytes.to_vec()]);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CliError::Decode {
        what,
        expected: "DER or PEM",
    })?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let body = rest.get(start + begin.len()..).unwrap_or_default();
        let stop = body.find(&end).ok_or(CliError::Decode {
            what,
            expected: "PEM with matching END lines",
        })?;
        let b64: String = body
            .get(..stop)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        out.push(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| CliError::Decode {
                    what,
                    expected: "PEM base64",
                })?,
        );
        rest = body.get(stop + end.len()..).unwrap_or_default();
    }
    if out.is_empty() {
        return Err(CliError::Decode {
            what,
            expected: "DER or PEM",
        });
    }
    Ok(out)
}

fn read(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_step_validates_and_refuses() {
        let mut out = Vec::new();
        super::demo_step(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("user UUID 555123456789"), "{text}");
        assert!(
            text.contains("-> refused: the certificate at depth 0 expired at 2036-01-01T00:00:00Z"),
            "{text}"
        );
    }

    #[test]
    fn pem_bundles() {
        let pem = "junk\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMAEA\n-----END CERTIFICATE-----\n";
        let blocks = super::pem_or_der(pem.as_bytes(), "CERTIFICATE", "x").unwrap();
        assert_eq!(blocks, vec![vec![0x30, 0x00], vec![0x30, 0x01, 0x00]]);
        assert!(
            super::pem_or_der(b"-----BEGIN CERTIFICATE-----\nMAA=\n", "CERTIFICATE", "x").is_err()
        );
        assert!(super::pem_or_der(b"hello", "CERTIFICATE", "x").is_err());
    }
}
