//! Authorisation decisions (RBAC.md §5, §6) on the fixture catalogue, the full extract and the
//! CIS2.md §5.2 example user. Expected grants are checked against the catalogue's own
//! `Includes` lists, walked independently here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_rbac::{
    ActivityCode, Authoriser, Baseline, Catalogue, Decision, DenyReason, GrantSource, NrbacRoles,
    Policy, RoleMatch, RoleProfile, RoleSelection,
};
use std::collections::{BTreeSet, VecDeque};

const RA_MANAGER: &str = "656005754108"; // R5080 at X09
const SUPPORT: &str = "656014452101"; // R8008 at Y51

fn code(text: &str) -> ActivityCode {
    text.parse().unwrap()
}

fn userinfo() -> NrbacRoles {
    NrbacRoles::from_userinfo_json(common::USERINFO).unwrap()
}

fn selected(id: &str) -> RoleSelection {
    RoleSelection::from_selected_roleid(Some(id))
}

fn one_profile(role_code: &str, org: &str, aow: &[&str], explicit: &[&str]) -> NrbacRoles {
    let claim = serde_json::json!([{
        "person_roleid": "111111111111", "person_orgid": "222222222222", "org_code": org,
        "role_code": role_code, "role_name": "\"a\":\"b\":\"c\"",
        "aow_codes": aow, "activity_codes": explicit,
    }]);
    NrbacRoles::from_claim_json(claim.to_string().as_bytes()).unwrap()
}

fn chain(decision: &Decision<'_>) -> Vec<String> {
    match decision {
        Decision::Permit(permit) => permit
            .grant()
            .unwrap()
            .chain()
            .map(|c| c.to_string())
            .collect(),
        Decision::Deny(deny) => panic!("expected a permit, got {}", deny.reason()),
    }
}

fn reason<'a>(decision: &Decision<'a>) -> DenyReason<'a> {
    match decision {
        Decision::Deny(deny) => deny.reason(),
        Decision::Permit(_) => panic!("expected a deny, got {decision}"),
    }
}

/// Everything reachable from `roots` through `Includes`, walked from the catalogue's published
/// lists (not from careid's precomputed closures).
fn naive_closure(
    catalogue: &Catalogue,
    roots: impl IntoIterator<Item = ActivityCode>,
) -> BTreeSet<ActivityCode> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<ActivityCode> = roots.into_iter().collect();
    while let Some(code) = queue.pop_front() {
        if seen.insert(code)
            && let Some(activity) = catalogue.activity(code)
        {
            queue.extend(activity.includes());
        }
    }
    seen
}

/// Checks that a chain is a real Includes path: each element is listed in the `Includes` of
/// the next.
fn assert_real_chain(catalogue: &Catalogue, chain: &[String]) {
    for pair in chain.windows(2) {
        let parent = catalogue.activity(code(&pair[1])).unwrap();
        assert!(
            parent.includes().contains(&code(&pair[0])),
            "{} does not include {}",
            pair[1],
            pair[0]
        );
    }
}

#[test]
fn rbac_md_6_example_permits_through_the_area_of_work_baseline() {
    // RBAC.md §6: URP S8000:G8000:R8001 at Y51 with aow_codes [P…:Q…:T1580] and no explicit
    // codes, requirement "B0278 at Y51" → Permit via AoW baseline (with the fixture catalogue).
    let fixture = common::fixture();
    let authoriser = Authoriser::new(&fixture);
    let policy = Policy::builder()
        .any_activity([code("B0278")])
        .at_organisation("Y51".parse().unwrap())
        .build()
        .unwrap();
    let roles = one_profile("S8000:G8000:R8001", "Y51", &["P0001:Q0001:T1580"], &[]);
    let decision = authoriser.decide(&roles, selected("111111111111"), &policy);
    let Decision::Permit(permit) = decision else {
        panic!("{decision}")
    };
    let grant = permit.grant().unwrap();
    assert_eq!(
        grant.source(),
        GrantSource::AreaOfWorkBaseline {
            role: "S8000:G8000:R8001".parse().unwrap(),
            area: "P0001:Q0001:T1580".parse().unwrap()
        }
    );
    assert_eq!(grant.root(), code("B0278"));
    assert_eq!(decision.catalogue_version(), Some(common::FIXTURE_VERSION));
    assert_eq!(
        decision.to_string(),
        "PERMIT: B0278 from the baseline of job role S8000:G8000:R8001 for area of work P0001:Q0001:T1580"
    );
    // B0422 is included by B0278: the chain goes back to the AoW entry.
    let b0422 = Policy::activity(code("B0422"));
    let via = authoriser.decide(&roles, selected("111111111111"), &b0422);
    assert_eq!(chain(&via), ["B0422", "B0278"]);
    assert_real_chain(&fixture, &chain(&via));
    // B0401 is reachable from the group baseline too (B0380 includes B0069, which includes
    // B0401), which comes first.
    let b0401 = Policy::activity(code("B0401"));
    let via = authoriser.decide(&roles, selected("111111111111"), &b0401);
    assert_eq!(chain(&via), ["B0401", "B0069", "B0380"]);
    assert_real_chain(&fixture, &chain(&via));

    // Without the area of work, the same role does not get B0278, and at another organisation
    // it is refused before anything else.
    let no_aow = one_profile("S8000:G8000:R8001", "Y51", &[], &[]);
    assert_eq!(
        reason(&authoriser.decide(&no_aow, selected("111111111111"), &policy)),
        DenyReason::ActivityNotGranted {
            activity: code("B0278")
        }
    );
    let elsewhere = one_profile("S8000:G8000:R8001", "X09", &["P0001:Q0001:T1580"], &[]);
    assert!(matches!(
        reason(&authoriser.decide(&elsewhere, selected("111111111111"), &policy)),
        DenyReason::WrongOrganisation { .. }
    ));
}

