//! The CIS2 claim model (CIS2.md §5, §6): one vocabulary of every claim CIS2 ID tokens,
//! access tokens, logout tokens and UserInfo responses carry, decoded in one strict pass.

use crate::UnixTime;
use crate::error::{ClaimProblem, Error, Input};
use crate::json::{self, Ctx, Names, Raw, Span, Text};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;

mod fast;

/// A decoded claims set: a JWT payload (RFC 7519 §4) or a UserInfo response (OIDC Core
/// §5.3.2), in the CIS2 vocabulary.
///
/// Decoding is strict about JSON (duplicate members anywhere, nesting beyond the limit and
/// invalid UTF-8 are errors) and tolerant where CIS2 varies (CIS2.md §6): `aud` is a string or
/// a non-empty array of strings; assurance levels are integers or digit strings, and any other
/// value becomes [`AssuranceLevel::Unknown`] rather than an error; both spellings of the
/// identity assurance claim are read. Known claims with the wrong JSON type are errors
/// ([`Error::InvalidClaim`]); unknown claims are kept unchanged ([`Claims::extra`]).
///
/// Decoding checks nothing about the values: a `Claims` is not evidence of anything. The
/// verifiers of [`RelyingParty`](crate::RelyingParty) return `Verified*` types that hold one.
///
/// Strings without JSON escapes are not copied: the claims index the decoded text.
#[derive(Clone)]
pub struct Claims {
    text: String,
    /// For each known claim, its position in `slots` plus one; 0 when absent.
    index: [u8; Claim::COUNT],
    /// The known claims present, in document order.
    slots: Vec<Slot>,
    extra: Vec<(Text, Span)>,
}

/// An assurance level claim (`id_assurance_level`, `idassurancelevel`,
/// `authentication_assurance_level`; CIS2.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AssuranceLevel {
    /// A level in range: 0-3 for identity assurance, 1-3 for authentication assurance, given
    /// as a JSON integer or a decimal digit string.
    Level(u8),
    /// Any other value, as its JSON text. It fails every threshold.
    Unknown(Box<str>),
}

impl AssuranceLevel {
    /// The level, if it is one.
    pub fn level(&self) -> Option<u8> {
        match self {
            Self::Level(level) => Some(*level),
            Self::Unknown(_) => None,
        }
    }

    /// Interprets the JSON text of a level claim: an integer, or a string of decimal digits,
    /// within `min..=max`.
    fn from_json_text(raw: &str, min: u8, max: u8) -> Self {
        let digits = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        let level = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u8>().ok())
            .flatten()
            .filter(|level| (min..=max).contains(level));
        match level {
            Some(level) => Self::Level(level),
            None => Self::Unknown(raw.into()),
        }
    }
}

impl core::fmt::Display for AssuranceLevel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Level(level) => write!(f, "{level}"),
            Self::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

/// A claim careid does not know, kept as it was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraClaim<'a> {
    name: &'a str,
    json: &'a str,
}

impl<'a> ExtraClaim<'a> {
    /// The claim name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The value's JSON text, exactly as received.
    pub fn json(&self) -> &'a str {
        self.json
    }

    /// The value, parsed. (It was validated when the claims were decoded, so this is `None`
    /// only if that invariant is ever broken.)
    pub fn to_value(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.json).ok()
    }
}

/// The guaranteed authentication assurance level of a CIS2 `acr` value (CIS2.md §8):
/// `AAL<n>_<METHOD>` guarantees level n (1-3), `AAL<a>_OR_AAL<b>_<METHOD>` the lower of a and b
/// (`AAL2_OR_AAL3_ANY` is 2); anything else guarantees nothing (`None`).
///
/// "The acr claim states that the business rules for the class were satisfied, it is not
/// intended to indicate how they were satisfied" (NHS CIS2 acr guidance), so the method part
/// only has to be present.
///
/// ```
/// use careid_assert::acr_level;
/// assert_eq!(acr_level("AAL3_ANY"), Some(3));
/// assert_eq!(acr_level("AAL2_OR_AAL3_ANY"), Some(2));
/// assert_eq!(acr_level("AAL1_USERPASS"), Some(1));
/// assert_eq!(acr_level("urn:mace:incommon:iap:silver"), None);
/// ```
pub fn acr_level(acr: &str) -> Option<u8> {
    let mut rest = acr;
    let mut level: Option<u8> = None;
    loop {
        let after = rest.strip_prefix("AAL")?;
        let digit = after.bytes().next().filter(|d| (b'1'..=b'3').contains(d))?;
        let this = digit.checked_sub(b'0')?;
        level = Some(level.map_or(this, |l| l.min(this)));
        let after = after.get(1..)?;
        match after.strip_prefix("_OR_") {
            Some(next) => rest = next,
            None => {
                let method = after.strip_prefix('_')?;
                let valid = !method.is_empty()
                    && method
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_');
                return valid.then_some(level).flatten();
            }
        }
    }
}

