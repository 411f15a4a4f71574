//! careid-x509 path validation of a 3-certificate client-auth chain (root → issuing CA →
//! card user), against rustls-webpki on the same chain in the same run, and against the raw
//! cost of the two signature verifications the path needs (ring, keys already parsed).
//! Targets: careid no slower than rustls-webpki, within 1.10x of the raw signature cost, and
//! a validated-chain cache hit under 2% of a full validation. "careid-new-card" is a first
//! login under a known issuing CA through `ValidationCache` (the CA's signature remembered).
//! After the criterion groups, the variants run interleaved and the ratios are printed.
//!
//! Two chains: the careid-testkit PKI with the RSA-2048 card certificate (every signature
//! RSA-2048 PKCS#1 v1.5 SHA-256), and the all-ECDSA P-256 fixture chain; each first with
//! revocation off (the chain's own work, as the raw cost has no CRL either), then with
//! revocation required against the root's and the CA's CRLs (careid's default, and the NHS
//! profile's), rustls-webpki given the same CRLs.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

use careid::x509::{
    CrlSet, Purpose, RevocationPolicy, RevocationStatus, Time, TrustAnchor, ValidationCache,
    Validator,
};
use careid_testkit::timing::Interleaved;
use careid_testkit::{TestPki, X509Fixtures};
use criterion::{Criterion, criterion_group, criterion_main};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use rustls_pki_types::{CertificateDer, UnixTime};
use std::hint::black_box;

/// One DER TLV: (tag, header length, content length).
fn header(der: &[u8]) -> (u8, usize, usize) {
    let tag = der[0];
    let first = der[1];
    if first < 0x80 {
        (tag, 2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        let len = der[2..2 + n]
            .iter()
            .fold(0_usize, |acc, b| (acc << 8) | usize::from(*b));
        (tag, 2 + n, len)
    }
}

/// The consecutive TLVs inside `content`, each as its whole encoding.
fn children(content: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (_, h, l) = header(rest);
        out.push(&rest[..h + l]);
        rest = &rest[h + l..];
    }
    out
}

fn content(tlv: &[u8]) -> &[u8] {
    let (_, h, l) = header(tlv);
    &tlv[h..h + l]
}

/// (TBSCertificate bytes, signature bytes, SubjectPublicKeyInfo's key bytes) of a certificate.
fn split(cert: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let parts = children(content(cert));
    let tbs = parts[0].to_vec();
    let sig = content(parts[2])[1..].to_vec();
    let fields = children(content(parts[0]));
    let spki = fields.iter().find(|f| {
        f[0] == 0x30 && {
            let inner = children(content(f));
            inner.len() == 2 && inner[1][0] == 0x03
        }
    });
    let key = content(children(content(spki.unwrap()))[1])[1..].to_vec();
    (tbs, sig, key)
}

fn at() -> Time {
    Time::parse_rfc3339("2027-06-01T09:00:00Z").unwrap()
}

/// One chain and its CRLs.
struct Chain<'a> {
    name: &'static str,
    root: &'a [u8],
    ca: &'a [u8],
    user: &'a [u8],
    alg: &'static dyn VerificationAlgorithm,
    crls: [&'a [u8]; 2],
}

/// careid's validator for `chain`: the anchor built once (as a login server would),
/// client-auth purpose required.
fn validator(chain: &Chain<'_>, revocation: RevocationPolicy) -> Validator {
    Validator::builder([TrustAnchor::from_der(chain.root).unwrap()])
        .require_purposes([Purpose::CLIENT_AUTH])
        .revocation(revocation)
        .build()
        .unwrap()
}

/// The floor: the chain's two signatures (user by CA, CA by root) with ring, keys and signed
/// bytes already extracted.
fn raw_signatures(chain: &Chain<'_>) -> impl Fn() + use<> {
    let (ca_tbs, ca_sig, ca_key) = split(chain.ca);
    let (user_tbs, user_sig, _) = split(chain.user);
    let (_, _, root_key) = split(chain.root);
    let root_ring = UnparsedPublicKey::new(chain.alg, root_key);
    let ca_ring = UnparsedPublicKey::new(chain.alg, ca_key);
    move || {
        root_ring
            .verify(black_box(&ca_tbs), black_box(&ca_sig))
            .unwrap();
        ca_ring
            .verify(black_box(&user_tbs), black_box(&user_sig))
            .unwrap();
    }
}

/// rustls-webpki's side: the anchor and the CRLs parsed once, the end entity per validation.
struct Webpki<'a> {
    anchors: [rustls_pki_types::TrustAnchor<'static>; 1],
    inters: [CertificateDer<'a>; 1],
    user: CertificateDer<'a>,
    crls: Vec<webpki::CertRevocationList<'static>>,
    time: UnixTime,
}

impl<'a> Webpki<'a> {
    fn new(chain: &Chain<'a>, time: Time) -> Self {
        let root = CertificateDer::from(chain.root);
        let secs = u64::try_from(time.unix_seconds()).unwrap();
        Self {
            anchors: [webpki::anchor_from_trusted_cert(&root).unwrap().to_owned()],
            inters: [CertificateDer::from(chain.ca)],
            user: CertificateDer::from(chain.user),
            crls: chain
                .crls
                .iter()
                .map(|der| {
                    webpki::OwnedCertRevocationList::from_der(der)
                        .unwrap()
                        .into()
                })
                .collect(),
            time: UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs)),
        }
    }

    /// Client-auth validation; with `crls`, the whole chain's revocation too (unknown status
    /// denied, CRL expiry enforced).
    fn validate(&self, crls: Option<&[&webpki::CertRevocationList<'_>]>) {
        let ee = webpki::EndEntityCert::try_from(black_box(&self.user)).unwrap();
        let revocation = crls.map(|crls| {
            webpki::RevocationOptionsBuilder::new(crls)
                .unwrap()
                .with_depth(webpki::RevocationCheckDepth::Chain)
                .with_status_policy(webpki::UnknownStatusPolicy::Deny)
                .with_expiration_policy(webpki::ExpirationPolicy::Enforce)
                .build()
        });
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &self.anchors,
            &self.inters,
            self.time,
            webpki::KeyUsage::client_auth(),
            revocation,
            None,
        )
        .map(|_| ())
        .unwrap();
    }
}

