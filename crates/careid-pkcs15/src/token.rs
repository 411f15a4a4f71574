//! One `Token` API over the PIV and PKCS#15 profiles (SMARTCARD.md §2).

use crate::asn1::{self, OdfKind, PrivateKeyType};
use crate::card::{self, Card};
use crate::error::{ObjectKind, Operation, Structure};
use crate::{Error, Pin, PinStatus};
use careid_apdu::{CardTransport, Command, StatusWord, tlv};
use der::Decode as _;

/// The PIV application identifier, right-truncated as SP 800-73-4 Part 2 §3.1.1 allows.
pub const PIV_AID: [u8; 9] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00];
/// The PKCS#15 application identifier (`A0 00 00 00 63` || "PKCS-15").
pub const PKCS15_AID: [u8; 12] = [
    0xA0, 0x00, 0x00, 0x00, 0x63, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35,
];

/// PIV key references and their certificate containers (SP 800-73-4 Part 1 Table 3, Part 2
/// §3.1.2): PIV Authentication, Digital Signature, Key Management, Card Authentication.
const PIV_SLOTS: [(u8, u32, &str); 4] = [
    (0x9A, 0x5FC105, "PIV Authentication"),
    (0x9C, 0x5FC10A, "Digital Signature"),
    (0x9D, 0x5FC10B, "Key Management"),
    (0x9E, 0x5FC101, "Card Authentication"),
];
/// The CHUID container tag.
const PIV_CHUID: u32 = 0x5FC102;

/// The generic PKCS#15 profile's MSE algorithm references: RSA PKCS#1 v1.5 over a host-built
/// DigestInfo, and ECDSA over a host-computed hash. Real cards with other references need a
/// card-specific profile.
const PKCS15_ALG_RSA_PKCS1: u8 = 0x02;
const PKCS15_ALG_ECDSA: u8 = 0x44;

/// Which profile the token was opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileKind {
    /// NIST SP 800-73-4 PIV (NHS series 9/10 cards, YubiKeys).
    Piv,
    /// PKCS#15 / ISO/IEC 7816-15.
    Pkcs15,
}

/// A hash algorithm for a digest handed to the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// The type of a key on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA with this modulus length.
    Rsa {
        /// Modulus bits.
        bits: usize,
    },
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// ECDSA on a curve learnt only from the certificate.
    Ec,
}

/// A certificate on the token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// The id (PKCS#15 `iD`; for PIV the key reference, e.g. `9A`).
    pub id: Vec<u8>,
    /// The label.
    pub label: String,
    /// Whether it is a CA certificate.
    pub authority: bool,
}

/// A private key on the token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyInfo {
    /// The id, equal to its certificate's id.
    pub id: Vec<u8>,
    /// The label.
    pub label: String,
    /// The key type.
    pub algorithm: KeyAlgorithm,
    /// Whether the key may sign.
    pub can_sign: bool,
    /// The card's reference for the key (MSE `84`, PIV key reference).
    pub reference: u8,
}

#[derive(Debug, Clone)]
struct PinRef {
    reference: u8,
    min: usize,
    max: usize,
    stored: usize,
    pad: Option<u8>,
    digits_only: bool,
}

#[derive(Debug, Clone)]
enum Location {
    Path(Vec<u8>),
    PivTag(u32),
}

#[derive(Debug, Clone)]
struct CertEntry {
    info: CertificateInfo,
    location: Location,
    cached: Option<Vec<u8>>,
}

/// A smartcard opened through PIV or PKCS#15.
///
/// [`Token::open`] detects the profile (PIV first, then PKCS#15 discovery as OpenSC does) and
/// reads the object directories. Certificates and PIN status can then be read freely; signing
/// needs a [`Session`], which only [`Token::verify_pin`] creates.
pub struct Token<T> {
    card: Card<T>,
    profile: ProfileKind,
    label: Option<String>,
    serial: Option<Vec<u8>>,
    app_aid: Option<Vec<u8>>,
    app_path: Vec<u8>,
    certs: Vec<CertEntry>,
    keys: Vec<KeyInfo>,
    user_pin: PinRef,
    puk: Option<PinRef>,
    pin_verified: bool,
}

impl<T> core::fmt::Debug for Token<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Token")
            .field("profile", &self.profile)
            .field("label", &self.label)
            .field("certificates", &self.certs.len())
            .field("keys", &self.keys)
            .field("pin_verified", &self.pin_verified)
            .finish_non_exhaustive()
    }
}

