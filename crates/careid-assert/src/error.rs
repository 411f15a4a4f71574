//! The one error type of careid-assert, and the small enums its variants carry.

use crate::UnixTime;
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};

/// Everything that makes careid-assert refuse a token, a key set, a discovery document or a
/// relying-party input.
///
/// Each attack of CIS2.md §9 has its own variant (named in the variant docs); checks run in a
/// fixed order and the first failure is returned. Variants carry structured data, never a
/// formatted string; where a field holds text taken from the input (a member name, a `kid`, an
/// `iss`), it is that text, unchanged. No input makes this crate panic instead of returning one
/// of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---------------------------------------------------------------------------------------
    // Input limits and syntax (CIS2.md §7.1 item 1)
    // ---------------------------------------------------------------------------------------
    /// The input is larger than its limit; checked before any decoding (CIS2.md §9 "Token
    /// larger than the limit").
    #[error("the {input} is {actual} bytes, above the limit of {limit}")]
    TooLarge {
        /// Which input.
        input: Input,
        /// The limit in bytes.
        limit: usize,
        /// The input's size in bytes.
        actual: usize,
    },
    /// Not a compact JWS of three segments (RFC 7515 §7.1), or a signature segment that is
    /// empty (CIS2.md §9 "Extra segments, missing signature").
    #[error("the token is not a compact JWS: {reason}")]
    Malformed {
        /// What is wrong with the structure.
        reason: Malformed,
    },
    /// A JWE (five segments, RFC 7516 §7.1, or JWE header parameters) or a nested JWT
    /// (`cty: JWT`, RFC 7519 §5.2); careid accepts only signed, unencrypted, unnested tokens
    /// (CIS2.md §7.1 item 2, §9).
    #[error("{kind} tokens are not accepted")]
    NestedOrEncrypted {
        /// Which kind.
        kind: Nesting,
    },
    /// A segment that is not strict base64url: padding, `+` or `/`, whitespace, a length of
    /// 1 (mod 4), or non-zero trailing bits (RFC 7515 §2, RFC 4648 §5 and §3.5).
    #[error(
        "the {segment} is not strict base64url (RFC 7515 §2): bad symbol or length at offset {offset}"
    )]
    Base64 {
        /// Which segment.
        segment: Segment,
        /// Offset in the segment of the first offending character.
        offset: usize,
    },
    /// JSON text that is not UTF-8, or starts with a byte order mark (RFC 8259 §8.1).
    #[error(
        "the {input} is not UTF-8 without a byte order mark (RFC 8259 §8.1): bad byte at offset {offset}"
    )]
    NotUtf8 {
        /// Which input.
        input: Input,
        /// Offset of the first offending byte (0 for a byte order mark).
        offset: usize,
    },
    /// Text that is not JSON (RFC 8259), or has trailing characters after the value.
    #[error("the {input} is not valid JSON (RFC 8259) at line {line}, column {column}")]
    Json {
        /// Which input.
        input: Input,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// JSON that is valid but not an object where one is required (RFC 7515 §4, RFC 7519 §7.2
    /// step 10, RFC 7517 §5, OpenID Connect Discovery §4.2).
    #[error("the {input} is not a JSON object")]
    NotAnObject {
        /// Which input.
        input: Input,
    },
    /// An object names a member twice, anywhere in the document (RFC 7515 §4 and RFC 7519 §4
    /// allow a parser to reject this; careid always does, because two parsers that keep
    /// different copies disagree about what was signed).
    #[error("the {input} names the member {member:?} twice")]
    DuplicateMember {
        /// Which input.
        input: Input,
        /// The member name.
        member: Box<str>,
    },
    /// JSON nested deeper than the limit (CIS2.md §7.1 item 1: 16 levels). Detected without
    /// recursing past the limit.
    #[error("the {input} is nested deeper than {limit} levels")]
    TooDeep {
        /// Which input.
        input: Input,
        /// The nesting limit.
        limit: usize,
    },

    // ---------------------------------------------------------------------------------------
    // JOSE header (CIS2.md §7.1 item 2)
    // ---------------------------------------------------------------------------------------
    /// The header's `alg` is not in the caller's allow-list. `none` and HMAC names are always
    /// refused: careid has no algorithm for them (RFC 8725 §3.1, §3.2; CIS2.md §9). Raised
    /// before any key is looked up.
    #[error("the JWS algorithm {alg} is not allowed here (allowed: {allowed:?})")]
    AlgNotAllowed {
        /// The header's `alg`.
        alg: HeaderAlg,
        /// The caller's allow-list for this kind of token.
        allowed: AlgorithmSet,
    },
    /// The header has no `kid`; CIS2 tokens always name their key (CIS2.md §7.1 item 2).
    #[error("the JWS header has no `kid`")]
    MissingKid,
    /// A header parameter careid never accepts: an embedded or referenced key (`jwk`, `jku`,
    /// `x5u`, `x5c`; RFC 8725 §3.10), the unencoded payload option `b64` (RFC 7797 §3), or a
    /// `cty` other than a nested JWT. Such keys are never fetched and never used.
    #[error("the JWS header parameter `{param}` is not accepted")]
    ForbiddenHeader {
        /// The parameter.
        param: HeaderParam,
    },
    /// The header has `crit` (RFC 7515 §4.1.11): careid implements no JWS extension, so any
    /// critical extension, or a `crit` that is malformed or names registered parameters, is
    /// refused.
    #[error("the JWS header marks extensions critical (`crit`), and careid implements none")]
    UnsupportedCritical,
    /// A registered header parameter has the wrong JSON type (`alg`, `kid` or `typ` not a
    /// string), or `alg` is missing (RFC 7515 §4.1).
    #[error("the JWS header parameter `{param}` is missing or not a string")]
    InvalidHeader {
        /// The parameter.
        param: &'static str,
    },
    /// A token of another kind: a `typ` not allowed for this kind (`logout+jwt` or `at+jwt` at
    /// the ID-token verifier), an `events` claim in an ID or access token, a logout token
    /// without `events`, or a ForgeRock `tokenName` naming another kind (RFC 8725 §3.11,
    /// OIDC Back-Channel Logout 1.0 §2.4; CIS2.md §9).
    #[error("wrong kind of token for the {expected} verifier: {evidence}")]
    WrongTokenType {
        /// The kind the verifier expects.
        expected: TokenKind,
        /// What shows it is another kind.
        evidence: TypeEvidence,
    },

    // ---------------------------------------------------------------------------------------
    // Keys (CIS2.md §7.1 item 3)
    // ---------------------------------------------------------------------------------------
    /// No key in the key set has this `kid`, after at most one rate-limited refresh.
    #[error("no key with kid {kid:?} in the key set{}", if *.refreshed { " (after refreshing it)" } else { "" })]
    UnknownKey {
        /// The header's `kid`.
        kid: Box<str>,
        /// Whether the key set was fetched again for this lookup.
        refreshed: bool,
    },
    /// Several keys of the key set share this `kid` (Wycheproof `rejectsDuplicateKid`).
    #[error("several keys in the key set have kid {kid:?}")]
    AmbiguousKey {
        /// The `kid`.
        kid: Box<str>,
    },
    /// The key with this `kid` is too weak to use: RSA below 2048 bits, or an exponent of 1 or
    /// an even one (Wycheproof JWK tests; NIST SP 800-131A).
    #[error("the key with kid {kid:?} is too weak: {reason}")]
    WeakKey {
        /// The `kid`.
        kid: Box<str>,
        /// Why careid-crypto refused it.
        reason: careid_crypto::Error,
    },
    /// The key with this `kid` cannot verify this token: its JWK `use`, `key_ops` or `alg`
    /// forbid it, its type does not fit the header's algorithm, or it did not import
    /// (RFC 7517 §4.2-4.4).
    #[error("the key with kid {kid:?} cannot be used: {reason}")]
    KeyNotUsable {
        /// The `kid`.
        kid: Box<str>,
        /// Why.
        reason: careid_crypto::Error,
    },
    /// The signature does not verify (RFC 7515 §5.2 step 8).
    #[error("the signature is not valid")]
    BadSignature,

    // ---------------------------------------------------------------------------------------
    // Claims (CIS2.md §7)
    // ---------------------------------------------------------------------------------------
    /// `iss` differs from the configured issuer in at least one byte, including a missing
    /// `:443`, case or a trailing `/` (OIDC Core §3.1.3.7 step 2).
    #[error("the issuer {found:?} is not the configured issuer")]
    IssuerMismatch {
        /// The token's `iss`.
        found: Box<str>,
    },
    /// `aud` does not contain the client id, or names an audience the caller does not trust
    /// (OIDC Core §3.1.3.7 step 3).
    #[error("audience check failed: {problem}")]
    AudienceMismatch {
        /// Which.
        problem: AudienceProblem,
    },
    /// Several audiences without `azp`, or an `azp` that is not the client id (OIDC Core
    /// §3.1.3.7 steps 4-5).
    #[error("authorized party check failed: {problem}")]
    AzpMismatch {
        /// Which.
        problem: AzpProblem,
    },
    /// `exp` is in the past, beyond the clock skew (RFC 7519 §4.1.4; OIDC Core §3.1.3.7
    /// step 9).
    #[error("the token expired at {exp} (now {now}, skew {skew_secs} s)")]
    Expired {
        /// The token's `exp`.
        exp: UnixTime,
        /// The verification time.
        now: UnixTime,
        /// The clock skew allowed.
        skew_secs: u64,
    },
    /// `nbf` is in the future, beyond the clock skew (RFC 7519 §4.1.5).
    #[error("the token is not valid before {nbf} (now {now}, skew {skew_secs} s)")]
    NotYetValid {
        /// The token's `nbf`.
        nbf: UnixTime,
        /// The verification time.
        now: UnixTime,
        /// The clock skew allowed.
        skew_secs: u64,
    },
    /// `iat` is in the future, beyond the clock skew (OIDC Core §3.1.3.7 step 10).
    #[error("the token was issued in the future at {iat} (now {now}, skew {skew_secs} s)")]
    IssuedInFuture {
        /// The token's `iat`.
        iat: UnixTime,
        /// The verification time.
        now: UnixTime,
        /// The clock skew allowed.
        skew_secs: u64,
    },
    /// `iat` is older than the configured maximum (OIDC Core §3.1.3.7 step 10; OIDC
    /// Back-Channel Logout 1.0 §2.6 step 4).
    #[error("the token was issued at {iat}, more than {max_age_secs} s before {now}")]
    TooOld {
        /// The token's `iat`.
        iat: UnixTime,
        /// The verification time.
        now: UnixTime,
        /// The maximum age allowed (clock skew included).
        max_age_secs: u64,
    },
    /// A claim this kind of token requires is missing (RFC 7519 §4.1; OIDC Core §2; OIDC
    /// Back-Channel Logout 1.0 §2.4).
    #[error("the `{claim}` claim is missing")]
    MissingClaim {
        /// The claim name.
        claim: &'static str,
    },
    /// A claim has the wrong JSON type or an impossible value (CIS2.md §6).
    #[error("the `{claim}` claim is invalid: {problem}")]
    InvalidClaim {
        /// The claim name.
        claim: &'static str,
        /// What is wrong.
        problem: ClaimProblem,
    },
    /// `nonce` differs from the one sent in the authentication request (OIDC Core §3.1.3.7
    /// step 11; compared in constant time).
    #[error("the nonce does not match the authentication request")]
    NonceMismatch,
    /// A logout token carries `nonce` (OIDC Back-Channel Logout 1.0 §2.6 step 7).
    #[error("a logout token must not carry a nonce")]
    NonceInLogoutToken,
    /// `acr` is not on the caller's allow-list (OIDC Core §3.1.3.7 step 12).
    #[error("the acr value {acr:?} is not on the allow-list")]
    AcrNotAllowed {
        /// The token's `acr`.
        acr: Box<str>,
    },
    /// The effective authentication assurance level is below the policy (CIS2.md §8).
    #[error("authentication assurance level {} is below the required AAL{required}", DisplayLevel(*.effective))]
    AalTooLow {
        /// The level required.
        required: u8,
        /// The token's effective level: the lower of `acr` and
        /// `authentication_assurance_level`, `None` when unknown.
        effective: Option<u8>,
    },
    /// The user did not authenticate recently enough for `max_age` or `prompt=login` (OIDC
    /// Core §3.1.3.7 step 13; CIS2 change log 25 Aug 2021).
    #[error("the user authenticated at {auth_time}, not after {not_before} as required")]
    AuthenticationTooOld {
        /// The token's `auth_time`.
        auth_time: UnixTime,
        /// The earliest authentication time accepted (clock skew included).
        not_before: UnixTime,
    },
    /// The identity assurance level is below the policy (CIS2.md §7.1 item 14).
    #[error("identity assurance level {} is below the required level {required}", DisplayLevel(*.found))]
    IdentityAssuranceTooLow {
        /// The level required.
        required: u8,
        /// The lower of `id_assurance_level` and `idassurancelevel`, `None` when absent or
        /// unknown.
        found: Option<u8>,
    },
    /// Role selection was requested but the ID token has no `selected_roleid`, although the
    /// user has roles (CIS2.md §7.1 item 16).
    #[error("role selection was requested but the ID token has no selected_roleid")]
    MissingSelectedRole,
    /// `selected_roleid` is not the `person_roleid` of any element of `nhsid_nrbac_roles`
    /// (CIS2.md §7.1 item 16).
    #[error("the selected role {selected:?} is not one of the user's roles")]
    SelectedRoleNotFound {
        /// The ID token's `selected_roleid`.
        selected: Box<str>,
    },
    /// UserInfo `sub`, `uid` or `nhsid_useruid` differs from the ID token's `sub` (OIDC Core
    /// §5.3.2; CIS2.md §7.1 item 17).
    #[error("the UserInfo `{claim}` is not the ID token's subject")]
    SubjectMismatch {
        /// The UserInfo claim that differs.
        claim: &'static str,
    },
    /// `at_hash`, `c_hash` or `s_hash` does not match the access token, code or state (OIDC
    /// Core §3.1.3.8, §3.2.2.9, §3.3.2.11).
    #[error("the `{claim}` claim does not match")]
    HashMismatch {
        /// The claim.
        claim: &'static str,
    },
    /// A scope the caller requires is not in the access token's `scope` (CIS2.md §7.2).
    #[error("the access token lacks the scope {scope:?}")]
    MissingScope {
        /// The scope.
        scope: Box<str>,
    },
    /// This logout token's `jti` was already accepted (OIDC Back-Channel Logout 1.0 §2.6
    /// step 8).
    #[error("this logout token was already used (jti replayed)")]
    Replayed,
    /// The replay cache is full of unexpired entries; careid fails closed rather than forget
    /// one.
    #[error("the replay cache is full ({capacity} unexpired entries)")]
    ReplayCacheFull {
        /// The cache's capacity.
        capacity: usize,
    },
    /// The `nhsid_nrbac_roles` claim could not be decoded (RBAC.md §4).
    #[error("nhsid_nrbac_roles: {0}")]
    Roles(careid_rbac::Error),

    // ---------------------------------------------------------------------------------------
    // Discovery, key sets and fetching
    // ---------------------------------------------------------------------------------------
    /// The discovery document's `issuer` is not the configured issuer, byte for byte
    /// (OpenID Connect Discovery 1.0 §4.3).
    #[error("the discovery document's issuer {found:?} is not the configured issuer")]
    DiscoveryIssuerMismatch {
        /// The document's `issuer`.
        found: Box<str>,
    },
    /// A required member of a discovery document, JWK set or configuration is missing or of
    /// the wrong type (OpenID Connect Discovery 1.0 §3; RFC 7517 §5).
    #[error("the {input} has no valid `{member}` member")]
    MissingMember {
        /// Which input.
        input: Input,
        /// The member.
        member: &'static str,
    },
    /// A URL that is not an absolute `https` URL without a fragment where one is required
    /// (OpenID Connect Discovery 1.0 §3; RFC 6749 §3.1).
    #[error("the {what} is not an https URL without a fragment")]
    InvalidUrl {
        /// Which URL.
        what: &'static str,
    },
    /// A relying-party setting is out of range or empty.
    #[error("invalid configuration: {setting}")]
    InvalidConfig {
        /// The setting.
        setting: &'static str,
    },
    /// Fetching a discovery document or key set failed.
    #[error("fetching the {document} failed: {source}")]
    Fetch {
        /// Which document.
        document: Input,
        /// Why.
        source: FetchError,
    },
    /// The `state` returned to the redirect URI is not the one sent (RFC 6749 §10.12;
    /// compared in constant time).
    #[error("the state parameter does not match the authorization request")]
    StateMismatch,
    /// The caller's signer failed to sign a client assertion.
    #[error("the client assertion signer failed")]
    Signer,
}

