//! `careid readers [--watch]`: the PC/SC readers and their cards.

use crate::CliError;
use careid_pcsc::{ReaderEvent, Watcher, pcsc};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Arguments of `careid readers`.
#[derive(Debug, Args)]
pub struct ReadersArgs {
    /// Keep watching and print cards going in and out (Ctrl-C to stop).
    #[arg(long)]
    pub watch: bool,
    /// Only readers whose name contains this.
    #[arg(long)]
    pub filter: Option<String>,
    /// With `--watch`: stop after this many seconds.
    #[arg(long, requires = "watch")]
    pub timeout: Option<u64>,
}

pub(crate) fn run(args: &ReadersArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if !args.watch {
        let context =
            pcsc::Context::establish(pcsc::Scope::User).map_err(careid_pcsc::Error::from)?;
        let readers = careid_pcsc::list_readers(&context)?;
        let mut shown = 0;
        for name in readers
            .iter()
            .filter(|n| args.filter.as_deref().is_none_or(|f| n.contains(f)))
        {
            shown += 1;
            match careid_pcsc::PcscCard::connect_with(&context, name).and_then(|c| c.atr()) {
                Ok(atr) => writeln!(out, "{name}: card present, ATR {}", hex::encode_upper(atr))?,
                Err(careid_pcsc::Error::NoCard) => writeln!(out, "{name}: empty")?,
                Err(e) => writeln!(out, "{name}: {e}")?,
            }
        }
        if shown == 0 {
            writeln!(out, "no smartcard readers found")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut watcher = Watcher::new(args.filter.as_deref())?;
    let deadline = args
        .timeout
        .map(|s| Instant::now() + Duration::from_secs(s));
    loop {
        let wait = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) => Some(left),
                None => return Ok(ExitCode::SUCCESS),
            },
            None => None,
        };
        match watcher.next_event(wait)? {
            Some(ReaderEvent::CardInserted { reader, atr }) => {
                writeln!(out, "inserted: {reader} (ATR {})", hex::encode_upper(atr))?
            }
            Some(ReaderEvent::CardRemoved { reader }) => writeln!(out, "removed:  {reader}")?,
            Some(ReaderEvent::ReaderAdded { reader }) => writeln!(out, "reader added:   {reader}")?,
            Some(ReaderEvent::ReaderRemoved { reader }) => {
                writeln!(out, "reader removed: {reader}")?
            }
            Some(_) => {}
            None => return Ok(ExitCode::SUCCESS),
        }
        out.flush()?;
    }
}

/// Resolves a reader given by (part of) its name.
pub(crate) fn find_reader(wanted: &str) -> Result<String, CliError> {
    let context = pcsc::Context::establish(pcsc::Scope::User).map_err(careid_pcsc::Error::from)?;
    let readers = careid_pcsc::list_readers(&context)?;
    if let Some(exact) = readers.iter().find(|r| r.as_str() == wanted) {
        return Ok(exact.clone());
    }
    let mut matching = readers.iter().filter(|r| r.contains(wanted));
    match (matching.next(), matching.next()) {
        (Some(one), None) => Ok(one.clone()),
        (None, _) => Err(careid_pcsc::Error::UnknownReader.into()),
        (Some(_), Some(_)) => Err(CliError::Decode {
            what: "--reader",
            expected: "a name matching one reader only",
        }),
    }
}
