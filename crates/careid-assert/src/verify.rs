//! The relying-party checks of CIS2.md §7: ID tokens, UserInfo, access tokens and
//! back-channel logout tokens, and the `Verified*` types only these checks construct.

use crate::claims::{Claim, Claims};
use crate::discovery::UrlPolicy;
use crate::error::{
    AudienceProblem, AzpProblem, ClaimProblem, Error, Input, TokenKind, TypeEvidence,
};
use crate::jwks::{KeyResolver, VerificationKey};
use crate::jws::{Jws, JwsHeader, JwsLimits, typ_is};
use crate::replay::ReplayCache;
use crate::{UnixTime, b64, json};
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
use careid_rbac::{NrbacRoles, RoleProfile, RoleSelection};
use core::time::Duration;
use std::sync::Arc;
use subtle::ConstantTimeEq as _;

/// The OIDC Back-Channel Logout event type (OIDC Back-Channel Logout 1.0 §2.4).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The largest `jti` a logout token may carry (the replay cache keeps it).
const MAX_JTI_BYTES: usize = 256;

/// One client registration with one CIS2 issuer, and how its tokens are checked (CIS2.md §7).
///
/// Built with [`RelyingParty::builder`]. The defaults are CIS2.md's: RS256 for ID and access
/// tokens, RS256 and RS512 for logout tokens, 60 s of clock skew, ID tokens at most 10 minutes
/// old, logout tokens at most 5 minutes old, authentication assurance (AAL) 2 or more,
/// identity assurance 3, tokens of at most 16 KiB nested at most 16 levels.
///
/// ```
/// use careid_assert::RelyingParty;
/// use std::time::Duration;
///
/// let rp = RelyingParty::builder(
///     "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
///     "969567331415.apps.national",
/// )
/// .clock_skew(Duration::from_secs(5))
/// .min_aal(3)
/// .build()?;
/// assert_eq!(rp.client_id(), "969567331415.apps.national");
/// # Ok::<(), careid_assert::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RelyingParty {
    issuer: Box<str>,
    client_id: Box<str>,
    trusted_audiences: Vec<Box<str>>,
    skew: Duration,
    limits: JwsLimits,
    id_algorithms: AlgorithmSet,
    access_algorithms: AlgorithmSet,
    logout_algorithms: AlgorithmSet,
    max_id_token_age: Duration,
    logout_window: Duration,
    logout_typ_jwt: bool,
    logout_requires_sid: bool,
    min_aal: Option<u8>,
    acr_values: Option<Vec<Box<str>>>,
    min_ial: Option<u8>,
    max_userinfo_bytes: usize,
}

/// Builds a [`RelyingParty`]; [`RelyingPartyBuilder::build`] checks the settings.
#[derive(Debug, Clone)]
#[must_use]
pub struct RelyingPartyBuilder {
    rp: RelyingParty,
    url_policy: UrlPolicy,
}

