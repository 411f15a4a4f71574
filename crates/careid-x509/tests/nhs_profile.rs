//! The careid-testkit NHS-style PKI through the NHS smartcard profile: accepted chains,
//! every refusal with its precise reason, CRLs, name constraints and the validated-path cache.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use careid_testkit::{TestPki, X509Fixtures};
use careid_x509::careid_crypto;
use careid_x509::{
    CardKeyPurpose, CrlSet, Error, KeyUsage, NameForm, NhsCardValidator, RevocationPolicy,
    RevocationReason, RevocationStatus, RevocationUnknownCause, Time, TrustAnchor, ValidationCache,
    Validator, ValidatorBuilder,
};

fn at(text: &str) -> Time {
    Time::parse_rfc3339(text).unwrap()
}

fn builder() -> ValidatorBuilder {
    Validator::builder([TrustAnchor::from_der(&TestPki::get().root).unwrap()])
}

fn crls() -> CrlSet {
    let fx = X509Fixtures::get();
    CrlSet::from_der(&[&fx.root_crl, &fx.ca_crl]).unwrap()
}

fn nhs(purpose: CardKeyPurpose) -> NhsCardValidator {
    NhsCardValidator::new(builder(), purpose, 16).unwrap()
}

const NONE: [&[u8]; 0] = [];

const WHEN: &str = "2027-06-01T09:00:00Z";

#[test]
fn card_certificates_validate_and_yield_the_uuid() {
    let pki = TestPki::get();
    let v = nhs(CardKeyPurpose::Authentication);
    for user in [&pki.user_rsa, &pki.user_p256] {
        let id = v
            .validate(user, &[&pki.issuing_ca], &crls(), at(WHEN))
            .unwrap();
        assert_eq!(id.uuid().as_str(), "555123456789");
        assert!(id.uuid() == *"555123456789");
        assert_eq!(id.purpose(), CardKeyPurpose::Authentication);
        let path = id.path();
        assert_eq!(path.certificates().len(), 2);
        assert_eq!(path.end_entity(), &user[..]);
        assert_eq!(path.revocation(), RevocationStatus::Checked);
        assert_eq!(path.anchor().certificate(), Some(&pki.root[..]));
        // The intersection of validity periods: user 2026-2036 inside CA and root.
        assert_eq!(path.not_before(), at("2026-01-01T00:00:00Z"));
        assert_eq!(path.not_after(), at("2036-01-01T00:00:00Z"));
        assert!(path.user_constrained_policies().is_empty());
    }
}

#[test]
fn refusals_name_the_certificate_and_the_rule() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let v = nhs(CardKeyPurpose::Authentication);
    let check = |ee: &[u8], time: &str, want: &dyn Fn(&Error) -> bool| {
        let err = v
            .validate(ee, &[&pki.issuing_ca], &crls(), at(time))
            .expect_err("must be refused");
        assert!(want(&err), "{err:?}");
        // Every error renders to a message.
        assert!(!err.to_string().is_empty());
    };
    check(
        &fx.user_expired,
        WHEN,
        &|e| matches!(e, Error::Expired { depth: 0, not_after, .. } if *not_after == at("2021-01-01T00:00:00Z")),
    );
    check(&pki.user_rsa, "2025-06-01T00:00:00Z", &|e| {
        matches!(e, Error::NotYetValid { depth: 0, .. })
    });
    check(&pki.user_rsa, "2041-01-01T00:00:00Z", &|e| {
        matches!(e, Error::Expired { depth: 1, .. })
    });
    check(&fx.user_revoked, WHEN, &|e| {
        matches!(
            e,
            Error::Revoked { depth: 0, reason: RevocationReason::KeyCompromise, date }
                if *date == at("2026-06-01T00:00:00Z")
        )
    });
    check(&fx.user_signing, WHEN, &|e| {
        matches!(e, Error::KeyUsageNotAllowed { required, present }
            if *required == KeyUsage::DIGITAL_SIGNATURE && *present == KeyUsage::NON_REPUDIATION)
    });
    check(&fx.user_server_eku, WHEN, &|e| {
        matches!(e, Error::ExtendedKeyUsageNotAllowed)
    });
    check(&fx.ca_as_user, WHEN, &|e| {
        matches!(e, Error::CaUsedAsEndEntity)
    });
    check(&fx.user_no_uuid, WHEN, &|e| {
        matches!(e, Error::UserUuidMissing)
    });
    check(&fx.user_bad_uuid, WHEN, &|e| {
        matches!(e, Error::UserUuidMalformed)
    });
}

