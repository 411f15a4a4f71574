//! Distinguished names (RFC 5280 §4.1.2.4, §7.1) and GeneralNames (§4.2.1.6), with the
//! comparisons that name chaining and name constraints need.

use crate::asn1::tag;
use crate::asn1::{Reader, Tlv, context};
use crate::error::NameForm;
use crate::oids;
use der::Tag;
use der::oid::ObjectIdentifier;
use std::borrow::Cow;

/// A distinguished name, borrowed from the certificate or CRL that carries it.
///
/// ```text
/// Name ::= CHOICE { rdnSequence RDNSequence }
/// RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
/// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
/// AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
/// ```
/// (RFC 5280 §4.1.2.4)
///
/// `Display` renders it in DER order (`C=GB, O=nhs, OU=CA, CN=...`), as OpenSSL does.
#[derive(Clone, Copy)]
pub struct Name<'a> {
    der: &'a [u8],
    value: &'a [u8],
}

/// One AttributeTypeAndValue.
#[derive(Clone, Copy)]
pub(crate) struct Attribute<'a> {
    pub(crate) oid: &'a [u8],
    pub(crate) value: Tlv<'a>,
}

impl Name<'static> {
    /// The empty name (an RDNSequence with no RDN).
    pub(crate) const EMPTY: Self = Self {
        der: &[0x30, 0x00],
        value: &[],
    };
}

impl<'a> Name<'a> {
    /// Decodes and checks a Name given as a whole TLV.
    pub(crate) fn parse(tlv: Tlv<'a>) -> der::Result<Self> {
        if tlv.tag != tag::SEQUENCE {
            return Err(crate::asn1::unexpected(tlv.tag, Some(tag::SEQUENCE)));
        }
        let mut rdns = Reader::new(tlv.value)?;
        while !rdns.is_empty() {
            let set = rdns.value(tag::SET)?;
            let mut atvs = Reader::new(set)?;
            if atvs.is_empty() {
                return Err(Tag::Set.length_error().into());
            }
            while !atvs.is_empty() {
                let mut atv = atvs.sequence()?;
                atv.oid_bytes()?;
                atv.tlv()?;
                atv.finish()?;
            }
        }
        Ok(Self {
            der: tlv.whole,
            value: tlv.value,
        })
    }

    /// Decodes a Name from its DER encoding (the whole SEQUENCE).
    pub(crate) fn from_der(der: &'a [u8]) -> der::Result<Self> {
        let mut r = Reader::new(der)?;
        let name = Self::parse(r.tlv()?)?;
        r.finish()?;
        Ok(name)
    }

    /// A Name from DER that [`Name::parse`] already accepted (a trust anchor's subject):
    /// only the outer header is read again.
    pub(crate) fn from_checked_der(der: &'a [u8]) -> Self {
        let value = Reader::new(der)
            .and_then(|mut r| r.value(tag::SEQUENCE))
            .unwrap_or_default();
        Self { der, value }
    }

    /// The DER encoding of the name.
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// Whether the name has no RDN at all.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// The RDNs, each the content of its SET. The structure was checked by `parse`.
    fn rdns(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut r = Reader::new(self.value).ok();
        core::iter::from_fn(move || {
            let reader = r.as_mut()?;
            if reader.is_empty() {
                return None;
            }
            reader.value(tag::SET).ok()
        })
    }

