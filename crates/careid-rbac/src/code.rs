//! National RBAC code types (RBAC.md §2) and the quoted name triple (RBAC.md §3).
//!
//! Every type here has a strict parser (`FromStr` and `parse`) that returns a typed
//! [`Error::InvalidCode`], and a `Display` that writes exactly the text it parsed: parsing is
//! strict enough that each value has one spelling. Claim content goes through [`Decoded`],
//! which never fails: text that does not match is kept as [`Decoded::Unknown`].

use crate::error::{CodeFault, CodeKind, Error};
use core::fmt;
use core::str::FromStr;

/// One part of an RBAC code: an upper-case ASCII letter followed by four decimal digits
/// (RBAC.md §2). The letter is the type parameter; use the aliases ([`ActivityCode`],
/// [`StaffGroupCode`], ...).
///
/// ```
/// use careid_rbac::ActivityCode;
///
/// let code: ActivityCode = "B0264".parse()?;
/// assert_eq!(code.number(), 264);
/// assert_eq!(code.to_string(), "B0264");
/// assert!("b0264".parse::<ActivityCode>().is_err());
/// assert!("R0264".parse::<ActivityCode>().is_err());
/// # Ok::<(), careid_rbac::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodePart<const LETTER: char>(u16);

/// A staff group code, `S####`: the first part of a [`JobRoleCode`] (NRD `Staff Group Code`).
pub type StaffGroupCode = CodePart<'S'>;
/// A staff sub-group code, `G####`: the second part of a [`JobRoleCode`] (NRD `Staff Sub Group
/// Code`).
pub type StaffSubGroupCode = CodePart<'G'>;
/// The job role part of a [`JobRoleCode`], `R####` (NRD `Job Role Code`; the UK Core
/// `SDSJobRoleName` code system carries only this part).
pub type JobRoleRCode = CodePart<'R'>;
/// An activity code, `B####` (NRD `Activity Code`; CIS2 `activity_codes`).
pub type ActivityCode = CodePart<'B'>;
/// An activity group code, `D####` (NRD `Activity Group Code`).
pub type ActivityGroupCode = CodePart<'D'>;
/// An activity sub-group code, `C####` (NRD `Activity Sub Group Code`).
pub type ActivitySubGroupCode = CodePart<'C'>;
/// An area of work primary code, `P####`.
pub type AowPrimaryCode = CodePart<'P'>;
/// An area of work secondary code, `Q####`.
pub type AowSecondaryCode = CodePart<'Q'>;
/// An area of work tertiary code, `T####`: the part the NRD baseline columns are keyed by.
pub type AowTertiaryCode = CodePart<'T'>;

impl<const LETTER: char> CodePart<LETTER> {
    /// The code letter.
    pub const LETTER: char = LETTER;
    const KIND: CodeKind = part_kind(LETTER);

    /// The code with this number, if it is at most 9999.
    #[must_use]
    pub const fn new(number: u16) -> Option<Self> {
        if number <= 9999 {
            Some(Self(number))
        } else {
            None
        }
    }

    /// The code with this number, clamped to 9999 (for numbers known to be in range).
    pub(crate) const fn clamped(number: u16) -> Self {
        Self(if number > 9999 { 9999 } else { number })
    }

    /// The four-digit number (0 to 9999).
    #[must_use]
    pub const fn number(self) -> u16 {
        self.0
    }

    /// Parses the code strictly: exactly the letter and four digits.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bytes = text.as_bytes();
        if bytes.len() != 5 {
            return Err(invalid(Self::KIND, length_fault(bytes.len())));
        }
        part(bytes, 0, LETTER)
            .map(Self)
            .map_err(|fault| invalid(Self::KIND, fault))
    }
}

impl<const LETTER: char> FromStr for CodePart<LETTER> {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl<const LETTER: char> fmt::Display for CodePart<LETTER> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{LETTER}{:04}", self.0)
    }
}

