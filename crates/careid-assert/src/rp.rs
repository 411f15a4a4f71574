//! Relying-party helpers that do not own HTTP: the authorization request with state, nonce
//! and PKCE (OIDC Core §3.1.2.1, RFC 7636), its checks on return, the token request body, and
//! the `private_key_jwt` client assertion (RFC 7523 §2.2, OIDC Core §9).

use crate::error::Error;
use crate::verify::IdTokenExpectations;
use crate::{UnixTime, b64};
use careid_crypto::SignatureAlgorithm;
use core::time::Duration;
use subtle::ConstantTimeEq as _;

/// The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is valid (CIS2.md §3, as Mavis does: 180 s).
pub const CLIENT_ASSERTION_LIFETIME: Duration = Duration::from_secs(180);

/// The secrets of one login: `state` (RFC 6749 §10.12), `nonce` (OIDC Core §3.1.2.1) and the
/// PKCE `code_verifier` (RFC 7636 §4.1), each 256 bits from the caller's random source
/// (careid reads no RNG). `Debug` does not show them.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoginSecrets {
    state: String,
    nonce: String,
    code_verifier: String,
}

impl LoginSecrets {
    /// Makes the three secrets from 96 random bytes (32 each, base64url: 43 characters, the
    /// minimum RFC 7636 §4.1 allows for a verifier). The bytes must come from a CSPRNG.
    pub fn from_random_bytes(bytes: &[u8; 96]) -> Self {
        let (state, rest) = bytes.split_at(32);
        let (nonce, verifier) = rest.split_at(32);
        Self {
            state: b64::encode(state),
            nonce: b64::encode(nonce),
            code_verifier: b64::encode(verifier),
        }
    }
}

impl core::fmt::Debug for LoginSecrets {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoginSecrets").finish_non_exhaustive()
    }
}

/// The PKCE `S256` code challenge of a verifier: `BASE64URL(SHA256(ASCII(code_verifier)))`
/// (RFC 7636 §4.2).
///
/// ```
/// // RFC 7636 Appendix B.
/// assert_eq!(
///     careid_assert::pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/// );
/// ```
pub fn pkce_s256_challenge(code_verifier: &str) -> String {
    b64::encode(ring::digest::digest(&ring::digest::SHA256, code_verifier.as_bytes()).as_ref())
}

/// A CIS2 authentication request (OIDC Core §3.1.2.1, authorization code flow with PKCE S256).
///
/// ```
/// use careid_assert::{AuthorizationRequest, LoginSecrets, UnixTime};
/// use std::time::Duration;
///
/// let secrets = LoginSecrets::from_random_bytes(&[7; 96]); // use a CSPRNG
/// let (url, pending) = AuthorizationRequest::new(
///     "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare/authorize",
///     "969567331415.apps.national",
///     "https://app.example/callback",
/// )
/// .scope("nationalrbacaccess")
/// .select_role()
/// .acr_value("AAL3_ANY")
/// .max_age(Duration::from_secs(300))
/// .prompt_login()
/// .build(secrets, UnixTime::from_secs(1_700_000_000))?;
/// assert!(url.contains("scope=openid%20nationalrbacaccess%20selectedrole"));
/// assert!(url.contains("code_challenge_method=S256"));
/// assert!(url.contains(&format!("nonce={}", pending.nonce())));
/// # Ok::<(), careid_assert::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct AuthorizationRequest<'a> {
    endpoint: &'a str,
    client_id: &'a str,
    redirect_uri: &'a str,
    scopes: Vec<&'a str>,
    acr_values: Vec<&'a str>,
    max_age: Option<Duration>,
    prompt_login: bool,
    select_role: bool,
}

impl<'a> AuthorizationRequest<'a> {
    /// A request to `authorization_endpoint` (from discovery) for `client_id`, returning to
    /// `redirect_uri`, with scope `openid`.
    pub fn new(authorization_endpoint: &'a str, client_id: &'a str, redirect_uri: &'a str) -> Self {
        Self {
            endpoint: authorization_endpoint,
            client_id,
            redirect_uri,
            scopes: vec!["openid"],
            acr_values: Vec::new(),
            max_age: None,
            prompt_login: false,
            select_role: false,
        }
    }

    /// Adds a scope (`profile`, `nationalrbacaccess`, ...; CIS2.md §4).
    pub fn scope(mut self, scope: &'a str) -> Self {
        if !self.scopes.contains(&scope) {
            self.scopes.push(scope);
        }
        self
    }

    /// Asks CIS2 to let the user select a role (`selectedrole` scope; the ID token then
    /// carries `selected_roleid`).
    pub fn select_role(mut self) -> Self {
        self.select_role = true;
        self.scope("selectedrole")
    }

    /// Adds an `acr_values` entry (e.g. `AAL3_ANY`; CIS2.md §8).
    pub fn acr_value(mut self, acr: &'a str) -> Self {
        self.acr_values.push(acr);
        self
    }

    /// Sends `max_age` (whole seconds): the ID token's `auth_time` is then checked.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Sends `prompt=login`: the user must authenticate again, which the ID token's
    /// `auth_time` must show.
    pub fn prompt_login(mut self) -> Self {
        self.prompt_login = true;
        self
    }

