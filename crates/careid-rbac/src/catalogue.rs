//! The National RBAC Database model: activities, job roles with their baselines, and the
//! `Includes` relation expanded once at load time (RBAC.md §1, §5, §9).

use crate::code::{
    ActivityCode, ActivityGroupCode, ActivitySubGroupCode, AowTertiaryCode, JobRoleCode,
    JobRoleRCode,
};
use crate::error::{Error, Input, Referrer};
use std::collections::BTreeMap;

/// The largest catalogue input careid loads, per file (RBAC.md §9: 16 MiB).
pub const MAX_CATALOGUE_BYTES: usize = 16 << 20;
/// The most rows (activities or job roles) per file (RBAC.md §9: 100 000).
pub const MAX_CATALOGUE_ROWS: usize = 100_000;
/// The work budget for expanding `Includes` at load time, in visited activities plus examined
/// `Includes` entries over all expansions. The public extract needs about 9 000; the budget
/// bounds the time and memory a hostile catalogue can make careid spend (each step stores at
/// most 8 bytes).
pub const MAX_EXPANSION_WORK: usize = 4_000_000;

/// A loaded National RBAC Database catalogue: immutable, with every `Includes` closure computed
/// at load time so that decisions are lookups (RBAC.md §5, §9).
///
/// Build one with [`Catalogue::from_extract`] (the column layout of the public NRD extract) or
/// [`Catalogue::from_canonical_json`] (careid's own form, written by
/// [`Catalogue::to_canonical_json`]); share it behind an `Arc` and swap it whole on reload.
/// careid ships no NRD data: callers load the release they are entitled to use.
///
/// Two catalogues are equal when their content is (version, activities, job roles and column
/// names); how they were loaded ([`diagnostics`](Self::diagnostics)) does not count.
#[derive(Clone)]
pub struct Catalogue {
    version: String,
    activities: Vec<Activity>,
    /// The `Includes` closure of each activity, parallel to `activities`.
    closures: Vec<Box<[Reach]>>,
    /// Activity code number → position in `activities`, or `NO_ACTIVITY`.
    index: Box<[u16]>,
    job_roles: Vec<JobRole>,
    /// `(R code, position in job_roles)`, sorted.
    by_r_code: Vec<(JobRoleRCode, usize)>,
    group_names: BTreeMap<ActivityGroupCode, String>,
    area_names: BTreeMap<AowTertiaryCode, String>,
    diagnostics: Vec<LoadDiagnostic>,
}

/// One activity (NRD `Activity Code` row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub(crate) code: ActivityCode,
    pub(crate) name: String,
    pub(crate) group: ActivityGroupCode,
    pub(crate) group_name: String,
    pub(crate) sub_group: ActivitySubGroupCode,
    pub(crate) sub_group_name: String,
    pub(crate) description: String,
    pub(crate) includes: Vec<ActivityCode>,
    pub(crate) restricted: bool,
    pub(crate) status: Status,
}

/// One job role (NRD `Job Role Code` row) with its baseline policy: "the minimum set of things
/// someone with a specific job role should be able to do" (RBAC.md §1), per activity group and
/// per area of work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRole {
    pub(crate) code: JobRoleCode,
    pub(crate) name: String,
    pub(crate) staff_group_name: String,
    pub(crate) staff_sub_group_name: String,
    pub(crate) description: String,
    pub(crate) role_type: RoleType,
    pub(crate) status: Status,
    pub(crate) restricted: bool,
    pub(crate) group_baseline: Vec<(ActivityGroupCode, Vec<ActivityCode>)>,
    pub(crate) area_baseline: Vec<(AowTertiaryCode, Vec<ActivityCode>)>,
    /// The `Includes` closure of the group baseline, sorted by activity.
    pub(crate) group_closure: Box<[Reach]>,
    /// The `Includes` closure of each area of work baseline, sorted by area.
    pub(crate) area_closures: Vec<(AowTertiaryCode, Box<[Reach]>)>,
}

