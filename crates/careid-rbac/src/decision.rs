//! Effective activities and authorisation decisions (RBAC.md §5, §6).
//!
//! A decision is a handful of binary searches in tables the [`Catalogue`] built at load time.
//! It allocates nothing: [`Decision`] and everything it hands out ([`Grant`], [`Baseline`],
//! [`DenyReason`], [`IncludesChain`]) borrow from the catalogue, the claim and the policy, or
//! are `Copy`. `tests/no_allocation.rs` counts allocations to prove it.

use crate::catalogue::{Catalogue, JobRole, Reach};
use crate::claim::{ElementProblem, InvalidRoleProfile, NrbacRoles, RoleProfile, RoleProfileEntry};
use crate::code::{
    ActivityCode, ActivityGroupCode, ActivityRef, AreaOfWorkCode, Decoded, JobRoleCode,
    JobRoleRCode, OdsCode, UserRoleProfileId, WorkgroupCode,
};
use crate::error::{Error, PolicyList};
use core::fmt;
use std::collections::BTreeMap;

/// Makes decisions against a catalogue, or without one (RBAC.md §5: "Without a loaded
/// catalogue, `effective = E` and the result says `baseline: NotLoaded`").
///
/// ```
/// use careid_rbac::{Authoriser, NrbacRoles, Policy, RoleSelection};
///
/// let claim = br#"[{"person_orgid": "656008045105", "person_roleid": "656014452101",
///   "org_code": "Y51", "role_code": "S8001:G8002:R8008", "role_name": "\"a\":\"b\":\"c\"",
///   "activity_codes": ["B8002"], "activities": ["Manage Shared Non Patient Identifiable Information"]}]"#;
/// let roles = NrbacRoles::from_claim_json(claim)?;
/// let policy = Policy::builder().any_activity(["B8002".parse()?]).at_organisation("Y51".parse()?).build()?;
/// let selected = RoleSelection::from_selected_roleid(Some("656014452101"));
///
/// let decision = Authoriser::without_catalogue().decide(&roles, selected, &policy);
/// assert!(decision.is_permit());
/// assert!(!Authoriser::without_catalogue().decide(&roles, RoleSelection::NotSelected, &policy).is_permit());
/// # Ok::<(), careid_rbac::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Authoriser<'c> {
    catalogue: Option<&'c Catalogue>,
    role_match: RoleMatch,
}

/// How a claim's `role_code` finds its catalogue row (RBAC.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RoleMatch {
    /// The full `S:G:R` must match. When only the `R` part matches a row, no baseline is
    /// granted and the decision reports [`Baseline::RoleCodeMismatch`]. The default.
    #[default]
    FullCode,
    /// A row whose `R` part matches counts, when exactly one does (the full code still wins).
    /// For callers whose claims carry stale staff group codes.
    JobRoleOnly,
}

/// Which of a person's roles a decision is about (RBAC.md §6 step 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoleSelection {
    /// The ID token's `selected_roleid`. Only this role profile is evaluated: the person's
    /// other roles never contribute.
    Selected(UserRoleProfileId),
    /// The ID token has a `selected_roleid` that is not an id; never matches.
    Malformed,
    /// The ID token has no `selected_roleid`: every decision denies.
    NotSelected,
    /// The caller explicitly evaluates every role profile on its own, and the first that
    /// permits is returned. For services without role selection only.
    AnyRole,
}

impl RoleSelection {
    /// Interprets the ID token's `selected_roleid` claim (CIS2.md §5.1).
    #[must_use]
    pub fn from_selected_roleid(selected_roleid: Option<&str>) -> Self {
        match selected_roleid {
            None => Self::NotSelected,
            Some(text) => text.parse().map_or(Self::Malformed, Self::Selected),
        }
    }
}

/// What a decision requires (RBAC.md §6): any or all of some activities and/or any of some job
/// roles, optionally at one organisation and in one workgroup. Built with
/// [`Policy::builder`]; a policy that requires nothing cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    activities: Option<ActivityRequirement>,
    roles: Option<RoleRequirement>,
    role_or_activity: bool,
    organisation: Option<OdsCode>,
    workgroup: Option<WorkgroupCode>,
}

/// A policy's activity requirement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActivityRequirement {
    /// At least one of these activities must be effective.
    AnyOf(Box<[ActivityCode]>),
    /// Every one of these activities must be effective.
    AllOf(Box<[ActivityCode]>),
}

