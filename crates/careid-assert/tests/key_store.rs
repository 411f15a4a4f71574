//! Key stores and discovery with an in-memory transport: caching within bounds, rotation,
//! failure handling, one fetch at a time, and the discovery document's issuer rule.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{
    CachePolicy, Error, Fetch, FetchError, Fetched, Input, KeyResolver, KeyStore, Provider,
    ProviderMetadata, RelyingParty, UnixTime, discovery_url,
};
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
use careid_testkit::{CIS2_CLIENT_ID, CIS2_INT_ISSUER, CIS2_KID, CIS2_ROTATED_KID, Cis2Issuer};
use common::{NOW, expect, id_claims, issuer};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// An in-memory web: URL → (body, Cache-Control) or a failure, counting requests per URL.
/// A page: its body and `Cache-Control`, or the failure fetching it gives.
type Page = Result<(Vec<u8>, Option<String>), FetchError>;

#[derive(Default)]
struct Web {
    pages: Mutex<HashMap<String, Page>>,
    hits: Mutex<HashMap<String, usize>>,
    delay: Option<Duration>,
}

impl Web {
    fn serve(&self, url: &str, body: &Value, cache_control: Option<&str>) {
        self.pages.lock().unwrap().insert(
            url.to_owned(),
            Ok((
                body.to_string().into_bytes(),
                cache_control.map(str::to_owned),
            )),
        );
    }
    fn fail(&self, url: &str, err: FetchError) {
        self.pages.lock().unwrap().insert(url.to_owned(), Err(err));
    }
    fn hits(&self, url: &str) -> usize {
        self.hits.lock().unwrap().get(url).copied().unwrap_or(0)
    }
}

impl Fetch for Web {
    fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        *self.hits.lock().unwrap().entry(url.to_owned()).or_default() += 1;
        if let Some(delay) = self.delay {
            std::thread::sleep(delay);
        }
        match self.pages.lock().unwrap().get(url) {
            Some(Ok((body, cc))) => Ok(Fetched::new(body.clone(), cc.as_deref())),
            Some(Err(err)) => Err(err.clone()),
            None => Err(FetchError::Status { status: 404 }),
        }
    }
}

const JWKS: &str = "https://keys.example/jwks";

fn at(secs: i64) -> UnixTime {
    UnixTime::from_secs(NOW + secs)
}

fn resolve(store: &impl KeyResolver, kid: &str, secs: i64) -> Result<(), Error> {
    store.resolve(kid, at(secs)).map(|_| ())
}

#[test]
fn cache_control_is_honoured_within_bounds() {
    let web = Web::default();
    for (cc, fresh_for) in [
        (Some("public, max-age=120"), 120),
        (Some("max-age=5"), 60),         // below the 1-minute floor
        (Some("max-age=999999"), 86400), // above the 24-hour ceiling
        (Some("no-store"), 60),
        (None, 3600),
    ] {
        web.serve(JWKS, &issuer().jwks(), cc);
        let store = KeyStore::new(JWKS, &web);
        let before = web.hits(JWKS);
        resolve(&store, CIS2_KID, 0).unwrap();
        resolve(&store, CIS2_KID, fresh_for - 1).unwrap();
        assert_eq!(web.hits(JWKS), before + 1, "{cc:?}: refetched while fresh");
        resolve(&store, CIS2_KID, fresh_for).unwrap();
        assert_eq!(
            web.hits(JWKS),
            before + 2,
            "{cc:?}: not refetched when stale"
        );
    }
}

#[test]
fn rotation_adds_and_retires_keys() {
    let web = Web::default();
    let old = issuer();
    let overlap = issuer().with_key(CIS2_ROTATED_KID, Cis2Issuer::rotation_signer());
    let new = overlap.clone().only_key(CIS2_ROTATED_KID);
    web.serve(JWKS, &old.jwks(), Some("max-age=86400"));
    let store = KeyStore::new(JWKS, &web);
    resolve(&store, CIS2_KID, -1000).unwrap();
    // The issuer publishes the new key next to the old one, then signs with it.
    web.serve(JWKS, &overlap.jwks(), Some("max-age=86400"));
    let rp = common::rp();
    let token = new.mint_with_header(
        &json!({"typ": "JWT", "kid": CIS2_ROTATED_KID, "alg": "RS256"}),
        &id_claims(),
    );
    let verified = rp
        .verify_id_token(&token, &store, &expect(), at(0))
        .unwrap();
    assert_eq!(verified.key_id(), Some(CIS2_ROTATED_KID));
    assert_eq!(web.hits(JWKS), 2);
    // The old key keeps working from the cache.
    resolve(&store, CIS2_KID, 1).unwrap();
    // Later the old key is retired; after the next refresh it is unknown.
    web.serve(JWKS, &new.jwks(), Some("max-age=86400"));
    store.refresh(at(400)).unwrap();
    assert_eq!(
        resolve(&store, CIS2_KID, 401).unwrap_err(),
        Error::UnknownKey {
            kid: CIS2_KID.into(),
            refreshed: false
        }
    );
    assert_eq!(web.hits(JWKS), 3);
}

