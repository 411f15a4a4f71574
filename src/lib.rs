//! careid authenticates NHS health and care staff the way the NHS Care Identity Service does,
//! and decides what they may do.
//!
//! This facade re-exports the paved path of the careid crates: signature verification
//! ([`crypto`]), smartcards ([`card`]), X.509 chains and the NHS card profile ([`x509`]),
//! National RBAC decisions ([`rbac`]), CIS2 tokens ([`token`]) and FIDO2 security keys with
//! WebAuthn verification ([`fido`]). Each lower crate is also usable alone.
//!
//! | feature | adds | needs |
//! | --- | --- | --- |
//! | `pcsc` | cards in PC/SC readers (`card::PcscCard`, `card::Watcher`) | libpcsclite-dev, pcscd |
//! | `http` | fetching CIS2 discovery and JWKS (`token::HttpFetcher`) | nothing |
//! | `hid` | real FIDO2 keys over USB HID (`fido::hid`) | libudev-dev |
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
    pub use careid_apdu::{
        CardTransport, Error as ApduError, MalformedReason, StatusWord, TlvError, TransportError,
    };
    /// Cards in PC/SC readers (`pcsc` feature): see [`careid_pcsc`].
    #[cfg(feature = "pcsc")]
    pub use careid_pcsc::{self as pcsc, PcscCard, ReaderEvent, Watcher, list_readers};
    pub use careid_pkcs15::{
        CertificateInfo, Error, Hash, KeyAlgorithm, KeyInfo, ObjectKind, Operation, Pin, PinStatus,
        ProfileKind, Session, Structure, Token,
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
    /// What an [`Error`] or a diagnostic names.
    pub use careid_rbac::{
        ClaimDiagnostic, CodeFault, CodeKind, ElementProblem, Input, JsonType, LoadDiagnostic,
        PolicyList, Referrer,
    };
}

/// X.509 certification path validation (RFC 5280), CRLs, and the NHS smartcard profile: see
/// [`careid_x509`].
///
/// ```
/// use careid::x509::{CardKeyPurpose, CrlSet, NhsCardValidator, Time, TrustAnchor, Validator};
///
/// let pki = careid_testkit::TestPki::get();
/// let fx = careid_testkit::X509Fixtures::get();
/// let cards = NhsCardValidator::new(
///     Validator::builder([TrustAnchor::from_der(&pki.root)?]),
///     CardKeyPurpose::Authentication,
///     64,
/// )?;
/// let crls = CrlSet::from_der(&[&fx.root_crl, &fx.ca_crl])?;
/// let at = Time::parse_rfc3339("2027-06-01T09:00:00Z")?;
/// let id = cards.validate(&pki.user_rsa, &[&pki.issuing_ca], &crls, at)?;
/// assert_eq!(id.uuid().as_str(), "555123456789");
/// # Ok::<(), careid::x509::Error>(())
/// ```
pub mod x509 {
    pub use careid_x509::{
        AnchorField, Budget, BudgetKind, CacheStats, CardKeyPurpose, Certificate, Crl, CrlSet,
        Error, Input, KeyUsage, Malformed, Name, NameForm, NhsCardValidator, NhsIdentity,
        ObjectIdentifier, PolicySettings, PublishedAnchor, Purpose, RevocationMode,
        RevocationPolicy, RevocationReason, RevocationStatus, RevocationUnknownCause, Time,
        TrustAnchor, UserUuid, ValidationCache, Validator, ValidatorBuilder, VerifiedPath,
    };
}

/// CIS2 OpenID Connect tokens: ID tokens, UserInfo, access tokens and back-channel logout
/// tokens checked as a CIS2 relying party must (CIS2.md §7), keys from JWK sets with rotation,
/// discovery, and the authorization request with state, nonce and PKCE. See
/// [`careid_assert`]; the blocking HTTPS fetcher (`HttpFetcher`) comes with the `http`
/// feature.
///
/// ```
/// use careid::token::{IdTokenExpectations, JwkSet, RelyingParty, UnixTime};
/// use careid_testkit::{Cis2Issuer, CIS2_CLIENT_ID, CIS2_FIXTURE_NOW, CIS2_INT_ISSUER, CIS2_NONCE};
///
/// // A CIS2-shaped ID token from the test issuer (CIS2.md §5.1), and its JWK set.
/// let issuer = Cis2Issuer::int();
/// let token = issuer.mint(&careid_testkit::cis2_id_token_claims(CIS2_FIXTURE_NOW));
/// let keys = JwkSet::from_json(issuer.jwks().to_string().as_bytes())?;
///
/// let rp = RelyingParty::builder(CIS2_INT_ISSUER, CIS2_CLIENT_ID).build()?;
/// let now = UnixTime::from_secs(CIS2_FIXTURE_NOW);
/// let login = rp.verify_id_token(&token, &keys, &IdTokenExpectations::new(CIS2_NONCE), now)?;
/// assert_eq!(login.subject(), "787807429511");
/// assert_eq!(login.authentication_assurance(), Some(3));
/// # Ok::<(), careid::token::Error>(())
/// ```
pub mod token {
    #[cfg(feature = "http")]
    pub use careid_assert::HttpFetcher;
    pub use careid_assert::{
        AccessTokenExpectations, AssuranceLevel, AudienceProblem, AuthorizationRequest, AzpProblem,
        CachePolicy, ClaimProblem, Claims, Error, Fetch, FetchError, Fetched, HeaderAlg,
        HeaderParam, IdTokenExpectations, Input, JwkSet, JwsSigner, KeyResolver, KeyStore,
        LoginSecrets, Malformed, MemoryReplayCache, Nesting, PendingLogin, Provider,
        ProviderMetadata, RelyingParty, RelyingPartyBuilder, ReplayCache, Segment, TokenKind,
        TransportFailure, TypeEvidence, UnixTime, UrlPolicy, VerificationKey, VerifiedAccessToken,
        VerifiedIdToken, VerifiedLogoutToken, VerifiedUserInfo, client_assertion, discovery_url,
    };
}

