//! The one error type of careid-rbac, and the small enums its variants carry.

use core::fmt;

/// Everything that can go wrong when parsing an RBAC code strictly, decoding the
/// `nhsid_nrbac_roles` claim, loading a National RBAC Database catalogue or building a policy.
///
/// Every variant carries structured data, never a formatted string, and no input makes this
/// crate panic instead of returning one of these. Claim *content* never produces an error:
/// codes that do not match their grammar decode to [`Decoded::Unknown`](crate::Decoded) and
/// elements with missing fields to [`RoleProfileEntry::Invalid`](crate::RoleProfileEntry)
/// (RBAC.md §4); only input that is not a claim at all does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A code that does not match its grammar (RBAC.md §2, §3).
    #[error("not a valid {kind} ({grammar}): {fault}", grammar = kind.grammar())]
    InvalidCode {
        /// Which code was being parsed.
        kind: CodeKind,
        /// What is wrong with it.
        fault: CodeFault,
    },

    /// The input is not well-formed JSON, or does not have the expected JSON shape.
    #[error("{input} is not valid JSON of the expected shape at line {line}, column {column}")]
    Json {
        /// Which input.
        input: Input,
        /// 1-based line of the error (0 when the error is not tied to a position).
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// The input is larger than careid accepts.
    #[error("{input} is {actual} bytes, above the limit of {limit}")]
    InputTooLarge {
        /// Which input.
        input: Input,
        /// The limit in bytes.
        limit: usize,
        /// The input's size in bytes.
        actual: usize,
    },
    /// The input has more rows (array elements) than careid accepts.
    #[error("{input} has more than {limit} rows")]
    TooManyRows {
        /// Which input.
        input: Input,
        /// The limit.
        limit: usize,
    },
    /// The top-level JSON value is not the one the format requires.
    #[error("{input} must be a JSON {expected}, found {found}")]
    WrongTopLevelType {
        /// Which input.
        input: Input,
        /// The JSON type the format requires.
        expected: JsonType,
        /// The JSON type found.
        found: JsonType,
    },

    /// The UserInfo response carries `nhsid_nrbac_roles` more than once.
    #[error("the UserInfo response carries nhsid_nrbac_roles more than once")]
    DuplicateClaim,

    /// A catalogue row is not a JSON object.
    #[error("{input} row {row} is a JSON {found}, not an object")]
    RowNotObject {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// What it is.
        found: JsonType,
    },
    /// A catalogue row lacks a required column.
    #[error("{input} row {row} has no `{column}` column")]
    MissingColumn {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// The column.
        column: &'static str,
    },
    /// A catalogue row names the same column twice.
    #[error("{input} row {row} has the column `{column}` twice")]
    DuplicateColumn {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// The column, as written in the input.
        column: String,
    },
    /// A catalogue row has a value of the wrong JSON type.
    #[error("{input} row {row}: `{column}` must be a JSON {expected}, found {found}")]
    WrongColumnType {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// The column, as written in the input.
        column: String,
        /// The JSON type required.
        expected: JsonType,
        /// The JSON type found.
        found: JsonType,
    },
    /// A catalogue row has a non-empty value in a column careid does not know (strict mode).
    #[error("{input} row {row} has a value in the unknown column `{column}`")]
    UnexpectedColumn {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// The column, as written in the input.
        column: String,
    },
    /// A code inside a catalogue row does not match its grammar.
    #[error("{input} row {row}, column `{column}`: not a valid {kind}: {fault}")]
    BadCodeInRow {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// The column, as written in the input.
        column: String,
        /// The kind of code expected.
        kind: CodeKind,
        /// What is wrong with it.
        fault: CodeFault,
    },
    /// A yes/no flag (the `Restricted` column) that is neither empty, `Yes` nor `No` in any
    /// case.
    #[error("{input} row {row}: `{column}` must be empty, Yes or No")]
    BadFlag {
        /// Which input.
        input: Input,
        /// 0-based index of the row in its array.
        row: usize,
        /// The column.
        column: &'static str,
    },
    /// Two activities with the same code.
    #[error("activity {code} is defined twice")]
    DuplicateActivity {
        /// The code.
        code: crate::ActivityCode,
    },
    /// Two job roles with the same `S:G:R` code.
    #[error("job role {code} is defined twice")]
    DuplicateJobRole {
        /// The code.
        code: crate::JobRoleCode,
    },
    /// A baseline or `Includes` entry names an activity the catalogue does not define
    /// (strict mode; RBAC.md §9).
    #[error("{referrer} names activity {code}, which the catalogue does not define")]
    UndefinedActivity {
        /// The activity named.
        code: crate::ActivityCode,
        /// Where it is named.
        referrer: Referrer,
    },
    /// The `Includes` relation has a cycle through this activity (strict mode; RBAC.md §5).
    #[error("the Includes relation has a cycle through activity {activity}")]
    IncludesCycle {
        /// One activity on the cycle (the smallest code).
        activity: crate::ActivityCode,
    },
    /// Expanding `Includes` would exceed careid's work budget: the catalogue is far larger or
    /// more deeply nested than any National RBAC Database release.
    #[error("expanding Includes exceeds the work budget of {limit} steps")]
    ExpansionTooLarge {
        /// The budget.
        limit: usize,
    },

    /// A policy with neither an activity nor a role requirement, which would permit anyone.
    #[error("a policy must require at least one activity or role")]
    EmptyPolicy,
    /// A policy list with no entries (an any-of over nothing never permits; an all-of over
    /// nothing always would).
    #[error("the policy's {list} list is empty")]
    EmptyPolicyList {
        /// Which list.
        list: PolicyList,
    },
}

