//! The transport trait, and a scripted transport for tests.

use crate::ctaphid::{REPORT_LEN, Report};
use crate::error::TransportError;
use core::time::Duration;

/// The one thing the CTAPHID layer needs from a HID device: write a 64-byte output report, read
/// a 64-byte input report within a timeout (CTAP 2.1 §11.2.8: FIDO devices have 64-byte input
/// and output reports). Framing, channels, keepalives, cancellation and errors are generic code
/// above this trait ([`Device`](crate::Device)); a transport interprets nothing.
///
/// Reports are given without the HID report-ID byte: a transport for a platform that wants one
/// (hidraw and hidapi take `0x00 ‖ report`, 65 bytes) adds it on write and strips it on read.
pub trait HidTransport {
    /// Writes one output report.
    fn write_report(&mut self, report: &Report) -> Result<(), TransportError>;

    /// Reads one input report, waiting at most `timeout`. `Ok(None)` means nothing arrived in
    /// time; the caller decides whether that ends the transaction.
    fn read_report(&mut self, timeout: Duration) -> Result<Option<Report>, TransportError>;
}

impl<T: HidTransport + ?Sized> HidTransport for &mut T {
    fn write_report(&mut self, report: &Report) -> Result<(), TransportError> {
        (**self).write_report(report)
    }
    fn read_report(&mut self, timeout: Duration) -> Result<Option<Report>, TransportError> {
        (**self).read_report(timeout)
    }
}

impl<T: HidTransport + ?Sized> HidTransport for Box<T> {
    fn write_report(&mut self, report: &Report) -> Result<(), TransportError> {
        (**self).write_report(report)
    }
    fn read_report(&mut self, timeout: Duration) -> Result<Option<Report>, TransportError> {
        (**self).read_report(timeout)
    }
}

/// One step of a [`ScriptedHid`] script.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// The host must write exactly this report.
    Write(Report),
    /// The host writes one report, whatever it is (it is recorded).
    WriteAny,
    /// The device answers this report to the next read.
    Read(Report),
    /// The next read times out.
    Timeout,
}

/// A transport that plays back a recorded exchange of HID reports and checks every report the
/// host writes (authenticator-rs `transport/mock` style). Writes are recorded
/// ([`ScriptedHid::written`]) whatever the step says, so tests can decode and assert them.
///
/// A write where a read is scripted, a read where a write is scripted, a report that differs
/// from the script, or anything past the end of the script is a [`TransportError`], so a test
/// fails at the exact step.
#[derive(Debug, Clone, Default)]
pub struct ScriptedHid {
    steps: Vec<Step>,
    next: usize,
    written: Vec<Report>,
    /// When set, a read past the end of the script times out instead of failing.
    lenient_end: bool,
}

impl ScriptedHid {
    /// A script of steps.
    pub fn new(steps: impl IntoIterator<Item = Step>) -> Self {
        Self {
            steps: steps.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Parses a transcript: `>> HEX` (the host writes exactly this), `>> *` (the host writes
    /// anything), `<< HEX` (the device answers), `<< timeout`. Blank lines and `#` comments are
    /// ignored; hex may be spaced; reports shorter than 64 bytes are zero-padded.
    pub fn from_transcript(text: &str) -> Result<Self, TranscriptError> {
        let mut steps = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = TranscriptError { line: i + 1 };
            let (dir, rest) = line.split_at_checked(2).ok_or(err)?;
            let rest = rest.trim();
            let step = match (dir, rest) {
                (">>", "*") => Step::WriteAny,
                ("<<", "timeout") => Step::Timeout,
                (">>", hex) => Step::Write(report_from_hex(hex).ok_or(err)?),
                ("<<", hex) => Step::Read(report_from_hex(hex).ok_or(err)?),
                _ => return Err(err),
            };
            steps.push(step);
        }
        Ok(Self::new(steps))
    }

    /// Appends steps.
    #[must_use]
    pub fn then(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.steps.extend(steps);
        self
    }

    /// Reads past the end of the script time out (instead of failing): for scripts that end
    /// with a device that stops answering.
    #[must_use]
    pub fn timeout_at_end(mut self) -> Self {
        self.lenient_end = true;
        self
    }

    /// Every report the host wrote, in order.
    pub fn written(&self) -> &[Report] {
        &self.written
    }

    /// How many steps are left.
    pub fn remaining(&self) -> usize {
        self.steps.len().saturating_sub(self.next)
    }

    /// Succeeds if every step of the script was used.
    pub fn finish(&self) -> Result<(), TransportError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(TransportError::ScriptNotFinished { index: self.next })
        }
    }
}

