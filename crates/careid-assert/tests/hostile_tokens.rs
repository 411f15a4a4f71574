//! The token attacks of CIS2.md §9, one test per row, each refused with its specific error.
//!
//! Every hostile token is minted by `careid-testkit` (its own JSON, base64url and RSA code,
//! independent of careid-assert) and, unless the attack is about the signature, correctly
//! signed by the issuer's key, so that the refusal comes from the rule under test and not from
//! a bad signature. The baseline token is the CIS2.md §5.1 fixture completed as a real login
//! (nonce, sid, selected role, assurance levels) and verifies (`baseline_token_verifies`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{
    AccessTokenExpectations, AudienceProblem, AzpProblem, Error, Fetch, FetchError, Fetched,
    HeaderAlg, HeaderParam, Input, JwkSet, KeyResolver, KeyStore, Malformed, MemoryReplayCache,
    Nesting, RelyingParty, Segment, TokenKind, TypeEvidence, UnixTime, VerificationKey,
};
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_INT_ISSUER, CIS2_KID, CIS2_ROTATED_KID, Cis2Issuer,
    cis2_access_token_claims, cis2_logout_token_claims,
};
use common::{NOW, b64, expect, id_claims, issuer, keys, now, rp, verify_id, with};
use serde_json::{Value, json};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A key resolver that counts lookups: "before any key lookup" means zero.
struct Counting {
    keys: JwkSet,
    calls: Cell<usize>,
}

impl Counting {
    fn new() -> Self {
        Self {
            keys: keys(),
            calls: Cell::new(0),
        }
    }
}

impl KeyResolver for Counting {
    fn resolve(&self, kid: &str, now: UnixTime) -> Result<Arc<VerificationKey>, Error> {
        self.calls.set(self.calls.get() + 1);
        self.keys.resolve(kid, now)
    }
}

/// A JWKS endpoint in memory that counts fetches.
struct JwksEndpoint {
    body: std::sync::Mutex<Vec<u8>>,
    fetches: AtomicUsize,
}

impl JwksEndpoint {
    fn new(jwks: &Value) -> Self {
        Self {
            body: std::sync::Mutex::new(jwks.to_string().into_bytes()),
            fetches: AtomicUsize::new(0),
        }
    }
    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

impl Fetch for JwksEndpoint {
    fn fetch(&self, _url: &str) -> Result<Fetched, FetchError> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        Ok(Fetched::new(self.body.lock().unwrap().clone(), None))
    }
}

fn header(alg: &str) -> Value {
    json!({"typ": "JWT", "kid": CIS2_KID, "alg": alg})
}

fn rs256_only() -> AlgorithmSet {
    AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256)
}

#[test]
fn baseline_token_verifies() {
    let token = issuer().mint(&id_claims());
    let verified = verify_id(&token).unwrap();
    assert_eq!(verified.subject(), "787807429511");
}

// --- `alg: none`, empty or absent signature (Wycheproof tc 16, 341-344) ----------------------

#[test]
fn alg_none_is_refused_before_any_key_lookup() {
    let claims = b64(id_claims().to_string().as_bytes());
    let signed = issuer().mint(&id_claims());
    let real_signature = signed.rsplit('.').next().unwrap();
    for alg in ["none", "None", "NONE"] {
        let head = b64(header(alg).to_string().as_bytes());
        for token in [
            format!("{head}.{claims}."),                 // empty signature
            format!("{head}.{claims}"),                  // absent signature segment
            format!("{head}.{claims}.{real_signature}"), // a signature anyway
        ] {
            let resolver = Counting::new();
            let err = rp()
                .verify_id_token(&token, &resolver, &expect(), now())
                .unwrap_err();
            let expected_alg = if alg == "none" {
                HeaderAlg::None
            } else {
                HeaderAlg::Unsupported(alg.into())
            };
            assert_eq!(
                err,
                Error::AlgNotAllowed {
                    alg: expected_alg,
                    allowed: rs256_only()
                },
                "{token}"
            );
            assert_eq!(resolver.calls.get(), 0, "key looked up for {token}");
        }
    }
}

// --- HS256 keyed with the RSA public key (jose4j PublicKeyAsHmacKeyTest) -----------------------

