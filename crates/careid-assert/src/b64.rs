//! Strict base64url (RFC 7515 §2): the URL-safe alphabet of RFC 4648 §5, no padding, no
//! whitespace, and canonical trailing bits (RFC 4648 §3.5).

use crate::error::{Error, Segment};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Decodes a segment into a new vector.
pub(crate) fn decode(segment: Segment, input: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(input)
        .map_err(|err| bad(segment, input, err))
}

/// Encodes without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the encoding of `bytes` to `out`.
pub(crate) fn encode_to(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

fn bad(segment: Segment, input: &str, err: base64::DecodeError) -> Error {
    let offset = match err {
        base64::DecodeError::InvalidByte(offset, _)
        | base64::DecodeError::InvalidLastSymbol { offset, .. } => offset,
        // Padding, or a length of 1 (mod 4): the first `=`, or else the end.
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => input
            .find('=')
            .unwrap_or_else(|| input.len().saturating_sub(1)),
    };
    Error::Base64 { segment, offset }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_test_vectors_in_the_url_alphabet() {
        // RFC 4648 §10, without padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(Segment::Payload, encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn everything_but_canonical_unpadded_base64url_is_refused() {
        let refuse = |text: &str, offset: usize| {
            assert_eq!(
                decode(Segment::Header, text),
                Err(Error::Base64 {
                    segment: Segment::Header,
                    offset
                }),
                "{text:?}"
            );
        };
        refuse("Zg==", 2); // padding
        refuse("Zm8=", 3);
        refuse("Zm9v=", 4);
        refuse("a+b/", 1); // standard alphabet
        refuse("Zm9 v", 3); // whitespace
        refuse("Zm9v\n", 4);
        refuse("Zm9vY", 4); // length 1 (mod 4)
        refuse("Zh", 1); // "f" with a non-zero trailing bit
        refuse("Zm9", 2); // "fo" with non-zero trailing bits
    }
}
