//! Vigie's history and settings window: a thin Tauri v2 shell over `vigie-core`.
//!
//! This binary (`vigie-app`) is only the window. The tray, the engine and the notifications are
//! `vigie-tray` (crates/vigie-tray), which never links WebKit and starts this process when the
//! window is asked for; closing the window ends this process and gives all its memory back.
//! The two talk over the tray's socket (`tray_link`, protocol in `vigie_shell::ipc`): the window
//! gets each new snapshot, and asks for a refresh, a reload of saved settings, or a re-read of
//! the snoozes. Everything that can be decided without a display lives in the core crate and is
//! tested there.

pub mod commands;
pub mod tray_link;
pub mod window;

use std::sync::Mutex;

use tauri::{Emitter, Manager, Runtime};
use vigie_core::config;
use vigie_core::Snapshot;
use vigie_shell::ipc::{Request, ToWindow};
use vigie_shell::{lock, logging};

use crate::tray_link::TrayLink;
use vigie_shell::ipc::Hello;

/// Shared state, managed by Tauri.
pub struct AppState {
    snapshot: Mutex<Snapshot>,
    /// To the tray process.
    pub tray: TrayLink,
}

impl AppState {
    pub fn snapshot(&self) -> Snapshot {
        lock(&self.snapshot).clone()
    }

    /// Ask the tray for something; `Err` when the tray is gone.
    pub fn ask(&self, request: Request) -> Result<(), String> {
        self.tray.send(request)
    }
}

/// Run the window; returns the process exit code.
pub fn run() -> i32 {
    logging::init_window();
    let socket = vigie_shell::ipc::socket_path();
    let (link, snapshot) = match TrayLink::connect(&socket) {
        Ok((link, Hello::Snapshot(s))) => (link, *s),
        Ok((_, Hello::AlreadyOpen)) => {
            tracing::info!("the history window is already open: the tray brought it to the front");
            return 0;
        }
        Err(e) => return tray_link::no_tray(&socket, &e),
    };
    let state = AppState {
        snapshot: Mutex::new(snapshot),
        tray: link,
    };
    run_app(tauri::Builder::default(), state)
}

/// The window's commands.
fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
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

/// Run the window on any Tauri runtime (tests could pass a mock runtime's builder).
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> i32 {
    let lines = match state.tray.lines() {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("cannot read from the tray: {e}");
            return 1;
        }
    };
    let window_state = commands::WindowState::new(
        config::default_path(),
        vigie_core::store::default_dir().join(vigie_core::store::FILE),
    );
    let builder = builder
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(window_state);
    let app = with_commands(builder)
        .setup(move |app| {
            let handle = app.handle().clone();
            window::open(&handle);
            // What the tray says; its end closing means it quit, so the window goes too.
            std::thread::spawn(move || {
                for line in lines {
                    let Ok(line) = line else { break };
                    match ToWindow::parse(&line) {
                        Some(ToWindow::Snapshot(snapshot)) => {
                            *lock(&handle.state::<AppState>().snapshot) = (*snapshot).clone();
                            let _ = handle.emit("snapshot", &*snapshot);
                        }
                        Some(ToWindow::Focus) => window::open(&handle),
                        // The tray quits: its end closes next, and the window goes with it.
                        Some(ToWindow::Bye) | Some(ToWindow::Quitting) | None => {}
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
