//! End to end: the simulated security key (careid-keysim) registers and logs in through
//! careid-ctap's CTAPHID framing, and the WebAuthn verifier checks every ceremony, with the
//! test attestation CA (careid-testkit) as the trust anchor.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_assert::careid_ctap::ciborium::value::Value;
use careid_assert::careid_ctap::rand_core::SeedableRng as _;
use careid_assert::careid_ctap::{
    Aaguid, AttestationFormat, AttestationObject, AttestationStatement, AttestedCredentialData,
    Authenticator, AuthenticatorData, ClientDataType, CollectedClientData, CredentialDescriptor,
    Flags, GetAssertionRequest, IgnoreKeepalives, MakeCredentialRequest, Permissions, Pin,
    RelyingParty, UserEntity, cbor,
};
use careid_assert::careid_x509::{Time, TrustAnchor};
use careid_assert::{
    AssertionResponse, AttestationClass, AttestationRoots, AttestationTrust,
    AuthenticatorAssurance, CertificateRequirement, CounterCheck, CounterPolicy, CredentialRecord,
    RegistrationResponse, UserVerification, VerifiedRegistration, WebAuthnError, WebAuthnPolicy,
    WebAuthnPolicyBuilder,
};
use careid_crypto::{AlgorithmSet, SignatureAlgorithm, SignatureFormat};
use careid_keysim::{Attestation, KeySim};
use careid_testkit::{
    AttestationCertOptions, KEYSIM_AAGUID, TestAttestationCa, TestKey, TestSigner,
};
use rand_chacha::ChaCha20Rng;

const RP: &str = "careid.example";
const ORIGIN: &str = "https://careid.example";
const USER: &[u8] = b"user-555123456789";
const PIN: &str = "246810";

fn now() -> Time {
    Time::parse_rfc3339("2026-06-01T09:00:00Z").unwrap()
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0xa55e)
}

fn trusted_roots() -> AttestationRoots {
    AttestationRoots::new().with_roots(
        Aaguid(KEYSIM_AAGUID),
        vec![TrustAnchor::from_der(&TestAttestationCa::get().root).unwrap()],
    )
}

/// The AAL3-style policy: UV required, attestation trusted.
fn aal3() -> WebAuthnPolicyBuilder {
    WebAuthnPolicy::builder(RP)
        .origin(ORIGIN)
        .attestation_roots(trusted_roots())
        .require_trusted_attestation()
}

fn key(sim: KeySim) -> Authenticator<KeySim> {
    Authenticator::open(sim, &mut rng()).unwrap()
}

fn pin_key() -> Authenticator<KeySim> {
    key(KeySim::new(1).with_pin(PIN).unwrap())
}

/// Makes a credential on the key; returns (clientDataJSON, attestationObject bytes).
fn make(
    auth: &mut Authenticator<KeySim>,
    rp: &str,
    challenge: &[u8],
    pin: bool,
) -> (Vec<u8>, Vec<u8>) {
    let cd = CollectedClientData::new(ClientDataType::Create, challenge, ORIGIN, false);
    let mut req = MakeCredentialRequest::new(
        *cd.hash(),
        RelyingParty::new(rp, None),
        UserEntity::new(USER.to_vec(), Some("jane".into()), None),
    );
    if pin {
        let token = auth
            .pin_uv_auth_token(
                &Pin::new(PIN).unwrap(),
                Permissions::MAKE_CREDENTIAL,
                Some(rp),
                &mut rng(),
            )
            .unwrap();
        req.pin_uv_auth = Some(token.authenticate(cd.hash()));
    }
    let obj = auth.make_credential(&req, &mut IgnoreKeepalives).unwrap();
    (cd.json().to_vec(), obj.to_webauthn_bytes())
}

fn register(
    auth: &mut Authenticator<KeySim>,
    policy: &WebAuthnPolicy,
    pin: bool,
) -> Result<VerifiedRegistration, WebAuthnError> {
    let (json, object) = make(auth, RP, b"registration challenge", pin);
    policy.verify_registration(
        b"registration challenge",
        USER,
        &RegistrationResponse::new(&json, &object),
        now(),
    )
}

