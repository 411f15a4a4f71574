//! Attestation statement verification (WebAuthn §8): `packed` full and self (§8.2),
//! `fido-u2f` (§8.6), `none` (§8.7); the trust path through careid-x509 (§7.1 steps 22-24).

use super::error::{CertificateRequirement, WebAuthnError};
use super::policy::WebAuthnPolicy;
use super::signature_format;
use careid_crypto::{KeyKind, PublicKey, SignatureAlgorithm};
use careid_ctap::ciborium::value::Value;
use careid_ctap::{Aaguid, AttestationFormat, AttestationObject, AttestationStatement};
use careid_x509::{CrlSet, Time, VerifiedPath};
use der::Decode as _;

/// The attestation type (WebAuthn §6.5.3) the statement proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttestationType {
    /// No attestation (`none`).
    None,
    /// Self attestation: signed with the credential key itself; proves possession only.
    SelfAttestation,
    /// Basic (or AttCA) attestation with an attestation certificate.
    Basic,
}

/// Whether the attestation chains to a root the relying party trusts for this model.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AttestationTrust {
    /// The certificate chain validated (careid-x509) to a root configured for the AAGUID.
    Trusted(Box<VerifiedPath>),
    /// No certificate (`none`, self attestation), or no roots configured for this model.
    Untrusted,
}

/// A verified attestation statement: what it proves, and its trust path.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedAttestation {
    /// The format.
    pub format: AttestationFormat,
    /// The attestation type.
    pub kind: AttestationType,
    /// The attestation certificate then its chain as the authenticator sent it (`x5c`);
    /// empty without a certificate.
    pub trust_path: Vec<Vec<u8>>,
    /// Whether the chain validated to a trusted root.
    pub trust: AttestationTrust,
}

/// id-fido-gen-ce-aaguid (WebAuthn §8.2.1).
const AAGUID_OID: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.45724.1.1.4");

/// Verifies the statement of `object` over `client_data_hash` (WebAuthn §7.1 steps 19-24).
pub(crate) fn verify(
    policy: &WebAuthnPolicy,
    object: &AttestationObject,
    client_data_hash: &[u8; 32],
    credential_key: &PublicKey,
    credential_alg: i64,
    time: Time,
) -> Result<VerifiedAttestation, WebAuthnError> {
    let auth_data = object.auth_data();
    let acd = auth_data
        .attested_credential_data()
        .ok_or(WebAuthnError::Ctap(careid_ctap::Error::AuthData(
            careid_ctap::AuthDataError::AttestedDataPresence { present: false },
        )))?;
    let aaguid = acd.aaguid();
    let mut signed = auth_data.as_bytes().to_vec();
    signed.extend_from_slice(client_data_hash);
    let format = object.format().clone();
    let (kind, x5c) = match object.statement()? {
        AttestationStatement::Packed { alg, sig, x5c } => {
            let algorithm = SignatureAlgorithm::from_cose_id(alg)
                .map_err(|_| WebAuthnError::AttestationAlgorithm { alg })?;
            match x5c.first() {
                Some(leaf) => {
                    let key = certificate_key(leaf, 0)?;
                    key.verify(
                        policy.attestation_algorithms,
                        algorithm,
                        signature_format(algorithm),
                        &signed,
                        &sig,
                    )
                    .map_err(WebAuthnError::AttestationSignature)?;
                    check_packed_certificate(leaf, aaguid, policy.legacy_attestation_certificates)?;
                    (AttestationType::Basic, x5c)
                }
                None => {
                    // §8.2 self attestation: alg must be the credential key's.
                    if alg != credential_alg {
                        return Err(WebAuthnError::SelfAttestationAlgorithmMismatch {
                            statement: alg,
                            credential: credential_alg,
                        });
                    }
                    credential_key
                        .verify(
                            policy.attestation_algorithms,
                            algorithm,
                            signature_format(algorithm),
                            &signed,
                            &sig,
                        )
                        .map_err(WebAuthnError::AttestationSignature)?;
                    (AttestationType::SelfAttestation, Vec::new())
                }
            }
        }
        AttestationStatement::FidoU2f { sig, x5c } => {
            let [leaf] = x5c.as_slice() else {
                return Err(WebAuthnError::CertificateRequirement(
                    CertificateRequirement::CertificateCount,
                ));
            };
            let key = certificate_key(leaf, 0)?;
            if key.kind() != KeyKind::P256 {
                return Err(WebAuthnError::CertificateRequirement(
                    CertificateRequirement::NotP256,
                ));
            }
            // §8.6 step 3-5: the credential key as an uncompressed P-256 point, then the U2F
            // registration signature base.
            let point = u2f_point(acd.public_key())?;
            let mut base = Vec::with_capacity(1 + 32 + 32 + acd.credential_id().len() + 65);
            base.push(0x00);
            base.extend_from_slice(auth_data.rp_id_hash());
            base.extend_from_slice(client_data_hash);
            base.extend_from_slice(acd.credential_id());
            base.extend_from_slice(&point);
            key.verify(
                policy.attestation_algorithms,
                SignatureAlgorithm::Es256,
                careid_crypto::SignatureFormat::Der,
                &base,
                &sig,
            )
            .map_err(WebAuthnError::AttestationSignature)?;
            (AttestationType::Basic, x5c)
        }
        AttestationStatement::None => (AttestationType::None, Vec::new()),
        _ => return Err(WebAuthnError::UnsupportedFormat { fmt: format }),
    };
    let trust = match (x5c.split_first(), policy.validator_for(aaguid)) {
        (Some((leaf, intermediates)), Some(validator)) => AttestationTrust::Trusted(Box::new(
            validator
                .validate(leaf, intermediates, &CrlSet::new(), time)
                .map_err(WebAuthnError::AttestationChain)?,
        )),
        _ => AttestationTrust::Untrusted,
    };
    if policy.require_trusted_attestation && !matches!(trust, AttestationTrust::Trusted(_)) {
        return Err(WebAuthnError::UntrustedAttestation);
    }
    Ok(VerifiedAttestation {
        format,
        kind,
        trust_path: x5c,
        trust,
    })
}