    /// The URL to send the browser to, and what to keep until the user returns.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] for an authorization endpoint that is not an https URL without a
    /// fragment, or a redirect URI that is neither that nor a plain-http loopback URI (RFC 8252
    /// §7.3); [`Error::InvalidConfig`] for an empty client id.
    pub fn build(
        self,
        secrets: LoginSecrets,
        now: UnixTime,
    ) -> Result<(String, PendingLogin), Error> {
        crate::UrlPolicy::HttpsOnly.check(self.endpoint, "authorization endpoint")?;
        crate::UrlPolicy::DangerAllowHttpLoopback.check(self.redirect_uri, "redirect URI")?;
        if self.client_id.is_empty() {
            return Err(Error::InvalidConfig {
                setting: "client id is empty",
            });
        }
        let mut url = String::with_capacity(512);
        url.push_str(self.endpoint);
        let mut first = !self.endpoint.contains('?');
        let mut param = |name: &str, value: &str| {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(name);
            url.push('=');
            form_encode(&mut url, value);
        };
        param("response_type", "code");
        param("client_id", self.client_id);
        param("redirect_uri", self.redirect_uri);
        param("scope", &self.scopes.join(" "));
        param("state", &secrets.state);
        param("nonce", &secrets.nonce);
        param(
            "code_challenge",
            &pkce_s256_challenge(&secrets.code_verifier),
        );
        param("code_challenge_method", "S256");
        if !self.acr_values.is_empty() {
            param("acr_values", &self.acr_values.join(" "));
        }
        if let Some(max_age) = self.max_age {
            param("max_age", &max_age.as_secs().to_string());
        }
        if self.prompt_login {
            param("prompt", "login");
        }
        let pending = PendingLogin {
            secrets,
            redirect_uri: self.redirect_uri.into(),
            max_age: self.max_age,
            prompt_login_at: self.prompt_login.then_some(now),
            select_role: self.select_role,
        };
        Ok((url, pending))
    }
}

/// What a relying party keeps between sending the user to CIS2 and their return: the secrets
/// and the options that decide the ID token checks. `Debug` does not show the secrets.
///
/// It serializes (serde) so that it can live in a server-side session store; it holds the
/// login's secrets, so keep it server-side, never in a cookie the browser can read.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingLogin {
    secrets: LoginSecrets,
    redirect_uri: Box<str>,
    max_age: Option<Duration>,
    prompt_login_at: Option<UnixTime>,
    select_role: bool,
}

impl PendingLogin {
    /// The `state` sent.
    pub fn state(&self) -> &str {
        &self.secrets.state
    }

    /// The `nonce` sent.
    pub fn nonce(&self) -> &str {
        &self.secrets.nonce
    }

    /// The PKCE `code_verifier`, for the token request.
    pub fn code_verifier(&self) -> &str {
        &self.secrets.code_verifier
    }

    /// The redirect URI, repeated in the token request.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Checks the `state` the redirect came back with, in constant time (RFC 6749 §10.12;
    /// CIS2.md §7.1 item 18). Do this before exchanging the code.
    ///
    /// # Errors
    /// [`Error::StateMismatch`].
    pub fn check_state(&self, returned: &str) -> Result<(), Error> {
        if bool::from(self.secrets.state.as_bytes().ct_eq(returned.as_bytes())) {
            Ok(())
        } else {
            Err(Error::StateMismatch)
        }
    }

    /// The ID token expectations of this login: its nonce, `max_age`, `prompt=login` time and
    /// role selection. Add the access token (`at_hash`) with
    /// [`IdTokenExpectations::access_token`].
    pub fn id_token_expectations(&self) -> IdTokenExpectations<'_> {
        let mut expect = IdTokenExpectations::new(&self.secrets.nonce);
        if let Some(max_age) = self.max_age {
            expect = expect.max_age(max_age);
        }
        if let Some(at) = self.prompt_login_at {
            expect = expect.prompt_login(at);
        }
        if self.select_role {
            expect = expect.selected_role();
        }
        expect
    }

    /// The `application/x-www-form-urlencoded` body of the token request (RFC 6749 §4.1.3,
    /// RFC 7636 §4.5), authenticated with a `private_key_jwt` assertion (RFC 7523 §2.2) from
    /// [`client_assertion`].
    pub fn token_request_body(&self, code: &str, client_assertion: &str) -> String {
        let mut body = String::with_capacity(1024);
        for (i, (name, value)) in [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &*self.redirect_uri),
            ("code_verifier", &*self.secrets.code_verifier),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("client_assertion", client_assertion),
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                body.push('&');
            }
            body.push_str(name);
            body.push('=');
            form_encode(&mut body, value);
        }
        body
    }
}

impl core::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("redirect_uri", &self.redirect_uri)
            .field("max_age", &self.max_age)
            .field("prompt_login_at", &self.prompt_login_at)
            .field("select_role", &self.select_role)
            .finish_non_exhaustive()
    }
}