/// A policy's role requirement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoleRequirement {
    /// The role profile's full `S:G:R` code must be one of these.
    AnyOf(Box<[JobRoleCode]>),
    /// The `R` part of the role profile's code must be one of these (RBAC.md §6: "R-only if the
    /// caller asks").
    AnyJobRoleOf(Box<[JobRoleRCode]>),
}

/// Builds a [`Policy`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct PolicyBuilder {
    activities: Option<ActivityRequirement>,
    roles: Option<RoleRequirement>,
    role_or_activity: bool,
    organisation: Option<OdsCode>,
    workgroup: Option<WorkgroupCode>,
}

impl Policy {
    /// A policy builder.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// The policy "may perform `activity`", anywhere.
    #[must_use]
    pub fn activity(activity: ActivityCode) -> Self {
        Self {
            activities: Some(ActivityRequirement::AnyOf(Box::new([activity]))),
            roles: None,
            role_or_activity: false,
            organisation: None,
            workgroup: None,
        }
    }

    /// The activity requirement.
    #[must_use]
    pub const fn activities(&self) -> Option<&ActivityRequirement> {
        self.activities.as_ref()
    }

    /// The role requirement.
    #[must_use]
    pub const fn roles(&self) -> Option<&RoleRequirement> {
        self.roles.as_ref()
    }

    /// True when meeting either the role or the activity requirement is enough.
    #[must_use]
    pub const fn role_or_activity(&self) -> bool {
        self.role_or_activity
    }

    /// The required organisation.
    #[must_use]
    pub const fn organisation(&self) -> Option<OdsCode> {
        self.organisation
    }

    /// The required workgroup.
    #[must_use]
    pub const fn workgroup(&self) -> Option<WorkgroupCode> {
        self.workgroup
    }
}

impl PolicyBuilder {
    /// Requires at least one of `activities`.
    pub fn any_activity(mut self, activities: impl IntoIterator<Item = ActivityCode>) -> Self {
        self.activities = Some(ActivityRequirement::AnyOf(activities.into_iter().collect()));
        self
    }

    /// Requires every one of `activities`.
    pub fn all_activities(mut self, activities: impl IntoIterator<Item = ActivityCode>) -> Self {
        self.activities = Some(ActivityRequirement::AllOf(activities.into_iter().collect()));
        self
    }

    /// Requires the job role (full `S:G:R`) to be one of `roles`.
    pub fn any_role(mut self, roles: impl IntoIterator<Item = JobRoleCode>) -> Self {
        self.roles = Some(RoleRequirement::AnyOf(roles.into_iter().collect()));
        self
    }

    /// Requires the `R` part of the job role to be one of `roles`.
    pub fn any_job_role(mut self, roles: impl IntoIterator<Item = JobRoleRCode>) -> Self {
        self.roles = Some(RoleRequirement::AnyJobRoleOf(roles.into_iter().collect()));
        self
    }

    /// With both an activity and a role requirement, meeting either is enough (as
    /// eps-prescription-tracker-ui grants on role code or activity code). Without this call,
    /// both must be met.
    pub const fn role_or_activity(mut self) -> Self {
        self.role_or_activity = true;
        self
    }

    /// Requires the role profile to be at this organisation (`org_code`, case-sensitive).
    pub const fn at_organisation(mut self, organisation: OdsCode) -> Self {
        self.organisation = Some(organisation);
        self
    }

    /// Requires the role profile to be in this workgroup (`workgroups_codes`).
    pub const fn in_workgroup(mut self, workgroup: WorkgroupCode) -> Self {
        self.workgroup = Some(workgroup);
        self
    }

    /// The policy.
    ///
    /// # Errors
    /// [`Error::EmptyPolicy`] without an activity or role requirement (such a policy would let
    /// anyone in), [`Error::EmptyPolicyList`] for an empty list.
    pub fn build(self) -> Result<Policy, Error> {
        let activities_empty = match &self.activities {
            Some(ActivityRequirement::AnyOf(list) | ActivityRequirement::AllOf(list)) => {
                list.is_empty()
            }
            None => false,
        };
        let roles_empty = match &self.roles {
            Some(RoleRequirement::AnyOf(list)) => list.is_empty(),
            Some(RoleRequirement::AnyJobRoleOf(list)) => list.is_empty(),
            None => false,
        };
        if activities_empty {
            return Err(Error::EmptyPolicyList {
                list: PolicyList::Activities,
            });
        }
        if roles_empty {
            return Err(Error::EmptyPolicyList {
                list: PolicyList::Roles,
            });
        }
        if self.activities.is_none() && self.roles.is_none() {
            return Err(Error::EmptyPolicy);
        }
        Ok(Policy {
            activities: self.activities,
            roles: self.roles,
            role_or_activity: self.role_or_activity,
            organisation: self.organisation,
            workgroup: self.workgroup,
        })
    }
}

