//! Certificates (RFC 5280 §4.1) and their extensions (§4.2), decoded once into borrowed
//! views of the input.

use crate::asn1::tag;
use crate::asn1::{self, Reader, Tlv, context};
use crate::error::{Malformed, bad_cert, cert_der};
use crate::name::{GeneralName, Name, general_names};
use crate::usage::named_bits;
use crate::{Error, KeyUsage, Time, oids};
use careid_crypto::SignatureAlgorithm;
use der::Tag;
use der::oid::ObjectIdentifier;

/// A decoded X.509 certificate, borrowing the DER it was decoded from.
///
/// ```text
/// Certificate  ::=  SEQUENCE  {
///      tbsCertificate       TBSCertificate,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
/// ```
/// (RFC 5280 §4.1)
///
/// Decoding is strict DER and enforces the RFC 5280 §4 profile: version 3 when extensions are
/// present (§4.1.2.1), a positive serial number of at most 20 octets (§4.1.2.2), matching
/// inner and outer signature algorithms (§4.1.1.2), a non-empty issuer (§4.1.2.4), UTCTime
/// through 2049 and GeneralizedTime from 2050 (§4.1.2.5), no duplicate extension (§4.2), and
/// well-formed values for every extension careid processes. An unrecognised critical
/// extension is recorded and refuses the certificate during path validation (§6.1.4(o)).
#[derive(Clone, Debug)]
pub struct Certificate<'a> {
    pub(crate) der: &'a [u8],
    pub(crate) tbs: &'a [u8],
    pub(crate) signature_algorithm: Result<SignatureAlgorithm, careid_crypto::Error>,
    pub(crate) signature: &'a [u8],
    pub(crate) version: u8,
    pub(crate) serial: &'a [u8],
    pub(crate) issuer: Name<'a>,
    pub(crate) subject: Name<'a>,
    pub(crate) not_before: Time,
    pub(crate) not_after: Time,
    pub(crate) spki: &'a [u8],
    pub(crate) ext: Extensions<'a>,
}

/// Relaxations of the RFC 5280 §4 profile for legacy PKIs and test suites (NIST PKITS
/// tests both). Off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Leniency {
    /// Accept zero and negative serial numbers (RFC 5280 §4.1.2.2 says certificate users
    /// "SHOULD be prepared to gracefully handle" them).
    pub(crate) nonpositive_serials: bool,
    /// Accept GeneralizedTime for dates before 2050.
    pub(crate) generalized_time_before_2050: bool,
}

/// The extensions careid processes, decoded.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extensions<'a> {
    pub(crate) basic_constraints: Option<BasicConstraints>,
    pub(crate) key_usage: Option<KeyUsage>,
    /// The content of the KeyPurposeId SEQUENCE (each OID checked).
    pub(crate) ext_key_usage: Option<&'a [u8]>,
    pub(crate) subject_alt_name: Option<Vec<GeneralName<'a>>>,
    pub(crate) name_constraints: Option<NameConstraints<'a>>,
    pub(crate) policies: Option<Vec<ObjectIdentifier>>,
    pub(crate) policy_mappings: Option<Vec<(ObjectIdentifier, ObjectIdentifier)>>,
    pub(crate) policy_constraints: Option<PolicyConstraints>,
    pub(crate) inhibit_any_policy: Option<u64>,
    pub(crate) crl_distribution_points: Option<Vec<DistributionPoint<'a>>>,
    pub(crate) freshest_crl: Option<Vec<DistributionPoint<'a>>>,
    pub(crate) authority_key_id: Option<&'a [u8]>,
    pub(crate) subject_key_id: Option<&'a [u8]>,
    pub(crate) unknown_critical: Option<ObjectIdentifier>,
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER
/// (0..MAX) OPTIONAL }` (RFC 5280 §4.2.1.9)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BasicConstraints {
    pub(crate) ca: bool,
    pub(crate) path_len: Option<u64>,
}

/// `NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
/// excludedSubtrees [1] GeneralSubtrees OPTIONAL }` (RFC 5280 §4.2.1.10). careid accepts
/// only `minimum` 0 and no `maximum`, as the RFC requires of conforming CAs.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameConstraints<'a> {
    pub(crate) permitted: Option<Vec<GeneralName<'a>>>,
    pub(crate) excluded: Vec<GeneralName<'a>>,
}