/// Signs JWS signing inputs with the client's private key, which careid never holds (an HSM,
/// a KMS, or a key in the embedder's process).
pub trait JwsSigner {
    /// The algorithm, registered with CIS2 as the token endpoint signing algorithm.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// The `kid` of the key in the client's published JWK set.
    fn key_id(&self) -> Option<&str>;

    /// Signs `signing_input`; ECDSA signatures in the fixed `r || s` form (RFC 7518 §3.4).
    ///
    /// # Errors
    /// [`Error::Signer`] when the key cannot sign.
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error>;
}

/// A `private_key_jwt` client assertion for the token endpoint (RFC 7523 §2.2, §3; OIDC Core
/// §9; CIS2.md §3): header `alg`, `kid`, `typ: JWT`; claims `iss` = `sub` = `client_id`,
/// `aud` = the token endpoint, `jti` = base64url of 128 random bits from the caller, `iat` =
/// `now`, `exp` = `now` + 180 s.
///
/// # Errors
/// [`Error::Signer`] from the signer; [`Error::InvalidConfig`] for an empty client id or token
/// endpoint.
pub fn client_assertion(
    client_id: &str,
    token_endpoint: &str,
    jti_random: &[u8; 16],
    now: UnixTime,
    signer: &impl JwsSigner,
) -> Result<String, Error> {
    if client_id.is_empty() || token_endpoint.is_empty() {
        return Err(Error::InvalidConfig {
            setting: "client id or token endpoint is empty",
        });
    }
    let mut header = serde_json::Map::new();
    header.insert("alg".into(), signer.algorithm().jose_name().into());
    if let Some(kid) = signer.key_id() {
        header.insert("kid".into(), kid.into());
    }
    header.insert("typ".into(), "JWT".into());
    let claims = serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "jti": b64::encode(jti_random),
        "iat": now.as_secs(),
        "exp": now.saturating_add(CLIENT_ASSERTION_LIFETIME).as_secs(),
    });
    let mut token = String::with_capacity(1024);
    b64::encode_to(
        serde_json::Value::Object(header).to_string().as_bytes(),
        &mut token,
    );
    token.push('.');
    b64::encode_to(claims.to_string().as_bytes(), &mut token);
    let signature = signer.sign(token.as_bytes())?;
    token.push('.');
    b64::encode_to(&signature, &mut token);
    Ok(token)
}

/// Percent-encodes everything but the RFC 3986 §2.3 unreserved characters (safe in a query
/// and in an `application/x-www-form-urlencoded` body).
fn form_encode(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            for nibble in [byte >> 4, byte & 0x0f] {
                out.push(char::from(
                    HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        let mut out = String::new();
        form_encode(&mut out, "a b&c=d/é~-._");
        assert_eq!(out, "a%20b%26c%3Dd%2F%C3%A9~-._");
    }

    #[test]
    fn secrets_are_distinct_slices_and_hidden() {
        let mut bytes = [0_u8; 96];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::try_from(i).unwrap();
        }
        let secrets = LoginSecrets::from_random_bytes(&bytes);
        assert_eq!(secrets.state, b64::encode(&bytes[..32]));
        assert_eq!(secrets.nonce, b64::encode(&bytes[32..64]));
        assert_eq!(secrets.code_verifier, b64::encode(&bytes[64..]));
        assert_eq!(secrets.code_verifier.len(), 43);
        assert!(!format!("{secrets:?}").contains(&secrets.state));
    }

    #[test]
    fn state_check_and_token_body() {
        let secrets = LoginSecrets::from_random_bytes(&[1; 96]);
        let (url, pending) = AuthorizationRequest::new(
            "https://op.example/authorize?realm=x",
            "client 1",
            "https://rp.example/cb",
        )
        .build(secrets, UnixTime::from_secs(0))
        .unwrap();
        assert!(url.starts_with(
            "https://op.example/authorize?realm=x&response_type=code&client_id=client%201&redirect_uri=https%3A%2F%2Frp.example%2Fcb&scope=openid&state="
        ));
        assert!(!url.contains("prompt") && !url.contains("max_age") && !url.contains("acr_values"));
        assert_eq!(pending.check_state(pending.state()), Ok(()));
        assert_eq!(pending.check_state("forged"), Err(Error::StateMismatch));
        assert_eq!(pending.check_state(""), Err(Error::StateMismatch));
        let body = pending.token_request_body("c0de/+", "a.b.c");
        assert!(body.starts_with(
            "grant_type=authorization_code&code=c0de%2F%2B&redirect_uri=https%3A%2F%2Frp.example%2Fcb&code_verifier="
        ));
        assert!(body.ends_with(
            "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c"
        ));
        assert!(!format!("{pending:?}").contains(pending.nonce()));
    }

    #[test]
    fn endpoints_must_be_https() {
        let secrets = LoginSecrets::from_random_bytes(&[1; 96]);
        assert_eq!(
            AuthorizationRequest::new("http://op.example/authorize", "c", "https://rp/cb")
                .build(secrets, UnixTime::from_secs(0))
                .unwrap_err(),
            Error::InvalidUrl {
                what: "authorization endpoint"
            }
        );
    }
}