    /// Every attribute, in order.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        self.rdns().flat_map(rdn_attributes)
    }

    /// The string values of the attributes of type `oid`.
    pub(crate) fn attribute_values(&self, oid: ObjectIdentifier) -> impl Iterator<Item = Tlv<'a>> {
        self.attributes()
            .filter(move |a| a.oid == oid.as_bytes())
            .map(|a| a.value)
    }

    /// Name equality for chaining (RFC 5280 §7.1): the same DER, or the same RDNs where
    /// directory strings compare case-insensitively with whitespace folded (a subset of the
    /// RFC 4518 preparation: case folding and insignificant-space handling).
    pub(crate) fn matches(&self, other: &Name<'_>) -> bool {
        if self.value == other.value {
            return true;
        }
        let mut a = self.rdns();
        let mut b = other.rdns();
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if rdn_equal(x, y) => {}
                _ => return false,
            }
        }
    }

    /// Whether this name equals `base` followed by the RDN `rdn` (a distribution point's
    /// nameRelativeToCRLIssuer resolved against its CRL issuer, RFC 5280 §4.2.1.13).
    pub(crate) fn equals_with_rdn(&self, base: &Name<'_>, rdn: &[u8]) -> bool {
        let mut mine = self.rdns();
        for expected in base.rdns().chain(core::iter::once(rdn)) {
            match mine.next() {
                Some(m) if rdn_equal(m, expected) => {}
                _ => return false,
            }
        }
        mine.next().is_none()
    }

    /// Whether `base` is a prefix of this name (a directoryName subtree, RFC 5280 §4.2.1.10).
    pub(crate) fn is_within(&self, base: &Name<'_>) -> bool {
        let mut mine = self.rdns();
        for rdn in base.rdns() {
            match mine.next() {
                Some(m) if rdn_equal(m, rdn) => {}
                _ => return false,
            }
        }
        true
    }
}

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.matches(other)
    }
}

impl core::fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Name({self})")
    }
}

impl core::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut first = true;
        for rdn in self.rdns() {
            for (i, atv) in rdn_attributes(rdn).enumerate() {
                let sep = match (first, i) {
                    (true, _) => "",
                    (false, 0) => ", ",
                    (false, _) => " + ",
                };
                first = false;
                f.write_str(sep)?;
                match ObjectIdentifier::from_bytes(atv.oid) {
                    Ok(oid) => match short_name(oid) {
                        Some(short) => f.write_str(short)?,
                        None => write!(f, "{oid}")?,
                    },
                    Err(_) => f.write_str("?")?,
                }
                f.write_str("=")?;
                match directory_string(atv.value) {
                    Some(s) => {
                        for c in s.chars() {
                            if c.is_control() {
                                write!(f, "\\u{{{:x}}}", u32::from(c))?;
                            } else {
                                write!(f, "{c}")?;
                            }
                        }
                    }
                    None => {
                        f.write_str("#")?;
                        for b in atv.value.whole {
                            write!(f, "{b:02x}")?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn short_name(oid: ObjectIdentifier) -> Option<&'static str> {
    Some(match oid.to_string().as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.42" => "givenName",
        "2.5.4.46" => "dnQualifier",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => return None,
    })
}

fn rdn_attributes(rdn: &[u8]) -> impl Iterator<Item = Attribute<'_>> {
    let mut r = Reader::new(rdn).ok();
    core::iter::from_fn(move || {
        let reader = r.as_mut()?;
        if reader.is_empty() {
            return None;
        }
        let mut atv = reader.sequence().ok()?;
        let oid = atv.value(tag::OID).ok()?;
        let value = atv.tlv().ok()?;
        Some(Attribute { oid, value })
    })
}

/// RDNs are sets: equal when each attribute of one has an equal attribute in the other and
/// the counts agree.
pub(crate) fn rdn_equal(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    // Single-attribute RDNs (nearly all of them): no allocation.
    let (mut ia, mut ib) = (rdn_attributes(a), rdn_attributes(b));
    if let (Some(x), None, Some(y), None) = (ia.next(), ia.next(), ib.next(), ib.next()) {
        return x.oid == y.oid && value_equal(x.value, y.value);
    }
    let left: Vec<Attribute<'_>> = rdn_attributes(a).collect();
    let right: Vec<Attribute<'_>> = rdn_attributes(b).collect();
    if left.len() != right.len() {
        return false;
    }
    left.iter().all(|x| {
        right
            .iter()
            .any(|y| x.oid == y.oid && value_equal(x.value, y.value))
    })
}

fn value_equal(a: Tlv<'_>, b: Tlv<'_>) -> bool {
    if a.tag == b.tag && a.value == b.value {
        return true;
    }
    // ASCII text in any of the string types whose ASCII octets are their characters (what
    // nearly every CA writes): compared in place, without decoding.
    let text = |t: Tlv<'_>| {
        matches!(
            t.tag,
            tag::UTF8_STRING
                | tag::PRINTABLE_STRING
                | tag::IA5_STRING
                | tag::NUMERIC_STRING
                | tag::VISIBLE_STRING
                | tag::TELETEX_STRING
        ) && t.value.is_ascii()
    };
    if text(a) && text(b) {
        return ascii_normalised_eq(a.value, b.value);
    }
    match (directory_string(a), directory_string(b)) {
        (Some(x), Some(y)) => normalised_eq(&x, &y),
        _ => false,
    }
}

/// The text of a directory string (RFC 5280 §4.1.2.4 DirectoryString, plus IA5String as used
/// by emailAddress and domainComponent); borrowed unless it must be transcoded.
pub(crate) fn directory_string<'a>(tlv: Tlv<'a>) -> Option<Cow<'a, str>> {
    match tlv.tag {
        tag::UTF8_STRING => core::str::from_utf8(tlv.value).ok().map(Cow::Borrowed),
        tag::PRINTABLE_STRING | tag::IA5_STRING | tag::NUMERIC_STRING | tag::VISIBLE_STRING => {
            if tlv.value.is_ascii() {
                core::str::from_utf8(tlv.value).ok().map(Cow::Borrowed)
            } else {
                None
            }
        }
        // T.61 is close enough to Latin-1 for comparison purposes.
        tag::TELETEX_STRING => Some(Cow::Owned(
            tlv.value.iter().map(|b| char::from(*b)).collect(),
        )),
        tag::BMP_STRING => {
            if !tlv.value.len().is_multiple_of(2) {
                return None;
            }
            let units = tlv
                .value
                .chunks_exact(2)
                .map(|c| {
                    Some(u16::from_be_bytes([
                        c.first().copied()?,
                        c.get(1).copied()?,
                    ]))
                })
                .collect::<Option<Vec<u16>>>()?;
            String::from_utf16(&units).ok().map(Cow::Owned)
        }
        _ => None,
    }
}