#[test]
fn cis2_example_user_baseline_and_explicit_grants() {
    let catalogue = common::full_extract();
    let authoriser = Authoriser::new(&catalogue);
    let roles = userinfo();

    // The RA manager may unlock smartcards: B0263 is in the Includes closure of R5080's D0006
    // baseline (B0005 Manage RA Activities includes B0008 Perform RA Activities, which includes
    // B0263 Unlock Smartcard).
    let unlock = Policy::builder()
        .any_activity([code("B0263")])
        .at_organisation("X09".parse().unwrap())
        .build()
        .unwrap();
    let decision = authoriser.decide(&roles, selected(RA_MANAGER), &unlock);
    assert_eq!(chain(&decision), ["B0263", "B0008", "B0005"]);
    assert_real_chain(&catalogue, &chain(&decision));
    let Decision::Permit(permit) = decision else {
        unreachable!()
    };
    assert_eq!(
        permit.grant().unwrap().source(),
        GrantSource::GroupBaseline {
            role: "S0080:G0450:R5080".parse().unwrap(),
            group: "D0006".parse().unwrap()
        }
    );
    assert!(
        matches!(permit.baseline(), Baseline::Applied { role } if role.name() == "Registration Authority Manager")
    );
    assert_eq!(permit.profile().person_roleid.to_string(), RA_MANAGER);
    assert_eq!(
        decision.to_string(),
        "PERMIT: B0263 (included by B0008, included by B0005) from the D0006 baseline of job role S0080:G0450:R5080"
    );

    // The support role holds B8002 explicitly, which includes B1575, which includes B1570.
    let view = Policy::builder()
        .any_activity([code("B1570")])
        .at_organisation("Y51".parse().unwrap())
        .build()
        .unwrap();
    let decision = authoriser.decide(&roles, selected(SUPPORT), &view);
    assert_eq!(chain(&decision), ["B1570", "B1575", "B8002"]);
    let Decision::Permit(permit) = decision else {
        unreachable!()
    };
    assert!(matches!(
        permit.grant().unwrap().source(),
        GrantSource::Explicit { index: 1, .. }
    ));

    // The same request at the RA manager's organisation, with the RA manager role: no.
    let at_x09 = Policy::builder()
        .any_activity([code("B1570")])
        .at_organisation("X09".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(RA_MANAGER), &at_x09)),
        DenyReason::ActivityNotGranted {
            activity: code("B1570")
        }
    );
    // The support role at X09: wrong organisation.
    let DenyReason::WrongOrganisation { required, actual } =
        reason(&authoriser.decide(&roles, selected(SUPPORT), &at_x09))
    else {
        panic!()
    };
    assert_eq!(
        (required.as_str(), actual.to_string().as_str()),
        ("X09", "Y51")
    );

    // Neither role may access SCR (B0264); the other role never contributes to the selected one.
    let scr = Policy::activity(code("B0264"));
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(RA_MANAGER), &scr)),
        DenyReason::ActivityNotGranted {
            activity: code("B0264")
        }
    );
    assert_eq!(
        reason(&authoriser.decide(&roles, RoleSelection::AnyRole, &scr)),
        DenyReason::NoRolePermits { evaluated: 2 }
    );
    assert!(
        !authoriser
            .decide(
                &roles,
                selected(RA_MANAGER),
                &Policy::activity(code("B8002"))
            )
            .is_permit()
    );
    assert!(
        authoriser
            .decide(&roles, selected(SUPPORT), &Policy::activity(code("B8002")))
            .is_permit()
    );

    // Explicit codes the catalogue does not define still count, unexpanded (B0145 is not in the
    // active extract).
    let b0145 = Policy::activity(code("B0145"));
    let b0145 = authoriser.decide(&roles, selected(SUPPORT), &b0145);
    assert_eq!(chain(&b0145), ["B0145"]);
}

