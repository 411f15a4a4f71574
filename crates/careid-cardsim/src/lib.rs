#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod image;
mod sim;

pub use sim::{
    ATR, CardSim, DEFAULT_PIN, DEFAULT_PIV_PIN, DEFAULT_PUK, Fault, PIN_TRIES, Personality,
};