#[test]
fn signing_profile_accepts_signing_and_refuses_authentication_certificates() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let v = nhs(CardKeyPurpose::Signing);
    let id = v
        .validate(&fx.user_signing, &[&pki.issuing_ca], &crls(), at(WHEN))
        .unwrap();
    assert_eq!(id.purpose(), CardKeyPurpose::Signing);
    let err = v
        .validate(&pki.user_rsa, &[&pki.issuing_ca], &crls(), at(WHEN))
        .unwrap_err();
    assert_eq!(
        err,
        Error::KeyUsageNotAllowed {
            required: KeyUsage::NON_REPUDIATION,
            present: KeyUsage::DIGITAL_SIGNATURE
        }
    );
}

#[test]
fn wrong_root_and_missing_intermediate() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let v = NhsCardValidator::new(
        Validator::builder([TrustAnchor::from_der(&fx.p256_root).unwrap()]),
        CardKeyPurpose::Authentication,
        0,
    )
    .unwrap();
    assert_eq!(
        v.validate(&pki.user_rsa, &[&pki.issuing_ca], &crls(), at(WHEN))
            .unwrap_err(),
        Error::UnknownIssuer { depth: 1 }
    );
    let v = nhs(CardKeyPurpose::Authentication);
    assert_eq!(
        v.validate(&pki.user_rsa, &NONE, &crls(), at(WHEN))
            .unwrap_err(),
        Error::UnknownIssuer { depth: 0 }
    );
    // The user's certificate offered as its own intermediate changes nothing.
    assert!(
        v.validate(
            &pki.user_rsa,
            &[&pki.user_rsa, &pki.issuing_ca],
            &crls(),
            at(WHEN)
        )
        .is_ok()
    );
}

#[test]
fn revocation_policy_missing_and_stale_crls() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let inters = [&pki.issuing_ca];
    // Fail closed by default: no CRL at all.
    let required = builder().build().unwrap();
    assert_eq!(
        required
            .validate(&pki.user_rsa, &inters, &CrlSet::new(), at(WHEN))
            .unwrap_err(),
        Error::RevocationUnknown {
            depth: 1,
            cause: RevocationUnknownCause::NoCrl
        }
    );
    // A stale CA CRL.
    let stale = CrlSet::from_der(&[&fx.root_crl, &fx.ca_crl_stale]).unwrap();
    assert_eq!(
        required
            .validate(&pki.user_rsa, &inters, &stale, at(WHEN))
            .unwrap_err(),
        Error::RevocationUnknown {
            depth: 0,
            cause: RevocationUnknownCause::CrlExpired {
                next_update: Some(at("2026-02-01T00:00:00Z"))
            }
        }
    );
    // ... usable before its nextUpdate, and within a configured grace.
    assert!(
        required
            .validate(&pki.user_rsa, &inters, &stale, at("2026-01-15T00:00:00Z"))
            .is_ok()
    );
    let graceful = builder()
        .revocation(RevocationPolicy::REQUIRED.with_stale_grace_seconds(86_400 * 31))
        .build()
        .unwrap();
    assert!(
        graceful
            .validate(&pki.user_rsa, &inters, &stale, at("2026-02-20T00:00:00Z"))
            .is_ok()
    );
    // Best effort: passes, flagged.
    let best = builder()
        .revocation(RevocationPolicy::BEST_EFFORT)
        .build()
        .unwrap();
    let path = best
        .validate(&pki.user_rsa, &inters, &stale, at(WHEN))
        .unwrap();
    assert_eq!(
        path.revocation(),
        RevocationStatus::Unknown {
            depth: 0,
            cause: RevocationUnknownCause::CrlExpired {
                next_update: Some(at("2026-02-01T00:00:00Z"))
            }
        }
    );
    // ... but a revoked certificate still fails.
    assert!(matches!(
        best.validate(&fx.user_revoked, &inters, &crls(), at(WHEN)),
        Err(Error::Revoked { depth: 0, .. })
    ));
    // Off.
    let off = builder().revocation(RevocationPolicy::OFF).build().unwrap();
    let path = off
        .validate(&fx.user_revoked, &inters, &CrlSet::new(), at(WHEN))
        .unwrap();
    assert_eq!(path.revocation(), RevocationStatus::NotChecked);
    // A CRL from another issuer does not count; a CRL before its thisUpdate is unusable.
    let wrong = CrlSet::from_der(&[&fx.root_crl]).unwrap();
    assert!(matches!(
        required.validate(&pki.user_rsa, &inters, &wrong, at(WHEN)),
        Err(Error::RevocationUnknown {
            depth: 0,
            cause: RevocationUnknownCause::NoCrl
        })
    ));
    assert!(matches!(
        required.validate(
            &pki.user_rsa,
            &inters,
            &crls(),
            at("2026-01-01T00:00:00Z").saturating_add_seconds(-1)
        ),
        Err(Error::NotYetValid { .. } | Error::RevocationUnknown { .. })
    ));
}