#[test]
fn role_selection_rules() {
    let catalogue = common::fixture();
    let authoriser = Authoriser::new(&catalogue);
    let roles = userinfo();
    let policy = Policy::activity(code("B8002"));
    assert_eq!(
        reason(&authoriser.decide(&roles, RoleSelection::NotSelected, &policy)),
        DenyReason::NoSelectedRole
    );
    assert_eq!(
        reason(&authoriser.decide(&roles, RoleSelection::from_selected_roleid(None), &policy)),
        DenyReason::NoSelectedRole
    );
    assert_eq!(
        reason(&authoriser.decide(
            &roles,
            RoleSelection::from_selected_roleid(Some("abc")),
            &policy
        )),
        DenyReason::SelectedRoleNotFound { selected: None }
    );
    assert_eq!(
        reason(&authoriser.decide(&roles, selected("999"), &policy)),
        DenyReason::SelectedRoleNotFound {
            selected: Some("999".parse().unwrap())
        }
    );
    // An id that differs only by a leading zero is a different id.
    assert!(matches!(
        reason(&authoriser.decide(&roles, selected("0656014452101"), &policy)),
        DenyReason::SelectedRoleNotFound { .. }
    ));
    let any = authoriser.decide(&roles, RoleSelection::AnyRole, &policy);
    assert_eq!(any.profile().unwrap().person_roleid.to_string(), SUPPORT);
    let empty = NrbacRoles::from_claim_json(b"[]").unwrap();
    assert_eq!(
        reason(&authoriser.decide(&empty, selected(SUPPORT), &policy)),
        DenyReason::NoRoles
    );
    assert_eq!(
        reason(&authoriser.decide(&empty, RoleSelection::AnyRole, &policy)),
        DenyReason::NoRoles
    );

    // Two elements with the selected id: ambiguous, never the first one silently.
    let twice = format!(
        "[{0},{0}]",
        serde_json::json!({"person_roleid": "5", "person_orgid": "6", "org_code": "Y51",
            "role_code": "S8001:G8002:R8008", "role_name": "x", "activity_codes": ["B8002"]})
    );
    let twice = NrbacRoles::from_claim_json(twice.as_bytes()).unwrap();
    assert_eq!(
        reason(&authoriser.decide(&twice, selected("5"), &policy)),
        DenyReason::SelectedRoleAmbiguous {
            selected: "5".parse().unwrap()
        }
    );
    // The selected element is invalid (no org_code): it never authorises.
    let invalid = NrbacRoles::from_claim_json(
        br#"[{"person_roleid":"5","person_orgid":"6","role_code":"S8001:G8002:R8008","role_name":"x","activity_codes":["B8002"]}]"#,
    )
    .unwrap();
    let DenyReason::SelectedRoleInvalid { entry } =
        reason(&authoriser.decide(&invalid, selected("5"), &policy))
    else {
        panic!()
    };
    assert_eq!(
        entry.problem,
        careid_rbac::ElementProblem::MissingField { field: "org_code" }
    );
    assert_eq!(
        reason(&authoriser.decide(&invalid, RoleSelection::AnyRole, &policy)),
        DenyReason::NoRolePermits { evaluated: 0 }
    );
}

