//! `careid rbac ...` end to end: arguments, files, output and exit status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{careid, text};
use std::path::Path;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../careid-rbac/tests/data");

fn userinfo() -> String {
    format!("{DATA}/cis2-userinfo-5.2.json")
}

#[test]
fn decode_explains_codes_and_fails_on_garbage() {
    let out = careid(&[
        "rbac",
        "decode",
        "S8000:G8000:R8000",
        "B0264",
        "P0020:Q0300:T0640",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = text(&out);
    assert!(
        printed.contains("S8000:G8000:R8000: job role code"),
        "{printed}"
    );
    assert!(
        printed.contains("Clinical Practitioner Access Role"),
        "{printed}"
    );
    assert!(
        printed.contains("baseline for area of work T1580 Primary Care AoW: B0020 B0264"),
        "{printed}"
    );
    assert!(
        printed.contains("Access SCR Application (Perform Patient Trace)"),
        "{printed}"
    );
    assert!(printed.contains("not an NRD release"), "{printed}");

    let out = careid(&["rbac", "decode", "S8000:G8000:R800"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains(
            "not a valid job role code (S####:G####:R####): it has the wrong length (16 bytes)"
        ),
        "{}",
        text(&out)
    );
}

#[test]
fn explain_the_selected_role() {
    let roles = userinfo();
    let permit = careid(&[
        "rbac",
        "explain",
        &roles,
        "--activity",
        "B0263",
        "--org",
        "X09",
        "--selected",
        "656005754108",
    ]);
    assert_eq!(permit.status.code(), Some(0), "{}", text(&permit));
    let printed = text(&permit);
    assert!(
        printed.contains("verdict for the selected role 656005754108: PERMIT"),
        "{printed}"
    );
    assert!(
        printed.contains("is included in B0005 Manage RA Activities"),
        "{printed}"
    );

    // The other role is at Y51: the same question with that role selected is refused.
    let deny = careid(&[
        "rbac",
        "explain",
        &roles,
        "--activity",
        "B0263",
        "--org",
        "X09",
        "--selected",
        "656014452101",
    ]);
    assert_eq!(deny.status.code(), Some(1), "{}", text(&deny));
    assert!(
        text(&deny).contains("DENY: the role is at organisation Y51, not X09"),
        "{}",
        text(&deny)
    );

    // B0264 for nobody; the brief's example command (no --selected) explains every role.
    let scr = careid(&["rbac", "explain", &roles, "--activity", "B0264"]);
    assert_eq!(scr.status.code(), Some(1), "{}", text(&scr));
    assert!(
        text(&scr).contains("none of the person's 2 valid roles meets the policy"),
        "{}",
        text(&scr)
    );

    // All of several activities.
    let all = careid(&[
        "rbac",
        "explain",
        &roles,
        "--activity",
        "B0263",
        "--activity",
        "B0015",
        "--all",
        "--selected",
        "656005754108",
    ]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all));
    assert!(
        text(&all).contains(
            "which a Registration Authority granted explicitly (activity_codes[0] = B0015)"
        ),
        "{}",
        text(&all)
    );
}

#[test]
fn explain_reads_a_bare_claim_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let claim = dir.path().join("claim.json");
    std::fs::write(
        &claim,
        r#"[{"person_roleid":"1","person_orgid":"2","org_code":"Y51","role_code":"S8000:G8000:R8001",
            "role_name":"\"Nursing\":\"Nurse\":\"Nurse Access Role\"","aow_codes":["P0001:Q0001:T1580"]}]"#,
    )
    .unwrap();
    let claim = claim.to_str().unwrap();
    // RBAC.md §6: R8001 at Y51 with the T1580 area of work may perform B0278 at Y51.
    let out = careid(&[
        "rbac",
        "explain",
        claim,
        "--activity",
        "B0278",
        "--org",
        "Y51",
        "--selected",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("for the role's area of work P0001:Q0001:T1580 Primary Care AoW"),
        "{}",
        text(&out)
    );

    let stringified = dir.path().join("string.json");
    std::fs::write(&stringified, r#""[{\"person_roleid\":\"1\"}]""#).unwrap();
    let out = careid(&[
        "rbac",
        "explain",
        stringified.to_str().unwrap(),
        "--activity",
        "B0278",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("the nhsid_nrbac_roles claim must be a JSON array, found string"),
        "{}",
        text(&out)
    );

    let out = careid(&["rbac", "explain", claim, "--activity", "b0278"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("not a valid activity code"),
        "{}",
        text(&out)
    );
    let out = careid(&[
        "rbac",
        "explain",
        claim,
        "--activity",
        "B0278",
        "--org",
        "y51",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("not a valid ODS code"),
        "{}",
        text(&out)
    );
}

#[test]
fn import_writes_a_catalogue_that_explain_reads() {
    let dir = tempfile::tempdir().unwrap();
    let activities = format!("{DATA}/nrd-extract/rbac-active-activities.json");
    let job_roles = format!("{DATA}/nrd-extract/rbac-job-roles-baseline1.json");
    let base = [
        "rbac",
        "import",
        "--activities",
        &activities,
        "--job-roles",
        &job_roles,
        "--nrd-version",
        "extract",
    ];

    // Strictly, the extract is refused: its baselines name activities it does not define.
    let strict = careid(&base);
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        text(&strict).contains("which the catalogue does not define"),
        "{}",
        text(&strict)
    );

    let lenient = careid(&[&base[..], &["--lenient"]].concat());
    assert_eq!(
        lenient.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lenient.stderr)
    );
    assert!(
        String::from_utf8_lossy(&lenient.stderr)
            .contains("163 activities are named by baselines or Includes but not defined")
    );
    let catalogue = dir.path().join("catalogue.json");
    std::fs::write(&catalogue, &lenient.stdout).unwrap();
    let out = careid(&[
        "rbac",
        "explain",
        &userinfo(),
        "--activity",
        "B1570",
        "--selected",
        "656014452101",
        "--catalogue",
        catalogue.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).starts_with("catalogue: extract (158 activities, 407 job roles)"),
        "{}",
        text(&out)
    );
    assert!(Path::new(&catalogue).exists());
}
