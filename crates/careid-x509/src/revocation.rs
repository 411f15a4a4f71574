//! Revocation checking with caller-supplied CRLs (RFC 5280 §6.3).

use crate::cert::{Certificate, DistributionPoint, DistributionPointName};
use crate::crl::{ALL_REASONS, Crl, RevocationReason};
use crate::name::{GeneralName, Name};
use crate::path::{Build, Candidate, Target};
use crate::verified::RevocationStatus;
use crate::{Error, KeyUsage, RevocationMode, RevocationUnknownCause, Time};
use careid_crypto::PublicKey;

/// How deep CRL-signer path checks may nest (a CRL signer whose own CRL has a separate
/// signer, ...).
const MAX_SIGNER_NESTING: u8 = 2;

/// The outcome for one certificate.
enum Status {
    Good,
    Revoked(RevocationReason, Time),
    Unknown(RevocationUnknownCause),
}

/// The issuer of a certificate in the path, as §6.3.3(f) needs it.
struct Issuer<'a> {
    subject: Name<'a>,
    spki: &'a [u8],
    key: Option<PublicKey>,
    key_usage: Option<KeyUsage>,
}

/// The CRLs that settled the answers: for the validated-path cache.
#[derive(Default)]
struct Window {
    from: Option<Time>,
    until: Option<Time>,
}

impl Window {
    fn note(&mut self, crl: &Crl, grace: i64) {
        let from = crl.this_update().saturating_add_seconds(-grace);
        self.from = Some(self.from.map_or(from, |f| f.max(from)));
        if let Some(next) = crl.next_update() {
            let until = next.saturating_add_seconds(grace);
            self.until = Some(self.until.map_or(until, |u| u.min(until)));
        }
    }
}