impl Claims {
    /// Decodes a JWT claims set (RFC 7519 §7.2 step 10) with the default nesting limit.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        Self::decode(json, Input::Claims, json::DEFAULT_MAX_DEPTH)
    }

    /// Decodes a UserInfo response (OIDC Core §5.3.2) with the default nesting limit.
    pub fn from_userinfo_json(json: &[u8]) -> Result<Self, Error> {
        Self::decode(json, Input::UserInfo, json::DEFAULT_MAX_DEPTH)
    }

    pub(crate) fn decode(json: &[u8], input: Input, max_depth: usize) -> Result<Self, Error> {
        let text = json::utf8(json, input)?;
        Self::decode_text(text.to_owned(), input, max_depth)
    }

    pub(crate) fn decode_text(text: String, input: Input, max_depth: usize) -> Result<Self, Error> {
        // The scanner takes the common shape; anything else (and every error) goes through
        // serde_json.
        let parsed = match fast::decode(&text, max_depth) {
            Some(parsed) => {
                #[cfg(debug_assertions)]
                {
                    let ctx = Ctx::new(&text, input, max_depth);
                    let reference = json::parse_document(&ctx, ClaimsVisitor { ctx: &ctx });
                    debug_assert_eq!(reference.as_ref().ok(), Some(&parsed), "{text}");
                }
                parsed
            }
            None => {
                let ctx = Ctx::new(&text, input, max_depth);
                json::parse_document(&ctx, ClaimsVisitor { ctx: &ctx })?
            }
        };
        Ok(Self {
            text,
            index: parsed.index,
            slots: parsed.slots,
            extra: parsed.extra,
        })
    }

    /// The decoded JSON text of the claims set.
    pub fn json(&self) -> &str {
        &self.text
    }

    fn slot(&self, claim: Claim) -> &Slot {
        match self.index.get(claim.index()).copied().unwrap_or(0) {
            0 => &Slot::Empty,
            at => self.slots.get(usize::from(at) - 1).unwrap_or(&Slot::Empty),
        }
    }

    pub(crate) fn has(&self, claim: Claim) -> bool {
        self.index.get(claim.index()).is_some_and(|at| *at != 0)
    }

    pub(crate) fn text(&self, claim: Claim) -> Option<&str> {
        match self.slot(claim) {
            Slot::Text(text) => Some(text.get(&self.text)),
            _ => None,
        }
    }

    pub(crate) fn date(&self, claim: Claim) -> Option<UnixTime> {
        match self.slot(claim) {
            Slot::Date(date) => Some(*date),
            _ => None,
        }
    }

    fn level(&self, claim: Claim) -> Option<&AssuranceLevel> {
        match self.slot(claim) {
            Slot::Level(level) => Some(level),
            _ => None,
        }
    }

    pub(crate) fn raw(&self, claim: Claim) -> Option<&str> {
        match self.slot(claim) {
            Slot::Raw(span) => Some(span.get(&self.text)),
            _ => None,
        }
    }

    fn list(&self, claim: Claim) -> impl Iterator<Item = &str> {
        let items: &[Text] = match self.slot(claim) {
            Slot::List(items) => items,
            _ => &[],
        };
        items.iter().map(|item| item.get(&self.text))
    }

    // ---- Registered and OIDC claims ---------------------------------------------------------

    /// `iss` (RFC 7519 §4.1.1).
    pub fn iss(&self) -> Option<&str> {
        self.text(Claim::Iss)
    }

    /// `sub` (RFC 7519 §4.1.2): the 12-digit CIS2 user id.
    pub fn sub(&self) -> Option<&str> {
        self.text(Claim::Sub)
    }

    /// `aud` (RFC 7519 §4.1.3), whether a string or an array; empty when absent.
    pub fn audiences(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&Text>, &[Text]) = match self.slot(Claim::Aud) {
            Slot::Text(one) => (Some(one), &[]),
            Slot::List(many) => (None, many),
            _ => (None, &[]),
        };
        one.into_iter().chain(many).map(|aud| aud.get(&self.text))
    }

    /// The number of audiences (0 when `aud` is absent).
    pub fn audience_count(&self) -> usize {
        match self.slot(Claim::Aud) {
            Slot::Text(_) => 1,
            Slot::List(many) => many.len(),
            _ => 0,
        }
    }

    /// `exp` (RFC 7519 §4.1.4); a fractional NumericDate is truncated.
    pub fn exp(&self) -> Option<UnixTime> {
        self.date(Claim::Exp)
    }

    /// `iat` (RFC 7519 §4.1.6).
    pub fn iat(&self) -> Option<UnixTime> {
        self.date(Claim::Iat)
    }

    /// `nbf` (RFC 7519 §4.1.5).
    pub fn nbf(&self) -> Option<UnixTime> {
        self.date(Claim::Nbf)
    }

    /// `jti` (RFC 7519 §4.1.7).
    pub fn jti(&self) -> Option<&str> {
        self.text(Claim::Jti)
    }

    /// `auth_time` (OIDC Core §2).
    pub fn auth_time(&self) -> Option<UnixTime> {
        self.date(Claim::AuthTime)
    }

    /// `nonce` (OIDC Core §2).
    pub fn nonce(&self) -> Option<&str> {
        self.text(Claim::Nonce)
    }

    /// `acr` (OIDC Core §2), e.g. `AAL3_ANY`; see [`acr_level`].
    pub fn acr(&self) -> Option<&str> {
        self.text(Claim::Acr)
    }

    /// `amr` (OIDC Core §2), an open set (`N3_SMARTCARD`, `pwd`, ...); never decides AAL.
    pub fn amr(&self) -> impl Iterator<Item = &str> {
        self.list(Claim::Amr)
    }

    /// `azp` (OIDC Core §2).
    pub fn azp(&self) -> Option<&str> {
        self.text(Claim::Azp)
    }

    /// `sid` (OIDC Front-/Back-Channel Logout): keep it with the session (CIS2.md §7.1 item 19).
    pub fn sid(&self) -> Option<&str> {
        self.text(Claim::Sid)
    }

    /// `at_hash` (OIDC Core §3.1.3.6).
    pub fn at_hash(&self) -> Option<&str> {
        self.text(Claim::AtHash)
    }

    /// `c_hash` (OIDC Core §3.3.2.11).
    pub fn c_hash(&self) -> Option<&str> {
        self.text(Claim::CHash)
    }

    /// `s_hash` (FAPI 1.0 Part 2 §5.1): left half of the SHA-2 hash of `state`.
    pub fn s_hash(&self) -> Option<&str> {
        self.text(Claim::SHash)
    }

    /// `scope`, as a JSON array (ForgeRock) or a space-separated string (RFC 8693 §4.2).
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        let (spaced, list): (Option<&str>, &[Text]) = match self.slot(Claim::Scope) {
            Slot::Text(text) => (Some(text.get(&self.text)), &[]),
            Slot::List(list) => (None, list),
            _ => (None, &[]),
        };
        spaced
            .into_iter()
            .flat_map(|s| s.split(' '))
            .filter(|s| !s.is_empty())
            .chain(list.iter().map(|s| s.get(&self.text)))
    }

    /// `client_id` (RFC 9068 §2.2).
    pub fn client_id(&self) -> Option<&str> {
        self.text(Claim::ClientId)
    }

    /// `events` (RFC 8417 §2.2; OIDC Back-Channel Logout 1.0 §2.4) as JSON text.
    pub fn events_json(&self) -> Option<&str> {
        self.raw(Claim::Events)
    }

    // ---- CIS2 assurance and roles ----------------------------------------------------------

    /// `id_assurance_level` (CIS2.md §5.1; 0-3).
    pub fn id_assurance_level(&self) -> Option<&AssuranceLevel> {
        self.level(Claim::IdAssuranceLevel)
    }

    /// `idassurancelevel`, the older spelling (CIS2.md §5.1, §5.2; 0-3).
    pub fn idassurancelevel(&self) -> Option<&AssuranceLevel> {
        self.level(Claim::Idassurancelevel)
    }

    /// `authentication_assurance_level` (CIS2.md §5.1; 1-3).
    pub fn authentication_assurance_level(&self) -> Option<&AssuranceLevel> {
        self.level(Claim::AuthenticationAssuranceLevel)
    }

    /// The identity assurance level: the lower of the two spellings when both are present
    /// (CIS2.md §6); `None` when neither is, or when either is unknown.
    pub fn identity_assurance(&self) -> Option<u8> {
        match (self.id_assurance_level(), self.idassurancelevel()) {
            (None, None) => None,
            (Some(a), None) | (None, Some(a)) => a.level(),
            (Some(a), Some(b)) => Some(a.level()?.min(b.level()?)),
        }
    }

    /// The effective authentication assurance level (CIS2.md §8): the level `acr` guarantees,
    /// lowered to `authentication_assurance_level` when that is present; `None` when `acr` is
    /// absent or guarantees nothing, or the other claim is unknown.
    pub fn effective_aal(&self) -> Option<u8> {
        let acr = acr_level(self.acr()?)?;
        match self.authentication_assurance_level() {
            None => Some(acr),
            Some(level) => Some(acr.min(level.level()?)),
        }
    }

    /// `selected_roleid`: the user role profile chosen at login (CIS2.md §5.1).
    pub fn selected_roleid(&self) -> Option<&str> {
        self.text(Claim::SelectedRoleid)
    }

    /// The `nhsid_nrbac_roles` claim as JSON text (decode it with careid-rbac; the verifiers
    /// do).
    pub fn nrbac_roles_json(&self) -> Option<&str> {
        self.raw(Claim::NrbacRoles)
    }

    // ---- ForgeRock bookkeeping -------------------------------------------------------------

    /// `tokenName` (ForgeRock: `id_token`, `access_token`).
    pub fn token_name(&self) -> Option<&str> {
        self.text(Claim::TokenName)
    }

    /// `tokenType` (ForgeRock: `JWTToken`).
    pub fn forgerock_token_type(&self) -> Option<&str> {
        self.text(Claim::ForgerockTokenType)
    }

    /// `token_type` (access tokens: `Bearer`).
    pub fn token_type(&self) -> Option<&str> {
        self.text(Claim::TokenType)
    }

    /// `subname`.
    pub fn subname(&self) -> Option<&str> {
        self.text(Claim::Subname)
    }

    /// `auditTrackingId`.
    pub fn audit_tracking_id(&self) -> Option<&str> {
        self.text(Claim::AuditTrackingId)
    }

    /// `realm` (`/NHSIdentity/Healthcare`).
    pub fn realm(&self) -> Option<&str> {
        self.text(Claim::Realm)
    }

    // ---- UserInfo profile (CIS2.md §4, §5.2) -----------------------------------------------

    /// `uid` (scope `profile`).
    pub fn uid(&self) -> Option<&str> {
        self.text(Claim::Uid)
    }

    /// `nhsid_useruid` (scope `nhsperson`).
    pub fn nhsid_useruid(&self) -> Option<&str> {
        self.text(Claim::NhsidUseruid)
    }

    /// `name` (OIDC Core §5.1).
    pub fn name(&self) -> Option<&str> {
        self.text(Claim::Name)
    }

    /// `given_name` (OIDC Core §5.1).
    pub fn given_name(&self) -> Option<&str> {
        self.text(Claim::GivenName)
    }

    /// `family_name` (OIDC Core §5.1).
    pub fn family_name(&self) -> Option<&str> {
        self.text(Claim::FamilyName)
    }

    /// `display_name` (scope `nhsperson`).
    pub fn display_name(&self) -> Option<&str> {
        self.text(Claim::DisplayName)
    }

    /// `title` (scope `nhsperson`).
    pub fn title(&self) -> Option<&str> {
        self.text(Claim::Title)
    }

    /// `email` (OIDC Core §5.1).
    pub fn email(&self) -> Option<&str> {
        self.text(Claim::Email)
    }

    /// The JSON text of a claim careid keeps undecoded: `nhsid_user_orgs`,
    /// `nhsid_org_memberships`, `nhsid_org_roles`, `nhsid_nrbac_roles`, `events`, `expires_in`,
    /// or any unknown claim.
    pub fn json_of(&self, name: &str) -> Option<&str> {
        match Claim::from_name(name) {
            Some(claim) => self.raw(claim),
            None => self
                .extra()
                .find(|extra| extra.name == name)
                .map(|extra| extra.json),
        }
    }

    /// The claims careid does not know, in document order, unchanged.
    pub fn extra(&self) -> impl Iterator<Item = ExtraClaim<'_>> {
        self.extra.iter().map(|(name, span)| ExtraClaim {
            name: name.get(&self.text),
            json: span.get(&self.text),
        })
    }
}

