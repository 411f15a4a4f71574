//! The card: a command interpreter over the image, with PIN state and faults.

use crate::image::{self, File};
use careid_apdu::{CardTransport, Command, Response, StatusWord, TransportError, tlv};
use careid_testkit::TestPki;
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use zeroize::Zeroizing;

/// The PIV application identifier (full form, SP 800-73-4 Part 2 §2.2).
const PIV_AID: [u8; 11] = [
    0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
];
/// The answer to SELECT PIV (the Application Property Template a YubiKey returns).
const PIV_APT: [u8; 19] = [
    0x61, 0x11, 0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x79, 0x07, 0x4F, 0x05, 0xA0, 0x00,
    0x00, 0x03, 0x08,
];
/// The ATR: T=1, no historical bytes (SMARTCARD.md §8.1).
pub const ATR: [u8; 5] = [0x3B, 0x80, 0x80, 0x01, 0x01];

/// Which application the card carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Personality {
    /// A PKCS#15 file system (SMARTCARD.md §3.4).
    Pkcs15,
    /// A PIV application (SP 800-73-4): 9A RSA-2048 authentication, 9E P-256 card
    /// authentication.
    Piv,
}

/// A fault to inject, for negative tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer every command with this INS with this status word (e.g. `6A82`, `6985`).
    Status {
        /// The instruction byte.
        ins: u8,
        /// The status word.
        sw: u16,
    },
    /// Claim files are longer than they are in the FCP (wrong lengths).
    WrongFileSize,
    /// Answer commands with this INS with garbage (`5A A5 13 37` before `9000`, and
    /// nothing else).
    Garbage {
        /// The instruction byte.
        ins: u8,
    },
    /// Answer every response with `61 FF` and keep doing so for every GET RESPONSE.
    EndlessMoreData,
    /// The card is pulled out after this many commands: every later exchange fails with
    /// `CardRemoved`.
    RemoveAfter(usize),
    /// The card is reset (by "another process") after this many commands.
    ResetAfter(usize),
    /// Return a one-byte response (no status word) to commands with this INS.
    ShortResponse {
        /// The instruction byte.
        ins: u8,
    },
}

/// Where the card is in its state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selected {
    Nothing,
    File(usize),
    Piv,
}

#[derive(Debug, Clone, Copy)]
enum Key {
    Rsa,
    P256,
}

/// The simulated card. It is a [`CardTransport`] in-process; the same [`CardSim::process`]
/// answers APDUs that arrive over other links.
pub struct CardSim {
    personality: Personality,
    files: Vec<File>,
    selected: Selected,
    pin: Zeroizing<Vec<u8>>,
    puk: Zeroizing<Vec<u8>>,
    pin_tries: u8,
    puk_tries: u8,
    pin_verified: bool,
    env: Option<(u8, u8)>,
    pending: Vec<u8>,
    chain: Vec<u8>,
    chain_header: Option<[u8; 4]>,
    faults: Vec<Fault>,
    commands: usize,
    removed: bool,
    reset_pending: bool,
    extended: bool,
    log: Vec<(Vec<u8>, Vec<u8>)>,
}

impl core::fmt::Debug for CardSim {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardSim")
            .field("personality", &self.personality)
            .field("pin_tries", &self.pin_tries)
            .field("pin_verified", &self.pin_verified)
            .field("commands", &self.commands)
            .finish_non_exhaustive()
    }
}

/// The simulated card's PIN.
pub const DEFAULT_PIN: &str = "1234";
/// The simulated PIV card's PIN (PIV PINs are 6 to 8 digits).
pub const DEFAULT_PIV_PIN: &str = "123456";
/// The simulated card's PUK.
pub const DEFAULT_PUK: &str = "12345678";
/// PIN tries before the card blocks, as on NHS cards.
pub const PIN_TRIES: u8 = 3;

impl CardSim {
    /// A PKCS#15 card with PIN 1234 and PUK 12345678.
    pub fn pkcs15() -> Self {
        Self::new(Personality::Pkcs15)
    }