/// The public key of an attestation certificate.
fn certificate_key(der: &[u8], index: usize) -> Result<PublicKey, WebAuthnError> {
    let cert = careid_x509::Certificate::from_der(der)
        .map_err(|source| WebAuthnError::AttestationCertificate { index, source })?;
    PublicKey::from_spki_der(cert.subject_public_key_info())
        .map_err(WebAuthnError::AttestationSignature)
}

/// WebAuthn §8.2.1: v3; subject C, O, OU = "Authenticator Attestation", CN; basicConstraints
/// CA = false; the id-fido-gen-ce-aaguid extension, when present, non-critical and equal to
/// authenticatorData's AAGUID. `legacy` skips all but the AAGUID rule.
fn check_packed_certificate(der: &[u8], aaguid: Aaguid, legacy: bool) -> Result<(), WebAuthnError> {
    let req = |r| WebAuthnError::CertificateRequirement(r);
    let cert = x509_cert::Certificate::from_der(der)
        .map_err(|_| req(CertificateRequirement::Undecodable))?;
    let tbs = cert.tbs_certificate();
    if !legacy {
        if tbs.version() != x509_cert::certificate::Version::V3 {
            return Err(req(CertificateRequirement::NotVersion3));
        }
        let subject = tbs.subject();
        if subject
            .country()
            .ok()
            .flatten()
            .is_none_or(|c| c.as_str().len() != 2)
        {
            return Err(req(CertificateRequirement::MissingCountry));
        }
        if subject
            .organization()
            .ok()
            .flatten()
            .is_none_or(|o| text(&o).is_empty())
        {
            return Err(req(CertificateRequirement::MissingOrganization));
        }
        if subject
            .organization_unit()
            .ok()
            .flatten()
            .is_none_or(|ou| text(&ou) != "Authenticator Attestation")
        {
            return Err(req(CertificateRequirement::WrongOrganizationalUnit));
        }
        if subject
            .common_name()
            .ok()
            .flatten()
            .is_none_or(|cn| text(&cn).is_empty())
        {
            return Err(req(CertificateRequirement::MissingCommonName));
        }
        match tbs.get_extension::<x509_cert::ext::pkix::BasicConstraints>() {
            Ok(Some((_, bc))) if !bc.ca => {}
            _ => return Err(req(CertificateRequirement::BasicConstraints)),
        }
    }
    let extension = tbs
        .extensions()
        .and_then(|exts| exts.iter().find(|e| e.extn_id == AAGUID_OID));
    if let Some(ext) = extension {
        if ext.critical {
            return Err(req(CertificateRequirement::AaguidExtensionCritical));
        }
        let inner = der::asn1::OctetString::from_der(ext.extn_value.as_bytes())
            .map_err(|_| req(CertificateRequirement::AaguidExtensionMalformed))?;
        let value: [u8; 16] = inner
            .as_bytes()
            .try_into()
            .map_err(|_| req(CertificateRequirement::AaguidExtensionMalformed))?;
        if Aaguid(value) != aaguid {
            return Err(WebAuthnError::AaguidMismatch);
        }
    }
    Ok(())
}

fn text(s: &x509_cert::ext::pkix::name::DirectoryString) -> String {
    use x509_cert::ext::pkix::name::DirectoryString as D;
    match s {
        D::PrintableString(p) => p.as_str().to_owned(),
        D::Utf8String(u) => u.clone(),
        D::TeletexString(t) => t.as_str().to_owned(),
        D::BmpString(b) => b.to_string(),
    }
}

/// `0x04 ‖ x ‖ y` of an EC2 P-256 COSE_Key (WebAuthn §8.6 verification step 3).
fn u2f_point(key: &careid_ctap::coset::CoseKey) -> Result<Vec<u8>, WebAuthnError> {
    let not_p256 = || WebAuthnError::CertificateRequirement(CertificateRequirement::NotP256);
    let param = |label: i64| {
        key.params
            .iter()
            .find(|(l, _)| *l == careid_ctap::coset::Label::Int(label))
            .map(|(_, v)| v)
    };
    let ec2 =
        key.kty == careid_ctap::coset::KeyType::Assigned(careid_ctap::coset::iana::KeyType::EC2);
    let p256 = matches!(param(-1), Some(Value::Integer(i)) if i128::from(*i) == 1);
    match (ec2, p256, param(-2), param(-3)) {
        (true, true, Some(Value::Bytes(x)), Some(Value::Bytes(y)))
            if x.len() == 32 && y.len() == 32 =>
        {
            let mut point = Vec::with_capacity(65);
            point.push(0x04);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            Ok(point)
        }
        _ => Err(not_p256()),
    }
}
