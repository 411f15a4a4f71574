//! The simulated card behind the real `pcscd`, through `vsmartcard-vpcd` (SMARTCARD.md §8.1).
//!
//! vpcd listens (127.0.0.1:35963 for reader `Virtual PCD 00 00`); the card connects as a TCP
//! client. Every message, both ways, is a big-endian `u16` length then that many bytes. vpcd
//! sends one-byte control messages (`00` power off, `01` power on, `02` reset, `04` get ATR)
//! and command APDUs; the card answers the ATR request and every APDU, and nothing else.

use crate::CardSim;
use careid_apdu::{CardTransport as _, TransportError};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// vpcd's default port for slot 0 (`0x8C7B`): reader `Virtual PCD 00 00`.
pub const VPCD_PORT: u16 = 35963;

/// How often a blocked read wakes up to check for a stop request.
const POLL: Duration = Duration::from_millis(100);

/// A simulated card inserted into vpcd's virtual reader. The card runs on a thread of its own;
/// the test or CLI that started it can inspect it ([`VpcdCard::card`]) while pcscd talks to it.
pub struct VpcdCard {
    card: Arc<Mutex<CardSim>>,
    stop: Arc<AtomicBool>,
    connected: Arc<AtomicBool>,
    connections: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl core::fmt::Debug for VpcdCard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VpcdCard")
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

impl VpcdCard {
    /// Inserts `card` into the vpcd reader at `addr` (usually `127.0.0.1:35963`). The card
    /// connects in the background and reconnects whenever vpcd goes away (pcscd restarted),
    /// until [`VpcdCard::remove`] or drop.
    pub fn insert(card: CardSim, addr: SocketAddr) -> Self {
        let card = Arc::new(Mutex::new(card));
        let stop = Arc::new(AtomicBool::new(false));
        let connected = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicU64::new(0));
        let thread = {
            let (card, stop, connected, connections) = (
                Arc::clone(&card),
                Arc::clone(&stop),
                Arc::clone(&connected),
                Arc::clone(&connections),
            );
            std::thread::spawn(move || run(&card, addr, &stop, &connected, &connections))
        };
        Self {
            card,
            stop,
            connected,
            connections,
            thread: Some(thread),
        }
    }

    /// The card, for inspection or fault injection while it is in the reader.
    pub fn card(&self) -> MutexGuard<'_, CardSim> {
        self.card.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the card is connected to vpcd right now.
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::SeqCst)
    }

    /// How many times the card has connected to vpcd (it reconnects after a pcscd restart).
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// Pulls the card out of the reader: the connection closes and pcscd reports the reader
    /// empty. Returns the card.
    pub fn remove(mut self) -> CardSim {
        self.shutdown();
        core::mem::replace(&mut *self.card(), CardSim::pkcs15())
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for VpcdCard {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(
    card: &Mutex<CardSim>,
    addr: SocketAddr,
    stop: &AtomicBool,
    connected: &AtomicBool,
    connections: &AtomicU64,
) {
    while !stop.load(Ordering::SeqCst) {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(stream) => {
                connections.fetch_add(1, Ordering::SeqCst);
                connected.store(true, Ordering::SeqCst);
                let pulled_out = matches!(serve(card, stream, stop), Ok(Ended::PulledOut));
                connected.store(false, Ordering::SeqCst);
                if pulled_out {
                    // A fault pulled the card out: it stays out of the reader.
                    stop.store(true, Ordering::SeqCst);
                }
                // A new connection is a new insertion: the card starts unpowered and
                // unauthenticated.
                card.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .power_cycle();
            }
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// Why a connection ended without an I/O error.
enum Ended {
    PulledOut,
}

/// Serves one vpcd connection until it closes, the card is pulled out, or a stop request.
fn serve(
    card: &Mutex<CardSim>,
    mut stream: TcpStream,
    stop: &AtomicBool,
) -> std::io::Result<Ended> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(POLL))?;
    loop {
        // Linux resets TCP_QUICKACK after a delayed ACK; re-arm it before every read so vpcd's
        // two-send frames do not wait ~40 ms for our ACK (SMARTCARD.md §8.1, "Latency").
        #[cfg(target_os = "linux")]
        let _ = socket2::SockRef::from(&stream).set_tcp_quickack(true);
        let mut len = [0_u8; 2];
        read_full(&mut stream, &mut len, stop)?;
        let mut message = vec![0_u8; usize::from(u16::from_be_bytes(len))];
        read_full(&mut stream, &mut message, stop)?;
        let reply = {
            let mut card = card.lock().unwrap_or_else(PoisonError::into_inner);
            match message.as_slice() {
                [0x00] | [0x01] | [0x02] => {
                    card.power_cycle();
                    None
                }
                [0x04] => Some(card.atr().to_vec()),
                [_] | [] => None,
                apdu => match card.transmit_raw(apdu) {
                    Ok(answer) => Some(answer),
                    // The card was pulled out by a fault: close the connection.
                    Err(TransportError::CardRemoved) => return Ok(Ended::PulledOut),
                    Err(_) => Some(vec![0x6F, 0x00]),
                },
            }
        };
        if let Some(reply) = reply {
            write_frame(&mut stream, &reply)?;
        }
    }
}

/// Writes one frame with a single `write` (TCP_NODELAY sends it at once). Never an empty
/// frame: vpcd takes a zero-length reply as card removal.
fn write_frame(stream: &mut TcpStream, body: &[u8]) -> std::io::Result<()> {
    let len =
        u16::try_from(body.len()).map_err(|_| std::io::Error::from(ErrorKind::InvalidData))?;
    if len == 0 {
        return Err(ErrorKind::InvalidData.into());
    }
    let mut frame = Vec::with_capacity(body.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(body);
    stream.write_all(&frame)
}

fn read_full(stream: &mut TcpStream, buf: &mut [u8], stop: &AtomicBool) -> std::io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        if stop.load(Ordering::SeqCst) {
            return Err(ErrorKind::Interrupted.into());
        }
        let Some(rest) = buf.get_mut(filled..) else {
            break;
        };
        match stream.read(rest) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