impl<T: CardTransport> Token<T> {
    /// Opens the token: PIV if the card answers SELECT of the PIV AID, otherwise PKCS#15
    /// (EF.DIR, then the default application path `3F00 5015`, then `3F00`).
    pub fn open(transport: T) -> Result<Self, Error> {
        let mut card = Card::new(transport);
        let piv = card.select_aid(&PIV_AID)?;
        if piv.sw.is_success() {
            return Self::open_piv(card);
        }
        Self::open_pkcs15(card)
    }

    fn open_piv(mut card: Card<T>) -> Result<Self, Error> {
        let mut certs = Vec::new();
        let mut keys = Vec::new();
        for (reference, tag, label) in PIV_SLOTS {
            let Some(cert) = piv_get_certificate(&mut card, tag)? else {
                continue;
            };
            let algorithm = key_algorithm_of(&cert)?;
            certs.push(CertEntry {
                info: CertificateInfo {
                    id: vec![reference],
                    label: label.to_owned(),
                    authority: false,
                },
                location: Location::PivTag(tag),
                cached: Some(cert),
            });
            keys.push(KeyInfo {
                id: vec![reference],
                label: label.to_owned(),
                algorithm,
                can_sign: true,
                reference,
            });
        }
        Ok(Self {
            card,
            profile: ProfileKind::Piv,
            label: Some("PIV".to_owned()),
            serial: None,
            app_aid: Some(PIV_AID.to_vec()),
            app_path: Vec::new(),
            certs,
            keys,
            // SP 800-73-4 Part 2 §2.4.3: PIN 6 to 8 digits, padded with FF to 8.
            user_pin: PinRef {
                reference: 0x80,
                min: 6,
                max: 8,
                stored: 8,
                pad: Some(0xFF),
                digits_only: true,
            },
            puk: Some(PinRef {
                reference: 0x80,
                min: 8,
                max: 8,
                stored: 8,
                pad: None,
                digits_only: false,
            }),
            pin_verified: false,
        })
    }

