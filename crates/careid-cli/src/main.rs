//! The `careid` command. Everything lives in the library (`careid_cli`), so that it can be
//! unit-tested; this is only the entry point.

use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = careid_cli::Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match careid_cli::run(&cli, &mut stdout) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("careid: {err}");
            ExitCode::from(2)
        }
    }
}