#[test]
fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let token = issuer().forge_hs256_with_public_key(&id_claims());
    // Even a relying party that allows every algorithm careid has cannot allow HMAC: there is
    // no HMAC algorithm to allow, and RSA JWKs are never HMAC keys.
    for allowed in [rs256_only(), AlgorithmSet::ALL] {
        let rp = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
            .id_token_algorithms(allowed)
            .build()
            .unwrap();
        let resolver = Counting::new();
        assert_eq!(
            rp.verify_id_token(&token, &resolver, &expect(), now())
                .unwrap_err(),
            Error::AlgNotAllowed {
                alg: HeaderAlg::Hmac("HS256".into()),
                allowed
            }
        );
        assert_eq!(resolver.calls.get(), 0);
    }
}

// --- Unknown `kid`: one rate-limited JWKS refresh, then UnknownKey -----------------------------

#[test]
fn unknown_kid_triggers_one_rate_limited_refresh() {
    let endpoint = JwksEndpoint::new(&issuer().jwks());
    let store = KeyStore::new("https://jwks.example/connect/jwk_uri", &endpoint);
    let at = |secs: i64| UnixTime::from_secs(NOW + secs);
    // The set was fetched 400 s ago, and is still fresh (1 hour by default).
    store.refresh(at(-400)).unwrap();
    let good = issuer().mint(&id_claims());
    rp().verify_id_token(&good, &store, &expect(), now())
        .unwrap();
    assert_eq!(endpoint.fetches(), 1);

    let stranger = Cis2Issuer::int().with_key(CIS2_ROTATED_KID, Cis2Issuer::rotation_signer());
    let unknown =
        stranger.mint_with_header(&header("RS256").tap_kid(CIS2_ROTATED_KID), &id_claims());
    // An unknown kid refetches once...
    assert_eq!(
        rp().verify_id_token(&unknown, &store, &expect(), now())
            .unwrap_err(),
        Error::UnknownKey {
            kid: CIS2_ROTATED_KID.into(),
            refreshed: true
        }
    );
    assert_eq!(endpoint.fetches(), 2);
    // ...and not again for 5 minutes, however many tokens name it.
    for secs in [0, 1, 100, 299] {
        assert_eq!(
            rp().verify_id_token(&unknown, &store, &expect(), at(secs))
                .unwrap_err(),
            Error::UnknownKey {
                kid: CIS2_ROTATED_KID.into(),
                refreshed: false
            }
        );
    }
    assert_eq!(endpoint.fetches(), 2);
    // After the interval, the next unknown kid may refresh again.
    assert_eq!(
        rp().verify_id_token(&unknown, &store, &expect(), at(300))
            .unwrap_err(),
        Error::UnknownKey {
            kid: CIS2_ROTATED_KID.into(),
            refreshed: true
        }
    );
    assert_eq!(endpoint.fetches(), 3);
    // A fixed set never fetches: unknown is final.
    assert_eq!(
        rp().verify_id_token(&unknown, &keys(), &expect(), now())
            .unwrap_err(),
        Error::UnknownKey {
            kid: CIS2_ROTATED_KID.into(),
            refreshed: false
        }
    );
}

// --- Duplicate `kid` in the JWKS (Wycheproof rejectsDuplicateKid) ------------------------------

#[test]
fn duplicate_kid_in_the_jwks_is_ambiguous() {
    // The issuer's own key and a second key, both published as CIS2_KID.
    let mut jwks = issuer().jwks();
    let mut impostor =
        Cis2Issuer::rotation_signer().jwk(Some(CIS2_KID), Some(SignatureAlgorithm::Rs256));
    impostor["use"] = "sig".into();
    jwks["keys"].as_array_mut().unwrap().push(impostor);
    let keys = JwkSet::from_json(jwks.to_string().as_bytes()).unwrap();
    let token = issuer().mint(&id_claims());
    assert_eq!(
        rp().verify_id_token(&token, &keys, &expect(), now())
            .unwrap_err(),
        Error::AmbiguousKey {
            kid: CIS2_KID.into()
        }
    );
}

// --- Missing `kid` --------------------------------------------------------------------------