impl core::fmt::Debug for Claims {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The claims are personal data (a staff member's id and roles) and a nonce; Debug shows
        // which claims are present, not their values.
        let present: Vec<&str> = Claim::ALL
            .iter()
            .filter(|claim| self.has(**claim))
            .map(|claim| claim.name())
            .chain(self.extra().map(|extra| extra.name))
            .collect();
        f.debug_struct("Claims")
            .field("present", &present)
            .finish_non_exhaustive()
    }
}

// ---- The vocabulary -------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Kind {
    /// A JSON string.
    Str,
    /// A NumericDate.
    Date,
    /// A string or a non-empty array of strings.
    Aud,
    /// An array of strings.
    List,
    /// A space-separated string or an array of strings.
    Scope,
    /// Identity assurance 0-3.
    Ial,
    /// Authentication assurance 1-3.
    Aal,
    /// Kept as JSON text.
    Raw,
}

macro_rules! vocabulary {
    ($($variant:ident = $index:literal, $name:literal, $kind:ident;)*) => {
        /// A claim careid knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Claim {
            $($variant,)*
        }

        impl Claim {
            const ALL: &'static [Self] = &[$(Self::$variant,)*];
            const COUNT: usize = Self::ALL.len();

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)*
                    _ => None,
                }
            }

            pub(crate) const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            const fn index(self) -> usize {
                match self {
                    $(Self::$variant => $index,)*
                }
            }

            const fn kind(self) -> Kind {
                match self {
                    $(Self::$variant => Kind::$kind,)*
                }
            }
        }
    };
}

