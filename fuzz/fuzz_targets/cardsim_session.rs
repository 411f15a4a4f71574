//! The card simulator under arbitrary command APDUs: it must never panic, and no sequence of
//! commands may make it sign without the right PIN.
#![no_main]

use careid_apdu::CardTransport as _;
use careid_cardsim::CardSim;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, mut rest)) = data.split_first() else { return };
    let mut card = if first & 1 == 0 { CardSim::pkcs15() } else { CardSim::piv() };
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (cmd, tail) = tail.split_at(len);
        rest = tail;
        // VERIFY, CHANGE and RESET RETRY COUNTER are skipped: the fuzzer must not find the PIN.
        if matches!(cmd.get(1), Some(0x20 | 0x24 | 0x2C)) {
            continue;
        }
        let answer = card.transmit_raw(cmd).expect("no faults configured");
        assert!(answer.len() >= 2);
        // Signing commands never succeed without a verified PIN (9E on PIV needs none). An
        // intermediate block of a command chain (CLA bit 0x10) is only acknowledged.
        let chained = cmd.first().is_some_and(|cla| cla & 0x10 != 0);
        let ins = cmd.get(1).copied();
        let p2 = cmd.get(3).copied();
        if !chained && (matches!(ins, Some(0x2A | 0x88)) || (ins == Some(0x87) && p2 == Some(0x9A))) {
            assert_ne!(answer[answer.len() - 2..], [0x90, 0x00], "signed without a PIN");
            assert_ne!(answer[answer.len() - 2], 0x61, "signed without a PIN");
        }
    }
});
