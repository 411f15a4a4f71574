//! Importer for the column layout of the public NRD extract (RBAC.md §8, §9 (a)): one JSON
//! array of activity rows and one of job role rows, every value a string, baselines in one
//! column per activity group (`"D#### name"`) and per area of work (`"T#### name"`).

use crate::catalogue::{
    Activity, Catalogue, JobRole, LoadDiagnostic, LoadOptions, MAX_CATALOGUE_BYTES,
    MAX_CATALOGUE_ROWS, OnProblem, RoleType, Status,
};
use crate::code::{ActivityCode, ActivityGroupCode, AowTertiaryCode, JobRoleCode};
use crate::error::{CodeKind, Error, Input, JsonType, json_error};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

impl Catalogue {
    /// Loads the public NRD extract: `rbac-active-activities.json` and
    /// `rbac-job-roles-baseline1.json` (RBAC.md §8). `version` labels the result: the extract is
    /// undated, so say where it came from.
    ///
    /// Quirks of the extract handled here: surrounding white space and `\r`/`\n` in values and
    /// column names are trimmed; `Restricted` is empty, `Yes`, `YES` or `No` in any case;
    /// `Rationalisation Status` may end in `.`; the empty column and the note column (`"(more
    /// Areas of Work may be added …)\r"`) are ignored while they are blank; codes repeated in one
    /// baseline column or `Includes` list count once.
    ///
    /// # Errors
    /// Size limits ([`Error::InputTooLarge`], [`Error::TooManyRows`]), JSON and shape errors,
    /// [`Error::MissingColumn`], [`Error::DuplicateColumn`], [`Error::BadCodeInRow`],
    /// [`Error::BadFlag`], duplicates, and whatever `options` rejects.
    pub fn from_extract(
        activities_json: &[u8],
        job_roles_json: &[u8],
        version: &str,
        options: LoadOptions,
    ) -> Result<Self, Error> {
        let mut diagnostics = Vec::new();
        let activity_rows = rows(Input::ExtractActivities, activities_json)?;
        let mut activities = Vec::with_capacity(activity_rows.len());
        for (at, row) in activity_rows.iter().enumerate() {
            let row = Row::new(Input::ExtractActivities, at, row)?;
            activities.push(activity(&row)?);
            row.leftovers(ACTIVITY_COLUMNS, options, &mut diagnostics)?;
        }
        drop(activity_rows);

        let role_rows = rows(Input::ExtractJobRoles, job_roles_json)?;
        let mut job_roles = Vec::with_capacity(role_rows.len());
        let mut group_names = BTreeMap::new();
        let mut area_names = BTreeMap::new();
        for (at, row) in role_rows.iter().enumerate() {
            let row = Row::new(Input::ExtractJobRoles, at, row)?;
            job_roles.push(job_role(&row, &mut group_names, &mut area_names)?);
            row.leftovers(ROLE_COLUMNS, options, &mut diagnostics)?;
        }
        Self::build(
            version.to_owned(),
            activities,
            job_roles,
            group_names,
            area_names,
            options,
            diagnostics,
        )
    }
}

const ACTIVITY_COLUMNS: &[&str] = &[
    "Activity Group Name",
    "Activity Group Code",
    "Activity Sub Group Name",
    "Activity Sub Group Code",
    "Activity Name",
    "Activity Code",
    "Includes",
    "Activity Description",
    "Restricted",
    "Rationalisation Status",
];

const ROLE_COLUMNS: &[&str] = &[
    "Type",
    "Staff Group",
    "Staff Group Code",
    "Staff Sub Group",
    "Staff Sub Group Code",
    "Job Role",
    "Job Role Code",
    "Job Role Description",
    "Restricted",
    "Rationalisation Status",
];

