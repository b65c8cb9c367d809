//! The link between the tray process and the window process: one Unix socket per data directory,
//! one line per message.
//!
//! Why a socket (and not the window's stdin, as when one binary spawned itself): the window must
//! reach the tray whoever started it. The tray starts it from the menu or a notification, but
//! tauri-driver starts it too (WebDriver tests), and a user may run `vigie-app` by hand. The same
//! socket makes the tray a single instance: a second `vigie-tray` finds the first one listening,
//! asks it to open the window and exits, which is what clicking "Vigie" in the app menu again
//! should do.
//!
//! The protocol, each line ended by `\n`:
//! - the client's first line is [`HELLO_OPEN`] (a second launch: the tray opens the window and
//!   answers [`OK`], or [`QUITTING`]) or [`HELLO_WINDOW`] (a window: it stays connected);
//! - to a window, the tray writes each new snapshot as JSON, [`FOCUS`] (come to the front),
//!   [`BYE`] (another window is already open: that one was focused, so exit) or [`QUITTING`];
//! - a window writes [`Request`]s: `refresh`, `reload` (settings were saved to the config file),
//!   `holds` (a snooze was stored), `autostart` (launch at login was switched).
//!
//! When the tray quits its end closes, and the window exits with it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vigie_core::Snapshot;

/// A second launch: "open the window, then I exit".
pub const HELLO_OPEN: &str = "open";
/// A window process introducing itself.
pub const HELLO_WINDOW: &str = "window";
/// The tray's answer to [`HELLO_OPEN`].
pub const OK: &str = "ok";
/// The tray's answer to [`HELLO_OPEN`], or its first line to a window, while it quits: wait
/// for it to end, then take over.
pub const QUITTING: &str = "quitting";
/// Tray → window: come to the front.
pub const FOCUS: &str = "focus";
/// Tray → window: another window is open (and was focused); exit.
pub const BYE: &str = "bye";

/// How long a second launch waits for the running tray's answer (or for it to finish quitting).
const ANSWER_WAIT: Duration = Duration::from_secs(5);
/// How long the tray may take to answer a new window.
const FIRST_LINE_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum IpcError {
    #[error("cannot create {dir}: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the lock file {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Vigie is already running ({path}) but did not answer: {source}")]
    NoAnswer {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What a window asks of the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Poll every service now.
    Refresh,
    /// The settings were saved to the config file: read it again.
    Reload,
    /// A snooze was stored: read the holds again.
    Holds,
    /// Launch at login was turned on or off: read its entry again.
    Autostart,
}

impl Request {
    pub const ALL: [Request; 4] = [
        Request::Refresh,
        Request::Reload,
        Request::Holds,
        Request::Autostart,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Request::Refresh => "refresh",
            Request::Reload => "reload",
            Request::Holds => "holds",
            Request::Autostart => "autostart",
        }
    }

    pub fn parse(line: &str) -> Option<Request> {
        Request::ALL.into_iter().find(|r| r.word() == line.trim())
    }
}

/// What the tray tells a window.
#[derive(Debug, Clone, PartialEq)]
pub enum ToWindow {
    Snapshot(Box<Snapshot>),
    Focus,
    Bye,
    /// The tray is quitting.
    Quitting,
}

impl ToWindow {
    /// One line from the tray (`None`: a line this window does not understand, skipped).
    pub fn parse(line: &str) -> Option<ToWindow> {
        match line.trim() {
            FOCUS => Some(ToWindow::Focus),
            BYE => Some(ToWindow::Bye),
            QUITTING => Some(ToWindow::Quitting),
            json => serde_json::from_str(json)
                .ok()
                .map(|s| ToWindow::Snapshot(Box::new(s))),
        }
    }
}

/// A snapshot as the line the tray sends.
pub fn snapshot_line(snapshot: &Snapshot) -> Option<String> {
    serde_json::to_string(snapshot).ok()
}

/// The socket of the tray that owns this data directory: in `$XDG_RUNTIME_DIR` (private to the
/// user, cleared at logout), named after the data directory so two databases have two trays;
/// without a runtime directory, in the data directory itself.
pub fn socket_path() -> PathBuf {
    socket_path_for(&vigie_core::store::default_dir(), dirs::runtime_dir())
}

