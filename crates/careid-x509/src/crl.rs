//! Certificate revocation lists (RFC 5280 §5), decoded once and kept for many validations.

use crate::asn1::tag;
use crate::asn1::{self, Reader, context};
use crate::cert::{
    DistributionPointName, Leniency, decode_time, distribution_point_name, read_extension,
};
use crate::error::Malformed;
use crate::name::{GeneralName, Name, general_names};
use crate::usage::named_bits;
use crate::{Error, Time, oids};
use careid_crypto::SignatureAlgorithm;
use der::Tag;
use der::oid::ObjectIdentifier;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// A revocation reason (RFC 5280 §5.3.1).
///
/// ```text
/// CRLReason ::= ENUMERATED {
///      unspecified             (0),
///      keyCompromise           (1),
///      cACompromise            (2),
///      affiliationChanged      (3),
///      superseded              (4),
///      cessationOfOperation    (5),
///      certificateHold         (6),
///           -- value 7 is not used
///      removeFromCRL           (8),
///      privilegeWithdrawn      (9),
///      aACompromise           (10) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationReason {
    /// unspecified (0), also used when an entry has no reasonCode.
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    /// certificateHold (6): careid treats a held certificate as revoked.
    CertificateHold,
    /// removeFromCRL (8): only in delta CRLs, un-revokes a held certificate.
    RemoveFromCrl,
    /// privilegeWithdrawn (9).
    PrivilegeWithdrawn,
    /// aACompromise (10).
    AaCompromise,
}

impl RevocationReason {
    fn from_code(code: u8) -> Result<Self, Malformed> {
        Ok(match code {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            code => return Err(Malformed::UnknownReasonCode { code }),
        })
    }
}

/// Every reason a ReasonFlags can name (bits 1-8).
pub(crate) const ALL_REASONS: u16 = 0x1fe;

impl core::fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "cACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::CertificateHold => "certificateHold",
            Self::RemoveFromCrl => "removeFromCRL",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
            Self::AaCompromise => "aACompromise",
        })
    }
}

/// A decoded CRL (RFC 5280 §5.1). It owns its DER; its signature is checked when a
/// validation uses it, against a key that may sign CRLs for its issuer (§6.3.3(f)-(g)).
///
/// ```text
/// CertificateList  ::=  SEQUENCE  {
///      tbsCertList          TBSCertList,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
/// ```
///
/// Cloning is cheap (the data is shared).
#[derive(Clone)]
pub struct Crl {
    inner: Arc<CrlData>,
}

struct CrlData {
    der: Box<[u8]>,
    tbs: Range<usize>,
    signature: Range<usize>,
    algorithm: Result<SignatureAlgorithm, careid_crypto::Error>,
    issuer: Range<usize>,
    this_update: Time,
    next_update: Option<Time>,
    crl_number: Option<Range<usize>>,
    delta_base: Option<Range<usize>>,
    idp: Option<Idp>,
    authority_key_id: Option<Range<usize>>,
    /// Sorted by serial.
    entries: Vec<Entry>,
    unsupported_critical: bool,
    /// SubjectPublicKeyInfos (DER) this CRL's signature has verified under.
    verified_by: Mutex<Vec<Box<[u8]>>>,
}

struct Idp {
    whole: Range<usize>,
    name: Option<Range<usize>>,
    only_user: bool,
    only_ca: bool,
    only_some_reasons: Option<u16>,
    indirect: bool,
    only_attribute: bool,
}

struct Entry {
    serial: Range<usize>,
    date: Time,
    reason: Option<RevocationReason>,
    /// GeneralNames content of the effective certificateIssuer (carried forward, §5.3.3).
    certificate_issuer: Option<Range<usize>>,
}

/// What a CRL says about one certificate.
pub(crate) struct Listing {
    pub(crate) reason: RevocationReason,
    pub(crate) date: Time,
}

/// The scope of a CRL (its issuingDistributionPoint, RFC 5280 §5.2.5), borrowed.
pub(crate) struct Scope<'a> {
    pub(crate) name: Option<DistributionPointName<'a>>,
    pub(crate) only_user: bool,
    pub(crate) only_ca: bool,
    pub(crate) only_some_reasons: Option<u16>,
    pub(crate) indirect: bool,
    pub(crate) only_attribute: bool,
}

