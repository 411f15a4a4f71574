//! Command and response APDUs (ISO/IEC 7816-4 §5.1, ISO/IEC 7816-3 §12.1).

use crate::error::MalformedReason;
use crate::{Error, StatusWord};

/// The largest data field an APDU carries (extended Lc).
pub const MAX_DATA_LEN: usize = 65535;
/// The largest expected response length (extended Le `0000`).
pub const MAX_NE: usize = 65536;

/// A command APDU: `CLA INS P1 P2 [Lc data] [Le]`.
///
/// `ne` is the expected response length Ne (0 = no Le field; 256 encodes as short `00`, 65536
/// as extended `0000`). The four cases of ISO/IEC 7816-3 §12.1.3 follow from whether `data` is
/// empty and whether `ne` is 0.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// The data field (empty for cases 1 and 2).
    pub data: Vec<u8>,
    /// The expected response length Ne, 0 for none (cases 1 and 3).
    pub ne: usize,
}

impl Command {
    /// A case 1 command: header only.
    pub const fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            ne: 0,
        }
    }

    /// Sets the data field.
    #[must_use]
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Sets the expected response length Ne (1..=65536; 256 is the short-form maximum).
    #[must_use]
    pub fn with_ne(mut self, ne: usize) -> Self {
        self.ne = ne;
        self
    }

    /// Encodes the command. Short form is used whenever it fits; extended form only when
    /// `extended` is true (the card or profile declared support). Lengths are checked, never
    /// truncated.
    pub fn encode(&self, extended: bool) -> Result<Vec<u8>, Error> {
        let len = self.data.len();
        if len > MAX_DATA_LEN {
            return Err(Error::DataTooLong { len });
        }
        if self.ne > MAX_NE {
            return Err(Error::BadLe { ne: self.ne });
        }
        let short = len <= 255 && self.ne <= 256;
        if !short && !extended {
            return if len > 255 {
                Err(Error::NeedsExtendedLength { len })
            } else {
                Err(Error::BadLe { ne: self.ne })
            };
        }
        let mut out = Vec::with_capacity(4 + 3 + len + 3);
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if short {
            if len > 0 {
                out.push(u8::try_from(len).map_err(|_| Error::NeedsExtendedLength { len })?);
                out.extend_from_slice(&self.data);
            }
            if self.ne > 0 {
                // Ne = 256 encodes as 00.
                out.push(u8::try_from(self.ne % 256).map_err(|_| Error::BadLe { ne: self.ne })?);
            }
        } else {
            out.push(0);
            if len > 0 {
                out.extend_from_slice(
                    &u16::try_from(len)
                        .map_err(|_| Error::DataTooLong { len })?
                        .to_be_bytes(),
                );
                out.extend_from_slice(&self.data);
            }
            if self.ne > 0 {
                // Ne = 65536 encodes as 0000.
                let le =
                    u16::try_from(self.ne % 65536).map_err(|_| Error::BadLe { ne: self.ne })?;
                out.extend_from_slice(&le.to_be_bytes());
            }
        }
        Ok(out)
    }

    /// Decodes a command APDU in any of the seven encodings of ISO/IEC 7816-3 §12.1.3
    /// (cases 1, 2S, 3S, 4S, 2E, 3E, 4E). Trailing bytes and zero Lc are refused. Used by the
    /// card simulator; never panics.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let malformed = |reason| Error::MalformedCommand { reason };
        let (header, body) = bytes
            .split_first_chunk::<4>()
            .ok_or(malformed(MalformedReason::ShortHeader))?;
        let [cla, ins, p1, p2] = *header;
        let cmd = Self::new(cla, ins, p1, p2);
        let le_short = |b: u8| if b == 0 { 256 } else { usize::from(b) };
        let le_ext = |b: [u8; 2]| match u16::from_be_bytes(b) {
            0 => 65536,
            n => usize::from(n),
        };
        match body {
            [] => Ok(cmd),
            [le] => Ok(cmd.with_ne(le_short(*le))),
            [0, rest @ ..] if rest.len() >= 2 => {
                // Extended forms.
                match rest {
                    [a, b] => Ok(cmd.with_ne(le_ext([*a, *b]))),
                    [a, b, data @ ..] => {
                        let lc = usize::from(u16::from_be_bytes([*a, *b]));
                        if lc == 0 {
                            return Err(malformed(MalformedReason::ZeroLc));
                        }
                        match data.len().checked_sub(lc) {
                            Some(0) => Ok(cmd.with_data(data)),
                            Some(2) => {
                                let (payload, le) = data.split_at(lc);
                                let le: [u8; 2] = le
                                    .try_into()
                                    .map_err(|_| malformed(MalformedReason::InconsistentLength))?;
                                Ok(cmd.with_data(payload).with_ne(le_ext(le)))
                            }
                            _ => Err(malformed(MalformedReason::InconsistentLength)),
                        }
                    }
                    _ => Err(malformed(MalformedReason::InconsistentLength)),
                }
            }
            [0, ..] => Err(malformed(MalformedReason::ZeroLc)),
            [lc, data @ ..] => {
                let lc = usize::from(*lc);
                match data.len().checked_sub(lc) {
                    Some(0) => Ok(cmd.with_data(data)),
                    Some(1) => {
                        let (payload, le) = data.split_at(lc);
                        let le = le
                            .first()
                            .copied()
                            .ok_or(malformed(MalformedReason::InconsistentLength))?;
                        Ok(cmd.with_data(payload).with_ne(le_short(le)))
                    }
                    _ => Err(malformed(MalformedReason::InconsistentLength)),
                }
            }
        }
    }

    /// Whether this command carries a secret in its data field: VERIFY (`20`), CHANGE
    /// REFERENCE DATA (`24`) and RESET RETRY COUNTER (`2C`), ISO/IEC 7816-4 §11.5. Their data
    /// never reaches a log or trace.
    pub const fn carries_secret(&self) -> bool {
        is_secret_ins(self.ins)
    }
}

