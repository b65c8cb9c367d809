//! The tray's socket (`vigie_shell::ipc`): a second launch asks for the window, and a window
//! process asks for a refresh, a reload of saved settings, or a re-read of the snoozes.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;
use std::time::Duration;

use vigie_core::config;
use vigie_core::poller::Command;
use vigie_shell::ipc::{self, Request};
use vigie_shell::lock;

use crate::app::Shared;
use crate::window::Attach;

/// A window that stops reading must not stall the engine.
const WRITE_WAIT: Duration = Duration::from_secs(2);

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
            let mut w = stream;
            if crate::notify::open_window(shared) {
                writeln!(w, "{}", ipc::OK)
            } else {
                // The launch waits for this tray to end, then becomes the tray.
                writeln!(w, "{}", ipc::QUITTING)
            }
        }
        ipc::HELLO_WINDOW => window(shared, stream, lines),
        other => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unknown hello {other:?}"),
        )),
    }
}

/// A window connected: it gets the current snapshot at once, then every new one, and its
/// requests are acted on until it goes (whatever ends the connection, it is detached).
fn window(
    shared: &Arc<Shared>,
    mut stream: UnixStream,
    lines: std::io::Lines<BufReader<UnixStream>>,
) -> std::io::Result<()> {
    let id = match shared
        .window
        .attach(&stream, || ipc::snapshot_line(&shared.snapshot()))?
    {
        Attach::Attached(id) => id,
        // One window at a time: the open one came to the front.
        Attach::AlreadyOpen => return writeln!(stream, "{}", ipc::BYE),
        // A window the user started then starts a tray, which takes over once this one ends.
        Attach::Quitting => return writeln!(stream, "{}", ipc::QUITTING),
    };
    tracing::info!("history window connected");
    let mut ended = Ok(());
    for line in lines {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                ended = Err(e);
                break;
            }
        };
        request(shared, Request::parse(&line));
    }
    shared.window.detach(id);
    tracing::info!("history window closed");
    ended
}

/// Act on one request of the window.
fn request(shared: &Arc<Shared>, request: Option<Request>) {
    match request {
        Some(Request::Refresh) => {
            let _ = shared.commands.send(Command::Refresh);
        }
        Some(Request::Reload) => reload(shared),
        Some(Request::Holds) => crate::holds::reload(shared),
        Some(Request::Autostart) => shared.reread_autostart(),
        None => {}
    }
}

/// The window saved settings to the config file: apply them here.
fn reload(shared: &Arc<Shared>) {
    match config::load(&config::default_path()) {
        Ok(cfg) => {
            tracing::info!(
                "settings reloaded from {}",
                config::default_path().display()
            );
            *lock(&shared.notifications) = cfg.notifications.clone();
            *lock(&shared.lang) = vigie_core::i18n::Lang::resolve(cfg.language.as_deref());
            let _ = shared.commands.send(Command::Reload(Box::new(cfg)));
            shared.redraw();
        }
        // The window validates before writing, so this is a file edited by hand meanwhile.
        Err(e) => tracing::warn!("settings not applied: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use tokio::sync::mpsc::unbounded_channel;
    use vigie_core::holds::Holds;
    use vigie_core::i18n::Lang;
    use vigie_core::store::Store;
    use vigie_core::Snapshot;

    /// What the window asks reaches the tray: a refresh goes to the poller; saved settings are
    /// read from the config file (the poller reloads, the language changes at once); a snooze
    /// stored by the window is read back from the database; launch at login is read again.
    #[test]
    fn the_windows_requests_reach_the_tray() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut store = Store::open_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        // The only test of this binary that sets XDG_CONFIG_HOME (the autostart entry's home).
        std::env::set_var("XDG_CONFIG_HOME", dir.path());
        let (tx, mut rx) = unbounded_channel();
        let shared = Arc::new(Shared::new(
            Snapshot::new(Utc::now(), true, Vec::new()),
            tx,
            Default::default(),
            Lang::En,
            store.path().to_path_buf(),
            rt.handle().clone(),
        ));

        request(&shared, Some(Request::Refresh));
        assert!(matches!(rx.try_recv(), Ok(Command::Refresh)));

        // The only test of this binary that sets VIGIE_CONFIG.
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "language = \"fr\"\ninterval = \"5m\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::env::set_var("VIGIE_CONFIG", &config);
        request(&shared, Some(Request::Reload));
        assert_eq!(shared.lang(), Lang::Fr);
        match rx.try_recv() {
            Ok(Command::Reload(cfg)) => assert_eq!(cfg.interval.as_secs(), 300),
            _ => panic!("the poller was not told to reload"),
        }

        // The window's own connection stores a snooze; the tray reads it back.
        let until = Utc::now() + chrono::Duration::hours(1);
        Holds::snooze(&mut store, &["claude"], Some(until), Utc::now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(lock(&shared.holds).snoozed.is_empty());
        request(&shared, Some(Request::Holds));
        assert_eq!(lock(&shared.holds).snoozed.get("claude"), Some(&until));

        // Launch at login switched from the window: the menu's check mark follows.
        assert!(!shared.autostart());
        vigie_shell::autostart::set(true).unwrap_or_else(|e| panic!("{e}"));
        request(&shared, Some(Request::Autostart));
        assert!(shared.autostart());

        // Words it does not know change nothing.
        request(&shared, Request::parse("shutdown"));
        assert!(rx.try_recv().is_err());
    }
}
