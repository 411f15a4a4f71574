//! `careid token verify` and `careid token discover` end to end: tokens minted by the test
//! issuer, JWK sets from files or fetched from a discovery server on 127.0.0.1, output and
//! exit status (0 valid, 1 refused, 2 could not run).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_FIXTURE_NOW, CIS2_INT_ISSUER, CIS2_NONCE, CIS2_SUBJECT, Cis2Issuer,
    cis2_access_token_claims, cis2_id_token_claims, cis2_logout_token_claims, cis2_userinfo_for,
};
use common::{careid, text, write};
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::process::{Command, Stdio};

const NOW: &str = "1610559902";

fn verify_args<'a>(token: &'a str, jwks: &'a str) -> Vec<&'a str> {
    vec![
        "token",
        "verify",
        token,
        "--issuer",
        CIS2_INT_ISSUER,
        "--client-id",
        CIS2_CLIENT_ID,
        "--jwks",
        jwks,
        "--now",
        NOW,
    ]
}

#[test]
fn a_valid_id_token_shows_identity_aal_and_roles() {
    assert_eq!(NOW, CIS2_FIXTURE_NOW.to_string());
    let dir = tempfile::tempdir().unwrap();
    let issuer = Cis2Issuer::int();
    let jwks = write(
        dir.path(),
        "jwks.json",
        issuer.jwks().to_string().as_bytes(),
    );
    let userinfo = write(
        dir.path(),
        "userinfo.json",
        cis2_userinfo_for(CIS2_SUBJECT).to_string().as_bytes(),
    );
    let token = issuer.mint(&cis2_id_token_claims(CIS2_FIXTURE_NOW));
    let mut args = verify_args(&token, &jwks);
    args.extend(["--nonce", CIS2_NONCE, "--userinfo", &userinfo]);
    let out = careid(&args);
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    for line in [
        "verdict: VALID CIS2 ID token",
        &format!("issuer:   {CIS2_INT_ISSUER}"),
        "subject:  787807429511 (CIS2 user id)",
        "key:      careid-test-rsa-1 (RS256)",
        "AAL:      3 (acr AAL3_ANY, authentication_assurance_level 3)",
        "identity assurance: 3",
        "amr:      N3_SMARTCARD",
        "authenticated: 2021-01-13T17:43:22Z (unix 1610559802)",
        "selected role: 656014452101",
        "roles:    2 (from UserInfo)",
        "  656014452101 S8001:G8002:R8008 at Y51 \"Admin/Clinical Support Access Role\" (selected)",
        "  656005754108 S0080:G0450:R5080 at X09 \"Registration Authority Manager\"",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
    assert!(!report.contains("warning"), "{report}");

    // Without --nonce the token is still checked, with a warning that the nonce was not.
    let out = careid(&verify_args(&token, &jwks));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("warning:  nonce NOT checked"));
    assert!(text(&out).contains("roles:    not in the ID token"));
}

#[test]
fn refusals_give_the_precise_reason_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = Cis2Issuer::int();
    let jwks = write(
        dir.path(),
        "jwks.json",
        issuer.jwks().to_string().as_bytes(),
    );
    let token = issuer.mint(&cis2_id_token_claims(CIS2_FIXTURE_NOW));
    let (head, rest) = token.split_once('.').unwrap();
    let (payload, sig) = rest.split_once('.').unwrap();
    let flipped = if payload.starts_with('e') { "f" } else { "e" };
    let tampered = format!("{head}.{flipped}{}.{sig}", &payload[1..]);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            verify_args(&tampered, &jwks)
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            "verdict: REJECTED: the signature is not valid",
        ),
        (
            [verify_args(&token, &jwks), vec!["--nonce", "another-nonce"]]
                .concat()
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            "verdict: REJECTED: the nonce does not match the authentication request",
        ),
        (
            {
                let mut args: Vec<String> = verify_args(&token, &jwks)
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                args[4] = CIS2_INT_ISSUER.replace(":443", "");
                args
            },
            "verdict: REJECTED: the issuer \"https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/",
        ),
        (
            {
                let mut args: Vec<String> = verify_args(&token, &jwks)
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                args[6] = "someone-else".into();
                args
            },
            "verdict: REJECTED: audience check failed: the token is not addressed to this client",
        ),
        (
            {
                let mut args: Vec<String> = verify_args(&token, &jwks)
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                args[10] = (CIS2_FIXTURE_NOW + 6060).to_string();
                args
            },
            "verdict: REJECTED: the token expired at 1610565902",
        ),
        (
            [
                verify_args(&token, &jwks),
                vec!["--min-aal", "3", "--acr", "AAL2_OR_AAL3_ANY"],
            ]
            .concat()
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            "verdict: REJECTED: the acr value \"AAL3_ANY\" is not on the allow-list",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = careid(&args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains(expected),
            "{expected:?} not in:\n{}",
            text(&out)
        );
    }
    // A forged HS256 token: refused before any key is touched.
    let forged = issuer.forge_hs256_with_public_key(&cis2_id_token_claims(CIS2_FIXTURE_NOW));
    let out = careid(&verify_args(&forged, &jwks));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("the JWS algorithm \"HS256\" is not allowed here"),
        "{}",
        text(&out)
    );
}

