//! CTAPHID framing (CTAP 2.1 §11.2): channels, commands, packets, fragmentation and
//! reassembly. Pure code over 64-byte reports, shared by the host ([`Device`](crate::Device))
//! and the authenticator side (careid-keysim).

use crate::error::FramingError;

/// The HID report size of FIDO devices (CTAP 2.1 §11.2.8.2: 64-byte input and output reports).
pub const REPORT_LEN: usize = 64;
/// Payload bytes in an initialization packet: `64 - CID(4) - CMD(1) - BCNT(2)` (§11.2.4).
pub const INIT_DATA_LEN: usize = REPORT_LEN - 7;
/// Payload bytes in a continuation packet: `64 - CID(4) - SEQ(1)` (§11.2.4).
pub const CONT_DATA_LEN: usize = REPORT_LEN - 5;
/// The largest message with 64-byte reports: `57 + 128 × 59 = 7609` bytes (§11.2.4).
pub const MAX_MESSAGE_LEN: usize = INIT_DATA_LEN + 128 * CONT_DATA_LEN;

/// One 64-byte HID report, without the report-ID byte (transports add and strip it).
pub type Report = [u8; REPORT_LEN];

/// A CTAPHID channel identifier (CTAP 2.1 §11.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cid(pub [u8; 4]);

impl Cid {
    /// The broadcast channel `FFFFFFFF`, used only to allocate a channel with CTAPHID_INIT.
    pub const BROADCAST: Self = Self([0xFF; 4]);
    /// The reserved channel `00000000`, never valid.
    pub const RESERVED: Self = Self([0; 4]);

    /// The channel as a big-endian number.
    pub fn to_u32(self) -> u32 {
        u32::from_be_bytes(self.0)
    }

    /// Whether a device may allocate this channel to a host (neither broadcast nor reserved).
    pub fn is_allocatable(self) -> bool {
        self != Self::BROADCAST && self != Self::RESERVED
    }
}

impl core::fmt::Display for Cid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:08x}", self.to_u32())
    }
}

/// A CTAPHID command (CTAP 2.1 §11.2.9), decoded totally from the 7-bit command value: every
/// value `0x00..=0x7F` maps to one variant and back ([`HidCommand::from_u7`] /
/// [`HidCommand::to_u7`]). On the wire bit 7 is set ([`HidCommand::wire_byte`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HidCommand {
    /// `0x01` CTAPHID_PING (§11.2.9.1.4): echo.
    Ping,
    /// `0x03` CTAPHID_MSG (§11.2.9.1.1): a CTAP1/U2F APDU.
    Msg,
    /// `0x04` CTAPHID_LOCK (§11.2.9.2.2).
    Lock,
    /// `0x06` CTAPHID_INIT (§11.2.9.1.3): allocate or resynchronise a channel.
    Init,
    /// `0x08` CTAPHID_WINK (§11.2.9.2.1).
    Wink,
    /// `0x10` CTAPHID_CBOR (§11.2.9.1.2): a CTAP2 command.
    Cbor,
    /// `0x11` CTAPHID_CANCEL (§11.2.9.1.5).
    Cancel,
    /// `0x3B` CTAPHID_KEEPALIVE (§11.2.9.1.7).
    Keepalive,
    /// `0x3F` CTAPHID_ERROR (§11.2.9.1.6).
    Error,
    /// `0x40..=0x7F`: vendor-specific.
    Vendor(u8),
    /// Any other command value, kept as it was.
    Other(u8),
}

impl HidCommand {
    /// Decodes a command value (bit 7 is ignored).
    pub fn from_u7(value: u8) -> Self {
        match value & 0x7F {
            0x01 => Self::Ping,
            0x03 => Self::Msg,
            0x04 => Self::Lock,
            0x06 => Self::Init,
            0x08 => Self::Wink,
            0x10 => Self::Cbor,
            0x11 => Self::Cancel,
            0x3B => Self::Keepalive,
            0x3F => Self::Error,
            v @ 0x40..=0x7F => Self::Vendor(v),
            v => Self::Other(v),
        }
    }

    /// The 7-bit command value.
    pub fn to_u7(self) -> u8 {
        match self {
            Self::Ping => 0x01,
            Self::Msg => 0x03,
            Self::Lock => 0x04,
            Self::Init => 0x06,
            Self::Wink => 0x08,
            Self::Cbor => 0x10,
            Self::Cancel => 0x11,
            Self::Keepalive => 0x3B,
            Self::Error => 0x3F,
            Self::Vendor(v) | Self::Other(v) => v & 0x7F,
        }
    }