#[test]
fn missing_kid_is_refused() {
    let token = issuer().mint_with_header(&json!({"typ": "JWT", "alg": "RS256"}), &id_claims());
    assert_eq!(verify_id(&token).unwrap_err(), Error::MissingKid);
}

// --- Embedded `jwk`, `jku`, `x5u`, `x5c` (Wycheproof tc 32) ------------------------------------

#[test]
fn embedded_or_referenced_keys_are_refused_and_never_fetched() {
    let attacker = Cis2Issuer::rotation_signer();
    let cases = [
        (
            "jwk",
            attacker.jwk(None, Some(SignatureAlgorithm::Rs256)),
            HeaderParam::Jwk,
        ),
        (
            "jku",
            json!("https://attacker.example/jwks.json"),
            HeaderParam::Jku,
        ),
        (
            "x5u",
            json!("https://attacker.example/chain.pem"),
            HeaderParam::X5u,
        ),
        ("x5c", json!([b64(&attacker.spki_der())]), HeaderParam::X5c),
    ];
    for (name, value, param) in cases {
        let mut head = header("RS256");
        head[name] = value;
        // Signed by the attacker's key, which the header offers.
        let forger = Cis2Issuer::int()
            .with_key("attacker", attacker)
            .only_key("attacker");
        let token = forger.mint_with_header(&head, &id_claims());
        let endpoint = JwksEndpoint::new(&issuer().jwks());
        let store = KeyStore::new("https://jwks.example/jwks", &endpoint);
        assert_eq!(
            rp().verify_id_token(&token, &store, &expect(), now())
                .unwrap_err(),
            Error::ForbiddenHeader { param },
            "{name}"
        );
        assert_eq!(endpoint.fetches(), 0, "{name}: something was fetched");
    }
}

// --- `crit` present (RFC 7515 §4.1.11) ------------------------------------------------------

#[test]
fn crit_is_refused_as_unsupported() {
    for extra in [
        json!({"crit": ["exp"], "exp": 1_610_565_802}), // an extension careid does not know
        json!({"crit": ["kid"]}),                       // names a registered parameter
        json!({"crit": []}),                            // malformed: empty
        json!({"crit": "exp"}),                         // malformed: not an array
    ] {
        let mut head = header("RS256");
        for (k, v) in extra.as_object().unwrap() {
            head[k] = v.clone();
        }
        let token = issuer().mint_with_header(&head, &id_claims());
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::UnsupportedCritical,
            "{head}"
        );
    }
}

// --- `b64: false` (RFC 7797), with or without `crit` ------------------------------------------

#[test]
fn b64_false_is_refused_with_or_without_crit() {
    // RFC 7797 §5.2: an unencoded compact payload cannot contain '.'.
    let claims = id_claims().to_string().replace('.', "");
    for head in [
        json!({"typ": "JWT", "kid": CIS2_KID, "alg": "RS256", "b64": false, "crit": ["b64"]}),
        json!({"typ": "JWT", "kid": CIS2_KID, "alg": "RS256", "b64": false}),
        json!({"typ": "JWT", "kid": CIS2_KID, "alg": "RS256", "b64": true}),
    ] {
        // RFC 7797 §3: the payload goes in unencoded.
        let token = issuer().sign_segments(&head, &b64(head.to_string().as_bytes()), &claims);
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::ForbiddenHeader {
                param: HeaderParam::B64
            },
            "{head}"
        );
    }
}

// --- Nested JWT (`cty: JWT`) or JWE (five segments) -------------------------------------------

#[test]
fn nested_jwts_and_jwes_are_refused() {
    let inner = issuer().mint(&id_claims());
    let mut head = header("RS256");
    head["cty"] = "JWT".into();
    let head_b64 = b64(head.to_string().as_bytes());
    let nested = issuer().sign_segments(&head, &head_b64, &b64(inner.as_bytes()));
    assert_eq!(
        verify_id(&nested).unwrap_err(),
        Error::NestedOrEncrypted {
            kind: Nesting::NestedJwt
        }
    );
    // A compact JWE (RFC 7516 §7.1): the protected header of RFC 7516 Appendix A.1
    // ({"alg":"RSA-OAEP","enc":"A256GCM"}); the other four parts are arbitrary base64url.
    let jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";
    assert_eq!(
        verify_id(jwe).unwrap_err(),
        Error::NestedOrEncrypted {
            kind: Nesting::Encrypted
        }
    );
    // JWE parameters in a three-segment token.
    let mut head = header("RS256");
    head["enc"] = "A256GCM".into();
    let token = issuer().mint_with_header(&head, &id_claims());
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::NestedOrEncrypted {
            kind: Nesting::Encrypted
        }
    );
}