/// Equality after the case folding and whitespace handling of RFC 4518 §2.3-2.6, simplified:
/// lower case, leading and trailing spaces dropped, inner runs of spaces collapsed to one.
/// No allocation.
fn normalised_eq(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return ascii_normalised_eq(a.as_bytes(), b.as_bytes());
    }
    fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
        let mut words = s.split_whitespace().peekable();
        core::iter::from_fn(move || {
            let word = words.next()?;
            let space = words.peek().is_some().then_some(' ');
            Some(word.chars().flat_map(char::to_lowercase).chain(space))
        })
        .flatten()
    }
    folded(a).eq(folded(b))
}

/// [`normalised_eq`] for ASCII text, byte by byte in one pass: the same sequence of
/// whitespace-separated words, each equal ignoring ASCII case.
fn ascii_normalised_eq(a: &[u8], b: &[u8]) -> bool {
    let blank = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_whitespace);
    let (mut i, mut j) = (0, 0);
    loop {
        while blank(a, i) {
            i += 1;
        }
        while blank(b, j) {
            j += 1;
        }
        match (i < a.len(), j < b.len()) {
            (false, false) => return true,
            (true, true) => {}
            _ => return false,
        }
        // One word from each side.
        loop {
            let x = a.get(i).filter(|c| !c.is_ascii_whitespace());
            let y = b.get(j).filter(|c| !c.is_ascii_whitespace());
            match (x, y) {
                (None, None) => break,
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {
                    i += 1;
                    j += 1;
                }
                _ => return false,
            }
        }
    }
}

