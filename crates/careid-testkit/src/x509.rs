//! X.509 fixtures around [`TestPki`](crate::TestPki) for careid-x509's tests, benches and the
//! demo: CRLs, expired / revoked / signing-only / UUID-less user certificates, a
//! name-constrained CA, and an all-ECDSA P-256 chain.
//!
//! Everything is deterministic (RSA PKCS#1 v1.5 and RFC 6979 ECDSA), issued by the same keys
//! as `TestPki` (regenerated from the same seeds), so the variants chain to `TestPki::root`
//! and `TestPki::issuing_ca`.
//!
//! ```text
//! careid TEST Root Authority G2 ─┬─ careid TEST Authentication G2 (TestPki)
//!                                │    ├── user_revoked, user_expired, user_signing,
//!                                │    │   user_no_uuid, user_bad_uuid, user_server_eku,
//!                                │    │   ca_as_user
//!                                │    └── CRL: ca_crl (revokes user_revoked), ca_crl_stale
//!                                ├── careid TEST Constrained CA (permitted C=GB, O=nhs)
//!                                │    ├── constrained_user_ok   (C=GB, O=nhs, ...)
//!                                │    └── constrained_user_bad  (C=GB, O=elsewhere, ...)
//!                                └── CRL: root_crl (empty)
//! careid TEST P-256 Root ── careid TEST P-256 CA ── p256_user (all ECDSA P-256 / SHA-256)
//!                        (CRLs: p256_root_crl, p256_ca_crl, both empty)
//! ```

use crate::pki::{CA_SEED, ROOT_SEED, ca_params, dn, root_params, user_params};
use crate::{DEMO_USER_UUID, TestKey, TestSigner};
use careid_crypto::{SignatureAlgorithm, SignatureFormat};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    NameConstraints, PublicKeyData, RevocationReason, RevokedCertParams, SerialNumber, SigningKey,
    date_time_ymd,
};
use std::sync::OnceLock;

/// The UUID in [`X509Fixtures::user_bad_uuid`]: 11 digits and a letter.
pub const BAD_USER_UUID: &str = "55512345678X";

/// X.509 fixtures beyond [`TestPki`](crate::TestPki), all DER.
#[derive(Debug)]
pub struct X509Fixtures {
    /// The root's CRL: no entries, thisUpdate 2026-01-01, nextUpdate 2036-01-01.
    pub root_crl: Vec<u8>,
    /// The issuing CA's CRL: revokes `user_revoked` (keyCompromise, 2026-06-01), thisUpdate
    /// 2026-01-01, nextUpdate 2036-01-01.
    pub ca_crl: Vec<u8>,
    /// The issuing CA's CRL with nextUpdate 2026-02-01: stale afterwards.
    pub ca_crl_stale: Vec<u8>,
    /// A card user certificate (RSA key) listed on `ca_crl`.
    pub user_revoked: Vec<u8>,
    /// A card user certificate valid 2020-01-01 to 2021-01-01 only.
    pub user_expired: Vec<u8>,
    /// A signing certificate: keyUsage nonRepudiation only, no extendedKeyUsage.
    pub user_signing: Vec<u8>,
    /// A card user certificate without the serialNumber (UUID) attribute.
    pub user_no_uuid: Vec<u8>,
    /// A card user certificate whose serialNumber attribute is [`BAD_USER_UUID`].
    pub user_bad_uuid: Vec<u8>,
    /// A user certificate whose extendedKeyUsage is serverAuth only.
    pub user_server_eku: Vec<u8>,
    /// A CA certificate (cA = TRUE, keyCertSign) with the user's subject, issued by the CA.
    pub ca_as_user: Vec<u8>,
    /// A CA under the root with nameConstraints permitting only `C=GB, O=nhs`.
    pub constrained_ca: Vec<u8>,
    /// A user under `constrained_ca` inside the permitted subtree.
    pub constrained_user_ok: Vec<u8>,
    /// A user under `constrained_ca` outside it (`O=elsewhere`).
    pub constrained_user_bad: Vec<u8>,
    /// An all-ECDSA P-256 hierarchy: root (self-signed).
    pub p256_root: Vec<u8>,
    /// Its issuing CA.
    pub p256_ca: Vec<u8>,
    /// Its card user (the [`TestKey::P256`] test key's sibling, seed 0x7e57_0014).
    pub p256_user: Vec<u8>,
    /// The P-256 root's CRL: no entries, thisUpdate 2026-01-01, nextUpdate 2036-01-01.
    pub p256_root_crl: Vec<u8>,
    /// The P-256 CA's CRL: no entries, thisUpdate 2026-01-01, nextUpdate 2036-01-01.
    pub p256_ca_crl: Vec<u8>,
}

