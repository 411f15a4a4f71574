//! A synthetic NHS-style PKI for tests, the card simulator and the demo.
//!
//! The names mimic the NHS G2 hierarchy (X509.md §3) but every key is a public test key:
//!
//! ```text
//! C=GB, O=NHS, OU=CA, CN=careid TEST Root Authority G2          (RSA-2048, self-signed)
//! └── C=GB, O=nhs, OU=CA, CN=careid TEST Authentication G2      (RSA-2048, pathLen 0)
//!     ├── user certificate, RSA-2048 card key   } subject C=GB, O=nhs, OU=Personal,
//!     └── user certificate, P-256 card key      } CN=DEMO Jane, serialNumber=<12-digit UUID>
//! ```
//!
//! CIS smartcards carry the user's 12-digit UUID in the certificate subject (SMARTCARD.md §5);
//! careid's synthetic cards put it in the `serialNumber` attribute (2.5.4.5). All signatures
//! are RSASSA-PKCS1-v1_5 with SHA-256, which is deterministic, and every field is fixed, so
//! the same code always produces byte-identical certificates.

use crate::{TestKey, TestSigner};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, DnValue, ExtendedKeyUsagePurpose,
    IsCa, Issuer, KeyPair, KeyUsagePurpose, SerialNumber, date_time_ymd,
};
use std::sync::OnceLock;

/// The user UUID on the simulated card.
pub const DEMO_USER_UUID: &str = "555123456789";
/// The user's display name on the simulated card.
pub const DEMO_USER_NAME: &str = "DEMO Jane";
/// The Microsoft smartcard logon EKU (1.3.6.1.4.1.311.20.2.2).
const MS_SMARTCARD_LOGON: [u64; 10] = [1, 3, 6, 1, 4, 1, 311, 20, 2, 2];

/// The certificates of the synthetic PKI, DER-encoded, and the keys behind them.
#[derive(Debug)]
pub struct TestPki {
    /// The root CA certificate (the trust anchor).
    pub root: Vec<u8>,
    /// The issuing ("Authentication G2"-style) CA certificate.
    pub issuing_ca: Vec<u8>,
    /// The user certificate for the card's RSA-2048 authentication key.
    pub user_rsa: Vec<u8>,
    /// The user certificate for the card's P-256 authentication key.
    pub user_p256: Vec<u8>,
    /// The card's RSA-2048 key (private half stays "on the card").
    pub user_rsa_key: TestSigner,
    /// The card's P-256 key.
    pub user_p256_key: TestSigner,
}

impl TestPki {
    /// The shared PKI, generated once per process.
    pub fn get() -> &'static Self {
        static PKI: OnceLock<TestPki> = OnceLock::new();
        PKI.get_or_init(Self::generate)
    }

    /// Generates the PKI from its fixed seeds. Deterministic: two calls give byte-identical
    /// certificates.
    pub fn generate() -> Self {
        let root_key = TestSigner::generate(TestKey::Rsa2048, ROOT_SEED);
        let ca_key = TestSigner::generate(TestKey::Rsa2048, CA_SEED);
        let user_rsa_key = TestSigner::generate(TestKey::Rsa2048, 0x7e57_0003);
        let user_p256_key = TestSigner::generate(TestKey::P256, 0x7e57_0004);

        let rsa_keypair = |signer: &TestSigner| {
            KeyPair::from_pkcs8_der_and_sign_algo(
                &signer.pkcs8_der().into(),
                &rcgen::PKCS_RSA_SHA256,
            )
            .expect("rcgen imports the RSA test key")
        };
        let root_kp = rsa_keypair(&root_key);
        let ca_kp = rsa_keypair(&ca_key);
        let user_rsa_kp = rsa_keypair(&user_rsa_key);
        let user_p256_kp = KeyPair::from_pkcs8_der_and_sign_algo(
            &user_p256_key.pkcs8_der().into(),
            &rcgen::PKCS_ECDSA_P256_SHA256,
        )
        .expect("rcgen imports the P-256 test key");

        let root = root_params();
        let root_cert = root.self_signed(&root_kp).expect("root certificate");
        let root_issuer = Issuer::new(root, &root_kp);

        let ca = ca_params();
        let ca_cert = ca
            .signed_by(&ca_kp, &root_issuer)
            .expect("issuing CA certificate");
        let ca_issuer = Issuer::new(ca, &ca_kp);

        let user = |serial: u8, key: &KeyPair| {
            user_params(serial, DEMO_USER_UUID)
                .signed_by(key, &ca_issuer)
                .expect("user certificate")
                .der()
                .to_vec()
        };
        Self {
            root: root_cert.der().to_vec(),
            issuing_ca: ca_cert.der().to_vec(),
            user_rsa: user(1, &user_rsa_kp),
            user_p256: user(2, &user_p256_kp),
            user_rsa_key,
            user_p256_key,
        }
    }
}

