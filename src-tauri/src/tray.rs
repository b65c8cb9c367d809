//! The tray icon and its menu: the whole everyday UI of Vigie.
//!
//! The icon, tooltip and menu follow the current [`Snapshot`] after every poll cycle. The menu is
//! updated in place (new words on the same items) and only rebuilt when its structure changes:
//! replacing it destroys the open GtkMenu on Linux, so a rebuild on every cycle closed the menu
//! under the user's pointer (every second with a short interval). The icon is only re-set when
//! its state changes. The words are produced by pure functions so they can be tested without a
//! display, in the app's language (`vigie_core::i18n`: the same table as the notifications). A
//! pause and the snoozes show as lines with their end time.
//!
//! Linux note: with AppIndicator (the usual Linux tray) any click opens the menu and no click
//! events reach the app, so "Open history…" in the menu is the way to the window there; the
//! left-click shortcut works on Windows and macOS.

use chrono::{DateTime, Local, Utc};
use tauri::image::Image;
use tauri::menu::{
    CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu,
};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt;
use vigie_core::holds::Holds;
use vigie_core::i18n::{fill, tomorrow_morning, Lang};
use vigie_core::poller::Command;
use vigie_core::{ServiceState, Severity, Snapshot};

use std::sync::Mutex;

use crate::icon::{self, IconState};
use crate::{lock, window, AppState};

pub const TRAY_ID: &str = "vigie";
/// Pixels of the rendered icon: sharp on 16–32 px panels and HiDPI, scaled down by the host.
const ICON_SIZE: u32 = 32;

const ID_OPEN: &str = "open";
const ID_REFRESH: &str = "refresh";
const ID_PAUSE_1H: &str = "pause-1h";
const ID_PAUSE_8H: &str = "pause-8h";
const ID_PAUSE_TOMORROW: &str = "pause-tomorrow";
const ID_RESUME: &str = "resume";
const ID_AUTOSTART: &str = "autostart";
const ID_QUIT: &str = "quit";

/// What the menu's items are built for: service ids, whether the "paused" line shows, the
/// snoozed services, the language. Items are only rebuilt when this changes.
type Shape = (Vec<String>, bool, Vec<String>, Lang);

/// The menu items whose words change between cycles, kept to update an open menu in place.
struct LiveMenu<R: Runtime> {
    shape: Shape,
    headline: MenuItem<R>,
    paused: Option<MenuItem<R>>,
    snoozes: Vec<MenuItem<R>>,
    services: Vec<MenuItem<R>>,
    resume: MenuItem<R>,
    autostart: CheckMenuItem<R>,
}

/// What the tray shows now (managed by Tauri once the tray exists).
struct TrayState<R: Runtime> {
    menu: Mutex<Option<LiveMenu<R>>>,
    icon: Mutex<Option<IconState>>,
}

fn shape(snapshot: &Snapshot, holds: &Holds, lang: Lang) -> Shape {
    (
        snapshot.services.iter().map(|s| s.id.clone()).collect(),
        holds.paused_until.is_some(),
        holds.snoozed.keys().cloned().collect(),
        lang,
    )
}

fn lang<R: Runtime>(app: &AppHandle<R>) -> Lang {
    *lock(&app.state::<AppState>().lang)
}

/// Create the tray icon, showing what `AppState` holds (the last known state from the store).
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    let state = app.state::<AppState>();
    let snapshot = state.snapshot();
    let now = Utc::now();
    let (menu, live) = build_menu(app, &snapshot, now)?;
    let lang = lang(app);
    app.manage(TrayState {
        menu: Mutex::new(Some(live)),
        icon: Mutex::new(Some(icon_state(&snapshot))),
    });
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon_image(&snapshot))
        .tooltip(tooltip(&snapshot, now, lang))
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(on_menu_event)
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                window::open(tray.app_handle());
            }
        })
        .build(app)
}

/// Re-render icon, tooltip and menu from the current state.
///
/// Runs on the main thread: menu calls from another thread block on it, so a lock held there
/// while the main thread waits for the same lock (a menu click) would deadlock.
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    if let Err(e) = app.run_on_main_thread(move || refresh_now(&handle)) {
        tracing::warn!("cannot refresh the tray: {e}");
    }
}

