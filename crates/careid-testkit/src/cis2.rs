//! A test CIS2 issuer: CIS2-shaped ID tokens, access tokens, logout tokens, UserInfo
//! responses, discovery documents and JWK sets, built from the examples of the design note
//! CIS2.md §5 and signed with the deterministic test RSA keys.
//!
//! The minting here is independent of careid-assert (which must not verify its own output):
//! JSON by serde_json, base64url by the `base64` crate, signatures by the `rsa` crate through
//! [`TestSigner`] (and ring's HMAC for the HS256 forgery).

use crate::{TestKey, TestSigner};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use careid_crypto::{SignatureAlgorithm, SignatureFormat};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The CIS2 integration (INT) issuer, exactly as CIS2 writes it, `:443` included (CIS2.md §2).
pub const CIS2_INT_ISSUER: &str = "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";
/// The client id of the CIS2.md §5.1 fixture.
pub const CIS2_CLIENT_ID: &str = "969567331415.apps.national";
/// The user of the CIS2.md §5.1 ID-token fixture.
pub const CIS2_SUBJECT: &str = "787807429511";
/// A `person_roleid` of the CIS2.md §5.2 UserInfo fixture ("Admin/Clinical Support Access
/// Role" at Y51), used as `selected_roleid`.
pub const CIS2_SELECTED_ROLEID: &str = "656014452101";
/// The nonce the test logins send.
pub const CIS2_NONCE: &str = "n-0S6_WzA2Mj-careid-test";
/// The session id of the test logins.
pub const CIS2_SID: &str = "c0a8e4d2-5f0b-4c1e-9b7a-3d2f1e0c9b8a";
/// The time at which the CIS2.md §5.1 fixture is reproduced exactly: its `auth_time`
/// (1610559802) plus 100 s, so that `iat` = now − 100 = `auth_time`.
pub const CIS2_FIXTURE_NOW: i64 = 1_610_559_902;
/// The `kid` of the issuer's first signing key.
pub const CIS2_KID: &str = "careid-test-rsa-1";
/// The `kid` of the key a rotation introduces.
pub const CIS2_ROTATED_KID: &str = "careid-test-rsa-2";

/// A CIS2-style issuer signing with test keys. Its first key signs unless a header names
/// another `kid`.
#[derive(Debug, Clone)]
pub struct Cis2Issuer {
    issuer: String,
    keys: Vec<(String, &'static TestSigner)>,
}

impl Cis2Issuer {
    /// The INT issuer with the test RSA key under [`CIS2_KID`].
    pub fn int() -> Self {
        Self::new(CIS2_INT_ISSUER)
    }

    /// An issuer named `issuer` with the test RSA key under [`CIS2_KID`].
    pub fn new(issuer: &str) -> Self {
        Self {
            issuer: issuer.to_owned(),
            keys: vec![(CIS2_KID.to_owned(), TestKey::Rsa2048.signer())],
        }
    }

    /// Adds a signing key.
    #[must_use]
    pub fn with_key(mut self, kid: &str, signer: &'static TestSigner) -> Self {
        self.keys.push((kid.to_owned(), signer));
        self
    }

    /// Only the key named `kid` (after a rotation that retired the others).
    #[must_use]
    pub fn only_key(mut self, kid: &str) -> Self {
        self.keys.retain(|(k, _)| k == kid);
        assert!(!self.keys.is_empty(), "no key {kid}");
        self
    }

    /// The second RSA-2048 test key, for rotations (generated once per process).
    pub fn rotation_signer() -> &'static TestSigner {
        static SIGNER: OnceLock<TestSigner> = OnceLock::new();
        SIGNER.get_or_init(|| TestSigner::generate(TestKey::Rsa2048, 0x0c15_2002))
    }

