//! The one error type of careid-apdu.

use crate::StatusWord;

/// What went wrong encoding, decoding or exchanging APDUs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A command's data field is longer than any APDU can carry (65535 bytes).
    #[error("command data of {len} bytes exceeds the 65535-byte maximum")]
    DataTooLong {
        /// The data length.
        len: usize,
    },
    /// A command's data field needs extended length (more than 255 bytes) and neither extended
    /// length nor command chaining was allowed.
    #[error("command data of {len} bytes needs extended length or chaining")]
    NeedsExtendedLength {
        /// The data length.
        len: usize,
    },
    /// An expected response length (Ne) outside 1..=65536, or above 256 without extended length.
    #[error("expected response length {ne} is not encodable")]
    BadLe {
        /// The requested Ne.
        ne: usize,
    },
    /// Bytes that are not a command APDU (ISO/IEC 7816-3 §12.1.3): too short, inconsistent
    /// lengths, or trailing bytes.
    #[error("malformed command APDU ({reason})")]
    MalformedCommand {
        /// What was wrong.
        reason: MalformedReason,
    },
    /// A response shorter than the two status bytes.
    #[error("response APDU of {len} bytes has no status word")]
    ResponseTooShort {
        /// The response length.
        len: usize,
    },
    /// The card kept answering `61xx` past the bound on GET RESPONSE rounds.
    #[error("card answered 61xx more than {rounds} times")]
    TooManyGetResponses {
        /// The bound that was hit.
        rounds: usize,
    },
    /// The accumulated response exceeds the bound (64 KiB by default).
    #[error("response exceeds the {limit}-byte limit")]
    ResponseTooLong {
        /// The bound that was hit.
        limit: usize,
    },
    /// An intermediate block of a chained command was not acknowledged with `9000`.
    #[error("command chaining refused by the card with {sw}")]
    ChainingRefused {
        /// The status word the card answered.
        sw: StatusWord,
    },
    /// The transport failed: no card, card removed, reset, or an I/O error.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// A BER-TLV structure is malformed.
    #[error("BER-TLV: {0}")]
    Tlv(#[from] TlvError),
}

/// Why a command APDU failed to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// Fewer than the four header bytes.
    ShortHeader,
    /// The body length fits no case of ISO/IEC 7816-3 §12.1.3.
    InconsistentLength,
    /// Lc is zero.
    ZeroLc,
}

impl core::fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::ShortHeader => "shorter than the 4-byte header",
            Self::InconsistentLength => "the body length fits no APDU case",
            Self::ZeroLc => "Lc is zero",
        })
    }
}

/// A failure below the APDU layer, reported by a [`CardTransport`](crate::CardTransport).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// There is no card in the reader.
    #[error("no card in the reader")]
    NoCard,
    /// The card was removed during the operation.
    #[error("the card was removed")]
    CardRemoved,
    /// The card was reset (by another process, or a power event): its security state is gone.
    #[error("the card was reset; its PIN state is lost")]
    CardReset,
    /// The reader or the service behind it is gone or refused the operation.
    #[error("reader error {code:#x}")]
    Reader {
        /// The platform's error code (PC/SC `SCARD_*`, or an I/O error number).
        code: i64,
    },
    /// The operation timed out.
    #[error("the card did not answer in time")]
    Timeout,
    /// A scripted test transport got a command other than the one it expected.
    #[error("scripted transport: command {index} differs from the script")]
    ScriptMismatch {
        /// Zero-based index of the exchange in the script.
        index: usize,
    },
    /// A scripted test transport ran out of recorded exchanges.
    #[error("scripted transport: no exchange left for command {index}")]
    ScriptExhausted {
        /// Zero-based index of the exchange.
        index: usize,
    },
}

/// Why a BER-TLV structure failed to parse (ISO/IEC 7816-4 §6.3, ISO/IEC 8825-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlvError {
    /// The input ends inside a tag.
    #[error("truncated tag at offset {offset}")]
    TruncatedTag {
        /// Offset of the tag's first byte.
        offset: usize,
    },
    /// A tag of more than three bytes (ISO/IEC 7816-4 allows at most three).
    #[error("tag longer than 3 bytes at offset {offset}")]
    TagTooLong {
        /// Offset of the tag's first byte.
        offset: usize,
    },
    /// The input ends inside a length.
    #[error("truncated length at offset {offset}")]
    TruncatedLength {
        /// Offset of the length's first byte.
        offset: usize,
    },
    /// Indefinite length (`80`) or a length of more than three bytes (over 16 MiB).
    #[error("unsupported length encoding at offset {offset}")]
    BadLength {
        /// Offset of the length's first byte.
        offset: usize,
    },
    /// A value that runs past the end of the input.
    #[error("value of {len} bytes at offset {offset} overruns the {available} bytes available")]
    ValueOverrun {
        /// Offset of the value.
        offset: usize,
        /// The claimed length.
        len: usize,
        /// The bytes actually available.
        available: usize,
    },
    /// A required tag is absent.
    #[error("tag {tag:#x} not found")]
    Missing {
        /// The tag that was looked for.
        tag: u32,
    },
    /// Nesting deeper than the caller's bound.
    #[error("nesting deeper than {limit}")]
    TooDeep {
        /// The bound.
        limit: usize,
    },
}
