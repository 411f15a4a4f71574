//! careid-ctap's host side against the simulated key, through the real CTAPHID framing:
//! registration, authentication, PINs, user presence, the counter, and every fault.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_crypto::{AlgorithmSet, PublicKey, SignatureAlgorithm, SignatureFormat};
use careid_ctap::rand_core::SeedableRng as _;
use careid_ctap::{
    AttestationFormat, AttestationStatement, Authenticator, ClientDataType, CollectedClientData,
    CredentialDescriptor, DeviceOptions, Error, FramingError, GetAssertionRequest, HidCommand,
    HidErrorCode, IgnoreKeepalives, Keepalive, KeepaliveStatus, MakeCredentialRequest, Permissions,
    Pin, PinUvAuthProtocol, RelyingParty, StatusCode, UserEntity,
};
use careid_keysim::{Attestation, Fault, KeySim, PinProtocols, UserPresence};
use careid_testkit::{KEYSIM_AAGUID, TestAttestationCa};
use core::time::Duration;
use rand_chacha::ChaCha20Rng;

const RP: &str = "careid.example";
const ORIGIN: &str = "https://careid.example";

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x7e57)
}

fn open(sim: KeySim) -> Authenticator<KeySim> {
    Authenticator::open(sim, &mut rng()).unwrap()
}

fn options() -> DeviceOptions {
    DeviceOptions::default()
        .with_read_timeout(Duration::from_millis(10))
        .with_max_keepalives(20)
}

fn mc_request(challenge: &[u8]) -> (CollectedClientData, MakeCredentialRequest) {
    let cd = CollectedClientData::new(ClientDataType::Create, challenge, ORIGIN, false);
    let req = MakeCredentialRequest::new(
        *cd.hash(),
        RelyingParty::new(RP, Some("careid".into())),
        UserEntity::new(vec![0x55; 16], Some("jane".into()), Some("Jane".into())),
    );
    (cd, req)
}

fn ga_request(challenge: &[u8], id: &[u8]) -> (CollectedClientData, GetAssertionRequest) {
    let cd = CollectedClientData::new(ClientDataType::Get, challenge, ORIGIN, false);
    let req =
        GetAssertionRequest::new(RP, *cd.hash(), vec![CredentialDescriptor::new(id.to_vec())]);
    (cd, req)
}

/// Registers and returns (credential id, credential public key).
fn register(auth: &mut Authenticator<KeySim>) -> (Vec<u8>, PublicKey) {
    let (_, req) = mc_request(b"register");
    let obj = auth.make_credential(&req, &mut IgnoreKeepalives).unwrap();
    let acd = obj.auth_data().attested_credential_data().unwrap();
    (acd.credential_id().to_vec(), acd.to_public_key().unwrap())
}

