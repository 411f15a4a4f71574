//! The error types of careid-ctap.

use crate::command::CtapCommand;
use crate::ctaphid::{Cid, HidCommand, HidErrorCode};
use crate::status::StatusCode;

/// Everything that can go wrong talking to a security key or decoding what it sent.
///
/// Every variant carries structured data, never a formatted string, and no input makes this
/// crate panic instead of returning one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The HID transport failed.
    #[error("HID transport: {0}")]
    Transport(#[from] TransportError),
    /// The CTAPHID framing was broken (CTAP 2.1 §11.2.4).
    #[error("CTAPHID framing: {0}")]
    Framing(#[from] FramingError),
    /// CBOR that is malformed or not in CTAP2 canonical form (CTAP 2.1 §8).
    #[error("CBOR: {0}")]
    Cbor(#[from] CborError),
    /// The device did not answer within the read timeout (a live device sends
    /// CTAPHID_KEEPALIVE at least every 100 ms while it works, CTAP 2.1 §11.2.9.1.7). A CANCEL
    /// was sent for a pending CBOR request.
    #[error("the security key did not answer in time")]
    Timeout,
    /// The device kept sending keepalives past the caller's limit (a "keepalive storm", or a
    /// user who never touched the key). A CANCEL was sent.
    #[error("the security key sent more than {limit} keepalives without answering")]
    TooManyKeepalives {
        /// The limit.
        limit: u32,
    },
    /// Packets for other channels kept arriving past the limit while waiting for an answer.
    #[error("more than {limit} packets for other channels arrived while waiting")]
    TooManyForeignPackets {
        /// The limit.
        limit: u32,
    },
    /// The caller cancelled the request from its keepalive hook; the device confirmed with
    /// CTAP2_ERR_KEEPALIVE_CANCEL (or stopped answering).
    #[error("the request was cancelled")]
    Cancelled,
    /// The device answered with CTAPHID_ERROR (CTAP 2.1 §11.2.9.1.6). `ChannelBusy` means
    /// another application holds the key: retry later.
    #[error("the security key answered CTAPHID_ERROR {code}")]
    Hid {
        /// The error code.
        code: HidErrorCode,
    },
    /// The device answered with another command than the request's (CTAP 2.1 §11.2.9.1.2: the
    /// response to CTAPHID_CBOR is CTAPHID_CBOR).
    #[error("expected a {expected:?} response, got {got:?}")]
    UnexpectedCommand {
        /// The command of the request.
        expected: HidCommand,
        /// The command of the response.
        got: HidCommand,
    },
    /// CTAPHID_INIT allocated a channel that cannot be used (broadcast or 0).
    #[error("CTAPHID_INIT allocated the unusable channel {cid}")]
    BadChannelAllocated {
        /// The channel.
        cid: Cid,
    },
    /// The device does not implement CTAPHID_CBOR (a CTAP1/U2F-only key).
    #[error("the security key does not implement CTAP2 (CTAPHID_CBOR)")]
    NotCtap2,
    /// A CTAPHID_PING came back different.
    #[error("the CTAPHID_PING echo differs from the request")]
    PingMismatch,
    /// A CTAP2 response without its status byte.
    #[error("an empty CTAP2 response (no status byte)")]
    EmptyResponse,
    /// The authenticator answered a CTAP2 command with an error status (CTAP 2.1 §8.2).
    #[error("{command:?} failed: {status}")]
    Status {
        /// The command.
        command: CtapCommand,
        /// The status code (never `Ok`).
        status: StatusCode,
    },
    /// The PIN was wrong (CTAP2_ERR_PIN_INVALID). careid never retries a PIN on its own.
    #[error("wrong PIN ({} retries left)", retries_left.map_or_else(|| "unknown".into(), |n| n.to_string()))]
    WrongPin {
        /// The PIN retries left, as getPINRetries reported right after (None if it could not
        /// be read).
        retries_left: Option<u32>,
    },
    /// A PIN that CTAP 2.1 §6.5.1 does not allow: fewer than 4 Unicode code points or more than
    /// 63 bytes of UTF-8. Refused before it is sent, so no retry is spent.
    #[error("a PIN must be 4 to 63 bytes long with at least 4 characters")]
    PinLength,
    /// The authenticator offers no PIN/UV auth protocol careid implements (One and Two).
    #[error("the security key offers no supported PIN/UV auth protocol")]
    UnsupportedPinProtocol,
    /// The authenticator has no PIN set, or no built-in user verification, and the operation
    /// needs one.
    #[error("the security key has no PIN set and no built-in user verification")]
    NoUserVerification,
    /// A request larger than the authenticator's maxMsgSize or the CTAPHID limit.
    #[error("a request of {len} bytes exceeds the {max}-byte limit")]
    RequestTooLarge {
        /// The request length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A member of a CBOR map is missing, of the wrong type, or out of range.
    #[error("{context}: member {member} is {problem}")]
    Member {
        /// Which structure.
        context: &'static str,
        /// The member.
        member: MemberKey,
        /// What is wrong with it.
        problem: MemberProblem,
    },
    /// A structure that must be a CBOR map is not one.
    #[error("{context} is not a CBOR map")]
    NotAMap {
        /// Which structure.
        context: &'static str,
    },
    /// authenticatorData that breaks WebAuthn §6.1.
    #[error("authenticatorData: {0}")]
    AuthData(#[from] AuthDataError),
    /// A credential public key that coset cannot represent as a COSE_Key (an unregistered key
    /// type or algorithm, a malformed label).
    #[error("the credential public key is not a COSE_Key careid can represent")]
    CoseKey,
    /// A key or signature refused by careid-crypto.
    #[error("{0}")]
    Crypto(#[from] careid_crypto::Error),
    /// A PIN/UV auth protocol operation failed (CTAP 2.1 §6.5.6, §6.5.7).
    #[error("PIN/UV auth protocol: {0}")]
    PinProtocol(#[from] PinProtocolError),
    /// The real-device backend (`hid` feature, ctap-hid-fido2) failed.
    #[error("security key backend: {operation:?} failed{}", status.map(|s| format!(" with {s}")).unwrap_or_default())]
    Backend {
        /// What was being done.
        operation: BackendOperation,
        /// The CTAP status the device answered, when the backend reported one.
        status: Option<StatusCode>,
    },
}

/// What a [`HidTransport`](crate::HidTransport) reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The device is gone (unplugged).
    #[error("the security key was disconnected")]
    Disconnected,
    /// The operating system refused the operation.
    #[error("HID I/O error {code}")]
    Io {
        /// The platform's error number, when there is one (else 0).
        code: i64,
    },
    /// A report of the wrong size.
    #[error("a HID report of {len} bytes (64 expected)")]
    ReportLength {
        /// The length.
        len: usize,
    },
    /// A scripted test transport got a report other than the one it expected, or a read where
    /// a write was scripted (or the reverse).
    #[error("scripted transport: step {index} differs from the script")]
    ScriptMismatch {
        /// Zero-based index of the step.
        index: usize,
    },
    /// A scripted test transport ran out of steps.
    #[error("scripted transport: no step left at {index}")]
    ScriptExhausted {
        /// Zero-based index of the step.
        index: usize,
    },
    /// A scripted test transport still has steps left.
    #[error("scripted transport: steps left from {index}")]
    ScriptNotFinished {
        /// Zero-based index of the first unused step.
        index: usize,
    },
}

/// A CTAPHID framing violation (CTAP 2.1 §11.2.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// A message longer than 7609 bytes (or the configured maximum).
    #[error("a message of {len} bytes exceeds the {max}-byte maximum")]
    MessageTooLong {
        /// The announced or requested length.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// A packet on channel 0, which is reserved.
    #[error("a packet on the reserved channel 0")]
    ReservedChannel,
    /// A continuation packet with the wrong sequence number (a gap or a repeat).
    #[error("channel {cid}: continuation packet {got}, expected {expected}")]
    SequenceError {
        /// The channel.
        cid: Cid,
        /// The sequence number expected.
        expected: u8,
        /// The sequence number received.
        got: u8,
    },
    /// A continuation packet with no message in progress.
    #[error("channel {cid}: continuation packet {seq} without an initialization packet")]
    UnexpectedContinuation {
        /// The channel.
        cid: Cid,
        /// Its sequence number.
        seq: u8,
    },
    /// An initialization packet (other than INIT) on a channel with a message in progress.
    #[error("channel {cid}: {new:?} initialization packet during a {current:?} message")]
    InitDuringMessage {
        /// The channel.
        cid: Cid,
        /// The command of the message in progress.
        current: HidCommand,
        /// The command of the new packet.
        new: HidCommand,
    },
    /// A CTAPHID_INIT response shorter than 17 bytes.
    #[error("a CTAPHID_INIT response of {len} bytes (17 expected)")]
    InitResponseTooShort {
        /// The length.
        len: usize,
    },
    /// A CTAPHID_KEEPALIVE or CTAPHID_ERROR whose payload is not exactly one byte.
    #[error("a {cmd:?} packet with a {len}-byte payload (1 expected)")]
    BadControlLength {
        /// The command.
        cmd: HidCommand,
        /// The payload length.
        len: usize,
    },
}

/// Where a CBOR decoding error is, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at offset {offset}")]
pub struct CborError {
    /// The byte offset of the offending item.
    pub offset: usize,
    /// What is wrong.
    pub kind: CborErrorKind,
}

/// What is wrong with a CBOR encoding (CTAP 2.1 §8, RFC 8949).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CborErrorKind {
    /// The input ends inside an item, or a length claims more bytes than are left.
    #[error("truncated item")]
    Truncated,
    /// Additional information 28 to 30, which RFC 8949 reserves.
    #[error("reserved additional information")]
    ReservedAdditionalInfo,
    /// An indefinite-length item (not allowed in CTAP2).
    #[error("indefinite length")]
    IndefiniteLength,
    /// An integer or length not in its shortest form.
    #[error("non-minimal integer or length encoding")]
    NonMinimalEncoding,
    /// A tag (not allowed in CTAP2).
    #[error("tagged item")]
    Tag,
    /// A simple value other than false, true and null.
    #[error("unsupported simple value")]
    UnsupportedSimpleValue,
    /// A text string that is not UTF-8.
    #[error("text string is not UTF-8")]
    InvalidUtf8,
    /// Map keys out of canonical order.
    #[error("map keys out of canonical order")]
    UnsortedKeys,
    /// The same map key twice.
    #[error("duplicate map key")]
    DuplicateKey,
    /// Arrays and maps nested deeper than the limit.
    #[error("nested deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Bytes after the item.
    #[error("trailing bytes")]
    TrailingBytes,
    /// A negative integer below -2^64.
    #[error("integer out of range")]
    IntegerOverflow,
}

/// Why authenticatorData is malformed (WebAuthn §6.1, §6.5.1; FIDO.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthDataError {
    /// Shorter than the 37 bytes of rpIdHash, flags and signCount.
    #[error("{len} bytes, shorter than the 37-byte minimum")]
    TooShort {
        /// The length.
        len: usize,
    },
    /// The AT flag is set but the attested credential data is cut short.
    #[error("attested credential data truncated")]
    AttestedDataTruncated,
    /// A credential ID longer than 1023 bytes (WebAuthn §6.5.1).
    #[error("credential ID of {len} bytes exceeds 1023")]
    CredentialIdTooLong {
        /// The claimed length.
        len: usize,
    },
    /// The ED flag is set but no extensions map follows, or the map is not a map.
    #[error("extension data flagged but missing or not a map")]
    ExtensionsMissing,
    /// Bytes after the last item the flags announce.
    #[error("{len} trailing bytes")]
    TrailingBytes {
        /// How many.
        len: usize,
    },
    /// BS (backup state) set without BE (backup eligible): invalid (WebAuthn L3 §6.1.3).
    #[error("backup state set on a credential that is not backup eligible")]
    BackupStateWithoutEligibility,
    /// Attested credential data where it must not be (an assertion) or missing where it must
    /// be (a registration).
    #[error("attested credential data {}", if *present { "present in an assertion" } else { "missing from a registration" })]
    AttestedDataPresence {
        /// Whether it was present.
        present: bool,
    },
}

/// A CBOR map key, for error reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKey {
    /// An integer key (CTAP2 command parameters and responses).
    Int(i64),
    /// A text key (WebAuthn structures, options, attestation statements).
    Text(&'static str),
}

impl core::fmt::Display for MemberKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i:#04x}"),
            Self::Text(t) => write!(f, "\"{t}\""),
        }
    }
}

