#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod attestation;
mod authdata;
pub mod cbor;
mod client;
mod client_data;
mod command;
pub mod ctaphid;
mod device;
mod error;
#[cfg(feature = "hid")]
pub mod hid;
mod info;
mod pin;
mod status;
mod transport;

pub use attestation::{
    AttestationFormat, AttestationObject, AttestationStatement, MAX_ATTESTATION_OBJECT_LEN,
};
pub use authdata::{
    AUTH_DATA_MIN_LEN, Aaguid, AttestedCredentialData, AuthenticatorData, Flags,
    MAX_CREDENTIAL_ID_LEN,
};
pub use client::{Authenticator, PinRetries};
pub use client_data::{ClientDataType, CollectedClientData};
pub use command::{
    CredentialDescriptor, CtapCommand, GetAssertionRequest, GetAssertionResponse,
    MakeCredentialRequest, PinUvAuthParam, RelyingParty, UserEntity,
};
pub use ctaphid::{
    Cid, HidCommand, HidErrorCode, KeepaliveStatus, MAX_MESSAGE_LEN, REPORT_LEN, Report,
};
pub use device::{Device, DeviceOptions, IgnoreKeepalives, Keepalive, KeepaliveHook};
pub use error::{
    AuthDataError, BackendOperation, CborError, CborErrorKind, Error, FramingError, MemberKey,
    MemberProblem, PinProtocolError, TransportError,
};
pub use info::AuthenticatorInfo;
pub use pin::{
    ClientPinRequest, ClientPinResponse, KeyAgreementKey, Permissions, Pin, PinSubcommand,
    PinUvAuthProtocol, PinUvAuthToken, SharedSecret,
};
pub use status::StatusCode;
pub use transport::{HidTransport, ScriptedHid, Step, TranscriptError};

/// The `ciborium` crate, whose `Value` appears in CBOR maps careid keeps as they came.
pub use ciborium;
/// The `coset` crate, whose `CoseKey` is the credential public key.
pub use coset;
/// The `rand_core` crate, whose `CryptoRng` supplies nonces, ephemeral keys and IVs.
pub use rand_core;
