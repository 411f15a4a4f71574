//! python-fido2 and libfido2 vectors through careid-ctap's decoders, its PIN/UV auth protocol
//! One, and its CTAPHID framing (libfido2's recorded 64-byte reports replayed through
//! `ScriptedHid`). Every vector has one expected outcome; each test prints its counts.
//! Signature verification of the attestation and assertion vectors is in careid-assert.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_ctap::ciborium::value::Value;
use careid_ctap::coset::iana;
use careid_ctap::coset::{Algorithm, CoseKey, Label};
use careid_ctap::rand_core::{Rng as _, SeedableRng as _};
use careid_ctap::{
    AttestationFormat, AttestationObject, AttestationStatement, AttestedCredentialData,
    AuthDataError, Authenticator, AuthenticatorData, AuthenticatorInfo, CborErrorKind, Cid,
    ClientPinResponse, Error, GetAssertionResponse, IgnoreKeepalives, KeyAgreementKey,
    MakeCredentialRequest, Pin, PinUvAuthProtocol, RelyingParty, ScriptedHid, SharedSecret,
    StatusCode, Step, UserEntity, cbor,
    ctaphid::{Feed, HidCommand, Reassembler},
};
use common::{constant, reports, unhex, vectors};
use rand_chacha::ChaCha20Rng;
use serde_json::Value as Json;

/// A JSON attestation statement of vectors.json as CBOR: integers stay integers, `ver` is text,
/// other strings are hex byte strings, arrays recurse.
fn att_stmt(json: &Json) -> Value {
    fn item(key: &str, v: &Json) -> Value {
        match v {
            Json::Number(n) => Value::Integer(n.as_i64().unwrap().into()),
            Json::String(s) if key == "ver" => Value::Text(s.clone()),
            Json::String(_) => Value::Bytes(unhex(v)),
            Json::Array(items) => Value::Array(items.iter().map(|i| item(key, i)).collect()),
            other => panic!("unexpected {other}"),
        }
    }
    Value::Map(
        json.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (Value::Text(k.clone()), item(k, v)))
            .collect(),
    )
}

fn cose_i64(key: &CoseKey, label: i64) -> Option<Value> {
    key.params
        .iter()
        .find(|(l, _)| *l == Label::Int(label))
        .map(|(_, v)| v.clone())
}

