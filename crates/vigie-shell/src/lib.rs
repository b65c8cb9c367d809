//! What Vigie's two desktop processes share, with no GUI toolkit in it.
//!
//! Vigie runs as two binaries. `vigie-tray` (crates/vigie-tray, GTK + tray-icon) lives in the
//! tray all day: it owns the engine, the icon, the menu and the notifications. `vigie-app`
//! (src-tauri, Tauri + WebKitGTK) is the history window, started on demand and gone when closed,
//! so the always-on process never loads WebKit. Both depend on this crate, which depends on
//! neither toolkit:
//! - [`icon`]: the tray icon's pixels, one shape and colour per state;
//! - [`words`]: the menu's words (the notifications' are in `vigie_core::policy`);
//! - [`ipc`]: the socket between them, which also makes the tray a single instance;
//! - [`autostart`]: launch at login, always pointing at the tray binary;
//! - [`logging`]: where each process's `tracing` events go.

pub mod autostart;
pub mod icon;
pub mod ipc;
pub mod logging;
pub mod words;

use std::sync::{Mutex, MutexGuard};

/// GTK loads the GL driver (Mesa and LLVM: ~50 MB) when it connects to the display. Neither
/// program draws with GL: the tray is an icon and a menu, and the window is text and CSS, for which
/// WebKit's software path is enough. Call first in `main`, before any thread exists; a user who
/// wants GL can still set `GDK_GL` themselves.
pub fn without_gl() {
    if std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
    }
}

/// Lock, ignoring poisoning: the data are plain values that a panic cannot leave half-written.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The tray binary's file name.
pub const TRAY_BIN: &str = "vigie-tray";
/// The window binary's file name.
pub const WINDOW_BIN: &str = "vigie-app";
/// The argument the tray starts the window with: such a window never starts a tray itself (a
/// tray it cannot reach would otherwise start another, which starts another window…).
pub const FROM_TRAY: &str = "--from-tray";
/// Set to `1` in a tray's environment, it opens the window at start: what a window started with
/// no tray running asks of the tray it starts.
pub const SHOW_WINDOW_ENV: &str = "VIGIE_SHOW_WINDOW";

/// A sibling binary of the running one (`vigie-tray` next to `vigie-app`, and the other way):
/// both are installed in the same directory (`/usr/bin` from the packages, `target/<profile>`
/// from cargo). Falls back to the bare name, looked up in `PATH`.
pub fn sibling(name: &str) -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| std::path::PathBuf::from(name))
}
