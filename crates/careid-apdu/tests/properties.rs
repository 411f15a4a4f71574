//! Round-trip and never-panic properties of the APDU codec, status words and BER-TLV.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid_apdu::{Command, Response, StatusWord, tlv};
use proptest::prelude::*;

fn command() -> impl Strategy<Value = Command> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..600),
        0_usize..=65536,
    )
        .prop_map(|(cla, ins, p1, p2, data, ne)| {
            Command::new(cla, ins, p1, p2).with_data(data).with_ne(ne)
        })
}

/// The input the fuzzer found: case 2E with Le = 256 decodes, and re-encodes in short form.
#[test]
fn extended_le_256_decodes() {
    let cmd = Command::decode(&[0x3F, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00]).unwrap();
    assert_eq!(cmd.ne, 256);
    assert_eq!(
        cmd.encode(true).unwrap(),
        vec![0x3F, 0x01, 0x01, 0x01, 0x00]
    );
}

proptest! {
    #[test]
    fn command_encode_decode_round_trip(cmd in command(), extended in any::<bool>()) {
        match cmd.encode(extended) {
            Ok(bytes) => prop_assert_eq!(Command::decode(&bytes).unwrap(), cmd),
            Err(_) => prop_assert!(!extended && (cmd.data.len() > 255 || cmd.ne > 256)),
        }
    }

    #[test]
    fn command_decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..700)) {
        if let Ok(cmd) = Command::decode(&bytes) {
            // Whatever decodes re-encodes to a command that decodes to the same thing (an
            // extended encoding of short-sized fields comes back in the short form).
            let again = cmd.encode(true).unwrap();
            prop_assert_eq!(Command::decode(&again).unwrap(), cmd);
        }
    }

    #[test]
    fn response_round_trip(data in prop::collection::vec(any::<u8>(), 0..300), sw in any::<u16>()) {
        let r = Response::new(data, StatusWord::from_u16(sw));
        prop_assert_eq!(Response::decode(&r.encode()).unwrap(), r);
    }

    #[test]
    fn tlv_write_parse_round_trip(
        tag in prop_oneof![0x01_u32..=0x1E, 0x41_u32..=0x5E, 0x5F01_u32..=0x5F7F, Just(0x5FC105_u32), Just(0x7F49_u32)],
        value in prop::collection::vec(any::<u8>(), 0..70000),
    ) {
        let bytes = tlv::encode(tag, &value).unwrap();
        let parsed = tlv::parse_one(&bytes).unwrap();
        prop_assert_eq!(parsed.tag(), tag);
        prop_assert_eq!(parsed.value(), &value[..]);
    }

    #[test]
    fn tlv_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600), path in prop::collection::vec(any::<u32>(), 0..6)) {
        let _ = tlv::parse_one(&bytes);
        for item in tlv::TlvIter::new(&bytes) {
            match item {
                Ok(t) => { let _ = t.children().count(); }
                Err(_) => break,
            }
        }
        let _ = tlv::find_path(&bytes, &path);
    }
}