/// The RBAC code types careid parses (RBAC.md §2, §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeKind {
    /// A staff group code, `S####`.
    StaffGroup,
    /// A staff sub-group code, `G####`.
    StaffSubGroup,
    /// The job role part of a job role code, `R####`.
    JobRoleR,
    /// A job role code, `S####:G####:R####`.
    JobRole,
    /// An activity code, `B####`.
    Activity,
    /// An activity group code, `D####`.
    ActivityGroup,
    /// An activity sub-group code, `C####`.
    ActivitySubGroup,
    /// A fully qualified activity code, `D####:C####:B####`.
    QualifiedActivity,
    /// An activity code in either form, `B####` or `D####:C####:B####`.
    ActivityAnyForm,
    /// An area of work primary code, `P####`.
    AreaOfWorkPrimary,
    /// An area of work secondary code, `Q####`.
    AreaOfWorkSecondary,
    /// An area of work tertiary code, `T####`.
    AreaOfWorkTertiary,
    /// An area of work code, `P####:Q####:T####`.
    AreaOfWork,
    /// A workgroup code (decimal digits).
    Workgroup,
    /// A user role profile id, `person_roleid` / `selected_roleid` (decimal digits).
    UserRoleProfileId,
    /// A `person_orgid` (decimal digits).
    PersonOrgId,
    /// An ODS organisation code.
    OdsCode,
    /// A quoted `"…":"…":"…"` name triple.
    NameTriple,
}

impl CodeKind {
    /// The grammar of this kind of code, as RBAC.md §2 writes it.
    #[must_use]
    pub const fn grammar(self) -> &'static str {
        match self {
            Self::StaffGroup => "S####",
            Self::StaffSubGroup => "G####",
            Self::JobRoleR => "R####",
            Self::JobRole => "S####:G####:R####",
            Self::Activity => "B####",
            Self::ActivityGroup => "D####",
            Self::ActivitySubGroup => "C####",
            Self::QualifiedActivity => "D####:C####:B####",
            Self::ActivityAnyForm => "B#### or D####:C####:B####",
            Self::AreaOfWorkPrimary => "P####",
            Self::AreaOfWorkSecondary => "Q####",
            Self::AreaOfWorkTertiary => "T####",
            Self::AreaOfWork => "P####:Q####:T####",
            Self::Workgroup | Self::UserRoleProfileId | Self::PersonOrgId => {
                "1 to 18 decimal digits"
            }
            Self::OdsCode => "1 to 12 upper-case letters or digits",
            Self::NameTriple => "\"…\":\"…\":\"…\"",
        }
    }
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::StaffGroup => "staff group code",
            Self::StaffSubGroup => "staff sub-group code",
            Self::JobRoleR => "job role R code",
            Self::JobRole => "job role code",
            Self::Activity => "activity code",
            Self::ActivityGroup => "activity group code",
            Self::ActivitySubGroup => "activity sub-group code",
            Self::QualifiedActivity => "qualified activity code",
            Self::ActivityAnyForm => "activity code",
            Self::AreaOfWorkPrimary => "area of work primary code",
            Self::AreaOfWorkSecondary => "area of work secondary code",
            Self::AreaOfWorkTertiary => "area of work tertiary code",
            Self::AreaOfWork => "area of work code",
            Self::Workgroup => "workgroup code",
            Self::UserRoleProfileId => "user role profile id",
            Self::PersonOrgId => "person_orgid",
            Self::OdsCode => "ODS code",
            Self::NameTriple => "name triple",
        })
    }
}

