//! careid's canonical catalogue JSON (RBAC.md §9): what importers produce and services load.
//!
//! ```json
//! {"nrd_version": "27.2",
//!  "activity_groups": {"D0006": "Information Governance"},
//!  "areas_of_work": {"T1580": "Primary Care AoW"},
//!  "activities": [{"code": "B0265", "name": "Make RA Requests", "group": "D0006",
//!                  "group_name": "…", "sub_group": "C0051", "sub_group_name": "…",
//!                  "description": "…", "includes": ["B0262"], "restricted": false,
//!                  "status": "Rationalised"}],
//!  "job_roles": [{"code": "S8000:G8000:R8001", "name": "Nurse Access Role", "type": "NCRS",
//!                 "staff_group_name": "…", "staff_sub_group_name": "…", "description": "…",
//!                 "status": "Rationalised (New)", "restricted": false,
//!                 "group_baseline": {"D8002": ["B0143", "B0380", "B0620", "B0825"]},
//!                 "aow_baseline": {"T1580": ["B0278", "B0428"]}}]}
//! ```
//!
//! The name tables and the `*_name` and `description` members may be omitted (RBAC.md §9's
//! example omits them); unknown members are refused. The writer emits one activity or job role
//! per line, in code order, so that the output is deterministic and diffs well.

use crate::catalogue::{
    Activity, Catalogue, JobRole, LoadOptions, MAX_CATALOGUE_BYTES, MAX_CATALOGUE_ROWS, RoleType,
    Status,
};
use crate::code::ActivityCode;
use crate::error::{CodeKind, Error, Input, json_error};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

const INPUT: Input = Input::CanonicalCatalogue;

