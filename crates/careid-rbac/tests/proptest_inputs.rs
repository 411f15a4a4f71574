//! Property tests: claim decoding and catalogue loading never panic on mutated or arbitrary
//! input, what loads round-trips, and decisions agree with the effective activities.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_rbac::{
    ActivityCode, Authoriser, Catalogue, Decision, LoadOptions, NrbacRoles, Policy, RoleSelection,
};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

/// One mutation of a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Splice(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tokens = prop::sample::select(vec![
        "\"",
        ":",
        ",",
        "[",
        "]",
        "{",
        "}",
        "null",
        "1e999",
        "\"B0264\"",
        "\"\\u0000\"",
        "\\",
        "-",
        "\"S8000:G8000:R8000\"",
        "\"Yes\"",
        "\"\\r\"",
        "true",
        "[]",
        "{}",
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), tokens).prop_map(|(at, t)| Mutation::Splice(at, t)),
    ]
}

fn mutate(input: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Flip(at, b) => {
                if let Some(x) = bytes.get_mut(at % len) {
                    *x ^= b | 1;
                }
            }
            Mutation::Insert(at, b) => bytes.insert((at % len).min(bytes.len()), b),
            Mutation::Delete(at) => {
                if !bytes.is_empty() {
                    bytes.remove(at % len);
                }
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Splice(at, token) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, token.bytes());
            }
        }
    }
    bytes
}

/// A small extract: the first rows of each file, re-serialised.
fn small_extract() -> &'static (Vec<u8>, Vec<u8>) {
    static SMALL: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    SMALL.get_or_init(|| {
        let take = |json: &[u8], n: usize| {
            let rows: Vec<Value> = serde_json::from_slice(json).unwrap();
            serde_json::to_vec_pretty(&rows[..n]).unwrap()
        };
        (
            take(common::EXTRACT_ACTIVITIES, 25),
            take(common::EXTRACT_JOB_ROLES, 6),
        )
    })
}

fn fixture() -> &'static Catalogue {
    static FIXTURE: OnceLock<Catalogue> = OnceLock::new();
    FIXTURE.get_or_init(common::fixture)
}

/// Exercises a loaded catalogue: canonical round trip, and a decision for every job role.
fn exercise(catalogue: &Catalogue, options: LoadOptions) -> Result<(), TestCaseError> {
    let text = catalogue.to_canonical_json();
    let again = Catalogue::from_canonical_json(text.as_bytes(), options);
    prop_assert!(
        again.as_ref() == Ok(catalogue),
        "canonical round trip: {again:?}"
    );
    let authoriser = Authoriser::new(catalogue);
    for role in catalogue.job_roles() {
        let claim = serde_json::json!([{"person_roleid": "1", "person_orgid": "2", "org_code": "Y51",
            "role_code": role.code().to_string(), "role_name": "x"}]);
        let roles = NrbacRoles::from_claim_json(claim.to_string().as_bytes()).unwrap();
        for activity in catalogue.activities().iter().take(8) {
            let policy = Policy::activity(activity.code());
            let _ = authoriser
                .decide(
                    &roles,
                    RoleSelection::from_selected_roleid(Some("1")),
                    &policy,
                )
                .to_string();
        }
    }
    Ok(())
}

