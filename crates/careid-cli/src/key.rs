//! `careid key ...`: FIDO2 security keys. The built-in simulated key (`--sim`: careid-keysim
//! behind careid's own CTAPHID framing) or, with the `hid` feature, a real key; every
//! registration and login is then verified as a relying party would (careid::fido).

use crate::CliError;
use careid::fido::rand_core::SeedableRng as _;
use careid::fido::{
    Aaguid, AssertionResponse, AttestationClass, AttestationRoots, AttestationTrust,
    AttestationType, AuthenticatorAssurance, AuthenticatorInfo, ClientDataType,
    CollectedClientData, CounterCheck, CredentialDescriptor, CredentialRecord, CtapError,
    GetAssertionRequest, GetAssertionResponse, Keepalive, KeepaliveStatus, MakeCredentialRequest,
    Permissions, Pin, PinUvAuthParam, RegistrationResponse, RpEntity, UserEntity, UserVerification,
    VerifiedAssertion, VerifiedRegistration, WebAuthnError, WebAuthnPolicy,
};
use careid::x509::{Time, TrustAnchor};
use careid_keysim::KeySim;
use clap::{ArgGroup, Args, Subcommand};
use rand_chacha::ChaCha20Rng;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The simulated key's PIN.
pub(crate) const SIM_PIN: &str = "1234";
/// The simulated key's seed: the same key (and the same wrapped credentials) in every run.
const SIM_SEED: u64 = 0x0ca5_e1d0_f1d0;

/// `careid key` subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum KeyCommand {
    /// List security keys: the FIDO HID devices plugged in (`hid` feature), or the simulated
    /// key with --sim.
    List(ListArgs),
    /// Show what a key says about itself (authenticatorGetInfo) and its PIN retries.
    Info(KeyArgs),
    /// Register a credential for a relying party on the key, verify the registration as the
    /// relying party would, and write the credential record to --out.
    Register(RegisterArgs),
    /// Log in with a registered credential (--credential), verify the assertion, and write
    /// the updated record (the new signature counter) back.
    Login(LoginArgs),
}

/// Arguments of `careid key list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List the built-in simulated key instead of HID devices.
    #[arg(long)]
    pub sim: bool,
}

/// Which key to use.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("key").required(true).args(["sim", "device"])))]
pub struct KeyArgs {
    /// Use the built-in simulated key (PIN 1234).
    #[arg(long)]
    pub sim: bool,
    /// Use the security key at this HID path, as `careid key list` shows it (`hid` feature).
    #[arg(long)]
    pub device: Option<String>,
}

/// The relying party and the user verification settings of a ceremony.
#[derive(Debug, Args)]
pub struct CeremonyArgs {
    /// The key.
    #[command(flatten)]
    pub key: KeyArgs,
    /// The relying party ID (a domain).
    #[arg(long, default_value = "careid.example")]
    pub rp_id: String,
    /// The origin the clientDataJSON names (default `https://<rp-id>`).
    #[arg(long)]
    pub origin: Option<String>,
    /// The key's PIN. Without it careid asks for it without echoing. (A PIN on the command
    /// line is visible to other users of the machine: use it only with test keys.)
    #[arg(long)]
    pub pin: Option<String>,
    /// Do not verify the user (no PIN): a single-factor ceremony, and the policy does not
    /// require UV.
    #[arg(long, conflicts_with = "pin")]
    pub no_uv: bool,
}

/// Arguments of `careid key register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The key and the relying party.
    #[command(flatten)]
    pub ceremony: CeremonyArgs,
    /// Where to write the credential record.
    #[arg(long)]
    pub out: PathBuf,
    /// A trusted attestation root certificate (DER), for real keys; repeatable. The simulated
    /// key's test attestation root is always trusted for it.
    #[arg(long = "attestation-root")]
    pub attestation_roots: Vec<PathBuf>,
    /// Refuse the registration unless its attestation chains to a trusted root.
    #[arg(long)]
    pub require_trusted_attestation: bool,
}

/// Arguments of `careid key login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The key and the relying party.
    #[command(flatten)]
    pub ceremony: CeremonyArgs,
    /// The credential record `careid key register` wrote; updated in place after a login.
    #[arg(long)]
    pub credential: PathBuf,
}

pub(crate) fn run(cmd: &KeyCommand, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match cmd {
        KeyCommand::List(args) => list(args.sim, out),
        KeyCommand::Info(args) => info(args, out),
        KeyCommand::Register(args) => register(args, out),
        KeyCommand::Login(args) => login(args, out),
    }
}