/// The outcome of a decision, with its explanation. `Display` says it in plain words.
/// Complete by definition: a decision permits or denies.
#[derive(Clone, Copy, Debug)]
pub enum Decision<'a> {
    /// The policy is met.
    Permit(Permit<'a>),
    /// The policy is not met.
    Deny(Deny<'a>),
}

/// Why a decision permitted.
#[derive(Clone, Copy, Debug)]
pub struct Permit<'a> {
    profile: &'a RoleProfile,
    baseline: Baseline<'a>,
    role: Option<JobRoleCode>,
    grant: Option<Grant<'a>>,
    policy: &'a Policy,
    authoriser: Authoriser<'a>,
}

/// Why a decision denied.
#[derive(Clone, Copy, Debug)]
pub struct Deny<'a> {
    reason: DenyReason<'a>,
    profile: Option<&'a RoleProfile>,
    baseline: Option<Baseline<'a>>,
    version: Option<&'a str>,
}

/// Why a decision denied, most specific first.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum DenyReason<'a> {
    /// The person has no roles.
    NoRoles,
    /// No role was selected, and the caller did not ask for [`RoleSelection::AnyRole`].
    NoSelectedRole,
    /// No role profile has the selected id (or the token's `selected_roleid` is malformed).
    SelectedRoleNotFound {
        /// The selected id, when it is well-formed.
        selected: Option<UserRoleProfileId>,
    },
    /// More than one claim element has the selected id.
    SelectedRoleAmbiguous {
        /// The selected id.
        selected: UserRoleProfileId,
    },
    /// The selected role's claim element is invalid.
    SelectedRoleInvalid {
        /// The element.
        entry: &'a InvalidRoleProfile,
    },
    /// The role profile is at another organisation.
    WrongOrganisation {
        /// The organisation the policy requires.
        required: OdsCode,
        /// The role profile's `org_code`.
        actual: &'a Decoded<OdsCode>,
    },
    /// The role profile is not in the required workgroup.
    NotInWorkgroup {
        /// The workgroup the policy requires.
        required: WorkgroupCode,
    },
    /// A required activity is not effective for the role profile.
    ActivityNotGranted {
        /// The activity.
        activity: ActivityCode,
    },
    /// None of the activities of an any-of requirement is effective.
    NoActivityGranted,
    /// The job role is not one the policy allows.
    RoleNotAllowed {
        /// The role profile's `role_code`.
        role: &'a Decoded<JobRoleCode>,
    },
    /// Neither the role nor the activity requirement is met (a role-or-activity policy).
    NeitherRoleNorActivity,
    /// [`RoleSelection::AnyRole`]: none of the person's valid role profiles meets the policy.
    NoRolePermits {
        /// How many valid role profiles were evaluated.
        evaluated: usize,
    },
}

/// Where a role profile's baseline came from (RBAC.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Baseline<'a> {
    /// The catalogue row of the role profile's job role.
    Applied {
        /// The row.
        role: &'a JobRole,
    },
    /// No catalogue: only explicitly granted activities count, unexpanded.
    NotLoaded,
    /// The claim's `role_code` is not an `S:G:R` code.
    RoleCodeUnknown,
    /// The catalogue has no job role with this code (or `R` part, with
    /// [`RoleMatch::JobRoleOnly`]).
    RoleNotInCatalogue {
        /// The claimed code.
        claimed: JobRoleCode,
    },
    /// Only the `R` part matches a catalogue row; no baseline is granted under the default
    /// [`RoleMatch::FullCode`].
    RoleCodeMismatch {
        /// The claimed code.
        claimed: JobRoleCode,
        /// The catalogue row with the same `R` part.
        catalogue: &'a JobRole,
    },
    /// [`RoleMatch::JobRoleOnly`]: several rows have this `R` part and none the full code.
    AmbiguousJobRole {
        /// The claimed code.
        claimed: JobRoleCode,
    },
}

