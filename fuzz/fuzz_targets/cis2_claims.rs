//! `Claims::from_json` and `Claims::from_userinfo_json` (CIS2.md §5, §6): every accessor,
//! assurance levels, `acr`, unknown claims, and `nhsid_nrbac_roles` through careid-rbac.
#![no_main]

use careid_assert::{Claims, acr_level};
use careid_rbac::NrbacRoles;
use careid_rbac::serde_json::{self, Map, Value};
use libfuzzer_sys::fuzz_target;

fn exercise(claims: &Claims) {
    std::hint::black_box((
        claims.iss(),
        claims.sub(),
        claims.exp(),
        claims.iat(),
        claims.nbf(),
        claims.jti(),
    ));
    std::hint::black_box((
        claims.auth_time(),
        claims.nonce(),
        claims.azp(),
        claims.sid(),
        claims.client_id(),
    ));
    std::hint::black_box((
        claims.at_hash(),
        claims.c_hash(),
        claims.s_hash(),
        claims.selected_roleid(),
    ));
    std::hint::black_box((
        claims.token_name(),
        claims.forgerock_token_type(),
        claims.token_type(),
    ));
    std::hint::black_box((
        claims.subname(),
        claims.audit_tracking_id(),
        claims.realm(),
        claims.uid(),
    ));
    std::hint::black_box((
        claims.nhsid_useruid(),
        claims.name(),
        claims.given_name(),
        claims.family_name(),
    ));
    std::hint::black_box((claims.display_name(), claims.title(), claims.email()));
    assert_eq!(claims.audiences().count(), claims.audience_count());
    std::hint::black_box(claims.amr().count() + claims.scopes().count());
    if let Some(acr) = claims.acr() {
        assert!(acr_level(acr).is_none_or(|level| (1..=3).contains(&level)));
    }
    assert!(
        claims
            .effective_aal()
            .is_none_or(|level| (1..=3).contains(&level))
    );
    assert!(claims.identity_assurance().is_none_or(|level| level <= 3));
    for extra in claims.extra() {
        assert!(extra.to_value().is_some(), "{}", extra.json());
        assert_eq!(claims.json_of(extra.name()), Some(extra.json()));
    }
    if let Some(events) = claims.events_json() {
        serde_json::from_str::<Value>(events).expect("validated JSON");
    }
    if let Some(roles) = claims.nrbac_roles_json() {
        drop(NrbacRoles::from_claim_json(roles.as_bytes()));
    }
    drop(format!("{claims:?}"));
}

fuzz_target!(|data: &[u8]| {
    for decoded in [Claims::from_json(data), Claims::from_userinfo_json(data)] {
        match decoded {
            Ok(claims) => {
                // Whatever careid accepts, serde_json reads as a JSON object too.
                serde_json::from_slice::<Map<String, Value>>(data).expect("a JSON object");
                assert_eq!(claims.json().as_bytes(), data);
                exercise(&claims);
            }
            Err(err) => drop(err.to_string()),
        }
    }
});