/// Arbitrary JSON, biased towards claim-like objects.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "person_roleid",
        "person_orgid",
        "org_code",
        "role_code",
        "role_name",
        "activities",
        "activity_codes",
        "workgroups",
        "workgroups_codes",
        "workgroup_codes",
        "aow",
        "aow_codes",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[A-Z0-9:\"]{0,18}".prop_map(Value::String),
        prop::sample::select(vec![
            "S8000:G8000:R8000",
            "B0264",
            "Y51",
            "656005754108",
            "P0020:Q0300:T0640"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..12).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_userinfo_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let input = mutate(common::USERINFO, &mutations);
        if let Ok(roles) = NrbacRoles::from_userinfo_json(&input) {
            // Whatever decodes agrees with an independent parse of the same bytes.
            if let Ok(Value::Object(userinfo)) = serde_json::from_slice::<Value>(&input) {
                let raw = userinfo.get("nhsid_nrbac_roles").and_then(Value::as_array).cloned().unwrap_or_default();
                prop_assert_eq!(raw.len(), roles.len());
                for (raw, entry) in raw.iter().zip(roles.entries()) {
                    if let Some(profile) = entry.profile() {
                        prop_assert_eq!(raw["role_code"].as_str().map(str::to_owned), Some(profile.role_code.to_string()));
                        prop_assert_eq!(raw["person_roleid"].as_str().map(str::to_owned), Some(profile.person_roleid.to_string()));
                        prop_assert_eq!(raw["role_name"].as_str().map(str::to_owned), Some(profile.role_name.to_string()));
                    }
                }
            }
            let authoriser = Authoriser::new(fixture());
            for profile in roles.profiles() {
                let _ = authoriser.effective_activities(profile);
            }
            let policy = Policy::activity("B0263".parse().unwrap());
            let _ = authoriser.decide(&roles, RoleSelection::AnyRole, &policy).to_string();
        }
    }

    #[test]
    fn arbitrary_claims_never_panic_and_both_entry_points_agree(value in json_value()) {
        let from_value = NrbacRoles::from_claim_value(&value);
        let from_json = NrbacRoles::from_claim_json(value.to_string().as_bytes());
        prop_assert_eq!(&from_value, &from_json);
        let wrapped = serde_json::json!([value]);
        let roles = NrbacRoles::from_claim_json(wrapped.to_string().as_bytes()).unwrap();
        prop_assert_eq!(roles.len(), 1);
        // Every decoded value prints back exactly as the claim wrote it.
        if let (Some(profile), Value::Object(raw)) = (roles.profiles().next(), &value) {
            prop_assert_eq!(raw.get("role_code").and_then(Value::as_str).map(str::to_owned), Some(profile.role_code.to_string()));
            prop_assert_eq!(raw.get("org_code").and_then(Value::as_str).map(str::to_owned), Some(profile.org_code.to_string()));
            for (code, raw_code) in profile.activities.iter().zip(raw.get("activity_codes").and_then(Value::as_array).into_iter().flatten()) {
                prop_assert_eq!(Some(code.code.to_string()), raw_code.as_str().map(str::to_owned));
            }
        }
    }

    #[test]
    fn mutated_canonical_catalogue_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        let input = mutate(common::FIXTURE.as_bytes(), &mutations);
        for options in [LoadOptions::strict(), LoadOptions::lenient()] {
            if let Ok(catalogue) = Catalogue::from_canonical_json(&input, options) {
                exercise(&catalogue, options)?;
            }
        }
    }

    #[test]
    fn mutated_extract_never_panics(mutations in prop::collection::vec(mutation(), 1..4), which in any::<bool>()) {
        let (activities, roles) = small_extract();
        let (activities, roles) = if which {
            (mutate(activities, &mutations), roles.clone())
        } else {
            (activities.clone(), mutate(roles, &mutations))
        };
        for options in [LoadOptions::strict(), LoadOptions::lenient()] {
            if let Ok(catalogue) = Catalogue::from_extract(&activities, &roles, "mutated", options) {
                exercise(&catalogue, options)?;
            }
        }
    }

    #[test]
    fn permits_agree_with_effective_activities(
        role in 0usize..26,
        activity in 0usize..200,
        explicit in prop::collection::vec(0usize..200, 0..4),
        aow in prop::collection::vec(prop::sample::select(vec!["T0850", "T1580", "T1590", "T2200", "T6080", "T6092", "T9999"]), 0..3),
    ) {
        let catalogue = fixture();
        let codes: Vec<ActivityCode> = catalogue.activities().iter().map(|a| a.code()).collect();
        let pick = |i: usize| codes[i % codes.len()];
        let role = catalogue.job_roles()[role % catalogue.job_roles().len()].code();
        let explicit: Vec<String> = explicit.into_iter().map(|i| pick(i).to_string()).collect();
        let aow: Vec<String> = aow.into_iter().map(|t| format!("P0001:Q0001:{t}")).collect();
        let claim = serde_json::json!([{"person_roleid": "1", "person_orgid": "2", "org_code": "Y51",
            "role_code": role.to_string(), "role_name": "x", "activity_codes": explicit, "aow_codes": aow}]);
        let roles = NrbacRoles::from_claim_json(claim.to_string().as_bytes()).unwrap();
        let authoriser = Authoriser::new(catalogue);
        let target = pick(activity);
        let policy = Policy::activity(target);
        let decision = authoriser.decide(&roles, RoleSelection::from_selected_roleid(Some("1")), &policy);
        let effective = authoriser.effective_activities(roles.profiles().next().unwrap());
        let listed = effective.grants.iter().any(|g| g.activity() == target);
        prop_assert_eq!(decision.is_permit(), listed);
        if let Decision::Permit(permit) = decision {
            let grant = permit.grant().unwrap();
            prop_assert_eq!(grant.activity(), target);
            prop_assert_eq!(grant.chain().last(), Some(grant.root()));
        }
    }
}
