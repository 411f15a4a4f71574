//! `careid key ...` end to end: the simulated key registers and logs in across separate runs
//! of the binary (its non-resident credentials are wrapped into their IDs), records are
//! written and updated, refusals exit 1, failures to run exit 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{careid, text};

#[test]
fn list_and_info_on_the_simulated_key() {
    let out = careid(&["key", "list", "--sim"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("ca4e1d00-7e57-4b3e-a5c0-000000000001"));
    let out = careid(&["key", "info", "--sim"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = text(&out);
    assert!(
        printed.contains("versions: FIDO_2_0, FIDO_2_1"),
        "{printed}"
    );
    assert!(printed.contains("PIN/UV auth protocols: 2, 1"), "{printed}");
    assert!(printed.contains("clientPin=true"), "{printed}");
    assert!(printed.contains("PIN retries: 8"), "{printed}");
}

#[test]
fn register_then_log_in_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("credential.cbor");
    let record = record.to_str().unwrap();
    let out = careid(&["key", "register", "--sim", "--pin", "1234", "--out", record]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = text(&out);
    assert!(printed.contains("(ES256)"), "{printed}");
    assert!(
        printed.contains("attestation: packed (basic), trusted"),
        "{printed}"
    );
    assert!(printed.contains("AAL3-eligible"), "{printed}");
    let stored = std::fs::read(record).unwrap();
    for expected in ["counter: 2 (increased)", "counter: 3 (increased)"] {
        let out = careid(&[
            "key",
            "login",
            "--sim",
            "--pin",
            "1234",
            "--credential",
            record,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let printed = text(&out);
        assert!(
            printed.contains("user present: true, user verified: true"),
            "{printed}"
        );
        assert!(printed.contains(expected), "{printed}");
    }
    assert_ne!(
        std::fs::read(record).unwrap(),
        stored,
        "the counter was written back"
    );
    // A wrong PIN: refused with the retries left, exit 1; careid does not retry.
    let out = careid(&[
        "key",
        "login",
        "--sim",
        "--pin",
        "9999",
        "--credential",
        record,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("wrong PIN (7 retries left)"),
        "{}",
        text(&out)
    );
    // The credential belongs to careid.example: another RP ID finds nothing on the key.
    let out = careid(&[
        "key",
        "login",
        "--sim",
        "--pin",
        "1234",
        "--rp-id",
        "other.example",
        "--credential",
        record,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("login refused"), "{}", text(&out));
    // A PIN shorter than CTAP allows never reaches the key.
    let out = careid(&[
        "key",
        "login",
        "--sim",
        "--pin",
        "12",
        "--credential",
        record,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn without_user_verification_the_login_is_single_factor() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("c.cbor");
    let record = record.to_str().unwrap();
    let out = careid(&["key", "register", "--sim", "--no-uv", "--out", record]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("user verified: false; assurance: single factor"),
        "{}",
        text(&out)
    );
    let out = careid(&["key", "login", "--sim", "--no-uv", "--credential", record]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("single factor"), "{}", text(&out));
    // The same credential, used with the PIN later, gives a user-verified login.
    let out = careid(&[
        "key",
        "login",
        "--sim",
        "--pin",
        "1234",
        "--credential",
        record,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("user verified: true"), "{}", text(&out));
}

#[test]
fn bad_inputs_fail_to_run() {
    let out = careid(&[
        "key",
        "login",
        "--sim",
        "--no-uv",
        "--credential",
        "/nonexistent/record",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk");
    std::fs::write(&junk, b"not a record").unwrap();
    let out = careid(&[
        "key",
        "login",
        "--sim",
        "--no-uv",
        "--credential",
        junk.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("credential record"), "{}", text(&out));
    // Exactly one of --sim and --device.
    let out = careid(&["key", "info"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn real_keys_need_the_hid_feature_or_a_key() {
    let out = careid(&["key", "list"]);
    let printed = text(&out);
    if cfg!(feature = "hid") {
        // No security key on a build machine: an empty list (or the keys there are), not a
        // failure.
        assert_eq!(out.status.code(), Some(0), "{printed}");
        let out = careid(&["key", "info", "--device", "/nonexistent/hidraw"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("security key"), "{}", text(&out));
    } else {
        assert_eq!(out.status.code(), Some(2), "{printed}");
        assert!(printed.contains("`hid` feature"), "{printed}");
    }
}