    fn open_pkcs15(mut card: Card<T>) -> Result<Self, Error> {
        // 1. EF.DIR (SMARTCARD.md §3.1).
        let mut app_path: Option<Vec<u8>> = None;
        let mut app_aid = None;
        if let Ok(info) = card.select_path(&[0x3F, 0x00, 0x2F, 0x00]) {
            let dir = card.read_binary(info.size)?;
            for app in tlv::TlvIter::new(&dir) {
                let app = app.map_err(|_| Error::Malformed {
                    structure: Structure::EfDir,
                })?;
                if app.tag() != 0x61 {
                    continue;
                }
                let bad = |_| Error::Malformed {
                    structure: Structure::EfDir,
                };
                let aid = app.child(0x4F).map_err(bad)?.map(|t| t.value().to_vec());
                if aid.as_deref() != Some(&PKCS15_AID[..]) {
                    continue;
                }
                app_aid = aid;
                app_path = app.child(0x51).map_err(bad)?.map(|t| t.value().to_vec());
                break;
            }
        }
        // 2. The application: EF.DIR's path, else SELECT by AID and the default path.
        let app_path = match app_path {
            Some(path) if path.starts_with(&[0x3F, 0x00]) => path,
            Some(path) => [&[0x3F, 0x00][..], &path].concat(),
            None => {
                let by_aid = card.select_aid(&PKCS15_AID)?;
                if by_aid.sw.is_success() {
                    app_aid = Some(PKCS15_AID.to_vec());
                    vec![0x3F, 0x00, 0x50, 0x15]
                } else if card.select_path(&[0x3F, 0x00, 0x50, 0x15]).is_ok() {
                    vec![0x3F, 0x00, 0x50, 0x15]
                } else {
                    vec![0x3F, 0x00]
                }
            }
        };
        // 3-5. ODF and TokenInfo.
        let odf_bytes = match read_file(&mut card, &[&app_path[..], &[0x50, 0x31]].concat()) {
            Ok(bytes) => bytes,
            Err(Error::Card {
                sw: StatusWord::FileNotFound,
                ..
            }) => return Err(Error::UnsupportedCard),
            Err(e) => return Err(e),
        };
        let odf =
            asn1::parse_odf(&odf_bytes).map_err(|structure| Error::Malformed { structure })?;
        let token_info = read_file(&mut card, &[&app_path[..], &[0x50, 0x32]].concat())
            .ok()
            .and_then(|b| asn1::parse_token_info(&b).ok());
        // 6. Directories.
        let mut pins = Vec::new();
        let mut prkeys = Vec::new();
        let mut cdf = Vec::new();
        for (kind, path) in &odf {
            let full = absolute(&app_path, &path.path);
            match kind {
                OdfKind::AuthObjects => pins.extend(
                    asn1::parse_aodf(&read_file(&mut card, &full)?)
                        .map_err(|s| Error::Malformed { structure: s })?,
                ),
                OdfKind::PrivateKeys => prkeys.extend(
                    asn1::parse_prkdf(&read_file(&mut card, &full)?)
                        .map_err(|s| Error::Malformed { structure: s })?,
                ),
                OdfKind::Certificates
                | OdfKind::TrustedCertificates
                | OdfKind::UsefulCertificates => cdf.extend(
                    asn1::parse_cdf(&read_file(&mut card, &full)?)
                        .map_err(|s| Error::Malformed { structure: s })?,
                ),
                _ => {}
            }
        }
        let to_ref = |p: &asn1::PinObject| PinRef {
            reference: p.reference,
            min: p.min_length,
            max: p.max_length.unwrap_or(p.stored_length).max(p.min_length),
            stored: p.stored_length,
            pad: if asn1::bit(p.flags, 5) {
                Some(p.pad_char.unwrap_or(0x00))
            } else {
                None
            },
            digits_only: p.pin_type == 1 || p.pin_type == 0,
        };
        // The user PIN: the first PIN that is neither an unblocking PIN nor an SO PIN.
        let user = pins
            .iter()
            .find(|p| !asn1::bit(p.flags, 6) && !asn1::bit(p.flags, 7))
            .ok_or(Error::NotFound {
                kind: ObjectKind::Pin,
            })?;
        let puk = pins.iter().find(|p| asn1::bit(p.flags, 6)).map(to_ref);
        let user_pin = to_ref(user);
        let keys = prkeys
            .iter()
            .map(|k| KeyInfo {
                id: k.id.clone(),
                label: k.label.clone().unwrap_or_default(),
                algorithm: match k.key_type {
                    PrivateKeyType::Rsa { bits } => KeyAlgorithm::Rsa { bits },
                    _ => KeyAlgorithm::Ec,
                },
                // sign (2), signRecover (3) or nonRepudiation (9).
                can_sign: asn1::bit(k.usage, 2) || asn1::bit(k.usage, 3) || asn1::bit(k.usage, 9),
                reference: k.key_reference.unwrap_or(0),
            })
            .collect();
        let certs = cdf
            .into_iter()
            .map(|c| CertEntry {
                info: CertificateInfo {
                    id: c.id,
                    label: c.label.unwrap_or_default(),
                    authority: c.authority,
                },
                location: Location::Path(absolute(&app_path, &c.path.path)),
                cached: None,
            })
            .collect();
        Ok(Self {
            card,
            profile: ProfileKind::Pkcs15,
            label: token_info.as_ref().and_then(|t| t.label.clone()),
            serial: token_info.map(|t| t.serial_number),
            app_aid,
            app_path,
            certs,
            keys,
            user_pin,
            puk,
            pin_verified: false,
        })
    }

    /// The profile in use.
    pub fn profile(&self) -> ProfileKind {
        self.profile
    }

    /// The token label (PKCS#15 TokenInfo), if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The token serial number (PKCS#15 TokenInfo), if any.
    pub fn serial_number(&self) -> Option<&[u8]> {
        self.serial.as_deref()
    }

    /// The certificates on the token.
    pub fn certificates(&self) -> impl Iterator<Item = &CertificateInfo> {
        self.certs.iter().map(|c| &c.info)
    }

    /// The private keys on the token.
    pub fn keys(&self) -> &[KeyInfo] {
        &self.keys
    }

    /// How many APDU exchanges have been made so far (for benchmarks and diagnostics).
    pub fn apdu_count(&self) -> u64 {
        self.card.channel.exchanges()
    }