fn verify(key: &PublicKey, auth_data: &[u8], client_data_hash: &[u8], sig: &[u8]) -> bool {
    let mut msg = auth_data.to_vec();
    msg.extend_from_slice(client_data_hash);
    key.verify(
        AlgorithmSet::EMPTY.with(SignatureAlgorithm::Es256),
        SignatureAlgorithm::Es256,
        SignatureFormat::Der,
        &msg,
        sig,
    )
    .is_ok()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

#[test]
fn register_and_authenticate_with_every_attestation() {
    for attestation in [
        Attestation::PackedFull,
        Attestation::PackedSelf,
        Attestation::FidoU2f,
        Attestation::None,
    ] {
        let mut auth = open(KeySim::new(1).with_attestation(attestation));
        let mut saw_up_needed = 0;
        let (cd, req) = mc_request(b"challenge-1");
        let obj = auth
            .make_credential(&req, &mut |s: KeepaliveStatus| {
                if s == KeepaliveStatus::UpNeeded {
                    saw_up_needed += 1;
                }
                Keepalive::Continue
            })
            .unwrap();
        assert_eq!(
            saw_up_needed, 1,
            "{attestation:?}: the touch prompt came through"
        );
        let ad = obj.auth_data();
        assert_eq!(ad.rp_id_hash().as_slice(), sha256(RP.as_bytes()));
        assert!(ad.flags().user_present() && !ad.flags().user_verified());
        assert_eq!(ad.sign_count(), 1);
        let acd = ad.attested_credential_data().unwrap();
        let key = acd.to_public_key().unwrap();
        let mut signed = ad.as_bytes().to_vec();
        signed.extend_from_slice(cd.hash());
        match (attestation, obj.statement().unwrap()) {
            (Attestation::PackedFull, AttestationStatement::Packed { alg, sig, x5c }) => {
                assert_eq!(alg, -7);
                let ca = TestAttestationCa::get();
                assert_eq!(
                    x5c,
                    vec![ca.attestation_cert.clone(), ca.intermediate.clone()]
                );
                assert_eq!(acd.aaguid().0, KEYSIM_AAGUID);
                let att_key = ca.attestation_key.public_key();
                assert!(
                    att_key
                        .verify(
                            AlgorithmSet::ALL,
                            SignatureAlgorithm::Es256,
                            SignatureFormat::Der,
                            &signed,
                            &sig
                        )
                        .is_ok()
                );
            }
            (Attestation::PackedSelf, AttestationStatement::Packed { alg, sig, x5c }) => {
                assert_eq!(alg, -7);
                assert!(x5c.is_empty());
                assert!(verify(&key, ad.as_bytes(), cd.hash(), &sig));
            }
            (Attestation::FidoU2f, AttestationStatement::FidoU2f { sig, x5c }) => {
                assert_eq!(x5c.len(), 1);
                assert_eq!(acd.aaguid().0, [0; 16]);
                let mut base = vec![0u8];
                base.extend_from_slice(ad.rp_id_hash());
                base.extend_from_slice(cd.hash());
                base.extend_from_slice(acd.credential_id());
                base.extend_from_slice(&[0x04]);
                let sec1 = cose_xy(acd.public_key_cbor());
                base.extend_from_slice(&sec1);
                let att_key = TestAttestationCa::get().attestation_key.public_key();
                assert!(
                    att_key
                        .verify(
                            AlgorithmSet::ALL,
                            SignatureAlgorithm::Es256,
                            SignatureFormat::Der,
                            &base,
                            &sig
                        )
                        .is_ok()
                );
            }
            (Attestation::None, AttestationStatement::None) => {
                assert_eq!(obj.format(), &AttestationFormat::None);
            }
            (a, s) => panic!("{a:?} gave {s:?}"),
        }
        // The attestationObject survives the WebAuthn encoding.
        let webauthn = obj.to_webauthn_bytes();
        assert_eq!(
            careid_ctap::AttestationObject::from_webauthn_bytes(&webauthn).unwrap(),
            obj
        );

        let (cd, req) = ga_request(b"challenge-2", acd.credential_id());
        let resp = auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap();
        assert_eq!(resp.credential.as_ref().unwrap().id, acd.credential_id());
        assert_eq!(resp.auth_data.sign_count(), 2);
        assert!(resp.auth_data.flags().user_present());
        assert!(verify(
            &key,
            resp.auth_data.as_bytes(),
            cd.hash(),
            &resp.signature
        ));
        assert!(!verify(
            &key,
            resp.auth_data.as_bytes(),
            &[0; 32],
            &resp.signature
        ));
    }
}

/// x ‖ y of an ES256 COSE_Key.
fn cose_xy(cbor: &[u8]) -> Vec<u8> {
    let value = careid_ctap::cbor::decode(cbor).unwrap();
    let careid_ctap::ciborium::value::Value::Map(entries) = value else {
        panic!()
    };
    let get = |label: i64| {
        entries
            .iter()
            .find(|(k, _)| k.as_integer() == Some(label.into()))
            .and_then(|(_, v)| v.as_bytes().cloned())
            .unwrap()
    };
    let mut out = get(-2);
    out.extend_from_slice(&get(-3));
    out
}

#[test]
fn counter_is_controllable_and_may_go_backwards() {
    let mut auth = open(KeySim::new(2));
    let (id, key) = register(&mut auth);
    auth.device_mut().transport_mut().set_sign_count(41);
    let (cd, req) = ga_request(b"c", &id);
    let resp = auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap();
    assert_eq!(resp.auth_data.sign_count(), 42);
    auth.device_mut().transport_mut().set_sign_count(5);
    let resp = auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap();
    assert_eq!(resp.auth_data.sign_count(), 6, "a cloned key's counter");
    assert!(verify(
        &key,
        resp.auth_data.as_bytes(),
        cd.hash(),
        &resp.signature
    ));
    let mut auth = open(KeySim::new(2).without_counter());
    let (id, _) = register(&mut auth);
    let (_, req) = ga_request(b"c", &id);
    assert_eq!(
        auth.get_assertion(&req, &mut IgnoreKeepalives)
            .unwrap()
            .auth_data
            .sign_count(),
        0
    );
}

#[test]
fn user_presence_switches() {
    let mut auth = Authenticator::open_with(KeySim::new(3), options(), &mut rng()).unwrap();
    let (id, _) = register(&mut auth);
    let (_, req) = ga_request(b"c", &id);
    // Without UP: no touch, flag clear.
    let mut silent = req.clone();
    silent.user_presence = Some(false);
    let resp = auth.get_assertion(&silent, &mut IgnoreKeepalives).unwrap();
    assert!(!resp.auth_data.flags().user_present());

    auth.device_mut()
        .transport_mut()
        .set_user_presence(UserPresence::Deny);
    assert_eq!(
        auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap_err(),
        Error::Status {
            command: careid_ctap::CtapCommand::GetAssertion,
            status: StatusCode::OperationDenied
        }
    );
    auth.device_mut()
        .transport_mut()
        .set_user_presence(UserPresence::Timeout {
            after_keepalives: 3,
        });
    assert!(matches!(
        auth.get_assertion(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::UserActionTimeout,
            ..
        })
    ));
    // Nobody touches: careid cancels after its keepalive limit; the key confirms.
    auth.device_mut()
        .transport_mut()
        .set_user_presence(UserPresence::Never);
    assert_eq!(
        auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap_err(),
        Error::TooManyKeepalives { limit: 20 }
    );
    // The caller cancels from its hook.
    let mut seen = 0;
    assert_eq!(
        auth.get_assertion(&req, &mut |_| {
            seen += 1;
            if seen == 3 {
                Keepalive::Cancel
            } else {
                Keepalive::Continue
            }
        })
        .unwrap_err(),
        Error::Cancelled
    );
    // And the key works again afterwards.
    auth.device_mut()
        .transport_mut()
        .set_user_presence(UserPresence::Approve {
            after_keepalives: 5,
        });
    assert!(auth.get_assertion(&req, &mut IgnoreKeepalives).is_ok());
}