impl<const LETTER: char> fmt::Debug for CodePart<LETTER> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A job role code, `S####:G####:R####`: staff group, staff sub-group and job role (RBAC.md §2;
/// CIS2 `role_code`; FHIR `https://fhir.nhs.uk/CodeSystem/England-SDS-JobRoleCode`).
///
/// ```
/// use careid_rbac::JobRoleCode;
///
/// let code: JobRoleCode = "S8000:G8000:R8001".parse()?;
/// assert_eq!(code.job_role.to_string(), "R8001");
/// assert_eq!(code.to_string(), "S8000:G8000:R8001");
/// # Ok::<(), careid_rbac::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobRoleCode {
    /// The staff group, `S####`.
    pub staff_group: StaffGroupCode,
    /// The staff sub-group, `G####`.
    pub staff_sub_group: StaffSubGroupCode,
    /// The job role, `R####`.
    pub job_role: JobRoleRCode,
}

impl JobRoleCode {
    /// Parses `S####:G####:R####` strictly.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let [s, g, r] = triple(text, ['S', 'G', 'R'], CodeKind::JobRole)?;
        Ok(Self {
            staff_group: CodePart(s),
            staff_sub_group: CodePart(g),
            job_role: CodePart(r),
        })
    }
}

/// An area of work code, `P####:Q####:T####` (RBAC.md §2; CIS2 `aow_codes`). The NRD keys its
/// area of work baselines by the tertiary code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AreaOfWorkCode {
    /// The primary code, `P####`.
    pub primary: AowPrimaryCode,
    /// The secondary code, `Q####`.
    pub secondary: AowSecondaryCode,
    /// The tertiary code, `T####`.
    pub tertiary: AowTertiaryCode,
}

impl AreaOfWorkCode {
    /// Parses `P####:Q####:T####` strictly.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let [p, q, t] = triple(text, ['P', 'Q', 'T'], CodeKind::AreaOfWork)?;
        Ok(Self {
            primary: CodePart(p),
            secondary: CodePart(q),
            tertiary: CodePart(t),
        })
    }
}

/// A fully qualified activity code, `D####:C####:B####`: activity group, sub-group and activity
/// (RBAC.md §2; seen in an older Mavis `cis2_info.rb` as `D0008:C0055:B1611`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedActivityCode {
    /// The activity group, `D####`.
    pub group: ActivityGroupCode,
    /// The activity sub-group, `C####`.
    pub sub_group: ActivitySubGroupCode,
    /// The activity, `B####`.
    pub activity: ActivityCode,
}

impl QualifiedActivityCode {
    /// Parses `D####:C####:B####` strictly.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let [d, c, b] = triple(text, ['D', 'C', 'B'], CodeKind::QualifiedActivity)?;
        Ok(Self {
            group: CodePart(d),
            sub_group: CodePart(c),
            activity: CodePart(b),
        })
    }
}

/// An activity code as a claim writes it: bare `B####` (every CIS2 fixture) or fully qualified
/// `D####:C####:B####`. careid accepts both and decides on the `B####` part
/// ([`ActivityRef::code`]); the form is kept so that `Display` writes back what was read
/// (RBAC.md §2).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ActivityRef {
    /// `B####`.
    Bare(ActivityCode),
    /// `D####:C####:B####`.
    Qualified(QualifiedActivityCode),
}

impl ActivityRef {
    /// The activity, normalised to `B####`.
    #[must_use]
    pub const fn code(self) -> ActivityCode {
        match self {
            Self::Bare(code) => code,
            Self::Qualified(q) => q.activity,
        }
    }

    /// Parses either form strictly.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let relabel = |err: Error| match err {
            Error::InvalidCode { fault, .. } => invalid(CodeKind::ActivityAnyForm, fault),
            other => other,
        };
        match text.len() {
            5 => ActivityCode::parse(text).map(Self::Bare).map_err(relabel),
            17 => QualifiedActivityCode::parse(text)
                .map(Self::Qualified)
                .map_err(relabel),
            found => Err(invalid(CodeKind::ActivityAnyForm, length_fault(found))),
        }
    }
}

impl From<ActivityCode> for ActivityRef {
    fn from(code: ActivityCode) -> Self {
        Self::Bare(code)
    }
}

