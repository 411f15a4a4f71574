//! CTAPHID reassembly (`Reassembler`, both sides) and the host side (`Device`) over a device
//! whose answers are the input, 64 bytes per report.
#![no_main]

use careid_ctap::ctaphid::{Feed, MAX_MESSAGE_LEN, Reassembler, fragment};
use careid_ctap::{
    Cid, Device, DeviceOptions, HidCommand, HidTransport, IgnoreKeepalives, Report, TransportError,
};
use core::time::Duration;
use libfuzzer_sys::fuzz_target;

/// A device that answers every read with the next 64 input bytes, then times out.
struct Replay<'a>(core::slice::ChunksExact<'a, u8>);

impl HidTransport for Replay<'_> {
    fn write_report(&mut self, _: &Report) -> Result<(), TransportError> {
        Ok(())
    }
    fn read_report(&mut self, _: Duration) -> Result<Option<Report>, TransportError> {
        Ok(self.0.next().and_then(|c| c.try_into().ok()))
    }
}

fuzz_target!(|data: &[u8]| {
    let cid = Cid([0x00, 0x22, 0x00, 0x02]);
    let mut host = Reassembler::for_channel(cid);
    let mut any = Reassembler::any_channel();
    for chunk in data.chunks_exact(64) {
        let report: Report = chunk.try_into().unwrap_or([0; 64]);
        for r in [&mut host, &mut any] {
            if let Ok(Feed::Complete(m)) = r.feed(&report) {
                assert!(m.payload.len() <= MAX_MESSAGE_LEN);
                // A message reassembled from packets fragments and reassembles to itself.
                let again = fragment(m.cid, m.cmd, &m.payload).unwrap();
                let mut check = Reassembler::for_channel(m.cid);
                let out = again.iter().find_map(|p| match check.feed(p) {
                    Ok(Feed::Complete(x)) => Some(x),
                    _ => None,
                });
                assert_eq!(out.as_ref(), Some(&m));
            }
        }
    }
    // The host: an INIT answer (the nonce is all zero), then a CBOR transaction.
    let options = DeviceOptions::default()
        .with_read_timeout(Duration::ZERO)
        .with_max_keepalives(50);
    if let Ok(mut device) = Device::open_with(Replay(data.chunks_exact(64)), [0; 8], options) {
        let _ = device.transact(HidCommand::Cbor, &[0x04], &mut IgnoreKeepalives);
    }
});