#[test]
fn pin_tokens_with_both_protocols_and_ctap20() {
    for (sim, protocol) in [
        (KeySim::new(4), PinUvAuthProtocol::Two),
        (
            KeySim::new(4).with_pin_protocols(PinProtocols::OneOnly),
            PinUvAuthProtocol::One,
        ),
        (
            KeySim::new(4)
                .ctap20()
                .with_pin_protocols(PinProtocols::OneOnly),
            PinUvAuthProtocol::One,
        ),
    ] {
        let mut auth = open(sim.with_pin("123456").unwrap());
        let pin = Pin::new("123456").unwrap();
        let token = auth
            .pin_uv_auth_token(
                &pin,
                Permissions::MAKE_CREDENTIAL.union(Permissions::GET_ASSERTION),
                Some(RP),
                &mut rng(),
            )
            .unwrap();
        assert_eq!(token.protocol(), protocol);
        let (cd, mut req) = mc_request(b"uv-register");
        req.pin_uv_auth = Some(token.authenticate(cd.hash()));
        let obj = auth.make_credential(&req, &mut IgnoreKeepalives).unwrap();
        assert!(obj.auth_data().flags().user_verified());
        let acd = obj.auth_data().attested_credential_data().unwrap();
        let (cd, mut ga) = ga_request(b"uv-login", acd.credential_id());
        ga.pin_uv_auth = Some(token.authenticate(cd.hash()));
        let resp = auth.get_assertion(&ga, &mut IgnoreKeepalives).unwrap();
        assert!(resp.auth_data.flags().user_verified());
        // A MAC over another hash is refused.
        ga.pin_uv_auth = Some(token.authenticate(&[0; 32]));
        assert!(matches!(
            auth.get_assertion(&ga, &mut IgnoreKeepalives),
            Err(Error::Status {
                status: StatusCode::PinAuthInvalid,
                ..
            })
        ));
    }
}