pub fn socket_path_for(data_dir: &Path, runtime_dir: Option<PathBuf>) -> PathBuf {
    match runtime_dir {
        // FNV-1a: stable across Rust versions (DefaultHasher is not promised to be).
        Some(run) => {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in data_dir.as_os_str().as_encoded_bytes() {
                h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
            run.join("vigie").join(format!("tray-{h:016x}.sock"))
        }
        None => data_dir.join("tray.sock"),
    }
}

/// The outcome of a start: this process is the tray, or the running one was asked to open the
/// window.
#[derive(Debug)]
pub enum Claim {
    First(Listening),
    Handed,
}

/// The tray's socket, and the lock that makes it the only one. Keep it for the process's life:
/// [`Listening::close`] removes the socket file (no new connection can arrive while the tray
/// quits), and dropping it releases the lock, so the next launch may take over.
///
/// The lock is kept even when the socket cannot be bound (a path too long for a socket, a file
/// system without sockets): this tray then runs without its window, and later launches still
/// find it running rather than each becoming another tray.
#[derive(Debug)]
pub struct Listening {
    /// The socket, or why there is none.
    pub listener: Result<UnixListener, String>,
    path: PathBuf,
    /// What was bound (device, inode): only that file is removed, never a later tray's socket.
    bound: Option<(u64, u64)>,
    /// `None` where the file system refuses locks: then the socket alone decides, as a best effort.
    _lock: Option<File>,
}

impl Listening {
    pub fn close(&self) {
        use std::os::unix::fs::MetadataExt;
        let ours = std::fs::symlink_metadata(&self.path)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        if ours.is_some() && ours == self.bound {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.close();
    }
}

/// Become the tray for `path`, or hand over to the one already running.
///
/// Who is the tray is decided by an exclusive lock on `<socket>.lock`, held for the tray's whole
/// life: a connect-then-bind alone lets two launches at the same instant both bind (the second
/// deleting the first one's socket). The lock's holder removes a socket file left by a tray that
/// died and binds; anyone else connects and asks for the window. A tray that holds the lock but
/// is not listening yet (starting) or any more (quitting, it answers [`QUITTING`]) is waited for,
/// up to a few seconds: then the lock is free and this launch takes over. Where the file system
/// refuses locks, a socket nobody answers on decides instead.
pub fn claim(path: &Path) -> Result<Claim, IpcError> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(|source| IpcError::Dir {
            dir: dir.to_path_buf(),
            source,
        })?;
    }
    let lock_path = path.with_extension("lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| IpcError::Lock {
            path: lock_path.clone(),
            source,
        })?;
    let deadline = Instant::now() + ANSWER_WAIT;
    let mut lock = Some(lock);
    loop {
        let locked = match lock.as_ref().map(File::try_lock) {
            Some(Ok(())) => true,
            Some(Err(TryLockError::WouldBlock)) => false,
            Some(Err(TryLockError::Error(e))) => {
                tracing::warn!(
                    "cannot lock {}: {e}; the socket alone decides",
                    lock_path.display()
                );
                lock = None;
                false
            }
            None => false,
        };
        if locked {
            return Ok(bind(path, lock));
        }
        let last = match UnixStream::connect(path) {
            Ok(stream) => match ask_to_open(stream) {
                Ok(()) => return Ok(Claim::Handed),
                Err(e) => e,
            },
            // No lock to decide, and nobody listening: this launch is the tray.
            Err(_) if lock.is_none() => return Ok(bind(path, None)),
            Err(e) => e,
        };
        if Instant::now() >= deadline {
            return Err(no_answer(path, last));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn no_answer(path: &Path, source: std::io::Error) -> IpcError {
    IpcError::NoAnswer {
        path: path.to_path_buf(),
        source,
    }
}

fn bind(path: &Path, lock: Option<File>) -> Claim {
    use std::os::unix::fs::MetadataExt;
    // Nobody else holds the lock: a file here was left by a tray that died.
    let _ = std::fs::remove_file(path);
    let listener =
        UnixListener::bind(path).map_err(|e| format!("cannot listen on {}: {e}", path.display()));
    let bound = match &listener {
        Ok(_) => {
            restrict(path);
            std::fs::symlink_metadata(path)
                .ok()
                .map(|m| (m.dev(), m.ino()))
        }
        Err(_) => None,
    };
    Claim::First(Listening {
        listener,
        path: path.to_path_buf(),
        bound,
        _lock: lock,
    })
}

fn ask_to_open(mut stream: UnixStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(ANSWER_WAIT))?;
    stream.set_write_timeout(Some(ANSWER_WAIT))?;
    writeln!(stream, "{HELLO_OPEN}")?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    match answer.trim() {
        OK => Ok(()),
        QUITTING => Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "the running tray is quitting",
        )),
        other => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unexpected answer {other:?}"),
        )),
    }
}

/// What the tray says first to a new window.
#[derive(Debug, PartialEq)]
pub enum Hello {
    /// Show this.
    Snapshot(Box<Snapshot>),
    /// Another window is already open (the tray focused it): exit.
    AlreadyOpen,
}

