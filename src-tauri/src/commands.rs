//! Commands the history/settings window may invoke. Thin: the logic lives in
//! `vigie_core::settings` (tested there); these read or poke the shared state.
//!
//! The window's store connection is a second SQLite connection to the tray's database (WAL:
//! readers never block the writer), opened on first use (the window may never need it).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{Local, Utc};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use vigie_core::config::{self, Config};
use vigie_core::holds::{Holds, SnoozeFor};
use vigie_core::model::Component;
use vigie_core::model::StoredIncident;
use vigie_core::settings::{
    self, Export, ExportFormat, IncidentKey, NewService, Preview, ServiceUptime, Settings,
};
use vigie_core::store::Store;
use vigie_core::Snapshot;

use vigie_shell::ipc::Request;
use vigie_shell::lock;

use crate::AppState;

/// What the window's commands need besides [`AppState`].
pub struct WindowState {
    config_path: PathBuf,
    store_path: PathBuf,
    store: Mutex<Option<Store>>,
}

impl WindowState {
    pub fn new(config_path: PathBuf, store_path: PathBuf) -> WindowState {
        WindowState {
            config_path,
            store_path,
            store: Mutex::new(None),
        }
    }

    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, String>) -> Result<T, String> {
        let mut guard = lock(&self.store);
        if guard.is_none() {
            // The tray's database: never moved aside from here, the tray has it open.
            let s = Store::open_shared(&self.store_path).map_err(|e| e.to_string())?;
            *guard = Some(s);
        }
        match guard.as_mut() {
            Some(s) => f(s),
            None => Err("the history database is not open".into()),
        }
    }
}

/// The current snapshot (the same JSON shape as `vigie status --json`).
#[tauri::command]
pub fn get_snapshot(state: State<'_, AppState>) -> Snapshot {
    state.snapshot()
}

/// Poll every service now.
#[tauri::command]
pub fn refresh(state: State<'_, AppState>) -> Result<(), String> {
    state.ask(Request::Refresh)
}

/// Every stored incident with its updates, newest first (filtering is the window's job).
#[tauri::command]
pub fn get_history(win: State<'_, WindowState>) -> Result<Vec<StoredIncident>, String> {
    win.with_store(|s| s.incidents(None, None).map_err(|e| e.to_string()))
}

/// The selected incidents as CSV or JSON text; with `save`, also written to the Downloads folder.
#[tauri::command]
pub fn export_history(
    win: State<'_, WindowState>,
    format: ExportFormat,
    keys: Vec<IncidentKey>,
    save: bool,
) -> Result<Export, String> {
    let all = win.with_store(|s| s.incidents(None, None).map_err(|e| e.to_string()))?;
    let mut out = settings::export(&settings::select(all, &keys), format, Utc::now());
    if save {
        out.save()?;
    }
    Ok(out)
}

/// (id, name) of every watched service, as the snapshot lists them.
fn watched(state: &AppState) -> Vec<(String, String)> {
    state
        .snapshot()
        .services
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect()
}

/// The per-day bars of every watched service.
#[tauri::command]
pub fn get_uptime(
    state: State<'_, AppState>,
    win: State<'_, WindowState>,
    days: u32,
) -> Result<Vec<ServiceUptime>, String> {
    let services = watched(&state);
    let days = days.clamp(1, 400);
    win.with_store(|s| settings::uptime(s, &services, days, Utc::now()).map_err(|e| e.to_string()))
}

/// The reliability report of every watched service over the last `days` days; with `export`, also
/// its CSV or JSON text, written to the Downloads folder when `save` (like History's export).
#[tauri::command]
pub fn get_report(
    state: State<'_, AppState>,
    win: State<'_, WindowState>,
    days: u32,
    export: Option<ExportFormat>,
    save: bool,
) -> Result<vigie_core::report::ReportView, String> {
    use vigie_core::report;
    let services = watched(&state);
    let now = Utc::now();
    let period = report::Period::Days(days.clamp(1, 400));
    let r =
        win.with_store(|s| report::compute(s, &services, period, now).map_err(|e| e.to_string()))?;
    let export = match export {
        Some(format) => {
            let mut out = report::export(&r, format, now);
            if save {
                out.save()?;
            }
            Some(out)
        }
        None => None,
    };
    Ok(report::ReportView { report: r, export })
}

fn load_config(win: &WindowState) -> Result<Config, String> {
    config::load(&win.config_path).map_err(|e| e.to_string())
}

/// The editable config. An invalid file is an error (the window shows it; nothing is written).
#[tauri::command]
pub fn get_settings(win: State<'_, WindowState>) -> Result<Settings, String> {
    Ok(settings::settings_of(&load_config(&win)?, &win.config_path))
}

/// Apply the saved config live: the tray reads the file again (poller, notification policy and
/// language change at once).
fn apply(state: &AppState) -> Result<(), String> {
    state
        .ask(Request::Reload)
        .map_err(|e| format!("saved, but {e}: it applies at the next start"))
}

