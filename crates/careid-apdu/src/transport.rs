//! The transport trait, and a scripted transport for tests.

use crate::TransportError;

/// The one thing the protocol layers need from a reader: send a command APDU, get the
/// response APDU back (openpgp-card `card-backend`'s shape). GET RESPONSE, `6Cxx` and command
/// chaining are generic code above this trait ([`CardChannel`](crate::CardChannel)); a
/// transport neither interprets nor retries anything.
pub trait CardTransport {
    /// Sends one raw command APDU and returns the raw response (`data || SW1 SW2`).
    ///
    /// A card reset since the last exchange is reported as
    /// [`TransportError::CardReset`] (or through [`CardTransport::take_reset`] by transports
    /// that reconnect on their own): either way the card's PIN state is gone.
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// Whether the reader and card accept extended-length APDUs.
    fn supports_extended_length(&self) -> bool {
        false
    }

    /// Returns `true` once after the transport recovered from a card reset on its own
    /// (reconnected): the caller must re-select its application and drop any PIN-verified
    /// state.
    fn take_reset(&mut self) -> bool {
        false
    }
}

impl<T: CardTransport + ?Sized> CardTransport for &mut T {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit_raw(command)
    }
    fn supports_extended_length(&self) -> bool {
        (**self).supports_extended_length()
    }
    fn take_reset(&mut self) -> bool {
        (**self).take_reset()
    }
}

impl<T: CardTransport + ?Sized> CardTransport for Box<T> {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit_raw(command)
    }
    fn supports_extended_length(&self) -> bool {
        (**self).supports_extended_length()
    }
    fn take_reset(&mut self) -> bool {
        (**self).take_reset()
    }
}

/// A transport that plays back a recorded transcript: it checks that every command is exactly
/// the expected bytes and answers with the recorded response (authenticator-rs
/// `transport/mock` style). A command that differs, or one past the end of the script, is a
/// [`TransportError`], so tests fail with the exchange index.
#[derive(Debug, Clone, Default)]
pub struct ScriptedTransport {
    script: Vec<(Vec<u8>, Vec<u8>)>,
    next: usize,
    extended: bool,
}

/// A transcript line that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("transcript line {line} is not `>> HEX` or `<< HEX` in alternation")]
pub struct TranscriptError {
    /// 1-based line number.
    pub line: usize,
}

impl ScriptedTransport {
    /// A script of `(expected command, response)` pairs.
    pub fn new(script: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Self {
        Self {
            script: script.into_iter().collect(),
            next: 0,
            extended: false,
        }
    }

    /// Parses a transcript of alternating `>> 00 A4 04 00 ...` and `<< 90 00` lines (blank
    /// lines and `#` comments are ignored; hex may be spaced or not).
    pub fn from_transcript(text: &str) -> Result<Self, TranscriptError> {
        let mut script = Vec::new();
        let mut pending: Option<Vec<u8>> = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = TranscriptError { line: i + 1 };
            let (dir, rest) = line.split_at_checked(2).ok_or(err)?;
            let bytes = parse_hex(rest).ok_or(err)?;
            match (dir, pending.take()) {
                (">>", None) => pending = Some(bytes),
                ("<<", Some(cmd)) => script.push((cmd, bytes)),
                _ => return Err(err),
            }
        }
        if pending.is_some() {
            return Err(TranscriptError {
                line: text.lines().count(),
            });
        }
        Ok(Self::new(script))
    }

    /// Declares extended-length support.
    #[must_use]
    pub fn with_extended_length(mut self, extended: bool) -> Self {
        self.extended = extended;
        self
    }

    /// How many exchanges are left.
    pub fn remaining(&self) -> usize {
        self.script.len().saturating_sub(self.next)
    }

    /// Succeeds if every exchange of the script was used.
    pub fn finish(&self) -> Result<(), TransportError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(TransportError::ScriptExhausted { index: self.next })
        }
    }
}

impl CardTransport for ScriptedTransport {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let index = self.next;
        let (expected, response) = self
            .script
            .get(index)
            .ok_or(TransportError::ScriptExhausted { index })?;
        if expected.as_slice() != command {
            return Err(TransportError::ScriptMismatch { index });
        }
        self.next += 1;
        Ok(response.clone())
    }

    fn supports_extended_length(&self) -> bool {
        self.extended
    }
}

fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let s = core::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}