/// One GeneralName (RFC 5280 §4.2.1.6), borrowed.
///
/// ```text
/// GeneralName ::= CHOICE {
///      otherName                 [0]  AnotherName,
///      rfc822Name                [1]  IA5String,
///      dNSName                   [2]  IA5String,
///      x400Address               [3]  ORAddress,
///      directoryName             [4]  Name,
///      ediPartyName              [5]  EDIPartyName,
///      uniformResourceIdentifier [6]  IA5String,
///      iPAddress                 [7]  OCTET STRING,
///      registeredID              [8]  OBJECT IDENTIFIER }
/// ```
#[derive(Clone, Copy, Debug)]
pub(crate) enum GeneralName<'a> {
    Other,
    Rfc822(&'a [u8]),
    Dns(&'a [u8]),
    X400,
    Directory(Name<'a>),
    EdiParty,
    Uri(&'a [u8]),
    Ip(&'a [u8]),
    RegisteredId,
}

impl<'a> GeneralName<'a> {
    pub(crate) fn parse(tlv: Tlv<'a>) -> der::Result<Self> {
        let ia5 = |v: &'a [u8]| {
            if v.is_ascii() {
                Ok(v)
            } else {
                Err(der::Error::from(Tag::Ia5String.value_error()))
            }
        };
        Ok(match tlv.tag {
            t if t == context(0, true) => Self::Other,
            t if t == context(1, false) => Self::Rfc822(ia5(tlv.value)?),
            t if t == context(2, false) => Self::Dns(ia5(tlv.value)?),
            t if t == context(3, true) => Self::X400,
            t if t == context(4, true) => {
                let mut r = Reader::new(tlv.value)?;
                let name = Name::parse(r.tlv()?)?;
                r.finish()?;
                Self::Directory(name)
            }
            t if t == context(5, true) => Self::EdiParty,
            t if t == context(6, false) => Self::Uri(ia5(tlv.value)?),
            t if t == context(7, false) => Self::Ip(tlv.value),
            t if t == context(8, false) => {
                ObjectIdentifier::from_bytes(tlv.value)
                    .map_err(|_| der::Error::from(Tag::ObjectIdentifier.value_error()))?;
                Self::RegisteredId
            }
            other => return Err(crate::asn1::unexpected(other, None)),
        })
    }

    pub(crate) fn form(&self) -> NameForm {
        match self {
            Self::Other => NameForm::OtherName,
            Self::Rfc822(_) => NameForm::Rfc822Name,
            Self::Dns(_) => NameForm::DnsName,
            Self::X400 => NameForm::X400Address,
            Self::Directory(_) => NameForm::DirectoryName,
            Self::EdiParty => NameForm::EdiPartyName,
            Self::Uri(_) => NameForm::Uri,
            Self::Ip(_) => NameForm::IpAddress,
            Self::RegisteredId => NameForm::RegisteredId,
        }
    }

    /// Whether two names are equal (distribution point names, certificate issuers).
    pub(crate) fn same_as(&self, other: &GeneralName<'_>) -> bool {
        match (self, other) {
            (GeneralName::Directory(a), GeneralName::Directory(b)) => a.matches(b),
            (GeneralName::Rfc822(a), GeneralName::Rfc822(b))
            | (GeneralName::Dns(a), GeneralName::Dns(b))
            | (GeneralName::Uri(a), GeneralName::Uri(b)) => a.eq_ignore_ascii_case(b),
            (GeneralName::Ip(a), GeneralName::Ip(b)) => *a == *b,
            _ => false,
        }
    }
}

/// Parses `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` given its content.
pub(crate) fn general_names(content: &[u8]) -> der::Result<Vec<GeneralName<'_>>> {
    let mut r = Reader::new(content)?;
    let mut names = Vec::new();
    while !r.is_empty() {
        names.push(GeneralName::parse(r.tlv()?)?);
    }
    if names.is_empty() {
        return Err(Tag::Sequence.length_error().into());
    }
    Ok(names)
}

/// dNSName constraint (RFC 5280 §4.2.1.10): any name made by adding labels on the left; a
/// leading "." (a common CA convention) means strict subdomains only.
pub(crate) fn dns_matches(name: &[u8], constraint: &[u8]) -> bool {
    if constraint.is_empty() {
        return true;
    }
    let name = name.strip_suffix(b".").unwrap_or(name);
    let constraint = constraint.strip_suffix(b".").unwrap_or(constraint);
    if constraint.first() == Some(&b'.') {
        return name.len() > constraint.len() && ends_with_ignore_case(name, constraint);
    }
    if name.eq_ignore_ascii_case(constraint) {
        return true;
    }
    name.len() > constraint.len()
        && ends_with_ignore_case(name, constraint)
        && name
            .len()
            .checked_sub(constraint.len() + 1)
            .and_then(|i| name.get(i))
            == Some(&b'.')
}

/// rfc822Name constraint (RFC 5280 §4.2.1.10): a full mailbox, a host, or a domain with a
/// leading ".".
pub(crate) fn rfc822_matches(name: &[u8], constraint: &[u8]) -> bool {
    let Some(at) = name.iter().rposition(|b| *b == b'@') else {
        return false;
    };
    let (local, host) = (
        name.get(..at).unwrap_or_default(),
        name.get(at + 1..).unwrap_or_default(),
    );
    if let Some(c_at) = constraint.iter().rposition(|b| *b == b'@') {
        let c_local = constraint.get(..c_at).unwrap_or_default();
        let c_host = constraint.get(c_at + 1..).unwrap_or_default();
        return local == c_local && host.eq_ignore_ascii_case(c_host);
    }
    if constraint.first() == Some(&b'.') {
        return host.len() > constraint.len() && ends_with_ignore_case(host, constraint);
    }
    host.eq_ignore_ascii_case(constraint)
}

/// uniformResourceIdentifier constraint (RFC 5280 §4.2.1.10): applies to the host part; a
/// URI without an authority matches nothing.
pub(crate) fn uri_matches(uri: &[u8], constraint: &[u8]) -> bool {
    let Some(host) = uri_host(uri) else {
        return false;
    };
    if constraint.first() == Some(&b'.') {
        return host.len() > constraint.len() && ends_with_ignore_case(host, constraint);
    }
    host.eq_ignore_ascii_case(constraint)
}

fn uri_host(uri: &[u8]) -> Option<&[u8]> {
    let colon = uri.iter().position(|b| *b == b':')?;
    let rest = uri.get(colon + 1..)?.strip_prefix(b"//")?;
    let end = rest
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host_port = match authority.iter().rposition(|b| *b == b'@') {
        Some(at) => authority.get(at + 1..)?,
        None => authority,
    };
    let host = if host_port.first() == Some(&b'[') {
        let close = host_port.iter().position(|b| *b == b']')?;
        host_port.get(..=close)?
    } else {
        match host_port.iter().rposition(|b| *b == b':') {
            Some(c) => host_port.get(..c)?,
            None => host_port,
        }
    };
    if host.is_empty() { None } else { Some(host) }
}

/// iPAddress constraint (RFC 5280 §4.2.1.10): address and mask, 8 or 32 octets.
pub(crate) fn ip_matches(addr: &[u8], constraint: &[u8]) -> bool {
    let half = constraint.len() / 2;
    if !constraint.len().is_multiple_of(2) || addr.len() != half {
        return false;
    }
    let (net, mask) = constraint.split_at(half);
    addr.iter()
        .zip(net)
        .zip(mask)
        .all(|((a, n), m)| a & m == n & m)
}

fn ends_with_ignore_case(s: &[u8], suffix: &[u8]) -> bool {
    s.len() >= suffix.len()
        && s.get(s.len() - suffix.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
}

/// emailAddress attributes of a subject DN, checked against rfc822Name constraints when the
/// certificate has no subjectAltName (RFC 5280 §4.2.1.10).
pub(crate) fn email_addresses<'a>(name: &Name<'a>) -> impl Iterator<Item = &'a [u8]> {
    name.attribute_values(oids::AT_EMAIL_ADDRESS)
        .filter(|v| v.tag == tag::IA5_STRING)
        .map(|v| v.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a Name of single-attribute RDNs with the given (OID DER content, tag, value).
    fn name_der(rdns: &[(&[u8], u8, &str)]) -> Vec<u8> {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            let len = content.len();
            if len < 128 {
                out.push(u8::try_from(len).unwrap());
            } else {
                out.push(0x81);
                out.push(u8::try_from(len).unwrap());
            }
            out.extend_from_slice(content);
            out
        }
        let mut seq = Vec::new();
        for (oid, tag, value) in rdns {
            let mut atv = tlv(0x06, oid);
            atv.extend(tlv(*tag, value.as_bytes()));
            seq.extend(tlv(0x31, &tlv(0x30, &atv)));
        }
        tlv(0x30, &seq)
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];

    #[test]
    fn chaining_folds_case_and_space() {
        let a = name_der(&[(O, 0x13, "Test  Certificates"), (CN, 0x13, "Good CA")]);
        let b = name_der(&[(O, 0x0c, " test certificates "), (CN, 0x0c, "GOOD ca")]);
        let c = name_der(&[(CN, 0x13, "Good CA"), (O, 0x13, "Test Certificates")]);
        let (a, b, c) = (
            Name::from_der(&a).unwrap(),
            Name::from_der(&b).unwrap(),
            Name::from_der(&c).unwrap(),
        );
        assert!(a.matches(&b));
        assert!(!a.matches(&c), "RDN order matters");
        assert_eq!(a.to_string(), "O=Test  Certificates, CN=Good CA");
        let base_der = name_der(&[(O, 0x13, "test certificates")]);
        let base = Name::from_der(&base_der).unwrap();
        assert!(a.is_within(&base));
        assert!(!base.is_within(&a));
    }

    #[test]
    fn normalised_comparison() {
        for (a, b, eq) in [
            ("Good CA", "good ca", true),
            ("  Good   CA ", "good ca", true),
            ("Good CA", "GoodCA", false),
            ("Straße", "STRASSE", false),
            ("Ärzte", "ärzte", true),
            ("a\tb", "A B", true),
            ("", "   ", true),
        ] {
            assert_eq!(normalised_eq(a, b), eq, "{a:?} {b:?}");
        }
    }

    proptest::proptest! {
        /// The one-pass comparison against the plain definition: split on ASCII whitespace,
        /// drop empty words, compare the words ignoring ASCII case. A small alphabet makes
        /// equal pairs common.
        #[test]
        fn ascii_comparison_matches_its_definition(a in "[aAbB \t\n-]{0,12}", b in "[aAbB \t\n-]{0,12}") {
            let words = |s: &str| -> Vec<String> {
                s.split(|c: char| c.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                    .map(str::to_ascii_lowercase)
                    .collect()
            };
            let expected = words(&a) == words(&b);
            proptest::prop_assert_eq!(ascii_normalised_eq(a.as_bytes(), b.as_bytes()), expected);
            proptest::prop_assert_eq!(normalised_eq(&a, &b), expected);
            // In a Name, across the string types.
            for (ta, tb) in [(0x13, 0x0c), (0x0c, 0x16), (0x14, 0x13)] {
                let x = name_der(&[(CN, ta, &a)]);
                let y = name_der(&[(CN, tb, &b)]);
                let (x, y) = (Name::from_der(&x).unwrap(), Name::from_der(&y).unwrap());
                proptest::prop_assert_eq!(x.matches(&y), expected);
            }
        }
    }

    #[test]
    fn malformed_names_are_refused() {
        for bad in [
            &[0x31, 0x00][..],
            &[0x30, 0x02, 0x31, 0x00],
            &[0x30, 0x04, 0x31, 0x02, 0x30, 0x00],
        ] {
            assert!(Name::from_der(bad).is_err(), "{bad:02x?}");
        }
    }

    #[test]
    fn constraint_matching() {
        assert!(dns_matches(b"host.example.com", b"example.com"));
        assert!(dns_matches(b"EXAMPLE.com", b"example.com"));
        assert!(!dns_matches(b"badexample.com", b"example.com"));
        assert!(!dns_matches(b"example.com", b".example.com"));
        assert!(dns_matches(b"a.example.com", b".example.com"));
        assert!(rfc822_matches(b"jane@nhs.net", b"nhs.net"));
        assert!(!rfc822_matches(b"jane@mail.nhs.net", b"nhs.net"));
        assert!(rfc822_matches(b"jane@mail.nhs.net", b".nhs.net"));
        assert!(rfc822_matches(b"jane@NHS.net", b"jane@nhs.net"));
        assert!(!rfc822_matches(b"Jane@nhs.net", b"jane@nhs.net"));
        assert!(uri_matches(
            b"http://user@Host.example.com:80/x",
            b"host.example.com"
        ));
        assert!(uri_matches(b"ldap://a.example.com/x", b".example.com"));
        assert!(!uri_matches(b"urn:example.com", b"example.com"));
        assert!(ip_matches(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_matches(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_matches(&[10, 1, 2, 3], &[0; 32]));
    }
}
