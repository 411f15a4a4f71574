//! The card's contents, built by committed code from the careid-testkit PKI.
//!
//! The PKCS#15 image is the minimal image of SMARTCARD.md §3.4 (EF.DIR, ODF, TokenInfo, AODF,
//! PrKDF, CDF, one RSA-2048 key and certificate with ID 45), extended with a P-256 key and
//! certificate (ID 46) and a PUK object. It is encoded here with a plain TLV writer,
//! independently of careid-pkcs15's `der` decoders, so the two check each other.

use careid_apdu::tlv;
use careid_testkit::TestPki;

/// A file in the simulated file system.
#[derive(Debug, Clone)]
pub(crate) struct File {
    /// Full path from the MF, e.g. `3F00 5015 4401`.
    pub(crate) path: Vec<u8>,
    /// The DF's application identifier, for DFs selectable by AID.
    pub(crate) aid: Option<Vec<u8>>,
    /// Contents, `None` for a DF.
    pub(crate) data: Option<Vec<u8>>,
}

/// The PKCS#15 application identifier.
pub(crate) const PKCS15_AID: [u8; 12] = [
    0xA0, 0x00, 0x00, 0x00, 0x63, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35,
];

fn t(tag: u32, value: &[u8]) -> Vec<u8> {
    // Only fails for values of 16 MiB or more.
    tlv::encode(tag, value).unwrap_or_default()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn path(p: &[u8]) -> Vec<u8> {
    t(0x30, &t(0x04, p))
}

/// EF.DIR: `61 { 4F AID, 50 label, 51 path }`.
pub(crate) fn ef_dir() -> Vec<u8> {
    t(
        0x61,
        &cat(&[
            &t(0x4F, &PKCS15_AID),
            &t(0x50, b"Virtual PKCS#15"),
            &t(0x51, &[0x3F, 0x00, 0x50, 0x15]),
        ]),
    )
}

/// EF.ODF: AODF 4401, PrKDF 4402, CDF 4403.
pub(crate) fn odf() -> Vec<u8> {
    cat(&[
        &t(0xA8, &path(&[0x3F, 0x00, 0x50, 0x15, 0x44, 0x01])),
        &t(0xA0, &path(&[0x3F, 0x00, 0x50, 0x15, 0x44, 0x02])),
        &t(0xA4, &path(&[0x3F, 0x00, 0x50, 0x15, 0x44, 0x03])),
    ])
}

/// EF.TokenInfo.
pub(crate) fn token_info() -> Vec<u8> {
    t(
        0x30,
        &cat(&[
            &t(0x02, &[0x00]),
            &t(0x04, &[0x12, 0x34, 0x56, 0x78]),
            &t(0x0C, b"Example Virtual Cards"),
            &t(0x80, b"TEST TOKEN"),
            &t(0x03, &[0x07, 0x80]),
        ]),
    )
}

/// One AODF PIN entry.
fn pin_entry(label: &[u8], auth_id: u8, flags: &[u8], reference: u8) -> Vec<u8> {
    t(
        0x30,
        &cat(&[
            &t(0x30, &cat(&[&t(0x0C, label), &t(0x03, &[0x06, 0x40])])),
            &t(0x30, &t(0x04, &[auth_id])),
            &t(
                0xA1,
                &t(
                    0x30,
                    &cat(&[
                        &t(0x03, flags),
                        &t(0x0A, &[0x01]),
                        &t(0x02, &[0x04]),
                        &t(0x02, &[0x08]),
                        &t(0x02, &[0x08]),
                        &t(0x80, &[0x00, reference]),
                        &t(0x04, &[0xFF]),
                        &path(&[0x3F, 0x00, 0x50, 0x15]),
                    ]),
                ),
            ),
        ]),
    )
}

/// EF.AODF: the user PIN of SMARTCARD.md §3.4, then the PUK (unblockingPin).
pub(crate) fn aodf() -> Vec<u8> {
    cat(&[
        &pin_entry(b"User PIN", 0x01, &[0x02, 0xCC], 0x81),
        // case-sensitive | local | initialized | needs-padding | unblockingPin
        &pin_entry(b"PUK", 0x02, &[0x01, 0xCE], 0x82),
    ])
}

/// EF.PrKDF: RSA key 45 (keyReference 1) and EC key 46 (keyReference 2).
pub(crate) fn prkdf() -> Vec<u8> {
    let common = |label: &[u8]| {
        t(
            0x30,
            &cat(&[&t(0x0C, label), &t(0x03, &[0x07, 0x80]), &t(0x04, &[0x01])]),
        )
    };
    let key_attrs = |id: u8, reference: u8| {
        t(
            0x30,
            &cat(&[
                &t(0x04, &[id]),
                &t(0x03, &[0x05, 0x20]),
                &t(0x02, &[reference]),
            ]),
        )
    };
    let rsa = t(
        0x30,
        &cat(&[
            &common(b"Authentication key"),
            &key_attrs(0x45, 0x01),
            &t(
                0xA1,
                &t(
                    0x30,
                    &cat(&[
                        &path(&[0x3F, 0x00, 0x50, 0x15, 0x4B, 0x01]),
                        &t(0x02, &[0x08, 0x00]),
                    ]),
                ),
            ),
        ]),
    );
    let ec = t(
        0xA0,
        &cat(&[
            &common(b"EC authentication key"),
            &key_attrs(0x46, 0x02),
            &t(0xA1, &t(0x30, &path(&[0x3F, 0x00, 0x50, 0x15, 0x4B, 0x02]))),
        ]),
    );
    cat(&[&rsa, &ec])
}

/// EF.CDF: certificates 45 and 46.
pub(crate) fn cdf() -> Vec<u8> {
    let cert = |label: &[u8], id: u8, fid: u8| {
        t(
            0x30,
            &cat(&[
                &t(0x30, &t(0x0C, label)),
                &t(0x30, &t(0x04, &[id])),
                &t(0xA1, &t(0x30, &path(&[0x3F, 0x00, 0x50, 0x15, 0x43, fid]))),
            ]),
        )
    };
    cat(&[
        &cert(b"Authentication certificate", 0x45, 0x01),
        &cert(b"EC authentication certificate", 0x46, 0x02),
    ])
}

/// The whole PKCS#15 file system.
pub(crate) fn pkcs15_files() -> Vec<File> {
    let pki = TestPki::get();
    let ef = |p: &[u8], data: Vec<u8>| File {
        path: p.to_vec(),
        aid: None,
        data: Some(data),
    };
    vec![
        File {
            path: vec![0x3F, 0x00],
            aid: None,
            data: None,
        },
        ef(&[0x3F, 0x00, 0x2F, 0x00], ef_dir()),
        File {
            path: vec![0x3F, 0x00, 0x50, 0x15],
            aid: Some(PKCS15_AID.to_vec()),
            data: None,
        },
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x50, 0x31], odf()),
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x50, 0x32], token_info()),
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x44, 0x01], aodf()),
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x44, 0x02], prkdf()),
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x44, 0x03], cdf()),
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x43, 0x01], pki.user_rsa.clone()),
        ef(&[0x3F, 0x00, 0x50, 0x15, 0x43, 0x02], pki.user_p256.clone()),
    ]
}