fn activity(row: &Row<'_>) -> Result<Activity, Error> {
    Ok(Activity {
        code: row.code("Activity Code", CodeKind::Activity)?,
        name: row.required("Activity Name")?.to_owned(),
        group: row.code("Activity Group Code", CodeKind::ActivityGroup)?,
        group_name: row.optional("Activity Group Name").to_owned(),
        sub_group: row.code("Activity Sub Group Code", CodeKind::ActivitySubGroup)?,
        sub_group_name: row.optional("Activity Sub Group Name").to_owned(),
        description: row.optional("Activity Description").to_owned(),
        includes: row.codes("Includes", row.required("Includes")?)?,
        restricted: row.flag("Restricted")?,
        status: Status::parse(row.required("Rationalisation Status")?),
    })
}

fn job_role(
    row: &Row<'_>,
    group_names: &mut BTreeMap<ActivityGroupCode, String>,
    area_names: &mut BTreeMap<AowTertiaryCode, String>,
) -> Result<JobRole, Error> {
    let code = JobRoleCode {
        staff_group: row.code("Staff Group Code", CodeKind::StaffGroup)?,
        staff_sub_group: row.code("Staff Sub Group Code", CodeKind::StaffSubGroup)?,
        job_role: row.code("Job Role Code", CodeKind::JobRoleR)?,
    };
    let mut group_baseline = Vec::new();
    let mut area_baseline = Vec::new();
    for (column, value) in &row.cells {
        match baseline_column(column) {
            Some(BaselineColumn::Group(group, name)) => {
                group_names.entry(group).or_insert_with(|| name.to_owned());
                group_baseline.push((group, row.codes(column, value)?));
            }
            Some(BaselineColumn::Area(area, name)) => {
                area_names.entry(area).or_insert_with(|| name.to_owned());
                area_baseline.push((area, row.codes(column, value)?));
            }
            None => {}
        }
    }
    Ok(JobRole {
        code,
        name: row.required("Job Role")?.to_owned(),
        staff_group_name: row.optional("Staff Group").to_owned(),
        staff_sub_group_name: row.optional("Staff Sub Group").to_owned(),
        description: row.optional("Job Role Description").to_owned(),
        role_type: RoleType::parse(row.required("Type")?),
        status: Status::parse(row.required("Rationalisation Status")?),
        restricted: row.flag("Restricted")?,
        group_baseline,
        area_baseline,
        group_closure: Box::default(),
        area_closures: Vec::new(),
    })
}

enum BaselineColumn<'a> {
    Group(ActivityGroupCode, &'a str),
    Area(AowTertiaryCode, &'a str),
}

/// `"D#### name"` or `"T#### name"` (the note column says "first five letters of this row must
/// be AoW Tertiary Code followed by space").
fn baseline_column(column: &str) -> Option<BaselineColumn<'_>> {
    let code = column.get(..5)?;
    let rest = column.get(5..)?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let name = rest.trim();
    if let Ok(group) = ActivityGroupCode::parse(code) {
        return Some(BaselineColumn::Group(group, name));
    }
    AowTertiaryCode::parse(code)
        .ok()
        .map(|area| BaselineColumn::Area(area, name))
}

/// One row: trimmed column names and values, checked for duplicates and for strings.
struct Row<'r> {
    input: Input,
    at: usize,
    cells: Vec<(&'r str, &'r str)>,
}

