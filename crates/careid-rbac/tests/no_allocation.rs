//! Decisions allocate nothing. `allocation-counter` installs a counting global allocator in
//! this test binary only (its own code; careid has no unsafe code), and counts per thread.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_rbac::{Authoriser, Decision, NrbacRoles, Policy, RoleSelection};

#[test]
fn decisions_do_not_allocate() {
    let catalogue = common::full_extract();
    let authoriser = Authoriser::new(&catalogue);
    let roles = NrbacRoles::from_userinfo_json(common::USERINFO).unwrap();
    let ra = RoleSelection::from_selected_roleid(Some("656005754108"));
    let support = RoleSelection::from_selected_roleid(Some("656014452101"));
    let code = |text: &str| text.parse().unwrap();
    let policies = [
        // Permit through the group baseline and Includes (B0005 → B0008 → B0263).
        Policy::builder()
            .any_activity([code("B0263")])
            .at_organisation("X09".parse().unwrap())
            .build()
            .unwrap(),
        // Permit through an explicit grant and Includes (B8002 → B1575 → B1570).
        Policy::builder()
            .any_activity([code("B1570")])
            .at_organisation("Y51".parse().unwrap())
            .build()
            .unwrap(),
        // Deny: not granted; wrong organisation; workgroup.
        Policy::activity(code("B0264")),
        Policy::builder()
            .any_activity([code("B0263")])
            .at_organisation("Y51".parse().unwrap())
            .build()
            .unwrap(),
        Policy::builder()
            .any_activity([code("B0263")])
            .in_workgroup("555653110100".parse().unwrap())
            .build()
            .unwrap(),
        // All-of, role, role-or-activity.
        Policy::builder()
            .all_activities([code("B0263"), code("B0265"), code("B0015")])
            .build()
            .unwrap(),
        Policy::builder()
            .any_role(["S0080:G0450:R5080".parse().unwrap()])
            .build()
            .unwrap(),
        Policy::builder()
            .any_job_role(["R8008".parse().unwrap()])
            .any_activity([code("B0264")])
            .role_or_activity()
            .build()
            .unwrap(),
    ];
    let selections = [
        ra,
        support,
        RoleSelection::AnyRole,
        RoleSelection::NotSelected,
    ];
    // Warm up anything lazily initialised (there should be nothing).
    for policy in &policies {
        for &selection in &selections {
            let _ = authoriser.decide(&roles, selection, policy);
        }
    }

    let mut permits = 0usize;
    let mut chain_links = 0usize;
    let info = allocation_counter::measure(|| {
        for _ in 0..1000 {
            for policy in &policies {
                for &selection in &selections {
                    let decision = authoriser.decide(&roles, selection, policy);
                    if let Decision::Permit(permit) = decision {
                        permits += 1;
                        for grant in permit.grants() {
                            chain_links += grant.chain().count();
                        }
                    }
                    std::hint::black_box(decision);
                }
            }
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
    // The decisions did happen, and took the interesting paths.
    assert_eq!(permits, 1000 * 12);
    assert!(chain_links > permits);

    // The counter works: the allocating API is seen allocating.
    let profile = roles.profiles().next().unwrap();
    let info = allocation_counter::measure(|| {
        std::hint::black_box(authoriser.effective_activities(profile));
    });
    assert!(info.count_total > 0);
}
