//! Command APDU decoding (the card simulator's side): whatever decodes re-encodes to a command
//! that decodes to the same thing (an extended encoding of a short-sized command re-encodes
//! in the short form, which is equally valid: ISO/IEC 7816-3 §12.1.3).
#![no_main]

use careid_apdu::Command;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cmd) = Command::decode(data) {
        let bytes = cmd.encode(true).expect("a decoded command encodes");
        assert_eq!(Command::decode(&bytes).expect("our encoding decodes"), cmd);
        if let Ok(short) = cmd.encode(false) {
            assert_eq!(short, bytes);
        }
        let _ = format!("{cmd:?}");
    }
});
