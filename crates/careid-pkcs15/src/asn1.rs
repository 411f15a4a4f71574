//! PKCS#15 (ISO/IEC 7816-15, PKCS #15 v1.1) structures, decoded with `der` from borrowed
//! bytes. Every SEQUENCE here is extensible: fields careid does not use are skipped, never
//! rejected, as OpenSC's templates do (`src/libopensc/pkcs15*.c`).

use crate::error::Structure;
use der::asn1::{AnyRef, BitStringRef, OctetStringRef, Utf8StringRef};
use der::{Decode, Reader, SliceReader, Tag, TagMode, TagNumber, Tagged as _};

/// `Path ::= SEQUENCE { efidOrPath OCTET STRING, index INTEGER OPTIONAL,
///   length [0] INTEGER OPTIONAL }` (PKCS #15 v1.1 §6.1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The file id or path: 2-byte FIDs, absolute when it starts with `3F00`.
    pub path: Vec<u8>,
    /// Offset of the object in the file.
    pub index: Option<u32>,
    /// Length of the object in the file.
    pub length: Option<u32>,
}

/// `TokenInfo ::= SEQUENCE { version INTEGER, serialNumber OCTET STRING,
///   manufacturerID Label OPTIONAL, label [0] Label OPTIONAL, tokenflags TokenFlags, ... }`
/// (PKCS #15 v1.1 §6.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Version (0 for v1).
    pub version: i64,
    /// Serial number.
    pub serial_number: Vec<u8>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Token label.
    pub label: Option<String>,
    /// Token flags, bit 0 = readonly ... (MSB-first bit numbering, see [`bit`]).
    pub flags: u32,
}

/// An ODF entry: which directory file holds which kind of object (PKCS #15 v1.1 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OdfKind {
    /// `privateKeys [0]`.
    PrivateKeys,
    /// `publicKeys [1]`.
    PublicKeys,
    /// `trustedPublicKeys [2]`.
    TrustedPublicKeys,
    /// `secretKeys [3]`.
    SecretKeys,
    /// `certificates [4]`.
    Certificates,
    /// `trustedCertificates [5]`.
    TrustedCertificates,
    /// `usefulCertificates [6]`.
    UsefulCertificates,
    /// `dataObjects [7]`.
    DataObjects,
    /// `authObjects [8]`.
    AuthObjects,
}

/// PIN object attributes from the AODF (PKCS #15 v1.1 §6.8.2): `CommonObjectAttributes`,
/// `CommonAuthenticationObjectAttributes` and `PinAttributes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinObject {
    /// Label.
    pub label: Option<String>,
    /// The auth id that keys refer to.
    pub auth_id: Vec<u8>,
    /// `pinFlags` (bit 0 case-sensitive, 1 local, 2 change-disabled, 3 unblock-disabled,
    /// 4 initialized, 5 needs-padding, 6 unblockingPin, 7 soPin).
    pub flags: u32,
    /// `pinType`: 0 bcd, 1 ascii-numeric, 2 utf8, ...
    pub pin_type: u32,
    /// Minimum length.
    pub min_length: usize,
    /// Stored length (the padded length).
    pub stored_length: usize,
    /// Maximum length.
    pub max_length: Option<usize>,
    /// The VERIFY P2 (`pinReference`, with OpenSC's +256 fix for negative encodings).
    pub reference: u8,
    /// The padding byte.
    pub pad_char: Option<u8>,
}

/// Private key attributes from the PrKDF (PKCS #15 v1.1 §6.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateKeyObject {
    /// Label.
    pub label: Option<String>,
    /// The PIN guarding it (`authId`).
    pub auth_id: Option<Vec<u8>>,
    /// The id that pairs it with its certificate.
    pub id: Vec<u8>,
    /// `usage` (bit 0 encrypt, 1 decrypt, 2 sign, 3 signRecover, ..., 9 nonRepudiation).
    pub usage: u32,
    /// `keyReference`: the card's reference for MSE.
    pub key_reference: Option<u8>,
    /// RSA (`privateRSAKey`) or EC (`privateECKey [0]`).
    pub key_type: PrivateKeyType,
    /// Where the key lives (on-card path).
    pub path: Option<Path>,
}