#[test]
fn name_constraints_on_a_directory_name() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let v = builder().revocation(RevocationPolicy::OFF).build().unwrap();
    let inters = [&fx.constrained_ca, &pki.issuing_ca];
    assert!(
        v.validate(&fx.constrained_user_ok, &inters, &CrlSet::new(), at(WHEN))
            .is_ok()
    );
    assert_eq!(
        v.validate(&fx.constrained_user_bad, &inters, &CrlSet::new(), at(WHEN))
            .unwrap_err(),
        Error::NameConstraintViolation {
            depth: 0,
            form: NameForm::DirectoryName
        }
    );
}

#[test]
fn all_p256_chain() {
    let fx = X509Fixtures::get();
    let v = Validator::builder([TrustAnchor::from_der(&fx.p256_root).unwrap()])
        .revocation(RevocationPolicy::OFF)
        .build()
        .unwrap();
    let path = v
        .validate(&fx.p256_user, &[&fx.p256_ca], &CrlSet::new(), at(WHEN))
        .unwrap();
    assert_eq!(path.certificates().len(), 2);
    // With revocation required, the P-256 CRLs (ECDSA-signed) cover both certificates.
    let required = Validator::builder([TrustAnchor::from_der(&fx.p256_root).unwrap()])
        .build()
        .unwrap();
    let crls = CrlSet::from_der(&[&fx.p256_root_crl, &fx.p256_ca_crl]).unwrap();
    let path = required
        .validate(&fx.p256_user, &[&fx.p256_ca], &crls, at(WHEN))
        .unwrap();
    assert_eq!(path.revocation(), RevocationStatus::Checked);
    // Without the CA's CRL, the user certificate's status is unknown: refused.
    let root_only = CrlSet::from_der(&[&fx.p256_root_crl]).unwrap();
    assert!(matches!(
        required.validate(&fx.p256_user, &[&fx.p256_ca], &root_only, at(WHEN)),
        Err(Error::RevocationUnknown { depth: 0, .. })
    ));
    // The caller's allow-list decides: ES256 refused.
    let rsa_only = Validator::builder([TrustAnchor::from_der(&fx.p256_root).unwrap()])
        .revocation(RevocationPolicy::OFF)
        .algorithms(
            careid_crypto::AlgorithmSet::EMPTY.with(careid_crypto::SignatureAlgorithm::Rs256),
        )
        .build()
        .unwrap();
    assert!(matches!(
        rsa_only.validate(&fx.p256_user, &[&fx.p256_ca], &CrlSet::new(), at(WHEN)),
        Err(Error::BadSignature {
            depth: 0,
            source: careid_crypto::Error::AlgorithmNotAllowed { .. }
        })
    ));
}

