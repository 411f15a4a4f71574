//! Helpers shared by the integration tests: locating and decoding the vector files under
//! `tests/data/`.
#![allow(dead_code, unreachable_pub, clippy::panic)]

use std::path::PathBuf;

/// The path of a file under `tests/data/`.
pub fn data_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Reads and parses a JSON file under `tests/data/`.
pub fn read_json(rel: &str) -> serde_json::Value {
    let path = data_path(rel);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes hex (either case).
pub fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|e| panic!("bad hex {text:?}: {e}"))
}

/// Decodes unpadded base64url.
pub fn b64url(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap_or_else(|e| panic!("bad base64url {text:?}: {e}"))
}