/// Signs a login on the key; returns (credential id, clientDataJSON, authData, signature).
fn sign(
    auth: &mut Authenticator<KeySim>,
    id: &[u8],
    cd: &CollectedClientData,
    pin: bool,
) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut req =
        GetAssertionRequest::new(RP, *cd.hash(), vec![CredentialDescriptor::new(id.to_vec())]);
    if pin {
        let token = auth
            .pin_uv_auth_token(
                &Pin::new(PIN).unwrap(),
                Permissions::GET_ASSERTION,
                Some(RP),
                &mut rng(),
            )
            .unwrap();
        req.pin_uv_auth = Some(token.authenticate(cd.hash()));
    }
    let resp = auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap();
    (
        resp.credential.unwrap().id,
        cd.json().to_vec(),
        resp.auth_data.as_bytes().to_vec(),
        resp.signature,
    )
}

fn login(
    auth: &mut Authenticator<KeySim>,
    policy: &WebAuthnPolicy,
    record: &CredentialRecord,
    pin: bool,
) -> Result<careid_assert::VerifiedAssertion, WebAuthnError> {
    let cd = CollectedClientData::new(ClientDataType::Get, b"login challenge", ORIGIN, false);
    let (id, json, ad, sig) = sign(auth, record.id(), &cd, pin);
    policy.verify_assertion(
        b"login challenge",
        &[record.id()],
        record,
        &AssertionResponse::new(&id, &json, &ad, &sig).with_user_handle(USER),
    )
}

#[test]
fn aal3_registration_and_login() {
    let policy = aal3().build().unwrap();
    let mut auth = pin_key();
    let reg = register(&mut auth, &policy, true).unwrap();
    let att = reg.attestation();
    assert_eq!(att.format, AttestationFormat::Packed);
    assert_eq!(att.trust_path.len(), 2);
    let AttestationTrust::Trusted(path) = &att.trust else {
        panic!("untrusted: {att:?}");
    };
    assert_eq!(
        path.end_entity(),
        TestAttestationCa::get().attestation_cert.as_slice()
    );
    assert_eq!(reg.assurance(), AuthenticatorAssurance::MultiFactorHardware);
    let record = reg.credential().clone();
    assert_eq!(record.attestation(), AttestationClass::Trusted);
    assert_eq!(record.aaguid(), Aaguid(KEYSIM_AAGUID));
    assert_eq!(record.user_handle(), USER);
    assert_eq!(record.sign_count(), 1);
    // Storage round trip.
    assert_eq!(
        CredentialRecord::from_bytes(&record.to_bytes()).unwrap(),
        record
    );

    let first = login(&mut auth, &policy, &record, true).unwrap();
    assert_eq!(first.counter(), CounterCheck::Increased);
    assert_eq!(
        first.assurance(),
        AuthenticatorAssurance::MultiFactorHardware
    );
    assert!(first.user_present() && first.user_verified());
    let record = first.updated_credential().clone();
    assert_eq!(record.sign_count(), 2);
    // The same response again (a replay against a fresh challenge) fails on the challenge.
    let cd = CollectedClientData::new(ClientDataType::Get, b"old challenge", ORIGIN, false);
    let (id, json, ad, sig) = sign(&mut auth, record.id(), &cd, true);
    assert_eq!(
        policy
            .verify_assertion(
                b"new challenge",
                &[],
                &record,
                &AssertionResponse::new(&id, &json, &ad, &sig).with_user_handle(USER)
            )
            .unwrap_err(),
        WebAuthnError::ChallengeMismatch
    );
}

#[test]
fn counter_regression_is_a_possible_clone() {
    let policy = aal3().build().unwrap();
    let mut auth = pin_key();
    let record = register(&mut auth, &policy, true)
        .unwrap()
        .into_credential();
    let record = login(&mut auth, &policy, &record, true)
        .unwrap()
        .updated_credential()
        .clone();
    // The key's counter goes back, as a cloned key's would.
    auth.device_mut().transport_mut().set_sign_count(0);
    assert_eq!(
        login(&mut auth, &policy, &record, true).unwrap_err(),
        WebAuthnError::CounterRegression {
            stored: 2,
            received: 1
        }
    );
    // A policy may accept it and flag the credential instead.
    let flagging = aal3().counter_policy(CounterPolicy::Flag).build().unwrap();
    auth.device_mut().transport_mut().set_sign_count(0);
    let flagged = login(&mut auth, &flagging, &record, true).unwrap();
    assert_eq!(
        flagged.counter(),
        CounterCheck::Regressed {
            stored: 2,
            received: 1
        }
    );
    assert_eq!(flagged.updated_credential().sign_count(), 2, "not lowered");
    // A key without a counter (always 0) gives no signal either way.
    let mut auth = key(KeySim::new(2).with_pin(PIN).unwrap().without_counter());
    let record = register(&mut auth, &policy, true)
        .unwrap()
        .into_credential();
    assert_eq!(record.sign_count(), 0);
    assert_eq!(
        login(&mut auth, &policy, &record, true).unwrap().counter(),
        CounterCheck::NotSupported
    );
}

