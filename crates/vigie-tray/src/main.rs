//! `vigie-tray`: the process that lives in the tray all day.
//!
//! It owns the engine (the poller of `vigie-core`), the icon, the menu, the notifications, the
//! pause and the snoozes, and it never loads WebKit: the history window is another binary,
//! `vigie-app` (src-tauri), started on demand and gone when closed (see `window`). Tauri's
//! runtime links the whole WebKitGTK stack whether a webview is shown or not (about 35 MB of the
//! 65 MB PSS measured for the Tauri tray); this process links GTK and libayatana-appindicator
//! through tray-icon and muda, which is all a tray needs.
//!
//! Threads: GTK's main loop on the main thread (the icon and the menu are only touched there),
//! the engine on a single-threaded tokio runtime of its own (as `vigie watch` runs it), and one
//! thread per socket connection (`window`). Start-up order matters for how the app feels: the
//! icon shows the last known state from the store before any network; a broken config never
//! stops the tray (defaults are used and one notification names the problems).

mod app;
mod engine;
mod holds;
mod notify;
mod socket;
mod tray;
mod window;

use std::sync::Arc;

use chrono::Utc;
use tokio::sync::mpsc::unbounded_channel;
use vigie_core::config::{self, Config};
use vigie_core::i18n::Lang;
use vigie_core::poller::Engine;
use vigie_core::store::{self, Store};
use vigie_shell::ipc::{self, Claim, IpcError, Listening};
use vigie_shell::logging;

use crate::app::Shared;

fn main() {
    vigie_shell::without_gl();
    std::process::exit(run());
}

fn run() -> i32 {
    let log = logging::init_tray();
    // Single instance: a second launch asks the running tray to open the window, and exits.
    let socket = ipc::socket_path();
    let listening = match ipc::claim(&socket) {
        Ok(Claim::Handed) => {
            tracing::info!("Vigie is already running: asked it to open the history window");
            return 0;
        }
        Ok(Claim::First(l)) => Ok(l),
        Err(e @ IpcError::NoAnswer { .. }) => {
            tracing::error!("{e}");
            return 1;
        }
        // No lock nor socket (a read-only runtime dir…): the tray still works, without its
        // window.
        Err(e) => Err(e.to_string()),
    };
    // The lock and the socket are held until the end of run_tray.
    run_tray(log, listening)
}

fn run_tray(log: Result<std::path::PathBuf, String>, listening: Result<Listening, String>) -> i32 {
    let mut problems: Vec<String> = Vec::new();
    let config_path = config::default_path();
    let data_dir = store::default_dir();
    // The trace a launch from the desktop or at login leaves (tests/e2e/run.sh looks for it).
    tracing::info!(
        "started vigie-tray {}, config {}, data {}, log {}",
        env!("CARGO_PKG_VERSION"),
        config_path.display(),
        data_dir.display(),
        log.as_ref()
            .map_or_else(|_| "on stderr".to_string(), |p| p.display().to_string())
    );
    if let Err(e) = log {
        tracing::warn!("{e}; logging to stderr only");
    }
    let cfg = match config::load(&config_path) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("config problems, running on defaults:\n{e}");
            problems.push(e.to_string());
            Config::default()
        }
    };
    let store = match Store::open_dir(&data_dir) {
        Ok(s) => {
            if let Some(msg) = &s.recovered {
                tracing::warn!("{msg}");
            }
            s
        }
        Err(e) => {
            // History is lost for this run, but the tray still works.
            tracing::error!("cannot open the store ({e}); using a temporary one");
            problems.push(format!("cannot open the history database: {e}"));
            let dir = std::env::temp_dir().join(format!("vigie-{}", std::process::id()));
            match Store::open_dir(&dir) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!("cannot open a temporary store either: {e}");
                    return 1;
                }
            }
        }
    };
    let engine = match Engine::new(&cfg, store) {
        Ok(e) => e,
        Err(e) => {
            tracing::error!("cannot start: {e}");
            return 1;
        }
    };
    if let Err(e) = gtk::init() {
        tracing::error!("cannot open the display: {e}");
        return 1;
    }
    // The StatusNotifierItem's Title (libayatana-appindicator falls back to the application
    // name) and what GNOME lists the notifications under.
    glib::set_application_name("Vigie");

    let engine_rt = match app::EngineThread::start() {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the engine's runtime: {e}");
            return 1;
        }
    };
    // The last known state, shown before any network.
    let initial = engine.snapshot(Utc::now());
    let (commands_tx, commands_rx) = unbounded_channel();
    let lang = Lang::resolve(cfg.language.as_deref());
    let shared = Arc::new(Shared::new(
        initial,
        commands_tx,
        cfg.notifications.clone(),
        lang,
        engine.store().path().to_path_buf(),
        engine_rt.handle(),
    ));
    // A pause or snooze from an earlier run still holds.
    holds::load_at_start(&shared, engine.store());
    if let Err(e) = vigie_shell::autostart::repoint() {
        tracing::warn!("{e}");
    }

    if let Err(e) = tray::create(&shared) {
        tracing::error!("cannot create the tray icon: {e}");
        return 1;
    }
    engine::start(&shared, engine, commands_rx);
    match listening.as_ref().map(|l| l.listener.as_ref()) {
        Ok(Ok(listener)) => match listener.try_clone() {
            Ok(listener) => socket::serve(&shared, listener),
            Err(e) => shared
                .window
                .set_unreachable(format!("cannot listen on the tray's socket: {e}")),
        },
        Ok(Err(why)) | Err(why) => {
            tracing::error!("{why}; the history window cannot open in this run");
            shared.window.set_unreachable(why.clone());
        }
    }
    if !problems.is_empty() {
        notify::send(
            &shared,
            notify::config_notice(&config_path, &problems, lang),
        );
    }
    if window::wanted_at_start() {
        notify::open_window(&shared);
    }
    // SIGTERM (logout, `kill`) and Ctrl-C end the loop like Quit, so the icon file and the
    // socket are removed and the window is told.
    for signal in [15, 2] {
        let shared = shared.clone();
        glib::unix_signal_add_local(signal, move || {
            shared.window.quit();
            tray::quit();
            glib::ControlFlow::Break
        });
    }
    gtk::main();

    tracing::info!("quitting");
    // No new window or second launch from here on; the open window sees its socket close.
    shared.window.quit();
    if let Ok(l) = &listening {
        l.close();
    }
    tray::remove();
    let _ = shared.commands.send(vigie_core::poller::Command::Stop);
    engine_rt.stop();
    0
}