macro_rules! from_str_and_debug {
    ($($ty:ty),*) => {$(
        impl FromStr for $ty {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self, Error> {
                Self::parse(text)
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(\"{self}\")", stringify!($ty))
            }
        }
    )*};
}
from_str_and_debug!(JobRoleCode, AreaOfWorkCode, QualifiedActivityCode);

impl FromStr for ActivityRef {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl fmt::Display for JobRoleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.staff_group, self.staff_sub_group, self.job_role
        )
    }
}

impl fmt::Display for AreaOfWorkCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.primary, self.secondary, self.tertiary)
    }
}

impl fmt::Display for QualifiedActivityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.group, self.sub_group, self.activity)
    }
}

impl fmt::Display for ActivityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bare(code) => fmt::Display::fmt(code, f),
            Self::Qualified(q) => fmt::Display::fmt(q, f),
        }
    }
}

macro_rules! digit_id {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        ///
        /// Stored as its value and its number of digits, so leading zeros survive the round
        /// trip and `"0656"` is not the same id as `"656"`. It is `Copy`, and comparing two ids
        /// compares two integers.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name {
            value: u64,
            digits: u8,
        }

        impl $name {
            /// The most digits accepted (every id seen has 11 or 12).
            pub const MAX_DIGITS: usize = MAX_ID_DIGITS;

            /// Parses 1 to 18 ASCII decimal digits strictly.
            ///
            /// # Errors
            /// [`Error::InvalidCode`] saying what is wrong and where.
            pub fn parse(text: &str) -> Result<Self, Error> {
                let (value, digits) = digit_id(text).map_err(|fault| invalid($kind, fault))?;
                Ok(Self { value, digits })
            }

            /// The numeric value.
            #[must_use]
            pub const fn value(self) -> u64 {
                self.value
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self, Error> {
                Self::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:0width$}", self.value, width = usize::from(self.digits))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(\"{self}\")", stringify!($name))
            }
        }
    };
}

const MAX_ID_DIGITS: usize = 18;

digit_id!(
    /// A user role profile id: `person_roleid` in `nhsid_nrbac_roles`, `selected_roleid` in the
    /// ID token (RBAC.md §2, CIS2.md §5.1).
    UserRoleProfileId,
    CodeKind::UserRoleProfileId
);
digit_id!(
    /// A `person_orgid`: one organisation membership (RBAC.md §2).
    PersonOrgId,
    CodeKind::PersonOrgId
);
digit_id!(
    /// A workgroup code (`workgroups_codes`): a locally created group (RBAC.md §2).
    WorkgroupCode,
    CodeKind::Workgroup
);

/// An ODS organisation code (`org_code`): 1 to 12 upper-case ASCII letters or digits, compared
/// case-sensitively (RBAC.md §2, §6 step 2). `Copy`; no allocation.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OdsCode {
    bytes: [u8; OdsCode::MAX_LEN],
    len: u8,
}

impl OdsCode {
    /// The longest ODS code accepted.
    pub const MAX_LEN: usize = 12;

    /// Parses an ODS code strictly.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let fail = |fault| invalid(CodeKind::OdsCode, fault);
        let found = text.len();
        if found == 0 {
            return Err(fail(CodeFault::Empty));
        }
        if found > Self::MAX_LEN {
            return Err(fail(CodeFault::TooLong {
                max: Self::MAX_LEN,
                found,
            }));
        }
        let mut bytes = [0u8; Self::MAX_LEN];
        for (position, (slot, byte)) in bytes.iter_mut().zip(text.bytes()).enumerate() {
            if !(byte.is_ascii_uppercase() || byte.is_ascii_digit()) {
                return Err(fail(CodeFault::Character { position }));
            }
            *slot = byte;
        }
        let len = u8::try_from(found).map_err(|_| {
            fail(CodeFault::TooLong {
                max: Self::MAX_LEN,
                found,
            })
        })?;
        Ok(Self { bytes, len })
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        let used = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        core::str::from_utf8(used).unwrap_or_default()
    }
}

impl FromStr for OdsCode {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OdsCode(\"{}\")", self.as_str())
    }
}