#[test]
fn cache_remembers_ca_signatures_for_new_cards_and_still_runs_every_other_check() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let validator = builder().revocation(RevocationPolicy::OFF).build().unwrap();
    // No path caching: every validation below runs in full, except for the memo.
    let cache = ValidationCache::new(validator.clone(), 0);
    let inters = [&pki.issuing_ca];
    let set = CrlSet::new();
    let first = cache
        .validate(&pki.user_rsa, &inters, &set, at(WHEN))
        .unwrap();
    assert_eq!(cache.stats().signatures_remembered, 0);
    // A new card under the same CA: the CA's signature is remembered, the card's is not.
    let second = cache
        .validate(&pki.user_p256, &inters, &set, at(WHEN))
        .unwrap();
    assert_eq!(cache.stats().signatures_remembered, 1);
    assert_eq!(cache.stats().misses, 2);
    let plain = validator
        .validate(&pki.user_p256, &inters, &set, at(WHEN))
        .unwrap();
    assert!(second.certificates().eq(plain.certificates()));
    assert_eq!(second.not_after(), plain.not_after());
    assert!(first.certificates().nth(1) == second.certificates().nth(1));

    // The end entity's signature is always verified: a card with a flipped signature bit.
    let mut forged = pki.user_p256.clone();
    *forged.last_mut().unwrap() ^= 1;
    assert!(matches!(
        cache.validate(&forged, &inters, &set, at(WHEN)),
        Err(Error::BadSignature { depth: 0, .. })
    ));
    // A CA certificate that differs in one bit is not the remembered one.
    let mut forged_ca = pki.issuing_ca.clone();
    *forged_ca.last_mut().unwrap() ^= 1;
    assert!(matches!(
        cache.validate(&pki.user_rsa, &[&forged_ca], &set, at(WHEN)),
        Err(Error::BadSignature { depth: 1, .. })
    ));
    // Remembered signatures skip nothing else: validity is still checked for the CA (expired
    // in 2040) and the card.
    let remembered = cache.stats().signatures_remembered;
    assert!(matches!(
        cache.validate(&pki.user_rsa, &inters, &set, at("2041-01-01T00:00:00Z")),
        Err(Error::Expired { depth: 1, .. })
    ));
    assert!(matches!(
        cache.validate(&fx.user_expired, &inters, &set, at(WHEN)),
        Err(Error::Expired { depth: 0, .. })
    ));
    assert_eq!(cache.stats().signatures_remembered, remembered + 2);

    // A key from another anchor with the same name: its check of the CA is not answered by
    // the memo (the issuer key is part of what is remembered), so it fails and the real
    // anchor's check succeeds.
    let root = careid_x509::Certificate::from_der(&pki.root).unwrap();
    let impostor = TrustAnchor::from_name_and_spki(
        root.subject().der(),
        careid_x509::Certificate::from_der(&fx.p256_root)
            .unwrap()
            .subject_public_key_info(),
    )
    .unwrap();
    let only_impostor = ValidationCache::new(
        Validator::builder([impostor.clone()])
            .revocation(RevocationPolicy::OFF)
            .build()
            .unwrap(),
        0,
    );
    for user in [&pki.user_rsa, &pki.user_p256] {
        assert!(matches!(
            only_impostor.validate(user, &inters, &set, at(WHEN)),
            Err(Error::BadSignature { depth: 1, .. })
        ));
    }
    assert_eq!(only_impostor.stats().signatures_remembered, 0);

    // A CA whose signature verifies on a path that then fails (the CA expired in 2040) is
    // not remembered: only paths that validate count, so a stream of invalid chains cannot
    // crowd the real CAs out of the memo.
    let fresh = ValidationCache::new(validator.clone(), 0);
    for _ in 0..2 {
        assert!(matches!(
            fresh.validate(&pki.user_rsa, &inters, &set, at("2041-01-01T00:00:00Z")),
            Err(Error::Expired { depth: 1, .. })
        ));
    }
    assert_eq!(fresh.stats().signatures_remembered, 0);
    fresh
        .validate(&pki.user_rsa, &inters, &set, at(WHEN))
        .unwrap();
    fresh
        .validate(&pki.user_p256, &inters, &set, at(WHEN))
        .unwrap();
    assert_eq!(fresh.stats().signatures_remembered, 1);

    // Told to remember nothing, it verifies every signature every time.
    let forgetful = ValidationCache::new(validator, 0).remember_signatures(0);
    for user in [&pki.user_rsa, &pki.user_p256, &pki.user_rsa] {
        forgetful.validate(user, &inters, &set, at(WHEN)).unwrap();
    }
    assert_eq!(forgetful.stats().signatures_remembered, 0);
    assert_eq!(forgetful.stats().misses, 3);
}

