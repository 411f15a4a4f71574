//! The relying-party checks of CIS2.md §7 beyond the attack table: nonce, `acr`/AAL,
//! `auth_time`, identity assurance, role selection, UserInfo, token hashes, logout-token rules,
//! access-token scopes, and the helpers that do not own HTTP (authorization URL, PKCE, token
//! request body, `private_key_jwt` client assertion).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{
    AccessTokenExpectations, AudienceProblem, AuthorizationRequest, ClaimProblem, Error,
    IdTokenExpectations, Jws, JwsLimits, JwsSigner, LoginSecrets, MemoryReplayCache, PendingLogin,
    RelyingParty, UnixTime, client_assertion, pkce_s256_challenge,
};
use careid_crypto::{AlgorithmSet, SignatureAlgorithm, SignatureFormat};
use careid_rbac::RoleSelection;
use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_INT_ISSUER, CIS2_NONCE, CIS2_SELECTED_ROLEID, CIS2_SUBJECT, Cis2Issuer,
    TestSigner, cis2_access_token_claims, cis2_logout_token_claims, cis2_userinfo_for,
};
use common::{NOW, b64, expect, id_claims, issuer, keys, now, rp, verify_id, with};
use serde_json::{Value, json};
use sha2::Digest as _;
use std::time::Duration;

fn rp_with(
    f: impl FnOnce(careid_assert::RelyingPartyBuilder) -> careid_assert::RelyingPartyBuilder,
) -> RelyingParty {
    f(RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID))
        .build()
        .unwrap()
}

fn mint(claims: &Value) -> String {
    issuer().mint(claims)
}

/// The first role of the CIS2.md §5.2 UserInfo fixture, as an ID-token claim.
fn one_role() -> Value {
    cis2_userinfo_for(CIS2_SUBJECT)["nhsid_nrbac_roles"][0].clone()
}

// --- nonce -----------------------------------------------------------------------------------

#[test]
fn nonce_must_be_present_and_equal() {
    let token = mint(&id_claims());
    assert_eq!(
        rp().verify_id_token(&token, &keys(), &IdTokenExpectations::new("other"), now())
            .unwrap_err(),
        Error::NonceMismatch
    );
    // A prefix or extension of the nonce is not the nonce.
    for wrong in [&CIS2_NONCE[..10], &format!("{CIS2_NONCE}x")] {
        assert_eq!(
            rp().verify_id_token(&token, &keys(), &IdTokenExpectations::new(wrong), now())
                .unwrap_err(),
            Error::NonceMismatch
        );
    }
    let token = mint(&with(id_claims(), "nonce", Value::Null));
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::MissingClaim { claim: "nonce" }
    );
}

// --- acr and AAL (CIS2.md §8) ------------------------------------------------------------------

#[test]
fn acr_allow_list_and_minimum_aal() {
    let aal3_only = rp_with(|b| b.acr_values(["AAL3_ANY"]).min_aal(3));
    let token = mint(&with(id_claims(), "acr", json!("AAL2_OR_AAL3_ANY")));
    assert_eq!(
        aal3_only
            .verify_id_token(&token, &keys(), &expect(), now())
            .unwrap_err(),
        Error::AcrNotAllowed {
            acr: "AAL2_OR_AAL3_ANY".into()
        }
    );
    // AAL2_OR_AAL3_ANY guarantees AAL2: enough by default, not for an AAL3 service.
    assert!(verify_id(&token).is_ok());
    let aal3 = rp_with(|b| b.min_aal(3));
    assert_eq!(
        aal3.verify_id_token(&token, &keys(), &expect(), now())
            .unwrap_err(),
        Error::AalTooLow {
            required: 3,
            effective: Some(2)
        }
    );
    // The lower of acr and authentication_assurance_level counts.
    let token = mint(&with(
        id_claims(),
        "authentication_assurance_level",
        json!("2"),
    ));
    assert_eq!(
        aal3.verify_id_token(&token, &keys(), &expect(), now())
            .unwrap_err(),
        Error::AalTooLow {
            required: 3,
            effective: Some(2)
        }
    );
    // An acr careid cannot read guarantees nothing; a missing acr fails any AAL policy.
    let token = mint(&with(id_claims(), "acr", json!("urn:example:gold")));
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::AalTooLow {
            required: 2,
            effective: None
        }
    );
    let token = mint(&with(id_claims(), "acr", Value::Null));
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::MissingClaim { claim: "acr" }
    );
    // Without any AAL requirement (a dangerous switch), a token without acr passes.
    let none = rp_with(|b| b.danger_no_aal_requirement());
    assert!(
        none.verify_id_token(&token, &keys(), &expect(), now())
            .is_ok()
    );
}

