//! `careid x509 ...`: RFC 5280 certification path validation (careid-x509), and the demo's
//! certificate-chain step.

use crate::CliError;
use base64::Engine as _;
use careid::x509::{
    AnchorField, CardKeyPurpose, Certificate, CrlSet, Error, NhsCardValidator, PublishedAnchor,
    RevocationPolicy, RevocationStatus, Time, TrustAnchor, Validator, ValidatorBuilder,
    VerifiedPath,
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
    /// Print the published metadata of the NHS G2 CA certificates (serial numbers, SHA-1
    /// thumbprints, downloads), and check a downloaded certificate against it before trusting
    /// it.
    Anchors(AnchorsArgs),
}

/// Arguments of `careid x509 anchors`.
#[derive(Debug, Args)]
pub struct AnchorsArgs {
    /// The NHS PKI G2 hierarchy (the only one careid records).
    #[arg(long, required = true)]
    pub nhs_g2: bool,
    /// A certificate file (DER, or PEM with one or more certificates) to check against the
    /// published metadata: exit status 0 when every certificate in it is one of them, 1 when
    /// not.
    #[arg(long)]
    pub check: Option<PathBuf>,
}

/// One published NHS G2 CA certificate: the metadata careid checks, and what to print.
struct NhsCa {
    name: &'static str,
    subject: &'static str,
    role: &'static str,
    expires: &'static str,
    download: &'static str,
    published: PublishedAnchor,
}

/// Where NHS England publishes the G2 metadata (X509.md §3).
const NHS_PKI_PAGE: &str = "https://digital.nhs.uk/cyber-and-data-security/guidance-and-resources/nhs-pki-certificate-information";

const NHS_G2: [NhsCa; 3] = [
    NhsCa {
        name: "NHS Root Authority G2",
        subject: "C=GB, O=NHS, OU=CA, CN=NHS Root Authority G2",
        role: "root: the trust anchor for card certificates",
        expires: "2042-04-07",
        download: "https://pki.nhs.uk/live/G2/root/NHSRootAuthorityG2.crt",
        published: PublishedAnchor::NHS_ROOT_AUTHORITY_G2,
    },
    NhsCa {
        name: "NHS Authentication G2",
        subject: "C=GB, O=nhs, OU=CA, CN=NHS Authentication G2",
        role: "intermediate: issues card authentication certificates",
        expires: "2032-09-15",
        download: "https://pki.nhs.uk/live/G2/auth/NHSauthG2.crt",
        published: PublishedAnchor::NHS_AUTHENTICATION_G2,
    },
    NhsCa {
        name: "NHS Signing G2",
        subject: "C=GB, O=nhs, OU=CA, CN=NHS Signing G2",
        role: "intermediate: issues card signing certificates",
        expires: "2032-09-15",
        download: "https://pki.nhs.uk/live/G2/sign/NHSsignG2.crt",
        published: PublishedAnchor::NHS_SIGNING_G2,
    },
];

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
        X509Command::Anchors(args) => anchors(args, out),
    }
}

fn anchors(args: &AnchorsArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let colons = |bytes: &[u8]| {
        bytes
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let Some(path) = &args.check else {
        writeln!(out, "NHS PKI G2, as published at {NHS_PKI_PAGE}")?;
        for ca in &NHS_G2 {
            writeln!(out, "{}", ca.name)?;
            writeln!(out, "  subject: {}", ca.subject)?;
            writeln!(out, "  role: {}", ca.role)?;
            writeln!(out, "  serial: {}", colons(ca.published.serial))?;
            writeln!(
                out,
                "  SHA-1 thumbprint: {}",
                colons(&ca.published.sha1_thumbprint)
            )?;
            match ca.published.sha256_fingerprint {
                Some(fingerprint) => {
                    writeln!(out, "  SHA-256 fingerprint: {}", colons(&fingerprint))?;
                }
                None => writeln!(out, "  SHA-256 fingerprint: not recorded yet")?,
            }
            writeln!(out, "  expires: {}", ca.expires)?;
            writeln!(out, "  download: {}", ca.download)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    // Every certificate in the file (a PEM bundle of the hierarchy is common): all must be
    // published ones.
    let mut all_published = true;
    for der in read_certificates(path, "--check")? {
        let found = check_published(&der, NHS_G2.iter().map(|ca| (ca.name, &ca.published)))?;
        if let Ok(cert) = Certificate::from_der(&der) {
            writeln!(out, "certificate: {}", cert.subject())?;
        }
        match found {
            Published::Matches(name) => writeln!(
                out,
                "  matches the published {name} (serial number and SHA-1 thumbprint)"
            )?,
            Published::Differs(mismatches) => {
                all_published = false;
                for (name, field) in mismatches {
                    writeln!(out, "  not {name}: the {field} differs")?;
                }
            }
        }
    }
    if all_published {
        writeln!(
            out,
            "verdict: every certificate is a published NHS G2 CA certificate"
        )?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(out, "verdict: NOT a published NHS G2 CA certificate")?;
        Ok(ExitCode::from(1))
    }
}

/// What [`check_published`] found.
#[derive(Debug, PartialEq, Eq)]
enum Published<'a> {
    /// The certificate is the one published under this name.
    Matches(&'a str),
    /// It is none of them: for each, the first field that differs.
    Differs(Vec<(&'a str, AnchorField)>),
}

/// Checks `der` against each published anchor in turn. A certificate that does not decode is
/// an error.
fn check_published<'a>(
    der: &[u8],
    candidates: impl IntoIterator<Item = (&'a str, &'a PublishedAnchor)>,
) -> Result<Published<'a>, CliError> {
    let mut mismatches = Vec::new();
    for (name, published) in candidates {
        match TrustAnchor::from_der_checked(der, published) {
            Ok(_) => return Ok(Published::Matches(name)),
            Err(Error::AnchorMismatch { field }) => mismatches.push((name, field)),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(Published::Differs(mismatches))
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
    fn published_metadata_is_checked_field_by_field() {
        use careid::x509::{AnchorField, Certificate, PublishedAnchor};
        let root = &careid_testkit::TestPki::get().root;
        let serial = Certificate::from_der(root)
            .unwrap()
            .serial_number()
            .to_vec();
        let sha1: [u8; 20] = sha1_of(root);
        // Metadata recorded from the test root itself: it matches.
        let serial: &'static [u8] = Box::leak(serial.into_boxed_slice());
        let own = PublishedAnchor::new(serial, sha1);
        let other_thumbprint = PublishedAnchor::new(serial, [0; 20]);
        let found =
            super::check_published(root, [("wrong", &other_thumbprint), ("test root", &own)])
                .unwrap();
        assert_eq!(found, super::Published::Matches("test root"));
        let found = super::check_published(
            root,
            [
                ("wrong thumbprint", &other_thumbprint),
                ("NHS root", &PublishedAnchor::NHS_ROOT_AUTHORITY_G2),
            ],
        )
        .unwrap();
        assert_eq!(
            found,
            super::Published::Differs(vec![
                ("wrong thumbprint", AnchorField::Sha1Thumbprint),
                ("NHS root", AnchorField::SerialNumber)
            ])
        );
        assert!(super::check_published(&[0x30, 0x00], [("x", &own)]).is_err());
    }

    fn sha1_of(der: &[u8]) -> [u8; 20] {
        use sha1::Digest as _;
        sha1::Sha1::digest(der).into()
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