/// `PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL,
/// inhibitPolicyMapping [1] SkipCerts OPTIONAL }` (RFC 5280 §4.2.1.11)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PolicyConstraints {
    pub(crate) require_explicit_policy: Option<u64>,
    pub(crate) inhibit_policy_mapping: Option<u64>,
}

/// ```text
/// DistributionPoint ::= SEQUENCE {
///      distributionPoint       [0]     DistributionPointName OPTIONAL,
///      reasons                 [1]     ReasonFlags OPTIONAL,
///      cRLIssuer               [2]     GeneralNames OPTIONAL }
/// ```
/// (RFC 5280 §4.2.1.13)
#[derive(Clone, Debug)]
pub(crate) struct DistributionPoint<'a> {
    pub(crate) name: Option<DistributionPointName<'a>>,
    pub(crate) reasons: Option<u16>,
    pub(crate) crl_issuer: Option<Vec<GeneralName<'a>>>,
}

/// ```text
/// DistributionPointName ::= CHOICE {
///      fullName                [0]     GeneralNames,
///      nameRelativeToCRLIssuer [1]     RelativeDistinguishedName }
/// ```
#[derive(Clone, Debug)]
pub(crate) enum DistributionPointName<'a> {
    Full(Vec<GeneralName<'a>>),
    /// The content of the RDN's SET.
    Relative(&'a [u8]),
}

impl<'a> Certificate<'a> {
    /// Decodes a DER certificate under the strict RFC 5280 profile.
    pub fn from_der(der: &'a [u8]) -> Result<Self, Error> {
        Self::parse(der, Leniency::default())
    }

    pub(crate) fn parse(der: &'a [u8], leniency: Leniency) -> Result<Self, Error> {
        let mut outer = Reader::new(der).map_err(cert_der("Certificate"))?;
        let cert = outer.sequence().map_err(cert_der("Certificate"))?;
        outer.finish().map_err(cert_der("Certificate"))?;
        let mut cert = cert;
        let tbs = cert
            .expect(tag::SEQUENCE)
            .map_err(cert_der("TBSCertificate"))?;
        let outer_alg = cert
            .expect(tag::SEQUENCE)
            .map_err(cert_der("AlgorithmIdentifier"))?;
        let sig = cert
            .value(tag::BIT_STRING)
            .map_err(cert_der("signatureValue"))?;
        cert.finish().map_err(cert_der("Certificate"))?;
        let signature = match asn1::bit_string(sig).map_err(cert_der("signatureValue"))? {
            (0, bytes) => bytes,
            _ => {
                return Err(cert_der("signatureValue")(
                    Tag::BitString.value_error().into(),
                ));
            }
        };

        let mut t = Reader::new(tbs.value).map_err(cert_der("TBSCertificate"))?;
        let version = match t.optional(context(0, true)).map_err(cert_der("version"))? {
            None => 1,
            Some(v) => {
                let n = asn1::parse_one_primitive(v.value, tag::INTEGER)
                    .and_then(asn1::small_uint)
                    .map_err(cert_der("version"))?;
                match n {
                    1 => 2,
                    2 => 3,
                    // v1 must be omitted in DER (DEFAULT); anything else is unknown.
                    _ => return Err(bad_cert(Malformed::VersionMismatch)),
                }
            }
        };
        let serial = t.value(tag::INTEGER).map_err(cert_der("serialNumber"))?;
        check_serial(serial, leniency)?;
        let inner_alg = t
            .expect(tag::SEQUENCE)
            .map_err(cert_der("AlgorithmIdentifier"))?;
        if inner_alg.whole != outer_alg.whole {
            return Err(bad_cert(Malformed::SignatureAlgorithmMismatch));
        }
        let issuer =
            Name::parse(t.tlv().map_err(cert_der("issuer"))?).map_err(cert_der("issuer"))?;
        if issuer.is_empty() {
            return Err(bad_cert(Malformed::EmptyIssuer));
        }
        let mut validity = t.sequence().map_err(cert_der("Validity"))?;
        let not_before = read_time(&mut validity, "notBefore", leniency)?;
        let not_after = read_time(&mut validity, "notAfter", leniency)?;
        validity.finish().map_err(cert_der("Validity"))?;
        let subject =
            Name::parse(t.tlv().map_err(cert_der("subject"))?).map_err(cert_der("subject"))?;
        let spki = t
            .expect(tag::SEQUENCE)
            .map_err(cert_der("SubjectPublicKeyInfo"))?;
        check_spki(spki.value).map_err(cert_der("SubjectPublicKeyInfo"))?;
        let issuer_uid = t
            .optional(context(1, false))
            .map_err(cert_der("issuerUniqueID"))?;
        let subject_uid = t
            .optional(context(2, false))
            .map_err(cert_der("subjectUniqueID"))?;
        for uid in [issuer_uid, subject_uid].into_iter().flatten() {
            asn1::bit_string(uid.value).map_err(cert_der("UniqueIdentifier"))?;
            if version < 2 {
                return Err(bad_cert(Malformed::VersionMismatch));
            }
        }
        let ext = match t
            .optional(context(3, true))
            .map_err(cert_der("extensions"))?
        {
            None => Extensions::default(),
            Some(exts) => {
                if version != 3 {
                    return Err(bad_cert(Malformed::VersionMismatch));
                }
                Extensions::parse(exts.value)?
            }
        };
        t.finish().map_err(cert_der("TBSCertificate"))?;

        Ok(Self {
            der,
            tbs: tbs.whole,
            signature_algorithm: signature_algorithm(outer_alg.whole),
            signature,
            version,
            serial,
            issuer,
            subject,
            not_before,
            not_after,
            spki: spki.whole,
            ext,
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// The version: 1, 2 or 3.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The serial number: the content octets of its INTEGER (big-endian two's complement).
    pub fn serial_number(&self) -> &'a [u8] {
        self.serial
    }

    /// The issuer name.
    pub fn issuer(&self) -> Name<'a> {
        self.issuer
    }

    /// The subject name.
    pub fn subject(&self) -> Name<'a> {
        self.subject
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> Time {
        self.not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> Time {
        self.not_after
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn subject_public_key_info(&self) -> &'a [u8] {
        self.spki
    }

    /// The signature algorithm, or why careid-crypto does not verify it.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, careid_crypto::Error> {
        self.signature_algorithm.clone()
    }

    /// Whether basicConstraints asserts cA (RFC 5280 §4.2.1.9).
    pub fn is_ca(&self) -> bool {
        self.ext.basic_constraints.is_some_and(|bc| bc.ca)
    }

    /// The keyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.ext.key_usage
    }

    /// Whether the subject and issuer names match (RFC 5280 §6.1: "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.subject.matches(&self.issuer)
    }
}