    /// Reads a certificate (DER) by id. Read once, then cached.
    pub fn read_certificate(&mut self, id: &[u8]) -> Result<Vec<u8>, Error> {
        let index = self
            .certs
            .iter()
            .position(|c| c.info.id == id)
            .ok_or(Error::NotFound {
                kind: ObjectKind::Certificate,
            })?;
        if let Some(cached) = self.certs.get(index).and_then(|c| c.cached.clone()) {
            return Ok(cached);
        }
        let location =
            self.certs
                .get(index)
                .map(|c| c.location.clone())
                .ok_or(Error::NotFound {
                    kind: ObjectKind::Certificate,
                })?;
        let der = match location {
            Location::Path(path) => read_file(&mut self.card, &path)?,
            Location::PivTag(tag) => {
                piv_get_certificate(&mut self.card, tag)?.ok_or(Error::NotFound {
                    kind: ObjectKind::Certificate,
                })?
            }
        };
        if let Some(entry) = self.certs.get_mut(index) {
            entry.cached = Some(der.clone());
        }
        Ok(der)
    }

    /// The PIV Card Holder Unique Identifier (SP 800-73-4 Part 1 §3.1.2), for PIV tokens.
    pub fn piv_chuid(&mut self) -> Result<Option<Vec<u8>>, Error> {
        if self.profile != ProfileKind::Piv {
            return Ok(None);
        }
        piv_get_data(&mut self.card, PIV_CHUID)
    }

    /// The user PIN's status, asked in a way that never spends a try: PIV's empty VERIFY
    /// (SP 800-73-4 Part 2 §3.2.1). Generic PKCS#15 cards may count that query as an attempt,
    /// so for them the answer is [`PinStatus::Unknown`] and nothing is sent.
    pub fn pin_status(&mut self) -> Result<PinStatus, Error> {
        self.check_reset();
        match self.profile {
            ProfileKind::Piv => self.card.verify_status(self.user_pin.reference),
            ProfileKind::Pkcs15 => Ok(if self.pin_verified {
                PinStatus::Verified
            } else {
                PinStatus::Unknown
            }),
        }
    }

    /// Verifies the user PIN, once. On success returns the [`Session`] that can sign; on a
    /// wrong PIN returns [`Error::WrongPin`] with the card's count of tries left, and careid
    /// sends nothing more. A PIN that does not fit the card's rules is refused before it is
    /// sent ([`Error::PinFormat`]), so it spends no try.
    pub fn verify_pin(&mut self, pin: &Pin) -> Result<Session<'_, T>, Error> {
        self.check_reset();
        let p = self.user_pin.clone();
        card::check_pin(pin, p.min, p.max, p.digits_only)?;
        let data = formatted(pin, &p);
        self.pin_verified = false;
        self.card.verify(p.reference, &data)?;
        self.pin_verified = true;
        Ok(Session { token: self })
    }

    /// Changes the user PIN (CHANGE REFERENCE DATA, ISO/IEC 7816-4 §11.5.7).
    pub fn change_pin(&mut self, old: &Pin, new: &Pin) -> Result<(), Error> {
        let rules = self.user_pin.clone();
        self.replace_pin(Operation::ChangePin, 0x24, old, &rules, new)
    }

    /// Unblocks the user PIN with the PUK and sets a new PIN (RESET RETRY COUNTER,
    /// ISO/IEC 7816-4 §11.5.10).
    pub fn unblock_pin(&mut self, puk: &Pin, new: &Pin) -> Result<(), Error> {
        let puk_rules = self.puk.clone().ok_or(Error::NotFound {
            kind: ObjectKind::Pin,
        })?;
        self.replace_pin(Operation::UnblockPin, 0x2C, puk, &puk_rules, new)
    }

    /// CHANGE REFERENCE DATA or RESET RETRY COUNTER for the user PIN: the data is the old PIN
    /// (or the PUK) then the new PIN, each formatted by its own rules, in a zeroizing buffer.
    fn replace_pin(
        &mut self,
        operation: Operation,
        ins: u8,
        first: &Pin,
        first_rules: &PinRef,
        new: &Pin,
    ) -> Result<(), Error> {
        self.check_reset();
        let user = self.user_pin.clone();
        card::check_pin(
            first,
            first_rules.min,
            first_rules.max,
            first_rules.digits_only,
        )?;
        card::check_pin(new, user.min, user.max, user.digits_only)?;
        let mut data = zeroize::Zeroizing::new(Vec::with_capacity(2 * user.stored.max(8)));
        data.extend_from_slice(&formatted(first, first_rules));
        data.extend_from_slice(&formatted(new, &user));
        self.card
            .change_reference_data(operation, ins, user.reference, &data)
    }

    /// Gives the transport back.
    pub fn into_transport(self) -> T {
        self.card.channel.into_transport()
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        self.card.channel.transport()
    }

    /// The transport, mutably (for simulators and fault injection in tests).
    pub fn transport_mut(&mut self) -> &mut T {
        self.card.channel.transport_mut()
    }

    /// After a reset the card has forgotten the PIN and the selected application: drop the
    /// verified state and select the application again.
    fn check_reset(&mut self) {
        if self.card.reset_seen {
            self.card.reset_seen = false;
            self.pin_verified = false;
            if let Some(aid) = self.app_aid.clone() {
                let _ = self.card.select_aid(&aid);
            } else if !self.app_path.is_empty() {
                let path = self.app_path.clone();
                let _ = self.card.select_path(&path);
            }
        }
    }

    fn key(&self, id: &[u8]) -> Result<KeyInfo, Error> {
        self.keys
            .iter()
            .find(|k| k.id == id)
            .cloned()
            .ok_or(Error::NotFound {
                kind: ObjectKind::Key,
            })
    }
}