/// Seed of the root CA's RSA-2048 key.
pub(crate) const ROOT_SEED: u64 = 0x7e57_0001;
/// Seed of the issuing CA's RSA-2048 key.
pub(crate) const CA_SEED: u64 = 0x7e57_0002;

/// The root CA certificate's fields.
pub(crate) fn root_params() -> CertificateParams {
    let mut root = CertificateParams::default();
    root.distinguished_name = dn(&[
        (DnType::CountryName, "GB"),
        (DnType::OrganizationName, "NHS"),
        (DnType::OrganizationalUnitName, "CA"),
        (DnType::CommonName, "careid TEST Root Authority G2"),
    ]);
    root.serial_number = Some(SerialNumber::from_slice(&[
        0x02, 0x96, 0x29, 0x01, 0x7e, 0x57,
    ]));
    root.not_before = date_time_ymd(2024, 1, 1);
    root.not_after = date_time_ymd(2044, 1, 1);
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    root
}

/// The issuing CA certificate's fields.
pub(crate) fn ca_params() -> CertificateParams {
    let mut ca = CertificateParams::default();
    ca.distinguished_name = dn(&[
        (DnType::CountryName, "GB"),
        (DnType::OrganizationName, "nhs"),
        (DnType::OrganizationalUnitName, "CA"),
        (DnType::CommonName, "careid TEST Authentication G2"),
    ]);
    ca.serial_number = Some(SerialNumber::from_slice(&[
        0x5f, 0xc4, 0x71, 0x31, 0x7e, 0x57,
    ]));
    ca.not_before = date_time_ymd(2024, 1, 1);
    ca.not_after = date_time_ymd(2040, 1, 1);
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.use_authority_key_identifier_extension = true;
    ca
}

/// A card user certificate's fields: serial `0x1000nn`, the given UUID in the subject
/// serialNumber attribute, valid 2026-2036, digitalSignature, clientAuth + smartcard logon.
pub(crate) fn user_params(serial: u8, uuid: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(&[
        (DnType::CountryName, "GB"),
        (DnType::OrganizationName, "nhs"),
        (DnType::OrganizationalUnitName, "Personal"),
        (DnType::CommonName, DEMO_USER_NAME),
    ]);
    params.distinguished_name.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString(uuid.try_into().expect("the UUID is printable")),
    );
    params.serial_number = Some(SerialNumber::from_slice(&[0x10, 0x00, serial]));
    params.not_before = date_time_ymd(2026, 1, 1);
    params.not_after = date_time_ymd(2036, 1, 1);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::Other(MS_SMARTCARD_LOGON.to_vec()),
    ];
    params.use_authority_key_identifier_extension = true;
    params.custom_extensions = Vec::<CustomExtension>::new();
    params
}

pub(crate) fn dn(parts: &[(DnType, &str)]) -> rcgen::DistinguishedName {
    let mut name = rcgen::DistinguishedName::new();
    for (ty, value) in parts {
        name.push(ty.clone(), *value);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pki_is_reproducible() {
        let a = TestPki::generate();
        let b = TestPki::get();
        assert_eq!(a.root, b.root);
        assert_eq!(a.issuing_ca, b.issuing_ca);
        assert_eq!(a.user_rsa, b.user_rsa);
        assert_eq!(a.user_p256, b.user_p256);
    }
}
