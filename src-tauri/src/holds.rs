//! Pause and snoozes in the shell: the tray keeps them in [`AppState`] for the policy and the
//! menu, and stores them (`vigie_core::holds`, the store's `meta` table) so a restart keeps them.
//!
//! The window runs in a child process: a snooze there is written to the store by the child, which
//! then tells the tray (`holds` on its stdout) to read them back.

use chrono::{DateTime, Local, Utc};
use tauri::{AppHandle, Manager, Runtime};
use vigie_core::holds::{Holds, SnoozeFor};
use vigie_core::store::Store;

use crate::commands::WindowState;
use crate::{lock, AppState};

/// What holds now, from the state (ended ones left out).
pub fn current(state: &AppState, now: DateTime<Utc>) -> Holds {
    lock(&state.holds).clone().active(now)
}

/// Load the stored holds at start (a store that cannot be read holds nothing).
pub fn load_at_start(state: &AppState, store: &Store) {
    match Holds::load(store, Utc::now()) {
        Ok(h) => *lock(&state.holds) = h,
        Err(e) => tracing::warn!("cannot read the stored pause and snoozes: {e}"),
    }
}

fn with_store<R: Runtime, T>(
    app: &AppHandle<R>,
    f: impl FnOnce(&mut Store) -> Result<T, String>,
) -> Result<T, String> {
    app.state::<WindowState>().with_store(f)
}

/// Pause notifications until `until` (`None` = resume), stored, and shown in the menu.
pub fn pause<R: Runtime>(app: &AppHandle<R>, until: Option<DateTime<Utc>>) {
    lock(&app.state::<AppState>().holds).paused_until = until;
    match until {
        Some(t) => tracing::info!("notifications paused until {t}"),
        None => tracing::info!("notifications resumed"),
    }
    if let Err(e) = with_store(app, |s| Holds::save_pause(s, until)) {
        tracing::warn!("the pause is not stored (it ends with this run): {e}");
    }
    crate::tray::refresh(app);
}

/// Snooze these services (or end their snooze), store it, and apply it here; from the window
/// process, the tray is told to read it back. Returns the holds now in force.
pub fn snooze<R: Runtime>(
    app: &AppHandle<R>,
    services: &[String],
    length: SnoozeFor,
) -> Result<Holds, String> {
    let now = Local::now();
    let until = length.until(now);
    let now = now.with_timezone(&Utc);
    let mut holds = Holds::default();
    for id in services {
        holds = with_store(app, |s| Holds::snooze(s, id, until, now))?;
    }
    tracing::info!(
        "{} {}",
        services.join(", "),
        until.map_or("snooze ended".to_string(), |t| format!("snoozed until {t}"))
    );
    // The pause is the tray's: keep the one it knows.
    lock(&app.state::<AppState>().holds).snoozed = holds.snoozed.clone();
    if crate::window_process::is_child() {
        crate::window_process::tell_tray("holds");
    } else {
        crate::tray::refresh(app);
    }
    Ok(holds)
}

/// The window process changed the stored snoozes: read them back and show them.
pub fn reload<R: Runtime>(app: &AppHandle<R>) {
    match with_store(app, |s| {
        Holds::load(s, Utc::now()).map_err(|e| e.to_string())
    }) {
        Ok(h) => {
            lock(&app.state::<AppState>().holds).snoozed = h.snoozed;
            crate::tray::refresh(app);
        }
        Err(e) => tracing::warn!("cannot read the snoozes: {e}"),
    }
}