impl<'r> Row<'r> {
    fn new(input: Input, at: usize, raw: &'r RawRow<'_>) -> Result<Self, Error> {
        let members = match raw {
            RawRow::Object(members) => members,
            RawRow::Other(found) => {
                return Err(Error::RowNotObject {
                    input,
                    row: at,
                    found: *found,
                });
            }
        };
        let mut cells = Vec::with_capacity(members.len());
        for (key, value) in members {
            match value {
                Cell::Str(text) => cells.push((key.trim(), text.trim())),
                Cell::Other(found) => {
                    return Err(Error::WrongColumnType {
                        input,
                        row: at,
                        column: key.trim().to_owned(),
                        expected: JsonType::String,
                        found: *found,
                    });
                }
            }
        }
        let mut names: Vec<&str> = cells.iter().map(|(key, _)| *key).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|pair| pair.first() == pair.get(1)) {
            let column = pair.first().copied().unwrap_or_default().to_owned();
            return Err(Error::DuplicateColumn {
                input,
                row: at,
                column,
            });
        }
        Ok(Self { input, at, cells })
    }

    fn get(&self, column: &str) -> Option<&'r str> {
        self.cells
            .iter()
            .find(|(key, _)| *key == column)
            .map(|(_, value)| *value)
    }

    fn required(&self, column: &'static str) -> Result<&'r str, Error> {
        self.get(column).ok_or(Error::MissingColumn {
            input: self.input,
            row: self.at,
            column,
        })
    }

    fn optional(&self, column: &'static str) -> &'r str {
        self.get(column).unwrap_or_default()
    }

    fn code<T: FromStr<Err = Error>>(
        &self,
        column: &'static str,
        kind: CodeKind,
    ) -> Result<T, Error> {
        let text = self.required(column)?;
        text.parse().map_err(|err| self.bad_code(column, kind, err))
    }

    fn codes(&self, column: &str, value: &str) -> Result<Vec<ActivityCode>, Error> {
        value
            .split_ascii_whitespace()
            .map(|word| {
                word.parse()
                    .map_err(|err| self.bad_code(column, CodeKind::Activity, err))
            })
            .collect()
    }

    fn bad_code(&self, column: &str, kind: CodeKind, err: Error) -> Error {
        match err {
            Error::InvalidCode { fault, .. } => Error::BadCodeInRow {
                input: self.input,
                row: self.at,
                column: column.to_owned(),
                kind,
                fault,
            },
            other => other,
        }
    }

    fn flag(&self, column: &'static str) -> Result<bool, Error> {
        let text = self.required(column)?;
        if text.is_empty() || text.eq_ignore_ascii_case("no") {
            Ok(false)
        } else if text.eq_ignore_ascii_case("yes") {
            Ok(true)
        } else {
            Err(Error::BadFlag {
                input: self.input,
                row: self.at,
                column,
            })
        }
    }

    /// Columns that are neither `known` nor baselines: ignored when blank, else per `options`.
    fn leftovers(
        &self,
        known: &[&str],
        options: LoadOptions,
        diagnostics: &mut Vec<LoadDiagnostic>,
    ) -> Result<(), Error> {
        let roles = self.input == Input::ExtractJobRoles;
        for (column, value) in &self.cells {
            if value.is_empty()
                || known.contains(column)
                || (roles && baseline_column(column).is_some())
            {
                continue;
            }
            let column = (*column).to_owned();
            match options.unexpected_columns {
                OnProblem::Reject => {
                    return Err(Error::UnexpectedColumn {
                        input: self.input,
                        row: self.at,
                        column,
                    });
                }
                OnProblem::Record => {
                    diagnostics.push(LoadDiagnostic::IgnoredColumn {
                        input: self.input,
                        row: self.at,
                        column,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Parses the top-level array of rows, enforcing the size limits.
fn rows(input: Input, json: &[u8]) -> Result<Vec<RawRow<'_>>, Error> {
    if json.len() > MAX_CATALOGUE_BYTES {
        return Err(Error::InputTooLarge {
            input,
            limit: MAX_CATALOGUE_BYTES,
            actual: json.len(),
        });
    }
    let mut too_many = false;
    let mut de = serde_json::Deserializer::from_slice(json);
    let parsed = TopLevel {
        too_many: &mut too_many,
    }
    .deserialize(&mut de);
    if too_many {
        return Err(Error::TooManyRows {
            input,
            limit: MAX_CATALOGUE_ROWS,
        });
    }
    let parsed = parsed.map_err(json_error(input))?;
    de.end().map_err(json_error(input))?;
    match parsed {
        Ok(rows) => Ok(rows),
        Err(found) => Err(Error::WrongTopLevelType {
            input,
            expected: JsonType::Array,
            found,
        }),
    }
}

enum RawRow<'de> {
    Object(Vec<(Cow<'de, str>, Cell<'de>)>),
    Other(JsonType),
}

enum Cell<'de> {
    Str(Cow<'de, str>),
    Other(JsonType),
}

/// The top level: an array of rows (at most [`MAX_CATALOGUE_ROWS`]), or the JSON type found.
struct TopLevel<'f> {
    too_many: &'f mut bool,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Result<Vec<RawRow<'de>>, JsonType>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Result<Vec<RawRow<'de>>, JsonType>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::new();
        while let Some(row) = seq.next_element::<RawRow<'de>>()? {
            if rows.len() == MAX_CATALOGUE_ROWS {
                *self.too_many = true;
                return Err(de::Error::custom("too many rows"));
            }
            rows.push(row);
        }
        Ok(Ok(rows))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(JsonType::Object))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(JsonType::Null))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(JsonType::Bool))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(JsonType::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(JsonType::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(JsonType::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err(JsonType::String))
    }
}

impl<'de> de::Deserialize<'de> for RawRow<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RowVisitor)
    }
}