/// The signature AlgorithmIdentifiers CAs actually emit, recognised by their exact DER
/// (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3); anything else is decoded by careid-crypto,
/// which has the final say on what is supported.
pub(crate) fn signature_algorithm(der: &[u8]) -> Result<SignatureAlgorithm, careid_crypto::Error> {
    const RSA: [u8; 15] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
    ];
    const ECDSA: [u8; 12] = [
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    ];
    match der {
        [prefix @ .., last, 0x05, 0x00] if prefix.len() == 12 && *prefix == RSA[..12] => match last
        {
            0x0b => return Ok(SignatureAlgorithm::Rs256),
            0x0c => return Ok(SignatureAlgorithm::Rs384),
            0x0d => return Ok(SignatureAlgorithm::Rs512),
            _ => {}
        },
        [prefix @ .., last] if prefix.len() == 11 && *prefix == ECDSA[..11] => match last {
            0x02 => return Ok(SignatureAlgorithm::Es256),
            0x03 => return Ok(SignatureAlgorithm::Es384),
            _ => {}
        },
        [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70] => return Ok(SignatureAlgorithm::EdDsa),
        _ => {}
    }
    SignatureAlgorithm::from_x509_der(der)
}

fn check_serial(serial: &[u8], leniency: Leniency) -> Result<(), Error> {
    asn1::check_integer(serial).map_err(cert_der("serialNumber"))?;
    let digits = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    if digits.len() > 20 {
        return Err(bad_cert(Malformed::SerialNumberTooLong {
            len: serial.len(),
        }));
    }
    if leniency.nonpositive_serials {
        return Ok(());
    }
    match serial {
        [b, ..] if b & 0x80 != 0 => Err(bad_cert(Malformed::NegativeSerialNumber)),
        [0] => Err(bad_cert(Malformed::ZeroSerialNumber)),
        _ => Ok(()),
    }
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey
/// BIT STRING }`: the shape only; the key is imported when it verifies something.
fn check_spki(content: &[u8]) -> der::Result<()> {
    let mut r = Reader::new(content)?;
    let mut alg = r.sequence()?;
    alg.oid_bytes()?;
    if !alg.is_empty() {
        alg.tlv()?;
    }
    alg.finish()?;
    asn1::bit_string(r.value(tag::BIT_STRING)?)?;
    r.finish()
}

/// Reads a `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }`.
pub(crate) fn read_time(
    r: &mut Reader<'_>,
    field: &'static str,
    leniency: Leniency,
) -> Result<Time, Error> {
    let tlv = r.tlv().map_err(cert_der(field))?;
    decode_time(tlv, field, leniency).map_err(bad_cert)
}

pub(crate) fn decode_time(
    tlv: Tlv<'_>,
    field: &'static str,
    leniency: Leniency,
) -> Result<Time, Malformed> {
    match tlv.tag {
        tag::UTC_TIME => Time::from_utc_time(tlv.value).ok_or(Malformed::BadTime { field }),
        tag::GENERALIZED_TIME => {
            let t = Time::from_generalized_time(tlv.value).ok_or(Malformed::BadTime { field })?;
            if t.year() < 2050 && !leniency.generalized_time_before_2050 {
                return Err(Malformed::WrongTimeType { field });
            }
            Ok(t)
        }
        _ => Err(Malformed::BadTime { field }),
    }
}

impl<'a> Extensions<'a> {
    /// `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` inside `[3] EXPLICIT`.
    fn parse(explicit: &'a [u8]) -> Result<Self, Error> {
        let list =
            asn1::parse_one_primitive(explicit, tag::SEQUENCE).map_err(cert_der("Extensions"))?;
        let mut exts = Reader::new(list).map_err(cert_der("Extensions"))?;
        if exts.is_empty() {
            return Err(cert_der("Extensions")(Tag::Sequence.length_error().into()));
        }
        let mut out = Self::default();
        // Extension OIDs seen so far: a few on the stack, more on the heap.
        let mut seen_inline: [&[u8]; 12] = [&[]; 12];
        let mut seen_count = 0_usize;
        let mut seen_more: Vec<&[u8]> = Vec::new();
        while !exts.is_empty() {
            let mut ext = exts.sequence().map_err(cert_der("Extension"))?;
            let (oid_bytes, critical, value) =
                read_extension(&mut ext).map_err(cert_der("Extension"))?;
            let oid = oid_for_report(oid_bytes);
            let seen = seen_inline.get(..seen_count).unwrap_or_default();
            if seen.contains(&oid_bytes) || seen_more.contains(&oid_bytes) {
                return Err(bad_cert(Malformed::DuplicateExtension { oid: oid() }));
            }
            match seen_inline.get_mut(seen_count) {
                Some(slot) => {
                    *slot = oid_bytes;
                    seen_count += 1;
                }
                None => seen_more.push(oid_bytes),
            }
            let bad = |error: der::Error| bad_cert(Malformed::BadExtension { oid: oid(), error });
            let bad_value = || bad_cert(Malformed::BadExtensionValue { oid: oid() });
            match oid_bytes {
                b if b == oids::BASIC_CONSTRAINTS.as_bytes() => {
                    out.basic_constraints = Some(basic_constraints(value).map_err(bad)?);
                }
                b if b == oids::KEY_USAGE.as_bytes() => {
                    let ku = asn1::parse_one_primitive(value, tag::BIT_STRING)
                        .and_then(asn1::bit_string)
                        .map_err(bad)?;
                    let ku = KeyUsage::from_bit_string(ku.1);
                    if ku.is_empty() {
                        return Err(bad_value());
                    }
                    out.key_usage = Some(ku);
                }
                b if b == oids::EXT_KEY_USAGE.as_bytes() => {
                    let ekus = eku_content(value).map_err(bad)?;
                    if ekus.is_empty() {
                        return Err(bad_value());
                    }
                    out.ext_key_usage = Some(ekus);
                }
                b if b == oids::SUBJECT_ALT_NAME.as_bytes() => {
                    let names = asn1::parse_one_primitive(value, tag::SEQUENCE)
                        .and_then(general_names)
                        .map_err(bad)?;
                    out.subject_alt_name = Some(names);
                }
                b if b == oids::ISSUER_ALT_NAME.as_bytes() => {
                    asn1::parse_one_primitive(value, tag::SEQUENCE)
                        .and_then(general_names)
                        .map_err(bad)?;
                }
                b if b == oids::NAME_CONSTRAINTS.as_bytes() => {
                    let nc = name_constraints(value).map_err(bad)?;
                    match nc {
                        Some(nc) => out.name_constraints = Some(nc),
                        None => return Err(bad_value()),
                    }
                }
                b if b == oids::CERTIFICATE_POLICIES.as_bytes() => {
                    let policies = certificate_policies(value).map_err(bad)?;
                    let mut sorted = policies.clone();
                    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                    sorted.dedup();
                    if policies.is_empty() || sorted.len() != policies.len() {
                        return Err(bad_value());
                    }
                    out.policies = Some(policies);
                }
                b if b == oids::POLICY_MAPPINGS.as_bytes() => {
                    let maps = policy_mappings(value).map_err(bad)?;
                    if maps.is_empty() {
                        return Err(bad_value());
                    }
                    out.policy_mappings = Some(maps);
                }
                b if b == oids::POLICY_CONSTRAINTS.as_bytes() => {
                    let pc = policy_constraints(value).map_err(bad)?;
                    if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                        return Err(bad_value());
                    }
                    out.policy_constraints = Some(pc);
                }
                b if b == oids::INHIBIT_ANY_POLICY.as_bytes() => {
                    let n = asn1::parse_one_primitive(value, tag::INTEGER)
                        .and_then(asn1::small_uint)
                        .map_err(bad)?;
                    out.inhibit_any_policy = Some(n);
                }
                b if b == oids::CRL_DISTRIBUTION_POINTS.as_bytes() => {
                    out.crl_distribution_points = Some(distribution_points(value).map_err(bad)?);
                }
                b if b == oids::FRESHEST_CRL.as_bytes() => {
                    out.freshest_crl = Some(distribution_points(value).map_err(bad)?);
                }
                b if b == oids::AUTHORITY_KEY_ID.as_bytes() => {
                    out.authority_key_id = authority_key_id(value).map_err(bad)?;
                }
                b if b == oids::SUBJECT_KEY_ID.as_bytes() => {
                    out.subject_key_id =
                        Some(asn1::parse_one_primitive(value, tag::OCTET_STRING).map_err(bad)?);
                }
                _ => {
                    if critical && out.unknown_critical.is_none() {
                        out.unknown_critical = Some(decode_oid(oid_bytes)?);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// An OID already checked by [`asn1::check_oid`]; decoding it cannot fail in practice, but a
/// failure is still a typed error.
fn decode_oid(bytes: &[u8]) -> Result<ObjectIdentifier, Error> {
    ObjectIdentifier::from_bytes(bytes).map_err(|_| cert_der("Extension")(tag_error(tag::OID)))
}

fn tag_error(_: u8) -> der::Error {
    Tag::ObjectIdentifier.value_error().into()
}

/// The OID to name in an error report, decoded only when a report is made (OIDs that
/// `const-oid` cannot represent are reported as 0.0).
fn oid_for_report(bytes: &[u8]) -> impl Fn() -> ObjectIdentifier + '_ {
    move || ObjectIdentifier::from_bytes(bytes).unwrap_or(ObjectIdentifier::new_unwrap("0.0"))
}

/// `Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
/// extnValue OCTET STRING }`; an explicit FALSE is not DER. The OID is returned as its
/// content octets.
pub(crate) fn read_extension<'a>(ext: &mut Reader<'a>) -> der::Result<(&'a [u8], bool, &'a [u8])> {
    let oid = ext.oid_bytes()?;
    let critical = if ext.peek_tag() == Some(tag::BOOLEAN) {
        if !ext.boolean()? {
            return Err(Tag::Boolean.non_canonical_error().into());
        }
        true
    } else {
        false
    };
    let value = ext.value(tag::OCTET_STRING)?;
    ext.finish()?;
    Ok((oid, critical, value))
}

fn basic_constraints(value: &[u8]) -> der::Result<BasicConstraints> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let ca = if r.peek_tag() == Some(tag::BOOLEAN) {
            if !r.boolean()? {
                return Err(Tag::Boolean.non_canonical_error().into());
            }
            true
        } else {
            false
        };
        let path_len = match r.optional(tag::INTEGER)? {
            Some(tlv) => Some(asn1::small_uint(tlv.value)?),
            None => None,
        };
        Ok(BasicConstraints { ca, path_len })
    })
}

/// `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId`: the SEQUENCE content, each
/// OID checked.
fn eku_content(value: &[u8]) -> der::Result<&[u8]> {
    let content = asn1::parse_one_primitive(value, tag::SEQUENCE)?;
    let mut r = Reader::new(content)?;
    while !r.is_empty() {
        r.oid_bytes()?;
    }
    Ok(content)
}

/// Whether an extendedKeyUsage content (from [`eku_content`]) lists `oid`.
pub(crate) fn eku_contains(content: &[u8], oid: ObjectIdentifier) -> bool {
    let Ok(mut r) = Reader::new(content) else {
        return false;
    };
    while let Ok(o) = r.oid_bytes() {
        if o == oid.as_bytes() {
            return true;
        }
    }
    false
}

/// `GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0,
/// maximum [1] BaseDistance OPTIONAL }`. `None` when a subtree uses minimum/maximum, or the
/// extension is empty (RFC 5280 §4.2.1.10 forbids both).
fn name_constraints(value: &[u8]) -> der::Result<Option<NameConstraints<'_>>> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let mut nc = NameConstraints::default();
        let mut ok = true;
        if let Some(p) = r.optional(context(0, true))? {
            nc.permitted = Some(subtrees(p.value, &mut ok)?);
        }
        if let Some(e) = r.optional(context(1, true))? {
            nc.excluded = subtrees(e.value, &mut ok)?;
        }
        if nc.permitted.is_none() && nc.excluded.is_empty() {
            ok = false;
        }
        Ok(ok.then_some(nc))
    })
}

