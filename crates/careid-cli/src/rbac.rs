//! `careid rbac ...`: decode National RBAC codes, explain authorisation decisions, and import
//! the public NRD extract; plus the RBAC step of `careid demo`.
//!
//! Without `--catalogue`, the commands use the public NRD extract that careid's tests use,
//! embedded in this (unpublished) binary: undated, not an NRD release, and labelled so in every
//! output. The careid-rbac library itself ships no NRD data (RBAC.md §9).

use crate::CliError;
use careid_rbac::{
    ActivityCode, ActivityGroupCode, ActivitySubGroupCode, AowPrimaryCode, AowSecondaryCode,
    AowTertiaryCode, AreaOfWorkCode, Authoriser, Baseline, Catalogue, ClaimDiagnostic, Decision,
    Decoded, Grant, GrantSource, JobRoleCode, JobRoleRCode, LoadDiagnostic, LoadOptions,
    NameTriple, NrbacRoles, OdsCode, Policy, QualifiedActivityCode, RoleProfile, RoleProfileEntry,
    RoleSelection, StaffGroupCode, StaffSubGroupCode, UserRoleProfileId,
};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `careid rbac` subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum RbacCommand {
    /// Say what RBAC codes are: job roles (S####:G####:R####), activities (B####,
    /// D####:C####:B####), areas of work (P####:Q####:T####), single parts, ids, ODS codes and
    /// "…":"…":"…" names; and what the catalogue knows about them.
    Decode(DecodeArgs),
    /// Explain whether a person's roles may perform an activity, and why.
    Explain(ExplainArgs),
    /// Convert the public NRD extract into careid's canonical catalogue JSON (on standard
    /// output).
    Import(ImportArgs),
}

/// Which catalogue to use.
#[derive(Debug, Args)]
pub struct CatalogueArg {
    /// A catalogue in careid's canonical JSON (made by `careid rbac import`). Default: the
    /// public NRD extract built into this binary (undated; not an NRD release).
    #[arg(long, value_name = "FILE")]
    pub catalogue: Option<PathBuf>,
}

/// Arguments of `careid rbac decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The codes.
    #[arg(required = true, value_name = "CODE")]
    pub codes: Vec<String>,
    /// The catalogue.
    #[command(flatten)]
    pub catalogue: CatalogueArg,
}

/// Arguments of `careid rbac explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The person's roles: a CIS2 UserInfo response (JSON object with `nhsid_nrbac_roles`), or
    /// the `nhsid_nrbac_roles` array alone.
    #[arg(value_name = "ROLES.json")]
    pub roles: PathBuf,
    /// The activity asked for (B#### or D####:C####:B####). Repeat for several: by default any
    /// one of them is enough.
    #[arg(long, required = true, value_name = "CODE")]
    pub activity: Vec<String>,
    /// Require every `--activity`, not just one.
    #[arg(long)]
    pub all: bool,
    /// The organisation (ODS code) the request is made at.
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// The role the user selected at login (the ID token's `selected_roleid`). Without it,
    /// every role is explained, and the command succeeds if any of them would permit.
    #[arg(long, value_name = "ID")]
    pub selected: Option<String>,
    /// The catalogue.
    #[command(flatten)]
    pub catalogue: CatalogueArg,
}

/// Arguments of `careid rbac import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The extract's activities file (`rbac-active-activities.json`).
    #[arg(long, value_name = "FILE")]
    pub activities: PathBuf,
    /// The extract's job roles file (`rbac-job-roles-baseline1.json`).
    #[arg(long, value_name = "FILE")]
    pub job_roles: PathBuf,
    /// The version label to record (the NRD release, or where the extract came from).
    #[arg(long, value_name = "LABEL")]
    pub nrd_version: String,
    /// Accept references to activities the extract does not define, Includes cycles and
    /// unknown columns (each reported on standard error). The public extract needs this.
    #[arg(long)]
    pub lenient: bool,
}

pub(crate) fn run(cmd: &RbacCommand, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match cmd {
        RbacCommand::Decode(args) => decode(args, out),
        RbacCommand::Explain(args) => explain(args, out),
        RbacCommand::Import(args) => import(args, out),
    }
}

