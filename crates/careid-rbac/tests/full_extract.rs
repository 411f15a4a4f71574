//! Every job role and activity of the public NRD extract loads and decodes, checked against the
//! extract's own JSON (read independently with serde_json) and against the sample tables of
//! RBAC.md §7.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_rbac::{
    ActivityCode, Catalogue, JobRoleCode, LoadDiagnostic, LoadOptions, Referrer, RoleType,
    StatusKind,
};
use serde_json::Value;
use std::collections::BTreeSet;

fn rows(json: &[u8]) -> Vec<serde_json::Map<String, Value>> {
    serde_json::from_slice::<Vec<Value>>(json)
        .unwrap()
        .into_iter()
        .map(|row| row.as_object().unwrap().clone())
        .collect()
}

/// `Some(b'D' or b'T')` for a baseline column, `"D#### name"` or `"T#### name"`.
fn baseline_column(column: &str) -> Option<u8> {
    let bytes = column.as_bytes();
    let shaped = bytes.len() > 6 && bytes[1..5].iter().all(u8::is_ascii_digit) && bytes[5] == b' ';
    bytes
        .first()
        .copied()
        .filter(|letter| shaped && matches!(letter, b'D' | b'T'))
}

fn text<'a>(row: &'a serde_json::Map<String, Value>, column: &str) -> &'a str {
    row[column].as_str().unwrap()
}

#[test]
fn every_activity_loads_and_decodes() {
    let catalogue = common::full_extract();
    let raw = rows(common::EXTRACT_ACTIVITIES);
    assert_eq!(raw.len(), 158);
    assert_eq!(catalogue.activities().len(), raw.len());
    let mut restricted = 0;
    for row in &raw {
        let code: ActivityCode = text(row, "Activity Code").parse().unwrap();
        assert_eq!(code.to_string(), text(row, "Activity Code"));
        let activity = catalogue.activity(code).unwrap();
        assert_eq!(activity.name(), text(row, "Activity Name"));
        assert_eq!(
            activity.group().to_string(),
            text(row, "Activity Group Code")
        );
        assert_eq!(
            activity.sub_group().to_string(),
            text(row, "Activity Sub Group Code")
        );
        assert_eq!(activity.group_name(), text(row, "Activity Group Name"));
        assert_eq!(
            activity.description(),
            text(row, "Activity Description").trim()
        );
        let includes: Vec<String> = activity
            .includes()
            .iter()
            .map(ToString::to_string)
            .collect();
        let expected: Vec<&str> = text(row, "Includes").split_whitespace().collect();
        assert_eq!(includes, expected, "{code}");
        let flag = text(row, "Restricted");
        assert_eq!(
            activity.restricted(),
            flag.eq_ignore_ascii_case("yes"),
            "{code}"
        );
        restricted += usize::from(activity.restricted());
        assert_eq!(
            activity.status().text(),
            text(row, "Rationalisation Status").trim()
        );
        assert!(
            matches!(
                activity.status().kind(),
                StatusKind::Rationalised | StatusKind::RationalisedNew
            ),
            "{code}: {:?}",
            activity.status()
        );
    }
    // SOURCE.md: Restricted is "" 137 times, "Yes" 16 times and "YES" 5 times.
    assert_eq!(restricted, 21);
    println!(
        "activities loaded: {} ({restricted} restricted)",
        catalogue.activities().len()
    );
}