/// The careid demo's security-key step: register the simulated key, log in, then show the
/// refusals of a cloned key (its counter went backwards) and of a phishing origin.
pub(crate) fn demo_step(out: &mut dyn Write) -> Result<(), CliError> {
    let failed = |step: &str| CliError::DemoFailed {
        step: format!("security key: {step}"),
    };
    writeln!(
        out,
        "Security keys (CIS2): register a FIDO2 key, then log in with it"
    )?;
    writeln!(
        out,
        "  A security key makes a new key pair for each site and signs each login challenge"
    )?;
    writeln!(
        out,
        "  after a touch and its PIN. careid talks to the built-in simulated key over the same"
    )?;
    writeln!(
        out,
        "  USB HID protocol (CTAPHID) a real key speaks, then checks everything the way the"
    )?;
    writeln!(out, "  relying party must (WebAuthn §7).")?;
    let origin = "https://careid.example";
    let policy = sim_policy("careid.example", origin, UserVerification::Required, true)?;
    let mut rng = ChaCha20Rng::seed_from_u64(SIM_SEED);
    let sim = KeySim::new(SIM_SEED).with_pin(SIM_PIN)?;
    let mut key = careid::fido::Authenticator::open(sim, &mut rng)?;
    let pin = Pin::new(SIM_PIN)?;
    let reg = sim_register(
        &mut key,
        &policy,
        "careid.example",
        origin,
        Some(&pin),
        &mut rng,
    )
    .map_err(|_| failed("registration"))?;
    writeln!(
        out,
        "  Registration: PIN {SIM_PIN} accepted, key touched, packed attestation chained to the"
    )?;
    writeln!(
        out,
        "    test attestation root; assurance: {}.",
        describe_assurance(reg.assurance())
    )?;
    let record = reg.into_credential();
    let login = sim_login(
        &mut key,
        &policy,
        "careid.example",
        origin,
        &record,
        Some(&pin),
        &mut rng,
    )
    .map_err(|_| failed("login"))?;
    writeln!(
        out,
        "  Login: signature valid, user verified, counter {} -> {}.",
        record.sign_count(),
        login.updated_credential().sign_count()
    )?;
    let record = login.updated_credential().clone();
    // A copied key: its counter lags behind the original's.
    key.device_mut().transport_mut().set_sign_count(0);
    match sim_login(
        &mut key,
        &policy,
        "careid.example",
        origin,
        &record,
        Some(&pin),
        &mut rng,
    ) {
        Err(err @ WebAuthnError::CounterRegression { .. }) => {
            writeln!(
                out,
                "  A copied key (its counter wound back): refused, \"{err}\"."
            )?;
        }
        _ => return Err(failed("counter regression refusal")),
    }
    // A phishing site: the key signs for another origin; the relying party refuses it.
    match sim_login(
        &mut key,
        &policy,
        "careid.example",
        "https://careid.example.evil.invalid",
        &record,
        Some(&pin),
        &mut rng,
    ) {
        Err(err @ WebAuthnError::OriginNotAllowed) => {
            writeln!(
                out,
                "  A look-alike site asking for the same login: refused, \"{err}\"."
            )?;
        }
        _ => return Err(failed("wrong origin refusal")),
    }
    Ok(())
}