/// A PIN as its rules want it on the wire (padded or not), in a zeroizing buffer.
fn formatted(pin: &Pin, rules: &PinRef) -> zeroize::Zeroizing<Vec<u8>> {
    match rules.pad {
        Some(pad) => pin.padded(pad, rules.stored),
        None => pin.padded(0, 0),
    }
}

/// Proof that the user PIN was verified in this card session: the only handle that signs.
///
/// It borrows the [`Token`], so nothing else can talk to the card while it exists. A card
/// reset ends it: the next operation returns [`Error::PinStateLost`].
pub struct Session<'t, T> {
    token: &'t mut Token<T>,
}

impl<T> core::fmt::Debug for Session<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("profile", &self.token.profile)
            .finish_non_exhaustive()
    }
}

impl<T: CardTransport> Session<'_, T> {
    /// Signs a digest with the key `key_id`.
    ///
    /// - PKCS#15: MANAGE SECURITY ENVIRONMENT (DST) then PSO: COMPUTE DIGITAL SIGNATURE, with a
    ///   DigestInfo for RSA and the bare hash for ECDSA.
    /// - PIV: GENERAL AUTHENTICATE with an EMSA-PKCS1-v1_5 block for RSA and the hash for ECDSA.
    ///
    /// RSA signatures come back as the raw signature; ECDSA signatures are returned in DER
    /// (`Ecdsa-Sig-Value`), whatever the card's own encoding.
    pub fn sign_digest(
        &mut self,
        key_id: &[u8],
        hash: Hash,
        digest: &[u8],
    ) -> Result<Vec<u8>, Error> {
        self.ensure_live()?;
        let key = self.token.key(key_id)?;
        if !key.can_sign {
            return Err(Error::KeyUnsuitable);
        }
        match self.token.profile {
            ProfileKind::Piv => piv_general_authenticate(&mut self.token.card, &key, hash, digest),
            ProfileKind::Pkcs15 => {
                let (alg, data) = match key.algorithm {
                    KeyAlgorithm::Rsa { .. } => {
                        (PKCS15_ALG_RSA_PKCS1, card::digest_info(hash, digest)?)
                    }
                    _ => (PKCS15_ALG_ECDSA, digest.to_vec()),
                };
                let mse = Command::new(0x00, 0x22, 0x41, 0xB6).with_data(vec![
                    0x80,
                    0x01,
                    alg,
                    0x84,
                    0x01,
                    key.reference,
                ]);
                self.token
                    .card
                    .ok(Operation::ManageSecurityEnvironment, &mse)?;
                let pso = Command::new(0x00, 0x2A, 0x9E, 0x9A)
                    .with_data(data)
                    .with_ne(256);
                let sig = self.checked(Operation::ComputeSignature, &pso)?;
                match key.algorithm {
                    KeyAlgorithm::Rsa { .. } => Ok(sig),
                    _ => card::plain_to_der(&sig),
                }
            }
        }
    }

    /// Proves possession of the authentication key over a challenge digest.
    ///
    /// - PKCS#15: MANAGE SECURITY ENVIRONMENT (AT) then INTERNAL AUTHENTICATE with a DigestInfo
    ///   (RSA keys only, as on CIS cards).
    /// - PIV: GENERAL AUTHENTICATE, the same as [`Session::sign_digest`].
    pub fn internal_authenticate(
        &mut self,
        key_id: &[u8],
        hash: Hash,
        digest: &[u8],
    ) -> Result<Vec<u8>, Error> {
        self.ensure_live()?;
        let key = self.token.key(key_id)?;
        match (self.token.profile, key.algorithm) {
            (ProfileKind::Piv, _) => {
                piv_general_authenticate(&mut self.token.card, &key, hash, digest)
            }
            (ProfileKind::Pkcs15, KeyAlgorithm::Rsa { .. }) => {
                let mse = Command::new(0x00, 0x22, 0x41, 0xA4).with_data(vec![
                    0x80,
                    0x01,
                    PKCS15_ALG_RSA_PKCS1,
                    0x84,
                    0x01,
                    key.reference,
                ]);
                self.token
                    .card
                    .ok(Operation::ManageSecurityEnvironment, &mse)?;
                let cmd = Command::new(0x00, 0x88, 0x00, 0x00)
                    .with_data(card::digest_info(hash, digest)?)
                    .with_ne(256);
                self.checked(Operation::InternalAuthenticate, &cmd)
            }
            (ProfileKind::Pkcs15, _) => Err(Error::KeyUnsuitable),
        }
    }

    /// The token behind the session (to read certificates while signed in).
    pub fn token(&mut self) -> &mut Token<T> {
        self.token
    }

    fn ensure_live(&mut self) -> Result<(), Error> {
        if self.token.card.reset_seen || !self.token.pin_verified {
            self.token.check_reset();
            return Err(Error::PinStateLost);
        }
        Ok(())
    }

    fn checked(&mut self, operation: Operation, cmd: &Command) -> Result<Vec<u8>, Error> {
        let result = self.token.card.ok(operation, cmd);
        if let Err(Error::Card {
            sw: StatusWord::SecurityStatusNotSatisfied,
            ..
        }) = &result
        {
            // The card no longer considers the PIN verified.
            self.token.pin_verified = false;
        }
        result
    }
}

