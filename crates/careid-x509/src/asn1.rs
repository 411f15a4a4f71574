//! A thin borrowed DER reader over `der::SliceReader`: each value is read once, and the
//! certificate and CRL types keep slices of the input rather than copies.

use der::oid::ObjectIdentifier;
use der::{Tag, TagNumber};

/// Reads consecutive DER values out of one slice: strict DER (single-octet tags, definite
/// and minimal lengths), producing `der::Tag`s and `der::Error`s. The hot path decodes a
/// header in a few instructions and never allocates; anything unusual is handed to `der`.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    consumed: u32,
}

/// One decoded TLV: its identifier octet, content octets, and the whole encoding.
#[derive(Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) whole: &'a [u8],
}

/// Identifier octets of the ASN.1 types careid-x509 reads (X.690 §8.1.2).
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const ENUMERATED: u8 = 0x0a;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const NUMERIC_STRING: u8 = 0x12;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const TELETEX_STRING: u8 = 0x14;
    pub(crate) const IA5_STRING: u8 = 0x16;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const VISIBLE_STRING: u8 = 0x1a;
    pub(crate) const BMP_STRING: u8 = 0x1e;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
}

/// A "tag unexpected" error for an identifier octet.
pub(crate) fn unexpected(actual: u8, expected: Option<u8>) -> der::Error {
    match tag_of(actual) {
        Ok(actual) => actual
            .unexpected_error(expected.and_then(|e| tag_of(e).ok()))
            .into(),
        Err(e) => e,
    }
}

/// The `der::Tag` of an identifier octet, for error reports. Multi-octet (high-number) tags
/// do not occur in X.509 and are refused.
fn tag_of(byte: u8) -> der::Result<Tag> {
    Ok(match byte {
        0x01 => Tag::Boolean,
        0x02 => Tag::Integer,
        0x03 => Tag::BitString,
        0x04 => Tag::OctetString,
        0x05 => Tag::Null,
        0x06 => Tag::ObjectIdentifier,
        0x0a => Tag::Enumerated,
        0x0c => Tag::Utf8String,
        0x13 => Tag::PrintableString,
        0x14 => Tag::TeletexString,
        0x16 => Tag::Ia5String,
        0x17 => Tag::UtcTime,
        0x18 => Tag::GeneralizedTime,
        0x1e => Tag::BmpString,
        0x30 => Tag::Sequence,
        0x31 => Tag::Set,
        0x80..=0x9e => Tag::ContextSpecific {
            constructed: false,
            number: TagNumber(u32::from(byte & 0x1f)),
        },
        0xa0..=0xbe => Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(u32::from(byte & 0x1f)),
        },
        b if b & 0x1f == 0x1f => {
            return Err(der::ErrorKind::TagNumberInvalid.into());
        }
        other => {
            use der::Decode as _;
            Tag::from_der(&[other])?
        }
    })
}

impl<'a> Reader<'a> {
    #[inline]
    pub(crate) fn new(bytes: &'a [u8]) -> der::Result<Self> {
        // der's limit on input sizes (and ours): lengths fit in u32.
        u32::try_from(bytes.len()).map_err(|_| der::Error::from(der::ErrorKind::Overflow))?;
        Ok(Self {
            rest: bytes,
            consumed: 0,
        })
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    #[inline]
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    fn error(&self, kind: der::ErrorKind) -> der::Error {
        der::Error::new(kind, der::Length::new(self.consumed))
    }

    /// The next TLV, whatever its tag. Inlined everywhere: a call per TLV costs a fifth of
    /// the time spent decoding a certificate.
    #[inline(always)]
    pub(crate) fn tlv(&mut self) -> der::Result<Tlv<'a>> {
        let bytes = self.rest;
        let (&identifier, after) = bytes.split_first().ok_or_else(|| {
            self.error(der::ErrorKind::Incomplete {
                expected_len: der::Length::ONE,
                actual_len: der::Length::ZERO,
            })
        })?;
        if identifier & 0x1f == 0x1f {
            return Err(self.error(der::ErrorKind::TagNumberInvalid));
        }
        let tag = identifier;
        let (&first, after) = after.split_first().ok_or_else(|| {
            self.error(der::ErrorKind::Incomplete {
                expected_len: der::Length::new(2),
                actual_len: der::Length::ONE,
            })
        })?;
        let (len, header) = match first {
            0..=0x7f => (usize::from(first), 2),
            0x81..=0x84 => {
                let n = usize::from(first & 0x7f);
                let octets = after.get(..n).ok_or_else(|| {
                    self.error(der::ErrorKind::Length {
                        tag: tag_of(tag).unwrap_or(Tag::Null),
                    })
                })?;
                if octets.first() == Some(&0) {
                    return Err(self.error(der::ErrorKind::Length {
                        tag: tag_of(tag).unwrap_or(Tag::Null),
                    }));
                }
                let len = octets
                    .iter()
                    .fold(0_usize, |acc, b| (acc << 8) | usize::from(*b));
                // Minimal: the long form only for lengths >= 128.
                if len < 0x80 {
                    return Err(self.error(der::ErrorKind::Length {
                        tag: tag_of(tag).unwrap_or(Tag::Null),
                    }));
                }
                (len, 2 + n)
            }
            // 0x80 is BER's indefinite length; longer length fields exceed any input.
            _ => {
                return Err(self.error(der::ErrorKind::Length {
                    tag: tag_of(tag).unwrap_or(Tag::Null),
                }));
            }
        };
        let end = header
            .checked_add(len)
            .ok_or_else(|| self.error(der::ErrorKind::Overflow))?;
        let whole = bytes.get(..end).ok_or_else(|| {
            self.error(der::ErrorKind::Incomplete {
                expected_len: der::Length::new(u32::try_from(end).unwrap_or(u32::MAX)),
                actual_len: der::Length::new(u32::try_from(bytes.len()).unwrap_or(u32::MAX)),
            })
        })?;
        let value = whole.get(header..).unwrap_or_default();
        self.rest = bytes.get(end..).unwrap_or_default();
        self.consumed = self
            .consumed
            .saturating_add(u32::try_from(end).unwrap_or(u32::MAX));
        Ok(Tlv { tag, value, whole })
    }