vocabulary! {
    Iss = 0, "iss", Str;
    Sub = 1, "sub", Str;
    Aud = 2, "aud", Aud;
    Exp = 3, "exp", Date;
    Iat = 4, "iat", Date;
    Nbf = 5, "nbf", Date;
    Jti = 6, "jti", Str;
    AuthTime = 7, "auth_time", Date;
    Nonce = 8, "nonce", Str;
    Acr = 9, "acr", Str;
    Amr = 10, "amr", List;
    Azp = 11, "azp", Str;
    Sid = 12, "sid", Str;
    AtHash = 13, "at_hash", Str;
    CHash = 14, "c_hash", Str;
    SHash = 15, "s_hash", Str;
    Scope = 16, "scope", Scope;
    ClientId = 17, "client_id", Str;
    Events = 18, "events", Raw;
    SelectedRoleid = 19, "selected_roleid", Str;
    IdAssuranceLevel = 20, "id_assurance_level", Ial;
    Idassurancelevel = 21, "idassurancelevel", Ial;
    AuthenticationAssuranceLevel = 22, "authentication_assurance_level", Aal;
    NrbacRoles = 23, "nhsid_nrbac_roles", Raw;
    TokenName = 24, "tokenName", Str;
    ForgerockTokenType = 25, "tokenType", Str;
    TokenType = 26, "token_type", Str;
    Subname = 27, "subname", Str;
    AuditTrackingId = 28, "auditTrackingId", Str;
    Realm = 29, "realm", Str;
    ForgerockOps = 30, "org.forgerock.openidconnect.ops", Str;
    Cts = 31, "cts", Str;
    AuthGrantId = 32, "authGrantId", Str;
    GrantType = 33, "grant_type", Str;
    ExpiresIn = 34, "expires_in", Raw;
    Uid = 35, "uid", Str;
    NhsidUseruid = 36, "nhsid_useruid", Str;
    Name = 37, "name", Str;
    GivenName = 38, "given_name", Str;
    FamilyName = 39, "family_name", Str;
    DisplayName = 40, "display_name", Str;
    MiddleNames = 41, "middle_names", Str;
    Initials = 42, "initials", Str;
    Title = 43, "title", Str;
    Email = 44, "email", Str;
    UserOrgs = 45, "nhsid_user_orgs", Raw;
    OrgMemberships = 46, "nhsid_org_memberships", Raw;
    OrgRoles = 47, "nhsid_org_roles", Raw;
}