// --- auth_time with max_age and prompt=login ---------------------------------------------------

#[test]
fn auth_time_is_checked_for_max_age_and_prompt_login() {
    // auth_time = NOW - 100 in the fixture.
    let token = mint(&id_claims());
    let max_age = |secs| expect().max_age(Duration::from_secs(secs));
    assert!(
        rp().verify_id_token(&token, &keys(), &max_age(40), now())
            .is_ok()
    ); // 40 + 60 skew
    assert_eq!(
        rp().verify_id_token(&token, &keys(), &max_age(39), now())
            .unwrap_err(),
        Error::AuthenticationTooOld {
            auth_time: UnixTime::from_secs(NOW - 100),
            not_before: UnixTime::from_secs(NOW - 99)
        }
    );
    // prompt=login sent at NOW - 30: the user authenticated 70 s before it (beyond the skew).
    let prompt = expect().prompt_login(UnixTime::from_secs(NOW - 30));
    assert_eq!(
        rp().verify_id_token(&token, &keys(), &prompt, now())
            .unwrap_err(),
        Error::AuthenticationTooOld {
            auth_time: UnixTime::from_secs(NOW - 100),
            not_before: UnixTime::from_secs(NOW - 90)
        }
    );
    let prompt = expect().prompt_login(UnixTime::from_secs(NOW - 150));
    assert!(
        rp().verify_id_token(&token, &keys(), &prompt, now())
            .is_ok()
    );
    // Either requirement needs auth_time.
    let token = mint(&with(id_claims(), "auth_time", Value::Null));
    assert_eq!(
        rp().verify_id_token(&token, &keys(), &max_age(300), now())
            .unwrap_err(),
        Error::MissingClaim { claim: "auth_time" }
    );
    assert!(verify_id(&token).is_ok());
}

// --- identity assurance --------------------------------------------------------------------------

#[test]
fn identity_assurance_minimum() {
    let cases = [
        (json!(2), Value::Null, Some(2)),
        (json!("3"), json!("2"), Some(2)), // both spellings: the lower counts
        (json!(3), json!("x"), None),      // an unknown spelling fails
        (json!(9), Value::Null, None),
    ];
    for (a, b, found) in cases {
        let claims = with(
            with(id_claims(), "id_assurance_level", a.clone()),
            "idassurancelevel",
            b.clone(),
        );
        assert_eq!(
            verify_id(&mint(&claims)).unwrap_err(),
            Error::IdentityAssuranceTooLow { required: 3, found },
            "{a} {b}"
        );
    }
    let level2 = rp_with(|b| b.min_identity_assurance(Some(2)));
    let claims = with(id_claims(), "id_assurance_level", json!("2"));
    assert!(
        level2
            .verify_id_token(&mint(&claims), &keys(), &expect(), now())
            .is_ok()
    );
}

// --- role selection (CIS2.md §7.1 item 16) -------------------------------------------------------

