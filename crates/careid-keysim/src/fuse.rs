//! The simulated key as a FUSE file that stands in for `/dev/hidrawN` (FIDO.md §9.1), so the
//! unmodified ctap-hid-fido2 + hidapi stack can drive it on hosts without `/dev/uhid` (`fuse-hidraw`
//! feature, Linux).
//!
//! hidapi's `hid_open_path` opens the file read-write and asks for the report descriptor size
//! (`HIDIOCGRDESCSIZE`), which FUSE forwards because the size is encoded in the request number;
//! `hid_write` is `write()` of `0x00 ‖ report` (65 bytes) and a blocking `hid_read` is `read()`
//! of one 64-byte report. The file is opened with `FOPEN_DIRECT_IO | FOPEN_NONSEEKABLE` so each
//! system call is one FUSE request. The session is single-threaded and the simulator answers
//! inside `write`, so every `read` finds its report queued (or the next keepalive generated);
//! a `read` with nothing to say returns 0 bytes.
//!
//! Mounting needs `/dev/fuse` and root (or `fusermount3`); [`HidrawMount::mount`] reports
//! failure as an I/O error so tests can skip with a message.

use crate::KeySim;
use careid_ctap::{HidTransport as _, REPORT_LEN};
use core::time::Duration;
use fuser::{
    Config, Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, INodeNo, IoctlFlags,
    LockOwner, MountOption, OpenFlags, ReplyAttr, ReplyData, ReplyEntry, ReplyIoctl, ReplyOpen,
    ReplyWrite, Request, WriteFlags,
};
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::UNIX_EPOCH;

/// The file name of the simulated device inside the mount.
pub const DEVICE_NAME: &str = "hidraw0";

/// `HIDIOCGRDESCSIZE = _IOR('H', 0x01, int)`.
const HIDIOCGRDESCSIZE: u32 = 0x8004_4801;
/// `HIDIOCGRDESC = _IOR('H', 0x02, struct hidraw_report_descriptor)` (4 + 4096 bytes).
const HIDIOCGRDESC: u32 = 0x9004_4802;

/// The FIDO HID report descriptor (CTAP 2.1 §11.2.8.2): usage page `0xF1D0`, usage `0x01`,
/// 64-byte input and output reports.
pub const FIDO_REPORT_DESCRIPTOR: [u8; 34] = [
    0x06, 0xD0, 0xF1, // Usage Page (FIDO Alliance)
    0x09, 0x01, // Usage (CTAPHID)
    0xA1, 0x01, // Collection (Application)
    0x09, 0x20, //   Usage (Input Report Data)
    0x15, 0x00, //   Logical Minimum (0)
    0x26, 0xFF, 0x00, //   Logical Maximum (255)
    0x75, 0x08, //   Report Size (8)
    0x95, 0x40, //   Report Count (64)
    0x81, 0x02, //   Input (Data, Var, Abs)
    0x09, 0x21, //   Usage (Output Report Data)
    0x15, 0x00, //   Logical Minimum (0)
    0x26, 0xFF, 0x00, //   Logical Maximum (255)
    0x75, 0x08, //   Report Size (8)
    0x95, 0x40, //   Report Count (64)
    0x91, 0x02, //   Output (Data, Var, Abs)
    0xC0, // End Collection
];

const TTL: Duration = Duration::from_secs(1);
const ROOT: INodeNo = INodeNo::ROOT;
const DEVICE: INodeNo = INodeNo(2);

/// A mounted simulated hidraw device. Unmounted on drop.
pub struct HidrawMount {
    session: Option<fuser::BackgroundSession>,
    path: PathBuf,
    sim: Arc<Mutex<KeySim>>,
}

impl core::fmt::Debug for HidrawMount {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HidrawMount")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl HidrawMount {
    /// Mounts `sim` as `dir/hidraw0`. `dir` must be an empty directory.
    pub fn mount(sim: KeySim, dir: &Path) -> io::Result<Self> {
        let sim = Arc::new(Mutex::new(sim));
        let fs = HidrawFs {
            sim: Arc::clone(&sim),
            uid: current_owner(dir).0,
            gid: current_owner(dir).1,
        };
        let mut config = Config::default();
        config.mount_options = vec![
            MountOption::FSName("careid-keysim".into()),
            MountOption::Subtype("hidraw".into()),
            MountOption::DefaultPermissions,
        ];
        config.n_threads = Some(1);
        let session = fuser::spawn_mount(fs, dir, &config)?;
        Ok(Self {
            session: Some(session),
            path: dir.join(DEVICE_NAME),
            sim,
        })
    }

