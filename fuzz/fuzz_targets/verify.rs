//! `PublicKey::verify` with the fixed test keys, and with a key parsed from the input.
//!
//! Input: `[sel] [fmt] ([len:u16be] [key])? [len:u16be] [message] [signature...]`.
//! - `sel`: low nibble picks the algorithm (`SignatureAlgorithm::ALL[n % 9]`); bits 4-5 pick how
//!   the key prefix is read: 0 none, 1 SPKI DER, 2 JWK JSON, 3 COSE_Key CBOR.
//! - `fmt`: bit 0 set is `SignatureFormat::Der`, clear is `Fixed`.
//! - Lengths longer than what is left are cut to what is left.
#![no_main]

use careid_crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use careid_testkit::TestKey;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static TEST_KEYS: LazyLock<Vec<PublicKey>> =
    LazyLock::new(|| TestKey::ALL.map(|k| k.signer().public_key()).to_vec());

fn take<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    let (len, rest): (usize, &'a [u8]) = match *data {
        &[a, b, ref rest @ ..] => (usize::from(u16::from_be_bytes([a, b])), rest),
        _ => (0, &[][..]),
    };
    let (head, tail) = rest.split_at(len.min(rest.len()));
    *data = tail;
    head
}

fuzz_target!(|data: &[u8]| {
    let &[sel, fmt, ref rest @ ..] = data else {
        return;
    };
    let mut rest = rest;
    let alg = SignatureAlgorithm::ALL[usize::from(sel & 0x0f) % SignatureAlgorithm::ALL.len()];
    let format = if fmt & 1 == 1 {
        SignatureFormat::Der
    } else {
        SignatureFormat::Fixed
    };
    let parsed = match (sel >> 4) & 3 {
        0 => None,
        1 => Some(PublicKey::from_spki_der(take(&mut rest))),
        2 => Some(PublicKey::from_jwk_json(take(&mut rest))),
        _ => Some(PublicKey::from_cose_key_bytes(take(&mut rest))),
    };
    let message = take(&mut rest);
    let signature = rest;

    // Nobody but careid-testkit holds the test keys' private halves: nothing the fuzzer makes
    // may verify under them.
    for key in TEST_KEYS.iter() {
        let result = key.verify(AlgorithmSet::ALL, alg, format, message, signature);
        assert!(result.is_err(), "forged {alg} signature under {key:?}");
    }
    if let Some(Ok(key)) = parsed {
        if key
            .verify(AlgorithmSet::ALL, alg, format, message, signature)
            .is_ok()
        {
            // A signature only verifies with a key of the right kind that its metadata permits.
            assert_eq!(alg.key_kind(), key.kind());
            assert!(key.permitted_algorithms().contains(alg));
        }
        // The caller's allow-list is checked first.
        let refused = key.verify(
            AlgorithmSet::ALL.without(alg),
            alg,
            format,
            message,
            signature,
        );
        assert!(refused.is_err());
    }
});
