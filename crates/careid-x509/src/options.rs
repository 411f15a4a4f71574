//! What the caller decides: policy inputs (RFC 5280 §6.1.1), revocation policy (§6.3) and the
//! path-building budgets.

use crate::oids;
use der::oid::ObjectIdentifier;

/// The certificate-policy inputs of RFC 5280 §6.1.1 (c), (e), (f), (g), (h).
///
/// The default is the RFC's: `user-initial-policy-set` = {anyPolicy}, and none of the three
/// "initial" switches set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PolicySettings {
    /// `user-initial-policy-set`; empty means {anyPolicy}.
    pub(crate) initial_policy_set: Vec<ObjectIdentifier>,
    /// `initial-explicit-policy`.
    pub(crate) initial_explicit_policy: bool,
    /// `initial-policy-mapping-inhibit`.
    pub(crate) initial_policy_mapping_inhibit: bool,
    /// `initial-any-policy-inhibit`.
    pub(crate) initial_any_policy_inhibit: bool,
}

impl PolicySettings {
    /// {anyPolicy}, nothing inhibited, no explicit policy required.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `user-initial-policy-set`. An empty iterator, or one containing anyPolicy
    /// (2.5.29.32.0), means any policy.
    #[must_use]
    pub fn with_initial_policies(
        mut self,
        policies: impl IntoIterator<Item = ObjectIdentifier>,
    ) -> Self {
        let set: Vec<ObjectIdentifier> = policies.into_iter().collect();
        self.initial_policy_set = if set.contains(&oids::ANY_POLICY) {
            Vec::new()
        } else {
            set
        };
        self
    }

    /// Sets `initial-explicit-policy`: the path must be valid for at least one policy in the
    /// user-initial-policy-set.
    #[must_use]
    pub fn require_explicit_policy(mut self) -> Self {
        self.initial_explicit_policy = true;
        self
    }

    /// Sets `initial-policy-mapping-inhibit`.
    #[must_use]
    pub fn inhibit_policy_mapping(mut self) -> Self {
        self.initial_policy_mapping_inhibit = true;
        self
    }

    /// Sets `initial-any-policy-inhibit`.
    #[must_use]
    pub fn inhibit_any_policy(mut self) -> Self {
        self.initial_any_policy_inhibit = true;
        self
    }
}

/// How revocation is checked with the caller's CRLs (RFC 5280 §6.3; X509.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationMode {
    /// Every certificate in the path needs a usable CRL that does not list it; a missing,
    /// stale or unusable CRL fails the validation with [`Error::RevocationUnknown`]
    /// (fail closed). The default.
    ///
    /// [`Error::RevocationUnknown`]: crate::Error::RevocationUnknown
    Required,
    /// A revoked certificate fails; a certificate whose status cannot be determined passes,
    /// and the [`VerifiedPath`](crate::VerifiedPath) says so
    /// ([`RevocationStatus::Unknown`](crate::RevocationStatus::Unknown)).
    BestEffort,
    /// No revocation checking.
    Off,
}

/// The revocation policy: a mode, and how long after its nextUpdate a CRL may still be used.
///
/// The default is [`RevocationMode::Required`] with no grace: a CRL past its nextUpdate is
/// stale and unusable (unlike rustls-webpki, which accepts expired CRLs by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RevocationPolicy {
    pub(crate) mode: RevocationMode,
    pub(crate) stale_grace_seconds: u32,
}

impl RevocationPolicy {
    /// Fail closed: see [`RevocationMode::Required`].
    pub const REQUIRED: Self = Self {
        mode: RevocationMode::Required,
        stale_grace_seconds: 0,
    };
    /// See [`RevocationMode::BestEffort`].
    pub const BEST_EFFORT: Self = Self {
        mode: RevocationMode::BestEffort,
        stale_grace_seconds: 0,
    };
    /// See [`RevocationMode::Off`].
    pub const OFF: Self = Self {
        mode: RevocationMode::Off,
        stale_grace_seconds: 0,
    };

    /// Accept a CRL for `seconds` after its nextUpdate (for CRL publication delays); it also
    /// bounds how far a CRL's thisUpdate may lie in the future (clock skew).
    #[must_use]
    pub const fn with_stale_grace_seconds(self, seconds: u32) -> Self {
        Self {
            mode: self.mode,
            stale_grace_seconds: seconds,
        }
    }

    /// The mode.
    pub const fn mode(&self) -> RevocationMode {
        self.mode
    }
}

impl Default for RevocationPolicy {
    fn default() -> Self {
        Self::REQUIRED
    }
}

/// Bounds on path building (X509.md §2.2; the same defaults as rustls-webpki). Running out of
/// one is [`Error::BudgetExceeded`](crate::Error::BudgetExceeded), never a hang.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Budget {
    /// Signature verifications per validation (certificates and CRLs).
    pub max_signatures: usize,
    /// Candidate issuers considered per validation.
    pub max_build_steps: usize,
    /// Name-constraint comparisons per validation.
    pub max_name_comparisons: usize,
    /// Intermediate certificates in one path.
    pub max_intermediates: usize,
    /// Nodes in the certificate-policy graph (RFC 9618).
    pub max_policy_nodes: usize,
}

impl Budget {
    /// 100 signatures, 200 000 build steps, 250 000 name comparisons, 6 intermediates,
    /// 10 000 policy nodes.
    pub const DEFAULT: Self = Self {
        max_signatures: 100,
        max_build_steps: 200_000,
        max_name_comparisons: 250_000,
        max_intermediates: 6,
        max_policy_nodes: 10_000,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Self::DEFAULT
    }
}