/// Which input an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Input {
    /// A whole compact token.
    Token,
    /// The JOSE header (RFC 7515 §4).
    Header,
    /// The JWT claims set (RFC 7519 §4).
    Claims,
    /// A UserInfo response (OIDC Core §5.3.2).
    UserInfo,
    /// A JWK set (RFC 7517 §5).
    Jwks,
    /// A discovery document (OpenID Connect Discovery 1.0 §3).
    Discovery,
}

impl core::fmt::Display for Input {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Token => "token",
            Self::Header => "JOSE header",
            Self::Claims => "claims set",
            Self::UserInfo => "UserInfo response",
            Self::Jwks => "JWK set",
            Self::Discovery => "discovery document",
        })
    }
}

/// A segment of a compact JWS (RFC 7515 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Segment {
    /// The protected header.
    Header,
    /// The payload.
    Payload,
    /// The signature.
    Signature,
}

impl core::fmt::Display for Segment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Header => "header segment",
            Self::Payload => "payload segment",
            Self::Signature => "signature segment",
        })
    }
}

/// What is structurally wrong with a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Malformed {
    /// Not three `.`-separated segments (and not the five of a JWE).
    SegmentCount {
        /// The number of segments found.
        found: usize,
    },
    /// The header segment is empty.
    EmptyHeader,
    /// The signature segment is empty (an unsigned token).
    EmptySignature,
    /// The signature decodes to more bytes than any supported key produces (RSA-8192: 1024).
    SignatureTooLong,
}

