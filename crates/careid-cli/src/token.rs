//! `careid token ...`: verify CIS2 tokens (ID, access, logout) against a JWK set file or the
//! issuer's discovery document, and find an issuer's exact `issuer` string.

use crate::CliError;
use careid::crypto::{AlgorithmSet, SignatureAlgorithm};
use careid::token::{
    AccessTokenExpectations, Error, Fetch as _, HttpFetcher, IdTokenExpectations, Input, JwkSet,
    KeyResolver, MemoryReplayCache, Provider, ProviderMetadata, RelyingParty, UnixTime, UrlPolicy,
    VerifiedAccessToken, VerifiedIdToken, VerifiedLogoutToken, VerifiedUserInfo, discovery_url,
};
use careid_testkit::{
    CIS2_CLIENT_ID, CIS2_INT_ISSUER, CIS2_NONCE, CIS2_SUBJECT, Cis2Issuer, cis2_id_token_claims,
    cis2_userinfo_for,
};
use clap::{Args, Subcommand, ValueEnum};
use std::io::{Read as _, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `careid token` subcommands.
// Parsed once per process: the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum TokenCommand {
    /// Verify a CIS2 token and print the identity, assurance levels and roles, or the precise
    /// reason it was refused (exit status 0 valid, 1 refused, 2 could not run).
    Verify(VerifyArgs),
    /// Fetch an issuer's discovery document and print the exact `issuer` to configure
    /// (CIS2 writes `:443`; NHS pages often leave it out).
    Discover(DiscoverArgs),
}

/// Arguments of `careid token verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token (compact JWS), `@FILE` to read it from a file, or `-` for standard input.
    pub token: String,
    /// The issuer, exactly as CIS2 writes it (e.g. `https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare`).
    #[arg(long)]
    pub issuer: String,
    /// Your client id (the token's audience).
    #[arg(long)]
    pub client_id: String,
    /// The issuer's JWK set, from a file.
    #[arg(
        long,
        conflicts_with = "discover",
        required_unless_present = "discover"
    )]
    pub jwks: Option<PathBuf>,
    /// Fetch the issuer's discovery document and JWK set over HTTPS.
    #[arg(long)]
    pub discover: bool,
    /// What kind of token it is.
    #[arg(long, value_enum, default_value_t = KindArg::Id)]
    pub kind: KindArg,
    /// The nonce your authentication request sent. Without it the nonce is not checked, and a
    /// warning says so.
    #[arg(long)]
    pub nonce: Option<String>,
    /// The `max_age` your request sent, in seconds: `auth_time` is then checked.
    #[arg(long)]
    pub max_age: Option<u64>,
    /// The minimum authentication assurance level, 1-3.
    #[arg(long, default_value_t = 2)]
    pub min_aal: u8,
    /// The minimum identity assurance level, 0-3 (0 accepts a token without one).
    #[arg(long, default_value_t = 3)]
    pub min_ial: u8,
    /// Accept only these `acr` values (repeatable).
    #[arg(long = "acr")]
    pub acr_values: Vec<String>,
    /// Allowed signature algorithms (repeatable; default RS256, and RS512 for logout tokens).
    #[arg(long = "alg")]
    pub algorithms: Vec<SignatureAlgorithm>,
    /// Allowed clock skew in seconds, 0-300.
    #[arg(long, default_value_t = 60)]
    pub skew: u64,
    /// Scopes an access token must grant (repeatable).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// A UserInfo response (JSON file) for an ID token: checked against it, and its roles shown.
    #[arg(long)]
    pub userinfo: Option<PathBuf>,
    /// Verify as of this Unix time instead of the system clock (for reproducible checks).
    #[arg(long)]
    pub now: Option<i64>,
    /// With --discover: allow plain http to a loopback issuer. For tests only.
    #[arg(long, hide = true)]
    pub danger_allow_http_loopback: bool,
}

/// The kinds of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// An ID token.
    Id,
    /// An access token received as a bearer token.
    Access,
    /// A back-channel logout token.
    Logout,
}

/// Arguments of `careid token discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The issuer or its discovery URL (`.../.well-known/openid-configuration`).
    pub url: String,
    /// Allow plain http to a loopback host. For tests only.
    #[arg(long, hide = true)]
    pub danger_allow_http_loopback: bool,
}

