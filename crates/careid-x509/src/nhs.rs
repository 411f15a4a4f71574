//! The NHS smartcard profile (X509.md §3; SMARTCARD.md §5): which certificates a CIS1 card
//! login accepts, and the user's 12-digit UUID from the certificate subject.

use crate::name::directory_string;
use crate::{
    Certificate, CrlSet, Error, KeyUsage, Purpose, Time, ValidationCache, ValidatorBuilder,
    VerifiedPath, oids,
};

/// Which card key a certificate is for. NHS smartcards hold two certificates: one for
/// authentication (login) and one for signing (e.g. prescriptions) [X509.md §3].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CardKeyPurpose {
    /// Login: keyUsage digitalSignature; extendedKeyUsage, when present, clientAuth or
    /// Microsoft smartcard logon.
    Authentication,
    /// Signing: keyUsage nonRepudiation (contentCommitment).
    Signing,
}

impl core::fmt::Display for CardKeyPurpose {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Authentication => "authentication",
            Self::Signing => "signing",
        })
    }
}

/// The user's 12-digit UUID, as CIS cards carry it in the subject's serialNumber attribute
/// (2.5.4.5).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserUuid([u8; 12]);

impl UserUuid {
    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn from_certificate(cert: &Certificate<'_>) -> Result<Self, Error> {
        let mut values = cert.subject.attribute_values(oids::AT_SERIAL_NUMBER);
        let value = values.next().ok_or(Error::UserUuidMissing)?;
        if values.next().is_some() {
            return Err(Error::UserUuidMissing);
        }
        let text = directory_string(value).ok_or(Error::UserUuidMalformed)?;
        let digits: [u8; 12] = text
            .as_bytes()
            .try_into()
            .map_err(|_| Error::UserUuidMalformed)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(Error::UserUuidMalformed);
        }
        Ok(Self(digits))
    }
}

impl core::fmt::Display for UserUuid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for UserUuid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "UserUuid({})", self.as_str())
    }
}

impl PartialEq<str> for UserUuid {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// A validated NHS smartcard identity: the user UUID from a certificate whose path to an
/// NHS trust anchor validated under the NHS profile. Only [`NhsCardValidator`] makes these.
#[derive(Debug, Clone)]
pub struct NhsIdentity {
    uuid: UserUuid,
    purpose: CardKeyPurpose,
    path: VerifiedPath,
}

impl NhsIdentity {
    /// The user's 12-digit UUID.
    pub fn uuid(&self) -> UserUuid {
        self.uuid
    }

    /// Which card key the certificate is for.
    pub fn purpose(&self) -> CardKeyPurpose {
        self.purpose
    }

    /// The validated path.
    pub fn path(&self) -> &VerifiedPath {
        &self.path
    }
}

/// Validates NHS smartcard certificates and extracts the user's identity.
///
/// The profile is configuration on top of RFC 5280 validation (the NHS does not publish its
/// card certificate profile; X509.md §3): the end entity must not be a CA; for
/// [`CardKeyPurpose::Authentication`] its keyUsage (if present) must assert digitalSignature
/// and its extendedKeyUsage (if present) clientAuth, Microsoft smartcard logon or
/// anyExtendedKeyUsage; for [`CardKeyPurpose::Signing`] keyUsage must assert nonRepudiation;
/// the subject must carry exactly one serialNumber attribute of 12 digits. Trust anchors,
/// algorithms, policies and the revocation policy come from the [`ValidatorBuilder`] the
/// caller passes (users supply the NHS roots: see
/// [`PublishedAnchor::NHS_ROOT_AUTHORITY_G2`](crate::PublishedAnchor::NHS_ROOT_AUTHORITY_G2)).
///
/// Validated paths are cached (see [`ValidationCache`]) so that a repeat login with the same
/// card, CRLs and a time inside the cached window skips the signature checks, and a first
/// login with a card from a known issuing CA does not verify that CA's signature again.
#[derive(Debug)]
pub struct NhsCardValidator {
    cache: ValidationCache,
    purpose: CardKeyPurpose,
}

impl NhsCardValidator {
    /// Applies the NHS profile for `purpose` to `builder` and builds the validator, with a
    /// cache of up to `cache_capacity` validated paths (0 disables caching).
    pub fn new(
        builder: ValidatorBuilder,
        purpose: CardKeyPurpose,
        cache_capacity: usize,
    ) -> Result<Self, Error> {
        let builder = builder.refuse_ca_end_entity();
        let builder = match purpose {
            CardKeyPurpose::Authentication => builder
                .require_key_usage(KeyUsage::DIGITAL_SIGNATURE)
                .require_purposes([Purpose::CLIENT_AUTH, Purpose::MS_SMARTCARD_LOGON]),
            CardKeyPurpose::Signing => builder.require_key_usage(KeyUsage::NON_REPUDIATION),
        };
        Ok(Self {
            cache: ValidationCache::new(builder.build()?, cache_capacity),
            purpose,
        })
    }

    /// Validates the card certificate `end_entity` with `intermediates` and `crls` at `time`,
    /// and returns the identity it certifies.
    pub fn validate<T: AsRef<[u8]>>(
        &self,
        end_entity: &[u8],
        intermediates: &[T],
        crls: &CrlSet,
        time: Time,
    ) -> Result<NhsIdentity, Error> {
        let path = self.cache.validate(end_entity, intermediates, crls, time)?;
        let cert = Certificate::from_der(path.end_entity())?;
        let uuid = UserUuid::from_certificate(&cert)?;
        Ok(NhsIdentity {
            uuid,
            purpose: self.purpose,
            path,
        })
    }

    /// The profile's purpose.
    pub fn purpose(&self) -> CardKeyPurpose {
        self.purpose
    }

    /// The cache (for its statistics, or to clear it).
    pub fn cache(&self) -> &ValidationCache {
        &self.cache
    }
}
