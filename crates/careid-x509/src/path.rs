//! The validator: path building (RFC 4158) and basic path processing (RFC 5280 §6.1).

use crate::cache::SignatureMemo;
use crate::cert::{Leniency, NameConstraints};
use crate::error::BudgetKind;
use crate::name::{
    GeneralName, dns_matches, email_addresses, ip_matches, rfc822_matches, uri_matches,
};
use crate::policy::PolicyGraph;
use crate::verified::PathData;
use crate::{
    Budget, Certificate, CrlSet, Error, Input, KeyUsage, PolicySettings, Purpose, RevocationMode,
    RevocationPolicy, Time, TrustAnchor, VerifiedPath, oids,
};
use careid_crypto::{AlgorithmSet, KeyPolicy, PublicKey, SignatureFormat};
use std::sync::{Arc, Mutex};

/// RFC 5280 certification path validation with a fixed configuration: trust anchors,
/// allowed algorithms, policy inputs, required key usages and a revocation policy.
///
/// Build one with [`Validator::builder`], then call [`Validator::validate`] for each
/// end-entity certificate. A `Validator` is immutable, cheap to clone and shareable between
/// threads; replacing the anchors means building a new one (an atomic swap for the caller).
///
/// ```
/// use careid_x509::{CrlSet, RevocationPolicy, Time, TrustAnchor, Validator};
/// let pki = careid_testkit::TestPki::get();
/// let validator = Validator::builder([TrustAnchor::from_der(&pki.root)?])
///     .revocation(RevocationPolicy::OFF)
///     .build()?;
/// let at = Time::parse_rfc3339("2027-01-01T00:00:00Z")?;
/// let path = validator.validate(&pki.user_rsa, &[&pki.issuing_ca], &CrlSet::new(), at)?;
/// assert_eq!(path.certificates().len(), 2);
/// # Ok::<(), careid_x509::Error>(())
/// ```
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Config>,
}

pub(crate) struct Config {
    pub(crate) anchors: Vec<Anchor>,
    pub(crate) algorithms: AlgorithmSet,
    pub(crate) key_policy: KeyPolicy,
    pub(crate) policy: PolicySettings,
    pub(crate) key_usage: KeyUsage,
    pub(crate) purposes: Option<Vec<Purpose>>,
    pub(crate) accept_any_purpose: bool,
    pub(crate) refuse_ca_end_entity: bool,
    pub(crate) revocation: RevocationPolicy,
    pub(crate) budget: Budget,
    pub(crate) leniency: Leniency,
    pub(crate) anchor_validity: bool,
}

pub(crate) struct Anchor {
    pub(crate) anchor: TrustAnchor,
    pub(crate) key: Result<PublicKey, careid_crypto::Error>,
}

/// Builds a [`Validator`]. Defaults: every algorithm careid-crypto verifies (no SHA-1, RSA
/// of at least 2048 bits), policy inputs {anyPolicy}, no key usage or purpose required,
/// revocation [`RevocationPolicy::REQUIRED`], [`Budget::DEFAULT`], strict RFC 5280 encoding,
/// anchor validity enforced, CA certificates accepted as end entities (RFC 5280 allows them;
/// the NHS profile refuses them).
#[derive(Debug, Clone)]
#[must_use]
pub struct ValidatorBuilder {
    anchors: Vec<TrustAnchor>,
    algorithms: AlgorithmSet,
    key_policy: KeyPolicy,
    policy: PolicySettings,
    key_usage: KeyUsage,
    purposes: Option<Vec<Purpose>>,
    accept_any_purpose: bool,
    refuse_ca_end_entity: bool,
    revocation: RevocationPolicy,
    budget: Budget,
    leniency: Leniency,
    anchor_validity: bool,
}

impl Validator {
    /// Starts a builder with these trust anchors.
    pub fn builder(anchors: impl IntoIterator<Item = TrustAnchor>) -> ValidatorBuilder {
        ValidatorBuilder {
            anchors: anchors.into_iter().collect(),
            algorithms: AlgorithmSet::ALL,
            key_policy: KeyPolicy::DEFAULT,
            policy: PolicySettings::default(),
            key_usage: KeyUsage::EMPTY,
            purposes: None,
            accept_any_purpose: true,
            refuse_ca_end_entity: false,
            revocation: RevocationPolicy::REQUIRED,
            budget: Budget::DEFAULT,
            leniency: Leniency::default(),
            anchor_validity: true,
        }
    }