/// A PIV certificate container value: `70 cert, 71 00, FE 00`.
pub(crate) fn piv_certificate_object(cert: &[u8]) -> Vec<u8> {
    cat(&[&t(0x70, cert), &t(0x71, &[0x00]), &t(0xFE, &[])])
}

/// A CHUID (SP 800-73-4 Part 1 §3.1.2): FASC-N `30`, GUID `34`, expiry `35`, signature `3E`
/// (empty: the simulator does not sign its CHUID), LRC `FE`.
pub(crate) fn piv_chuid() -> Vec<u8> {
    cat(&[
        &t(
            0x30,
            &[
                0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68, 0x58,
                0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB,
            ],
        ),
        &t(0x34, b"careid-cardsim01"),
        &t(0x35, b"20360101"),
        &t(0x3E, &[]),
        &t(0xFE, &[]),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.split_whitespace().collect::<String>()).unwrap()
    }

    /// The generated files equal the bytes printed in SMARTCARD.md §3.4.
    #[test]
    fn image_matches_the_design_bytes() {
        let mut dir = hex("61 25 4F 0C A0 00 00 00 63 50 4B 43 53 2D 31 35 50 0F");
        dir.extend_from_slice(b"Virtual PKCS#15");
        dir.extend_from_slice(&hex("51 04 3F 00 50 15"));
        assert_eq!(ef_dir(), dir);
        assert_eq!(
            odf(),
            hex(
                "A8 0A 30 08 04 06 3F 00 50 15 44 01 A0 0A 30 08 04 06 3F 00 50 15 44 02 A4 0A 30 08 04 06 3F 00 50 15 44 03"
            )
        );
        let mut ti = hex("30 30 02 01 00 04 04 12 34 56 78 0C 15");
        ti.extend_from_slice(b"Example Virtual Cards");
        ti.extend_from_slice(&hex("80 0A"));
        ti.extend_from_slice(b"TEST TOKEN");
        ti.extend_from_slice(&hex("03 02 07 80"));
        assert_eq!(token_info(), ti);
        let mut pin = hex("30 38 30 0E 0C 08");
        pin.extend_from_slice(b"User PIN");
        pin.extend_from_slice(&hex(
            "03 02 06 40 30 03 04 01 01 A1 21 30 1F 03 02 02 CC 0A 01 01 02 01 04 02 01 08 02 01 08 80 02 00 81 04 01 FF 30 06 04 04 3F 00 50 15",
        ));
        assert!(aodf().starts_with(&pin));
        let mut key = hex("30 3B 30 1B 0C 12");
        key.extend_from_slice(b"Authentication key");
        key.extend_from_slice(&hex("03 02 07 80 04 01 01 30 0A 04 01 45 03 02 05 20 02 01 01 A1 10 30 0E 30 08 04 06 3F 00 50 15 4B 01 02 02 08 00"));
        assert!(prkdf().starts_with(&key));
        let mut cert = hex("30 31 30 1C 0C 1A");
        cert.extend_from_slice(b"Authentication certificate");
        cert.extend_from_slice(&hex(
            "30 03 04 01 45 A1 0C 30 0A 30 08 04 06 3F 00 50 15 43 01",
        ));
        assert!(cdf().starts_with(&cert));
    }
}
