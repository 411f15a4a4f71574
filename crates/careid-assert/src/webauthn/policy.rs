//! The relying party's WebAuthn policy: RP ID, origins, algorithms, user verification,
//! attestation trust anchors, counter handling.

use super::error::WebAuthnError;
use super::sha256;
use careid_crypto::{AlgorithmSet, SignatureAlgorithm};
use careid_ctap::Aaguid;
use careid_x509::{RevocationPolicy, TrustAnchor, Validator};

/// Whether user verification (a PIN or biometric on the key) is required (WebAuthn §7.1 step
/// 15, §7.2 step 17). CIS2 AAL3 logins require it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserVerification {
    /// The UV flag must be set.
    Required,
    /// The UV flag is recorded but not required.
    NotRequired,
}

/// What to do when the signature counter does not increase (WebAuthn §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CounterPolicy {
    /// Refuse the assertion with [`WebAuthnError::CounterRegression`] (the default).
    Reject,
    /// Accept it and report [`CounterCheck::Regressed`](crate::CounterCheck::Regressed) for
    /// the caller to flag the credential.
    Flag,
}

/// Attestation trust anchors, by authenticator model (AAGUID). An explicit allow-list in the
/// sense of FIDO.md §5; roots from a verified FIDO MDS3 BLOB go in the same way.
#[derive(Debug, Clone, Default)]
pub struct AttestationRoots {
    by_aaguid: Vec<(Aaguid, Vec<TrustAnchor>)>,
    any_aaguid: Vec<TrustAnchor>,
}

impl AttestationRoots {
    /// No roots: every attestation is untrusted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `roots` for attestation by authenticators of model `aaguid`.
    #[must_use]
    pub fn with_roots(mut self, aaguid: Aaguid, roots: Vec<TrustAnchor>) -> Self {
        match self.by_aaguid.iter_mut().find(|(a, _)| *a == aaguid) {
            Some((_, existing)) => existing.extend(roots),
            None => self.by_aaguid.push((aaguid, roots)),
        }
        self
    }

    /// Trusts `roots` for authenticators whose AAGUID has no entry of its own (U2F keys,
    /// whose AAGUID is zero, identify themselves only by their certificate).
    #[must_use]
    pub fn with_roots_for_any_model(mut self, roots: Vec<TrustAnchor>) -> Self {
        self.any_aaguid.extend(roots);
        self
    }
}

/// A relying party's WebAuthn policy. Built once, used for every ceremony.
#[derive(Debug, Clone)]
pub struct WebAuthnPolicy {
    pub(crate) rp_id: String,
    pub(crate) rp_id_hash: [u8; 32],
    pub(crate) origins: Vec<String>,
    pub(crate) algorithms: AlgorithmSet,
    pub(crate) attestation_algorithms: AlgorithmSet,
    pub(crate) user_verification: UserVerification,
    validators: Vec<(Option<Aaguid>, Validator)>,
    pub(crate) require_trusted_attestation: bool,
    pub(crate) legacy_attestation_certificates: bool,
    pub(crate) counter: CounterPolicy,
    pub(crate) allow_cross_origin: bool,
    pub(crate) allowed_extensions: Vec<String>,
    pub(crate) allow_user_not_present: bool,
}

/// Builds a [`WebAuthnPolicy`].
#[derive(Debug, Clone)]
pub struct WebAuthnPolicyBuilder {
    rp_id: String,
    origins: Vec<String>,
    algorithms: AlgorithmSet,
    attestation_algorithms: AlgorithmSet,
    user_verification: UserVerification,
    roots: AttestationRoots,
    require_trusted_attestation: bool,
    legacy_attestation_certificates: bool,
    counter: CounterPolicy,
    allow_cross_origin: bool,
    allowed_extensions: Vec<String>,
    allow_user_not_present: bool,
}

impl WebAuthnPolicy {
    /// Starts a policy for the RP ID (a domain, WebAuthn §5.1.2). Defaults: credential
    /// algorithms ES256, EdDSA and RS256; user verification required; attestation trusted
    /// only against configured roots but untrusted attestation accepted; counter regressions
    /// refused; no cross-origin iframes; no extension outputs.
    pub fn builder(rp_id: impl Into<String>) -> WebAuthnPolicyBuilder {
        WebAuthnPolicyBuilder {
            rp_id: rp_id.into(),
            origins: Vec::new(),
            algorithms: AlgorithmSet::EMPTY
                .with(SignatureAlgorithm::Es256)
                .with(SignatureAlgorithm::EdDsa)
                .with(SignatureAlgorithm::Rs256),
            attestation_algorithms: AlgorithmSet::ALL,
            user_verification: UserVerification::Required,
            roots: AttestationRoots::new(),
            require_trusted_attestation: false,
            legacy_attestation_certificates: false,
            counter: CounterPolicy::Reject,
            allow_cross_origin: false,
            allowed_extensions: Vec::new(),
            allow_user_not_present: false,
        }
    }

    /// The RP ID.
    pub fn rp_id(&self) -> &str {
        &self.rp_id
    }

    /// SHA-256 of the RP ID.
    pub fn rp_id_hash(&self) -> &[u8; 32] {
        &self.rp_id_hash
    }