#[test]
fn role_policies_all_of_and_workgroups() {
    let catalogue = common::full_extract();
    let authoriser = Authoriser::new(&catalogue);
    let roles = userinfo();
    let ra = "S0080:G0450:R5080".parse().unwrap();

    let by_role = Policy::builder().any_role([ra]).build().unwrap();
    let Decision::Permit(permit) = authoriser.decide(&roles, selected(RA_MANAGER), &by_role) else {
        panic!()
    };
    assert_eq!(permit.matched_role(), Some(ra));
    assert!(matches!(
        reason(&authoriser.decide(&roles, selected(SUPPORT), &by_role)),
        DenyReason::RoleNotAllowed { .. }
    ));
    let by_r = Policy::builder()
        .any_job_role(["R5080".parse().unwrap()])
        .build()
        .unwrap();
    assert!(
        authoriser
            .decide(&roles, selected(RA_MANAGER), &by_r)
            .is_permit()
    );

    // Role and activity both required by default; either with role_or_activity().
    let both = Policy::builder()
        .any_role([ra])
        .any_activity([code("B1570")])
        .build()
        .unwrap();
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(RA_MANAGER), &both)),
        DenyReason::ActivityNotGranted {
            activity: code("B1570")
        }
    );
    let either = Policy::builder()
        .any_role([ra])
        .any_activity([code("B1570")])
        .role_or_activity()
        .build()
        .unwrap();
    assert!(
        authoriser
            .decide(&roles, selected(RA_MANAGER), &either)
            .is_permit()
    );
    assert!(
        authoriser
            .decide(&roles, selected(SUPPORT), &either)
            .is_permit()
    );
    let neither = Policy::builder()
        .any_role([ra])
        .any_activity([code("B0264")])
        .role_or_activity()
        .build()
        .unwrap();
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(SUPPORT), &neither)),
        DenyReason::NeitherRoleNorActivity
    );

    // All of: baseline, Includes and explicit grants together.
    let all = Policy::builder()
        .all_activities([code("B0263"), code("B0265"), code("B0015")])
        .build()
        .unwrap();
    let Decision::Permit(permit) = authoriser.decide(&roles, selected(RA_MANAGER), &all) else {
        panic!()
    };
    let sources: Vec<String> = permit.grants().map(|g| g.to_string()).collect();
    assert_eq!(
        sources,
        [
            "B0263 (included by B0008, included by B0005) from the D0006 baseline of job role S0080:G0450:R5080",
            "B0265 (included by B0008, included by B0005) from the D0006 baseline of job role S0080:G0450:R5080",
            "B0015 from an explicit grant (activity_codes[0] = B0015)",
        ]
    );
    let missing = Policy::builder()
        .all_activities([code("B0263"), code("B0264")])
        .build()
        .unwrap();
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(RA_MANAGER), &missing)),
        DenyReason::ActivityNotGranted {
            activity: code("B0264")
        }
    );
    let any = Policy::builder()
        .any_activity([code("B0264"), code("B1570")])
        .build()
        .unwrap();
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(RA_MANAGER), &any)),
        DenyReason::NoActivityGranted
    );

    // Workgroups (workgroups_codes).
    let in_group = Policy::builder()
        .any_role([ra])
        .in_workgroup("555653110100".parse().unwrap())
        .build()
        .unwrap();
    assert!(
        authoriser
            .decide(&roles, selected(RA_MANAGER), &in_group)
            .is_permit()
    );
    let other_group = Policy::builder()
        .any_role([ra])
        .in_workgroup("555653110101".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(
        reason(&authoriser.decide(&roles, selected(RA_MANAGER), &other_group)),
        DenyReason::NotInWorkgroup {
            required: "555653110101".parse().unwrap()
        }
    );

    // Policies that would let anyone in cannot be built.
    assert_eq!(
        Policy::builder().build(),
        Err(careid_rbac::Error::EmptyPolicy)
    );
    assert_eq!(
        Policy::builder().any_activity([]).build(),
        Err(careid_rbac::Error::EmptyPolicyList {
            list: careid_rbac::PolicyList::Activities
        })
    );
    assert_eq!(
        Policy::builder().any_role([]).build(),
        Err(careid_rbac::Error::EmptyPolicyList {
            list: careid_rbac::PolicyList::Roles
        })
    );
}