    /// Validates `end_entity` (DER) at `time`, building a path through `intermediates` (DER,
    /// any order, untrusted) to one of the trust anchors, and checking revocation with `crls`
    /// as the revocation policy requires.
    ///
    /// When several candidate paths exist, each is tried (depth first, anchors before
    /// intermediates, issuers whose subjectKeyIdentifier matches the authorityKeyIdentifier
    /// first) until one validates; if none does, the error from the path that got furthest
    /// is returned.
    pub fn validate<T: AsRef<[u8]>>(
        &self,
        end_entity: &[u8],
        intermediates: &[T],
        crls: &CrlSet,
        time: Time,
    ) -> Result<VerifiedPath, Error> {
        self.validate_remembering(end_entity, intermediates, crls, time, None)
    }

    /// [`Validator::validate`], skipping the signature checks on CA certificates that `memo`
    /// records as verified with the same issuer key, and recording in it the CA signatures of
    /// every path that validates.
    pub(crate) fn validate_remembering<T: AsRef<[u8]>>(
        &self,
        end_entity: &[u8],
        intermediates: &[T],
        crls: &CrlSet,
        time: Time,
        memo: Option<&Mutex<SignatureMemo>>,
    ) -> Result<VerifiedPath, Error> {
        let config = &*self.inner;
        let ee = Certificate::parse(end_entity, config.leniency)
            .map_err(|e| e.for_input(Input::EndEntity))?;
        let inters = intermediates
            .iter()
            .enumerate()
            .map(|(index, der)| {
                Certificate::parse(der.as_ref(), config.leniency)
                    .map_err(|e| e.for_input(Input::Intermediate { index }))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut build = Build::new(config, &inters, crls, time, memo);
        build.validate(&ee, Target::EndEntity)
    }

    /// The trust anchors.
    pub fn anchors(&self) -> impl Iterator<Item = &TrustAnchor> {
        self.inner.anchors.iter().map(|a| &a.anchor)
    }

    pub(crate) fn revocation(&self) -> RevocationPolicy {
        self.inner.revocation
    }
}

impl core::fmt::Debug for Validator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Validator")
            .field("anchors", &self.inner.anchors.len())
            .field("algorithms", &self.inner.algorithms)
            .field("revocation", &self.inner.revocation)
            .finish_non_exhaustive()
    }
}

impl ValidatorBuilder {
    /// The signature algorithms allowed for certificates and CRLs.
    pub fn algorithms(mut self, algorithms: AlgorithmSet) -> Self {
        self.algorithms = algorithms;
        self
    }

    /// The rules for importing CA keys (e.g. `KeyPolicy::DEFAULT.danger_allow_rsa_1024()`
    /// for a legacy PKI).
    pub fn key_policy(mut self, policy: KeyPolicy) -> Self {
        self.key_policy = policy;
        self
    }

    /// The certificate-policy inputs (RFC 5280 §6.1.1).
    pub fn policy_settings(mut self, settings: PolicySettings) -> Self {
        self.policy = settings;
        self
    }

    /// keyUsage bits the end-entity certificate must assert when it has a keyUsage
    /// (RFC 5280 §4.2.1.3; a certificate without keyUsage may be used for any purpose).
    pub fn require_key_usage(mut self, usage: KeyUsage) -> Self {
        self.key_usage = usage;
        self
    }

    /// Extended key usage purposes, any one of which the end-entity certificate must assert
    /// when it has an extendedKeyUsage (RFC 5280 §4.2.1.12). anyExtendedKeyUsage satisfies
    /// any purpose unless [`ValidatorBuilder::refuse_any_purpose`] is set.
    pub fn require_purposes(mut self, purposes: impl IntoIterator<Item = Purpose>) -> Self {
        self.purposes = Some(purposes.into_iter().collect());
        self
    }

    /// Do not let anyExtendedKeyUsage stand for a required purpose.
    pub fn refuse_any_purpose(mut self) -> Self {
        self.accept_any_purpose = false;
        self
    }