impl RelyingParty {
    /// A relying party of `issuer` (exactly as CIS2 writes it, `:443` included; CIS2.md §2)
    /// registered as `client_id`.
    pub fn builder(issuer: &str, client_id: &str) -> RelyingPartyBuilder {
        RelyingPartyBuilder {
            rp: Self {
                issuer: issuer.into(),
                client_id: client_id.into(),
                trusted_audiences: Vec::new(),
                skew: Duration::from_secs(60),
                limits: JwsLimits::DEFAULT,
                id_algorithms: AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256),
                access_algorithms: AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256),
                logout_algorithms: AlgorithmSet::EMPTY
                    .with(SignatureAlgorithm::Rs256)
                    .with(SignatureAlgorithm::Rs512),
                max_id_token_age: Duration::from_secs(600),
                logout_window: Duration::from_secs(300),
                logout_typ_jwt: true,
                logout_requires_sid: true,
                min_aal: Some(2),
                acr_values: None,
                min_ial: Some(3),
                max_userinfo_bytes: careid_rbac::MAX_CLAIM_BYTES,
            },
            url_policy: UrlPolicy::HttpsOnly,
        }
    }

    /// The configured issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The clock skew allowed on every time check.
    pub fn clock_skew(&self) -> Duration {
        self.skew
    }

    /// The algorithms allowed for ID tokens.
    pub fn id_token_algorithms(&self) -> AlgorithmSet {
        self.id_algorithms
    }

    /// Verifies a CIS2 ID token (CIS2.md §7.1; OIDC Core §3.1.3.7), in this order:
    ///
    /// 1. size, three segments, strict base64url, strict JSON header;
    /// 2. header: `alg` in the ID-token allow-list, no `jwk`/`jku`/`x5u`/`x5c`/`crit`/`b64`/
    ///    `cty`, `typ` absent or `JWT`, `kid` present;
    /// 3. the key named by `kid` from `keys`, and the signature;
    /// 4. the claims: UTF-8 strict JSON; no `events` claim and no `tokenName` of another
    ///    kind; `iss`, `sub`, `aud`, `exp`, `iat` present;
    /// 5. `iss` byte for byte; `aud` contains the client id and nothing untrusted; `azp`;
    /// 6. `exp`, `iat` (not in the future, not older than the maximum), `nbf`, all with the
    ///    clock skew;
    /// 7. `nonce` (constant time); `acr` allow-list and minimum AAL; `auth_time` for
    ///    `max_age`/`prompt=login`; minimum identity assurance; `at_hash`/`c_hash`/`s_hash`;
    /// 8. `selected_roleid` is a user role profile id and, when `nhsid_nrbac_roles` is in the
    ///    token, one of its `person_roleid`s (decoded with careid-rbac).
    ///
    /// The first failure is returned.
    pub fn verify_id_token(
        &self,
        token: &str,
        keys: &impl KeyResolver,
        expect: &IdTokenExpectations<'_>,
        now: UnixTime,
    ) -> Result<VerifiedIdToken, Error> {
        let (header, key, claims) = self.verify_jws(
            token,
            TokenKind::IdToken,
            self.id_algorithms,
            self.limits,
            keys,
            now,
            |typ| typ_is(typ, "JWT"),
        )?;
        not_logout(&claims, TokenKind::IdToken)?;
        token_name(&claims, TokenKind::IdToken, "id_token")?;
        for claim in [Claim::Iss, Claim::Sub, Claim::Aud, Claim::Exp, Claim::Iat] {
            require(&claims, claim)?;
        }
        self.check_issuer(&claims)?;
        self.check_audience(&claims, Some(&self.client_id))?;
        self.check_azp(&claims)?;
        self.check_times(&claims, now, Some(self.max_id_token_age))?;
        if let Some(nonce) = expect.nonce {
            let got = claims
                .nonce()
                .ok_or(Error::MissingClaim { claim: "nonce" })?;
            if !bool::from(got.as_bytes().ct_eq(nonce.as_bytes())) {
                return Err(Error::NonceMismatch);
            }
        }
        self.check_acr(&claims)?;
        check_auth_time(&claims, expect, now, self.skew)?;
        let ial = claims.identity_assurance();
        if let Some(required) = self.min_ial
            && ial.is_none_or(|found| found < required)
        {
            return Err(Error::IdentityAssuranceTooLow {
                required,
                found: ial,
            });
        }
        let alg = header.alg();
        for (claim, value, input) in [
            (Claim::AtHash, claims.at_hash(), expect.access_token),
            (Claim::CHash, claims.c_hash(), expect.code),
            (Claim::SHash, claims.s_hash(), expect.state),
        ] {
            if let (Some(value), Some(input)) = (value, input)
                && !left_half_hash_matches(alg, input, value)
            {
                return Err(Error::HashMismatch {
                    claim: claim.name(),
                });
            }
        }
        let selection = role_selection(&claims)?;
        let roles = match claims.nrbac_roles_json() {
            Some(json) => {
                let roles = NrbacRoles::from_claim_json(json.as_bytes())?;
                check_selected_role(&claims, selection, &roles, expect.selected_role)?;
                Some(roles)
            }
            None => None,
        };
        Ok(VerifiedIdToken {
            aal: claims.effective_aal(),
            ial,
            header,
            key,
            claims,
            roles,
            selection,
            selected_role_requested: expect.selected_role,
        })
    }

    /// Verifies a plain-JSON UserInfo response against the verified ID token it belongs to
    /// (CIS2.md §5.2, §7.1 items 16-17; OIDC Core §5.3.2): `sub` equals the ID token's (and
    /// `uid`/`nhsid_useruid` do, when present), `nhsid_nrbac_roles` decodes, and the ID token's
    /// `selected_roleid` is one of the roles. A user with no roles is valid
    /// ([`VerifiedUserInfo::roles`] is empty); a user with roles who selected none, when role
    /// selection was requested, is [`Error::MissingSelectedRole`].
    pub fn verify_userinfo(
        &self,
        json: &[u8],
        id_token: &VerifiedIdToken,
    ) -> Result<VerifiedUserInfo, Error> {
        if json.len() > self.max_userinfo_bytes {
            return Err(Error::TooLarge {
                input: Input::UserInfo,
                limit: self.max_userinfo_bytes,
                actual: json.len(),
            });
        }
        let claims = Claims::decode(json, Input::UserInfo, self.limits.max_depth())?;
        userinfo_checks(claims, id_token)
    }

    /// Verifies a signed (JWT) UserInfo response (CIS2.md §5.2): signed as an ID token is,
    /// `iss` exact when present, `aud` checked only when present (CIS2 UserInfo JWTs carry
    /// none), then the checks of [`RelyingParty::verify_userinfo`].
    pub fn verify_signed_userinfo(
        &self,
        token: &str,
        keys: &impl KeyResolver,
        id_token: &VerifiedIdToken,
        now: UnixTime,
    ) -> Result<VerifiedUserInfo, Error> {
        let limits = self.limits.with_max_bytes(self.max_userinfo_bytes);
        let (_, _, claims) = self.verify_jws(
            token,
            TokenKind::UserInfo,
            self.id_algorithms,
            limits,
            keys,
            now,
            |typ| typ_is(typ, "JWT"),
        )?;
        if claims.has(Claim::Iss) {
            self.check_issuer(&claims)?;
        }
        if claims.has(Claim::Aud) {
            self.check_audience(&claims, Some(&self.client_id))?;
        }
        userinfo_checks(claims, id_token)
    }

    /// Verifies a CIS2 access token received as a bearer token (CIS2.md §5.3, §7.2): the
    /// header and key rules of ID tokens with `typ` absent, `JWT` or `at+jwt`; no `events`;
    /// `tokenName`, when present, is `access_token` (an ID token is not an access token);
    /// `iss`, `sub`, `exp` present; `iss` exact; `aud` only when `expect` names an audience and the token
    /// has one (CIS2 access tokens carry none); `exp`, `iat`, `nbf`; the `acr` policy; the
    /// required scopes.
    pub fn verify_access_token(
        &self,
        token: &str,
        keys: &impl KeyResolver,
        expect: &AccessTokenExpectations<'_>,
        now: UnixTime,
    ) -> Result<VerifiedAccessToken, Error> {
        let (header, key, claims) = self.verify_jws(
            token,
            TokenKind::AccessToken,
            self.access_algorithms,
            self.limits,
            keys,
            now,
            |typ| typ_is(typ, "JWT") || typ_is(typ, "at+jwt"),
        )?;
        not_logout(&claims, TokenKind::AccessToken)?;
        token_name(&claims, TokenKind::AccessToken, "access_token")?;
        for claim in [Claim::Iss, Claim::Sub, Claim::Exp] {
            require(&claims, claim)?;
        }
        self.check_issuer(&claims)?;
        if let Some(audience) = expect.audience
            && claims.has(Claim::Aud)
        {
            self.check_audience(&claims, Some(audience))?;
        }
        self.check_times(&claims, now, None)?;
        self.check_acr(&claims)?;
        for scope in expect.scopes {
            if !claims.scopes().any(|s| s == *scope) {
                return Err(Error::MissingScope {
                    scope: (*scope).into(),
                });
            }
        }
        Ok(VerifiedAccessToken {
            aal: claims.effective_aal(),
            header,
            key,
            claims,
        })
    }

    /// Verifies a back-channel logout token (CIS2.md §7.3; OIDC Back-Channel Logout 1.0 §2.6):
    /// the logout allow-list (RS256, RS512); `typ` absent, `logout+jwt`, or `JWT` unless
    /// switched off; the key and signature; `events` present (else it is another kind of
    /// token); no `tokenName` of another kind; `iss`; `aud`; `iat` present, not in the future
    /// and not older than 5 minutes; `exp` when present; the `events` member; `sid` (required
    /// by default); no `nonce`; `jti`; and, last, the replay cache. The embedder answers 200
    /// on success and 400 on any error (BCL 1.0 §2.8).
    pub fn verify_logout_token(
        &self,
        token: &str,
        keys: &impl KeyResolver,
        replay: &impl ReplayCache,
        now: UnixTime,
    ) -> Result<VerifiedLogoutToken, Error> {
        let typ_jwt = self.logout_typ_jwt;
        let (header, key, claims) = self.verify_jws(
            token,
            TokenKind::LogoutToken,
            self.logout_algorithms,
            self.limits,
            keys,
            now,
            |typ| typ_is(typ, "logout+jwt") || (typ_jwt && typ_is(typ, "JWT")),
        )?;
        if !claims.has(Claim::Events) {
            return Err(Error::WrongTokenType {
                expected: TokenKind::LogoutToken,
                evidence: TypeEvidence::MissingEvents,
            });
        }
        if let Some(name) = claims.token_name() {
            return Err(Error::WrongTokenType {
                expected: TokenKind::LogoutToken,
                evidence: TypeEvidence::TokenName(name.into()),
            });
        }
        for claim in [Claim::Iss, Claim::Aud, Claim::Iat] {
            require(&claims, claim)?;
        }
        self.check_issuer(&claims)?;
        self.check_audience(&claims, Some(&self.client_id))?;
        let iat = claims.iat().ok_or(Error::MissingClaim { claim: "iat" })?;
        self.check_iat(iat, now, Some(self.logout_window))?;
        if let Some(exp) = claims.exp() {
            self.check_exp(exp, now)?;
        }
        if let Some(nbf) = claims.nbf() {
            self.check_nbf(nbf, now)?;
        }
        let events_ok = claims
            .events_json()
            .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
            .is_some_and(|events| {
                events
                    .as_object()
                    .and_then(|events| events.get(BACKCHANNEL_LOGOUT_EVENT))
                    .is_some_and(serde_json::Value::is_object)
            });
        if !events_ok {
            return Err(Error::InvalidClaim {
                claim: "events",
                problem: ClaimProblem::BadValue,
            });
        }
        if claims.sid().is_none() && (self.logout_requires_sid || claims.sub().is_none()) {
            return Err(Error::MissingClaim { claim: "sid" });
        }
        if claims.has(Claim::Nonce) {
            return Err(Error::NonceInLogoutToken);
        }
        let jti = claims.jti().ok_or(Error::MissingClaim { claim: "jti" })?;
        if jti.len() > MAX_JTI_BYTES {
            return Err(Error::InvalidClaim {
                claim: "jti",
                problem: ClaimProblem::TooLong,
            });
        }
        let remember_until = iat
            .saturating_add(self.logout_window)
            .saturating_add(self.skew)
            .saturating_add(Duration::from_secs(1));
        replay.check_and_record(&self.issuer, jti, remember_until, now)?;
        Ok(VerifiedLogoutToken {
            header,
            key,
            claims,
        })
    }

    /// Steps shared by every kind: JWS structure and header, `typ`, `kid`, key, signature,
    /// claims decoding.
    #[allow(clippy::too_many_arguments)]
    fn verify_jws(
        &self,
        token: &str,
        kind: TokenKind,
        allowed: AlgorithmSet,
        limits: JwsLimits,
        keys: &impl KeyResolver,
        now: UnixTime,
        typ_allowed: impl Fn(&str) -> bool,
    ) -> Result<(JwsHeader, Arc<VerificationKey>, Claims), Error> {
        let jws = Jws::parse(token, allowed, limits)?;
        if let Some(typ) = jws.header().typ()
            && !typ_allowed(typ)
        {
            return Err(Error::WrongTokenType {
                expected: kind,
                evidence: TypeEvidence::Typ(typ.into()),
            });
        }
        let kid = jws.header().kid().ok_or(Error::MissingKid)?;
        let key = keys.resolve(kid, now)?;
        let (header, payload) = jws.verify_with(&key)?.into_parts();
        let text = json::utf8_owned(payload, Input::Claims)?;
        let input = if kind == TokenKind::UserInfo {
            Input::UserInfo
        } else {
            Input::Claims
        };
        let claims = Claims::decode_text(text, input, limits.max_depth())?;
        Ok((header, key, claims))
    }

    fn check_issuer(&self, claims: &Claims) -> Result<(), Error> {
        let iss = claims.iss().ok_or(Error::MissingClaim { claim: "iss" })?;
        if iss != &*self.issuer {
            return Err(Error::IssuerMismatch { found: iss.into() });
        }
        Ok(())
    }

    /// `aud` contains `ours`; every other audience is trusted (OIDC Core §3.1.3.7 step 3).
    fn check_audience(&self, claims: &Claims, ours: Option<&str>) -> Result<(), Error> {
        let Some(ours) = ours else { return Ok(()) };
        if !claims.audiences().any(|aud| aud == ours) {
            return Err(Error::AudienceMismatch {
                problem: AudienceProblem::MissingClientId,
            });
        }
        let untrusted = claims
            .audiences()
            .any(|aud| aud != ours && !self.trusted_audiences.iter().any(|t| **t == *aud));
        if untrusted {
            return Err(Error::AudienceMismatch {
                problem: AudienceProblem::UntrustedAudience,
            });
        }
        Ok(())
    }

    /// OIDC Core §3.1.3.7 steps 4-5.
    fn check_azp(&self, claims: &Claims) -> Result<(), Error> {
        match claims.azp() {
            None if claims.audience_count() > 1 => Err(Error::AzpMismatch {
                problem: AzpProblem::Missing,
            }),
            Some(azp) if azp != &*self.client_id => Err(Error::AzpMismatch {
                problem: AzpProblem::NotClientId,
            }),
            _ => Ok(()),
        }
    }

    fn check_times(
        &self,
        claims: &Claims,
        now: UnixTime,
        max_age: Option<Duration>,
    ) -> Result<(), Error> {
        if let Some(exp) = claims.exp() {
            self.check_exp(exp, now)?;
        }
        if let Some(iat) = claims.iat() {
            self.check_iat(iat, now, max_age)?;
        }
        if let Some(nbf) = claims.nbf() {
            self.check_nbf(nbf, now)?;
        }
        Ok(())
    }

    fn skew_secs(&self) -> u64 {
        self.skew.as_secs()
    }

    /// RFC 7519 §4.1.4: the token must not be accepted on or after `exp` (+ skew).
    fn check_exp(&self, exp: UnixTime, now: UnixTime) -> Result<(), Error> {
        if now >= exp.saturating_add(self.skew) {
            return Err(Error::Expired {
                exp,
                now,
                skew_secs: self.skew_secs(),
            });
        }
        Ok(())
    }

    fn check_iat(
        &self,
        iat: UnixTime,
        now: UnixTime,
        max_age: Option<Duration>,
    ) -> Result<(), Error> {
        if iat > now.saturating_add(self.skew) {
            return Err(Error::IssuedInFuture {
                iat,
                now,
                skew_secs: self.skew_secs(),
            });
        }
        if let Some(max_age) = max_age {
            let limit = max_age.saturating_add(self.skew);
            if now > iat.saturating_add(limit) {
                return Err(Error::TooOld {
                    iat,
                    now,
                    max_age_secs: limit.as_secs(),
                });
            }
        }
        Ok(())
    }

    fn check_nbf(&self, nbf: UnixTime, now: UnixTime) -> Result<(), Error> {
        if nbf > now.saturating_add(self.skew) {
            return Err(Error::NotYetValid {
                nbf,
                now,
                skew_secs: self.skew_secs(),
            });
        }
        Ok(())
    }

    /// CIS2.md §8: the `acr` allow-list, then the minimum effective AAL.
    fn check_acr(&self, claims: &Claims) -> Result<(), Error> {
        if self.acr_values.is_none() && self.min_aal.is_none() {
            return Ok(());
        }
        let acr = claims.acr().ok_or(Error::MissingClaim { claim: "acr" })?;
        if let Some(allowed) = &self.acr_values
            && !allowed.iter().any(|a| **a == *acr)
        {
            return Err(Error::AcrNotAllowed { acr: acr.into() });
        }
        if let Some(required) = self.min_aal {
            let effective = claims.effective_aal();
            if effective.is_none_or(|level| level < required) {
                return Err(Error::AalTooLow {
                    required,
                    effective,
                });
            }
        }
        Ok(())
    }
}

