//! Vigie's tray app: a thin Tauri v2 shell over `vigie-core`.
//!
//! Everything that can be decided without a display (polling, parsing, state, storage, the
//! notification policy) lives in the core crate and is tested there; this crate only wires it to
//! the tray, desktop notifications and an on-demand history window. Start-up order matters for
//! how the app feels: the tray appears at once with the last known state from the store, before
//! any network; a broken config never stops the tray (defaults are used and one notification
//! names the problems).

pub mod commands;
pub mod holds;
pub mod icon;
pub mod logging;
pub mod notify;
pub mod tray;
pub mod window;
pub mod window_process;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use vigie_core::holds::Holds;

use chrono::{DateTime, Local, Utc};
use tauri::{AppHandle, Emitter, Manager, RunEvent, Runtime};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use vigie_core::config::{self, Config, Notifications};
use vigie_core::i18n::{fill, Lang};
use vigie_core::policy::{self, Notice, Urgency};
use vigie_core::poller::{self, Command, Engine, Update};
use vigie_core::store::{self, Store};
use vigie_core::Snapshot;

/// Shared state, managed by Tauri.
pub struct AppState {
    snapshot: Mutex<Snapshot>,
    /// To the poller.
    pub commands: UnboundedSender<Command>,
    /// Replaced when the window saves new settings.
    pub notifications: Mutex<Notifications>,
    /// "Pause notifications" and per-service snoozes (stored: see `holds`).
    pub holds: Mutex<Holds>,
    /// The language of the tray, the tooltip and the notifications (the config's, else the
    /// system locale's); replaced when the window saves settings.
    pub lang: Mutex<Lang>,
    /// What the notification policy remembers between cycles (told problems, held recoveries).
    policy_memory: Mutex<policy::Memory>,
}

impl AppState {
    pub(crate) fn new(
        snapshot: Snapshot,
        commands: UnboundedSender<Command>,
        notifications: Notifications,
        lang: Lang,
    ) -> AppState {
        AppState {
            snapshot: Mutex::new(snapshot),
            commands,
            notifications: Mutex::new(notifications),
            holds: Mutex::new(Holds::default()),
            lang: Mutex::new(lang),
            policy_memory: Mutex::new(policy::Memory::default()),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        lock(&self.snapshot).clone()
    }

    fn policy_context(&self, now: DateTime<Utc>) -> policy::Context {
        policy::Context {
            now,
            local_offset_minutes: Local::now().offset().local_minus_utc() / 60,
            holds: lock(&self.holds).clone(),
            lang: *lock(&self.lang),
        }
    }
}

/// Lock, ignoring poisoning: the data are plain values that a panic cannot leave half-written.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Run the app with the default runtime; returns the process exit code.
pub fn run() -> i32 {
    if std::env::args().any(|a| a == window_process::ARG) {
        logging::init_window();
        return window_process::run_child();
    }
    let log = logging::init_tray();
    run_app(tauri::Builder::default(), log)
}

/// The window's commands, registered by the tray process and by the window process alike.
pub(crate) fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::get_snapshot,
        commands::refresh,
        commands::get_history,
        commands::export_history,
        commands::get_uptime,
        commands::get_report,
        commands::get_settings,
        commands::save_settings,
        commands::get_components,
        commands::discover_page,
        commands::add_service,
        commands::get_autostart,
        commands::set_autostart,
        commands::open_url,
        commands::get_log_path,
        commands::open_log_folder,
        commands::get_holds,
        commands::snooze
    ])
}

/// Run the app on any Tauri runtime (tests could pass a mock runtime's builder). `log` is where
/// the log file is, or why there is none.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, log: Result<PathBuf, String>) -> i32 {
    let mut problems: Vec<String> = Vec::new();

    let config_path = config::default_path();
    let data_dir = store::default_dir();
    // The trace a launch from the desktop or at login leaves (tests/e2e/run.sh looks for it).
    tracing::info!(
        "started vigie-app {}, config {}, data {}",
        env!("CARGO_PKG_VERSION"),
        config_path.display(),
        data_dir.display()
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
    // The last known state, shown before any network.
    let initial = engine.snapshot(Utc::now());
    let window_state =
        commands::WindowState::new(config_path.clone(), engine.store().path().to_path_buf());

    let (commands_tx, commands_rx) = unbounded_channel();
    let lang = Lang::resolve(cfg.language.as_deref());
    let state = AppState::new(initial, commands_tx, cfg.notifications.clone(), lang);
    // A pause or snooze from an earlier run still holds.
    holds::load_at_start(&state, engine.store());

    let builder = builder
        // Must be the first plugin: a second launch only focuses the running one.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            window::open(app);
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(window_state)
        .manage(window_process::WindowChild::default());
    let app = with_commands(builder)
        .setup(move |app| {
            let handle = app.handle().clone();
            tray::create(&handle)?;
            start_poller(handle.clone(), engine, commands_rx);
            if !problems.is_empty() {
                notify::send(&handle, config_notice(&config_path, &problems, lang));
            }
            if window::wanted_at_start() {
                window::open(&handle);
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            tracing::error!("cannot start the app: {e}");
            return 1;
        }
    };
    app.run_return(|_app, event| {
        // Closing the history window must not end the app; only "Quit" (an explicit code) does.
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            api.prevent_exit();
        }
    })
}

fn config_notice(path: &std::path::Path, problems: &[String], lang: Lang) -> Notice {
    let text = problems.join("\n");
    let t = lang.texts();
    let path = path.display().to_string();
    Notice {
        summary: t.config_problems.into(),
        body: format!(
            "{}\n{}",
            fill(t.config_defaults, &[("path", &path)]),
            policy::truncate(&text, 400)
        ),
        urgency: Urgency::Normal,
        service_ids: Vec::new(),
        incident: None,
    }
}

/// Run the poller on Tauri's async runtime and apply each update to the tray and notifications.
fn start_poller<R: Runtime>(
    app: AppHandle<R>,
    engine: Engine,
    commands_rx: UnboundedReceiver<Command>,
) {
    let (updates_tx, mut updates_rx) = unbounded_channel();
    tauri::async_runtime::spawn(poller::run(engine, updates_tx, commands_rx));
    tauri::async_runtime::spawn(async move {
        while let Some(update) = updates_rx.recv().await {
            match update {
                Update::Cycle { snapshot, events } => {
                    let state = app.state::<AppState>();
                    *lock(&state.snapshot) = snapshot.clone();
                    tray::refresh(&app);
                    let _ = app.emit("snapshot", &snapshot);
                    window_process::send_snapshot(&app, &snapshot);
                    let ctx = state.policy_context(Utc::now());
                    let policy = lock(&state.notifications).clone();
                    let mut memory = lock(&state.policy_memory);
                    for n in policy::notices(&events, &snapshot, &policy, &ctx, &mut memory) {
                        notify::send(&app, n);
                    }
                }
                Update::Error(e) => tracing::error!("poll cycle failed: {e}"),
            }
        }
    });
}
