//! Trust anchors (RFC 5280 §6.1.1(d); X509.md §4).

use crate::asn1::Reader;
use crate::asn1::tag;
use crate::cert::{Leniency, NameConstraints};
use crate::error::cert_der;
use crate::name::Name;
use crate::{AnchorField, Certificate, Error, Input, KeyUsage, Time};
use std::sync::Arc;

/// A trust anchor: a distinguished name and a public key (RFC 5280 §6.1.1(d)), usually taken
/// from a self-signed CA certificate.
///
/// careid enables no anchor by default: the caller supplies them (for NHS smartcards, the NHS
/// Root Authority G2 certificate, checked with [`TrustAnchor::from_der_checked`] against
/// [`PublishedAnchor::NHS_ROOT_AUTHORITY_G2`]). When the anchor is given as a certificate,
/// its validity period is enforced (unless the validator is told otherwise) and its
/// nameConstraints, if any, constrain every path through it (RFC 5937 §2); its other
/// extensions are not processed, since the anchor is not part of the path (RFC 5280 §6.1).
///
/// Cloning is cheap (the data is shared).
#[derive(Clone)]
pub struct TrustAnchor {
    inner: Arc<AnchorData>,
}

struct AnchorData {
    certificate: Option<Box<[u8]>>,
    subject: Box<[u8]>,
    spki: Box<[u8]>,
    validity: Option<(Time, Time)>,
    has_name_constraints: bool,
    key_usage: Option<KeyUsage>,
}

/// Published metadata a trust anchor certificate must match (X509.md §4): the serial number
/// and SHA-1 thumbprint NHS Digital publishes, and optionally a SHA-256 fingerprint recorded
/// on review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishedAnchor {
    /// The certificate serial number, big-endian, without a leading zero octet.
    pub serial: &'static [u8],
    /// SHA-1 over the certificate DER (the "thumbprint" Windows and the NHS publish).
    pub sha1_thumbprint: [u8; 20],
    /// SHA-256 over the certificate DER, when recorded.
    pub sha256_fingerprint: Option<[u8; 32]>,
}

impl PublishedAnchor {
    /// NHS Root Authority G2 (`C=GB, O=NHS, OU=CA, CN=NHS Root Authority G2`, expires
    /// 2042-04-07), as published at
    /// `https://digital.nhs.uk/cyber-and-data-security/guidance-and-resources/nhs-pki-certificate-information`
    /// (X509.md §3). No SHA-256 fingerprint has been recorded yet.
    pub const NHS_ROOT_AUTHORITY_G2: Self = Self {
        serial: &[
            0x02, 0x96, 0x29, 0x01, 0x0A, 0x7A, 0x10, 0xCB, 0xC9, 0xD5, 0x30, 0x17, 0xA7, 0xB8,
            0xF4, 0x9C,
        ],
        sha1_thumbprint: [
            0x7E, 0x05, 0xFA, 0x62, 0x9B, 0x5E, 0x66, 0xDB, 0xB8, 0x0E, 0x97, 0x41, 0x7D, 0x24,
            0x73, 0xCB, 0xCF, 0x5A, 0x31, 0x06,
        ],
        sha256_fingerprint: None,
    };

    /// NHS Authentication G2 (`C=GB, O=nhs, OU=CA, CN=NHS Authentication G2`, expires
    /// 2032-09-15): an intermediate, usable as an anchor only by explicit choice.
    pub const NHS_AUTHENTICATION_G2: Self = Self {
        serial: &[
            0x5F, 0xC4, 0x71, 0x31, 0x2B, 0x0B, 0x78, 0x83, 0xF4, 0x0A, 0xF5, 0x7E, 0xFD, 0x0B,
            0x1F, 0x07,
        ],
        sha1_thumbprint: [
            0x1F, 0x30, 0x1F, 0xCA, 0x68, 0x4D, 0x9E, 0x13, 0xAD, 0x4D, 0xBA, 0x7C, 0x8F, 0x2B,
            0xA1, 0x26, 0xF9, 0xC4, 0xC0, 0x15,
        ],
        sha256_fingerprint: None,
    };

    /// NHS Signing G2 (`C=GB, O=nhs, OU=CA, CN=NHS Signing G2`, expires 2032-09-15): the CA
    /// of smartcard signing certificates (prescription signatures), an intermediate under the
    /// root, usable as an anchor only by explicit choice.
    pub const NHS_SIGNING_G2: Self = Self {
        serial: &[
            0x26, 0xE0, 0x4E, 0x42, 0x71, 0x05, 0x6A, 0xEE, 0xAC, 0x05, 0x6C, 0x9F, 0x3A, 0x59,
            0x2E, 0xD3,
        ],
        sha1_thumbprint: [
            0x49, 0x91, 0x7C, 0xB5, 0xED, 0x2B, 0x50, 0x1B, 0xC2, 0x78, 0x25, 0x2C, 0x5C, 0x0F,
            0xFC, 0xCC, 0x57, 0x09, 0xA4, 0x24,
        ],
        sha256_fingerprint: None,
    };