impl RelyingPartyBuilder {
    /// The clock skew allowed on every time check, 0-300 s (default 60 s; CIS2.md §7).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.rp.skew = skew;
        self
    }

    /// Another audience an ID token may name besides this client (OIDC Core §3.1.3.7 step 3).
    pub fn trusted_audience(mut self, audience: &str) -> Self {
        self.rp.trusted_audiences.push(audience.into());
        self
    }

    /// Size and nesting limits for tokens.
    pub fn limits(mut self, limits: JwsLimits) -> Self {
        self.rp.limits = limits;
        self
    }

    /// The algorithms allowed for ID tokens and signed UserInfo (default RS256).
    pub fn id_token_algorithms(mut self, algorithms: AlgorithmSet) -> Self {
        self.rp.id_algorithms = algorithms;
        self
    }

    /// Narrows the ID-token algorithms to those the provider's discovery document lists
    /// (`id_token_signing_alg_values_supported`): never widens them (CIS2.md §3).
    pub fn narrow_to_provider(mut self, metadata: &crate::ProviderMetadata) -> Self {
        if let Some(supported) = metadata.id_token_algorithms() {
            self.rp.id_algorithms = self
                .rp
                .id_algorithms
                .iter()
                .filter(|alg| supported.contains(*alg))
                .collect();
        }
        self
    }

    /// The algorithms allowed for access tokens (default RS256).
    pub fn access_token_algorithms(mut self, algorithms: AlgorithmSet) -> Self {
        self.rp.access_algorithms = algorithms;
        self
    }

    /// The algorithms allowed for logout tokens (default RS256 and RS512).
    pub fn logout_token_algorithms(mut self, algorithms: AlgorithmSet) -> Self {
        self.rp.logout_algorithms = algorithms;
        self
    }

    /// How old an ID token's `iat` may be (default 10 minutes; CIS2.md §7.1 item 9).
    pub fn max_id_token_age(mut self, age: Duration) -> Self {
        self.rp.max_id_token_age = age;
        self
    }

    /// How old a logout token's `iat` may be (default 5 minutes; CIS2.md §7.3 item 4).
    pub fn logout_token_window(mut self, window: Duration) -> Self {
        self.rp.logout_window = window;
        self
    }

    /// Whether logout tokens may have `typ: JWT` (default yes: ForgeRock implements a BCL
    /// draft older than `logout+jwt`; CIS2.md §5.4, §7.3 item 2).
    pub fn logout_typ_jwt(mut self, accept: bool) -> Self {
        self.rp.logout_typ_jwt = accept;
        self
    }

    /// Whether logout tokens must carry `sid` (default yes, as identity-service-api does;
    /// otherwise `sid` or `sub` is enough, BCL 1.0 §2.4).
    pub fn logout_requires_sid(mut self, require: bool) -> Self {
        self.rp.logout_requires_sid = require;
        self
    }

    /// The minimum effective authentication assurance level, 1-3 (default 2; CIS2.md §8).
    pub fn min_aal(mut self, level: u8) -> Self {
        self.rp.min_aal = Some(level);
        self
    }

    /// No AAL requirement at all. A token without `acr` is then accepted.
    pub fn danger_no_aal_requirement(mut self) -> Self {
        self.rp.min_aal = None;
        self
    }

    /// Only these `acr` values are accepted (OIDC Core §3.1.3.7 step 12).
    pub fn acr_values<'a>(mut self, values: impl IntoIterator<Item = &'a str>) -> Self {
        self.rp.acr_values = Some(values.into_iter().map(Into::into).collect());
        self
    }

    /// The minimum identity assurance level, 0-3 (default 3; CIS2.md §7.1 item 14), or `None`
    /// for no requirement.
    pub fn min_identity_assurance(mut self, level: Option<u8>) -> Self {
        self.rp.min_ial = level;
        self
    }

    /// The largest UserInfo response accepted (default 1 MiB).
    pub fn max_userinfo_bytes(mut self, bytes: usize) -> Self {
        self.rp.max_userinfo_bytes = bytes;
        self
    }

    /// Accept a plain-http loopback issuer. For tests against a local server only.
    pub fn danger_allow_http_loopback(mut self) -> Self {
        self.url_policy = UrlPolicy::DangerAllowHttpLoopback;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] for an issuer that is not an https URL; [`Error::InvalidConfig`]
    /// for an empty client id, a skew above 300 s, an empty algorithm list, or a level out of
    /// range.
    pub fn build(self) -> Result<RelyingParty, Error> {
        let rp = self.rp;
        self.url_policy.check(&rp.issuer, "issuer")?;
        let checks = [
            (rp.client_id.is_empty(), "client id is empty"),
            (rp.skew > Duration::from_secs(300), "clock skew above 300 s"),
            (rp.id_algorithms.is_empty(), "no ID-token algorithm"),
            (rp.access_algorithms.is_empty(), "no access-token algorithm"),
            (rp.logout_algorithms.is_empty(), "no logout-token algorithm"),
            (
                rp.min_aal.is_some_and(|l| !(1..=3).contains(&l)),
                "minimum AAL outside 1-3",
            ),
            (
                rp.min_ial.is_some_and(|l| l > 3),
                "minimum identity assurance above 3",
            ),
            (
                rp.acr_values.as_ref().is_some_and(Vec::is_empty),
                "empty acr allow-list",
            ),
            (
                rp.max_id_token_age.is_zero(),
                "ID-token maximum age is zero",
            ),
            (rp.logout_window.is_zero(), "logout window is zero"),
        ];
        match checks.into_iter().find(|(bad, _)| *bad) {
            Some((_, setting)) => Err(Error::InvalidConfig { setting }),
            None => Ok(rp),
        }
    }
}