// --- Token type confusion (RFC 8725 §3.11, §3.12) --------------------------------------------

#[test]
fn tokens_of_another_kind_are_refused() {
    let replay = MemoryReplayCache::new(16);
    let logout_claims = cis2_logout_token_claims(CIS2_INT_ISSUER, CIS2_CLIENT_ID, NOW, "jti-1");
    let wrong = |expected, evidence| Error::WrongTokenType { expected, evidence };

    // A logout token at the ID-token verifier: by its events claim, or by its typ.
    let logout = issuer().mint(&logout_claims);
    assert_eq!(
        verify_id(&logout).unwrap_err(),
        wrong(TokenKind::IdToken, TypeEvidence::EventsClaim)
    );
    for typ in ["logout+jwt", "application/logout+jwt", "at+jwt", "JOSE"] {
        let mut head = header("RS256");
        head["typ"] = typ.into();
        let token = issuer().mint_with_header(&head, &id_claims());
        assert_eq!(
            verify_id(&token).unwrap_err(),
            wrong(TokenKind::IdToken, TypeEvidence::Typ(typ.into())),
            "{typ}"
        );
    }
    // An access token at the ID-token verifier (ForgeRock tokenName).
    let access = issuer().mint(&with(id_claims(), "tokenName", "access_token".into()));
    assert_eq!(
        verify_id(&access).unwrap_err(),
        wrong(
            TokenKind::IdToken,
            TypeEvidence::TokenName("access_token".into())
        )
    );
    // An ID token at the logout verifier: no events claim.
    let id_token = issuer().mint(&id_claims());
    assert_eq!(
        rp().verify_logout_token(&id_token, &keys(), &replay, now())
            .unwrap_err(),
        wrong(TokenKind::LogoutToken, TypeEvidence::MissingEvents)
    );
    // An ID token at the access-token verifier.
    assert_eq!(
        rp().verify_access_token(&id_token, &keys(), &AccessTokenExpectations::new(), now())
            .unwrap_err(),
        wrong(
            TokenKind::AccessToken,
            TypeEvidence::TokenName("id_token".into())
        )
    );
    // A logout token at the access-token verifier.
    assert_eq!(
        rp().verify_access_token(&logout, &keys(), &AccessTokenExpectations::new(), now())
            .unwrap_err(),
        wrong(TokenKind::AccessToken, TypeEvidence::EventsClaim)
    );
    // `typ: at+jwt` at the logout verifier, and `typ: JWT` once compatibility is off.
    let mut head = header("RS256");
    head["typ"] = "at+jwt".into();
    let token = issuer().mint_with_header(&head, &logout_claims);
    assert_eq!(
        rp().verify_logout_token(&token, &keys(), &replay, now())
            .unwrap_err(),
        wrong(TokenKind::LogoutToken, TypeEvidence::Typ("at+jwt".into()))
    );
    let strict = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .logout_typ_jwt(false)
        .build()
        .unwrap();
    assert_eq!(
        strict
            .verify_logout_token(&logout, &keys(), &replay, now())
            .unwrap_err(),
        wrong(TokenKind::LogoutToken, TypeEvidence::Typ("JWT".into()))
    );
    // An access token minted from the CIS2.md §5.3 illustration is not an ID token either.
    let access = issuer().mint(&cis2_access_token_claims(NOW));
    assert_eq!(
        verify_id(&access).unwrap_err(),
        wrong(
            TokenKind::IdToken,
            TypeEvidence::TokenName("access_token".into())
        )
    );
}

// --- `nonce` in a logout token (BCL 1.0 §2.6 step 7) ------------------------------------------