impl Drop for Command {
    /// The data of VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER is a PIN: wipe it.
    fn drop(&mut self) {
        if self.carries_secret() {
            zeroize::Zeroize::zeroize(&mut self.data);
        }
    }
}

pub(crate) const fn is_secret_ins(ins: u8) -> bool {
    matches!(ins, 0x20 | 0x24 | 0x2C)
}

impl core::fmt::Debug for Command {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut s = f.debug_struct("Command");
        s.field("cla", &format_args!("{:02X}", self.cla))
            .field("ins", &format_args!("{:02X}", self.ins))
            .field("p1", &format_args!("{:02X}", self.p1))
            .field("p2", &format_args!("{:02X}", self.p2));
        if self.carries_secret() {
            s.field(
                "data",
                &format_args!("[{} bytes redacted]", self.data.len()),
            );
        } else {
            s.field("data", &crate::trace::Hex(&self.data));
        }
        s.field("ne", &self.ne).finish()
    }
}

/// A response APDU: `[data] SW1 SW2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The data field.
    pub data: Vec<u8>,
    /// The status word.
    pub sw: StatusWord,
}

impl Response {
    /// A response with data and a status word.
    pub fn new(data: impl Into<Vec<u8>>, sw: StatusWord) -> Self {
        Self {
            data: data.into(),
            sw,
        }
    }

    /// Decodes `data || SW1 SW2`.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        match bytes.split_last_chunk::<2>() {
            Some((data, [sw1, sw2])) => Ok(Self {
                data: data.to_vec(),
                sw: StatusWord::from_bytes(*sw1, *sw2),
            }),
            None => Err(Error::ResponseTooShort { len: bytes.len() }),
        }
    }

    /// Encodes `data || SW1 SW2`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_bytes());
        out
    }

    /// The data if the status is `9000`, otherwise the status word as the error.
    pub fn success(self) -> Result<Vec<u8>, StatusWord> {
        if self.sw.is_success() {
            Ok(self.data)
        } else {
            Err(self.sw)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn cases_from_the_design_examples() {
        // SMARTCARD.md §3.4 and §4: SELECT PKCS#15 AID (case 4S), VERIFY status (case 1),
        // GET RESPONSE (case 2S, Le 00 = 256), PIV SELECT.
        let aid = hex("A0 00 00 00 63 50 4B 43 53 2D 31 35");
        let select = Command::new(0, 0xA4, 4, 0).with_data(aid).with_ne(256);
        assert_eq!(
            select.encode(false).unwrap(),
            hex("00 A4 04 00 0C A0 00 00 00 63 50 4B 43 53 2D 31 35 00")
        );
        assert_eq!(
            Command::new(0, 0x20, 0, 0x81).encode(false).unwrap(),
            hex("00 20 00 81")
        );
        assert_eq!(
            Command::new(0, 0xC0, 0, 0)
                .with_ne(256)
                .encode(false)
                .unwrap(),
            hex("00 C0 00 00 00")
        );
        let mse = Command::new(0, 0x22, 0x41, 0xB6).with_data(hex("80 01 02 84 01 01"));
        assert_eq!(
            mse.encode(false).unwrap(),
            hex("00 22 41 B6 06 80 01 02 84 01 01")
        );
    }

    #[test]
    fn extended_forms() {
        let data = vec![0xAB; 300];
        let cmd = Command::new(0, 0x87, 0x07, 0x9A)
            .with_data(data.clone())
            .with_ne(65536);
        assert_eq!(
            cmd.encode(false),
            Err(Error::NeedsExtendedLength { len: 300 })
        );
        let enc = cmd.encode(true).unwrap();
        assert_eq!(&enc[..7], &hex("00 87 07 9A 00 01 2C")[..]);
        assert_eq!(&enc[enc.len() - 2..], &[0, 0]);
        assert_eq!(Command::decode(&enc).unwrap(), cmd);
        assert_eq!(
            Command::new(0, 0xB0, 0, 0).with_ne(257).encode(false),
            Err(Error::BadLe { ne: 257 })
        );
        assert_eq!(
            Command::new(0, 0xB0, 0, 0)
                .with_ne(257)
                .encode(true)
                .unwrap(),
            hex("00 B0 00 00 00 01 01")
        );
        assert_eq!(
            Command::new(0, 0, 0, 0).with_ne(65537).encode(true),
            Err(Error::BadLe { ne: 65537 })
        );
        assert_eq!(
            Command::new(0, 0, 0, 0)
                .with_data(vec![0; 65536])
                .encode(true),
            Err(Error::DataTooLong { len: 65536 })
        );
    }

    #[test]
    fn decode_rejects_malformed() {
        for bad in [
            "00 A4 04",
            "00 A4 04 00 05 01 02",
            "00 A4 04 00 02 01 02 03 04",
            "00 A4 04 00 00 00",
        ] {
            assert!(Command::decode(&hex(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            Command::decode(&hex("00 A4 04 00 00 00 00 01")),
            Err(Error::MalformedCommand {
                reason: MalformedReason::ZeroLc
            })
        );
    }

    #[test]
    fn secret_data_is_redacted_in_debug() {
        let verify = Command::new(0, 0x20, 0, 0x80).with_data(b"123456\xff\xff".to_vec());
        let text = format!("{verify:?}");
        assert!(text.contains("[8 bytes redacted]"), "{text}");
        assert!(!text.contains("31"), "{text}");
    }
}
