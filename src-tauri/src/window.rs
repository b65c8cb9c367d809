//! The history window: created only when asked for and destroyed when closed (normally in a
//! child process of its own: see `window_process`).
//!
//! Why: a WebKitGTK webview costs ~200 MB PSS even hidden, against ~57 MB for the bare tray
//! (see docs/desktop-testing.md), and the window is opened rarely. Closing it destroys it; the
//! app keeps running in the tray (the exit request that follows is refused in `lib.rs`).

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const LABEL: &str = "history";

/// Show the history window: in its own process (see `window_process`), or here under WebDriver.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
    if crate::window_process::in_process() {
        open_here(app);
    } else {
        crate::window_process::open(app);
    }
}

/// Show the history window in this process, creating it if needed, and focus it.
pub fn open_here<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return;
    }
    let built = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html".into()))
        .title("Vigie — history")
        .inner_size(900.0, 640.0)
        .min_inner_size(480.0, 360.0)
        .build();
    match built {
        Ok(w) => {
            let _ = w.set_focus();
        }
        Err(e) => tracing::error!("cannot open the history window: {e}"),
    }
}

/// `VIGIE_SHOW_WINDOW=1` opens the window at start (end-to-end tests need a window to drive).
pub fn wanted_at_start() -> bool {
    std::env::var("VIGIE_SHOW_WINDOW").is_ok_and(|v| v == "1")
}