/// The NRD `Type` of a job role (RBAC.md §7: `NCRS` 192 roles, `NWD` 215 roles in the public
/// extract).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoleType {
    /// `NCRS`.
    Ncrs,
    /// `NWD`.
    Nwd,
    /// Any other value, kept.
    Other(String),
}

/// A `Rationalisation Status` (RBAC.md §5, §7): the text as published, what kind of status it
/// is, and the replacement it suggests. careid reports it and never remaps a role silently.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Status {
    text: String,
    kind: StatusKind,
    replacement: Option<Replacement>,
}

/// The kinds of `Rationalisation Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusKind {
    /// `Rationalised` (also `Rationalised.`).
    Rationalised,
    /// `Rationalised (New)`.
    RationalisedNew,
    /// `Under Review`.
    UnderReview,
    /// `Withdrawn`, `Withdrawn - Obsolete`, `Withdrawn - when not supported use: …`.
    Withdrawn,
    /// `Retired`, `Retired - Obsolete`, `Retired - Use …`.
    Retired,
    /// Anything else (including empty).
    Other,
}

/// What a withdrawn or retired entry suggests instead, as its status text names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Replacement {
    /// A job role (`… use: R8000 Clinical Practitioner Access Role`).
    JobRole(JobRoleRCode),
    /// An activity (`… use: B0062 Local System Administration`).
    Activity(ActivityCode),
}

/// How a loader treats a problem that a lenient caller may accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnProblem {
    /// Fail the load with an [`Error`].
    Reject,
    /// Load, and record a [`LoadDiagnostic`].
    Record,
}

/// Loader settings (RBAC.md §9). [`LoadOptions::strict`] is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LoadOptions {
    /// A baseline or `Includes` entry naming an activity the catalogue does not define. The
    /// public extract lists *active* activities only, and its baselines and `Includes` name 163 others, so it
    /// loads only with `Record`. Recorded activities still count in baselines and `Includes`;
    /// they have no name and include nothing.
    pub undefined_activities: OnProblem,
    /// A cycle in `Includes`. Expansion terminates either way (a visited set).
    pub includes_cycles: OnProblem,
    /// A non-empty value in a column careid does not know (extract format only).
    pub unexpected_columns: OnProblem,
}

impl LoadOptions {
    /// Every problem fails the load.
    #[must_use]
    pub const fn strict() -> Self {
        Self {
            undefined_activities: OnProblem::Reject,
            includes_cycles: OnProblem::Reject,
            unexpected_columns: OnProblem::Reject,
        }
    }

    /// Every problem is recorded in [`Catalogue::diagnostics`]; malformed codes, duplicates and
    /// size limits still fail.
    #[must_use]
    pub const fn lenient() -> Self {
        Self {
            undefined_activities: OnProblem::Record,
            includes_cycles: OnProblem::Record,
            unexpected_columns: OnProblem::Record,
        }
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self::strict()
    }
}

/// A problem a lenient load accepted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoadDiagnostic {
    /// A baseline or `Includes` entry names an activity the catalogue does not define.
    UndefinedActivity {
        /// The activity.
        code: ActivityCode,
        /// Where it is named.
        referrer: Referrer,
    },
    /// The `Includes` relation has a cycle through this activity.
    IncludesCycle {
        /// An activity on the cycle.
        activity: ActivityCode,
    },
    /// A column careid does not know had a value, which was ignored.
    IgnoredColumn {
        /// Which input.
        input: Input,
        /// 0-based row.
        row: usize,
        /// The column, as written.
        column: String,
    },
}

/// One activity reached by expanding `Includes` from a set of roots: `parent` lists `activity`
/// in its `Includes` (or equals it, for a root); `column` is the activity group or area of work
/// number of the baseline column that listed the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Reach {
    pub(crate) activity: ActivityCode,
    pub(crate) parent: ActivityCode,
    pub(crate) root: ActivityCode,
    pub(crate) column: u16,
}

const NO_ACTIVITY: u16 = u16::MAX;
const CODE_SPACE: usize = 10_000;

impl PartialEq for Catalogue {
    fn eq(&self, other: &Self) -> bool {
        // The closures and indexes are derived from the rest.
        self.version == other.version
            && self.activities == other.activities
            && self.job_roles == other.job_roles
            && self.group_names == other.group_names
            && self.area_names == other.area_names
    }
}