#[test]
fn nonce_in_a_logout_token_is_refused() {
    let claims = with(
        cis2_logout_token_claims(CIS2_INT_ISSUER, CIS2_CLIENT_ID, NOW, "jti-nonce"),
        "nonce",
        "n-0S6_WzA2Mj".into(),
    );
    let token = issuer().mint(&claims);
    let replay = MemoryReplayCache::new(16);
    assert_eq!(
        rp().verify_logout_token(&token, &keys(), &replay, now())
            .unwrap_err(),
        Error::NonceInLogoutToken
    );
    // A refused token does not use up its jti.
    assert!(replay.is_empty());
}

// --- Times: expired, not yet valid, issued in the future, too old ------------------------------

#[test]
fn expired_token_is_refused() {
    // Default skew 60 s: accepted 59 s after exp, refused at 60 s.
    let claims = with(id_claims(), "exp", json!(NOW - 59));
    assert!(verify_id(&issuer().mint(&claims)).is_ok());
    let claims = with(id_claims(), "exp", json!(NOW - 60));
    assert_eq!(
        verify_id(&issuer().mint(&claims)).unwrap_err(),
        Error::Expired {
            exp: UnixTime::from_secs(NOW - 60),
            now: now(),
            skew_secs: 60
        }
    );
}

#[test]
fn token_not_yet_valid_is_refused() {
    let claims = with(id_claims(), "nbf", json!(NOW + 60));
    assert!(verify_id(&issuer().mint(&claims)).is_ok());
    let claims = with(id_claims(), "nbf", json!(NOW + 61));
    assert_eq!(
        verify_id(&issuer().mint(&claims)).unwrap_err(),
        Error::NotYetValid {
            nbf: UnixTime::from_secs(NOW + 61),
            now: now(),
            skew_secs: 60
        }
    );
}

#[test]
fn token_issued_in_the_future_is_refused() {
    let claims = with(id_claims(), "iat", json!(NOW + 61));
    assert_eq!(
        verify_id(&issuer().mint(&claims)).unwrap_err(),
        Error::IssuedInFuture {
            iat: UnixTime::from_secs(NOW + 61),
            now: now(),
            skew_secs: 60
        }
    );
}

#[test]
fn token_issued_too_long_ago_is_refused() {
    // Default maximum age 10 minutes + 60 s skew.
    let claims = with(id_claims(), "iat", json!(NOW - 660));
    assert!(verify_id(&issuer().mint(&claims)).is_ok());
    let claims = with(id_claims(), "iat", json!(NOW - 661));
    assert_eq!(
        verify_id(&issuer().mint(&claims)).unwrap_err(),
        Error::TooOld {
            iat: UnixTime::from_secs(NOW - 661),
            now: now(),
            max_age_secs: 660
        }
    );
}

// --- Audience --------------------------------------------------------------------------------

#[test]
fn audience_without_our_client_id_is_refused() {
    for aud in [json!("someone-else.apps.national"), json!(["a", "b"])] {
        let claims = with(id_claims(), "aud", aud);
        assert_eq!(
            verify_id(&issuer().mint(&claims)).unwrap_err(),
            Error::AudienceMismatch {
                problem: AudienceProblem::MissingClientId
            }
        );
    }
}

#[test]
fn untrusted_extra_audience_is_refused() {
    let claims = with(id_claims(), "aud", json!([CIS2_CLIENT_ID, "other-service"]));
    let token = issuer().mint(&claims);
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::AudienceMismatch {
            problem: AudienceProblem::UntrustedAudience
        }
    );
    // Trusted when the caller says so.
    let trusting = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .trusted_audience("other-service")
        .build()
        .unwrap();
    assert!(
        trusting
            .verify_id_token(&token, &keys(), &expect(), now())
            .is_ok()
    );
}

// --- Several audiences and missing or different `azp` ------------------------------------------

#[test]
fn several_audiences_need_our_azp() {
    let trusting = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .trusted_audience("other-service")
        .build()
        .unwrap();
    let two = with(id_claims(), "aud", json!([CIS2_CLIENT_ID, "other-service"]));
    for (azp, problem) in [
        (Value::Null, AzpProblem::Missing),
        (json!("other-service"), AzpProblem::NotClientId),
    ] {
        let token = issuer().mint(&with(two.clone(), "azp", azp));
        assert_eq!(
            trusting
                .verify_id_token(&token, &keys(), &expect(), now())
                .unwrap_err(),
            Error::AzpMismatch { problem }
        );
    }
    // A present azp must be the client id even with one audience.
    let token = issuer().mint(&with(id_claims(), "azp", json!("other-service")));
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::AzpMismatch {
            problem: AzpProblem::NotClientId
        }
    );
}

