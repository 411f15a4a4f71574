//! Interop with an independent reader: OpenSC's `pkcs15-tool` reads the simulated card behind
//! the real pcscd, and what it reports matches what careid-pkcs15 reads. Also counts the APDUs
//! each needs to read every certificate.
//!
//! OpenSC binds PKCS#15 on an unknown ATR only with its default driver enabled, so the tests
//! point `OPENSC_CONF` at a file that enables it (SMARTCARD.md §9). Runs like `pcscd.rs`:
//! required when `CAREID_PCSC_TESTS=1`, skipped otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_cardsim::pcscd::{Pcscd, VPCD_READER};
use careid_cardsim::{CardSim, VpcdCard};
use careid_pcsc::{PcscCard, ReaderEvent, Watcher};
use careid_pkcs15::Token;
use careid_testkit::TestPki;
use std::process::Command;
use std::time::{Duration, Instant};

const PORT: u16 = 35992;

fn opensc_installed() -> bool {
    Command::new("pkcs15-tool")
        .arg("--version")
        .output()
        .is_ok()
}

fn pkcs15_tool(conf: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("pkcs15-tool")
        .env("OPENSC_CONF", conf)
        .args(["--reader", VPCD_READER])
        .args(args)
        .output()
        .expect("pkcs15-tool runs");
    assert!(
        out.status.success(),
        "pkcs15-tool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(&b64)
}

/// A small standard-alphabet base64 decoder (test-only; careid itself uses the base64 crate).
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0_u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = u32::try_from(ALPHABET.iter().position(|a| *a == c).expect("base64")).unwrap();
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap());
        }
    }
    out
}

#[test]
fn opensc_reads_what_careid_reads() {
    let _lock = Pcscd::lock();
    let required = std::env::var("CAREID_PCSC_TESTS").is_ok_and(|v| v == "1");
    if !opensc_installed() {
        assert!(
            !required,
            "CAREID_PCSC_TESTS=1 but OpenSC (pkcs15-tool) is not installed"
        );
        eprintln!("skipping: OpenSC is not installed");
        return;
    }
    let pcscd = match Pcscd::start(PORT) {
        Ok(p) => p,
        Err(e) if !required => {
            eprintln!("skipping: {e}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("opensc.conf");
    std::fs::write(
        &conf,
        "app default {\n    enable_default_driver = true;\n}\n",
    )
    .unwrap();

    let inserted = VpcdCard::insert(CardSim::pkcs15(), pcscd.card_addr());
    let mut watcher = Watcher::new(Some(VPCD_READER)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(Instant::now() < deadline, "card never appeared");
        if let Some(ReaderEvent::CardInserted { .. }) = watcher
            .next_event(Some(Duration::from_millis(500)))
            .unwrap()
        {
            break;
        }
    }

    // careid's view.
    let mut pcsc = PcscCard::connect(VPCD_READER).unwrap();
    let before = inserted.card().command_count();
    let mut token = Token::open(&mut pcsc).unwrap();
    let keys = token.keys().to_vec();
    let certs: Vec<_> = token.certificates().cloned().collect();
    for cert in &certs {
        token.read_certificate(&cert.id).unwrap();
    }
    let careid_apdus = inserted.card().command_count() - before;
    drop(token);
    drop(pcsc);

    // OpenSC's view of the same card.
    let before = inserted.card().command_count();
    let dump = pkcs15_tool(&conf, &["--dump"]);
    let mut opensc_certs = Vec::new();
    for cert in &certs {
        let id = cert
            .id
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        opensc_certs.push(pem_to_der(&pkcs15_tool(
            &conf,
            &["--read-certificate", &id],
        )));
    }
    let opensc_apdus = inserted.card().command_count() - before;

    assert!(dump.contains("PKCS#15 Card [TEST TOKEN]"), "{dump}");
    assert!(dump.contains("PIN [User PIN]"), "{dump}");
    assert!(dump.contains("Reference      : 129 (0x81)"), "{dump}");
    for key in &keys {
        assert!(
            dump.contains(&format!("[{}]", key.label)),
            "key {} missing:\n{dump}",
            key.label
        );
        let id = key
            .id
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        assert!(dump.contains(&format!("ID             : {id}")), "{dump}");
    }
    assert!(
        dump.contains("Private RSA Key [Authentication key]")
            && dump.contains("ModLength      : 2048"),
        "{dump}"
    );
    assert!(
        dump.contains("Private EC Key [EC authentication key]"),
        "{dump}"
    );
    for cert in &certs {
        assert!(
            dump.contains(&format!("X.509 Certificate [{}]", cert.label)),
            "{dump}"
        );
    }
    let pki = TestPki::get();
    assert_eq!(
        opensc_certs,
        vec![pki.user_rsa.clone(), pki.user_p256.clone()]
    );

    println!(
        "APDUs to list objects and read all {} certificates: careid {careid_apdus}, OpenSC pkcs15-tool {opensc_apdus} \
         (one --dump plus one --read-certificate per certificate, each a fresh bind)",
        certs.len()
    );
    assert!(
        careid_apdus <= opensc_apdus,
        "careid needs more APDUs ({careid_apdus}) than OpenSC ({opensc_apdus})"
    );
}