impl Eq for Catalogue {}

impl core::fmt::Debug for Catalogue {
    /// A summary: the tables are too large to print usefully.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Catalogue")
            .field("version", &self.version)
            .field("activities", &self.activities.len())
            .field("job_roles", &self.job_roles.len())
            .field("diagnostics", &self.diagnostics.len())
            .finish_non_exhaustive()
    }
}

impl Catalogue {
    /// The version label given at load time (the NRD release, or a description of the
    /// extract). Every decision reports it.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every activity, sorted by code.
    #[must_use]
    pub fn activities(&self) -> &[Activity] {
        &self.activities
    }

    /// Every job role, sorted by code.
    #[must_use]
    pub fn job_roles(&self) -> &[JobRole] {
        &self.job_roles
    }

    /// The activity with this code.
    #[must_use]
    pub fn activity(&self, code: ActivityCode) -> Option<&Activity> {
        self.position(code).and_then(|at| self.activities.get(at))
    }

    /// The job role with exactly this `S:G:R` code.
    #[must_use]
    pub fn job_role(&self, code: JobRoleCode) -> Option<&JobRole> {
        let at = self
            .job_roles
            .binary_search_by_key(&code, |role| role.code)
            .ok()?;
        self.job_roles.get(at)
    }

    /// The job roles whose `R####` part is this one (the public extract has one per R code).
    pub fn job_roles_with_r(&self, r: JobRoleRCode) -> impl Iterator<Item = &JobRole> {
        let start = self.by_r_code.partition_point(|(code, _)| *code < r);
        self.by_r_code
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |(code, _)| *code == r)
            .filter_map(|(_, at)| self.job_roles.get(*at))
    }

    /// The name of an activity group, from the catalogue's baseline column headers.
    #[must_use]
    pub fn group_name(&self, group: ActivityGroupCode) -> Option<&str> {
        self.group_names.get(&group).map(String::as_str)
    }

    /// The name of an area of work, from the catalogue's baseline column headers.
    #[must_use]
    pub fn area_name(&self, area: AowTertiaryCode) -> Option<&str> {
        self.area_names.get(&area).map(String::as_str)
    }

    /// The activity group and area of work names (from the baseline column headers).
    pub fn column_names(
        &self,
    ) -> (
        impl Iterator<Item = (ActivityGroupCode, &str)>,
        impl Iterator<Item = (AowTertiaryCode, &str)>,
    ) {
        (
            self.group_names
                .iter()
                .map(|(code, name)| (*code, name.as_str())),
            self.area_names
                .iter()
                .map(|(code, name)| (*code, name.as_str())),
        )
    }

    /// What a lenient load accepted.
    #[must_use]
    pub fn diagnostics(&self) -> &[LoadDiagnostic] {
        &self.diagnostics
    }

    /// The activities `code` includes, transitively, itself included, sorted by code. Empty when
    /// the catalogue does not define `code`.
    pub fn includes_closure(&self, code: ActivityCode) -> impl Iterator<Item = ActivityCode> + '_ {
        self.closure(code)
            .unwrap_or_default()
            .iter()
            .map(|reach| reach.activity)
    }

    pub(crate) fn closure(&self, code: ActivityCode) -> Option<&[Reach]> {
        self.position(code)
            .and_then(|at| self.closures.get(at))
            .map(|list| &**list)
    }

    fn position(&self, code: ActivityCode) -> Option<usize> {
        match self.index.get(usize::from(code.number())) {
            Some(&at) if at != NO_ACTIVITY => Some(usize::from(at)),
            _ => None,
        }
    }

    /// Validates and indexes loaded rows and expands `Includes` (RBAC.md §5, §9).
    pub(crate) fn build(
        version: String,
        mut activities: Vec<Activity>,
        mut job_roles: Vec<JobRole>,
        group_names: BTreeMap<ActivityGroupCode, String>,
        area_names: BTreeMap<AowTertiaryCode, String>,
        options: LoadOptions,
        mut diagnostics: Vec<LoadDiagnostic>,
    ) -> Result<Self, Error> {
        activities.sort_by_key(|activity| activity.code);
        if let Some(pair) = activities
            .windows(2)
            .find(|pair| pair.first().map(|a| a.code) == pair.get(1).map(|a| a.code))
            && let Some(first) = pair.first()
        {
            return Err(Error::DuplicateActivity { code: first.code });
        }
        let mut index = vec![NO_ACTIVITY; CODE_SPACE].into_boxed_slice();
        for (at, activity) in activities.iter().enumerate() {
            if let (Some(slot), Ok(at)) = (
                index.get_mut(usize::from(activity.code.number())),
                u16::try_from(at),
            ) {
                *slot = at;
            }
        }
        let defined = |code: ActivityCode| {
            index
                .get(usize::from(code.number()))
                .is_some_and(|&at| at != NO_ACTIVITY)
        };

        for activity in &mut activities {
            dedup_in_order(&mut activity.includes);
        }
        for activity in &activities {
            for &code in &activity.includes {
                if !defined(code) {
                    let referrer = Referrer::Includes {
                        activity: activity.code,
                    };
                    undefined(options, &mut diagnostics, code, referrer)?;
                }
            }
        }
        for activity in find_cycles(&activities, &index) {
            match options.includes_cycles {
                OnProblem::Reject => return Err(Error::IncludesCycle { activity }),
                OnProblem::Record => diagnostics.push(LoadDiagnostic::IncludesCycle { activity }),
            }
        }

        let mut expander = Expander::new(&activities, &index);
        let mut closures = Vec::with_capacity(activities.len());
        for activity in &activities {
            closures.push(expander.expand([(activity.code, 0)].into_iter())?);
        }

        job_roles.sort_by_key(|role| role.code);
        if let Some(pair) = job_roles
            .windows(2)
            .find(|pair| pair.first().map(|r| r.code) == pair.get(1).map(|r| r.code))
            && let Some(first) = pair.first()
        {
            return Err(Error::DuplicateJobRole { code: first.code });
        }
        for role in &mut job_roles {
            merge_columns(&mut role.group_baseline);
            merge_columns(&mut role.area_baseline);
            for (group, codes) in &role.group_baseline {
                for &code in codes {
                    if !defined(code) {
                        let referrer = Referrer::GroupBaseline {
                            role: role.code,
                            group: *group,
                        };
                        undefined(options, &mut diagnostics, code, referrer)?;
                    }
                }
            }
            for (area, codes) in &role.area_baseline {
                for &code in codes {
                    if !defined(code) {
                        let referrer = Referrer::AreaOfWorkBaseline {
                            role: role.code,
                            area: *area,
                        };
                        undefined(options, &mut diagnostics, code, referrer)?;
                    }
                }
            }
            role.group_closure = expander.expand(
                role.group_baseline
                    .iter()
                    .flat_map(|(group, codes)| codes.iter().map(|code| (*code, group.number()))),
            )?;
            role.area_closures = role
                .area_baseline
                .iter()
                .map(|(area, codes)| {
                    expander
                        .expand(codes.iter().map(|code| (*code, area.number())))
                        .map(|list| (*area, list))
                })
                .collect::<Result<_, _>>()?;
        }
        let mut by_r_code: Vec<(JobRoleRCode, usize)> = job_roles
            .iter()
            .enumerate()
            .map(|(at, role)| (role.code.job_role, at))
            .collect();
        by_r_code.sort_unstable();
        Ok(Self {
            version,
            activities,
            closures,
            index,
            job_roles,
            by_r_code,
            group_names,
            area_names,
            diagnostics,
        })
    }
}

