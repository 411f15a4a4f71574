//! The CIS2 `nhsid_nrbac_roles` UserInfo claim, decoded into typed role profiles (RBAC.md §4,
//! CIS2.md §5.2).

use crate::code::{
    ActivityRef, AreaOfWorkCode, Decoded, JobRoleCode, NameTriple, OdsCode, PersonOrgId,
    UserRoleProfileId, WorkgroupCode,
};
use crate::error::{Error, Input, JsonType, json_error};
use core::fmt;
use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The largest claim or UserInfo document careid decodes. A UserInfo response with a few
/// dozen roles is a few kilobytes.
pub const MAX_CLAIM_BYTES: usize = 1 << 20;

/// The `nhsid_nrbac_roles` claim: every user role profile (URP) of one person, in claim order
/// (RBAC.md §4).
///
/// Elements with a missing or mistyped required field are kept as
/// [`RoleProfileEntry::Invalid`] and never authorise; an empty or absent claim is a person
/// with no roles, which is valid ("It's possible for an authenticated user to have no roles",
/// CIS2.md §4).
///
/// ```
/// use careid_rbac::NrbacRoles;
///
/// let claim = br#"[{"person_orgid": "656008045105", "person_roleid": "656014452101",
///   "org_code": "Y51", "role_code": "S8001:G8002:R8008",
///   "role_name": "\"Support\":\"Support\":\"Admin/Clinical Support Access Role\"",
///   "activities": ["Manage Shared Non Patient Identifiable Information"],
///   "activity_codes": ["B8002"]}]"#;
/// let roles = NrbacRoles::from_claim_json(claim)?;
/// let urp = roles.profiles().next().expect("one valid profile");
/// assert_eq!(urp.role_code.to_string(), "S8001:G8002:R8008");
/// assert_eq!(urp.activities[0].code.to_string(), "B8002");
/// # Ok::<(), careid_rbac::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NrbacRoles {
    entries: Vec<RoleProfileEntry>,
}

/// One element of the claim.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RoleProfileEntry {
    /// An element with every required field, of the right JSON types.
    Valid(RoleProfile),
    /// An element that is not an object, lacks a required field, has a field of the wrong JSON
    /// type or names a field twice. Kept for diagnosis; never authorises.
    Invalid(InvalidRoleProfile),
}

/// One user role profile: a person × organisation × job role, with optional areas of work,
/// workgroups and explicitly granted activities (RBAC.md §1, §4).
///
/// Parallel claim arrays are zipped: `activities[i]` names `activity_codes[i]`, and so on. The
/// codes are authoritative; a name is `None` where the names array is shorter, and a
/// [`ClaimDiagnostic::ParallelArrayMismatch`] records any difference in length.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RoleProfile {
    /// `person_roleid`: the URP id; equals the ID token's `selected_roleid` for the chosen role.
    pub person_roleid: Decoded<UserRoleProfileId>,
    /// `person_orgid`: links to `nhsid_org_memberships[].person_orgid`.
    pub person_orgid: Decoded<PersonOrgId>,
    /// `org_code`: the organisation's ODS code.
    pub org_code: Decoded<OdsCode>,
    /// `role_code`: the job role, `S####:G####:R####`.
    pub role_code: Decoded<JobRoleCode>,
    /// `role_name`: the quoted display triple (RBAC.md §3).
    pub role_name: Decoded<NameTriple>,
    /// `activity_codes` zipped with `activities`: the activities granted explicitly.
    pub activities: Vec<ClaimActivity>,
    /// `workgroups_codes` zipped with `workgroups`.
    pub workgroups: Vec<ClaimWorkgroup>,
    /// `aow_codes` zipped with `aow`: the areas of work.
    pub areas_of_work: Vec<ClaimAreaOfWork>,
    /// Every other member of the element, unchanged (including a misspelt `workgroup_codes`,
    /// which is therefore never read as workgroups).
    pub extra: Map<String, Value>,
    /// What was odd about the element without making it invalid.
    pub diagnostics: Vec<ClaimDiagnostic>,
}

/// An explicitly granted activity from the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimActivity {
    /// The code from `activity_codes` (`B####`, or `D####:C####:B####`).
    pub code: Decoded<ActivityRef>,
    /// The name from `activities`, display text only: codes decide.
    pub name: Option<String>,
}