    /// The next TLV, which must have `tag`.
    #[inline(always)]
    pub(crate) fn expect(&mut self, tag: u8) -> der::Result<Tlv<'a>> {
        let tlv = self.tlv()?;
        if tlv.tag == tag {
            Ok(tlv)
        } else {
            Err(unexpected(tlv.tag, Some(tag)))
        }
    }

    /// The content octets of the next TLV, which must have `tag`.
    #[inline(always)]
    pub(crate) fn value(&mut self, tag: u8) -> der::Result<&'a [u8]> {
        Ok(self.expect(tag)?.value)
    }

    /// The next TLV if it has `tag`.
    #[inline(always)]
    pub(crate) fn optional(&mut self, tag: u8) -> der::Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A nested SEQUENCE, as a reader over its content.
    #[inline(always)]
    pub(crate) fn sequence(&mut self) -> der::Result<Reader<'a>> {
        Reader::new(self.value(tag::SEQUENCE)?)
    }

    pub(crate) fn oid(&mut self) -> der::Result<ObjectIdentifier> {
        ObjectIdentifier::from_bytes(self.value(tag::OID)?)
            .map_err(|_| Tag::ObjectIdentifier.value_error().into())
    }

    /// The content octets of an OBJECT IDENTIFIER, checked for a well-formed encoding
    /// (X.690 §8.19: base-128 arcs, minimal, the last octet ending an arc) without decoding.
    #[inline]
    pub(crate) fn oid_bytes(&mut self) -> der::Result<&'a [u8]> {
        let bytes = self.value(tag::OID)?;
        check_oid(bytes)?;
        Ok(bytes)
    }

    /// A BOOLEAN, which DER encodes as 0x00 or 0xFF.
    pub(crate) fn boolean(&mut self) -> der::Result<bool> {
        match self.value(tag::BOOLEAN)? {
            [0x00] => Ok(false),
            [0xff] => Ok(true),
            _ => Err(Tag::Boolean.non_canonical_error().into()),
        }
    }

    /// Everything read; trailing bytes are an error.
    #[inline]
    pub(crate) fn finish(&self) -> der::Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(der::ErrorKind::TrailingData {
                decoded: der::Length::new(self.consumed),
                remaining: der::Length::new(u32::try_from(self.rest.len()).unwrap_or(u32::MAX)),
            }))
        }
    }
}

/// X.690 §8.19 OBJECT IDENTIFIER content: non-empty, no arc with a leading 0x80 octet, the
/// last octet ending an arc, at most 39 octets (const-oid's limit).
pub(crate) fn check_oid(bytes: &[u8]) -> der::Result<()> {
    let bad = || der::Error::from(Tag::ObjectIdentifier.value_error());
    match bytes.last() {
        None => return Err(bad()),
        Some(last) if last & 0x80 != 0 => return Err(bad()),
        _ => {}
    }
    if bytes.len() > 39 {
        return Err(bad());
    }
    // Every arc in one octet (2.5.4.x, 2.5.29.x): nothing more to check.
    if bytes.iter().all(|b| b & 0x80 == 0) {
        return Ok(());
    }
    let mut arc_start = true;
    for b in bytes {
        if arc_start && *b == 0x80 {
            return Err(bad());
        }
        arc_start = b & 0x80 == 0;
    }
    Ok(())
}

