//! `NrbacRoles::from_claim_json` and `from_userinfo_json` (RBAC.md §4), then decisions on
//! whatever decodes, against the fixture catalogue (RBAC.md §5, §6).
#![no_main]

use careid_rbac::{
    Authoriser, Catalogue, ElementProblem, LoadOptions, NrbacRoles, Policy, RoleProfileEntry,
    RoleSelection,
};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let fixture = include_bytes!("../../crates/careid-rbac/tests/data/nrd-fixture.json");
    Catalogue::from_canonical_json(fixture, LoadOptions::lenient()).expect("the fixture loads")
});

static POLICIES: LazyLock<Vec<Policy>> = LazyLock::new(|| {
    let code = |text: &str| text.parse().expect("a valid code");
    vec![
        Policy::activity(code("B0263")),
        Policy::builder()
            .all_activities([code("B0265"), code("B1570")])
            .at_organisation("Y51".parse().expect("ODS"))
            .build()
            .expect("policy"),
        Policy::builder()
            .any_role(["S8000:G8000:R8001".parse().expect("role")])
            .any_activity([code("B0278")])
            .role_or_activity()
            .build()
            .expect("policy"),
    ]
});

fn exercise(roles: &NrbacRoles) {
    let authoriser = Authoriser::new(&CATALOGUE);
    for policy in POLICIES.iter() {
        let any = authoriser.decide(roles, RoleSelection::AnyRole, policy);
        drop(any.to_string());
        for entry in roles.entries() {
            let Some(id) = entry.person_roleid() else {
                continue;
            };
            let decision = authoriser.decide(roles, RoleSelection::Selected(id), policy);
            drop(decision.to_string());
            if decision.is_permit() {
                // Only a valid element can permit, and only the one selected.
                let profile = decision.profile().expect("a permit names its profile");
                assert_eq!(profile.person_roleid.get(), Some(id));
                assert!(any.is_permit());
            }
        }
    }
    for profile in roles.profiles() {
        let effective = authoriser.effective_activities(profile);
        for grant in &effective.grants {
            assert_eq!(grant.chain().next(), Some(grant.activity()));
            assert_eq!(grant.chain().last(), Some(grant.root()));
            drop(grant.to_string());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(roles) = NrbacRoles::from_claim_json(data) {
        // Without duplicate members, the parsed-value entry point agrees.
        let duplicates = roles.entries().iter().any(|entry| {
            matches!(entry, RoleProfileEntry::Invalid(invalid)
                if matches!(invalid.problem, ElementProblem::DuplicateField { .. }))
        });
        if !duplicates {
            if let Ok(value) =
                careid_rbac::serde_json::from_slice::<careid_rbac::serde_json::Value>(data)
            {
                assert_eq!(NrbacRoles::from_claim_value(&value).as_ref(), Ok(&roles));
            }
        }
        exercise(&roles);
    }
    if let Ok(roles) = NrbacRoles::from_userinfo_json(data) {
        exercise(&roles);
    }
});