    /// The command byte of an initialization packet (bit 7 set).
    pub fn wire_byte(self) -> u8 {
        self.to_u7() | 0x80
    }
}

/// A CTAPHID_ERROR code (CTAP 2.1 §11.2.9.1.6), decoded totally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HidErrorCode {
    /// `0x01` ERR_INVALID_CMD.
    InvalidCmd,
    /// `0x02` ERR_INVALID_PAR.
    InvalidPar,
    /// `0x03` ERR_INVALID_LEN.
    InvalidLen,
    /// `0x04` ERR_INVALID_SEQ.
    InvalidSeq,
    /// `0x05` ERR_MSG_TIMEOUT.
    MsgTimeout,
    /// `0x06` ERR_CHANNEL_BUSY: another channel holds the device; retry later.
    ChannelBusy,
    /// `0x0A` ERR_LOCK_REQUIRED.
    LockRequired,
    /// `0x0B` ERR_INVALID_CHANNEL.
    InvalidChannel,
    /// `0x7F` ERR_OTHER.
    Other,
    /// Any other code, kept as it was.
    Unknown(u8),
}

impl HidErrorCode {
    /// Decodes an error code.
    pub fn from_u8(code: u8) -> Self {
        match code {
            0x01 => Self::InvalidCmd,
            0x02 => Self::InvalidPar,
            0x03 => Self::InvalidLen,
            0x04 => Self::InvalidSeq,
            0x05 => Self::MsgTimeout,
            0x06 => Self::ChannelBusy,
            0x0A => Self::LockRequired,
            0x0B => Self::InvalidChannel,
            0x7F => Self::Other,
            c => Self::Unknown(c),
        }
    }

    /// The error code byte.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::InvalidCmd => 0x01,
            Self::InvalidPar => 0x02,
            Self::InvalidLen => 0x03,
            Self::InvalidSeq => 0x04,
            Self::MsgTimeout => 0x05,
            Self::ChannelBusy => 0x06,
            Self::LockRequired => 0x0A,
            Self::InvalidChannel => 0x0B,
            Self::Other => 0x7F,
            Self::Unknown(c) => c,
        }
    }
}

impl core::fmt::Display for HidErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Unknown(c) => write!(f, "unknown CTAPHID error {c:#04x}"),
            named => write!(f, "{named:?} ({:#04x})", named.to_u8()),
        }
    }
}

/// The status of a CTAPHID_KEEPALIVE (CTAP 2.1 §11.2.9.1.7), decoded totally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeepaliveStatus {
    /// `1` STATUS_PROCESSING: the authenticator is still working.
    Processing,
    /// `2` STATUS_UPNEEDED: the authenticator waits for the user to touch it.
    UpNeeded,
    /// Any other status byte, kept as it was.
    Unknown(u8),
}

impl KeepaliveStatus {
    /// Decodes a keepalive status byte.
    pub fn from_u8(status: u8) -> Self {
        match status {
            1 => Self::Processing,
            2 => Self::UpNeeded,
            s => Self::Unknown(s),
        }
    }

    /// The status byte.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Processing => 1,
            Self::UpNeeded => 2,
            Self::Unknown(s) => s,
        }
    }
}

/// Capability flags of a CTAPHID_INIT response (CTAP 2.1 §11.2.9.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Capabilities(pub u8);

impl Capabilities {
    /// CAPABILITY_WINK (`0x01`).
    pub const WINK: u8 = 0x01;
    /// CAPABILITY_CBOR (`0x04`): CTAPHID_CBOR is implemented.
    pub const CBOR: u8 = 0x04;
    /// CAPABILITY_NMSG (`0x08`): CTAPHID_MSG is *not* implemented.
    pub const NMSG: u8 = 0x08;

    /// Whether the device implements CTAPHID_WINK.
    pub fn wink(self) -> bool {
        self.0 & Self::WINK != 0
    }
    /// Whether the device implements CTAPHID_CBOR (CTAP2).
    pub fn cbor(self) -> bool {
        self.0 & Self::CBOR != 0
    }
    /// Whether the device implements CTAPHID_MSG (CTAP1/U2F).
    pub fn msg(self) -> bool {
        self.0 & Self::NMSG == 0
    }
}

