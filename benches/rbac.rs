//! careid-rbac: loading the full public NRD extract, and decision latency with it loaded.
//!
//! Anchors in the same groups: for loading, parsing the same two files into
//! `serde_json::Value` and nothing else (the floor for any JSON loader); for decisions, a naive
//! decision that computes the effective activities into a `HashSet` for every request (what
//! RBAC.md §5 describes, without careid's precomputed closures). The target is under
//! 1 µs per decision, with no allocation (proved by careid-rbac's `tests/no_allocation.rs`).
//!
//! Run with `cargo bench --bench rbac -- --warm-up-time 1 --measurement-time 5`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use careid::rbac::{
    ActivityCode, Authoriser, Catalogue, LoadOptions, NrbacRoles, Policy, RoleProfile,
    RoleSelection,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashSet;
use std::hint::black_box;

const ACTIVITIES: &[u8] =
    include_bytes!("../crates/careid-rbac/tests/data/nrd-extract/rbac-active-activities.json");
const JOB_ROLES: &[u8] =
    include_bytes!("../crates/careid-rbac/tests/data/nrd-extract/rbac-job-roles-baseline1.json");
const USERINFO: &[u8] = include_bytes!("../crates/careid-rbac/tests/data/cis2-userinfo-5.2.json");

fn load() -> Catalogue {
    Catalogue::from_extract(
        ACTIVITIES,
        JOB_ROLES,
        "public NRD extract",
        LoadOptions::lenient(),
    )
    .unwrap()
}

/// The anchor decision: effective activities computed per request, then a set lookup.
fn naive_permits(
    catalogue: &Catalogue,
    profile: &RoleProfile,
    org: &str,
    activity: ActivityCode,
) -> bool {
    if profile.org_code.to_string() != org {
        return false;
    }
    let mut roots: Vec<ActivityCode> = profile
        .activities
        .iter()
        .filter_map(|a| a.code.get())
        .map(|r| r.code())
        .collect();
    if let Some(role) = profile
        .role_code
        .get()
        .and_then(|code| catalogue.job_role(code))
    {
        for (_, codes) in role.group_baseline() {
            roots.extend(codes);
        }
        let areas: HashSet<_> = profile
            .areas_of_work
            .iter()
            .filter_map(|a| a.code.get())
            .map(|a| a.tertiary)
            .collect();
        for (area, codes) in role.area_baseline() {
            if areas.contains(&area) {
                roots.extend(codes);
            }
        }
    }
    let mut effective = HashSet::new();
    while let Some(code) = roots.pop() {
        if effective.insert(code)
            && let Some(a) = catalogue.activity(code)
        {
            roots.extend(a.includes());
        }
    }
    effective.contains(&activity)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("rbac-load");
    group.sample_size(30);
    group.bench_function("careid/full-extract", |b| b.iter(|| black_box(load())));
    let canonical = load().to_canonical_json();
    group.bench_function("careid/canonical-json", |b| {
        b.iter(|| {
            black_box(
                Catalogue::from_canonical_json(canonical.as_bytes(), LoadOptions::lenient())
                    .unwrap(),
            )
        })
    });
    group.bench_function("serde_json-value/full-extract", |b| {
        b.iter(|| {
            let a: serde_json::Value = serde_json::from_slice(ACTIVITIES).unwrap();
            let r: serde_json::Value = serde_json::from_slice(JOB_ROLES).unwrap();
            black_box((a, r))
        })
    });
    group.finish();

    let catalogue = load();
    let authoriser = Authoriser::new(&catalogue);
    let roles = NrbacRoles::from_userinfo_json(USERINFO).unwrap();
    let ra = RoleSelection::from_selected_roleid(Some("656005754108"));
    let support = RoleSelection::from_selected_roleid(Some("656014452101"));
    let code = |text: &str| text.parse::<ActivityCode>().unwrap();
    let at = |activity: &str, org: &str| {
        Policy::builder()
            .any_activity([code(activity)])
            .at_organisation(org.parse().unwrap())
            .build()
            .unwrap()
    };
    // (name, selection, policy, expected, naive anchor (profile index, org, activity))
    let cases = [
        (
            "permit-baseline-includes",
            ra,
            at("B0263", "X09"),
            true,
            Some((1, "X09", "B0263")),
        ),
        (
            "permit-explicit-includes",
            support,
            at("B1570", "Y51"),
            true,
            Some((0, "Y51", "B1570")),
        ),
        (
            "deny-not-granted",
            ra,
            at("B0264", "X09"),
            false,
            Some((1, "X09", "B0264")),
        ),
        ("deny-wrong-org", ra, at("B0263", "Y51"), false, None),
        (
            "permit-all-of-3",
            ra,
            Policy::builder()
                .all_activities([code("B0263"), code("B0265"), code("B0015")])
                .build()
                .unwrap(),
            true,
            None,
        ),
        (
            "deny-any-role",
            RoleSelection::AnyRole,
            Policy::activity(code("B0264")),
            false,
            None,
        ),
    ];
    let profiles: Vec<&RoleProfile> = roles.profiles().collect();
    let mut group = c.benchmark_group("rbac-decision");
    for (name, selection, policy, expected, naive) in &cases {
        assert_eq!(
            authoriser.decide(&roles, *selection, policy).is_permit(),
            *expected,
            "{name}"
        );
        group.bench_function(format!("careid/{name}"), |b| {
            b.iter(|| {
                black_box(
                    authoriser
                        .decide(black_box(&roles), black_box(*selection), black_box(policy))
                        .is_permit(),
                )
            })
        });
        if let Some((index, org, activity)) = naive {
            let profile = profiles[*index];
            assert_eq!(
                naive_permits(&catalogue, profile, org, code(activity)),
                *expected,
                "{name}"
            );
            group.bench_function(format!("naive-hashset/{name}"), |b| {
                b.iter(|| {
                    black_box(naive_permits(
                        &catalogue,
                        black_box(profile),
                        org,
                        code(activity),
                    ))
                })
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("rbac-claim");
    group.bench_function("careid/decode-userinfo-5.2", |b| {
        b.iter(|| black_box(NrbacRoles::from_userinfo_json(black_box(USERINFO)).unwrap()))
    });
    group.bench_function("serde_json-value/userinfo-5.2", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(USERINFO)).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