/// A workgroup from the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimWorkgroup {
    /// The code from `workgroups_codes`.
    pub code: Decoded<WorkgroupCode>,
    /// The free-text name from `workgroups`.
    pub name: Option<String>,
}

/// An area of work from the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimAreaOfWork {
    /// The code from `aow_codes`, `P####:Q####:T####`.
    pub code: Decoded<AreaOfWorkCode>,
    /// The quoted name triple from `aow`.
    pub name: Option<Decoded<NameTriple>>,
}

/// A claim element that could not be decoded as a role profile.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct InvalidRoleProfile {
    /// 0-based position in the claim array.
    pub index: usize,
    /// The first problem found.
    pub problem: ElementProblem,
    /// `person_roleid`, when it is present and well-formed, so that selecting this element
    /// can be reported as such.
    pub person_roleid: Option<UserRoleProfileId>,
    /// The element as it was received (a duplicated member keeps its last value).
    pub raw: Value,
}

/// Why a claim element is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ElementProblem {
    /// The element is not a JSON object.
    NotAnObject {
        /// What it is.
        found: JsonType,
    },
    /// A required member is missing (or `null`).
    MissingField {
        /// The member.
        field: &'static str,
    },
    /// A member has the wrong JSON type (or an array member is not a string).
    WrongType {
        /// The member.
        field: &'static str,
        /// The JSON type required.
        expected: JsonType,
    },
    /// A member appears twice, so its value is ambiguous.
    DuplicateField {
        /// The member.
        field: String,
    },
}

/// Something odd about a claim element that does not make it invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimDiagnostic {
    /// A codes array and its names array have different lengths (RBAC.md §4: codes are
    /// authoritative; names become `None` beyond the shorter array; surplus names are
    /// dropped).
    ParallelArrayMismatch {
        /// Which pair.
        field: ParallelField,
        /// Length of the codes array (0 when absent).
        codes: usize,
        /// Length of the names array (0 when absent).
        names: usize,
    },
    /// The element has `workgroup_codes`, a misspelling of `workgroups_codes` that no CIS2
    /// payload uses. It is kept in `extra` and not read as workgroups.
    MisspeltWorkgroupCodes,
}

/// The parallel array pairs of a claim element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParallelField {
    /// `activity_codes` / `activities`.
    Activities,
    /// `workgroups_codes` / `workgroups`.
    Workgroups,
    /// `aow_codes` / `aow`.
    AreasOfWork,
}

impl NrbacRoles {
    /// Decodes the claim value (a JSON array, or `null` for no roles) from its JSON text.
    ///
    /// A member named twice in one element makes that element
    /// [`Invalid`](RoleProfileEntry::Invalid): serde_json would otherwise keep the last value
    /// silently.
    ///
    /// # Errors
    /// [`Error::Json`] for malformed JSON, [`Error::WrongTopLevelType`] when the claim is not an
    /// array (a decoder that turned it into a string, as supabase/auth PR #2321 did, produces
    /// exactly that), [`Error::InputTooLarge`] above [`MAX_CLAIM_BYTES`].
    pub fn from_claim_json(json: &[u8]) -> Result<Self, Error> {
        check_size(Input::Claim, json)?;
        let mut de = serde_json::Deserializer::from_slice(json);
        let shape = ClaimShape::deserialize(&mut de).map_err(json_error(Input::Claim))?;
        de.end().map_err(json_error(Input::Claim))?;
        Self::from_shape(Input::Claim, shape)
    }

    /// Decodes `nhsid_nrbac_roles` from a whole UserInfo response (CIS2.md §5.2). An absent
    /// claim is a person with no roles.
    ///
    /// # Errors
    /// As [`from_claim_json`](Self::from_claim_json), plus [`Error::DuplicateClaim`] when the
    /// response names the claim twice and [`Error::WrongTopLevelType`] when it is not an
    /// object.
    pub fn from_userinfo_json(json: &[u8]) -> Result<Self, Error> {
        check_size(Input::UserInfo, json)?;
        let mut de = serde_json::Deserializer::from_slice(json);
        let userinfo = UserInfoShape::deserialize(&mut de).map_err(json_error(Input::UserInfo))?;
        de.end().map_err(json_error(Input::UserInfo))?;
        match userinfo {
            UserInfoShape::Object {
                claim: Some(shape),
                duplicate: false,
            } => Self::from_shape(Input::Claim, shape),
            UserInfoShape::Object {
                claim: None,
                duplicate: false,
            } => Ok(Self::default()),
            UserInfoShape::Object {
                duplicate: true, ..
            } => Err(Error::DuplicateClaim),
            UserInfoShape::Other(found) => Err(Error::WrongTopLevelType {
                input: Input::UserInfo,
                expected: JsonType::Object,
                found,
            }),
        }
    }

