#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod b64;
mod claims;
mod discovery;
mod error;
mod fetch;
#[cfg(feature = "http")]
mod http;
mod json;
mod jwks;
mod jws;
mod replay;
mod rp;
mod store;
mod time;
mod verify;
mod webauthn;

pub use claims::{AssuranceLevel, Claims, ExtraClaim, acr_level};
pub use discovery::{ProviderMetadata, UrlPolicy, discovery_url};
pub use error::{
    AudienceProblem, AzpProblem, ClaimProblem, Error, FetchError, HeaderAlg, HeaderParam, Input,
    Malformed, Nesting, Segment, TokenKind, TransportFailure, TypeEvidence,
};
pub use fetch::{CacheControl, CachePolicy, Fetch, Fetched};
#[cfg(feature = "http")]
pub use http::HttpFetcher;
pub use jwks::{JwkSet, KeyResolver, VerificationKey};
pub use jws::{Jws, JwsHeader, JwsLimits, VerifiedJws};
pub use replay::{MemoryReplayCache, ReplayCache};
pub use rp::{
    AuthorizationRequest, CLIENT_ASSERTION_LIFETIME, CLIENT_ASSERTION_TYPE, JwsSigner,
    LoginSecrets, PendingLogin, client_assertion, pkce_s256_challenge,
};
pub use store::{KeyStore, Provider};
pub use time::UnixTime;
pub use verify::{
    AccessTokenExpectations, BACKCHANNEL_LOGOUT_EVENT, IdTokenExpectations, RelyingParty,
    RelyingPartyBuilder, VerifiedAccessToken, VerifiedIdToken, VerifiedLogoutToken,
    VerifiedUserInfo,
};
pub use webauthn::{
    AssertionResponse, AttestationClass, AttestationRoots, AttestationTrust, AttestationType,
    AuthenticatorAssurance, CertificateRequirement, ClientData, ClientDataProblem, CounterCheck,
    CounterPolicy, CredentialRecord, MAX_CLIENT_DATA_LEN, RegistrationResponse, UserVerification,
    VerifiedAssertion, VerifiedAttestation, VerifiedRegistration, WebAuthnError, WebAuthnPolicy,
    WebAuthnPolicyBuilder,
};

/// careid-crypto, whose `AlgorithmSet`, `PublicKey` and `SignatureAlgorithm` appear in this
/// crate's API.
pub use careid_crypto;
/// careid-ctap, whose `AttestationObject`, `Aaguid` and `Error` appear in the WebAuthn API.
pub use careid_ctap;
/// careid-rbac, whose `NrbacRoles`, `RoleSelection` and `RoleProfile` appear in this crate's
/// API.
pub use careid_rbac;
/// careid-x509, whose `Time`, `TrustAnchor` and `VerifiedPath` appear in the WebAuthn API.
pub use careid_x509;