/// How one activity is effective for a role profile: which entry granted it, and through which
/// `Includes` it reaches the activity. `Copy`; borrows the catalogue.
#[derive(Clone, Copy)]
pub struct Grant<'a> {
    activity: ActivityCode,
    root: ActivityCode,
    source: GrantSource,
    list: &'a [Reach],
}

/// Which entry granted an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GrantSource {
    /// The job role's baseline for an activity group (an NRD `D####` column).
    GroupBaseline {
        /// The job role.
        role: JobRoleCode,
        /// The activity group column.
        group: ActivityGroupCode,
    },
    /// The job role's baseline for one of the role profile's areas of work (an NRD `T####`
    /// column).
    AreaOfWorkBaseline {
        /// The job role.
        role: JobRoleCode,
        /// The role profile's area of work (from `aow_codes`).
        area: AreaOfWorkCode,
    },
    /// The claim's `activity_codes`: granted explicitly by a Registration Authority.
    Explicit {
        /// Position in `activity_codes`.
        index: usize,
        /// The code as the claim wrote it.
        code: ActivityRef,
    },
}

/// The `Includes` chain of a [`Grant`], from the granted activity back to the entry that
/// granted it: `B0263`, `B0008`, `B0274` means B0274 includes B0008, which includes B0263.
#[derive(Clone, Debug)]
pub struct IncludesChain<'a> {
    list: &'a [Reach],
    next: Option<ActivityCode>,
    budget: usize,
}

/// Every activity effective for one role profile, each with its grant (RBAC.md §5). Allocates:
/// for display and auditing, not for decisions.
#[derive(Clone, Debug)]
pub struct EffectiveActivities<'a> {
    /// Where the baseline came from.
    pub baseline: Baseline<'a>,
    /// Every effective activity, in code order.
    pub grants: Vec<Grant<'a>>,
}

impl<'c> Authoriser<'c> {
    /// Decisions against `catalogue`, matching full job role codes.
    #[must_use]
    pub const fn new(catalogue: &'c Catalogue) -> Self {
        Self {
            catalogue: Some(catalogue),
            role_match: RoleMatch::FullCode,
        }
    }

    /// Decisions without a catalogue: no baselines, no `Includes`; only activities granted
    /// explicitly in the claim count.
    #[must_use]
    pub const fn without_catalogue() -> Self {
        Self {
            catalogue: None,
            role_match: RoleMatch::FullCode,
        }
    }

    /// Sets how job role codes find their catalogue row.
    #[must_use]
    pub const fn with_role_match(mut self, role_match: RoleMatch) -> Self {
        self.role_match = role_match;
        self
    }

