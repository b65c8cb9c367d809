//! Desktop notifications through notify-rust (D-Bus `org.freedesktop.Notifications` on Linux).
//!
//! `Notification::show()` blocks on a D-Bus round trip, so every send runs on Tauri's blocking
//! pool, never on the UI thread or an async worker. A missing notification server (no daemon,
//! headless session) is an ordinary error: it is logged and the app carries on.

use tauri::{AppHandle, Runtime};
use vigie_core::policy::{Notice, Urgency};

pub const APP_NAME: &str = "Vigie";
/// Icon theme name: the .deb/.rpm install the app icon as `hicolor/*/apps/vigie-app.png` (named
/// after the binary), so this name resolves once installed.
pub const ICON_NAME: &str = "vigie-app";

/// The action a click on the notification body invokes (servers that support actions).
const OPEN: &str = "default";

/// Send one notice in the background; failures are logged, never fatal. Clicking a notice about
/// services opens the history window, where the incident is listed.
pub fn send<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || match show(&notice) {
        #[cfg(all(unix, not(target_os = "macos")))]
        Ok(handle) => {
            if !notice.service_ids.is_empty() {
                // Blocks this pool thread until the notice is clicked, dismissed or expires.
                handle.wait_for_action(|action| {
                    if action == OPEN {
                        crate::window::open(&app);
                    }
                });
            }
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        Ok(_) => {
            let _ = &app;
        }
        Err(e) => eprintln!("vigie: notification {:?} not shown: {e}", notice.summary),
    });
}

fn show(notice: &Notice) -> Result<notify_rust::NotificationHandle, notify_rust::error::Error> {
    let mut n = notify_rust::Notification::new();
    n.appname(APP_NAME)
        .summary(&notice.summary)
        .body(&notice.body)
        .icon(ICON_NAME);
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        n.urgency(match notice.urgency {
            Urgency::Low => notify_rust::Urgency::Low,
            Urgency::Normal => notify_rust::Urgency::Normal,
            Urgency::Critical => notify_rust::Urgency::Critical,
        });
        if !notice.service_ids.is_empty() {
            n.action(OPEN, "Open history");
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = notice.urgency;
    n.show()
}