/// What one login expects of its ID token: the values the relying party sent in the
/// authentication request (OIDC Core §3.1.2.1) and received alongside the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdTokenExpectations<'a> {
    nonce: Option<&'a str>,
    max_age: Option<Duration>,
    login_requested_at: Option<UnixTime>,
    selected_role: bool,
    access_token: Option<&'a str>,
    code: Option<&'a str>,
    state: Option<&'a str>,
}

impl<'a> IdTokenExpectations<'a> {
    /// The login sent `nonce` (required in every CIS2 login; OIDC Core §3.1.3.7 step 11).
    pub fn new(nonce: &'a str) -> Self {
        Self {
            nonce: Some(nonce),
            max_age: None,
            login_requested_at: None,
            selected_role: false,
            access_token: None,
            code: None,
            state: None,
        }
    }

    /// Skip the nonce check. Only for inspecting a token outside a login (the `careid token
    /// verify` command without `--nonce`): without it a stolen ID token can be replayed.
    pub fn danger_without_nonce() -> Self {
        Self {
            nonce: None,
            ..Self::new("")
        }
    }

    /// The login sent `max_age`: `auth_time` must be present and at most this old (+ skew).
    #[must_use]
    pub fn max_age(self, max_age: Duration) -> Self {
        Self {
            max_age: Some(max_age),
            ..self
        }
    }