    /// The catalogue, if any.
    #[must_use]
    pub const fn catalogue(&self) -> Option<&'c Catalogue> {
        self.catalogue
    }

    /// May this person, in the selected role, do what `policy` requires (RBAC.md §6)?
    ///
    /// Allocates nothing.
    #[must_use]
    pub fn decide<'a>(
        &self,
        roles: &'a NrbacRoles,
        selection: RoleSelection,
        policy: &'a Policy,
    ) -> Decision<'a>
    where
        'c: 'a,
    {
        let deny = |reason| {
            Decision::Deny(Deny {
                reason,
                profile: None,
                baseline: None,
                version: self.version(),
            })
        };
        if roles.is_empty() {
            return deny(DenyReason::NoRoles);
        }
        let selected = match selection {
            RoleSelection::Selected(id) => id,
            RoleSelection::Malformed => {
                return deny(DenyReason::SelectedRoleNotFound { selected: None });
            }
            RoleSelection::NotSelected => return deny(DenyReason::NoSelectedRole),
            RoleSelection::AnyRole => {
                let mut evaluated = 0;
                for profile in roles.profiles() {
                    evaluated += 1;
                    let decision = self.decide_for(profile, policy);
                    if decision.is_permit() {
                        return decision;
                    }
                }
                return deny(DenyReason::NoRolePermits { evaluated });
            }
        };
        let mut matching = roles
            .entries()
            .iter()
            .filter(|entry| entry.person_roleid() == Some(selected));
        let (Some(entry), None) = (matching.next(), matching.next()) else {
            let any = roles
                .entries()
                .iter()
                .any(|entry| entry.person_roleid() == Some(selected));
            return deny(if any {
                DenyReason::SelectedRoleAmbiguous { selected }
            } else {
                DenyReason::SelectedRoleNotFound {
                    selected: Some(selected),
                }
            });
        };
        match entry {
            RoleProfileEntry::Valid(profile) => self.decide_for(profile, policy),
            RoleProfileEntry::Invalid(invalid) => {
                deny(DenyReason::SelectedRoleInvalid { entry: invalid })
            }
        }
    }

    /// May this one role profile do what `policy` requires (RBAC.md §6 steps 2–5)? The caller
    /// has already resolved the selected role.
    ///
    /// Allocates nothing.
    #[must_use]
    pub fn decide_for<'a>(&self, profile: &'a RoleProfile, policy: &'a Policy) -> Decision<'a>
    where
        'c: 'a,
    {
        let baseline = self.baseline(profile);
        let deny = |reason| {
            Decision::Deny(Deny {
                reason,
                profile: Some(profile),
                baseline: Some(baseline),
                version: self.version(),
            })
        };
        if let Some(required) = policy.organisation
            && profile.org_code.get() != Some(required)
        {
            return deny(DenyReason::WrongOrganisation {
                required,
                actual: &profile.org_code,
            });
        }
        if let Some(required) = policy.workgroup
            && !profile
                .workgroups
                .iter()
                .any(|w| w.code.get() == Some(required))
        {
            return deny(DenyReason::NotInWorkgroup { required });
        }
        let role = baseline_role(baseline);
        let role_check = policy.roles.as_ref().map(|requirement| {
            let claimed = profile.role_code.get();
            let allowed = match (requirement, claimed) {
                (RoleRequirement::AnyOf(list), Some(code)) => list.contains(&code),
                (RoleRequirement::AnyJobRoleOf(list), Some(code)) => list.contains(&code.job_role),
                (_, None) => false,
            };
            claimed
                .filter(|_| allowed)
                .ok_or(DenyReason::RoleNotAllowed {
                    role: &profile.role_code,
                })
        });
        let activity_check = policy
            .activities
            .as_ref()
            .map(|requirement| match requirement {
                ActivityRequirement::AnyOf(list) => list
                    .iter()
                    .find_map(|&activity| self.grant_with(profile, role, activity))
                    .ok_or(match list.as_ref() {
                        [only] => DenyReason::ActivityNotGranted { activity: *only },
                        _ => DenyReason::NoActivityGranted,
                    }),
                ActivityRequirement::AllOf(list) => {
                    let mut first = None;
                    for &activity in list.iter() {
                        match self.grant_with(profile, role, activity) {
                            Some(grant) => {
                                first = first.or(Some(grant));
                            }
                            None => return Err(DenyReason::ActivityNotGranted { activity }),
                        }
                    }
                    first.ok_or(DenyReason::NoActivityGranted)
                }
            });
        let permit = |role: Option<JobRoleCode>, grant: Option<Grant<'a>>| {
            Decision::Permit(Permit {
                profile,
                baseline,
                role,
                grant,
                policy,
                authoriser: *self,
            })
        };
        match (role_check, activity_check) {
            (Some(Ok(code)), Some(Ok(grant))) => permit(Some(code), Some(grant)),
            (Some(Ok(code)), None) => permit(Some(code), None),
            (None, Some(Ok(grant))) => permit(None, Some(grant)),
            (Some(Ok(code)), Some(Err(_))) if policy.role_or_activity => permit(Some(code), None),
            (Some(Err(_)), Some(Ok(grant))) if policy.role_or_activity => permit(None, Some(grant)),
            (Some(Err(_)), Some(Err(_))) if policy.role_or_activity => {
                deny(DenyReason::NeitherRoleNorActivity)
            }
            (Some(Err(reason)), _) | (_, Some(Err(reason))) => deny(reason),
            (None, None) => deny(DenyReason::NoActivityGranted),
        }
    }

    /// Where the role profile's baseline comes from (RBAC.md §5 "Role lookup").
    #[must_use]
    pub fn baseline<'a>(&self, profile: &RoleProfile) -> Baseline<'a>
    where
        'c: 'a,
    {
        let Some(catalogue) = self.catalogue else {
            return Baseline::NotLoaded;
        };
        let Some(claimed) = profile.role_code.get() else {
            return Baseline::RoleCodeUnknown;
        };
        if let Some(role) = catalogue.job_role(claimed) {
            return Baseline::Applied { role };
        }
        let mut same_r = catalogue.job_roles_with_r(claimed.job_role);
        match (same_r.next(), same_r.next(), self.role_match) {
            (None, _, _) => Baseline::RoleNotInCatalogue { claimed },
            (Some(role), None, RoleMatch::JobRoleOnly) => Baseline::Applied { role },
            (Some(role), None, RoleMatch::FullCode) => Baseline::RoleCodeMismatch {
                claimed,
                catalogue: role,
            },
            (Some(role), Some(_), RoleMatch::FullCode) => Baseline::RoleCodeMismatch {
                claimed,
                catalogue: role,
            },
            (Some(_), Some(_), RoleMatch::JobRoleOnly) => Baseline::AmbiguousJobRole { claimed },
        }
    }

    /// How `activity` is effective for the role profile, if it is (RBAC.md §5): through the
    /// job role's activity group baseline, then its area of work baselines for the profile's
    /// areas of work, then the explicitly granted activities, each expanded through `Includes`.
    ///
    /// Allocates nothing.
    #[must_use]
    pub fn grant<'a>(&self, profile: &'a RoleProfile, activity: ActivityCode) -> Option<Grant<'a>>
    where
        'c: 'a,
    {
        self.grant_with(profile, baseline_role(self.baseline(profile)), activity)
    }

    fn grant_with<'a>(
        &self,
        profile: &'a RoleProfile,
        role: Option<&'a JobRole>,
        activity: ActivityCode,
    ) -> Option<Grant<'a>>
    where
        'c: 'a,
    {
        if let Some(role) = role {
            if let Some(reach) = find(&role.group_closure, activity) {
                let group = ActivityGroupCode::clamped(reach.column);
                let source = GrantSource::GroupBaseline {
                    role: role.code,
                    group,
                };
                return Some(Grant {
                    activity,
                    root: reach.root,
                    source,
                    list: &role.group_closure,
                });
            }
            for area in &profile.areas_of_work {
                let Some(area) = area.code.get() else {
                    continue;
                };
                let Some(list) = role.area_closure(area.tertiary) else {
                    continue;
                };
                if let Some(reach) = find(list, activity) {
                    let source = GrantSource::AreaOfWorkBaseline {
                        role: role.code,
                        area,
                    };
                    return Some(Grant {
                        activity,
                        root: reach.root,
                        source,
                        list,
                    });
                }
            }
        }
        for (index, explicit) in profile.activities.iter().enumerate() {
            let Some(code) = explicit.code.get() else {
                continue;
            };
            let root = code.code();
            let source = GrantSource::Explicit { index, code };
            match self.catalogue.and_then(|c| c.closure(root)) {
                Some(list) if find(list, activity).is_some() => {
                    return Some(Grant {
                        activity,
                        root,
                        source,
                        list,
                    });
                }
                Some(_) => {}
                None if root == activity => {
                    return Some(Grant {
                        activity,
                        root,
                        source,
                        list: &[],
                    });
                }
                None => {}
            }
        }
        None
    }

    /// Every activity effective for the role profile, with how (RBAC.md §5). Allocates.
    #[must_use]
    pub fn effective_activities<'a>(&self, profile: &'a RoleProfile) -> EffectiveActivities<'a>
    where
        'c: 'a,
    {
        let baseline = self.baseline(profile);
        let role = baseline_role(baseline);
        let mut candidates: Vec<ActivityCode> = Vec::new();
        if let Some(role) = role {
            candidates.extend(role.group_closure.iter().map(|reach| reach.activity));
            for area in &profile.areas_of_work {
                if let Some(list) = area
                    .code
                    .get()
                    .and_then(|area| role.area_closure(area.tertiary))
                {
                    candidates.extend(list.iter().map(|reach| reach.activity));
                }
            }
        }
        for explicit in &profile.activities {
            if let Some(code) = explicit.code.get().map(ActivityRef::code) {
                match self.catalogue.and_then(|c| c.closure(code)) {
                    Some(list) => candidates.extend(list.iter().map(|reach| reach.activity)),
                    None => candidates.push(code),
                }
            }
        }
        let grants: BTreeMap<ActivityCode, Grant<'a>> = candidates
            .into_iter()
            .filter_map(|activity| {
                self.grant_with(profile, role, activity)
                    .map(|grant| (activity, grant))
            })
            .collect();
        EffectiveActivities {
            baseline,
            grants: grants.into_values().collect(),
        }
    }

    fn version(&self) -> Option<&'c str> {
        self.catalogue.map(Catalogue::version)
    }
}