fn crl_der(structure: &'static str) -> impl Fn(der::Error) -> Error {
    move |error| Error::BadCrl {
        reason: Malformed::Der { structure, error },
    }
}

fn bad(reason: Malformed) -> Error {
    Error::BadCrl { reason }
}

fn range_of(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = inner.as_ptr().addr().saturating_sub(outer.as_ptr().addr());
    start..start + inner.len()
}

impl Crl {
    /// Decodes a DER CRL (RFC 5280 §5.1). Refused: anything but strict DER; a version other
    /// than v2 when extensions are present; inner and outer signature algorithms that differ
    /// (§5.1.1.2); an empty issuer (§5.1.2.3); a reason code §5.3.1 does not define; a
    /// critical cRLNumber (§5.2.3); duplicate extensions. An unrecognised critical CRL or
    /// entry extension does not refuse the CRL here, but makes it unusable for revocation
    /// checking (§5.2, §5.3).
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let owned: Box<[u8]> = der.into();
        let data = parse(&owned)?;
        Ok(Self {
            inner: Arc::new(CrlData { der: owned, ..data }),
        })
    }

    fn slice(&self, range: &Range<usize>) -> &[u8] {
        self.inner.der.get(range.clone()).unwrap_or_default()
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.inner.der
    }

    /// The issuer name.
    pub fn issuer(&self) -> Name<'_> {
        Name::from_der(self.slice(&self.inner.issuer)).unwrap_or(Name::EMPTY)
    }

    /// thisUpdate.
    pub fn this_update(&self) -> Time {
        self.inner.this_update
    }

    /// nextUpdate, if present (careid treats a CRL without one as never fresh).
    pub fn next_update(&self) -> Option<Time> {
        self.inner.next_update
    }

    /// Number of revoked certificates listed.
    pub fn revoked_count(&self) -> usize {
        self.inner.entries.len()
    }

    /// Whether it is a delta CRL (deltaCRLIndicator, RFC 5280 §5.2.4).
    pub fn is_delta(&self) -> bool {
        self.inner.delta_base.is_some()
    }

    /// The cRLNumber, as INTEGER content octets.
    pub(crate) fn crl_number(&self) -> Option<&[u8]> {
        self.inner.crl_number.as_ref().map(|r| self.slice(r))
    }

    /// The BaseCRLNumber of a delta CRL.
    pub(crate) fn delta_base(&self) -> Option<&[u8]> {
        self.inner.delta_base.as_ref().map(|r| self.slice(r))
    }

    pub(crate) fn unsupported_critical(&self) -> bool {
        self.inner.unsupported_critical
    }

    pub(crate) fn authority_key_id(&self) -> Option<&[u8]> {
        self.inner.authority_key_id.as_ref().map(|r| self.slice(r))
    }

    /// The issuingDistributionPoint DER, for comparing the scopes of a complete and a
    /// delta CRL.
    pub(crate) fn idp_der(&self) -> Option<&[u8]> {
        self.inner.idp.as_ref().map(|i| self.slice(&i.whole))
    }

    pub(crate) fn scope(&self) -> Scope<'_> {
        match &self.inner.idp {
            None => Scope {
                name: None,
                only_user: false,
                only_ca: false,
                only_some_reasons: None,
                indirect: false,
                only_attribute: false,
            },
            Some(idp) => Scope {
                name: idp
                    .name
                    .as_ref()
                    .and_then(|r| distribution_point_name(self.slice(r)).ok()),
                only_user: idp.only_user,
                only_ca: idp.only_ca,
                only_some_reasons: idp.only_some_reasons,
                indirect: idp.indirect,
                only_attribute: idp.only_attribute,
            },
        }
    }

    /// Verifies the CRL signature with `key` (from the SubjectPublicKeyInfo `spki`), caching
    /// success per key. The caller's allow-list is checked on every call, cached or not: the
    /// CRL may be shared by validators that allow different algorithms.
    pub(crate) fn verify_signature(
        &self,
        spki: &[u8],
        key: &careid_crypto::PublicKey,
        allowed: careid_crypto::AlgorithmSet,
    ) -> Result<(), careid_crypto::Error> {
        let algorithm = self.inner.algorithm.clone()?;
        allowed.check(algorithm)?;
        if let Ok(done) = self.inner.verified_by.lock()
            && done.iter().any(|k| **k == *spki)
        {
            return Ok(());
        }
        key.verify(
            allowed,
            algorithm,
            careid_crypto::SignatureFormat::Der,
            self.slice(&self.inner.tbs),
            self.slice(&self.inner.signature),
        )?;
        if let Ok(mut done) = self.inner.verified_by.lock() {
            done.push(spki.into());
        }
        Ok(())
    }

    /// Looks up `serial` issued by `cert_issuer`. In an indirect CRL an entry applies to the
    /// certificates of the issuer its (carried-forward) certificateIssuer names, and to the
    /// CRL issuer's own before the first certificateIssuer (RFC 5280 §5.3.3).
    pub(crate) fn lookup(&self, serial: &[u8], cert_issuer: &Name<'_>) -> Option<Listing> {
        let entries = &self.inner.entries;
        let first = entries.partition_point(|e| self.slice(&e.serial) < serial);
        let crl_issuer = self.issuer();
        entries
            .get(first..)?
            .iter()
            .take_while(|e| self.slice(&e.serial) == serial)
            .find(|e| match &e.certificate_issuer {
                None => crl_issuer.matches(cert_issuer),
                Some(r) => general_names(self.slice(r)).is_ok_and(|names| {
                    names.iter().any(|n| match n {
                        GeneralName::Directory(d) => d.matches(cert_issuer),
                        _ => false,
                    })
                }),
            })
            .map(|e| Listing {
                reason: e.reason.unwrap_or(RevocationReason::Unspecified),
                date: e.date,
            })
    }

    pub(crate) fn same_as(&self, other: &Crl) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl core::fmt::Debug for Crl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Crl")
            .field("issuer", &self.issuer())
            .field("this_update", &self.inner.this_update)
            .field("next_update", &self.inner.next_update)
            .field("revoked", &self.inner.entries.len())
            .finish_non_exhaustive()
    }
}