/// Runs `variants` as one criterion group, then interleaved, and prints every variant's time
/// and the ratios `(numerator, denominator)` by index.
fn measure(
    c: &mut Criterion,
    group: &str,
    variants: &[(&str, &dyn Fn())],
    ratios: &[(usize, usize)],
) {
    let mut g = c.benchmark_group(group);
    for (label, variant) in variants {
        g.bench_function(*label, |b| b.iter(variant));
    }
    g.finish();
    let plan = Interleaved {
        rounds: 100,
        per_round: 20,
    };
    let fns: Vec<&dyn Fn()> = variants.iter().map(|(_, f)| *f).collect();
    let t = plan.run(&fns);
    let times: Vec<String> = variants
        .iter()
        .enumerate()
        .map(|(i, (label, _))| format!("{label} {}", t.seconds(i).time_text()))
        .collect();
    println!(
        "{group} interleaved ({} rounds x {}): {}",
        plan.rounds,
        plan.per_round,
        times.join(", ")
    );
    let label = |i: usize| variants.get(i).map_or("?", |(l, _)| *l);
    let quotients: Vec<String> = ratios
        .iter()
        .map(|&(n, d)| format!("{}/{} {}", label(n), label(d), t.ratio(n, d).ratio_text()))
        .collect();
    println!(
        "{group} median ratios [quartiles]: {}",
        quotients.join(", ")
    );
}

/// Revocation off: raw, careid (cold), rustls-webpki, a new card and a repeat login through
/// `ValidationCache`.
fn bench_chain(c: &mut Criterion, chain: &Chain<'_>) {
    let validator = validator(chain, RevocationPolicy::OFF);
    let crls = CrlSet::new();
    let time = at();
    let user = chain.user;
    let inters = [chain.ca];
    validator.validate(user, &inters, &crls, time).unwrap();
    let cache = ValidationCache::new(validator.clone(), 64);
    cache.validate(user, &inters, &crls, time).unwrap();
    // A first login under a known issuing CA: no path caching, so every validation runs in
    // full except the CA certificate's signature, remembered from the warm-up.
    let new_card = ValidationCache::new(validator.clone(), 0);
    new_card.validate(user, &inters, &crls, time).unwrap();
    new_card.validate(user, &inters, &crls, time).unwrap();
    assert_eq!(new_card.stats().signatures_remembered, 1);
    let webpki = Webpki::new(chain, time);
    webpki.validate(None);

    let raw = raw_signatures(chain);
    let careid = || {
        black_box(validator.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    let rustls_webpki = || webpki.validate(None);
    let new_card = || {
        black_box(new_card.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    let hit = || {
        black_box(cache.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    measure(
        c,
        &format!("x509/{}", chain.name),
        &[
            ("raw-signatures", &raw),
            ("careid", &careid),
            ("rustls-webpki", &rustls_webpki),
            ("careid-new-card", &new_card),
            ("careid-cache-hit", &hit),
        ],
        &[(1, 0), (2, 0), (1, 2), (3, 2), (4, 1)],
    );
}

/// Revocation required, both CRLs: raw (the chain's two signatures), careid (cold: a
/// `Validator` and a `CrlSet` kept between logins), rustls-webpki with the same CRLs.
fn bench_chain_with_crls(c: &mut Criterion, chain: &Chain<'_>) {
    let validator = validator(chain, RevocationPolicy::REQUIRED);
    let crls = CrlSet::from_der(&chain.crls).unwrap();
    let time = at();
    let user = chain.user;
    let inters = [chain.ca];
    let path = validator.validate(user, &inters, &crls, time).unwrap();
    assert_eq!(path.revocation(), RevocationStatus::Checked);
    let webpki = Webpki::new(chain, time);
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = webpki.crls.iter().collect();
    webpki.validate(Some(&crl_refs));

    let raw = raw_signatures(chain);
    let careid = || {
        black_box(validator.validate(black_box(user), black_box(&inters), &crls, time)).unwrap();
    };
    let rustls_webpki = || webpki.validate(Some(&crl_refs));
    measure(
        c,
        &format!("x509/{}-crls", chain.name),
        &[
            ("raw-signatures", &raw),
            ("careid-crls", &careid),
            ("rustls-webpki-crls", &rustls_webpki),
        ],
        &[(1, 0), (2, 0), (1, 2)],
    );
}

fn chains(c: &mut Criterion) {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let chains = [
        Chain {
            name: "rsa2048",
            root: &pki.root,
            ca: &pki.issuing_ca,
            user: &pki.user_rsa,
            alg: &signature::RSA_PKCS1_2048_8192_SHA256,
            crls: [&fx.root_crl, &fx.ca_crl],
        },
        Chain {
            name: "p256",
            root: &fx.p256_root,
            ca: &fx.p256_ca,
            user: &fx.p256_user,
            alg: &signature::ECDSA_P256_SHA256_ASN1,
            crls: [&fx.p256_root_crl, &fx.p256_ca_crl],
        },
    ];
    for chain in &chains {
        bench_chain(c, chain);
    }
    for chain in &chains {
        bench_chain_with_crls(c, chain);
    }
}

criterion_group!(benches, chains);
criterion_main!(benches);
