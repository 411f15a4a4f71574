//! Round-trip and never-panic properties of every PKCS#15 structure and of the PIV container
//! parser. The encoder here is a plain TLV writer, independent of the `der` decoders under
//! test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid_apdu::tlv;
use careid_pkcs15::asn1::{self, OdfKind, Path, PrivateKeyType};
use proptest::prelude::*;

fn t(tag: u32, v: &[u8]) -> Vec<u8> {
    tlv::encode(tag, v).unwrap()
}

/// DER INTEGER for a non-negative value.
fn int(v: u32) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(3);
    let mut body = bytes[start..].to_vec();
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    t(0x02, &body)
}

/// DER BIT STRING of named bits (MSB-first), trailing zero bits trimmed as DER requires.
fn bits(flags: u16) -> Vec<u8> {
    if flags == 0 {
        return t(0x03, &[0x00]);
    }
    let highest = 15 - flags.trailing_zeros(); // in MSB-first numbering, the last set bit
    let _ = highest;
    let mut value = 0_u16;
    let mut last = 0;
    for n in 0..16 {
        if flags & (1 << n) != 0 {
            value |= 0x8000 >> n;
            last = n;
        }
    }
    let nbytes = usize::try_from(last / 8 + 1).unwrap();
    let unused = u8::try_from(7 - last % 8).unwrap();
    let mut body = vec![unused];
    body.extend_from_slice(&value.to_be_bytes()[..nbytes]);
    t(0x03, &body)
}

fn path_der(p: &Path) -> Vec<u8> {
    let mut body = t(0x04, &p.path);
    if let Some(i) = p.index {
        body.extend(int(i));
    }
    if let Some(l) = p.length {
        let i = int(l);
        body.extend(t(0x80, &i[2..]));
    }
    t(0x30, &body)
}

fn path() -> impl Strategy<Value = Path> {
    (
        prop::collection::vec(any::<u8>(), 1..12),
        prop::option::of(any::<u32>()),
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(path, index, length)| Path {
            path,
            index,
            length,
        })
}

fn label() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[ -~]{0,40}")
}

fn common(label: &Option<String>, auth_id: Option<&[u8]>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(l) = label {
        body.extend(t(0x0C, l.as_bytes()));
    }
    if let Some(a) = auth_id {
        body.extend(t(0x04, a));
    }
    t(0x30, &body)
}