    /// Metadata for another anchor.
    pub const fn new(serial: &'static [u8], sha1_thumbprint: [u8; 20]) -> Self {
        Self {
            serial,
            sha1_thumbprint,
            sha256_fingerprint: None,
        }
    }

    /// Also require this SHA-256 fingerprint.
    #[must_use]
    pub const fn with_sha256_fingerprint(mut self, fingerprint: [u8; 32]) -> Self {
        self.sha256_fingerprint = Some(fingerprint);
        self
    }
}

impl TrustAnchor {
    /// An anchor from a DER certificate (normally a self-signed root).
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let cert = Certificate::parse(der, Leniency::default())
            .map_err(|e| e.for_input(Input::TrustAnchor))?;
        Ok(Self {
            inner: Arc::new(AnchorData {
                certificate: Some(der.into()),
                subject: cert.subject.der().into(),
                spki: cert.spki.into(),
                validity: Some((cert.not_before, cert.not_after)),
                has_name_constraints: cert.ext.name_constraints.is_some(),
                key_usage: cert.ext.key_usage,
            }),
        })
    }

    /// An anchor from a DER certificate that must match published metadata (X509.md §4).
    ///
    /// ```
    /// use careid_x509::{AnchorField, Error, PublishedAnchor, TrustAnchor};
    /// let root = &careid_testkit::TestPki::get().root;
    /// // The test root is not the NHS root.
    /// assert_eq!(
    ///     TrustAnchor::from_der_checked(root, &PublishedAnchor::NHS_ROOT_AUTHORITY_G2).err(),
    ///     Some(Error::AnchorMismatch { field: AnchorField::SerialNumber })
    /// );
    /// ```
    pub fn from_der_checked(der: &[u8], published: &PublishedAnchor) -> Result<Self, Error> {
        let anchor = Self::from_der(der)?;
        let cert = Certificate::from_der(der).map_err(|e| e.for_input(Input::TrustAnchor))?;
        let serial = match cert.serial {
            [0, rest @ ..] if !rest.is_empty() => rest,
            all => all,
        };
        if serial != published.serial {
            return Err(Error::AnchorMismatch {
                field: AnchorField::SerialNumber,
            });
        }
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
        if sha1.as_ref() != published.sha1_thumbprint {
            return Err(Error::AnchorMismatch {
                field: AnchorField::Sha1Thumbprint,
            });
        }
        if let Some(expected) = published.sha256_fingerprint {
            let sha256 = ring::digest::digest(&ring::digest::SHA256, der);
            if sha256.as_ref() != expected {
                return Err(Error::AnchorMismatch {
                    field: AnchorField::Sha256Fingerprint,
                });
            }
        }
        Ok(anchor)
    }

    /// An anchor from a bare name and key (RFC 5280 §6.1.1(d)): DER `Name` and DER
    /// `SubjectPublicKeyInfo`. It has no validity period and no constraints.
    pub fn from_name_and_spki(name: &[u8], spki: &[u8]) -> Result<Self, Error> {
        Name::from_der(name)
            .map_err(cert_der("Name"))
            .map_err(|e| e.for_input(Input::TrustAnchor))?;
        let mut r = Reader::new(spki)
            .and_then(|mut r| {
                let t = r.expect(tag::SEQUENCE)?;
                r.finish()?;
                Reader::new(t.value)
            })
            .map_err(cert_der("SubjectPublicKeyInfo"))
            .map_err(|e| e.for_input(Input::TrustAnchor))?;
        r.sequence()
            .and_then(|_| r.value(tag::BIT_STRING).map(|_| ()))
            .and_then(|()| r.finish())
            .map_err(cert_der("SubjectPublicKeyInfo"))
            .map_err(|e| e.for_input(Input::TrustAnchor))?;
        Ok(Self {
            inner: Arc::new(AnchorData {
                certificate: None,
                subject: name.into(),
                spki: spki.into(),
                validity: None,
                has_name_constraints: false,
                key_usage: None,
            }),
        })
    }

    /// The anchor's distinguished name.
    pub fn subject(&self) -> Name<'_> {
        // Checked when the anchor was made.
        Name::from_checked_der(&self.inner.subject)
    }

    /// The anchor's SubjectPublicKeyInfo, DER.
    pub fn subject_public_key_info(&self) -> &[u8] {
        &self.inner.spki
    }

    /// The certificate the anchor was made from, if any.
    pub fn certificate(&self) -> Option<&[u8]> {
        self.inner.certificate.as_deref()
    }

    /// The certificate's validity period, if the anchor came from a certificate.
    pub fn validity(&self) -> Option<(Time, Time)> {
        self.inner.validity
    }

    pub(crate) fn key_usage(&self) -> Option<KeyUsage> {
        self.inner.key_usage
    }

    /// The anchor certificate's nameConstraints, decoded.
    pub(crate) fn name_constraints(&self) -> Option<NameConstraints<'_>> {
        if !self.inner.has_name_constraints {
            return None;
        }
        let der = self.inner.certificate.as_deref()?;
        Certificate::from_der(der).ok()?.ext.name_constraints
    }
}

impl core::fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustAnchor")
            .field("subject", &self.subject())
            .field("validity", &self.inner.validity)
            .finish_non_exhaustive()
    }
}