/// A display triple with literal double quotes, as CIS2 writes `role_name` and `aow[]`
/// (RBAC.md §3):
///
/// ```text
/// "Admin & Clerical":"Management - A & C":"Registration Authority Manager"
/// ```
///
/// Grammar: `DQUOTE seg DQUOTE ":" DQUOTE seg DQUOTE ":" DQUOTE seg DQUOTE`, where `seg` is any
/// run of characters other than `"`. Display text only: codes decide, never names.
///
/// ```
/// use careid_rbac::NameTriple;
///
/// let text = r#""Support":"Support":"Admin/Clinical Support Access Role""#;
/// let name: NameTriple = text.parse()?;
/// assert_eq!(name.name(), "Admin/Clinical Support Access Role");
/// assert_eq!(name.to_string(), text);
/// # Ok::<(), careid_rbac::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct NameTriple {
    group: String,
    sub_group: String,
    name: String,
}

impl NameTriple {
    /// Parses a quoted triple strictly.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] with the position of the first byte that breaks the grammar.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let fail = |fault| invalid(CodeKind::NameTriple, fault);
        if text.is_empty() {
            return Err(fail(CodeFault::Empty));
        }
        let mut segments: [&str; 3] = [""; 3];
        let mut rest = text;
        for (i, slot) in segments.iter_mut().enumerate() {
            let at = text.len() - rest.len();
            if i > 0 {
                rest = rest
                    .strip_prefix(':')
                    .ok_or(fail(CodeFault::Separator { position: at }))?;
            }
            let at = text.len() - rest.len();
            rest = rest
                .strip_prefix('"')
                .ok_or(fail(CodeFault::Quote { position: at }))?;
            let end = rest.find('"').ok_or(fail(CodeFault::Quote {
                position: text.len(),
            }))?;
            let (segment, tail) = rest.split_at(end);
            *slot = segment;
            rest = tail.strip_prefix('"').unwrap_or(tail);
        }
        if !rest.is_empty() {
            return Err(fail(CodeFault::Character {
                position: text.len() - rest.len(),
            }));
        }
        let [group, sub_group, name] = segments;
        Ok(Self {
            group: group.to_owned(),
            sub_group: sub_group.to_owned(),
            name: name.to_owned(),
        })
    }

    /// Builds a triple from its segments.
    ///
    /// # Errors
    /// [`Error::InvalidCode`] if a segment contains `"`.
    pub fn new(group: &str, sub_group: &str, name: &str) -> Result<Self, Error> {
        let mut offset = 1;
        for segment in [group, sub_group, name] {
            if let Some(at) = segment.find('"') {
                return Err(invalid(
                    CodeKind::NameTriple,
                    CodeFault::Character {
                        position: offset + at,
                    },
                ));
            }
            offset += segment.len() + 3;
        }
        Ok(Self {
            group: group.to_owned(),
            sub_group: sub_group.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The first segment (the staff group, or the area of work's primary name).
    #[must_use]
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The second segment (the staff sub-group, or the area of work's secondary name).
    #[must_use]
    pub fn sub_group(&self) -> &str {
        &self.sub_group
    }

    /// The last segment: the job role or area of work name, which is what
    /// eps-prescription-tracker-ui displays (`removeRoleCategories`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FromStr for NameTriple {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl fmt::Display for NameTriple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\":\"{}\":\"{}\"",
            self.group, self.sub_group, self.name
        )
    }
}

/// A value from a claim: the typed code when the text matches its grammar, otherwise the text
/// itself, kept (RBAC.md §2: "a value that does not match decodes to `Unknown(raw)` and survives
/// round trips"). `Display` writes back exactly the text that was decoded.
///
/// An `Unknown` value never matches anything in a decision: an unknown `org_code` never equals
/// a required ODS code, an unknown `role_code` gets no baseline, an unknown activity code grants
/// nothing.
///
/// ```
/// use careid_rbac::{Decoded, JobRoleCode};
///
/// let known: Decoded<JobRoleCode> = Decoded::decode("S8000:G8000:R8000");
/// assert!(known.get().is_some());
/// let unknown: Decoded<JobRoleCode> = Decoded::decode("R8000");
/// assert_eq!(unknown, Decoded::Unknown("R8000".to_owned()));
/// assert_eq!(unknown.to_string(), "R8000");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Decoded<T> {
    /// The text matched the grammar.
    Known(T),
    /// The text did not match; here it is, unchanged.
    Unknown(String),
}

impl<T: FromStr<Err = Error>> Decoded<T> {
    /// Decodes claim text; never fails.
    #[must_use]
    pub fn decode(text: &str) -> Self {
        match text.parse() {
            Ok(value) => Self::Known(value),
            Err(_) => Self::Unknown(text.to_owned()),
        }
    }
}

impl<T> Decoded<T> {
    /// The typed value, if the text matched.
    #[must_use]
    pub const fn known(&self) -> Option<&T> {
        match self {
            Self::Known(value) => Some(value),
            Self::Unknown(_) => None,
        }
    }
}

impl<T: Copy> Decoded<T> {
    /// The typed value, if the text matched.
    #[must_use]
    pub const fn get(&self) -> Option<T> {
        match self {
            Self::Known(value) => Some(*value),
            Self::Unknown(_) => None,
        }
    }
}

impl<T: fmt::Display> fmt::Display for Decoded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(value) => fmt::Display::fmt(value, f),
            Self::Unknown(raw) => f.write_str(raw),
        }
    }
}