/// `GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree`, IMPLICIT-tagged content.
fn subtrees<'a>(content: &'a [u8], ok: &mut bool) -> der::Result<Vec<GeneralName<'a>>> {
    let mut st = Reader::new(content)?;
    let mut out = Vec::new();
    while !st.is_empty() {
        let mut s = st.sequence()?;
        out.push(GeneralName::parse(s.tlv()?)?);
        if !s.is_empty() {
            *ok = false;
            while !s.is_empty() {
                s.tlv()?;
            }
        }
    }
    if out.is_empty() {
        *ok = false;
    }
    Ok(out)
}

/// `certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation`;
/// `PolicyInformation ::= SEQUENCE { policyIdentifier CertPolicyId, policyQualifiers
/// SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }`. Qualifiers are checked for
/// shape and otherwise ignored (RFC 5280 §4.2.1.4 allows that).
fn certificate_policies(value: &[u8]) -> der::Result<Vec<ObjectIdentifier>> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let mut out = Vec::new();
        while !r.is_empty() {
            let mut info = r.sequence()?;
            out.push(info.oid()?);
            if let Some(q) = info.optional(tag::SEQUENCE)? {
                let mut qs = Reader::new(q.value)?;
                if qs.is_empty() {
                    return Err(Tag::Sequence.length_error().into());
                }
                while !qs.is_empty() {
                    let mut pq = qs.sequence()?;
                    pq.oid()?;
                    if !pq.is_empty() {
                        pq.tlv()?;
                    }
                    pq.finish()?;
                }
            }
            info.finish()?;
        }
        Ok(out)
    })
}

