//! Helpers shared by careid-assert's integration tests: the test issuer, a relying party for
//! it, the pinned clock, the workspace's `tests/data`, and jsonwebtoken (the second JWT
//! implementation) on a ring crypto provider.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use careid_assert::{IdTokenExpectations, JwkSet, RelyingParty, UnixTime, VerifiedIdToken};
use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_FIXTURE_NOW, CIS2_INT_ISSUER, CIS2_NONCE, Cis2Issuer, cis2_id_token_claims,
};
use serde_json::Value;
use std::path::PathBuf;

/// The pinned verification time: the CIS2.md §5.1 fixture's `auth_time` + 100 s.
pub const NOW: i64 = CIS2_FIXTURE_NOW;

pub fn now() -> UnixTime {
    UnixTime::from_secs(NOW)
}

/// The test INT issuer (one RSA-2048 key, `careid-test-rsa-1`).
pub fn issuer() -> Cis2Issuer {
    Cis2Issuer::int()
}

/// The relying party of the fixtures, with CIS2.md's defaults.
pub fn rp() -> RelyingParty {
    RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .build()
        .unwrap()
}

/// The issuer's keys as a fixed JWK set.
pub fn keys() -> JwkSet {
    JwkSet::from_json(issuer().jwks().to_string().as_bytes()).unwrap()
}

/// A complete CIS2 login's ID-token claims at [`NOW`].
pub fn id_claims() -> Value {
    cis2_id_token_claims(NOW)
}

/// The expectations of the test login (its nonce).
pub fn expect() -> IdTokenExpectations<'static> {
    IdTokenExpectations::new(CIS2_NONCE)
}

/// Verifies an ID token with the default relying party, keys, expectations and clock.
pub fn verify_id(token: &str) -> Result<VerifiedIdToken, careid_assert::Error> {
    rp().verify_id_token(token, &keys(), &expect(), now())
}

/// `claims` with `name` set to `value` (or removed for `Value::Null`).
pub fn with(mut claims: Value, name: &str, value: Value) -> Value {
    match value {
        Value::Null => {
            claims.as_object_mut().unwrap().remove(name);
        }
        value => claims[name] = value,
    }
    claims
}

/// A path under the workspace's `tests/data/`.
pub fn data_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(rel)
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

/// jsonwebtoken with RSA verification on ring (the same primitive careid uses), so that it
/// checks the JWT layer independently of careid's.
pub mod jwt {
    use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
    use jsonwebtoken::errors::{ErrorKind, Result};
    use jsonwebtoken::signature;
    use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey};
    use ring::signature::{self as ring_sig, RsaPublicKeyComponents};

    struct RingRsa {
        n: Vec<u8>,
        e: Vec<u8>,
        algorithm: Algorithm,
        params: &'static ring_sig::RsaParameters,
    }

    impl signature::Verifier<Vec<u8>> for RingRsa {
        fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> std::result::Result<(), signature::Error> {
            RsaPublicKeyComponents {
                n: &self.n,
                e: &self.e,
            }
            .verify(self.params, msg, sig)
            .map_err(|_| signature::Error::new())
        }
    }

    impl JwtVerifier for RingRsa {
        fn algorithm(&self) -> Algorithm {
            self.algorithm
        }
    }

    fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
        let params: &'static ring_sig::RsaParameters = match algorithm {
            Algorithm::RS256 => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::RS384 => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::RS512 => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
            _ => return Err(ErrorKind::InvalidAlgorithm.into()),
        };
        match key.kind() {
            DecodingKeyKind::RsaModulusExponent { n, e } => Ok(Box::new(RingRsa {
                n: n.clone(),
                e: e.clone(),
                algorithm: *algorithm,
                params,
            })),
            DecodingKeyKind::SecretOrDer(_) => Err(ErrorKind::InvalidKeyFormat.into()),
        }
    }

    fn no_signer(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
        Err(ErrorKind::InvalidAlgorithm.into())
    }

    static RING: CryptoProvider = CryptoProvider {
        signer_factory: no_signer,
        verifier_factory: verifier,
        key_utils: KeyUtils::new_unimplemented(),
    };

    /// Installs the ring provider (once per process; later calls are no-ops).
    pub fn install() {
        let _ = RING.install_default();
    }
}
