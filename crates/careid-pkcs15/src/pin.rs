//! PINs: zeroized, never printed, never re-sent by careid.

use zeroize::Zeroizing;

/// A PIN, PUK or passcode. The bytes live in a buffer that is zeroed on drop, and `Debug`
/// never shows them. careid sends a `Pin` to the card only when the caller asks, once: it
/// never retries, so three wrong entries by the user are the only way an NHS card locks.
#[derive(Clone)]
pub struct Pin(Zeroizing<Vec<u8>>);

impl Pin {
    /// A PIN from its bytes (ASCII digits for NHS and PIV cards).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(Zeroizing::new(bytes.into()))
    }

    /// The PIN's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The PIN's length.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the PIN is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The PIN right-padded with `pad` to `len` bytes, in a zeroizing buffer.
    pub(crate) fn padded(&self, pad: u8, len: usize) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(len.max(self.len())));
        out.extend_from_slice(&self.0);
        while out.len() < len {
            out.push(pad);
        }
        out
    }
}

impl From<&str> for Pin {
    fn from(text: &str) -> Self {
        Self::new(text.as_bytes())
    }
}

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin([redacted])")
    }
}

/// What the card says about a PIN, learnt without spending a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinStatus {
    /// Verified in this card session.
    Verified,
    /// Not verified; `tries_left` when the card says.
    NotVerified {
        /// Remaining tries.
        tries_left: Option<u8>,
    },
    /// Blocked: needs the PUK.
    Blocked,
    /// The profile has no query that is guaranteed not to spend a try (generic PKCS#15: some
    /// cards count the empty VERIFY as an attempt), so careid did not ask.
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_pin() {
        let pin = Pin::from("123456");
        assert_eq!(format!("{pin:?}"), "Pin([redacted])");
        assert_eq!(&pin.padded(0xFF, 8)[..], b"123456\xff\xff");
    }
}
