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
//!
//! Nothing here blocks on the window: lines go through a short queue to a writer thread of the
//! window's own, so a window that stops reading can stall neither GTK's thread (the menu) nor the
//! engine's. A window that falls behind by a whole queue, or cannot be written to, is
//! disconnected (its end of the socket closes, and it exits).

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::process::{Command as Process, Stdio};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vigie_core::Snapshot;
use vigie_shell::{ipc, lock, logging};

/// How long a started window may take to connect before another request starts a new one.
const STARTING_WAIT: Duration = Duration::from_secs(30);
/// Lines queued for a window that is not reading: a window this far behind is dropped.
const QUEUE: usize = 16;

/// What became of a window that connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    /// It is the window now, under this id.
    Attached(u64),
    /// Another window is open (and was focused).
    AlreadyOpen,
    /// The tray is quitting.
    Quitting,
}

/// The tray's side of the link (shared with the thread that reaps a started window).
pub struct Link(Arc<Mutex<LinkState>>);

struct LinkState {
    /// Why no window can reach the tray (it has no socket), if so.
    unreachable: Option<String>,
    /// The tray is quitting: no new window.
    quitting: bool,
    connected: Option<Connected>,
    /// A window process we started that has not connected yet, and when.
    starting: Option<(u32, Instant)>,
    next_id: u64,
}

struct Connected {
    id: u64,
    lines: SyncSender<String>,
    stream: UnixStream,
}

impl Default for Link {
    fn default() -> Link {
        Link(Arc::new(Mutex::new(LinkState {
            unreachable: None,
            quitting: false,
            connected: None,
            starting: None,
            next_id: 0,
        })))
    }
}

impl LinkState {
    /// Queue one line for the connected window; one that cannot take it is disconnected.
    fn send(&mut self, line: String) -> bool {
        let Some(c) = self.connected.as_ref() else {
            return false;
        };
        if c.lines.try_send(line).is_ok() {
            return true;
        }
        self.disconnect();
        false
    }

