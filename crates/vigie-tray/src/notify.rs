//! Desktop notifications through notify-rust (D-Bus `org.freedesktop.Notifications`; this
//! binary is Linux only, as its GTK tray is).
//!
//! Everything is async on the engine's runtime (zbus): no thread is held while a notice is on
//! screen, and the wait for a click ends after [`ACTION_WAIT`] even on servers that never say the
//! notice closed. Where the server has actions, a notice about services offers "Snooze 1 h" and
//! "Snooze until tomorrow" besides opening the history; the words follow the app's language. A
//! missing notification server (no daemon, headless session) is an ordinary error: it is logged
//! and the app carries on.
//!
//! The body is escaped for servers that parse markup in it (the freedesktop spec allows a subset
//! of HTML there): provider text such as "AT&T <b>" shows as written. The summary is plain text
//! by the spec and is sent as is.

use std::sync::Arc;
use std::time::Duration;

use vigie_core::holds::SnoozeFor;
use vigie_core::i18n::{fill, Lang};
use vigie_core::policy::{self, Notice, Urgency};

use crate::app::Shared;

pub const APP_NAME: &str = "Vigie";
/// Icon theme name: the .deb/.rpm install the app icon as `hicolor/*/apps/vigie-app.png` (named
/// after the Tauri binary they are built around), so this name resolves once installed.
pub const ICON_NAME: &str = "vigie-app";

/// How long a click on a notice may still open the history window. Past that the wait ends and
/// its D-Bus connection closes; the notice may stay on screen, and the tray menu opens the window.
pub const ACTION_WAIT: Duration = Duration::from_secs(10 * 60);

/// The action a click on the notification body invokes (servers that support actions).
const OPEN: &str = "default";
const SNOOZE_HOUR: &str = "snooze-hour";
const SNOOZE_TOMORROW: &str = "snooze-tomorrow";

/// What the user chose on a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Open,
    Snooze(SnoozeFor),
}

/// Send one notice in the background; failures are logged, never fatal. Clicking a notice about
/// services opens the history window, where the incident is listed.
pub fn send(shared: &Arc<Shared>, notice: Notice) {
    let app = shared.clone();
    shared.runtime.spawn(async move {
        let caps = xdg::capabilities().await;
        // The buttons' language is the app's, as for the text.
        match xdg::show(&notice, caps, app.lang()).await {
            Ok(handle) => {
                tracing::info!("notification sent: {}", notice.summary);
                if notice.service_ids.is_empty() {
                    return;
                }
                match xdg::chosen(&handle, ACTION_WAIT).await {
                    Some(Choice::Open) => {
                        open_window(&app);
                    }
                    Some(Choice::Snooze(length)) => {
                        if let Err(e) = crate::holds::snooze(&app, &notice.service_ids, length) {
                            tracing::warn!("snooze not stored: {e}");
                        }
                    }
                    None => {}
                }
            }
            Err(e) => tracing::warn!("notification {:?} not shown: {e}", notice.summary),
        }
    });
}

/// Open the history window; when it cannot open, say so in a notice (a menu item that does
/// nothing, with the reason only in a log file, would leave the user guessing). `false`: the
/// tray is quitting.
pub fn open_window(shared: &Arc<Shared>) -> bool {
    match shared.window.open() {
        Ok(opening) => opening,
        Err(why) => {
            tracing::error!("cannot open the history window: {why}");
            send(
                shared,
                Notice {
                    summary: shared.lang().texts().window_failed.into(),
                    body: why,
                    urgency: Urgency::Normal,
                    service_ids: Vec::new(),
                    incident: None,
                },
            );
            true
        }
    }
}

/// The one notice a config with problems gets at start.
pub fn config_notice(path: &std::path::Path, problems: &[String], lang: Lang) -> Notice {
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

/// Wait for `fut` at most `limit`; `None` when the time ran out (the future is dropped).
pub async fn within<F: std::future::Future>(limit: Duration, fut: F) -> Option<F::Output> {
    tokio::time::timeout(limit, fut).await.ok()
}

mod xdg {
    use std::sync::OnceLock;
    use std::time::Duration;

    use notify_rust::{NotificationHandle, NotificationResponse};
    use vigie_core::holds::SnoozeFor;
    use vigie_core::i18n::Lang;
    use vigie_core::policy::{Notice, Urgency};

    use super::{within, Choice, APP_NAME, ICON_NAME, OPEN, SNOOZE_HOUR, SNOOZE_TOMORROW};

    /// What the server can do, as far as the notices care.
    #[derive(Debug, Clone, Copy)]
    pub(super) struct Caps {
        markup: bool,
        actions: bool,
    }

    /// The server's answer, once it gave one (a server that is not there yet is asked again).
    static CAPS: OnceLock<Caps> = OnceLock::new();

    /// Asked once. When the server cannot be asked, assume markup (most parse it, and escaped
    /// text on a plain server only shows a stray `&amp;`) and actions (ignored where missing).
    pub(super) async fn capabilities() -> Caps {
        if let Some(c) = CAPS.get() {
            return *c;
        }
        let caps = tokio::task::spawn_blocking(notify_rust::get_capabilities).await;
        match caps {
            Ok(Ok(caps)) => *CAPS.get_or_init(|| Caps {
                markup: caps.iter().any(|c| c == "body-markup"),
                actions: caps.iter().any(|c| c == "actions"),
            }),
            _ => Caps {
                markup: true,
                actions: true,
            },
        }
    }

    pub(super) async fn show(
        notice: &Notice,
        caps: Caps,
        lang: Lang,
    ) -> Result<NotificationHandle, notify_rust::error::Error> {
        let markup = caps.markup;
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
            let t = lang.texts();
            n.action(OPEN, t.action_open);
            if caps.actions {
                n.action(SNOOZE_HOUR, t.action_snooze_hour);
                n.action(SNOOZE_TOMORROW, t.action_snooze_tomorrow);
            }
        }
        n.show_async().await
    }

    /// What the user chose before the notice closed, within `limit` (`None`: dismissed, or no
    /// answer in time).
    pub(super) async fn chosen(handle: &NotificationHandle, limit: Duration) -> Option<Choice> {
        let mut chosen = None;
        let wait = handle.wait_for_action_async(|r| {
            chosen = match r {
                NotificationResponse::Default => Some(Choice::Open),
                NotificationResponse::Action(a) => choice(a),
                _ => None,
            }
        });
        within(limit, wait).await.and(chosen)
    }

    /// An action key the server sent back → the choice (unknown keys are ignored).
    pub(super) fn choice(action: &str) -> Option<Choice> {
        match action {
            OPEN => Some(Choice::Open),
            SNOOZE_HOUR => Some(Choice::Snooze(SnoozeFor::Hour)),
            SNOOZE_TOMORROW => Some(Choice::Snooze(SnoozeFor::Tomorrow)),
            _ => None,
        }
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

    #[test]
    fn action_keys_map_to_choices() {
        assert_eq!(xdg::choice("default"), Some(Choice::Open));
        assert_eq!(
            xdg::choice("snooze-hour"),
            Some(Choice::Snooze(SnoozeFor::Hour))
        );
        assert_eq!(
            xdg::choice("snooze-tomorrow"),
            Some(Choice::Snooze(SnoozeFor::Tomorrow))
        );
        assert_eq!(xdg::choice("__closed"), None);
    }
}
