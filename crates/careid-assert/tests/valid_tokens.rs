//! CIS2-shaped tokens built from the examples of CIS2.md §5 (signed with test keys) are
//! accepted, their claims read back as the examples say, and jsonwebtoken (a second,
//! independent JWT implementation) agrees with careid on the same tokens.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{
    AccessTokenExpectations, AssuranceLevel, Error, HeaderAlg, IdTokenExpectations, JwkSet,
    MemoryReplayCache, RelyingParty, UnixTime,
};
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
use careid_rbac::{NrbacRoles, RoleSelection};
use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_INT_ISSUER, CIS2_KID, CIS2_NONCE, CIS2_ROTATED_KID, CIS2_SELECTED_ROLEID,
    CIS2_SID, CIS2_SUBJECT, Cis2Issuer, cis2_access_token_claims, cis2_id_token_claims,
    cis2_id_token_fixture, cis2_id_token_mavis, cis2_logout_token_claims, cis2_userinfo_fixture,
    cis2_userinfo_for,
};
use common::{NOW, data_path, expect, id_claims, issuer, keys, now, rp, verify_id, with};
use serde_json::{Value, json};

fn read(rel: &str) -> String {
    std::fs::read_to_string(data_path(rel)).unwrap()
}

#[test]
fn testkit_fixtures_reproduce_the_design_examples() {
    // §5.1: exp and iat are computed by the fixture at run time.
    let text = read("cis2/id_token_5_1.json")
        .replace("\"<now+6000>\"", &(NOW + 6000).to_string())
        .replace("\"<now-100>\"", &(NOW - 100).to_string());
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(cis2_id_token_fixture(NOW), doc);
    // The fixture's auth_time is the real one, and equals iat at the pinned time.
    assert_eq!(doc["auth_time"], json!(1_610_559_802));

    // §5.2, redactions included.
    let doc: Value = serde_json::from_str(&read("cis2/userinfo_5_2.json")).unwrap();
    assert_eq!(cis2_userinfo_fixture(), doc);

    // §5.3: the illustration's times are fixed; its opaque values are placeholders.
    let generated = cis2_access_token_claims(1_610_559_810);
    let mut doc: Value = serde_json::from_str(&read("cis2/access_token_5_3.json")).unwrap();
    assert_eq!(doc["auditTrackingId"], "<uuid>-<n>");
    for placeholder in ["auditTrackingId", "authGrantId", "jti"] {
        doc[placeholder] = generated[placeholder].clone();
    }
    assert_eq!(generated, doc);

    // §5.4, for the mock issuer and client of the example.
    let text = read("cis2/logout_token_5_4.json")
        .replace("\"<now>\"", &NOW.to_string())
        .replace("<uuid>", "6f1c2b0e-7a43-4d8e-9c21-5b0a3e9f7d11")
        .replace("<sid>", CIS2_SID);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let generated = cis2_logout_token_claims(
        "https://identity.ptl.api.platform.nhs.uk/realms/Cis2-mock-internal-dev",
        "test-client-cis2",
        NOW,
        "6f1c2b0e-7a43-4d8e-9c21-5b0a3e9f7d11",
    );
    assert_eq!(generated, doc);
}

#[test]
fn cis2_login_id_token_is_accepted_and_reads_back() {
    let claims = id_claims();
    let token = issuer().mint(&claims);
    let verified = verify_id(&token).unwrap();
    // Every value as the fixture has it.
    assert_eq!(verified.subject(), claims["sub"]);
    assert_eq!(verified.issuer(), CIS2_INT_ISSUER);
    assert_eq!(verified.session_id(), Some(CIS2_SID));
    assert_eq!(verified.key_id(), Some(CIS2_KID));
    assert_eq!(verified.header().alg(), SignatureAlgorithm::Rs256);
    assert_eq!(verified.header().typ(), Some("JWT"));
    assert_eq!(verified.authentication_assurance(), Some(3));
    assert_eq!(verified.identity_assurance(), Some(3));
    assert_eq!(
        verified.role_selection(),
        RoleSelection::from_selected_roleid(Some(CIS2_SELECTED_ROLEID))
    );
    assert!(verified.roles().is_none());
    let c = verified.claims();
    assert_eq!(c.audiences().collect::<Vec<_>>(), [CIS2_CLIENT_ID]);
    assert_eq!(c.azp(), Some(CIS2_CLIENT_ID));
    assert_eq!(c.exp(), Some(UnixTime::from_secs(NOW + 6000)));
    assert_eq!(c.iat(), Some(UnixTime::from_secs(NOW - 100)));
    assert_eq!(c.auth_time(), Some(UnixTime::from_secs(1_610_559_802)));
    assert_eq!(c.nonce(), Some(CIS2_NONCE));
    assert_eq!(c.acr(), Some("AAL3_ANY"));
    assert_eq!(c.amr().collect::<Vec<_>>(), ["N3_SMARTCARD"]);
    assert_eq!(c.at_hash(), Some("tf_-lqpq36lwO7WmSBIJ6Q"));
    assert_eq!(c.c_hash(), Some("bc7zzGkClC3MEiFQ3YhPKg"));
    assert_eq!(c.s_hash(), Some("LPJNul-wow4m6Dsqxbning"));
    assert_eq!(c.token_name(), Some("id_token"));
    assert_eq!(c.forgerock_token_type(), Some("JWTToken"));
    assert_eq!(c.realm(), Some("/NHSIdentity/Healthcare"));
    assert_eq!(
        c.audit_tracking_id(),
        Some("91f694e6-3749-42fd-90b0-c3134b0d98f6-1546391")
    );
    assert_eq!(c.id_assurance_level(), Some(&AssuranceLevel::Level(3)));
    assert_eq!(c.extra().count(), 0, "every claim of the fixture is known");
    // The claims JSON is the minted payload, unchanged.
    assert_eq!(serde_json::from_str::<Value>(c.json()).unwrap(), claims);
}