    /// The path to open as the hidraw device.
    pub fn device_path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the simulated key (to flip switches or read its state mid-test).
    pub fn with_sim<R>(&self, f: impl FnOnce(&mut KeySim) -> R) -> R {
        let mut sim = self.sim.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut sim)
    }

    /// Unmounts and waits for the session to end.
    pub fn unmount(mut self) -> io::Result<()> {
        match self.session.take() {
            Some(session) => session.umount_and_join(),
            None => Ok(()),
        }
    }
}

impl Drop for HidrawMount {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            // Best effort: a lazy unmount (`umount -l`) clears a stale mount otherwise.
            let _ = session.umount_and_join();
        }
    }
}

fn current_owner(dir: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(dir).map_or((0, 0), |m| (m.uid(), m.gid()))
}

struct HidrawFs {
    sim: Arc<Mutex<KeySim>>,
    uid: u32,
    gid: u32,
}

impl HidrawFs {
    fn attr(&self, ino: INodeNo) -> FileAttr {
        let (kind, perm, nlink) = if ino == ROOT {
            (FileType::Directory, 0o755, 2)
        } else {
            (FileType::RegularFile, 0o600, 1)
        };
        FileAttr {
            ino,
            size: 0,
            blocks: 0,
            atime: UNIX_EPOCH,
            mtime: UNIX_EPOCH,
            ctime: UNIX_EPOCH,
            crtime: UNIX_EPOCH,
            kind,
            perm,
            nlink,
            uid: self.uid,
            gid: self.gid,
            rdev: 0,
            flags: 0,
            blksize: 512,
        }
    }
}

impl Filesystem for HidrawFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        if parent == ROOT && name == DEVICE_NAME {
            reply.entry(&TTL, &self.attr(DEVICE), fuser::Generation(0));
        } else {
            reply.error(Errno::ENOENT);
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        if ino == ROOT || ino == DEVICE {
            reply.attr(&TTL, &self.attr(ino));
        } else {
            reply.error(Errno::ENOENT);
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        if ino == DEVICE {
            reply.opened(
                FileHandle(0),
                FopenFlags::FOPEN_DIRECT_IO | FopenFlags::FOPEN_NONSEEKABLE,
            );
        } else {
            reply.error(Errno::EISDIR);
        }
    }

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        if ino != DEVICE {
            reply.error(Errno::EISDIR);
            return;
        }
        let mut sim = self.sim.lock().unwrap_or_else(PoisonError::into_inner);
        match sim.read_report(Duration::ZERO) {
            Ok(Some(report)) => {
                let n = usize::try_from(size).unwrap_or(REPORT_LEN).min(REPORT_LEN);
                reply.data(report.get(..n).unwrap_or(&report));
            }
            Ok(None) => reply.data(&[]),
            Err(_) => reply.error(Errno::EIO),
        }
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        if ino != DEVICE {
            reply.error(Errno::EISDIR);
            return;
        }
        // hidraw writes carry the report ID first: 0x00 for devices with a single report.
        let report = match data {
            [0, rest @ ..] if rest.len() == REPORT_LEN => rest,
            _ if data.len() == REPORT_LEN => data,
            _ => {
                reply.error(Errno::EINVAL);
                return;
            }
        };
        let Ok(report) = <&[u8; REPORT_LEN]>::try_from(report) else {
            reply.error(Errno::EINVAL);
            return;
        };
        let mut sim = self.sim.lock().unwrap_or_else(PoisonError::into_inner);
        match sim.write_report(report) {
            Ok(()) => reply.written(u32::try_from(data.len()).unwrap_or(u32::MAX)),
            Err(_) => reply.error(Errno::EIO),
        }
    }

    fn ioctl(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _flags: IoctlFlags,
        cmd: u32,
        _in_data: &[u8],
        _out_size: u32,
        reply: ReplyIoctl,
    ) {
        if ino != DEVICE {
            reply.error(Errno::ENOTTY);
            return;
        }
        let len = u32::try_from(FIDO_REPORT_DESCRIPTOR.len()).unwrap_or(0);
        match cmd {
            HIDIOCGRDESCSIZE => reply.ioctl(0, &len.to_ne_bytes()),
            HIDIOCGRDESC => {
                // struct hidraw_report_descriptor { __u32 size; __u8 value[4096]; }
                let mut out = vec![0u8; 4 + 4096];
                for (slot, byte) in out.iter_mut().zip(
                    len.to_ne_bytes()
                        .iter()
                        .chain(FIDO_REPORT_DESCRIPTOR.iter()),
                ) {
                    *slot = *byte;
                }
                reply.ioctl(0, &out);
            }
            _ => reply.error(Errno::ENOTTY),
        }
    }
}
