//! The history window, seen from the tray: start `vigie-app` on demand, feed it snapshots, act
//! on what it asks (`vigie_shell::ipc` has the protocol).
//!
//! Why another process: WebKitGTK keeps what it loaded in the process that created a webview
//! (its network process stays alive, the UI process keeps ~60 MB after the window is destroyed),
//! and merely linking it costs the tray ~35 MB. A window process gives it all back when it
//! closes, and the tray never maps a WebKit page.
//!
//! One window at a time: asking for the window while one is connected focuses it; a window that
//! connects while another is open is told `bye` (after the open one was focused).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vigie_core::config;
use vigie_core::poller::Command;
use vigie_core::Snapshot;
use vigie_shell::ipc::{self, Request};
use vigie_shell::{lock, logging};

use crate::app::Shared;

/// How long a started window may take to connect before another request starts a new one.
const STARTING_WAIT: Duration = Duration::from_secs(30);
/// A window that stops reading must not stall the engine.
const WRITE_WAIT: Duration = Duration::from_secs(2);

/// The tray's side of the link.
#[derive(Default)]
pub struct Link(Mutex<LinkState>);

#[derive(Default)]
struct LinkState {
    connected: Option<Connected>,
    /// A window process we started that has not connected yet, and when.
    starting: Option<(u32, Instant)>,
    next_id: u64,
}

struct Connected {
    id: u64,
    stream: UnixStream,
}

impl LinkState {
    /// Write one line to the connected window; a window that cannot be written to is dropped
    /// (it is closing: its reader thread sees the end too).
    fn send(&mut self, line: &str) -> bool {
        let Some(c) = self.connected.as_mut() else {
            return false;
        };
        if writeln!(c.stream, "{line}").is_ok() {
            return true;
        }
        self.connected = None;
        false
    }
}

impl Link {
    /// Pass a new snapshot to the window, if one is open.
    pub fn send_snapshot(&self, snapshot: &Snapshot) {
        let mut st = lock(&self.0);
        if st.connected.is_some() {
            if let Some(line) = ipc::snapshot_line(snapshot) {
                st.send(&line);
            }
        }
    }

    /// The tray is quitting: the window sees its end of the socket close, and exits.
    pub fn close(&self) {
        if let Some(c) = lock(&self.0).connected.take() {
            let _ = c.stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// `VIGIE_SHOW_WINDOW=1` opens the window at start (end-to-end tests need a window to drive).
pub fn wanted_at_start() -> bool {
    std::env::var("VIGIE_SHOW_WINDOW").is_ok_and(|v| v == "1")
}

/// Show the history window: focus the open one, or start `vigie-app`.
pub fn open(shared: &Arc<Shared>) {
    let mut st = lock(&shared.window.0);
    if st.send(ipc::FOCUS) {
        return;
    }
    if st
        .starting
        .is_some_and(|(_, at)| at.elapsed() < STARTING_WAIT)
    {
        return; // on its way
    }
    let exe = vigie_shell::sibling(vigie_shell::WINDOW_BIN);
    let spawned = Process::new(&exe)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // Its log lines (and WebKit's warnings) go to the tray's log file.
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            return tracing::error!("cannot open the history window ({}): {e}", exe.display())
        }
    };
    if let Some(stderr) = child.stderr.take() {
        logging::relay(stderr);
    }
    let pid = child.id();
    st.starting = Some((pid, Instant::now()));
    drop(st);
    // Reap it when it exits.
    let shared = shared.clone();
    std::thread::spawn(move || {
        let _ = child.wait();
        let mut st = lock(&shared.window.0);
        if st.starting.is_some_and(|(p, _)| p == pid) {
            st.starting = None;
        }
    });
}

/// Answer the socket: second launches and windows, each connection on a thread of its own.
pub fn serve(shared: &Arc<Shared>, listener: UnixListener) {
    let shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("vigie-socket".into())
        .spawn(move || {
            for conn in listener.incoming() {
                let Ok(stream) = conn else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || {
                    if let Err(e) = connection(&shared, stream) {
                        tracing::debug!("socket connection ended: {e}");
                    }
                });
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot listen for a second launch or the window: {e}");
    }
}

fn connection(shared: &Arc<Shared>, stream: UnixStream) -> std::io::Result<()> {
    stream.set_write_timeout(Some(WRITE_WAIT))?;
    let mut lines = BufReader::new(stream.try_clone()?).lines();
    let hello = lines.next().transpose()?.unwrap_or_default();
    match hello.trim() {
        ipc::HELLO_OPEN => {
            tracing::info!("a second launch asked for the history window");
            open(shared);
            let mut w = stream;
            writeln!(w, "{}", ipc::OK)
        }
        ipc::HELLO_WINDOW => window(shared, stream, lines),
        other => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unknown hello {other:?}"),
        )),
    }
}

/// A window connected: it gets the current snapshot at once, then every new one.
fn window(
    shared: &Arc<Shared>,
    mut stream: UnixStream,
    lines: std::io::Lines<BufReader<UnixStream>>,
) -> std::io::Result<()> {
    let id = {
        let mut st = lock(&shared.window.0);
        if st.send(ipc::FOCUS) {
            // One window at a time: the open one came to the front.
            return writeln!(stream, "{}", ipc::BYE);
        }
        let id = st.next_id;
        st.next_id += 1;
        st.starting = None;
        // Under the lock, so no newer snapshot can be written before this one.
        if let Some(line) = ipc::snapshot_line(&shared.snapshot()) {
            writeln!(stream, "{line}")?;
        }
        st.connected = Some(Connected {
            id,
            stream: stream.try_clone()?,
        });
        id
    };
    tracing::info!("history window connected");
    for line in lines {
        match Request::parse(&line?) {
            Some(Request::Refresh) => {
                let _ = shared.commands.send(Command::Refresh);
            }
            Some(Request::Reload) => reload(shared),
            Some(Request::Holds) => crate::holds::reload(shared),
            None => {}
        }
    }
    let mut st = lock(&shared.window.0);
    if st.connected.as_ref().is_some_and(|c| c.id == id) {
        st.connected = None;
    }
    tracing::info!("history window closed");
    Ok(())
}

/// The window saved settings to the config file: apply them here.
fn reload(shared: &Arc<Shared>) {
    match config::load(&config::default_path()) {
        Ok(cfg) => {
            *lock(&shared.notifications) = cfg.notifications.clone();
            *lock(&shared.lang) = vigie_core::i18n::Lang::resolve(cfg.language.as_deref());
            let _ = shared.commands.send(Command::Reload(Box::new(cfg)));
            crate::tray::refresh(shared);
        }
        // The window validates before writing, so this is a file edited by hand meanwhile.
        Err(e) => tracing::warn!("settings not applied: {e}"),
    }
}
