//! Desktop notifications through notify-rust (D-Bus `org.freedesktop.Notifications` on Linux).
//!
//! On Linux everything is async on Tauri's runtime (zbus): no thread is held while a notice is
//! on screen, and the wait for a click ends after [`ACTION_WAIT`] even on servers that never say
//! the notice closed. Elsewhere `show()` blocks, so it runs on the blocking pool. A missing
//! notification server (no daemon, headless session) is an ordinary error: it is logged and the
//! app carries on.
//!
//! The body is escaped for servers that parse markup in it (the freedesktop spec allows a subset
//! of HTML there): provider text such as "AT&T <b>" shows as written. The summary is plain text
//! by the spec and is sent as is.

use std::time::Duration;

use tauri::{AppHandle, Runtime};
use vigie_core::policy::Notice;

pub const APP_NAME: &str = "Vigie";
/// Icon theme name: the .deb/.rpm install the app icon as `hicolor/*/apps/vigie-app.png` (named
/// after the binary), so this name resolves once installed.
pub const ICON_NAME: &str = "vigie-app";

/// How long a click on a notice may still open the history window. Past that the wait ends and
/// its D-Bus connection closes; the notice may stay on screen, and the tray menu opens the window.
pub const ACTION_WAIT: Duration = Duration::from_secs(10 * 60);

/// The action a click on the notification body invokes (servers that support actions).
#[cfg(all(unix, not(target_os = "macos")))]
const OPEN: &str = "default";

/// Send one notice in the background; failures are logged, never fatal. Clicking a notice about
/// services opens the history window, where the incident is listed.
pub fn send<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    let app = app.clone();
    #[cfg(all(unix, not(target_os = "macos")))]
    tauri::async_runtime::spawn(async move {
        let markup = xdg::parses_markup().await;
        match xdg::show(&notice, markup).await {
            Ok(handle) => {
                tracing::info!("notification sent: {}", notice.summary);
                if !notice.service_ids.is_empty() && xdg::clicked(&handle, ACTION_WAIT).await {
                    crate::window::open(&app);
                }
            }
            Err(e) => tracing::warn!("notification {:?} not shown: {e}", notice.summary),
        }
    });
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    tauri::async_runtime::spawn_blocking(move || {
        let _ = &app;
        let mut n = notify_rust::Notification::new();
        n.appname(APP_NAME)
            .summary(&notice.summary)
            .body(&notice.body)
            .icon(ICON_NAME);
        let _ = notice.urgency;
        match n.show() {
            Ok(_) => tracing::info!("notification sent: {}", notice.summary),
            Err(e) => tracing::warn!("notification {:?} not shown: {e}", notice.summary),
        }
    });
}

/// Wait for `fut` at most `limit`; `None` when the time ran out (the future is dropped).
pub async fn within<F: std::future::Future>(limit: Duration, fut: F) -> Option<F::Output> {
    tokio::time::timeout(limit, fut).await.ok()
}

#[cfg(all(unix, not(target_os = "macos")))]
mod xdg {
    use std::sync::OnceLock;
    use std::time::Duration;

    use notify_rust::{NotificationHandle, NotificationResponse};
    use vigie_core::policy::{Notice, Urgency};

    use super::{within, APP_NAME, ICON_NAME, OPEN};

    /// The server's answer, once it gave one (a server that is not there yet is asked again).
    static MARKUP: OnceLock<bool> = OnceLock::new();

    /// Does the server parse markup in bodies? Asked once; when it cannot be asked, assume it
    /// does (most do), since escaped text on a plain server only shows a stray `&amp;`.
    pub(super) async fn parses_markup() -> bool {
        if let Some(m) = MARKUP.get() {
            return *m;
        }
        let caps = tauri::async_runtime::spawn_blocking(notify_rust::get_capabilities).await;
        match caps {
            Ok(Ok(caps)) => *MARKUP.get_or_init(|| caps.iter().any(|c| c == "body-markup")),
            _ => true,
        }
    }

    pub(super) async fn show(
        notice: &Notice,
        markup: bool,
    ) -> Result<NotificationHandle, notify_rust::error::Error> {
        let body = if markup {
            vigie_core::text::escape_markup(&notice.body)
        } else {
            notice.body.clone()
        };
        let mut n = notify_rust::Notification::new();
        n.appname(APP_NAME)
            .summary(&notice.summary)
            .body(&body)
            .icon(ICON_NAME)
            .urgency(match notice.urgency {
                Urgency::Low => notify_rust::Urgency::Low,
                Urgency::Normal => notify_rust::Urgency::Normal,
                Urgency::Critical => notify_rust::Urgency::Critical,
            });
        if !notice.service_ids.is_empty() {
            n.action(OPEN, "Open history");
        }
        n.show_async().await
    }

    /// Was the notice clicked before it closed, within `limit`?
    pub(super) async fn clicked(handle: &NotificationHandle, limit: Duration) -> bool {
        let mut clicked = false;
        let wait = handle.wait_for_action_async(|r| {
            clicked = match r {
                NotificationResponse::Default => true,
                NotificationResponse::Action(a) => a == OPEN,
                _ => false,
            }
        });
        within(limit, wait).await.is_some() && clicked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_for_a_click_is_bounded() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let started = std::time::Instant::now();
            // A server that never answers: the wait still ends.
            let never = std::future::pending::<()>();
            assert_eq!(within(Duration::from_millis(50), never).await, None);
            assert!(started.elapsed() < Duration::from_secs(5));
            assert_eq!(within(Duration::from_secs(5), async { 7 }).await, Some(7));
        });
    }
}
