//! The history window, seen from the tray: start `vigie-app` on demand, focus it, feed it
//! snapshots (`vigie_shell::ipc` has the protocol; `socket` answers what the window asks).
//!
//! Why another process: WebKitGTK keeps what it loaded in the process that created a webview
//! (its network process stays alive, the UI process keeps ~60 MB after the window is destroyed),
//! and merely linking it costs the tray ~35 MB. A window process gives it all back when it
//! closes, and the tray never maps a WebKit page.
//!
//! One window at a time: asking for the window while one is connected focuses it; a window that
//! connects while another is open is told `bye` (after the open one was focused).

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::process::{Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vigie_core::Snapshot;
use vigie_shell::{ipc, lock, logging};

/// How long a started window may take to connect before another request starts a new one.
const STARTING_WAIT: Duration = Duration::from_secs(30);
/// The tray's side of the link (shared with the thread that reaps a started window).
#[derive(Default)]
pub struct Link(Arc<Mutex<LinkState>>);

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
    /// Show the history window: focus the open one, or start `vigie-app`.
    pub fn open(&self) {
        let mut st = lock(&self.0);
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
        let link = self.0.clone();
        std::thread::spawn(move || {
            let _ = child.wait();
            let mut st = lock(&link);
            if st.starting.is_some_and(|(p, _)| p == pid) {
                st.starting = None;
            }
        });
    }

    /// A window connected: unless another one is open (which is then focused, and `None` says
    /// so), it becomes the window, and gets `first` (the current snapshot) before any newer one.
    pub fn attach(
        &self,
        stream: &UnixStream,
        first: Option<String>,
    ) -> std::io::Result<Option<u64>> {
        let mut st = lock(&self.0);
        if st.send(ipc::FOCUS) {
            return Ok(None);
        }
        let id = st.next_id;
        st.next_id += 1;
        st.starting = None;
        if let Some(line) = first {
            writeln!(&*stream, "{line}")?;
        }
        st.connected = Some(Connected {
            id,
            stream: stream.try_clone()?,
        });
        Ok(Some(id))
    }

    /// The window `id` went away.
    pub fn detach(&self, id: u64) {
        let mut st = lock(&self.0);
        if st.connected.as_ref().is_some_and(|c| c.id == id) {
            st.connected = None;
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};

    fn line(r: &mut BufReader<UnixStream>) -> String {
        let mut l = String::new();
        r.read_line(&mut l).unwrap_or_default();
        l.trim_end().to_string()
    }

    /// One window at a time: a second one is refused (and the first is focused); snapshots go
    /// to the attached window only, after its first line; a window that left frees the place.
    #[test]
    fn one_window_gets_the_snapshots_in_order() {
        let link = Link::default();
        let (tray_end, window_end) = UnixStream::pair().unwrap_or_else(|e| panic!("{e}"));
        let mut first = BufReader::new(window_end);
        let id = link
            .attach(&tray_end, Some("first".into()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id, Some(0));
        let s = Snapshot::new(chrono::Utc::now(), true, Vec::new());
        link.send_snapshot(&s);
        assert_eq!(line(&mut first), "first");
        assert_eq!(
            ipc::ToWindow::parse(&line(&mut first)),
            Some(ipc::ToWindow::Snapshot(Box::new(s)))
        );

        let (other_tray_end, _other_window_end) =
            UnixStream::pair().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            link.attach(&other_tray_end, Some("x".into())).ok(),
            Some(None)
        );
        assert_eq!(line(&mut first), ipc::FOCUS);

        link.detach(0);
        assert_eq!(link.attach(&other_tray_end, None).ok(), Some(Some(1)));
    }

    /// A window that closed its end is dropped at the next write, so the next request starts a
    /// new one instead of focusing a ghost.
    #[test]
    fn a_closed_window_is_dropped() {
        let link = Link::default();
        let (tray_end, window_end) = UnixStream::pair().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(link.attach(&tray_end, None).ok(), Some(Some(0)));
        drop(window_end);
        drop(tray_end);
        link.send_snapshot(&Snapshot::new(chrono::Utc::now(), true, Vec::new()));
        assert!(lock(&link.0).connected.is_none());
    }
}
