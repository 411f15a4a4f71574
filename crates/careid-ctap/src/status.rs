//! CTAP2 status codes (CTAP 2.1 §8.2 "Status codes", `#error-responses`).

/// The status byte that starts every CTAP2 response, decoded totally: every `u8` maps to exactly
/// one value and back ([`StatusCode::from_u8`] / [`StatusCode::to_u8`] round-trip for all 256
/// bytes). Codes of CTAP 2.0 that CTAP 2.1 retired (`0x10`, `0x13`, `0x16`, `0x29`, `0x2A`,
/// `0x38`) and any other unassigned byte are kept as [`StatusCode::Other`].
///
/// The ranges `0xE0..=0xEF` (extension-specific) and `0xF0..=0xFF` (vendor-specific) are
/// [`StatusCode::Extension`] and [`StatusCode::Vendor`], as in 1Password's passkey-rs
/// `passkey-types/src/ctap2/error.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusCode {
    /// `0x00` CTAP2_OK / CTAP1_ERR_SUCCESS.
    Ok,
    /// `0x01` CTAP1_ERR_INVALID_COMMAND: not a valid CTAP command.
    InvalidCommand,
    /// `0x02` CTAP1_ERR_INVALID_PARAMETER.
    InvalidParameter,
    /// `0x03` CTAP1_ERR_INVALID_LENGTH.
    InvalidLength,
    /// `0x04` CTAP1_ERR_INVALID_SEQ.
    InvalidSeq,
    /// `0x05` CTAP1_ERR_TIMEOUT.
    Timeout,
    /// `0x06` CTAP1_ERR_CHANNEL_BUSY.
    ChannelBusy,
    /// `0x0A` CTAP1_ERR_LOCK_REQUIRED.
    LockRequired,
    /// `0x0B` CTAP1_ERR_INVALID_CHANNEL.
    InvalidChannel,
    /// `0x11` CTAP2_ERR_CBOR_UNEXPECTED_TYPE.
    CborUnexpectedType,
    /// `0x12` CTAP2_ERR_INVALID_CBOR.
    InvalidCbor,
    /// `0x14` CTAP2_ERR_MISSING_PARAMETER.
    MissingParameter,
    /// `0x15` CTAP2_ERR_LIMIT_EXCEEDED.
    LimitExceeded,
    /// `0x17` CTAP2_ERR_FP_DATABASE_FULL.
    FpDatabaseFull,
    /// `0x18` CTAP2_ERR_LARGE_BLOB_STORAGE_FULL.
    LargeBlobStorageFull,
    /// `0x19` CTAP2_ERR_CREDENTIAL_EXCLUDED: a credential in the excludeList is on this key.
    CredentialExcluded,
    /// `0x21` CTAP2_ERR_PROCESSING.
    Processing,
    /// `0x22` CTAP2_ERR_INVALID_CREDENTIAL.
    InvalidCredential,
    /// `0x23` CTAP2_ERR_USER_ACTION_PENDING.
    UserActionPending,
    /// `0x24` CTAP2_ERR_OPERATION_PENDING.
    OperationPending,
    /// `0x25` CTAP2_ERR_NO_OPERATIONS.
    NoOperations,
    /// `0x26` CTAP2_ERR_UNSUPPORTED_ALGORITHM.
    UnsupportedAlgorithm,
    /// `0x27` CTAP2_ERR_OPERATION_DENIED: the user declined.
    OperationDenied,
    /// `0x28` CTAP2_ERR_KEY_STORE_FULL.
    KeyStoreFull,
    /// `0x2B` CTAP2_ERR_UNSUPPORTED_OPTION.
    UnsupportedOption,
    /// `0x2C` CTAP2_ERR_INVALID_OPTION.
    InvalidOption,
    /// `0x2D` CTAP2_ERR_KEEPALIVE_CANCEL: the request was cancelled (CTAPHID_CANCEL).
    KeepaliveCancel,
    /// `0x2E` CTAP2_ERR_NO_CREDENTIALS: no credential for this RP (in the allowList).
    NoCredentials,
    /// `0x2F` CTAP2_ERR_USER_ACTION_TIMEOUT: nobody touched the key in time.
    UserActionTimeout,
    /// `0x30` CTAP2_ERR_NOT_ALLOWED.
    NotAllowed,
    /// `0x31` CTAP2_ERR_PIN_INVALID: wrong PIN (one retry spent).
    PinInvalid,
    /// `0x32` CTAP2_ERR_PIN_BLOCKED: no PIN retries left; only a reset helps.
    PinBlocked,
    /// `0x33` CTAP2_ERR_PIN_AUTH_INVALID: the pinUvAuthParam did not verify.
    PinAuthInvalid,
    /// `0x34` CTAP2_ERR_PIN_AUTH_BLOCKED: too many consecutive wrong PINs; power-cycle the key.
    PinAuthBlocked,
    /// `0x35` CTAP2_ERR_PIN_NOT_SET.
    PinNotSet,
    /// `0x36` CTAP2_ERR_PUAT_REQUIRED (PIN_REQUIRED in CTAP 2.0): a pinUvAuthToken is needed.
    PuatRequired,
    /// `0x37` CTAP2_ERR_PIN_POLICY_VIOLATION.
    PinPolicyViolation,
    /// `0x39` CTAP2_ERR_REQUEST_TOO_LARGE.
    RequestTooLarge,
    /// `0x3A` CTAP2_ERR_ACTION_TIMEOUT.
    ActionTimeout,
    /// `0x3B` CTAP2_ERR_UP_REQUIRED.
    UpRequired,
    /// `0x3C` CTAP2_ERR_UV_BLOCKED.
    UvBlocked,
    /// `0x3D` CTAP2_ERR_INTEGRITY_FAILURE.
    IntegrityFailure,
    /// `0x3E` CTAP2_ERR_INVALID_SUBCOMMAND.
    InvalidSubcommand,
    /// `0x3F` CTAP2_ERR_UV_INVALID.
    UvInvalid,
    /// `0x40` CTAP2_ERR_UNAUTHORIZED_PERMISSION.
    UnauthorizedPermission,
    /// `0x7F` CTAP1_ERR_OTHER.
    OtherError,
    /// `0xDF` CTAP2_ERR_SPEC_LAST.
    SpecLast,
    /// `0xE0..=0xEF`: an extension-specific error.
    Extension(u8),
    /// `0xF0..=0xFF`: a vendor-specific error.
    Vendor(u8),
    /// Any other byte, kept as it was.
    Other(u8),
}