// --- Issuer differing in any byte ------------------------------------------------------------

#[test]
fn issuer_differing_in_any_byte_is_refused() {
    let variants = [
        CIS2_INT_ISSUER.replace(":443", ""), // the port NHS pages leave out
        format!("{CIS2_INT_ISSUER}/"),       // trailing slash
        CIS2_INT_ISSUER.replace("Healthcare", "healthcare"), // case
        CIS2_INT_ISSUER.replace("am.nhsint", "AM.nhsint"), // host case
        CIS2_INT_ISSUER.replace("https", "http"), // scheme
        format!(" {CIS2_INT_ISSUER}"),       // whitespace
        CIS2_INT_ISSUER.replace("spineservices", "spineservic\u{0435}s"), // Cyrillic e
        "https://identity.ptl.api.platform.nhs.uk/realms/Cis2-mock-int".to_owned(),
    ];
    for iss in variants {
        let token = issuer().mint(&with(id_claims(), "iss", json!(iss)));
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::IssuerMismatch {
                found: iss.as_str().into()
            }
        );
    }
}

// --- Size, nesting, duplicates, base64url, UTF-8 -----------------------------------------------

#[test]
fn token_larger_than_the_limit_is_refused_before_decoding() {
    // Not even base64url: the size check comes first.
    let garbage = "!".repeat(16 * 1024 + 1);
    assert_eq!(
        verify_id(&garbage).unwrap_err(),
        Error::TooLarge {
            input: Input::Token,
            limit: 16 * 1024,
            actual: 16 * 1024 + 1
        }
    );
    // A genuine token with a 16 KiB claim.
    let big = issuer().mint(&with(id_claims(), "padding", json!("x".repeat(12 * 1024))));
    assert_eq!(
        verify_id(&big).unwrap_err(),
        Error::TooLarge {
            input: Input::Token,
            limit: 16 * 1024,
            actual: big.len()
        }
    );
}

#[test]
fn json_nested_deeper_than_the_limit_is_refused() {
    let nest = |levels: usize| {
        // The claim value adds `levels` levels below the top-level object.
        format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
    };
    let head = header("RS256").to_string();
    let claims = id_claims().to_string();
    let payload = |levels| format!("{{\"deep\":{},{}", nest(levels), &claims[1..]);
    // 1 (claims object) + 15 = 16 levels: accepted.
    let ok = issuer().mint_bytes(head.as_bytes(), payload(15).as_bytes());
    assert!(verify_id(&ok).is_ok());
    for levels in [16, 200, 3000] {
        let token = issuer().mint_bytes(head.as_bytes(), payload(levels).as_bytes());
        if token.len() > 16 * 1024 {
            continue;
        }
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::TooDeep {
                input: Input::Claims,
                limit: 16
            },
            "{levels}"
        );
    }
    // 100 000 levels would overflow a naive recursive parser's stack; the size limit is raised
    // so that the depth rule is what answers.
    let huge = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .limits(careid_assert::JwsLimits::DEFAULT.with_max_bytes(1 << 20))
        .build()
        .unwrap();
    let token = issuer().mint_bytes(head.as_bytes(), payload(100_000).as_bytes());
    assert_eq!(
        huge.verify_id_token(&token, &keys(), &expect(), now())
            .unwrap_err(),
        Error::TooDeep {
            input: Input::Claims,
            limit: 16
        }
    );
    // In the header too.
    let deep_head = format!("{{\"x\":{},{}", nest(16), &head[1..]);
    let token = issuer().mint_bytes(deep_head.as_bytes(), claims.as_bytes());
    assert_eq!(
        verify_id(&token).unwrap_err(),
        Error::TooDeep {
            input: Input::Header,
            limit: 16
        }
    );
}