impl HidTransport for ScriptedHid {
    fn write_report(&mut self, report: &Report) -> Result<(), TransportError> {
        let index = self.next;
        self.written.push(*report);
        match self.steps.get(index) {
            Some(Step::Write(expected)) if expected == report => {}
            Some(Step::WriteAny) => {}
            Some(_) => return Err(TransportError::ScriptMismatch { index }),
            None => return Err(TransportError::ScriptExhausted { index }),
        }
        self.next += 1;
        Ok(())
    }

    fn read_report(&mut self, _timeout: Duration) -> Result<Option<Report>, TransportError> {
        let index = self.next;
        let answer = match self.steps.get(index) {
            Some(Step::Read(report)) => Some(*report),
            Some(Step::Timeout) => None,
            Some(_) => return Err(TransportError::ScriptMismatch { index }),
            None if self.lenient_end => return Ok(None),
            None => return Err(TransportError::ScriptExhausted { index }),
        };
        self.next += 1;
        Ok(answer)
    }
}

/// A transcript line that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("transcript line {line} is not `>> HEX`, `>> *`, `<< HEX` or `<< timeout`")]
pub struct TranscriptError {
    /// 1-based line number.
    pub line: usize,
}

/// A report from hex (spaces allowed, at most 64 bytes, zero-padded).
pub(crate) fn report_from_hex(text: &str) -> Option<Report> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) || digits.len() > 2 * REPORT_LEN {
        return None;
    }
    let mut report = [0; REPORT_LEN];
    for (slot, pair) in report.iter_mut().zip(digits.chunks_exact(2)) {
        let s = core::str::from_utf8(pair).ok()?;
        *slot = u8::from_str_radix(s, 16).ok()?;
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_parses_and_plays() {
        let mut t = ScriptedHid::from_transcript(
            "# a comment\n>> ffffffff86 0008\n>> *\n<< 0102\n<< timeout\n",
        )
        .unwrap();
        let mut expected = [0u8; 64];
        expected[..7].copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x08]);
        t.write_report(&expected).unwrap();
        t.write_report(&[9; 64]).unwrap();
        let r = t.read_report(Duration::ZERO).unwrap().unwrap();
        assert_eq!(&r[..3], &[1, 2, 0]);
        assert_eq!(t.read_report(Duration::ZERO).unwrap(), None);
        assert_eq!(
            t.read_report(Duration::ZERO),
            Err(TransportError::ScriptExhausted { index: 4 })
        );
        assert_eq!(t.written().len(), 2);
        t.finish().unwrap();
        assert_eq!(
            ScriptedHid::from_transcript(">> 0g").unwrap_err(),
            TranscriptError { line: 1 }
        );
        assert_eq!(
            ScriptedHid::from_transcript("<> 00").unwrap_err(),
            TranscriptError { line: 1 }
        );
    }

    #[test]
    fn mismatches_fail_at_the_step() {
        let mut t = ScriptedHid::new([Step::Write([1; 64]), Step::Read([2; 64])]);
        assert_eq!(
            t.write_report(&[0; 64]),
            Err(TransportError::ScriptMismatch { index: 0 })
        );
        assert_eq!(
            t.read_report(Duration::ZERO),
            Err(TransportError::ScriptMismatch { index: 0 })
        );
        assert_eq!(
            t.finish(),
            Err(TransportError::ScriptNotFinished { index: 0 })
        );
    }
}