pub(crate) fn run(cmd: &TokenCommand, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match cmd {
        TokenCommand::Verify(args) => verify(args, out),
        TokenCommand::Discover(args) => discover(args, out),
    }
}

fn verify(args: &VerifyArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let token = read_token(&args.token)?;
    let userinfo = args.userinfo.as_ref().map(read).transpose()?;
    let now = match args.now {
        Some(secs) => UnixTime::from_secs(secs),
        None => system_now()?,
    };
    let rp = relying_party(args)?;
    let outcome = if args.discover {
        let mut fetcher = HttpFetcher::new();
        if args.danger_allow_http_loopback {
            fetcher = fetcher.danger_allow_http_loopback();
        }
        let mut provider = Provider::new(rp.issuer(), fetcher);
        if args.danger_allow_http_loopback {
            provider = provider.danger_allow_http_loopback();
        }
        // A discovery failure means the check could not run (exit 2), not a refused token.
        let metadata = provider.metadata(now)?;
        writeln!(out, "discovered: JWK set at {}", metadata.jwks_uri())?;
        check(args, &rp, &token, &provider, userinfo.as_deref(), now)
    } else {
        let path = args.jwks.as_ref().ok_or(CliError::Decode {
            what: "--jwks",
            expected: "a file (or use --discover)",
        })?;
        let keys = JwkSet::from_json(&read(path)?)?;
        check(args, &rp, &token, &keys, userinfo.as_deref(), now)
    };
    match outcome {
        Ok(verified) => {
            report(args, &verified, out)?;
            Ok(ExitCode::SUCCESS)
        }
        // The issuer could not be reached: the check could not run.
        Err(err @ Error::Fetch { .. }) => Err(CliError::Token(err)),
        Err(err) => {
            writeln!(out, "verdict: REJECTED: {err}")?;
            Ok(ExitCode::from(1))
        }
    }
}

fn relying_party(args: &VerifyArgs) -> Result<RelyingParty, CliError> {
    let mut builder = RelyingParty::builder(args.issuer.trim(), &args.client_id)
        .clock_skew(Duration::from_secs(args.skew))
        .min_aal(args.min_aal)
        .min_identity_assurance((args.min_ial > 0).then_some(args.min_ial));
    if !args.acr_values.is_empty() {
        builder = builder.acr_values(args.acr_values.iter().map(String::as_str));
    }
    if !args.algorithms.is_empty() {
        let allowed: AlgorithmSet = args.algorithms.iter().copied().collect();
        builder = builder
            .id_token_algorithms(allowed)
            .access_token_algorithms(allowed)
            .logout_token_algorithms(allowed);
    }
    if args.danger_allow_http_loopback {
        builder = builder.danger_allow_http_loopback();
    }
    Ok(builder.build()?)
}

/// What a verification established.
enum Verified {
    Id(Box<VerifiedIdToken>, Option<Box<VerifiedUserInfo>>),
    Access(Box<VerifiedAccessToken>),
    Logout(Box<VerifiedLogoutToken>),
}

fn check(
    args: &VerifyArgs,
    rp: &RelyingParty,
    token: &str,
    keys: &impl KeyResolver,
    userinfo: Option<&[u8]>,
    now: UnixTime,
) -> Result<Verified, Error> {
    match args.kind {
        KindArg::Id => {
            let mut expect = match &args.nonce {
                Some(nonce) => IdTokenExpectations::new(nonce),
                None => IdTokenExpectations::danger_without_nonce(),
            };
            if let Some(secs) = args.max_age {
                expect = expect.max_age(Duration::from_secs(secs));
            }
            let id = rp.verify_id_token(token, keys, &expect, now)?;
            let info = match userinfo {
                Some(json) => Some(Box::new(rp.verify_userinfo(json, &id)?)),
                None => None,
            };
            Ok(Verified::Id(Box::new(id), info))
        }
        KindArg::Access => {
            let scopes: Vec<&str> = args.scopes.iter().map(String::as_str).collect();
            let expect = AccessTokenExpectations::new().scopes(&scopes);
            let access = rp.verify_access_token(token, keys, &expect, now)?;
            Ok(Verified::Access(Box::new(access)))
        }
        KindArg::Logout => {
            // One token, one process: the replay cache only has to hold this one.
            let replay = MemoryReplayCache::new(1);
            let logout = rp.verify_logout_token(token, keys, &replay, now)?;
            Ok(Verified::Logout(Box::new(logout)))
        }
    }
}

