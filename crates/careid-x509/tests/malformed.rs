//! Malformed certificates and CRLs get typed errors, never panics: hand-built DER for each
//! RFC 5280 §4/§5 profile rule, and property tests over mutated real encodings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_testkit::{TestKey, TestPki, X509Fixtures};
use careid_x509::{
    Certificate, Crl, CrlSet, Error, Input, Malformed, RevocationPolicy, Time, TrustAnchor,
    Validator,
};
use proptest::prelude::*;

const NO_INTERMEDIATES: [&[u8]; 0] = [];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else if len < 0x100 {
        out.extend([0x81, u8::try_from(len).unwrap()]);
    } else {
        out.extend([
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xff).unwrap(),
        ]);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

const SHA256_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
const SHA384_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00,
];

fn name(cn: &str) -> Vec<u8> {
    let atv = seq(&[tlv(0x06, &[0x55, 0x04, 0x03]), tlv(0x0c, cn.as_bytes())]);
    seq(&[tlv(0x31, &atv)])
}

fn ext(oid: &[u8], critical: Option<bool>, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![tlv(0x06, oid)];
    if let Some(c) = critical {
        parts.push(tlv(0x01, &[if c { 0xff } else { 0x00 }]));
    }
    parts.push(tlv(0x04, value));
    seq(&parts)
}

const BC: &[u8] = &[0x55, 0x1d, 0x13];

/// The fields of a TBSCertificate, each a whole TLV, with sensible defaults.
#[derive(Clone)]
struct Tbs {
    version: Option<Vec<u8>>,
    serial: Vec<u8>,
    inner_alg: Vec<u8>,
    issuer: Vec<u8>,
    not_before: Vec<u8>,
    not_after: Vec<u8>,
    subject: Vec<u8>,
    extensions: Option<Vec<Vec<u8>>>,
    outer_alg: Vec<u8>,
}

impl Tbs {
    fn new() -> Self {
        Self {
            version: Some(tlv(0xa0, &tlv(0x02, &[2]))),
            serial: tlv(0x02, &[0x01, 0x02]),
            inner_alg: SHA256_RSA.to_vec(),
            issuer: name("Issuer"),
            not_before: tlv(0x17, b"260101000000Z"),
            not_after: tlv(0x17, b"360101000000Z"),
            subject: name("Subject"),
            extensions: Some(vec![ext(BC, Some(true), &seq(&[tlv(0x01, &[0xff])]))]),
            outer_alg: SHA256_RSA.to_vec(),
        }
    }

    fn der(&self) -> Vec<u8> {
        let mut fields = Vec::new();
        if let Some(v) = &self.version {
            fields.push(v.clone());
        }
        fields.extend([
            self.serial.clone(),
            self.inner_alg.clone(),
            self.issuer.clone(),
            seq(&[self.not_before.clone(), self.not_after.clone()]),
            self.subject.clone(),
            TestKey::Rsa2048.signer().spki_der(),
        ]);
        if let Some(exts) = &self.extensions {
            fields.push(tlv(0xa3, &seq(exts)));
        }
        seq(&[
            seq(&fields),
            self.outer_alg.clone(),
            tlv(0x03, &[0x00, 0xaa, 0xbb]),
        ])
    }
}

fn reason(der: &[u8]) -> Malformed {
    match Certificate::from_der(der) {
        Err(Error::BadCertificate {
            input: Input::Certificate,
            reason,
        }) => reason,
        other => panic!("expected BadCertificate, got {other:?}"),
    }
}

fn is_der_error(m: &Malformed) -> bool {
    matches!(m, Malformed::Der { .. } | Malformed::BadExtension { .. })
}

#[test]
fn template_decodes() {
    let cert_der = Tbs::new().der();
    let cert = Certificate::from_der(&cert_der).unwrap();
    assert_eq!(cert.version(), 3);
    assert_eq!(cert.serial_number(), &[0x01, 0x02]);
    assert_eq!(cert.subject().to_string(), "CN=Subject");
    assert!(cert.is_ca());
}

#[test]
fn serial_numbers() {
    let with = |serial: &[u8]| {
        let mut t = Tbs::new();
        t.serial = tlv(0x02, serial);
        t.der()
    };
    assert_eq!(
        reason(&with(&[0x80, 0x01])),
        Malformed::NegativeSerialNumber
    );
    assert_eq!(reason(&with(&[0x00])), Malformed::ZeroSerialNumber);
    assert_eq!(
        reason(&with(&[0x01; 21])),
        Malformed::SerialNumberTooLong { len: 21 }
    );
    // 20 octets with the top bit set need a leading zero: accepted.
    let mut twenty = vec![0x00];
    twenty.extend([0x81; 20]);
    assert!(Certificate::from_der(&with(&twenty)).is_ok());
    // Non-minimal INTEGER encodings are not DER.
    assert!(is_der_error(&reason(&with(&[0x00, 0x01]))));
    assert!(is_der_error(&reason(&with(&[]))));
}