fn baseline_role(baseline: Baseline<'_>) -> Option<&JobRole> {
    match baseline {
        Baseline::Applied { role } => Some(role),
        _ => None,
    }
}

fn find(list: &[Reach], activity: ActivityCode) -> Option<&Reach> {
    list.binary_search_by_key(&activity, |reach| reach.activity)
        .ok()
        .and_then(|at| list.get(at))
}

impl<'a> Decision<'a> {
    /// True for [`Decision::Permit`].
    #[must_use]
    pub const fn is_permit(&self) -> bool {
        matches!(self, Self::Permit(_))
    }

    /// The role profile the decision is about (none when no single role was evaluated).
    #[must_use]
    pub const fn profile(&self) -> Option<&'a RoleProfile> {
        match self {
            Self::Permit(permit) => Some(permit.profile),
            Self::Deny(deny) => deny.profile,
        }
    }

    /// The catalogue version the decision used (RBAC.md §6 step 5); none without a catalogue.
    #[must_use]
    pub fn catalogue_version(&self) -> Option<&'a str> {
        match self {
            Self::Permit(permit) => permit.authoriser.version(),
            Self::Deny(deny) => deny.version,
        }
    }
}

impl<'a> Permit<'a> {
    /// The role profile that permitted.
    #[must_use]
    pub const fn profile(&self) -> &'a RoleProfile {
        self.profile
    }

    /// Where its baseline came from.
    #[must_use]
    pub const fn baseline(&self) -> Baseline<'a> {
        self.baseline
    }

    /// The job role that met the policy's role requirement, if that is what permitted.
    #[must_use]
    pub const fn matched_role(&self) -> Option<JobRoleCode> {
        self.role
    }

    /// The grant that met the activity requirement (the first activity of an all-of
    /// requirement; see [`grants`](Self::grants) for all of them).
    #[must_use]
    pub const fn grant(&self) -> Option<Grant<'a>> {
        self.grant
    }

    /// The grant of every activity of the requirement that is effective, in policy order.
    pub fn grants(&self) -> impl Iterator<Item = Grant<'a>> + '_ {
        let list: &[ActivityCode] = match &self.policy.activities {
            Some(ActivityRequirement::AnyOf(list) | ActivityRequirement::AllOf(list)) => list,
            None => &[],
        };
        let role = baseline_role(self.baseline);
        list.iter()
            .filter_map(move |&activity| self.authoriser.grant_with(self.profile, role, activity))
    }
}