/// The CRLs a validation may use. Build one when CRLs are fetched and share it (cheaply
/// cloned) across validations; a [`ValidationCache`](crate::ValidationCache) treats a
/// different set (any CRL added, removed or replaced) as a reason to validate afresh.
#[derive(Clone, Debug, Default)]
pub struct CrlSet {
    crls: Vec<Crl>,
}

impl CrlSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes each CRL and collects them.
    pub fn from_der<T: AsRef<[u8]>>(crls: &[T]) -> Result<Self, Error> {
        let crls = crls
            .iter()
            .map(|der| Crl::from_der(der.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { crls })
    }

    /// Adds a decoded CRL.
    pub fn push(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    /// The CRLs.
    pub fn iter(&self) -> impl Iterator<Item = &Crl> {
        self.crls.iter()
    }

    /// How many CRLs there are.
    pub fn len(&self) -> usize {
        self.crls.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty()
    }

    /// Whether both sets hold the very same decoded CRLs, in the same order.
    pub(crate) fn same_as(&self, other: &CrlSet) -> bool {
        self.crls.len() == other.crls.len()
            && self.crls.iter().zip(&other.crls).all(|(a, b)| a.same_as(b))
    }
}

/// ```text
/// TBSCertList  ::=  SEQUENCE  {
///      version                 Version OPTIONAL, -- if present, MUST be v2
///      signature               AlgorithmIdentifier,
///      issuer                  Name,
///      thisUpdate              Time,
///      nextUpdate              Time OPTIONAL,
///      revokedCertificates     SEQUENCE OF SEQUENCE  {
///           userCertificate         CertificateSerialNumber,
///           revocationDate          Time,
///           crlEntryExtensions      Extensions OPTIONAL } OPTIONAL,
///      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
/// ```
fn parse(der: &[u8]) -> Result<CrlData, Error> {
    let lenient = Leniency::default();
    let mut outer = Reader::new(der).map_err(crl_der("CertificateList"))?;
    let mut list = outer.sequence().map_err(crl_der("CertificateList"))?;
    outer.finish().map_err(crl_der("CertificateList"))?;
    let tbs = list.expect(tag::SEQUENCE).map_err(crl_der("TBSCertList"))?;
    let outer_alg = list
        .expect(tag::SEQUENCE)
        .map_err(crl_der("AlgorithmIdentifier"))?;
    let sig = list
        .value(tag::BIT_STRING)
        .map_err(crl_der("signatureValue"))?;
    list.finish().map_err(crl_der("CertificateList"))?;
    let signature = match asn1::bit_string(sig).map_err(crl_der("signatureValue"))? {
        (0, bytes) => bytes,
        _ => {
            return Err(crl_der("signatureValue")(
                Tag::BitString.value_error().into(),
            ));
        }
    };

    let mut t = Reader::new(tbs.value).map_err(crl_der("TBSCertList"))?;
    let version = match t.optional(tag::INTEGER).map_err(crl_der("version"))? {
        Some(v) => {
            if asn1::small_uint(v.value).map_err(crl_der("version"))? != 1 {
                return Err(bad(Malformed::VersionMismatch));
            }
            2
        }
        None => 1,
    };
    let inner_alg = t
        .expect(tag::SEQUENCE)
        .map_err(crl_der("AlgorithmIdentifier"))?;
    if inner_alg.whole != outer_alg.whole {
        return Err(bad(Malformed::SignatureAlgorithmMismatch));
    }
    let issuer = Name::parse(t.tlv().map_err(crl_der("issuer"))?).map_err(crl_der("issuer"))?;
    if issuer.is_empty() {
        return Err(bad(Malformed::EmptyIssuer));
    }
    let this_update = decode_time(
        t.tlv().map_err(crl_der("thisUpdate"))?,
        "thisUpdate",
        lenient,
    )
    .map_err(bad)?;
    let next_update = match t.peek_tag() {
        Some(tag::UTC_TIME | tag::GENERALIZED_TIME) => Some(
            decode_time(
                t.tlv().map_err(crl_der("nextUpdate"))?,
                "nextUpdate",
                lenient,
            )
            .map_err(bad)?,
        ),
        _ => None,
    };
    let mut entries = Vec::new();
    let mut unsupported_critical = false;
    if let Some(revoked) = t
        .optional(tag::SEQUENCE)
        .map_err(crl_der("revokedCertificates"))?
    {
        let mut r = Reader::new(revoked.value).map_err(crl_der("revokedCertificates"))?;
        let mut issuer_names: Option<Range<usize>> = None;
        while !r.is_empty() {
            let mut e = r.sequence().map_err(crl_der("RevokedCertificate"))?;
            let serial = e.value(tag::INTEGER).map_err(crl_der("userCertificate"))?;
            asn1::check_integer(serial).map_err(crl_der("userCertificate"))?;
            let date = decode_time(
                e.tlv().map_err(crl_der("revocationDate"))?,
                "revocationDate",
                lenient,
            )
            .map_err(bad)?;
            let mut reason = None;
            if let Some(exts) = e
                .optional(tag::SEQUENCE)
                .map_err(crl_der("crlEntryExtensions"))?
            {
                if version != 2 {
                    return Err(bad(Malformed::VersionMismatch));
                }
                let mut seen = Vec::new();
                let mut x = Reader::new(exts.value).map_err(crl_der("crlEntryExtensions"))?;
                if x.is_empty() {
                    return Err(crl_der("crlEntryExtensions")(
                        Tag::Sequence.length_error().into(),
                    ));
                }
                while !x.is_empty() {
                    let mut ext = x.sequence().map_err(crl_der("Extension"))?;
                    let (oid_bytes, critical, value) =
                        read_extension(&mut ext).map_err(crl_der("Extension"))?;
                    let oid = ObjectIdentifier::from_bytes(oid_bytes).map_err(|_| {
                        crl_der("Extension")(Tag::ObjectIdentifier.value_error().into())
                    })?;
                    if seen.contains(&oid) {
                        return Err(bad(Malformed::DuplicateExtension { oid }));
                    }
                    seen.push(oid);
                    let ext_err = |error| bad(Malformed::BadExtension { oid, error });
                    match oid {
                        oids::CRL_REASON => {
                            let code = asn1::parse_one_primitive(value, tag::ENUMERATED)
                                .and_then(asn1::small_uint)
                                .map_err(ext_err)?;
                            let code = u8::try_from(code)
                                .map_err(|_| bad(Malformed::UnknownReasonCode { code: u8::MAX }))?;
                            reason = Some(RevocationReason::from_code(code).map_err(bad)?);
                        }
                        oids::INVALIDITY_DATE => {
                            asn1::parse_one_primitive(value, tag::GENERALIZED_TIME)
                                .map_err(ext_err)?;
                        }
                        oids::HOLD_INSTRUCTION_CODE => {
                            asn1::parse_one_primitive(value, tag::OID).map_err(ext_err)?;
                        }
                        oids::CERTIFICATE_ISSUER => {
                            let names =
                                asn1::parse_one_primitive(value, tag::SEQUENCE).map_err(ext_err)?;
                            general_names(names).map_err(ext_err)?;
                            issuer_names = Some(range_of(der, names));
                        }
                        _ => {
                            if critical {
                                unsupported_critical = true;
                            }
                        }
                    }
                }
            }
            e.finish().map_err(crl_der("RevokedCertificate"))?;
            entries.push(Entry {
                serial: range_of(der, serial),
                date,
                reason,
                certificate_issuer: issuer_names.clone(),
            });
        }
    }

    let mut crl_number = None;
    let mut delta_base = None;
    let mut idp = None;
    let mut authority_key_id = None;
    if let Some(exts) = t
        .optional(context(0, true))
        .map_err(crl_der("crlExtensions"))?
    {
        if version != 2 {
            return Err(bad(Malformed::VersionMismatch));
        }
        let list = asn1::parse_one_primitive(exts.value, tag::SEQUENCE)
            .map_err(crl_der("crlExtensions"))?;
        let mut x = Reader::new(list).map_err(crl_der("crlExtensions"))?;
        if x.is_empty() {
            return Err(crl_der("crlExtensions")(
                Tag::Sequence.length_error().into(),
            ));
        }
        let mut seen = Vec::new();
        while !x.is_empty() {
            let mut ext = x.sequence().map_err(crl_der("Extension"))?;
            let (oid_bytes, critical, value) =
                read_extension(&mut ext).map_err(crl_der("Extension"))?;
            let oid = ObjectIdentifier::from_bytes(oid_bytes)
                .map_err(|_| crl_der("Extension")(Tag::ObjectIdentifier.value_error().into()))?;
            if seen.contains(&oid) {
                return Err(bad(Malformed::DuplicateExtension { oid }));
            }
            seen.push(oid);
            let ext_err = |error| bad(Malformed::BadExtension { oid, error });
            match oid {
                oids::CRL_NUMBER => {
                    if critical {
                        return Err(bad(Malformed::BadExtensionValue { oid }));
                    }
                    let n = asn1::parse_one_primitive(value, tag::INTEGER).map_err(ext_err)?;
                    crl_number_check(n).map_err(|()| bad(Malformed::BadExtensionValue { oid }))?;
                    crl_number = Some(range_of(der, n));
                }
                oids::DELTA_CRL_INDICATOR => {
                    let n = asn1::parse_one_primitive(value, tag::INTEGER).map_err(ext_err)?;
                    crl_number_check(n).map_err(|()| bad(Malformed::BadExtensionValue { oid }))?;
                    delta_base = Some(range_of(der, n));
                }
                oids::ISSUING_DISTRIBUTION_POINT => {
                    idp = Some(parse_idp(der, value).map_err(ext_err)?);
                }
                oids::AUTHORITY_KEY_ID => {
                    authority_key_id = crate::cert::authority_key_id(value)
                        .map_err(ext_err)?
                        .map(|k| range_of(der, k));
                }
                oids::ISSUER_ALT_NAME => {
                    asn1::parse_one_primitive(value, tag::SEQUENCE)
                        .and_then(|n| general_names(n).map(|_| ()))
                        .map_err(ext_err)?;
                }
                oids::FRESHEST_CRL => {}
                _ => {
                    if critical {
                        unsupported_critical = true;
                    }
                }
            }
        }
    }
    t.finish().map_err(crl_der("TBSCertList"))?;
    entries.sort_by(|a, b| der.get(a.serial.clone()).cmp(&der.get(b.serial.clone())));

    Ok(CrlData {
        der: Box::default(),
        tbs: range_of(der, tbs.whole),
        signature: range_of(der, signature),
        algorithm: crate::cert::signature_algorithm(outer_alg.whole),
        issuer: range_of(der, issuer.der()),
        this_update,
        next_update,
        crl_number,
        delta_base,
        idp,
        authority_key_id,
        entries,
        unsupported_critical,
        verified_by: Mutex::new(Vec::new()),
    })
}

/// `CRLNumber ::= INTEGER (0..MAX)`, at most 20 octets (RFC 5280 §5.2.3).
fn crl_number_check(n: &[u8]) -> Result<(), ()> {
    asn1::check_integer(n).map_err(|_| ())?;
    match n {
        [b, ..] if b & 0x80 != 0 => Err(()),
        _ if n.len() > 21 => Err(()),
        _ => Ok(()),
    }
}

/// ```text
/// IssuingDistributionPoint ::= SEQUENCE {
///      distributionPoint          [0] DistributionPointName OPTIONAL,
///      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
///      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
///      onlySomeReasons            [3] ReasonFlags OPTIONAL,
///      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
///      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
/// ```
/// (RFC 5280 §5.2.5)
fn parse_idp(der: &[u8], value: &[u8]) -> der::Result<Idp> {
    let whole = range_of(der, value);
    asn1::parse_one(value, tag::SEQUENCE, |r| {
        let name = match r.optional(context(0, true))? {
            Some(t) => {
                distribution_point_name(t.value)?;
                Some(range_of(der, t.value))
            }
            None => None,
        };
        let flag = |r: &mut Reader<'_>, n: u8| -> der::Result<bool> {
            match r.optional(context(n, false))? {
                Some(t) => match t.value {
                    [0xff] => Ok(true),
                    _ => Err(Tag::Boolean.non_canonical_error().into()),
                },
                None => Ok(false),
            }
        };
        let only_user = flag(r, 1)?;
        let only_ca = flag(r, 2)?;
        let only_some_reasons = match r.optional(context(3, false))? {
            Some(t) => Some(named_bits(asn1::bit_string(t.value)?.1)),
            None => None,
        };
        let indirect = flag(r, 4)?;
        let only_attribute = flag(r, 5)?;
        if u8::from(only_user) + u8::from(only_ca) + u8::from(only_attribute) > 1 {
            return Err(Tag::Sequence.value_error().into());
        }
        Ok(Idp {
            whole,
            name,
            only_user,
            only_ca,
            only_some_reasons,
            indirect,
            only_attribute,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::Crl;
    use careid_crypto::{AlgorithmSet, Error, PublicKey, SignatureAlgorithm};

    #[test]
    fn a_cached_crl_signature_still_meets_each_callers_allow_list() {
        let pki = careid_testkit::TestPki::get();
        let fx = careid_testkit::X509Fixtures::get();
        let crl = Crl::from_der(&fx.ca_crl).unwrap();
        let ca = crate::Certificate::from_der(&pki.issuing_ca).unwrap();
        let key = PublicKey::from_spki_der(ca.spki).unwrap();
        crl.verify_signature(ca.spki, &key, AlgorithmSet::ALL)
            .unwrap();
        // Verified and cached for this key; a caller that does not allow RS256 is refused.
        let no_rs256 = AlgorithmSet::ALL.without(SignatureAlgorithm::Rs256);
        assert_eq!(
            crl.verify_signature(ca.spki, &key, no_rs256),
            Err(Error::AlgorithmNotAllowed {
                algorithm: SignatureAlgorithm::Rs256
            })
        );
        crl.verify_signature(ca.spki, &key, AlgorithmSet::ALL)
            .unwrap();
    }
}
