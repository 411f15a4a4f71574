//! The host side of CTAPHID (CTAP 2.1 §11.2) over any [`HidTransport`]: channel allocation,
//! transactions with keepalives, cancellation, errors and timeouts.

use crate::ctaphid::{
    Cid, Feed, HidCommand, HidErrorCode, InitResponse, KeepaliveStatus, Reassembler, fragment,
};
use crate::error::{Error, FramingError};
use crate::transport::HidTransport;
use core::time::Duration;

/// Timeouts and bounds of a [`Device`]. The caller's clock is the transport's: the protocol
/// never reads one, it bounds waiting by the per-read timeout and by counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceOptions {
    /// How long one read may wait. A working device sends CTAPHID_KEEPALIVE at least every
    /// 100 ms (CTAP 2.1 §11.2.9.1.7), so a silent read of this length means it is gone or
    /// stuck. Default 2 s.
    pub read_timeout: Duration,
    /// How many keepalives one request may take before careid cancels it. At the 100 ms the
    /// spec asks for, the default 600 is about a minute of waiting for a touch.
    pub max_keepalives: u32,
    /// How many packets for other channels may arrive while waiting for one answer. Default
    /// 1000.
    pub max_foreign_packets: u32,
}

impl Default for DeviceOptions {
    fn default() -> Self {
        Self {
            read_timeout: Duration::from_secs(2),
            max_keepalives: 600,
            max_foreign_packets: 1000,
        }
    }
}

impl DeviceOptions {
    /// Sets the per-read timeout.
    #[must_use]
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Sets the keepalive limit.
    #[must_use]
    pub fn with_max_keepalives(mut self, limit: u32) -> Self {
        self.max_keepalives = limit;
        self
    }
}

/// What to do after a keepalive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Keepalive {
    /// Keep waiting.
    Continue,
    /// Send CTAPHID_CANCEL (CTAP 2.1 §11.2.9.1.5); the request then ends with
    /// [`Error::Cancelled`].
    Cancel,
}

/// The caller's hook for CTAPHID_KEEPALIVE: the place to tell the user to touch the key
/// (`UpNeeded`). careid never prints anything itself.
pub trait KeepaliveHook {
    /// Called for every keepalive of a pending request.
    fn keepalive(&mut self, status: KeepaliveStatus) -> Keepalive;
}

impl<F: FnMut(KeepaliveStatus) -> Keepalive> KeepaliveHook for F {
    fn keepalive(&mut self, status: KeepaliveStatus) -> Keepalive {
        self(status)
    }
}

/// A hook that ignores keepalives and never cancels.
#[derive(Debug, Clone, Copy, Default)]
pub struct IgnoreKeepalives;

impl KeepaliveHook for IgnoreKeepalives {
    fn keepalive(&mut self, _status: KeepaliveStatus) -> Keepalive {
        Keepalive::Continue
    }
}

/// How many keepalives may still arrive after a CANCEL before careid stops waiting for the
/// device to confirm it.
const AFTER_CANCEL: u32 = 32;

/// A CTAPHID device on an allocated channel (CTAP 2.1 §11.2). Generic over the transport:
/// the same code drives a real key, careid-keysim and a scripted transcript.
#[derive(Debug)]
pub struct Device<T: HidTransport> {
    transport: T,
    cid: Cid,
    init: InitResponse,
    options: DeviceOptions,
}

impl<T: HidTransport> Device<T> {
    /// Allocates a channel with CTAPHID_INIT on the broadcast channel (CTAP 2.1 §11.2.9.1.3)
    /// with the caller's 8-byte random `nonce`. Responses with another nonce (answers to other
    /// applications) are skipped; the allocated channel must be neither broadcast nor 0.
    pub fn open(transport: T, nonce: [u8; 8]) -> Result<Self, Error> {
        Self::open_with(transport, nonce, DeviceOptions::default())
    }