    fn disconnect(&mut self) {
        if let Some(c) = self.connected.take() {
            let _ = c.stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

impl Link {
    /// The tray has no socket (`why`): a window could not reach it, so none is started.
    pub fn set_unreachable(&self, why: String) {
        lock(&self.0).unreachable = Some(why);
    }

    /// Show the history window: focus the open one, or start `vigie-app`. `Ok(false)`: the tray
    /// is quitting, so no window; `Err` says why it cannot open (the caller tells the user).
    pub fn open(&self) -> Result<bool, String> {
        let mut st = lock(&self.0);
        if st.quitting {
            return Ok(false);
        }
        if let Some(why) = &st.unreachable {
            return Err(why.clone());
        }
        if st.send(ipc::FOCUS.into()) {
            return Ok(true);
        }
        if st
            .starting
            .is_some_and(|(_, at)| at.elapsed() < STARTING_WAIT)
        {
            return Ok(true); // on its way
        }
        let exe = vigie_shell::sibling(vigie_shell::WINDOW_BIN);
        let mut child = Process::new(&exe)
            .arg(vigie_shell::FROM_TRAY)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Its log lines (and WebKit's warnings) go to the tray's log file.
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", exe.display()))?;
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
        Ok(true)
    }

    /// A window connected. Unless the tray is quitting or another window is open (which is
    /// focused), it becomes the window and gets `first()` (the current snapshot, read under the
    /// link's lock so no newer one can go out before it), then every new one.
    pub fn attach(
        &self,
        stream: &UnixStream,
        first: impl FnOnce() -> Option<String>,
    ) -> std::io::Result<Attach> {
        let mut st = lock(&self.0);
        if st.quitting {
            return Ok(Attach::Quitting);
        }
        if st.send(ipc::FOCUS.into()) {
            return Ok(Attach::AlreadyOpen);
        }
        let id = st.next_id;
        st.next_id += 1;
        st.starting = None;
        let (lines, queued) = sync_channel::<String>(QUEUE);
        let mut out = stream.try_clone()?;
        std::thread::Builder::new()
            .name("vigie-window-out".into())
            .spawn(move || {
                for line in queued {
                    // One write per line: a timeout never leaves half a line followed by more.
                    if out.write_all(format!("{line}\n").as_bytes()).is_err() {
                        let _ = out.shutdown(std::net::Shutdown::Both);
                        break;
                    }
                }
            })?;
        st.connected = Some(Connected {
            id,
            lines,
            stream: stream.try_clone()?,
        });
        if let Some(line) = first() {
            st.send(line);
        }
        Ok(Attach::Attached(id))
    }

    /// The window `id` went away.
    pub fn detach(&self, id: u64) {
        let mut st = lock(&self.0);
        if st.connected.as_ref().is_some_and(|c| c.id == id) {
            st.disconnect();
        }
    }

    /// Pass a new snapshot to the window, if one is open.
    pub fn send_snapshot(&self, snapshot: &Snapshot) {
        let mut st = lock(&self.0);
        if st.connected.is_some() {
            if let Some(line) = ipc::snapshot_line(snapshot) {
                st.send(line);
            }
        }
    }

    /// The tray is quitting: no new window, and the open one sees its end of the socket close,
    /// and exits. (One still starting finds the socket gone, or is told so, and exits too.)
    pub fn quit(&self) {
        let mut st = lock(&self.0);
        st.quitting = true;
        st.disconnect();
    }
}

/// [`vigie_shell::SHOW_WINDOW_ENV`]`=1` opens the window at start.
pub fn wanted_at_start() -> bool {
    std::env::var(vigie_shell::SHOW_WINDOW_ENV).is_ok_and(|v| v == "1")
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
            .attach(&tray_end, || Some("first".into()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id, Attach::Attached(0));
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
            link.attach(&other_tray_end, || Some("x".into())).ok(),
            Some(Attach::AlreadyOpen)
        );
        assert_eq!(line(&mut first), ipc::FOCUS);

        link.detach(0);
        assert_eq!(
            link.attach(&other_tray_end, || None).ok(),
            Some(Attach::Attached(1))
        );

        // Quitting: no new window, and the open one sees its socket close.
        link.quit();
        let (third, _w) = UnixStream::pair().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(link.attach(&third, || None).ok(), Some(Attach::Quitting));
        assert_eq!(link.open(), Ok(false));
    }

    /// A window that stops reading is dropped once its queue is full (the tray never waits on
    /// it), and its end of the socket is closed so it exits.
    #[test]
    fn a_window_that_stops_reading_is_dropped_not_waited_for() {
        let link = Link::default();
        let (tray_end, window_end) = UnixStream::pair().unwrap_or_else(|e| panic!("{e}"));
        tray_end
            .set_write_timeout(Some(Duration::from_millis(200)))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            link.attach(&tray_end, || None).ok(),
            Some(Attach::Attached(0))
        );
        // Big snapshots, never read: the socket buffer fills, then the queue.
        let mut s = Snapshot::new(chrono::Utc::now(), true, Vec::new());
        let spec =
            vigie_core::ServiceSpec::new("x", "x".repeat(20_000), vigie_core::Kind::Statuspage, "");
        s.services = (0..20)
            .map(|_| vigie_core::ServiceState::unread(&spec))
            .collect();
        let started = Instant::now();
        for _ in 0..200 {
            link.send_snapshot(&s);
            if lock(&link.0).connected.is_none() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(lock(&link.0).connected.is_none(), "still connected");
        assert!(started.elapsed() < Duration::from_secs(5));
        // The window side sees its end closed (after what was in the buffer), not a socket left
        // open that would keep it waiting.
        window_end
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut r = BufReader::new(window_end);
        let mut sink = Vec::new();
        let read = std::io::Read::read_to_end(&mut r, &mut sink);
        assert!(read.is_ok(), "the window's end was not closed: {read:?}");
    }

    #[test]
    fn a_tray_without_a_socket_says_why_no_window_opens() {
        let link = Link::default();
        link.set_unreachable("no socket: /nope/tray.sock: permission denied".into());
        assert_eq!(
            link.open(),
            Err("no socket: /nope/tray.sock: permission denied".to_string())
        );
    }
}
