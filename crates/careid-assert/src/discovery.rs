//! OpenID Connect Discovery 1.0 provider metadata, and URL rules.

use crate::error::{Error, Input};
use crate::json;
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
use serde_json::{Map, Value};

/// Which URLs careid accepts for endpoints and fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum UrlPolicy {
    /// Absolute `https` URLs only (CIS2.md §3: TLS for discovery, JWKS, token and UserInfo).
    #[default]
    HttpsOnly,
    /// Also plain `http` to a loopback host (`127.0.0.1`, `[::1]`, `localhost`): for tests
    /// against a local server only. Never for a real issuer.
    DangerAllowHttpLoopback,
}

impl UrlPolicy {
    /// Checks `url` against the policy: an absolute URL with an allowed scheme, a host, no
    /// user info, no fragment (RFC 6749 §3.1), no whitespace or control characters.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] naming `what`.
    pub fn check(self, url: &str, what: &'static str) -> Result<(), Error> {
        let bad = Error::InvalidUrl { what };
        if url
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b == b'#' || b == b'\\')
        {
            return Err(bad);
        }
        let (scheme, rest) = url.split_once("://").ok_or(bad.clone())?;
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') {
            return Err(bad);
        }
        let host = host_of(authority);
        if host.is_empty() {
            return Err(bad);
        }
        if scheme.eq_ignore_ascii_case("https") {
            return Ok(());
        }
        let loopback = matches!(host, "127.0.0.1" | "[::1]" | "localhost");
        if scheme.eq_ignore_ascii_case("http") && loopback && self == Self::DangerAllowHttpLoopback
        {
            return Ok(());
        }
        Err(bad)
    }
}

/// The host part of an authority (`host`, `host:port`, `[v6]:port`).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => authority.get(..=end).unwrap_or_default(),
            None => "",
        }
    } else {
        authority.split(':').next().unwrap_or_default()
    }
}

/// The discovery document URL of an issuer: `{issuer}/.well-known/openid-configuration`, with
/// a terminating `/` of the issuer removed first (OpenID Connect Discovery 1.0 §4.1). The
/// issuer is otherwise kept verbatim: CIS2's `:443` stays (CIS2.md §2).
///
/// ```
/// assert_eq!(
///     careid_assert::discovery_url("https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare"),
///     "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare/.well-known/openid-configuration"
/// );
/// ```
pub fn discovery_url(issuer: &str) -> String {
    let base = issuer.strip_suffix('/').unwrap_or(issuer);
    let mut url = String::with_capacity(base.len() + 33);
    url.push_str(base);
    url.push_str("/.well-known/openid-configuration");
    url
}

/// An OpenID Provider's metadata (OpenID Connect Discovery 1.0 §3), checked against the
/// configured issuer.
///
/// Required: `issuer`, equal to the configured issuer byte for byte (§4.3; no normalisation
/// of ports, case or trailing slashes), and `authorization_endpoint`, `token_endpoint` and
/// `jwks_uri` as URLs the [`UrlPolicy`] allows. Everything else is optional and every member
/// is kept ([`ProviderMetadata::get`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderMetadata {
    issuer: Box<str>,
    authorization_endpoint: Box<str>,
    token_endpoint: Box<str>,
    jwks_uri: Box<str>,
    userinfo_endpoint: Option<Box<str>>,
    end_session_endpoint: Option<Box<str>>,
    members: Map<String, Value>,
}

impl ProviderMetadata {
    /// The largest discovery document accepted.
    pub const MAX_BYTES: usize = 64 * 1024;

    /// Parses a discovery document for the configured `issuer`, https URLs only.
    ///
    /// # Errors
    /// JSON errors, [`Error::TooLarge`], [`Error::DiscoveryIssuerMismatch`],
    /// [`Error::MissingMember`], [`Error::InvalidUrl`].
    pub fn from_json(json: &[u8], issuer: &str) -> Result<Self, Error> {
        Self::from_json_with_policy(json, issuer, UrlPolicy::HttpsOnly)
    }