    /// A PIV card with PIN 123456 and PUK 12345678.
    pub fn piv() -> Self {
        Self::new(Personality::Piv)
    }

    /// A card with the given personality.
    pub fn new(personality: Personality) -> Self {
        let pin = match personality {
            Personality::Pkcs15 => DEFAULT_PIN,
            Personality::Piv => DEFAULT_PIV_PIN,
        };
        Self {
            personality,
            files: if personality == Personality::Pkcs15 {
                image::pkcs15_files()
            } else {
                Vec::new()
            },
            selected: Selected::Nothing,
            pin: Zeroizing::new(pad(pin.as_bytes())),
            puk: Zeroizing::new(pad(DEFAULT_PUK.as_bytes())),
            pin_tries: PIN_TRIES,
            puk_tries: PIN_TRIES,
            pin_verified: false,
            env: None,
            pending: Vec::new(),
            chain: Vec::new(),
            chain_header: None,
            faults: Vec::new(),
            commands: 0,
            removed: false,
            reset_pending: false,
            extended: true,
            log: Vec::new(),
        }
    }

    /// Adds a fault.
    #[must_use]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Whether the card (and its reader) accept extended-length APDUs (default: yes). Without
    /// them, long commands are chained and long responses come through GET RESPONSE.
    #[must_use]
    pub fn with_extended_length(mut self, extended: bool) -> Self {
        self.extended = extended;
        self
    }

    /// Adds a fault to a card in use.
    pub fn inject(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// The personality.
    pub fn personality(&self) -> Personality {
        self.personality
    }

    /// PIN tries left.
    pub fn pin_tries_left(&self) -> u8 {
        self.pin_tries
    }

    /// How many command APDUs the card has processed.
    pub fn command_count(&self) -> usize {
        self.commands
    }

    /// Every exchange so far (command, response), with the data of PIN commands redacted to
    /// their length.
    pub fn log(&self) -> &[(Vec<u8>, Vec<u8>)] {
        &self.log
    }

    /// A power event (power on, off or reset): the card forgets PIN verification, the
    /// selected file, the security environment and pending response data.
    pub fn power_cycle(&mut self) {
        self.selected = Selected::Nothing;
        self.pin_verified = false;
        self.env = None;
        self.pending.clear();
        self.chain.clear();
        self.chain_header = None;
    }

    /// The answer to reset.
    pub fn atr(&self) -> &'static [u8] {
        &ATR
    }

    /// Processes one raw command APDU and returns the raw response. Never panics: malformed
    /// commands get `6700`.
    pub fn process(&mut self, raw: &[u8]) -> Vec<u8> {
        self.commands += 1;
        let response = match Command::decode(raw) {
            Ok(cmd) => self.dispatch(cmd),
            Err(_) => Response::new(Vec::new(), StatusWord::WrongLength),
        };
        let mut bytes = response.encode();
        let ins = raw.get(1).copied().unwrap_or(0);
        for fault in &self.faults {
            match *fault {
                Fault::Status { ins: i, sw } if i == ins => bytes = sw.to_be_bytes().to_vec(),
                Fault::Garbage { ins: i } if i == ins => {
                    bytes = vec![0x5A, 0xA5, 0x13, 0x37, 0x90, 0x00]
                }
                Fault::EndlessMoreData => bytes = vec![0x61, 0xFF],
                Fault::ShortResponse { ins: i } if i == ins => bytes = vec![0x90],
                _ => {}
            }
        }
        let logged = match raw {
            [_, 0x20 | 0x24 | 0x2C, _, _, rest @ ..] if !rest.is_empty() => {
                let mut r = raw.get(..4).unwrap_or_default().to_vec();
                r.push(0xEE);
                r
            }
            _ => raw.to_vec(),
        };
        self.log.push((logged, bytes.clone()));
        bytes
    }