#[test]
fn selected_role_against_roles_in_the_id_token() {
    let with_roles = with(id_claims(), "nhsid_nrbac_roles", json!([one_role()]));
    let verified = verify_id(&mint(&with_roles)).unwrap();
    assert_eq!(verified.roles().unwrap().len(), 1);
    assert_eq!(
        verified.role_selection(),
        RoleSelection::from_selected_roleid(Some(CIS2_SELECTED_ROLEID))
    );

    let elsewhere = with(with_roles.clone(), "selected_roleid", json!("656005754108"));
    assert_eq!(
        verify_id(&mint(&elsewhere)).unwrap_err(),
        Error::SelectedRoleNotFound {
            selected: "656005754108".into()
        }
    );
    // Leading zeros make another id (careid-rbac compares ids exactly).
    let padded = with(
        with_roles.clone(),
        "selected_roleid",
        json!("0656014452101"),
    );
    assert!(matches!(
        verify_id(&mint(&padded)),
        Err(Error::SelectedRoleNotFound { .. })
    ));
    let malformed = with(with_roles.clone(), "selected_roleid", json!("R8008"));
    assert_eq!(
        verify_id(&mint(&malformed)).unwrap_err(),
        Error::InvalidClaim {
            claim: "selected_roleid",
            problem: ClaimProblem::BadValue
        }
    );
    // Role selection requested: a user with roles must have selected one...
    let unselected = with(with_roles, "selected_roleid", Value::Null);
    let selecting = expect().selected_role();
    assert_eq!(
        rp().verify_id_token(&mint(&unselected), &keys(), &selecting, now())
            .unwrap_err(),
        Error::MissingSelectedRole
    );
    // ...and a user with no roles is a valid, distinct outcome.
    let no_roles = with(
        with(id_claims(), "selected_roleid", Value::Null),
        "nhsid_nrbac_roles",
        json!([]),
    );
    let verified = rp()
        .verify_id_token(&mint(&no_roles), &keys(), &selecting, now())
        .unwrap();
    assert!(verified.roles().unwrap().is_empty());
    assert_eq!(verified.role_selection(), RoleSelection::NotSelected);
    // A claim that is not an array (the supabase/auth PR #2321 mistake) is an error.
    let stringly = with(
        id_claims(),
        "nhsid_nrbac_roles",
        json!(one_role().to_string()),
    );
    assert!(matches!(verify_id(&mint(&stringly)), Err(Error::Roles(_))));
}

#[test]
fn userinfo_subject_and_selected_role() {
    let verified = verify_id(&mint(&id_claims())).unwrap();
    let check = |userinfo: &Value| rp().verify_userinfo(userinfo.to_string().as_bytes(), &verified);
    for claim in ["sub", "uid", "nhsid_useruid"] {
        let mut userinfo = cis2_userinfo_for(CIS2_SUBJECT);
        userinfo[claim] = "656005750104".into();
        assert_eq!(
            check(&userinfo).unwrap_err(),
            Error::SubjectMismatch {
                claim: match claim {
                    "sub" => "sub",
                    "uid" => "uid",
                    _ => "nhsid_useruid",
                }
            }
        );
    }
    let mut userinfo = cis2_userinfo_for(CIS2_SUBJECT);
    userinfo.as_object_mut().unwrap().remove("sub");
    assert_eq!(
        check(&userinfo).unwrap_err(),
        Error::MissingClaim { claim: "sub" }
    );
    // The selected role must be one of the UserInfo roles.
    let verified_other = verify_id(&mint(&with(
        id_claims(),
        "selected_roleid",
        json!("656000000000"),
    )))
    .unwrap();
    assert_eq!(
        rp().verify_userinfo(
            cis2_userinfo_for(CIS2_SUBJECT).to_string().as_bytes(),
            &verified_other
        )
        .unwrap_err(),
        Error::SelectedRoleNotFound {
            selected: "656000000000".into()
        }
    );
    // Role selection requested but none made: fine for a user without roles only.
    let unselected = mint(&with(id_claims(), "selected_roleid", Value::Null));
    let selecting = expect().selected_role();
    let verified = rp()
        .verify_id_token(&unselected, &keys(), &selecting, now())
        .unwrap();
    assert_eq!(
        rp().verify_userinfo(
            cis2_userinfo_for(CIS2_SUBJECT).to_string().as_bytes(),
            &verified
        )
        .unwrap_err(),
        Error::MissingSelectedRole
    );
    let mut no_roles = cis2_userinfo_for(CIS2_SUBJECT);
    no_roles
        .as_object_mut()
        .unwrap()
        .remove("nhsid_nrbac_roles");
    let info = rp()
        .verify_userinfo(no_roles.to_string().as_bytes(), &verified)
        .unwrap();
    assert!(info.roles().is_empty());
    assert!(info.selected_role().is_none());
    // Duplicate members in UserInfo are refused like anywhere else.
    let text = cis2_userinfo_for(CIS2_SUBJECT).to_string();
    let doubled = format!("{{\"sub\":\"{CIS2_SUBJECT}\",{}", &text[1..]);
    assert!(matches!(
        rp().verify_userinfo(doubled.as_bytes(), &verified),
        Err(Error::DuplicateMember { .. })
    ));
}

