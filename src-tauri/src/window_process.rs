//! The history window runs in a child process (`vigie-app --window`).
//!
//! Why: WebKitGTK keeps what it loaded in the process that created a webview — its network
//! process stays alive and the UI process keeps ~60 MB after the window is destroyed — so an
//! in-process window would leave the tray ~100 MB heavier for weeks after one look at the
//! history. A child process gives it all back when the window closes.
//!
//! The two talk over the child's stdin/stdout, one line per message: the tray sends each new
//! snapshot as JSON (and `focus`); the window sends `refresh`, `reload` (settings were saved to
//! the config file, which the tray then reads) and `holds` (a snooze was stored, which the tray
//! then reads). When the tray quits, the child sees end of input
//! and exits with it.
//!
//! Under WebDriver (`TAURI_WEBVIEW_AUTOMATION`, set by tauri-driver) the window stays in the tray
//! process, because the driver can only reach the process it launched.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::mpsc::unbounded_channel;
use vigie_core::config::{self, Config};
use vigie_core::i18n::Lang;
use vigie_core::poller::Command;
use vigie_core::Snapshot;

use crate::{lock, AppState};

/// The command-line switch of the window process.
pub const ARG: &str = "--window";

/// Set in the window process, whose state changes must be passed to the tray.
static CHILD: AtomicBool = AtomicBool::new(false);

/// Is this the window process (`vigie-app --window`)?
pub fn is_child() -> bool {
    CHILD.load(Ordering::Relaxed)
}

/// From the window process: one request line to the tray.
pub fn tell_tray(word: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{word}");
    let _ = out.flush();
}

/// Does this process host the window itself rather than a child?
pub fn in_process() -> bool {
    std::env::var_os("TAURI_WEBVIEW_AUTOMATION").is_some()
}

/// The tray process's handle on its window child.
#[derive(Default)]
pub struct WindowChild(Arc<Mutex<Option<Running>>>);

struct Running {
    child: Child,
    stdin: ChildStdin,
}

/// Open the window: start the child, or ask the running one to come to the front.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
    let slot = app.state::<WindowChild>().0.clone();
    let mut guard = lock(&slot);
    if let Some(run) = guard.as_mut() {
        if matches!(run.child.try_wait(), Ok(None)) && writeln!(run.stdin, "focus").is_ok() {
            return;
        }
        if let Some(mut old) = guard.take() {
            let _ = old.child.wait();
        }
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return tracing::error!("cannot find my own executable: {e}"),
    };
    let spawned = std::process::Command::new(exe)
        .arg(ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // Its log lines (and WebKit's warnings) go to the tray's log file.
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => return tracing::error!("cannot open the history window: {e}"),
    };
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    if let Some(stderr) = child.stderr.take() {
        crate::logging::relay(stderr);
    }
    let snapshot = app.state::<AppState>().snapshot();
    if let Ok(line) = serde_json::to_string(&snapshot) {
        let _ = writeln!(stdin, "{line}");
    }
    let pid = child.id();
    *guard = Some(Running { child, stdin });
    drop(guard);

    // Requests from the window, until it exits; then reap it.
    let app = app.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let state = app.state::<AppState>();
            match line.trim() {
                "refresh" => {
                    let _ = state.commands.send(Command::Refresh);
                }
                "reload" => reload(&state),
                "holds" => crate::holds::reload(&app),
                _ => {}
            }
        }
        let mut guard = lock(&slot);
        if guard.as_ref().is_some_and(|r| r.child.id() == pid) {
            if let Some(mut run) = guard.take() {
                let _ = run.child.wait();
            }
        }
    });
}

/// Pass a new snapshot to the window, if it is open.
pub fn send_snapshot<R: Runtime>(app: &AppHandle<R>, snapshot: &Snapshot) {
    let slot = app.state::<WindowChild>().0.clone();
    let mut guard = lock(&slot);
    if let Some(run) = guard.as_mut() {
        if let Ok(line) = serde_json::to_string(snapshot) {
            // A broken pipe means the window is closing; the reader thread reaps it.
            let _ = writeln!(run.stdin, "{line}");
        }
    }
}

/// The window saved settings to the config file: apply them here.
fn reload(state: &AppState) {
    match config::load(&config::default_path()) {
        Ok(cfg) => {
            *lock(&state.notifications) = cfg.notifications.clone();
            *lock(&state.lang) = Lang::resolve(cfg.language.as_deref());
            let _ = state.commands.send(Command::Reload(Box::new(cfg)));
        }
        // The window validates before writing, so this is a file edited by hand meanwhile.
        Err(e) => tracing::warn!("settings not applied: {e}"),
    }
}

/// Entry point of `vigie-app --window`: the history window alone, fed by the tray over stdin.
pub fn run_child() -> i32 {
    CHILD.store(true, Ordering::Relaxed);
    let config_path = config::default_path();
    let cfg = config::load(&config_path).unwrap_or_else(|_| Config::default());
    let store_path = vigie_core::store::default_dir().join("vigie.db");
    // Empty until the tray's first line, which it writes as it spawns us: reading the store here
    // would repeat its work (and could race it to move a damaged file aside).
    let initial = Snapshot::new(chrono::Utc::now(), true, Vec::new());
    let (commands_tx, mut commands_rx) = unbounded_channel();
    let lang = Lang::resolve(cfg.language.as_deref());
    let state = AppState::new(initial, commands_tx, cfg.notifications, lang);
    let window_state = crate::commands::WindowState::new(config_path, store_path);

    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(window_state);
    let app = crate::with_commands(builder)
        .setup(|app| {
            let handle = app.handle().clone();
            crate::window::open_here(&handle);
            // The window's requests go to the tray as lines on stdout.
            tauri::async_runtime::spawn(async move {
                while let Some(cmd) = commands_rx.recv().await {
                    let word = match cmd {
                        Command::Refresh => "refresh",
                        Command::Reload(_) => "reload",
                        Command::Stop => continue,
                    };
                    tell_tray(word);
                }
            });
            // Snapshots from the tray; end of input = the tray is gone, so go too.
            std::thread::spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    if line.trim() == "focus" {
                        crate::window::open_here(&handle);
                        continue;
                    }
                    if let Ok(snapshot) = serde_json::from_str::<Snapshot>(&line) {
                        *lock(&handle.state::<AppState>().snapshot) = snapshot.clone();
                        let _ = handle.emit("snapshot", &snapshot);
                    }
                }
                handle.exit(0);
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        // Closing the window ends the process: that is the point.
        Ok(app) => app.run_return(|_, _| {}),
        Err(e) => {
            tracing::error!("cannot open the history window: {e}");
            1
        }
    }
}