    fn dispatch(&mut self, cmd: Command) -> Response {
        let sw = |s: StatusWord| Response::new(Vec::new(), s);
        if cmd.cla & !0x10 != 0x00 {
            return sw(StatusWord::ClaNotSupported);
        }
        // Command chaining (ISO/IEC 7816-4 §5.3.3): collect, acknowledge, run the last block.
        let mut cmd = cmd;
        let header = [cmd.cla & !0x10, cmd.ins, cmd.p1, cmd.p2];
        if self.chain_header.is_some_and(|h| h != header) {
            // A chain must continue with the same command (ISO/IEC 7816-4 §5.3.3).
            self.chain.clear();
            self.chain_header = None;
            return sw(StatusWord::LastCommandOfChainExpected);
        }
        if cmd.cla & 0x10 != 0 {
            if self.chain.len() + cmd.data.len() > 65535 {
                self.chain.clear();
                self.chain_header = None;
                return sw(StatusWord::WrongLength);
            }
            self.chain.extend_from_slice(&cmd.data);
            self.chain_header = Some(header);
            return sw(StatusWord::Success);
        }
        if self.chain_header.take().is_some() {
            let mut data = core::mem::take(&mut self.chain);
            data.extend_from_slice(&cmd.data);
            cmd.data = data;
        }
        let extended = cmd.ne > 256 || cmd.data.len() > 255;
        let result = match cmd.ins {
            0xC0 => return self.get_response(cmd.ne),
            0xA4 => self.select(&cmd),
            0xB0 => self.read_binary(&cmd),
            0x20 => self.verify(&cmd),
            0x24 => self.change(&cmd),
            0x2C => self.unblock(&cmd),
            0x22 => self.mse(&cmd),
            0x2A if cmd.p1 == 0x9E && cmd.p2 == 0x9A => self.sign(&cmd.data, true),
            0x88 => self.sign(&cmd.data, false),
            0xCB if self.selected == Selected::Piv => self.get_data(&cmd),
            0x87 if self.selected == Selected::Piv => self.general_authenticate(&cmd),
            0xCA | 0xCB | 0x87 => Err(StatusWord::ReferencedDataNotFound),
            _ => Err(StatusWord::InsNotSupported),
        };
        match result {
            Ok(data) => self.deliver(data, cmd.ne, extended),
            Err(status) => sw(status),
        }
    }

    /// Sends data back, through GET RESPONSE (`61xx`) when it is longer than the short command
    /// asked for, as T=0 cards do.
    fn deliver(&mut self, data: Vec<u8>, ne: usize, extended: bool) -> Response {
        if extended || data.len() <= ne.min(256) {
            return Response::new(data, StatusWord::Success);
        }
        self.pending = data;
        Response::new(
            Vec::new(),
            StatusWord::MoreData(more_byte(self.pending.len())),
        )
    }

    fn get_response(&mut self, ne: usize) -> Response {
        if self.pending.is_empty() {
            return Response::new(Vec::new(), StatusWord::ConditionsNotSatisfied);
        }
        let n = ne.clamp(1, 256).min(self.pending.len());
        let chunk: Vec<u8> = self.pending.drain(..n).collect();
        if self.pending.is_empty() {
            Response::new(chunk, StatusWord::Success)
        } else {
            Response::new(chunk, StatusWord::MoreData(more_byte(self.pending.len())))
        }
    }

    fn select(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        let no_data = cmd.p2 & 0x0C == 0x0C;
        match cmd.p1 {
            0x04 => {
                if self.personality == Personality::Piv
                    && !cmd.data.is_empty()
                    && PIV_AID.starts_with(&cmd.data)
                {
                    self.selected = Selected::Piv;
                    return Ok(if no_data {
                        Vec::new()
                    } else {
                        PIV_APT.to_vec()
                    });
                }
                let index = self
                    .files
                    .iter()
                    .position(|f| f.aid.as_deref() == Some(&cmd.data[..]))
                    .ok_or(StatusWord::FileNotFound)?;
                self.selected = Selected::File(index);
                Ok(if no_data { Vec::new() } else { self.fci(index) })
            }
            0x00 | 0x08 => {
                let mut full = vec![0x3F, 0x00];
                if !(cmd.p1 == 0x00 && cmd.data == [0x3F, 0x00]) {
                    if cmd.p1 == 0x00 || !cmd.data.len().is_multiple_of(2) || cmd.data.is_empty() {
                        return Err(StatusWord::IncorrectP1P2);
                    }
                    full.extend_from_slice(&cmd.data);
                }
                let index = self
                    .files
                    .iter()
                    .position(|f| f.path == full)
                    .ok_or(StatusWord::FileNotFound)?;
                self.selected = Selected::File(index);
                Ok(if no_data { Vec::new() } else { self.fcp(index) })
            }
            _ => Err(StatusWord::IncorrectP1P2),
        }
    }