fn refresh_now<R: Runtime>(app: &AppHandle<R>) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let Some(shown) = app.try_state::<TrayState<R>>() else {
        return;
    };
    let snapshot = app.state::<AppState>().snapshot();
    let now = Utc::now();
    let wanted = icon_state(&snapshot);
    let mut icon_now = lock(&shown.icon);
    if *icon_now != Some(wanted) {
        match tray.set_icon(Some(icon_image(&snapshot))) {
            Ok(()) => *icon_now = Some(wanted),
            Err(e) => tracing::warn!("cannot set the tray icon: {e}"),
        }
    }
    drop(icon_now);
    let lang = lang(app);
    let _ = tray.set_tooltip(Some(tooltip(&snapshot, now, lang)));

    let mut live = lock(&shown.menu);
    let holds = crate::holds::current(&app.state::<AppState>(), now);
    let same_shape = live
        .as_ref()
        .is_some_and(|m| m.shape == shape(&snapshot, &holds, lang));
    if same_shape {
        if let Some(m) = live.as_ref() {
            if let Err(e) = update_menu(app, m, &snapshot, now, &holds) {
                tracing::warn!("cannot update the tray menu: {e}");
            }
        }
        return;
    }
    match build_menu(app, &snapshot, now) {
        Ok((menu, items)) => match tray.set_menu(Some(menu)) {
            Ok(()) => *live = Some(items),
            Err(e) => tracing::warn!("cannot set the tray menu: {e}"),
        },
        Err(e) => tracing::warn!("cannot build the tray menu: {e}"),
    }
}

/// "Paused until 14:30".
pub fn paused_line(lang: Lang, until: DateTime<Utc>) -> String {
    fill(
        lang.texts().paused_until,
        &[("when", &lang.until_local(until))],
    )
}

/// "Claude snoozed until tomorrow 08:00" (the id when the service is no longer watched).
pub fn snooze_line(lang: Lang, snapshot: &Snapshot, id: &str, until: DateTime<Utc>) -> String {
    let name = snapshot
        .services
        .iter()
        .find(|s| s.id == id)
        .map_or(id, |s| s.name.as_str());
    fill(
        lang.texts().snoozed_until,
        &[("name", name), ("when", &lang.until_local(until))],
    )
}

/// New words on the existing items (same structure).
fn update_menu<R: Runtime>(
    app: &AppHandle<R>,
    m: &LiveMenu<R>,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
    holds: &Holds,
) -> tauri::Result<()> {
    let lang = m.shape.3;
    m.headline.set_text(headline(snapshot, now, lang))?;
    if let (Some(item), Some(until)) = (&m.paused, holds.paused_until) {
        item.set_text(paused_line(lang, until))?;
    }
    for (item, (id, until)) in m.snoozes.iter().zip(&holds.snoozed) {
        item.set_text(snooze_line(lang, snapshot, id, *until))?;
    }
    for (item, s) in m.services.iter().zip(&snapshot.services) {
        item.set_text(service_line(s, lang))?;
    }
    m.resume.set_enabled(holds.paused_until.is_some())?;
    m.autostart
        .set_checked(app.autolaunch().is_enabled().unwrap_or(false))?;
    Ok(())
}

pub fn icon_state(snapshot: &Snapshot) -> IconState {
    IconState::for_overall(snapshot.overall, snapshot.online)
}

fn icon_image(snapshot: &Snapshot) -> Image<'static> {
    let rgba = icon::render(icon_state(snapshot), ICON_SIZE);
    Image::new_owned(rgba, ICON_SIZE, ICON_SIZE)
}