#[derive(Clone, Debug, Default, PartialEq)]
enum Slot {
    #[default]
    Empty,
    Text(Text),
    Date(UnixTime),
    List(Vec<Text>),
    Level(AssuranceLevel),
    Raw(Span),
}

// ---- The decoder ----------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct Parsed {
    index: [u8; Claim::COUNT],
    slots: Vec<Slot>,
    extra: Vec<(Text, Span)>,
}

struct ClaimsVisitor<'c, 'de> {
    ctx: &'c Ctx<'de>,
}

impl<'de> Visitor<'de> for ClaimsVisitor<'_, 'de> {
    type Value = Parsed;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a claims object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let ctx = self.ctx;
        let mut parsed = Parsed {
            index: [0; Claim::COUNT],
            // A CIS2 ID token has about 22 known claims.
            slots: Vec::with_capacity(24),
            extra: Vec::new(),
        };
        let mut names = Names::default();
        while let Some(name) = map.next_key_seed(json::KeySeed)? {
            match Claim::from_name(&name) {
                Some(claim) => {
                    if parsed.index.get(claim.index()).is_none_or(|at| *at != 0) {
                        return Err(ctx.duplicate(&name));
                    }
                    parsed
                        .slots
                        .push(map.next_value_seed(SlotSeed { ctx, claim })?);
                    if let Some(place) = parsed.index.get_mut(claim.index()) {
                        // At most Claim::COUNT (48) slots: the position always fits a u8.
                        *place = u8::try_from(parsed.slots.len()).unwrap_or(0);
                    }
                }
                None => {
                    if !names.insert(name.clone()) {
                        return Err(ctx.duplicate(&name));
                    }
                    let span = map.next_value_seed(Raw { ctx, depth: 2 })?;
                    let text = match name {
                        Cow::Borrowed(borrowed) => ctx.borrowed_text(borrowed),
                        Cow::Owned(owned) => Text::Owned(owned.into()),
                    };
                    parsed.extra.push((text, span));
                }
            }
        }
        Ok(parsed)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Parsed, A::Error> {
        Err(self.ctx.not_an_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Parsed, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Parsed, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Parsed, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Parsed, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Parsed, E> {
        Err(self.ctx.not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Parsed, E> {
        Err(self.ctx.not_an_object())
    }
}

/// Decodes one known claim's value according to its kind.
struct SlotSeed<'c, 'de> {
    ctx: &'c Ctx<'de>,
    claim: Claim,
}

impl<'de> DeserializeSeed<'de> for SlotSeed<'_, 'de> {
    type Value = Slot;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        let Self { ctx, claim } = self;
        match claim.kind() {
            Kind::Str => TextSeed { ctx, claim }.deserialize(d).map(Slot::Text),
            Kind::Date => d
                .deserialize_any(DateVisitor { ctx, claim })
                .map(Slot::Date),
            Kind::Aud | Kind::Scope | Kind::List => d.deserialize_any(TextsVisitor { ctx, claim }),
            Kind::Ial | Kind::Aal => {
                let span = Raw { ctx, depth: 2 }.deserialize(d)?;
                let (min, max) = if matches!(claim.kind(), Kind::Ial) {
                    (0, 3)
                } else {
                    (1, 3)
                };
                Ok(Slot::Level(AssuranceLevel::from_json_text(
                    span.get(ctx.base()),
                    min,
                    max,
                )))
            }
            Kind::Raw => Raw { ctx, depth: 2 }.deserialize(d).map(Slot::Raw),
        }
    }
}

fn wrong<E: de::Error>(ctx: &Ctx<'_>, claim: Claim, problem: ClaimProblem) -> E {
    ctx.fail(Error::InvalidClaim {
        claim: claim.name(),
        problem,
    })
}

/// Implements every `visit_*` a visitor does not accept as a parked claim error.
macro_rules! refuse {
    ($problem:expr; $($method:ident($($arg:ty)?)),*) => {
        $(
            fn $method<E: de::Error>(self $(, _: $arg)?) -> Result<Self::Value, E> {
                Err(wrong(self.ctx, self.claim, $problem))
            }
        )*
    };
}

struct TextSeed<'c, 'de> {
    ctx: &'c Ctx<'de>,
    claim: Claim,
}

impl<'de> DeserializeSeed<'de> for TextSeed<'_, 'de> {
    type Value = Text;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_, 'de> {
    type Value = Text;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text, E> {
        Ok(self.ctx.borrowed_text(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text::Owned(v.into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Text, A::Error> {
        Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Text, A::Error> {
        Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType))
    }
    refuse!(ClaimProblem::WrongType; visit_bool(bool), visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_unit());
}

/// A string (one audience, a space-separated scope) or an array of strings.
struct TextsVisitor<'c, 'de> {
    ctx: &'c Ctx<'de>,
    claim: Claim,
}

impl<'de> Visitor<'de> for TextsVisitor<'_, 'de> {
    type Value = Slot;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a string or an array of strings")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Slot, E> {
        if matches!(self.claim.kind(), Kind::List) {
            return Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType));
        }
        Ok(Slot::Text(self.ctx.borrowed_text(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Slot, E> {
        if matches!(self.claim.kind(), Kind::List) {
            return Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType));
        }
        Ok(Slot::Text(Text::Owned(v.into())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(16));
        while let Some(item) = seq.next_element_seed(TextSeed {
            ctx: self.ctx,
            claim: self.claim,
        })? {
            items.push(item);
        }
        if items.is_empty() && matches!(self.claim.kind(), Kind::Aud) {
            return Err(wrong(self.ctx, self.claim, ClaimProblem::EmptyArray));
        }
        Ok(Slot::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Slot, A::Error> {
        Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType))
    }
    refuse!(ClaimProblem::WrongType; visit_bool(bool), visit_i64(i64), visit_u64(u64), visit_f64(f64), visit_unit());
}

/// A NumericDate (RFC 7519 §2): a non-negative JSON number, fractions truncated.
struct DateVisitor<'c, 'de> {
    ctx: &'c Ctx<'de>,
    claim: Claim,
}

impl<'de> Visitor<'de> for DateVisitor<'_, 'de> {
    type Value = UnixTime;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a NumericDate")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<UnixTime, E> {
        i64::try_from(v)
            .map(UnixTime::from_secs)
            .map_err(|_| wrong(self.ctx, self.claim, ClaimProblem::BadNumericDate))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<UnixTime, E> {
        if v < 0 {
            return Err(wrong(self.ctx, self.claim, ClaimProblem::BadNumericDate));
        }
        Ok(UnixTime::from_secs(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<UnixTime, E> {
        // 2^63 as f64; every finite value below it truncates into i64.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if !(0.0..LIMIT).contains(&v) {
            return Err(wrong(self.ctx, self.claim, ClaimProblem::BadNumericDate));
        }
        // `v.trunc()` is an integer in [0, 2^63), and Rust prints floats without exponents,
        // so its decimal form parses as an i64 (no `as` cast, which would saturate silently).
        v.trunc()
            .to_string()
            .parse::<i64>()
            .map(UnixTime::from_secs)
            .map_err(|_| wrong(self.ctx, self.claim, ClaimProblem::BadNumericDate))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<UnixTime, A::Error> {
        Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<UnixTime, A::Error> {
        Err(wrong(self.ctx, self.claim, ClaimProblem::WrongType))
    }
    refuse!(ClaimProblem::WrongType; visit_bool(bool), visit_str(&str), visit_unit());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Result<Claims, Error> {
        Claims::from_json(json.as_bytes())
    }

    #[test]
    fn vocabulary_indexes_are_distinct_and_dense() {
        for (i, claim) in Claim::ALL.iter().enumerate() {
            assert_eq!(claim.index(), i, "{claim:?}");
            assert_eq!(Claim::from_name(claim.name()), Some(*claim));
        }
        const { assert!(Claim::COUNT < 255) };
    }

    #[test]
    fn audience_is_a_string_or_a_non_empty_array() {
        let one = claims(r#"{"aud":"a"}"#).unwrap();
        assert_eq!(one.audiences().collect::<Vec<_>>(), ["a"]);
        let many = claims(r#"{"aud":["a","b"]}"#).unwrap();
        assert_eq!(many.audiences().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(many.audience_count(), 2);
        assert_eq!(
            claims(r#"{"aud":[]}"#).unwrap_err(),
            Error::InvalidClaim {
                claim: "aud",
                problem: ClaimProblem::EmptyArray
            }
        );
        assert_eq!(
            claims(r#"{"aud":["a",1]}"#).unwrap_err(),
            Error::InvalidClaim {
                claim: "aud",
                problem: ClaimProblem::WrongType
            }
        );
    }

    #[test]
    fn numeric_dates() {
        let c = claims(r#"{"exp":1610565802,"iat":1610559702.9,"nbf":0}"#).unwrap();
        assert_eq!(c.exp(), Some(UnixTime::from_secs(1_610_565_802)));
        assert_eq!(c.iat(), Some(UnixTime::from_secs(1_610_559_702)));
        assert_eq!(c.nbf(), Some(UnixTime::from_secs(0)));
        for bad in [
            r#"{"exp":-1}"#,
            r#"{"exp":1e300}"#,
            r#"{"exp":18446744073709551615}"#,
        ] {
            assert_eq!(
                claims(bad).unwrap_err(),
                Error::InvalidClaim {
                    claim: "exp",
                    problem: ClaimProblem::BadNumericDate
                },
                "{bad}"
            );
        }
        assert_eq!(
            claims(r#"{"exp":"1610565802"}"#).unwrap_err(),
            Error::InvalidClaim {
                claim: "exp",
                problem: ClaimProblem::WrongType
            }
        );
    }

    #[test]
    fn assurance_levels_are_tolerant() {
        let c = claims(
            r#"{"id_assurance_level":"3","idassurancelevel":2,"authentication_assurance_level":"1"}"#,
        )
        .unwrap();
        assert_eq!(c.id_assurance_level(), Some(&AssuranceLevel::Level(3)));
        assert_eq!(c.identity_assurance(), Some(2));
        assert_eq!(
            c.authentication_assurance_level(),
            Some(&AssuranceLevel::Level(1))
        );
        for (raw, expected) in [
            ("4", AssuranceLevel::Unknown("4".into())),
            (r#""03""#, AssuranceLevel::Level(3)),
            (r#""three""#, AssuranceLevel::Unknown(r#""three""#.into())),
            ("3.0", AssuranceLevel::Unknown("3.0".into())),
            ("true", AssuranceLevel::Unknown("true".into())),
            ("[3]", AssuranceLevel::Unknown("[3]".into())),
        ] {
            let c = claims(&format!(r#"{{"id_assurance_level":{raw}}}"#)).unwrap();
            assert_eq!(c.id_assurance_level(), Some(&expected), "{raw}");
        }
        // 0 is an identity level but not an authentication level.
        let c = claims(r#"{"id_assurance_level":0,"authentication_assurance_level":0}"#).unwrap();
        assert_eq!(c.identity_assurance(), Some(0));
        assert_eq!(
            c.authentication_assurance_level(),
            Some(&AssuranceLevel::Unknown("0".into()))
        );
        // An unknown spelling makes the combination unknown.
        let c = claims(r#"{"id_assurance_level":3,"idassurancelevel":"x"}"#).unwrap();
        assert_eq!(c.identity_assurance(), None);
    }

    #[test]
    fn acr_levels() {
        for (acr, level) in [
            ("AAL3_ANY", Some(3)),
            ("AAL2_OR_AAL3_ANY", Some(2)),
            ("AAL3_OR_AAL2_ANY", Some(2)),
            ("AAL1_USERPASS", Some(1)),
            ("AAL3_N3_SMARTCARD", Some(3)),
            ("AAL2_TOTP", Some(2)),
            ("AAL4_ANY", None),
            ("AAL0_ANY", None),
            ("AAL3", None),
            ("AAL3_", None),
            ("aal3_any", None),
            ("AAL3_ANY ", None),
            ("AAL2_OR_", None),
            ("AAL2_OR_AAL", None),
            ("AAL2_ORACLE", Some(2)),
            ("AAL2_OR_AAL3_OR_AAL1_ANY", Some(1)),
            ("", None),
        ] {
            assert_eq!(acr_level(acr), level, "{acr}");
        }
    }

    #[test]
    fn effective_aal_is_the_lower_of_acr_and_the_level_claim() {
        let c = claims(r#"{"acr":"AAL3_ANY","authentication_assurance_level":2}"#).unwrap();
        assert_eq!(c.effective_aal(), Some(2));
        let c = claims(r#"{"acr":"AAL2_ANY","authentication_assurance_level":"3"}"#).unwrap();
        assert_eq!(c.effective_aal(), Some(2));
        let c = claims(r#"{"acr":"AAL3_ANY","authentication_assurance_level":"9"}"#).unwrap();
        assert_eq!(c.effective_aal(), None);
        let c = claims(r#"{"authentication_assurance_level":3}"#).unwrap();
        assert_eq!(c.effective_aal(), None);
    }

    #[test]
    fn unknown_claims_are_kept_and_escaped_strings_unescaped() {
        let c = claims(r#"{"sub":"a\u00e9b","x-custom":{"k":[1,2]},"sid":"s"}"#).unwrap();
        assert_eq!(c.sub(), Some("a\u{e9}b"));
        assert_eq!(c.sid(), Some("s"));
        let extra: Vec<_> = c.extra().collect();
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].name(), "x-custom");
        assert_eq!(extra[0].json(), r#"{"k":[1,2]}"#);
        assert_eq!(extra[0].to_value(), Some(serde_json::json!({"k": [1, 2]})));
        assert_eq!(c.json_of("x-custom"), Some(r#"{"k":[1,2]}"#));
    }

    #[test]
    fn unknown_numeric_claims_out_of_f64_range_are_refused() {
        // The cis2_claims fuzz target found 1e10559892 kept raw while serde_json refuses it.
        assert!(matches!(
            claims(r#"{"auth_tim6":1e10559892}"#),
            Err(Error::Json { .. })
        ));
        let ok = claims(r#"{"x":1e308}"#).unwrap();
        assert_eq!(
            ok.extra().next().unwrap().to_value(),
            Some(serde_json::json!(1e308))
        );
    }

    #[test]
    fn known_claims_with_the_wrong_type_are_errors() {
        assert_eq!(
            claims(r#"{"iss":5}"#).unwrap_err(),
            Error::InvalidClaim {
                claim: "iss",
                problem: ClaimProblem::WrongType
            }
        );
        assert_eq!(
            claims(r#"{"amr":"pwd"}"#).unwrap_err(),
            Error::InvalidClaim {
                claim: "amr",
                problem: ClaimProblem::WrongType
            }
        );
        assert_eq!(
            claims(r#"{"nonce":{"a":1}}"#).unwrap_err(),
            Error::InvalidClaim {
                claim: "nonce",
                problem: ClaimProblem::WrongType
            }
        );
    }

    #[test]
    fn duplicates_of_known_and_unknown_claims() {
        let dup = |member: &str| Error::DuplicateMember {
            input: Input::Claims,
            member: member.into(),
        };
        assert_eq!(claims(r#"{"sub":"a","sub":"b"}"#).unwrap_err(), dup("sub"));
        assert_eq!(claims(r#"{"x":1,"x":2}"#).unwrap_err(), dup("x"));
        assert_eq!(claims(r#"{"x":1,"\u0078":2}"#).unwrap_err(), dup("x"));
        assert_eq!(
            claims(r#"{"events":{"e":{},"e":{}}}"#).unwrap_err(),
            dup("e")
        );
    }

    #[test]
    fn scopes_in_both_forms() {
        let c = claims(r#"{"scope":"openid  nationalrbacaccess"}"#).unwrap();
        assert_eq!(
            c.scopes().collect::<Vec<_>>(),
            ["openid", "nationalrbacaccess"]
        );
        let c = claims(r#"{"scope":["openid","nationalrbacaccess"]}"#).unwrap();
        assert_eq!(
            c.scopes().collect::<Vec<_>>(),
            ["openid", "nationalrbacaccess"]
        );
    }

    #[test]
    fn debug_shows_names_not_values() {
        let c = claims(r#"{"sub":"787807429511","nonce":"secret-nonce"}"#).unwrap();
        let debug = format!("{c:?}");
        assert!(debug.contains("sub") && debug.contains("nonce"));
        assert!(!debug.contains("787807429511") && !debug.contains("secret-nonce"));
    }
}