#[test]
fn cache_hits_repeat_logins_and_invalidates_on_time_and_crl_updates() {
    let pki = TestPki::get();
    let fx = X509Fixtures::get();
    let v = nhs(CardKeyPurpose::Authentication);
    let set = crls();
    let inters = [&pki.issuing_ca];
    v.validate(&pki.user_rsa, &inters, &set, at(WHEN)).unwrap();
    v.validate(&pki.user_rsa, &inters, &set, at("2027-06-01T10:00:00Z"))
        .unwrap();
    assert_eq!(v.cache().stats().hits, 1);
    assert_eq!(v.cache().stats().misses, 1);
    // A time outside the window (after the user certificate expired): validated afresh, and
    // refused.
    assert!(matches!(
        v.validate(&pki.user_rsa, &inters, &set, at("2036-06-01T00:00:00Z")),
        Err(Error::Expired { depth: 0, .. })
    ));
    assert_eq!(v.cache().stats().misses, 2);
    // A CRL update (a new set, even with the same content) is a miss.
    let updated = crls();
    v.validate(&pki.user_rsa, &inters, &updated, at(WHEN))
        .unwrap();
    assert_eq!(v.cache().stats().misses, 3);
    // Different intermediates: a miss.
    v.validate(
        &pki.user_rsa,
        &[&pki.issuing_ca, &fx.constrained_ca],
        &updated,
        at(WHEN),
    )
    .unwrap();
    assert_eq!(v.cache().stats().misses, 4);
    // A revoked certificate is never cached.
    for _ in 0..2 {
        assert!(
            v.validate(&fx.user_revoked, &inters, &set, at(WHEN))
                .is_err()
        );
    }
    assert_eq!(v.cache().stats().hits, 1);
    v.cache().clear();
    assert!(v.cache().is_empty());
}

#[test]
fn budgets_bound_the_search() {
    let pki = TestPki::get();
    let v = builder()
        .revocation(RevocationPolicy::OFF)
        .budget({
            let mut b = careid_x509::Budget::DEFAULT;
            b.max_signatures = 1;
            b
        })
        .build()
        .unwrap();
    assert_eq!(
        v.validate(&pki.user_rsa, &[&pki.issuing_ca], &CrlSet::new(), at(WHEN))
            .unwrap_err(),
        Error::BudgetExceeded {
            budget: careid_x509::BudgetKind::Signatures,
            limit: 1
        }
    );
}

#[test]
fn published_anchor_metadata_is_checked() {
    use careid_x509::{AnchorField, PublishedAnchor};
    let pki = TestPki::get();
    let sha1: [u8; 20] = ring_sha1(&pki.root);
    let serial: &'static [u8] = &[0x02, 0x96, 0x29, 0x01, 0x7e, 0x57];
    assert!(TrustAnchor::from_der_checked(&pki.root, &PublishedAnchor::new(serial, sha1)).is_ok());
    let mut wrong = sha1;
    wrong[0] ^= 1;
    assert_eq!(
        TrustAnchor::from_der_checked(&pki.root, &PublishedAnchor::new(serial, wrong)).unwrap_err(),
        Error::AnchorMismatch {
            field: AnchorField::Sha1Thumbprint
        }
    );
    assert_eq!(
        TrustAnchor::from_der_checked(
            &pki.root,
            &PublishedAnchor::new(serial, sha1).with_sha256_fingerprint([0; 32])
        )
        .unwrap_err(),
        Error::AnchorMismatch {
            field: AnchorField::Sha256Fingerprint
        }
    );
}

/// The SHA-1 thumbprint of a certificate (ring, a dependency of careid-x509).
fn ring_sha1(der: &[u8]) -> [u8; 20] {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der)
        .as_ref()
        .try_into()
        .unwrap()
}
