//! Deterministic test signers.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use careid_crypto::{PublicKey, SignatureAlgorithm, SignatureFormat};
use coset::iana;
use coset::{CborSerializable as _, CoseKeyBuilder};
use p256::pkcs8::EncodePublicKey as _;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng as _;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Signer as _};
use rsa::traits::PublicKeyParts as _;
use std::sync::OnceLock;

/// The test keys, one per key type careid verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TestKey {
    /// RSA 2048-bit, e = 65537, for RS256/384/512 and PS256/384/512.
    Rsa2048,
    /// ECDSA P-256, for ES256.
    P256,
    /// ECDSA P-384, for ES384.
    P384,
    /// Ed25519, for EdDSA.
    Ed25519,
}

impl TestKey {
    /// Every test key.
    pub const ALL: [Self; 4] = [Self::Rsa2048, Self::P256, Self::P384, Self::Ed25519];

    /// The key a given algorithm signs with.
    pub fn for_algorithm(algorithm: SignatureAlgorithm) -> Self {
        match algorithm {
            SignatureAlgorithm::Es256 => Self::P256,
            SignatureAlgorithm::Es384 => Self::P384,
            SignatureAlgorithm::EdDsa => Self::Ed25519,
            _ => Self::Rsa2048,
        }
    }

    /// The shared signer for this key, generated once per process from the fixed seed.
    pub fn signer(self) -> &'static TestSigner {
        static SIGNERS: [OnceLock<TestSigner>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let (slot, seed) = match self {
            Self::Rsa2048 => (&SIGNERS[0], 0x0ca5_e1d0),
            Self::P256 => (&SIGNERS[1], 0x0ca5_e1d1),
            Self::P384 => (&SIGNERS[2], 0x0ca5_e1d2),
            Self::Ed25519 => (&SIGNERS[3], 0x0ca5_e1d3),
        };
        slot.get_or_init(|| TestSigner::generate(self, seed))
    }
}

/// A private key that signs for tests, with its public key in every format careid imports.
pub struct TestSigner {
    inner: Inner,
}

enum Inner {
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ring::signature::Ed25519KeyPair),
}

impl core::fmt::Debug for TestSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TestSigner")
            .field("key", &self.key())
            .finish_non_exhaustive()
    }
}

