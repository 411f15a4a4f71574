//! Full CIS2 ID-token verification: careid against raw ring RS256 on the same signing input,
//! and against the `jsonwebtoken` crate validating the same token, in the same groups.
//!
//! - "ring": `UnparsedPublicKey::verify` on the token's signing input with the signature
//!   already decoded: the floor, a bare RSA-2048 PKCS#1 v1.5 SHA-256 verification.
//! - "careid": `RelyingParty::verify_id_token` with a parsed JWK set: size and segment checks,
//!   strict base64url, strict JSON header and claims (duplicates, depth), header rules, key
//!   lookup by `kid`, the signature, and every CIS2.md §7.1 check (iss, aud, azp, exp, iat,
//!   nbf, nonce, acr/AAL, identity assurance, selected role), decoding `selected_roleid` and,
//!   in the second group, `nhsid_nrbac_roles` with careid-rbac.
//! - "jsonwebtoken": jsonwebtoken 11 `decode` into a serde struct declaring the same claims
//!   (unknown claims dropped, as such structs do; careid keeps them), its Validation (RS256,
//!   iss, aud, exp with 60 s leeway), plus the same CIS2 checks written by hand. It runs on a ring crypto provider, so all three share the RSA primitive and the
//!   comparison is of the JWT layers.
//!
//! Targets: careid within 1.10x of ring, and faster than jsonwebtoken. After the criterion
//! groups, the three are also measured interleaved (the ratios that docs/benchmarks.md
//! reports, robust to other load on the machine). Run with
//! `cargo bench --bench jwt -- --warm-up-time 2 --measurement-time 6`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid::token::{IdTokenExpectations, JwkSet, RelyingParty, UnixTime};
use careid_testkit::timing::Interleaved;
use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_FIXTURE_NOW, CIS2_INT_ISSUER, CIS2_NONCE, Cis2Issuer, TestKey,
    cis2_id_token_claims, cis2_userinfo_fixture,
};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use serde_json::Value;
use std::hint::black_box;

/// 2100-01-01: jsonwebtoken checks `exp` against the system clock, careid at the pinned time.
const FAR_FUTURE: i64 = 4_102_444_800;

fn token(roles: bool) -> String {
    let mut claims = cis2_id_token_claims(CIS2_FIXTURE_NOW);
    claims["exp"] = FAR_FUTURE.into();
    if roles {
        claims["nhsid_nrbac_roles"] = Value::Array(vec![
            cis2_userinfo_fixture()["nhsid_nrbac_roles"][0].clone(),
        ]);
    }
    Cis2Issuer::int().mint(&claims)
}

fn ring_anchor(token: &str) -> (String, Vec<u8>, Vec<u8>) {
    use base64::Engine as _;
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .unwrap();
    // ring's input: the RSAPublicKey inside the SPKI's BIT STRING (24-byte header for 2048).
    let rsa_public_key = TestKey::Rsa2048.signer().spki_der()[24..].to_vec();
    (signing_input.to_owned(), signature, rsa_public_key)
}

/// The claims a jsonwebtoken user would declare for a CIS2 ID token.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Cis2Claims {
    iss: String,
    sub: String,
    aud: Audience,
    exp: i64,
    iat: i64,
    nbf: Option<i64>,
    auth_time: Option<i64>,
    nonce: Option<String>,
    acr: Option<String>,
    amr: Option<Vec<String>>,
    azp: Option<String>,
    sid: Option<String>,
    at_hash: Option<String>,
    c_hash: Option<String>,
    s_hash: Option<String>,
    selected_roleid: Option<String>,
    id_assurance_level: Option<Level>,
    idassurancelevel: Option<Level>,
    authentication_assurance_level: Option<Level>,
    #[serde(rename = "tokenName")]
    token_name: Option<String>,
    #[serde(rename = "tokenType")]
    token_type: Option<String>,
    #[serde(rename = "auditTrackingId")]
    audit_tracking_id: Option<String>,
    realm: Option<String>,
    nhsid_nrbac_roles: Option<Vec<Role>>,
    events: Option<Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Level {
    Int(u8),
    Text(String),
}

