//! `careid x509 verify` end to end: the testkit PKI written to files (DER and PEM), the
//! verdicts, the printed chain and the precise reasons, and exit statuses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use base64::Engine as _;
use careid_testkit::{TestPki, X509Fixtures};
use common::{careid, stdout, text, write};

fn pem(label: &str, ders: &[&[u8]]) -> Vec<u8> {
    let mut out = String::new();
    for der in ders {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        out.push_str(&format!("-----BEGIN {label}-----\n"));
        for line in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push('\n');
        }
        out.push_str(&format!("-----END {label}-----\n"));
    }
    out.into_bytes()
}

struct Files {
    _dir: tempfile::TempDir,
    roots: String,
    roots_pem: String,
    inters: String,
    root_crl: String,
    ca_crl: String,
    ca_crl_stale: String,
    leaf: String,
    leaf_pem: String,
    revoked: String,
    signing: String,
}

fn files() -> Files {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    Files {
        roots: write(d, "root.der", &pki.root),
        roots_pem: write(
            d,
            "roots.pem",
            &pem("CERTIFICATE", &[&fx.p256_root, &pki.root]),
        ),
        inters: write(
            d,
            "inters.pem",
            &pem("CERTIFICATE", &[&pki.issuing_ca, &fx.constrained_ca]),
        ),
        root_crl: write(d, "root.crl", &fx.root_crl),
        ca_crl: write(d, "ca.crl.pem", &pem("X509 CRL", &[&fx.ca_crl])),
        ca_crl_stale: write(d, "stale.crl", &fx.ca_crl_stale),
        leaf: write(d, "leaf.der", &pki.user_rsa),
        leaf_pem: write(d, "leaf.pem", &pem("CERTIFICATE", &[&pki.user_p256])),
        revoked: write(d, "revoked.der", &fx.user_revoked),
        signing: write(d, "signing.der", &fx.user_signing),
        _dir: dir,
    }
}

const AT: &str = "2027-06-01T09:00:00Z";

