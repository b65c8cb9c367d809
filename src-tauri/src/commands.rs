//! Commands the history window may invoke. Thin: they read or poke the shared [`AppState`].

use tauri::State;
use vigie_core::poller::Command;
use vigie_core::Snapshot;

use crate::AppState;

/// The current snapshot (the same JSON shape as `vigie status --json`).
#[tauri::command]
pub fn get_snapshot(state: State<'_, AppState>) -> Snapshot {
    state.snapshot()
}

/// Poll every service now.
#[tauri::command]
pub fn refresh(state: State<'_, AppState>) -> Result<(), String> {
    state
        .commands
        .send(Command::Refresh)
        .map_err(|_| "the poller has stopped".to_string())
}
