//! Canonical CBOR, the CTAP2 way (CTAP 2.1 §8 "Message Encoding",
//! `#ctap2-canonical-cbor-encoding-form`; RFC 8949 §4.2.3 length-first ordering).
//!
//! The decoder is strict, because every byte inside authenticatorData is signed and because
//! two parsers that disagree about one encoding are an attack surface: integers and lengths in
//! shortest form, no indefinite lengths, no tags, no simple values other than `false`, `true`
//! and `null`, text that is UTF-8, map keys in canonical order (which also forbids duplicates),
//! a nesting limit, and nothing after the item. Floats are taken as they are (the spec leaves
//! them unchanged). The encoder always produces this form.

use crate::error::{CborError, CborErrorKind};
use ciborium::value::{Integer, Value};
use core::cmp::Ordering;
use std::collections::BTreeSet;

/// The default nesting limit for arrays and maps (FIDO.md §3: 8; CTAP messages use at most 4).
pub const MAX_DEPTH: usize = 8;

/// How map keys must be ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyOrder {
    /// CTAP2 canonical order: by major type, then encoded length, then bytewise (which also
    /// forbids duplicates). For everything an authenticator sends.
    Canonical,
    /// Any order, but no duplicate keys. For an attestationObject that a client platform (a
    /// browser) re-encoded.
    AnyUnique,
}

/// Decoder settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// How map keys must be ordered.
    pub key_order: KeyOrder,
    /// The deepest nesting of arrays and maps allowed (the top-level item is depth 1).
    pub max_depth: usize,
}

impl DecodeOptions {
    /// CTAP2 canonical form with the default nesting limit.
    pub const CANONICAL: Self = Self {
        key_order: KeyOrder::Canonical,
        max_depth: MAX_DEPTH,
    };
    /// Canonical form except key order (duplicates are still refused).
    pub const ANY_KEY_ORDER: Self = Self {
        key_order: KeyOrder::AnyUnique,
        max_depth: MAX_DEPTH,
    };
}

/// Decodes exactly one canonical CBOR item: trailing bytes are an error.
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    decode_with(bytes, DecodeOptions::CANONICAL)
}

/// Decodes exactly one CBOR item with the given options: trailing bytes are an error.
pub fn decode_with(bytes: &[u8], options: DecodeOptions) -> Result<Value, CborError> {
    let (value, used) = decode_prefix(bytes, options)?;
    if used != bytes.len() {
        return Err(CborError {
            offset: used,
            kind: CborErrorKind::TrailingBytes,
        });
    }
    Ok(value)
}

/// Decodes one CBOR item from the start of `bytes` and says how many bytes it used (the
/// credential public key inside authenticatorData ends where its encoding ends).
pub fn decode_prefix(bytes: &[u8], options: DecodeOptions) -> Result<(Value, usize), CborError> {
    let mut decoder = Decoder {
        bytes,
        pos: 0,
        options,
    };
    let value = decoder.item(1)?;
    Ok((value, decoder.pos))
}

/// Encodes a value in CTAP2 canonical form: shortest integers and lengths, map keys sorted
/// (major type, encoded length, bytes), floats as 64-bit.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

/// Compares two encoded map keys in CTAP2 canonical order.
pub fn canonical_key_order(a: &[u8], b: &[u8]) -> Ordering {
    let major = |k: &[u8]| k.first().map(|b| b >> 5);
    major(a)
        .cmp(&major(b))
        .then(a.len().cmp(&b.len()))
        .then(a.cmp(b))
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    options: DecodeOptions,
}

/// The argument of an item head, or what else the head says.
enum Arg {
    Value(u64),
    Float(f64),
}

