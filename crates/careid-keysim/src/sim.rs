//! The authenticator side of CTAPHID (CTAP 2.1 §11.2) and the public face of the simulated key.

use crate::authenticator::{
    Attestation, Config, Ctap2, Outcome, Pending, PinProtocols, UserPresence,
};
use careid_ctap::ciborium::value::Value;
use careid_ctap::ctaphid::{
    Capabilities, Feed, INIT_RESPONSE_LEN, InitResponse, Message, Reassembler, fragment,
};
use careid_ctap::{
    Aaguid, Cid, FramingError, HidCommand, HidErrorCode, HidTransport, KeepaliveStatus, Pin,
    Report, StatusCode, TransportError, cbor,
};
use core::time::Duration;
use std::collections::VecDeque;

/// A fault to inject, for negative tests. Faults stay until [`KeySim::clear_faults`]; each
/// applies to CTAPHID_CBOR requests (or, for [`Fault::ForeignInitResponse`], to INIT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer on another channel than the request's (the host never sees an answer).
    WrongChannel,
    /// Leave out the first continuation packet of multi-packet answers (a sequence gap).
    SequenceGap,
    /// Answer CTAPHID_ERROR ERR_CHANNEL_BUSY, as when another application holds the key.
    Busy,
    /// Send this many STATUS_PROCESSING keepalives before each answer (`u32::MAX`: forever,
    /// until the host cancels).
    KeepaliveStorm(u32),
    /// Cut the last byte off the CBOR of each answer.
    TruncatedCbor,
    /// Re-encode each answer's top-level map with its keys in reverse order (not canonical).
    UnsortedCbor,
    /// Answer CTAPHID_CBOR with CTAPHID_MSG (QubesOS/qubes-issues#10981).
    WrongCommand,
    /// Answer with this CTAP status byte and no body.
    Status(u8),
    /// Announce a payload of 7610 bytes (over the CTAPHID maximum).
    OversizedLength,
    /// Never answer CTAPHID_CBOR.
    Silent,
    /// Before each answer, send a packet on another channel (which the host must skip).
    ForeignTraffic,
    /// Before the INIT answer, send an INIT answer with another nonce (meant for another
    /// application; the host must skip it).
    ForeignInitResponse,
}

/// The default PIN/UV settings and identity of a [`KeySim`] are those of a CTAP 2.1 USB key:
/// PIN/UV auth protocols Two and One, no PIN set, no built-in UV, packed attestation under the
/// test CA, a global signature counter, maxMsgSize 1200.
pub struct KeySim {
    ctap: Ctap2,
    presence: UserPresence,
    channels: Vec<Cid>,
    next_cid: u32,
    reassembler: Reassembler,
    out: VecDeque<Report>,
    pending: Option<PendingHid>,
    faults: Vec<Fault>,
    requests: Vec<u8>,
}

struct PendingHid {
    cid: Cid,
    work: Work,
}

enum Work {
    Presence { op: Box<Pending>, keepalives: u32 },
    Storm { remaining: u32, response: Vec<u8> },
}