#[test]
fn every_job_role_loads_and_decodes() {
    let catalogue = common::full_extract();
    let raw = rows(common::EXTRACT_JOB_ROLES);
    assert_eq!(raw.len(), 407);
    assert_eq!(catalogue.job_roles().len(), raw.len());
    let (mut ncrs, mut nwd, mut restricted, mut withdrawn, mut entries) = (0, 0, 0, 0, 0);
    for row in &raw {
        let code_text = format!(
            "{}:{}:{}",
            text(row, "Staff Group Code"),
            text(row, "Staff Sub Group Code"),
            text(row, "Job Role Code")
        );
        let code: JobRoleCode = code_text.parse().unwrap();
        assert_eq!(code.to_string(), code_text);
        let role = catalogue.job_role(code).unwrap();
        assert_eq!(role.name(), text(row, "Job Role"));
        assert_eq!(role.staff_group_name(), text(row, "Staff Group"));
        assert_eq!(
            role.status().text(),
            text(row, "Rationalisation Status").trim()
        );
        assert_eq!(role.restricted(), text(row, "Restricted") == "Yes");
        match role.role_type() {
            RoleType::Ncrs => ncrs += 1,
            RoleType::Nwd => nwd += 1,
            other => panic!("{code}: unexpected type {other:?}"),
        }
        restricted += usize::from(role.restricted());
        withdrawn += usize::from(role.status().is_withdrawn_or_retired());
        // Baselines: every D and T column, split on white space, order kept, repeats dropped.
        let mut expected_groups = Vec::new();
        let mut expected_areas = Vec::new();
        for (column, value) in row {
            let codes: Vec<String> = value
                .as_str()
                .unwrap()
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            match baseline_column(column) {
                _ if codes.is_empty() => {}
                Some(b'D') => expected_groups.push((column[..5].to_owned(), codes)),
                Some(_) => expected_areas.push((column[..5].to_owned(), codes)),
                None => {}
            }
        }
        expected_groups.sort();
        expected_areas.sort();
        let groups: Vec<(String, Vec<String>)> = role
            .group_baseline()
            .map(|(g, codes)| {
                (
                    g.to_string(),
                    codes.iter().map(ToString::to_string).collect(),
                )
            })
            .collect();
        let areas: Vec<(String, Vec<String>)> = role
            .area_baseline()
            .map(|(a, codes)| {
                (
                    a.to_string(),
                    codes.iter().map(ToString::to_string).collect(),
                )
            })
            .collect();
        assert_eq!(groups, expected_groups, "{code}");
        assert_eq!(areas, expected_areas, "{code}");
        entries += groups
            .iter()
            .chain(&areas)
            .map(|(_, c)| c.len())
            .sum::<usize>();
    }
    // RBAC.md §7: Type NCRS 192 roles, NWD 215 roles.
    assert_eq!((ncrs, nwd), (192, 215));
    println!(
        "job roles loaded: {} ({ncrs} NCRS, {nwd} NWD, {restricted} restricted, {withdrawn} withdrawn or retired), \
         {entries} baseline entries",
        catalogue.job_roles().len()
    );
}

#[test]
fn rbac_md_7_sample_tables_match() {
    let catalogue = common::full_extract();
    let roles = [
        (
            "S8000:G8000:R8000",
            "Clinical Practitioner Access Role",
            "Rationalised (New)",
        ),
        (
            "S8000:G8000:R8002",
            "Nurse Manager Access Role",
            "Retired - Use R8001 Nurse Access Role",
        ),
        (
            "S8002:G8003:R8011",
            "Clerical Manager Access Role",
            "Retired - R8010 Clerical Access Role",
        ),
        (
            "S8000:G8000:R8004",
            "Healthcare Student Access Role",
            "Rationalised",
        ),
        (
            "S0080:G0450:R5080",
            "Registration Authority Manager",
            "Rationalised",
        ),
        (
            "S0010:G0020:R0260",
            "General Medical Practitioner",
            "Withdrawn - when not supported use: R8000 Clinical Practitioner Access Role",
        ),
        (
            "S0050:G0200:R1290",
            "Pharmacist",
            "Withdrawn - when not supported use: R8003 Health Professional Access Role",
        ),
    ];
    for (code, name, status) in roles {
        let role = catalogue.job_role(code.parse().unwrap()).unwrap();
        assert_eq!((role.name(), role.status().text()), (name, status));
    }
    let r0620 = catalogue
        .job_role("S0030:G0100:R0620".parse().unwrap())
        .unwrap();
    assert_eq!(
        r0620.status().replacement(),
        Some(careid_rbac::Replacement::JobRole("R8001".parse().unwrap()))
    );

    let activities = [
        (
            "B0264",
            "Access SCR Application (Perform Patient Trace)",
            "D8002",
            "C8004",
        ),
        ("B0265", "Make RA Requests", "D0006", "C0051"),
        ("B1300", "Approve RA Requests", "D0006", "C0053"),
        (
            "B1611",
            "Access Sensitive(S) Flagged Records",
            "D0008",
            "C0055",
        ),
        ("B0570", "Perform Pharmacy Activities", "D8005", "C8013"),
    ];
    for (code, name, group, sub_group) in activities {
        let a = catalogue.activity(code.parse().unwrap()).unwrap();
        assert_eq!(
            (a.name(), a.group().to_string(), a.sub_group().to_string()),
            (name, group.into(), sub_group.into())
        );
    }
    // RBAC.md §5: B0360 includes B0370 B0401 B8006 B8010 B8018 B8012 B1570 B0610; B0267 includes
    // B0265, which includes B0262.
    let b0360 = catalogue.activity("B0360".parse().unwrap()).unwrap();
    let direct: Vec<String> = b0360.includes().iter().map(ToString::to_string).collect();
    assert_eq!(
        direct,
        [
            "B0370", "B0401", "B8006", "B8010", "B8018", "B8012", "B1570", "B0610"
        ]
    );
    let closure: Vec<String> = catalogue
        .includes_closure("B0267".parse().unwrap())
        .map(|c| c.to_string())
        .collect();
    assert_eq!(closure, ["B0262", "B0265", "B0267"]);
    // RBAC.md §1: R5080's baseline is B0004 B0005 B0266 B0268 B0269 B0274.
    let r5080 = catalogue
        .job_role("S0080:G0450:R5080".parse().unwrap())
        .unwrap();
    let baseline: Vec<String> = r5080
        .group_baseline()
        .flat_map(|(_, c)| c.iter().map(ToString::to_string))
        .collect();
    assert_eq!(
        baseline,
        ["B0004", "B0005", "B0266", "B0268", "B0269", "B0274"]
    );
    // RBAC.md §5: R8001 Nurse Access Role, T1580 Primary Care AoW → B0278 B0428.
    let r8001 = catalogue
        .job_role("S8000:G8000:R8001".parse().unwrap())
        .unwrap();
    let t1580: Vec<String> = r8001
        .area_baseline()
        .filter(|(area, _)| area.to_string() == "T1580")
        .flat_map(|(_, c)| c.iter().map(ToString::to_string))
        .collect();
    assert_eq!(t1580, ["B0278", "B0428"]);
    // RBAC.md §7: activity groups and areas of work named by the columns.
    assert_eq!(
        catalogue.area_name("T2250".parse().unwrap()),
        Some("Accident & Emergency AoW")
    );
    assert_eq!(
        catalogue.group_name("D8004".parse().unwrap()),
        Some("Tests/Investigations")
    );
}

