//! Card insertion and removal events, for applications that log a user in when a card goes in
//! and out when it comes out.

use crate::Error;
use pcsc::{Context, ReaderState, Scope, State};
use std::ffi::CString;
use std::time::Duration;

/// Something that happened in a reader.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReaderEvent {
    /// A card was inserted (or was present when watching started).
    CardInserted {
        /// The reader.
        reader: String,
        /// The card's answer to reset.
        atr: Vec<u8>,
    },
    /// The card was removed.
    CardRemoved {
        /// The reader.
        reader: String,
    },
    /// A reader appeared.
    ReaderAdded {
        /// The reader.
        reader: String,
    },
    /// A reader disappeared.
    ReaderRemoved {
        /// The reader.
        reader: String,
    },
}

/// Stops a [`Watcher`] blocked in another thread (`SCardCancel`).
#[derive(Clone)]
pub struct CancelHandle(Context);

impl core::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CancelHandle")
    }
}

impl CancelHandle {
    /// Wakes the watcher; its pending wait returns [`Error::Cancelled`] and the iterator ends.
    pub fn cancel(&self) -> Result<(), Error> {
        self.0.cancel().map_err(Error::from)
    }
}

/// Watches readers for card insertion and removal (`SCardGetStatusChange`).
///
/// As an [`Iterator`] it blocks until the next event and ends when cancelled or when the
/// PC/SC service goes away; [`Watcher::next_event`] waits with a timeout instead.
pub struct Watcher {
    context: Context,
    filter: Option<String>,
    states: Vec<ReaderState>,
    queue: std::collections::VecDeque<ReaderEvent>,
    done: bool,
}

impl core::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Watcher")
            .field("filter", &self.filter)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// Watches every reader whose name contains `filter` (all readers with `None`). Cards
    /// already present are reported first as [`ReaderEvent::CardInserted`].
    pub fn new(filter: Option<&str>) -> Result<Self, Error> {
        let context = Context::establish(Scope::User)?;
        let mut states = vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)];
        for name in crate::list_readers(&context)? {
            if filter.is_none_or(|f| name.contains(f)) {
                let c = CString::new(name).map_err(|_| Error::BadReaderName)?;
                states.push(ReaderState::new(c, State::UNAWARE));
            }
        }
        Ok(Self {
            context,
            filter: filter.map(str::to_owned),
            states,
            queue: Default::default(),
            done: false,
        })
    }

    /// A handle that cancels this watcher's waits from another thread.
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle(self.context.clone())
    }

    /// The next event, waiting at most `timeout` (forever with `None`). `Ok(None)` on timeout.
    pub fn next_event(&mut self, timeout: Option<Duration>) -> Result<Option<ReaderEvent>, Error> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            match self.context.get_status_change(timeout, &mut self.states) {
                Ok(()) => {}
                Err(pcsc::Error::Timeout) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
            self.collect()?;
        }
    }

    fn collect(&mut self) -> Result<(), Error> {
        let mut readers_changed = false;
        for state in &mut self.states {
            let event = state.event_state();
            if !event.contains(State::CHANGED) {
                continue;
            }
            let name = state.name().to_string_lossy().into_owned();
            if state.name() == pcsc::PNP_NOTIFICATION() {
                readers_changed = true;
            } else {
                let before = state.current_state();
                let was_present = before.contains(State::PRESENT);
                let present = event.contains(State::PRESENT);
                if event.contains(State::UNKNOWN) || event.contains(State::IGNORE) {
                    self.queue.push_back(ReaderEvent::ReaderRemoved {
                        reader: name.clone(),
                    });
                    readers_changed = true;
                } else if present && (!was_present || before == State::UNAWARE) {
                    self.queue.push_back(ReaderEvent::CardInserted {
                        reader: name,
                        atr: state.atr().to_vec(),
                    });
                } else if !present && was_present {
                    self.queue
                        .push_back(ReaderEvent::CardRemoved { reader: name });
                }
            }
            state.sync_current_state();
        }
        if readers_changed {
            self.refresh_readers()?;
        }
        Ok(())
    }

    fn refresh_readers(&mut self) -> Result<(), Error> {
        self.states.retain(|s| {
            s.name() == pcsc::PNP_NOTIFICATION()
                || !s.event_state().intersects(State::UNKNOWN | State::IGNORE)
        });
        for name in crate::list_readers(&self.context)? {
            if !self.filter.as_deref().is_none_or(|f| name.contains(f)) {
                continue;
            }
            if self
                .states
                .iter()
                .any(|s| s.name().to_string_lossy() == name)
            {
                continue;
            }
            self.queue.push_back(ReaderEvent::ReaderAdded {
                reader: name.clone(),
            });
            let c = CString::new(name).map_err(|_| Error::BadReaderName)?;
            self.states.push(ReaderState::new(c, State::UNAWARE));
        }
        Ok(())
    }
}

impl Iterator for Watcher {
    type Item = Result<ReaderEvent, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_event(None) {
            Ok(Some(event)) => Some(Ok(event)),
            Ok(None) => None,
            Err(Error::Cancelled | Error::NoService) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
