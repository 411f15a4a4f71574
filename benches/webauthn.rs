//! WebAuthn assertion verification (careid::fido, WebAuthn §7.2) against ring verifying the
//! same ECDSA P-256 signature directly, on one assertion made by the simulated key through
//! careid's CTAPHID framing. The anchor does the least any verifier must: SHA-256 of the
//! clientDataJSON, `authenticatorData ‖ hash`, one ring verification. careid adds the strict
//! clientDataJSON parse and checks, the authenticatorData parse and flag checks, and the
//! counter verdict. Target: within 1.10x of the anchor.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid::fido::rand_core::SeedableRng as _;
use careid::fido::{
    AssertionResponse, Authenticator, ClientDataType, CollectedClientData, CredentialDescriptor,
    GetAssertionRequest, IgnoreKeepalives, MakeCredentialRequest, RegistrationResponse, RpEntity,
    UserEntity, UserVerification, WebAuthnPolicy,
};
use careid_testkit::timing::Interleaved;
use coset::CborSerializable as _;
use criterion::{Criterion, criterion_group, criterion_main};
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use std::hint::black_box;

const RP: &str = "careid.example";
const ORIGIN: &str = "https://careid.example";

fn assertion(c: &mut Criterion) {
    let policy = WebAuthnPolicy::builder(RP)
        .origin(ORIGIN)
        .user_verification(UserVerification::NotRequired)
        .build()
        .unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let mut key = Authenticator::open(careid_keysim::KeySim::new(1), &mut rng).unwrap();
    let create = CollectedClientData::new(ClientDataType::Create, b"register", ORIGIN, false);
    let made = key
        .make_credential(
            &MakeCredentialRequest::new(
                *create.hash(),
                RpEntity::new(RP, None),
                UserEntity::new(b"user".to_vec(), None, None),
            ),
            &mut IgnoreKeepalives,
        )
        .unwrap();
    let at = careid::x509::Time::parse_rfc3339("2026-06-01T09:00:00Z").unwrap();
    let record = policy
        .verify_registration(
            b"register",
            b"user",
            &RegistrationResponse::new(create.json(), &made.to_webauthn_bytes()),
            at,
        )
        .unwrap()
        .into_credential();
    let challenge = [0x5a; 32];
    let get = CollectedClientData::new(ClientDataType::Get, &challenge, ORIGIN, false);
    let signed = key
        .get_assertion(
            &GetAssertionRequest::new(
                RP,
                *get.hash(),
                vec![CredentialDescriptor::new(record.id().to_vec())],
            ),
            &mut IgnoreKeepalives,
        )
        .unwrap();
    let auth_data = signed.auth_data.as_bytes().to_vec();
    let signature = signed.signature.clone();
    let client_data = get.json().to_vec();
    let allow = [record.id()];
    let response = AssertionResponse::new(record.id(), &client_data, &auth_data, &signature)
        .with_user_handle(b"user");
    policy
        .verify_assertion(&challenge, &allow, &record, &response)
        .unwrap();

    // ring's own input: the uncompressed point of the credential key, from its COSE_Key.
    let cose = coset::CoseKey::from_slice(record.public_key_cose()).unwrap();
    let coordinate = |label: i64| {
        cose.params
            .iter()
            .find(|(l, _)| *l == coset::Label::Int(label))
            .and_then(|(_, v)| v.as_bytes().cloned())
            .unwrap()
    };
    let mut point = vec![0x04];
    point.extend_from_slice(&coordinate(-2));
    point.extend_from_slice(&coordinate(-3));
    let ring_key = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point);
    let anchor = |cdj: &[u8], ad: &[u8], sig: &[u8]| {
        let hash = ring::digest::digest(&ring::digest::SHA256, cdj);
        let mut message = Vec::with_capacity(ad.len() + 32);
        message.extend_from_slice(ad);
        message.extend_from_slice(hash.as_ref());
        ring_key.verify(&message, sig)
    };
    anchor(&client_data, &auth_data, &signature).unwrap();

    let mut group = c.benchmark_group("webauthn/assertion-ES256");
    group.bench_function("ring", |b| {
        b.iter(|| {
            anchor(
                black_box(&client_data),
                black_box(&auth_data),
                black_box(&signature),
            )
        })
    });
    group.bench_function("careid", |b| {
        b.iter(|| {
            policy.verify_assertion(
                black_box(&challenge),
                black_box(&allow),
                black_box(&record),
                black_box(&response),
            )
        })
    });
    group.finish();

    // The other engineers' builds share the machine: criterion's absolute figures move with
    // the load. The ratio comes from rounds that interleave both variants.
    let ring = || {
        black_box(anchor(
            black_box(&client_data),
            black_box(&auth_data),
            black_box(&signature),
        ))
        .unwrap();
    };
    let careid = || {
        black_box(policy.verify_assertion(&challenge, &allow, &record, &response)).unwrap();
    };
    let t = Interleaved {
        rounds: 60,
        per_round: 40,
    }
    .run(&[&ring, &careid]);
    println!(
        "webauthn/assertion-ES256 careid/ring, median [quartiles] of 60 interleaved rounds of 40: {}",
        t.ratio(1, 0).ratio_text()
    );
}

criterion_group!(benches, assertion);
criterion_main!(benches);
