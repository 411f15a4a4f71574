//! The `http` feature: a blocking [`Fetch`] on ureq (rustls with ring, the webpki root
//! certificates), for discovery documents and JWK sets.

use crate::discovery::UrlPolicy;
use crate::error::{FetchError, TransportFailure};
use crate::fetch::{Fetch, Fetched};
use core::time::Duration;

/// Fetches discovery documents and JWK sets over HTTPS with ureq.
///
/// - https only (plain http to a loopback host with
///   [`HttpFetcher::danger_allow_http_loopback`], for tests), TLS 1.2 or 1.3 (rustls), the
///   Mozilla root certificates (webpki-roots);
/// - redirects are not followed (a redirect could leave https or the issuer's host);
/// - 5 s to connect and 10 s in all per request by default; bodies above 256 KiB are refused;
/// - `Cache-Control` is passed on for the caches to honour within their bounds.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    agent: ureq::Agent,
    timeout: Duration,
    connect_timeout: Duration,
    max_bytes: u64,
    policy: UrlPolicy,
}

impl Default for HttpFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpFetcher {
    /// The default fetcher.
    pub fn new() -> Self {
        let timeout = Duration::from_secs(10);
        let connect_timeout = Duration::from_secs(5);
        Self {
            agent: agent(timeout, connect_timeout, UrlPolicy::HttpsOnly),
            timeout,
            connect_timeout,
            max_bytes: 256 * 1024,
            policy: UrlPolicy::HttpsOnly,
        }
    }

    /// The time allowed for a whole request and for connecting.
    #[must_use]
    pub fn with_timeouts(mut self, total: Duration, connect: Duration) -> Self {
        self.timeout = total;
        self.connect_timeout = connect;
        self.agent = agent(total, connect, self.policy);
        self
    }

    /// The largest body accepted.
    #[must_use]
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Also fetch plain `http` from loopback hosts. For tests against a local server only.
    #[must_use]
    pub fn danger_allow_http_loopback(mut self) -> Self {
        self.policy = UrlPolicy::DangerAllowHttpLoopback;
        self.agent = agent(self.timeout, self.connect_timeout, self.policy);
        self
    }
}

fn agent(timeout: Duration, connect: Duration, policy: UrlPolicy) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .timeout_connect(Some(connect))
        .max_redirects(0)
        .http_status_as_error(false)
        .https_only(policy == UrlPolicy::HttpsOnly)
        .user_agent(concat!("careid/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

impl Fetch for HttpFetcher {
    fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        self.policy
            .check(url, "url")
            .map_err(|_| FetchError::Insecure)?;
        let response = self
            .agent
            .get(url)
            .header("accept", "application/json")
            .call()
            .map_err(map_error)?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status { status });
        }
        let cache_control = response
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response
            .into_body()
            .into_with_config()
            .limit(self.max_bytes)
            .read_to_vec()
            .map_err(|err| match err {
                ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                    limit: self.max_bytes,
                },
                other => map_error(other),
            })?;
        Ok(Fetched::new(body, cache_control.as_deref()))
    }
}

fn map_error(err: ureq::Error) -> FetchError {
    use ureq::Error as E;
    match err {
        E::StatusCode(status) => FetchError::Status { status },
        E::Timeout(_) => FetchError::Timeout,
        E::RequireHttpsOnly(_) | E::BadUri(_) => FetchError::Insecure,
        E::HostNotFound => FetchError::Transport {
            kind: TransportFailure::Dns,
        },
        E::Tls(_) | E::Rustls(_) | E::TlsRequired => FetchError::Transport {
            kind: TransportFailure::Tls,
        },
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => FetchError::Timeout,
        E::Io(io) => match io
            .into_inner()
            .and_then(|inner| inner.downcast::<ureq::Error>().ok())
        {
            Some(inner) => map_error(*inner),
            None => FetchError::Transport {
                kind: TransportFailure::Connection,
            },
        },
        E::BodyExceedsLimit(limit) => FetchError::TooLarge { limit },
        E::ConnectionFailed => FetchError::Transport {
            kind: TransportFailure::Connection,
        },
        _ => FetchError::Transport {
            kind: TransportFailure::Protocol,
        },
    }
}