    fn fcp(&self, index: usize) -> Vec<u8> {
        let Some(file) = self.files.get(index) else {
            return Vec::new();
        };
        let fid = file
            .path
            .get(file.path.len().saturating_sub(2)..)
            .unwrap_or_default();
        let mut body = Vec::new();
        if let Some(data) = &file.data {
            let mut size = data.len();
            if self.faults.contains(&Fault::WrongFileSize) {
                size += 100;
            }
            let size = u16::try_from(size).unwrap_or(u16::MAX).to_be_bytes();
            body.extend(tlv::encode(0x80, &size).unwrap_or_default());
            body.extend(tlv::encode(0x82, &[0x01]).unwrap_or_default());
        } else {
            body.extend(tlv::encode(0x82, &[0x38]).unwrap_or_default());
        }
        body.extend(tlv::encode(0x83, fid).unwrap_or_default());
        if let Some(aid) = &file.aid {
            body.extend(tlv::encode(0x84, aid).unwrap_or_default());
        }
        tlv::encode(0x62, &body).unwrap_or_default()
    }

    fn fci(&self, index: usize) -> Vec<u8> {
        let aid = self
            .files
            .get(index)
            .and_then(|f| f.aid.clone())
            .unwrap_or_default();
        tlv::encode(0x6F, &tlv::encode(0x84, &aid).unwrap_or_default()).unwrap_or_default()
    }

    fn read_binary(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        let Selected::File(index) = self.selected else {
            return Err(StatusWord::ConditionsNotSatisfied);
        };
        let data = self
            .files
            .get(index)
            .and_then(|f| f.data.as_ref())
            .ok_or(StatusWord::ConditionsNotSatisfied)?;
        if cmd.p1 & 0x80 != 0 {
            return Err(StatusWord::FunctionNotSupported);
        }
        let offset = usize::from(u16::from_be_bytes([cmd.p1, cmd.p2]));
        if offset > data.len() {
            return Err(StatusWord::WrongOffset);
        }
        let end = offset.saturating_add(cmd.ne).min(data.len());
        Ok(data.get(offset..end).unwrap_or_default().to_vec())
    }

    fn pin_reference_ok(&self, p2: u8) -> bool {
        match self.personality {
            Personality::Pkcs15 => p2 == 0x81,
            Personality::Piv => p2 == 0x80 && self.selected == Selected::Piv,
        }
    }

    fn verify(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        if !self.pin_reference_ok(cmd.p2) {
            return Err(StatusWord::ReferencedDataNotFound);
        }
        if cmd.data.is_empty() {
            // Status query: spends no try (SP 800-73-4 Part 2 §3.2.1).
            return if self.pin_tries == 0 {
                Err(StatusWord::AuthenticationBlocked)
            } else if self.pin_verified {
                Ok(Vec::new())
            } else {
                Err(StatusWord::VerificationFailedTriesLeft(self.pin_tries))
            };
        }
        self.check_pin(&cmd.data).map(|()| Vec::new())
    }

    fn check_pin(&mut self, candidate: &[u8]) -> Result<(), StatusWord> {
        if self.pin_tries == 0 {
            return Err(StatusWord::AuthenticationBlocked);
        }
        if candidate.len() != 8 {
            return Err(StatusWord::WrongLength);
        }
        if candidate == &self.pin[..] {
            self.pin_tries = PIN_TRIES;
            self.pin_verified = true;
            Ok(())
        } else {
            self.pin_tries -= 1;
            self.pin_verified = false;
            Err(StatusWord::VerificationFailedTriesLeft(self.pin_tries))
        }
    }