#[test]
fn signed_userinfo() {
    let verified = verify_id(&mint(&id_claims())).unwrap();
    // CIS2 signed UserInfo has no aud (CIS2.md §5.2).
    let mut userinfo = cis2_userinfo_for(CIS2_SUBJECT);
    userinfo["iss"] = CIS2_INT_ISSUER.into();
    let info = rp()
        .verify_signed_userinfo(&mint(&userinfo), &keys(), &verified, now())
        .unwrap();
    assert_eq!(info.roles().len(), 2);
    // When present, aud and iss are checked.
    userinfo["aud"] = "someone-else".into();
    assert_eq!(
        rp().verify_signed_userinfo(&mint(&userinfo), &keys(), &verified, now())
            .unwrap_err(),
        Error::AudienceMismatch {
            problem: AudienceProblem::MissingClientId
        }
    );
    userinfo["aud"] = CIS2_CLIENT_ID.into();
    userinfo["iss"] = "https://elsewhere.example".into();
    assert!(matches!(
        rp().verify_signed_userinfo(&mint(&userinfo), &keys(), &verified, now()),
        Err(Error::IssuerMismatch { .. })
    ));
}

// --- at_hash, c_hash, s_hash --------------------------------------------------------------------

#[test]
fn token_hashes_bind_the_access_token_code_and_state() {
    // Independent implementation of OIDC Core §3.1.3.6: RustCrypto SHA-256, left half.
    let half = |input: &str| {
        let hash = sha2::Sha256::digest(input.as_bytes());
        b64(&hash[..16])
    };
    let (access, code, state) = (
        "2YotnFZFEjr1zCsicMWpAA",
        "SplxlOBeZQQYbYS6WxSbIA",
        "af0ifjsldkj",
    );
    let claims = with(
        with(
            with(id_claims(), "at_hash", json!(half(access))),
            "c_hash",
            json!(half(code)),
        ),
        "s_hash",
        json!(half(state)),
    );
    let token = mint(&claims);
    let all = expect().access_token(access).code(code).state(state);
    assert!(rp().verify_id_token(&token, &keys(), &all, now()).is_ok());
    for (expectation, claim) in [
        (expect().access_token("other"), "at_hash"),
        (expect().code("other"), "c_hash"),
        (expect().state("other"), "s_hash"),
    ] {
        assert_eq!(
            rp().verify_id_token(&token, &keys(), &expectation, now())
                .unwrap_err(),
            Error::HashMismatch { claim }
        );
    }
}

// --- logout tokens (CIS2.md §7.3) ----------------------------------------------------------------