impl Activity {
    /// `B####`.
    #[must_use]
    pub const fn code(&self) -> ActivityCode {
        self.code
    }
    /// The activity name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The activity group, `D####`.
    #[must_use]
    pub const fn group(&self) -> ActivityGroupCode {
        self.group
    }
    /// The activity group name.
    #[must_use]
    pub fn group_name(&self) -> &str {
        &self.group_name
    }
    /// The activity sub-group, `C####`.
    #[must_use]
    pub const fn sub_group(&self) -> ActivitySubGroupCode {
        self.sub_group
    }
    /// The activity sub-group name.
    #[must_use]
    pub fn sub_group_name(&self) -> &str {
        &self.sub_group_name
    }
    /// The published description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The activities this one includes directly (`Includes`).
    #[must_use]
    pub fn includes(&self) -> &[ActivityCode] {
        &self.includes
    }
    /// `Restricted`: "can only be granted by a root RA manager".
    #[must_use]
    pub const fn restricted(&self) -> bool {
        self.restricted
    }
    /// The rationalisation status.
    #[must_use]
    pub const fn status(&self) -> &Status {
        &self.status
    }
}

impl JobRole {
    /// `S####:G####:R####`.
    #[must_use]
    pub const fn code(&self) -> JobRoleCode {
        self.code
    }
    /// The job role name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The staff group name.
    #[must_use]
    pub fn staff_group_name(&self) -> &str {
        &self.staff_group_name
    }
    /// The staff sub-group name.
    #[must_use]
    pub fn staff_sub_group_name(&self) -> &str {
        &self.staff_sub_group_name
    }
    /// The published description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }
    /// `Type` (NCRS or NWD).
    #[must_use]
    pub const fn role_type(&self) -> &RoleType {
        &self.role_type
    }
    /// The rationalisation status.
    #[must_use]
    pub const fn status(&self) -> &Status {
        &self.status
    }
    /// `Restricted`: "can only be granted by a root RA manager".
    #[must_use]
    pub const fn restricted(&self) -> bool {
        self.restricted
    }
    /// The baseline per activity group column, sorted by group.
    pub fn group_baseline(&self) -> impl Iterator<Item = (ActivityGroupCode, &[ActivityCode])> {
        self.group_baseline
            .iter()
            .map(|(group, codes)| (*group, codes.as_slice()))
    }
    /// The baseline per area of work column, sorted by area.
    pub fn area_baseline(&self) -> impl Iterator<Item = (AowTertiaryCode, &[ActivityCode])> {
        self.area_baseline
            .iter()
            .map(|(area, codes)| (*area, codes.as_slice()))
    }
    pub(crate) fn area_closure(&self, area: AowTertiaryCode) -> Option<&[Reach]> {
        let at = self
            .area_closures
            .binary_search_by_key(&area, |(code, _)| *code)
            .ok()?;
        self.area_closures.get(at).map(|(_, list)| &**list)
    }
}