impl X509Fixtures {
    /// The shared fixtures, generated once per process.
    pub fn get() -> &'static Self {
        static FIXTURES: OnceLock<X509Fixtures> = OnceLock::new();
        FIXTURES.get_or_init(Self::generate)
    }

    /// Generates the fixtures. Deterministic: two calls give byte-identical DER.
    pub fn generate() -> Self {
        let rsa_kp = |seed| {
            let signer = TestSigner::generate(TestKey::Rsa2048, seed);
            KeyPair::from_pkcs8_der_and_sign_algo(
                &signer.pkcs8_der().into(),
                &rcgen::PKCS_RSA_SHA256,
            )
            .expect("rcgen imports the RSA test key")
        };
        let root_kp = rsa_kp(ROOT_SEED);
        let ca_kp = rsa_kp(CA_SEED);
        let user_kp = rsa_kp(0x7e57_0010);
        let root = Issuer::new(root_params(), &root_kp);
        let ca = Issuer::new(ca_params(), &ca_kp);

        let sign = |params: CertificateParams, key: &KeyPair, issuer: &Issuer<'_, &KeyPair>| {
            params
                .signed_by(key, issuer)
                .expect("fixture certificate")
                .der()
                .to_vec()
        };

        let user_revoked = sign(user_params(0x10, DEMO_USER_UUID), &user_kp, &ca);
        let mut expired = user_params(0x11, DEMO_USER_UUID);
        expired.not_before = date_time_ymd(2020, 1, 1);
        expired.not_after = date_time_ymd(2021, 1, 1);
        let user_expired = sign(expired, &user_kp, &ca);
        let mut signing = user_params(0x12, DEMO_USER_UUID);
        signing.key_usages = vec![KeyUsagePurpose::ContentCommitment];
        signing.extended_key_usages = Vec::new();
        let user_signing = sign(signing, &user_kp, &ca);
        let mut no_uuid = user_params(0x13, DEMO_USER_UUID);
        no_uuid.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "nhs"),
            (DnType::OrganizationalUnitName, "Personal"),
            (DnType::CommonName, crate::DEMO_USER_NAME),
        ]);
        let user_no_uuid = sign(no_uuid, &user_kp, &ca);
        let user_bad_uuid = sign(user_params(0x14, BAD_USER_UUID), &user_kp, &ca);
        let mut server = user_params(0x15, DEMO_USER_UUID);
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let user_server_eku = sign(server, &user_kp, &ca);
        let mut ca_user = user_params(0x16, DEMO_USER_UUID);
        ca_user.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_user.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
        ];
        let ca_as_user = sign(ca_user, &user_kp, &ca);

        // The name-constrained CA and its users.
        let nc_kp = rsa_kp(0x7e57_0011);
        let mut nc = CertificateParams::default();
        nc.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "nhs"),
            (DnType::OrganizationalUnitName, "CA"),
            (DnType::CommonName, "careid TEST Constrained CA"),
        ]);
        nc.serial_number = Some(SerialNumber::from_slice(&[0x4e, 0x43, 0x7e, 0x57]));
        nc.not_before = date_time_ymd(2024, 1, 1);
        nc.not_after = date_time_ymd(2040, 1, 1);
        nc.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        nc.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        nc.use_authority_key_identifier_extension = true;
        nc.name_constraints = Some(NameConstraints {
            permitted_subtrees: vec![GeneralSubtree::DirectoryName(dn(&[
                (DnType::CountryName, "GB"),
                (DnType::OrganizationName, "nhs"),
            ]))],
            excluded_subtrees: Vec::new(),
        });
        let constrained_ca = sign(nc.clone(), &nc_kp, &root);
        let nc_issuer = Issuer::new(nc, &nc_kp);
        let constrained_user_ok = sign(user_params(0x20, DEMO_USER_UUID), &user_kp, &nc_issuer);
        let mut outside = user_params(0x21, DEMO_USER_UUID);
        outside.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "elsewhere"),
            (DnType::CommonName, crate::DEMO_USER_NAME),
        ]);
        let constrained_user_bad = sign(outside, &user_kp, &nc_issuer);

        // CRLs.
        fn crl<K: SigningKey>(
            issuer: &Issuer<'_, K>,
            number: u8,
            next: (i32, u8, u8),
            revoked: Vec<RevokedCertParams>,
        ) -> Vec<u8> {
            CertificateRevocationListParams {
                this_update: date_time_ymd(2026, 1, 1),
                next_update: date_time_ymd(next.0, next.1, next.2),
                crl_number: SerialNumber::from_slice(&[number]),
                issuing_distribution_point: None,
                revoked_certs: revoked,
                key_identifier_method: KeyIdMethod::Sha256,
            }
            .signed_by(issuer)
            .expect("fixture CRL")
            .der()
            .to_vec()
        }
        let revoked = || {
            vec![RevokedCertParams {
                serial_number: SerialNumber::from_slice(&[0x10, 0x00, 0x10]),
                revocation_time: date_time_ymd(2026, 6, 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            }]
        };
        let root_crl = crl(&root, 1, (2036, 1, 1), Vec::new());
        let ca_crl = crl(&ca, 2, (2036, 1, 1), revoked());
        let ca_crl_stale = crl(&ca, 1, (2026, 2, 1), revoked());

        // The all-P-256 hierarchy, signed with deterministic ECDSA.
        let p256_root_key = EcdsaKey::new(0x7e57_0012);
        let p256_ca_key = EcdsaKey::new(0x7e57_0013);
        let p256_user_key = EcdsaKey::new(0x7e57_0014);
        let mut p_root = root_params();
        p_root.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "NHS"),
            (DnType::OrganizationalUnitName, "CA"),
            (DnType::CommonName, "careid TEST P-256 Root"),
        ]);
        let p256_root = p_root
            .clone()
            .self_signed(&p256_root_key)
            .expect("P-256 root")
            .der()
            .to_vec();
        let p_root_issuer = Issuer::new(p_root, &p256_root_key);
        let mut p_ca = ca_params();
        p_ca.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "nhs"),
            (DnType::OrganizationalUnitName, "CA"),
            (DnType::CommonName, "careid TEST P-256 Authentication"),
        ]);
        let p256_ca = p_ca
            .clone()
            .signed_by(&p256_ca_key, &p_root_issuer)
            .expect("P-256 CA")
            .der()
            .to_vec();
        let p_ca_issuer = Issuer::new(p_ca, &p256_ca_key);
        let p256_user = user_params(0x30, DEMO_USER_UUID)
            .signed_by(&p256_user_key, &p_ca_issuer)
            .expect("P-256 user")
            .der()
            .to_vec();
        let p256_root_crl = crl(&p_root_issuer, 1, (2036, 1, 1), Vec::new());
        let p256_ca_crl = crl(&p_ca_issuer, 1, (2036, 1, 1), Vec::new());

        Self {
            root_crl,
            ca_crl,
            ca_crl_stale,
            user_revoked,
            user_expired,
            user_signing,
            user_no_uuid,
            user_bad_uuid,
            user_server_eku,
            ca_as_user,
            constrained_ca,
            constrained_user_ok,
            constrained_user_bad,
            p256_root,
            p256_ca,
            p256_user,
            p256_root_crl,
            p256_ca_crl,
        }
    }
}