#[test]
fn wrong_pins_are_reported_never_retried_and_block() {
    let mut auth = open(KeySim::new(5).with_pin("123456").unwrap());
    let wrong = Pin::new("000000").unwrap();
    let perms = Permissions::GET_ASSERTION;
    for expected_left in [7, 6] {
        assert_eq!(
            auth.pin_uv_auth_token(&wrong, perms, Some(RP), &mut rng())
                .unwrap_err(),
            Error::WrongPin {
                retries_left: Some(expected_left)
            }
        );
    }
    // The third consecutive failure needs a power cycle (CTAP 2.1 §6.5.5.5).
    assert!(matches!(
        auth.pin_uv_auth_token(&wrong, perms, Some(RP), &mut rng()),
        Err(Error::Status {
            status: StatusCode::PinAuthBlocked,
            ..
        })
    ));
    assert_eq!(
        auth.device().transport().pin_attempts(),
        3,
        "one PIN per call"
    );
    let retries = auth.pin_retries().unwrap();
    assert_eq!(retries.retries, 5);
    assert_eq!(retries.power_cycle_required, Some(true));
    // Even the right PIN is refused until the power cycle.
    let right = Pin::new("123456").unwrap();
    assert!(matches!(
        auth.pin_uv_auth_token(&right, perms, Some(RP), &mut rng()),
        Err(Error::Status {
            status: StatusCode::PinAuthBlocked,
            ..
        })
    ));
    let mut sim = auth.into_transport();
    sim.power_cycle();
    let mut auth = open(sim);
    auth.pin_uv_auth_token(&right, perms, Some(RP), &mut rng())
        .unwrap();
    assert_eq!(
        auth.pin_retries().unwrap().retries,
        8,
        "reset by the right PIN"
    );
    // Eight wrong PINs across power cycles block it for good.
    let mut sim = auth.into_transport();
    let mut last = None;
    for i in 0..8 {
        if i % 3 == 0 {
            sim.power_cycle();
        }
        let mut a = open(sim);
        last = Some(a.pin_uv_auth_token(&wrong, perms, Some(RP), &mut rng()));
        sim = a.into_transport();
    }
    assert!(matches!(
        last.unwrap(),
        Err(Error::Status {
            status: StatusCode::PinBlocked,
            ..
        })
    ));
    assert_eq!(sim.pin_retries(), Some(0));
    // Bad PINs are refused before anything is sent.
    assert_eq!(Pin::new("123").unwrap_err(), Error::PinLength);
    // No PIN set: careid says so instead of asking the key.
    let mut auth = open(KeySim::new(5));
    assert_eq!(
        auth.pin_uv_auth_token(&right, perms, None, &mut rng())
            .unwrap_err(),
        Error::NoUserVerification
    );
}

#[test]
fn registration_needs_the_pin_once_set_on_a_ctap20_key() {
    let mut auth = open(KeySim::new(6).ctap20().with_pin("1234").unwrap());
    let (_, req) = mc_request(b"r");
    assert!(matches!(
        auth.make_credential(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::PuatRequired,
            ..
        })
    ));
}

#[test]
fn builtin_user_verification() {
    let mut auth = open(KeySim::new(7).with_builtin_uv(true));
    let (_, mut req) = mc_request(b"r");
    req.user_verification = true;
    let obj = auth.make_credential(&req, &mut IgnoreKeepalives).unwrap();
    assert!(obj.auth_data().flags().user_verified());
    let token = auth
        .uv_auth_token(
            Permissions::GET_ASSERTION,
            Some(RP),
            &mut IgnoreKeepalives,
            &mut rng(),
        )
        .unwrap();
    assert_eq!(token.protocol(), PinUvAuthProtocol::Two);
    auth.device_mut()
        .transport_mut()
        .set_user_verification(false);
    assert!(matches!(
        auth.make_credential(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::UvInvalid,
            ..
        })
    ));
    // A key without built-in UV refuses the option.
    let mut auth = open(KeySim::new(7));
    assert!(matches!(
        auth.make_credential(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::InvalidOption,
            ..
        })
    ));
}