/// The type of a PrKDF entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PrivateKeyType {
    /// RSA, with its modulus length in bits.
    Rsa {
        /// `modulusLength`.
        bits: usize,
    },
    /// Elliptic curve (the curve comes from the certificate).
    Ec,
}

/// Certificate attributes from the CDF (PKCS #15 v1.1 §6.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateObject {
    /// Label.
    pub label: Option<String>,
    /// The id that pairs it with its key.
    pub id: Vec<u8>,
    /// Whether it is a CA certificate.
    pub authority: bool,
    /// Where the certificate is.
    pub path: Path,
}

/// Reads bit `n` (MSB-first, as ASN.1 numbers named bits) of a flags word decoded from a BIT
/// STRING.
pub const fn bit(flags: u32, n: u32) -> bool {
    n < 32 && flags & (1 << n) != 0
}

/// A BIT STRING as a flags word: bit n of the string is bit n of the result.
fn bits(b: BitStringRef<'_>) -> u32 {
    let mut flags = 0_u32;
    for (i, byte) in b.raw_bytes().iter().take(4).enumerate() {
        for j in 0..8_u32 {
            if byte & (0x80 >> j) != 0 {
                let n = u32::try_from(i).unwrap_or(0) * 8 + j;
                flags |= 1 << n;
            }
        }
    }
    flags
}

type R<'a> = SliceReader<'a>;

fn malformed(structure: Structure) -> impl Fn(der::Error) -> Structure {
    move |_| structure
}

/// An ENUMERATED small enough for a `u32` (X.690 §8.4: encoded as an INTEGER).
fn enumerated(r: &mut R<'_>) -> der::Result<u32> {
    let any = AnyRef::decode(r)?;
    if any.tag() != Tag::Enumerated || any.value().is_empty() || any.value().len() > 4 {
        return Err(Tag::Enumerated.value_error().into());
    }
    Ok(any
        .value()
        .iter()
        .fold(0_u32, |acc, b| (acc << 8) | u32::from(*b)))
}

/// Skips whatever is left in a SEQUENCE (extension fields).
fn skip_rest(r: &mut R<'_>) -> der::Result<()> {
    while !r.is_finished() {
        r.tlv_bytes()?;
    }
    Ok(())
}

fn decode_path(r: &mut R<'_>) -> der::Result<Path> {
    r.sequence(|r| {
        let path = <&OctetStringRef>::decode(r)?.as_bytes().to_vec();
        let index = r.decode::<Option<u32>>()?;
        let length = r.context_specific::<u32>(TagNumber(0), TagMode::Implicit)?;
        skip_rest(r)?;
        Ok(Path {
            path,
            index,
            length,
        })
    })
}

/// Decodes a DER `Path`.
pub fn parse_path(bytes: &[u8]) -> Result<Path, Structure> {
    let mut r = SliceReader::new(bytes).map_err(malformed(Structure::Path))?;
    let p = decode_path(&mut r).map_err(malformed(Structure::Path))?;
    r.finish().map_err(malformed(Structure::Path))?;
    Ok(p)
}