impl TestSigner {
    /// Generates the key of type `key` from `seed`. The same seed always gives the same key.
    pub fn generate(key: TestKey, seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let inner = match key {
            TestKey::Rsa2048 => Inner::Rsa(Box::new(
                rsa::PrivateKey::new(&mut rng, 2048).expect("RSA key generation"),
            )),
            TestKey::P256 => Inner::P256(loop {
                let bytes: [u8; 32] = random_bytes(&mut rng);
                if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&bytes) {
                    break k;
                }
            }),
            TestKey::P384 => Inner::P384(loop {
                let bytes: [u8; 48] = random_bytes(&mut rng);
                if let Ok(k) = p384::ecdsa::SigningKey::from_slice(&bytes) {
                    break k;
                }
            }),
            TestKey::Ed25519 => {
                let seed: [u8; 32] = random_bytes(&mut rng);
                Inner::Ed25519(
                    ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
                        .expect("any 32 bytes are an Ed25519 seed"),
                )
            }
        };
        Self { inner }
    }

    /// Which test key this is.
    pub fn key(&self) -> TestKey {
        match self.inner {
            Inner::Rsa(_) => TestKey::Rsa2048,
            Inner::P256(_) => TestKey::P256,
            Inner::P384(_) => TestKey::P384,
            Inner::Ed25519(_) => TestKey::Ed25519,
        }
    }

    /// Signs `message` with `algorithm`, encoding an ECDSA signature as `format`.
    ///
    /// Panics if the algorithm does not fit the key (a test bug, not an input error).
    pub fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        format: SignatureFormat,
        message: &[u8],
    ) -> Vec<u8> {
        use SignatureAlgorithm as A;
        // PSS salts come from a ChaCha20 RNG seeded by the message, so tests are reproducible.
        let mut rng = ChaCha20Rng::from_seed(sha256(message));
        match (&self.inner, algorithm) {
            (Inner::Rsa(key), A::Rs256) => {
                rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**key).clone())
                    .sign(message)
                    .to_vec()
            }
            (Inner::Rsa(key), A::Rs384) => {
                rsa::pkcs1v15::SigningKey::<sha2::Sha384>::new((**key).clone())
                    .sign(message)
                    .to_vec()
            }
            (Inner::Rsa(key), A::Rs512) => {
                rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new((**key).clone())
                    .sign(message)
                    .to_vec()
            }
            (Inner::Rsa(key), A::Ps256) => {
                rsa::pss::SigningKey::<sha2::Sha256>::new((**key).clone())
                    .sign_with_rng(&mut rng, message)
                    .to_vec()
            }
            (Inner::Rsa(key), A::Ps384) => {
                rsa::pss::SigningKey::<sha2::Sha384>::new((**key).clone())
                    .sign_with_rng(&mut rng, message)
                    .to_vec()
            }
            (Inner::Rsa(key), A::Ps512) => {
                rsa::pss::SigningKey::<sha2::Sha512>::new((**key).clone())
                    .sign_with_rng(&mut rng, message)
                    .to_vec()
            }
            (Inner::P256(key), A::Es256) => {
                let sig: p256::ecdsa::Signature = key.sign(message);
                match format {
                    SignatureFormat::Der => sig.to_der().as_bytes().to_vec(),
                    _ => sig.to_bytes().to_vec(),
                }
            }
            (Inner::P384(key), A::Es384) => {
                let sig: p384::ecdsa::Signature = key.sign(message);
                match format {
                    SignatureFormat::Der => sig.to_der().as_bytes().to_vec(),
                    _ => sig.to_bytes().to_vec(),
                }
            }
            (Inner::Ed25519(key), A::EdDsa) => key.sign(message).as_ref().to_vec(),
            (_, alg) => panic!("test key {:?} cannot sign {alg}", self.key()),
        }
    }

    /// The public key as a DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> Vec<u8> {
        match &self.inner {
            Inner::Rsa(key) => key
                .to_public_key()
                .to_public_key_der()
                .expect("RSA SPKI")
                .into_vec(),
            Inner::P256(key) => key
                .verifying_key()
                .to_public_key_der()
                .expect("P-256 SPKI")
                .into_vec(),
            Inner::P384(key) => key
                .verifying_key()
                .to_public_key_der()
                .expect("P-384 SPKI")
                .into_vec(),
            Inner::Ed25519(key) => {
                use ring::signature::KeyPair as _;
                // RFC 8410 §4: SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING (the key) }.
                let mut der = vec![
                    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
                ];
                der.extend_from_slice(key.public_key().as_ref());
                der
            }
        }
    }

    /// The public key as a JWK (RFC 7517), with `kid` and `alg` when given.
    pub fn jwk(&self, kid: Option<&str>, alg: Option<SignatureAlgorithm>) -> serde_json::Value {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = match &self.inner {
            Inner::Rsa(key) => serde_json::json!({
                "kty": "RSA",
                "n": b64(strip_zeros(&key.n_bytes())),
                "e": b64(strip_zeros(&key.e_bytes())),
            }),
            Inner::P256(_) | Inner::P384(_) => {
                let point = self.sec1_uncompressed();
                let size = (point.len() - 1) / 2;
                serde_json::json!({
                    "kty": "EC",
                    "crv": if size == 32 { "P-256" } else { "P-384" },
                    "x": b64(&point[1..=size]),
                    "y": b64(&point[1 + size..]),
                })
            }
            Inner::Ed25519(key) => {
                use ring::signature::KeyPair as _;
                serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(key.public_key().as_ref())})
            }
        };
        if let Some(kid) = kid {
            jwk["kid"] = kid.into();
        }
        if let Some(alg) = alg {
            jwk["alg"] = alg.jose_name().into();
        }
        jwk
    }

    /// The public key as a CBOR COSE_Key (RFC 9052 §7), with `alg` when given.
    pub fn cose_key(&self, alg: Option<SignatureAlgorithm>) -> Vec<u8> {
        let builder = match &self.inner {
            Inner::Rsa(key) => CoseKeyBuilder::new()
                .key_type(iana::KeyType::RSA)
                .param(
                    -1,
                    coset::cbor::Value::Bytes(strip_zeros(&key.n_bytes()).to_vec()),
                )
                .param(
                    -2,
                    coset::cbor::Value::Bytes(strip_zeros(&key.e_bytes()).to_vec()),
                ),
            Inner::P256(_) | Inner::P384(_) => {
                let point = self.sec1_uncompressed();
                let size = (point.len() - 1) / 2;
                let crv = if size == 32 {
                    iana::EllipticCurve::P_256
                } else {
                    iana::EllipticCurve::P_384
                };
                CoseKeyBuilder::new_ec2_pub_key(
                    crv,
                    point[1..=size].to_vec(),
                    point[1 + size..].to_vec(),
                )
            }
            Inner::Ed25519(key) => {
                use ring::signature::KeyPair as _;
                CoseKeyBuilder::new_okp_key()
                    .param(-1, coset::cbor::Value::from(6))
                    .param(
                        -2,
                        coset::cbor::Value::Bytes(key.public_key().as_ref().to_vec()),
                    )
            }
        };
        let builder = match alg {
            Some(alg) => builder.algorithm(
                <iana::Algorithm as iana::EnumI64>::from_i64(alg.cose_id())
                    .expect("careid algorithms are IANA-registered"),
            ),
            None => builder,
        };
        builder.build().to_vec().expect("COSE_Key encodes")
    }

    /// The private key as unencrypted PKCS#8 DER (RFC 5208). Test keys only.
    pub fn pkcs8_der(&self) -> Vec<u8> {
        use p256::pkcs8::EncodePrivateKey as _;
        match &self.inner {
            Inner::Rsa(key) => key.to_pkcs8_der().expect("RSA PKCS#8").as_bytes().to_vec(),
            Inner::P256(key) => key
                .to_pkcs8_der()
                .expect("P-256 PKCS#8")
                .as_bytes()
                .to_vec(),
            Inner::P384(key) => key
                .to_pkcs8_der()
                .expect("P-384 PKCS#8")
                .as_bytes()
                .to_vec(),
            Inner::Ed25519(_) => {
                panic!("the Ed25519 test key is held by ring, which does not export it")
            }
        }
    }

    /// The RSA private key, for simulators that perform raw RSA operations.
    pub fn rsa_private_key(&self) -> Option<&rsa::PrivateKey> {
        match &self.inner {
            Inner::Rsa(key) => Some(key),
            _ => None,
        }
    }

    /// The P-256 signing key, for simulators.
    pub fn p256_signing_key(&self) -> Option<&p256::ecdsa::SigningKey> {
        match &self.inner {
            Inner::P256(key) => Some(key),
            _ => None,
        }
    }

    /// The public key, imported through careid-crypto from its SubjectPublicKeyInfo.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_spki_der(&self.spki_der()).expect("test keys import")
    }

    fn sec1_uncompressed(&self) -> Vec<u8> {
        match &self.inner {
            Inner::P256(key) => key.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            Inner::P384(key) => key.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            _ => panic!("not an EC key"),
        }
    }
}