    /// The login sent `prompt=login` at `requested_at`: the user must have authenticated
    /// after it (`auth_time` ≥ `requested_at` − skew). Browsers can strip request
    /// parameters, so the token is checked rather than trusted (CIS2 change log 25 Aug 2021).
    #[must_use]
    pub fn prompt_login(self, requested_at: UnixTime) -> Self {
        Self {
            login_requested_at: Some(requested_at),
            ..self
        }
    }

    /// The login asked for the `selectedrole` scope: `selected_roleid` must name one of the
    /// user's roles (checked here when the ID token carries `nhsid_nrbac_roles`, otherwise by
    /// [`RelyingParty::verify_userinfo`]).
    #[must_use]
    pub fn selected_role(self) -> Self {
        Self {
            selected_role: true,
            ..self
        }
    }

    /// The access token from the same token response, for `at_hash` (OIDC Core §3.1.3.8).
    #[must_use]
    pub fn access_token(self, access_token: &'a str) -> Self {
        Self {
            access_token: Some(access_token),
            ..self
        }
    }

    /// The authorization code, for `c_hash` (OIDC Core §3.3.2.11).
    #[must_use]
    pub fn code(self, code: &'a str) -> Self {
        Self {
            code: Some(code),
            ..self
        }
    }

    /// The `state`, for `s_hash` (FAPI 1.0 Part 2 §5.1).
    #[must_use]
    pub fn state(self, state: &'a str) -> Self {
        Self {
            state: Some(state),
            ..self
        }
    }
}