struct RowVisitor;

macro_rules! non_object {
    ($visitor:ty, $out:ident, $($method:ident: $ty:ty => $json:ident),*) => {$(
        fn $method<E: de::Error>(self, _: $ty) -> Result<$out<'de>, E> {
            Ok($out::Other(JsonType::$json))
        }
    )*};
}

impl<'de> Visitor<'de> for RowVisitor {
    type Value = RawRow<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRow<'de>, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            members.push((key.0, map.next_value::<Cell<'de>>()?));
        }
        Ok(RawRow::Object(members))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRow<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawRow::Other(JsonType::Array))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawRow<'de>, E> {
        Ok(RawRow::Other(JsonType::Null))
    }
    non_object!(RowVisitor, RawRow, visit_bool: bool => Bool, visit_i64: i64 => Number,
        visit_u64: u64 => Number, visit_f64: f64 => Number, visit_str: &str => String);
}

impl<'de> de::Deserialize<'de> for Cell<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Borrowed(text)))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(text)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Cell::Other(JsonType::Object))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Cell::Other(JsonType::Array))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Other(JsonType::Null))
    }
    non_object!(CellVisitor, Cell, visit_bool: bool => Bool, visit_i64: i64 => Number,
        visit_u64: u64 => Number, visit_f64: f64 => Number);
}

