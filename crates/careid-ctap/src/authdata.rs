//! authenticatorData (WebAuthn §6.1) and attested credential data (WebAuthn §6.5.1).

use crate::cbor::{self, DecodeOptions};
use crate::error::{AuthDataError, Error};
use ciborium::value::Value;
use coset::{AsCborValue as _, CoseKey};

/// The longest credential ID WebAuthn allows (§6.5.1: `credentialIdLength` ≤ 1023).
pub const MAX_CREDENTIAL_ID_LEN: usize = 1023;
/// rpIdHash(32) ‖ flags(1) ‖ signCount(4).
pub const AUTH_DATA_MIN_LEN: usize = 37;

/// The flags byte of authenticatorData (WebAuthn §6.1). Bits 1 and 5 are reserved and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u8);

impl Flags {
    /// Bit 0, UP: the user was present (touched the key).
    pub const UP: u8 = 0x01;
    /// Bit 2, UV: the user was verified (PIN or biometric).
    pub const UV: u8 = 0x04;
    /// Bit 3, BE: backup eligible (WebAuthn L3): the credential may be synced.
    pub const BE: u8 = 0x08;
    /// Bit 4, BS: backup state (WebAuthn L3): the credential is currently backed up.
    pub const BS: u8 = 0x10;
    /// Bit 6, AT: attested credential data follows.
    pub const AT: u8 = 0x40;
    /// Bit 7, ED: an extensions map follows.
    pub const ED: u8 = 0x80;

    /// User present.
    pub fn user_present(self) -> bool {
        self.0 & Self::UP != 0
    }
    /// User verified.
    pub fn user_verified(self) -> bool {
        self.0 & Self::UV != 0
    }
    /// Backup eligible.
    pub fn backup_eligible(self) -> bool {
        self.0 & Self::BE != 0
    }
    /// Backed up.
    pub fn backup_state(self) -> bool {
        self.0 & Self::BS != 0
    }
    /// Attested credential data included.
    pub fn attested_credential_data(self) -> bool {
        self.0 & Self::AT != 0
    }
    /// Extension data included.
    pub fn extension_data(self) -> bool {
        self.0 & Self::ED != 0
    }
    /// The flags with `bits` set.
    #[must_use]
    pub fn with(self, bits: u8) -> Self {
        Self(self.0 | bits)
    }
    /// The flags with `bits` cleared.
    #[must_use]
    pub fn without(self, bits: u8) -> Self {
        Self(self.0 & !bits)
    }
}

/// An Authenticator Attestation GUID (WebAuthn §6.5.1): the model of the authenticator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Aaguid(pub [u8; 16]);

impl Aaguid {
    /// The all-zero AAGUID ("none" attestation and U2F keys).
    pub const ZERO: Self = Self([0; 16]);
}

impl core::fmt::Display for Aaguid {
    /// The RFC 9562 string form, `f8a011f3-8c0a-4d15-8006-17111f9edc7d`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl core::str::FromStr for Aaguid {
    type Err = Error;
    /// Parses the hyphenated or plain hex form.
    fn from_str(s: &str) -> Result<Self, Error> {
        let digits: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
        let bad = Error::Member {
            context: "AAGUID",
            member: crate::error::MemberKey::Text("aaguid"),
            problem: crate::error::MemberProblem::Invalid,
        };
        if digits.len() != 32 {
            return Err(bad);
        }
        let mut out = [0; 16];
        for (slot, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
            let text = core::str::from_utf8(pair).map_err(|_| bad.clone())?;
            *slot = u8::from_str_radix(text, 16).map_err(|_| bad.clone())?;
        }
        Ok(Self(out))
    }
}

/// Attested credential data (WebAuthn §6.5.1):
/// `aaguid(16) ‖ credentialIdLength(2, BE) ‖ credentialId ‖ credentialPublicKey(COSE_Key)`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttestedCredentialData {
    aaguid: Aaguid,
    credential_id: Vec<u8>,
    public_key: CoseKey,
    public_key_cbor: Vec<u8>,
}

impl AttestedCredentialData {
    /// The authenticator model.
    pub fn aaguid(&self) -> Aaguid {
        self.aaguid
    }
    /// The credential ID.
    pub fn credential_id(&self) -> &[u8] {
        &self.credential_id
    }
    /// The credential public key as a COSE_Key.
    pub fn public_key(&self) -> &CoseKey {
        &self.public_key
    }
    /// The credential public key exactly as the authenticator encoded it (canonical CBOR).
    pub fn public_key_cbor(&self) -> &[u8] {
        &self.public_key_cbor
    }