    fn change(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        if !self.pin_reference_ok(cmd.p2) {
            return Err(StatusWord::ReferencedDataNotFound);
        }
        let (old, new) = cmd
            .data
            .split_at_checked(8)
            .ok_or(StatusWord::WrongLength)?;
        if new.len() != 8 {
            return Err(StatusWord::WrongLength);
        }
        self.check_pin(old)?;
        self.pin = Zeroizing::new(new.to_vec());
        Ok(Vec::new())
    }

    fn unblock(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        if !self.pin_reference_ok(cmd.p2) {
            return Err(StatusWord::ReferencedDataNotFound);
        }
        if self.puk_tries == 0 {
            return Err(StatusWord::AuthenticationBlocked);
        }
        let (puk, new) = cmd
            .data
            .split_at_checked(8)
            .ok_or(StatusWord::WrongLength)?;
        if new.len() != 8 {
            return Err(StatusWord::WrongLength);
        }
        if puk != &self.puk[..] {
            self.puk_tries -= 1;
            return Err(StatusWord::VerificationFailedTriesLeft(self.puk_tries));
        }
        self.puk_tries = PIN_TRIES;
        self.pin = Zeroizing::new(new.to_vec());
        self.pin_tries = PIN_TRIES;
        self.pin_verified = false;
        Ok(Vec::new())
    }

    fn mse(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        if cmd.p1 != 0x41 || (cmd.p2 != 0xB6 && cmd.p2 != 0xA4) {
            return Err(StatusWord::IncorrectP1P2);
        }
        let alg = tlv::find(&cmd.data, 0x80)
            .ok()
            .flatten()
            .and_then(|t| t.value().first().copied());
        let key = tlv::find(&cmd.data, 0x84)
            .ok()
            .flatten()
            .and_then(|t| t.value().first().copied());
        match (alg, key) {
            (Some(alg), Some(key @ (1 | 2))) => {
                self.env = Some((alg, key));
                Ok(Vec::new())
            }
            (Some(_), Some(_)) => Err(StatusWord::ReferencedDataNotFound),
            _ => Err(StatusWord::IncorrectData),
        }
    }

    /// PSO: COMPUTE DIGITAL SIGNATURE (`pso`) or INTERNAL AUTHENTICATE.
    fn sign(&mut self, data: &[u8], pso: bool) -> Result<Vec<u8>, StatusWord> {
        if self.personality != Personality::Pkcs15 {
            return Err(StatusWord::InsNotSupported);
        }
        if self.pin_tries == 0 {
            return Err(StatusWord::AuthenticationBlocked);
        }
        if !self.pin_verified {
            return Err(StatusWord::SecurityStatusNotSatisfied);
        }
        let (alg, key) = self.env.ok_or(StatusWord::ConditionsNotSatisfied)?;
        match (key, alg) {
            (1, 0x02) => rsa_sign_digest_info(data),
            (2, 0x44) if pso => {
                let sig = p256_sign(data)?;
                Ok(sig.to_bytes().to_vec())
            }
            _ => Err(StatusWord::ConditionsNotSatisfied),
        }
    }

    fn get_data(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        if cmd.p1 != 0x3F || cmd.p2 != 0xFF {
            return Err(StatusWord::IncorrectP1P2);
        }
        let tag = tlv::find(&cmd.data, 0x5C)
            .map_err(|_| StatusWord::IncorrectData)?
            .ok_or(StatusWord::IncorrectData)?;
        let pki = TestPki::get();
        let object = match tag.value() {
            [0x5F, 0xC1, 0x05] => image::piv_certificate_object(&pki.user_rsa),
            [0x5F, 0xC1, 0x01] => image::piv_certificate_object(&pki.user_p256),
            [0x5F, 0xC1, 0x02] => image::piv_chuid(),
            _ => return Err(StatusWord::FileNotFound),
        };
        tlv::encode(0x53, &object).map_err(|_| StatusWord::NoPreciseDiagnosis)
    }