/// Parses EF.ODF: a sequence of `[n] PathOrObjects` choices; only `path` is supported, as on
/// every card careid knows of (OpenSC `c_asn1_odf`). Trailing `00`/`FF` padding is ignored.
pub fn parse_odf(bytes: &[u8]) -> Result<Vec<(OdfKind, Path)>, Structure> {
    let err = malformed(Structure::Odf);
    let mut r = SliceReader::new(bytes).map_err(&err)?;
    let mut out = Vec::new();
    while !at_padding(&r) {
        let any = AnyRef::decode(&mut r).map_err(&err)?;
        let tag = any.tag();
        if !tag.is_context_specific() || !tag.is_constructed() {
            return Err(Structure::Odf);
        }
        let kind = match tag.number().value() {
            0 => OdfKind::PrivateKeys,
            1 => OdfKind::PublicKeys,
            2 => OdfKind::TrustedPublicKeys,
            3 => OdfKind::SecretKeys,
            4 => OdfKind::Certificates,
            5 => OdfKind::TrustedCertificates,
            6 => OdfKind::UsefulCertificates,
            7 => OdfKind::DataObjects,
            8 => OdfKind::AuthObjects,
            _ => continue,
        };
        let mut inner = SliceReader::new(any.value()).map_err(&err)?;
        if Tag::peek(&inner).map_err(&err)? != Tag::Sequence {
            // `objects [0]` (objects stored directly in the ODF) is not supported.
            return Err(Structure::Odf);
        }
        let path = decode_path(&mut inner).map_err(&err)?;
        inner.finish().map_err(&err)?;
        out.push((kind, path));
    }
    Ok(out)
}

/// Parses EF.TokenInfo.
pub fn parse_token_info(bytes: &[u8]) -> Result<TokenInfo, Structure> {
    let err = malformed(Structure::TokenInfo);
    let mut r = SliceReader::new(bytes).map_err(&err)?;
    let info = r
        .sequence(|r| {
            let version = i64::decode(r)?;
            let serial_number = <&OctetStringRef>::decode(r)?.as_bytes().to_vec();
            let manufacturer = r
                .decode::<Option<Utf8StringRef<'_>>>()?
                .map(|s| s.as_str().to_owned());
            let label = r
                .context_specific::<Utf8StringRef<'_>>(TagNumber(0), TagMode::Implicit)?
                .map(|s| s.as_str().to_owned());
            let flags = bits(BitStringRef::decode(r)?);
            skip_rest(r)?;
            Ok(TokenInfo {
                version,
                serial_number,
                manufacturer,
                label,
                flags,
            })
        })
        .map_err(&err)?;
    if !at_padding(&r) {
        return Err(Structure::TokenInfo);
    }
    Ok(info)
}

/// `CommonObjectAttributes ::= SEQUENCE { label Label OPTIONAL, flags CommonObjectFlags
/// OPTIONAL, authId Identifier OPTIONAL, ... }`.
fn decode_common_object(r: &mut R<'_>) -> der::Result<(Option<String>, Option<Vec<u8>>)> {
    r.sequence(|r| {
        let label = r
            .decode::<Option<Utf8StringRef<'_>>>()?
            .map(|s| s.as_str().to_owned());
        let _flags = r.decode::<Option<BitStringRef<'_>>>()?;
        let auth_id = r
            .decode::<Option<&OctetStringRef>>()?
            .map(|s| s.as_bytes().to_vec());
        skip_rest(r)?;
        Ok((label, auth_id))
    })
}

/// Runs `f` inside `[1] EXPLICIT` (the typeAttributes wrapper of `PKCS15Object`).
fn type_attributes<'a, T>(
    r: &mut R<'a>,
    f: impl FnOnce(&mut R<'a>) -> der::Result<T>,
) -> der::Result<T> {
    // Optional subClassAttributes [0].
    if Tag::peek(r)?.is_context_specific() && Tag::peek(r)?.number() == TagNumber(0) {
        r.tlv_bytes()?;
    }
    let any = AnyRef::decode(r)?;
    let tag = any.tag();
    if !(tag.is_context_specific() && tag.number() == TagNumber(1)) {
        return Err(tag.unexpected_error(None).into());
    }
    let mut inner = SliceReader::new(any.value())?;
    let value = f(&mut inner)?;
    skip_rest(&mut inner)?;
    Ok(value)
}

/// Splits a directory file (AODF, PrKDF, CDF) into its top-level entries, stopping at padding.
fn entries(bytes: &[u8]) -> der::Result<Vec<AnyRef<'_>>> {
    let mut r = SliceReader::new(bytes)?;
    let mut out = Vec::new();
    while !at_padding(&r) {
        out.push(AnyRef::decode(&mut r)?);
    }
    Ok(out)
}