fn report(args: &VerifyArgs, verified: &Verified, out: &mut dyn Write) -> Result<(), CliError> {
    match verified {
        Verified::Id(id, info) => {
            writeln!(out, "verdict: VALID CIS2 ID token")?;
            show_identity(id, out)?;
            let selected = id.claims().selected_roleid();
            match (info, id.roles()) {
                (Some(info), _) => show_roles(info.roles(), selected, "UserInfo", out)?,
                (None, Some(roles)) => show_roles(roles, selected, "ID token", out)?,
                (None, None) => writeln!(
                    out,
                    "roles:    not in the ID token (pass --userinfo FILE to check and show them)"
                )?,
            }
            if args.nonce.is_none() {
                writeln!(
                    out,
                    "warning:  nonce NOT checked (no --nonce); a login must always check it"
                )?;
            }
        }
        Verified::Access(access) => {
            writeln!(out, "verdict: VALID CIS2 access token")?;
            writeln!(out, "issuer:   {}", access.claims().iss().unwrap_or("-"))?;
            writeln!(out, "subject:  {} (CIS2 user id)", access.subject())?;
            writeln!(
                out,
                "key:      {} ({})",
                access.key_id().unwrap_or("-"),
                access.header().alg()
            )?;
            writeln!(
                out,
                "AAL:      {} (acr {})",
                level(access.authentication_assurance()),
                access.claims().acr().unwrap_or("-")
            )?;
            let scopes: Vec<&str> = access.claims().scopes().collect();
            writeln!(out, "scopes:   {}", scopes.join(" "))?;
            if let Some(exp) = access.claims().exp() {
                writeln!(out, "expires:  {}", date(exp))?;
            }
        }
        Verified::Logout(logout) => {
            writeln!(out, "verdict: VALID back-channel logout token")?;
            writeln!(out, "issuer:   {}", logout.issuer())?;
            writeln!(out, "end session: {}", logout.session_id().unwrap_or("-"))?;
            writeln!(out, "subject:  {}", logout.subject().unwrap_or("-"))?;
            writeln!(out, "jti:      {}", logout.jti())?;
        }
    }
    Ok(())
}

fn show_identity(id: &VerifiedIdToken, out: &mut dyn Write) -> Result<(), CliError> {
    let claims = id.claims();
    writeln!(out, "issuer:   {}", id.issuer())?;
    writeln!(out, "subject:  {} (CIS2 user id)", id.subject())?;
    if let Some(name) = claims.subname().filter(|name| *name != id.subject()) {
        writeln!(out, "subname:  {name}")?;
    }
    writeln!(out, "session:  {}", id.session_id().unwrap_or("-"))?;
    writeln!(
        out,
        "key:      {} ({})",
        id.key_id().unwrap_or("-"),
        id.header().alg()
    )?;
    let aal_claim = claims
        .authentication_assurance_level()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    writeln!(
        out,
        "AAL:      {} (acr {}, authentication_assurance_level {aal_claim})",
        level(id.authentication_assurance()),
        claims.acr().unwrap_or("-"),
    )?;
    writeln!(
        out,
        "identity assurance: {}",
        level(id.identity_assurance())
    )?;
    let amr: Vec<&str> = claims.amr().collect();
    if !amr.is_empty() {
        writeln!(out, "amr:      {}", amr.join(" "))?;
    }
    if let Some(auth_time) = claims.auth_time() {
        writeln!(out, "authenticated: {}", date(auth_time))?;
    }
    if let Some(exp) = claims.exp() {
        writeln!(out, "expires:  {}", date(exp))?;
    }
    writeln!(
        out,
        "selected role: {}",
        claims.selected_roleid().unwrap_or("none")
    )?;
    Ok(())
}

fn show_roles(
    roles: &careid::rbac::NrbacRoles,
    selected: Option<&str>,
    source: &str,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if roles.is_empty() {
        writeln!(
            out,
            "roles:    none (from {source}): a valid outcome for CIS2"
        )?;
        return Ok(());
    }
    writeln!(out, "roles:    {} (from {source})", roles.len())?;
    for entry in roles.entries() {
        let id = entry
            .person_roleid()
            .map_or_else(|| "?".to_owned(), |id| id.to_string());
        let marker = if selected == Some(id.as_str()) {
            " (selected)"
        } else {
            ""
        };
        match entry.profile() {
            Some(profile) => {
                let name = match profile.role_name.known() {
                    Some(triple) => triple.name().to_owned(),
                    None => profile.role_name.to_string(),
                };
                writeln!(
                    out,
                    "  {id} {} at {} \"{name}\"{marker}",
                    profile.role_code, profile.org_code
                )?;
            }
            None => writeln!(out, "  {id} (invalid element: never authorises){marker}")?,
        }
    }
    Ok(())
}