impl Level {
    fn get(&self) -> Option<u8> {
        match self {
            Self::Int(n) => Some(*n),
            Self::Text(t) => t.parse().ok(),
        }
    }
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Role {
    person_roleid: String,
    person_orgid: String,
    org_code: String,
    role_code: String,
    role_name: String,
    activities: Option<Vec<String>>,
    activity_codes: Option<Vec<String>>,
}

/// jsonwebtoken, then the CIS2.md §7.1 checks it does not do, by hand.
fn jsonwebtoken_verify(
    token: &str,
    key: &jsonwebtoken::DecodingKey,
    validation: &jsonwebtoken::Validation,
    now: i64,
) -> Result<Cis2Claims, &'static str> {
    let claims = jsonwebtoken::decode::<Cis2Claims>(token, key, validation)
        .map_err(|_| "jwt")?
        .claims;
    if claims.events.is_some()
        || claims
            .token_name
            .as_deref()
            .is_some_and(|n| n != "id_token")
    {
        return Err("type");
    }
    if claims
        .azp
        .as_deref()
        .is_some_and(|azp| azp != CIS2_CLIENT_ID)
    {
        return Err("azp");
    }
    if claims.iat > now + 60 || now - claims.iat > 660 {
        return Err("iat");
    }
    if claims.nonce.as_deref() != Some(CIS2_NONCE) {
        return Err("nonce");
    }
    let acr = claims.acr.as_deref().ok_or("acr")?;
    let aal = acr
        .strip_prefix("AAL")
        .and_then(|r| r.bytes().next())
        .filter(u8::is_ascii_digit)
        .ok_or("acr")?
        - b'0';
    let aal = match &claims.authentication_assurance_level {
        Some(level) => aal.min(level.get().ok_or("aal")?),
        None => aal,
    };
    if aal < 2 {
        return Err("aal");
    }
    let ial = [&claims.id_assurance_level, &claims.idassurancelevel]
        .into_iter()
        .flatten()
        .map(Level::get)
        .try_fold(u8::MAX, |lowest, level| level.map(|l| lowest.min(l)))
        .ok_or("ial")?;
    if ial < 3 || ial == u8::MAX {
        return Err("ial");
    }
    if let (Some(selected), Some(roles)) = (&claims.selected_roleid, &claims.nhsid_nrbac_roles)
        && !roles.iter().any(|r| &r.person_roleid == selected)
    {
        return Err("role");
    }
    Ok(claims)
}

/// jsonwebtoken's crypto on ring (the primitive careid and the anchor use).
mod ring_provider {
    use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
    use jsonwebtoken::errors::{ErrorKind, Result};
    use jsonwebtoken::signature;
    use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey};
    use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};

    struct Rs256 {
        n: Vec<u8>,
        e: Vec<u8>,
    }

    impl signature::Verifier<Vec<u8>> for Rs256 {
        fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> std::result::Result<(), signature::Error> {
            RsaPublicKeyComponents {
                n: &self.n,
                e: &self.e,
            }
            .verify(&RSA_PKCS1_2048_8192_SHA256, msg, sig)
            .map_err(|_| signature::Error::new())
        }
    }

    impl JwtVerifier for Rs256 {
        fn algorithm(&self) -> Algorithm {
            Algorithm::RS256
        }
    }

    fn verifier(alg: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
        match (alg, key.kind()) {
            (Algorithm::RS256, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                Ok(Box::new(Rs256 {
                    n: n.clone(),
                    e: e.clone(),
                }))
            }
            _ => Err(ErrorKind::InvalidAlgorithm.into()),
        }
    }

    fn signer(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
        Err(ErrorKind::InvalidAlgorithm.into())
    }

    pub(crate) static RING: CryptoProvider = CryptoProvider {
        signer_factory: signer,
        verifier_factory: verifier,
        key_utils: KeyUtils::new_unimplemented(),
    };
}