#[test]
fn client_data_and_rp_mismatches_are_refused() {
    let policy = aal3().build().unwrap();
    let mut auth = pin_key();
    let record = register(&mut auth, &policy, true)
        .unwrap()
        .into_credential();
    let attempt = |auth: &mut Authenticator<KeySim>, cd: CollectedClientData, challenge: &[u8]| {
        let (id, json, ad, sig) = sign(auth, record.id(), &cd, true);
        policy.verify_assertion(
            challenge,
            &[record.id()],
            &record,
            &AssertionResponse::new(&id, &json, &ad, &sig).with_user_handle(USER),
        )
    };
    let c = b"c".as_slice();
    assert_eq!(
        attempt(
            &mut auth,
            CollectedClientData::new(ClientDataType::Get, c, "https://evil.example", false),
            c
        )
        .unwrap_err(),
        WebAuthnError::OriginNotAllowed
    );
    assert_eq!(
        attempt(
            &mut auth,
            CollectedClientData::new(ClientDataType::Create, c, ORIGIN, false),
            c
        )
        .unwrap_err(),
        WebAuthnError::WrongCeremony {
            expected: "webauthn.get"
        }
    );
    assert_eq!(
        attempt(
            &mut auth,
            CollectedClientData::new(ClientDataType::Get, c, ORIGIN, true),
            c
        )
        .unwrap_err(),
        WebAuthnError::CrossOriginNotAllowed
    );
    // A credential registered for another RP ID.
    let (json, object) = make(&mut auth, "other.example", b"r", true);
    assert_eq!(
        policy
            .verify_registration(
                b"r",
                USER,
                &RegistrationResponse::new(&json, &object),
                now()
            )
            .unwrap_err(),
        WebAuthnError::RpIdHashMismatch
    );
    // allowCredentials, the stored credential and the user handle.
    let cd = CollectedClientData::new(ClientDataType::Get, c, ORIGIN, false);
    let (id, json, ad, sig) = sign(&mut auth, record.id(), &cd, true);
    let response = AssertionResponse::new(&id, &json, &ad, &sig);
    assert_eq!(
        policy
            .verify_assertion(c, &[b"another".as_slice()], &record, &response)
            .unwrap_err(),
        WebAuthnError::CredentialNotAllowed
    );
    assert_eq!(
        policy
            .verify_assertion(c, &[], &record, &response.with_user_handle(b"someone else"))
            .unwrap_err(),
        WebAuthnError::UserHandleMismatch
    );
    assert_eq!(
        policy
            .verify_assertion(c, &[], &record, &response)
            .unwrap_err(),
        WebAuthnError::UserHandleMismatch,
        "no user handle and no allowCredentials"
    );
    let other = register(&mut auth, &policy, true)
        .unwrap()
        .into_credential();
    assert_eq!(
        policy
            .verify_assertion(c, &[], &other, &response.with_user_handle(USER))
            .unwrap_err(),
        WebAuthnError::CredentialMismatch
    );
    // Tampered authenticatorData: the RP ID hash, then the counter (covered by the signature).
    let mut bad = ad.clone();
    bad[0] ^= 1;
    assert_eq!(
        policy
            .verify_assertion(
                c,
                &[],
                &record,
                &AssertionResponse::new(&id, &json, &bad, &sig).with_user_handle(USER)
            )
            .unwrap_err(),
        WebAuthnError::RpIdHashMismatch
    );
    let mut bad = ad.clone();
    bad[36] ^= 1;
    assert_eq!(
        policy
            .verify_assertion(
                c,
                &[],
                &record,
                &AssertionResponse::new(&id, &json, &bad, &sig).with_user_handle(USER)
            )
            .unwrap_err(),
        WebAuthnError::Signature(careid_crypto::Error::BadSignature)
    );
    assert_eq!(
        policy
            .verify_assertion(
                c,
                &[],
                &record,
                &AssertionResponse::new(&id, &json, &ad, &sig).with_user_handle(USER)
            )
            .map(|a| a.counter()),
        Ok(CounterCheck::Increased)
    );
}

