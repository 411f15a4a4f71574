//! `Catalogue::from_canonical_json` and `Catalogue::from_extract` (RBAC.md §9), strict and
//! lenient; what loads round-trips through the canonical form and answers decisions.
//!
//! Input: `[sel] [rest...]`. Bit 0 of `sel` picks lenient over strict; bit 1 picks the extract
//! format, with `rest` split at its first NUL byte into the activities and job roles files.
#![no_main]

use careid_rbac::{Authoriser, Catalogue, LoadOptions, NrbacRoles, Policy, RoleSelection};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let options = if sel & 1 == 0 {
        LoadOptions::strict()
    } else {
        LoadOptions::lenient()
    };
    let loaded = if sel & 2 == 0 {
        Catalogue::from_canonical_json(rest, options)
    } else {
        let at = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let (activities, job_roles) = rest.split_at(at);
        Catalogue::from_extract(
            activities,
            job_roles.get(1..).unwrap_or_default(),
            "fuzz",
            options,
        )
    };
    let catalogue = match loaded {
        Ok(catalogue) => catalogue,
        Err(err) => return drop(err.to_string()),
    };
    let text = catalogue.to_canonical_json();
    let again =
        Catalogue::from_canonical_json(text.as_bytes(), options).expect("canonical output reloads");
    assert_eq!(again, catalogue);
    assert_eq!(again.to_canonical_json(), text);

    let authoriser = Authoriser::new(&catalogue);
    for role in catalogue.job_roles().iter().take(4) {
        let claim = format!(
            r#"[{{"person_roleid":"1","person_orgid":"2","org_code":"Y51","role_code":"{}","role_name":"x","aow_codes":["P0000:Q0000:T1580"]}}]"#,
            role.code()
        );
        let roles = NrbacRoles::from_claim_json(claim.as_bytes()).expect("a valid claim");
        let profile = roles.profiles().next().expect("one profile");
        let effective = authoriser.effective_activities(profile);
        for activity in catalogue.activities().iter().take(16) {
            let policy = Policy::activity(activity.code());
            let decision = authoriser.decide(
                &roles,
                RoleSelection::from_selected_roleid(Some("1")),
                &policy,
            );
            let listed = effective
                .grants
                .iter()
                .any(|g| g.activity() == activity.code());
            assert_eq!(decision.is_permit(), listed);
        }
    }
});