#[test]
fn discoverable_credentials_and_next_assertion() {
    let mut auth = open(KeySim::new(8));
    for name in ["a", "b"] {
        let (_, mut req) = mc_request(name.as_bytes());
        req.resident_key = true;
        req.user = UserEntity::new(name.as_bytes().to_vec(), Some(name.into()), None);
        auth.make_credential(&req, &mut IgnoreKeepalives).unwrap();
    }
    let cd = CollectedClientData::new(ClientDataType::Get, b"rk", ORIGIN, false);
    let req = GetAssertionRequest::new(RP, *cd.hash(), Vec::new());
    let first = auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap();
    assert_eq!(first.number_of_credentials, Some(2));
    assert_eq!(first.user.as_ref().unwrap().id, b"b");
    assert_eq!(
        first.user.as_ref().unwrap().name,
        None,
        "no names without UV"
    );
    let second = auth.get_next_assertion().unwrap();
    assert_eq!(second.user.as_ref().unwrap().id, b"a");
    assert!(matches!(
        auth.get_next_assertion(),
        Err(Error::Status {
            status: StatusCode::NotAllowed,
            ..
        })
    ));
    // excludeList: the key refuses to register twice.
    let (_, mut req) = mc_request(b"x");
    req.exclude_list = vec![CredentialDescriptor::new(
        first.credential.unwrap().id.clone(),
    )];
    assert!(matches!(
        auth.make_credential(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::CredentialExcluded,
            ..
        })
    ));
    // An unknown credential.
    let (_, req) = ga_request(b"c", &[1, 2, 3]);
    assert!(matches!(
        auth.get_assertion(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::NoCredentials,
            ..
        })
    ));
}

#[test]
fn oversized_requests_are_refused_before_sending() {
    let mut auth = open(KeySim::new(9).with_max_msg_size(600));
    let (_, mut req) = mc_request(b"r");
    req.exclude_list = (0..20u8)
        .map(|i| CredentialDescriptor::new(vec![i; 64]))
        .collect();
    let sent = auth.device().transport().cbor_commands().len();
    assert!(matches!(
        auth.make_credential(&req, &mut IgnoreKeepalives),
        Err(Error::RequestTooLarge { max: 600, .. })
    ));
    assert_eq!(auth.device().transport().cbor_commands().len(), sent);
}

/// What a fault's outcome must look like.
type Check = fn(&Result<careid_ctap::GetAssertionResponse, Error>) -> bool;