impl core::fmt::Debug for KeySim {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeySim")
            .field("attestation", &self.ctap.config.attestation)
            .field("credentials", &self.ctap.credentials.len())
            .field("sign_count", &self.ctap.sign_count)
            .field("pin_retries", &self.ctap.pin_retries())
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl KeySim {
    /// A key whose keys, credential IDs and nonces come from a ChaCha20 RNG seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            ctap: Ctap2::new(seed, Config::default()),
            presence: UserPresence::Approve {
                after_keepalives: 1,
            },
            channels: Vec::new(),
            next_cid: 0x0c1d_0001,
            reassembler: Reassembler::any_channel(),
            out: VecDeque::new(),
            pending: None,
            faults: Vec::new(),
            requests: Vec::new(),
        }
    }

    /// Sets a PIN (clientPin: true) with 8 retries. A PIN that breaks CTAP 2.1 §6.5.1 is an
    /// error.
    pub fn with_pin(mut self, pin: &str) -> Result<Self, careid_ctap::Error> {
        self.ctap.set_pin(&Pin::new(pin)?);
        Ok(self)
    }

    /// Chooses the attestation.
    #[must_use]
    pub fn with_attestation(mut self, attestation: Attestation) -> Self {
        self.ctap.config.attestation = attestation;
        self
    }

    /// Chooses the PIN/UV auth protocols offered.
    #[must_use]
    pub fn with_pin_protocols(mut self, protocols: PinProtocols) -> Self {
        self.ctap.config.pin_protocols = protocols;
        self
    }

    /// Behaves as a CTAP 2.0 key: versions `FIDO_2_0` only, no pinUvAuthToken permissions
    /// (getPinToken), a PIN required for every registration once set.
    #[must_use]
    pub fn ctap20(mut self) -> Self {
        self.ctap.config.ctap21 = false;
        self
    }

    /// Gives the key built-in user verification (a "fingerprint" that passes or fails as
    /// [`KeySim::set_user_verification`] says).
    #[must_use]
    pub fn with_builtin_uv(mut self, builtin: bool) -> Self {
        self.ctap.config.builtin_uv = builtin;
        self
    }

    /// Makes the key report a signature counter of 0 always (as synced passkeys do).
    #[must_use]
    pub fn without_counter(mut self) -> Self {
        self.ctap.config.counter_enabled = false;
        self
    }

    /// Sets maxMsgSize.
    #[must_use]
    pub fn with_max_msg_size(mut self, size: u64) -> Self {
        self.ctap.config.max_msg_size = size;
        self
    }

    /// What happens when the key wants a touch.
    pub fn set_user_presence(&mut self, presence: UserPresence) {
        self.presence = presence;
    }

    /// Whether built-in user verification succeeds.
    pub fn set_user_verification(&mut self, passes: bool) {
        self.ctap.config.uv_passes = passes;
    }

    /// Sets the signature counter: the next signature carries `count + 1`. Setting it below a
    /// value already sent makes the counter go backwards, as a cloned key's would.
    pub fn set_sign_count(&mut self, count: u32) {
        self.ctap.sign_count = count;
    }

    /// The last signature counter value sent.
    pub fn sign_count(&self) -> u32 {
        self.ctap.sign_count
    }

    /// Adds a fault.
    pub fn inject(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Unplugs and replugs the key: channels, pending work, tokens and the per-boot PIN
    /// failure count are gone (credentials, PIN and counter stay).
    pub fn power_cycle(&mut self) {
        self.ctap.power_cycle();
        self.channels.clear();
        self.reassembler.reset();
        self.out.clear();
        self.pending = None;
    }

    /// PIN retries left (None without a PIN).
    pub fn pin_retries(&self) -> Option<u8> {
        self.ctap.pin_retries()
    }

    /// How many times a PIN was presented (getPinToken and
    /// getPinUvAuthTokenUsingPinWithPermissions requests that reached the PIN check).
    pub fn pin_attempts(&self) -> u32 {
        self.ctap.pin_token_requests
    }

    /// How many credentials the key holds.
    pub fn credential_count(&self) -> usize {
        self.ctap.credentials.len()
    }

    /// The AAGUID (zero with fido-u2f attestation).
    pub fn aaguid(&self) -> Aaguid {
        self.ctap.aaguid()
    }

    /// The CTAP2 command bytes received over CTAPHID_CBOR, in order.
    pub fn cbor_commands(&self) -> &[u8] {
        &self.requests
    }

    fn has(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }

    fn storm(&self) -> Option<u32> {
        self.faults.iter().find_map(|f| match f {
            Fault::KeepaliveStorm(n) => Some(*n),
            _ => None,
        })
    }

    fn fault_status(&self) -> Option<u8> {
        self.faults.iter().find_map(|f| match f {
            Fault::Status(b) => Some(*b),
            _ => None,
        })
    }

    fn send(&mut self, cid: Cid, cmd: HidCommand, payload: &[u8]) {
        if let Ok(reports) = fragment(cid, cmd, payload) {
            self.out.extend(reports);
        }
    }

    fn error(&mut self, cid: Cid, code: HidErrorCode) {
        self.send(cid, HidCommand::Error, &[code.to_u8()]);
    }

    /// Sends a CTAP2 answer, with the answer-shaping faults applied.
    fn send_cbor(&mut self, cid: Cid, response: Vec<u8>) {
        let mut payload = response;
        if self.has(Fault::TruncatedCbor) && payload.len() > 1 {
            payload.pop();
        }
        if self.has(Fault::UnsortedCbor) {
            payload = unsorted(&payload);
        }
        if self.has(Fault::ForeignTraffic) {
            let other = Cid(cid.0.map(|b| b ^ 0xA5));
            self.send(
                other,
                HidCommand::Keepalive,
                &[KeepaliveStatus::Processing.to_u8()],
            );
        }
        let cid = if self.has(Fault::WrongChannel) {
            Cid(cid.0.map(|b| b ^ 0x01))
        } else {
            cid
        };
        let cmd = if self.has(Fault::WrongCommand) {
            HidCommand::Msg
        } else {
            HidCommand::Cbor
        };
        let Ok(mut reports) = fragment(cid, cmd, &payload) else {
            return;
        };
        if self.has(Fault::SequenceGap) && reports.len() > 2 {
            reports.remove(1);
        }
        if self.has(Fault::OversizedLength)
            && let Some(first) = reports.first_mut()
        {
            // BCNT = 7610 (bytes 5 and 6 of the initialization packet).
            for (slot, byte) in first.iter_mut().skip(5).zip([0x1D, 0xBA]) {
                *slot = byte;
            }
        }
        self.out.extend(reports);
    }

    fn dispatch(&mut self, message: Message) {
        let Message { cid, cmd, payload } = message;
        if cmd == HidCommand::Init {
            self.init(cid, &payload);
            return;
        }
        if cid == Cid::BROADCAST || !self.channels.contains(&cid) {
            self.error(cid, HidErrorCode::InvalidChannel);
            return;
        }
        if let Some(pending) = &self.pending {
            let same = pending.cid == cid;
            match cmd {
                HidCommand::Cancel if same => {
                    // CTAP 2.1 §11.2.9.1.5: the pending request ends with KEEPALIVE_CANCEL.
                    self.pending = None;
                    self.send_cbor(cid, vec![StatusCode::KeepaliveCancel.to_u8()]);
                }
                HidCommand::Cancel => {}
                _ => self.error(cid, HidErrorCode::ChannelBusy),
            }
            return;
        }
        match cmd {
            HidCommand::Ping => self.send(cid, HidCommand::Ping, &payload),
            HidCommand::Wink => self.send(cid, HidCommand::Wink, &[]),
            // Nothing pending: a CANCEL has nothing to do and no answer.
            HidCommand::Cancel => {}
            HidCommand::Cbor => self.cbor(cid, &payload),
            _ => self.error(cid, HidErrorCode::InvalidCmd),
        }
    }

    fn init(&mut self, cid: Cid, nonce: &[u8]) {
        let Ok(nonce) = <[u8; 8]>::try_from(nonce) else {
            self.error(cid, HidErrorCode::InvalidLen);
            return;
        };
        let allocated = if cid == Cid::BROADCAST {
            let new = Cid(self.next_cid.to_be_bytes());
            self.next_cid = self.next_cid.wrapping_add(1);
            self.channels.push(new);
            new
        } else if self.channels.contains(&cid) {
            // Resynchronisation: the channel's pending work is abandoned.
            if self.pending.as_ref().is_some_and(|p| p.cid == cid) {
                self.pending = None;
            }
            cid
        } else {
            self.error(cid, HidErrorCode::InvalidChannel);
            return;
        };
        let response = |nonce| {
            InitResponse::new(
                nonce,
                allocated,
                [0, 1, 0],
                Capabilities(Capabilities::WINK | Capabilities::CBOR | Capabilities::NMSG),
            )
        };
        if self.has(Fault::ForeignInitResponse) {
            let other: [u8; INIT_RESPONSE_LEN] = response(nonce.map(|b| !b)).encode();
            self.send(cid, HidCommand::Init, &other);
        }
        let encoded = response(nonce).encode();
        self.send(cid, HidCommand::Init, &encoded);
    }

    fn cbor(&mut self, cid: Cid, payload: &[u8]) {
        if let Some(command) = payload.first() {
            self.requests.push(*command);
        }
        if self.has(Fault::Silent) {
            return;
        }
        if self.has(Fault::Busy) {
            self.error(cid, HidErrorCode::ChannelBusy);
            return;
        }
        if let Some(code) = self.fault_status() {
            self.send_cbor(cid, vec![code]);
            return;
        }
        match self.ctap.process(payload) {
            Outcome::Reply(response) => self.answer(cid, response),
            Outcome::NeedsPresence(op) => {
                self.pending = Some(PendingHid {
                    cid,
                    work: Work::Presence { op, keepalives: 0 },
                });
            }
        }
    }

    /// Answers now, or after a keepalive storm.
    fn answer(&mut self, cid: Cid, response: Vec<u8>) {
        match self.storm() {
            Some(remaining) if remaining > 0 => {
                self.pending = Some(PendingHid {
                    cid,
                    work: Work::Storm {
                        remaining,
                        response,
                    },
                });
            }
            _ => self.send_cbor(cid, response),
        }
    }

    /// Advances pending work by one packet's worth: a keepalive, or the answer.
    fn progress(&mut self) {
        let Some(PendingHid { cid, work }) = self.pending.take() else {
            return;
        };
        let keepalive = |s: &mut Self, status: KeepaliveStatus| {
            s.send(cid, HidCommand::Keepalive, &[status.to_u8()]);
        };
        match work {
            Work::Storm {
                remaining,
                response,
            } => {
                if remaining == 0 {
                    self.send_cbor(cid, response);
                } else {
                    keepalive(self, KeepaliveStatus::Processing);
                    self.pending = Some(PendingHid {
                        cid,
                        work: Work::Storm {
                            remaining: remaining.saturating_sub(1),
                            response,
                        },
                    });
                }
            }
            Work::Presence { op, keepalives } => {
                let wait = match self.presence {
                    UserPresence::Approve { after_keepalives }
                    | UserPresence::Timeout { after_keepalives } => keepalives < after_keepalives,
                    UserPresence::Never => true,
                    UserPresence::Deny => false,
                };
                if wait {
                    keepalive(self, KeepaliveStatus::UpNeeded);
                    self.pending = Some(PendingHid {
                        cid,
                        work: Work::Presence {
                            op,
                            keepalives: keepalives.saturating_add(1),
                        },
                    });
                    return;
                }
                let response = match self.presence {
                    UserPresence::Deny => vec![StatusCode::OperationDenied.to_u8()],
                    UserPresence::Timeout { .. } => {
                        vec![StatusCode::UserActionTimeout.to_u8()]
                    }
                    _ => self.ctap.finish(op),
                };
                self.answer(cid, response);
            }
        }
    }

    fn framing_error(&mut self, report: &Report, error: &FramingError) {
        let cid = Cid([report[0], report[1], report[2], report[3]]);
        let code = match error {
            FramingError::SequenceError { .. } | FramingError::InitDuringMessage { .. } => {
                HidErrorCode::InvalidSeq
            }
            FramingError::MessageTooLong { .. } => HidErrorCode::InvalidLen,
            FramingError::ReservedChannel => HidErrorCode::InvalidChannel,
            // A stray continuation packet is ignored (CTAP 2.1 §11.2.4).
            _ => return,
        };
        self.error(cid, code);
    }
}

