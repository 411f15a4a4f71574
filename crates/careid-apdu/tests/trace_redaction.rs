//! The APDU trace never shows a PIN: VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER
//! data are redacted, every other APDU is shown in full.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use careid_apdu::{CardChannel, Command, ScriptedTransport};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_pin_reaches_the_trace() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // PIN 123456 padded with FF (PIV), PUK 87654321 and a new PIN 246810.
    let pin = b"123456\xff\xff".to_vec();
    let change = b"123456\xff\xff246810\xff\xff".to_vec();
    let unblock = b"87654321246810\xff\xff".to_vec();
    let hexed = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let script = ScriptedTransport::new([
        (
            [&[0x00, 0x20, 0x00, 0x80, 0x08][..], &pin[..]].concat(),
            vec![0x90, 0x00],
        ),
        (
            [&[0x00, 0x24, 0x00, 0x80, 0x10][..], &change[..]].concat(),
            vec![0x90, 0x00],
        ),
        (
            [&[0x00, 0x2C, 0x00, 0x80, 0x10][..], &unblock[..]].concat(),
            vec![0x90, 0x00],
        ),
        (
            vec![
                0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x00,
            ],
            vec![0x53, 0x00, 0x90, 0x00],
        ),
    ]);
    tracing::subscriber::with_default(subscriber, || {
        let mut ch = CardChannel::new(script);
        ch.transmit(&Command::new(0, 0x20, 0, 0x80).with_data(pin.clone()))
            .unwrap();
        ch.transmit(&Command::new(0, 0x24, 0, 0x80).with_data(change.clone()))
            .unwrap();
        ch.transmit(&Command::new(0, 0x2C, 0, 0x80).with_data(unblock.clone()))
            .unwrap();
        ch.transmit(
            &Command::new(0, 0xCB, 0x3F, 0xFF)
                .with_data(vec![0x5C, 0x03, 0x5F, 0xC1, 0x05])
                .with_ne(256),
        )
        .unwrap();
    });
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    // The trace exists and shows the non-secret command in full.
    assert!(
        text.contains(">> 00 CB 3F FF 05 5C 03 5F C1 05 00"),
        "{text}"
    );
    assert_eq!(text.matches("bytes redacted]").count(), 3, "{text}");
    for secret in [&b"123456"[..], b"246810", b"87654321"] {
        assert!(
            !text.contains(&hexed(secret)),
            "hex of a secret leaked:\n{text}"
        );
        assert!(
            !text.contains(std::str::from_utf8(secret).unwrap()),
            "secret leaked:\n{text}"
        );
    }
}
