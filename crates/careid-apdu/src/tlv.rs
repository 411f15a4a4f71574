//! A BER-TLV reader and writer for the data objects of ISO/IEC 7816-4 §6.3 (FCP/FCI templates,
//! EF.DIR application templates, PIV containers).
//!
//! Tags are up to three bytes and kept as a `u32` of their raw bytes (`0x5FC105`); lengths are
//! definite, up to three length bytes. `00` and `FF` bytes between top-level objects are padding
//! (ISO/IEC 7816-4 §6.3) and skipped. Every claimed length is checked against the bytes
//! actually present, so a hostile `82 FF FF` costs nothing; nesting is only entered on request,
//! one level at a time.

use crate::error::TlvError;

/// One data object: its tag and a borrowed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    tag: u32,
    value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The tag, as its raw bytes in a `u32` (`0x4F`, `0x5FC105`).
    pub const fn tag(&self) -> u32 {
        self.tag
    }

    /// The value bytes.
    pub const fn value(&self) -> &'a [u8] {
        self.value
    }

    /// Whether the tag says the value is itself a sequence of data objects (bit 6 of the
    /// first tag byte).
    pub const fn is_constructed(&self) -> bool {
        first_tag_byte(self.tag) & 0x20 != 0
    }

    /// The data objects inside a constructed value.
    pub fn children(&self) -> TlvIter<'a> {
        TlvIter::new(self.value)
    }

    /// The first child with `tag`, if any.
    pub fn child(&self, tag: u32) -> Result<Option<Tlv<'a>>, TlvError> {
        find(self.value, tag)
    }
}

const fn first_tag_byte(tag: u32) -> u8 {
    let bytes = tag.to_be_bytes();
    if bytes[0] != 0 {
        bytes[0]
    } else if bytes[1] != 0 {
        bytes[1]
    } else if bytes[2] != 0 {
        bytes[2]
    } else {
        bytes[3]
    }
}

/// An iterator over the data objects in a byte string. It stops after the first error.
#[derive(Debug, Clone)]
pub struct TlvIter<'a> {
    input: &'a [u8],
    offset: usize,
    failed: bool,
}

impl<'a> TlvIter<'a> {
    /// Iterates over the data objects in `input`.
    pub const fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            offset: 0,
            failed: false,
        }
    }
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        // Skip inter-object padding.
        while let Some(b) = self.input.get(self.offset) {
            if *b == 0x00 || *b == 0xFF {
                self.offset += 1;
            } else {
                break;
            }
        }
        if self.offset >= self.input.len() {
            return None;
        }
        match parse_at(self.input, self.offset) {
            Ok((tlv, next)) => {
                self.offset = next;
                Some(Ok(tlv))
            }
            Err(err) => {
                self.failed = true;
                Some(Err(err))
            }
        }
    }
}

/// Parses the data object at `offset`, returning it and the offset just past it.
fn parse_at(input: &[u8], offset: usize) -> Result<(Tlv<'_>, usize), TlvError> {
    let byte = |i: usize| input.get(i).copied();
    let start = offset;
    let first = byte(offset).ok_or(TlvError::TruncatedTag { offset: start })?;
    let mut tag = u32::from(first);
    let mut pos = offset + 1;
    if first & 0x1F == 0x1F {
        // Subsequent tag bytes: bit 8 set means another follows (ISO/IEC 8825-1 §8.1.2.4).
        loop {
            let b = byte(pos).ok_or(TlvError::TruncatedTag { offset: start })?;
            pos += 1;
            if pos - start > 3 {
                return Err(TlvError::TagTooLong { offset: start });
            }
            tag = (tag << 8) | u32::from(b);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let len_offset = pos;
    let l0 = byte(pos).ok_or(TlvError::TruncatedLength { offset: len_offset })?;
    pos += 1;
    let len = if l0 < 0x80 {
        usize::from(l0)
    } else {
        let n = usize::from(l0 & 0x7F);
        if n == 0 || n > 3 {
            return Err(TlvError::BadLength { offset: len_offset });
        }
        let mut len = 0_usize;
        for _ in 0..n {
            let b = byte(pos).ok_or(TlvError::TruncatedLength { offset: len_offset })?;
            pos += 1;
            len = (len << 8) | usize::from(b);
        }
        len
    };
    let available = input.len().saturating_sub(pos);
    let value = input
        .get(pos..pos.saturating_add(len))
        .ok_or(TlvError::ValueOverrun {
            offset: pos,
            len,
            available,
        })?;
    Ok((Tlv { tag, value }, pos + len))
}

/// Parses exactly one data object that fills `input` (padding after it is allowed).
pub fn parse_one(input: &[u8]) -> Result<Tlv<'_>, TlvError> {
    let mut iter = TlvIter::new(input);
    match iter.next() {
        Some(Ok(tlv)) => match iter.next() {
            None => Ok(tlv),
            Some(Err(err)) => Err(err),
            Some(Ok(extra)) => Err(TlvError::ValueOverrun {
                offset: input.len(),
                len: extra.value.len(),
                available: 0,
            }),
        },
        Some(Err(err)) => Err(err),
        None => Err(TlvError::TruncatedTag { offset: 0 }),
    }
}

/// The first top-level data object with `tag`, parsing (and validating) only up to it.
pub fn find(input: &[u8], tag: u32) -> Result<Option<Tlv<'_>>, TlvError> {
    for tlv in TlvIter::new(input) {
        let tlv = tlv?;
        if tlv.tag == tag {
            return Ok(Some(tlv));
        }
    }
    Ok(None)
}