#[test]
fn the_2021_fixture_lacks_identity_assurance() {
    // The §5.1 fixture as published: no nonce, no assurance levels. careid's defaults require
    // identity assurance 3 (CIS2.md §7.1 item 14), so it is refused...
    let token = issuer().mint(&cis2_id_token_fixture(NOW));
    let inspect = IdTokenExpectations::danger_without_nonce();
    assert_eq!(
        rp().verify_id_token(&token, &keys(), &inspect, now())
            .unwrap_err(),
        Error::IdentityAssuranceTooLow {
            required: 3,
            found: None
        }
    );
    // ...and accepted by a relying party that does not require it.
    let lenient = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .min_identity_assurance(None)
        .build()
        .unwrap();
    let verified = lenient
        .verify_id_token(&token, &keys(), &inspect, now())
        .unwrap();
    assert_eq!(verified.authentication_assurance(), Some(3));
    assert_eq!(verified.identity_assurance(), None);
    assert_eq!(verified.role_selection(), RoleSelection::NotSelected);
    // A real login always checks its nonce; this token has none.
    assert_eq!(
        lenient
            .verify_id_token(&token, &keys(), &expect(), now())
            .unwrap_err(),
        Error::MissingClaim { claim: "nonce" }
    );
}

#[test]
fn mavis_dev_realm_token_with_string_levels_and_aal1() {
    let claims = cis2_id_token_mavis(NOW);
    let dev = Cis2Issuer::new(claims["iss"].as_str().unwrap());
    let keys = JwkSet::from_json(dev.jwks().to_string().as_bytes()).unwrap();
    let token = dev.mint(&claims);
    let default_rp = RelyingParty::builder(claims["iss"].as_str().unwrap(), CIS2_CLIENT_ID)
        .build()
        .unwrap();
    // AAL1_USERPASS with authentication_assurance_level "1": below the default AAL2.
    assert_eq!(
        default_rp
            .verify_id_token(&token, &keys, &expect(), now())
            .unwrap_err(),
        Error::AalTooLow {
            required: 2,
            effective: Some(1)
        }
    );
    let aal1 = RelyingParty::builder(claims["iss"].as_str().unwrap(), CIS2_CLIENT_ID)
        .min_aal(1)
        .build()
        .unwrap();
    let verified = aal1
        .verify_id_token(&token, &keys, &expect(), now())
        .unwrap();
    assert_eq!(verified.authentication_assurance(), Some(1));
    // "3" in both spellings.
    assert_eq!(verified.identity_assurance(), Some(3));
    assert_eq!(
        verified.claims().idassurancelevel(),
        Some(&AssuranceLevel::Level(3))
    );
    assert_eq!(verified.claims().amr().collect::<Vec<_>>(), ["pwd"]);
    assert_eq!(verified.claims().subname(), Some(CIS2_SUBJECT));
}

#[test]
fn userinfo_completes_the_login_with_roles() {
    let verified = verify_id(&issuer().mint(&id_claims())).unwrap();
    let userinfo = cis2_userinfo_for(CIS2_SUBJECT);
    let info = rp()
        .verify_userinfo(userinfo.to_string().as_bytes(), &verified)
        .unwrap();
    // The roles as careid-rbac decodes the same claim on its own.
    let expected = NrbacRoles::from_claim_value(&userinfo["nhsid_nrbac_roles"]).unwrap();
    assert_eq!(info.roles(), &expected);
    assert_eq!(info.roles().len(), 2);
    let selected = info.selected_role().unwrap();
    assert_eq!(selected.role_code.to_string(), "S8001:G8002:R8008");
    assert_eq!(selected.org_code.to_string(), "Y51");
    assert_eq!(info.claims().name(), Some("Test User"));
    assert_eq!(info.claims().email(), Some("<redacted>@nhs.net"));
    assert_eq!(
        info.claims().idassurancelevel(),
        Some(&AssuranceLevel::Level(3))
    );
    // Professional ids are unknown claims, kept as they came.
    let extra: Vec<_> = info
        .claims()
        .extra()
        .map(|e| (e.name(), e.json()))
        .collect();
    assert!(extra.contains(&("gmc_id", "\"GMC123\"")), "{extra:?}");
    assert_eq!(
        info.claims()
            .json_of("nhsid_user_orgs")
            .map(|j| serde_json::from_str::<Value>(j).unwrap()),
        Some(userinfo["nhsid_user_orgs"].clone())
    );
}

