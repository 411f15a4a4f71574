//! careid-x509 against an independent implementation, rustls-webpki, on the careid-testkit
//! PKI: the same chains, times and CRLs must get the same verdict. (Where the two differ by
//! design, e.g. directoryName constraints, which rustls-webpki does not process, the case is
//! not listed here; docs/conformance.md names the divergences.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_testkit::{TestPki, X509Fixtures};
use careid_x509::{CrlSet, Purpose, RevocationPolicy, Time, TrustAnchor, Validator};
use rustls_pki_types::{CertificateDer, UnixTime};
use webpki::{
    BorrowedCertRevocationList, CertRevocationList, EndEntityCert, ExpirationPolicy,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

struct Case<'a> {
    name: &'a str,
    anchor: &'a [u8],
    ee: &'a [u8],
    inters: Vec<&'a [u8]>,
    crls: Vec<&'a [u8]>,
    time: &'a str,
}

fn careid(case: &Case<'_>) -> Result<(), String> {
    let revocation = if case.crls.is_empty() {
        RevocationPolicy::OFF
    } else {
        RevocationPolicy::REQUIRED
    };
    let v = Validator::builder([TrustAnchor::from_der(case.anchor).unwrap()])
        .require_purposes([Purpose::CLIENT_AUTH])
        .revocation(revocation)
        .build()
        .unwrap();
    let crls = CrlSet::from_der(&case.crls).unwrap();
    let time = Time::parse_rfc3339(case.time).unwrap();
    v.validate(case.ee, &case.inters, &crls, time)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn webpki(case: &Case<'_>) -> Result<(), String> {
    let anchor_der = CertificateDer::from(case.anchor);
    let anchors = [webpki::anchor_from_trusted_cert(&anchor_der).unwrap()];
    let ee_der = CertificateDer::from(case.ee);
    let ee = EndEntityCert::try_from(&ee_der).map_err(|e| e.to_string())?;
    let inters: Vec<CertificateDer<'_>> = case
        .inters
        .iter()
        .map(|d| CertificateDer::from(*d))
        .collect();
    let crls: Vec<CertRevocationList<'_>> = case
        .crls
        .iter()
        .map(|d| BorrowedCertRevocationList::from_der(d).unwrap().into())
        .collect();
    let crl_refs: Vec<&CertRevocationList<'_>> = crls.iter().collect();
    let revocation = if crl_refs.is_empty() {
        None
    } else {
        Some(
            RevocationOptionsBuilder::new(&crl_refs)
                .unwrap()
                .with_depth(RevocationCheckDepth::Chain)
                .with_status_policy(UnknownStatusPolicy::Deny)
                .with_expiration_policy(ExpirationPolicy::Enforce)
                .build(),
        )
    };
    let secs = Time::parse_rfc3339(case.time).unwrap().unix_seconds();
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs.try_into().unwrap()));
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &inters,
        time,
        webpki::KeyUsage::client_auth(),
        revocation,
        None,
    )
    .map(|_| ())
    .map_err(|e| format!("{e:?}"))
}

#[test]
fn same_verdicts_as_rustls_webpki() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let when = "2027-06-01T09:00:00Z";
    let ca = || vec![&pki.issuing_ca[..]];
    let crls = || vec![&fx.root_crl[..], &fx.ca_crl[..]];
    let cases = [
        Case {
            name: "RSA user",
            anchor: &pki.root,
            ee: &pki.user_rsa,
            inters: ca(),
            crls: vec![],
            time: when,
        },
        Case {
            name: "P-256 user",
            anchor: &pki.root,
            ee: &pki.user_p256,
            inters: ca(),
            crls: vec![],
            time: when,
        },
        Case {
            name: "RSA user, CRLs",
            anchor: &pki.root,
            ee: &pki.user_rsa,
            inters: ca(),
            crls: crls(),
            time: when,
        },
        Case {
            name: "revoked user",
            anchor: &pki.root,
            ee: &fx.user_revoked,
            inters: ca(),
            crls: crls(),
            time: when,
        },
        Case {
            name: "stale CRL",
            anchor: &pki.root,
            ee: &pki.user_rsa,
            inters: ca(),
            crls: vec![&fx.root_crl, &fx.ca_crl_stale],
            time: when,
        },
        Case {
            name: "expired user",
            anchor: &pki.root,
            ee: &fx.user_expired,
            inters: ca(),
            crls: vec![],
            time: when,
        },
        Case {
            name: "not yet valid",
            anchor: &pki.root,
            ee: &pki.user_rsa,
            inters: ca(),
            crls: vec![],
            time: "2025-01-01T00:00:00Z",
        },
        Case {
            name: "CA expired",
            anchor: &pki.root,
            ee: &pki.user_rsa,
            inters: ca(),
            crls: vec![],
            time: "2041-01-01T00:00:00Z",
        },
        Case {
            name: "no intermediate",
            anchor: &pki.root,
            ee: &pki.user_rsa,
            inters: vec![],
            crls: vec![],
            time: when,
        },
        Case {
            name: "wrong root",
            anchor: &fx.p256_root,
            ee: &pki.user_rsa,
            inters: ca(),
            crls: vec![],
            time: when,
        },
        Case {
            name: "serverAuth only",
            anchor: &pki.root,
            ee: &fx.user_server_eku,
            inters: ca(),
            crls: vec![],
            time: when,
        },
        Case {
            name: "signing certificate (no EKU)",
            anchor: &pki.root,
            ee: &fx.user_signing,
            inters: ca(),
            crls: vec![],
            time: when,
        },
        Case {
            name: "P-256 chain",
            anchor: &fx.p256_root,
            ee: &fx.p256_user,
            inters: vec![&fx.p256_ca],
            crls: vec![],
            time: when,
        },
        Case {
            name: "P-256 chain, CRLs",
            anchor: &fx.p256_root,
            ee: &fx.p256_user,
            inters: vec![&fx.p256_ca],
            crls: vec![&fx.p256_root_crl, &fx.p256_ca_crl],
            time: when,
        },
        Case {
            name: "P-256 chain, only the root's CRL",
            anchor: &fx.p256_root,
            ee: &fx.p256_user,
            inters: vec![&fx.p256_ca],
            crls: vec![&fx.p256_root_crl],
            time: when,
        },
    ];
    let mut disagreements = Vec::new();
    for case in &cases {
        let (a, b) = (careid(case), webpki(case));
        println!(
            "{:<34} careid: {:<60} webpki: {:?}",
            case.name,
            format!("{a:?}"),
            b
        );
        if a.is_ok() != b.is_ok() {
            disagreements.push(case.name);
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:?}");
    // The one divergence by design: rustls-webpki does not process directoryName
    // constraints (rustls/webpki#19) and refuses any chain through a CA that has them, even
    // for a subject inside the permitted subtree; careid processes them.
    let constrained = Case {
        name: "directoryName-constrained CA",
        anchor: &pki.root,
        ee: &fx.constrained_user_ok,
        inters: vec![&fx.constrained_ca],
        crls: vec![],
        time: when,
    };
    assert!(careid(&constrained).is_ok());
    assert_eq!(
        webpki(&constrained),
        Err("NameConstraintViolation".to_owned())
    );
    // The list exercises both verdicts.
    assert!(cases.iter().any(|c| careid(c).is_ok()));
    assert!(cases.iter().any(|c| careid(c).is_err()));
}