/// `PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy CertPolicyId,
/// subjectDomainPolicy CertPolicyId }` (RFC 5280 §4.2.1.5)
fn policy_mappings(value: &[u8]) -> der::Result<Vec<(ObjectIdentifier, ObjectIdentifier)>> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let mut out = Vec::new();
        while !r.is_empty() {
            let mut m = r.sequence()?;
            let issuer = m.oid()?;
            let subject = m.oid()?;
            m.finish()?;
            out.push((issuer, subject));
        }
        Ok(out)
    })
}

fn policy_constraints(value: &[u8]) -> der::Result<PolicyConstraints> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let require = match r.optional(context(0, false))? {
            Some(t) => Some(asn1::small_uint(t.value)?),
            None => None,
        };
        let inhibit = match r.optional(context(1, false))? {
            Some(t) => Some(asn1::small_uint(t.value)?),
            None => None,
        };
        Ok(PolicyConstraints {
            require_explicit_policy: require,
            inhibit_policy_mapping: inhibit,
        })
    })
}

/// `CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint` (RFC 5280
/// §4.2.1.13); also freshestCRL (§4.2.1.15).
fn distribution_points(value: &[u8]) -> der::Result<Vec<DistributionPoint<'_>>> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let mut out = Vec::new();
        while !r.is_empty() {
            let mut dp = r.sequence()?;
            let name = match dp.optional(context(0, true))? {
                Some(t) => Some(distribution_point_name(t.value)?),
                None => None,
            };
            let reasons = match dp.optional(context(1, false))? {
                Some(t) => Some(named_bits(asn1::bit_string(t.value)?.1)),
                None => None,
            };
            let crl_issuer = match dp.optional(context(2, true))? {
                Some(t) => Some(general_names(t.value)?),
                None => None,
            };
            dp.finish()?;
            if name.is_none() && crl_issuer.is_none() {
                return Err(Tag::Sequence.value_error().into());
            }
            out.push(DistributionPoint {
                name,
                reasons,
                crl_issuer,
            });
        }
        if out.is_empty() {
            return Err(Tag::Sequence.length_error().into());
        }
        Ok(out)
    })
}

