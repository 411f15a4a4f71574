//! Key usage (RFC 5280 §4.2.1.3) and extended key usage purposes (§4.2.1.12).

use crate::oids;
use der::oid::ObjectIdentifier;

/// A set of keyUsage bits (RFC 5280 §4.2.1.3).
///
/// ```text
/// KeyUsage ::= BIT STRING {
///      digitalSignature        (0),
///      nonRepudiation          (1), -- recent editions of X.509 have
///                                   -- renamed this bit to contentCommitment
///      keyEncipherment         (2),
///      dataEncipherment        (3),
///      keyAgreement            (4),
///      keyCertSign             (5),
///      cRLSign                 (6),
///      encipherOnly            (7),
///      decipherOnly            (8) }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// No bit.
    pub const EMPTY: Self = Self(0);
    /// digitalSignature (0): authentication signatures, e.g. a smartcard login.
    pub const DIGITAL_SIGNATURE: Self = Self(1 << 0);
    /// nonRepudiation / contentCommitment (1): signatures that commit the signer.
    pub const NON_REPUDIATION: Self = Self(1 << 1);
    /// keyEncipherment (2).
    pub const KEY_ENCIPHERMENT: Self = Self(1 << 2);
    /// dataEncipherment (3).
    pub const DATA_ENCIPHERMENT: Self = Self(1 << 3);
    /// keyAgreement (4).
    pub const KEY_AGREEMENT: Self = Self(1 << 4);
    /// keyCertSign (5): required of every CA certificate that has a keyUsage (§6.1.4(n)).
    pub const KEY_CERT_SIGN: Self = Self(1 << 5);
    /// cRLSign (6): required of a CRL signer that has a keyUsage (§6.3.3(f)).
    pub const CRL_SIGN: Self = Self(1 << 6);
    /// encipherOnly (7).
    pub const ENCIPHER_ONLY: Self = Self(1 << 7);
    /// decipherOnly (8).
    pub const DECIPHER_ONLY: Self = Self(1 << 8);

    const NAMES: [&'static str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];

    /// The union of two sets.
    #[must_use]
    pub const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether every bit of `other` is in this set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no bit is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bits, bit `n` of the ASN.1 named bit list at `1 << n`.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// Decodes the content octets of the keyUsage BIT STRING.
    pub(crate) fn from_bit_string(bytes: &[u8]) -> Self {
        Self(named_bits(bytes))
    }
}

/// A named bit list (X.690 §8.6): bit `n` (MSB-first) becomes `1 << n`.
pub(crate) fn named_bits(bytes: &[u8]) -> u16 {
    let mut out = 0_u16;
    for (i, byte) in bytes.iter().take(2).enumerate() {
        for bit in 0..8_u32 {
            if byte & (0x80 >> bit) != 0 {
                let n = u32::try_from(i).unwrap_or(0) * 8 + bit;
                out |= 1 << n;
            }
        }
    }
    out
}

impl core::fmt::Debug for KeyUsage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "KeyUsage({self})")
    }
}

impl core::fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.is_empty() {
            return f.write_str("no usage");
        }
        let mut first = true;
        for (i, name) in Self::NAMES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                if !first {
                    f.write_str(", ")?;
                }
                first = false;
                f.write_str(name)?;
            }
        }
        Ok(())
    }
}

/// An extended key usage purpose (RFC 5280 §4.2.1.12): a KeyPurposeId OID.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Purpose(ObjectIdentifier);

impl Purpose {
    /// id-kp-clientAuth: TLS client authentication.
    pub const CLIENT_AUTH: Self = Self(oids::KP_CLIENT_AUTH);
    /// id-kp-serverAuth: TLS server authentication.
    pub const SERVER_AUTH: Self = Self(oids::KP_SERVER_AUTH);
    /// Microsoft smartcard logon (1.3.6.1.4.1.311.20.2.2).
    pub const MS_SMARTCARD_LOGON: Self = Self(oids::MS_SMARTCARD_LOGON);
    /// anyExtendedKeyUsage: a certificate asserting it satisfies every required purpose
    /// unless the caller refuses it.
    pub const ANY: Self = Self(oids::ANY_EXTENDED_KEY_USAGE);

    /// A purpose by OID.
    pub const fn new(oid: ObjectIdentifier) -> Self {
        Self(oid)
    }

    /// Its OID.
    pub const fn oid(self) -> ObjectIdentifier {
        self.0
    }
}

impl core::fmt::Display for Purpose {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Self::CLIENT_AUTH => f.write_str("clientAuth"),
            Self::SERVER_AUTH => f.write_str("serverAuth"),
            Self::MS_SMARTCARD_LOGON => f.write_str("msSmartcardLogin"),
            Self::ANY => f.write_str("anyExtendedKeyUsage"),
            Self(oid) => write!(f, "{oid}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_and_names() {
        // digitalSignature | keyCertSign: 0b1000_0100 with 2 unused bits.
        let ku = KeyUsage::from_bit_string(&[0x84]);
        assert_eq!(
            ku,
            KeyUsage::DIGITAL_SIGNATURE.with(KeyUsage::KEY_CERT_SIGN)
        );
        assert_eq!(ku.to_string(), "digitalSignature, keyCertSign");
        assert_eq!(
            KeyUsage::from_bit_string(&[0, 0x80]),
            KeyUsage::DECIPHER_ONLY
        );
        assert!(ku.contains(KeyUsage::KEY_CERT_SIGN));
        assert!(!ku.contains(KeyUsage::CRL_SIGN));
        assert_eq!(Purpose::CLIENT_AUTH.to_string(), "clientAuth");
    }
}