#[test]
fn what_the_lenient_load_recorded() {
    let catalogue = common::full_extract();
    let mut undefined = BTreeSet::new();
    let mut from_includes = BTreeSet::new();
    for diagnostic in catalogue.diagnostics() {
        match diagnostic {
            LoadDiagnostic::UndefinedActivity { code, referrer } => {
                undefined.insert(*code);
                if let Referrer::Includes { .. } = referrer {
                    from_includes.insert(code.to_string());
                }
            }
            other => panic!("unexpected diagnostic {other:?}"),
        }
    }
    // Computed independently from the raw JSON: codes named by baselines or Includes that no
    // activity row defines.
    let defined: BTreeSet<String> = rows(common::EXTRACT_ACTIVITIES)
        .iter()
        .map(|r| text(r, "Activity Code").to_owned())
        .collect();
    let mut named = BTreeSet::new();
    for row in rows(common::EXTRACT_ACTIVITIES)
        .iter()
        .chain(&rows(common::EXTRACT_JOB_ROLES))
    {
        for (column, value) in row {
            if column == "Includes" || baseline_column(column).is_some() {
                named.extend(
                    value
                        .as_str()
                        .unwrap()
                        .split_whitespace()
                        .map(str::to_owned),
                );
            }
        }
    }
    let expected: BTreeSet<String> = named.difference(&defined).cloned().collect();
    let actual: BTreeSet<String> = undefined.iter().map(ToString::to_string).collect();
    assert_eq!(actual, expected);
    // 161 named by baselines, 3 by Includes (B0427 by both).
    assert_eq!(actual.len(), 163);
    assert_eq!(
        from_includes,
        ["B0256", "B0257", "B0427"].map(str::to_owned).into()
    );
    let from_baselines = catalogue
        .diagnostics()
        .iter()
        .filter_map(|d| match d {
            LoadDiagnostic::UndefinedActivity {
                code,
                referrer: Referrer::GroupBaseline { .. } | Referrer::AreaOfWorkBaseline { .. },
            } => Some(*code),
            _ => None,
        })
        .collect::<BTreeSet<_>>();
    assert_eq!(from_baselines.len(), 161);
    println!(
        "activities named but not defined by the extract: {}",
        actual.len()
    );

    // Strictly, the extract is refused, with the first such reference.
    let strict = Catalogue::from_extract(
        common::EXTRACT_ACTIVITIES,
        common::EXTRACT_JOB_ROLES,
        common::EXTRACT_VERSION,
        LoadOptions::strict(),
    );
    assert!(matches!(
        strict,
        Err(careid_rbac::Error::UndefinedActivity { .. })
    ));
}

#[test]
fn canonical_form_round_trips_the_full_extract() {
    let catalogue = common::full_extract();
    let text = catalogue.to_canonical_json();
    let again = Catalogue::from_canonical_json(text.as_bytes(), LoadOptions::lenient()).unwrap();
    assert!(again == catalogue);
    assert_eq!(again.to_canonical_json(), text);
    assert_eq!(again.version(), common::EXTRACT_VERSION);
}

#[test]
fn loads_in_milliseconds() {
    // A smoke check only (benches/rbac.rs measures it): even an unoptimised test build loads
    // the extract well within a second.
    let start = std::time::Instant::now();
    let catalogue = common::full_extract();
    let elapsed = start.elapsed();
    println!("full extract loaded in {elapsed:?} (test profile)");
    assert_eq!(catalogue.job_roles().len(), 407);
    assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
}
