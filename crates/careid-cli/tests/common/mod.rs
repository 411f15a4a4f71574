//! Helpers for the `careid` binary tests: run it, read what it printed, write input files.
#![allow(dead_code, unreachable_pub, clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `careid` binary built for these tests.
pub fn careid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_careid"))
        .args(args)
        .output()
        .expect("careid runs")
}

/// Standard output and standard error together.
pub fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// Standard output alone.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes `bytes` to `dir/name` and returns the path as a string argument.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}