/// The named codes and their bytes, in one table so that decoding and encoding cannot drift.
const NAMED: [(u8, StatusCode); 47] = [
    (0x00, StatusCode::Ok),
    (0x01, StatusCode::InvalidCommand),
    (0x02, StatusCode::InvalidParameter),
    (0x03, StatusCode::InvalidLength),
    (0x04, StatusCode::InvalidSeq),
    (0x05, StatusCode::Timeout),
    (0x06, StatusCode::ChannelBusy),
    (0x0A, StatusCode::LockRequired),
    (0x0B, StatusCode::InvalidChannel),
    (0x11, StatusCode::CborUnexpectedType),
    (0x12, StatusCode::InvalidCbor),
    (0x14, StatusCode::MissingParameter),
    (0x15, StatusCode::LimitExceeded),
    (0x17, StatusCode::FpDatabaseFull),
    (0x18, StatusCode::LargeBlobStorageFull),
    (0x19, StatusCode::CredentialExcluded),
    (0x21, StatusCode::Processing),
    (0x22, StatusCode::InvalidCredential),
    (0x23, StatusCode::UserActionPending),
    (0x24, StatusCode::OperationPending),
    (0x25, StatusCode::NoOperations),
    (0x26, StatusCode::UnsupportedAlgorithm),
    (0x27, StatusCode::OperationDenied),
    (0x28, StatusCode::KeyStoreFull),
    (0x2B, StatusCode::UnsupportedOption),
    (0x2C, StatusCode::InvalidOption),
    (0x2D, StatusCode::KeepaliveCancel),
    (0x2E, StatusCode::NoCredentials),
    (0x2F, StatusCode::UserActionTimeout),
    (0x30, StatusCode::NotAllowed),
    (0x31, StatusCode::PinInvalid),
    (0x32, StatusCode::PinBlocked),
    (0x33, StatusCode::PinAuthInvalid),
    (0x34, StatusCode::PinAuthBlocked),
    (0x35, StatusCode::PinNotSet),
    (0x36, StatusCode::PuatRequired),
    (0x37, StatusCode::PinPolicyViolation),
    (0x39, StatusCode::RequestTooLarge),
    (0x3A, StatusCode::ActionTimeout),
    (0x3B, StatusCode::UpRequired),
    (0x3C, StatusCode::UvBlocked),
    (0x3D, StatusCode::IntegrityFailure),
    (0x3E, StatusCode::InvalidSubcommand),
    (0x3F, StatusCode::UvInvalid),
    (0x40, StatusCode::UnauthorizedPermission),
    (0x7F, StatusCode::OtherError),
    (0xDF, StatusCode::SpecLast),
];

impl StatusCode {
    /// Decodes a status byte.
    pub fn from_u8(byte: u8) -> Self {
        if let Some((_, code)) = NAMED.iter().find(|(b, _)| *b == byte) {
            return *code;
        }
        match byte {
            0xE0..=0xEF => Self::Extension(byte),
            0xF0..=0xFF => Self::Vendor(byte),
            _ => Self::Other(byte),
        }
    }

    /// The status byte.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Extension(b) | Self::Vendor(b) | Self::Other(b) => b,
            named => NAMED
                .iter()
                .find(|(_, code)| *code == named)
                .map_or(0x7F, |(b, _)| *b),
        }
    }

    /// Whether this is `CTAP2_OK`.
    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }
}

impl core::fmt::Display for StatusCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Extension(b) => write!(f, "extension error {b:#04x}"),
            Self::Vendor(b) => write!(f, "vendor error {b:#04x}"),
            Self::Other(b) => write!(f, "unknown status {b:#04x}"),
            named => write!(f, "{named:?} ({:#04x})", named.to_u8()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for byte in 0..=u8::MAX {
            assert_eq!(StatusCode::from_u8(byte).to_u8(), byte, "{byte:#04x}");
        }
    }

    #[test]
    fn named_codes_and_ranges() {
        assert_eq!(StatusCode::from_u8(0x31), StatusCode::PinInvalid);
        assert_eq!(StatusCode::from_u8(0x2D), StatusCode::KeepaliveCancel);
        assert_eq!(StatusCode::from_u8(0xE5), StatusCode::Extension(0xE5));
        assert_eq!(StatusCode::from_u8(0xF0), StatusCode::Vendor(0xF0));
        // Retired CTAP 2.0 codes are data, not errors.
        assert_eq!(StatusCode::from_u8(0x16), StatusCode::Other(0x16));
        assert_eq!(StatusCode::from_u8(0x80), StatusCode::Other(0x80));
        // The table has no duplicate bytes or codes.
        for (i, (b, c)) in NAMED.iter().enumerate() {
            for (b2, c2) in NAMED.iter().skip(i + 1) {
                assert_ne!(b, b2);
                assert_ne!(c, c2);
            }
        }
    }
}