    /// Encodes attested credential data (the authenticator side). `public_key_cbor` must be a
    /// canonical COSE_Key; it is checked.
    pub fn encode(
        aaguid: Aaguid,
        credential_id: &[u8],
        public_key_cbor: &[u8],
    ) -> Result<Vec<u8>, Error> {
        if credential_id.len() > MAX_CREDENTIAL_ID_LEN {
            return Err(AuthDataError::CredentialIdTooLong {
                len: credential_id.len(),
            }
            .into());
        }
        let value = cbor::decode(public_key_cbor)?;
        CoseKey::from_cbor_value(value).map_err(|_| Error::CoseKey)?;
        let len = u16::try_from(credential_id.len()).unwrap_or(u16::MAX);
        let mut out = Vec::with_capacity(18 + credential_id.len() + public_key_cbor.len());
        out.extend_from_slice(&aaguid.0);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(credential_id);
        out.extend_from_slice(public_key_cbor);
        Ok(out)
    }

    /// Parses attested credential data from the start of `bytes`; returns it and the bytes it
    /// used. The COSE_Key ends where its canonical encoding ends.
    pub fn parse_prefix(bytes: &[u8]) -> Result<(Self, usize), Error> {
        let truncated = Error::AuthData(AuthDataError::AttestedDataTruncated);
        let (aaguid, rest) = bytes
            .split_first_chunk::<16>()
            .ok_or_else(|| truncated.clone())?;
        let (len, rest) = rest
            .split_first_chunk::<2>()
            .ok_or_else(|| truncated.clone())?;
        let len = usize::from(u16::from_be_bytes(*len));
        if len > MAX_CREDENTIAL_ID_LEN {
            return Err(AuthDataError::CredentialIdTooLong { len }.into());
        }
        let (credential_id, rest) = rest.split_at_checked(len).ok_or(truncated)?;
        let (value, key_len) = cbor::decode_prefix(rest, DecodeOptions::CANONICAL)?;
        let public_key = CoseKey::from_cbor_value(value).map_err(|_| Error::CoseKey)?;
        let public_key_cbor = rest.get(..key_len).unwrap_or_default().to_vec();
        let used = 18 + len + key_len;
        Ok((
            Self {
                aaguid: Aaguid(*aaguid),
                credential_id: credential_id.to_vec(),
                public_key,
                public_key_cbor,
            },
            used,
        ))
    }

    /// Imports the credential public key through careid-crypto (its `alg` restricts it).
    pub fn to_public_key(&self) -> Result<careid_crypto::PublicKey, Error> {
        Ok(careid_crypto::PublicKey::from_cose_key(&self.public_key)?)
    }
}

/// authenticatorData (WebAuthn §6.1):
/// `rpIdHash(32) ‖ flags(1) ‖ signCount(4, BE) ‖ [attestedCredentialData] ‖ [extensions]`.
///
/// Parsing (FIDO.md §4): at least 37 bytes; AT set ⇔ attested credential data present; a
/// credential ID of at most 1023 bytes and within the buffer; the COSE_Key in canonical CBOR,
/// its encoded length deciding where extensions start; ED set ⇔ an extensions map follows; no
/// trailing bytes; BS without BE is invalid. The original bytes are kept: signatures cover
/// them.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthenticatorData {
    raw: Vec<u8>,
    rp_id_hash: [u8; 32],
    flags: Flags,
    sign_count: u32,
    attested: Option<AttestedCredentialData>,
    extensions: Option<Value>,
}