fn level(level: Option<u8>) -> String {
    level.map_or_else(|| "unknown".to_owned(), |l| l.to_string())
}

fn discover(args: &DiscoverArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let given = args.url.trim();
    let issuer = given
        .strip_suffix("/.well-known/openid-configuration")
        .unwrap_or(given);
    let (fetcher, policy) = if args.danger_allow_http_loopback {
        (
            HttpFetcher::new().danger_allow_http_loopback(),
            UrlPolicy::DangerAllowHttpLoopback,
        )
    } else {
        (HttpFetcher::new(), UrlPolicy::HttpsOnly)
    };
    let fetched = fetcher
        .fetch(&discovery_url(issuer))
        .map_err(|source| Error::Fetch {
            document: Input::Discovery,
            source,
        })?;
    let metadata = ProviderMetadata::inspect(fetched.body(), policy)?;
    writeln!(out, "issuer:   {}", metadata.issuer())?;
    if metadata.issuer() != issuer {
        writeln!(
            out,
            "note:     not {issuer:?}: configure the issuer exactly as above (CIS2.md §2)"
        )?;
    }
    writeln!(
        out,
        "authorization_endpoint: {}",
        metadata.authorization_endpoint()
    )?;
    writeln!(out, "token_endpoint: {}", metadata.token_endpoint())?;
    writeln!(out, "jwks_uri: {}", metadata.jwks_uri())?;
    if let Some(userinfo) = metadata.userinfo_endpoint() {
        writeln!(out, "userinfo_endpoint: {userinfo}")?;
    }
    for member in [
        "id_token_signing_alg_values_supported",
        "acr_values_supported",
        "backchannel_logout_supported",
    ] {
        if let Some(value) = metadata.get(member) {
            writeln!(out, "{member}: {value}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `careid demo`'s CIS2 step: mint a CIS2-shaped ID token with the test issuer, verify it,
/// show who it names and how strongly they authenticated, then show two bad tokens refused.
// `demo.rs` calls this once the demo's CIS2 step is wired in; until then only tests do.
pub(crate) fn demo_step(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "CIS2 sign-in (OpenID Connect), with the built-in TEST issuer"
    )?;
    writeln!(
        out,
        "  When a user signs in through the NHS Care Identity Service (CIS2), the clinical"
    )?;
    writeln!(
        out,
        "  system receives an ID token: a signed statement of who the user is, how strongly they"
    )?;
    writeln!(
        out,
        "  proved it (the authentication assurance level, AAL) and which role they chose. careid"
    )?;
    writeln!(
        out,
        "  checks the signature with the issuer's published key (RS256 only), then the issuer,"
    )?;
    writeln!(
        out,
        "  the audience, the expiry, the nonce, the assurance levels and the selected role."
    )?;
    let now = system_now()?;
    let issuer = Cis2Issuer::int();
    let keys = JwkSet::from_json(issuer.jwks().to_string().as_bytes())?;
    let rp = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID).build()?;
    let expect = IdTokenExpectations::new(CIS2_NONCE);
    let claims = cis2_id_token_claims(now.as_secs());
    let token = issuer.mint(&claims);
    writeln!(
        out,
        "  The test issuer signs a token shaped like a real CIS2 one ({} characters):",
        token.len()
    )?;
    writeln!(out, "    {}...", token.get(..48).unwrap_or(&token))?;
    let id = rp
        .verify_id_token(&token, &keys, &expect, now)
        .map_err(|err| demo_failed("the genuine ID token", &err))?;
    let userinfo = cis2_userinfo_for(CIS2_SUBJECT).to_string();
    let info = rp
        .verify_userinfo(userinfo.as_bytes(), &id)
        .map_err(|err| demo_failed("the UserInfo response", &err))?;
    writeln!(
        out,
        "  -> accepted: user {}, AAL{} ({}), identity assurance {}",
        id.subject(),
        level(id.authentication_assurance()),
        id.claims().acr().unwrap_or("-"),
        level(id.identity_assurance())
    )?;
    let role = info
        .selected_role()
        .ok_or_else(|| demo_failed("the selected role", &Error::MissingSelectedRole))?;
    let role_name = role
        .role_name
        .known()
        .map_or_else(|| role.role_name.to_string(), |t| t.name().to_owned());
    writeln!(
        out,
        "     selected role: {} \"{role_name}\" at organisation {} (one of {} roles, from UserInfo)",
        role.role_code,
        role.org_code,
        info.roles().len()
    )?;

    // One character of the payload changed: the signature no longer matches.
    let mut tampered = token.clone().into_bytes();
    let first_dot = token.find('.').unwrap_or(0);
    if let Some(byte) = tampered.get_mut(first_dot + 10) {
        *byte = if *byte == b'A' { b'B' } else { b'A' };
    }
    let tampered = String::from_utf8(tampered).unwrap_or_default();
    writeln!(
        out,
        "  The same token with one character of its payload changed:"
    )?;
    match rp.verify_id_token(&tampered, &keys, &expect, now) {
        Err(err @ (Error::BadSignature | Error::Base64 { .. })) => {
            writeln!(out, "  -> refused: {err}")?;
        }
        other => return Err(unexpected("tampered token", other.err())),
    }
    // A genuine token, but for another application.
    let mut elsewhere = claims;
    if let Some(members) = elsewhere.as_object_mut() {
        for claim in ["aud", "azp"] {
            members.insert(claim.into(), "someone-else.apps.national".into());
        }
    }
    let elsewhere = issuer.mint(&elsewhere);
    writeln!(
        out,
        "  A genuine token the issuer made for another application (its audience):"
    )?;
    match rp.verify_id_token(&elsewhere, &keys, &expect, now) {
        Err(err @ Error::AudienceMismatch { .. }) => writeln!(out, "  -> refused: {err}")?,
        other => return Err(unexpected("wrong-audience token", other.err())),
    }
    Ok(())
}

fn demo_failed(what: &str, err: &Error) -> CliError {
    CliError::DemoFailed {
        step: format!("CIS2 token: {what} was refused: {err}"),
    }
}

fn unexpected(what: &str, err: Option<Error>) -> CliError {
    CliError::DemoFailed {
        step: match err {
            Some(err) => format!("CIS2 token: {what} refused for the wrong reason: {err}"),
            None => format!("CIS2 token: {what} was ACCEPTED"),
        },
    }
}

fn system_now() -> Result<UnixTime, CliError> {
    UnixTime::from_system_time(std::time::SystemTime::now()).ok_or(CliError::Decode {
        what: "the system clock",
        expected: "a time after 1970",
    })
}

fn read_token(arg: &str) -> Result<String, CliError> {
    let text = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| CliError::Read {
                path: "standard input".into(),
                source,
            })?;
        text
    } else if let Some(path) = arg.strip_prefix('@') {
        String::from_utf8(read(&PathBuf::from(path))?).map_err(|_| CliError::Decode {
            what: "the token file",
            expected: "UTF-8 text",
        })?
    } else {
        arg.to_owned()
    };
    Ok(text.trim().to_owned())
}

fn read(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ (unix N)` for a Unix time (proleptic Gregorian, UTC).
fn date(time: UnixTime) -> String {
    let secs = time.as_secs();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z (unix {secs})",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            date(UnixTime::from_secs(1_610_559_802)),
            "2021-01-13T17:43:22Z (unix 1610559802)"
        );
        assert_eq!(
            date(UnixTime::from_secs(0)),
            "1970-01-01T00:00:00Z (unix 0)"
        );
        assert_eq!(
            date(UnixTime::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z (unix 951782400)"
        );
    }

    #[test]
    fn demo_step_accepts_the_genuine_token_and_refuses_the_others() {
        let mut out = Vec::new();
        demo_step(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        println!("{text}");
        assert!(
            text.contains("-> accepted: user 787807429511, AAL3 (AAL3_ANY)"),
            "{text}"
        );
        assert!(
            text.contains(
                "S8001:G8002:R8008 \"Admin/Clinical Support Access Role\" at organisation Y51"
            ),
            "{text}"
        );
        assert!(
            text.contains("-> refused: the signature is not valid"),
            "{text}"
        );
        assert!(text.contains("-> refused: audience check failed"), "{text}");
    }
}
