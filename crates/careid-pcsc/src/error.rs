//! The one error type of careid-pcsc.

/// What can go wrong with PC/SC (SMARTCARD.md §7: the mapped `SCARD_*` codes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The PC/SC service (pcscd) is not running or not reachable.
    #[error("the PC/SC service is not running (start pcscd)")]
    NoService,
    /// There are no readers.
    #[error("no smartcard readers are connected")]
    NoReaders,
    /// The named reader does not exist.
    #[error("no reader with that name")]
    UnknownReader,
    /// The reader is empty.
    #[error("there is no card in the reader")]
    NoCard,
    /// The card was removed.
    #[error("the card was removed")]
    CardRemoved,
    /// The card was reset by another application; its PIN state is gone.
    #[error("the card was reset by another application")]
    CardReset,
    /// The card is not powered.
    #[error("the card is not powered")]
    Unpowered,
    /// Another application holds the card exclusively.
    #[error("another application is using the card exclusively")]
    SharingViolation,
    /// A wait timed out.
    #[error("timed out")]
    Timeout,
    /// A wait was cancelled through a [`CancelHandle`](crate::CancelHandle).
    #[error("cancelled")]
    Cancelled,
    /// A reader name that is not valid (contains a NUL byte).
    #[error("reader names cannot contain NUL bytes")]
    BadReaderName,
    /// Any other PC/SC error, with its `SCARD_*` code.
    #[error("PC/SC error {code:#010x}")]
    Pcsc {
        /// The PC/SC return code.
        code: u32,
    },
}

impl From<pcsc::Error> for Error {
    fn from(err: pcsc::Error) -> Self {
        match err {
            pcsc::Error::NoService | pcsc::Error::ServiceStopped => Self::NoService,
            pcsc::Error::NoReadersAvailable => Self::NoReaders,
            pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => Self::UnknownReader,
            pcsc::Error::NoSmartcard => Self::NoCard,
            pcsc::Error::RemovedCard => Self::CardRemoved,
            pcsc::Error::ResetCard => Self::CardReset,
            pcsc::Error::UnpoweredCard => Self::Unpowered,
            pcsc::Error::SharingViolation => Self::SharingViolation,
            pcsc::Error::Timeout => Self::Timeout,
            pcsc::Error::Cancelled => Self::Cancelled,
            // `pcsc::Error` is `#[repr(u32)]` with the SCARD_* codes as discriminants.
            #[allow(clippy::as_conversions)]
            other => Self::Pcsc { code: other as u32 },
        }
    }
}

impl From<Error> for careid_apdu::TransportError {
    fn from(err: Error) -> Self {
        match err {
            Error::NoCard => Self::NoCard,
            Error::CardRemoved => Self::CardRemoved,
            Error::CardReset => Self::CardReset,
            Error::Timeout => Self::Timeout,
            Error::Pcsc { code } => Self::Reader {
                code: i64::from(code),
            },
            other => Self::Reader {
                code: i64::from(reader_code(&other)),
            },
        }
    }
}

/// The `SCARD_*` code of an error, for transports that report numbers.
fn reader_code(err: &Error) -> u32 {
    match err {
        Error::NoService => 0x8010_001D,
        Error::NoReaders => 0x8010_002E,
        Error::UnknownReader => 0x8010_0009,
        Error::NoCard => 0x8010_000C,
        Error::CardRemoved => 0x8010_0069,
        Error::CardReset => 0x8010_0068,
        Error::Unpowered => 0x8010_0067,
        Error::SharingViolation => 0x8010_000B,
        Error::Timeout => 0x8010_000A,
        Error::Cancelled => 0x8010_0002,
        Error::BadReaderName => 0x8010_0004,
        Error::Pcsc { code } => *code,
    }
}
