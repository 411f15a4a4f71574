//! The UserInfo example of CIS2.md §5.2 decodes exactly: every field of both role profiles,
//! asserted against the values printed in the design notes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_rbac::{
    ActivityRef, AreaOfWorkCode, Decoded, JobRoleCode, NameTriple, NrbacRoles, OdsCode,
    PersonOrgId, RoleProfile, RoleProfileEntry, UserRoleProfileId, WorkgroupCode,
};

fn known<T: core::str::FromStr<Err = careid_rbac::Error>>(text: &str) -> Decoded<T> {
    Decoded::Known(text.parse().unwrap())
}

fn triple(group: &str, sub_group: &str, name: &str) -> Decoded<NameTriple> {
    Decoded::Known(NameTriple::new(group, sub_group, name).unwrap())
}

fn activities(profile: &RoleProfile) -> Vec<(Decoded<ActivityRef>, Option<&str>)> {
    profile
        .activities
        .iter()
        .map(|a| (a.code.clone(), a.name.as_deref()))
        .collect()
}

#[test]
fn cis2_userinfo_example_decodes_exactly() {
    let roles = NrbacRoles::from_userinfo_json(common::USERINFO).unwrap();
    assert_eq!(roles.len(), 2);
    let [
        RoleProfileEntry::Valid(first),
        RoleProfileEntry::Valid(second),
    ] = roles.entries()
    else {
        panic!("both elements are valid: {roles:?}");
    };

    // Element 1: Admin/Clinical Support Access Role at Y51.
    assert_eq!(first.person_orgid, known::<PersonOrgId>("656008045105"));
    assert_eq!(
        first.person_roleid,
        known::<UserRoleProfileId>("656014452101")
    );
    assert_eq!(first.org_code, known::<OdsCode>("Y51"));
    assert_eq!(
        first.role_name,
        triple("Support", "Support", "Admin/Clinical Support Access Role")
    );
    assert_eq!(first.role_code, known::<JobRoleCode>("S8001:G8002:R8008"));
    let role = first.role_code.get().unwrap();
    assert_eq!(
        (
            role.staff_group.number(),
            role.staff_sub_group.number(),
            role.job_role.number()
        ),
        (8001, 8002, 8008)
    );
    assert_eq!(
        activities(first),
        [
            (known("B0145"), Some("Execute CDS DQ Extracts (Clear)")),
            (
                known("B8002"),
                Some("Manage Shared Non Patient Identifiable Information")
            ),
            (known("B1560"), Some("Run PbR Commissioning Extracts")),
        ]
    );
    assert!(first.workgroups.is_empty());
    assert!(first.areas_of_work.is_empty());
    assert!(first.extra.is_empty());
    assert!(first.diagnostics.is_empty());

    // Element 2: Registration Authority Manager at X09, with workgroups and areas of work.
    assert_eq!(second.person_orgid, known::<PersonOrgId>("656005753107"));
    assert_eq!(
        second.person_roleid,
        known::<UserRoleProfileId>("656005754108")
    );
    assert_eq!(second.org_code, known::<OdsCode>("X09"));
    assert_eq!(
        second.role_name,
        triple(
            "Admin & Clerical",
            "Management - A & C",
            "Registration Authority Manager"
        )
    );
    assert_eq!(
        second.role_name.to_string(),
        r#""Admin & Clerical":"Management - A & C":"Registration Authority Manager""#
    );
    assert_eq!(second.role_code, known::<JobRoleCode>("S0080:G0450:R5080"));
    assert_eq!(
        activities(second),
        [
            (
                known("B0015"),
                Some("Receive Legal Override and Emergency View Alerts")
            ),
            (known("B0028"), Some("Manage Allergies")),
            (known("B0030"), Some("Record a Patient's Self Referral")),
            (known("B0017"), Some("Receive SAR Refused Alerts")),
        ]
    );
    let workgroups: Vec<(Decoded<WorkgroupCode>, Option<&str>)> = second
        .workgroups
        .iter()
        .map(|w| (w.code.clone(), w.name.as_deref()))
        .collect();
    assert_eq!(
        workgroups,
        [
            (known("655694018104"), Some("AUG 2017 WKGP")),
            (known("555653110100"), Some("CAR-384 One")),
            (known("655681345103"), Some("<redacted>")),
            (known("555653032105"), Some("CAR-384")),
        ]
    );
    let areas: Vec<(Decoded<AreaOfWorkCode>, Option<Decoded<NameTriple>>)> = second
        .areas_of_work
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    assert_eq!(
        areas,
        [
            (
                known("P0020:Q0300:T0640"),
                Some(triple("Pathology", "Pathology", "Phlebotomy"))
            ),
            (
                known("P0010:Q0050:T0210"),
                Some(triple(
                    "Medicine",
                    "Respiratory Medicine",
                    "Respiratory Medicine"
                ))
            ),
            (
                known("P0020:Q0300:T0630"),
                Some(triple("Pathology", "Pathology", "Pathology"))
            ),
            (
                known("P0020:Q0300:T0660"),
                Some(triple("Pathology", "Pathology", "Blood Transfusion"))
            ),
        ]
    );
    let t = second.areas_of_work[0].code.get().unwrap();
    assert_eq!(
        (
            t.primary.number(),
            t.secondary.number(),
            t.tertiary.number()
        ),
        (20, 300, 640)
    );
    assert!(second.extra.is_empty());
    assert!(second.diagnostics.is_empty());
}

#[test]
fn every_value_prints_back_as_the_claim_wrote_it() {
    let claim: serde_json::Value = serde_json::from_slice(common::USERINFO).unwrap();
    let roles = NrbacRoles::from_userinfo_json(common::USERINFO).unwrap();
    for (raw, profile) in claim["nhsid_nrbac_roles"]
        .as_array()
        .unwrap()
        .iter()
        .zip(roles.profiles())
    {
        assert_eq!(raw["person_roleid"], profile.person_roleid.to_string());
        assert_eq!(raw["person_orgid"], profile.person_orgid.to_string());
        assert_eq!(raw["org_code"], profile.org_code.to_string());
        assert_eq!(raw["role_code"], profile.role_code.to_string());
        assert_eq!(raw["role_name"], profile.role_name.to_string());
        let codes: Vec<String> = profile
            .activities
            .iter()
            .map(|a| a.code.to_string())
            .collect();
        assert_eq!(raw["activity_codes"], serde_json::json!(codes));
        let aow: Vec<String> = profile
            .areas_of_work
            .iter()
            .filter_map(|a| a.name.as_ref())
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            raw.get("aow").cloned().unwrap_or(serde_json::json!([])),
            serde_json::json!(aow)
        );
    }
}

#[test]
fn the_claim_alone_decodes_the_same() {
    let claim: serde_json::Value = serde_json::from_slice(common::USERINFO).unwrap();
    let text = serde_json::to_vec(&claim["nhsid_nrbac_roles"]).unwrap();
    assert_eq!(
        NrbacRoles::from_claim_json(&text).unwrap(),
        NrbacRoles::from_userinfo_json(common::USERINFO).unwrap()
    );
    assert_eq!(
        NrbacRoles::from_claim_value(&claim["nhsid_nrbac_roles"]).unwrap(),
        NrbacRoles::from_userinfo_json(common::USERINFO).unwrap()
    );
}