impl<'a> Deny<'a> {
    /// Why.
    #[must_use]
    pub const fn reason(&self) -> DenyReason<'a> {
        self.reason
    }

    /// The role profile evaluated, if one was.
    #[must_use]
    pub const fn profile(&self) -> Option<&'a RoleProfile> {
        self.profile
    }

    /// Its baseline, if a role profile was evaluated.
    #[must_use]
    pub const fn baseline(&self) -> Option<Baseline<'a>> {
        self.baseline
    }
}

impl<'a> Grant<'a> {
    /// The effective activity.
    #[must_use]
    pub const fn activity(&self) -> ActivityCode {
        self.activity
    }

    /// The activity listed by the granting entry (a baseline column or `activity_codes`); equal
    /// to [`activity`](Self::activity) unless the grant goes through `Includes`.
    #[must_use]
    pub const fn root(&self) -> ActivityCode {
        self.root
    }

    /// Which entry granted it.
    #[must_use]
    pub const fn source(&self) -> GrantSource {
        self.source
    }

    /// The `Includes` chain, from the activity back to [`root`](Self::root).
    #[must_use]
    pub fn chain(&self) -> IncludesChain<'a> {
        IncludesChain {
            list: self.list,
            next: Some(self.activity),
            budget: self.list.len() + 1,
        }
    }
}

impl Iterator for IncludesChain<'_> {
    type Item = ActivityCode;
    fn next(&mut self) -> Option<ActivityCode> {
        let current = self.next.take()?;
        self.budget = self.budget.checked_sub(1)?;
        self.next = find(self.list, current)
            .map(|reach| reach.parent)
            .filter(|&parent| parent != current);
        Some(current)
    }
}

impl fmt::Debug for Grant<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("activity", &self.activity)
            .field("root", &self.root)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Grant<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.activity == other.activity && self.root == other.root && self.source == other.source
    }
}