/// The content of `[0] DistributionPointName` (EXPLICIT, as a CHOICE).
pub(crate) fn distribution_point_name(content: &[u8]) -> der::Result<DistributionPointName<'_>> {
    let mut r = Reader::new(content)?;
    let tlv = r.tlv()?;
    r.finish()?;
    if tlv.tag == context(0, true) {
        Ok(DistributionPointName::Full(general_names(tlv.value)?))
    } else if tlv.tag == context(1, true) {
        // The content of an RDN (SET OF AttributeTypeAndValue), IMPLICIT-tagged.
        let mut atvs = Reader::new(tlv.value)?;
        if atvs.is_empty() {
            return Err(Tag::Set.length_error().into());
        }
        while !atvs.is_empty() {
            let mut atv = atvs.sequence()?;
            atv.oid()?;
            atv.tlv()?;
            atv.finish()?;
        }
        Ok(DistributionPointName::Relative(tlv.value))
    } else {
        Err(asn1::unexpected(tlv.tag, None))
    }
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
/// authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2]
/// CertificateSerialNumber OPTIONAL }` (RFC 5280 §4.2.1.1)
pub(crate) fn authority_key_id(value: &[u8]) -> der::Result<Option<&[u8]>> {
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let key_id = r.optional(context(0, false))?.map(|t| t.value);
        if let Some(t) = r.optional(context(1, true))? {
            general_names(t.value)?;
        }
        if let Some(t) = r.optional(context(2, false))? {
            asn1::check_integer(t.value)?;
        }
        Ok(key_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_algorithm_table_agrees_with_careid_crypto() {
        let cases: [&[u8]; 7] = [
            &[
                0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
                0x00,
            ],
            &[
                0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05,
                0x00,
            ],
            &[
                0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05,
                0x00,
            ],
            &[
                0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
            ],
            &[
                0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
            ],
            &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70],
            // sha1WithRSAEncryption: not in the table, refused by careid-crypto.
            &[
                0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05,
                0x00,
            ],
        ];
        for der in cases {
            assert_eq!(
                signature_algorithm(der),
                SignatureAlgorithm::from_x509_der(der),
                "{der:02x?}"
            );
        }
        assert!(signature_algorithm(cases[6]).is_err());
    }
}
