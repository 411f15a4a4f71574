//! The `http` feature against a real HTTP server on 127.0.0.1 (std `TcpListener`, started and
//! stopped by each test): discovery and JWKS fetched by `HttpFetcher`, a key rotation during
//! the test, `Cache-Control`, size limits, timeouts and failures.
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use careid_assert::{
    Error, Fetch, FetchError, HttpFetcher, Input, KeyResolver, Provider, RelyingParty,
    TransportFailure, UnixTime,
};
use careid_testkit::{CIS2_CLIENT_ID, CIS2_KID, CIS2_ROTATED_KID, Cis2Issuer};
use common::{NOW, expect, id_claims};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[derive(Clone)]
enum Route {
    Json {
        body: Vec<u8>,
        cache_control: Option<String>,
    },
    Status(u16),
    Redirect(String),
    Slow(Duration),
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    hits: HashMap<String, usize>,
}

/// A small HTTP/1.1 server on 127.0.0.1, one connection at a time, `Connection: close`.
/// Dropping it stops it and joins its thread.
struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &state);
                    }
                }
            })
        };
        Self {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn route(&self, path: &str, route: Route) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(path.to_owned(), route);
    }

    fn json(&self, path: &str, body: &Value, cache_control: Option<&str>) {
        self.route(
            path,
            Route::Json {
                body: body.to_string().into_bytes(),
                cache_control: cache_control.map(str::to_owned),
            },
        );
    }

    fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