impl core::fmt::Display for Malformed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::SegmentCount { found } => write!(f, "{found} segments instead of 3"),
            Self::EmptyHeader => f.write_str("the header segment is empty"),
            Self::EmptySignature => f.write_str("the signature segment is empty"),
            Self::SignatureTooLong => f.write_str("the signature is longer than any key's"),
        }
    }
}

/// Kinds of token careid refuses as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Nesting {
    /// A JWE: five segments (RFC 7516 §7.1) or JWE header parameters (`enc`, `zip`, ...).
    Encrypted,
    /// A JWS whose payload is another JWT (`cty: JWT`, RFC 7519 §5.2).
    NestedJwt,
}

impl core::fmt::Display for Nesting {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Encrypted => "encrypted (JWE)",
            Self::NestedJwt => "nested JWT (cty: JWT)",
        })
    }
}

/// The `alg` of a JOSE header, as careid classifies it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderAlg {
    /// An algorithm careid verifies (it was not in the allow-list).
    Supported(SignatureAlgorithm),
    /// `none` (RFC 7518 §3.6): never allowed.
    None,
    /// `HS256`, `HS384` or `HS512` (RFC 7518 §3.2): never allowed; public keys are never HMAC
    /// secrets.
    Hmac(Box<str>),
    /// Any other name (`ES512`, `RSA1_5`, `rs256`...), as written in the header.
    Unsupported(Box<str>),
}