fn random_bytes<const N: usize>(rng: &mut ChaCha20Rng) -> [u8; N] {
    use rand_chacha::rand_core::Rng as _;
    let mut bytes = [0; N];
    rng.fill_bytes(&mut bytes);
    bytes
}

fn sha256(message: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, message)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use careid_crypto::AlgorithmSet;

    #[test]
    fn every_algorithm_signs_and_verifies_through_every_key_format() {
        for alg in SignatureAlgorithm::ALL {
            let signer = TestKey::for_algorithm(alg).signer();
            let msg = b"careid test message";
            let keys = [
                PublicKey::from_spki_der(&signer.spki_der()).unwrap(),
                PublicKey::from_jwk_json(signer.jwk(Some("k1"), Some(alg)).to_string().as_bytes())
                    .unwrap(),
                PublicKey::from_cose_key_bytes(&signer.cose_key(Some(alg))).unwrap(),
            ];
            for format in [SignatureFormat::Fixed, SignatureFormat::Der] {
                let sig = signer.sign(alg, format, msg);
                for key in &keys {
                    key.verify(AlgorithmSet::ALL, alg, format, msg, &sig)
                        .unwrap();
                }
            }
        }
    }

    #[test]
    fn keys_are_reproducible() {
        for key in TestKey::ALL.into_iter().filter(|k| *k != TestKey::Rsa2048) {
            assert_eq!(
                TestSigner::generate(key, 7).spki_der(),
                TestSigner::generate(key, 7).spki_der()
            );
            assert_ne!(
                TestSigner::generate(key, 7).spki_der(),
                TestSigner::generate(key, 8).spki_der()
            );
        }
    }
}