impl Eq for Grant<'_> {}

impl fmt::Display for Grant<'_> {
    /// `B0263 (included by B0008, included by B0274) from the D0006 baseline of job role
    /// S0080:G0450:R5080`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.activity)?;
        let mut chain = self.chain().skip(1).peekable();
        if chain.peek().is_some() {
            f.write_str(" (")?;
            let mut first = true;
            for code in chain {
                write!(f, "{}included by {code}", if first { "" } else { ", " })?;
                first = false;
            }
            f.write_str(")")?;
        }
        write!(f, " from {}", self.source)
    }
}

impl fmt::Display for GrantSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::GroupBaseline { role, group } => {
                write!(f, "the {group} baseline of job role {role}")
            }
            Self::AreaOfWorkBaseline { role, area } => {
                write!(f, "the baseline of job role {role} for area of work {area}")
            }
            Self::Explicit { index, code } => {
                write!(f, "an explicit grant (activity_codes[{index}] = {code})")
            }
        }
    }
}

impl fmt::Display for Baseline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Applied { role } => write!(f, "baseline of job role {} {}", role.code, role.name),
            Self::NotLoaded => f.write_str("no catalogue loaded: explicit grants only"),
            Self::RoleCodeUnknown => {
                f.write_str("role_code is not an S####:G####:R#### code: no baseline")
            }
            Self::RoleNotInCatalogue { claimed } => {
                write!(f, "job role {claimed} is not in the catalogue: no baseline")
            }
            Self::RoleCodeMismatch { claimed, catalogue } => write!(
                f,
                "job role {claimed} is not in the catalogue, which has {} for {}: no baseline",
                catalogue.code, claimed.job_role
            ),
            Self::AmbiguousJobRole { claimed } => {
                write!(
                    f,
                    "several catalogue job roles have {}: no baseline",
                    claimed.job_role
                )
            }
        }
    }
}

impl fmt::Display for DenyReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoRoles => f.write_str("the person has no roles"),
            Self::NoSelectedRole => {
                f.write_str("no role was selected at login (no selected_roleid)")
            }
            Self::SelectedRoleNotFound { selected: Some(id) } => {
                write!(f, "the selected role {id} is not one of the person's roles")
            }
            Self::SelectedRoleNotFound { selected: None } => {
                f.write_str("the selected_roleid is malformed")
            }
            Self::SelectedRoleAmbiguous { selected } => {
                write!(
                    f,
                    "the selected role {selected} appears more than once in the claim"
                )
            }
            Self::SelectedRoleInvalid { entry } => {
                write!(
                    f,
                    "the selected role's claim element is invalid: {}",
                    entry.problem
                )
            }
            Self::WrongOrganisation { required, actual } => {
                write!(f, "the role is at organisation {actual}, not {required}")
            }
            Self::NotInWorkgroup { required } => {
                write!(f, "the role is not in workgroup {required}")
            }
            Self::ActivityNotGranted { activity } => write!(
                f,
                "activity {activity} is neither in the job role's baseline nor granted explicitly"
            ),
            Self::NoActivityGranted => f.write_str("none of the required activities is granted"),
            Self::RoleNotAllowed { role } => {
                write!(f, "job role {role} is not one the policy allows")
            }
            Self::NeitherRoleNorActivity => {
                f.write_str("neither the job role nor any granted activity meets the policy")
            }
            Self::NoRolePermits { evaluated } => {
                write!(
                    f,
                    "none of the person's {evaluated} valid roles meets the policy"
                )
            }
        }
    }
}

impl fmt::Display for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Permit(permit) => {
                f.write_str("PERMIT")?;
                if let Some(role) = permit.role {
                    write!(f, ": job role {role} is allowed")?;
                }
                if let Some(grant) = permit.grant {
                    write!(f, ": {grant}")?;
                }
                Ok(())
            }
            Self::Deny(deny) => write!(f, "DENY: {}", deny.reason),
        }
    }
}

impl fmt::Display for ElementProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject { found } => write!(f, "it is a JSON {found}, not an object"),
            Self::MissingField { field } => write!(f, "it has no {field}"),
            Self::WrongType { field, expected } => write!(f, "{field} is not a JSON {expected}"),
            Self::DuplicateField { field } => write!(f, "it has {field} twice"),
        }
    }
}