/// Every fault gives a typed error, or is recovered from as documented.
#[test]
fn faults_give_typed_errors_or_recover() {
    let setup = || {
        let mut auth = Authenticator::open_with(KeySim::new(10), options(), &mut rng()).unwrap();
        let (id, _) = register(&mut auth);
        (auth, id)
    };
    let cases: [(Fault, Check); 11] = [
        (Fault::WrongChannel, |r| matches!(r, Err(Error::Timeout))),
        (Fault::SequenceGap, |r| {
            matches!(
                r,
                Err(Error::Framing(FramingError::SequenceError {
                    expected: 0,
                    got: 1,
                    ..
                }))
            )
        }),
        (Fault::Busy, |r| {
            matches!(
                r,
                Err(Error::Hid {
                    code: HidErrorCode::ChannelBusy
                })
            )
        }),
        (Fault::KeepaliveStorm(15), |r| r.is_ok()),
        (Fault::KeepaliveStorm(u32::MAX), |r| {
            matches!(r, Err(Error::TooManyKeepalives { limit: 20 }))
        }),
        (
            Fault::TruncatedCbor,
            |r| matches!(r, Err(Error::Cbor(e)) if e.kind == careid_ctap::CborErrorKind::Truncated),
        ),
        (
            Fault::UnsortedCbor,
            |r| matches!(r, Err(Error::Cbor(e)) if e.kind == careid_ctap::CborErrorKind::UnsortedKeys),
        ),
        (Fault::WrongCommand, |r| {
            matches!(
                r,
                Err(Error::UnexpectedCommand {
                    expected: HidCommand::Cbor,
                    got: HidCommand::Msg
                })
            )
        }),
        (Fault::Status(0xF3), |r| {
            matches!(
                r,
                Err(Error::Status {
                    status: StatusCode::Vendor(0xF3),
                    ..
                })
            )
        }),
        (Fault::OversizedLength, |r| {
            matches!(
                r,
                Err(Error::Framing(FramingError::MessageTooLong {
                    len: 7610,
                    ..
                }))
            )
        }),
        (Fault::ForeignTraffic, |r| r.is_ok()),
    ];
    for (fault, expected) in cases {
        let (mut auth, id) = setup();
        let (_, req) = ga_request(b"fault", &id);
        auth.device_mut().transport_mut().inject(fault);
        let result = auth.get_assertion(&req, &mut IgnoreKeepalives);
        assert!(expected(&result), "{fault:?}: {result:?}");
        // Recovery: resynchronise the channel (framing errors leave it in an unknown state),
        // clear the fault, and the same request succeeds.
        auth.device_mut().transport_mut().clear_faults();
        auth.device_mut().resync([9; 8]).unwrap();
        assert!(
            auth.get_assertion(&req, &mut IgnoreKeepalives).is_ok(),
            "{fault:?}: no recovery"
        );
    }
    // Silence: the read times out, careid sends CANCEL.
    let (mut auth, id) = setup();
    auth.device_mut().transport_mut().inject(Fault::Silent);
    let (_, req) = ga_request(b"fault", &id);
    assert_eq!(
        auth.get_assertion(&req, &mut IgnoreKeepalives).unwrap_err(),
        Error::Timeout
    );
    // An INIT answer meant for another application is skipped.
    let mut sim = KeySim::new(11);
    sim.inject(Fault::ForeignInitResponse);
    assert!(Authenticator::open(sim, &mut rng()).is_ok());
}

#[test]
fn ping_wink_and_channel_rules() {
    let mut auth = open(KeySim::new(12));
    auth.device_mut().ping(&[0xAB; 300]).unwrap();
    auth.device_mut().wink().unwrap();
    // CTAPHID_MSG is not implemented by the simulated key (capability NMSG).
    assert!(!auth.device().init_response().capabilities.msg());
    assert_eq!(
        auth.device_mut()
            .transact(HidCommand::Msg, &[0, 1, 0, 0], &mut IgnoreKeepalives)
            .unwrap_err(),
        Error::Hid {
            code: HidErrorCode::InvalidCmd
        }
    );
}

/// Non-resident credentials are wrapped into their ID (as on real keys): a key with the same
/// seed recognises them in a later run, another key does not, and a forged ID is refused.
#[test]
fn non_resident_credentials_are_stateless() {
    let mut first = open(KeySim::new(77));
    let (id, key) = register(&mut first);
    assert_eq!(id.len(), 48);
    let mut again = open(KeySim::new(77));
    let (cd, req) = ga_request(b"later", &id);
    let resp = again.get_assertion(&req, &mut IgnoreKeepalives).unwrap();
    assert!(verify(
        &key,
        resp.auth_data.as_bytes(),
        cd.hash(),
        &resp.signature
    ));
    let mut other = open(KeySim::new(78));
    assert!(matches!(
        other.get_assertion(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::NoCredentials,
            ..
        })
    ));
    let mut forged = id.clone();
    forged[47] ^= 1;
    let (_, req) = ga_request(b"later", &forged);
    assert!(matches!(
        again.get_assertion(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::NoCredentials,
            ..
        })
    ));
    // Wrapped for one RP only.
    let mut req = req;
    req.rp_id = "elsewhere.example".into();
    req.allow_list = vec![CredentialDescriptor::new(id)];
    assert!(matches!(
        again.get_assertion(&req, &mut IgnoreKeepalives),
        Err(Error::Status {
            status: StatusCode::NoCredentials,
            ..
        })
    ));
}