/// Parses an AODF; non-PIN authentication objects are skipped.
pub fn parse_aodf(bytes: &[u8]) -> Result<Vec<PinObject>, Structure> {
    let err = malformed(Structure::Aodf);
    let mut out = Vec::new();
    for entry in entries(bytes).map_err(&err)? {
        if entry.tag() != Tag::Sequence {
            continue; // biometricTemplate [0], authKey [1], external [2]
        }
        let mut r = SliceReader::new(entry.value()).map_err(&err)?;
        let pin = (|| -> der::Result<PinObject> {
            let (label, _) = decode_common_object(&mut r)?;
            let auth_id = r.sequence(|r| {
                let id = <&OctetStringRef>::decode(r)?.as_bytes().to_vec();
                skip_rest(r)?;
                Ok::<_, der::Error>(id)
            })?;
            type_attributes(&mut r, |r| {
                r.sequence(|r| {
                    let flags = bits(BitStringRef::decode(r)?);
                    let pin_type = enumerated(r)?;
                    let min_length = usize::try_from(u32::decode(r)?).unwrap_or(usize::MAX);
                    let stored_length = usize::try_from(u32::decode(r)?).unwrap_or(usize::MAX);
                    let max_length = r
                        .decode::<Option<u32>>()?
                        .map(|v| usize::try_from(v).unwrap_or(usize::MAX));
                    let reference = r
                        .context_specific::<i64>(TagNumber(0), TagMode::Implicit)?
                        .unwrap_or(0);
                    // OpenSC: a reference encoded as a negative one-byte INTEGER means +256.
                    let reference = u8::try_from(if reference < 0 {
                        reference + 256
                    } else {
                        reference
                    })
                    .map_err(|_| Tag::Integer.value_error())?;
                    let pad_char = r
                        .decode::<Option<&OctetStringRef>>()?
                        .and_then(|s| s.as_bytes().first().copied());
                    skip_rest(r)?;
                    Ok(PinObject {
                        label: label.clone(),
                        auth_id: auth_id.clone(),
                        flags,
                        pin_type,
                        min_length,
                        stored_length,
                        max_length,
                        reference,
                        pad_char,
                    })
                })
            })
        })()
        .map_err(&err)?;
        out.push(pin);
    }
    Ok(out)
}

/// Parses a PrKDF: `privateRSAKey` (SEQUENCE) and `privateECKey [0]` entries; others are
/// skipped.
pub fn parse_prkdf(bytes: &[u8]) -> Result<Vec<PrivateKeyObject>, Structure> {
    let err = malformed(Structure::Prkdf);
    let mut out = Vec::new();
    for entry in entries(bytes).map_err(&err)? {
        let tag = entry.tag();
        let is_rsa = tag == Tag::Sequence;
        let is_ec =
            tag.is_context_specific() && tag.is_constructed() && tag.number() == TagNumber(0);
        if !is_rsa && !is_ec {
            continue;
        }
        let mut r = SliceReader::new(entry.value()).map_err(&err)?;
        let key = (|| -> der::Result<PrivateKeyObject> {
            let (label, auth_id) = decode_common_object(&mut r)?;
            let (id, usage, key_reference) = r.sequence(|r| {
                let id = <&OctetStringRef>::decode(r)?.as_bytes().to_vec();
                let usage = bits(BitStringRef::decode(r)?);
                let _native = r.decode::<Option<bool>>()?;
                let _access = r.decode::<Option<BitStringRef<'_>>>()?;
                let key_reference = r
                    .decode::<Option<u32>>()?
                    .and_then(|v| u8::try_from(v).ok());
                skip_rest(r)?;
                Ok::<_, der::Error>((id, usage, key_reference))
            })?;
            let (path, key_type) = type_attributes(&mut r, |r| {
                r.sequence(|r| {
                    let path = if Tag::peek(r)? == Tag::Sequence {
                        Some(decode_path(r)?)
                    } else {
                        None
                    };
                    let key_type = if is_rsa {
                        PrivateKeyType::Rsa {
                            bits: usize::try_from(u32::decode(r)?).unwrap_or(usize::MAX),
                        }
                    } else {
                        PrivateKeyType::Ec
                    };
                    skip_rest(r)?;
                    Ok((path, key_type))
                })
            })?;
            Ok(PrivateKeyObject {
                label,
                auth_id,
                id,
                usage,
                key_reference,
                key_type,
                path,
            })
        })()
        .map_err(&err)?;
        out.push(key);
    }
    Ok(out)
}

