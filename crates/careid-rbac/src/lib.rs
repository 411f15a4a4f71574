#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod canonical;
mod catalogue;
mod claim;
mod code;
mod decision;
mod error;
mod extract;

pub use catalogue::{
    Activity, Catalogue, JobRole, LoadDiagnostic, LoadOptions, MAX_CATALOGUE_BYTES,
    MAX_CATALOGUE_ROWS, MAX_EXPANSION_WORK, OnProblem, Replacement, RoleType, Status, StatusKind,
};
pub use claim::{
    ClaimActivity, ClaimAreaOfWork, ClaimDiagnostic, ClaimWorkgroup, ElementProblem,
    InvalidRoleProfile, MAX_CLAIM_BYTES, NrbacRoles, ParallelField, RoleProfile, RoleProfileEntry,
};
pub use code::{
    ActivityCode, ActivityGroupCode, ActivityRef, ActivitySubGroupCode, AowPrimaryCode,
    AowSecondaryCode, AowTertiaryCode, AreaOfWorkCode, CodePart, Decoded, JobRoleCode,
    JobRoleRCode, NameTriple, OdsCode, PersonOrgId, QualifiedActivityCode, StaffGroupCode,
    StaffSubGroupCode, UserRoleProfileId, WorkgroupCode,
};
pub use decision::{
    ActivityRequirement, Authoriser, Baseline, Decision, Deny, DenyReason, EffectiveActivities,
    Grant, GrantSource, IncludesChain, Permit, Policy, PolicyBuilder, RoleMatch, RoleRequirement,
    RoleSelection,
};
pub use error::{CodeFault, CodeKind, Error, Input, JsonType, PolicyList, Referrer};

/// The `serde_json` crate, whose `Value` and `Map` appear in [`RoleProfile::extra`],
/// [`InvalidRoleProfile::raw`] and [`NrbacRoles::from_claim_value`].
pub use serde_json;