    /// Decodes the claim from an already parsed JSON value. Duplicate members cannot be
    /// detected here (the parser has already dropped them): prefer the `_json` entry points.
    ///
    /// # Errors
    /// [`Error::WrongTopLevelType`] when the value is neither an array nor `null`.
    pub fn from_claim_value(value: &Value) -> Result<Self, Error> {
        let shape = match value {
            Value::Null => ClaimShape::Null,
            Value::Array(items) => ClaimShape::Array(
                items
                    .iter()
                    .map(|item| match item {
                        Value::Object(map) => RawElement::Object {
                            members: map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                            duplicate: None,
                        },
                        other => RawElement::Other(other.clone()),
                    })
                    .collect(),
            ),
            other => ClaimShape::Other(JsonType::of(other)),
        };
        Self::from_shape(Input::Claim, shape)
    }

    fn from_shape(input: Input, shape: ClaimShape) -> Result<Self, Error> {
        match shape {
            ClaimShape::Null => Ok(Self::default()),
            ClaimShape::Array(items) => Ok(Self {
                entries: items
                    .into_iter()
                    .enumerate()
                    .map(|(index, raw)| decode_element(index, raw))
                    .collect(),
            }),
            ClaimShape::Other(found) => Err(Error::WrongTopLevelType {
                input,
                expected: JsonType::Array,
                found,
            }),
        }
    }

    /// Every element, in claim order.
    #[must_use]
    pub fn entries(&self) -> &[RoleProfileEntry] {
        &self.entries
    }

    /// The valid role profiles, in claim order.
    pub fn profiles(&self) -> impl Iterator<Item = &RoleProfile> {
        self.entries.iter().filter_map(|entry| match entry {
            RoleProfileEntry::Valid(profile) => Some(profile),
            RoleProfileEntry::Invalid(_) => None,
        })
    }