/// Parses a CDF: `x509Certificate` entries stored by path; others are skipped.
pub fn parse_cdf(bytes: &[u8]) -> Result<Vec<CertificateObject>, Structure> {
    let err = malformed(Structure::Cdf);
    let mut out = Vec::new();
    for entry in entries(bytes).map_err(&err)? {
        if entry.tag() != Tag::Sequence {
            continue;
        }
        let mut r = SliceReader::new(entry.value()).map_err(&err)?;
        let cert = (|| -> der::Result<Option<CertificateObject>> {
            let (label, _) = decode_common_object(&mut r)?;
            let (id, authority) = r.sequence(|r| {
                let id = <&OctetStringRef>::decode(r)?.as_bytes().to_vec();
                let authority = r.decode::<Option<bool>>()?.unwrap_or(false);
                skip_rest(r)?;
                Ok::<_, der::Error>((id, authority))
            })?;
            type_attributes(&mut r, |r| {
                r.sequence(|r| {
                    // value: Path, or [0] direct DER (not supported: skipped).
                    let path = if Tag::peek(r)? == Tag::Sequence {
                        Some(decode_path(r)?)
                    } else {
                        None
                    };
                    skip_rest(r)?;
                    Ok(path.map(|path| CertificateObject {
                        label: label.clone(),
                        id: id.clone(),
                        authority,
                        path,
                    }))
                })
            })
        })()
        .map_err(&err)?;
        out.extend(cert);
    }
    Ok(out)
}

