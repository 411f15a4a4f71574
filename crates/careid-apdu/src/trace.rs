//! The APDU trace: `>>` and `<<` lines through `tracing` (target `careid_apdu`, level TRACE),
//! with the data of VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER redacted.

use crate::command::is_secret_ins;

/// Bytes shown as space-separated upper-case hex.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl core::fmt::Debug for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(self, f)
    }
}

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// A raw command APDU as it may be logged: the header and length bytes of a secret-carrying
/// command are shown, its data never.
pub struct RedactedCommand<'a>(pub &'a [u8]);

impl core::fmt::Display for RedactedCommand<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            [_, ins, _, _, body @ ..] if is_secret_ins(*ins) && !body.is_empty() => {
                let header = self.0.get(..4).unwrap_or_default();
                write!(f, "{} [{} bytes redacted]", Hex(header), body.len())
            }
            bytes => write!(f, "{}", Hex(bytes)),
        }
    }
}

pub(crate) fn command(raw: &[u8]) {
    tracing::trace!(target: "careid_apdu", ">> {}", RedactedCommand(raw));
}

pub(crate) fn response(raw: &[u8]) {
    tracing::trace!(target: "careid_apdu", "<< {}", Hex(raw));
}