/// What a service expects of the access tokens it receives (CIS2.md §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessTokenExpectations<'a> {
    audience: Option<&'a str>,
    scopes: &'a [&'a str],
}

impl<'a> AccessTokenExpectations<'a> {
    /// No audience, no scopes.
    pub fn new() -> Self {
        Self::default()
    }

    /// An `aud`, when the token has one, must contain `audience`.
    #[must_use]
    pub fn audience(self, audience: &'a str) -> Self {
        Self {
            audience: Some(audience),
            ..self
        }
    }

    /// Scopes the token must grant.
    #[must_use]
    pub fn scopes(self, scopes: &'a [&'a str]) -> Self {
        Self { scopes, ..self }
    }
}

/// A verified CIS2 ID token. Only [`RelyingParty::verify_id_token`] makes one.
#[derive(Debug, Clone)]
pub struct VerifiedIdToken {
    header: JwsHeader,
    key: Arc<VerificationKey>,
    claims: Claims,
    aal: Option<u8>,
    ial: Option<u8>,
    roles: Option<NrbacRoles>,
    selection: RoleSelection,
    selected_role_requested: bool,
}

impl VerifiedIdToken {
    /// The user's 12-digit CIS2 id (`sub`).
    pub fn subject(&self) -> &str {
        self.claims.sub().unwrap_or_default()
    }

    /// The issuer (`iss`), equal to the configured one.
    pub fn issuer(&self) -> &str {
        self.claims.iss().unwrap_or_default()
    }

    /// The session id (`sid`): keep it with the session, back-channel logout names it
    /// (CIS2.md §7.1 item 19).
    pub fn session_id(&self) -> Option<&str> {
        self.claims.sid()
    }

    /// The effective authentication assurance level (CIS2.md §8).
    pub fn authentication_assurance(&self) -> Option<u8> {
        self.aal
    }

    /// The identity assurance level (CIS2.md §6).
    pub fn identity_assurance(&self) -> Option<u8> {
        self.ial
    }