#[test]
fn access_token_from_the_illustration_is_accepted() {
    let token = issuer().mint(&cis2_access_token_claims(NOW));
    let expect = AccessTokenExpectations::new().scopes(&["openid", "nationalrbacaccess"]);
    let verified = rp()
        .verify_access_token(&token, &keys(), &expect, now())
        .unwrap();
    assert_eq!(verified.subject(), CIS2_SUBJECT);
    assert_eq!(verified.authentication_assurance(), Some(3));
    assert_eq!(
        verified.claims().scopes().collect::<Vec<_>>(),
        ["openid", "nationalrbacaccess"]
    );
    assert_eq!(verified.claims().token_type(), Some("Bearer"));
    // No aud: the audience is only checked when the token has one.
    let with_audience = AccessTokenExpectations::new().audience("https://api.example");
    assert!(
        rp().verify_access_token(&token, &keys(), &with_audience, now())
            .is_ok()
    );
    // `typ: at+jwt` (RFC 9068) is an access token's own type.
    let token = issuer().mint_with_header(
        &json!({"typ": "at+jwt", "kid": CIS2_KID, "alg": "RS256"}),
        &cis2_access_token_claims(NOW),
    );
    assert!(
        rp().verify_access_token(&token, &keys(), &AccessTokenExpectations::new(), now())
            .is_ok()
    );
}

#[test]
fn logout_token_is_accepted_once_in_rs256_and_rs512() {
    // A key published without `alg` may verify either algorithm; one with `alg: RS256` only
    // RS256 (RFC 7517 §4.4).
    let mut jwks = issuer().jwks();
    jwks["keys"][0].as_object_mut().unwrap().remove("alg");
    let any_rsa = JwkSet::from_json(jwks.to_string().as_bytes()).unwrap();
    let replay = MemoryReplayCache::new(64);
    let rs512 = issuer().mint_with_header(
        &json!({"typ": "logout+jwt", "kid": CIS2_KID, "alg": "RS512"}),
        &cis2_logout_token_claims(CIS2_INT_ISSUER, CIS2_CLIENT_ID, NOW, "jti-pinned"),
    );
    assert_eq!(
        rp().verify_logout_token(&rs512, &keys(), &replay, now())
            .unwrap_err(),
        Error::KeyNotUsable {
            kid: CIS2_KID.into(),
            reason: careid_crypto::Error::KeyNotPermittedForAlgorithm {
                algorithm: SignatureAlgorithm::Rs512
            }
        }
    );
    for (alg, jti) in [("RS256", "jti-256"), ("RS512", "jti-512")] {
        let claims = cis2_logout_token_claims(CIS2_INT_ISSUER, CIS2_CLIENT_ID, NOW, jti);
        for typ in ["logout+jwt", "JWT"] {
            let token = issuer()
                .mint_with_header(&json!({"typ": typ, "kid": CIS2_KID, "alg": alg}), &claims);
            let result = rp().verify_logout_token(&token, &any_rsa, &replay, now());
            if typ == "logout+jwt" {
                let verified = result.unwrap();
                assert_eq!(verified.issuer(), CIS2_INT_ISSUER);
                assert_eq!(verified.session_id(), Some(CIS2_SID));
                assert_eq!(verified.subject(), Some("9999999999"));
                assert_eq!(verified.jti(), jti);
            } else {
                // The same jti again: a replay.
                assert_eq!(result.unwrap_err(), Error::Replayed);
            }
        }
    }
    // RS512 is a logout-token algorithm only.
    let token = issuer().mint_with_header(
        &json!({"typ": "JWT", "kid": CIS2_KID, "alg": "RS512"}),
        &id_claims(),
    );
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::AlgNotAllowed {
            alg: HeaderAlg::Supported(SignatureAlgorithm::Rs512),
            allowed: AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256)
        }
    );
}

