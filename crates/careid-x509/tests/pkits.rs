//! NIST PKITS (2011 data set) through careid-x509's public API.
//!
//! Data: `tests/data/pkits/` (see its SOURCE.md). Each case gives the trust anchor, the
//! certificates PKITS lists (passed as untrusted intermediates, in the listed order,
//! CRL-signing certificates included), the CRLs, and the policy settings. Every case runs
//! with revocation checking required, at 2011-04-15T00:00:00Z, and is compared with the NIST
//! `expected` verdict; for valid paths the user-constrained policy set is compared too.
//! The run prints passed / failed / skipped per PKITS section.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_x509::careid_crypto::KeyPolicy;
use careid_x509::{
    CrlSet, Error, ObjectIdentifier, PolicySettings, RevocationPolicy, Time, TrustAnchor, Validator,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/pkits");

/// Cases careid does not run, with the reason (also in docs/conformance.md).
const SKIPS: &[(&str, &str)] = &[
    (
        "4.1.4",
        "DSA signatures: careid-crypto verifies no DSA (nor SHA-1) by design",
    ),
    (
        "4.1.5",
        "DSA signatures with inherited DSA parameters: no DSA in careid-crypto",
    ),
    ("4.1.6", "DSA signatures: no DSA in careid-crypto"),
];

fn read(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(DATA).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn oid_of(name: &str, table: &serde_json::Value) -> ObjectIdentifier {
    ObjectIdentifier::new(table[name].as_str().unwrap()).unwrap()
}

/// Runs one case; `Ok(path)` or the error.
fn run_case(
    case: &serde_json::Value,
    table: &serde_json::Value,
    time: Time,
) -> Result<careid_x509::VerifiedPath, Error> {
    let certs: Vec<Vec<u8>> = case["certs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| read(p.as_str().unwrap()))
        .collect();
    let crls: Vec<Vec<u8>> = case["crls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| read(p.as_str().unwrap()))
        .collect();
    let settings = &case["settings"];
    let mut policy = PolicySettings::new().with_initial_policies(
        settings["initial_policy_set"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| oid_of(n.as_str().unwrap(), table)),
    );
    if settings["initial_explicit_policy"].as_bool().unwrap() {
        policy = policy.require_explicit_policy();
    }
    if settings["initial_policy_mapping_inhibit"]
        .as_bool()
        .unwrap()
    {
        policy = policy.inhibit_policy_mapping();
    }
    if settings["initial_inhibit_any_policy"].as_bool().unwrap() {
        policy = policy.inhibit_any_policy();
    }
    let anchor = TrustAnchor::from_der(&certs[0])?;
    // The default key policy (RSA >= 2048) suffices: the only 1024-bit key in PKITS is the
    // DSA CA's, on the skipped DSA paths.
    let validator = Validator::builder([anchor])
        .key_policy(KeyPolicy::DEFAULT)
        // PKITS 4.4.14-15 (negative serial numbers) and 4.2.4 (GeneralizedTime in 2002).
        .danger_allow_nonpositive_serial_numbers()
        .allow_generalized_time_before_2050()
        .policy_settings(policy)
        .revocation(RevocationPolicy::REQUIRED)
        .build()?;
    let crls = CrlSet::from_der(&crls)?;
    let end_entity = certs.last().unwrap();
    let intermediates = &certs[1..certs.len() - 1];
    validator.validate(end_entity, intermediates, &crls, time)
}

#[derive(Default)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
}

#[test]
fn nist_pkits() {
    let text = std::fs::read(PathBuf::from(DATA).join("cases.json")).unwrap();
    let suite: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let table = &suite["policy_oids"];
    let time = Time::parse_rfc3339(suite["defaults"]["validation_time"].as_str().unwrap()).unwrap();
    let mut sections: BTreeMap<(u32, u32), Counts> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut reasons = Vec::new();
    let mut total = 0;
    for case in suite["cases"].as_array().unwrap() {
        total += 1;
        let id = case["id"].as_str().unwrap();
        let section = case["section"].as_str().unwrap();
        let mut parts = section.split('.').map(|p| p.parse::<u32>().unwrap());
        let key = (parts.next().unwrap(), parts.next().unwrap());
        let counts = sections.entry(key).or_default();
        if SKIPS.iter().any(|(skip, _)| *skip == id) {
            counts.skipped += 1;
            continue;
        }
        let expected_valid = case["expected"].as_str().unwrap() == "valid";
        let result = run_case(case, table, time);
        let ok = match (&result, expected_valid) {
            (Ok(path), true) => {
                let want: Vec<ObjectIdentifier> = case["expected_user_constrained_policy_set"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| oid_of(n.as_str().unwrap(), table))
                    .collect();
                let mut got = path.user_constrained_policies().to_vec();
                let mut want_sorted = want.clone();
                got.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                want_sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                if got == want_sorted {
                    true
                } else {
                    failures.push(format!(
                        "{id} {}: valid, but user-constrained policies {got:?}, expected {want:?}",
                        case["name"]
                    ));
                    false
                }
            }
            (Err(e), false) => {
                reasons.push(format!("{id} {}: {e}", case["name"]));
                true
            }
            (Ok(_), false) => {
                failures.push(format!("{id} {}: accepted, expected invalid", case["name"]));
                false
            }
            (Err(e), true) => {
                failures.push(format!(
                    "{id} {}: rejected ({e}), expected valid",
                    case["name"]
                ));
                false
            }
        };
        if ok {
            counts.passed += 1;
        } else {
            counts.failed += 1;
        }
    }
    println!("NIST PKITS, careid-x509 ({total} cases)");
    println!(
        "{:<8} {:>6} {:>6} {:>7}",
        "section", "passed", "failed", "skipped"
    );
    let (mut p, mut f, mut s) = (0, 0, 0);
    for ((a, b), c) in &sections {
        println!(
            "{:<8} {:>6} {:>6} {:>7}",
            format!("{a}.{b}"),
            c.passed,
            c.failed,
            c.skipped
        );
        p += c.passed;
        f += c.failed;
        s += c.skipped;
    }
    println!("{:<8} {p:>6} {f:>6} {s:>7}", "total");
    for (id, why) in SKIPS {
        println!("skipped {id}: {why}");
    }
    for reason in &reasons {
        println!("rejected as expected: {reason}");
    }
    for failure in &failures {
        println!("FAILED {failure}");
    }
    assert_eq!(total, 249);
    assert!(failures.is_empty(), "{} PKITS cases failed", failures.len());
}

/// The invalid cases fail for the reason PKITS gives, not for an incidental one.
#[test]
fn pkits_invalid_cases_fail_for_their_reason() {
    let text = std::fs::read(PathBuf::from(DATA).join("cases.json")).unwrap();
    let suite: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let table = &suite["policy_oids"];
    let time = Time::parse_rfc3339("2011-04-15T00:00:00Z").unwrap();
    let expect = |id: &str, check: &dyn Fn(&Error) -> bool| {
        let case = suite["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        let err = run_case(case, table, time).expect_err(id);
        assert!(check(&err), "{id}: {err:?}");
    };
    // The CA certificate's signature BIT STRING claims an unused bit: not a signature value.
    expect("4.1.2", &|e| {
        matches!(
            e,
            Error::BadCertificate {
                input: careid_x509::Input::Intermediate { index: 0 },
                reason: careid_x509::Malformed::Der {
                    structure: "signatureValue",
                    ..
                }
            }
        )
    });
    expect("4.1.3", &|e| {
        matches!(e, Error::BadSignature { depth: 0, .. })
    });
    expect("4.2.1", &|e| {
        matches!(e, Error::NotYetValid { depth: 1, .. })
    });
    expect("4.2.6", &|e| matches!(e, Error::Expired { depth: 0, .. }));
    expect("4.3.1", &|e| {
        matches!(e, Error::UnknownIssuer { .. } | Error::BadSignature { .. })
    });
    expect("4.4.1", &|e| {
        matches!(e, Error::RevocationUnknown { depth: 0, .. })
    });
    expect("4.4.2", &|e| matches!(e, Error::Revoked { depth: 1, .. }));
    expect("4.4.3", &|e| matches!(e, Error::Revoked { depth: 0, .. }));
    expect("4.6.1", &|e| matches!(e, Error::NotCa { depth: 1 }));
    expect("4.7.1", &|e| matches!(e, Error::CaKeyUsage { depth: 1 }));
    expect("4.16.2", &|e| {
        matches!(e, Error::UnsupportedCriticalExtension { depth: 0, .. })
    });
}