#[test]
fn duplicate_json_members_are_refused() {
    let head = header("RS256").to_string();
    let claims = id_claims().to_string();
    let cases: [(String, String, Input, &str); 5] = [
        // `alg` twice: a parser keeping the last copy would see `none`.
        (
            format!("{{\"alg\":\"RS256\",{}", &head[1..])
                .replace("\"alg\":\"RS256\"}", "\"alg\":\"none\"}"),
            claims.clone(),
            Input::Header,
            "alg",
        ),
        // `sub` twice: which user is this?
        (
            head.clone(),
            format!("{{\"sub\":\"999999999999\",{}", &claims[1..]),
            Input::Claims,
            "sub",
        ),
        // The same name written with an escape.
        (
            head.clone(),
            format!("{{\"s\\u0075b\":\"999999999999\",{}", &claims[1..]),
            Input::Claims,
            "sub",
        ),
        // Inside an unknown claim.
        (
            head.clone(),
            format!("{{\"x\":{{\"a\":1,\"a\":2}},{}", &claims[1..]),
            Input::Claims,
            "a",
        ),
        // An unknown claim twice.
        (
            head.clone(),
            format!("{{\"x\":1,\"x\":2,{}", &claims[1..]),
            Input::Claims,
            "x",
        ),
    ];
    for (head, payload, input, member) in cases {
        let token = issuer().mint_bytes(head.as_bytes(), payload.as_bytes());
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::DuplicateMember {
                input,
                member: member.into()
            },
            "{head} {payload}"
        );
    }
}

/// The same base64url text with non-zero trailing bits in its last character.
fn with_trailing_bits(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = *text.as_bytes().last().unwrap();
    let value = ALPHABET.iter().position(|c| *c == last).unwrap();
    assert!(!text.len().is_multiple_of(4), "no trailing bits in {text}");
    let changed = ALPHABET[value | 1];
    assert_ne!(changed, last);
    let changed = char::from(changed);
    format!("{}{changed}", &text[..text.len() - 1])
}

#[test]
fn non_canonical_base64url_is_refused() {
    // A header whose encoding has trailing bits (its length is not a multiple of 3).
    let mut head = header("RS256");
    while head.to_string().len().is_multiple_of(3) {
        head["x"] = json!(format!("{}a", head["x"].as_str().unwrap_or("")));
    }
    let mut claims = id_claims();
    while claims.to_string().len().is_multiple_of(3) {
        claims["x"] = json!(format!("{}a", claims["x"].as_str().unwrap_or("")));
    }
    let h = b64(head.to_string().as_bytes());
    let p = b64(claims.to_string().as_bytes());
    let sign = |h: &str, p: &str| issuer().sign_segments(&head, h, p);
    let pad = |s: &str| format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4));
    let mut long_p = p.clone();
    while long_p.len() % 4 != 1 {
        long_p.push('A');
    }
    let cases = [
        (sign(&pad(&h), &p), Segment::Header, h.len()), // padding
        (sign(&h, &pad(&p)), Segment::Payload, p.len()),
        (sign(&format!("+{}", &h[1..]), &p), Segment::Header, 0), // standard alphabet
        (sign(&h, &format!("/{}", &p[1..])), Segment::Payload, 0),
        (
            sign(&format!("{} {}", &h[..10], &h[10..]), &p),
            Segment::Header,
            10,
        ), // whitespace
        (
            sign(&h, &format!("{}\n{}", &p[..40], &p[40..])),
            Segment::Payload,
            40,
        ),
        (
            sign(&with_trailing_bits(&h), &p),
            Segment::Header,
            h.len() - 1,
        ), // trailing bits
        (
            sign(&h, &with_trailing_bits(&p)),
            Segment::Payload,
            p.len() - 1,
        ),
        (sign(&h, &long_p), Segment::Payload, long_p.len() - 1), // length 1 (mod 4)
    ];
    for (token, segment, offset) in cases {
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::Base64 { segment, offset },
            "{token}"
        );
    }
    // The signature segment: trailing bits and padding.
    let token = issuer().mint(&id_claims());
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    for bad in [
        with_trailing_bits(signature),
        pad(signature),
        format!("{signature}="),
    ] {
        assert!(
            matches!(
                verify_id(&format!("{signing_input}.{bad}")),
                Err(Error::Base64 {
                    segment: Segment::Signature,
                    ..
                })
            ),
            "{bad}"
        );
    }
}