/// A string, borrowed from the input when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Cell::deserialize(deserializer)? {
            Cell::Str(text) => Ok(Self(text)),
            Cell::Other(_) => Err(de::Error::custom("a key must be a string")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::StatusKind;
    use crate::error::Referrer;

    const ACTIVITIES: &str = r#"[
      {"Activity Group Name": "Information Governance", "Activity Group Code": "D0006",
       "Activity Sub Group Name": "RA", "Activity Sub Group Code": "C0051",
       "Activity Name": "Make RA Requests", "Activity Code": "B0265", "Includes": "B0262",
       "Activity Description": "", "Restricted": "", "Rationalisation Status": "Rationalised"},
      {"Activity Group Code": "D0006", "Activity Sub Group Code": "C0051",
       "Activity Name": "View RA Information", "Activity Code": "B0262", "Includes": "",
       "Restricted": "YES", "Rationalisation Status": "Rationalised.\n"}
    ]"#;

    fn role(extra: &str) -> String {
        format!(
            r#"[{{"Type": "NCRS", "Staff Group Code": "S0080", "Staff Sub Group Code": "G0450",
                "Job Role": "Registration Authority Manager", "Job Role Code": "R5080",
                "Restricted": "", "Rationalisation Status": "Rationalised",
                "D0006 Information Governance": "B0265 B0265", "T1580 Primary Care AoW": "B0262",
                "": "", "(more Areas of Work)\r": "\r"{extra}}}]"#
        )
    }

    fn load(activities: &str, roles: &str, options: LoadOptions) -> Result<Catalogue, Error> {
        Catalogue::from_extract(activities.as_bytes(), roles.as_bytes(), "test", options)
    }

    #[test]
    fn loads_rows_and_handles_quirks() {
        let c = load(ACTIVITIES, &role(""), LoadOptions::strict()).unwrap();
        assert_eq!(c.activities().len(), 2);
        let b0262 = c.activity("B0262".parse().unwrap()).unwrap();
        assert!(b0262.restricted());
        assert_eq!(b0262.status().kind(), StatusKind::Rationalised);
        assert_eq!(b0262.status().text(), "Rationalised.");
        let r = c.job_role("S0080:G0450:R5080".parse().unwrap()).unwrap();
        let baseline: Vec<_> = r.group_baseline().collect();
        assert_eq!(
            baseline,
            [("D0006".parse().unwrap(), &["B0265".parse().unwrap()][..])]
        );
        assert_eq!(
            c.group_name("D0006".parse().unwrap()),
            Some("Information Governance")
        );
        assert_eq!(
            c.area_name("T1580".parse().unwrap()),
            Some("Primary Care AoW")
        );
        let closure: Vec<String> = c
            .includes_closure("B0265".parse().unwrap())
            .map(|a| a.to_string())
            .collect();
        assert_eq!(closure, ["B0262", "B0265"]);
        assert!(c.diagnostics().is_empty());
    }

    #[test]
    fn row_errors_are_specific() {
        let missing = ACTIVITIES.replace(r#""Includes": "B0262","#, "");
        assert_eq!(
            load(&missing, "[]", LoadOptions::strict()),
            Err(Error::MissingColumn {
                input: Input::ExtractActivities,
                row: 0,
                column: "Includes"
            })
        );
        let bad = ACTIVITIES.replace(r#""Includes": "B0262""#, r#""Includes": "B0262 B26""#);
        assert_eq!(
            load(&bad, "[]", LoadOptions::strict()),
            Err(Error::BadCodeInRow {
                input: Input::ExtractActivities,
                row: 0,
                column: "Includes".to_owned(),
                kind: CodeKind::Activity,
                fault: crate::CodeFault::Length { found: 3 },
            })
        );
        let flag = ACTIVITIES.replace(r#""Restricted": "YES""#, r#""Restricted": "Y""#);
        assert_eq!(
            load(&flag, "[]", LoadOptions::strict()),
            Err(Error::BadFlag {
                input: Input::ExtractActivities,
                row: 1,
                column: "Restricted"
            })
        );
        let dup = ACTIVITIES.replace(r#""Includes": "","#, r#""Includes": "", "Includes ": "","#);
        assert_eq!(
            load(&dup, "[]", LoadOptions::strict()),
            Err(Error::DuplicateColumn {
                input: Input::ExtractActivities,
                row: 1,
                column: "Includes".to_owned()
            })
        );
        let typed = ACTIVITIES.replace(r#""Includes": """#, r#""Includes": []"#);
        assert_eq!(
            load(&typed, "[]", LoadOptions::strict()),
            Err(Error::WrongColumnType {
                input: Input::ExtractActivities,
                row: 1,
                column: "Includes".to_owned(),
                expected: JsonType::String,
                found: JsonType::Array,
            })
        );
        assert_eq!(
            load("[1]", "[]", LoadOptions::strict()),
            Err(Error::RowNotObject {
                input: Input::ExtractActivities,
                row: 0,
                found: JsonType::Number
            })
        );
        assert_eq!(
            load("{}", "[]", LoadOptions::strict()),
            Err(Error::WrongTopLevelType {
                input: Input::ExtractActivities,
                expected: JsonType::Array,
                found: JsonType::Object
            })
        );
        let twice =
            ACTIVITIES.replace("B0262\", \"Includes\": \"\"", "B0265\", \"Includes\": \"\"");
        assert_eq!(
            load(&twice, "[]", LoadOptions::strict()),
            Err(Error::DuplicateActivity {
                code: "B0265".parse().unwrap()
            })
        );
        let roles = role("").replace("}]", &format!("}}, {}", &role("")[1..]));
        assert_eq!(
            load(ACTIVITIES, &roles, LoadOptions::strict()),
            Err(Error::DuplicateJobRole {
                code: "S0080:G0450:R5080".parse().unwrap()
            })
        );
    }

    #[test]
    fn strict_and_lenient_problems() {
        let undefined = role(r#", "D8002 Patient Records": "B0264""#);
        let expected = Referrer::GroupBaseline {
            role: "S0080:G0450:R5080".parse().unwrap(),
            group: "D8002".parse().unwrap(),
        };
        assert_eq!(
            load(ACTIVITIES, &undefined, LoadOptions::strict()),
            Err(Error::UndefinedActivity {
                code: "B0264".parse().unwrap(),
                referrer: expected
            })
        );
        let c = load(ACTIVITIES, &undefined, LoadOptions::lenient()).unwrap();
        assert_eq!(
            c.diagnostics(),
            [LoadDiagnostic::UndefinedActivity {
                code: "B0264".parse().unwrap(),
                referrer: expected
            }]
        );

        let column = role(r#", "Notes": "x""#);
        assert_eq!(
            load(ACTIVITIES, &column, LoadOptions::strict()),
            Err(Error::UnexpectedColumn {
                input: Input::ExtractJobRoles,
                row: 0,
                column: "Notes".to_owned()
            })
        );
        let c = load(ACTIVITIES, &column, LoadOptions::lenient()).unwrap();
        assert_eq!(
            c.diagnostics(),
            [LoadDiagnostic::IgnoredColumn {
                input: Input::ExtractJobRoles,
                row: 0,
                column: "Notes".to_owned()
            }]
        );

        let cycle = ACTIVITIES.replace(r#""Includes": """#, r#""Includes": "B0265""#);
        assert_eq!(
            load(&cycle, "[]", LoadOptions::strict()),
            Err(Error::IncludesCycle {
                activity: "B0262".parse().unwrap()
            })
        );
        let c = load(&cycle, &role(""), LoadOptions::lenient()).unwrap();
        assert_eq!(
            c.diagnostics(),
            [LoadDiagnostic::IncludesCycle {
                activity: "B0262".parse().unwrap()
            }]
        );
        let closure: Vec<String> = c
            .includes_closure("B0262".parse().unwrap())
            .map(|a| a.to_string())
            .collect();
        assert_eq!(closure, ["B0262", "B0265"]);
        let self_loop = ACTIVITIES.replace(r#""Includes": """#, r#""Includes": "B0262""#);
        assert_eq!(
            load(&self_loop, "[]", LoadOptions::strict()),
            Err(Error::IncludesCycle {
                activity: "B0262".parse().unwrap()
            })
        );
    }

    #[test]
    fn size_limits() {
        let rows = format!("[{}{{}}]", "{},".repeat(MAX_CATALOGUE_ROWS));
        assert_eq!(
            load(&rows, "[]", LoadOptions::strict()),
            Err(Error::TooManyRows {
                input: Input::ExtractActivities,
                limit: MAX_CATALOGUE_ROWS
            })
        );
        let big = vec![b' '; MAX_CATALOGUE_BYTES + 1];
        assert_eq!(
            Catalogue::from_extract(b"[]", &big, "", LoadOptions::strict()),
            Err(Error::InputTooLarge {
                input: Input::ExtractJobRoles,
                limit: MAX_CATALOGUE_BYTES,
                actual: MAX_CATALOGUE_BYTES + 1
            })
        );
    }

    #[test]
    fn the_expansion_budget_stops_hostile_chains() {
        // 3 000 activities each including the next: closures total 4.5 million entries, over the
        // budget.
        let rows: Vec<String> = (0..3000)
            .map(|n| {
                let includes = if n < 2999 { format!("B{:04}", n + 1) } else { String::new() };
                format!(
                    r#"{{"Activity Group Code":"D0001","Activity Sub Group Code":"C0001","Activity Name":"x","Activity Code":"B{n:04}","Includes":"{includes}","Restricted":"","Rationalisation Status":""}}"#
                )
            })
            .collect();
        let json = format!("[{}]", rows.join(","));
        assert_eq!(
            load(&json, "[]", LoadOptions::strict()),
            Err(Error::ExpansionTooLarge {
                limit: crate::catalogue::MAX_EXPANSION_WORK
            })
        );
    }
}