/// What every measurement shares: the relying party and its keys, the jsonwebtoken anchor
/// configured for the same checks it can make, and the fixed verification time.
struct Setup {
    keys: JwkSet,
    rp: RelyingParty,
    expect: IdTokenExpectations<'static>,
    now: UnixTime,
    jwt_key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

impl Setup {
    fn new() -> Self {
        ring_provider::RING.install_default().ok();
        let jwks = Cis2Issuer::int().jwks();
        let jwk = &jwks["keys"][0];
        let jwt_key = jsonwebtoken::DecodingKey::from_rsa_components(
            jwk["n"].as_str().unwrap(),
            jwk["e"].as_str().unwrap(),
        )
        .unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_issuer(&[CIS2_INT_ISSUER]);
        validation.set_audience(&[CIS2_CLIENT_ID]);
        validation.leeway = 60;
        Self {
            keys: JwkSet::from_json(jwks.to_string().as_bytes()).unwrap(),
            rp: RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
                .build()
                .unwrap(),
            expect: IdTokenExpectations::new(CIS2_NONCE),
            now: UnixTime::from_secs(CIS2_FIXTURE_NOW),
            jwt_key,
            validation,
        }
    }
}

/// The two tokens measured: without and with an embedded `nhsid_nrbac_roles` element.
const TOKENS: [(&str, bool); 2] = [
    ("jwt/cis2-id-token", false),
    ("jwt/cis2-id-token+nrbac-roles", true),
];

/// The token, its RS256 signing input and signature, and ring's key for the raw anchor.
fn case(
    roles: bool,
) -> (
    String,
    String,
    Vec<u8>,
    ring::signature::UnparsedPublicKey<Vec<u8>>,
) {
    let token = token(roles);
    let (signing_input, signature, rsa_key) = ring_anchor(&token);
    let ring_key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        rsa_key,
    );
    (token, signing_input, signature, ring_key)
}

fn cis2_id_token(c: &mut Criterion) {
    let Setup {
        keys,
        rp,
        expect,
        now,
        jwt_key,
        validation,
    } = Setup::new();
    for (name, roles) in TOKENS {
        let (token, signing_input, signature, ring_key) = case(roles);
        // All three accept the token before anything is timed.
        ring_key
            .verify(signing_input.as_bytes(), &signature)
            .unwrap();
        let verified = rp.verify_id_token(&token, &keys, &expect, now).unwrap();
        assert_eq!(verified.roles().map(|r| r.len()), roles.then_some(1));
        jsonwebtoken_verify(&token, &jwt_key, &validation, CIS2_FIXTURE_NOW).unwrap();
        println!("{name}: token of {} bytes", token.len());

        let mut group = c.benchmark_group(name);
        group.bench_function("ring", |b| {
            b.iter(|| {
                black_box(&ring_key)
                    .verify(black_box(signing_input.as_bytes()), black_box(&signature))
            })
        });
        group.bench_function("careid", |b| {
            b.iter(|| rp.verify_id_token(black_box(&token), &keys, &expect, black_box(now)))
        });
        group.bench_function("jsonwebtoken", |b| {
            b.iter(|| {
                jsonwebtoken_verify(
                    black_box(&token),
                    &jwt_key,
                    &validation,
                    black_box(CIS2_FIXTURE_NOW),
                )
            })
        });
        group.finish();
    }
}

/// The three verifications interleaved, round after round, and the ratios taken per round:
/// load from other processes then hits all three alike, and the median ratio is stable where
/// single criterion figures on a shared 2-core machine move by 10-20%. Prints, asserts nothing
/// (timing targets live in benchmarks, and are reported in docs/benchmarks.md).
fn interleaved_ratios(_: &mut Criterion) {
    const ROUNDS: usize = 100;
    const PER_ROUND: u32 = 100;
    let Setup {
        keys,
        rp,
        expect,
        now,
        jwt_key,
        validation,
    } = Setup::new();
    for (name, roles) in TOKENS {
        let (token, signing_input, signature, ring_key) = case(roles);
        let ring = || {
            black_box(ring_key.verify(black_box(signing_input.as_bytes()), black_box(&signature)))
                .unwrap();
        };
        let careid = || {
            black_box(rp.verify_id_token(black_box(&token), &keys, &expect, now)).unwrap();
        };
        let jwt = || {
            black_box(jsonwebtoken_verify(
                black_box(&token),
                &jwt_key,
                &validation,
                CIS2_FIXTURE_NOW,
            ))
            .unwrap();
        };
        let t = Interleaved {
            rounds: ROUNDS,
            per_round: PER_ROUND,
        }
        .run(&[&ring, &careid, &jwt]);
        println!(
            "{name} interleaved ({ROUNDS} rounds x {PER_ROUND}): ring {}, careid {}, jsonwebtoken {}",
            t.seconds(0).time_text(),
            t.seconds(1).time_text(),
            t.seconds(2).time_text()
        );
        println!(
            "{name} median ratios [quartiles]: careid/ring {}, careid/jsonwebtoken {}, jsonwebtoken/ring {}",
            t.ratio(1, 0).ratio_text(),
            t.ratio(1, 2).ratio_text(),
            t.ratio(2, 0).ratio_text()
        );
    }
}

criterion_group!(benches, cis2_id_token, interleaved_ratios);
criterion_main!(benches);
