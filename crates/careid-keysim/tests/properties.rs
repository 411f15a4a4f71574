//! Property tests: the simulated key survives any sequence of reports and any CTAP2 request,
//! and never signs for an RP without a matching credential.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_ctap::ctaphid::fragment;
use careid_ctap::{Cid, HidCommand, HidTransport, Report};
use careid_keysim::KeySim;
use core::time::Duration;
use proptest::prelude::*;

/// Allocates a channel on the simulated key and returns it.
fn channel(sim: &mut KeySim) -> Cid {
    let init = fragment(Cid::BROADCAST, HidCommand::Init, &[1; 8]).unwrap();
    sim.write_report(&init[0]).unwrap();
    let answer = sim.read_report(Duration::ZERO).unwrap().unwrap();
    Cid([answer[15], answer[16], answer[17], answer[18]])
}

fn drain(sim: &mut KeySim) -> usize {
    let mut n = 0;
    // Bounded: a pending touch yields one keepalive per read.
    while n < 64 {
        match sim.read_report(Duration::ZERO).unwrap() {
            Some(_) => n += 1,
            None => break,
        }
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_report_sequence_is_survived(reports in proptest::collection::vec(any::<[u8; 64]>(), 0..30)) {
        let mut sim = KeySim::new(1);
        let cid = channel(&mut sim);
        for (i, r) in reports.iter().enumerate() {
            let mut r: Report = *r;
            if i % 2 == 0 {
                r[..4].copy_from_slice(&cid.0);
            }
            sim.write_report(&r).unwrap();
            drain(&mut sim);
        }
    }

    #[test]
    fn any_ctap2_request_is_answered(command in any::<u8>(), body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut sim = KeySim::new(2);
        let cid = channel(&mut sim);
        let mut request = vec![command];
        request.extend_from_slice(&body);
        for r in fragment(cid, HidCommand::Cbor, &request).unwrap() {
            sim.write_report(&r).unwrap();
        }
        // An answer (or keepalives then an answer) always comes.
        prop_assert!(drain(&mut sim) >= 1);
        // No credential was made from garbage unless it was a well-formed makeCredential.
        prop_assert!(sim.credential_count() <= 1);
    }
}
