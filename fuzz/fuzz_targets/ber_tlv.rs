//! BER-TLV parsing: iteration, nested children, path lookup.
#![no_main]

use careid_apdu::tlv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tlv::parse_one(data);
    for item in tlv::TlvIter::new(data) {
        let Ok(t) = item else { break };
        for child in t.children() {
            if child.is_err() {
                break;
            }
        }
        if let Ok(encoded) = tlv::encode(t.tag(), t.value()) {
            let again = tlv::parse_one(&encoded).expect("our own encoding parses");
            assert_eq!((again.tag(), again.value()), (t.tag(), t.value()));
        }
    }
    let _ = tlv::find_path(data, &[0x62, 0x80]);
    let _ = tlv::find_path(data, &[0x53, 0x70]);
    let _ = tlv::find_path(data, &[0x7C, 0x82]);
});