/// `absolute(app, path)`: PKCS#15 paths starting with `3F00` are absolute; others are relative
/// to the application DF.
fn absolute(app_path: &[u8], path: &[u8]) -> Vec<u8> {
    if path.starts_with(&[0x3F, 0x00]) {
        path.to_vec()
    } else {
        [app_path, path].concat()
    }
}

fn read_file<T: CardTransport>(card: &mut Card<T>, path: &[u8]) -> Result<Vec<u8>, Error> {
    let info = card.select_path(path)?;
    card.read_binary(info.size)
}

/// GET DATA (SP 800-73-4 Part 2 §3.1.2): `00 CB 3F FF 05 5C 03 <tag> 00`; `None` on `6A82`.
fn piv_get_data<T: CardTransport>(card: &mut Card<T>, tag: u32) -> Result<Option<Vec<u8>>, Error> {
    let [_, t1, t2, t3] = tag.to_be_bytes();
    let extended = card.channel.transport().supports_extended_length();
    let cmd = Command::new(0x00, 0xCB, 0x3F, 0xFF)
        .with_data(vec![0x5C, 0x03, t1, t2, t3])
        .with_ne(if extended { 65536 } else { 256 });
    let r = card.send(&cmd)?;
    match r.sw {
        StatusWord::Success => {
            let outer = tlv::parse_one(&r.data).map_err(|_| Error::Malformed {
                structure: Structure::PivObject,
            })?;
            if outer.tag() != 0x53 {
                return Err(Error::Malformed {
                    structure: Structure::PivObject,
                });
            }
            Ok(Some(outer.value().to_vec()))
        }
        StatusWord::FileNotFound => Ok(None),
        sw => Err(Error::Card {
            operation: Operation::GetData,
            sw,
        }),
    }
}

/// A PIV certificate container: `53 { 70 cert, 71 CertInfo, FE LRC }` (SP 800-73-4 Part 1
/// Appendix A). Compressed certificates (CertInfo `01`) are refused.
fn piv_get_certificate<T: CardTransport>(
    card: &mut Card<T>,
    tag: u32,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(object) = piv_get_data(card, tag)? else {
        return Ok(None);
    };
    parse_piv_certificate(&object).map(Some)
}