impl core::fmt::Display for HeaderAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Supported(alg) => write!(f, "{alg}"),
            Self::None => f.write_str("none"),
            Self::Hmac(name) | Self::Unsupported(name) => write!(f, "{name:?}"),
        }
    }
}

/// Header parameters careid refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderParam {
    /// `jwk`: an embedded public key (RFC 7515 §4.1.3).
    Jwk,
    /// `jku`: a URL of a key set (RFC 7515 §4.1.2).
    Jku,
    /// `x5u`: a URL of a certificate chain (RFC 7515 §4.1.5).
    X5u,
    /// `x5c`: an embedded certificate chain (RFC 7515 §4.1.6).
    X5c,
    /// `b64`: the unencoded payload option (RFC 7797 §3).
    B64,
    /// `cty` other than `JWT` (CIS2.md §7.1 item 2).
    Cty,
}

impl core::fmt::Display for HeaderParam {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Jwk => "jwk",
            Self::Jku => "jku",
            Self::X5u => "x5u",
            Self::X5c => "x5c",
            Self::B64 => "b64",
            Self::Cty => "cty",
        })
    }
}

/// The kinds of token careid verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// An OpenID Connect ID token (OIDC Core §2).
    IdToken,
    /// A CIS2 access token received as a bearer token (CIS2.md §5.3).
    AccessToken,
    /// A back-channel logout token (OIDC Back-Channel Logout 1.0 §2.4).
    LogoutToken,
    /// A signed UserInfo response (OIDC Core §5.3.2).
    UserInfo,
}

