//! Card commands shared by both profiles: SELECT, READ BINARY, VERIFY and friends
//! (ISO/IEC 7816-4 §11), with status words mapped to careid errors.

use crate::error::{Operation, Structure};
use crate::{Error, Pin};
use careid_apdu::{CardChannel, CardTransport, Command, Response, StatusWord, TransportError, tlv};

/// The file size and kind from an FCP/FCI template (ISO/IEC 7816-4 §7.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileInfo {
    pub(crate) size: Option<usize>,
}

/// The most bytes careid reads from one EF.
pub(crate) const MAX_FILE_SIZE: usize = 65535;

pub(crate) struct Card<T> {
    pub(crate) channel: CardChannel<T>,
    /// Set when the transport reported a reset: PIN state on the card is gone.
    pub(crate) reset_seen: bool,
}

impl<T: CardTransport> Card<T> {
    pub(crate) fn new(transport: T) -> Self {
        Self {
            channel: CardChannel::new(transport),
            reset_seen: false,
        }
    }

    /// Sends a command, noting resets.
    pub(crate) fn send(&mut self, cmd: &Command) -> Result<Response, Error> {
        let result = self.channel.transmit(cmd);
        if self.channel.transport_mut().take_reset() {
            self.reset_seen = true;
        }
        match result {
            Err(careid_apdu::Error::Transport(TransportError::CardReset)) => {
                self.reset_seen = true;
                Err(Error::PinStateLost)
            }
            other => Ok(other?),
        }
    }

    /// Sends a command and requires `9000`.
    pub(crate) fn ok(&mut self, operation: Operation, cmd: &Command) -> Result<Vec<u8>, Error> {
        let r = self.send(cmd)?;
        r.success().map_err(|sw| Error::Card { operation, sw })
    }

    pub(crate) fn select_aid(&mut self, aid: &[u8]) -> Result<Response, Error> {
        self.send(
            &Command::new(0x00, 0xA4, 0x04, 0x00)
                .with_data(aid.to_vec())
                .with_ne(256),
        )
    }

    /// SELECT by path from the MF (`00 A4 08 04`, FCP requested). `path` is absolute: it
    /// starts with `3F00`.
    pub(crate) fn select_path(&mut self, path: &[u8]) -> Result<FileInfo, Error> {
        let cmd = match path {
            [0x3F, 0x00] => Command::new(0x00, 0xA4, 0x00, 0x04)
                .with_data(vec![0x3F, 0x00])
                .with_ne(256),
            [0x3F, 0x00, rest @ ..] if !rest.is_empty() && rest.len().is_multiple_of(2) => {
                Command::new(0x00, 0xA4, 0x08, 0x04)
                    .with_data(rest.to_vec())
                    .with_ne(256)
            }
            _ => {
                return Err(Error::Malformed {
                    structure: Structure::Path,
                });
            }
        };
        let fcp = self.ok(Operation::Select, &cmd)?;
        parse_fcp(&fcp)
    }

    /// Reads a transparent EF (already selected) of `size` bytes, or to its end.
    pub(crate) fn read_binary(&mut self, size: Option<usize>) -> Result<Vec<u8>, Error> {
        let extended = self.channel.options().extended_length
            && self.channel.transport().supports_extended_length();
        let chunk = if extended { 65535 } else { 256 };
        let total = size.unwrap_or(MAX_FILE_SIZE).min(MAX_FILE_SIZE);
        let mut out = Vec::with_capacity(size.unwrap_or(1024).min(MAX_FILE_SIZE));
        while out.len() < total {
            let offset = u16::try_from(out.len()).map_err(|_| Error::Malformed {
                structure: Structure::Fcp,
            })?;
            if offset > 0x7FFF {
                break; // 15-bit offsets only (ISO/IEC 7816-4 §11.3.3, P1 b8 = 0).
            }
            let want = (total - out.len()).min(chunk);
            let [p1, p2] = offset.to_be_bytes();
            let r = self.send(&Command::new(0x00, 0xB0, p1, p2).with_ne(want))?;
            match r.sw {
                StatusWord::Success | StatusWord::EndOfFile => {
                    let got = r.data.len();
                    out.extend_from_slice(&r.data);
                    if r.sw == StatusWord::EndOfFile || got == 0 || (size.is_none() && got < want) {
                        break;
                    }
                }
                StatusWord::WrongOffset if size.is_none() => break,
                sw => {
                    return Err(Error::Card {
                        operation: Operation::ReadBinary,
                        sw,
                    });
                }
            }
        }
        out.truncate(total);
        Ok(out)
    }

    /// VERIFY (ISO/IEC 7816-4 §11.5.6) with the PIN already formatted. Sent once, never
    /// retried.
    pub(crate) fn verify(&mut self, reference: u8, data: &[u8]) -> Result<(), Error> {
        let r = self.send(&Command::new(0x00, 0x20, 0x00, reference).with_data(data.to_vec()))?;
        pin_result(Operation::Verify, r.sw)
    }

    /// The empty VERIFY: only for profiles where it is a defined status query.
    pub(crate) fn verify_status(&mut self, reference: u8) -> Result<crate::PinStatus, Error> {
        let r = self.send(&Command::new(0x00, 0x20, 0x00, reference))?;
        Ok(match r.sw {
            StatusWord::Success => crate::PinStatus::Verified,
            StatusWord::VerificationFailedTriesLeft(0) | StatusWord::AuthenticationBlocked => {
                crate::PinStatus::Blocked
            }
            StatusWord::VerificationFailedTriesLeft(n) => crate::PinStatus::NotVerified {
                tries_left: Some(n),
            },
            StatusWord::VerificationFailed => crate::PinStatus::NotVerified { tries_left: None },
            sw => {
                return Err(Error::Card {
                    operation: Operation::Verify,
                    sw,
                });
            }
        })
    }

