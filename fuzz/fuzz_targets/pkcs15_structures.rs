//! Every PKCS#15 DER structure: the first byte picks the parser.
#![no_main]

use careid_pkcs15::asn1;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((which, body)) = data.split_first() else { return };
    match which % 6 {
        0 => drop(asn1::parse_odf(body)),
        1 => drop(asn1::parse_token_info(body)),
        2 => drop(asn1::parse_aodf(body)),
        3 => drop(asn1::parse_prkdf(body)),
        4 => drop(asn1::parse_cdf(body)),
        _ => drop(asn1::parse_path(body)),
    }
});