    /// Parses a discovery document whose issuer is not known yet, taking its own `issuer`
    /// as the expected one: for tools that find out which issuer string to configure
    /// (`careid token discover`). A relying party must use [`ProviderMetadata::from_json`]
    /// with its configured issuer instead.
    ///
    /// # Errors
    /// As [`ProviderMetadata::from_json`], and [`Error::MissingMember`] without an `issuer`.
    pub fn inspect(json: &[u8], policy: UrlPolicy) -> Result<Self, Error> {
        if json.len() > Self::MAX_BYTES {
            return Err(Error::TooLarge {
                input: Input::Discovery,
                limit: Self::MAX_BYTES,
                actual: json.len(),
            });
        }
        let text = json::utf8(json, Input::Discovery)?;
        let members = json::parse_object_value(text, Input::Discovery, json::DEFAULT_MAX_DEPTH)?;
        let issuer = members
            .get("issuer")
            .and_then(Value::as_str)
            .ok_or(Error::MissingMember {
                input: Input::Discovery,
                member: "issuer",
            })?;
        Self::from_json_with_policy(json, issuer, policy)
    }

    /// Parses a discovery document under a URL policy.
    pub fn from_json_with_policy(
        json: &[u8],
        issuer: &str,
        policy: UrlPolicy,
    ) -> Result<Self, Error> {
        if json.len() > Self::MAX_BYTES {
            return Err(Error::TooLarge {
                input: Input::Discovery,
                limit: Self::MAX_BYTES,
                actual: json.len(),
            });
        }
        let text = json::utf8(json, Input::Discovery)?;
        let members = json::parse_object_value(text, Input::Discovery, json::DEFAULT_MAX_DEPTH)?;
        let string = |member: &'static str| -> Result<Box<str>, Error> {
            members
                .get(member)
                .and_then(Value::as_str)
                .map(Into::into)
                .ok_or(Error::MissingMember {
                    input: Input::Discovery,
                    member,
                })
        };
        let found = string("issuer")?;
        if *found != *issuer {
            return Err(Error::DiscoveryIssuerMismatch { found });
        }
        let url = |member: &'static str| -> Result<Box<str>, Error> {
            let value = string(member)?;
            policy.check(&value, member)?;
            Ok(value)
        };
        let optional_url = |member: &'static str| -> Result<Option<Box<str>>, Error> {
            match members.get(member) {
                None | Some(Value::Null) => Ok(None),
                Some(_) => url(member).map(Some),
            }
        };
        Ok(Self {
            authorization_endpoint: url("authorization_endpoint")?,
            token_endpoint: url("token_endpoint")?,
            jwks_uri: url("jwks_uri")?,
            userinfo_endpoint: optional_url("userinfo_endpoint")?,
            end_session_endpoint: optional_url("end_session_endpoint")?,
            issuer: found,
            members,
        })
    }

    /// `issuer`: exactly the configured issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `authorization_endpoint`.
    pub fn authorization_endpoint(&self) -> &str {
        &self.authorization_endpoint
    }

    /// `token_endpoint`.
    pub fn token_endpoint(&self) -> &str {
        &self.token_endpoint
    }

    /// `jwks_uri`.
    pub fn jwks_uri(&self) -> &str {
        &self.jwks_uri
    }

    /// `userinfo_endpoint`.
    pub fn userinfo_endpoint(&self) -> Option<&str> {
        self.userinfo_endpoint.as_deref()
    }

    /// `end_session_endpoint` (OpenID Connect RP-Initiated Logout 1.0 §2.1).
    pub fn end_session_endpoint(&self) -> Option<&str> {
        self.end_session_endpoint.as_deref()
    }

    /// The algorithms of `id_token_signing_alg_values_supported` that careid verifies, or
    /// `None` when the member is absent or not an array of strings. It only ever narrows the
    /// caller's allow-list (CIS2.md §3): intersect, never replace.
    pub fn id_token_algorithms(&self) -> Option<AlgorithmSet> {
        let names = self
            .members
            .get("id_token_signing_alg_values_supported")?
            .as_array()?;
        let mut set = AlgorithmSet::EMPTY;
        for name in names {
            if let Ok(alg) = SignatureAlgorithm::from_jose_name(name.as_str()?) {
                set = set.with(alg);
            }
        }
        Some(set)
    }

    /// Any member of the document.
    pub fn get(&self, member: &str) -> Option<&Value> {
        self.members.get(member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";

    fn doc(issuer: &str) -> String {
        format!(
            r#"{{"issuer":"{issuer}","authorization_endpoint":"{ISSUER}/authorize","token_endpoint":"{ISSUER}/access_token","jwks_uri":"{ISSUER}/connect/jwk_uri","userinfo_endpoint":"{ISSUER}/userinfo","id_token_signing_alg_values_supported":["RS256","HS256","none","ES512","PS256"],"acr_values_supported":["AAL3_ANY"]}}"#
        )
    }

    #[test]
    fn issuer_must_match_byte_for_byte() {
        let meta = ProviderMetadata::from_json(doc(ISSUER).as_bytes(), ISSUER).unwrap();
        assert_eq!(meta.issuer(), ISSUER);
        assert_eq!(meta.jwks_uri(), format!("{ISSUER}/connect/jwk_uri"));
        assert_eq!(
            meta.id_token_algorithms(),
            Some(AlgorithmSet::from_slice(&[
                SignatureAlgorithm::Rs256,
                SignatureAlgorithm::Ps256
            ]))
        );
        assert_eq!(
            meta.get("acr_values_supported"),
            Some(&serde_json::json!(["AAL3_ANY"]))
        );
        for other in [
            ISSUER.replace(":443", ""),
            format!("{ISSUER}/"),
            ISSUER.replace("Healthcare", "healthcare"),
            ISSUER.replace("https", "HTTPS"),
        ] {
            assert_eq!(
                ProviderMetadata::from_json(doc(&other).as_bytes(), ISSUER),
                Err(Error::DiscoveryIssuerMismatch {
                    found: other.as_str().into()
                })
            );
        }
    }

    #[test]
    fn urls() {
        let https = UrlPolicy::HttpsOnly;
        let lo = UrlPolicy::DangerAllowHttpLoopback;
        assert!(https.check("https://a.example/x?y=1", "u").is_ok());
        assert!(https.check("HTTPS://a.example:443", "u").is_ok());
        for bad in [
            "http://a.example/",
            "https://a.example/#frag",
            "https://user@a.example/",
            "https:///path",
            "https://a.example/ x",
            "a.example",
            "ftp://a.example/",
            "https://:443/",
        ] {
            assert_eq!(
                https.check(bad, "u"),
                Err(Error::InvalidUrl { what: "u" }),
                "{bad}"
            );
        }
        assert!(https.check("http://127.0.0.1:8080/x", "u").is_err());
        assert!(lo.check("http://127.0.0.1:8080/x", "u").is_ok());
        assert!(lo.check("http://[::1]:8080/x", "u").is_ok());
        assert!(lo.check("http://localhost/x", "u").is_ok());
        assert!(lo.check("http://127.0.0.1.example/x", "u").is_err());
        assert!(lo.check("http://10.0.0.1/x", "u").is_err());
    }

    #[test]
    fn discovery_urls() {
        assert_eq!(
            discovery_url("https://op.example/realms/x/"),
            "https://op.example/realms/x/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("https://op.example"),
            "https://op.example/.well-known/openid-configuration"
        );
    }

    #[test]
    fn required_members() {
        let text = format!(
            r#"{{"issuer":"{ISSUER}","authorization_endpoint":"{ISSUER}/a","token_endpoint":"{ISSUER}/t"}}"#
        );
        assert_eq!(
            ProviderMetadata::from_json(text.as_bytes(), ISSUER),
            Err(Error::MissingMember {
                input: Input::Discovery,
                member: "jwks_uri"
            })
        );
        let text = format!(
            r#"{{"issuer":"{ISSUER}","authorization_endpoint":"{ISSUER}/a","token_endpoint":"{ISSUER}/t","jwks_uri":"http://insecure.example/jwks"}}"#
        );
        assert_eq!(
            ProviderMetadata::from_json(text.as_bytes(), ISSUER),
            Err(Error::InvalidUrl { what: "jwks_uri" })
        );
    }
}