#[test]
fn user_verification_policy() {
    let aal3 = aal3().build().unwrap();
    let mut auth = pin_key();
    // The key has a PIN but careid was not given it: no UV.
    assert_eq!(
        register(&mut auth, &aal3, false).unwrap_err(),
        WebAuthnError::UserNotVerified
    );
    let record = register(&mut auth, &aal3, true).unwrap().into_credential();
    assert_eq!(
        login(&mut auth, &aal3, &record, false).unwrap_err(),
        WebAuthnError::UserNotVerified
    );
    // Without the UV requirement the same login is single-factor.
    let aal2 = WebAuthnPolicy::builder(RP)
        .origin(ORIGIN)
        .attestation_roots(trusted_roots())
        .user_verification(UserVerification::NotRequired)
        .build()
        .unwrap();
    let login = login(&mut auth, &aal2, &record, false).unwrap();
    assert_eq!(login.assurance(), AuthenticatorAssurance::SingleFactor);
    assert!(!login.user_verified());
}

#[test]
fn attestation_formats_and_trust() {
    let relaxed = |roots: AttestationRoots| {
        WebAuthnPolicy::builder(RP)
            .origin(ORIGIN)
            .attestation_roots(roots)
            .build()
            .unwrap()
    };
    let cases = [
        (
            Attestation::PackedSelf,
            AttestationClass::SelfAttested,
            AuthenticatorAssurance::MultiFactor,
        ),
        (
            Attestation::None,
            AttestationClass::None,
            AuthenticatorAssurance::MultiFactor,
        ),
        (
            Attestation::PackedFull,
            AttestationClass::Trusted,
            AuthenticatorAssurance::MultiFactorHardware,
        ),
    ];
    for (attestation, class, assurance) in cases {
        let mut auth = key(KeySim::new(3)
            .with_pin(PIN)
            .unwrap()
            .with_attestation(attestation));
        let reg = register(&mut auth, &relaxed(trusted_roots()), true).unwrap();
        assert_eq!(reg.credential().attestation(), class, "{attestation:?}");
        assert_eq!(reg.assurance(), assurance, "{attestation:?}");
        let strict = register(&mut auth, &aal3().build().unwrap(), true);
        if class == AttestationClass::Trusted {
            assert!(strict.is_ok());
        } else {
            assert_eq!(
                strict.unwrap_err(),
                WebAuthnError::UntrustedAttestation,
                "{attestation:?}"
            );
        }
    }
    // Packed full with no roots configured: verified but untrusted.
    let mut auth = key(KeySim::new(4).with_pin(PIN).unwrap());
    let reg = register(&mut auth, &relaxed(AttestationRoots::new()), true).unwrap();
    assert_eq!(reg.credential().attestation(), AttestationClass::Untrusted);
    assert_eq!(reg.assurance(), AuthenticatorAssurance::MultiFactor);
    // A root that did not issue this key's certificate.
    let ca = TestAttestationCa::get();
    let (foreign_root, _) = TestAttestationCa::foreign_chain(&ca.attestation_key);
    let wrong = AttestationRoots::new().with_roots(
        Aaguid(KEYSIM_AAGUID),
        vec![TrustAnchor::from_der(&foreign_root).unwrap()],
    );
    assert!(matches!(
        register(&mut auth, &relaxed(wrong), true),
        Err(WebAuthnError::AttestationChain(_))
    ));
    // fido-u2f: AAGUID zero, one certificate; trusted through roots for any model (here the
    // intermediate that issued it).
    let mut auth = key(KeySim::new(5)
        .with_pin(PIN)
        .unwrap()
        .with_attestation(Attestation::FidoU2f));
    let any = AttestationRoots::new()
        .with_roots_for_any_model(vec![TrustAnchor::from_der(&ca.intermediate).unwrap()]);
    let reg = register(&mut auth, &relaxed(any), true).unwrap();
    assert_eq!(reg.attestation().format, AttestationFormat::FidoU2f);
    assert_eq!(reg.credential().attestation(), AttestationClass::Trusted);
    assert_eq!(reg.credential().aaguid(), Aaguid::ZERO);
}

