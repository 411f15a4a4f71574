//! Response APDU parsing and the GET RESPONSE / 6Cxx machinery over a transport that answers
//! with fuzzer-chosen bytes.
#![no_main]

use careid_apdu::{CardChannel, CardTransport, Command, Response, TransportError};
use libfuzzer_sys::fuzz_target;

/// Replays the input as a sequence of length-prefixed responses.
struct Replay<'a>(&'a [u8]);

impl CardTransport for Replay<'_> {
    fn transmit_raw(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
        let (&len, rest) = self.0.split_first().ok_or(TransportError::CardRemoved)?;
        let len = usize::from(len).min(rest.len());
        let (answer, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(answer.to_vec())
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = Response::decode(data) {
        assert_eq!(r.encode(), data);
    }
    let mut channel = CardChannel::new(Replay(data));
    let _ = channel.transmit(&Command::new(0, 0xB0, 0, 0).with_ne(256));
    let _ = channel.transmit(&Command::new(0, 0x2A, 0x9E, 0x9A).with_data(vec![0x55; 300]).with_ne(256));
});