impl HidTransport for KeySim {
    fn write_report(&mut self, report: &Report) -> Result<(), TransportError> {
        match self.reassembler.feed(report) {
            Ok(Feed::Pending) => {}
            Ok(Feed::Complete(message)) => self.dispatch(message),
            Ok(Feed::OtherChannel(cid)) => {
                // A new message on another channel while one is being received.
                if report[4] & 0x80 != 0 {
                    self.error(cid, HidErrorCode::ChannelBusy);
                }
            }
            Err(error) => self.framing_error(report, &error),
        }
        Ok(())
    }

    fn read_report(&mut self, _timeout: Duration) -> Result<Option<Report>, TransportError> {
        // Pending work yields a packet within two steps (a touch may start a keepalive storm).
        for _ in 0..4 {
            if !self.out.is_empty() || self.pending.is_none() {
                break;
            }
            self.progress();
        }
        Ok(self.out.pop_front())
    }
}

/// The same answer with its top-level map's keys in reverse canonical order (not canonical).
fn unsorted(response: &[u8]) -> Vec<u8> {
    let Some((status, body)) = response.split_first() else {
        return response.to_vec();
    };
    let Ok(Value::Map(entries)) = cbor::decode(body) else {
        return response.to_vec();
    };
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = entries
        .iter()
        .map(|(k, v)| (cbor::encode(k), cbor::encode(v)))
        .collect();
    pairs.sort_by(|(a, _), (b, _)| cbor::canonical_key_order(a, b));
    let entries_len: usize = pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
    // The map header is what the canonical encoding has before its entries.
    let canonical = cbor::encode(&Value::Map(entries));
    let header = canonical
        .get(..canonical.len().saturating_sub(entries_len))
        .unwrap_or_default();
    let mut out = vec![*status];
    out.extend_from_slice(header);
    for (k, v) in pairs.iter().rev() {
        out.extend_from_slice(k);
        out.extend_from_slice(v);
    }
    out
}