impl RoleType {
    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "NCRS" => Self::Ncrs,
            "NWD" => Self::Nwd,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The text as published.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Ncrs => "NCRS",
            Self::Nwd => "NWD",
            Self::Other(text) => text,
        }
    }
}

impl Status {
    /// Interprets a `Rationalisation Status` (surrounding white space removed; a trailing `.` and
    /// any letter case tolerated).
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        let lower = text.trim_end_matches('.').to_ascii_lowercase();
        let kind = if lower == "rationalised (new)" {
            StatusKind::RationalisedNew
        } else if lower == "rationalised" {
            StatusKind::Rationalised
        } else if lower == "under review" {
            StatusKind::UnderReview
        } else if lower.starts_with("withdrawn") {
            StatusKind::Withdrawn
        } else if lower.starts_with("retired") {
            StatusKind::Retired
        } else {
            StatusKind::Other
        };
        let replacement = match kind {
            StatusKind::Withdrawn | StatusKind::Retired => {
                text.split_ascii_whitespace().find_map(|word| {
                    let word = word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
                    JobRoleRCode::parse(word)
                        .map(Replacement::JobRole)
                        .or_else(|_| ActivityCode::parse(word).map(Replacement::Activity))
                        .ok()
                })
            }
            _ => None,
        };
        Self {
            text: text.to_owned(),
            kind,
            replacement,
        }
    }

    /// The status text as published (trimmed).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What kind of status it is.
    #[must_use]
    pub const fn kind(&self) -> StatusKind {
        self.kind
    }

    /// The replacement the text suggests, if any. careid never applies it.
    #[must_use]
    pub const fn replacement(&self) -> Option<Replacement> {
        self.replacement
    }

    /// Withdrawn or retired.
    #[must_use]
    pub const fn is_withdrawn_or_retired(&self) -> bool {
        matches!(self.kind, StatusKind::Withdrawn | StatusKind::Retired)
    }
}

