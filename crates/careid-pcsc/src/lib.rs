#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod card;
mod error;
mod watch;

pub use card::{ExclusiveCard, PcscCard, list_readers};
pub use error::Error;
pub use watch::{CancelHandle, ReaderEvent, Watcher};

/// The `pcsc` crate, whose `Context` can be shared with careid.
pub use pcsc;