    /// `selected_roleid` as careid-rbac reads it: the role to authorise with.
    pub fn role_selection(&self) -> RoleSelection {
        self.selection
    }

    /// The roles, when the ID token itself carries `nhsid_nrbac_roles` (usually they come
    /// from UserInfo: [`VerifiedUserInfo::roles`]).
    pub fn roles(&self) -> Option<&NrbacRoles> {
        self.roles.as_ref()
    }

    /// Every claim.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The JOSE header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The `kid` of the key that verified the token.
    pub fn key_id(&self) -> Option<&str> {
        self.key.kid()
    }
}

/// A verified UserInfo response, tied to its ID token. Only the
/// [`RelyingParty`]'s UserInfo verifiers make one.
#[derive(Debug, Clone)]
pub struct VerifiedUserInfo {
    claims: Claims,
    roles: NrbacRoles,
    selection: RoleSelection,
}

impl VerifiedUserInfo {
    /// The claims.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The user's roles (empty for a user with none: a valid outcome, CIS2.md §4).
    pub fn roles(&self) -> &NrbacRoles {
        &self.roles
    }

    /// The ID token's role selection, checked against these roles.
    pub fn role_selection(&self) -> RoleSelection {
        self.selection
    }

    /// The selected role profile, when one was selected and it is a valid element.
    pub fn selected_role(&self) -> Option<&RoleProfile> {
        let RoleSelection::Selected(id) = self.selection else {
            return None;
        };
        self.roles
            .profiles()
            .find(|profile| profile.person_roleid.get() == Some(id))
    }
}

/// A verified access token. Only [`RelyingParty::verify_access_token`] makes one.
#[derive(Debug, Clone)]
pub struct VerifiedAccessToken {
    header: JwsHeader,
    key: Arc<VerificationKey>,
    claims: Claims,
    aal: Option<u8>,
}

impl VerifiedAccessToken {
    /// The user's CIS2 id (`sub`).
    pub fn subject(&self) -> &str {
        self.claims.sub().unwrap_or_default()
    }

    /// The effective authentication assurance level.
    pub fn authentication_assurance(&self) -> Option<u8> {
        self.aal
    }

    /// Every claim.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The JOSE header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The `kid` of the key that verified the token.
    pub fn key_id(&self) -> Option<&str> {
        self.key.kid()
    }
}

/// A verified logout token: end the sessions it names (BCL 1.0 §2.7). Only
/// [`RelyingParty::verify_logout_token`] makes one.
#[derive(Debug, Clone)]
pub struct VerifiedLogoutToken {
    header: JwsHeader,
    key: Arc<VerificationKey>,
    claims: Claims,
}

impl VerifiedLogoutToken {
    /// The issuer whose sessions end.
    pub fn issuer(&self) -> &str {
        self.claims.iss().unwrap_or_default()
    }

    /// The session to end (`sid`).
    pub fn session_id(&self) -> Option<&str> {
        self.claims.sid()
    }

    /// The user whose sessions end (`sub`), when given.
    pub fn subject(&self) -> Option<&str> {
        self.claims.sub()
    }

    /// The token id, recorded in the replay cache.
    pub fn jti(&self) -> &str {
        self.claims.jti().unwrap_or_default()
    }

    /// Every claim.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The JOSE header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The `kid` of the key that verified the token.
    pub fn key_id(&self) -> Option<&str> {
        self.key.kid()
    }
}

fn require(claims: &Claims, claim: Claim) -> Result<(), Error> {
    if claims.has(claim) {
        Ok(())
    } else {
        Err(Error::MissingClaim {
            claim: claim.name(),
        })
    }
}

/// Only logout tokens carry `events` (RFC 8725 §3.12: mutually exclusive validation rules).
fn not_logout(claims: &Claims, expected: TokenKind) -> Result<(), Error> {
    if claims.has(Claim::Events) {
        return Err(Error::WrongTokenType {
            expected,
            evidence: TypeEvidence::EventsClaim,
        });
    }
    Ok(())
}

/// ForgeRock's `tokenName`, when present, must name this kind.
fn token_name(claims: &Claims, expected: TokenKind, name: &str) -> Result<(), Error> {
    match claims.token_name() {
        Some(found) if found != name => Err(Error::WrongTokenType {
            expected,
            evidence: TypeEvidence::TokenName(found.into()),
        }),
        _ => Ok(()),
    }
}

fn check_auth_time(
    claims: &Claims,
    expect: &IdTokenExpectations<'_>,
    now: UnixTime,
    skew: Duration,
) -> Result<(), Error> {
    let not_before = [
        expect
            .max_age
            .map(|max_age| now.saturating_sub(max_age).saturating_sub(skew)),
        expect.login_requested_at.map(|at| at.saturating_sub(skew)),
    ]
    .into_iter()
    .flatten()
    .max();
    let Some(not_before) = not_before else {
        return Ok(());
    };
    let auth_time = claims
        .auth_time()
        .ok_or(Error::MissingClaim { claim: "auth_time" })?;
    if auth_time < not_before {
        return Err(Error::AuthenticationTooOld {
            auth_time,
            not_before,
        });
    }
    Ok(())
}

