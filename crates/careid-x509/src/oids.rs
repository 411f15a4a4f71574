//! Object identifiers careid-x509 recognises.

use der::oid::ObjectIdentifier as Oid;

// Certificate extensions (RFC 5280 §4.2).
/// id-ce-subjectKeyIdentifier (RFC 5280 §4.2.1.2).
pub(crate) const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
/// id-ce-keyUsage (RFC 5280 §4.2.1.3).
pub(crate) const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// id-ce-subjectAltName (RFC 5280 §4.2.1.6).
pub(crate) const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
/// id-ce-issuerAltName (RFC 5280 §4.2.1.7).
pub(crate) const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
/// id-ce-basicConstraints (RFC 5280 §4.2.1.9).
pub(crate) const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// id-ce-cRLNumber (RFC 5280 §5.2.3).
pub(crate) const CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
/// id-ce-cRLReasons (RFC 5280 §5.3.1).
pub(crate) const CRL_REASON: Oid = Oid::new_unwrap("2.5.29.21");
/// id-ce-holdInstructionCode (RFC 5280 §5.3 note; RFC 3280 §5.3.2).
pub(crate) const HOLD_INSTRUCTION_CODE: Oid = Oid::new_unwrap("2.5.29.23");
/// id-ce-invalidityDate (RFC 5280 §5.3.2).
pub(crate) const INVALIDITY_DATE: Oid = Oid::new_unwrap("2.5.29.24");
/// id-ce-deltaCRLIndicator (RFC 5280 §5.2.4).
pub(crate) const DELTA_CRL_INDICATOR: Oid = Oid::new_unwrap("2.5.29.27");
/// id-ce-issuingDistributionPoint (RFC 5280 §5.2.5).
pub(crate) const ISSUING_DISTRIBUTION_POINT: Oid = Oid::new_unwrap("2.5.29.28");
/// id-ce-certificateIssuer (RFC 5280 §5.3.3).
pub(crate) const CERTIFICATE_ISSUER: Oid = Oid::new_unwrap("2.5.29.29");
/// id-ce-nameConstraints (RFC 5280 §4.2.1.10).
pub(crate) const NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
/// id-ce-cRLDistributionPoints (RFC 5280 §4.2.1.13).
pub(crate) const CRL_DISTRIBUTION_POINTS: Oid = Oid::new_unwrap("2.5.29.31");
/// id-ce-certificatePolicies (RFC 5280 §4.2.1.4).
pub(crate) const CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
/// id-ce-policyMappings (RFC 5280 §4.2.1.5).
pub(crate) const POLICY_MAPPINGS: Oid = Oid::new_unwrap("2.5.29.33");
/// id-ce-authorityKeyIdentifier (RFC 5280 §4.2.1.1).
pub(crate) const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
/// id-ce-policyConstraints (RFC 5280 §4.2.1.11).
pub(crate) const POLICY_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.36");
/// id-ce-extKeyUsage (RFC 5280 §4.2.1.12).
pub(crate) const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// id-ce-freshestCRL (RFC 5280 §4.2.1.15).
pub(crate) const FRESHEST_CRL: Oid = Oid::new_unwrap("2.5.29.46");
/// id-ce-inhibitAnyPolicy (RFC 5280 §4.2.1.14).
pub(crate) const INHIBIT_ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.54");

/// anyPolicy (RFC 5280 §4.2.1.4).
pub(crate) const ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.32.0");
/// anyExtendedKeyUsage (RFC 5280 §4.2.1.12).
pub(crate) const ANY_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37.0");
/// id-kp-serverAuth (RFC 5280 §4.2.1.12).
pub(crate) const KP_SERVER_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.1");
/// id-kp-clientAuth (RFC 5280 §4.2.1.12).
pub(crate) const KP_CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");
/// Microsoft smartcard logon (szOID_KP_SMARTCARD_LOGON).
pub(crate) const MS_SMARTCARD_LOGON: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.20.2.2");

// Attribute types (RFC 5280 Appendix A.1, RFC 4519).
/// id-at-serialNumber (X.520): where CIS cards carry the 12-digit user UUID.
pub(crate) const AT_SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");
/// id-emailAddress (PKCS #9; RFC 5280 §4.1.2.6 legacy e-mail in the subject).
pub(crate) const AT_EMAIL_ADDRESS: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");