fn serve(mut stream: TcpStream, state: &Mutex<State>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut request = Vec::new();
    let mut buf = [0_u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split(' ').nth(1).unwrap_or("/").to_owned();
    let route = {
        let mut state = state.lock().unwrap();
        *state.hits.entry(path.clone()).or_default() += 1;
        state.routes.get(&path).cloned()
    };
    let response = match route {
        Some(Route::Json {
            body,
            cache_control,
        }) => {
            let mut head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(cc) = cache_control {
                head.push_str(&format!("Cache-Control: {cc}\r\n"));
            }
            head.push_str("\r\n");
            [head.into_bytes(), body].concat()
        }
        Some(Route::Status(code)) => {
            format!("HTTP/1.1 {code} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .into_bytes()
        }
        Some(Route::Redirect(to)) => format!(
            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_bytes(),
        Some(Route::Slow(delay)) => {
            std::thread::sleep(delay);
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec()
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = stream.write_all(&response);
}

fn fetcher() -> HttpFetcher {
    HttpFetcher::new()
        .with_timeouts(Duration::from_secs(5), Duration::from_secs(2))
        .danger_allow_http_loopback()
}

fn at(secs: i64) -> UnixTime {
    UnixTime::from_secs(NOW + secs)
}

#[test]
fn discovery_and_jwks_over_loopback_with_a_key_rotation() {
    let server = Server::start();
    let issuer = server.base();
    let cis2 = Cis2Issuer::new(&issuer);
    let overlap = cis2
        .clone()
        .with_key(CIS2_ROTATED_KID, Cis2Issuer::rotation_signer());
    let rotated = overlap.clone().only_key(CIS2_ROTATED_KID);
    server.json(
        "/.well-known/openid-configuration",
        &cis2.discovery(),
        Some("max-age=3600"),
    );
    server.json(
        "/connect/jwk_uri",
        &cis2.jwks(),
        Some("public, max-age=600"),
    );

    let provider = Provider::new(&issuer, fetcher()).danger_allow_http_loopback();
    let rp = RelyingParty::builder(&issuer, CIS2_CLIENT_ID)
        .danger_allow_http_loopback()
        .build()
        .unwrap();
    let claims = |iss: &str| {
        let mut c = id_claims();
        c["iss"] = iss.into();
        c
    };
    let old_token = cis2.mint(&claims(&issuer));
    let verified = rp
        .verify_id_token(&old_token, &provider, &expect(), at(0))
        .unwrap();
    assert_eq!(verified.key_id(), Some(CIS2_KID));
    assert_eq!(server.hits("/.well-known/openid-configuration"), 1);
    assert_eq!(server.hits("/connect/jwk_uri"), 1);

    // Rotation, step 1: the new key is published beside the old one, and the issuer starts
    // signing with it. The first token naming it makes the store refetch the set.
    server.json(
        "/connect/jwk_uri",
        &overlap.jwks(),
        Some("public, max-age=600"),
    );
    let new_token = rotated.mint_with_header(
        &json!({"typ": "JWT", "kid": CIS2_ROTATED_KID, "alg": "RS256"}),
        &claims(&issuer),
    );
    let verified = rp
        .verify_id_token(&new_token, &provider, &expect(), at(400))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verified.key_id(), Some(CIS2_ROTATED_KID));
    assert_eq!(server.hits("/connect/jwk_uri"), 2);
    // Both keys now verify from the cache, without fetching.
    assert!(provider.resolve(CIS2_KID, at(401)).is_ok());
    assert!(provider.resolve(CIS2_ROTATED_KID, at(402)).is_ok());
    assert_eq!(server.hits("/connect/jwk_uri"), 2);

    // Step 2: the old key is retired. When the cached set expires (max-age 600 after the
    // refetch at 400), the next lookup fetches the new set and the old kid is gone.
    server.json(
        "/connect/jwk_uri",
        &rotated.jwks(),
        Some("public, max-age=600"),
    );
    assert!(provider.resolve(CIS2_KID, at(999)).is_ok());
    assert_eq!(
        provider.resolve(CIS2_KID, at(1000)).unwrap_err(),
        Error::UnknownKey {
            kid: CIS2_KID.into(),
            refreshed: true
        }
    );
    assert!(provider.resolve(CIS2_ROTATED_KID, at(1001)).is_ok());
    assert_eq!(server.hits("/connect/jwk_uri"), 3);
    // Discovery was fetched once: its hour has not passed.
    assert_eq!(server.hits("/.well-known/openid-configuration"), 1);
    drop(server);
}

#[test]
fn fetch_failures_are_typed() {
    let server = Server::start();
    let base = server.base();
    let url = |path: &str| format!("{base}{path}");
    server.route("/gone", Route::Status(404));
    server.route("/broken", Route::Status(503));
    server.route("/moved", Route::Redirect(url("/gone")));
    server.route("/slow", Route::Slow(Duration::from_millis(1500)));
    server.json(
        "/big",
        &json!({"keys": [], "pad": "x".repeat(300 * 1024)}),
        None,
    );
    server.json("/small", &json!({"keys": []}), Some("max-age=77"));

    let fetch = fetcher();
    assert_eq!(
        fetch.fetch(&url("/gone")).unwrap_err(),
        FetchError::Status { status: 404 }
    );
    assert_eq!(
        fetch.fetch(&url("/broken")).unwrap_err(),
        FetchError::Status { status: 503 }
    );
    // Redirects are not followed.
    assert_eq!(server.hits("/gone"), 1);
    assert_eq!(
        fetch.fetch(&url("/moved")).unwrap_err(),
        FetchError::Status { status: 302 }
    );
    assert_eq!(server.hits("/gone"), 1);
    assert_eq!(
        fetch.fetch(&url("/big")).unwrap_err(),
        FetchError::TooLarge { limit: 256 * 1024 }
    );
    let small = fetch.fetch(&url("/small")).unwrap();
    assert_eq!(small.body(), br#"{"keys":[]}"#);
    assert_eq!(small.cache_control().max_age(), Some(77));
    let impatient = HttpFetcher::new()
        .with_timeouts(Duration::from_millis(300), Duration::from_millis(300))
        .danger_allow_http_loopback();
    assert_eq!(
        impatient.fetch(&url("/slow")).unwrap_err(),
        FetchError::Timeout
    );
    // The default fetcher is https only: plain http is refused before connecting.
    let hits = server.hits("/small");
    assert_eq!(
        HttpFetcher::new().fetch(&url("/small")).unwrap_err(),
        FetchError::Insecure
    );
    assert_eq!(server.hits("/small"), hits);
    // Non-loopback plain http is refused even with the loopback switch.
    assert_eq!(
        fetch.fetch("http://10.255.255.1/jwks").unwrap_err(),
        FetchError::Insecure
    );
    drop(server);

    // Nothing listens any more.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    assert_eq!(
        fetch.fetch(&format!("http://{addr}/jwks")).unwrap_err(),
        FetchError::Transport {
            kind: TransportFailure::Connection
        }
    );
}

#[test]
fn discovery_failures_surface_as_typed_errors() {
    let server = Server::start();
    let issuer = server.base();
    let provider = Provider::new(&issuer, fetcher()).danger_allow_http_loopback();
    assert_eq!(
        provider.metadata(at(0)).unwrap_err(),
        Error::Fetch {
            document: Input::Discovery,
            source: FetchError::Status { status: 404 }
        }
    );
    // A document for another issuer (a trailing slash differs).
    let mut doc = Cis2Issuer::new(&issuer).discovery();
    doc["issuer"] = format!("{issuer}/").into();
    server.json("/.well-known/openid-configuration", &doc, None);
    let provider = Provider::new(&issuer, fetcher()).danger_allow_http_loopback();
    assert_eq!(
        provider.metadata(at(0)).unwrap_err(),
        Error::DiscoveryIssuerMismatch {
            found: format!("{issuer}/").into()
        }
    );
    // Without the loopback switch the document's http endpoints are refused.
    server.json(
        "/.well-known/openid-configuration",
        &Cis2Issuer::new(&issuer).discovery(),
        None,
    );
    let provider = Provider::new(&issuer, fetcher());
    assert_eq!(
        provider.metadata(at(0)).unwrap_err(),
        Error::InvalidUrl {
            what: "authorization_endpoint"
        }
    );
    drop(server);
}