fn undefined(
    options: LoadOptions,
    diagnostics: &mut Vec<LoadDiagnostic>,
    code: ActivityCode,
    referrer: Referrer,
) -> Result<(), Error> {
    match options.undefined_activities {
        OnProblem::Reject => Err(Error::UndefinedActivity { code, referrer }),
        OnProblem::Record => {
            diagnostics.push(LoadDiagnostic::UndefinedActivity { code, referrer });
            Ok(())
        }
    }
}

/// Removes repeated codes, keeping the first occurrence.
pub(crate) fn dedup_in_order(codes: &mut Vec<ActivityCode>) {
    let mut seen = [0u64; CODE_SPACE.div_ceil(64)];
    codes.retain(|code| {
        let n = usize::from(code.number());
        match seen.get_mut(n / 64) {
            Some(word) => {
                let bit = 1u64 << (n % 64);
                let new = *word & bit == 0;
                *word |= bit;
                new
            }
            None => true,
        }
    });
}

/// Sorts baseline columns by code, merging columns with the same code.
fn merge_columns<K: Ord + Copy>(columns: &mut Vec<(K, Vec<ActivityCode>)>) {
    columns.sort_by_key(|(key, _)| *key);
    let mut merged: Vec<(K, Vec<ActivityCode>)> = Vec::with_capacity(columns.len());
    for (key, codes) in columns.drain(..) {
        match merged.last_mut() {
            Some((last, existing)) if *last == key => existing.extend(codes),
            _ => merged.push((key, codes)),
        }
    }
    for (_, codes) in &mut merged {
        dedup_in_order(codes);
    }
    merged.retain(|(_, codes)| !codes.is_empty());
    *columns = merged;
}

/// Activities on a cycle of `Includes`: the target of every back edge of an iterative
/// depth-first search in code order. Linear in the size of the relation.
fn find_cycles(activities: &[Activity], index: &[u16]) -> Vec<ActivityCode> {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; activities.len()];
    let mut on_cycle = Vec::new();
    let position = |code: ActivityCode| match index.get(usize::from(code.number())) {
        Some(&at) if at != NO_ACTIVITY => Some(usize::from(at)),
        _ => None,
    };
    for start in 0..activities.len() {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some(&(node, next)) = stack.last() {
            let child = activities
                .get(node)
                .and_then(|a| a.includes.get(next))
                .copied();
            match child {
                Some(code) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    let Some(at) = position(code) else { continue };
                    match state.get(at) {
                        Some(0) => {
                            if let Some(s) = state.get_mut(at) {
                                *s = 1;
                            }
                            stack.push((at, 0));
                        }
                        Some(1) => on_cycle.push(code),
                        _ => {}
                    }
                }
                None => {
                    if let Some(s) = state.get_mut(node) {
                        *s = 2;
                    }
                    stack.pop();
                }
            }
        }
    }
    on_cycle.sort_unstable();
    on_cycle.dedup();
    on_cycle
}

/// Breadth-first expansion of `Includes` with a visited set (RBAC.md §5), under a work budget.
struct Expander<'c> {
    activities: &'c [Activity],
    index: &'c [u16],
    seen: Vec<u32>,
    epoch: u32,
    work: usize,
}

impl<'c> Expander<'c> {
    fn new(activities: &'c [Activity], index: &'c [u16]) -> Self {
        Self {
            activities,
            index,
            seen: vec![0; CODE_SPACE],
            epoch: 0,
            work: 0,
        }
    }

    /// Marks `code` visited in this expansion; false if it already was.
    fn visit(&mut self, code: ActivityCode) -> bool {
        match self.seen.get_mut(usize::from(code.number())) {
            Some(mark) if *mark != self.epoch => {
                *mark = self.epoch;
                true
            }
            _ => false,
        }
    }