impl AuthenticatorData {
    /// Parses authenticatorData.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let too_short = AuthDataError::TooShort { len: bytes.len() };
        let (rp_id_hash, rest) = bytes.split_first_chunk::<32>().ok_or(too_short)?;
        let (flags, rest) = rest.split_first().ok_or(too_short)?;
        let (count, mut rest) = rest.split_first_chunk::<4>().ok_or(too_short)?;
        let flags = Flags(*flags);
        if flags.backup_state() && !flags.backup_eligible() {
            return Err(AuthDataError::BackupStateWithoutEligibility.into());
        }
        let attested = if flags.attested_credential_data() {
            let (attested, used) = AttestedCredentialData::parse_prefix(rest)?;
            rest = rest.get(used..).unwrap_or_default();
            Some(attested)
        } else {
            None
        };
        let extensions = if flags.extension_data() {
            if rest.is_empty() {
                return Err(AuthDataError::ExtensionsMissing.into());
            }
            let (value, used) = cbor::decode_prefix(rest, DecodeOptions::CANONICAL)?;
            if !matches!(value, Value::Map(_)) {
                return Err(AuthDataError::ExtensionsMissing.into());
            }
            rest = rest.get(used..).unwrap_or_default();
            Some(value)
        } else {
            None
        };
        if !rest.is_empty() {
            return Err(AuthDataError::TrailingBytes { len: rest.len() }.into());
        }
        Ok(Self {
            raw: bytes.to_vec(),
            rp_id_hash: *rp_id_hash,
            flags,
            sign_count: u32::from_be_bytes(*count),
            attested,
            extensions,
        })
    }

    /// Encodes authenticatorData (the authenticator side). The AT and ED flags are set from
    /// what is given, whatever `flags` says; `attested` is the output of
    /// [`AttestedCredentialData::encode`], `extensions` a CBOR map.
    pub fn encode(
        rp_id_hash: &[u8; 32],
        flags: Flags,
        sign_count: u32,
        attested: Option<&[u8]>,
        extensions: Option<&Value>,
    ) -> Vec<u8> {
        let mut flags = flags.without(Flags::AT | Flags::ED);
        if attested.is_some() {
            flags = flags.with(Flags::AT);
        }
        if extensions.is_some() {
            flags = flags.with(Flags::ED);
        }
        let mut out = Vec::with_capacity(AUTH_DATA_MIN_LEN);
        out.extend_from_slice(rp_id_hash);
        out.push(flags.0);
        out.extend_from_slice(&sign_count.to_be_bytes());
        if let Some(attested) = attested {
            out.extend_from_slice(attested);
        }
        if let Some(extensions) = extensions {
            out.extend_from_slice(&cbor::encode(extensions));
        }
        out
    }

    /// The bytes as received (what signatures cover).
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
    /// SHA-256 of the RP ID the credential is scoped to.
    pub fn rp_id_hash(&self) -> &[u8; 32] {
        &self.rp_id_hash
    }
    /// The flags.
    pub fn flags(&self) -> Flags {
        self.flags
    }
    /// The signature counter (0 when the authenticator keeps none).
    pub fn sign_count(&self) -> u32 {
        self.sign_count
    }
    /// The attested credential data (registrations).
    pub fn attested_credential_data(&self) -> Option<&AttestedCredentialData> {
        self.attested.as_ref()
    }
    /// The authenticator extension outputs, a CBOR map.
    pub fn extensions(&self) -> Option<&Value> {
        self.extensions.as_ref()
    }
    /// Requires attested credential data (registration) or its absence (assertion).
    pub fn expect_attested(&self, present: bool) -> Result<(), Error> {
        if self.attested.is_some() == present {
            Ok(())
        } else {
            Err(AuthDataError::AttestedDataPresence {
                present: self.attested.is_some(),
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aaguid_text_round_trips() {
        let a: Aaguid = "f8a011f3-8c0a-4d15-8006-17111f9edc7d".parse().unwrap();
        assert_eq!(a.to_string(), "f8a011f3-8c0a-4d15-8006-17111f9edc7d");
        assert_eq!(
            "f8a011f38c0a4d15800617111f9edc7d"
                .parse::<Aaguid>()
                .unwrap(),
            a
        );
        assert!("f8a011f3".parse::<Aaguid>().is_err());
        assert!(
            "zza011f38c0a4d15800617111f9edc7d"
                .parse::<Aaguid>()
                .is_err()
        );
    }

    #[test]
    fn short_and_inconsistent_inputs_are_typed_errors() {
        assert_eq!(
            AuthenticatorData::parse(&[0; 36]),
            Err(Error::AuthData(AuthDataError::TooShort { len: 36 }))
        );
        let mut base = vec![0u8; 37];
        assert!(AuthenticatorData::parse(&base).is_ok());
        base[32] = Flags::BS;
        assert_eq!(
            AuthenticatorData::parse(&base),
            Err(Error::AuthData(
                AuthDataError::BackupStateWithoutEligibility
            ))
        );
        base[32] = Flags::AT;
        assert_eq!(
            AuthenticatorData::parse(&base),
            Err(Error::AuthData(AuthDataError::AttestedDataTruncated))
        );
        base[32] = Flags::ED;
        assert_eq!(
            AuthenticatorData::parse(&base),
            Err(Error::AuthData(AuthDataError::ExtensionsMissing))
        );
        base[32] = 0;
        base.push(0xA0);
        assert_eq!(
            AuthenticatorData::parse(&base),
            Err(Error::AuthData(AuthDataError::TrailingBytes { len: 1 }))
        );
        base[32] = Flags::ED;
        assert!(
            AuthenticatorData::parse(&base)
                .unwrap()
                .extensions()
                .is_some()
        );
        // AT with a credential ID length of 1024.
        let mut long = vec![0u8; 37];
        long[32] = Flags::AT;
        long.extend_from_slice(&[0; 16]);
        long.extend_from_slice(&1024u16.to_be_bytes());
        assert_eq!(
            AuthenticatorData::parse(&long),
            Err(Error::AuthData(AuthDataError::CredentialIdTooLong {
                len: 1024
            }))
        );
    }
}