#[test]
fn valid_chain_prints_the_chain_and_the_uuid() {
    let f = files();
    let out = careid(&[
        "x509",
        "verify",
        "--roots",
        &f.roots_pem,
        "--intermediates",
        &f.inters,
        "--crl",
        &f.root_crl,
        "--crl",
        &f.ca_crl,
        "--at",
        AT,
        "--profile",
        "nhs-authentication",
        &f.leaf,
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("[0] C=GB, O=nhs, OU=Personal, CN=DEMO Jane, serialNumber=555123456789"),
        "{text}"
    );
    assert!(
        text.contains("[1] C=GB, O=nhs, OU=CA, CN=careid TEST Authentication G2"),
        "{text}"
    );
    assert!(
        text.contains("anchor: C=GB, O=NHS, OU=CA, CN=careid TEST Root Authority G2"),
        "{text}"
    );
    assert!(text.contains("serial 100001"), "{text}");
    assert!(text.contains("revocation: checked, not revoked"), "{text}");
    assert!(text.contains("NHS user UUID: 555123456789"), "{text}");
    assert!(text.trim_end().ends_with("verdict: VALID"), "{text}");

    // PEM leaf (the P-256 card certificate), no profile, revocation off.
    let out = careid(&[
        "x509",
        "verify",
        "--roots",
        &f.roots,
        "--intermediates",
        &f.inters,
        "--revocation",
        "off",
        "--at",
        AT,
        &f.leaf_pem,
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("revocation: not checked"), "{text}");
    assert!(!text.contains("UUID"), "{text}");
}

#[test]
fn rejections_give_the_precise_reason_and_exit_1() {
    let f = files();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--crl", &f.root_crl, "--crl", &f.ca_crl, &f.revoked],
            "verdict: REJECTED: the certificate at depth 0 was revoked at 2026-06-01T00:00:00Z (keyCompromise) (RFC 5280 §6.3.3)",
        ),
        (
            &["--crl", &f.root_crl, "--crl", &f.ca_crl_stale, &f.leaf],
            "verdict: REJECTED: the revocation status of the certificate at depth 0 is unknown: the CRL is stale (nextUpdate 2026-02-01T00:00:00Z)",
        ),
        (
            &[&f.leaf],
            "verdict: REJECTED: the revocation status of the certificate at depth 1 is unknown: no CRL from its issuer was supplied",
        ),
        (
            &[
                "--revocation",
                "off",
                "--profile",
                "nhs-authentication",
                &f.signing,
            ],
            "verdict: REJECTED: the end-entity keyUsage (nonRepudiation) lacks digitalSignature (RFC 5280 §4.2.1.3)",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec![
            "x509",
            "verify",
            "--roots",
            &f.roots,
            "--intermediates",
            &f.inters,
            "--at",
            AT,
        ];
        args.extend_from_slice(extra);
        let out = careid(&args);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
        assert!(text.contains("leaf: C=GB"), "{text}");
    }
    // Expired: the time is after the card certificate's notAfter.
    let out = careid(&[
        "x509",
        "verify",
        "--roots",
        &f.roots,
        "--intermediates",
        &f.inters,
        "--revocation",
        "off",
        "--at",
        "2036-06-01T00:00:00Z",
        &f.leaf,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("the certificate at depth 0 expired at 2036-01-01T00:00:00Z"));
    // The wrong root.
    let p256_root = f.roots.replace("root.der", "p256root.der");
    std::fs::write(&p256_root, &X509Fixtures::get().p256_root).unwrap();
    let out = careid(&[
        "x509",
        "verify",
        "--roots",
        &p256_root,
        "--intermediates",
        &f.inters,
        "--revocation",
        "off",
        "--at",
        AT,
        &f.leaf,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no issuer found for the certificate at depth 1"));
}

#[test]
fn unusable_inputs_exit_2() {
    let f = files();
    let out = careid(&[
        "x509",
        "verify",
        "--roots",
        "/nonexistent/roots.pem",
        &f.leaf,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = careid(&[
        "x509", "verify", "--roots", &f.roots, "--at", "tomorrow", &f.leaf,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at"));
    let junk = f.roots.replace("root.der", "junk.txt");
    std::fs::write(&junk, b"not a certificate").unwrap();
    let out = careid(&["x509", "verify", "--roots", &junk, &f.leaf]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn anchors_prints_the_published_nhs_g2_metadata() {
    let out = careid(&["x509", "anchors", "--nhs-g2"]);
    assert!(out.status.success());
    let text = stdout(&out);
    // As published by NHS England (transcribed in the design, X509.md §3).
    for expected in [
        "NHS Root Authority G2",
        "subject: C=GB, O=NHS, OU=CA, CN=NHS Root Authority G2",
        "serial: 02:96:29:01:0A:7A:10:CB:C9:D5:30:17:A7:B8:F4:9C",
        "SHA-1 thumbprint: 7E:05:FA:62:9B:5E:66:DB:B8:0E:97:41:7D:24:73:CB:CF:5A:31:06",
        "expires: 2042-04-07",
        "download: https://pki.nhs.uk/live/G2/root/NHSRootAuthorityG2.crt",
        "serial: 5F:C4:71:31:2B:0B:78:83:F4:0A:F5:7E:FD:0B:1F:07",
        "SHA-1 thumbprint: 1F:30:1F:CA:68:4D:9E:13:AD:4D:BA:7C:8F:2B:A1:26:F9:C4:C0:15",
        "serial: 26:E0:4E:42:71:05:6A:EE:AC:05:6C:9F:3A:59:2E:D3",
        "SHA-1 thumbprint: 49:91:7C:B5:ED:2B:50:1B:C2:78:25:2C:5C:0F:FC:CC:57:09:A4:24",
        "SHA-256 fingerprint: not recorded yet",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // The hierarchy is named explicitly.
    assert_eq!(careid(&["x509", "anchors"]).status.code(), Some(2));
}

#[test]
fn anchors_check_refuses_a_certificate_that_is_not_published() {
    let f = files();
    let out = careid(&["x509", "anchors", "--nhs-g2", "--check", &f.roots]);
    assert!(
        stdout(&out).contains("certificate: C=GB, O=NHS, OU=CA, CN=careid TEST Root Authority G2"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(1));
    let printed = stdout(&out);
    assert!(
        printed.contains("  not NHS Root Authority G2: the serial number differs"),
        "{printed}"
    );
    assert!(
        printed.contains("verdict: NOT a published NHS G2 CA certificate"),
        "{printed}"
    );
    // A bundle: every certificate is checked and reported.
    let out = careid(&["x509", "anchors", "--nhs-g2", "--check", &f.roots_pem]);
    assert_eq!(out.status.code(), Some(1));
    let printed = stdout(&out);
    assert_eq!(printed.matches("certificate: ").count(), 2, "{printed}");
    assert!(printed.contains("CN=careid TEST P-256 Root"), "{printed}");
    // Not a certificate at all: an error, not a verdict.
    let out = careid(&["x509", "anchors", "--nhs-g2", "--check", &f.root_crl]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stdout(&out).contains("verdict"));
    assert!(text(&out).contains("x509:"), "{}", text(&out));
}