/// A decoded CTAPHID_INIT response payload (CTAP 2.1 §11.2.9.1.3):
/// `nonce(8) ‖ CID(4) ‖ protocol version(1) ‖ major ‖ minor ‖ build ‖ capabilities`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct InitResponse {
    /// The nonce the host sent, echoed.
    pub nonce: [u8; 8],
    /// The channel the device allocated.
    pub cid: Cid,
    /// The CTAPHID protocol version (2).
    pub protocol_version: u8,
    /// Device version, major.
    pub major: u8,
    /// Device version, minor.
    pub minor: u8,
    /// Device version, build.
    pub build: u8,
    /// Capability flags.
    pub capabilities: Capabilities,
}

/// The length of an INIT response payload.
pub const INIT_RESPONSE_LEN: usize = 17;

impl InitResponse {
    /// A CTAPHID protocol version 2 response (the authenticator side).
    pub fn new(nonce: [u8; 8], cid: Cid, version: [u8; 3], capabilities: Capabilities) -> Self {
        let [major, minor, build] = version;
        Self {
            nonce,
            cid,
            protocol_version: 2,
            major,
            minor,
            build,
            capabilities,
        }
    }

    /// Decodes an INIT response payload (at least 17 bytes; more are ignored, as the spec
    /// allows for future fields).
    pub fn decode(payload: &[u8]) -> Result<Self, FramingError> {
        let bytes: &[u8; INIT_RESPONSE_LEN] = payload
            .get(..INIT_RESPONSE_LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(FramingError::InitResponseTooShort { len: payload.len() })?;
        let [
            n0,
            n1,
            n2,
            n3,
            n4,
            n5,
            n6,
            n7,
            c0,
            c1,
            c2,
            c3,
            version,
            major,
            minor,
            build,
            caps,
        ] = *bytes;
        Ok(Self {
            nonce: [n0, n1, n2, n3, n4, n5, n6, n7],
            cid: Cid([c0, c1, c2, c3]),
            protocol_version: version,
            major,
            minor,
            build,
            capabilities: Capabilities(caps),
        })
    }

    /// Encodes the payload (the authenticator side).
    pub fn encode(&self) -> [u8; INIT_RESPONSE_LEN] {
        let mut out = [0; INIT_RESPONSE_LEN];
        let fields = self.nonce.iter().chain(self.cid.0.iter()).chain([
            &self.protocol_version,
            &self.major,
            &self.minor,
            &self.build,
            &self.capabilities.0,
        ]);
        for (slot, byte) in out.iter_mut().zip(fields) {
            *slot = *byte;
        }
        out
    }
}

/// One packet, as read from a report (CTAP 2.1 §11.2.4). Parsing a report cannot fail: every
/// 64-byte report is either an initialization packet (bit 7 of byte 4 set) or a continuation
/// packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packet<'a> {
    /// `CID(4) ‖ CMD(1, bit 7 set) ‖ BCNTH ‖ BCNTL ‖ DATA(57)`.
    Init {
        /// The channel.
        cid: Cid,
        /// The command.
        cmd: HidCommand,
        /// The total payload length announced (BCNT).
        bcnt: u16,
        /// The 57 data bytes of this packet (padding included).
        data: &'a [u8; INIT_DATA_LEN],
    },
    /// `CID(4) ‖ SEQ(1, 0x00..=0x7F) ‖ DATA(59)`.
    Cont {
        /// The channel.
        cid: Cid,
        /// The sequence number.
        seq: u8,
        /// The 59 data bytes of this packet (padding included).
        data: &'a [u8; CONT_DATA_LEN],
    },
}

impl<'a> Packet<'a> {
    /// Reads a report.
    pub fn parse(report: &'a Report) -> Self {
        let [c0, c1, c2, c3, b4, rest @ ..] = report;
        let cid = Cid([*c0, *c1, *c2, *c3]);
        if b4 & 0x80 != 0 {
            let [high, low, data @ ..] = rest;
            Self::Init {
                cid,
                cmd: HidCommand::from_u7(*b4),
                bcnt: u16::from_be_bytes([*high, *low]),
                data,
            }
        } else {
            Self::Cont {
                cid,
                seq: *b4,
                data: rest,
            }
        }
    }

    /// The channel of the packet.
    pub fn cid(&self) -> Cid {
        match self {
            Self::Init { cid, .. } | Self::Cont { cid, .. } => *cid,
        }
    }
}

/// A complete CTAPHID message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The channel.
    pub cid: Cid,
    /// The command.
    pub cmd: HidCommand,
    /// The payload, exactly BCNT bytes.
    pub payload: Vec<u8>,
}