impl core::fmt::Display for TokenKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::IdToken => "ID token",
            Self::AccessToken => "access token",
            Self::LogoutToken => "logout token",
            Self::UserInfo => "signed UserInfo response",
        })
    }
}

/// What shows that a token is of another kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TypeEvidence {
    /// The header's `typ`, not allowed for this kind.
    Typ(Box<str>),
    /// An `events` claim, which only logout tokens carry.
    EventsClaim,
    /// No `events` claim in a logout token.
    MissingEvents,
    /// A ForgeRock `tokenName` naming another kind (`id_token`, `access_token`).
    TokenName(Box<str>),
}

impl core::fmt::Display for TypeEvidence {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Typ(typ) => write!(f, "its header has typ {typ:?}"),
            Self::EventsClaim => f.write_str("it has an `events` claim (a logout token?)"),
            Self::MissingEvents => f.write_str("it has no `events` claim"),
            Self::TokenName(name) => write!(f, "its tokenName is {name:?}"),
        }
    }
}

/// Why an audience check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AudienceProblem {
    /// `aud` does not contain the client id (or the configured audience).
    MissingClientId,
    /// `aud` names an audience the caller has not listed as trusted.
    UntrustedAudience,
}

impl core::fmt::Display for AudienceProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::MissingClientId => "the token is not addressed to this client",
            Self::UntrustedAudience => "the token is also addressed to an untrusted audience",
        })
    }
}

