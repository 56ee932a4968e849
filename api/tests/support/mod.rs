//! What the binary's tests share: the binary, run with a clean environment of our settings.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_hrc-api");

/// A command with a clean environment of our settings: only what the test sets.
pub fn hrc(data_dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("HRC_") || key == "DATABASE_URL" || key == "CONFIDENTIAL_DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command.env("HRC_DATA_DIR", data_dir).env("DATABASE_URL", database_url).env("RUST_LOG", "warn");
    command
}