    /// The validator for an AAGUID's attestation roots, if any are configured.
    pub(crate) fn validator_for(&self, aaguid: Aaguid) -> Option<&Validator> {
        self.validators
            .iter()
            .find(|(a, _)| *a == Some(aaguid))
            .or_else(|| self.validators.iter().find(|(a, _)| a.is_none()))
            .map(|(_, v)| v)
    }
}

impl WebAuthnPolicyBuilder {
    /// Adds an allowed origin (`https://host[:port]`, compared exactly with the
    /// clientDataJSON's).
    #[must_use]
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origins.push(origin.into());
        self
    }

    /// The credential algorithms allowed (what the RP puts in pubKeyCredParams).
    #[must_use]
    pub fn algorithms(mut self, algorithms: AlgorithmSet) -> Self {
        self.algorithms = algorithms;
        self
    }

    /// The algorithms allowed for attestation signatures and attestation certificate chains.
    #[must_use]
    pub fn attestation_algorithms(mut self, algorithms: AlgorithmSet) -> Self {
        self.attestation_algorithms = algorithms;
        self
    }

    /// Whether user verification is required.
    #[must_use]
    pub fn user_verification(mut self, uv: UserVerification) -> Self {
        self.user_verification = uv;
        self
    }

    /// The attestation trust anchors.
    #[must_use]
    pub fn attestation_roots(mut self, roots: AttestationRoots) -> Self {
        self.roots = roots;
        self
    }

    /// Refuses registrations whose attestation does not chain to a configured root (none,
    /// self, unknown models): what a "FIDO2 certified keys only" (AAL3) deployment wants.
    #[must_use]
    pub fn require_trusted_attestation(mut self) -> Self {
        self.require_trusted_attestation = true;
        self
    }

    /// What to do when the signature counter does not increase.
    #[must_use]
    pub fn counter_policy(mut self, policy: CounterPolicy) -> Self {
        self.counter = policy;
        self
    }

    /// Allows ceremonies in cross-origin iframes (`crossOrigin: true`, `topOrigin`).
    #[must_use]
    pub fn allow_cross_origin(mut self) -> Self {
        self.allow_cross_origin = true;
        self
    }

    /// Allows an authenticator extension output (e.g. `credProtect`).
    #[must_use]
    pub fn allow_extension(mut self, identifier: impl Into<String>) -> Self {
        self.allowed_extensions.push(identifier.into());
        self
    }

    /// Accepts packed attestation certificates that break WebAuthn §8.2.1's subject, version
    /// and basicConstraints rules, as early U2F-era keys have (an X.509 v1 certificate with
    /// only a CN). The signature, the AAGUID extension (when present) and the chain are still
    /// checked. Dangerous: such a certificate says less about what it certifies.
    #[must_use]
    pub fn danger_allow_legacy_attestation_certificates(mut self) -> Self {
        self.legacy_attestation_certificates = true;
        self
    }

    /// Accepts assertions without user presence (UP flag clear), as CTAP's `up: false` makes
    /// them: silent checks that a credential exists. Registration still requires UP.
    /// Dangerous: nobody touched the key.
    #[must_use]
    pub fn danger_allow_user_not_present(mut self) -> Self {
        self.allow_user_not_present = true;
        self
    }

    /// Checks and builds the policy: the RP ID and at least one origin are required, and at
    /// least one credential algorithm.
    pub fn build(self) -> Result<WebAuthnPolicy, WebAuthnError> {
        if self.rp_id.is_empty() {
            return Err(WebAuthnError::Policy {
                problem: "the RP ID is empty",
            });
        }
        if self.origins.is_empty() {
            return Err(WebAuthnError::Policy {
                problem: "no allowed origin",
            });
        }
        if self.algorithms.is_empty() {
            return Err(WebAuthnError::Policy {
                problem: "no credential algorithm allowed",
            });
        }
        let validator = |roots: &[TrustAnchor]| {
            Validator::builder(roots.iter().cloned())
                .algorithms(self.attestation_algorithms)
                // Attestation certificates carry no CRLs; FIDO MDS status reports are the
                // revocation channel (FIDO.md §5).
                .revocation(RevocationPolicy::OFF)
                .build()
                .map_err(WebAuthnError::AttestationChain)
        };
        let mut validators = Vec::new();
        for (aaguid, roots) in &self.roots.by_aaguid {
            if !roots.is_empty() {
                validators.push((Some(*aaguid), validator(roots)?));
            }
        }
        if !self.roots.any_aaguid.is_empty() {
            validators.push((None, validator(&self.roots.any_aaguid)?));
        }
        Ok(WebAuthnPolicy {
            rp_id_hash: sha256(self.rp_id.as_bytes()),
            rp_id: self.rp_id,
            origins: self.origins,
            algorithms: self.algorithms,
            attestation_algorithms: self.attestation_algorithms,
            user_verification: self.user_verification,
            validators,
            require_trusted_attestation: self.require_trusted_attestation,
            legacy_attestation_certificates: self.legacy_attestation_certificates,
            counter: self.counter,
            allow_cross_origin: self.allow_cross_origin,
            allowed_extensions: self.allowed_extensions,
            allow_user_not_present: self.allow_user_not_present,
        })
    }
}