/// Signature verification and key import: see [`careid_crypto`].
pub mod crypto {
    pub use careid_crypto::{
        AlgorithmSet, Error, Jwk, KeyKind, KeyPolicy, PublicKey, SignatureAlgorithm,
        SignatureFormat, UnsupportedCurveName,
    };
}

/// FIDO2 security keys and passkeys: the WebAuthn relying-party checks for registration and
/// login (see [`careid_assert`]'s WebAuthn section), and the CTAP2 client that talks to a key
/// over CTAPHID (see [`careid_ctap`]); real keys with the `hid` feature.
///
/// ```
/// use careid::fido::rand_core::SeedableRng as _;
/// use careid::fido::{
///     AssertionResponse, Authenticator, ClientDataType, CollectedClientData,
///     CredentialDescriptor, GetAssertionRequest, IgnoreKeepalives, MakeCredentialRequest,
///     RegistrationResponse, RpEntity, UserEntity, UserVerification, WebAuthnPolicy,
/// };
///
/// let rp = WebAuthnPolicy::builder("careid.example")
///     .origin("https://careid.example")
///     .user_verification(UserVerification::NotRequired)
///     .build()?;
/// // The simulated key (careid-keysim) behind careid's CTAPHID framing.
/// let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
/// let mut key = Authenticator::open(careid_keysim::KeySim::new(3), &mut rng)?;
///
/// let create = CollectedClientData::new(ClientDataType::Create, b"c1", "https://careid.example", false);
/// let made = key.make_credential(
///     &MakeCredentialRequest::new(*create.hash(), RpEntity::new("careid.example", None),
///         UserEntity::new(b"u1".to_vec(), None, None)),
///     &mut IgnoreKeepalives,
/// )?;
/// let at = careid::x509::Time::parse_rfc3339("2026-06-01T09:00:00Z")?;
/// let record = rp
///     .verify_registration(b"c1", b"u1", &RegistrationResponse::new(create.json(), &made.to_webauthn_bytes()), at)?
///     .into_credential();
///
/// let get = CollectedClientData::new(ClientDataType::Get, b"c2", "https://careid.example", false);
/// let signed = key.get_assertion(
///     &GetAssertionRequest::new("careid.example", *get.hash(),
///         vec![CredentialDescriptor::new(record.id().to_vec())]),
///     &mut IgnoreKeepalives,
/// )?;
/// let login = rp.verify_assertion(b"c2", &[record.id()], &record, &AssertionResponse::new(
///     record.id(), get.json(), signed.auth_data.as_bytes(), &signed.signature))?;
/// assert!(login.user_present());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod fido {
    pub use careid_assert::{
        AssertionResponse, AttestationClass, AttestationRoots, AttestationTrust, AttestationType,
        AuthenticatorAssurance, CertificateRequirement, ClientData, ClientDataProblem,
        CounterCheck, CounterPolicy, CredentialRecord, RegistrationResponse, UserVerification,
        VerifiedAssertion, VerifiedAttestation, VerifiedRegistration, WebAuthnError,
        WebAuthnPolicy, WebAuthnPolicyBuilder,
    };
    /// Real security keys (`hid` feature): see [`careid_ctap::hid`].
    #[cfg(feature = "hid")]
    pub use careid_ctap::hid;
    pub use careid_ctap::{
        Aaguid, AttestationFormat, AttestationObject, AuthDataError, Authenticator,
        AuthenticatorData, AuthenticatorInfo, BackendOperation, CborError, CborErrorKind,
        ClientDataType, CollectedClientData, CredentialDescriptor, Device, DeviceOptions,
        Error as CtapError, Flags, FramingError, GetAssertionRequest, GetAssertionResponse,
        HidTransport, IgnoreKeepalives, Keepalive, KeepaliveHook, KeepaliveStatus,
        MakeCredentialRequest, MemberKey, MemberProblem, Permissions, Pin, PinProtocolError,
        PinUvAuthParam, PinUvAuthProtocol, RelyingParty as RpEntity, StatusCode, TransportError,
        UserEntity, rand_core,
    };
}