/// A P-256 test key that signs certificates with deterministic ECDSA (RFC 6979), so that the
/// P-256 fixtures are reproducible (ring's ECDSA signing is randomised).
struct EcdsaKey {
    signer: TestSigner,
    point: Vec<u8>,
}

impl EcdsaKey {
    fn new(seed: u64) -> Self {
        let signer = TestSigner::generate(TestKey::P256, seed);
        // The uncompressed point is the last 65 bytes of the P-256 SubjectPublicKeyInfo.
        let spki = signer.spki_der();
        let point = spki[spki.len() - 65..].to_vec();
        Self { signer, point }
    }
}

impl PublicKeyData for EcdsaKey {
    fn der_bytes(&self) -> &[u8] {
        &self.point
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

impl SigningKey for EcdsaKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        Ok(self
            .signer
            .sign(SignatureAlgorithm::Es256, SignatureFormat::Der, msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_reproducible() {
        let a = X509Fixtures::generate();
        let b = X509Fixtures::get();
        assert_eq!(a.ca_crl, b.ca_crl);
        assert_eq!(a.user_revoked, b.user_revoked);
        assert_eq!(a.constrained_user_bad, b.constrained_user_bad);
        assert_eq!(a.p256_user, b.p256_user);
        assert_eq!(a.p256_root, b.p256_root);
        assert_eq!(a.p256_ca_crl, b.p256_ca_crl);
    }
}