#[test]
fn keys_during_a_rotation_overlap() {
    let both = issuer().with_key(CIS2_ROTATED_KID, Cis2Issuer::rotation_signer());
    let keys = JwkSet::from_json(both.jwks().to_string().as_bytes()).unwrap();
    assert_eq!(keys.len(), 2);
    for kid in [CIS2_KID, CIS2_ROTATED_KID] {
        let token = both.mint_with_header(
            &json!({"typ": "JWT", "kid": kid, "alg": "RS256"}),
            &id_claims(),
        );
        let verified = rp()
            .verify_id_token(&token, &keys, &expect(), now())
            .unwrap();
        assert_eq!(verified.key_id(), Some(kid));
    }
    // A token signed by key 2 but naming key 1 does not verify.
    let mislabelled = Cis2Issuer::int()
        .with_key(CIS2_ROTATED_KID, Cis2Issuer::rotation_signer())
        .only_key(CIS2_ROTATED_KID)
        .mint_with_header(
            &json!({"typ": "JWT", "kid": CIS2_KID, "alg": "RS256"}),
            &id_claims(),
        );
    assert_eq!(
        rp().verify_id_token(&mislabelled, &keys, &expect(), now())
            .unwrap_err(),
        Error::BadSignature
    );
}

#[test]
fn tampering_breaks_the_signature() {
    let token = issuer().mint(&id_claims());
    let (head, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    // Change the subject inside the payload and re-encode it canonically.
    let mut claims: Value = serde_json::from_slice(&common::unb64(payload)).unwrap();
    claims["sub"] = "999999999999".into();
    let forged = format!(
        "{head}.{}.{signature}",
        common::b64(claims.to_string().as_bytes())
    );
    assert_eq!(verify_id(&forged).unwrap_err(), Error::BadSignature);
    // Flip one signature bit.
    let mut sig = common::unb64(signature);
    sig[17] ^= 0x04;
    let forged = format!("{head}.{payload}.{}", common::b64(&sig));
    assert_eq!(verify_id(&forged).unwrap_err(), Error::BadSignature);
}

#[test]
fn jsonwebtoken_agrees_on_the_same_tokens() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    common::jwt::install();
    let jwk = &issuer().jwks()["keys"][0];
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[CIS2_INT_ISSUER]);
    validation.set_audience(&[CIS2_CLIENT_ID]);
    // jsonwebtoken reads the system clock; careid's clock is pinned. Time claims are compared
    // below instead.
    validation.validate_exp = false;

    let genuine = [
        id_claims(),
        cis2_id_token_fixture(NOW),
        with(id_claims(), "aud", json!([CIS2_CLIENT_ID])),
        with(
            id_claims(),
            "x-extension",
            json!({"nested": [1, 2, {"a": null}]}),
        ),
    ];
    for claims in genuine {
        let token = issuer().mint(&claims);
        let theirs = decode::<Value>(&token, &key, &validation).unwrap().claims;
        let ours = rp()
            .verify_id_token(
                &token,
                &keys(),
                &IdTokenExpectations::danger_without_nonce(),
                now(),
            )
            .map(|v| serde_json::from_str::<Value>(v.claims().json()).unwrap());
        // careid additionally requires identity assurance 3, which the bare fixture lacks.
        match ours {
            Ok(ours) => assert_eq!(ours, theirs),
            Err(err) => assert_eq!(
                err,
                Error::IdentityAssuranceTooLow {
                    required: 3,
                    found: None
                }
            ),
        }
    }

    // Both refuse forgeries and confusions.
    let mut tampered = issuer().mint(&id_claims());
    tampered.replace_range(tampered.len() - 6..tampered.len() - 5, "A");
    let forged = [
        tampered,
        issuer().forge_hs256_with_public_key(&id_claims()),
        issuer().mint(&with(
            id_claims(),
            "iss",
            json!(CIS2_INT_ISSUER.replace(":443", "")),
        )),
        issuer().mint(&with(id_claims(), "aud", json!("someone-else"))),
        Cis2Issuer::int()
            .with_key("k2", Cis2Issuer::rotation_signer())
            .only_key("k2")
            .mint_with_header(
                &json!({"typ": "JWT", "kid": CIS2_KID, "alg": "RS256"}),
                &id_claims(),
            ),
    ];
    for token in forged {
        assert!(
            decode::<Value>(&token, &key, &validation).is_err(),
            "{token}"
        );
        assert!(verify_id(&token).is_err(), "{token}");
    }
}

#[test]
fn verification_time_is_an_argument() {
    // The same token is valid or expired depending only on the time passed in.
    let token = issuer().mint(&cis2_id_token_claims(NOW));
    let at = |t: i64| rp().verify_id_token(&token, &keys(), &expect(), UnixTime::from_secs(t));
    assert!(at(NOW).is_ok());
    assert!(matches!(at(NOW + 6060), Err(Error::Expired { .. })));
    assert!(matches!(at(NOW - 200), Err(Error::IssuedInFuture { .. })));
}