#[test]
fn python_fido2_ctap2_structures() {
    let doc = vectors();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for entry in doc["python_fido2"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap();
        let fields = &entry["fields"];
        let expected = &entry["expected"];
        let kind = entry["kind"].as_str().unwrap();
        match kind {
            "ctap2_get_info" => {
                let bytes = unhex(&fields["response_cbor"]);
                let info = AuthenticatorInfo::from_value(&cbor::decode(&bytes).unwrap()).unwrap();
                assert_eq!(info.versions, ["U2F_V2", "FIDO_2_0"], "{name}");
                if expected.get("extensions").is_some() {
                    assert_eq!(info.extensions, ["uvm", "hmac-secret"]);
                    assert_eq!(hex::encode(info.aaguid.0), expected["aaguid"]);
                    assert_eq!(info.option("rk"), Some(true));
                    assert_eq!(info.option("up"), Some(true));
                    assert_eq!(info.option("plat"), Some(false));
                    assert_eq!(info.option("clientPin"), Some(false));
                    assert_eq!(info.max_msg_size, Some(1200));
                    assert_eq!(info.pin_uv_auth_protocols, [1]);
                    assert_eq!(
                        info.preferred_pin_protocol().unwrap(),
                        PinUvAuthProtocol::One
                    );
                    assert!(info.other.is_empty());
                } else {
                    // The unknown member 0x63 is kept, not an error.
                    assert_eq!(
                        info.other,
                        [(Value::Integer(0x63.into()), Value::Integer(1234.into()))]
                    );
                }
                // careid's encoder reproduces the authenticator's canonical bytes.
                assert_eq!(cbor::encode(&info.to_value()), bytes, "{name}");
            }
            "attested_credential_data" => {
                let bytes = unhex(&fields["attested_credential_data"]);
                let (acd, used) = AttestedCredentialData::parse_prefix(&bytes).unwrap();
                assert_eq!(used, bytes.len());
                assert_eq!(hex::encode(acd.aaguid().0), expected["aaguid"]);
                assert_eq!(hex::encode(acd.credential_id()), expected["credential_id"]);
                let key = acd.public_key();
                let pk = &expected["public_key"];
                assert_eq!(cose_i64(key, -2), Some(Value::Bytes(unhex(&pk["-2"]))));
                assert_eq!(cose_i64(key, -3), Some(Value::Bytes(unhex(&pk["-3"]))));
                assert_eq!(key.alg, Some(Algorithm::Assigned(iana::Algorithm::ES256)));
                // python-fido2: create(aaguid, credential_id, public_key) re-encodes the same bytes.
                assert_eq!(
                    AttestedCredentialData::encode(
                        acd.aaguid(),
                        acd.credential_id(),
                        acd.public_key_cbor()
                    )
                    .unwrap(),
                    bytes
                );
            }
            "authenticator_data" => {
                let bytes = unhex(&fields["auth_data"]);
                let ad = AuthenticatorData::parse(&bytes).unwrap();
                assert_eq!(hex::encode(ad.rp_id_hash()), expected["rp_id_hash"]);
                assert_eq!(u64::from(ad.flags().0), expected["flags"].as_u64().unwrap());
                assert_eq!(
                    u64::from(ad.sign_count()),
                    expected["counter"].as_u64().unwrap()
                );
                match expected["credential_data"].as_str() {
                    Some(cd) => {
                        let tail = &bytes[37..];
                        assert_eq!(hex::encode(tail), cd);
                        assert!(ad.attested_credential_data().is_some());
                    }
                    None => assert!(ad.attested_credential_data().is_none()),
                }
                assert!(ad.extensions().is_none() && expected["extensions"].is_null());
                // Re-encoding from the parts gives the same bytes.
                let acd = bytes.get(37..).filter(|t| !t.is_empty());
                assert_eq!(
                    AuthenticatorData::encode(
                        ad.rp_id_hash(),
                        ad.flags(),
                        ad.sign_count(),
                        acd,
                        None
                    ),
                    bytes
                );
            }
            "ctap2_make_credential_response" => {
                let obj = AttestationObject::from_ctap_response(&unhex(&fields["response_cbor"]))
                    .unwrap();
                assert_eq!(obj.format(), &AttestationFormat::Packed);
                assert_eq!(
                    hex::encode(obj.auth_data().as_bytes()),
                    expected["auth_data"]
                );
                let Value::Map(stmt) = obj.att_stmt() else {
                    panic!()
                };
                let keys: Vec<_> = stmt.iter().map(|(k, _)| k.as_text().unwrap()).collect();
                assert_eq!(keys, ["alg", "sig", "x5c"]);
                assert!(
                    matches!(obj.statement().unwrap(), AttestationStatement::Packed { alg: -7, ref x5c, .. } if x5c.len() == 1)
                );
            }
            "ctap2_get_assertion_response" => {
                let value = cbor::decode(&unhex(&fields["response_cbor"])).unwrap();
                let resp = GetAssertionResponse::from_value(&value).unwrap();
                assert_eq!(
                    hex::encode(&resp.credential.as_ref().unwrap().id),
                    expected["credential"]["id"]
                );
                assert_eq!(
                    hex::encode(resp.auth_data.as_bytes()),
                    expected["auth_data"]
                );
                assert_eq!(hex::encode(&resp.signature), expected["signature"]);
                assert!(resp.user.is_none() && resp.number_of_credentials.is_none());
                assert_eq!(
                    cbor::encode(&resp.to_value()),
                    unhex(&fields["response_cbor"])
                );
            }
            "ctap2_client_pin_v1" => pin_protocol_one_vector(entry),
            "attestation" if fields.get("response_cbor").is_some() => {
                let obj = AttestationObject::from_ctap_response(&unhex(&fields["response_cbor"]))
                    .unwrap();
                assert!(matches!(
                    obj.statement().unwrap(),
                    AttestationStatement::Packed { .. }
                ));
            }
            "attestation" => {
                let fmt = AttestationFormat::from_id(entry["fmt"].as_str().unwrap());
                let ad = AuthenticatorData::parse(&unhex(&fields["auth_data"])).unwrap();
                let obj =
                    AttestationObject::new(fmt.clone(), ad, att_stmt(&fields["att_stmt"])).unwrap();
                if fmt == AttestationFormat::Tpm {
                    // python-fido2's Windows Hello statement has no `ver`, which WebAuthn §8.3
                    // requires ("2.0"); careid refuses it at decoding (python-fido2 accepts it;
                    // its signature is RS1, SHA-1, which careid cannot verify anyway).
                    assert_eq!(
                        obj.statement().unwrap_err(),
                        Error::Member {
                            context: "attStmt",
                            member: careid_ctap::MemberKey::Text("ver"),
                            problem: careid_ctap::MemberProblem::Missing
                        }
                    );
                    *counts.entry(kind).or_default() += 1;
                    continue;
                }
                let stmt = obj.statement().unwrap();
                match (&fmt, &stmt) {
                    (AttestationFormat::None, AttestationStatement::None) => {}
                    (
                        AttestationFormat::Packed,
                        AttestationStatement::Packed { alg: -7, x5c, .. },
                    )
                    | (AttestationFormat::FidoU2f, AttestationStatement::FidoU2f { x5c, .. }) => {
                        assert_eq!(x5c.len(), 1, "{name}");
                    }
                    (AttestationFormat::Tpm, AttestationStatement::Tpm { ver, alg, x5c, .. }) => {
                        assert_eq!((ver.as_str(), *alg, x5c.len()), ("2.0", -65535, 2));
                    }
                    (
                        AttestationFormat::AndroidSafetynet | AttestationFormat::Apple,
                        AttestationStatement::Unsupported { .. },
                    ) => {}
                    other => panic!("{name}: {other:?}"),
                }
                // The WebAuthn encoding round-trips (byte for byte once canonical).
                let bytes = obj.to_webauthn_bytes();
                let again = AttestationObject::from_webauthn_bytes(&bytes).unwrap();
                assert!(again.to_webauthn_bytes() == bytes, "{name}");
            }
            "attestation_from_ctap1" | "cose_key_verify" | "cose_key_parse" | "cose_alg_table" => {
                // Verified in careid-assert's tests and the workspace's jose_cose_vectors.rs.
                continue;
            }
            other => panic!("{name}: unhandled kind {other}"),
        }
        *counts.entry(kind).or_default() += 1;
    }
    println!("python-fido2 vectors decoded: {counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 20);
}

/// CTAP 2.1 §6.5.6 (PIN/UV auth protocol One) against python-fido2's TestClientPin.
fn pin_protocol_one_vector(entry: &Json) {
    let fields = &entry["fields"];
    let expected = &entry["expected"];
    let symbol = entry["source"]["symbol"].as_str().unwrap();
    if symbol.contains("test_establish_shared_secret") {
        let scalar: [u8; 32] = unhex(&fields["platform_private_key_scalar"])
            .try_into()
            .unwrap();
        let platform = KeyAgreementKey::from_scalar(&scalar).unwrap();
        let peer = &fields["authenticator_key_agreement"];
        let peer = Value::Map(vec![
            (Value::Integer(1.into()), Value::Integer(2.into())),
            (Value::Integer(3.into()), Value::Integer((-25).into())),
            (Value::Integer((-1).into()), Value::Integer(1.into())),
            (
                Value::Integer((-2).into()),
                Value::Bytes(unhex(&peer["-2"])),
            ),
            (
                Value::Integer((-3).into()),
                Value::Bytes(unhex(&peer["-3"])),
            ),
        ]);
        let shared = platform
            .shared_secret(PinUvAuthProtocol::One, &peer)
            .unwrap();
        assert_eq!(
            hex::encode(shared.expose_bytes()),
            expected["shared_secret"]
        );
        let Value::Map(own) = platform.cose_public_key() else {
            panic!()
        };
        assert_eq!(
            own[3].1,
            Value::Bytes(unhex(&expected["platform_key_agreement_x"]))
        );
        assert_eq!(
            own[4].1,
            Value::Bytes(unhex(&expected["platform_key_agreement_y"]))
        );
        return;
    }
    if symbol.contains("test_short_pin") {
        for pin in fields["pins"].as_array().unwrap() {
            assert_eq!(
                Pin::new(pin.as_str().unwrap()).unwrap_err(),
                Error::PinLength
            );
        }
        return;
    }
    let shared: [u8; 32] = unhex(&fields["shared_secret"]).try_into().unwrap();
    let shared = SharedSecret::protocol_one_from_bytes(&shared);
    // Protocol One uses a zero IV: the RNG is never read.
    let mut rng = ChaCha20Rng::seed_from_u64(0);
    if symbol.contains("test_get_pin_token") {
        let pin = Pin::new(fields["pin"].as_str().unwrap()).unwrap();
        assert_eq!(
            hex::encode(shared.encrypt(&pin.hash16(), &mut rng).unwrap()),
            expected["pin_hash_enc"]
        );
        let token = shared.decrypt(&unhex(&fields["pin_token_enc"])).unwrap();
        assert_eq!(hex::encode(token.as_slice()), expected["pin_token"]);
    } else {
        let new_pin = Pin::new(fields["new_pin"].as_str().unwrap()).unwrap();
        let new_pin_enc = shared
            .encrypt(new_pin.padded64().as_slice(), &mut rng)
            .unwrap();
        assert_eq!(hex::encode(&new_pin_enc), expected["new_pin_enc"]);
        let mut message = new_pin_enc;
        if let Some(current) = fields.get("current_pin") {
            let current = Pin::new(current.as_str().unwrap()).unwrap();
            let hash_enc = shared.encrypt(&current.hash16(), &mut rng).unwrap();
            assert_eq!(hex::encode(&hash_enc), expected["pin_hash_enc"]);
            message.extend_from_slice(&hash_enc);
        }
        assert_eq!(
            hex::encode(shared.authenticate(&message)),
            expected["pin_uv_param"]
        );
    }
}

/// libfido2 `authdata` arrays are the CBOR byte string the CTAP2 response carries.
fn unwrap_cbor_bytes(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    match cbor::decode(bytes)? {
        Value::Bytes(b) => Ok(b),
        _ => Err(Error::NotAMap {
            context: "authdata",
        }),
    }
}

#[test]
fn libfido2_authenticator_data() {
    let doc = vectors();
    let ad =
        AuthenticatorData::parse(&unwrap_cbor_bytes(&constant(&doc, "authdata")).unwrap()).unwrap();
    assert_eq!(ad.flags().0, 0x41);
    assert_eq!(ad.sign_count(), 4);
    let acd = ad.attested_credential_data().unwrap();
    assert_eq!(acd.aaguid().0.to_vec(), constant(&doc, "aaguid"));
    assert_eq!(acd.credential_id(), constant(&doc, "id"));
    let mut xy = match cose_i64(acd.public_key(), -2) {
        Some(Value::Bytes(x)) => x,
        _ => panic!(),
    };
    if let Some(Value::Bytes(y)) = cose_i64(acd.public_key(), -3) {
        xy.extend_from_slice(&y);
    }
    assert_eq!(xy, constant(&doc, "pubkey"));
    // The canonical-CBOR negatives: the credential public key has a duplicate key, or its keys
    // out of order. libfido2 refuses both (FIDO_ERR_INVALID_ARGUMENT); so does careid.
    for (name, kind) in [
        ("authdata_dupkeys", CborErrorKind::DuplicateKey),
        ("authdata_unsorted_keys", CborErrorKind::UnsortedKeys),
    ] {
        let raw = unwrap_cbor_bytes(&constant(&doc, name)).unwrap();
        match AuthenticatorData::parse(&raw) {
            Err(Error::Cbor(e)) => assert_eq!(e.kind, kind, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    // Windows Hello's TPM registrations: an RS256 key (2048-bit modulus) and an ES256 one.
    for (name, id) in [
        ("authdata_tpm_rs256", "id_tpm_rs256"),
        ("authdata_tpm_es256", "id_tpm_es256"),
    ] {
        let ad =
            AuthenticatorData::parse(&unwrap_cbor_bytes(&constant(&doc, name)).unwrap()).unwrap();
        let acd = ad.attested_credential_data().unwrap();
        assert_eq!(acd.credential_id(), constant(&doc, id));
        assert_eq!(acd.aaguid().0.to_vec(), constant(&doc, "aaguid_tpm"));
        acd.to_public_key().unwrap();
    }
    // The assertion's authData: flags 0x00, counter 3.
    let ad =
        AuthenticatorData::parse(&unwrap_cbor_bytes(&constant(&doc, "assert.authdata")).unwrap())
            .unwrap();
    assert_eq!((ad.flags().0, ad.sign_count()), (0, 3));
    ad.expect_attested(false).unwrap();
    assert_eq!(
        ad.expect_attested(true),
        Err(Error::AuthData(AuthDataError::AttestedDataPresence {
            present: false
        }))
    );
    // junk_authdata: byte 0 of the CBOR wrapper inverted (0x58 -> 0xa7, a map header).
    for name in ["authdata", "assert.authdata"] {
        let mut junk = constant(&doc, name);
        junk[0] = !junk[0];
        assert!(
            matches!(unwrap_cbor_bytes(&junk), Err(Error::Cbor(_))),
            "{name}"
        );
    }
    println!(
        "libfido2 authenticatorData: 6 parsed, 2 canonical-CBOR negatives and 2 junk wrappers refused"
    );
}

/// The reports of `symbol`, reassembled on `cid` into one message.
fn reassemble(doc: &Json, symbol: &str, cid: Cid) -> careid_ctap::ctaphid::Message {
    let mut r = Reassembler::for_channel(cid);
    for report in reports(doc, symbol) {
        if let Feed::Complete(m) = r.feed(&report).unwrap() {
            return m;
        }
    }
    panic!("{symbol}: incomplete");
}

const CID: Cid = Cid([0x00, 0x22, 0x00, 0x02]);

#[test]
fn libfido2_recorded_reports_reassemble_and_decode() {
    let doc = vectors();
    // WIREDATA_CTAP_KEEPALIVE: status 2, UP needed.
    let m = reassemble(&doc, "WIREDATA_CTAP_KEEPALIVE", CID);
    assert_eq!(
        (m.cmd, m.payload.as_slice()),
        (HidCommand::Keepalive, &[2u8][..])
    );
    // WIREDATA_CTAP_CBOR_INFO: 11 packets.
    let m = reassemble(&doc, "WIREDATA_CTAP_CBOR_INFO", CID);
    assert_eq!(m.cmd, HidCommand::Cbor);
    assert_eq!(m.payload[0], 0);
    let info = AuthenticatorInfo::from_value(&cbor::decode(&m.payload[1..]).unwrap()).unwrap();
    assert!(
        info.versions.iter().any(|v| v == "FIDO_2_1"),
        "{:?}",
        info.versions
    );
    assert_eq!(
        info.preferred_pin_protocol().unwrap(),
        PinUvAuthProtocol::Two
    );
    // WIREDATA_CTAP_CBOR_CRED on channel 00910003.
    let m = reassemble(
        &doc,
        "WIREDATA_CTAP_CBOR_CRED",
        Cid([0x00, 0x91, 0x00, 0x03]),
    );
    let obj = AttestationObject::from_ctap_response(&m.payload[1..]).unwrap();
    assert!(
        matches!(obj.statement().unwrap(), AttestationStatement::Packed { ref x5c, .. } if x5c.len() == 1)
    );
    // getKeyAgreement, getPinToken, getPINRetries, and an empty CTAP2_OK.
    let m = reassemble(&doc, "WIREDATA_CTAP_CBOR_AUTHKEY", CID);
    let resp =
        ClientPinResponse::from_value(Some(&cbor::decode(&m.payload[1..]).unwrap())).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    // The authenticator's key is a point on P-256: a shared secret can be made with it.
    KeyAgreementKey::generate(&mut rng)
        .shared_secret(PinUvAuthProtocol::Two, resp.key_agreement.as_ref().unwrap())
        .unwrap();
    let m = reassemble(&doc, "WIREDATA_CTAP_CBOR_PINTOKEN", CID);
    let resp =
        ClientPinResponse::from_value(Some(&cbor::decode(&m.payload[1..]).unwrap())).unwrap();
    assert_eq!(resp.pin_uv_auth_token.unwrap().len(), 16);
    let m = reassemble(&doc, "WIREDATA_CTAP_CBOR_RETRIES", CID);
    let resp =
        ClientPinResponse::from_value(Some(&cbor::decode(&m.payload[1..]).unwrap())).unwrap();
    assert_eq!(resp.pin_retries, Some(8));
    let m = reassemble(&doc, "WIREDATA_CTAP_CBOR_STATUS", CID);
    assert_eq!(m.payload, [0]);
    // WIREDATA_CTAP_CBOR_ASSERT: the initialization packet is on 00220002 but the
    // continuation packets on 0092000e. careid's host skips packets for other channels, so the
    // message never completes (over a transport, that is a timeout); nothing is misassembled.
    let mut r = Reassembler::for_channel(CID);
    let feeds: Vec<_> = reports(&doc, "WIREDATA_CTAP_CBOR_ASSERT")
        .iter()
        .map(|p| r.feed(p).unwrap())
        .collect();
    assert_eq!(feeds[0], Feed::Pending);
    assert!(
        feeds[1..]
            .iter()
            .all(|f| *f == Feed::OtherChannel(Cid([0x00, 0x92, 0x00, 0x0e])))
    );
    assert_eq!(r.in_progress(), Some(CID));
    println!(
        "libfido2 CTAPHID sequences: 8 reassembled and decoded, 1 split across channels refused"
    );
}

/// The INIT answer with the host's nonce patched in (libfido2's regress mock does the same).
fn init_answer(doc: &Json, nonce: [u8; 8]) -> [u8; 64] {
    let mut init = reports(doc, "WIREDATA_CTAP_INIT")[0];
    init[7..15].copy_from_slice(&nonce);
    init
}

/// regress/cred.c makecred(): INIT, getInfo and makeCredential, the device side replayed from
/// libfido2's recording, the host side careid's `Authenticator`.
#[test]
fn libfido2_makecred_transcripts() {
    let doc = vectors();
    let cdh: [u8; 32] = constant(&doc, "cdh").try_into().unwrap();
    for (symbol, ep) in [
        ("REGRESS_WIREDATA_MAKECRED", None),
        ("REGRESS_WIREDATA_MAKECRED_ENTATTEST", Some(2)),
    ] {
        let mut rng = ChaCha20Rng::seed_from_u64(99);
        let mut nonce = [0u8; 8];
        ChaCha20Rng::seed_from_u64(99).fill_bytes(&mut nonce);
        let mut steps = vec![
            Step::WriteAny,
            Step::Read(init_answer(&doc, nonce)),
            Step::WriteAny,
        ];
        steps.extend(
            reports(&doc, "WIREDATA_CTAP_CBOR_INFO")
                .into_iter()
                .map(Step::Read),
        );
        let rp_id = if ep.is_some() {
            "ep.fidoalliance.co.nz"
        } else {
            "localhost"
        };
        let mut request = MakeCredentialRequest::new(
            cdh,
            RelyingParty::new(rp_id, Some("sweet home localhost".into())),
            UserEntity::new(vec![1; 32], Some("john smith".into()), None),
        );
        request.enterprise_attestation = ep;
        let request_len = 1 + cbor::encode(&request.to_value()).len();
        steps.extend((0..request_len.saturating_sub(57).div_ceil(59) + 1).map(|_| Step::WriteAny));
        steps.extend(reports(&doc, symbol).into_iter().map(Step::Read));
        let mut auth = Authenticator::open(ScriptedHid::new(steps), &mut rng).unwrap();
        assert_eq!(auth.device().cid(), CID);
        let obj = auth
            .make_credential(&request, &mut IgnoreKeepalives)
            .unwrap();
        let transport = auth.into_transport();
        transport.finish().unwrap();
        // What careid wrote: INIT on the broadcast channel with its nonce, then getInfo.
        let written = transport.written();
        assert_eq!(
            &written[0][..15],
            [&[0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x08][..], &nonce].concat()
        );
        assert_eq!(
            &written[1][..8],
            &[0x00, 0x22, 0x00, 0x02, 0x90, 0x00, 0x01, 0x04]
        );
        // ...and a makeCredential that decodes back to the request.
        let mut r = Reassembler::for_channel(CID);
        let sent = written[2..].iter().find_map(|p| match r.feed(p).unwrap() {
            Feed::Complete(m) => Some(m),
            _ => None,
        });
        let sent = sent.unwrap();
        assert_eq!(sent.payload[0], 0x01);
        let decoded =
            MakeCredentialRequest::from_value(&cbor::decode(&sent.payload[1..]).unwrap()).unwrap();
        assert_eq!(decoded, request);
        let acd = obj.auth_data().attested_credential_data().unwrap();
        if ep.is_none() {
            assert_eq!(acd.credential_id(), constant(&doc, "id"));
            assert_eq!(obj.enterprise_attestation(), None);
        } else {
            assert_eq!(obj.enterprise_attestation(), Some(true));
        }
    }
    println!("libfido2 makeCredential transcripts: 2 replayed (plain, enterprise attestation)");
}

/// An enterprise attestation that was not asked for is refused: it identifies the key.
#[test]
fn unrequested_enterprise_attestation_is_refused() {
    let doc = vectors();
    let mut rng = ChaCha20Rng::seed_from_u64(98);
    let mut nonce = [0u8; 8];
    ChaCha20Rng::seed_from_u64(98).fill_bytes(&mut nonce);
    let mut steps = vec![
        Step::WriteAny,
        Step::Read(init_answer(&doc, nonce)),
        Step::WriteAny,
    ];
    steps.extend(
        reports(&doc, "WIREDATA_CTAP_CBOR_INFO")
            .into_iter()
            .map(Step::Read),
    );
    let request = MakeCredentialRequest::new(
        constant(&doc, "cdh").try_into().unwrap(),
        RelyingParty::new("ep.fidoalliance.co.nz", None),
        UserEntity::new(vec![1; 32], None, None),
    );
    let request_len = 1 + cbor::encode(&request.to_value()).len();
    steps.extend((0..request_len.saturating_sub(57).div_ceil(59) + 1).map(|_| Step::WriteAny));
    steps.extend(
        reports(&doc, "REGRESS_WIREDATA_MAKECRED_ENTATTEST")
            .into_iter()
            .map(Step::Read),
    );
    let mut auth = Authenticator::open(ScriptedHid::new(steps), &mut rng).unwrap();
    assert_eq!(
        auth.make_credential(&request, &mut IgnoreKeepalives)
            .unwrap_err(),
        Error::Member {
            context: "authenticatorMakeCredential response",
            member: careid_ctap::MemberKey::Int(4),
            problem: careid_ctap::MemberProblem::Invalid
        }
    );
}

/// A keepalive then an error status, from recorded reports.
#[test]
fn keepalive_then_status_from_recorded_reports() {
    let doc = vectors();
    let mut nonce = [0u8; 8];
    ChaCha20Rng::seed_from_u64(5).fill_bytes(&mut nonce);
    let mut steps = vec![
        Step::WriteAny,
        Step::Read(init_answer(&doc, nonce)),
        Step::WriteAny,
    ];
    steps.extend(
        reports(&doc, "WIREDATA_CTAP_CBOR_INFO")
            .into_iter()
            .map(Step::Read),
    );
    steps.push(Step::WriteAny);
    steps.extend(
        reports(&doc, "WIREDATA_CTAP_KEEPALIVE")
            .into_iter()
            .map(Step::Read),
    );
    steps.extend(
        reports(&doc, "WIREDATA_CTAP_CBOR_RETRIES")
            .into_iter()
            .map(Step::Read),
    );
    let mut auth =
        Authenticator::open(ScriptedHid::new(steps), &mut ChaCha20Rng::seed_from_u64(5)).unwrap();
    let mut statuses = Vec::new();
    let retries = auth
        .device_mut()
        .cbor(&[0x06, 0xa2, 0x01, 0x01, 0x02, 0x01], &mut |s| {
            statuses.push(s);
            careid_ctap::Keepalive::Continue
        })
        .unwrap();
    assert_eq!(statuses, [careid_ctap::KeepaliveStatus::UpNeeded]);
    assert_eq!(retries[0], StatusCode::Ok.to_u8());
}