    fn general_authenticate(&mut self, cmd: &Command) -> Result<Vec<u8>, StatusWord> {
        let key = match (cmd.p1, cmd.p2) {
            (0x07, 0x9A) => Key::Rsa,
            (0x11, 0x9E) => Key::P256,
            (_, 0x9A | 0x9E) => return Err(StatusWord::IncorrectP1P2),
            _ => return Err(StatusWord::ReferencedDataNotFound),
        };
        // 9A needs the PIN; 9E (card authentication) does not (SP 800-73-4 Part 1 Table 4b).
        if matches!(key, Key::Rsa) {
            if self.pin_tries == 0 {
                return Err(StatusWord::AuthenticationBlocked);
            }
            if !self.pin_verified {
                return Err(StatusWord::SecurityStatusNotSatisfied);
            }
        }
        let template = tlv::find(&cmd.data, 0x7C)
            .map_err(|_| StatusWord::IncorrectData)?
            .ok_or(StatusWord::IncorrectData)?;
        let challenge = template
            .child(0x81)
            .map_err(|_| StatusWord::IncorrectData)?
            .ok_or(StatusWord::IncorrectData)?;
        let response = match key {
            Key::Rsa => {
                // The host sends an EMSA-PKCS1-v1_5 block; recover the DigestInfo and sign it
                // (for a well-formed block this equals the raw RSA private operation).
                let block = challenge.value();
                let digest_info = match block {
                    [0x00, 0x01, rest @ ..] if block.len() == 256 => {
                        let zero = rest
                            .iter()
                            .position(|b| *b != 0xFF)
                            .ok_or(StatusWord::IncorrectData)?;
                        match rest.get(zero..) {
                            Some([0x00, info @ ..]) if zero >= 8 => info.to_vec(),
                            _ => return Err(StatusWord::IncorrectData),
                        }
                    }
                    _ => return Err(StatusWord::IncorrectData),
                };
                rsa_sign_digest_info(&digest_info)?
            }
            Key::P256 => p256_sign(challenge.value())?.to_der().as_bytes().to_vec(),
        };
        let inner = tlv::encode(0x82, &response).map_err(|_| StatusWord::NoPreciseDiagnosis)?;
        tlv::encode(0x7C, &inner).map_err(|_| StatusWord::NoPreciseDiagnosis)
    }
}

impl CardTransport for CardSim {
    fn transmit_raw(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let n = self.commands;
        for fault in &self.faults {
            match *fault {
                Fault::RemoveAfter(after) if n >= after => self.removed = true,
                Fault::ResetAfter(after) if n == after => self.reset_pending = true,
                _ => {}
            }
        }
        if self.removed {
            return Err(TransportError::CardRemoved);
        }
        if self.reset_pending {
            self.reset_pending = false;
            self.power_cycle();
            self.commands += 1;
            return Err(TransportError::CardReset);
        }
        Ok(self.process(command))
    }

    fn supports_extended_length(&self) -> bool {
        self.extended
    }
}

fn more_byte(remaining: usize) -> u8 {
    u8::try_from(remaining)
        .ok()
        .filter(|b| *b != 0 && remaining < 256)
        .unwrap_or(0)
}

fn pad(pin: &[u8]) -> Vec<u8> {
    let mut out = pin.to_vec();
    out.resize(8, 0xFF);
    out
}

fn rsa_sign_digest_info(digest_info: &[u8]) -> Result<Vec<u8>, StatusWord> {
    let key = TestPki::get()
        .user_rsa_key
        .rsa_private_key()
        .ok_or(StatusWord::NoPreciseDiagnosis)?;
    key.sign(rsa::pkcs1v15::Pkcs1v15Sign::new_unprefixed(), digest_info)
        .map_err(|_| StatusWord::IncorrectData)
}

fn p256_sign(hash: &[u8]) -> Result<p256::ecdsa::Signature, StatusWord> {
    if hash.len() < 16 || hash.len() > 64 {
        return Err(StatusWord::IncorrectData);
    }
    let key = TestPki::get()
        .user_p256_key
        .p256_signing_key()
        .ok_or(StatusWord::NoPreciseDiagnosis)?;
    key.sign_prehash(hash)
        .map_err(|_| StatusWord::IncorrectData)
}