fn role_selection(claims: &Claims) -> Result<RoleSelection, Error> {
    match RoleSelection::from_selected_roleid(claims.selected_roleid()) {
        RoleSelection::Malformed => Err(Error::InvalidClaim {
            claim: "selected_roleid",
            problem: ClaimProblem::BadValue,
        }),
        selection => Ok(selection),
    }
}

/// CIS2.md §7.1 item 16.
fn check_selected_role(
    claims: &Claims,
    selection: RoleSelection,
    roles: &NrbacRoles,
    requested: bool,
) -> Result<(), Error> {
    match selection {
        RoleSelection::Selected(id) => {
            if roles
                .entries()
                .iter()
                .any(|entry| entry.person_roleid() == Some(id))
            {
                Ok(())
            } else {
                Err(Error::SelectedRoleNotFound {
                    selected: claims.selected_roleid().unwrap_or_default().into(),
                })
            }
        }
        _ if requested && !roles.is_empty() => Err(Error::MissingSelectedRole),
        _ => Ok(()),
    }
}

fn userinfo_checks(claims: Claims, id_token: &VerifiedIdToken) -> Result<VerifiedUserInfo, Error> {
    let sub = claims.sub().ok_or(Error::MissingClaim { claim: "sub" })?;
    let subject = id_token.subject();
    for (claim, value) in [
        ("sub", Some(sub)),
        ("uid", claims.uid()),
        ("nhsid_useruid", claims.nhsid_useruid()),
    ] {
        if value.is_some_and(|value| value != subject) {
            return Err(Error::SubjectMismatch { claim });
        }
    }
    let roles = match claims.nrbac_roles_json() {
        Some(json) => NrbacRoles::from_claim_json(json.as_bytes())?,
        None => NrbacRoles::default(),
    };
    check_selected_role(
        id_token.claims(),
        id_token.selection,
        &roles,
        id_token.selected_role_requested,
    )?;
    Ok(VerifiedUserInfo {
        claims,
        roles,
        selection: id_token.selection,
    })
}

/// Whether `claim` is the base64url left half of the token algorithm's hash of `input`
/// (OIDC Core §3.1.3.6; EdDSA uses SHA-512 per OIDC Core errata set 2 §3.1.3.6).
fn left_half_hash_matches(alg: SignatureAlgorithm, input: &str, claim: &str) -> bool {
    use ring::digest;
    let algorithm = match alg {
        SignatureAlgorithm::Rs384 | SignatureAlgorithm::Ps384 | SignatureAlgorithm::Es384 => {
            &digest::SHA384
        }
        SignatureAlgorithm::Rs512 | SignatureAlgorithm::Ps512 | SignatureAlgorithm::EdDsa => {
            &digest::SHA512
        }
        _ => &digest::SHA256,
    };
    let hash = digest::digest(algorithm, input.as_bytes());
    let bytes = hash.as_ref();
    let half = bytes.get(..bytes.len() / 2).unwrap_or_default();
    let expected = b64::encode(half);
    bool::from(expected.as_bytes().ct_eq(claim.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_claims() {
        // OIDC Core §3.3.2.11 example (Appendix A.4): this code has c_hash
        // "LDktKdoQak3Pk0cnXxCltA".
        let code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";
        assert!(left_half_hash_matches(
            SignatureAlgorithm::Rs256,
            code,
            "LDktKdoQak3Pk0cnXxCltA"
        ));
        // Each hash against an independent implementation (RustCrypto sha2).
        use sha2::Digest as _;
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnR7Wv3mKd";
        let cases: [(SignatureAlgorithm, Vec<u8>); 3] = [
            (
                SignatureAlgorithm::Rs256,
                sha2::Sha256::digest(token).to_vec(),
            ),
            (
                SignatureAlgorithm::Ps384,
                sha2::Sha384::digest(token).to_vec(),
            ),
            (
                SignatureAlgorithm::Rs512,
                sha2::Sha512::digest(token).to_vec(),
            ),
        ];
        for (alg, hash) in cases {
            let expected = b64::encode(&hash[..hash.len() / 2]);
            assert!(left_half_hash_matches(alg, token, &expected), "{alg}");
            assert!(!left_half_hash_matches(alg, "other", &expected), "{alg}");
        }
    }

    #[test]
    fn builder_validates() {
        let issuer = "https://op.example/realm";
        assert!(RelyingParty::builder(issuer, "client").build().is_ok());
        assert_eq!(
            RelyingParty::builder(issuer, "").build().unwrap_err(),
            Error::InvalidConfig {
                setting: "client id is empty"
            }
        );
        assert_eq!(
            RelyingParty::builder(issuer, "c")
                .clock_skew(Duration::from_secs(301))
                .build()
                .unwrap_err(),
            Error::InvalidConfig {
                setting: "clock skew above 300 s"
            }
        );
        assert_eq!(
            RelyingParty::builder(issuer, "c")
                .min_aal(4)
                .build()
                .unwrap_err(),
            Error::InvalidConfig {
                setting: "minimum AAL outside 1-3"
            }
        );
        assert_eq!(
            RelyingParty::builder("http://op.example", "c")
                .build()
                .unwrap_err(),
            Error::InvalidUrl { what: "issuer" }
        );
        assert!(
            RelyingParty::builder("http://127.0.0.1:8080", "c")
                .danger_allow_http_loopback()
                .build()
                .is_ok()
        );
    }
}
