//! The unmodified ctap-hid-fido2 + hidapi stack (careid-ctap's `hid` backend) against the
//! simulated key, through a FUSE file standing in for /dev/hidrawN (FIDO.md §9.1).
//!
//! Needs Linux, /dev/fuse and root (or fusermount3); skips with a message otherwise.
#![cfg(all(feature = "fuse-hidraw", target_os = "linux"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_crypto::{AlgorithmSet, SignatureAlgorithm, SignatureFormat};
use careid_ctap::hid::{HidAuthentication, HidKey, HidKeyOptions, HidRegistration};
use careid_ctap::{AttestationStatement, ClientDataType, CollectedClientData, CtapCommand, Pin};
use careid_keysim::KeySim;
use careid_keysim::fuse::HidrawMount;
use careid_testkit::{KEYSIM_AAGUID, TestAttestationCa};
use core::time::Duration;

fn mount(sim: KeySim) -> Option<(tempfile::TempDir, HidrawMount)> {
    let dir = tempfile::tempdir().unwrap();
    match HidrawMount::mount(sim, dir.path()) {
        Ok(m) => {
            // The kernel answers lookups only once the session runs.
            for _ in 0..100 {
                if m.device_path().exists() {
                    return Some((dir, m));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            eprintln!("SKIP: the FUSE hidraw file did not appear");
            None
        }
        Err(e) => {
            eprintln!(
                "SKIP: cannot mount a FUSE file here ({e}); the hidraw harness needs /dev/fuse and root or fusermount3"
            );
            None
        }
    }
}

fn es256_verifies(key: &careid_crypto::PublicKey, message: &[u8], sig: &[u8]) -> bool {
    key.verify(
        AlgorithmSet::EMPTY.with(SignatureAlgorithm::Es256),
        SignatureAlgorithm::Es256,
        SignatureFormat::Der,
        message,
        sig,
    )
    .is_ok()
}

#[test]
fn ctap_hid_fido2_registers_and_authenticates_against_keysim() {
    let Some((_dir, mount)) = mount(KeySim::new(0xf05e).with_pin("4321").unwrap()) else {
        return;
    };
    let key = HidKey::new(
        mount.device_path().to_str().unwrap(),
        HidKeyOptions::default(),
    );
    let info = key.info().unwrap();
    assert_eq!(info.aaguid.0, KEYSIM_AAGUID);
    assert!(info.versions.iter().any(|v| v == "FIDO_2_1"));
    assert_eq!(info.pin_uv_auth_protocols, vec![2, 1]);
    assert_eq!(info.algorithms, vec![-7]);
    assert_eq!(key.pin_retries().unwrap().retries, 8);

    let pin = Pin::new("4321").unwrap();
    let create = CollectedClientData::new(
        ClientDataType::Create,
        b"fuse-reg",
        "https://careid.example",
        false,
    );
    let obj = key
        .register(&HidRegistration::new("careid.example", create.json()).with_pin(&pin))
        .unwrap();
    let ad = obj.auth_data();
    assert!(ad.flags().user_present() && ad.flags().user_verified());
    let acd = ad.attested_credential_data().unwrap();
    let AttestationStatement::Packed { alg, sig, x5c } = obj.statement().unwrap() else {
        panic!("packed expected");
    };
    assert_eq!(alg, -7);
    let ca = TestAttestationCa::get();
    assert_eq!(
        x5c,
        vec![ca.attestation_cert.clone(), ca.intermediate.clone()]
    );
    let mut signed = ad.as_bytes().to_vec();
    signed.extend_from_slice(create.hash());
    assert!(es256_verifies(
        &ca.attestation_key.public_key(),
        &signed,
        &sig
    ));

    let get = CollectedClientData::new(
        ClientDataType::Get,
        b"fuse-login",
        "https://careid.example",
        false,
    );
    let allow = [acd.credential_id().to_vec()];
    let resp = key
        .authenticate(&HidAuthentication::new("careid.example", get.json(), &allow).with_pin(&pin))
        .unwrap();
    assert_eq!(resp.credential.unwrap().id, acd.credential_id());
    assert!(resp.auth_data.flags().user_verified());
    let mut signed = resp.auth_data.as_bytes().to_vec();
    signed.extend_from_slice(get.hash());
    assert!(es256_verifies(
        &acd.to_public_key().unwrap(),
        &signed,
        &resp.signature
    ));

    // What the simulator saw: getInfo, clientPIN, makeCredential, getAssertion, over careid's
    // authenticator-side framing.
    let commands = mount.with_sim(|sim| sim.cbor_commands().to_vec());
    for c in [
        CtapCommand::GetInfo,
        CtapCommand::ClientPin,
        CtapCommand::MakeCredential,
        CtapCommand::GetAssertion,
    ] {
        assert!(commands.contains(&c.to_u8()), "{c:?} in {commands:02x?}");
    }
    // A wrong PIN through ctap-hid-fido2 comes back as a typed CTAP status.
    let wrong = Pin::new("0000").unwrap();
    let err = key
        .authenticate(
            &HidAuthentication::new("careid.example", get.json(), &allow).with_pin(&wrong),
        )
        .unwrap_err();
    assert_eq!(
        err,
        careid_ctap::Error::Backend {
            operation: careid_ctap::BackendOperation::GetAssertion,
            status: Some(careid_ctap::StatusCode::PinInvalid)
        }
    );
    assert_eq!(mount.with_sim(|sim| sim.pin_retries()), Some(7));

    // careid's own CTAPHID framing through hidapi and the kernel: the same key, the same
    // credential.
    let mut auth = key.authenticator().unwrap();
    assert_eq!(auth.info().aaguid.0, KEYSIM_AAGUID);
    assert_eq!(
        auth.pin_retries().unwrap().retries,
        7,
        "after the wrong PIN above"
    );
    let get2 = CollectedClientData::new(
        ClientDataType::Get,
        b"fuse-own",
        "https://careid.example",
        false,
    );
    let req = careid_ctap::GetAssertionRequest::new(
        "careid.example",
        *get2.hash(),
        vec![careid_ctap::CredentialDescriptor::new(
            acd.credential_id().to_vec(),
        )],
    );
    let mut prompts = 0;
    let resp = auth
        .get_assertion(&req, &mut |s| {
            if s == careid_ctap::KeepaliveStatus::UpNeeded {
                prompts += 1;
            }
            careid_ctap::Keepalive::Continue
        })
        .unwrap();
    assert_eq!(prompts, 1);
    let mut signed = resp.auth_data.as_bytes().to_vec();
    signed.extend_from_slice(get2.hash());
    assert!(es256_verifies(
        &acd.to_public_key().unwrap(),
        &signed,
        &resp.signature
    ));
    drop(auth);
    mount.unmount().unwrap();
}