    fn step(&mut self) -> Result<(), Error> {
        self.work += 1;
        if self.work > MAX_EXPANSION_WORK {
            return Err(Error::ExpansionTooLarge {
                limit: MAX_EXPANSION_WORK,
            });
        }
        Ok(())
    }

    /// The closure of `roots` (each with the column that listed it), sorted by activity.
    fn expand(
        &mut self,
        roots: impl Iterator<Item = (ActivityCode, u16)>,
    ) -> Result<Box<[Reach]>, Error> {
        self.epoch = match self.epoch.checked_add(1) {
            Some(epoch) => epoch,
            None => {
                self.seen.fill(0);
                1
            }
        };
        let mut out: Vec<Reach> = Vec::new();
        for (code, column) in roots {
            self.step()?;
            if self.visit(code) {
                out.push(Reach {
                    activity: code,
                    parent: code,
                    root: code,
                    column,
                });
            }
        }
        let mut head = 0;
        while let Some(&current) = out.get(head) {
            head += 1;
            let includes = match self.index.get(usize::from(current.activity.number())) {
                Some(&at) if at != NO_ACTIVITY => self
                    .activities
                    .get(usize::from(at))
                    .map(|a| a.includes.as_slice())
                    .unwrap_or_default(),
                _ => &[],
            };
            for &code in includes {
                self.step()?;
                if self.visit(code) {
                    out.push(Reach {
                        activity: code,
                        parent: current.activity,
                        ..current
                    });
                }
            }
        }
        out.sort_unstable_by_key(|reach| reach.activity);
        Ok(out.into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_of_the_public_extract() {
        let cases = [
            ("Rationalised", StatusKind::Rationalised, None),
            ("Rationalised.", StatusKind::Rationalised, None),
            ("Rationalised\n", StatusKind::Rationalised, None),
            ("Rationalised (New)", StatusKind::RationalisedNew, None),
            ("Under Review", StatusKind::UnderReview, None),
            ("Withdrawn", StatusKind::Withdrawn, None),
            ("Withdrawn - Obsolete", StatusKind::Withdrawn, None),
            (
                "Withdrawn - when not supported use: R8000 Clinical Practitioner Access Role",
                StatusKind::Withdrawn,
                Some(Replacement::JobRole("R8000".parse().unwrap())),
            ),
            (
                "Withdrawn - when not supported use: B1067 Supplier System Administration",
                StatusKind::Withdrawn,
                Some(Replacement::Activity("B1067".parse().unwrap())),
            ),
            (
                "Retired - Use R8001 Nurse Access Role",
                StatusKind::Retired,
                Some(Replacement::JobRole("R8001".parse().unwrap())),
            ),
            (
                "Retired - R8010 Clerical Access Role",
                StatusKind::Retired,
                Some(Replacement::JobRole("R8010".parse().unwrap())),
            ),
            ("Retired - Obsolete", StatusKind::Retired, None),
            ("", StatusKind::Other, None),
        ];
        for (text, kind, replacement) in cases {
            let status = Status::parse(text);
            assert_eq!(
                (status.kind(), status.replacement()),
                (kind, replacement),
                "{text:?}"
            );
            assert_eq!(status.text(), text.trim());
        }
        assert!(Status::parse("Retired").is_withdrawn_or_retired());
        assert!(!Status::parse("Under Review").is_withdrawn_or_retired());
    }

    #[test]
    fn shared_types_are_send_and_sync() {
        // RBAC.md §9: the catalogue is shared behind an Arc across request threads.
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Catalogue>();
        send_sync::<crate::NrbacRoles>();
        send_sync::<crate::Policy>();
        send_sync::<crate::Decision<'static>>();
    }

    #[test]
    fn dedup_keeps_first_occurrences_in_order() {
        let mut codes: Vec<ActivityCode> = ["B0003", "B0001", "B0003", "B9999", "B0001"]
            .iter()
            .map(|c| c.parse().unwrap())
            .collect();
        dedup_in_order(&mut codes);
        let text: Vec<String> = codes.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["B0003", "B0001", "B9999"]);
    }
}