/// The key's registration with its attestation certificate swapped for one issued (to the same
/// key, so the signature still verifies) with a WebAuthn §8.2.1 violation.
#[test]
fn attestation_certificate_requirements() {
    let ca = TestAttestationCa::get();
    let policy = WebAuthnPolicy::builder(RP)
        .origin(ORIGIN)
        .attestation_roots(trusted_roots())
        .build()
        .unwrap();
    let cases = [
        (
            AttestationCertOptions {
                organizational_unit: "Engineering".into(),
                ..Default::default()
            },
            WebAuthnError::CertificateRequirement(CertificateRequirement::WrongOrganizationalUnit),
        ),
        (
            AttestationCertOptions {
                is_ca: true,
                ..Default::default()
            },
            WebAuthnError::CertificateRequirement(CertificateRequirement::BasicConstraints),
        ),
        (
            AttestationCertOptions {
                aaguid_critical: true,
                ..Default::default()
            },
            WebAuthnError::CertificateRequirement(CertificateRequirement::AaguidExtensionCritical),
        ),
        (
            AttestationCertOptions {
                aaguid: Some([0x11; 16]),
                ..Default::default()
            },
            WebAuthnError::AaguidMismatch,
        ),
    ];
    for (options, expected) in cases {
        let mut auth = pin_key();
        let (json, object) = make(&mut auth, RP, b"r", true);
        let object = AttestationObject::from_webauthn_bytes(&object).unwrap();
        let AttestationStatement::Packed { alg, sig, mut x5c } = object.statement().unwrap() else {
            panic!()
        };
        x5c[0] = ca.issue(&ca.attestation_key, &options);
        let stmt = AttestationStatement::Packed { alg, sig, x5c }.to_value();
        let swapped =
            AttestationObject::new(AttestationFormat::Packed, object.auth_data().clone(), stmt)
                .unwrap();
        let result = policy.verify_registration(
            b"r",
            USER,
            &RegistrationResponse::new(&json, &swapped.to_webauthn_bytes()),
            now(),
        );
        assert_eq!(result.unwrap_err(), expected, "{options:?}");
    }
    // Without the AAGUID extension (optional in §8.2.1) the certificate is fine.
    let mut auth = pin_key();
    let (json, object) = make(&mut auth, RP, b"r", true);
    let object = AttestationObject::from_webauthn_bytes(&object).unwrap();
    let AttestationStatement::Packed { alg, sig, mut x5c } = object.statement().unwrap() else {
        panic!()
    };
    x5c[0] = ca.issue(
        &ca.attestation_key,
        &AttestationCertOptions {
            aaguid: None,
            serial: 9,
            ..Default::default()
        },
    );
    let swapped = AttestationObject::new(
        AttestationFormat::Packed,
        object.auth_data().clone(),
        AttestationStatement::Packed { alg, sig, x5c }.to_value(),
    )
    .unwrap();
    assert!(
        policy
            .verify_registration(
                b"r",
                USER,
                &RegistrationResponse::new(&json, &swapped.to_webauthn_bytes()),
                now()
            )
            .is_ok()
    );
}

#[test]
fn credential_algorithm_allow_list() {
    let eddsa_only = WebAuthnPolicy::builder(RP)
        .origin(ORIGIN)
        .user_verification(UserVerification::NotRequired)
        .algorithms(AlgorithmSet::EMPTY.with(SignatureAlgorithm::EdDsa))
        .build()
        .unwrap();
    let mut auth = key(KeySim::new(6));
    assert_eq!(
        register(&mut auth, &eddsa_only, false).unwrap_err(),
        WebAuthnError::CredentialAlgorithmNotAllowed { alg: Some(-7) }
    );
}