proptest! {
    #[test]
    fn path_round_trip(p in path()) {
        prop_assert_eq!(asn1::parse_path(&path_der(&p)).unwrap(), p);
    }

    #[test]
    fn odf_round_trip(entries in prop::collection::vec((0_u32..9, path()), 0..6), pad in 0_usize..20) {
        let mut bytes = Vec::new();
        for (n, p) in &entries {
            bytes.extend(t(0xA0 + n, &path_der(p)));
        }
        bytes.extend(std::iter::repeat_n(0xFF, pad));
        let parsed = asn1::parse_odf(&bytes).unwrap();
        prop_assert_eq!(parsed.len(), entries.len());
        for ((kind, p), (n, q)) in parsed.iter().zip(&entries) {
            prop_assert_eq!(p, q);
            let expected = [OdfKind::PrivateKeys, OdfKind::PublicKeys, OdfKind::TrustedPublicKeys, OdfKind::SecretKeys,
                OdfKind::Certificates, OdfKind::TrustedCertificates, OdfKind::UsefulCertificates, OdfKind::DataObjects,
                OdfKind::AuthObjects][usize::try_from(*n).unwrap()];
            prop_assert_eq!(*kind, expected);
        }
    }

    #[test]
    fn token_info_round_trip(serial in prop::collection::vec(any::<u8>(), 0..16), manufacturer in label(), lbl in label(), flags in 0_u16..16) {
        let mut body = int(0);
        body.extend(t(0x04, &serial));
        if let Some(m) = &manufacturer { body.extend(t(0x0C, m.as_bytes())); }
        if let Some(l) = &lbl { body.extend(t(0x80, l.as_bytes())); }
        body.extend(bits(flags));
        // An extension field careid does not know must be skipped.
        body.extend(t(0xA2, &t(0x30, &[])));
        let info = asn1::parse_token_info(&t(0x30, &body)).unwrap();
        prop_assert_eq!(info.serial_number, serial);
        prop_assert_eq!(info.manufacturer, manufacturer);
        prop_assert_eq!(info.label, lbl);
        prop_assert_eq!(info.flags, u32::from(flags));
    }

    #[test]
    fn aodf_round_trip(
        lbl in label(), auth in prop::collection::vec(any::<u8>(), 1..4), flags in any::<u16>(),
        pin_type in 0_u32..5, min in 0_u32..20, stored in 0_u32..20, max in prop::option::of(0_u32..20),
        reference in any::<u8>(), pad in prop::option::of(any::<u8>()),
    ) {
        let mut attrs = bits(flags);
        attrs.extend(t(0x0A, &[u8::try_from(pin_type).unwrap()]));
        attrs.extend(int(min));
        attrs.extend(int(stored));
        if let Some(m) = max { attrs.extend(int(m)); }
        attrs.extend(t(0x80, &int(u32::from(reference))[2..]));
        if let Some(p) = pad { attrs.extend(t(0x04, &[p])); }
        let entry = t(0x30, &[common(&lbl, None), t(0x30, &t(0x04, &auth)), t(0xA1, &t(0x30, &attrs))].concat());
        let pins = asn1::parse_aodf(&entry).unwrap();
        prop_assert_eq!(pins.len(), 1);
        let pin = &pins[0];
        prop_assert_eq!(&pin.label, &lbl);
        prop_assert_eq!(&pin.auth_id, &auth);
        prop_assert_eq!(pin.flags, u32::from(flags));
        prop_assert_eq!(pin.pin_type, pin_type);
        prop_assert_eq!((pin.min_length, pin.stored_length), (usize::try_from(min).unwrap(), usize::try_from(stored).unwrap()));
        prop_assert_eq!(pin.max_length, max.map(|m| usize::try_from(m).unwrap()));
        prop_assert_eq!(pin.reference, reference);
        prop_assert_eq!(pin.pad_char, pad);
    }

    #[test]
    fn prkdf_and_cdf_round_trip(
        lbl in label(), id in prop::collection::vec(any::<u8>(), 1..20), usage in any::<u16>(),
        reference in prop::option::of(any::<u8>()), p in path(), rsa_bits in prop::option::of(1024_u32..8193),
    ) {
        let mut key_attrs = t(0x04, &id);
        key_attrs.extend(bits(usage));
        if let Some(r) = reference { key_attrs.extend(int(u32::from(r))); }
        let mut type_attrs = path_der(&p);
        if let Some(b) = rsa_bits { type_attrs.extend(int(b)); }
        let body = [common(&lbl, Some(&[1])), t(0x30, &key_attrs), t(0xA1, &t(0x30, &type_attrs))].concat();
        let entry = if rsa_bits.is_some() { t(0x30, &body) } else { t(0xA0, &body) };
        let keys = asn1::parse_prkdf(&entry).unwrap();
        prop_assert_eq!(keys.len(), 1);
        let key = &keys[0];
        prop_assert_eq!(&key.id, &id);
        prop_assert_eq!(key.usage, u32::from(usage));
        prop_assert_eq!(key.key_reference, reference);
        prop_assert_eq!(key.path.as_ref(), Some(&p));
        prop_assert_eq!(key.key_type, match rsa_bits {
            Some(b) => PrivateKeyType::Rsa { bits: usize::try_from(b).unwrap() },
            None => PrivateKeyType::Ec,
        });

        let cert = t(0x30, &[common(&lbl, None), t(0x30, &t(0x04, &id)), t(0xA1, &t(0x30, &path_der(&p)))].concat());
        let certs = asn1::parse_cdf(&cert).unwrap();
        prop_assert_eq!(&certs[0].id, &id);
        prop_assert_eq!(&certs[0].path, &p);
        prop_assert_eq!(&certs[0].label, &lbl);
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = asn1::parse_path(&bytes);
        let _ = asn1::parse_odf(&bytes);
        let _ = asn1::parse_token_info(&bytes);
        let _ = asn1::parse_aodf(&bytes);
        let _ = asn1::parse_prkdf(&bytes);
        let _ = asn1::parse_cdf(&bytes);
        let _ = careid_pkcs15::parse_piv_certificate(&bytes);
    }

    /// Mutations of the real simulated-card directories never panic.
    #[test]
    fn mutated_directories_never_panic(which in 0_usize..4, pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let dirs = [SAMPLE_ODF, SAMPLE_AODF, SAMPLE_PRKDF, SAMPLE_CDF];
        let mut bytes = hex(dirs[which]);
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        bytes.truncate(cut.index(bytes.len() + 1));
        let _ = asn1::parse_odf(&bytes);
        let _ = asn1::parse_aodf(&bytes);
        let _ = asn1::parse_prkdf(&bytes);
        let _ = asn1::parse_cdf(&bytes);
    }
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

// SMARTCARD.md §3.4 directories (labels replaced by short ones).
const SAMPLE_ODF: &str = "A8 0A 30 08 04 06 3F 00 50 15 44 01 A0 0A 30 08 04 06 3F 00 50 15 44 02 A4 0A 30 08 04 06 3F 00 50 15 44 03";
const SAMPLE_AODF: &str = "30 32 30 08 0C 02 55 50 03 02 06 40 30 03 04 01 01 A1 21 30 1F 03 02 02 CC 0A 01 01 02 01 04 02 01 08 02 01 08 80 02 00 81 04 01 FF 30 06 04 04 3F 00 50 15";
const SAMPLE_PRKDF: &str = "30 2B 30 0B 0C 02 41 4B 03 02 07 80 04 01 01 30 0A 04 01 45 03 02 05 20 02 01 01 A1 10 30 0E 30 08 04 06 3F 00 50 15 4B 01 02 02 08 00";
const SAMPLE_CDF: &str =
    "30 19 30 04 0C 02 43 43 30 03 04 01 45 A1 0C 30 0A 30 08 04 06 3F 00 50 15 43 01";

#[test]
fn samples_parse() {
    assert_eq!(asn1::parse_odf(&hex(SAMPLE_ODF)).unwrap().len(), 3);
    assert_eq!(
        asn1::parse_aodf(&hex(SAMPLE_AODF)).unwrap()[0].reference,
        0x81
    );
    assert_eq!(
        asn1::parse_prkdf(&hex(SAMPLE_PRKDF)).unwrap()[0].id,
        vec![0x45]
    );
    assert_eq!(asn1::parse_cdf(&hex(SAMPLE_CDF)).unwrap()[0].id, vec![0x45]);
}