/// Splits a message into reports: one initialization packet and as many continuation packets
/// (SEQ 0, 1, ...) as needed, the last one zero-padded (CTAP 2.1 §11.2.4).
///
/// A payload over [`MAX_MESSAGE_LEN`] (7609 bytes) is refused.
pub fn fragment(cid: Cid, cmd: HidCommand, payload: &[u8]) -> Result<Vec<Report>, FramingError> {
    let bcnt = u16::try_from(payload.len())
        .ok()
        .filter(|_| payload.len() <= MAX_MESSAGE_LEN)
        .ok_or(FramingError::MessageTooLong {
            len: payload.len(),
            max: MAX_MESSAGE_LEN,
        })?;
    let (first, rest) = payload.split_at(payload.len().min(INIT_DATA_LEN));
    let mut reports = Vec::with_capacity(1 + rest.len().div_ceil(CONT_DATA_LEN));
    let mut init = [0; REPORT_LEN];
    let [b0, b1] = bcnt.to_be_bytes();
    let header = cid.0.into_iter().chain([cmd.wire_byte(), b0, b1]);
    for (slot, byte) in init.iter_mut().zip(header.chain(first.iter().copied())) {
        *slot = byte;
    }
    reports.push(init);
    for (seq, chunk) in (0u8..).zip(rest.chunks(CONT_DATA_LEN)) {
        let mut cont = [0; REPORT_LEN];
        let header = cid.0.into_iter().chain([seq]);
        for (slot, byte) in cont.iter_mut().zip(header.chain(chunk.iter().copied())) {
            *slot = byte;
        }
        reports.push(cont);
    }
    Ok(reports)
}

/// What feeding one report to a [`Reassembler`] gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    /// The packet was taken; the message needs more packets.
    Pending,
    /// The packet completed a message.
    Complete(Message),
    /// The packet belongs to another channel than the one this reassembler listens to, or than
    /// the message in progress. It was not taken; the caller decides (a host ignores it, an
    /// authenticator answers ERR_CHANNEL_BUSY to a new message on another channel).
    OtherChannel(Cid),
}

/// Reassembles CTAPHID messages from reports (CTAP 2.1 §11.2.4).
///
/// Invariants (unit-tested, property-tested and fuzzed): it never panics; it never buffers more
/// than the message length it accepted (at most [`MAX_MESSAGE_LEN`]); it rejects sequence gaps
/// and repeats, a continuation packet with no message in progress, an initialization packet on
/// the same channel during a message (except CTAPHID_INIT, which resynchronises: the partial
/// message is dropped and the INIT is delivered), an announced length over the maximum, and
/// channel 0; it ignores packets for other channels; and it round-trips with [`fragment`].
/// After an error it is idle again and ready for a new message.
#[derive(Debug, Clone)]
pub struct Reassembler {
    listen: Option<Cid>,
    max_len: usize,
    state: State,
}

#[derive(Debug, Clone)]
enum State {
    Idle,
    Receiving {
        cid: Cid,
        cmd: HidCommand,
        len: usize,
        buf: Vec<u8>,
        next_seq: u8,
    },
}

impl Reassembler {
    /// A reassembler for one channel (the host side, after CTAPHID_INIT): packets for other
    /// channels are [`Feed::OtherChannel`].
    pub fn for_channel(cid: Cid) -> Self {
        Self {
            listen: Some(cid),
            max_len: MAX_MESSAGE_LEN,
            state: State::Idle,
        }
    }

    /// A reassembler that takes a message on any channel and then sticks to it until the
    /// message is complete (the authenticator side).
    pub fn any_channel() -> Self {
        Self {
            listen: None,
            max_len: MAX_MESSAGE_LEN,
            state: State::Idle,
        }
    }

