//! Starts and stops a private `pcscd` with a vpcd reader, for tests and benchmarks that need
//! the real PC/SC stack (SMARTCARD.md §8.2).
//!
//! There is one pcscd per machine (its socket is fixed at `/run/pcscd/pcscd.comm`), so callers
//! serialise their use ([`Pcscd::lock`]). The daemon runs in the foreground as a child process
//! with a reader configuration of its own (`pcscd -f -c DIR`), its vpcd listening on a port
//! chosen by the caller, and is stopped by PID (SIGTERM, then SIGKILL).

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The vpcd driver installed by Debian's `vsmartcard-vpcd`.
pub const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
/// The pcscd daemon socket.
pub const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";
/// The reader name vpcd's first slot gets.
pub const VPCD_READER: &str = "Virtual PCD 00 00";

/// A pcscd child process with one vpcd reader (two slots) on a private port.
#[derive(Debug)]
pub struct Pcscd {
    child: Option<Child>,
    port: u16,
    config: PathBuf,
}

/// Why the stack could not be started.
#[derive(Debug)]
#[non_exhaustive]
pub enum PcscdError {
    /// `pcscd` or the vpcd driver is not installed.
    NotInstalled(&'static str),
    /// Another pcscd is running (not ours): it owns the daemon socket.
    AlreadyRunning,
    /// Starting or waiting for the daemon failed.
    Io(std::io::Error),
    /// The daemon did not come up in time.
    NotReady,
}

impl core::fmt::Display for PcscdError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NotInstalled(what) => write!(
                f,
                "{what} is not installed (apt-get install pcscd vsmartcard-vpcd)"
            ),
            Self::AlreadyRunning => f.write_str("another pcscd is already running; stop it first"),
            Self::Io(e) => write!(f, "starting pcscd: {e}"),
            Self::NotReady => f.write_str("pcscd did not start listening within 10 s"),
        }
    }
}

impl std::error::Error for PcscdError {}

impl Pcscd {
    /// Serialises users of the one pcscd a machine can have (within one process).
    pub fn lock() -> MutexGuard<'static, ()> {
        static LOCK: Mutex<()> = Mutex::new(());
        LOCK.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether pcscd and vpcd are installed.
    pub fn installed() -> Result<(), PcscdError> {
        if which("pcscd").is_none() {
            return Err(PcscdError::NotInstalled("pcscd"));
        }
        if !Path::new(VPCD_DRIVER).exists() {
            return Err(PcscdError::NotInstalled("vsmartcard-vpcd"));
        }
        Ok(())
    }

    /// Starts pcscd in the foreground with vpcd listening on `port` (slot 0) and `port + 1`,
    /// and waits until vpcd accepts connections.
    pub fn start(port: u16) -> Result<Self, PcscdError> {
        Self::installed()?;
        if Path::new(PCSCD_SOCKET).exists() && other_pcscd_running() {
            return Err(PcscdError::AlreadyRunning);
        }
        let config =
            std::env::temp_dir().join(format!("careid-pcscd-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&config).map_err(PcscdError::Io)?;
        std::fs::write(
            config.join("vpcd"),
            format!(
                "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:{port}\nLIBPATH {VPCD_DRIVER}\nCHANNELID {port}\n"
            ),
        )
        .map_err(PcscdError::Io)?;
        let mut pcscd = Self {
            child: None,
            port,
            config,
        };
        pcscd.spawn()?;
        Ok(pcscd)
    }

    fn spawn(&mut self) -> Result<(), PcscdError> {
        let child = Command::new("pcscd")
            .arg("-f")
            .arg("-c")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(PcscdError::Io)?;
        self.child = Some(child);
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<(), PcscdError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(PCSCD_SOCKET).exists() {
                // vpcd accepts (and pcscd then sees a card in the reader); close at once.
                if TcpStream::connect_timeout(&self.card_addr(), Duration::from_millis(200)).is_ok()
                {
                    return Ok(());
                }
            }
            if let Some(Ok(Some(_))) = self.child.as_mut().map(Child::try_wait) {
                return Err(PcscdError::NotReady);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(PcscdError::NotReady)
    }

    /// The address a card connects to for slot 0 (reader [`VPCD_READER`]).
    pub fn card_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The daemon's PID.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the daemon (SIGKILL: no cleanup, as after a crash) and starts it again.
    pub fn crash_and_restart(&mut self) -> Result<(), PcscdError> {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.spawn()
    }

    /// Stops the daemon: SIGTERM, up to 3 s to exit, then SIGKILL.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = child.id().to_string();
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.config);
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Whether a pcscd process other than our children is alive (its socket answers).
fn other_pcscd_running() -> bool {
    match std::os::unix::net::UnixStream::connect(PCSCD_SOCKET) {
        Ok(_) => true,
        Err(e) => e.kind() != ErrorKind::ConnectionRefused && e.kind() != ErrorKind::NotFound,
    }
}