#[test]
fn logout_token_rules() {
    let base = cis2_logout_token_claims(CIS2_INT_ISSUER, CIS2_CLIENT_ID, NOW, "jti-rules");
    let check = |claims: &Value| {
        rp().verify_logout_token(&mint(claims), &keys(), &MemoryReplayCache::new(8), now())
    };
    assert!(check(&base).is_ok());
    let bad_events = [
        json!({"http://schemas.openid.net/event/backchannel-logout": "yes"}),
        json!({"http://schemas.openid.net/event/other": {}}),
        json!(["http://schemas.openid.net/event/backchannel-logout"]),
    ];
    for events in bad_events {
        assert_eq!(
            check(&with(base.clone(), "events", events)).unwrap_err(),
            Error::InvalidClaim {
                claim: "events",
                problem: ClaimProblem::BadValue
            }
        );
    }
    assert_eq!(
        check(&with(base.clone(), "sid", Value::Null)).unwrap_err(),
        Error::MissingClaim { claim: "sid" }
    );
    // sid may be optional (BCL 1.0 allows sub alone) when the caller says so.
    let sub_only = rp_with(|b| b.logout_requires_sid(false));
    assert!(
        sub_only
            .verify_logout_token(
                &mint(&with(base.clone(), "sid", Value::Null)),
                &keys(),
                &MemoryReplayCache::new(8),
                now()
            )
            .is_ok()
    );
    assert_eq!(
        check(&with(base.clone(), "jti", Value::Null)).unwrap_err(),
        Error::MissingClaim { claim: "jti" }
    );
    assert_eq!(
        check(&with(base.clone(), "jti", json!("j".repeat(257)))).unwrap_err(),
        Error::InvalidClaim {
            claim: "jti",
            problem: ClaimProblem::TooLong
        }
    );
    // iat: not older than 5 minutes (+ skew).
    assert!(check(&with(base.clone(), "iat", json!(NOW - 360))).is_ok());
    assert!(matches!(
        check(&with(base.clone(), "iat", json!(NOW - 361))),
        Err(Error::TooOld { .. })
    ));
    assert_eq!(
        check(&with(base.clone(), "iat", Value::Null)).unwrap_err(),
        Error::MissingClaim { claim: "iat" }
    );
    assert!(matches!(
        check(&with(base.clone(), "exp", json!(NOW - 61))),
        Err(Error::Expired { .. })
    ));
    assert!(matches!(
        check(&with(base.clone(), "aud", json!("someone-else"))),
        Err(Error::AudienceMismatch { .. })
    ));
    assert!(matches!(
        check(&with(
            base,
            "iss",
            json!("https://identity.ptl.api.platform.nhs.uk/realms/Cis2-mock-int")
        )),
        Err(Error::IssuerMismatch { .. })
    ));
}

#[test]
fn logout_replay_cache_is_bounded_and_fails_closed() {
    let replay = MemoryReplayCache::new(2);
    let token = |jti: &str| {
        mint(&cis2_logout_token_claims(
            CIS2_INT_ISSUER,
            CIS2_CLIENT_ID,
            NOW,
            jti,
        ))
    };
    let verify = |jti: &str, at: i64| {
        rp().verify_logout_token(&token(jti), &keys(), &replay, UnixTime::from_secs(at))
    };
    assert!(verify("a", NOW).is_ok());
    assert_eq!(verify("a", NOW + 10).unwrap_err(), Error::Replayed);
    assert!(verify("b", NOW).is_ok());
    assert_eq!(
        verify("c", NOW).unwrap_err(),
        Error::ReplayCacheFull { capacity: 2 }
    );
    // Entries last as long as the token could pass the iat window (300 s + 60 s skew).
    assert!(matches!(verify("a", NOW + 361), Err(Error::TooOld { .. })));
    assert_eq!(replay.len(), 2);
}

// --- access tokens -------------------------------------------------------------------------------

