//! The clientDataJSON a platform builds (WebAuthn §5.8.1, §5.8.1.1), so that direct-CTAP logins
//! (the CLI, the demo) go through the same verifier as browser logins (FIDO.md §2).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The `type` of a clientDataJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientDataType {
    /// `webauthn.create`: registration.
    Create,
    /// `webauthn.get`: authentication.
    Get,
}

impl ClientDataType {
    /// The JSON value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "webauthn.create",
            Self::Get => "webauthn.get",
        }
    }
}

/// A clientDataJSON and its SHA-256 (the clientDataHash the authenticator signs over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectedClientData {
    json: Vec<u8>,
    hash: [u8; 32],
}

impl CollectedClientData {
    /// Serialises `{"type":…,"challenge":…,"origin":…,"crossOrigin":…}` in the member order and
    /// form of WebAuthn §5.8.1.1 (the challenge as base64url without padding, strings as JSON
    /// strings).
    pub fn new(kind: ClientDataType, challenge: &[u8], origin: &str, cross_origin: bool) -> Self {
        let mut json = String::from("{\"type\":");
        json.push_str(&json_string(kind.as_str()));
        json.push_str(",\"challenge\":");
        json.push_str(&json_string(&URL_SAFE_NO_PAD.encode(challenge)));
        json.push_str(",\"origin\":");
        json.push_str(&json_string(origin));
        json.push_str(",\"crossOrigin\":");
        json.push_str(if cross_origin { "true" } else { "false" });
        json.push('}');
        let json = json.into_bytes();
        let digest = ring::digest::digest(&ring::digest::SHA256, &json);
        let mut hash = [0; 32];
        hash.copy_from_slice(digest.as_ref());
        Self { json, hash }
    }

    /// The JSON bytes (sent to the relying party with the response).
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    /// SHA-256 of the JSON (sent to the authenticator).
    pub fn hash(&self) -> &[u8; 32] {
        &self.hash
    }
}

fn json_string(s: &str) -> String {
    // A string always serialises.
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_order_and_escaping() {
        let cd = CollectedClientData::new(
            ClientDataType::Get,
            &[0xfb, 0xff],
            "https://a\"b.example",
            false,
        );
        assert_eq!(
            std::str::from_utf8(cd.json()).unwrap(),
            r#"{"type":"webauthn.get","challenge":"-_8","origin":"https://a\"b.example","crossOrigin":false}"#
        );
        let parsed: serde_json::Value = serde_json::from_slice(cd.json()).unwrap();
        assert_eq!(parsed["origin"], "https://a\"b.example");
        assert_eq!(
            cd.hash().as_slice(),
            ring::digest::digest(&ring::digest::SHA256, cd.json()).as_ref()
        );
    }
}