impl Decoder<'_> {
    fn err(&self, offset: usize, kind: CborErrorKind) -> CborError {
        CborError { offset, kind }
    }

    fn take(&mut self, n: usize, at: usize) -> Result<&[u8], CborError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(CborError {
                offset: at,
                kind: CborErrorKind::Truncated,
            })?;
        let slice = self.bytes.get(self.pos..end).ok_or(CborError {
            offset: at,
            kind: CborErrorKind::Truncated,
        })?;
        self.pos = end;
        Ok(slice)
    }

    fn uint(&mut self, n: usize, at: usize) -> Result<u64, CborError> {
        let bytes = self.take(n, at)?;
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// Reads an item head: (major type, argument).
    fn head(&mut self) -> Result<(u8, Arg), CborError> {
        let at = self.pos;
        let initial = *self
            .bytes
            .get(at)
            .ok_or(self.err(at, CborErrorKind::Truncated))?;
        self.pos += 1;
        let major = initial >> 5;
        let info = initial & 0x1F;
        if major == 7 {
            let arg = match info {
                20..=22 => Arg::Value(u64::from(info)),
                25 => {
                    let bits = self.uint(2, at)?;
                    Arg::Float(f16_to_f64(u16::try_from(bits).unwrap_or(0)))
                }
                26 => {
                    let bits = self.uint(4, at)?;
                    Arg::Float(f64::from(f32::from_bits(u32::try_from(bits).unwrap_or(0))))
                }
                27 => Arg::Float(f64::from_bits(self.uint(8, at)?)),
                31 => return Err(self.err(at, CborErrorKind::IndefiniteLength)),
                28..=30 => return Err(self.err(at, CborErrorKind::ReservedAdditionalInfo)),
                _ => return Err(self.err(at, CborErrorKind::UnsupportedSimpleValue)),
            };
            return Ok((major, arg));
        }
        let (value, minimum) = match info {
            0..=23 => (u64::from(info), 0),
            24 => (self.uint(1, at)?, 24),
            25 => (self.uint(2, at)?, 0x100),
            26 => (self.uint(4, at)?, 0x1_0000),
            27 => (self.uint(8, at)?, 0x1_0000_0000),
            31 => return Err(self.err(at, CborErrorKind::IndefiniteLength)),
            _ => return Err(self.err(at, CborErrorKind::ReservedAdditionalInfo)),
        };
        if value < minimum {
            return Err(self.err(at, CborErrorKind::NonMinimalEncoding));
        }
        Ok((major, Arg::Value(value)))
    }

    /// A length argument as usize, checked against what is left (so a claimed length can never
    /// make the decoder allocate more than the input size).
    fn length(&self, arg: u64, per_item: usize, at: usize) -> Result<usize, CborError> {
        let left = self.bytes.len().saturating_sub(self.pos);
        usize::try_from(arg)
            .ok()
            .filter(|n| n.saturating_mul(per_item) <= left)
            .ok_or(self.err(at, CborErrorKind::Truncated))
    }

    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        let at = self.pos;
        let (major, arg) = self.head()?;
        let arg = match arg {
            Arg::Float(f) => return Ok(Value::Float(f)),
            Arg::Value(v) => v,
        };
        match major {
            0 => Ok(Value::Integer(Integer::from(arg))),
            1 => {
                let n = -1i128 - i128::from(arg);
                Integer::try_from(n)
                    .map(Value::Integer)
                    .map_err(|_| self.err(at, CborErrorKind::IntegerOverflow))
            }
            2 => {
                let len = self.length(arg, 1, at)?;
                Ok(Value::Bytes(self.take(len, at)?.to_vec()))
            }
            3 => {
                let len = self.length(arg, 1, at)?;
                let bytes = self.take(len, at)?;
                core::str::from_utf8(bytes)
                    .map(|s| Value::Text(s.to_owned()))
                    .map_err(|_| self.err(at, CborErrorKind::InvalidUtf8))
            }
            4 => {
                self.check_depth(depth, at)?;
                let count = self.length(arg, 1, at)?;
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.item(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            5 => {
                self.check_depth(depth, at)?;
                let count = self.length(arg, 2, at)?;
                let mut entries = Vec::with_capacity(count);
                let mut previous: Option<(usize, usize)> = None;
                let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
                for _ in 0..count {
                    let key_start = self.pos;
                    let key = self.item(depth + 1)?;
                    let key_end = self.pos;
                    let encoded = self.bytes.get(key_start..key_end).unwrap_or(&[]);
                    match self.options.key_order {
                        KeyOrder::Canonical => {
                            if let Some((s, e)) = previous {
                                let prev = self.bytes.get(s..e).unwrap_or(&[]);
                                match canonical_key_order(prev, encoded) {
                                    Ordering::Less => {}
                                    Ordering::Equal => {
                                        return Err(
                                            self.err(key_start, CborErrorKind::DuplicateKey)
                                        );
                                    }
                                    Ordering::Greater => {
                                        return Err(
                                            self.err(key_start, CborErrorKind::UnsortedKeys)
                                        );
                                    }
                                }
                            }
                            previous = Some((key_start, key_end));
                        }
                        KeyOrder::AnyUnique => {
                            if !seen.insert(encoded) {
                                return Err(self.err(key_start, CborErrorKind::DuplicateKey));
                            }
                        }
                    }
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Ok(Value::Map(entries))
            }
            6 => Err(self.err(at, CborErrorKind::Tag)),
            // Major type 7 with a value argument: false, true, null.
            _ => match arg {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                _ => Ok(Value::Null),
            },
        }
    }

    fn check_depth(&self, depth: usize, at: usize) -> Result<(), CborError> {
        if depth > self.options.max_depth {
            Err(self.err(
                at,
                CborErrorKind::TooDeep {
                    limit: self.options.max_depth,
                },
            ))
        } else {
            Ok(())
        }
    }
}

/// IEEE 754 half precision to double (exact).
fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1F);
    let fraction = f64::from(bits & 0x3FF);
    match exponent {
        0 => sign * fraction * 2f64.powi(-24),
        31 if fraction == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => sign * (1.0 + fraction / 1024.0) * 2f64.powi(e - 15),
    }
}

fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if let Ok(small) = u8::try_from(arg) {
        if small < 24 {
            out.push(m | small);
        } else {
            out.extend_from_slice(&[m | 24, small]);
        }
    } else if let Ok(v) = u16::try_from(arg) {
        out.push(m | 25);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = u32::try_from(arg) {
        out.push(m | 26);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

fn write(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Integer(i) => {
            let n = i128::from(*i);
            if n >= 0 {
                write_head(out, 0, u64::try_from(n).unwrap_or(u64::MAX));
            } else {
                write_head(out, 1, u64::try_from(-1 - n).unwrap_or(u64::MAX));
            }
        }
        Value::Bytes(b) => {
            write_head(out, 2, len_u64(b.len()));
            out.extend_from_slice(b);
        }
        Value::Text(t) => {
            write_head(out, 3, len_u64(t.len()));
            out.extend_from_slice(t.as_bytes());
        }
        Value::Array(items) => {
            write_head(out, 4, len_u64(items.len()));
            for item in items {
                write(out, item);
            }
        }
        Value::Map(entries) => {
            let mut encoded: Vec<(Vec<u8>, Vec<u8>)> = entries
                .iter()
                .map(|(k, v)| (encode(k), encode(v)))
                .collect();
            encoded.sort_by(|(a, _), (b, _)| canonical_key_order(a, b));
            write_head(out, 5, len_u64(encoded.len()));
            for (k, v) in encoded {
                out.extend_from_slice(&k);
                out.extend_from_slice(&v);
            }
        }
        Value::Bool(false) => out.push(0xF4),
        Value::Bool(true) => out.push(0xF5),
        Value::Null => out.push(0xF6),
        Value::Float(f) => {
            out.push(0xFB);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::Tag(tag, inner) => {
            write_head(out, 6, *tag);
            write(out, inner);
        }
        // ciborium's Value is non-exhaustive; nothing else exists today.
        _ => out.push(0xF6),
    }
}

/// Small helpers for reading decoded CTAP maps.
pub(crate) mod read {
    use super::{Integer, Value};

    /// The integer key of a map entry.
    pub(crate) fn int_key(key: &Value) -> Option<i128> {
        match key {
            Value::Integer(i) => Some(i128::from(*i)),
            _ => None,
        }
    }

    pub(crate) fn as_i64(value: &Value) -> Option<i64> {
        match value {
            Value::Integer(i) => i64::try_from(*i).ok(),
            _ => None,
        }
    }

    pub(crate) fn as_u64(value: &Value) -> Option<u64> {
        match value {
            Value::Integer(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }

    pub(crate) fn as_bytes(value: &Value) -> Option<&[u8]> {
        match value {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    pub(crate) fn as_text(value: &Value) -> Option<&str> {
        match value {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn as_bool(value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn int(n: i64) -> Value {
        Value::Integer(Integer::from(n))
    }

    pub(crate) fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(hex_in: &str) -> CborErrorKind {
        decode(&hex::decode(hex_in.replace(' ', "")).unwrap())
            .unwrap_err()
            .kind
    }

    #[test]
    fn rfc8949_appendix_a_examples_round_trip() {
        // RFC 8949 Appendix A, the canonical ones among them.
        for hex_in in [
            "00",
            "17",
            "1818",
            "1903e8",
            "1a000f4240",
            "1b000000e8d4a51000",
            "20",
            "3863",
            "3903e7",
            "40",
            "4401020304",
            "60",
            "6161",
            "6449455446",
            "80",
            "83010203",
            "a0",
            "a201020304",
            "a26161016162820203",
            "f4",
            "f5",
            "f6",
            "826161a161626163",
            "3bffffffffffffffff",
            "1bffffffffffffffff",
        ] {
            let bytes = hex::decode(hex_in).unwrap();
            let value = decode(&bytes).unwrap_or_else(|e| panic!("{hex_in}: {e}"));
            assert_eq!(hex::encode(encode(&value)), hex_in);
        }
        // Floats are taken unchanged (and re-encoded as 64-bit).
        assert_eq!(
            decode(&hex::decode("f93c00").unwrap()).unwrap(),
            Value::Float(1.0)
        );
        assert_eq!(
            decode(&hex::decode("f97bff").unwrap()).unwrap(),
            Value::Float(65504.0)
        );
        assert_eq!(
            decode(&hex::decode("fa47c35000").unwrap()).unwrap(),
            Value::Float(100000.0)
        );
        assert_eq!(
            decode(&hex::decode("f90001").unwrap()).unwrap(),
            Value::Float(5.960464477539063e-8)
        );
    }

    #[test]
    fn non_canonical_forms_are_refused() {
        assert_eq!(err("1817"), CborErrorKind::NonMinimalEncoding);
        assert_eq!(err("190017"), CborErrorKind::NonMinimalEncoding);
        assert_eq!(err("5801ff"), CborErrorKind::NonMinimalEncoding);
        assert_eq!(err("1c"), CborErrorKind::ReservedAdditionalInfo);
        assert_eq!(err("5f41ff"), CborErrorKind::IndefiniteLength);
        assert_eq!(err("9fff"), CborErrorKind::IndefiniteLength);
        assert_eq!(err("c11a514b67b0"), CborErrorKind::Tag);
        assert_eq!(err("f7"), CborErrorKind::UnsupportedSimpleValue);
        assert_eq!(err("f820"), CborErrorKind::UnsupportedSimpleValue);
        assert_eq!(err("62c328"), CborErrorKind::InvalidUtf8);
        assert_eq!(err("a202000100"), CborErrorKind::UnsortedKeys);
        assert_eq!(err("a201000100"), CborErrorKind::DuplicateKey);
        // Length-first: 0x18 0x18 (24) sorts after 0x17 (23), and -1 after every unsigned.
        assert_eq!(err("a2181800170a"), CborErrorKind::UnsortedKeys);
        assert_eq!(err("a2200001 00"), CborErrorKind::UnsortedKeys);
        assert_eq!(err("a26162006161 00"), CborErrorKind::UnsortedKeys);
        assert_eq!(err("0000"), CborErrorKind::TrailingBytes);
        assert_eq!(err("43 0102"), CborErrorKind::Truncated);
        assert_eq!(err("9b ffffffffffffffff"), CborErrorKind::Truncated);
        assert_eq!(err(""), CborErrorKind::Truncated);
        assert_eq!(
            err("81818181818181818101"),
            CborErrorKind::TooDeep { limit: MAX_DEPTH }
        );
        assert!(decode(&hex::decode("818181818181818101").unwrap()).is_ok());
        // Relaxed key order still refuses duplicates.
        let relaxed = |h: &str| decode_with(&hex::decode(h).unwrap(), DecodeOptions::ANY_KEY_ORDER);
        assert!(relaxed("a202000100").is_ok());
        assert_eq!(
            relaxed("a201000100").unwrap_err().kind,
            CborErrorKind::DuplicateKey
        );
    }

    #[test]
    fn encoder_sorts_map_keys_canonically() {
        let map = Value::Map(vec![
            (read::text("uv"), Value::Bool(true)),
            (read::int(-1), read::int(1)),
            (read::int(24), read::int(2)),
            (read::text("rk"), Value::Bool(false)),
            (read::int(3), read::int(3)),
        ]);
        let bytes = encode(&map);
        assert_eq!(hex::encode(&bytes), "a50303181802200162726bf4627576f5");
        assert!(decode(&bytes).is_ok());
    }
}
