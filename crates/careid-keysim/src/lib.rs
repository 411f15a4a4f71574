#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod authenticator;
#[cfg(all(feature = "fuse-hidraw", target_os = "linux"))]
pub mod fuse;
mod sim;

pub use authenticator::{
    Attestation, PIN_ATTEMPTS_PER_POWER_CYCLE, PIN_RETRIES, PinProtocols, UserPresence,
};
pub use sim::{Fault, KeySim};