impl<'v, 'c> Build<'v, 'c> {
    /// §6.3 for every certificate of a candidate path (top down, `certs[0]` issued by the
    /// anchor). `Err` for a revoked certificate, for an undetermined status under
    /// [`RevocationMode::Required`], and for budget exhaustion.
    pub(crate) fn check_revocation(
        &mut self,
        c: &Candidate<'_, 'c>,
        certs: &[&Certificate<'c>],
        nesting: u8,
    ) -> Result<(RevocationStatus, Option<(Time, Time)>), Error> {
        let mode = self.mode();
        if mode == RevocationMode::Off {
            return Ok((RevocationStatus::NotChecked, None));
        }
        let n = certs.len();
        let mut window = Window::default();
        let mut first_unknown = None;
        for (idx, cert) in certs.iter().enumerate() {
            let depth = n - 1 - idx;
            let issuer = self.issuer_of(c, idx, certs);
            match self.status_of(c, cert, &issuer, nesting, &mut window)? {
                Status::Good => {}
                Status::Revoked(reason, date) => {
                    return Err(Error::Revoked {
                        depth,
                        reason,
                        date,
                    });
                }
                Status::Unknown(cause) => {
                    if mode == RevocationMode::Required {
                        return Err(Error::RevocationUnknown { depth, cause });
                    }
                    first_unknown.get_or_insert(RevocationStatus::Unknown { depth, cause });
                }
            }
        }
        let window = match (window.from, window.until) {
            (Some(from), Some(until)) => Some((from, until)),
            (Some(from), None) => Some((from, from)),
            _ => None,
        };
        Ok((first_unknown.unwrap_or(RevocationStatus::Checked), window))
    }

    fn issuer_of(
        &mut self,
        c: &Candidate<'_, 'c>,
        idx: usize,
        certs: &[&Certificate<'c>],
    ) -> Issuer<'v> {
        let n = certs.len();
        if idx == 0 {
            let config = self.config;
            match config.anchors.get(c.anchor) {
                Some(a) => Issuer {
                    subject: a.anchor.subject(),
                    spki: a.anchor.subject_public_key_info(),
                    key: a.key.as_ref().ok().cloned(),
                    key_usage: a.anchor.key_usage(),
                },
                None => Issuer {
                    subject: Name::EMPTY,
                    spki: &[],
                    key: None,
                    key_usage: None,
                },
            }
        } else {
            let inters = self.inters;
            let index = c.above.get(n - 1 - idx).copied().unwrap_or(usize::MAX);
            match inters.get(index) {
                Some(cert) => Issuer {
                    subject: cert.subject,
                    spki: cert.spki,
                    key: self.intermediate_key(index).ok().cloned(),
                    key_usage: cert.ext.key_usage,
                },
                None => Issuer {
                    subject: Name::EMPTY,
                    spki: &[],
                    key: None,
                    key_usage: None,
                },
            }
        }
    }

    /// RFC 5280 §6.3.3 for one certificate.
    fn status_of(
        &mut self,
        c: &Candidate<'_, 'c>,
        cert: &Certificate<'c>,
        issuer: &Issuer<'_>,
        nesting: u8,
        window: &mut Window,
    ) -> Result<Status, Error> {
        let crls = self.crls;
        let time = self.time;
        let grace = i64::from(self.config.revocation.stale_grace_seconds);
        // The certificate's distribution points, then (RFC 5280 §6.3.3, last paragraph) one
        // whose name is the certificate issuer, for CRLs not tied to a distribution point.
        let virtual_dp = DistributionPoint {
            name: Some(DistributionPointName::Full(vec![GeneralName::Directory(
                cert.issuer,
            )])),
            reasons: None,
            crl_issuer: None,
        };
        let dps = cert
            .ext
            .crl_distribution_points
            .iter()
            .flatten()
            .chain(core::iter::once(&virtual_dp));
        let mut reasons_mask = 0_u16;
        let mut cause: Option<RevocationUnknownCause> = None;
        let mut note = |new: RevocationUnknownCause| {
            let replace = cause.is_none_or(|old| cause_rank(new) > cause_rank(old));
            if replace {
                cause = Some(new);
            }
        };

        for dp in dps {
            for crl in crls.iter().filter(|c| !c.is_delta()) {
                if reasons_mask == ALL_REASONS {
                    break;
                }
                // (b)(1) the CRL issuer.
                let crl_issuer = crl.issuer();
                let scope = crl.scope();
                let issuer_ok = match &dp.crl_issuer {
                    Some(names) => {
                        scope.indirect
                            && names.iter().any(|n| match n {
                                GeneralName::Directory(d) => d.matches(&crl_issuer),
                                _ => false,
                            })
                    }
                    None => crl_issuer.matches(&cert.issuer),
                };
                if !issuer_ok {
                    continue;
                }
                // (b)(2) the scope of the issuingDistributionPoint.
                if !scope_fits(cert, dp, crl, &crl_issuer) {
                    note(RevocationUnknownCause::CrlScopeMismatch);
                    continue;
                }
                // (d) interim reasons mask; (e) it must add something.
                let interim = match (scope.only_some_reasons, dp.reasons) {
                    (Some(a), Some(b)) => a & b,
                    (Some(a), None) => a,
                    (None, Some(b)) => b,
                    (None, None) => ALL_REASONS,
                } & ALL_REASONS;
                if interim & !reasons_mask == 0 {
                    note(RevocationUnknownCause::ReasonsNotCovered);
                    continue;
                }
                if crl.unsupported_critical() {
                    note(RevocationUnknownCause::CrlUnsupportedCriticalExtension);
                    continue;
                }
                if let Some(problem) = freshness(crl, time, grace) {
                    note(problem);
                    continue;
                }
                // (f)-(g) the CRL signer and signature.
                match self.verify_crl(c, crl, issuer, nesting)? {
                    Ok(()) => {}
                    Err(problem) => {
                        note(problem);
                        continue;
                    }
                }
                window.note(crl, grace);
                // (c), (i) a delta CRL, if one fits.
                let delta = self.find_delta(c, crl, issuer, nesting)?;
                let mut settled_by_delta = false;
                if let Some(delta) = &delta {
                    window.note(delta, grace);
                    if let Some(listing) = delta.lookup(cert.serial, &cert.issuer) {
                        if listing.reason == RevocationReason::RemoveFromCrl {
                            settled_by_delta = true;
                        } else {
                            return Ok(Status::Revoked(listing.reason, listing.date));
                        }
                    }
                }
                // (j) the complete CRL.
                if !settled_by_delta
                    && let Some(listing) = crl.lookup(cert.serial, &cert.issuer)
                    && listing.reason != RevocationReason::RemoveFromCrl
                {
                    return Ok(Status::Revoked(listing.reason, listing.date));
                }
                // (l)
                reasons_mask |= interim;
            }
        }
        if reasons_mask == ALL_REASONS {
            Ok(Status::Good)
        } else if reasons_mask != 0 {
            Ok(Status::Unknown(RevocationUnknownCause::ReasonsNotCovered))
        } else {
            Ok(Status::Unknown(
                cause.unwrap_or(RevocationUnknownCause::NoCrl),
            ))
        }
    }

    /// §6.3.3(f)-(g): the CRL must verify with the key of a certificate that may sign CRLs
    /// for its issuer and chains to the same trust anchor. The certificate's own issuer is
    /// tried first; then certificates among the intermediates with the CRL issuer's name and
    /// a cRLSign key usage, each validated to the path's anchor.
    fn verify_crl(
        &mut self,
        c: &Candidate<'_, 'c>,
        crl: &Crl,
        issuer: &Issuer<'_>,
        nesting: u8,
    ) -> Result<Result<(), RevocationUnknownCause>, Error> {
        let allowed = self.config.algorithms;
        let crl_issuer = crl.issuer();
        let may_sign = |ku: Option<KeyUsage>| ku.is_none_or(|ku| ku.contains(KeyUsage::CRL_SIGN));
        if crl_issuer.matches(&issuer.subject)
            && may_sign(issuer.key_usage)
            && let Some(key) = &issuer.key
        {
            self.spend_signature()?;
            if crl.verify_signature(issuer.spki, key, allowed).is_ok() {
                return Ok(Ok(()));
            }
        }
        if nesting >= MAX_SIGNER_NESTING {
            return Ok(Err(RevocationUnknownCause::CrlSignerPathTooDeep));
        }
        let inters = self.inters;
        for (index, signer) in inters.iter().enumerate() {
            if !signer.subject.matches(&crl_issuer) || !may_sign(signer.ext.key_usage) {
                continue;
            }
            if signer.spki == issuer.spki {
                continue;
            }
            if let (Some(aki), Some(ski)) = (crl.authority_key_id(), signer.ext.subject_key_id)
                && aki != ski
            {
                continue;
            }
            if self
                .pending_crls
                .iter()
                .any(|(pending, spki)| pending.same_as(crl) && *spki == signer.spki)
            {
                // This CRL's signature was verified with this key and the signer's path is
                // being validated one level up.
                return Ok(Ok(()));
            }
            let Ok(key) = self.intermediate_key(index).cloned() else {
                continue;
            };
            self.spend_signature()?;
            if crl.verify_signature(signer.spki, &key, allowed).is_err() {
                continue;
            }
            let target = Target::CrlSigner {
                anchor: c.anchor,
                nesting: nesting + 1,
            };
            self.pending_crls.push((crl.clone(), signer.spki));
            let result = self.validate(signer, target);
            self.pending_crls.pop();
            match result {
                Ok(_) => return Ok(Ok(())),
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(_) => {}
            }
        }
        Ok(Err(RevocationUnknownCause::CrlSignatureInvalid))
    }

    /// §6.3.3(c): a delta CRL from the same issuer with the same scope, based on this
    /// complete CRL or an earlier one, newer than it, fresh and correctly signed
    /// (RFC 5280 §5.2.4).
    fn find_delta(
        &mut self,
        c: &Candidate<'_, 'c>,
        complete: &Crl,
        issuer: &Issuer<'_>,
        nesting: u8,
    ) -> Result<Option<Crl>, Error> {
        let Some(number) = complete.crl_number() else {
            return Ok(None);
        };
        let crls = self.crls;
        let grace = i64::from(self.config.revocation.stale_grace_seconds);
        for delta in crls.iter().filter(|d| d.is_delta()) {
            let Some(base) = delta.delta_base() else {
                continue;
            };
            let Some(delta_number) = delta.crl_number() else {
                continue;
            };
            if !delta.issuer().matches(&complete.issuer())
                || delta.idp_der() != complete.idp_der()
                || int_cmp(base, number) == core::cmp::Ordering::Greater
                || int_cmp(delta_number, number) != core::cmp::Ordering::Greater
                || delta.unsupported_critical()
                || freshness(delta, self.time, grace).is_some()
            {
                continue;
            }
            if self.verify_crl(c, delta, issuer, nesting)?.is_ok() {
                return Ok(Some(delta.clone()));
            }
        }
        Ok(None)
    }
}

/// §6.3.3(a)(2) and (h)-style freshness: thisUpdate not in the future and nextUpdate present
/// and not past (each with the grace allowed).
fn freshness(crl: &Crl, time: Time, grace: i64) -> Option<RevocationUnknownCause> {
    if crl.this_update() > time.saturating_add_seconds(grace) {
        return Some(RevocationUnknownCause::CrlNotYetValid {
            this_update: crl.this_update(),
        });
    }
    match crl.next_update() {
        Some(next) if time <= next.saturating_add_seconds(grace) => None,
        next => Some(RevocationUnknownCause::CrlExpired { next_update: next }),
    }
}

/// §6.3.3(b)(2): does the CRL's issuingDistributionPoint cover this certificate through
/// this distribution point?
fn scope_fits(
    cert: &Certificate<'_>,
    dp: &DistributionPoint<'_>,
    crl: &Crl,
    crl_issuer: &Name<'_>,
) -> bool {
    let scope = crl.scope();
    if scope.only_attribute {
        return false;
    }
    if scope.only_user && cert.is_ca() {
        return false;
    }
    if scope.only_ca && !cert.is_ca() {
        return false;
    }
    let Some(idp_name) = &scope.name else {
        // (b)(2)(i) applies only when the issuingDistributionPoint names a distribution point.
        return true;
    };
    match (&dp.name, &dp.crl_issuer) {
        (Some(dp_name), _) => {
            let dp_base = dp
                .crl_issuer
                .as_ref()
                .and_then(|names| {
                    names.iter().find_map(|n| match n {
                        GeneralName::Directory(d) => Some(*d),
                        _ => None,
                    })
                })
                .unwrap_or(cert.issuer);
            names_intersect(idp_name, crl_issuer, dp_name, &dp_base)
        }
        (None, Some(issuers)) => match idp_name {
            DistributionPointName::Full(names) => {
                names.iter().any(|a| issuers.iter().any(|b| a.same_as(b)))
            }
            DistributionPointName::Relative(rdn) => issuers.iter().any(|b| match b {
                GeneralName::Directory(d) => d.equals_with_rdn(crl_issuer, rdn),
                _ => false,
            }),
        },
        (None, None) => false,
    }
}

/// Whether two distribution point names share a name; relative names are resolved against
/// their base (RFC 5280 §4.2.1.13).
fn names_intersect(
    a: &DistributionPointName<'_>,
    a_base: &Name<'_>,
    b: &DistributionPointName<'_>,
    b_base: &Name<'_>,
) -> bool {
    match (a, b) {
        (DistributionPointName::Full(x), DistributionPointName::Full(y)) => {
            x.iter().any(|p| y.iter().any(|q| p.same_as(q)))
        }
        (DistributionPointName::Relative(r), DistributionPointName::Full(names))
        | (DistributionPointName::Full(names), DistributionPointName::Relative(r)) => {
            let base = if matches!(a, DistributionPointName::Relative(_)) {
                a_base
            } else {
                b_base
            };
            names.iter().any(|n| match n {
                GeneralName::Directory(d) => d.equals_with_rdn(base, r),
                _ => false,
            })
        }
        (DistributionPointName::Relative(x), DistributionPointName::Relative(y)) => {
            a_base.matches(b_base) && crate::name::rdn_equal(x, y)
        }
    }
}

/// Compares two non-negative INTEGER contents numerically.
fn int_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let strip = |x: &[u8]| -> Vec<u8> {
        let start = x.iter().position(|b| *b != 0).unwrap_or(x.len());
        x.get(start..).unwrap_or_default().to_vec()
    };
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

/// How informative a cause is, when several CRLs failed for different reasons.
fn cause_rank(cause: RevocationUnknownCause) -> u8 {
    match cause {
        RevocationUnknownCause::NoCrl => 0,
        RevocationUnknownCause::CrlScopeMismatch => 1,
        RevocationUnknownCause::ReasonsNotCovered => 2,
        RevocationUnknownCause::CrlUnsupportedCriticalExtension => 3,
        RevocationUnknownCause::CrlExpired { .. }
        | RevocationUnknownCause::CrlNotYetValid { .. } => 4,
        RevocationUnknownCause::CrlSignerPathTooDeep => 5,
        RevocationUnknownCause::CrlSignatureInvalid => 6,
    }
}