const fn part_kind(letter: char) -> CodeKind {
    match letter {
        'S' => CodeKind::StaffGroup,
        'G' => CodeKind::StaffSubGroup,
        'R' => CodeKind::JobRoleR,
        'B' => CodeKind::Activity,
        'D' => CodeKind::ActivityGroup,
        'C' => CodeKind::ActivitySubGroup,
        'P' => CodeKind::AreaOfWorkPrimary,
        'Q' => CodeKind::AreaOfWorkSecondary,
        _ => CodeKind::AreaOfWorkTertiary,
    }
}

pub(crate) const fn invalid(kind: CodeKind, fault: CodeFault) -> Error {
    Error::InvalidCode { kind, fault }
}

const fn length_fault(found: usize) -> CodeFault {
    if found == 0 {
        CodeFault::Empty
    } else {
        CodeFault::Length { found }
    }
}

/// Parses `letter` and four digits at `bytes[at..at + 5]`.
fn part(bytes: &[u8], at: usize, letter: char) -> Result<u16, CodeFault> {
    let expected = u8::try_from(letter).unwrap_or(0);
    if bytes.get(at) != Some(&expected) {
        return Err(CodeFault::Letter {
            position: at,
            expected: letter,
        });
    }
    let mut number = 0u16;
    for position in at + 1..at + 5 {
        match bytes.get(position) {
            Some(digit @ b'0'..=b'9') => number = number * 10 + u16::from(digit - b'0'),
            _ => return Err(CodeFault::Digit { position }),
        }
    }
    Ok(number)
}

/// Parses `X####:Y####:Z####`.
fn triple(text: &str, letters: [char; 3], kind: CodeKind) -> Result<[u16; 3], Error> {
    let bytes = text.as_bytes();
    if bytes.len() != 17 {
        return Err(invalid(kind, length_fault(bytes.len())));
    }
    let mut parts = [0u16; 3];
    for (i, (slot, letter)) in parts.iter_mut().zip(letters).enumerate() {
        let at = i * 6;
        if i > 0 && bytes.get(at - 1) != Some(&b':') {
            return Err(invalid(kind, CodeFault::Separator { position: at - 1 }));
        }
        *slot = part(bytes, at, letter).map_err(|fault| invalid(kind, fault))?;
    }
    Ok(parts)
}

