//! careid authenticates NHS health and care staff the way the NHS Care Identity Service does,
//! and decides what they may do.
//!
//! This facade re-exports the paved path of the careid crates: signature verification
//! ([`crypto`]), smartcards ([`card`]) and National RBAC decisions ([`rbac`]); the X.509 and
//! CIS2 token layers join it as they land. Each lower crate is also usable alone.
//!
//! ```
//! use careid::crypto::{AlgorithmSet, SignatureAlgorithm};
//!
//! // The verifier decides the algorithm: CIS2 signs its tokens with RS256.
//! let allowed = AlgorithmSet::EMPTY.with(SignatureAlgorithm::Rs256);
//! assert!(allowed.check(SignatureAlgorithm::Rs256).is_ok());
//! assert!(allowed.check(SignatureAlgorithm::EdDsa).is_err());
//! ```
#![forbid(unsafe_code)]

/// Smartcards: the [`Token`](card::Token) API over PIV and PKCS#15 cards, PINs that are never
/// re-sent, and the transport trait a reader implements. See [`careid_pkcs15`] and
/// [`careid_apdu`].
pub mod card {
    pub use careid_apdu::{CardTransport, StatusWord, TransportError};
    /// Cards in PC/SC readers (`pcsc` feature): see [`careid_pcsc`].
    #[cfg(feature = "pcsc")]
    pub use careid_pcsc::{self as pcsc, PcscCard, ReaderEvent, Watcher, list_readers};
    pub use careid_pkcs15::{
        CertificateInfo, Error, Hash, KeyAlgorithm, KeyInfo, Pin, PinStatus, ProfileKind, Session,
        Token,
    };
}

/// National RBAC: the `nhsid_nrbac_roles` claim, the National RBAC Database catalogue, and
/// explained authorisation decisions for the role the user selected. See [`careid_rbac`].
///
/// ```
/// use careid::rbac::{Authoriser, NrbacRoles, Policy, RoleSelection};
///
/// let roles = NrbacRoles::from_claim_json(br#"[{"person_roleid": "656014452101",
///   "person_orgid": "656008045105", "org_code": "Y51", "role_code": "S8001:G8002:R8008",
///   "role_name": "\"Support\":\"Support\":\"Admin/Clinical Support Access Role\"",
///   "activity_codes": ["B8002"]}]"#)?;
/// let policy = Policy::builder().any_activity(["B8002".parse()?]).at_organisation("Y51".parse()?).build()?;
/// let selected = RoleSelection::from_selected_roleid(Some("656014452101"));
/// // Without a catalogue only explicitly granted activities count (RBAC.md §5).
/// assert!(Authoriser::without_catalogue().decide(&roles, selected, &policy).is_permit());
/// # Ok::<(), careid::rbac::Error>(())
/// ```
pub mod rbac {
    pub use careid_rbac::{
        ActivityCode, ActivityRef, AreaOfWorkCode, Authoriser, Baseline, Catalogue, Decision,
        Decoded, Deny, DenyReason, Error, Grant, GrantSource, JobRoleCode, LoadOptions, NrbacRoles,
        OdsCode, Permit, Policy, PolicyBuilder, RoleMatch, RoleProfile, RoleProfileEntry,
        RoleSelection, UserRoleProfileId, WorkgroupCode,
    };
}

/// Signature verification and key import: see [`careid_crypto`].
pub mod crypto {
    pub use careid_crypto::{
        AlgorithmSet, Error, Jwk, KeyKind, KeyPolicy, PublicKey, SignatureAlgorithm,
        SignatureFormat,
    };
}
