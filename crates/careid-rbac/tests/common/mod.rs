//! Test support: the public NRD extract, the CIS2 UserInfo example, and the generator of the
//! small fixture catalogue (`tests/data/nrd-fixture.json`).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_rbac::{ActivityCode, Catalogue, JobRoleCode, LoadOptions};
use std::collections::BTreeSet;

/// `rbac-active-activities.json` of the public extract, byte for byte.
pub(crate) const EXTRACT_ACTIVITIES: &[u8] =
    include_bytes!("../data/nrd-extract/rbac-active-activities.json");
/// `rbac-job-roles-baseline1.json` of the public extract, byte for byte.
pub(crate) const EXTRACT_JOB_ROLES: &[u8] =
    include_bytes!("../data/nrd-extract/rbac-job-roles-baseline1.json");
/// The version label careid gives the undated extract.
pub(crate) const EXTRACT_VERSION: &str =
    "public NRD extract, undated (TonyThorne/ts-boilerplate@2cb64b5)";
/// The committed fixture.
pub(crate) const FIXTURE: &str = include_str!("../data/nrd-fixture.json");
/// The fixture's version label.
pub(crate) const FIXTURE_VERSION: &str = "careid test fixture, not an NRD release: RBAC.md §7 sample rows of the public NRD extract (TonyThorne/ts-boilerplate@2cb64b5)";
/// CIS2.md §5.2, byte for byte.
pub(crate) const USERINFO: &[u8] = include_bytes!("../data/cis2-userinfo-5.2.json");

/// The full extract. It names 161 activities its activity list does not define (that list is
/// of *active* activities only), so it loads leniently.
pub(crate) fn full_extract() -> Catalogue {
    Catalogue::from_extract(
        EXTRACT_ACTIVITIES,
        EXTRACT_JOB_ROLES,
        EXTRACT_VERSION,
        LoadOptions::lenient(),
    )
    .expect("the public extract loads")
}

/// The committed fixture, loaded (leniently: R5080's baseline names B0004, B0266, B0268 and
/// B0269, which the extract does not define).
pub(crate) fn fixture() -> Catalogue {
    Catalogue::from_canonical_json(FIXTURE.as_bytes(), LoadOptions::lenient())
        .expect("the fixture loads")
}

/// The job roles of RBAC.md §7.
pub(crate) const FIXTURE_JOB_ROLES: [&str; 26] = [
    "S8000:G8000:R8000",
    "S8000:G8000:R8001",
    "S8000:G8000:R8002",
    "S8000:G8000:R8003",
    "S8000:G8000:R8004",
    "S8000:G8001:R8005",
    "S8000:G8001:R8006",
    "S8000:G8001:R8007",
    "S8001:G8002:R8008",
    "S8002:G8003:R8009",
    "S8002:G8003:R8010",
    "S8002:G8003:R8011",
    "S8002:G8003:R8012",
    "S8002:G8003:R8013",
    "S8003:G8004:R8014",
    "S8001:G8005:R8015",
    "S8000:G8000:R8016",
    "S8000:G8000:R8017",
    "S8000:G8000:R8024",
    "S8002:G8003:R0001",
    "S0080:G0450:R5080",
    "S0080:G0440:R5090",
    "S0080:G0450:R5105",
    "S0010:G0020:R0260",
    "S0030:G0100:R0620",
    "S0050:G0200:R1290",
];

/// The activities of RBAC.md §7, plus the heads of the Includes chains RBAC.md §9 asks for
/// (B0267 → B0265 → B0262, B0272 → B1300) and the activities of the CIS2.md §5.2 example.
pub(crate) const FIXTURE_ACTIVITIES: [&str; 37] = [
    "B0011", "B0015", "B0016", "B0018", "B0020", "B0058", "B0062", "B0068", "B0069", "B0070",
    "B0260", "B0263", "B0264", "B0265", "B0267", "B0270", "B0278", "B0360", "B0370", "B0380",
    "B0401", "B0420", "B0428", "B0560", "B0570", "B0572", "B0825", "B1300", "B1570", "B1611",
    "B8028", "B0272", "B0262", "B8002", "B0030", "B0145", "B1560",
];

/// Generates the fixture from the full extract: the job roles of RBAC.md §7 with their
/// complete baselines, and every activity they, RBAC.md §7 and the CIS2.md §5.2 example name,
/// closed under `Includes`, restricted to the activities the extract defines.
pub(crate) fn generate_fixture() -> String {
    let full = full_extract();
    let roles: BTreeSet<JobRoleCode> = FIXTURE_JOB_ROLES
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    let mut wanted: BTreeSet<ActivityCode> = FIXTURE_ACTIVITIES
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    for role in &roles {
        let role = full
            .job_role(*role)
            .expect("every RBAC.md §7 role is in the extract");
        for (_, codes) in role.group_baseline() {
            wanted.extend(codes);
        }
        for (_, codes) in role.area_baseline() {
            wanted.extend(codes);
        }
    }
    let closed: BTreeSet<ActivityCode> = wanted
        .iter()
        .flat_map(|code| full.includes_closure(*code).collect::<Vec<_>>())
        .collect();
    let mut value: serde_json::Value = serde_json::from_str(&full.to_canonical_json()).unwrap();
    value["nrd_version"] = FIXTURE_VERSION.into();
    value["activities"]
        .as_array_mut()
        .unwrap()
        .retain(|a| closed.contains(&a["code"].as_str().unwrap().parse().unwrap()));
    value["job_roles"]
        .as_array_mut()
        .unwrap()
        .retain(|r| roles.contains(&r["code"].as_str().unwrap().parse().unwrap()));
    let filtered = serde_json::to_vec(&value).unwrap();
    Catalogue::from_canonical_json(&filtered, LoadOptions::lenient())
        .unwrap()
        .to_canonical_json()
}
