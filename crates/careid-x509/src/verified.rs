//! The results of a successful validation: types only the validator constructs.

use crate::{Certificate, RevocationUnknownCause, Time, TrustAnchor};
use der::oid::ObjectIdentifier;
use std::sync::Arc;

/// A certification path that passed RFC 5280 §6.1 validation (and §6.3 revocation checking
/// as the revocation policy required) at a given time.
///
/// Only [`Validator`](crate::Validator) makes these: holding one is the proof. Cloning is
/// cheap (the data is shared).
#[derive(Clone, Debug)]
pub struct VerifiedPath {
    inner: Arc<PathData>,
}

#[derive(Debug)]
pub(crate) struct PathData {
    /// End entity first, then each intermediate up to (not including) the anchor.
    pub(crate) chain: Vec<Box<[u8]>>,
    pub(crate) anchor: TrustAnchor,
    pub(crate) authority_policies: Vec<ObjectIdentifier>,
    pub(crate) user_policies: Vec<ObjectIdentifier>,
    pub(crate) explicit_policy_required: bool,
    pub(crate) not_before: Time,
    pub(crate) not_after: Time,
    pub(crate) revocation: RevocationStatus,
    pub(crate) validated_at: Time,
    /// The window in which the revocation answers stay the same: the latest thisUpdate and
    /// the earliest nextUpdate (plus grace) of the CRLs used.
    pub(crate) crl_window: Option<(Time, Time)>,
}

/// What revocation checking concluded for the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Every certificate in the path was covered by a usable CRL and none is revoked.
    Checked,
    /// The policy was [`RevocationMode::BestEffort`](crate::RevocationMode::BestEffort) and
    /// the status of the certificate at `depth` (the first such) could not be determined.
    Unknown {
        /// The certificate.
        depth: usize,
        /// Why.
        cause: RevocationUnknownCause,
    },
    /// Revocation was not checked ([`RevocationMode::Off`](crate::RevocationMode::Off)).
    NotChecked,
}

impl VerifiedPath {
    pub(crate) fn new(data: PathData) -> Self {
        Self {
            inner: Arc::new(data),
        }
    }

    /// The end-entity certificate, DER.
    pub fn end_entity(&self) -> &[u8] {
        self.inner.chain.first().map(|c| &**c).unwrap_or_default()
    }

    /// The end-entity certificate, decoded.
    pub fn end_entity_certificate(&self) -> Option<Certificate<'_>> {
        Certificate::from_der(self.end_entity()).ok()
    }

    /// The path's certificates, end entity first, up to the certificate the anchor issued
    /// (the anchor itself is [`VerifiedPath::anchor`]).
    pub fn certificates(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.inner.chain.iter().map(|c| &**c)
    }

    /// The trust anchor the path ends at.
    pub fn anchor(&self) -> &TrustAnchor {
        &self.inner.anchor
    }

    /// The user-constrained policy set (RFC 5280 §6.1.6, computed as in RFC 9618 §4.3): the
    /// policies, among the caller's initial set, that the path is valid for. It contains
    /// anyPolicy (2.5.29.32.0) when the path is valid for any policy.
    pub fn user_constrained_policies(&self) -> &[ObjectIdentifier] {
        &self.inner.user_policies
    }

    /// The authorities-constrained policy set (RFC 9618 §4.3), before intersecting with the
    /// caller's initial set.
    pub fn authority_constrained_policies(&self) -> &[ObjectIdentifier] {
        &self.inner.authority_policies
    }

    /// Whether the path required an explicit policy at the end (`explicit_policy` reached 0).
    pub fn explicit_policy_required(&self) -> bool {
        self.inner.explicit_policy_required
    }

    /// Start of the intersection of every validity period in the path (and of the anchor
    /// certificate's, when enforced).
    pub fn not_before(&self) -> Time {
        self.inner.not_before
    }

    /// End of that intersection.
    pub fn not_after(&self) -> Time {
        self.inner.not_after
    }

    /// What revocation checking concluded.
    pub fn revocation(&self) -> RevocationStatus {
        self.inner.revocation
    }

    /// The validation time.
    pub fn validated_at(&self) -> Time {
        self.inner.validated_at
    }

    /// Whether the result stays the same at `time`: inside every validity period and the
    /// freshness window of the CRLs used.
    pub(crate) fn still_valid_at(&self, time: Time) -> bool {
        let in_validity = self.inner.not_before <= time && time <= self.inner.not_after;
        let in_crl_window = self
            .inner
            .crl_window
            .is_none_or(|(from, until)| from <= time && time <= until);
        in_validity && in_crl_window
    }
}
