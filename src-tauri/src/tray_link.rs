//! The window's side of the link to `vigie-tray` (protocol: `vigie_shell::ipc`).
//!
//! The window never polls, notifies or owns the pause: it shows what the tray sends and asks the
//! tray for the rest. Settings and snoozes are written to the config file and the store here
//! (both are plain files the two processes share); the tray is then told to read them back.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use vigie_core::Snapshot;
use vigie_shell::ipc::{self, Request, ToWindow};
use vigie_shell::lock;

/// How long the tray may take to answer a new window.
const FIRST_LINE_WAIT: Duration = Duration::from_secs(10);

/// The connection to the tray: the writing half, and the reader that read the first line (kept,
/// so nothing it buffered after that line is lost) until a thread takes it.
pub struct TrayLink {
    stream: Mutex<UnixStream>,
    reader: Mutex<Option<BufReader<UnixStream>>>,
}

/// What the tray said first.
pub enum Hello {
    /// Show this.
    Snapshot(Box<Snapshot>),
    /// Another window is already open (the tray focused it).
    AlreadyOpen,
}

impl TrayLink {
    /// Connect as a window and read the tray's first line.
    pub fn connect(socket: &Path) -> std::io::Result<(TrayLink, Hello)> {
        let stream = ipc::connect_window(socket)?;
        stream.set_read_timeout(Some(FIRST_LINE_WAIT))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut first = String::new();
        reader.read_line(&mut first)?;
        stream.set_read_timeout(None)?;
        let hello = match ToWindow::parse(&first) {
            Some(ToWindow::Snapshot(s)) => Hello::Snapshot(s),
            Some(ToWindow::Bye) => Hello::AlreadyOpen,
            // Like no tray at all: the one `no_tray` starts takes over once this one has ended.
            Some(ToWindow::Quitting) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionRefused,
                    "the running tray is quitting",
                ))
            }
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "the tray's first line is not a snapshot: {:?}",
                        first.chars().take(80).collect::<String>()
                    ),
                ))
            }
        };
        let link = TrayLink {
            stream: Mutex::new(stream),
            reader: Mutex::new(Some(reader)),
        };
        Ok((link, hello))
    }

    /// Ask the tray for something.
    pub fn send(&self, request: Request) -> Result<(), String> {
        let mut s = lock(&self.stream);
        writeln!(s, "{}", request.word()).map_err(|_| "the tray has quit".to_string())
    }

    /// The tray's next lines, for the one reader thread.
    pub fn lines(&self) -> std::io::Result<std::io::Lines<BufReader<UnixStream>>> {
        lock(&self.reader)
            .take()
            .map(BufRead::lines)
            .ok_or_else(|| std::io::Error::other("the tray's lines are already being read"))
    }
}

/// No tray answers on `socket`: start one, which opens the window.
///
/// Not when the tray started this window (`--from-tray`: a tray it cannot reach would start
/// another, which starts another window…) nor under WebDriver, which needs the window in this
/// process: both are errors. When this launch came from an autostart entry of an older Vigie
/// (which started the window program), the entry is pointed at the tray and the tray starts
/// without the window, as a login should.
pub fn no_tray(socket: &Path, e: &std::io::Error) -> i32 {
    if std::env::args().any(|a| a == vigie_shell::FROM_TRAY) {
        tracing::error!(
            "the tray that started this window does not answer on {} ({e})",
            socket.display()
        );
        return 1;
    }
    if std::env::var_os("TAURI_WEBVIEW_AUTOMATION").is_some() {
        tracing::error!(
            "no tray on {} ({e}): start vigie-tray before the window",
            socket.display()
        );
        return 1;
    }
    let at_login = match vigie_shell::autostart::repoint() {
        Ok(rewritten) => rewritten,
        Err(e) => {
            tracing::warn!("{e}");
            false
        }
    };
    let tray = vigie_shell::sibling(vigie_shell::TRAY_BIN);
    tracing::info!("Vigie is not running ({e}): starting {}", tray.display());
    let mut cmd = std::process::Command::new(&tray);
    if !at_login {
        cmd.env("VIGIE_SHOW_WINDOW", "1");
    }
    match cmd.stdin(std::process::Stdio::null()).spawn() {
        // The tray outlives us; it is reparented to init when we exit.
        Ok(_) => 0,
        Err(e) => {
            tracing::error!("cannot start {}: {e}", tray.display());
            1
        }
    }
}