    /// Refuse an end-entity certificate that is a CA certificate (cA = TRUE).
    pub fn refuse_ca_end_entity(mut self) -> Self {
        self.refuse_ca_end_entity = true;
        self
    }

    /// The revocation policy (default [`RevocationPolicy::REQUIRED`]).
    pub fn revocation(mut self, policy: RevocationPolicy) -> Self {
        self.revocation = policy;
        self
    }

    /// Path-building budgets.
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Accept zero and negative certificate serial numbers, which RFC 5280 §4.1.2.2 forbids
    /// CAs to issue but asks relying parties to "gracefully handle" (NIST PKITS 4.4.14-15).
    pub fn danger_allow_nonpositive_serial_numbers(mut self) -> Self {
        self.leniency.nonpositive_serials = true;
        self
    }

    /// Accept GeneralizedTime validity dates before 2050, which RFC 5280 §4.1.2.5 forbids
    /// CAs to issue (NIST PKITS 4.2.4).
    pub fn allow_generalized_time_before_2050(mut self) -> Self {
        self.leniency.generalized_time_before_2050 = true;
        self
    }

    /// Do not enforce the anchor certificate's own validity period (RFC 5280 §6.1 treats an
    /// anchor as a name and key only).
    pub fn ignore_anchor_validity(mut self) -> Self {
        self.anchor_validity = false;
        self
    }

    /// Imports each anchor's key and makes the validator. Fails with
    /// [`Error::NoTrustAnchors`] when there is none. An anchor whose key the key policy
    /// refuses stays in the set and fails every path through it with
    /// [`Error::BadSignature`].
    pub fn build(self) -> Result<Validator, Error> {
        if self.anchors.is_empty() {
            return Err(Error::NoTrustAnchors);
        }
        let anchors = self
            .anchors
            .into_iter()
            .map(|anchor| {
                let key = PublicKey::from_spki_der_with_policy(
                    anchor.subject_public_key_info(),
                    self.key_policy,
                );
                Anchor { anchor, key }
            })
            .collect();
        Ok(Validator {
            inner: Arc::new(Config {
                anchors,
                algorithms: self.algorithms,
                key_policy: self.key_policy,
                policy: self.policy,
                key_usage: self.key_usage,
                purposes: self.purposes,
                accept_any_purpose: self.accept_any_purpose,
                refuse_ca_end_entity: self.refuse_ca_end_entity,
                revocation: self.revocation,
                budget: self.budget,
                leniency: self.leniency,
                anchor_validity: self.anchor_validity,
            }),
        })
    }
}

/// What a path is being built for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The caller's end entity: every configured end-entity check applies.
    EndEntity,
    /// A CRL signer (RFC 5280 §6.3.3(f)): the path must end at `anchor`, the certificate
    /// must be allowed to sign CRLs, and `nesting` counts how deep CRL-signer checks go.
    CrlSigner { anchor: usize, nesting: u8 },
}

/// One validation: the parsed inputs, the budgets, and keys imported so far.
pub(crate) struct Build<'v, 'c> {
    pub(crate) config: &'v Config,
    pub(crate) inters: &'v [Certificate<'c>],
    pub(crate) crls: &'v CrlSet,
    pub(crate) time: Time,
    keys: Vec<Option<Result<PublicKey, careid_crypto::Error>>>,
    memo: Option<&'v Mutex<SignatureMemo>>,
    signatures: usize,
    steps: usize,
    pub(crate) name_comparisons: usize,
    /// CRLs whose signer's path is being validated, with that signer's key: a CRL that
    /// covers its own signer (PKITS 4.14.30) is accepted for it inside that check.
    pub(crate) pending_crls: Vec<(crate::Crl, &'c [u8])>,
}

/// A complete candidate path: the target, the intermediates above it (indices, bottom up)
/// and the anchor.
pub(crate) struct Candidate<'p, 'c> {
    pub(crate) target: &'p Certificate<'c>,
    pub(crate) above: &'p [usize],
    pub(crate) anchor: usize,
}