#[test]
fn access_and_logout_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = Cis2Issuer::int();
    let jwks = write(
        dir.path(),
        "jwks.json",
        issuer.jwks().to_string().as_bytes(),
    );
    let access = issuer.mint(&cis2_access_token_claims(CIS2_FIXTURE_NOW));
    let mut args = verify_args(&access, &jwks);
    args.extend(["--kind", "access", "--scope", "nationalrbacaccess"]);
    let out = careid(&args);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("verdict: VALID CIS2 access token"));
    assert!(text(&out).contains("scopes:   openid nationalrbacaccess"));
    let mut args = verify_args(&access, &jwks);
    args.extend(["--kind", "access", "--scope", "profile"]);
    let out = careid(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("verdict: REJECTED: the access token lacks the scope \"profile\""));

    let logout = issuer.mint(&cis2_logout_token_claims(
        CIS2_INT_ISSUER,
        CIS2_CLIENT_ID,
        CIS2_FIXTURE_NOW,
        "cli-jti",
    ));
    let mut args = verify_args(&logout, &jwks);
    args.extend(["--kind", "logout"]);
    let out = careid(&args);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("verdict: VALID back-channel logout token"));
    assert!(text(&out).contains("end session: c0a8e4d2-5f0b-4c1e-9b7a-3d2f1e0c9b8a"));
    // The same logout token as an ID token: wrong kind.
    let out = careid(&verify_args(&logout, &jwks));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out)
            .contains("wrong kind of token for the ID token verifier: it has an `events` claim"),
        "{}",
        text(&out)
    );
}

#[test]
fn token_from_a_file_or_stdin_and_inputs_that_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let issuer = Cis2Issuer::int();
    let jwks = write(
        dir.path(),
        "jwks.json",
        issuer.jwks().to_string().as_bytes(),
    );
    let token = issuer.mint(&cis2_id_token_claims(CIS2_FIXTURE_NOW));
    let file = write(dir.path(), "token.txt", format!("{token}\n").as_bytes());
    let at_file = format!("@{file}");
    let out = careid(&verify_args(&at_file, &jwks));
    assert!(out.status.success(), "{}", text(&out));

    let mut child = Command::new(env!("CARGO_BIN_EXE_careid"))
        .args(verify_args("-", &jwks))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));

    // A JWK set that is not one, a missing file, a bad configuration: exit 2.
    let bad = write(dir.path(), "bad.json", br#"{"keys": {"kty": "RSA"}}"#);
    for (args, expected) in [
        (
            verify_args(&token, &bad),
            "token: the JWK set has no valid `keys` member",
        ),
        (
            verify_args(&token, "/nonexistent/jwks.json"),
            "cannot read /nonexistent/jwks.json",
        ),
        (
            [verify_args(&token, &jwks), vec!["--skew", "900"]].concat(),
            "invalid configuration: clock skew above 300 s",
        ),
    ] {
        let out = careid(&args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            text(&out).contains(expected),
            "{expected:?} not in {}",
            text(&out)
        );
    }
}

/// Serves one discovery document and one JWK set on 127.0.0.1 for `requests` requests, then
/// stops.
fn serve(
    issuer: &Cis2Issuer,
    listener: TcpListener,
    requests: usize,
) -> std::thread::JoinHandle<()> {
    let discovery = issuer.discovery().to_string();
    let jwks = issuer.jwks().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut request = Vec::new();
            let mut buf = [0_u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            let request = String::from_utf8_lossy(&request);
            let body = if request.starts_with("GET /.well-known/openid-configuration ") {
                &discovery
            } else {
                &jwks
            };
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
    })
}

#[test]
fn discover_over_loopback() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let issuer = Cis2Issuer::new(&base);
    // Three requests: `token discover`, then discovery + JWKS for `token verify --discover`.
    let server = serve(&issuer, listener, 3);

    let out = careid(&["token", "discover", &base, "--danger-allow-http-loopback"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("issuer:   {base}\n")),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains(&format!("jwks_uri: {base}/connect/jwk_uri")));
    assert!(text(&out).contains("acr_values_supported: [\"AAL1_USERPASS\""));

    let mut claims = cis2_id_token_claims(CIS2_FIXTURE_NOW);
    claims["iss"] = base.clone().into();
    let token = issuer.mint(&claims);
    let out = careid(&[
        "token",
        "verify",
        &token,
        "--issuer",
        &base,
        "--client-id",
        CIS2_CLIENT_ID,
        "--discover",
        "--danger-allow-http-loopback",
        "--now",
        NOW,
        "--nonce",
        CIS2_NONCE,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("discovered: JWK set at {base}/connect/jwk_uri")));
    assert!(text(&out).contains("verdict: VALID CIS2 ID token"));
    server.join().unwrap();

    // Nothing listens any more: the check cannot run.
    let out = careid(&[
        "token",
        "verify",
        &token,
        "--issuer",
        &base,
        "--client-id",
        CIS2_CLIENT_ID,
        "--discover",
        "--danger-allow-http-loopback",
        "--now",
        NOW,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("fetching the discovery document failed"),
        "{}",
        text(&out)
    );

    // Plain http is refused without the test-only switch.
    let out = careid(&["token", "discover", &base]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("https only"), "{}", text(&out));
}