/// The public extract, embedded (tests/data/nrd-extract/SOURCE.md of careid-rbac).
const EXTRACT_ACTIVITIES: &[u8] =
    include_bytes!("../../careid-rbac/tests/data/nrd-extract/rbac-active-activities.json");
const EXTRACT_JOB_ROLES: &[u8] =
    include_bytes!("../../careid-rbac/tests/data/nrd-extract/rbac-job-roles-baseline1.json");
const EXTRACT_VERSION: &str =
    "public NRD extract, undated, not an NRD release (TonyThorne/ts-boilerplate@2cb64b5)";
/// The CIS2 UserInfo example of the design notes (CIS2.md §5.2): the demo user.
const DEMO_USERINFO: &[u8] = include_bytes!("../../careid-rbac/tests/data/cis2-userinfo-5.2.json");

fn bundled_catalogue() -> Result<Catalogue, CliError> {
    Ok(Catalogue::from_extract(
        EXTRACT_ACTIVITIES,
        EXTRACT_JOB_ROLES,
        EXTRACT_VERSION,
        LoadOptions::lenient(),
    )?)
}

fn load_catalogue(arg: &CatalogueArg, out: &mut dyn Write) -> Result<Catalogue, CliError> {
    let catalogue = match &arg.catalogue {
        Some(path) => Catalogue::from_canonical_json(&read(path)?, LoadOptions::lenient())?,
        None => bundled_catalogue()?,
    };
    writeln!(
        out,
        "catalogue: {} ({} activities, {} job roles)",
        catalogue.version(),
        catalogue.activities().len(),
        catalogue.job_roles().len()
    )?;
    Ok(catalogue)
}