/// Whether the reader is at the end, or at padding: files are often larger than their
/// content and filled with `00` or `FF`, which no DER element starts with here (ISO/IEC 7816-4
/// §6.3 treats both as padding between data objects). Anything after padding is ignored.
fn at_padding(r: &R<'_>) -> bool {
    matches!(r.peek_byte(), None | Some(0x00 | 0xFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    /// The minimal image of SMARTCARD.md §3.4, byte for byte.
    #[test]
    fn design_image_decodes() {
        let odf = hex(
            "A8 0A 30 08 04 06 3F 00 50 15 44 01  A0 0A 30 08 04 06 3F 00 50 15 44 02
             A4 0A 30 08 04 06 3F 00 50 15 44 03",
        );
        let odf = parse_odf(&odf).unwrap();
        assert_eq!(odf.len(), 3);
        assert_eq!(odf[0].0, OdfKind::AuthObjects);
        assert_eq!(
            odf[1],
            (
                OdfKind::PrivateKeys,
                Path {
                    path: hex("3F 00 50 15 44 02"),
                    index: None,
                    length: None
                }
            )
        );
        assert_eq!(odf[2].0, OdfKind::Certificates);

        let mut ti = hex("30 30 02 01 00 04 04 12 34 56 78 0C 15");
        ti.extend_from_slice(b"Example Virtual Cards");
        ti.extend_from_slice(&hex("80 0A"));
        ti.extend_from_slice(b"TEST TOKEN");
        ti.extend_from_slice(&hex("03 02 07 80"));
        let info = parse_token_info(&ti).unwrap();
        assert_eq!(info.serial_number, hex("12 34 56 78"));
        assert_eq!(info.manufacturer.as_deref(), Some("Example Virtual Cards"));
        assert_eq!(info.label.as_deref(), Some("TEST TOKEN"));
        assert!(bit(info.flags, 0));

        let mut aodf = hex("30 38 30 0E 0C 08");
        aodf.extend_from_slice(b"User PIN");
        aodf.extend_from_slice(&hex(
            "03 02 06 40 30 03 04 01 01 A1 21 30 1F 03 02 02 CC 0A 01 01 02 01 04 02 01 08 02 01 08
             80 02 00 81 04 01 FF 30 06 04 04 3F 00 50 15",
        ));
        let pins = parse_aodf(&aodf).unwrap();
        assert_eq!(pins.len(), 1);
        let pin = &pins[0];
        assert_eq!(pin.label.as_deref(), Some("User PIN"));
        assert_eq!(pin.auth_id, vec![1]);
        assert_eq!(
            (pin.min_length, pin.stored_length, pin.max_length),
            (4, 8, Some(8))
        );
        assert_eq!(pin.reference, 0x81);
        assert_eq!(pin.pad_char, Some(0xFF));
        assert_eq!(pin.pin_type, 1);
        // case-sensitive | local | initialized | needs-padding
        assert!(bit(pin.flags, 0) && bit(pin.flags, 1) && bit(pin.flags, 4) && bit(pin.flags, 5));
        assert!(!bit(pin.flags, 2));

        let mut prkdf = hex("30 3B 30 1B 0C 12");
        prkdf.extend_from_slice(b"Authentication key");
        prkdf.extend_from_slice(&hex(
            "03 02 07 80 04 01 01 30 0A 04 01 45 03 02 05 20 02 01 01
             A1 10 30 0E 30 08 04 06 3F 00 50 15 4B 01 02 02 08 00",
        ));
        let keys = parse_prkdf(&prkdf).unwrap();
        assert_eq!(keys.len(), 1);
        let key = &keys[0];
        assert_eq!(key.id, vec![0x45]);
        assert_eq!(key.auth_id.as_deref(), Some(&[1_u8][..]));
        assert!(bit(key.usage, 2), "sign usage");
        assert_eq!(key.key_reference, Some(1));
        assert_eq!(key.key_type, PrivateKeyType::Rsa { bits: 2048 });

        let mut cdf = hex("30 31 30 1C 0C 1A");
        cdf.extend_from_slice(b"Authentication certificate");
        cdf.extend_from_slice(&hex(
            "30 03 04 01 45 A1 0C 30 0A 30 08 04 06 3F 00 50 15 43 01",
        ));
        let certs = parse_cdf(&cdf).unwrap();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].id, vec![0x45]);
        assert_eq!(certs[0].path.path, hex("3F 00 50 15 43 01"));
        assert!(!certs[0].authority);
    }

    #[test]
    fn pin_reference_one_byte_negative_is_fixed_up() {
        // `80 01 81` is -127 as a DER INTEGER; OpenSC adds 256 (SMARTCARD.md §3.2).
        let aodf = hex(
            "30 21 30 00 30 03 04 01 01 A1 18 30 16 03 02 02 CC 0A 01 01 02 01 04 02 01 08 02 01 08
             80 01 81 04 01 FF",
        );
        let pins = parse_aodf(&aodf).unwrap();
        assert_eq!(pins[0].reference, 0x81);
        assert_eq!(pins[0].label, None);
    }

    #[test]
    fn padding_and_garbage() {
        assert_eq!(parse_odf(&[0xFF; 32]).unwrap(), vec![]);
        assert_eq!(
            parse_odf(&hex("A8 0A 30 08 04 06 3F 00")),
            Err(Structure::Odf)
        );
        assert_eq!(
            parse_token_info(&hex("30 03 02 01")),
            Err(Structure::TokenInfo)
        );
        assert_eq!(
            parse_prkdf(&hex("30 82 FF FF 00 01")),
            Err(Structure::Prkdf)
        );
        // Content that ends in 00 is not mistaken for padding.
        assert_eq!(
            parse_path(&hex("30 04 04 02 44 00")).unwrap().path,
            hex("44 00")
        );
        assert_eq!(
            parse_odf(&hex("A0 06 30 04 04 02 44 00 00 00 FF"))
                .unwrap()
                .len(),
            1
        );
    }
}