fn build_menu<R: Runtime>(
    app: &AppHandle<R>,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
) -> tauri::Result<(Menu<R>, LiveMenu<R>)> {
    let lang = lang(app);
    let t = lang.texts();
    let holds = crate::holds::current(&app.state::<AppState>(), now);
    let paused = holds.paused_until;
    let autostart_on = app.autolaunch().is_enabled().unwrap_or(false);

    let headline_item = MenuItem::with_id(
        app,
        "headline",
        headline(snapshot, now, lang),
        false,
        None::<&str>,
    )?;
    let paused_item = match paused {
        Some(until) => Some(MenuItem::with_id(
            app,
            "paused",
            paused_line(lang, until),
            false,
            None::<&str>,
        )?),
        None => None,
    };
    let snooze_items = holds
        .snoozed
        .iter()
        .enumerate()
        .map(|(i, (id, until))| {
            MenuItem::with_id(
                app,
                format!("snoozed-{i}"),
                snooze_line(lang, snapshot, id, *until),
                false,
                None::<&str>,
            )
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    let service_items = snapshot
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            MenuItem::with_id(
                app,
                format!("service-{i}"),
                service_line(s, lang),
                false,
                None::<&str>,
            )
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    let resume = MenuItem::with_id(
        app,
        ID_RESUME,
        t.menu_resume,
        paused.is_some(),
        None::<&str>,
    )?;
    let autostart = CheckMenuItem::with_id(
        app,
        ID_AUTOSTART,
        t.menu_autostart,
        true,
        autostart_on,
        None::<&str>,
    )?;

    let mut owned: Vec<Box<dyn IsMenuItem<R>>> = Vec::new();
    owned.push(Box::new(headline_item.clone()));
    if let Some(p) = &paused_item {
        owned.push(Box::new(p.clone()));
    }
    for item in &snooze_items {
        owned.push(Box::new(item.clone()));
    }
    for item in &service_items {
        owned.push(Box::new(item.clone()));
    }
    owned.push(Box::new(PredefinedMenuItem::separator(app)?));
    owned.push(Box::new(MenuItem::with_id(
        app,
        ID_OPEN,
        t.menu_open,
        true,
        None::<&str>,
    )?));
    owned.push(Box::new(MenuItem::with_id(
        app,
        ID_REFRESH,
        t.menu_refresh,
        true,
        None::<&str>,
    )?));
    let pause_1h = MenuItem::with_id(app, ID_PAUSE_1H, t.menu_1h, true, None::<&str>)?;
    let pause_8h = MenuItem::with_id(app, ID_PAUSE_8H, t.menu_8h, true, None::<&str>)?;
    let pause_tomorrow =
        MenuItem::with_id(app, ID_PAUSE_TOMORROW, t.menu_tomorrow, true, None::<&str>)?;
    owned.push(Box::new(Submenu::with_id_and_items(
        app,
        "pause",
        t.menu_pause,
        true,
        &[&pause_1h, &pause_8h, &pause_tomorrow, &resume],
    )?));
    owned.push(Box::new(autostart.clone()));
    owned.push(Box::new(PredefinedMenuItem::separator(app)?));
    owned.push(Box::new(MenuItem::with_id(
        app,
        ID_QUIT,
        t.menu_quit,
        true,
        None::<&str>,
    )?));
    let refs: Vec<&dyn IsMenuItem<R>> = owned.iter().map(|b| b.as_ref()).collect();
    let menu = Menu::with_items(app, &refs)?;
    let live = LiveMenu {
        shape: shape(snapshot, &holds, lang),
        headline: headline_item,
        paused: paused_item,
        snoozes: snooze_items,
        services: service_items,
        resume,
        autostart,
    };
    Ok((menu, live))
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let state = app.state::<AppState>();
    let now = Utc::now();
    match event.id().as_ref() {
        ID_OPEN => window::open(app),
        ID_REFRESH => {
            let _ = state.commands.send(Command::Refresh);
        }
        ID_PAUSE_1H => crate::holds::pause(app, Some(now + chrono::Duration::hours(1))),
        ID_PAUSE_8H => crate::holds::pause(app, Some(now + chrono::Duration::hours(8))),
        ID_PAUSE_TOMORROW => crate::holds::pause(app, Some(tomorrow_morning(Local::now()))),
        ID_RESUME => crate::holds::pause(app, None),
        ID_AUTOSTART => {
            let al = app.autolaunch();
            let result = if al.is_enabled().unwrap_or(false) {
                al.disable()
            } else {
                al.enable()
            };
            if let Err(e) = result {
                tracing::warn!("cannot change launch at login: {e}");
            }
            refresh(app);
        }
        ID_QUIT => {
            let _ = state.commands.send(Command::Stop);
            app.exit(0);
        }
        _ => {}
    }
}

/// When Vigie last heard from any page.
fn last_checked(snapshot: &Snapshot) -> Option<DateTime<Utc>> {
    snapshot.services.iter().filter_map(|s| s.checked_at).max()
}

fn freshness(snapshot: &Snapshot, now: DateTime<Utc>, lang: Lang) -> String {
    let t = lang.texts();
    match last_checked(snapshot) {
        Some(then) => fill(t.checked, &[("ago", &lang.ago(then, now))]),
        None => t.not_checked.into(),
    }
}

/// Reachable services with a problem, worst first.
fn problems(snapshot: &Snapshot) -> Vec<&ServiceState> {
    let mut v: Vec<&ServiceState> = snapshot
        .services
        .iter()
        .filter(|s| s.reachable && s.status.is_problem())
        .collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.status));
    v
}