#[test]
fn access_token_scopes_and_audience() {
    let token = mint(&cis2_access_token_claims(NOW));
    let needs = |scopes: &'static [&'static str]| {
        rp().verify_access_token(
            &token,
            &keys(),
            &AccessTokenExpectations::new().scopes(scopes),
            now(),
        )
    };
    assert!(needs(&["nationalrbacaccess"]).is_ok());
    assert_eq!(
        needs(&["openid", "profile"]).unwrap_err(),
        Error::MissingScope {
            scope: "profile".into()
        }
    );
    // A space-separated scope string works too (RFC 8693 §4.2).
    let spaced = mint(&with(
        cis2_access_token_claims(NOW),
        "scope",
        json!("openid profile"),
    ));
    assert!(
        rp().verify_access_token(
            &spaced,
            &keys(),
            &AccessTokenExpectations::new().scopes(&["profile"]),
            now()
        )
        .is_ok()
    );
    // An aud, when present, must name the expected audience.
    let with_aud = mint(&with(
        cis2_access_token_claims(NOW),
        "aud",
        json!("https://other.example"),
    ));
    assert_eq!(
        rp().verify_access_token(
            &with_aud,
            &keys(),
            &AccessTokenExpectations::new().audience("https://api.example"),
            now()
        )
        .unwrap_err(),
        Error::AudienceMismatch {
            problem: AudienceProblem::MissingClientId
        }
    );
    assert!(matches!(
        rp().verify_access_token(
            &mint(&with(cis2_access_token_claims(NOW), "acr", Value::Null)),
            &keys(),
            &AccessTokenExpectations::new(),
            now()
        ),
        Err(Error::MissingClaim { claim: "acr" })
    ));
}

// --- helpers that do not own HTTP -----------------------------------------------------------------

/// Decodes `application/x-www-form-urlencoded` pairs (an independent, minimal decoder).
fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let decode = |s: &str| {
                let mut out = Vec::new();
                let bytes = s.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'%' {
                        out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    } else {
                        out.push(bytes[i]);
                        i += 1;
                    }
                }
                String::from_utf8(out).unwrap()
            };
            (decode(k), decode(v))
        })
        .collect()
}

#[test]
fn authorization_request_and_a_whole_login() {
    let discovery = issuer().discovery();
    // Stand-in for 96 bytes from a CSPRNG (a fixed pattern keeps the test reproducible).
    let mut random = [0_u8; 96];
    for (i, byte) in random.iter_mut().enumerate() {
        *byte = u8::try_from(i * 37 % 251).unwrap();
    }
    let secrets = LoginSecrets::from_random_bytes(&random);
    let requested_at = UnixTime::from_secs(NOW - 60);
    let (url, pending) = AuthorizationRequest::new(
        discovery["authorization_endpoint"].as_str().unwrap(),
        CIS2_CLIENT_ID,
        "https://rp.example/callback",
    )
    .scope("nationalrbacaccess")
    .select_role()
    .acr_value("AAL3_ANY")
    .max_age(Duration::from_secs(300))
    .prompt_login()
    .build(secrets, requested_at)
    .unwrap();
    let (endpoint, query) = url.split_once('?').unwrap();
    assert_eq!(endpoint, format!("{CIS2_INT_ISSUER}/authorize"));
    let pairs = form_pairs(query);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some(CIS2_CLIENT_ID));
    assert_eq!(get("redirect_uri"), Some("https://rp.example/callback"));
    assert_eq!(get("scope"), Some("openid nationalrbacaccess selectedrole"));
    assert_eq!(get("acr_values"), Some("AAL3_ANY"));
    assert_eq!(get("max_age"), Some("300"));
    assert_eq!(get("prompt"), Some("login"));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert_eq!(get("state"), Some(pending.state()));
    assert_eq!(get("nonce"), Some(pending.nonce()));
    // S256 against an independent SHA-256 (RFC 7636 §4.2).
    let challenge = b64(&sha2::Sha256::digest(pending.code_verifier().as_bytes()));
    assert_eq!(get("code_challenge"), Some(challenge.as_str()));
    assert_eq!(pkce_s256_challenge(pending.code_verifier()), challenge);
    assert_eq!(pending.code_verifier().len(), 43);
    assert_ne!(pending.state(), pending.nonce());

    // The browser comes back; the state is checked before the code exchange.
    assert_eq!(pending.check_state("tampered"), Err(Error::StateMismatch));
    pending.check_state(pending.state()).unwrap();
    // The pending login survives a server-side session store.
    let stored = serde_json::to_string(&pending).unwrap();
    let restored: PendingLogin = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored, pending);
    assert!(!format!("{restored:?}").contains(pending.nonce()));

    // CIS2 issues an ID token for this login.
    let claims = with(
        with(id_claims(), "nonce", json!(pending.nonce())),
        "auth_time",
        json!(NOW - 50),
    );
    let verified = rp()
        .verify_id_token(
            &mint(&claims),
            &keys(),
            &restored.id_token_expectations(),
            now(),
        )
        .unwrap();
    assert_eq!(verified.subject(), CIS2_SUBJECT);
    // The same token authenticated before the prompt=login request is refused.
    let stale = with(claims, "auth_time", json!(NOW - 130));
    assert!(matches!(
        rp().verify_id_token(
            &mint(&stale),
            &keys(),
            &restored.id_token_expectations(),
            now()
        ),
        Err(Error::AuthenticationTooOld { .. })
    ));
}