#[test]
fn times() {
    let with = |nb: Vec<u8>| {
        let mut t = Tbs::new();
        t.not_before = nb;
        t.der()
    };
    for bad in [
        &b"261301000000Z"[..],
        b"2601010000Z",
        b"260101000000",
        b"260230000000Z",
        b"26010100000aZ",
    ] {
        assert_eq!(
            reason(&with(tlv(0x17, bad))),
            Malformed::BadTime { field: "notBefore" },
            "{bad:?}"
        );
    }
    assert_eq!(
        reason(&with(tlv(0x18, b"20260101000000Z"))),
        Malformed::WrongTimeType { field: "notBefore" }
    );
    assert_eq!(
        reason(&with(tlv(0x18, b"20260101000000.5Z"))),
        Malformed::BadTime { field: "notBefore" }
    );
    // An INTEGER where a time should be.
    assert_eq!(
        reason(&with(tlv(0x02, &[1]))),
        Malformed::BadTime { field: "notBefore" }
    );
    // The legacy switch accepts GeneralizedTime before 2050 (PKITS 4.2.4).
    let pki = TestPki::get();
    let v = Validator::builder([TrustAnchor::from_der(&pki.root).unwrap()])
        .allow_generalized_time_before_2050()
        .revocation(RevocationPolicy::OFF)
        .build()
        .unwrap();
    let err = v
        .validate(
            &with(tlv(0x18, b"20260101000000Z")),
            &NO_INTERMEDIATES,
            &CrlSet::new(),
            Time::from_unix_seconds(1_800_000_000),
        )
        .unwrap_err();
    assert_eq!(err, Error::UnknownIssuer { depth: 0 });
}

#[test]
fn profile_rules() {
    let mut t = Tbs::new();
    t.outer_alg = SHA384_RSA.to_vec();
    assert_eq!(reason(&t.der()), Malformed::SignatureAlgorithmMismatch);

    let mut t = Tbs::new();
    t.issuer = seq(&[]);
    assert_eq!(reason(&t.der()), Malformed::EmptyIssuer);

    let mut t = Tbs::new();
    t.version = None;
    assert_eq!(reason(&t.der()), Malformed::VersionMismatch);

    let mut t = Tbs::new();
    t.version = Some(tlv(0xa0, &tlv(0x02, &[0])));
    assert_eq!(reason(&t.der()), Malformed::VersionMismatch, "explicit v1");

    let mut t = Tbs::new();
    t.version = Some(tlv(0xa0, &tlv(0x02, &[7])));
    assert_eq!(reason(&t.der()), Malformed::VersionMismatch);

    let bc = ext(BC, Some(true), &seq(&[tlv(0x01, &[0xff])]));
    let mut t = Tbs::new();
    t.extensions = Some(vec![bc.clone(), bc]);
    assert!(matches!(
        reason(&t.der()),
        Malformed::DuplicateExtension { .. }
    ));

    let mut t = Tbs::new();
    t.extensions = Some(vec![ext(BC, Some(true), &[0x30, 0x03, 0x01, 0x01])]);
    assert!(matches!(reason(&t.der()), Malformed::BadExtension { .. }));

    let mut t = Tbs::new();
    t.extensions = Some(vec![ext(BC, Some(false), &seq(&[]))]);
    assert!(
        is_der_error(&reason(&t.der())),
        "explicit critical FALSE is not DER"
    );

    let mut t = Tbs::new();
    t.extensions = Some(vec![]);
    assert!(is_der_error(&reason(&t.der())), "empty Extensions");

    // An empty extendedKeyUsage / keyUsage with no bit.
    let mut t = Tbs::new();
    t.extensions = Some(vec![ext(&[0x55, 0x1d, 0x25], None, &seq(&[]))]);
    assert!(matches!(
        reason(&t.der()),
        Malformed::BadExtensionValue { .. }
    ));
    let mut t = Tbs::new();
    t.extensions = Some(vec![ext(
        &[0x55, 0x1d, 0x0f],
        Some(true),
        &tlv(0x03, &[0x00]),
    )]);
    assert!(matches!(
        reason(&t.der()),
        Malformed::BadExtensionValue { .. }
    ));
}

#[test]
fn encodings() {
    let good = Tbs::new().der();
    // Truncated at every length.
    for len in 0..good.len() {
        assert!(is_der_error(&reason(&good[..len])), "truncated to {len}");
    }
    // Trailing data.
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(is_der_error(&reason(&trailing)));
    // Wrong outer tag.
    let mut wrong = good.clone();
    wrong[0] = 0x31;
    assert!(is_der_error(&reason(&wrong)));
    // A huge length.
    assert!(is_der_error(&reason(&[
        0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00
    ])));
    assert!(is_der_error(&reason(&[
        0x30, 0x89, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    ])));
    // Indefinite length (BER).
    assert!(is_der_error(&reason(&[0x30, 0x80, 0x00, 0x00])));
    // The validator labels the input.
    let pki = TestPki::get();
    let v = Validator::builder([TrustAnchor::from_der(&pki.root).unwrap()])
        .build()
        .unwrap();
    let err = v
        .validate(
            &pki.user_rsa,
            &[&good[..10]],
            &CrlSet::new(),
            Time::from_unix_seconds(0),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        Error::BadCertificate {
            input: Input::Intermediate { index: 0 },
            ..
        }
    ));
    assert!(matches!(
        TrustAnchor::from_der(&good[..10]),
        Err(Error::BadCertificate {
            input: Input::TrustAnchor,
            ..
        })
    ));
}

