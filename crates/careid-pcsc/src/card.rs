//! A card in a PC/SC reader as a [`CardTransport`].

use crate::Error;
use careid_apdu::{CardTransport, TransportError};
use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};
use std::ffi::CString;
use std::time::Duration;

/// The names of the connected readers.
pub fn list_readers(context: &Context) -> Result<Vec<String>, Error> {
    match context.list_readers_owned() {
        Ok(names) => Ok(names
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// A card in a reader, connected in shared mode.
///
/// - Every exchange goes through [`CardTransport::transmit_raw`]; wrap multi-APDU operations
///   in [`PcscCard::transaction`] so that no other application's APDUs interleave.
/// - A reset by another application is answered by reconnecting (leaving the card as it is)
///   and reporting [`TransportError::CardReset`]: the card's PIN state is gone, and the token
///   layer drops its session.
/// - A removed card is [`TransportError::CardRemoved`], never a hang.
/// - Dropping a `PcscCard` disconnects with `LeaveCard`. (Dropping a `pcsc::Card` directly
///   resets the card for every application on the machine, SMARTCARD.md §7.)
pub struct PcscCard {
    card: Option<pcsc::Card>,
    link: Link,
    reader: String,
    extended: bool,
    reset: bool,
}

impl core::fmt::Debug for PcscCard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PcscCard")
            .field("reader", &self.reader)
            .field("extended", &self.extended)
            .finish_non_exhaustive()
    }
}

impl PcscCard {
    /// Connects to the card in `reader` through a new PC/SC context.
    pub fn connect(reader: &str) -> Result<Self, Error> {
        let context = Context::establish(Scope::User)?;
        Self::connect_with(&context, reader)
    }

    /// Connects to the card in `reader` through `context`.
    pub fn connect_with(context: &Context, reader: &str) -> Result<Self, Error> {
        let name = CString::new(reader).map_err(|_| Error::BadReaderName)?;
        let card = context.connect(&name, ShareMode::Shared, Protocols::ANY)?;
        let link = Link {
            context: context.clone(),
            reader: name,
        };
        Ok(Self {
            card: Some(card),
            link,
            reader: reader.to_owned(),
            extended: false,
            reset: false,
        })
    }

    /// Declares that the reader and card accept extended-length APDUs (off by default: PC/SC
    /// cannot tell, and a card that does not support them answers `6700`).
    #[must_use]
    pub fn with_extended_length(mut self, on: bool) -> Self {
        self.extended = on;
        self
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's answer to reset.
    pub fn atr(&self) -> Result<Vec<u8>, Error> {
        let card = self.card.as_ref().ok_or(Error::CardRemoved)?;
        Ok(card.status2_owned()?.atr().to_vec())
    }

    /// Starts an exclusive transaction (`SCardBeginTransaction`): no other application can
    /// talk to the card until the returned [`ExclusiveCard`] is dropped, which ends the
    /// transaction leaving the card as it is. Keep transactions short (Windows ends idle ones
    /// after about 5 s).
    pub fn transaction(&mut self) -> Result<ExclusiveCard<'_>, Error> {
        let extended = self.extended;
        let link = self.link.clone();
        let card = self.card.as_mut().ok_or(Error::CardRemoved)?;
        let tx = card.transaction()?;
        Ok(ExclusiveCard {
            tx,
            link,
            extended,
            reset: false,
        })
    }

    /// Disconnects, leaving the card as it is for other applications.
    pub fn disconnect(mut self) -> Result<(), Error> {
        match self.card.take() {
            Some(card) => card
                .disconnect(Disposition::LeaveCard)
                .map_err(|(_, e)| e.into()),
            None => Ok(()),
        }
    }
}

impl Drop for PcscCard {
    fn drop(&mut self) {
        if let Some(card) = self.card.take() {
            // On failure the card is handed back, and dropping a `pcsc::Card` would disconnect
            // with SCARD_RESET_CARD, wiping every application's PIN state. Try once more; if
            // that fails too, leak the handle instead: pcscd releases it with our context.
            let retried = card
                .disconnect(Disposition::LeaveCard)
                .or_else(|(card, _)| card.disconnect(Disposition::LeaveCard));
            if let Err((card, _)) = retried {
                std::mem::forget(card);
            }
        }
    }
}

fn transmit(card: &pcsc::Card, link: &Link, command: &[u8]) -> Result<Vec<u8>, pcsc::Error> {
    let mut buffer = vec![0_u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    let answer = card.transmit(command, &mut buffer)?.to_vec();
    if answer.len() < 2 && !link.card_still_present() {
        // No status word: with vpcd (and some drivers) a card pulled out during the exchange
        // gives an empty answer rather than an error.
        return Err(pcsc::Error::RemovedCard);
    }
    Ok(answer)
}

/// A card handle: a plain shared connection or one inside a transaction.
trait Handle {
    fn card(&self) -> &pcsc::Card;
    fn reconnect_leaving_card(&mut self) -> Result<(), pcsc::Error>;
}

impl Handle for pcsc::Card {
    fn card(&self) -> &pcsc::Card {
        self
    }
    fn reconnect_leaving_card(&mut self) -> Result<(), pcsc::Error> {
        self.reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
    }
}

impl Handle for pcsc::Transaction<'_> {
    fn card(&self) -> &pcsc::Card {
        self
    }
    fn reconnect_leaving_card(&mut self) -> Result<(), pcsc::Error> {
        self.reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
    }
}

/// One exchange. After a reset by another application (`SCARD_W_RESET_CARD`) the handle is
/// reconnected leaving the card as it is, `reset` is set, and the reset is reported: the
/// card's PIN state is gone and the caller must know.
fn exchange<H: Handle>(
    handle: &mut H,
    link: &Link,
    command: &[u8],
    reset: &mut bool,
) -> Result<Vec<u8>, TransportError> {
    match transmit(handle.card(), link, command) {
        Ok(answer) => Ok(answer),
        Err(pcsc::Error::ResetCard) => {
            handle
                .reconnect_leaving_card()
                .map_err(|e| TransportError::from(Error::from(e)))?;
            *reset = true;
            Err(TransportError::CardReset)
        }
        Err(e) => Err(Error::from(e).into()),
    }
}

/// What a card handle needs to find out whether its card is still there.
#[derive(Clone)]
struct Link {
    context: Context,
    reader: CString,
}

impl Link {
    /// Asks pcscd whether the reader still has a card, waiting up to one polling period of the
    /// reader driver (about 400 ms for vpcd) for a removal to be noticed.
    fn card_still_present(&self) -> bool {
        let mut states = [pcsc::ReaderState::new(
            self.reader.clone(),
            pcsc::State::UNAWARE,
        )];
        if self
            .context
            .get_status_change(Duration::ZERO, &mut states)
            .is_err()
        {
            return false;
        }
        let Some(state) = states.first_mut() else {
            return false;
        };
        if !state.event_state().contains(pcsc::State::PRESENT) {
            return false;
        }
        state.sync_current_state();
        match self
            .context
            .get_status_change(Duration::from_millis(1000), &mut states)
        {
            Ok(()) => states
                .first()
                .is_some_and(|s| s.event_state().contains(pcsc::State::PRESENT)),
            Err(pcsc::Error::Timeout) => true,
            Err(_) => false,
        }
    }
}

impl CardTransport for PcscCard {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let card = self.card.as_mut().ok_or(TransportError::CardRemoved)?;
        exchange(card, &self.link, command, &mut self.reset)
    }

    fn supports_extended_length(&self) -> bool {
        self.extended
    }

    fn take_reset(&mut self) -> bool {
        core::mem::take(&mut self.reset)
    }
}

/// A card held exclusively for the length of a multi-APDU operation (a login: PIN, security
/// environment, signature). It is a [`CardTransport`] itself.
pub struct ExclusiveCard<'a> {
    tx: pcsc::Transaction<'a>,
    link: Link,
    extended: bool,
    reset: bool,
}

impl core::fmt::Debug for ExclusiveCard<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ExclusiveCard").finish_non_exhaustive()
    }
}

impl ExclusiveCard<'_> {
    /// Ends the transaction, leaving the card as it is (also what dropping does).
    pub fn end(self) -> Result<(), Error> {
        self.tx
            .end(Disposition::LeaveCard)
            .map_err(|(_, e)| e.into())
    }
}

impl CardTransport for ExclusiveCard<'_> {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        exchange(&mut self.tx, &self.link, command, &mut self.reset)
    }

    fn supports_extended_length(&self) -> bool {
        self.extended
    }

    fn take_reset(&mut self) -> bool {
        core::mem::take(&mut self.reset)
    }
}
