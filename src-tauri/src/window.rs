//! The history window itself, the only window of this process: shown at start, focused when the
//! tray asks, and closing it ends the process (a WebKitGTK webview costs ~200 MB PSS, and the
//! window is opened rarely).

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const LABEL: &str = "history";

/// Show the history window, creating it if needed, and focus it.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
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
