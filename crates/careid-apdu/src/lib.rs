#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod channel;
mod command;
mod error;
mod status;
pub mod tlv;
mod trace;
mod transport;

pub use channel::{CardChannel, ChannelOptions};
pub use command::{Command, MAX_DATA_LEN, MAX_NE, Response};
pub use error::{Error, MalformedReason, TlvError, TransportError};
pub use status::StatusWord;
pub use tlv::{Tlv, TlvIter};
pub use trace::RedactedCommand;
pub use transport::{CardTransport, ScriptedTransport, TranscriptError};