/// A window's connection to the tray: hello sent, the tray's first line read. The reader comes
/// back with the stream, so nothing it buffered after that line is lost. A tray that is quitting
/// is refused like no tray at all: the one started next takes over once it has ended.
pub fn connect_window(path: &Path) -> std::io::Result<(UnixStream, BufReader<UnixStream>, Hello)> {
    let mut stream = UnixStream::connect(path)?;
    writeln!(stream, "{HELLO_WINDOW}")?;
    stream.set_read_timeout(Some(FIRST_LINE_WAIT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    stream.set_read_timeout(None)?;
    let hello = match ToWindow::parse(&first) {
        Some(ToWindow::Snapshot(s)) => Hello::Snapshot(s),
        Some(ToWindow::Bye) => Hello::AlreadyOpen,
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
    Ok((stream, reader, hello))
}

/// The directory of the socket, readable by this user only when we create it.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Only this user may talk to the tray (the socket's directory may be the shared data dir).
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_is_per_data_dir_in_the_runtime_dir() {
        let run = Some(PathBuf::from("/run/user/1000"));
        let a = socket_path_for(Path::new("/home/a/.local/share/vigie"), run.clone());
        let b = socket_path_for(Path::new("/tmp/other"), run);
        assert!(a.starts_with("/run/user/1000/vigie"), "{a:?}");
        assert_ne!(a, b);
        assert_eq!(
            socket_path_for(Path::new("/tmp/other"), None),
            PathBuf::from("/tmp/other/tray.sock")
        );
    }

    #[test]
    fn lines_parse_both_ways() {
        for r in Request::ALL {
            assert_eq!(Request::parse(&format!("{}\n", r.word())), Some(r));
        }
        assert_eq!(Request::parse("shutdown"), None);
        assert_eq!(ToWindow::parse("focus\n"), Some(ToWindow::Focus));
        assert_eq!(ToWindow::parse("bye"), Some(ToWindow::Bye));
        let s = Snapshot::new(chrono::Utc::now(), true, Vec::new());
        let line = snapshot_line(&s).unwrap_or_default();
        assert_eq!(
            ToWindow::parse(&line),
            Some(ToWindow::Snapshot(Box::new(s)))
        );
        assert_eq!(ToWindow::parse("{not json"), None);
    }

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
    }

    /// The first launch on `path`, which must become the tray.
    fn first_tray(path: &Path) -> Listening {
        match claim(path) {
            Ok(Claim::First(l)) => l,
            Ok(Claim::Handed) => panic!("the first launch must be the tray, it handed over"),
            Err(e) => panic!("the first launch must be the tray: {e}"),
        }
    }

    /// A window's first exchange: hello, then the tray's first line decides; what the tray wrote
    /// after it stays readable.
    #[test]
    fn a_window_reads_the_trays_first_line() {
        let dir = tmp();
        let path = dir.path().join("tray.sock");
        let snapshot = Snapshot::new(chrono::Utc::now(), true, Vec::new());
        let first = snapshot_line(&snapshot).unwrap_or_default();
        for (said, want) in [
            (format!("{first}\n{FOCUS}\n"), Ok(Some(FOCUS))),
            (format!("{BYE}\n"), Ok(None)),
            (
                format!("{QUITTING}\n"),
                Err(std::io::ErrorKind::ConnectionRefused),
            ),
            (
                "{half a snapshot\n".to_string(),
                Err(std::io::ErrorKind::InvalidData),
            ),
        ] {
            let _ = std::fs::remove_file(&path);
            let listener = UnixListener::bind(&path).unwrap_or_else(|e| panic!("bind: {e}"));
            let line = said.clone();
            let tray = std::thread::spawn(move || {
                let (stream, _) = listener.accept().unwrap_or_else(|e| panic!("accept: {e}"));
                let mut hello = String::new();
                let mut r = BufReader::new(stream.try_clone().unwrap_or_else(|e| panic!("{e}")));
                r.read_line(&mut hello).unwrap_or_else(|e| panic!("{e}"));
                (&stream)
                    .write_all(line.as_bytes())
                    .unwrap_or_else(|e| panic!("{e}"));
                hello
            });
            let got = connect_window(&path);
            assert_eq!(tray.join().ok().as_deref(), Some("window\n"));
            match (got, want) {
                (Ok((_, mut reader, hello)), Ok(next)) => {
                    match next {
                        Some(_) => assert_eq!(hello, Hello::Snapshot(Box::new(snapshot.clone()))),
                        None => assert_eq!(hello, Hello::AlreadyOpen),
                    }
                    let mut more = String::new();
                    reader
                        .read_line(&mut more)
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(more.trim(), next.unwrap_or(""));
                }
                (Err(e), Err(kind)) => assert_eq!(e.kind(), kind, "{e}"),
                (got, want) => panic!("{said:?}: got {:?}, want {want:?}", got.map(|g| g.2)),
            }
        }
    }

    /// Answer `n` second launches with `answer`, then hand the listener back.
    fn answer(l: Listening, n: usize, answer: &'static str) -> std::thread::JoinHandle<Listening> {
        std::thread::spawn(move || {
            let Ok(listener) = l.listener.as_ref() else {
                panic!("the tray has no socket");
            };
            for _ in 0..n {
                let (stream, _) = listener.accept().unwrap_or_else(|e| panic!("accept: {e}"));
                let mut hello = String::new();
                let mut r = BufReader::new(stream.try_clone().unwrap_or_else(|e| panic!("{e}")));
                r.read_line(&mut hello).unwrap_or_default();
                assert_eq!(hello.trim(), HELLO_OPEN);
                let mut w = stream;
                writeln!(w, "{answer}").unwrap_or_default();
            }
            l
        })
    }

    /// First launch listens; a second one is answered and hands over; a socket file left by a
    /// tray that died is taken over.
    #[test]
    fn one_tray_per_socket() {
        let dir = tmp();
        let path = dir.path().join("run").join("tray.sock");
        let l = first_tray(&path);
        let server = answer(l, 1, OK);
        assert!(matches!(claim(&path), Ok(Claim::Handed)));
        drop(server.join().unwrap_or_else(|_| panic!("server thread")));
        assert!(!path.exists(), "the tray removes its socket when it ends");

        // A tray killed outright leaves its socket file, but not its lock.
        let stale = UnixListener::bind(&path).unwrap_or_else(|e| panic!("bind: {e}"));
        drop(stale);
        assert!(path.exists());
        assert!(matches!(claim(&path), Ok(Claim::First(_))));
    }

    /// Launches at the same instant: exactly one tray, the others hand over to it.
    #[test]
    fn simultaneous_launches_make_one_tray() {
        let dir = tmp();
        let path = dir.path().join("tray.sock");
        let n = 8;
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(n));
        let launches: Vec<_> = (0..n)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    match claim(&path) {
                        // The tray answers everyone else, then stays up until they are done.
                        Ok(Claim::First(l)) => Some(answer(l, n - 1, OK)),
                        Ok(Claim::Handed) => None,
                        Err(e) => panic!("{e}"),
                    }
                })
            })
            .collect();
        let trays: Vec<_> = launches
            .into_iter()
            .filter_map(|t| t.join().unwrap_or_else(|_| panic!("launch thread")))
            .collect();
        assert_eq!(trays.len(), 1, "one tray, {} handed over", n - 1);
        for t in trays {
            drop(t.join());
        }
    }

    /// A launch while the tray quits waits for it to end, then becomes the tray.
    #[test]
    fn a_launch_during_quit_takes_over() {
        let dir = tmp();
        let path = dir.path().join("tray.sock");
        let l = first_tray(&path);
        // Answers "quitting", then ends (the lock is released with the listener).
        let quitting = answer(l, 1, QUITTING);
        let ender = std::thread::spawn(move || drop(quitting.join()));
        assert!(matches!(claim(&path), Ok(Claim::First(_))));
        let _ = ender.join();
    }

    #[test]
    fn a_tray_that_never_answers_is_an_error_not_a_second_tray() {
        let dir = tmp();
        let path = dir.path().join("tray.sock");
        // Holds the lock and listens (the kernel accepts connections) but never answers.
        let _hung = first_tray(&path);
        let started = Instant::now();
        let err = claim(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("already running"), "{err}");
        assert!(started.elapsed() < ANSWER_WAIT * 3);
    }

    /// A socket that cannot be bound (here: a path over the 108 bytes a socket address holds)
    /// still leaves this launch the tray, holding the lock: the next launch does not become a
    /// second tray, it waits and gives up with an error.
    #[test]
    fn a_tray_without_its_socket_still_holds_the_lock() {
        let dir = tmp();
        let deep = dir.path().join("d".repeat(100));
        let path = deep.join("tray.sock");
        let l = first_tray(&path);
        let why = l.listener.as_ref().err().cloned().unwrap_or_default();
        assert!(why.contains("cannot listen on"), "{why}");
        assert!(claim(&path).is_err(), "a second tray started");
        drop(l);
        assert!(matches!(claim(&path), Ok(Claim::First(_))));
    }

    /// Closing removes the socket this tray bound, never one bound after it at the same path.
    #[test]
    fn close_removes_only_our_socket() {
        let dir = tmp();
        let path = dir.path().join("tray.sock");
        let l = first_tray(&path);
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let other = UnixListener::bind(&path).unwrap_or_else(|e| panic!("bind: {e}"));
        l.close();
        assert!(path.exists(), "another tray's socket was removed");
        drop(other);
    }
}