#[test]
fn header_or_payload_not_utf8_or_with_a_bom_is_refused() {
    let head = header("RS256").to_string();
    let claims = id_claims().to_string();
    // The last digit of `sub` replaced by 0xFF, which never occurs in UTF-8.
    let bad_at = claims.find("787807429511").unwrap() + 11;
    let mut bad_payload = claims.clone().into_bytes();
    bad_payload[bad_at] = 0xff;
    let mut bad_head = head.clone().into_bytes();
    bad_head.splice(1..1, b"\"x\":\"\xc3\x28\",".iter().copied());
    let cases: [(Vec<u8>, Vec<u8>, Input, usize); 4] = [
        (bad_head, claims.clone().into_bytes(), Input::Header, 6),
        (
            head.clone().into_bytes(),
            [b"\xef\xbb\xbf".as_slice(), claims.as_bytes()].concat(),
            Input::Claims,
            0,
        ),
        (
            [b"\xef\xbb\xbf".as_slice(), head.as_bytes()].concat(),
            claims.clone().into_bytes(),
            Input::Header,
            0,
        ),
        (
            head.clone().into_bytes(),
            bad_payload,
            Input::Claims,
            bad_at,
        ),
    ];
    for (head, payload, input, offset) in cases {
        let token = issuer().mint_bytes(&head, &payload);
        assert_eq!(
            verify_id(&token).unwrap_err(),
            Error::NotUtf8 { input, offset },
            "{}",
            String::from_utf8_lossy(&payload)
        );
    }
}

// --- Weak keys in the JWKS (Wycheproof JWK tests) --------------------------------------------

#[test]
fn weak_rsa_keys_in_the_jwks_are_refused() {
    let good = issuer().jwks()["keys"][0].clone();
    let n_2048 = good["n"].as_str().unwrap();
    // A 1024-bit modulus: the top half of the test key's.
    let n_1024 = b64(&common::unb64(n_2048)[..128]);
    let cases = [
        (
            "rsa-1024",
            n_1024.as_str(),
            "AQAB",
            careid_crypto::Error::RsaModulusTooSmall {
                bits: 1024,
                minimum: 2048,
            },
        ),
        (
            "rsa-e1",
            n_2048,
            "AQ",
            careid_crypto::Error::RsaExponentInvalid,
        ),
        (
            "rsa-even-e",
            n_2048,
            "AQAA",
            careid_crypto::Error::RsaExponentInvalid,
        ),
    ];
    let jwks = json!({"keys": cases.iter().map(|(kid, n, e, _)| json!({
        "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": n, "e": e
    })).collect::<Vec<_>>()});
    let keys = JwkSet::from_json(jwks.to_string().as_bytes()).unwrap();
    for (kid, _, _, reason) in cases {
        let token = issuer().mint_with_header(&header("RS256").tap_kid(kid), &id_claims());
        assert_eq!(
            rp().verify_id_token(&token, &keys, &expect(), now())
                .unwrap_err(),
            Error::WeakKey {
                kid: kid.into(),
                reason
            },
            "{kid}"
        );
    }
}

// --- Extra segments, missing signature (Wycheproof rejectsExtraComponent, ...MissingSignature) -

#[test]
fn extra_segments_or_a_missing_signature_are_malformed() {
    let token = issuer().mint(&id_claims());
    let (signing_input, _) = token.rsplit_once('.').unwrap();
    for (bad, reason) in [
        (format!("{token}.e30"), Malformed::SegmentCount { found: 4 }),
        (format!("{token}."), Malformed::SegmentCount { found: 4 }),
        (format!("{signing_input}."), Malformed::EmptySignature),
        (
            signing_input.to_owned(),
            Malformed::SegmentCount { found: 2 },
        ),
        (format!(".{token}"), Malformed::SegmentCount { found: 4 }),
        (String::new(), Malformed::SegmentCount { found: 1 }),
    ] {
        assert_eq!(
            verify_id(&bad).unwrap_err(),
            Error::Malformed { reason },
            "{bad}"
        );
    }
}

/// Sets `kid` in a header.
trait TapKid {
    fn tap_kid(self, kid: &str) -> Self;
}

impl TapKid for Value {
    fn tap_kid(mut self, kid: &str) -> Self {
        self["kid"] = kid.into();
        self
    }
}