impl<'v, 'c> Build<'v, 'c> {
    pub(crate) fn new(
        config: &'v Config,
        inters: &'v [Certificate<'c>],
        crls: &'v CrlSet,
        time: Time,
        memo: Option<&'v Mutex<SignatureMemo>>,
    ) -> Self {
        Self {
            config,
            inters,
            crls,
            time,
            keys: vec![None; inters.len()],
            memo,
            signatures: 0,
            steps: 0,
            name_comparisons: 0,
            pending_crls: Vec::new(),
        }
    }

    /// Builds and validates a path for `target`.
    pub(crate) fn validate(
        &mut self,
        target: &Certificate<'c>,
        kind: Target,
    ) -> Result<VerifiedPath, Error> {
        let mut path = Vec::new();
        let mut best: Option<Error> = None;
        match self.extend(target, kind, &mut path, &mut best)? {
            Some(found) => Ok(found),
            None => Err(best.unwrap_or(Error::UnknownIssuer { depth: 0 })),
        }
    }

    /// Depth-first search for an issuer of the topmost certificate of `path` (or of
    /// `target`). `Err` only for budget exhaustion, which ends the search.
    fn extend(
        &mut self,
        target: &Certificate<'c>,
        kind: Target,
        path: &mut Vec<usize>,
        best: &mut Option<Error>,
    ) -> Result<Option<VerifiedPath>, Error> {
        let inters = self.inters;
        let current = match path.last() {
            Some(i) => inters.get(*i).unwrap_or(target),
            None => target,
        };
        let depth = path.len();
        let mut any_candidate = false;

        for (index, anchor) in self.config.anchors.iter().enumerate() {
            if let Target::CrlSigner { anchor: only, .. } = kind
                && only != index
            {
                continue;
            }
            if !anchor.anchor.subject().matches(&current.issuer) {
                continue;
            }
            any_candidate = true;
            self.step()?;
            let key = match &anchor.key {
                Ok(key) => key,
                Err(source) => {
                    record(
                        best,
                        Error::BadSignature {
                            depth,
                            source: source.clone(),
                        },
                    );
                    continue;
                }
            };
            self.spend_signature()?;
            let issuer_spki = anchor.anchor.subject_public_key_info();
            if let Err(e) =
                verify_signature(self.config, self.memo, current, depth, key, issuer_spki)
            {
                record(best, e);
                continue;
            }
            let candidate = Candidate {
                target,
                above: path,
                anchor: index,
            };
            match self.process(&candidate, kind) {
                Ok(found) => return Ok(Some(found)),
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => record(best, e),
            }
        }

        let mut candidates: Vec<usize> = inters
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                !path.contains(i)
                    && c.subject.matches(&current.issuer)
                    && (c.spki != target.spki || !c.subject.matches(&target.subject))
                    && !path.iter().any(|p| {
                        inters
                            .get(*p)
                            .is_some_and(|q| q.spki == c.spki && q.subject.matches(&c.subject))
                    })
            })
            .map(|(i, _)| i)
            .collect();
        if !candidates.is_empty() {
            any_candidate = true;
            if path.len() >= self.config.budget.max_intermediates {
                record(
                    best,
                    Error::BudgetExceeded {
                        budget: BudgetKind::PathLength,
                        limit: self.config.budget.max_intermediates,
                    },
                );
                return Ok(None);
            }
            // Issuers whose subjectKeyIdentifier matches the authorityKeyIdentifier first.
            if let Some(aki) = current.ext.authority_key_id {
                candidates.sort_by_key(|i| {
                    inters
                        .get(*i)
                        .and_then(|c| c.ext.subject_key_id)
                        .is_none_or(|ski| ski != aki)
                });
            }
        }
        for index in candidates {
            self.step()?;
            let Some(issuer) = inters.get(index) else {
                continue;
            };
            let key = match import_key(&mut self.keys, inters, self.config.key_policy, index) {
                Ok(key) => key,
                Err(source) => {
                    record(best, Error::BadSignature { depth, source });
                    continue;
                }
            };
            spend_signature(&mut self.signatures, self.config)?;
            if let Err(e) =
                verify_signature(self.config, self.memo, current, depth, key, issuer.spki)
            {
                record(best, e);
                continue;
            }
            path.push(index);
            let found = self.extend(target, kind, path, best);
            path.pop();
            if let Some(found) = found? {
                return Ok(Some(found));
            }
        }
        if !any_candidate {
            record(best, Error::UnknownIssuer { depth });
        }
        Ok(None)
    }

    fn step(&mut self) -> Result<(), Error> {
        self.steps += 1;
        if self.steps > self.config.budget.max_build_steps {
            return Err(Error::BudgetExceeded {
                budget: BudgetKind::BuildSteps,
                limit: self.config.budget.max_build_steps,
            });
        }
        Ok(())
    }

    /// Counts one signature verification against the budget.
    pub(crate) fn spend_signature(&mut self) -> Result<(), Error> {
        spend_signature(&mut self.signatures, self.config)
    }

    /// The key of intermediate `index`, imported once per validation.
    pub(crate) fn intermediate_key(
        &mut self,
        index: usize,
    ) -> Result<&PublicKey, careid_crypto::Error> {
        import_key(&mut self.keys, self.inters, self.config.key_policy, index)
    }

    /// After a whole path validated: records the signatures on its CA certificates in the
    /// memo (never on the target), each with the key of the certificate above it.
    fn remember_signatures(&self, anchor_spki: &[u8], certs: &[&Certificate<'_>]) {
        let Some(memo) = self.memo else {
            return;
        };
        let Ok(mut memo) = memo.lock() else {
            return;
        };
        let mut issuer_spki = anchor_spki;
        for cert in certs.iter().take(certs.len().saturating_sub(1)) {
            memo.insert(issuer_spki, cert.der);
            issuer_spki = cert.spki;
        }
    }

    /// RFC 5280 §6.1.2-§6.1.5 over a complete candidate path, then revocation (§6.3).
    fn process(&mut self, c: &Candidate<'_, 'c>, kind: Target) -> Result<VerifiedPath, Error> {
        let config = self.config;
        let anchor = config.anchors.get(c.anchor).ok_or(Error::UnknownIssuer {
            depth: c.above.len(),
        })?;
        // Top down: certs[0] is the one the anchor issued, the last is the target.
        let mut certs: Vec<&Certificate<'c>> = c
            .above
            .iter()
            .rev()
            .filter_map(|i| self.inters.get(*i))
            .collect();
        certs.push(c.target);
        let n = certs.len();
        let time = self.time;

        let mut not_before = Time::from_unix_seconds(i64::MIN);
        let mut not_after = Time::from_unix_seconds(i64::MAX);
        if config.anchor_validity
            && let Some((nb, na)) = anchor.anchor.validity()
        {
            if time < nb {
                return Err(Error::NotYetValid {
                    depth: n,
                    time,
                    not_before: nb,
                });
            }
            if time > na {
                return Err(Error::Expired {
                    depth: n,
                    time,
                    not_after: na,
                });
            }
            not_before = nb;
            not_after = na;
        }

        // §6.1.2 initialisation.
        let crl_signer_policy;
        let policy = match kind {
            Target::EndEntity => &config.policy,
            Target::CrlSigner { .. } => {
                crl_signer_policy = PolicySettings::default();
                &crl_signer_policy
            }
        };
        let start = |inhibit: bool| if inhibit { 0 } else { n + 1 };
        let mut explicit_policy = start(policy.initial_explicit_policy);
        let mut inhibit_any_policy = start(policy.initial_any_policy_inhibit);
        let mut policy_mapping = start(policy.initial_policy_mapping_inhibit);
        // The valid_policy_graph: made on the first certificate with policies (a path whose
        // first certificate has none has a NULL graph from the start, without allocating).
        let mut graph: Option<PolicyGraph> = None;
        let mut graph_started = false;
        let mut max_path_length = n;
        let anchor_nc = anchor.anchor.name_constraints();
        let mut constraints: Vec<&NameConstraints<'_>> = Vec::new();
        if let Some(nc) = &anchor_nc {
            constraints.push(nc);
        }

        for (idx, cert) in certs.iter().enumerate() {
            let i = idx + 1;
            let depth = n - i;
            let last = i == n;
            // Only intermediates' self-issued status matters (§6.1.3(b), (d)(2), §6.1.4(h), (l)).
            let self_issued = !last && cert.is_self_issued();

            // (a)(2) validity.
            if time < cert.not_before {
                return Err(Error::NotYetValid {
                    depth,
                    time,
                    not_before: cert.not_before,
                });
            }
            if time > cert.not_after {
                return Err(Error::Expired {
                    depth,
                    time,
                    not_after: cert.not_after,
                });
            }
            not_before = not_before.max(cert.not_before);
            not_after = not_after.min(cert.not_after);

            // (b)-(c) name constraints: not for self-issued intermediates.
            if last || !self_issued {
                self.check_names(cert, depth, &constraints)?;
            }

            // (d)-(f) certificate policies.
            if !graph_started {
                graph_started = true;
                if cert.ext.policies.is_some() {
                    graph = Some(PolicyGraph::new(config.budget.max_policy_nodes));
                }
            }
            if let Some(g) = graph.as_mut() {
                match &cert.ext.policies {
                    Some(policies) => {
                        let any_allowed = inhibit_any_policy > 0 || (!last && self_issued);
                        if !g.process_certificate(policies, any_allowed)? {
                            graph = None;
                        }
                    }
                    None => graph = None,
                }
            }
            if explicit_policy == 0 && graph.is_none() {
                return Err(Error::NoValidPolicy { depth });
            }

            if let Some(oid) = cert.ext.unknown_critical {
                return Err(Error::UnsupportedCriticalExtension { depth, oid });
            }

            if last {
                break;
            }
            // §6.1.4 preparation for certificate i+1.
            if let Some(maps) = &cert.ext.policy_mappings {
                // (a)
                if maps
                    .iter()
                    .any(|(a, b)| *a == oids::ANY_POLICY || *b == oids::ANY_POLICY)
                {
                    return Err(Error::PolicyMappingAnyPolicy { depth });
                }
                // (b)
                if let Some(g) = graph.as_mut()
                    && !g.apply_mappings(maps, policy_mapping > 0)?
                {
                    graph = None;
                }
            }
            // (g) name constraints.
            if let Some(nc) = &cert.ext.name_constraints {
                constraints.push(nc);
            }
            // (h)
            if !self_issued {
                explicit_policy = explicit_policy.saturating_sub(1);
                policy_mapping = policy_mapping.saturating_sub(1);
                inhibit_any_policy = inhibit_any_policy.saturating_sub(1);
            }
            // (i)
            if let Some(pc) = cert.ext.policy_constraints {
                if let Some(r) = pc.require_explicit_policy {
                    explicit_policy = explicit_policy.min(usize::try_from(r).unwrap_or(usize::MAX));
                }
                if let Some(m) = pc.inhibit_policy_mapping {
                    policy_mapping = policy_mapping.min(usize::try_from(m).unwrap_or(usize::MAX));
                }
            }
            // (j)
            if let Some(skip) = cert.ext.inhibit_any_policy {
                inhibit_any_policy =
                    inhibit_any_policy.min(usize::try_from(skip).unwrap_or(usize::MAX));
            }
            // (k)
            if !cert.is_ca() {
                return Err(Error::NotCa { depth });
            }
            // (l)
            if !self_issued {
                if max_path_length == 0 {
                    return Err(Error::PathLenExceeded { depth });
                }
                max_path_length -= 1;
            }
            // (m)
            if let Some(len) = cert.ext.basic_constraints.and_then(|bc| bc.path_len) {
                max_path_length = max_path_length.min(usize::try_from(len).unwrap_or(usize::MAX));
            }
            // (n)
            if cert
                .ext
                .key_usage
                .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
            {
                return Err(Error::CaKeyUsage { depth });
            }
        }

        // §6.1.5 wrap-up.
        let target = c.target;
        explicit_policy = explicit_policy.saturating_sub(1);
        if target
            .ext
            .policy_constraints
            .and_then(|pc| pc.require_explicit_policy)
            == Some(0)
        {
            explicit_policy = 0;
        }
        let (authority_policies, user_policies) = match &graph {
            Some(g) => {
                let sets = g.policy_sets(&policy.initial_policy_set);
                (sets.authority_constrained, sets.user_constrained)
            }
            None => (Vec::new(), Vec::new()),
        };
        if explicit_policy == 0 && user_policies.is_empty() {
            return Err(Error::NoValidPolicy { depth: 0 });
        }

        match kind {
            Target::EndEntity => self.check_end_entity(target)?,
            Target::CrlSigner { .. } => {
                if target
                    .ext
                    .key_usage
                    .is_some_and(|ku| !ku.contains(KeyUsage::CRL_SIGN))
                {
                    return Err(Error::KeyUsageNotAllowed {
                        required: KeyUsage::CRL_SIGN,
                        present: target.ext.key_usage.unwrap_or_default(),
                    });
                }
            }
        }

        // §6.1.3(a)(3), done after the rest of the path checks out: revocation.
        let nesting = match kind {
            Target::EndEntity => 0,
            Target::CrlSigner { nesting, .. } => nesting,
        };
        let (revocation, crl_window) = self.check_revocation(c, &certs, nesting)?;

        self.remember_signatures(anchor.anchor.subject_public_key_info(), &certs);
        let mut chain: Vec<Box<[u8]>> = Vec::with_capacity(n);
        chain.extend(certs.iter().rev().map(|c| Box::<[u8]>::from(c.der)));
        Ok(VerifiedPath::new(PathData {
            chain,
            anchor: anchor.anchor.clone(),
            authority_policies,
            user_policies,
            explicit_policy_required: explicit_policy == 0,
            not_before,
            not_after,
            revocation,
            validated_at: time,
            crl_window,
        }))
    }

    /// The caller's end-entity requirements: key usage, extended key usage, CA refusal.
    fn check_end_entity(&self, ee: &Certificate<'_>) -> Result<(), Error> {
        let config = self.config;
        if config.refuse_ca_end_entity && ee.is_ca() {
            return Err(Error::CaUsedAsEndEntity);
        }
        if let Some(present) = ee.ext.key_usage
            && !present.contains(config.key_usage)
        {
            return Err(Error::KeyUsageNotAllowed {
                required: config.key_usage,
                present,
            });
        }
        if let (Some(required), Some(ekus)) = (&config.purposes, &ee.ext.ext_key_usage) {
            let any = config.accept_any_purpose
                && crate::cert::eku_contains(ekus, oids::ANY_EXTENDED_KEY_USAGE);
            if !any
                && !required
                    .iter()
                    .any(|p| crate::cert::eku_contains(ekus, p.oid()))
            {
                return Err(Error::ExtendedKeyUsageNotAllowed);
            }
        }
        Ok(())
    }

    /// §6.1.3(b)-(c): the subject DN, its emailAddress attributes (when there is no
    /// subjectAltName) and each subjectAltName entry, against every nameConstraints above.
    fn check_names(
        &mut self,
        cert: &Certificate<'_>,
        depth: usize,
        constraints: &[&NameConstraints<'_>],
    ) -> Result<(), Error> {
        if constraints.is_empty() {
            return Ok(());
        }
        if !cert.subject.is_empty() {
            self.check_name(&GeneralName::Directory(cert.subject), depth, constraints)?;
        }
        match &cert.ext.subject_alt_name {
            Some(names) => {
                for name in names {
                    self.check_name(name, depth, constraints)?;
                }
            }
            None => {
                for email in email_addresses(&cert.subject) {
                    self.check_name(&GeneralName::Rfc822(email), depth, constraints)?;
                }
            }
        }
        Ok(())
    }

    fn check_name(
        &mut self,
        name: &GeneralName<'_>,
        depth: usize,
        constraints: &[&NameConstraints<'_>],
    ) -> Result<(), Error> {
        let form = name.form();
        for nc in constraints {
            if let Some(permitted) = &nc.permitted {
                let mut same_form = false;
                let mut inside = false;
                for base in permitted.iter().filter(|b| b.form() == form) {
                    same_form = true;
                    if self.subtree_contains(base, name, depth)? {
                        inside = true;
                        break;
                    }
                }
                if same_form && !inside {
                    return Err(Error::NameConstraintViolation { depth, form });
                }
            }
            for base in nc.excluded.iter().filter(|b| b.form() == form) {
                if self.subtree_contains(base, name, depth)? {
                    return Err(Error::NameConstraintViolation { depth, form });
                }
            }
        }
        Ok(())
    }

    fn subtree_contains(
        &mut self,
        base: &GeneralName<'_>,
        name: &GeneralName<'_>,
        depth: usize,
    ) -> Result<bool, Error> {
        self.name_comparisons += 1;
        if self.name_comparisons > self.config.budget.max_name_comparisons {
            return Err(Error::BudgetExceeded {
                budget: BudgetKind::NameComparisons,
                limit: self.config.budget.max_name_comparisons,
            });
        }
        Ok(match (base, name) {
            (GeneralName::Dns(c), GeneralName::Dns(n)) => dns_matches(n, c),
            (GeneralName::Rfc822(c), GeneralName::Rfc822(n)) => rfc822_matches(n, c),
            (GeneralName::Uri(c), GeneralName::Uri(n)) => uri_matches(n, c),
            (GeneralName::Ip(c), GeneralName::Ip(n)) => ip_matches(n, c),
            (GeneralName::Directory(c), GeneralName::Directory(n)) => n.is_within(c),
            _ => {
                return Err(Error::UnsupportedNameConstraint {
                    depth,
                    form: name.form(),
                });
            }
        })
    }

    pub(crate) fn mode(&self) -> RevocationMode {
        self.config.revocation.mode
    }
}

/// Counts one signature verification in `spent` against the budget.
fn spend_signature(spent: &mut usize, config: &Config) -> Result<(), Error> {
    *spent += 1;
    if *spent > config.budget.max_signatures {
        return Err(Error::BudgetExceeded {
            budget: BudgetKind::Signatures,
            limit: config.budget.max_signatures,
        });
    }
    Ok(())
}

/// The key of intermediate `index`, imported (under `policy`) into `keys` on first use.
fn import_key<'k>(
    keys: &'k mut [Option<Result<PublicKey, careid_crypto::Error>>],
    inters: &[Certificate<'_>],
    policy: KeyPolicy,
    index: usize,
) -> Result<&'k PublicKey, careid_crypto::Error> {
    let slot = keys
        .get_mut(index)
        .ok_or(careid_crypto::Error::KeyNotForVerification)?;
    let imported = slot.get_or_insert_with(|| match inters.get(index) {
        Some(cert) => PublicKey::from_spki_der_with_policy(cert.spki, policy),
        None => Err(careid_crypto::Error::KeyNotForVerification),
    });
    imported.as_ref().map_err(Clone::clone)
}

/// §6.1.3(a)(1): the signature on `cert` with its issuer's key (whose SubjectPublicKeyInfo is
/// `issuer_spki`), over the TBS bytes as they were received; the caller has counted it against
/// the budget. A CA certificate (`depth > 0`) whose signature the memo records, for this exact
/// DER and issuer key, from a path this validator validated earlier, is not verified again.
fn verify_signature(
    config: &Config,
    memo: Option<&Mutex<SignatureMemo>>,
    cert: &Certificate<'_>,
    depth: usize,
    key: &PublicKey,
    issuer_spki: &[u8],
) -> Result<(), Error> {
    if depth > 0
        && let Some(memo) = memo
        && memo
            .lock()
            .is_ok_and(|mut m| m.check(issuer_spki, cert.der))
    {
        return Ok(());
    }
    let algorithm = cert
        .signature_algorithm
        .clone()
        .map_err(|source| Error::BadSignature { depth, source })?;
    key.verify(
        config.algorithms,
        algorithm,
        SignatureFormat::Der,
        cert.tbs,
        cert.signature,
    )
    .map_err(|source| Error::BadSignature { depth, source })
}

/// Keeps the most relevant error: a later stage beats an earlier one; among "no issuer"
/// errors, the one that got further up the path wins.
fn record(best: &mut Option<Error>, e: Error) {
    let replace = match best {
        None => true,
        Some(old) => match (&*old, &e) {
            (Error::UnknownIssuer { depth: a }, Error::UnknownIssuer { depth: b }) => b > a,
            _ => e.rank() > old.rank(),
        },
    };
    if replace {
        *best = Some(e);
    }
}