/// Extracts the certificate from a PIV certificate container's value.
pub fn parse_piv_certificate(object: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = || Error::Malformed {
        structure: Structure::PivObject,
    };
    let cert = tlv::find(object, 0x70)
        .map_err(|_| bad())?
        .ok_or_else(bad)?;
    let info = tlv::find(object, 0x71).map_err(|_| bad())?;
    if info.is_some_and(|info| info.value().first().is_some_and(|b| b & 0x01 != 0)) {
        return Err(bad());
    }
    Ok(cert.value().to_vec())
}

fn key_algorithm_of(cert: &[u8]) -> Result<KeyAlgorithm, Error> {
    let bad = Error::Malformed {
        structure: Structure::Certificate,
    };
    let cert = x509_cert::Certificate::from_der(cert).map_err(|_| bad.clone())?;
    let spki = &cert.tbs_certificate().subject_public_key_info();
    let oid = spki.algorithm.oid.to_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" => {
            // RSAPublicKey: SEQUENCE { n INTEGER, e INTEGER }.
            let key = spki.subject_public_key.as_bytes().ok_or(bad.clone())?;
            let seq = tlv::parse_one(key).map_err(|_| bad.clone())?;
            let n = seq
                .child(0x02)
                .map_err(|_| bad.clone())?
                .ok_or(bad.clone())?;
            let n = n.value();
            let start = n.iter().position(|b| *b != 0).unwrap_or(n.len());
            let bits = n.len().saturating_sub(start) * 8;
            Ok(KeyAlgorithm::Rsa { bits })
        }
        "1.2.840.10045.2.1" => {
            let params = spki.algorithm.parameters.as_ref().ok_or(bad.clone())?;
            let curve: der::asn1::ObjectIdentifier = params.decode_as().map_err(|_| bad.clone())?;
            match curve.to_string().as_str() {
                "1.2.840.10045.3.1.7" => Ok(KeyAlgorithm::EcP256),
                "1.3.132.0.34" => Ok(KeyAlgorithm::EcP384),
                _ => Ok(KeyAlgorithm::Ec),
            }
        }
        _ => Err(Error::KeyUnsuitable),
    }
}

/// GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4).
fn piv_general_authenticate<T: CardTransport>(
    card: &mut Card<T>,
    key: &KeyInfo,
    hash: Hash,
    digest: &[u8],
) -> Result<Vec<u8>, Error> {
    let (alg, challenge) = match key.algorithm {
        KeyAlgorithm::Rsa { bits: 2048 } => (
            0x07,
            emsa_pkcs1_v1_5(&card::digest_info(hash, digest)?, 256)?,
        ),
        KeyAlgorithm::EcP256 => (0x11, digest.to_vec()),
        KeyAlgorithm::EcP384 => (0x14, digest.to_vec()),
        _ => return Err(Error::KeyUnsuitable),
    };
    let bad = |_| Error::Malformed {
        structure: Structure::PivObject,
    };
    let mut template = tlv::encode(0x82, &[]).map_err(bad)?;
    template.extend(tlv::encode(0x81, &challenge).map_err(bad)?);
    let data = tlv::encode(0x7C, &template).map_err(bad)?;
    let extended = card.channel.transport().supports_extended_length();
    let cmd = Command::new(0x00, 0x87, alg, key.reference)
        .with_data(data)
        .with_ne(if extended { 65536 } else { 256 });
    let r = card.send(&cmd)?;
    let body = r.success().map_err(|sw| Error::Card {
        operation: Operation::GeneralAuthenticate,
        sw,
    })?;
    let response = tlv::find_path(&body, &[0x7C, 0x82])
        .map_err(bad)?
        .ok_or(Error::Malformed {
            structure: Structure::Signature,
        })?;
    Ok(response.value().to_vec())
}

/// EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2): `00 01 FF..FF 00 DigestInfo`.
fn emsa_pkcs1_v1_5(digest_info: &[u8], k: usize) -> Result<Vec<u8>, Error> {
    let pad = k
        .checked_sub(digest_info.len() + 3)
        .filter(|p| *p >= 8)
        .ok_or(Error::KeyUnsuitable)?;
    let mut block = Vec::with_capacity(k);
    block.extend_from_slice(&[0x00, 0x01]);
    block.resize(2 + pad, 0xFF);
    block.push(0x00);
    block.extend_from_slice(digest_info);
    Ok(block)
}