/// A context-specific tag `[number]`.
pub(crate) const fn context(number: u8, constructed: bool) -> u8 {
    0x80 | if constructed { 0x20 } else { 0 } | (number & 0x1f)
}

/// Parses `bytes` as exactly one TLV with `tag` and runs `f` over its content.
pub(crate) fn parse_one<'a, T>(
    bytes: &'a [u8],
    tag: u8,
    f: impl FnOnce(&mut Reader<'a>) -> der::Result<T>,
) -> der::Result<T> {
    let mut outer = Reader::new(bytes)?;
    let value = outer.value(tag)?;
    outer.finish()?;
    let mut inner = Reader::new(value)?;
    let out = f(&mut inner)?;
    inner.finish()?;
    Ok(out)
}

/// The content octets of `bytes`, which must be exactly one TLV with `tag`.
#[inline]
pub(crate) fn parse_one_primitive(bytes: &[u8], tag: u8) -> der::Result<&[u8]> {
    let mut r = Reader::new(bytes)?;
    let value = r.value(tag)?;
    r.finish()?;
    Ok(value)
}

/// The content of a DER INTEGER as an unsigned number that fits `u64` (negative values and
/// non-minimal encodings are errors).
pub(crate) fn small_uint(value: &[u8]) -> der::Result<u64> {
    let err = || der::Error::from(Tag::Integer.value_error());
    match value {
        [] => Err(err()),
        [b, ..] if b & 0x80 != 0 => Err(err()),
        [0, next, ..] if next & 0x80 == 0 => Err(Tag::Integer.non_canonical_error().into()),
        _ => {
            let digits = match value {
                [0, rest @ ..] => rest,
                all => all,
            };
            if digits.len() > 8 {
                return Err(err());
            }
            Ok(digits
                .iter()
                .fold(0_u64, |acc, b| (acc << 8) | u64::from(*b)))
        }
    }
}

/// Checks that INTEGER content octets are minimally encoded (X.690 §8.3.2).
pub(crate) fn check_integer(value: &[u8]) -> der::Result<()> {
    match value {
        [] => Err(Tag::Integer.length_error().into()),
        [0x00, next, ..] if next & 0x80 == 0 => Err(Tag::Integer.non_canonical_error().into()),
        [0xff, next, ..] if next & 0x80 != 0 => Err(Tag::Integer.non_canonical_error().into()),
        _ => Ok(()),
    }
}

/// A BIT STRING's content: (unused bits, bytes); DER requires unused bits to be zero.
pub(crate) fn bit_string(value: &[u8]) -> der::Result<(u8, &[u8])> {
    match value {
        [] => Err(Tag::BitString.length_error().into()),
        [unused, rest @ ..] => {
            if *unused > 7 || (rest.is_empty() && *unused != 0) {
                return Err(Tag::BitString.value_error().into());
            }
            if let Some(last) = rest.last() {
                let mask = (1_u16 << unused) - 1;
                if u16::from(*last) & mask != 0 {
                    return Err(Tag::BitString.non_canonical_error().into());
                }
            }
            Ok((*unused, rest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(small_uint(&[0x05]), Ok(5));
        assert_eq!(small_uint(&[0x00, 0x80]), Ok(128));
        assert!(small_uint(&[0x00, 0x05]).is_err());
        assert!(small_uint(&[0x80]).is_err());
        assert!(small_uint(&[]).is_err());
        assert!(small_uint(&[1; 9]).is_err());
        assert!(check_integer(&[0xff, 0x80]).is_err());
        assert!(check_integer(&[0xff, 0x7f]).is_ok());
    }

    #[test]
    fn bit_strings() {
        assert_eq!(bit_string(&[0x07, 0x80]), Ok((7, &[0x80_u8][..])));
        assert!(bit_string(&[0x07, 0x81]).is_err());
        assert!(bit_string(&[0x08, 0x00]).is_err());
        assert!(bit_string(&[0x01]).is_err());
        assert_eq!(bit_string(&[0x00]), Ok((0, &[][..])));
    }

    #[test]
    fn reader_rejects_ber_and_trailing_data() {
        // Indefinite length.
        assert!(Reader::new(&[0x30, 0x80, 0, 0]).unwrap().tlv().is_err());
        // Non-minimal length.
        assert!(Reader::new(&[0x04, 0x81, 0x01, 0]).unwrap().tlv().is_err());
        // Trailing data.
        assert!(parse_one(&[0x30, 0x00, 0x00], tag::SEQUENCE, |_| Ok(())).is_err());
        // Huge length.
        assert!(
            Reader::new(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff])
                .unwrap()
                .tlv()
                .is_err()
        );
    }
}