fn digit_id(text: &str) -> Result<(u64, u8), CodeFault> {
    let found = text.len();
    if found == 0 {
        return Err(CodeFault::Empty);
    }
    if found > MAX_ID_DIGITS {
        return Err(CodeFault::TooLong {
            max: MAX_ID_DIGITS,
            found,
        });
    }
    let mut value = 0u64;
    for (position, byte) in text.bytes().enumerate() {
        if !byte.is_ascii_digit() {
            return Err(CodeFault::Digit { position });
        }
        value = value * 10 + u64::from(byte - b'0');
    }
    let digits = u8::try_from(found).map_err(|_| CodeFault::TooLong {
        max: MAX_ID_DIGITS,
        found,
    })?;
    Ok((value, digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fault(result: Result<impl fmt::Debug, Error>) -> (CodeKind, CodeFault) {
        match result {
            Err(Error::InvalidCode { kind, fault }) => (kind, fault),
            other => panic!("expected InvalidCode, got {other:?}"),
        }
    }

    #[test]
    fn sample_codes_from_the_design_round_trip() {
        // RBAC.md §7 and CIS2.md §5.2.
        for text in [
            "S8000:G8000:R8000",
            "S0080:G0450:R5080",
            "S8002:G8003:R0001",
            "S0050:G0200:R1290",
        ] {
            assert_eq!(JobRoleCode::parse(text).unwrap().to_string(), text);
        }
        for text in ["P0020:Q0300:T0640", "P0010:Q0050:T0210"] {
            assert_eq!(AreaOfWorkCode::parse(text).unwrap().to_string(), text);
        }
        let q = QualifiedActivityCode::parse("D0008:C0055:B1611").unwrap();
        assert_eq!(
            (q.group.number(), q.sub_group.number(), q.activity.number()),
            (8, 55, 1611)
        );
        assert_eq!(
            ActivityRef::parse("D0008:C0055:B1611")
                .unwrap()
                .code()
                .to_string(),
            "B1611"
        );
        assert_eq!(
            ActivityRef::parse("B0264").unwrap(),
            ActivityRef::Bare(CodePart(264))
        );
        let r = JobRoleCode::parse("S8001:G8002:R8008").unwrap();
        assert_eq!(
            (
                r.staff_group.number(),
                r.staff_sub_group.number(),
                r.job_role.number()
            ),
            (8001, 8002, 8008)
        );
    }

    #[test]
    fn strict_parsing_names_the_fault() {
        assert_eq!(
            fault(ActivityCode::parse("")),
            (CodeKind::Activity, CodeFault::Empty)
        );
        assert_eq!(
            fault(ActivityCode::parse("B026")),
            (CodeKind::Activity, CodeFault::Length { found: 4 })
        );
        assert_eq!(
            fault(ActivityCode::parse("b0264")),
            (
                CodeKind::Activity,
                CodeFault::Letter {
                    position: 0,
                    expected: 'B'
                }
            )
        );
        assert_eq!(
            fault(ActivityCode::parse("B02x4")),
            (CodeKind::Activity, CodeFault::Digit { position: 3 })
        );
        assert_eq!(
            fault(ActivityCode::parse("B０26")).1,
            CodeFault::Length { found: 6 }
        );
        assert_eq!(
            fault(JobRoleCode::parse("S8000-G8000:R8000")),
            (CodeKind::JobRole, CodeFault::Separator { position: 5 })
        );
        assert_eq!(
            fault(JobRoleCode::parse("S8000:R8000:G8000")),
            (
                CodeKind::JobRole,
                CodeFault::Letter {
                    position: 6,
                    expected: 'G'
                }
            )
        );
        assert_eq!(
            fault(JobRoleCode::parse("R8000")),
            (CodeKind::JobRole, CodeFault::Length { found: 5 })
        );
        assert_eq!(
            fault(ActivityRef::parse("B02641")),
            (CodeKind::ActivityAnyForm, CodeFault::Length { found: 6 })
        );
        assert_eq!(
            fault(ActivityRef::parse("D0008:C0055:X1611")),
            (
                CodeKind::ActivityAnyForm,
                CodeFault::Letter {
                    position: 12,
                    expected: 'B'
                }
            )
        );
        assert_eq!(
            fault(UserRoleProfileId::parse("65600575410a")).1,
            CodeFault::Digit { position: 11 }
        );
        assert_eq!(
            fault(UserRoleProfileId::parse("+656005754108")).1,
            CodeFault::Digit { position: 0 }
        );
        assert_eq!(
            fault(WorkgroupCode::parse("1234567890123456789")),
            (
                CodeKind::Workgroup,
                CodeFault::TooLong { max: 18, found: 19 }
            )
        );
        assert_eq!(
            fault(OdsCode::parse("y51")),
            (CodeKind::OdsCode, CodeFault::Character { position: 0 })
        );
        assert_eq!(
            fault(OdsCode::parse("Y5 1")).1,
            CodeFault::Character { position: 2 }
        );
        assert_eq!(
            fault(OdsCode::parse("ABCDEFGHIJKLM")).1,
            CodeFault::TooLong { max: 12, found: 13 }
        );
        assert_eq!(
            fault(NameTriple::parse("Support")).1,
            CodeFault::Quote { position: 0 }
        );
        assert_eq!(
            fault(NameTriple::parse(r#""a":"b""#)).1,
            CodeFault::Separator { position: 7 }
        );
        assert_eq!(
            fault(NameTriple::parse(r#""a":"b":"c"x"#)).1,
            CodeFault::Character { position: 11 }
        );
        assert_eq!(
            fault(NameTriple::parse(r#""a":"b":"c"#)).1,
            CodeFault::Quote { position: 10 }
        );
    }

    #[test]
    fn ids_keep_leading_zeros_and_compare_exactly() {
        let a = UserRoleProfileId::parse("0656").unwrap();
        let b = UserRoleProfileId::parse("656").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.value(), b.value());
        assert_eq!(a.to_string(), "0656");
        assert_eq!(
            UserRoleProfileId::parse("999999999999999999")
                .unwrap()
                .value(),
            999_999_999_999_999_999
        );
        assert_eq!(OdsCode::parse("Y51").unwrap().as_str(), "Y51");
        assert_ne!(
            OdsCode::parse("Y51").unwrap(),
            OdsCode::parse("Y510").unwrap()
        );
    }

    #[test]
    fn error_messages_are_plain() {
        let err = JobRoleCode::parse("S8000:G8000").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a valid job role code (S####:G####:R####): it has the wrong length (11 bytes)"
        );
        assert_eq!(
            format!("{:?}", ActivityCode::parse("B0264").unwrap()),
            "B0264"
        );
        assert_eq!(
            format!("{:?}", OdsCode::parse("X09").unwrap()),
            "OdsCode(\"X09\")"
        );
    }

    #[test]
    fn name_triple_segments_and_construction() {
        let t = NameTriple::parse(
            r#""Admin & Clerical":"Management - A & C":"Registration Authority Manager""#,
        )
        .unwrap();
        assert_eq!(
            (t.group(), t.sub_group(), t.name()),
            (
                "Admin & Clerical",
                "Management - A & C",
                "Registration Authority Manager"
            )
        );
        assert_eq!(
            NameTriple::new(
                "Admin & Clerical",
                "Management - A & C",
                "Registration Authority Manager"
            )
            .unwrap(),
            t
        );
        assert_eq!(
            fault(NameTriple::new("a", "b\"", "c")).1,
            CodeFault::Character { position: 6 }
        );
        assert_eq!(
            NameTriple::parse(r#""":"":"""#).unwrap().to_string(),
            r#""":"":"""#
        );
    }

    fn part_text(letter: char) -> impl Strategy<Value = String> {
        (0u16..=9999).prop_map(move |n| format!("{letter}{n:04}"))
    }

    fn round_trip<T: FromStr<Err = Error> + fmt::Display>(text: &str) -> Result<(), TestCaseError> {
        let value: T = text
            .parse()
            .map_err(|e: Error| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(value.to_string(), text);
        let decoded = Decoded::<T>::decode(text);
        prop_assert!(matches!(decoded, Decoded::Known(_)));
        Ok(())
    }

    /// Parsing arbitrary text never panics; whatever parses prints back to exactly the same
    /// text, and text that does not parse survives `Decoded` unchanged.
    fn total<T: FromStr<Err = Error> + fmt::Display + fmt::Debug + PartialEq>(
        text: &str,
    ) -> Result<(), TestCaseError> {
        match text.parse::<T>() {
            Ok(value) => prop_assert_eq!(value.to_string(), text),
            Err(Error::InvalidCode { .. }) => {
                prop_assert_eq!(
                    Decoded::<T>::decode(text),
                    Decoded::Unknown(text.to_owned())
                );
                prop_assert_eq!(Decoded::<T>::decode(text).to_string(), text);
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn parts_round_trip(b in part_text('B'), d in part_text('D'), c in part_text('C'), s in part_text('S'),
                            g in part_text('G'), r in part_text('R'), p in part_text('P'), q in part_text('Q'),
                            t in part_text('T')) {
            round_trip::<ActivityCode>(&b)?;
            round_trip::<ActivityGroupCode>(&d)?;
            round_trip::<ActivitySubGroupCode>(&c)?;
            round_trip::<StaffGroupCode>(&s)?;
            round_trip::<StaffSubGroupCode>(&g)?;
            round_trip::<JobRoleRCode>(&r)?;
            round_trip::<AowPrimaryCode>(&p)?;
            round_trip::<AowSecondaryCode>(&q)?;
            round_trip::<AowTertiaryCode>(&t)?;
            round_trip::<JobRoleCode>(&format!("{s}:{g}:{r}"))?;
            round_trip::<AreaOfWorkCode>(&format!("{p}:{q}:{t}"))?;
            round_trip::<QualifiedActivityCode>(&format!("{d}:{c}:{b}"))?;
            round_trip::<ActivityRef>(&format!("{d}:{c}:{b}"))?;
            round_trip::<ActivityRef>(&b)?;
            prop_assert_eq!(ActivityRef::parse(&format!("{d}:{c}:{b}")).unwrap().code(), ActivityCode::parse(&b).unwrap());
        }

        #[test]
        fn part_numbers_round_trip(n in 0u16..=9999) {
            let code = ActivityCode::new(n).unwrap();
            prop_assert_eq!(code.number(), n);
            prop_assert_eq!(code.to_string().parse::<ActivityCode>().unwrap(), code);
        }

        #[test]
        fn ids_and_ods_round_trip(id in "[0-9]{1,18}", ods in "[A-Z0-9]{1,12}") {
            round_trip::<UserRoleProfileId>(&id)?;
            round_trip::<PersonOrgId>(&id)?;
            round_trip::<WorkgroupCode>(&id)?;
            round_trip::<OdsCode>(&ods)?;
        }

        #[test]
        fn name_triples_round_trip(a in "[^\"]{0,20}", b in "[^\"]{0,20}", c in "[^\"]{0,20}") {
            let text = format!("\"{a}\":\"{b}\":\"{c}\"");
            round_trip::<NameTriple>(&text)?;
            let t = NameTriple::parse(&text).unwrap();
            prop_assert_eq!((t.group(), t.sub_group(), t.name()), (a.as_str(), b.as_str(), c.as_str()));
            prop_assert_eq!(NameTriple::new(&a, &b, &c).unwrap(), t);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,24}|[SGRBDCPQT0-9:\"]{0,20}") {
            total::<ActivityCode>(&text)?;
            total::<JobRoleRCode>(&text)?;
            total::<JobRoleCode>(&text)?;
            total::<AreaOfWorkCode>(&text)?;
            total::<QualifiedActivityCode>(&text)?;
            total::<ActivityRef>(&text)?;
            total::<UserRoleProfileId>(&text)?;
            total::<PersonOrgId>(&text)?;
            total::<WorkgroupCode>(&text)?;
            total::<OdsCode>(&text)?;
            total::<NameTriple>(&text)?;
        }

        #[test]
        fn one_byte_changes_are_caught(n in 0u16..=9999, at in 0usize..17, byte in any::<u8>()) {
            // Mutating one byte of a valid job role code yields either an error or a code that
            // prints back to the mutated text: never a silently different code.
            let code = format!("S{n:04}:G{n:04}:R{n:04}");
            let mut bytes = code.into_bytes();
            if let Some(slot) = bytes.get_mut(at) { *slot = byte; }
            if let Ok(text) = String::from_utf8(bytes) {
                total::<JobRoleCode>(&text)?;
            }
        }
    }
}