/// A credential made by hand with a careid-testkit key, for what the simulated key does not
/// do: backup eligibility and extension outputs.
fn crafted(
    flags: u8,
    extensions: Option<&Value>,
    challenge: &[u8],
    create: bool,
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let signer = TestSigner::generate(TestKey::P256, 77);
    let cose = signer.cose_key(Some(SignatureAlgorithm::Es256));
    let cose = cbor::encode(&cbor::decode(&cose).unwrap());
    let rp_hash: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, RP.as_bytes())
        .as_ref()
        .try_into()
        .unwrap();
    let acd = AttestedCredentialData::encode(Aaguid::ZERO, b"crafted-id", &cose).unwrap();
    let kind = if create {
        ClientDataType::Create
    } else {
        ClientDataType::Get
    };
    let cd = CollectedClientData::new(kind, challenge, ORIGIN, false);
    let ad = AuthenticatorData::encode(
        &rp_hash,
        Flags(flags),
        if create { 0 } else { 1 },
        create.then_some(acd.as_slice()),
        extensions,
    );
    let mut signed = ad.clone();
    signed.extend_from_slice(cd.hash());
    let sig = signer.sign(SignatureAlgorithm::Es256, SignatureFormat::Der, &signed);
    (cd.json().to_vec(), ad, sig)
}

#[test]
fn backup_eligibility_and_extensions() {
    let policy = WebAuthnPolicy::builder(RP).origin(ORIGIN).build().unwrap();
    let (json, ad, sig) = crafted(Flags::UP | Flags::UV, None, b"r", true);
    let stmt = Value::Map(vec![
        (Value::Text("alg".into()), Value::Integer((-7).into())),
        (Value::Text("sig".into()), Value::Bytes(sig)),
    ]);
    let object = AttestationObject::new(
        AttestationFormat::Packed,
        AuthenticatorData::parse(&ad).unwrap(),
        stmt,
    )
    .unwrap();
    let reg = policy
        .verify_registration(
            b"r",
            USER,
            &RegistrationResponse::new(&json, &object.to_webauthn_bytes()),
            now(),
        )
        .unwrap();
    let record = reg.into_credential();
    assert_eq!(record.attestation(), AttestationClass::SelfAttested);
    assert!(!record.backup_eligible());
    let assert_with = |policy: &WebAuthnPolicy, flags: u8, ext: Option<&Value>| {
        let (json, ad, sig) = crafted(flags, ext, b"g", false);
        policy.verify_assertion(
            b"g",
            &[],
            &record,
            &AssertionResponse::new(b"crafted-id", &json, &ad, &sig).with_user_handle(USER),
        )
    };
    assert!(assert_with(&policy, Flags::UP | Flags::UV, None).is_ok());
    // BE appearing on a credential registered without it (WebAuthn L3 §7.2 step 18).
    assert_eq!(
        assert_with(&policy, Flags::UP | Flags::UV | Flags::BE | Flags::BS, None).unwrap_err(),
        WebAuthnError::BackupEligibilityChanged {
            recorded: false,
            now: true
        }
    );
    // An extension output nobody asked for, then allowed.
    let ext = Value::Map(vec![(
        Value::Text("credProtect".into()),
        Value::Integer(2.into()),
    )]);
    assert_eq!(
        assert_with(&policy, Flags::UP | Flags::UV, Some(&ext)).unwrap_err(),
        WebAuthnError::UnexpectedExtension
    );
    let allowing = WebAuthnPolicy::builder(RP)
        .origin(ORIGIN)
        .allow_extension("credProtect")
        .build()
        .unwrap();
    assert!(assert_with(&allowing, Flags::UP | Flags::UV, Some(&ext)).is_ok());
}

#[test]
fn stored_records_are_checked() {
    assert_eq!(
        CredentialRecord::from_bytes(&[]).unwrap_err(),
        WebAuthnError::CredentialRecordMalformed
    );
    let policy = WebAuthnPolicy::builder(RP).origin(ORIGIN).build().unwrap();
    let mut auth = pin_key();
    let bytes = register(&mut auth, &policy, true)
        .unwrap()
        .credential()
        .to_bytes();
    // Any single-byte change either fails to decode or decodes to a different record.
    let original = CredentialRecord::from_bytes(&bytes).unwrap();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x40;
        if let Ok(r) = CredentialRecord::from_bytes(&b) {
            assert_ne!(r, original, "byte {i}");
        }
    }
    assert!(matches!(
        WebAuthnPolicy::builder(RP).build(),
        Err(WebAuthnError::Policy {
            problem: "no allowed origin"
        })
    ));
}
