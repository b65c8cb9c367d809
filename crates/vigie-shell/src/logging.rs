//! Where the app's `tracing` events go. The tray process writes them to a size-bounded, rotated
//! file in the XDG state directory (`vigie_core::logs`), and to stderr for a terminal: an app
//! started from the desktop or at login has no terminal, and its stderr is lost.
//!
//! The window process writes to stderr only; the tray reads that pipe and files the lines
//! (`relay`), so one process owns the file and its rotation.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::EnvFilter;
use vigie_core::logs::{self, RotatingFile};

/// `VIGIE_LOG` (an env filter: `debug`, `vigie_core=debug,info`…), else `info`.
fn filter() -> EnvFilter {
    EnvFilter::try_from_env("VIGIE_LOG").unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The tray process: the rotated file and stderr. Returns the file's path, or why there is none
/// (the app then logs to stderr alone and says so there).
pub fn init_tray() -> Result<PathBuf, String> {
    let path = logs::path();
    match RotatingFile::open_default() {
        Ok(file) => {
            let writer = Mutex::new(file).and(std::io::stderr);
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_writer(writer)
                .with_ansi(false)
                .try_init();
            Ok(path)
        }
        Err(e) => {
            init_stderr();
            Err(format!("cannot open the log file {}: {e}", path.display()))
        }
    }
}

/// The window process: stderr only, without timestamps (the tray stamps what it relays).
pub fn init_window() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .without_time()
        .with_ansi(false)
        .try_init();
}

fn init_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// File what the window process writes to stderr (its own events, WebKit's warnings), line by
/// line, until it exits.
pub fn relay(stderr: impl Read + Send + 'static) {
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let line = line.trim();
            // Our own events keep their level; anything else (GTK, WebKit) is a warning.
            let (level, rest) = line.split_once(' ').unwrap_or((line, ""));
            let rest = rest.trim_start();
            match level {
                "" => {}
                "ERROR" => tracing::error!(target: "vigie::window", "{rest}"),
                "WARN" => tracing::warn!(target: "vigie::window", "{rest}"),
                "INFO" => tracing::info!(target: "vigie::window", "{rest}"),
                "DEBUG" => tracing::debug!(target: "vigie::window", "{rest}"),
                "TRACE" => tracing::trace!(target: "vigie::window", "{rest}"),
                _ => tracing::warn!(target: "vigie::window", "{line}"),
            }
        }
    });
}