/// Why an `azp` check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AzpProblem {
    /// Several audiences and no `azp`.
    Missing,
    /// `azp` is not the client id.
    NotClientId,
}

impl core::fmt::Display for AzpProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Missing => "several audiences and no azp",
            Self::NotClientId => "azp is not this client",
        })
    }
}

/// What is wrong with a claim value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClaimProblem {
    /// The JSON type is not the one the claim requires.
    WrongType,
    /// A NumericDate that is negative, beyond `i64`, or not a number (RFC 7519 §2).
    BadNumericDate,
    /// An empty `aud` array (CIS2.md §6).
    EmptyArray,
    /// A value careid cannot interpret (an `events` member that is not an object, a
    /// `selected_roleid` that is not an id, ...).
    BadValue,
    /// A value longer than careid keeps (a `jti` over 256 bytes).
    TooLong,
}

impl core::fmt::Display for ClaimProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::WrongType => "wrong JSON type",
            Self::BadNumericDate => "not a NumericDate (RFC 7519 §2)",
            Self::EmptyArray => "empty array",
            Self::BadValue => "unexpected value",
            Self::TooLong => "too long",
        })
    }
}

/// Why fetching a document failed. Implementations of [`Fetch`](crate::Fetch) build these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The server answered with a status other than 200.
    #[error("HTTP status {status}")]
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// The body is larger than the limit.
    #[error("the response is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A connect or read timeout expired.
    #[error("timed out")]
    Timeout,
    /// The URL is not allowed (not https, or not loopback for plain http).
    #[error("the URL is not allowed (https only)")]
    Insecure,
    /// Connecting, TLS or the HTTP exchange failed.
    #[error("the connection failed ({kind})")]
    Transport {
        /// What failed.
        kind: TransportFailure,
    },
}

/// Transport failures, coarsely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportFailure {
    /// Name resolution failed.
    Dns,
    /// The TCP connection failed or broke.
    Connection,
    /// The TLS handshake failed (certificate, protocol version...).
    Tls,
    /// The server spoke broken HTTP, or redirected (careid does not follow redirects).
    Protocol,
}

impl core::fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Dns => "name resolution",
            Self::Connection => "connection",
            Self::Tls => "TLS",
            Self::Protocol => "HTTP protocol",
        })
    }
}

/// Renders an optional level for messages: `AAL2`-style numbers or "unknown".
struct DisplayLevel(Option<u8>);

impl core::fmt::Display for DisplayLevel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(level) => write!(f, "{level}"),
            None => f.write_str("unknown or absent"),
        }
    }
}

impl From<careid_rbac::Error> for Error {
    fn from(err: careid_rbac::Error) -> Self {
        Self::Roles(err)
    }
}