impl Catalogue {
    /// Loads careid's canonical catalogue JSON (RBAC.md §9).
    ///
    /// # Errors
    /// [`Error::InputTooLarge`], [`Error::TooManyRows`], [`Error::Json`] (including a missing or
    /// unknown member, with its position), [`Error::BadCodeInRow`] (`column` names the member,
    /// e.g. `job_roles.group_baseline`), [`Error::DuplicateColumn`] for a baseline or name table
    /// key given twice, duplicates, and whatever `options` rejects.
    pub fn from_canonical_json(json: &[u8], options: LoadOptions) -> Result<Self, Error> {
        if json.len() > MAX_CATALOGUE_BYTES {
            return Err(Error::InputTooLarge {
                input: INPUT,
                limit: MAX_CATALOGUE_BYTES,
                actual: json.len(),
            });
        }
        let file: File = serde_json::from_slice(json).map_err(json_error(INPUT))?;
        if file.activities.len() > MAX_CATALOGUE_ROWS || file.job_roles.len() > MAX_CATALOGUE_ROWS {
            return Err(Error::TooManyRows {
                input: INPUT,
                limit: MAX_CATALOGUE_ROWS,
            });
        }
        let group_names = names(
            file.activity_groups,
            "activity_groups",
            CodeKind::ActivityGroup,
        )?;
        let area_names = names(
            file.areas_of_work,
            "areas_of_work",
            CodeKind::AreaOfWorkTertiary,
        )?;
        let activities = file
            .activities
            .into_iter()
            .enumerate()
            .map(|(row, a)| {
                Ok(Activity {
                    code: code(row, "activities.code", CodeKind::Activity, &a.code)?,
                    group: code(row, "activities.group", CodeKind::ActivityGroup, &a.group)?,
                    sub_group: code(
                        row,
                        "activities.sub_group",
                        CodeKind::ActivitySubGroup,
                        &a.sub_group,
                    )?,
                    includes: codes(row, "activities.includes", &a.includes)?,
                    name: a.name,
                    group_name: a.group_name,
                    sub_group_name: a.sub_group_name,
                    description: a.description,
                    restricted: a.restricted,
                    status: Status::parse(&a.status),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let job_roles = file
            .job_roles
            .into_iter()
            .enumerate()
            .map(|(row, r)| {
                Ok(JobRole {
                    code: code(row, "job_roles.code", CodeKind::JobRole, &r.code)?,
                    group_baseline: baseline(
                        row,
                        "job_roles.group_baseline",
                        CodeKind::ActivityGroup,
                        r.group_baseline,
                    )?,
                    area_baseline: baseline(
                        row,
                        "job_roles.aow_baseline",
                        CodeKind::AreaOfWorkTertiary,
                        r.aow_baseline,
                    )?,
                    name: r.name,
                    staff_group_name: r.staff_group_name,
                    staff_sub_group_name: r.staff_sub_group_name,
                    description: r.description,
                    role_type: RoleType::parse(&r.role_type),
                    status: Status::parse(&r.status),
                    restricted: r.restricted,
                    group_closure: Box::default(),
                    area_closures: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Self::build(
            file.nrd_version,
            activities,
            job_roles,
            group_names,
            area_names,
            options,
            Vec::new(),
        )
    }

    /// Writes the catalogue in canonical JSON: deterministic (code order, one record per line),
    /// and [`from_canonical_json`](Self::from_canonical_json) reads it back to an equal
    /// catalogue (with the same options).
    #[must_use]
    pub fn to_canonical_json(&self) -> String {
        let (groups, areas) = self.column_names();
        let header = Header {
            nrd_version: self.version(),
            activity_groups: groups
                .map(|(code, name)| (code.to_string(), name))
                .collect(),
            areas_of_work: areas.map(|(code, name)| (code.to_string(), name)).collect(),
        };
        let mut out = String::from("{\n");
        out.push_str(&format!(
            "  \"nrd_version\": {},\n",
            json(&header.nrd_version)
        ));
        out.push_str(&format!(
            "  \"activity_groups\": {},\n",
            json(&header.activity_groups)
        ));
        out.push_str(&format!(
            "  \"areas_of_work\": {},\n",
            json(&header.areas_of_work)
        ));
        out.push_str("  \"activities\": [");
        for (i, a) in self.activities().iter().enumerate() {
            let record = ActivityOut {
                code: a.code().to_string(),
                name: a.name(),
                group: a.group().to_string(),
                group_name: a.group_name(),
                sub_group: a.sub_group().to_string(),
                sub_group_name: a.sub_group_name(),
                description: a.description(),
                includes: a.includes().iter().map(ToString::to_string).collect(),
                restricted: a.restricted(),
                status: a.status().text(),
            };
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&json(&record));
        }
        out.push_str("\n  ],\n  \"job_roles\": [");
        for (i, r) in self.job_roles().iter().enumerate() {
            let record = RoleOut {
                code: r.code().to_string(),
                name: r.name(),
                role_type: r.role_type().as_str(),
                staff_group_name: r.staff_group_name(),
                staff_sub_group_name: r.staff_sub_group_name(),
                description: r.description(),
                status: r.status().text(),
                restricted: r.restricted(),
                group_baseline: r
                    .group_baseline()
                    .map(|(group, codes)| {
                        (
                            group.to_string(),
                            codes.iter().map(ToString::to_string).collect(),
                        )
                    })
                    .collect(),
                aow_baseline: r
                    .area_baseline()
                    .map(|(area, codes)| {
                        (
                            area.to_string(),
                            codes.iter().map(ToString::to_string).collect(),
                        )
                    })
                    .collect(),
            };
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&json(&record));
        }
        out.push_str("\n  ]\n}\n");
        out
    }
}

/// Serialises one record on one line. These plain structs of strings, booleans, lists and
/// maps with string keys cannot fail to serialise.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn code<T: FromStr<Err = Error>>(
    row: usize,
    column: &'static str,
    kind: CodeKind,
    text: &str,
) -> Result<T, Error> {
    text.parse().map_err(|err| match err {
        Error::InvalidCode { fault, .. } => Error::BadCodeInRow {
            input: INPUT,
            row,
            column: column.to_owned(),
            kind,
            fault,
        },
        other => other,
    })
}

fn codes(row: usize, column: &'static str, texts: &[String]) -> Result<Vec<ActivityCode>, Error> {
    texts
        .iter()
        .map(|text| code(row, column, CodeKind::Activity, text))
        .collect()
}

fn baseline<K: FromStr<Err = Error> + Ord + Copy>(
    row: usize,
    column: &'static str,
    kind: CodeKind,
    pairs: Pairs<Vec<String>>,
) -> Result<Vec<(K, Vec<ActivityCode>)>, Error> {
    let mut out: Vec<(K, Vec<ActivityCode>)> = Vec::with_capacity(pairs.0.len());
    for (key, values) in pairs.0 {
        let key: K = code(row, column, kind, &key)?;
        if out.iter().any(|(k, _)| *k == key) {
            return Err(Error::DuplicateColumn {
                input: INPUT,
                row,
                column: column.to_owned(),
            });
        }
        out.push((key, codes(row, column, &values)?));
    }
    Ok(out)
}

fn names<K: FromStr<Err = Error> + Ord>(
    pairs: Pairs<String>,
    column: &'static str,
    kind: CodeKind,
) -> Result<BTreeMap<K, String>, Error> {
    let mut out = BTreeMap::new();
    for (key, name) in pairs.0 {
        let key: K = code(0, column, kind, &key)?;
        if out.insert(key, name).is_some() {
            return Err(Error::DuplicateColumn {
                input: INPUT,
                row: 0,
                column: column.to_owned(),
            });
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    nrd_version: String,
    #[serde(default)]
    activity_groups: Pairs<String>,
    #[serde(default)]
    areas_of_work: Pairs<String>,
    activities: Vec<ActivityIn>,
    job_roles: Vec<RoleIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityIn {
    code: String,
    name: String,
    group: String,
    #[serde(default)]
    group_name: String,
    sub_group: String,
    #[serde(default)]
    sub_group_name: String,
    #[serde(default)]
    description: String,
    includes: Vec<String>,
    restricted: bool,
    status: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleIn {
    code: String,
    name: String,
    #[serde(rename = "type")]
    role_type: String,
    #[serde(default)]
    staff_group_name: String,
    #[serde(default)]
    staff_sub_group_name: String,
    #[serde(default)]
    description: String,
    status: String,
    restricted: bool,
    group_baseline: Pairs<Vec<String>>,
    aow_baseline: Pairs<Vec<String>>,
}

struct Header<'a> {
    nrd_version: &'a str,
    activity_groups: Pairs<&'a str>,
    areas_of_work: Pairs<&'a str>,
}

#[derive(Serialize)]
struct ActivityOut<'a> {
    code: String,
    name: &'a str,
    group: String,
    group_name: &'a str,
    sub_group: String,
    sub_group_name: &'a str,
    description: &'a str,
    includes: Vec<String>,
    restricted: bool,
    status: &'a str,
}

#[derive(Serialize)]
struct RoleOut<'a> {
    code: String,
    name: &'a str,
    #[serde(rename = "type")]
    role_type: &'a str,
    staff_group_name: &'a str,
    staff_sub_group_name: &'a str,
    description: &'a str,
    status: &'a str,
    restricted: bool,
    group_baseline: Pairs<Vec<String>>,
    aow_baseline: Pairs<Vec<String>>,
}

/// A JSON object as an ordered list of members: duplicates stay visible (a map would drop
/// them silently).
struct Pairs<V>(Vec<(String, V)>);

impl<V> Default for Pairs<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> FromIterator<(String, V)> for Pairs<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<V: Serialize> Serialize for Pairs<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Pairs<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<V>(core::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for PairsVisitor<V> {
            type Value = Pairs<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, V>()? {
                    out.push(entry);
                }
                Ok(Pairs(out))
            }
        }
        deserializer.deserialize_map(PairsVisitor(core::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::LoadDiagnostic;
    use crate::error::Referrer;

    /// The example of RBAC.md §9, verbatim.
    const DESIGN_EXAMPLE: &str = r#"{"nrd_version": "27.2",
   "activities": [{"code": "B0265", "name": "Make RA Requests", "group": "D0006",
                   "sub_group": "C0051", "includes": ["B0262"], "restricted": false,
                   "status": "Rationalised"}],
   "job_roles": [{"code": "S8000:G8000:R8001", "name": "Nurse Access Role", "type": "NCRS",
                  "status": "Rationalised (New)", "restricted": false,
                  "group_baseline": {"D8002": ["B0143", "B0380", "B0620", "B0825"]},
                  "aow_baseline": {"T1580": ["B0278", "B0428"]}}]}"#;

    #[test]
    fn the_design_example_loads_leniently_and_round_trips() {
        let strict =
            Catalogue::from_canonical_json(DESIGN_EXAMPLE.as_bytes(), LoadOptions::strict());
        assert_eq!(
            strict,
            Err(Error::UndefinedActivity {
                code: "B0262".parse().unwrap(),
                referrer: Referrer::Includes {
                    activity: "B0265".parse().unwrap()
                }
            })
        );
        let c = Catalogue::from_canonical_json(DESIGN_EXAMPLE.as_bytes(), LoadOptions::lenient())
            .unwrap();
        assert_eq!(c.version(), "27.2");
        assert_eq!(c.diagnostics().len(), 1 + 4 + 2);
        assert!(matches!(
            c.diagnostics()[1],
            LoadDiagnostic::UndefinedActivity {
                referrer: Referrer::GroupBaseline { .. },
                ..
            }
        ));
        let nurse = c.job_role("S8000:G8000:R8001".parse().unwrap()).unwrap();
        let aow: Vec<String> = nurse
            .area_baseline()
            .flat_map(|(_, codes)| codes.iter().map(ToString::to_string))
            .collect();
        assert_eq!(aow, ["B0278", "B0428"]);
        let text = c.to_canonical_json();
        let again =
            Catalogue::from_canonical_json(text.as_bytes(), LoadOptions::lenient()).unwrap();
        assert_eq!(again, c);
        assert_eq!(again.to_canonical_json(), text);
    }

    #[test]
    fn canonical_errors() {
        let bad = DESIGN_EXAMPLE.replace("\"D8002\"", "\"D80\"");
        assert!(matches!(
            Catalogue::from_canonical_json(bad.as_bytes(), LoadOptions::lenient()),
            Err(Error::BadCodeInRow {
                row: 0,
                kind: CodeKind::ActivityGroup,
                ..
            })
        ));
        let dup = DESIGN_EXAMPLE.replace("\"D8002\": [\"B0143\", ", "\"D8002\": [], \"D8002\": [");
        assert_eq!(
            Catalogue::from_canonical_json(dup.as_bytes(), LoadOptions::lenient()),
            Err(Error::DuplicateColumn {
                input: INPUT,
                row: 0,
                column: "job_roles.group_baseline".to_owned()
            })
        );
        let unknown = DESIGN_EXAMPLE.replace(
            "\"restricted\": false,\n                   \"status\"",
            "\"restricted\": false, \"x\": 1, \"status\"",
        );
        assert!(matches!(
            Catalogue::from_canonical_json(unknown.as_bytes(), LoadOptions::lenient()),
            Err(Error::Json {
                input: INPUT,
                line: 3,
                ..
            })
        ));
    }
}