#[test]
fn crl_rules() {
    let fx = X509Fixtures::get();
    let crl = Crl::from_der(&fx.ca_crl).unwrap();
    assert_eq!(crl.revoked_count(), 1);
    assert!(!crl.is_delta());
    assert_eq!(
        crl.issuer().to_string(),
        "C=GB, O=nhs, OU=CA, CN=careid TEST Authentication G2"
    );
    for len in 0..fx.ca_crl.len() {
        assert!(
            matches!(Crl::from_der(&fx.ca_crl[..len]), Err(Error::BadCrl { .. })),
            "truncated to {len}"
        );
    }
    // Reason code 7 is not defined: patch the ENUMERATED in the entry (0a 01 01 → 0a 01 07).
    let pos = fx
        .ca_crl
        .windows(3)
        .position(|w| w == [0x0a, 0x01, 0x01])
        .unwrap();
    let mut bad = fx.ca_crl.clone();
    bad[pos + 2] = 7;
    assert_eq!(
        Crl::from_der(&bad).unwrap_err(),
        Error::BadCrl {
            reason: Malformed::UnknownReasonCode { code: 7 }
        }
    );
}

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut out = base.to_vec();
    for (pos, byte) in edits {
        if !out.is_empty() {
            let i = pos % out.len();
            out[i] ^= byte;
        }
    }
    out.truncate(out.len().saturating_sub(cut % 4));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn certificate_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(cert) = Certificate::from_der(&bytes) {
            prop_assert_eq!(cert.der(), &bytes[..]);
            let _ = cert.subject().to_string();
        }
    }

    #[test]
    fn crl_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(crl) = Crl::from_der(&bytes) {
            prop_assert_eq!(crl.der(), &bytes[..]);
        }
    }

    #[test]
    fn mutated_certificates_parse_or_fail_typed(
        which in 0..3_usize,
        edits in proptest::collection::vec((any::<usize>(), 1..=255_u8), 1..4),
        cut in any::<usize>(),
    ) {
        let pki = TestPki::get();
        let base = [&pki.root, &pki.issuing_ca, &pki.user_rsa][which];
        let der = mutate(base, &edits, cut);
        match Certificate::from_der(&der) {
            Ok(cert) => {
                // Decoding is a pure function of the bytes.
                let again = Certificate::from_der(&der).unwrap();
                prop_assert_eq!(cert.serial_number(), again.serial_number());
                prop_assert_eq!(cert.not_after(), again.not_after());
            }
            Err(e) => prop_assert!(matches!(e, Error::BadCertificate { .. }), "{:?}", e),
        }
    }

    #[test]
    fn mutated_crls_parse_or_fail_typed(
        edits in proptest::collection::vec((any::<usize>(), 1..=255_u8), 1..4),
        cut in any::<usize>(),
    ) {
        let fx = X509Fixtures::get();
        let der = mutate(&fx.ca_crl, &edits, cut);
        match Crl::from_der(&der) {
            Ok(crl) => prop_assert_eq!(crl.der(), &der[..]),
            Err(e) => prop_assert!(matches!(e, Error::BadCrl { .. }), "{:?}", e),
        }
    }

    #[test]
    fn mutated_chains_never_validate_and_never_panic(
        which in 0..2_usize,
        edits in proptest::collection::vec((any::<usize>(), 1..=255_u8), 1..3),
    ) {
        let pki = TestPki::get();
        let fx = X509Fixtures::get();
        let v = Validator::builder([TrustAnchor::from_der(&pki.root).unwrap()]).build().unwrap();
        let crls = CrlSet::from_der(&[&fx.root_crl, &fx.ca_crl]).unwrap();
        let time = Time::parse_rfc3339("2027-06-01T00:00:00Z").unwrap();
        let (ee, ca) = if which == 0 {
            (mutate(&pki.user_rsa, &edits, 0), pki.issuing_ca.clone())
        } else {
            (pki.user_rsa.clone(), mutate(&pki.issuing_ca, &edits, 0))
        };
        // A changed byte anywhere in a signed certificate breaks its signature or its
        // encoding; the few bytes outside the signed part (the outer algorithm identifier,
        // the signature value) break it too.
        prop_assert!(v.validate(&ee, &[&ca], &crls, time).is_err());
    }
}