fn decode(args: &DecodeArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let catalogue = load_catalogue(&args.catalogue, out)?;
    let mut all_valid = true;
    for text in &args.codes {
        writeln!(out)?;
        all_valid &= decode_one(text, &catalogue, out)?;
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints what `text` is; false if it is no RBAC code at all.
fn decode_one(text: &str, catalogue: &Catalogue, out: &mut dyn Write) -> Result<bool, CliError> {
    if let Ok(code) = text.parse::<JobRoleCode>() {
        writeln!(out, "{text}: job role code")?;
        writeln!(
            out,
            "  staff group {}, staff sub-group {}, job role {}",
            code.staff_group, code.staff_sub_group, code.job_role
        )?;
        describe_role(code, catalogue, out)?;
    } else if let Ok(code) = text.parse::<QualifiedActivityCode>() {
        writeln!(out, "{text}: fully qualified activity code")?;
        writeln!(
            out,
            "  activity group {}, sub-group {}, activity {}",
            code.group, code.sub_group, code.activity
        )?;
        if let Some(activity) = catalogue.activity(code.activity)
            && (activity.group(), activity.sub_group()) != (code.group, code.sub_group)
        {
            writeln!(
                out,
                "  note: the catalogue files {} under {}:{}; careid decides on the B code alone",
                code.activity,
                activity.group(),
                activity.sub_group()
            )?;
        }
        describe_activity(code.activity, catalogue, out)?;
    } else if let Ok(code) = text.parse::<AreaOfWorkCode>() {
        writeln!(out, "{text}: area of work code")?;
        writeln!(
            out,
            "  primary {}, secondary {}, tertiary {}",
            code.primary, code.secondary, code.tertiary
        )?;
        describe_area(code.tertiary, catalogue, out)?;
    } else if let Ok(code) = text.parse::<ActivityCode>() {
        writeln!(out, "{text}: activity code")?;
        describe_activity(code, catalogue, out)?;
    } else if let Ok(code) = text.parse::<JobRoleRCode>() {
        writeln!(out, "{text}: job role part (R) of a job role code")?;
        let rows: Vec<String> = catalogue
            .job_roles_with_r(code)
            .map(|r| format!("{} {}", r.code(), r.name()))
            .collect();
        if rows.is_empty() {
            writeln!(out, "  not in the catalogue")?;
        }
        for row in rows {
            writeln!(out, "  catalogue: {row}")?;
        }
    } else if let Ok(code) = text.parse::<ActivityGroupCode>() {
        writeln!(out, "{text}: activity group code")?;
        writeln!(
            out,
            "  {}",
            catalogue
                .group_name(code)
                .unwrap_or("(no name in the catalogue)")
        )?;
    } else if let Ok(code) = text.parse::<AowTertiaryCode>() {
        writeln!(out, "{text}: area of work tertiary code")?;
        describe_area(code, catalogue, out)?;
    } else if text.parse::<ActivitySubGroupCode>().is_ok() {
        writeln!(out, "{text}: activity sub-group code")?;
    } else if text.parse::<StaffGroupCode>().is_ok() {
        writeln!(out, "{text}: staff group code")?;
    } else if text.parse::<StaffSubGroupCode>().is_ok() {
        writeln!(out, "{text}: staff sub-group code")?;
    } else if text.parse::<AowPrimaryCode>().is_ok() || text.parse::<AowSecondaryCode>().is_ok() {
        writeln!(out, "{text}: area of work primary or secondary code")?;
    } else if let Ok(name) = text.parse::<NameTriple>() {
        writeln!(out, "{text}: quoted name triple (role_name or aow)")?;
        writeln!(
            out,
            "  group {:?}, sub-group {:?}, name {:?}",
            name.group(),
            name.sub_group(),
            name.name()
        )?;
    } else if text.parse::<UserRoleProfileId>().is_ok() {
        writeln!(
            out,
            "{text}: a decimal id: a user role profile id (person_roleid, selected_roleid), a person_orgid or a workgroup code"
        )?;
    } else if text.parse::<OdsCode>().is_ok() {
        writeln!(out, "{text}: could be an ODS organisation code (org_code)")?;
    } else {
        writeln!(out, "{text}: not an RBAC code: {}", likely_error(text))?;
        return Ok(false);
    }
    Ok(true)
}

/// The strict parser's complaint for the kind of code `text` most resembles.
fn likely_error(text: &str) -> String {
    let qualified = text.contains(':');
    let error = match (text.chars().next(), qualified) {
        (Some('"'), _) => text.parse::<NameTriple>().err(),
        (Some('D'), true) => text.parse::<QualifiedActivityCode>().err(),
        (Some('P'), true) => text.parse::<AreaOfWorkCode>().err(),
        (Some('B' | 'b'), false) => text.parse::<ActivityCode>().err(),
        (Some('R' | 'r'), false) => text.parse::<JobRoleRCode>().err(),
        _ => text.parse::<JobRoleCode>().err(),
    };
    error.map_or_else(String::new, |e| e.to_string())
}

fn describe_role(
    code: JobRoleCode,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some(role) = catalogue.job_role(code) else {
        match catalogue.job_roles_with_r(code.job_role).next() {
            Some(other) => writeln!(
                out,
                "  not in the catalogue; it has {} {} for {} (no baseline is granted on the R part alone)",
                other.code(),
                other.name(),
                code.job_role
            )?,
            None => writeln!(out, "  not in the catalogue")?,
        }
        return Ok(());
    };
    writeln!(
        out,
        "  {} ({} / {})",
        role.name(),
        role.staff_group_name(),
        role.staff_sub_group_name()
    )?;
    writeln!(
        out,
        "  type {}, status: {}",
        role.role_type().as_str(),
        role.status().text()
    )?;
    if role.status().is_withdrawn_or_retired() {
        writeln!(
            out,
            "  note: withdrawn or retired; careid still applies its baseline and never remaps it"
        )?;
    }
    if role.restricted() {
        writeln!(out, "  restricted: only a root RA manager can grant it")?;
    }
    let mut any = false;
    for (group, codes) in role.group_baseline() {
        any = true;
        let name = catalogue.group_name(group).unwrap_or_default();
        writeln!(out, "  baseline {group} {name}: {}", join(codes))?;
    }
    for (area, codes) in role.area_baseline() {
        any = true;
        let name = catalogue.area_name(area).unwrap_or_default();
        writeln!(
            out,
            "  baseline for area of work {area} {name}: {}",
            join(codes)
        )?;
    }
    if !any {
        writeln!(out, "  no baseline activities")?;
    }
    Ok(())
}

fn describe_activity(
    code: ActivityCode,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some(activity) = catalogue.activity(code) else {
        writeln!(
            out,
            "  not in the catalogue (it may be withdrawn, or newer than the catalogue)"
        )?;
        return Ok(());
    };
    writeln!(out, "  {}", activity.name())?;
    writeln!(
        out,
        "  group {} {}, sub-group {} {}",
        activity.group(),
        activity.group_name(),
        activity.sub_group(),
        activity.sub_group_name()
    )?;
    writeln!(out, "  status: {}", activity.status().text())?;
    if activity.restricted() {
        writeln!(out, "  restricted: only a root RA manager can grant it")?;
    }
    if !activity.includes().is_empty() {
        writeln!(out, "  includes: {}", join(activity.includes()))?;
        let all: Vec<ActivityCode> = catalogue
            .includes_closure(code)
            .filter(|c| *c != code)
            .collect();
        if all.len() > activity.includes().len() {
            writeln!(out, "  includes, transitively: {}", join(&all))?;
        }
    }
    Ok(())
}

fn describe_area(
    area: AowTertiaryCode,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match catalogue.area_name(area) {
        Some(name) => writeln!(out, "  the catalogue has baselines for {area} {name}")?,
        None => writeln!(out, "  the catalogue has no baselines for {area}")?,
    }
    Ok(())
}

fn explain(args: &ExplainArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let bytes = read(&args.roles)?;
    let roles = decode_roles(&bytes)?;
    let catalogue = load_catalogue(&args.catalogue, out)?;
    let activities = args
        .activity
        .iter()
        .map(|text| {
            text.parse::<careid_rbac::ActivityRef>()
                .map(careid_rbac::ActivityRef::code)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut builder = Policy::builder();
    builder = if args.all {
        builder.all_activities(activities.clone())
    } else {
        builder.any_activity(activities.clone())
    };
    if let Some(org) = &args.org {
        builder = builder.at_organisation(org.parse()?);
    }
    let policy = builder.build()?;
    let authoriser = Authoriser::new(&catalogue);

    let names: Vec<String> = activities
        .iter()
        .map(|code| activity_label(*code, &catalogue, None))
        .collect();
    let joiner = if args.all { " and " } else { " or " };
    writeln!(
        out,
        "question: may the person perform {}{}?",
        names.join(joiner),
        args.org
            .as_ref()
            .map(|org| format!(" at {org}"))
            .unwrap_or_default()
    )?;
    writeln!(out, "the person has {} role(s)", roles.len())?;
    let mut any_permit = false;
    for entry in roles.entries() {
        writeln!(out)?;
        match entry {
            RoleProfileEntry::Valid(profile) => {
                let decision = authoriser.decide_for(profile, &policy);
                any_permit |= decision.is_permit();
                describe_profile(profile, &authoriser, &catalogue, out)?;
                explain_decision(&decision, &catalogue, out)?;
            }
            RoleProfileEntry::Invalid(invalid) => {
                writeln!(
                    out,
                    "role #{} is invalid and never authorises: {}",
                    invalid.index + 1,
                    invalid.problem
                )?;
            }
            _ => writeln!(out, "role: an entry this version does not understand")?,
        }
    }
    writeln!(out)?;
    match &args.selected {
        Some(selected) => {
            let selection = RoleSelection::from_selected_roleid(Some(selected));
            let decision = authoriser.decide(&roles, selection, &policy);
            writeln!(out, "verdict for the selected role {selected}: {decision}")?;
            Ok(if decision.is_permit() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        None => {
            let decision = authoriser.decide(&roles, RoleSelection::AnyRole, &policy);
            writeln!(
                out,
                "verdict: no role selected (--selected); with any role: {decision}"
            )?;
            writeln!(
                out,
                "note: an application decides for the one role the user selected at login (selected_roleid); other roles never count"
            )?;
            Ok(if any_permit {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn decode_roles(bytes: &[u8]) -> Result<NrbacRoles, CliError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    Ok(match first {
        Some(b'{') => NrbacRoles::from_userinfo_json(bytes)?,
        _ => NrbacRoles::from_claim_json(bytes)?,
    })
}

fn describe_profile(
    profile: &RoleProfile,
    authoriser: &Authoriser<'_>,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let role_name = match &profile.role_name {
        Decoded::Known(name) => name.name().to_owned(),
        Decoded::Unknown(raw) => raw.clone(),
    };
    writeln!(
        out,
        "role {}: {} ({}) at {}",
        profile.person_roleid, role_name, profile.role_code, profile.org_code
    )?;
    let baseline = authoriser.baseline(profile);
    writeln!(out, "  {baseline}")?;
    if let Baseline::Applied { role } = baseline
        && role.status().is_withdrawn_or_retired()
    {
        writeln!(out, "  note: job role status \"{}\"", role.status().text())?;
    }
    if !profile.areas_of_work.is_empty() {
        let areas: Vec<String> = profile
            .areas_of_work
            .iter()
            .map(|a| a.code.to_string())
            .collect();
        writeln!(out, "  areas of work: {}", areas.join(", "))?;
    }
    if !profile.activities.is_empty() {
        let explicit: Vec<String> = profile
            .activities
            .iter()
            .map(|a| match a.code.get() {
                Some(code) => activity_label(code.code(), catalogue, a.name.as_deref()),
                None => format!("{} (not an activity code)", a.code),
            })
            .collect();
        writeln!(out, "  granted explicitly: {}", explicit.join("; "))?;
    }
    for diagnostic in &profile.diagnostics {
        match diagnostic {
            ClaimDiagnostic::ParallelArrayMismatch {
                field,
                codes,
                names,
            } => {
                writeln!(
                    out,
                    "  claim note: {field:?} has {codes} codes but {names} names"
                )?;
            }
            ClaimDiagnostic::MisspeltWorkgroupCodes => {
                writeln!(
                    out,
                    "  claim note: `workgroup_codes` is not the CIS2 spelling (`workgroups_codes`); ignored"
                )?;
            }
            other => writeln!(out, "  claim note: {other:?}")?,
        }
    }
    Ok(())
}

/// `B0263 Unlock Smartcard`; for codes the catalogue lacks, the claim's name if any.
fn activity_label(code: ActivityCode, catalogue: &Catalogue, claim_name: Option<&str>) -> String {
    match (catalogue.activity(code), claim_name) {
        (Some(activity), _) => format!("{code} {}", activity.name()),
        (None, Some(name)) => format!("{code} {name} (name from the claim; not in the catalogue)"),
        (None, None) => format!("{code} (not in the catalogue)"),
    }
}

fn explain_decision(
    decision: &Decision<'_>,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match decision {
        Decision::Permit(permit) => {
            writeln!(out, "  PERMIT")?;
            for grant in permit.grants() {
                explain_grant(&grant, permit.profile(), catalogue, out)?;
            }
        }
        Decision::Deny(deny) => writeln!(out, "  DENY: {}", deny.reason())?,
    }
    Ok(())
}

fn explain_grant(
    grant: &Grant<'_>,
    profile: &RoleProfile,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let claim_name = |code: ActivityCode| {
        profile
            .activities
            .iter()
            .find(|a| a.code.get().map(|r| r.code()) == Some(code))
            .and_then(|a| a.name.as_deref())
    };
    let chain: Vec<ActivityCode> = grant.chain().collect();
    for (i, code) in chain.iter().enumerate() {
        let label = activity_label(*code, catalogue, claim_name(*code));
        if i == 0 {
            writeln!(out, "    {label}")?;
        } else {
            writeln!(out, "      is included in {label}")?;
        }
    }
    let how = match grant.source() {
        GrantSource::GroupBaseline { role, group } => format!(
            "which is in the baseline of job role {role} for activity group {group} {}",
            catalogue.group_name(group).unwrap_or_default()
        ),
        GrantSource::AreaOfWorkBaseline { role, area } => format!(
            "which is in the baseline of job role {role} for the role's area of work {area} {}",
            catalogue.area_name(area.tertiary).unwrap_or_default()
        ),
        GrantSource::Explicit { index, code } => {
            format!(
                "which a Registration Authority granted explicitly (activity_codes[{index}] = {code})"
            )
        }
        other => format!("from {other}"),
    };
    writeln!(out, "      {}", how.trim_end())?;
    Ok(())
}

fn import(args: &ImportArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let activities = read(&args.activities)?;
    let job_roles = read(&args.job_roles)?;
    let options = if args.lenient {
        LoadOptions::lenient()
    } else {
        LoadOptions::strict()
    };
    let catalogue = Catalogue::from_extract(&activities, &job_roles, &args.nrd_version, options)?;
    let mut undefined = std::collections::BTreeSet::new();
    for diagnostic in catalogue.diagnostics() {
        match diagnostic {
            LoadDiagnostic::UndefinedActivity { code, .. } => {
                undefined.insert(*code);
            }
            other => eprintln!("careid: note: {other:?}"),
        }
    }
    if !undefined.is_empty() {
        let codes: Vec<ActivityCode> = undefined.into_iter().collect();
        eprintln!(
            "careid: note: {} activities are named by baselines or Includes but not defined: {}",
            codes.len(),
            join(&codes)
        );
    }
    eprintln!(
        "careid: imported {} activities and {} job roles",
        catalogue.activities().len(),
        catalogue.job_roles().len()
    );
    out.write_all(catalogue.to_canonical_json().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn join(codes: &[ActivityCode]) -> String {
    codes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// The RBAC step of `careid demo`: decisions for the demo user (the CIS2 test user of the
/// design notes, CIS2.md §5.2) against the built-in public NRD extract, in plain words.
/// Returns [`CliError::DemoFailed`] if any decision is not the expected one.
pub(crate) fn demo_step(out: &mut dyn Write) -> Result<(), CliError> {
    let failed = |step: &str| CliError::DemoFailed {
        step: format!("RBAC: {step}"),
    };
    let catalogue = bundled_catalogue()?;
    let roles = NrbacRoles::from_userinfo_json(DEMO_USERINFO)?;
    let authoriser = Authoriser::new(&catalogue);

    writeln!(out, "National RBAC: what may this person do?")?;
    writeln!(
        out,
        "  After login, CIS2 lists the person's roles (the nhsid_nrbac_roles claim) and the one"
    )?;
    writeln!(
        out,
        "  they chose (selected_roleid). careid looks the job role up in the National RBAC"
    )?;
    writeln!(
        out,
        "  Database, adds what the Registration Authority granted on top, follows the"
    )?;
    writeln!(
        out,
        "  \"Includes\" links between activities, and answers one question at a time, for the"
    )?;
    writeln!(out, "  selected role only.")?;
    writeln!(
        out,
        "  Database: {} ({} activities, {} job roles).",
        catalogue.version(),
        catalogue.activities().len(),
        catalogue.job_roles().len()
    )?;
    writeln!(
        out,
        "  The demo user (the CIS2 test user of the design notes) holds {} roles:",
        roles.len()
    )?;
    for profile in roles.profiles() {
        let name = profile
            .role_name
            .known()
            .map(NameTriple::name)
            .unwrap_or("?");
        writeln!(
            out,
            "    - role {}: {name} at organisation {}",
            profile.person_roleid, profile.org_code
        )?;
    }

    let code = |text: &str| text.parse::<ActivityCode>().map_err(CliError::from);
    let at = |activity: &str, org: &str| -> Result<Policy, CliError> {
        Ok(Policy::builder()
            .any_activity([code(activity)?])
            .at_organisation(org.parse()?)
            .build()?)
    };
    let questions: [(&str, &str, &str, &str, bool); 5] = [
        ("656005754108", "unlock a smartcard", "B0263", "X09", true),
        (
            "656005754108",
            "search for a patient in the Summary Care Record",
            "B0264",
            "X09",
            false,
        ),
        ("656005754108", "unlock a smartcard", "B0263", "Y51", false),
        (
            "656014452101",
            "view shared non patient identifiable information",
            "B1570",
            "Y51",
            true,
        ),
        ("656014452101", "unlock a smartcard", "B0263", "Y51", false),
    ];
    let mut current = "";
    for (selected, what, activity, org, expected) in questions {
        if selected != current {
            current = selected;
            let profile = roles
                .profiles()
                .find(|p| p.person_roleid.to_string() == selected)
                .ok_or_else(|| failed("role"))?;
            let name = profile
                .role_name
                .known()
                .map(NameTriple::name)
                .unwrap_or("?");
            writeln!(out)?;
            writeln!(
                out,
                "  They log in and select role {selected} ({name} at {}).",
                profile.org_code
            )?;
        }
        let policy = at(activity, org)?;
        let decision = authoriser.decide(
            &roles,
            RoleSelection::from_selected_roleid(Some(selected)),
            &policy,
        );
        writeln!(
            out,
            "  May they {what} ({}) at {org}?",
            activity_label(code(activity)?, &catalogue, None)
        )?;
        match &decision {
            Decision::Permit(permit) => {
                writeln!(out, "    -> yes, because:")?;
                if let Some(grant) = permit.grant() {
                    explain_grant(&grant, permit.profile(), &catalogue, out)?;
                }
            }
            Decision::Deny(deny) => writeln!(out, "    -> no: {}", deny.reason())?,
        }
        if decision.is_permit() != expected {
            return Err(failed(activity));
        }
    }
    let policy = at("B0263", "X09")?;
    let unselected = authoriser.decide(&roles, RoleSelection::NotSelected, &policy);
    writeln!(out)?;
    writeln!(
        out,
        "  And if the application forgets which role was selected?"
    )?;
    match unselected {
        Decision::Deny(deny) => writeln!(
            out,
            "    -> no: {} (careid never guesses a role)",
            deny.reason()
        )?,
        Decision::Permit(_) => return Err(failed("no selected role")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_step_explains_permits_and_denials() {
        let mut out = Vec::new();
        demo_step(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("-> yes").count(), 2, "{text}");
        assert_eq!(text.matches("-> no").count(), 4, "{text}");
        assert!(text.contains("B0263 Unlock Smartcard"), "{text}");
        assert!(
            text.contains("is included in B0008 Perform RA Activities"),
            "{text}"
        );
        assert!(
            text.contains("granted explicitly (activity_codes[1] = B8002)"),
            "{text}"
        );
        assert!(
            text.contains("the role is at organisation X09, not Y51"),
            "{text}"
        );
        assert!(text.contains("not an NRD release"), "{text}");
    }

    #[test]
    fn decode_names_each_kind_of_code() {
        let catalogue = bundled_catalogue().unwrap();
        let cases = [
            ("S8000:G8000:R8000", "job role code", true),
            ("D0008:C0055:B1611", "fully qualified activity code", true),
            ("P0020:Q0300:T0640", "area of work code", true),
            ("B0264", "activity code", true),
            ("R8001", "job role part", true),
            ("D0006", "activity group code", true),
            ("T1580", "area of work tertiary code", true),
            ("656005754108", "a decimal id", true),
            ("Y51", "ODS organisation code", true),
            (
                "\"Support\":\"Support\":\"Admin/Clinical Support Access Role\"",
                "quoted name triple",
                true,
            ),
            ("S8000:G8000", "not a valid job role code", false),
            ("b0264", "not a valid activity code", false),
        ];
        for (text, expected, valid) in cases {
            let mut out = Vec::new();
            assert_eq!(
                decode_one(text, &catalogue, &mut out).unwrap(),
                valid,
                "{text}"
            );
            let printed = String::from_utf8(out).unwrap();
            assert!(printed.contains(expected), "{text}: {printed}");
        }
    }
}