#[test]
fn failures_serve_stale_keys_for_a_bounded_time_and_retry_rate_limited() {
    let web = Web::default();
    web.serve(JWKS, &issuer().jwks(), Some("max-age=600"));
    let store = KeyStore::new(JWKS, &web);
    resolve(&store, CIS2_KID, 0).unwrap();
    web.fail(JWKS, FetchError::Status { status: 503 });
    // Expired at 600: the fetch fails, the stale set is still used (up to an hour).
    resolve(&store, CIS2_KID, 600).unwrap();
    assert_eq!(web.hits(JWKS), 2);
    // Retries at most once a minute.
    resolve(&store, CIS2_KID, 630).unwrap();
    assert_eq!(web.hits(JWKS), 2);
    resolve(&store, CIS2_KID, 660).unwrap();
    assert_eq!(web.hits(JWKS), 3);
    // Past the grace (expiry + 1 h), the failure is the answer.
    let failure = Error::Fetch {
        document: Input::Jwks,
        source: FetchError::Status { status: 503 },
    };
    assert_eq!(resolve(&store, CIS2_KID, 4200).unwrap_err(), failure);
    assert_eq!(resolve(&store, CIS2_KID, 4201).unwrap_err(), failure);
    assert_eq!(web.hits(JWKS), 4);
    // Recovery.
    web.serve(JWKS, &issuer().jwks(), None);
    resolve(&store, CIS2_KID, 4300).unwrap();
    // A policy without grace fails closed at once.
    let strict = KeyStore::new(JWKS, &web).with_policy(
        CachePolicy::JWKS
            .with_stale_if_error(Duration::ZERO)
            .with_ttl_bounds(Duration::from_secs(60), Duration::from_secs(60)),
    );
    resolve(&strict, CIS2_KID, 0).unwrap();
    web.fail(JWKS, FetchError::Timeout);
    assert_eq!(
        resolve(&strict, CIS2_KID, 60).unwrap_err(),
        Error::Fetch {
            document: Input::Jwks,
            source: FetchError::Timeout
        }
    );
    // A JWKS that does not parse is a failure too, and keeps the old set.
    let web = Web::default();
    web.serve(JWKS, &issuer().jwks(), Some("max-age=60"));
    let store = KeyStore::new(JWKS, &web);
    resolve(&store, CIS2_KID, 0).unwrap();
    web.serve(JWKS, &json!({"keys": "none"}), None);
    resolve(&store, CIS2_KID, 60).unwrap();
    assert_eq!(
        store.refresh(at(61)).unwrap_err(),
        Error::MissingMember {
            input: Input::Jwks,
            member: "keys"
        }
    );
}

#[test]
fn one_fetch_at_a_time() {
    let web = Web {
        delay: Some(Duration::from_millis(100)),
        ..Web::default()
    };
    web.serve(JWKS, &issuer().jwks(), None);
    let store = KeyStore::new(JWKS, &web);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| resolve(&store, CIS2_KID, 0).unwrap());
        }
    });
    assert_eq!(web.hits(JWKS), 1);
}

#[test]
fn provider_discovers_keys_and_checks_the_issuer() {
    let web = Web::default();
    let cis2 = issuer();
    let discovery = cis2.discovery();
    let jwks_uri = discovery["jwks_uri"].as_str().unwrap().to_owned();
    web.serve(
        &discovery_url(CIS2_INT_ISSUER),
        &discovery,
        Some("max-age=3600"),
    );
    web.serve(&jwks_uri, &cis2.jwks(), None);
    let provider = Provider::new(CIS2_INT_ISSUER, &web);
    let metadata = provider.metadata(at(0)).unwrap();
    assert_eq!(metadata.issuer(), CIS2_INT_ISSUER);
    assert_eq!(metadata.jwks_uri(), jwks_uri);
    // The `:443` is kept in the discovery URL.
    assert!(discovery_url(CIS2_INT_ISSUER).contains(":443/openam/"));

    let token = cis2.mint(&id_claims());
    let rp = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
        .narrow_to_provider(&metadata)
        .build()
        .unwrap();
    // The discovery document lists RS256 and RS512: the ID-token list stays RS256.
    assert_eq!(
        rp.id_token_algorithms(),
        AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256)
    );
    rp.verify_id_token(&token, &provider, &expect(), at(0))
        .unwrap();
    assert_eq!(web.hits(&discovery_url(CIS2_INT_ISSUER)), 1);
    assert_eq!(web.hits(&jwks_uri), 1);
    // Discovery is cached for at most an hour.
    provider.resolve(CIS2_KID, at(3599)).unwrap();
    assert_eq!(web.hits(&discovery_url(CIS2_INT_ISSUER)), 1);
    assert_eq!(web.hits(&jwks_uri), 1);
    let _ = provider.metadata(at(3600)).unwrap();
    assert_eq!(web.hits(&discovery_url(CIS2_INT_ISSUER)), 2);

    // A relying party configured without `:443` finds a document whose issuer has it.
    let without_port = CIS2_INT_ISSUER.replace(":443", "");
    web.serve(&discovery_url(&without_port), &discovery, None);
    let wrong = Provider::new(&without_port, &web);
    assert_eq!(
        wrong.metadata(at(0)).unwrap_err(),
        Error::DiscoveryIssuerMismatch {
            found: CIS2_INT_ISSUER.into()
        }
    );
    // Discovery that names an http jwks_uri is refused.
    let mut insecure = discovery.clone();
    insecure["jwks_uri"] = "http://keys.example/jwks".into();
    assert_eq!(
        ProviderMetadata::from_json(insecure.to_string().as_bytes(), CIS2_INT_ISSUER).unwrap_err(),
        Error::InvalidUrl { what: "jwks_uri" }
    );
    // A discovery document that only offers algorithms careid refuses leaves nothing.
    let mut hs_only = discovery;
    hs_only["id_token_signing_alg_values_supported"] = json!(["HS256", "none"]);
    let meta =
        ProviderMetadata::from_json(hs_only.to_string().as_bytes(), CIS2_INT_ISSUER).unwrap();
    assert_eq!(
        RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID)
            .narrow_to_provider(&meta)
            .build()
            .unwrap_err(),
        Error::InvalidConfig {
            setting: "no ID-token algorithm"
        }
    );
}