/// First menu line: overall + freshness.
pub fn headline(snapshot: &Snapshot, now: DateTime<Utc>, lang: Lang) -> String {
    let t = lang.texts();
    let what = if !snapshot.online {
        t.offline_headline
    } else {
        match snapshot.overall {
            Severity::Operational => t.all_operational,
            Severity::Unknown if snapshot.services.is_empty() => t.no_service,
            Severity::Unknown => t.status_unavailable,
            s => lang.severity(s),
        }
    };
    let fresh = freshness(snapshot, now, lang);
    fill(t.headline, &[("what", what), ("fresh", &fresh)])
}

/// Tooltip: the worst problems and for how long, then freshness.
pub fn tooltip(snapshot: &Snapshot, now: DateTime<Utc>, lang: Lang) -> String {
    let t = lang.texts();
    let mut parts: Vec<String> = Vec::new();
    if !snapshot.online {
        parts.push(t.offline_tooltip.into());
    }
    let probs = problems(snapshot);
    for s in probs.iter().take(3) {
        let status = lang.severity(s.status);
        parts.push(match s.since {
            Some(since) => fill(
                t.problem_for,
                &[
                    ("name", &s.name),
                    ("status", status),
                    ("span", &lang.span(since, now)),
                ],
            ),
            None => lang.about(&s.name, status),
        });
    }
    if probs.len() > 3 {
        parts.push(fill(t.more, &[("n", &(probs.len() - 3).to_string())]));
    }
    if probs.is_empty() && snapshot.online {
        let reachable = snapshot.services.iter().filter(|s| s.reachable).count();
        parts.push(match snapshot.overall {
            Severity::Operational if reachable == snapshot.services.len() => match reachable {
                1 => t.one_operational.to_string(),
                n => fill(t.all_n_operational, &[("n", &n.to_string())]),
            },
            Severity::Operational | Severity::Maintenance => {
                let m: Vec<&str> = snapshot
                    .services
                    .iter()
                    .filter(|s| s.reachable && s.status == Severity::Maintenance)
                    .map(|s| s.name.as_str())
                    .collect();
                if m.is_empty() {
                    t.no_problem.into()
                } else {
                    fill(t.maintenance_list, &[("names", &m.join(", "))])
                }
            }
            _ if snapshot.services.is_empty() => t.no_service_tip.into(),
            _ => t.status_unavailable_tip.into(),
        });
    }
    let unavailable = snapshot.services.iter().filter(|s| !s.reachable).count();
    if snapshot.online && unavailable > 0 {
        parts.push(lang.count(unavailable, t.pages_unavailable));
    }
    parts.push(freshness(snapshot, now, lang));
    fill(t.tooltip, &[("parts", &parts.join(" · "))])
}

/// The short reason of a config error, so the line says "misconfigured" (and why), never
/// "unavailable": `components = ["typo"] matches none of the page's 11 components` (the list of
/// real components that follows is for the window and `vigie check`).
fn misconfigured(s: &ServiceState) -> Option<&str> {
    let why = s.config_error.as_deref()?;
    Some(why.split_once(": ").map_or(why, |(short, _)| short))
}

/// One disabled menu line per service: shape symbol, name, status, and page-wide notices (which
/// never colour the service, so they are said in words).
pub fn service_line(s: &ServiceState, lang: Lang) -> String {
    let t = lang.texts();
    if let Some(why) = misconfigured(s).filter(|_| s.status == Severity::Unknown) {
        let why = vigie_core::policy::truncate(why, 80);
        return format!(
            "{} {} — {}",
            IconState::Unknown.symbol(),
            s.name,
            fill(t.misconfigured, &[("why", &why)])
        );
    }
    if !s.reachable {
        let last = match s.status {
            Severity::Unknown => String::new(),
            st => fill(t.last_known, &[("status", lang.severity(st))]),
        };
        return format!(
            "{} {} — {}{last}{}",
            IconState::Unknown.symbol(),
            s.name,
            t.unavailable,
            side_notes(s, lang)
        );
    }
    let sym = IconState::for_overall(s.status, true).symbol();
    let notices = match s.notices.len() {
        0 => String::new(),
        n => lang.count(n, t.notices),
    };
    format!(
        "{sym} {} — {}{notices}{}",
        s.name,
        lang.severity(s.status),
        side_notes(s, lang)
    )
}