    /// [`Device::open`] with options.
    pub fn open_with(
        mut transport: T,
        nonce: [u8; 8],
        options: DeviceOptions,
    ) -> Result<Self, Error> {
        let init = init_on(&mut transport, Cid::BROADCAST, nonce, &options)?;
        if !init.cid.is_allocatable() {
            return Err(Error::BadChannelAllocated { cid: init.cid });
        }
        Ok(Self {
            transport,
            cid: init.cid,
            init,
            options,
        })
    }

    /// Resynchronises the channel with CTAPHID_INIT on it (§11.2.9.1.3: any transaction in
    /// progress on it is aborted). The documented recovery after a framing error.
    pub fn resync(&mut self, nonce: [u8; 8]) -> Result<(), Error> {
        let init = init_on(&mut self.transport, self.cid, nonce, &self.options)?;
        if !init.cid.is_allocatable() {
            return Err(Error::BadChannelAllocated { cid: init.cid });
        }
        self.cid = init.cid;
        self.init = init;
        Ok(())
    }

    /// The allocated channel.
    pub fn cid(&self) -> Cid {
        self.cid
    }

    /// The INIT response: device version and capabilities.
    pub fn init_response(&self) -> &InitResponse {
        &self.init
    }

    /// The options.
    pub fn options(&self) -> &DeviceOptions {
        &self.options
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, mutably (tests flip simulator switches through it).
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Gives the transport back.
    pub fn into_transport(self) -> T {
        self.transport
    }

    /// CTAPHID_PING (§11.2.9.1.4): the device echoes `data`.
    pub fn ping(&mut self, data: &[u8]) -> Result<(), Error> {
        let echo = self.transact(HidCommand::Ping, data, &mut IgnoreKeepalives)?;
        if echo == data {
            Ok(())
        } else {
            Err(Error::PingMismatch)
        }
    }

    /// CTAPHID_WINK (§11.2.9.2.1): the device blinks.
    pub fn wink(&mut self) -> Result<(), Error> {
        self.transact(HidCommand::Wink, &[], &mut IgnoreKeepalives)
            .map(drop)
    }

    /// Sends CTAPHID_CANCEL (§11.2.9.1.5). It has no answer of its own.
    pub fn cancel(&mut self) -> Result<(), Error> {
        self.write(HidCommand::Cancel, &[])
    }

    /// Sends a CTAP2 request (`command byte ‖ CBOR`) with CTAPHID_CBOR and returns the response
    /// payload (`status byte ‖ CBOR`, never empty).
    pub fn cbor(&mut self, request: &[u8], hook: &mut dyn KeepaliveHook) -> Result<Vec<u8>, Error> {
        if !self.init.capabilities.cbor() {
            return Err(Error::NotCtap2);
        }
        let response = self.transact(HidCommand::Cbor, request, hook)?;
        if response.is_empty() {
            return Err(Error::EmptyResponse);
        }
        Ok(response)
    }

    /// One CTAPHID transaction: the request, then packets until the response of the same
    /// command. Keepalives go to `hook`; CTAPHID_ERROR is [`Error::Hid`]; packets for other
    /// channels are skipped (bounded); a framing error, a response with another command, or a
    /// read timeout end the transaction with an error. A timeout or too many keepalives send
    /// CTAPHID_CANCEL for a pending CBOR request.
    pub fn transact(
        &mut self,
        cmd: HidCommand,
        payload: &[u8],
        hook: &mut dyn KeepaliveHook,
    ) -> Result<Vec<u8>, Error> {
        self.write(cmd, payload)?;
        let mut reassembler = Reassembler::for_channel(self.cid);
        let (mut keepalives, mut foreign) = (0u32, 0u32);
        let mut cancelled: Option<Error> = None;
        loop {
            let Some(report) = self.transport.read_report(self.options.read_timeout)? else {
                if cmd == HidCommand::Cbor && cancelled.is_none() {
                    // Best effort: the device may be gone.
                    let _ = self.cancel();
                }
                return Err(cancelled.unwrap_or(Error::Timeout));
            };
            let message = match reassembler.feed(&report)? {
                Feed::Pending => continue,
                Feed::OtherChannel(_) => {
                    foreign = foreign.saturating_add(1);
                    if foreign > self.options.max_foreign_packets {
                        return Err(Error::TooManyForeignPackets {
                            limit: self.options.max_foreign_packets,
                        });
                    }
                    continue;
                }
                Feed::Complete(message) => message,
            };
            match message.cmd {
                HidCommand::Keepalive => {
                    let status = single_byte(&message.cmd, &message.payload)?;
                    keepalives = keepalives.saturating_add(1);
                    if let Some(reason) = &cancelled {
                        if keepalives > self.options.max_keepalives.saturating_add(AFTER_CANCEL) {
                            return Err(reason.clone());
                        }
                        continue;
                    }
                    if keepalives > self.options.max_keepalives {
                        self.cancel()?;
                        cancelled = Some(Error::TooManyKeepalives {
                            limit: self.options.max_keepalives,
                        });
                    } else if hook.keepalive(KeepaliveStatus::from_u8(status)) == Keepalive::Cancel
                    {
                        self.cancel()?;
                        cancelled = Some(Error::Cancelled);
                    }
                }
                HidCommand::Error => {
                    let code = single_byte(&message.cmd, &message.payload)?;
                    return Err(Error::Hid {
                        code: HidErrorCode::from_u8(code),
                    });
                }
                got if got == cmd => {
                    // After a CANCEL the device answers CTAP2_ERR_KEEPALIVE_CANCEL (0x2D); it may
                    // also have finished first, and then its answer stands.
                    if let Some(reason) = cancelled
                        && message.payload.first() == Some(&0x2D)
                    {
                        return Err(reason);
                    }
                    return Ok(message.payload);
                }
                got => {
                    return Err(Error::UnexpectedCommand { expected: cmd, got });
                }
            }
        }
    }

    fn write(&mut self, cmd: HidCommand, payload: &[u8]) -> Result<(), Error> {
        for report in fragment(self.cid, cmd, payload)? {
            self.transport.write_report(&report)?;
        }
        Ok(())
    }
}

fn single_byte(cmd: &HidCommand, payload: &[u8]) -> Result<u8, Error> {
    match payload {
        [b] => Ok(*b),
        _ => Err(FramingError::BadControlLength {
            cmd: *cmd,
            len: payload.len(),
        }
        .into()),
    }
}

/// CTAPHID_INIT on `cid` with `nonce`: sends it, then reads until an INIT response with the
/// same nonce on the same channel (others are skipped, bounded).
fn init_on<T: HidTransport>(
    transport: &mut T,
    cid: Cid,
    nonce: [u8; 8],
    options: &DeviceOptions,
) -> Result<InitResponse, Error> {
    for report in fragment(cid, HidCommand::Init, &nonce)? {
        transport.write_report(&report)?;
    }
    let mut skipped = 0u32;
    loop {
        let report = transport
            .read_report(options.read_timeout)?
            .ok_or(Error::Timeout)?;
        // An INIT response fits one packet; other traffic is whatever it is.
        let mut reassembler = Reassembler::for_channel(cid);
        match reassembler.feed(&report) {
            Ok(Feed::Complete(m)) if m.cmd == HidCommand::Init => {
                let response = InitResponse::decode(&m.payload)?;
                if response.nonce == nonce {
                    return Ok(response);
                }
            }
            Ok(Feed::Complete(m)) if m.cmd == HidCommand::Error => {
                let code = single_byte(&m.cmd, &m.payload)?;
                return Err(Error::Hid {
                    code: HidErrorCode::from_u8(code),
                });
            }
            // Other commands, other channels, continuation packets, broken packets.
            _ => {}
        }
        skipped = skipped.saturating_add(1);
        if skipped > options.max_foreign_packets {
            return Err(Error::TooManyForeignPackets {
                limit: options.max_foreign_packets,
            });
        }
    }
}