/// Write the edited settings (validated first, atomic, comments kept) and apply them.
#[tauri::command]
pub fn save_settings(
    state: State<'_, AppState>,
    win: State<'_, WindowState>,
    settings: Settings,
) -> Result<Settings, String> {
    let cfg = settings::save(&win.config_path, &settings).map_err(|e| e.to_string())?;
    let out = settings::settings_of(&cfg, &win.config_path);
    apply(&state)?;
    Ok(out)
}

/// Every component of a watched page, from the last stored response (else the current reading).
#[tauri::command]
pub fn get_components(
    state: State<'_, AppState>,
    win: State<'_, WindowState>,
    id: String,
) -> Result<Vec<Component>, String> {
    let cfg = load_config(&win)?;
    let spec = settings::spec_of(&cfg, &id).ok_or_else(|| format!("no service {id:?}"))?;
    if let Some(list) = win.with_store(|s| Ok(settings::page_components(s, &spec)))? {
        return Ok(list);
    }
    Ok(state
        .snapshot()
        .services
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.components)
        .unwrap_or_default())
}

/// Detect what a status-page URL is and read it once, for a preview; nothing is saved.
#[tauri::command]
pub async fn discover_page(win: State<'_, WindowState>, url: String) -> Result<Preview, String> {
    // First, so a file: or javascript: address is refused as such even with a broken config.
    vigie_core::discover::check_url(&url).map_err(|e| e.to_string())?;
    let cfg = load_config(&win)?;
    let timeout = cfg.timeout.min(Duration::from_secs(15));
    let found = vigie_core::discover::discover(&url, timeout)
        .await
        .map_err(|e| e.to_string())?;
    Ok(settings::preview(&found, &cfg))
}

/// Save a page confirmed after its preview, and start watching it.
#[tauri::command]
pub fn add_service(
    state: State<'_, AppState>,
    win: State<'_, WindowState>,
    service: NewService,
) -> Result<Settings, String> {
    if settings::safe_http_url(&service.url).is_none() {
        return Err(format!("{:?} is not an http(s) URL", service.url));
    }
    let cfg = settings::add_service(&win.config_path, &service).map_err(|e| e.to_string())?;
    let out = settings::settings_of(&cfg, &win.config_path);
    apply(&state)?;
    Ok(out)
}

/// Is launch at login on (an autostart entry that starts the tray)?
#[tauri::command]
pub fn get_autostart() -> Result<bool, String> {
    vigie_shell::autostart::is_enabled().map_err(|e| e.to_string())
}

/// Turn launch at login on or off; the entry starts `vigie-tray`, never this window.
#[tauri::command]
pub fn set_autostart(state: State<'_, AppState>, enabled: bool) -> Result<bool, String> {
    let on = vigie_shell::autostart::set(enabled).map_err(|e| e.to_string())?;
    // The tray's menu shows it too.
    if let Err(e) = state.ask(Request::Autostart) {
        tracing::warn!("launch at login switched, but {e}");
    }
    Ok(on)
}

/// Open an http(s) link in the system browser; anything else is refused. The check is here, not
/// in a plugin scope: the opener's Rust API does none, and the window has no opener permission.
#[tauri::command]
pub fn open_url<R: Runtime>(app: AppHandle<R>, url: String) -> Result<(), String> {
    let Some(url) = settings::safe_http_url(&url) else {
        return Err("only http(s) links can be opened".into());
    };
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| format!("cannot open the link: {e}"))
}

/// Where the log file is (`vigie_core::logs`), for the Settings view.
#[tauri::command]
pub fn get_log_path() -> String {
    vigie_core::logs::path().display().to_string()
}

/// Open the folder that holds the log file in the file manager. It takes no argument: the
/// webview can open this one folder and no other path.
#[tauri::command]
pub fn open_log_folder<R: Runtime>(app: AppHandle<R>) -> Result<(), String> {
    let dir = vigie_core::logs::dir();
    if !dir.is_dir() {
        return Err(format!("{} does not exist yet", dir.display()));
    }
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| format!("cannot open {}: {e}", dir.display()))
}

/// The pause and the snoozes in force (read from the store: the tray process owns them).
#[tauri::command]
pub fn get_holds(win: State<'_, WindowState>) -> Result<Holds, String> {
    win.with_store(|s| Holds::load(s, Utc::now()).map_err(|e| e.to_string()))
}

/// Snooze a service's notifications for an hour or until tomorrow 08:00, or end its snooze.
#[tauri::command]
pub fn snooze(
    state: State<'_, AppState>,
    win: State<'_, WindowState>,
    service: String,
    length: SnoozeFor,
) -> Result<Holds, String> {
    if !state.snapshot().services.iter().any(|s| s.id == service) {
        return Err(format!("no watched service {service:?}"));
    }
    let holds = win.with_store(|s| Holds::snooze_for(s, &[service], length, Local::now()))?;
    // The tray owns the notifications: it reads the stored snoozes back.
    if let Err(e) = state.ask(Request::Holds) {
        tracing::warn!("snooze stored, but {e}");
    }
    Ok(holds)
}
