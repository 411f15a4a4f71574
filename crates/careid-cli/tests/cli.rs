//! The `careid` binary end to end: arguments, files, output and exit status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use careid::crypto::{SignatureAlgorithm, SignatureFormat};
use careid_testkit::TestKey;
use common::{careid, text, write};

#[test]
fn demo_runs_and_succeeds() {
    let out = careid(&["demo"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Demo complete"));
}

#[test]
fn verify_accepts_and_rejects_with_every_key_format() {
    let dir = tempfile::tempdir().unwrap();
    let msg = b"signed by the test key";
    let cases = [
        (SignatureAlgorithm::Es256, "der"),
        (SignatureAlgorithm::Rs256, "fixed"),
        (SignatureAlgorithm::EdDsa, "fixed"),
    ];
    for (alg, format) in cases {
        let signer = TestKey::for_algorithm(alg).signer();
        let sig_format = if format == "der" {
            SignatureFormat::Der
        } else {
            SignatureFormat::Fixed
        };
        let sig = signer.sign(alg, sig_format, msg);
        let message = write(dir.path(), "msg", msg);
        let signature = write(dir.path(), "sig", &sig);
        let keys = [
            write(dir.path(), "key.der", &signer.spki_der()),
            write(
                dir.path(),
                "key.jwk",
                signer.jwk(None, None).to_string().as_bytes(),
            ),
            write(dir.path(), "key.cose", &signer.cose_key(None)),
        ];
        for key in &keys {
            let args = [
                "crypto",
                "verify",
                "--key",
                key,
                "--alg",
                alg.jose_name(),
                "--format",
                format,
            ];
            let out = careid(
                &[
                    &args[..],
                    &["--message", &message, "--signature", &signature],
                ]
                .concat(),
            );
            assert_eq!(out.status.code(), Some(0), "{alg} {key}: {}", text(&out));
            assert!(text(&out).contains("verdict: VALID"));

            let tampered = write(dir.path(), "msg2", b"signed by the test key!");
            let out = careid(
                &[
                    &args[..],
                    &["--message", &tampered, "--signature", &signature],
                ]
                .concat(),
            );
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            assert!(text(&out).contains("verdict: REJECTED: the signature is not valid"));
        }
    }
}

#[test]
fn verify_reads_pem_and_reports_algorithm_mismatch() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let signer = TestKey::P256.signer();
    let b64 = base64::engine::general_purpose::STANDARD.encode(signer.spki_der());
    let pem = format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n");
    let key = write(dir.path(), "key.pem", pem.as_bytes());
    let message = write(dir.path(), "msg", b"m");
    let sig = signer.sign(SignatureAlgorithm::Es256, SignatureFormat::Fixed, b"m");
    let sig_b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&sig);
    let ok = careid(&[
        "crypto",
        "verify",
        "--key",
        &key,
        "--alg",
        "ES256",
        "--message",
        &message,
        "--signature-b64url",
        &sig_b64,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let wrong = careid(&[
        "crypto",
        "verify",
        "--key",
        &key,
        "--alg",
        "ES384",
        "--message",
        &message,
        "--signature-b64url",
        &sig_b64,
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong).contains("a P-256 key cannot verify ES384 signatures"),
        "{}",
        text(&wrong)
    );
}

#[test]
fn unusable_inputs_exit_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "key.jwk", br#"{"kty":"oct","k":"c2VjcmV0"}"#);
    let message = write(dir.path(), "msg", b"m");
    let out = careid(&[
        "crypto",
        "verify",
        "--key",
        &key,
        "--alg",
        "RS256",
        "--message",
        &message,
        "--signature-b64url",
        "AA",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("private key material"),
        "{}",
        text(&out)
    );
    let out = careid(&[
        "crypto",
        "verify",
        "--key",
        &key,
        "--alg",
        "none",
        "--message",
        &message,
        "--signature-b64url",
        "AA",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses alg none: {}",
        text(&out)
    );
}

#[test]
fn algorithms_lists_every_algorithm() {
    let out = careid(&["crypto", "algorithms"]);
    let listing = text(&out);
    for alg in SignatureAlgorithm::ALL {
        assert!(listing.contains(alg.jose_name()));
    }
}

#[test]
fn card_commands_on_the_simulated_card() {
    let info = careid(&["card", "info", "--sim", "pkcs15"]);
    assert!(info.status.success(), "{}", text(&info));
    assert!(
        text(&info).contains("key 45 \"Authentication key\": RSA-2048, can sign"),
        "{}",
        text(&info)
    );
    let certs = careid(&["card", "certs", "--sim", "piv"]);
    assert!(
        text(&certs).contains("SERIALNUMBER=555123456789"),
        "{}",
        text(&certs)
    );
    let status = careid(&["card", "pin-status", "--sim", "piv"]);
    assert!(
        text(&status).contains("NotVerified { tries_left: Some(3) }"),
        "{}",
        text(&status)
    );
    let ok = careid(&["card", "login", "--sim", "piv", "--pin", "123456"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("the card holds the private key"));
    let wrong = careid(&["card", "verify-pin", "--sim", "pkcs15", "--pin", "0000"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong).contains("wrong PIN (2 tries left)"),
        "{}",
        text(&wrong)
    );
    let malformed = careid(&["card", "login", "--sim", "pkcs15", "--pin", "12"]);
    assert_eq!(malformed.status.code(), Some(1));
    assert!(
        text(&malformed).contains("it was not sent to the card"),
        "{}",
        text(&malformed)
    );
}