#[test]
fn role_code_lookup_is_strict_by_default() {
    let catalogue = common::full_extract();
    // R8001's row is S8000:G8000:R8001; a claim with another staff group gets no baseline.
    let roles = one_profile("S8001:G8002:R8001", "Y51", &["P0001:Q0001:T1580"], &[]);
    let profile = roles.profiles().next().unwrap();
    let strict = Authoriser::new(&catalogue);
    let Baseline::RoleCodeMismatch {
        claimed,
        catalogue: row,
    } = strict.baseline(profile)
    else {
        panic!()
    };
    assert_eq!(
        (claimed.to_string(), row.code().to_string()),
        (
            "S8001:G8002:R8001".to_owned(),
            "S8000:G8000:R8001".to_owned()
        )
    );
    let policy = Policy::activity(code("B0278"));
    assert!(
        !strict
            .decide(&roles, selected("111111111111"), &policy)
            .is_permit()
    );
    let lenient = strict.with_role_match(RoleMatch::JobRoleOnly);
    assert!(matches!(
        lenient.baseline(profile),
        Baseline::Applied { .. }
    ));
    assert!(
        lenient
            .decide(&roles, selected("111111111111"), &policy)
            .is_permit()
    );

    let unknown = one_profile("R8001", "Y51", &[], &[]);
    assert_eq!(
        strict.baseline(unknown.profiles().next().unwrap()),
        Baseline::RoleCodeUnknown
    );
    let absent = one_profile("S9999:G9999:R9999", "Y51", &[], &[]);
    assert!(matches!(
        strict.baseline(absent.profiles().next().unwrap()),
        Baseline::RoleNotInCatalogue { .. }
    ));
}

#[test]
fn without_a_catalogue_only_explicit_codes_count() {
    let roles = userinfo();
    let authoriser = Authoriser::without_catalogue();
    let profile = roles.profiles().next().unwrap();
    assert_eq!(authoriser.baseline(profile), Baseline::NotLoaded);
    assert!(
        authoriser
            .decide(&roles, selected(SUPPORT), &Policy::activity(code("B8002")))
            .is_permit()
    );
    // B8002 includes B1570 only through the catalogue.
    assert!(
        !authoriser
            .decide(&roles, selected(SUPPORT), &Policy::activity(code("B1570")))
            .is_permit()
    );
    let b8002 = Policy::activity(code("B8002"));
    let decision = authoriser.decide(&roles, selected(SUPPORT), &b8002);
    assert_eq!(decision.catalogue_version(), None);
    let effective: Vec<String> = authoriser
        .effective_activities(profile)
        .grants
        .iter()
        .map(|g| g.activity().to_string())
        .collect();
    assert_eq!(effective, ["B0145", "B1560", "B8002"]);
}

/// RBAC.md §5 for every job role of the extract: effective = closure(group baseline ∪ the
/// baselines of the profile's areas of work ∪ explicit codes), and `grant` agrees with it for
/// every activity code the catalogue mentions.
#[test]
fn effective_activities_match_the_definition_for_every_role() {
    let catalogue = common::full_extract();
    let authoriser = Authoriser::new(&catalogue);
    let mut mentioned: BTreeSet<ActivityCode> =
        catalogue.activities().iter().map(|a| a.code()).collect();
    for role in catalogue.job_roles() {
        for (_, codes) in role.group_baseline() {
            mentioned.extend(codes);
        }
        for (_, codes) in role.area_baseline() {
            mentioned.extend(codes);
        }
    }
    let explicit = ["B8002", "B0015", "B0145"];
    let mut checked = 0;
    for role in catalogue.job_roles() {
        let areas: Vec<String> = role
            .area_baseline()
            .map(|(t, _)| format!("P0000:Q0000:{t}"))
            .collect();
        let area_refs: Vec<&str> = areas.iter().map(String::as_str).collect();
        let roles = one_profile(&role.code().to_string(), "Y51", &area_refs, &explicit);
        let profile: &RoleProfile = roles.profiles().next().unwrap();
        let mut roots: Vec<ActivityCode> = explicit.iter().map(|c| code(c)).collect();
        for (_, codes) in role.group_baseline() {
            roots.extend(codes);
        }
        for (_, codes) in role.area_baseline() {
            roots.extend(codes);
        }
        let expected = naive_closure(&catalogue, roots);
        let effective: BTreeSet<ActivityCode> = authoriser
            .effective_activities(profile)
            .grants
            .iter()
            .map(|g| g.activity())
            .collect();
        assert_eq!(effective, expected, "{}", role.code());
        for &activity in &mentioned {
            let grant = authoriser.grant(profile, activity);
            assert_eq!(
                grant.is_some(),
                expected.contains(&activity),
                "{} {activity}",
                role.code()
            );
            if let Some(grant) = grant {
                let links: Vec<String> = grant.chain().map(|c| c.to_string()).collect();
                assert_eq!(links.first(), Some(&activity.to_string()));
                assert_eq!(links.last(), Some(&grant.root().to_string()));
                assert_real_chain(&catalogue, &links);
            }
            checked += 1;
        }
    }
    println!("checked {checked} (role, activity) pairs");
}