    /// The issuer string.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The JWK set of every key: RSA public keys with `kid`, `use: sig`, `alg: RS256`
    /// (RFC 7517 §5).
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|(kid, signer)| {
                let mut jwk = signer.jwk(Some(kid), Some(SignatureAlgorithm::Rs256));
                jwk["use"] = "sig".into();
                jwk
            })
            .collect();
        json!({ "keys": keys })
    }

    /// A discovery document in the ForgeRock layout of CIS2.md §2, endpoints under the issuer.
    pub fn discovery(&self) -> Value {
        let base = self.issuer.trim_end_matches('/');
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/access_token"),
            "userinfo_endpoint": format!("{base}/userinfo"),
            "end_session_endpoint": format!("{base}/connect/endSession"),
            "jwks_uri": format!("{base}/connect/jwk_uri"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "RS512"],
            "acr_values_supported": ["AAL1_USERPASS", "AAL2_OR_AAL3_ANY", "AAL3_ANY"],
            "scopes_supported": ["openid", "profile", "email", "nhsperson", "associatedorgs",
                "nationalrbacaccess", "selectedrole"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "code_challenge_methods_supported": ["S256"],
            "backchannel_logout_supported": true,
            "backchannel_logout_session_supported": true
        })
    }

    /// An RS256 token with the header `{"typ":"JWT","kid":<first kid>,"alg":"RS256"}`.
    pub fn mint(&self, claims: &Value) -> String {
        let header = json!({"typ": "JWT", "kid": self.keys[0].0, "alg": "RS256"});
        self.mint_with_header(&header, claims)
    }

    /// A token with this header; its `alg` (RS* or PS*) and `kid` choose the signature and
    /// the key (the first key when the header has no known `kid`).
    pub fn mint_with_header(&self, header: &Value, claims: &Value) -> String {
        self.mint_json_bytes(
            header,
            header.to_string().as_bytes(),
            claims.to_string().as_bytes(),
        )
    }

    /// A token whose header and payload are exactly these bytes (for duplicate members, bad
    /// UTF-8, deep nesting...). `header` is also parsed to choose `alg` and `kid`.
    pub fn mint_bytes(&self, header: &[u8], payload: &[u8]) -> String {
        let parsed: Value = serde_json::from_slice(header).unwrap_or(Value::Null);
        self.mint_json_bytes(&parsed, header, payload)
    }

    fn mint_json_bytes(&self, header: &Value, header_bytes: &[u8], payload: &[u8]) -> String {
        self.sign_segments(
            header,
            &URL_SAFE_NO_PAD.encode(header_bytes),
            &URL_SAFE_NO_PAD.encode(payload),
        )
    }

    /// Signs exactly `header_b64.payload_b64` (for non-canonical base64url). `header` chooses
    /// `alg` and `kid` as in [`Cis2Issuer::mint_with_header`].
    pub fn sign_segments(&self, header: &Value, header_b64: &str, payload_b64: &str) -> String {
        let alg = header["alg"]
            .as_str()
            .and_then(|name| SignatureAlgorithm::from_jose_name(name).ok())
            .unwrap_or(SignatureAlgorithm::Rs256);
        let signer = header["kid"]
            .as_str()
            .and_then(|kid| self.keys.iter().find(|(k, _)| k == kid))
            .unwrap_or(&self.keys[0])
            .1;
        let signing_input = format!("{header_b64}.{payload_b64}");
        let signature = signer.sign(alg, SignatureFormat::Fixed, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The classic algorithm-confusion forgery: an HS256 "signature" keyed with the issuer's
    /// RSA public key bytes, as a verifier that treats the JWK as an HMAC secret would accept
    /// (jose4j `PublicKeyAsHmacKeyTest`). Keyed with the DER SubjectPublicKeyInfo.
    pub fn forge_hs256_with_public_key(&self, claims: &Value) -> String {
        let header = json!({"typ": "JWT", "kid": self.keys[0].0, "alg": "HS256"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.keys[0].1.spki_der());
        let tag = ring::hmac::sign(&key, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }
}

/// The ID-token claims of CIS2.md §5.1 (identity-service-api `e2e/tests/conftest.py`, INT
/// issuer): at [`CIS2_FIXTURE_NOW`] exactly the fixture, with `exp` = now + 6000 and `iat` =
/// `auth_time` = now − 100.
pub fn cis2_id_token_fixture(now: i64) -> Value {
    json!({
        "at_hash": "tf_-lqpq36lwO7WmSBIJ6Q",
        "sub": CIS2_SUBJECT,
        "auditTrackingId": "91f694e6-3749-42fd-90b0-c3134b0d98f6-1546391",
        "amr": ["N3_SMARTCARD"],
        "iss": CIS2_INT_ISSUER,
        "tokenName": "id_token",
        "aud": CIS2_CLIENT_ID,
        "c_hash": "bc7zzGkClC3MEiFQ3YhPKg",
        "acr": "AAL3_ANY",
        "org.forgerock.openidconnect.ops": "-I45NjmMDdMa-aNF2sr9hC7qEGQ",
        "s_hash": "LPJNul-wow4m6Dsqxbning",
        "azp": CIS2_CLIENT_ID,
        "auth_time": now - 100,
        "realm": "/NHSIdentity/Healthcare",
        "exp": now + 6000,
        "tokenType": "JWTToken",
        "iat": now - 100
    })
}

/// A complete CIS2 login's ID token: the §5.1 fixture plus what the current fixtures and
/// Mavis add (CIS2.md §5.1): `nonce`, `sid`, `selected_roleid`, and integer assurance levels
/// 3 (`id_assurance_level`, `authentication_assurance_level`).
pub fn cis2_id_token_claims(now: i64) -> Value {
    let mut claims = cis2_id_token_fixture(now);
    claims["nonce"] = CIS2_NONCE.into();
    claims["sid"] = CIS2_SID.into();
    claims["selected_roleid"] = CIS2_SELECTED_ROLEID.into();
    claims["id_assurance_level"] = 3.into();
    claims["authentication_assurance_level"] = 3.into();
    claims
}

/// The Mavis dev-realm ID token of CIS2.md §5.1 (`spec/lib/omniauth/strategies/
/// nhsuk_cis2_spec.rb`): string assurance levels, `AAL1_USERPASS`, `amr: ["pwd"]`,
/// `realm: "/oidc"`, the "Simple OIDC" dev issuer. Values CIS2.md does not give (`sid`,
/// `nonce`, `selected_roleid`, `subname`) are the test constants.
pub fn cis2_id_token_mavis(now: i64) -> Value {
    json!({
        "iss": "https://am.nhsdev.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/oidc",
        "sub": CIS2_SUBJECT,
        "subname": CIS2_SUBJECT,
        "aud": CIS2_CLIENT_ID,
        "azp": CIS2_CLIENT_ID,
        "exp": now + 3600,
        "iat": now - 10,
        "auth_time": now - 10,
        "nonce": CIS2_NONCE,
        "sid": CIS2_SID,
        "selected_roleid": CIS2_SELECTED_ROLEID,
        "idassurancelevel": "3",
        "id_assurance_level": "3",
        "authentication_assurance_level": "1",
        "acr": "AAL1_USERPASS",
        "amr": ["pwd"],
        "realm": "/oidc",
        "tokenName": "id_token",
        "tokenType": "JWTToken"
    })
}

/// The UserInfo response of CIS2.md §5.2 (identity-service-api `e2e/tests/utils/
/// response_bank.py`, INT test user), with its redactions.
pub fn cis2_userinfo_fixture() -> Value {
    json!({
      "sub": "656005750104",
      "nhsid_useruid": "656005750104",
      "uid": "656005750104",
      "name": "Test User", "given_name": "Test", "family_name": "User",
      "display_name": "<redacted>", "middle_names": "<redacted>", "initials": "S", "title": "Mr",
      "email": "<redacted>@nhs.net",
      "idassurancelevel": "3",
      "gdc_id": "GDC123", "gmp_id": "GMP123", "gmc_id": "GMC123", "rcn_id": "RCN123",
      "nmc_id": "NMC123", "gphc_id": "GPhC123", "gdp_id": "GDP123", "consultant_id": "TestConsultant",
      "nhsid_org_memberships": [
        {"person_orgid": "656008045105", "org_name": "THE NORTH MIDLANDS AND EAST PROGRAMME FOR IT (NMEPFIT)", "org_code": "Y51", "gnc": "GNC123"},
        {"person_orgid": "656005753107", "org_name": "NHS CONNECTING FOR HEALTH", "org_code": "X09"}
      ],
      "nhsid_org_roles": [
        {"person_orgid": "656008045105", "org_name": "THE NORTH MIDLANDS AND EAST PROGRAMME FOR IT (NMEPFIT)", "org_code": "Y51"},
        {"person_orgid": "656005753107", "org_name": "NHS CONNECTING FOR HEALTH", "org_code": "X09"}
      ],
      "nhsid_nrbac_roles": [
        {
          "person_orgid": "656008045105", "person_roleid": "656014452101", "org_code": "Y51",
          "role_name": "\"Support\":\"Support\":\"Admin/Clinical Support Access Role\"",
          "role_code": "S8001:G8002:R8008",
          "activities": ["Execute CDS DQ Extracts (Clear)", "Manage Shared Non Patient Identifiable Information", "Run PbR Commissioning Extracts"],
          "activity_codes": ["B0145", "B8002", "B1560"]
        },
        {
          "person_orgid": "656005753107", "person_roleid": "656005754108", "org_code": "X09",
          "role_name": "\"Admin & Clerical\":\"Management - A & C\":\"Registration Authority Manager\"",
          "role_code": "S0080:G0450:R5080",
          "activities": ["Receive Legal Override and Emergency View Alerts", "Manage Allergies", "Record a Patient's Self Referral", "Receive SAR Refused Alerts"],
          "activity_codes": ["B0015", "B0028", "B0030", "B0017"],
          "workgroups": ["AUG 2017 WKGP", "CAR-384 One", "<redacted>", "CAR-384"],
          "workgroups_codes": ["655694018104", "555653110100", "655681345103", "555653032105"],
          "aow": ["\"Pathology\":\"Pathology\":\"Phlebotomy\"", "\"Medicine\":\"Respiratory Medicine\":\"Respiratory Medicine\"", "\"Pathology\":\"Pathology\":\"Pathology\"", "\"Pathology\":\"Pathology\":\"Blood Transfusion\""],
          "aow_codes": ["P0020:Q0300:T0640", "P0010:Q0050:T0210", "P0020:Q0300:T0630", "P0020:Q0300:T0660"]
        }
      ],
      "nhsid_user_orgs": [
        {"org_name": "THE NORTH MIDLANDS AND EAST PROGRAMME FOR IT (NMEPFIT)", "org_code": "Y51"},
        {"org_name": "NHS CONNECTING FOR HEALTH", "org_code": "X09"}
      ]
    })
}

/// The §5.2 UserInfo response for the user of the ID-token fixture (`sub`, `uid` and
/// `nhsid_useruid` set to [`CIS2_SUBJECT`]), so that a login's two halves belong together.
pub fn cis2_userinfo_for(subject: &str) -> Value {
    let mut userinfo = cis2_userinfo_fixture();
    for claim in ["sub", "uid", "nhsid_useruid"] {
        userinfo[claim] = subject.into();
    }
    userinfo
}

/// The access-token illustration of CIS2.md §5.3 (ForgeRock stateless access token; not a
/// CIS2 fixture): no `aud`, `scope` as an array, `nbf` = `iat` = now, `exp` = now + 3600.
pub fn cis2_access_token_claims(now: i64) -> Value {
    json!({
        "sub": CIS2_SUBJECT, "subname": CIS2_SUBJECT,
        "cts": "OAUTH2_STATELESS_GRANT", "auditTrackingId": "91f694e6-3749-42fd-90b0-c3134b0d98f6-1546392",
        "iss": CIS2_INT_ISSUER,
        "tokenName": "access_token", "token_type": "Bearer", "authGrantId": "careid-test-grant",
        "grant_type": "authorization_code", "scope": ["openid", "nationalrbacaccess"],
        "auth_time": now - 8, "realm": "/NHSIdentity/Healthcare",
        "nbf": now, "iat": now, "exp": now + 3600, "expires_in": 3600,
        "jti": "careid-test-access-jti", "acr": "AAL3_ANY"
    })
}

/// The logout-token claims of CIS2.md §5.4 (identity-service-api
/// `e2e/tests/oauth/test_backchannel_logout.py`, whose mock user is `9999999999`), for this
/// issuer and client, ending session [`CIS2_SID`].
pub fn cis2_logout_token_claims(issuer: &str, client_id: &str, now: i64, jti: &str) -> Value {
    json!({
        "aud": client_id,
        "iss": issuer,
        "sub": "9999999999",
        "iat": now,
        "jti": jti,
        "sid": CIS2_SID,
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwks_and_tokens_are_deterministic_and_well_formed() {
        let issuer = Cis2Issuer::int();
        let token = issuer.mint(&cis2_id_token_claims(CIS2_FIXTURE_NOW));
        assert_eq!(token, issuer.mint(&cis2_id_token_claims(CIS2_FIXTURE_NOW)));
        assert_eq!(token.split('.').count(), 3);
        let jwks = issuer.jwks();
        assert_eq!(jwks["keys"][0]["kid"], CIS2_KID);
        assert_eq!(jwks["keys"][0]["use"], "sig");
        assert_eq!(jwks["keys"][0]["alg"], "RS256");
        let forged = issuer.forge_hs256_with_public_key(&cis2_id_token_claims(0));
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(forged.split('.').nth(2).unwrap())
                .unwrap()
                .len(),
            32
        );
    }
}
