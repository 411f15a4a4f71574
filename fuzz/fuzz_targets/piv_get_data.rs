//! PIV GET DATA responses: a token opened on a card whose GET DATA answers are the input.
#![no_main]

use careid_apdu::{CardTransport, TransportError};
use careid_pkcs15::Token;
use libfuzzer_sys::fuzz_target;

/// Answers SELECT PIV with success and every GET DATA with the fuzzer's bytes.
struct Piv<'a>(&'a [u8]);

impl CardTransport for Piv<'_> {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        match command.get(1) {
            Some(0xA4) => Ok(vec![0x90, 0x00]),
            Some(0xCB) => {
                let mut r = self.0.to_vec();
                r.extend_from_slice(&[0x90, 0x00]);
                Ok(r)
            }
            _ => Ok(vec![0x6D, 0x00]),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = careid_pkcs15::parse_piv_certificate(data);
    if let Ok(mut token) = Token::open(Piv(data)) {
        let _ = token.piv_chuid();
        let ids: Vec<_> = token.certificates().map(|c| c.id.clone()).collect();
        for id in ids {
            let _ = token.read_certificate(&id);
        }
    }
});
