//! Status words (ISO/IEC 7816-4 §5.6).

/// A status word `SW1 SW2`, decoded totally: every `u16` maps to exactly one variant and back
/// ([`StatusWord::from_u16`] / [`StatusWord::to_u16`] round-trip for all 65536 values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusWord {
    /// `9000`: normal processing.
    Success,
    /// `61xx`: `xx` more bytes available with GET RESPONSE (`00` means 256 or more).
    MoreData(u8),
    /// `6Cxx`: wrong Le; resend with Le = `xx`.
    WrongLe(u8),
    /// `6282`: end of file reached before Ne bytes.
    EndOfFile,
    /// `6283`: the selected file is deactivated.
    FileDeactivated,
    /// `6300`: verification failed, no retry count given.
    VerificationFailed,
    /// `63Cx`: verification failed, `x` tries left.
    VerificationFailedTriesLeft(u8),
    /// `6700`: wrong length.
    WrongLength,
    /// `6883`: last command of a chain expected.
    LastCommandOfChainExpected,
    /// `6884`: command chaining not supported.
    ChainingNotSupported,
    /// `6982`: security status not satisfied (e.g. PIN not verified).
    SecurityStatusNotSatisfied,
    /// `6983`: authentication method blocked (e.g. PIN blocked).
    AuthenticationBlocked,
    /// `6984`: reference data not usable.
    ReferenceDataNotUsable,
    /// `6985`: conditions of use not satisfied.
    ConditionsNotSatisfied,
    /// `6A80`: incorrect parameters in the data field.
    IncorrectData,
    /// `6A81`: function not supported.
    FunctionNotSupported,
    /// `6A82`: file or application not found.
    FileNotFound,
    /// `6A86`: incorrect parameters P1-P2.
    IncorrectP1P2,
    /// `6A88`: referenced data or reference data not found.
    ReferencedDataNotFound,
    /// `6B00`: wrong parameters P1-P2 (offset outside the EF).
    WrongOffset,
    /// `6D00`: instruction code not supported.
    InsNotSupported,
    /// `6E00`: class not supported.
    ClaNotSupported,
    /// `6F00`: no precise diagnosis.
    NoPreciseDiagnosis,
    /// Any other value, kept as it was.
    Other(u16),
}

impl StatusWord {
    /// Decodes `SW1 SW2`.
    pub const fn from_u16(sw: u16) -> Self {
        let [sw1, sw2] = sw.to_be_bytes();
        match (sw1, sw2) {
            (0x90, 0x00) => Self::Success,
            (0x61, n) => Self::MoreData(n),
            (0x6C, n) => Self::WrongLe(n),
            (0x62, 0x82) => Self::EndOfFile,
            (0x62, 0x83) => Self::FileDeactivated,
            (0x63, 0x00) => Self::VerificationFailed,
            (0x63, n) if n & 0xF0 == 0xC0 => Self::VerificationFailedTriesLeft(n & 0x0F),
            (0x67, 0x00) => Self::WrongLength,
            (0x68, 0x83) => Self::LastCommandOfChainExpected,
            (0x68, 0x84) => Self::ChainingNotSupported,
            (0x69, 0x82) => Self::SecurityStatusNotSatisfied,
            (0x69, 0x83) => Self::AuthenticationBlocked,
            (0x69, 0x84) => Self::ReferenceDataNotUsable,
            (0x69, 0x85) => Self::ConditionsNotSatisfied,
            (0x6A, 0x80) => Self::IncorrectData,
            (0x6A, 0x81) => Self::FunctionNotSupported,
            (0x6A, 0x82) => Self::FileNotFound,
            (0x6A, 0x86) => Self::IncorrectP1P2,
            (0x6A, 0x88) => Self::ReferencedDataNotFound,
            (0x6B, 0x00) => Self::WrongOffset,
            (0x6D, 0x00) => Self::InsNotSupported,
            (0x6E, 0x00) => Self::ClaNotSupported,
            (0x6F, 0x00) => Self::NoPreciseDiagnosis,
            _ => Self::Other(sw),
        }
    }

    /// Decodes the two status bytes.
    pub const fn from_bytes(sw1: u8, sw2: u8) -> Self {
        Self::from_u16(u16::from_be_bytes([sw1, sw2]))
    }

    /// Encodes back to `SW1 SW2`. `VerificationFailedTriesLeft(x)` keeps the low nibble of `x`.
    pub const fn to_u16(self) -> u16 {
        match self {
            Self::Success => 0x9000,
            Self::MoreData(n) => u16::from_be_bytes([0x61, n]),
            Self::WrongLe(n) => u16::from_be_bytes([0x6C, n]),
            Self::EndOfFile => 0x6282,
            Self::FileDeactivated => 0x6283,
            Self::VerificationFailed => 0x6300,
            Self::VerificationFailedTriesLeft(n) => u16::from_be_bytes([0x63, 0xC0 | (n & 0x0F)]),
            Self::WrongLength => 0x6700,
            Self::LastCommandOfChainExpected => 0x6883,
            Self::ChainingNotSupported => 0x6884,
            Self::SecurityStatusNotSatisfied => 0x6982,
            Self::AuthenticationBlocked => 0x6983,
            Self::ReferenceDataNotUsable => 0x6984,
            Self::ConditionsNotSatisfied => 0x6985,
            Self::IncorrectData => 0x6A80,
            Self::FunctionNotSupported => 0x6A81,
            Self::FileNotFound => 0x6A82,
            Self::IncorrectP1P2 => 0x6A86,
            Self::ReferencedDataNotFound => 0x6A88,
            Self::WrongOffset => 0x6B00,
            Self::InsNotSupported => 0x6D00,
            Self::ClaNotSupported => 0x6E00,
            Self::NoPreciseDiagnosis => 0x6F00,
            Self::Other(sw) => sw,
        }
    }

    /// `SW1 SW2` as two bytes.
    pub const fn to_bytes(self) -> [u8; 2] {
        self.to_u16().to_be_bytes()
    }

    /// Whether this is `9000`.
    pub const fn is_success(self) -> bool {
        matches!(self, Self::Success)
    }
}

impl core::fmt::Display for StatusWord {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04X}", self.to_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_word_round_trips() {
        for sw in 0..=u16::MAX {
            assert_eq!(StatusWord::from_u16(sw).to_u16(), sw, "{sw:04X}");
        }
    }

    #[test]
    fn named_meanings_from_the_design_table() {
        // SMARTCARD.md §1.
        assert_eq!(StatusWord::from_u16(0x9000), StatusWord::Success);
        assert_eq!(StatusWord::from_u16(0x611A), StatusWord::MoreData(0x1A));
        assert_eq!(StatusWord::from_u16(0x6C10), StatusWord::WrongLe(0x10));
        assert_eq!(
            StatusWord::from_u16(0x63C2),
            StatusWord::VerificationFailedTriesLeft(2)
        );
        assert_eq!(
            StatusWord::from_u16(0x63C0),
            StatusWord::VerificationFailedTriesLeft(0)
        );
        assert_eq!(StatusWord::from_u16(0x6300), StatusWord::VerificationFailed);
        assert_eq!(
            StatusWord::from_u16(0x6983),
            StatusWord::AuthenticationBlocked
        );
        assert_eq!(StatusWord::from_u16(0x6A82), StatusWord::FileNotFound);
        assert_eq!(StatusWord::from_u16(0x6310), StatusWord::Other(0x6310));
        assert_eq!(StatusWord::from_u16(0x6A82).to_string(), "6A82");
    }
}
