//! A test FIDO attestation CA for the simulated security key (careid-keysim) and the WebAuthn
//! verifier's tests.
//!
//! ```text
//! C=GB, O=careid TEST, OU=FIDO, CN=careid TEST FIDO Attestation Root     (RSA-2048, self-signed)
//! └── C=GB, O=careid TEST, OU=FIDO, CN=careid TEST FIDO Attestation CA 1 (RSA-2048, pathLen 0)
//!     └── C=GB, O=careid TEST, OU=Authenticator Attestation, CN=careid TEST keysim Batch 1
//!         (P-256; basicConstraints CA=false; id-fido-gen-ce-aaguid = KEYSIM_AAGUID, non-critical)
//! ```
//!
//! The leaf follows WebAuthn §8.2.1 (packed attestation statement certificate requirements).
//! Certificates are signed with RSASSA-PKCS1-v1_5/SHA-256, which is deterministic, and every
//! field is fixed, so the same code always produces byte-identical certificates. The keys are
//! public test keys: never trust this CA outside tests.

use crate::{TestKey, TestSigner};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, DnValue, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber, date_time_ymd,
};
use std::sync::OnceLock;

/// The AAGUID of the simulated key (careid-keysim): `ca4e1d00-7e57-4b3e-a5c0-000000000001`.
pub const KEYSIM_AAGUID: [u8; 16] = [
    0xca, 0x4e, 0x1d, 0x00, 0x7e, 0x57, 0x4b, 0x3e, 0xa5, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
];

/// id-fido-gen-ce-aaguid (1.3.6.1.4.1.45724.1.1.4), WebAuthn §8.2.1.
pub const FIDO_AAGUID_OID: [u64; 10] = [1, 3, 6, 1, 4, 1, 45724, 1, 1, 4];

/// How to issue an attestation certificate: the compliant defaults, or one broken the way a
/// negative test needs (build it with `..Default::default()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationCertOptions {
    /// The AAGUID in the id-fido-gen-ce-aaguid extension (None: no extension).
    pub aaguid: Option<[u8; 16]>,
    /// Whether that extension is marked critical (WebAuthn §8.2.1 says it must not be).
    pub aaguid_critical: bool,
    /// The subject OU (WebAuthn §8.2.1: "Authenticator Attestation").
    pub organizational_unit: String,
    /// Whether the certificate is a CA (WebAuthn §8.2.1: it must not be).
    pub is_ca: bool,
    /// The serial number's last byte (to tell certificates apart).
    pub serial: u8,
}

impl Default for AttestationCertOptions {
    fn default() -> Self {
        Self {
            aaguid: Some(KEYSIM_AAGUID),
            aaguid_critical: false,
            organizational_unit: "Authenticator Attestation".into(),
            is_ca: false,
            serial: 1,
        }
    }
}

/// The test attestation CA: a root, an intermediate, and the keysim batch attestation
/// certificate with its P-256 key.
#[derive(Debug)]
pub struct TestAttestationCa {
    /// The root certificate (DER): the trust anchor a relying party configures for
    /// [`KEYSIM_AAGUID`].
    pub root: Vec<u8>,
    /// The intermediate CA certificate (DER).
    pub intermediate: Vec<u8>,
    /// The attestation certificate of the simulated key (DER), issued by the intermediate.
    pub attestation_cert: Vec<u8>,
    /// The attestation private key (P-256).
    pub attestation_key: TestSigner,
    intermediate_key: TestSigner,
    root_key: TestSigner,
}