/// What is wrong with a code that does not parse. Positions are 0-based byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeFault {
    /// The input is empty.
    Empty,
    /// The input has a length no code of this kind has.
    Length {
        /// The input's length in bytes.
        found: usize,
    },
    /// The input is longer than this kind of code may be.
    TooLong {
        /// The maximum length in bytes.
        max: usize,
        /// The input's length in bytes.
        found: usize,
    },
    /// A code letter is missing or wrong.
    Letter {
        /// Where.
        position: usize,
        /// The letter the grammar requires there.
        expected: char,
    },
    /// A decimal digit is required here.
    Digit {
        /// Where.
        position: usize,
    },
    /// A `:` separator is required here.
    Separator {
        /// Where.
        position: usize,
    },
    /// A character this kind of code never contains (lower case, punctuation, non-ASCII...).
    Character {
        /// Where.
        position: usize,
    },
    /// A `"` is required here (name triples).
    Quote {
        /// Where.
        position: usize,
    },
}

impl fmt::Display for CodeFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::Length { found } => write!(f, "it has the wrong length ({found} bytes)"),
            Self::TooLong { max, found } => {
                write!(f, "it is {found} bytes long, at most {max} allowed")
            }
            Self::Letter { position, expected } => {
                write!(f, "'{expected}' expected at byte {position}")
            }
            Self::Digit { position } => write!(f, "a digit expected at byte {position}"),
            Self::Separator { position } => write!(f, "':' expected at byte {position}"),
            Self::Character { position } => write!(f, "unexpected character at byte {position}"),
            Self::Quote { position } => write!(f, "'\"' expected at byte {position}"),
        }
    }
}

/// Which input an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Input {
    /// The `nhsid_nrbac_roles` claim value.
    Claim,
    /// A UserInfo response (CIS2.md §5.2).
    UserInfo,
    /// The activities file of the public NRD extract (`rbac-active-activities.json`).
    ExtractActivities,
    /// The job roles file of the public NRD extract (`rbac-job-roles-baseline1.json`).
    ExtractJobRoles,
    /// careid's canonical catalogue JSON (RBAC.md §9).
    CanonicalCatalogue,
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Claim => "the nhsid_nrbac_roles claim",
            Self::UserInfo => "the UserInfo response",
            Self::ExtractActivities => "the NRD extract's activities",
            Self::ExtractJobRoles => "the NRD extract's job roles",
            Self::CanonicalCatalogue => "the catalogue",
        })
    }
}

/// The JSON value types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type of a JSON value.
    #[must_use]
    pub fn of(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(_) => Self::Bool,
            serde_json::Value::Number(_) => Self::Number,
            serde_json::Value::String(_) => Self::String,
            serde_json::Value::Array(_) => Self::Array,
            serde_json::Value::Object(_) => Self::Object,
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "null",
            Self::Bool => "boolean",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        })
    }
}

/// Where a catalogue names an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Referrer {
    /// The `Includes` list of an activity.
    Includes {
        /// The including activity.
        activity: crate::ActivityCode,
    },
    /// A job role's baseline for an activity group (a `D####` column).
    GroupBaseline {
        /// The job role.
        role: crate::JobRoleCode,
        /// The activity group column.
        group: crate::ActivityGroupCode,
    },
    /// A job role's baseline for an area of work (a `T####` column).
    AreaOfWorkBaseline {
        /// The job role.
        role: crate::JobRoleCode,
        /// The area of work column.
        area: crate::AowTertiaryCode,
    },
}

impl fmt::Display for Referrer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Includes { activity } => write!(f, "the Includes of {activity}"),
            Self::GroupBaseline { role, group } => write!(f, "the {group} baseline of {role}"),
            Self::AreaOfWorkBaseline { role, area } => write!(f, "the {area} baseline of {role}"),
        }
    }
}

/// The lists of a [`Policy`](crate::Policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyList {
    /// The activity codes.
    Activities,
    /// The job role codes.
    Roles,
}

impl fmt::Display for PolicyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Activities => "activity",
            Self::Roles => "role",
        })
    }
}

/// Maps a serde_json error on `input` to [`Error::Json`], keeping its position.
pub(crate) fn json_error(input: Input) -> impl Fn(serde_json::Error) -> Error {
    move |err| Error::Json {
        input,
        line: err.line(),
        column: err.column(),
    }
}