    /// Lowers the largest accepted message (an authenticator's maxMsgSize). Values above
    /// [`MAX_MESSAGE_LEN`] are capped to it.
    #[must_use]
    pub fn with_max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len.min(MAX_MESSAGE_LEN);
        self
    }

    /// The channel of the message in progress, if any.
    pub fn in_progress(&self) -> Option<Cid> {
        match &self.state {
            State::Idle => None,
            State::Receiving { cid, .. } => Some(*cid),
        }
    }

    /// Drops any message in progress.
    pub fn reset(&mut self) {
        self.state = State::Idle;
    }

    /// Takes one report.
    pub fn feed(&mut self, report: &Report) -> Result<Feed, FramingError> {
        let packet = Packet::parse(report);
        let cid = packet.cid();
        let expected = match (&self.state, self.listen) {
            (State::Receiving { cid, .. }, _) => Some(*cid),
            (State::Idle, listen) => listen,
        };
        if expected.is_some_and(|e| e != cid) {
            return Ok(Feed::OtherChannel(cid));
        }
        if cid == Cid::RESERVED {
            self.reset();
            return Err(FramingError::ReservedChannel);
        }
        match packet {
            Packet::Init {
                cmd, bcnt, data, ..
            } => {
                if let State::Receiving { cmd: current, .. } = &self.state {
                    let current = *current;
                    self.reset();
                    if cmd != HidCommand::Init {
                        return Err(FramingError::InitDuringMessage {
                            cid,
                            current,
                            new: cmd,
                        });
                    }
                }
                let len = usize::from(bcnt);
                if len > self.max_len {
                    return Err(FramingError::MessageTooLong {
                        len,
                        max: self.max_len,
                    });
                }
                let take = len.min(INIT_DATA_LEN);
                let mut buf = Vec::with_capacity(len);
                buf.extend_from_slice(data.get(..take).unwrap_or(&[]));
                if buf.len() == len {
                    return Ok(Feed::Complete(Message {
                        cid,
                        cmd,
                        payload: buf,
                    }));
                }
                self.state = State::Receiving {
                    cid,
                    cmd,
                    len,
                    buf,
                    next_seq: 0,
                };
                Ok(Feed::Pending)
            }
            Packet::Cont { seq, data, .. } => {
                let State::Receiving {
                    cmd,
                    len,
                    buf,
                    next_seq,
                    ..
                } = &mut self.state
                else {
                    return Err(FramingError::UnexpectedContinuation { cid, seq });
                };
                if seq != *next_seq {
                    let expected = *next_seq;
                    self.reset();
                    return Err(FramingError::SequenceError {
                        cid,
                        expected,
                        got: seq,
                    });
                }
                let take = len.saturating_sub(buf.len()).min(CONT_DATA_LEN);
                buf.extend_from_slice(data.get(..take).unwrap_or(&[]));
                *next_seq = next_seq.saturating_add(1);
                if buf.len() < *len {
                    return Ok(Feed::Pending);
                }
                let message = Message {
                    cid,
                    cmd: *cmd,
                    payload: core::mem::take(buf),
                };
                self.reset();
                Ok(Feed::Complete(message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CID: Cid = Cid([0x00, 0x22, 0x00, 0x02]);

    fn reassemble(
        r: &mut Reassembler,
        reports: &[Report],
    ) -> Result<Option<Message>, FramingError> {
        let mut out = None;
        for report in reports {
            match r.feed(report)? {
                Feed::Complete(m) => out = Some(m),
                Feed::Pending => {}
                Feed::OtherChannel(c) => panic!("other channel {c}"),
            }
        }
        Ok(out)
    }

    #[test]
    fn commands_and_codes_round_trip() {
        for v in 0..=0x7Fu8 {
            assert_eq!(HidCommand::from_u7(v).to_u7(), v);
            assert_eq!(HidCommand::from_u7(v | 0x80).wire_byte(), v | 0x80);
        }
        for v in 0..=u8::MAX {
            assert_eq!(HidErrorCode::from_u8(v).to_u8(), v);
            assert_eq!(KeepaliveStatus::from_u8(v).to_u8(), v);
        }
        assert_eq!(HidCommand::Cbor.wire_byte(), 0x90);
        assert_eq!(HidCommand::Keepalive.wire_byte(), 0xBB);
        assert_eq!(HidCommand::Error.wire_byte(), 0xBF);
    }

    #[test]
    fn fragment_sizes_at_the_boundaries() {
        for (len, packets) in [
            (0, 1),
            (57, 1),
            (58, 2),
            (57 + 59, 2),
            (57 + 59 + 1, 3),
            (MAX_MESSAGE_LEN, 129),
        ] {
            let payload: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let reports = fragment(CID, HidCommand::Cbor, &payload).unwrap();
            assert_eq!(reports.len(), packets, "len {len}");
            let mut r = Reassembler::for_channel(CID);
            let m = reassemble(&mut r, &reports).unwrap().unwrap();
            assert_eq!(m.payload, payload);
            assert_eq!(m.cmd, HidCommand::Cbor);
        }
        assert_eq!(
            fragment(CID, HidCommand::Cbor, &vec![0; MAX_MESSAGE_LEN + 1]),
            Err(FramingError::MessageTooLong {
                len: MAX_MESSAGE_LEN + 1,
                max: MAX_MESSAGE_LEN
            })
        );
    }

    #[test]
    fn sequence_gap_and_repeat_are_refused() {
        let reports = fragment(CID, HidCommand::Cbor, &[7; 200]).unwrap();
        let mut r = Reassembler::for_channel(CID);
        assert_eq!(r.feed(&reports[0]), Ok(Feed::Pending));
        assert_eq!(
            r.feed(&reports[2]),
            Err(FramingError::SequenceError {
                cid: CID,
                expected: 0,
                got: 1
            })
        );
        // Idle again: a stray continuation is refused, a new message is taken.
        assert_eq!(
            r.feed(&reports[1]),
            Err(FramingError::UnexpectedContinuation { cid: CID, seq: 0 })
        );
        assert_eq!(r.feed(&reports[0]), Ok(Feed::Pending));
        assert_eq!(r.feed(&reports[1]), Ok(Feed::Pending));
        assert_eq!(
            r.feed(&reports[1]),
            Err(FramingError::SequenceError {
                cid: CID,
                expected: 1,
                got: 0
            })
        );
    }

    #[test]
    fn channels_init_resync_and_limits() {
        let reports = fragment(CID, HidCommand::Cbor, &[7; 100]).unwrap();
        let other = Cid([1, 2, 3, 4]);
        let foreign = fragment(other, HidCommand::Cbor, &[1; 10]).unwrap();
        let mut host = Reassembler::for_channel(CID);
        assert_eq!(host.feed(&foreign[0]), Ok(Feed::OtherChannel(other)));
        assert_eq!(host.feed(&reports[0]), Ok(Feed::Pending));
        assert_eq!(host.feed(&foreign[0]), Ok(Feed::OtherChannel(other)));
        // Another command on the same channel mid-message is refused...
        let ping = fragment(CID, HidCommand::Ping, &[1]).unwrap();
        assert_eq!(
            host.feed(&ping[0]),
            Err(FramingError::InitDuringMessage {
                cid: CID,
                current: HidCommand::Cbor,
                new: HidCommand::Ping
            })
        );
        // ...but INIT resynchronises.
        let init = fragment(CID, HidCommand::Init, &[9; 8]).unwrap();
        assert_eq!(host.feed(&reports[0]), Ok(Feed::Pending));
        assert!(matches!(host.feed(&init[0]), Ok(Feed::Complete(m)) if m.cmd == HidCommand::Init));
        assert_eq!(host.in_progress(), None);

        let mut any = Reassembler::any_channel();
        assert_eq!(any.feed(&reports[0]), Ok(Feed::Pending));
        assert_eq!(any.feed(&foreign[0]), Ok(Feed::OtherChannel(other)));
        assert_eq!(any.in_progress(), Some(CID));

        let zero = fragment(Cid::RESERVED, HidCommand::Ping, &[]).unwrap();
        assert_eq!(
            Reassembler::any_channel().feed(&zero[0]),
            Err(FramingError::ReservedChannel)
        );
        let mut big = [0u8; REPORT_LEN];
        big[..7].copy_from_slice(&[0, 0x22, 0, 2, 0x90, 0x1D, 0xBA]); // BCNT 7610
        assert_eq!(
            Reassembler::for_channel(CID).feed(&big),
            Err(FramingError::MessageTooLong {
                len: 7610,
                max: MAX_MESSAGE_LEN
            })
        );
        assert_eq!(
            Reassembler::for_channel(CID)
                .with_max_len(100)
                .feed(&reports[0]),
            Ok(Feed::Pending)
        );
        let long = fragment(CID, HidCommand::Cbor, &[0; 101]).unwrap();
        assert_eq!(
            Reassembler::for_channel(CID)
                .with_max_len(100)
                .feed(&long[0]),
            Err(FramingError::MessageTooLong { len: 101, max: 100 })
        );
    }

    #[test]
    fn init_response_round_trips() {
        let resp = InitResponse {
            nonce: [1, 2, 3, 4, 5, 6, 7, 8],
            cid: CID,
            protocol_version: 2,
            major: 5,
            minor: 4,
            build: 3,
            capabilities: Capabilities(Capabilities::CBOR | Capabilities::WINK),
        };
        assert_eq!(InitResponse::decode(&resp.encode()), Ok(resp));
        assert!(resp.capabilities.cbor() && resp.capabilities.wink() && resp.capabilities.msg());
        assert_eq!(
            InitResponse::decode(&[0; 16]),
            Err(FramingError::InitResponseTooShort { len: 16 })
        );
    }
}
