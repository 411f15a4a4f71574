//! Helpers shared by careid-ctap's integration tests: the WebAuthn/CTAP2 vector file.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used
)]

use serde_json::Value;

/// `tests/data/webauthn/vectors.json` of the workspace (python-fido2 and libfido2 vectors; see
/// its SOURCE.md for provenance and licences).
pub fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/webauthn/vectors.json"
    );
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&text).unwrap()
}

/// Decodes hex.
pub fn unhex(text: &Value) -> Vec<u8> {
    hex::decode(
        text.as_str()
            .unwrap_or_else(|| panic!("not a string: {text}")),
    )
    .unwrap_or_else(|e| panic!("bad hex {text}: {e}"))
}

/// The python-fido2 entry with this name.
#[allow(dead_code)]
pub fn python<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["python_fido2"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no python-fido2 vector {name:?}"))
}

/// The libfido2 reports of a recorded CTAPHID sequence, as 64-byte arrays.
pub fn reports(doc: &Value, symbol: &str) -> Vec<[u8; 64]> {
    doc["libfido2"]["ctaphid_reports"][symbol]["reports"]
        .as_array()
        .unwrap_or_else(|| panic!("no report sequence {symbol}"))
        .iter()
        .map(|r| unhex(r).try_into().expect("64-byte report"))
        .collect()
}

/// A libfido2 constant's bytes.
pub fn constant(doc: &Value, name: &str) -> Vec<u8> {
    unhex(&doc["libfido2"]["constants"][name]["hex"])
}