fn list(sim: bool, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if sim {
        writeln!(
            out,
            "simulated key (careid-keysim), AAGUID {}",
            Aaguid(careid_testkit::KEYSIM_AAGUID)
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    hid::list(out)
}

fn info(args: &KeyArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let (info, retries) = if args.sim {
        let mut key = open_sim(0)?;
        let retries = key.pin_retries()?.retries;
        (key.info().clone(), retries)
    } else {
        hid::info(device(args)?)?
    };
    describe_info(&info, out)?;
    if info.option("clientPin") == Some(true) {
        writeln!(out, "PIN retries: {retries}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn register(args: &RegisterArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let c = &args.ceremony;
    let origin = origin(c);
    let uv = if c.no_uv {
        UserVerification::NotRequired
    } else {
        UserVerification::Required
    };
    let mut rng = os_rng()?;
    let result = if c.key.sim {
        let policy = sim_policy(&c.rp_id, &origin, uv, args.require_trusted_attestation)?;
        let pin = read_pin(c)?;
        let mut key = open_sim(0)?;
        writeln!(
            out,
            "key: simulated (careid-keysim); touch it when asked (it touches itself)"
        )?;
        sim_register(&mut key, &policy, &c.rp_id, &origin, pin.as_ref(), &mut rng)
    } else {
        let mut roots = Vec::new();
        for path in &args.attestation_roots {
            let der = read_file(path)?;
            roots.push(TrustAnchor::from_der(&der)?);
        }
        let mut builder = WebAuthnPolicy::builder(c.rp_id.as_str())
            .origin(origin.as_str())
            .user_verification(uv)
            .attestation_roots(AttestationRoots::new().with_roots_for_any_model(roots));
        if args.require_trusted_attestation {
            builder = builder.require_trusted_attestation();
        }
        let policy = builder.build().map_err(policy_error)?;
        hid::register(device(&c.key)?, c, &policy, &origin, &mut rng, out)?
    };
    match result {
        Ok(reg) => {
            describe_registration(&reg, out)?;
            write_file(&args.out, &reg.credential().to_bytes())?;
            writeln!(out, "credential record written to {}", args.out.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            writeln!(out, "registration refused: {err}")?;
            Ok(ExitCode::from(1))
        }
    }
}

fn login(args: &LoginArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let c = &args.ceremony;
    let origin = origin(c);
    let uv = if c.no_uv {
        UserVerification::NotRequired
    } else {
        UserVerification::Required
    };
    let record = CredentialRecord::from_bytes(&read_file(&args.credential)?).map_err(|_| {
        CliError::Decode {
            what: "the credential record",
            expected: "a record written by `careid key register`",
        }
    })?;
    let mut rng = os_rng()?;
    let result = if c.key.sim {
        let policy = sim_policy(&c.rp_id, &origin, uv, false)?;
        let pin = read_pin(c)?;
        // The simulated key keeps no state between runs: it starts where the record's counter
        // left it (a real key keeps its own).
        let mut key = open_sim(record.sign_count())?;
        sim_login(
            &mut key,
            &policy,
            &c.rp_id,
            &origin,
            &record,
            pin.as_ref(),
            &mut rng,
        )
    } else {
        let policy = WebAuthnPolicy::builder(c.rp_id.as_str())
            .origin(origin.as_str())
            .user_verification(uv)
            .build()
            .map_err(policy_error)?;
        hid::login(device(&c.key)?, c, &policy, &origin, &record, &mut rng, out)?
    };
    match result {
        Ok(login) => {
            writeln!(
                out,
                "logged in with credential {}",
                hex::encode(login.credential_id())
            )?;
            writeln!(
                out,
                "  user present: {}, user verified: {}",
                login.user_present(),
                login.user_verified()
            )?;
            writeln!(
                out,
                "  signature counter: {}",
                describe_counter(login.counter(), login.updated_credential().sign_count())
            )?;
            writeln!(
                out,
                "  assurance: {}",
                describe_assurance(login.assurance())
            )?;
            write_file(&args.credential, &login.updated_credential().to_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            writeln!(out, "login refused: {err}")?;
            Ok(ExitCode::from(1))
        }
    }
}

fn sim_policy(
    rp_id: &str,
    origin: &str,
    uv: UserVerification,
    trusted: bool,
) -> Result<WebAuthnPolicy, CliError> {
    let root = TrustAnchor::from_der(&careid_testkit::TestAttestationCa::get().root)?;
    let mut builder = WebAuthnPolicy::builder(rp_id)
        .origin(origin)
        .user_verification(uv)
        .attestation_roots(
            AttestationRoots::new().with_roots(Aaguid(careid_testkit::KEYSIM_AAGUID), vec![root]),
        );
    if trusted {
        builder = builder.require_trusted_attestation();
    }
    builder.build().map_err(policy_error)
}

fn open_sim(sign_count: u32) -> Result<careid::fido::Authenticator<KeySim>, CliError> {
    let mut sim = KeySim::new(SIM_SEED).with_pin(SIM_PIN)?;
    sim.set_sign_count(sign_count);
    let mut rng = os_rng()?;
    Ok(careid::fido::Authenticator::open(sim, &mut rng)?)
}

/// Registers on the simulated key through careid's CTAPHID framing and verifies.
fn sim_register(
    key: &mut careid::fido::Authenticator<KeySim>,
    policy: &WebAuthnPolicy,
    rp_id: &str,
    origin: &str,
    pin: Option<&Pin>,
    rng: &mut ChaCha20Rng,
) -> Result<VerifiedRegistration, WebAuthnError> {
    let challenge = random::<32>(rng);
    let user_handle = random::<16>(rng);
    let client_data = CollectedClientData::new(ClientDataType::Create, &challenge, origin, false);
    let mut request = MakeCredentialRequest::new(
        *client_data.hash(),
        RpEntity::new(rp_id, None),
        UserEntity::new(user_handle.to_vec(), Some("demo user".into()), None),
    );
    request.pin_uv_auth = pin_auth(
        key,
        pin,
        Permissions::MAKE_CREDENTIAL,
        rp_id,
        rng,
        client_data.hash(),
    )?;
    let object = key
        .make_credential(&request, &mut touch_hook)
        .or_else(refusal_value)?;
    policy.verify_registration(
        &challenge,
        &user_handle,
        &RegistrationResponse::new(client_data.json(), &object.to_webauthn_bytes()),
        now(),
    )
}

/// With a PIN, a pinUvAuthToken for `permissions` on `rp_id` from the simulated key, and its
/// MAC over the clientDataHash (CTAP 2.1 §6.5.5.7); without one, nothing.
fn pin_auth(
    key: &mut careid::fido::Authenticator<KeySim>,
    pin: Option<&Pin>,
    permissions: Permissions,
    rp_id: &str,
    rng: &mut ChaCha20Rng,
    client_data_hash: &[u8],
) -> Result<Option<PinUvAuthParam>, WebAuthnError> {
    let Some(pin) = pin else {
        return Ok(None);
    };
    let token = key
        .pin_uv_auth_token(pin, permissions, Some(rp_id), rng)
        .or_else(refusal_value)?;
    Ok(Some(token.authenticate(client_data_hash)))
}

/// Logs in on the simulated key and verifies.
fn sim_login(
    key: &mut careid::fido::Authenticator<KeySim>,
    policy: &WebAuthnPolicy,
    rp_id: &str,
    origin: &str,
    record: &CredentialRecord,
    pin: Option<&Pin>,
    rng: &mut ChaCha20Rng,
) -> Result<VerifiedAssertion, WebAuthnError> {
    let challenge = random::<32>(rng);
    let client_data = CollectedClientData::new(ClientDataType::Get, &challenge, origin, false);
    let mut request = GetAssertionRequest::new(
        rp_id,
        *client_data.hash(),
        vec![CredentialDescriptor::new(record.id().to_vec())],
    );
    request.pin_uv_auth = pin_auth(
        key,
        pin,
        Permissions::GET_ASSERTION,
        rp_id,
        rng,
        client_data.hash(),
    )?;
    let signed = key
        .get_assertion(&request, &mut touch_hook)
        .or_else(refusal_value)?;
    check_assertion(policy, &challenge, record, &client_data, signed)
}

/// The relying party's side of a login, the same for the simulated and real keys: the key's
/// answer verified against the stored credential record (WebAuthn §7.2).
fn check_assertion(
    policy: &WebAuthnPolicy,
    challenge: &[u8],
    record: &CredentialRecord,
    client_data: &CollectedClientData,
    signed: GetAssertionResponse,
) -> Result<VerifiedAssertion, WebAuthnError> {
    let id = signed.credential.map(|c| c.id).unwrap_or_default();
    policy.verify_assertion(
        challenge,
        &[record.id()],
        record,
        &AssertionResponse::new(
            &id,
            client_data.json(),
            signed.auth_data.as_bytes(),
            &signed.signature,
        )
        .with_user_handle(record.user_handle()),
    )
}

/// A CTAP failure during a ceremony, as the verifier's refusal type so the command reports
/// it on its output with exit status 1 (a wrong PIN, a declined touch).
fn refusal_value<T>(err: CtapError) -> Result<T, WebAuthnError> {
    Err(WebAuthnError::Ctap(err))
}

/// The simulated key "touches itself" after one keepalive; a real key's prompt is printed
/// before the call.
fn touch_hook(_status: KeepaliveStatus) -> Keepalive {
    Keepalive::Continue
}

fn describe_info(info: &AuthenticatorInfo, out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(out, "versions: {}", info.versions.join(", "))?;
    writeln!(out, "AAGUID: {}", info.aaguid)?;
    let options: Vec<String> = info
        .options
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    writeln!(out, "options: {}", options.join(", "))?;
    let protocols: Vec<String> = info
        .pin_uv_auth_protocols
        .iter()
        .map(u64::to_string)
        .collect();
    writeln!(out, "PIN/UV auth protocols: {}", protocols.join(", "))?;
    let algorithms: Vec<String> = info.algorithms.iter().map(i64::to_string).collect();
    if !algorithms.is_empty() {
        writeln!(out, "algorithms (COSE): {}", algorithms.join(", "))?;
    }
    if let Some(n) = info.max_msg_size {
        writeln!(out, "maxMsgSize: {n}")?;
    }
    Ok(())
}

fn describe_registration(reg: &VerifiedRegistration, out: &mut dyn Write) -> Result<(), CliError> {
    let record = reg.credential();
    writeln!(
        out,
        "registered credential {} ({})",
        hex::encode(record.id()),
        record.algorithm().jose_name()
    )?;
    writeln!(out, "  authenticator model (AAGUID): {}", record.aaguid())?;
    let att = reg.attestation();
    let kind = match att.kind {
        AttestationType::None => "none",
        AttestationType::SelfAttestation => "self",
        _ => "basic",
    };
    let trust = match (&att.trust, record.attestation()) {
        (AttestationTrust::Trusted(path), _) => format!(
            "trusted ({} certificates to a configured root)",
            path.certificates().len()
        ),
        (_, AttestationClass::Untrusted) => {
            "not trusted (no root configured for this model)".into()
        }
        _ => "nothing to trust".into(),
    };
    writeln!(out, "  attestation: {} ({kind}), {trust}", att.format)?;
    writeln!(
        out,
        "  user verified: {}; assurance: {}",
        record.user_verified_at_registration(),
        describe_assurance(reg.assurance())
    )?;
    Ok(())
}

fn describe_assurance(a: AuthenticatorAssurance) -> &'static str {
    match a {
        AuthenticatorAssurance::SingleFactor => "single factor (user present only)",
        AuthenticatorAssurance::MultiFactorHardware => {
            "multi-factor hardware (user verified, attested, not syncable: AAL3-eligible)"
        }
        _ => "multi-factor (user verified; hardware not proven: at most AAL2)",
    }
}

fn describe_counter(check: CounterCheck, now: u32) -> String {
    match check {
        CounterCheck::Increased => format!("{now} (increased)"),
        CounterCheck::NotSupported => "not kept by this key".into(),
        CounterCheck::Regressed { stored, received } => {
            format!("{received}, NOT above the stored {stored}: possible cloned key")
        }
        _ => now.to_string(),
    }
}

fn origin(c: &CeremonyArgs) -> String {
    c.origin
        .clone()
        .unwrap_or_else(|| format!("https://{}", c.rp_id))
}

fn read_pin(c: &CeremonyArgs) -> Result<Option<Pin>, CliError> {
    if c.no_uv {
        return Ok(None);
    }
    let text = match &c.pin {
        Some(pin) => pin.clone(),
        None => rpassword::prompt_password("Security key PIN: ").map_err(CliError::Write)?,
    };
    Ok(Some(Pin::new(&text)?))
}

fn device(args: &KeyArgs) -> Result<&str, CliError> {
    args.device.as_deref().ok_or(CliError::Decode {
        what: "the key choice",
        expected: "--sim or --device",
    })
}

fn policy_error(_: WebAuthnError) -> CliError {
    CliError::Decode {
        what: "the relying party settings",
        expected: "an RP ID and an origin",
    }
}

fn now() -> Time {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Time::from_unix_seconds(secs)
}

fn os_rng() -> Result<ChaCha20Rng, CliError> {
    use ring::rand::SecureRandom as _;
    let mut seed = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut seed)
        .map_err(|_| CliError::Decode {
            what: "the system random number generator",
            expected: "available",
        })?;
    Ok(ChaCha20Rng::from_seed(seed))
}

fn random<const N: usize>(rng: &mut ChaCha20Rng) -> [u8; N] {
    use careid::fido::rand_core::Rng as _;
    let mut out = [0u8; N];
    rng.fill_bytes(&mut out);
    out
}

fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Real keys (`hid` feature).
#[cfg(feature = "hid")]
mod hid {
    use super::*;
    use careid::fido::hid::{HidAuthentication, HidKey, HidKeyOptions, HidRegistration, list_keys};

    pub(super) fn list(out: &mut dyn Write) -> Result<ExitCode, CliError> {
        let keys = list_keys()?;
        if keys.is_empty() {
            writeln!(out, "no FIDO security key found")?;
        }
        for k in keys {
            writeln!(
                out,
                "{}  {:04x}:{:04x}  {} {}",
                k.path, k.vendor_id, k.product_id, k.manufacturer, k.product
            )?;
        }
        Ok(ExitCode::SUCCESS)
    }

    pub(super) fn info(path: &str) -> Result<(AuthenticatorInfo, u64), CliError> {
        let key = HidKey::new(path, HidKeyOptions::default());
        let info = key.info()?;
        let retries = if info.option("clientPin") == Some(true) {
            key.pin_retries()?.retries
        } else {
            0
        };
        Ok((info, retries))
    }

    pub(super) fn register(
        path: &str,
        c: &CeremonyArgs,
        policy: &WebAuthnPolicy,
        origin: &str,
        rng: &mut ChaCha20Rng,
        out: &mut dyn Write,
    ) -> Result<Result<VerifiedRegistration, WebAuthnError>, CliError> {
        let key = HidKey::new(path, HidKeyOptions::default());
        let pin = read_pin(c)?;
        let challenge = random::<32>(rng);
        let user_handle = random::<16>(rng);
        let client_data =
            CollectedClientData::new(ClientDataType::Create, &challenge, origin, false);
        let mut request = HidRegistration::new(&c.rp_id, client_data.json());
        if let Some(pin) = &pin {
            request = request.with_pin(pin);
        }
        writeln!(out, "touch the security key")?;
        out.flush()?;
        let object = match key.register(&request) {
            Ok(o) => o,
            Err(e) => return Ok(Err(WebAuthnError::Ctap(e))),
        };
        Ok(policy.verify_registration(
            &challenge,
            &user_handle,
            &RegistrationResponse::new(client_data.json(), &object.to_webauthn_bytes()),
            now(),
        ))
    }

    pub(super) fn login(
        path: &str,
        c: &CeremonyArgs,
        policy: &WebAuthnPolicy,
        origin: &str,
        record: &CredentialRecord,
        rng: &mut ChaCha20Rng,
        out: &mut dyn Write,
    ) -> Result<Result<VerifiedAssertion, WebAuthnError>, CliError> {
        let key = HidKey::new(path, HidKeyOptions::default());
        let pin = read_pin(c)?;
        let challenge = random::<32>(rng);
        let client_data = CollectedClientData::new(ClientDataType::Get, &challenge, origin, false);
        let allow = [record.id().to_vec()];
        let mut request = HidAuthentication::new(&c.rp_id, client_data.json(), &allow);
        if let Some(pin) = &pin {
            request = request.with_pin(pin);
        }
        writeln!(out, "touch the security key")?;
        out.flush()?;
        let signed = match key.authenticate(&request) {
            Ok(s) => s,
            Err(e) => return Ok(Err(WebAuthnError::Ctap(e))),
        };
        Ok(check_assertion(
            policy,
            &challenge,
            record,
            &client_data,
            signed,
        ))
    }
}

/// Without the `hid` feature real keys are out of reach.
#[cfg(not(feature = "hid"))]
mod hid {
    use super::*;

    fn missing() -> CliError {
        CliError::FeatureMissing {
            feature: "hid",
            what: "real security keys",
        }
    }

    pub(super) fn list(_: &mut dyn Write) -> Result<ExitCode, CliError> {
        Err(missing())
    }

    pub(super) fn info(_: &str) -> Result<(AuthenticatorInfo, u64), CliError> {
        Err(missing())
    }

    pub(super) fn register(
        _: &str,
        _: &CeremonyArgs,
        _: &WebAuthnPolicy,
        _: &str,
        _: &mut ChaCha20Rng,
        _: &mut dyn Write,
    ) -> Result<Result<VerifiedRegistration, WebAuthnError>, CliError> {
        Err(missing())
    }

    pub(super) fn login(
        _: &str,
        _: &CeremonyArgs,
        _: &WebAuthnPolicy,
        _: &str,
        _: &CredentialRecord,
        _: &mut ChaCha20Rng,
        _: &mut dyn Write,
    ) -> Result<Result<VerifiedAssertion, WebAuthnError>, CliError> {
        Err(missing())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_step_registers_logs_in_and_refuses() {
        let mut out = Vec::new();
        demo_step(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Registration: PIN 1234 accepted"), "{text}");
        assert!(text.contains("multi-factor hardware"), "{text}");
        assert!(text.contains("counter 1 -> 2"), "{text}");
        assert!(text.contains("possible cloned authenticator"), "{text}");
        assert!(text.contains("origin is not an allowed origin"), "{text}");
    }
}