/// The client's key, signing through careid-testkit.
struct ClientKey(&'static TestSigner);

impl JwsSigner for ClientKey {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Rs256
    }
    fn key_id(&self) -> Option<&str> {
        Some("client-key-1")
    }
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.0.sign(
            SignatureAlgorithm::Rs256,
            SignatureFormat::Fixed,
            signing_input,
        ))
    }
}

struct BrokenHsm;

impl JwsSigner for BrokenHsm {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Rs256
    }
    fn key_id(&self) -> Option<&str> {
        None
    }
    fn sign(&self, _: &[u8]) -> Result<Vec<u8>, Error> {
        Err(Error::Signer)
    }
}

#[test]
fn private_key_jwt_client_assertion() {
    let signer = Cis2Issuer::rotation_signer();
    let token_endpoint = format!("{CIS2_INT_ISSUER}/access_token");
    let jti = [0x42_u8; 16];
    let assertion = client_assertion(
        CIS2_CLIENT_ID,
        &token_endpoint,
        &jti,
        now(),
        &ClientKey(signer),
    )
    .unwrap();

    // jsonwebtoken verifies it (aud = the token endpoint, iss = sub = the client id).
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
    common::jwt::install();
    let jwk = signer.jwk(None, None);
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[token_endpoint.as_str()]);
    validation.set_issuer(&[CIS2_CLIENT_ID]);
    validation.validate_exp = false;
    let claims = decode::<Value>(&assertion, &key, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["sub"], CIS2_CLIENT_ID);
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["exp"], NOW + 180);
    assert_eq!(claims["jti"], b64(&jti));
    let header = decode_header(&assertion).unwrap();
    assert_eq!(header.kid.as_deref(), Some("client-key-1"));
    assert_eq!(header.typ.as_deref(), Some("JWT"));

    // And careid's own JWS layer.
    let verified = Jws::parse(
        &assertion,
        AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256),
        JwsLimits::DEFAULT,
    )
    .unwrap()
    .verify(&signer.public_key())
    .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(verified.payload()).unwrap(),
        claims
    );

    // The token request body carries it.
    let pending = AuthorizationRequest::new(
        &format!("{CIS2_INT_ISSUER}/authorize"),
        CIS2_CLIENT_ID,
        "https://rp.example/cb",
    )
    .build(LoginSecrets::from_random_bytes(&[3; 96]), now())
    .unwrap()
    .1;
    let body = form_pairs(&pending.token_request_body("the-code", &assertion));
    assert_eq!(
        body,
        [
            ("grant_type", "authorization_code"),
            ("code", "the-code"),
            ("redirect_uri", "https://rp.example/cb"),
            ("code_verifier", pending.code_verifier()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ),
            ("client_assertion", assertion.as_str()),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );

    assert_eq!(
        client_assertion(CIS2_CLIENT_ID, &token_endpoint, &jti, now(), &BrokenHsm).unwrap_err(),
        Error::Signer
    );
}