    /// True when the person has no roles at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of elements (valid or not).
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl RoleProfileEntry {
    /// The role profile, if the element is valid.
    #[must_use]
    pub const fn profile(&self) -> Option<&RoleProfile> {
        match self {
            Self::Valid(profile) => Some(profile),
            Self::Invalid(_) => None,
        }
    }

    /// The well-formed `person_roleid` of the element, valid or not.
    #[must_use]
    pub fn person_roleid(&self) -> Option<UserRoleProfileId> {
        match self {
            Self::Valid(profile) => profile.person_roleid.get(),
            Self::Invalid(invalid) => invalid.person_roleid,
        }
    }
}

fn check_size(input: Input, json: &[u8]) -> Result<(), Error> {
    if json.len() > MAX_CLAIM_BYTES {
        return Err(Error::InputTooLarge {
            input,
            limit: MAX_CLAIM_BYTES,
            actual: json.len(),
        });
    }
    Ok(())
}

/// The members of an element, keyed by the names careid reads.
#[derive(Default)]
struct Members {
    person_roleid: Option<Value>,
    person_orgid: Option<Value>,
    org_code: Option<Value>,
    role_code: Option<Value>,
    role_name: Option<Value>,
    activities: Option<Value>,
    activity_codes: Option<Value>,
    workgroups: Option<Value>,
    workgroups_codes: Option<Value>,
    aow: Option<Value>,
    aow_codes: Option<Value>,
}

fn decode_element(index: usize, raw: RawElement) -> RoleProfileEntry {
    let (members, duplicate) = match raw {
        RawElement::Object { members, duplicate } => (members, duplicate),
        RawElement::Other(value) => {
            return RoleProfileEntry::Invalid(InvalidRoleProfile {
                index,
                problem: ElementProblem::NotAnObject {
                    found: JsonType::of(&value),
                },
                person_roleid: None,
                raw: value,
            });
        }
    };
    let raw_object = || Value::Object(members.iter().cloned().collect());
    let person_roleid = members
        .iter()
        .rev()
        .find(|(k, _)| k == "person_roleid")
        .and_then(|(_, v)| v.as_str())
        .and_then(|text| text.parse().ok());
    let invalid = |problem, raw| {
        RoleProfileEntry::Invalid(InvalidRoleProfile {
            index,
            problem,
            person_roleid,
            raw,
        })
    };
    if let Some(field) = duplicate {
        return invalid(ElementProblem::DuplicateField { field }, raw_object());
    }
    let raw = raw_object();
    let mut known = Members::default();
    let mut extra = Map::new();
    let mut diagnostics = Vec::new();
    for (key, value) in members {
        let slot = match key.as_str() {
            "person_roleid" => &mut known.person_roleid,
            "person_orgid" => &mut known.person_orgid,
            "org_code" => &mut known.org_code,
            "role_code" => &mut known.role_code,
            "role_name" => &mut known.role_name,
            "activities" => &mut known.activities,
            "activity_codes" => &mut known.activity_codes,
            "workgroups" => &mut known.workgroups,
            "workgroups_codes" => &mut known.workgroups_codes,
            "aow" => &mut known.aow,
            "aow_codes" => &mut known.aow_codes,
            other => {
                if other == "workgroup_codes" {
                    diagnostics.push(ClaimDiagnostic::MisspeltWorkgroupCodes);
                }
                extra.insert(key, value);
                continue;
            }
        };
        *slot = Some(value);
    }
    match decode_members(known, extra, diagnostics) {
        Ok(profile) => RoleProfileEntry::Valid(profile),
        Err(problem) => invalid(problem, raw),
    }
}

fn decode_members(
    m: Members,
    extra: Map<String, Value>,
    mut diagnostics: Vec<ClaimDiagnostic>,
) -> Result<RoleProfile, ElementProblem> {
    let person_roleid = required(m.person_roleid, "person_roleid")?;
    let person_orgid = required(m.person_orgid, "person_orgid")?;
    let org_code = required(m.org_code, "org_code")?;
    let role_code = required(m.role_code, "role_code")?;
    let role_name = required(m.role_name, "role_name")?;
    let activity_codes = optional(m.activity_codes, "activity_codes")?;
    let activities = optional(m.activities, "activities")?;
    let workgroups_codes = optional(m.workgroups_codes, "workgroups_codes")?;
    let workgroups = optional(m.workgroups, "workgroups")?;
    let aow_codes = optional(m.aow_codes, "aow_codes")?;
    let aow = optional(m.aow, "aow")?;

    let activities = zip(
        ParallelField::Activities,
        activity_codes,
        activities,
        &mut diagnostics,
    )
    .map(|(code, name)| ClaimActivity {
        code: Decoded::decode(&code),
        name,
    })
    .collect();
    let workgroups = zip(
        ParallelField::Workgroups,
        workgroups_codes,
        workgroups,
        &mut diagnostics,
    )
    .map(|(code, name)| ClaimWorkgroup {
        code: Decoded::decode(&code),
        name,
    })
    .collect();
    let areas_of_work = zip(ParallelField::AreasOfWork, aow_codes, aow, &mut diagnostics)
        .map(|(code, name)| ClaimAreaOfWork {
            code: Decoded::decode(&code),
            name: name.as_deref().map(Decoded::decode),
        })
        .collect();
    Ok(RoleProfile {
        person_roleid: Decoded::decode(&person_roleid),
        person_orgid: Decoded::decode(&person_orgid),
        org_code: Decoded::decode(&org_code),
        role_code: Decoded::decode(&role_code),
        role_name: Decoded::decode(&role_name),
        activities,
        workgroups,
        areas_of_work,
        extra,
        diagnostics,
    })
}

fn required(value: Option<Value>, field: &'static str) -> Result<String, ElementProblem> {
    match value {
        None | Some(Value::Null) => Err(ElementProblem::MissingField { field }),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(ElementProblem::WrongType {
            field,
            expected: JsonType::String,
        }),
    }
}

/// An optional array of strings; `null` counts as absent.
fn optional(
    value: Option<Value>,
    field: &'static str,
) -> Result<Option<Vec<String>>, ElementProblem> {
    let wrong = ElementProblem::WrongType {
        field,
        expected: JsonType::Array,
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                _ => Err(ElementProblem::WrongType {
                    field,
                    expected: JsonType::String,
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(wrong),
    }
}

/// Zips codes with names; codes are authoritative (RBAC.md §4).
fn zip(
    field: ParallelField,
    codes: Option<Vec<String>>,
    names: Option<Vec<String>>,
    diagnostics: &mut Vec<ClaimDiagnostic>,
) -> impl Iterator<Item = (String, Option<String>)> {
    let codes = codes.unwrap_or_default();
    let names = names.unwrap_or_default();
    if codes.len() != names.len() {
        diagnostics.push(ClaimDiagnostic::ParallelArrayMismatch {
            field,
            codes: codes.len(),
            names: names.len(),
        });
    }
    let mut names = names.into_iter();
    codes.into_iter().map(move |code| (code, names.next()))
}

/// The claim as parsed: an array of raw elements, `null`, or some other JSON type.
enum ClaimShape {
    Array(Vec<RawElement>),
    Null,
    Other(JsonType),
}

/// One claim element as parsed, with duplicate members detected.
enum RawElement {
    Object {
        members: Vec<(String, Value)>,
        duplicate: Option<String>,
    },
    Other(Value),
}

enum UserInfoShape {
    Object {
        claim: Option<ClaimShape>,
        duplicate: bool,
    },
    Other(JsonType),
}

impl<'de> de::Deserialize<'de> for ClaimShape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ClaimVisitor)
    }
}

