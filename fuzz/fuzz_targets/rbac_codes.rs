//! Every careid-rbac code parser on arbitrary text (RBAC.md §2, §3): a value that parses
//! prints back to exactly the same text, and `Decoded` keeps text that does not, unchanged.
#![no_main]

use careid_rbac::{
    ActivityCode, ActivityGroupCode, ActivityRef, ActivitySubGroupCode, AowTertiaryCode,
    AreaOfWorkCode, Decoded, Error, JobRoleCode, JobRoleRCode, NameTriple, OdsCode, PersonOrgId,
    QualifiedActivityCode, RoleSelection, StaffGroupCode, Status, UserRoleProfileId, WorkgroupCode,
};
use core::fmt::Display;
use core::str::FromStr;
use libfuzzer_sys::fuzz_target;

fn check<T: FromStr<Err = Error> + Display>(text: &str) {
    match text.parse::<T>() {
        Ok(value) => assert_eq!(value.to_string(), text),
        Err(err) => {
            assert!(matches!(err, Error::InvalidCode { .. }));
            drop(err.to_string());
            assert!(matches!(Decoded::<T>::decode(text), Decoded::Unknown(_)));
        }
    }
    assert_eq!(Decoded::<T>::decode(text).to_string(), text);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check::<ActivityCode>(text);
    check::<ActivityGroupCode>(text);
    check::<ActivitySubGroupCode>(text);
    check::<StaffGroupCode>(text);
    check::<JobRoleRCode>(text);
    check::<AowTertiaryCode>(text);
    check::<JobRoleCode>(text);
    check::<AreaOfWorkCode>(text);
    check::<QualifiedActivityCode>(text);
    check::<ActivityRef>(text);
    check::<UserRoleProfileId>(text);
    check::<PersonOrgId>(text);
    check::<WorkgroupCode>(text);
    check::<OdsCode>(text);
    check::<NameTriple>(text);
    if let Ok(activity) = text.parse::<ActivityRef>() {
        assert_eq!(activity.code().to_string().len(), 5);
    }
    match RoleSelection::from_selected_roleid(Some(text)) {
        RoleSelection::Selected(id) => assert_eq!(id.to_string(), text),
        selection => assert_eq!(selection, RoleSelection::Malformed),
    }
    let status = Status::parse(text);
    assert_eq!(status.text(), text.trim());
});