/// What never changes a service's colour, said in words: the probe's problem (with its own glyph,
/// ⚑) and the providers it is built on that have one.
fn side_notes(s: &ServiceState, lang: Lang) -> String {
    use vigie_core::snapshot::ProbeProblem;
    let t = lang.texts();
    let mut out = String::new();
    match s.probe.as_ref().and_then(|p| p.problem) {
        Some(ProbeProblem::Unconfirmed) => out.push_str(&format!(" · ⚑ {}", t.seen_unconfirmed)),
        Some(ProbeProblem::Confirmed) => out.push_str(&format!(" · ⚑ {}", t.seen_confirmed)),
        None => {}
    }
    if !s.upstream.is_empty() {
        let list: Vec<String> = s
            .upstream
            .iter()
            .map(|u| format!("{}, {}", u.name, lang.severity(u.status)))
            .collect();
        out.push_str(&fill(t.may_be_affected, &[("list", &list.join("; "))]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use vigie_core::Kind;

    fn t(min_ago: i64) -> DateTime<Utc> {
        now() - chrono::Duration::minutes(min_ago)
    }
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 4, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn svc(name: &str, status: Severity, reachable: bool, since: Option<i64>) -> ServiceState {
        ServiceState {
            status,
            reachable,
            since: since.map(t),
            checked_at: Some(t(0)),
            ..ServiceState::unread(&vigie_core::ServiceSpec::new(
                name.to_lowercase(),
                name,
                Kind::Statuspage,
                "",
            ))
        }
    }

    #[test]
    fn words() {
        let s = Snapshot::new(
            now(),
            true,
            vec![
                svc("ChatGPT", Severity::MajorOutage, true, Some(12)),
                svc("Claude", Severity::Operational, true, None),
                svc("Sora", Severity::Degraded, false, None),
            ],
        );
        assert_eq!(
            tooltip(&s, now(), Lang::En),
            "Vigie — ChatGPT: major outage for 12 min · 1 page unavailable · checked just now"
        );
        assert_eq!(
            headline(&s, now(), Lang::En),
            "Vigie: major outage · checked just now"
        );
        assert_eq!(
            service_line(&s.services[0], Lang::En),
            "✖ ChatGPT — major outage"
        );
        assert_eq!(
            service_line(&s.services[2], Lang::En),
            "⊘ Sora — unavailable (last known: degraded)"
        );

        let off = Snapshot {
            online: false,
            ..s.clone()
        };
        assert!(tooltip(&off, now(), Lang::En).starts_with("Vigie — Offline"));
        assert_eq!(icon_state(&off), IconState::Unknown);

        let ok = Snapshot::new(
            now(),
            true,
            vec![svc("Claude", Severity::Operational, true, None)],
        );
        assert_eq!(
            tooltip(&ok, now(), Lang::En),
            "Vigie — The watched service is operational · checked just now"
        );
    }

    #[test]
    fn page_wide_notices_and_config_errors_are_said_on_the_service_line() {
        let notice = vigie_core::Incident {
            id: "n1".into(),
            kind: vigie_core::IncidentKind::Incident,
            title: "Disruption with some GitHub services".into(),
            status: "investigating".into(),
            impact: Severity::Degraded,
            started_at: None,
            resolved_at: None,
            url: None,
            components: vec![],
            updates: vec![],
        };
        let mut s = svc("GitHub Copilot", Severity::Operational, true, None);
        s.notices = vec![notice.clone()];
        assert_eq!(
            service_line(&s, Lang::En),
            "● GitHub Copilot — operational · page-wide notice"
        );
        s.notices.push(notice);
        assert_eq!(
            service_line(&s, Lang::En),
            "● GitHub Copilot — operational · 2 page-wide notices"
        );

        // The core's error for a filter that matches nothing: the short reason, not "unavailable".
        let mut bad = svc("GitHub", Severity::Unknown, false, None);
        bad.error = Some(
            "http://127.0.0.1:1/api/v2/summary.json: service is misconfigured: components = \
             [\"typo\"] matches none of the page's 11 components: \"8l4ygp009s5s\" (Git \
             Operations), …"
                .into(),
        );
        bad.config_error = bad
            .error
            .as_deref()
            .and_then(vigie_core::platform::config_reason)
            .map(str::to_string);
        assert_eq!(
            service_line(&bad, Lang::En),
            "⊘ GitHub — misconfigured: components = [\"typo\"] matches none of the page's 11 components"
        );
        // Any other error keeps the usual words.
        bad.error = Some("http://127.0.0.1:1/: HTTP 503".into());
        bad.config_error = None;
        assert_eq!(service_line(&bad, Lang::En), "⊘ GitHub — unavailable");
    }

    #[test]
    fn built_on_and_probe_problems_are_said_without_changing_the_shape() {
        let mut s = svc("Cursor", Severity::Operational, true, None);
        s.upstream = vec![vigie_core::snapshot::Upstream {
            id: "claude-api".into(),
            name: "Claude API".into(),
            status: Severity::PartialOutage,
        }];
        assert_eq!(
            service_line(&s, Lang::En),
            "● Cursor — operational · may be affected: Claude API, partial outage"
        );
        s.upstream.clear();
        s.probe = Some(vigie_core::snapshot::ProbeState {
            url: "https://api.openai.com/v1/models".into(),
            ok: false,
            http_status: Some(503),
            latency_ms: Some(12),
            failures: 2,
            problem: Some(vigie_core::snapshot::ProbeProblem::Unconfirmed),
            error: None,
            checked_at: None,
        });
        assert_eq!(
            service_line(&s, Lang::En),
            "● Cursor — operational · ⚑ problems seen from here, not confirmed"
        );
    }

    #[test]
    fn french_words() {
        let fr = Lang::Fr;
        let mut s = Snapshot::new(
            now(),
            true,
            vec![
                svc("ChatGPT", Severity::MajorOutage, true, Some(12)),
                svc("Claude", Severity::Operational, true, None),
                svc("Sora", Severity::Degraded, false, None),
                svc("Codex", Severity::Unknown, false, None),
            ],
        );
        assert_eq!(
            tooltip(&s, now(), fr),
            "Vigie — ChatGPT : panne majeure depuis 12 min · 2 pages indisponibles · vérifié à l’instant"
        );
        assert_eq!(
            headline(&s, now(), fr),
            "Vigie : panne majeure · vérifié à l’instant"
        );
        assert_eq!(
            service_line(&s.services[0], fr),
            "✖ ChatGPT — panne majeure"
        );
        assert_eq!(
            service_line(&s.services[2], fr),
            "⊘ Sora — indisponible (dernier état connu : dégradé)"
        );
        s.services.truncate(2);
        s.services[0].status = Severity::Operational;
        let ok = Snapshot::new(now(), true, s.services.clone());
        assert_eq!(
            tooltip(&ok, now(), fr),
            "Vigie — Les 2 services sont opérationnels · vérifié à l’instant"
        );
        let mut cursor = svc("Cursor", Severity::Operational, true, None);
        cursor.upstream = vec![vigie_core::snapshot::Upstream {
            id: "claude-api".into(),
            name: "Claude API".into(),
            status: Severity::PartialOutage,
        }];
        assert_eq!(
            service_line(&cursor, fr),
            "● Cursor — opérationnel · peut être affecté : Claude API, panne partielle"
        );
    }

    #[test]
    fn pause_and_snooze_lines() {
        let s = Snapshot::new(
            now(),
            true,
            vec![svc("Claude", Severity::Operational, true, None)],
        );
        // Far enough to be another day in any time zone: a weekday and the time.
        let until = now() + chrono::Duration::days(3);
        let line = snooze_line(Lang::En, &s, "claude", until);
        assert!(line.starts_with("Claude snoozed until "), "{line}");
        let line = snooze_line(Lang::Fr, &s, "gone", until);
        assert!(line.starts_with("gone en silence jusqu’à "), "{line}");
        let line = paused_line(Lang::En, until);
        assert!(line.starts_with("Paused until "), "{line}");
        assert!(line.ends_with(&until.with_timezone(&Local).format("%H:%M").to_string()));
    }
}