struct ClaimVisitor;

impl<'de> Visitor<'de> for ClaimVisitor {
    type Value = ClaimShape;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the nhsid_nrbac_roles claim")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ClaimShape, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ElementSeed)? {
            items.push(item);
        }
        Ok(ClaimShape::Array(items))
    }
    fn visit_unit<E: de::Error>(self) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Other(JsonType::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Other(JsonType::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Other(JsonType::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Other(JsonType::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<ClaimShape, E> {
        Ok(ClaimShape::Other(JsonType::String))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ClaimShape, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(ClaimShape::Other(JsonType::Object))
    }
}

struct ElementSeed;

impl<'de> DeserializeSeed<'de> for ElementSeed {
    type Value = RawElement;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawElement, D::Error> {
        deserializer.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

macro_rules! other_element {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<RawElement, E> {
            Ok(RawElement::Other(Value::from(value)))
        }
    )*};
}

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = RawElement;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a role profile object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawElement, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::new();
        let mut duplicate = None;
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            if duplicate.is_none() && members.iter().any(|(k, _)| *k == key) {
                duplicate = Some(key.clone());
            }
            members.push((key, value));
        }
        Ok(RawElement::Object { members, duplicate })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawElement, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(RawElement::Other(Value::Array(items)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawElement, E> {
        Ok(RawElement::Other(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<RawElement, E> {
        Ok(RawElement::Other(Value::Null))
    }
    other_element!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
}

impl<'de> de::Deserialize<'de> for UserInfoShape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UserInfoVisitor)
    }
}

struct UserInfoVisitor;

macro_rules! other_userinfo {
    ($($method:ident: $ty:ty => $json:ident),*) => {$(
        fn $method<E: de::Error>(self, _: $ty) -> Result<UserInfoShape, E> {
            Ok(UserInfoShape::Other(JsonType::$json))
        }
    )*};
}

impl<'de> Visitor<'de> for UserInfoVisitor {
    type Value = UserInfoShape;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a UserInfo response")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UserInfoShape, A::Error> {
        let mut claim = None;
        let mut duplicate = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "nhsid_nrbac_roles" {
                let shape = map.next_value::<ClaimShape>()?;
                duplicate |= claim.is_some();
                claim = Some(shape);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(UserInfoShape::Object { claim, duplicate })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UserInfoShape, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(UserInfoShape::Other(JsonType::Array))
    }
    fn visit_unit<E: de::Error>(self) -> Result<UserInfoShape, E> {
        Ok(UserInfoShape::Other(JsonType::Null))
    }
    other_userinfo!(visit_bool: bool => Bool, visit_i64: i64 => Number, visit_u64: u64 => Number,
        visit_f64: f64 => Number, visit_str: &str => String);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(json: &str) -> RoleProfileEntry {
        let roles = NrbacRoles::from_claim_json(format!("[{json}]").as_bytes()).unwrap();
        assert_eq!(roles.len(), 1);
        roles.entries()[0].clone()
    }

    const MINIMAL: &str = r#""person_roleid":"1","person_orgid":"2","org_code":"Y51","role_code":"S8000:G8000:R8001","role_name":"\"a\":\"b\":\"c\"""#;

    #[test]
    fn absent_empty_and_null_claims_mean_no_roles() {
        assert!(NrbacRoles::from_claim_json(b"[]").unwrap().is_empty());
        assert!(NrbacRoles::from_claim_json(b" null ").unwrap().is_empty());
        assert!(
            NrbacRoles::from_userinfo_json(br#"{"sub":"1"}"#)
                .unwrap()
                .is_empty()
        );
        assert!(
            NrbacRoles::from_claim_value(&Value::Null)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_claim_that_is_not_an_array_is_an_error() {
        // supabase/auth PR #2321 mapped the claim to a string (RBAC.md §4).
        let stringified = br#""[{\"person_roleid\":\"1\"}]""#;
        assert_eq!(
            NrbacRoles::from_claim_json(stringified),
            Err(Error::WrongTopLevelType {
                input: Input::Claim,
                expected: JsonType::Array,
                found: JsonType::String
            })
        );
        assert_eq!(
            NrbacRoles::from_userinfo_json(br#"{"nhsid_nrbac_roles":{"a":1}}"#),
            Err(Error::WrongTopLevelType {
                input: Input::Claim,
                expected: JsonType::Array,
                found: JsonType::Object
            })
        );
        assert_eq!(
            NrbacRoles::from_userinfo_json(b"[1]"),
            Err(Error::WrongTopLevelType {
                input: Input::UserInfo,
                expected: JsonType::Object,
                found: JsonType::Array
            })
        );
        assert!(matches!(
            NrbacRoles::from_claim_json(b"[{]"),
            Err(Error::Json {
                input: Input::Claim,
                line: 1,
                ..
            })
        ));
        assert!(matches!(
            NrbacRoles::from_claim_json(b"[] x"),
            Err(Error::Json { .. })
        ));
        assert_eq!(
            NrbacRoles::from_userinfo_json(br#"{"nhsid_nrbac_roles":[],"nhsid_nrbac_roles":null}"#),
            Err(Error::DuplicateClaim)
        );
        let big = vec![b' '; MAX_CLAIM_BYTES + 1];
        assert_eq!(
            NrbacRoles::from_claim_json(&big),
            Err(Error::InputTooLarge {
                input: Input::Claim,
                limit: MAX_CLAIM_BYTES,
                actual: MAX_CLAIM_BYTES + 1
            })
        );
    }

    #[test]
    fn missing_or_mistyped_fields_make_the_element_invalid() {
        let RoleProfileEntry::Invalid(inv) = element(r#"{"person_roleid":"7","org_code":"Y51"}"#)
        else {
            panic!()
        };
        assert_eq!(
            inv.problem,
            ElementProblem::MissingField {
                field: "person_orgid"
            }
        );
        assert_eq!(inv.person_roleid, Some("7".parse().unwrap()));
        assert_eq!(
            inv.raw,
            serde_json::json!({"person_roleid":"7","org_code":"Y51"})
        );

        let RoleProfileEntry::Invalid(inv) =
            element(&format!(r#"{{{MINIMAL},"activity_codes":"B0264"}}"#))
        else {
            panic!()
        };
        assert_eq!(
            inv.problem,
            ElementProblem::WrongType {
                field: "activity_codes",
                expected: JsonType::Array
            }
        );
        let RoleProfileEntry::Invalid(inv) =
            element(&format!(r#"{{{MINIMAL},"activity_codes":[264]}}"#))
        else {
            panic!()
        };
        assert_eq!(
            inv.problem,
            ElementProblem::WrongType {
                field: "activity_codes",
                expected: JsonType::String
            }
        );
        let RoleProfileEntry::Invalid(inv) = element(
            r#"{"person_roleid":1,"person_orgid":"2","org_code":"Y51","role_code":"x","role_name":"y"}"#,
        ) else {
            panic!()
        };
        assert_eq!(
            inv.problem,
            ElementProblem::WrongType {
                field: "person_roleid",
                expected: JsonType::String
            }
        );
        let RoleProfileEntry::Invalid(inv) = element(r#""S8000:G8000:R8000""#) else {
            panic!()
        };
        assert_eq!(
            inv.problem,
            ElementProblem::NotAnObject {
                found: JsonType::String
            }
        );
        let RoleProfileEntry::Invalid(inv) =
            element(&format!(r#"{{{MINIMAL},"role_code":"S8000:G8000:R8000"}}"#))
        else {
            panic!()
        };
        assert_eq!(
            inv.problem,
            ElementProblem::DuplicateField {
                field: "role_code".to_owned()
            }
        );
        assert_eq!(inv.person_roleid, Some("1".parse().unwrap()));
    }

    #[test]
    fn parallel_arrays_codes_are_authoritative() {
        let RoleProfileEntry::Valid(p) = element(&format!(
            r#"{{{MINIMAL},"activity_codes":["B0264","B0370"],"activities":["Access SCR"],
               "workgroups":["a","b","c"],"workgroups_codes":["123"],"aow":["\"x\":\"y\":\"z\""]}}"#
        )) else {
            panic!()
        };
        assert_eq!(p.activities.len(), 2);
        assert_eq!(p.activities[0].name.as_deref(), Some("Access SCR"));
        assert_eq!(p.activities[1].name, None);
        assert_eq!(p.workgroups.len(), 1);
        assert_eq!(p.areas_of_work.len(), 0);
        assert_eq!(
            p.diagnostics,
            [
                ClaimDiagnostic::ParallelArrayMismatch {
                    field: ParallelField::Activities,
                    codes: 2,
                    names: 1
                },
                ClaimDiagnostic::ParallelArrayMismatch {
                    field: ParallelField::Workgroups,
                    codes: 1,
                    names: 3
                },
                ClaimDiagnostic::ParallelArrayMismatch {
                    field: ParallelField::AreasOfWork,
                    codes: 0,
                    names: 1
                },
            ]
        );
    }

    #[test]
    fn misspelt_workgroup_codes_are_kept_but_not_read() {
        let RoleProfileEntry::Valid(p) = element(&format!(
            r#"{{{MINIMAL},"workgroup_codes":["123"],"future":{{"x":1}}}}"#
        )) else {
            panic!()
        };
        assert!(p.workgroups.is_empty());
        assert_eq!(
            p.extra.get("workgroup_codes"),
            Some(&serde_json::json!(["123"]))
        );
        assert_eq!(p.extra.get("future"), Some(&serde_json::json!({"x": 1})));
        assert_eq!(p.diagnostics, [ClaimDiagnostic::MisspeltWorkgroupCodes]);
    }

    #[test]
    fn nonconforming_codes_are_kept_as_unknown() {
        let RoleProfileEntry::Valid(p) = element(
            r#"{"person_roleid":"abc","person_orgid":"","org_code":"y51","role_code":"R8000","role_name":"Nurse",
                "activity_codes":["b0264","D0008:C0055:B1611"],"aow_codes":["T1580"],"workgroups_codes":["12a"],
                "null_is_absent": null, "activities": null}"#,
        ) else {
            panic!()
        };
        assert_eq!(p.person_roleid, Decoded::Unknown("abc".to_owned()));
        assert_eq!(p.person_orgid, Decoded::Unknown(String::new()));
        assert_eq!(p.org_code, Decoded::Unknown("y51".to_owned()));
        assert_eq!(p.role_code, Decoded::Unknown("R8000".to_owned()));
        assert_eq!(p.role_name, Decoded::Unknown("Nurse".to_owned()));
        assert_eq!(p.activities[0].code, Decoded::Unknown("b0264".to_owned()));
        assert_eq!(
            p.activities[1].code.get().map(ActivityRef::code),
            Some("B1611".parse().unwrap())
        );
        assert_eq!(p.activities[1].code.to_string(), "D0008:C0055:B1611");
        assert_eq!(
            p.areas_of_work[0].code,
            Decoded::Unknown("T1580".to_owned())
        );
        assert_eq!(p.workgroups[0].code, Decoded::Unknown("12a".to_owned()));
        assert!(p.extra.contains_key("null_is_absent"));
    }

    #[test]
    fn from_value_agrees_with_from_json() {
        let json = format!(
            r#"[{{{MINIMAL},"activity_codes":["B0264"],"activities":["x"],"other":[1]}}, 5]"#
        );
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            NrbacRoles::from_claim_value(&value).unwrap(),
            NrbacRoles::from_claim_json(json.as_bytes()).unwrap()
        );
    }
}