/// Follows a path of tags from the top level: `find_path(fcp, &[0x62, 0x80])`. The work is
/// bounded by the path length and the input size.
pub fn find_path<'a>(input: &'a [u8], path: &[u32]) -> Result<Option<Tlv<'a>>, TlvError> {
    let mut current: Option<Tlv<'a>> = None;
    let mut scope = input;
    for tag in path {
        match find(scope, *tag)? {
            Some(tlv) => {
                scope = tlv.value;
                current = Some(tlv);
            }
            None => return Ok(None),
        }
    }
    Ok(current)
}

/// Appends the encoding of one data object: tag bytes, minimal definite length, value.
///
/// Fails only for values of 16 MiB or more, which no card structure has.
pub fn write(out: &mut Vec<u8>, tag: u32, value: &[u8]) -> Result<(), TlvError> {
    let tag_bytes = tag.to_be_bytes();
    let skip = tag_bytes.iter().position(|b| *b != 0).unwrap_or(3);
    out.extend_from_slice(tag_bytes.get(skip..).unwrap_or(&[0]));
    let len = value.len();
    let len_bytes = u32::try_from(len)
        .map_err(|_| TlvError::BadLength { offset: out.len() })?
        .to_be_bytes();
    match len {
        0..=0x7F => out.extend_from_slice(len_bytes.get(3..).unwrap_or_default()),
        0x80..=0xFF => {
            out.push(0x81);
            out.extend_from_slice(len_bytes.get(3..).unwrap_or_default());
        }
        0x100..=0xFFFF => {
            out.push(0x82);
            out.extend_from_slice(len_bytes.get(2..).unwrap_or_default());
        }
        0x1_0000..=0xFF_FFFF => {
            out.push(0x83);
            out.extend_from_slice(len_bytes.get(1..).unwrap_or_default());
        }
        _ => return Err(TlvError::BadLength { offset: out.len() }),
    }
    out.extend_from_slice(value);
    Ok(())
}

/// The encoding of one data object as a new vector.
pub fn encode(tag: u32, value: &[u8]) -> Result<Vec<u8>, TlvError> {
    let mut out = Vec::with_capacity(value.len() + 8);
    write(&mut out, tag, value)?;
    Ok(out)
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
    fn ef_dir_record_from_the_design() {
        // SMARTCARD.md §3.4 EF.DIR.
        let mut record = hex("61 25 4F 0C A0 00 00 00 63 50 4B 43 53 2D 31 35 50 0F");
        record.extend_from_slice(b"Virtual PKCS#15");
        record.extend_from_slice(&hex("51 04 3F 00 50 15"));
        let app = parse_one(&record).unwrap();
        assert_eq!(app.tag(), 0x61);
        assert!(app.is_constructed());
        assert_eq!(
            app.child(0x50).unwrap().unwrap().value(),
            b"Virtual PKCS#15"
        );
        assert_eq!(
            find_path(&record, &[0x61, 0x51]).unwrap().unwrap().value(),
            &hex("3F 00 50 15")[..]
        );
        assert_eq!(app.children().count(), 3);
    }

    #[test]
    fn piv_certificate_container_with_three_byte_tag() {
        // SP 800-73-4 Part 1 §3.3: 53 { 70 cert, 71 01 00, FE 00 } inside GET DATA.
        let mut data = Vec::new();
        let cert = vec![0x30; 300];
        let mut inner = encode(0x70, &cert).unwrap();
        inner.extend_from_slice(&hex("71 01 00 FE 00"));
        write(&mut data, 0x53, &inner).unwrap();
        assert_eq!(&data[..4], &hex("53 82 01 35")[..]);
        assert_eq!(
            find_path(&data, &[0x53, 0x70])
                .unwrap()
                .unwrap()
                .value()
                .len(),
            300
        );
        let tagged = encode(0x5FC105, b"x").unwrap();
        assert_eq!(tagged, hex("5F C1 05 01 78"));
        assert_eq!(parse_one(&tagged).unwrap().tag(), 0x5FC105);
    }

    #[test]
    fn hostile_inputs_give_typed_errors() {
        assert_eq!(
            parse_one(&hex("53 82 FF FF 01")),
            Err(TlvError::ValueOverrun {
                offset: 4,
                len: 0xFFFF,
                available: 1
            })
        );
        assert_eq!(
            parse_one(&hex("53 80 00")),
            Err(TlvError::BadLength { offset: 1 })
        );
        assert_eq!(
            parse_one(&hex("53 84 00 00 00 01")),
            Err(TlvError::BadLength { offset: 1 })
        );
        assert_eq!(
            parse_one(&hex("5F")),
            Err(TlvError::TruncatedTag { offset: 0 })
        );
        assert_eq!(
            parse_one(&hex("5F C1 85 81 01 00")),
            Err(TlvError::TagTooLong { offset: 0 })
        );
        assert_eq!(
            parse_one(&hex("53")),
            Err(TlvError::TruncatedLength { offset: 1 })
        );
        assert_eq!(
            parse_one(&hex("53 82 01")),
            Err(TlvError::TruncatedLength { offset: 1 })
        );
        // Deep nesting is only walked as deep as the caller's path asks.
        let mut deep = vec![0x04];
        for _ in 0..1000 {
            deep = encode(0x61, &deep).unwrap();
        }
        assert!(find_path(&deep, &[0x61, 0x61, 0x61]).unwrap().is_some());
    }

    #[test]
    fn padding_is_skipped() {
        let data = hex("00 FF 4F 01 AA FF FF 00");
        let all: Vec<_> = TlvIter::new(&data).collect::<Result<_, _>>().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].value(), &[0xAA]);
    }
}
