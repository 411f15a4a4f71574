#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod image;
#[cfg(unix)]
pub mod pcscd;
mod sim;
mod vpcd;

pub use sim::{
    ATR, CardSim, DEFAULT_PIN, DEFAULT_PIV_PIN, DEFAULT_PUK, Fault, PIN_TRIES, Personality,
};
pub use vpcd::{VPCD_PORT, VpcdCard};