    pub(crate) fn change_reference_data(
        &mut self,
        operation: Operation,
        ins: u8,
        reference: u8,
        data: &[u8],
    ) -> Result<(), Error> {
        let r = self.send(&Command::new(0x00, ins, 0x00, reference).with_data(data.to_vec()))?;
        pin_result(operation, r.sw)
    }
}

/// Maps the answer to VERIFY / CHANGE / RESET RETRY COUNTER (SMARTCARD.md §6).
pub(crate) fn pin_result(operation: Operation, sw: StatusWord) -> Result<(), Error> {
    match sw {
        StatusWord::Success => Ok(()),
        StatusWord::VerificationFailedTriesLeft(n) => Err(Error::WrongPin {
            tries_left: Some(n),
        }),
        StatusWord::VerificationFailed => Err(Error::WrongPin { tries_left: None }),
        StatusWord::AuthenticationBlocked => Err(Error::PinBlocked),
        StatusWord::ReferenceDataNotUsable => Err(Error::PinUnusable),
        sw => Err(Error::Card { operation, sw }),
    }
}

/// Reads the size from an FCP (`62`) or FCI (`6F`) template: tag `80` (or `81`).
pub(crate) fn parse_fcp(bytes: &[u8]) -> Result<FileInfo, Error> {
    if bytes.is_empty() {
        return Ok(FileInfo { size: None });
    }
    let bad = |_| Error::Malformed {
        structure: Structure::Fcp,
    };
    let template = tlv::parse_one(bytes).map_err(bad)?;
    if template.tag() != 0x62 && template.tag() != 0x6F {
        return Err(Error::Malformed {
            structure: Structure::Fcp,
        });
    }
    let size = match template
        .child(0x80)
        .map_err(bad)?
        .or(template.child(0x81).map_err(bad)?)
    {
        Some(t) if !t.value().is_empty() && t.value().len() <= 3 => Some(
            t.value()
                .iter()
                .fold(0_usize, |acc, b| (acc << 8) | usize::from(*b)),
        ),
        Some(_) => {
            return Err(Error::Malformed {
                structure: Structure::Fcp,
            });
        }
        None => None,
    };
    Ok(FileInfo { size })
}

/// Checks a PIN against length and character rules before it is sent.
pub(crate) fn check_pin(pin: &Pin, min: usize, max: usize, digits_only: bool) -> Result<(), Error> {
    let ok_len = (min..=max).contains(&pin.len());
    let ok_chars = !digits_only || pin.as_bytes().iter().all(u8::is_ascii_digit);
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(Error::PinFormat {
            min,
            max,
            kind: if digits_only { "digit" } else { "byte" },
        })
    }
}

/// `DigestInfo` prefixes (RFC 8017 §9.2 note 1).
pub(crate) fn digest_info(hash: crate::Hash, digest: &[u8]) -> Result<Vec<u8>, Error> {
    let (prefix, len): (&[u8], usize) = match hash {
        crate::Hash::Sha256 => (
            &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            32,
        ),
        crate::Hash::Sha384 => (
            &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            48,
        ),
        crate::Hash::Sha512 => (
            &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
            64,
        ),
    };
    if digest.len() != len {
        return Err(Error::DigestLength {
            expected: len,
            actual: digest.len(),
        });
    }
    let mut out = prefix.to_vec();
    out.extend_from_slice(digest);
    Ok(out)
}

/// Converts a plain `r || s` ECDSA signature (ISO/IEC 7816-8, BSI TR-03111) to DER.
pub(crate) fn plain_to_der(sig: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = Error::Malformed {
        structure: Structure::Signature,
    };
    if sig.is_empty() || !sig.len().is_multiple_of(2) || sig.len() > 132 {
        return Err(bad);
    }
    let (r, s) = sig.split_at(sig.len() / 2);
    let int = |v: &[u8]| -> Result<Vec<u8>, Error> {
        let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
        let trimmed = v.get(start..).unwrap_or_default();
        let mut body = Vec::with_capacity(trimmed.len() + 1);
        if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
            body.push(0);
        }
        body.extend_from_slice(trimmed);
        tlv::encode(0x02, &body).map_err(|_| Error::Malformed {
            structure: Structure::Signature,
        })
    };
    let mut seq = int(r)?;
    seq.extend(int(s)?);
    tlv::encode(0x30, &seq).map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_signatures_become_der() {
        let mut plain = vec![0u8; 64];
        plain[0] = 0x80; // r needs a leading zero
        plain[32 + 31] = 0x05; // s = 5
        let der = plain_to_der(&plain).unwrap();
        assert_eq!(&der[..4], &[0x30, 0x26, 0x02, 0x21]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x05]);
        assert!(plain_to_der(&[1, 2, 3]).is_err());
    }

    #[test]
    fn fcp_sizes() {
        assert_eq!(
            parse_fcp(&[0x62, 0x04, 0x80, 0x02, 0x01, 0x2C])
                .unwrap()
                .size,
            Some(300)
        );
        assert_eq!(parse_fcp(&[0x6F, 0x00]).unwrap().size, None);
        assert!(parse_fcp(&[0x62, 0x04, 0x80, 0x02, 0x01]).is_err());
        assert!(parse_fcp(&[0x99, 0x00]).is_err());
    }
}