impl TestAttestationCa {
    /// The shared CA, generated once per process.
    pub fn get() -> &'static Self {
        static CA: OnceLock<TestAttestationCa> = OnceLock::new();
        CA.get_or_init(Self::generate)
    }

    /// Generates the CA from its fixed seeds. Deterministic.
    pub fn generate() -> Self {
        let root_key = TestSigner::generate(TestKey::Rsa2048, 0xf1d0_0001);
        let intermediate_key = TestSigner::generate(TestKey::Rsa2048, 0xf1d0_0002);
        let attestation_key = TestSigner::generate(TestKey::P256, 0xf1d0_0003);
        let root_kp = rsa_keypair(&root_key);
        let mut root = ca_params("careid TEST FIDO Attestation Root", 0x01);
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root.not_after = date_time_ymd(2050, 1, 1);
        let root_cert = root.self_signed(&root_kp).expect("root certificate");
        let root_issuer = Issuer::new(root, &root_kp);

        let intermediate_kp = rsa_keypair(&intermediate_key);
        let mut intermediate = ca_params("careid TEST FIDO Attestation CA 1", 0x02);
        intermediate.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        intermediate.use_authority_key_identifier_extension = true;
        let intermediate_cert = intermediate
            .signed_by(&intermediate_kp, &root_issuer)
            .expect("intermediate certificate");
        let mut ca = Self {
            root: root_cert.der().to_vec(),
            intermediate: intermediate_cert.der().to_vec(),
            attestation_cert: Vec::new(),
            attestation_key,
            intermediate_key,
            root_key,
        };
        ca.attestation_cert = ca.issue(&ca.attestation_key, &AttestationCertOptions::default());
        ca
    }

    /// Issues an attestation certificate for `key` (a P-256 test key) under the intermediate,
    /// with the given options. The compliant certificate is [`TestAttestationCa::attestation_cert`].
    pub fn issue(&self, key: &TestSigner, options: &AttestationCertOptions) -> Vec<u8> {
        let intermediate_kp = rsa_keypair(&self.intermediate_key);
        let mut intermediate = ca_params("careid TEST FIDO Attestation CA 1", 0x02);
        intermediate.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        let issuer = Issuer::new(intermediate, &intermediate_kp);
        let leaf_kp = KeyPair::from_pkcs8_der_and_sign_algo(
            &key.pkcs8_der().into(),
            &rcgen::PKCS_ECDSA_P256_SHA256,
        )
        .expect("rcgen imports the P-256 test key");
        let mut params = CertificateParams::default();
        params.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "careid TEST"),
            (
                DnType::OrganizationalUnitName,
                options.organizational_unit.as_str(),
            ),
            (DnType::CommonName, "careid TEST keysim Batch 1"),
        ]);
        params.serial_number = Some(SerialNumber::from_slice(&[
            0x0f,
            0x1d,
            0x03,
            options.serial,
        ]));
        params.not_before = date_time_ymd(2025, 1, 1);
        params.not_after = date_time_ymd(2045, 1, 1);
        params.is_ca = if options.is_ca {
            IsCa::Ca(BasicConstraints::Unconstrained)
        } else {
            IsCa::ExplicitNoCa
        };
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        if let Some(aaguid) = options.aaguid {
            // extnValue is the DER of `OCTET STRING (16 bytes)` (WebAuthn §8.2.1).
            let mut content = vec![0x04, 0x10];
            content.extend_from_slice(&aaguid);
            let mut ext = CustomExtension::from_oid_content(&FIDO_AAGUID_OID, content);
            ext.set_criticality(options.aaguid_critical);
            params.custom_extensions = vec![ext];
        }
        params
            .signed_by(&leaf_kp, &issuer)
            .expect("attestation certificate")
            .der()
            .to_vec()
    }

    /// A self-signed root that is not this CA's (for "untrusted root" tests), with its own
    /// attestation certificate for `key`: `(root, leaf)`.
    pub fn foreign_chain(key: &TestSigner) -> (Vec<u8>, Vec<u8>) {
        let other_key = TestSigner::generate(TestKey::Rsa2048, 0xf1d0_00ff);
        let kp = rsa_keypair(&other_key);
        let mut root = ca_params("careid TEST Foreign FIDO Root", 0x7f);
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let root_cert = root.self_signed(&kp).expect("foreign root");
        let issuer = Issuer::new(root, &kp);
        let leaf_kp = KeyPair::from_pkcs8_der_and_sign_algo(
            &key.pkcs8_der().into(),
            &rcgen::PKCS_ECDSA_P256_SHA256,
        )
        .expect("rcgen imports the P-256 test key");
        let mut params = CertificateParams::default();
        params.distinguished_name = dn(&[
            (DnType::CountryName, "GB"),
            (DnType::OrganizationName, "careid TEST"),
            (DnType::OrganizationalUnitName, "Authenticator Attestation"),
            (DnType::CommonName, "careid TEST foreign Batch"),
        ]);
        params.serial_number = Some(SerialNumber::from_slice(&[0x0f, 0x1d, 0x7f, 0x01]));
        params.not_before = date_time_ymd(2025, 1, 1);
        params.not_after = date_time_ymd(2045, 1, 1);
        params.is_ca = IsCa::ExplicitNoCa;
        let leaf = params
            .signed_by(&leaf_kp, &issuer)
            .expect("foreign leaf")
            .der()
            .to_vec();
        (root_cert.der().to_vec(), leaf)
    }

    /// The root's key (to sign further test certificates).
    pub fn root_key(&self) -> &TestSigner {
        &self.root_key
    }
}

fn rsa_keypair(signer: &TestSigner) -> KeyPair {
    KeyPair::from_pkcs8_der_and_sign_algo(&signer.pkcs8_der().into(), &rcgen::PKCS_RSA_SHA256)
        .expect("rcgen imports the RSA test key")
}

fn ca_params(cn: &str, serial: u8) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(&[
        (DnType::CountryName, "GB"),
        (DnType::OrganizationName, "careid TEST"),
        (DnType::OrganizationalUnitName, "FIDO"),
        (DnType::CommonName, cn),
    ]);
    params.serial_number = Some(SerialNumber::from_slice(&[0x0f, 0x1d, 0x00, serial]));
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2048, 1, 1);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

/// A distinguished name; countryName as a PrintableString, as RFC 5280 Appendix A requires
/// (rcgen would write a UTF8String).
fn dn(parts: &[(DnType, &str)]) -> rcgen::DistinguishedName {
    let mut name = rcgen::DistinguishedName::new();
    for (ty, value) in parts {
        match (ty, rcgen::string::PrintableString::try_from(*value)) {
            (DnType::CountryName, Ok(printable)) => {
                name.push(ty.clone(), DnValue::PrintableString(printable))
            }
            _ => name.push(ty.clone(), *value),
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_is_reproducible_and_carries_the_aaguid() {
        let a = TestAttestationCa::generate();
        let b = TestAttestationCa::get();
        assert_eq!(a.root, b.root);
        assert_eq!(a.intermediate, b.intermediate);
        assert_eq!(a.attestation_cert, b.attestation_cert);
        // The extension as WebAuthn §8.2.1 lays it out: OID, then OCTET STRING { OCTET STRING
        // { aaguid } }.
        let mut ext = vec![
            0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xe5, 0x1c, 0x01, 0x01, 0x04,
        ];
        ext.extend_from_slice(&[0x04, 0x12, 0x04, 0x10]);
        ext.extend_from_slice(&KEYSIM_AAGUID);
        assert!(a.attestation_cert.windows(ext.len()).any(|w| w == ext));
    }
}
