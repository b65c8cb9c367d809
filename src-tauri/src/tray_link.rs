//! The window's side of the link to `vigie-tray` (protocol: `vigie_shell::ipc`).
//!
//! The window never polls, notifies or owns the pause: it shows what the tray sends and asks the
//! tray for the rest. Settings and snoozes are written to the config file and the store here
//! (both are plain files the two processes share); the tray is then told to read them back.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Mutex;

use vigie_shell::ipc::{self, Hello, Request};
use vigie_shell::lock;

/// The connection to the tray: the writing half, and the reader that read the first line (kept,
/// so nothing it buffered after that line is lost) until a thread takes it.
pub struct TrayLink {
    stream: Mutex<UnixStream>,
    reader: Mutex<Option<BufReader<UnixStream>>>,
}

impl TrayLink {
    /// Connect as a window and read the tray's first line.
    pub fn connect(socket: &Path) -> std::io::Result<(TrayLink, Hello)> {
        let (stream, reader, hello) = ipc::connect_window(socket)?;
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
        Ok(r) => r == vigie_shell::autostart::Repointed::FromWindow,
        Err(e) => {
            tracing::warn!("{e}");
            false
        }
    };
    let tray = vigie_shell::sibling(vigie_shell::TRAY_BIN);
    tracing::info!("Vigie is not running ({e}): starting {}", tray.display());
    let mut cmd = std::process::Command::new(&tray);
    if !at_login {
        cmd.env(vigie_shell::SHOW_WINDOW_ENV, "1");
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