/// What is wrong with a CBOR map member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MemberProblem {
    /// A required member is absent.
    Missing,
    /// The member has the wrong CBOR type.
    WrongType,
    /// The member has a value out of range or of the wrong length.
    Invalid,
}

impl core::fmt::Display for MemberProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Missing => "missing",
            Self::WrongType => "of the wrong type",
            Self::Invalid => "invalid",
        })
    }
}

/// Why a PIN/UV auth protocol operation failed (CTAP 2.1 §6.5.6, §6.5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinProtocolError {
    /// The peer's key agreement key is not a P-256 COSE_Key point on the curve.
    #[error("the key agreement key is not a valid P-256 point")]
    BadKeyAgreementKey,
    /// A ciphertext whose length is not what the protocol produces.
    #[error("a ciphertext of {len} bytes")]
    CiphertextLength {
        /// The length.
        len: usize,
    },
    /// A pinUvAuthToken of a length the protocol does not allow (16 or 32 for One, 32 for
    /// Two).
    #[error("a pinUvAuthToken of {len} bytes")]
    TokenLength {
        /// The length.
        len: usize,
    },
    /// A pinUvAuthParam that does not verify.
    #[error("the pinUvAuthParam does not verify")]
    BadAuthParam,
    /// A protocol number careid does not implement.
    #[error("PIN/UV auth protocol {number} is not supported")]
    UnknownProtocol {
        /// The number.
        number: u64,
    },
}

/// An operation of the real-device backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendOperation {
    /// Initialising hidapi / enumerating devices.
    Enumerate,
    /// Opening a device.
    Open,
    /// authenticatorGetInfo.
    GetInfo,
    /// authenticatorMakeCredential.
    MakeCredential,
    /// authenticatorGetAssertion.
    GetAssertion,
    /// Reading PIN retries.
    PinRetries,
    /// The operation did not finish within the caller's timeout (the backend is blocking and
    /// runs on its own thread; it is abandoned).
    Timeout,
    /// The backend thread panicked (ctap-hid-fido2 panics on some inputs).
    Panicked,
}
