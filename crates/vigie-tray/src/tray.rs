//! The tray icon and its menu: the whole everyday UI of Vigie (tray-icon and muda over GTK).
//!
//! The icon and the menu follow the current [`Snapshot`] after every poll cycle. The menu is
//! updated in place (new words on the same items) and only rebuilt when its structure changes:
//! replacing it destroys the open GtkMenu, so a rebuild on every cycle closed the menu under the
//! user's pointer. The icon is only re-set when its state changes (each set writes a PNG that the
//! tray host reads). The words are `vigie_shell::words`, tested without a display.
//!
//! Everything here runs on GTK's main thread: the icon and the menu live in a thread-local, and
//! other threads ask for a refresh through [`refresh`], which hands it to the main loop.
//!
//! Linux note: with AppIndicator any click opens the menu and no click events reach the app, so
//! "Open history…" in the menu is the way to the window.

use std::cell::RefCell;
use std::sync::Arc;

use chrono::{DateTime, Local, Utc};
use tray_icon::menu::{
    CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu,
};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder};
use vigie_core::holds::Holds;
use vigie_core::i18n::{tomorrow_morning, Lang};
use vigie_core::poller::Command;
use vigie_core::Snapshot;
use vigie_shell::icon::{self, IconState};
use vigie_shell::words::{headline, icon_state, paused_line, service_line, snooze_line};

use crate::app::Shared;

/// The tray's id: the AppIndicator id and the icon files' names derive from it.
const TRAY_ID: &str = "vigie";
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

fn shape(snapshot: &Snapshot, holds: &Holds, lang: Lang) -> Shape {
    (
        snapshot.services.iter().map(|s| s.id.clone()).collect(),
        holds.paused_until.is_some(),
        holds.snoozed.keys().cloned().collect(),
        lang,
    )
}

/// The menu items whose words change between cycles, kept to update an open menu in place.
struct LiveMenu {
    shape: Shape,
    headline: MenuItem,
    paused: Option<MenuItem>,
    snoozes: Vec<MenuItem>,
    services: Vec<MenuItem>,
    resume: MenuItem,
    autostart: CheckMenuItem,
}

/// What the tray shows now.
struct Tray {
    icon: TrayIcon,
    shown: IconState,
    menu: LiveMenu,
}

thread_local! {
    /// GTK's main thread only: tray-icon and muda objects are neither Send nor Sync.
    static TRAY: RefCell<Option<Tray>> = const { RefCell::new(None) };
}

/// Where tray-icon writes the icon PNGs the tray host reads (a new file per change): beside the
/// tray's socket (`$XDG_RUNTIME_DIR/vigie`, tmpfs and private, else the data dir), one folder per
/// tray, since tray-icon deletes its previous file by name at each change.
fn icon_dir() -> std::path::PathBuf {
    vigie_shell::ipc::socket_path().with_extension("icons")
}

/// Icons left by a tray that was killed (this one holds the lock: none is in use).
fn clear_icons(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.path().extension().is_some_and(|x| x == "png") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Create the tray icon showing the shared state (the last known one, from the store), and route
/// menu clicks. Main thread.
pub fn create(shared: &Arc<Shared>) -> Result<(), Box<dyn std::error::Error>> {
    let snapshot = shared.snapshot();
    let now = Utc::now();
    let lang = shared.lang();
    let holds = crate::holds::current(shared, now);
    let (menu, live) = build_menu(shared, &snapshot, now, &holds, lang)?;
    let state = icon_state(&snapshot);
    let icons = icon_dir();
    clear_icons(&icons);
    let icon = TrayIconBuilder::new()
        .with_id(TRAY_ID)
        .with_icon(icon_image(state)?)
        .with_menu(Box::new(menu))
        .with_temp_dir_path(icons)
        .build()?;
    TRAY.with(|t| {
        *t.borrow_mut() = Some(Tray {
            icon,
            shown: state,
            menu: live,
        })
    });
    shared.set_redraw(refresh);
    let shared = shared.clone();
    // Called on GTK's main thread (muda activates items there).
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        on_menu_event(&shared, event.id().as_ref());
    }));
    Ok(())
}

/// Ask the main loop to re-render the icon and the menu from the shared state (any thread).
///
/// Always queued, never run here: `MainContext::invoke` runs the closure on the calling thread
/// when the main loop is not running yet, where the thread-local tray does not exist.
pub fn refresh(shared: &Arc<Shared>) {
    let shared = shared.clone();
    glib::idle_add_once(move || refresh_now(&shared));
}

fn refresh_now(shared: &Shared) {
    let snapshot = shared.snapshot();
    let now = Utc::now();
    let lang = shared.lang();
    let holds = crate::holds::current(shared, now);
    TRAY.with(|t| {
        // Never re-entered in practice; a busy borrow skips one refresh rather than panicking.
        let Ok(mut guard) = t.try_borrow_mut() else {
            return;
        };
        let Some(tray) = guard.as_mut() else {
            return;
        };
        let wanted = icon_state(&snapshot);
        if tray.shown != wanted {
            match icon_image(wanted).map(|i| tray.icon.set_icon(Some(i))) {
                Ok(Ok(())) => tray.shown = wanted,
                Ok(Err(e)) => tracing::warn!("cannot set the tray icon: {e}"),
                Err(e) => tracing::warn!("cannot draw the tray icon: {e}"),
            }
        }
        if tray.menu.shape == shape(&snapshot, &holds, lang) {
            update_menu(&tray.menu, &snapshot, now, &holds, shared.autostart());
            return;
        }
        match build_menu(shared, &snapshot, now, &holds, lang) {
            Ok((menu, live)) => {
                tray.icon.set_menu(Some(Box::new(menu)));
                tray.menu = live;
            }
            Err(e) => tracing::warn!("cannot build the tray menu: {e}"),
        }
    });
}

/// End GTK's main loop (Quit, or a signal); `main` then tidies up.
pub fn quit() {
    gtk::main_quit();
}

/// Take the icon down (its PNG file is removed with it).
pub fn remove() {
    TRAY.with(|t| {
        if let Ok(mut guard) = t.try_borrow_mut() {
            guard.take();
        }
    });
}

fn icon_image(state: IconState) -> Result<Icon, tray_icon::BadIcon> {
    Icon::from_rgba(icon::render(state, ICON_SIZE), ICON_SIZE, ICON_SIZE)
}

/// New words on the existing items (same structure). Only what changed is set: each set makes
/// GTK lay the item out again and the tray host re-read it (dbusmenu), at every poll cycle.
fn update_menu(
    m: &LiveMenu,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
    holds: &Holds,
    autostart: bool,
) {
    let lang = m.shape.3;
    set_text(&m.headline, headline(snapshot, now, lang));
    if let (Some(item), Some(until)) = (&m.paused, holds.paused_until) {
        set_text(item, paused_line(lang, until));
    }
    for (item, (id, until)) in m.snoozes.iter().zip(&holds.snoozed) {
        set_text(item, snooze_line(lang, snapshot, id, *until));
    }
    for (item, s) in m.services.iter().zip(&snapshot.services) {
        set_text(item, service_line(s, lang));
    }
    let paused = holds.paused_until.is_some();
    if m.resume.is_enabled() != paused {
        m.resume.set_enabled(paused);
    }
    if m.autostart.is_checked() != autostart {
        m.autostart.set_checked(autostart);
    }
}

fn set_text(item: &MenuItem, text: String) {
    if item.text() != text {
        item.set_text(text);
    }
}

/// A line that only informs (status, pause, snooze): shown greyed, never clickable.
fn info(id: String, text: String) -> MenuItem {
    MenuItem::with_id(id, text, false, None)
}

fn build_menu(
    shared: &Shared,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
    holds: &Holds,
    lang: Lang,
) -> Result<(Menu, LiveMenu), tray_icon::menu::Error> {
    let t = lang.texts();
    let paused = holds.paused_until;

    let headline_item = info("headline".into(), headline(snapshot, now, lang));
    let paused_item = paused.map(|until| info("paused".into(), paused_line(lang, until)));
    let snooze_items: Vec<MenuItem> = holds
        .snoozed
        .iter()
        .enumerate()
        .map(|(i, (id, until))| {
            info(
                format!("snoozed-{i}"),
                snooze_line(lang, snapshot, id, *until),
            )
        })
        .collect();
    let service_items: Vec<MenuItem> = snapshot
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| info(format!("service-{i}"), service_line(s, lang)))
        .collect();
    let resume = MenuItem::with_id(ID_RESUME, t.menu_resume, paused.is_some(), None);
    let autostart = CheckMenuItem::with_id(
        ID_AUTOSTART,
        t.menu_autostart,
        true,
        shared.autostart(),
        None,
    );
    let pause = Submenu::with_id_and_items(
        "pause",
        t.menu_pause,
        true,
        &[
            &MenuItem::with_id(ID_PAUSE_1H, t.menu_1h, true, None),
            &MenuItem::with_id(ID_PAUSE_8H, t.menu_8h, true, None),
            &MenuItem::with_id(ID_PAUSE_TOMORROW, t.menu_tomorrow, true, None),
            &resume,
        ],
    )?;
    let open = MenuItem::with_id(ID_OPEN, t.menu_open, true, None);
    let refresh = MenuItem::with_id(ID_REFRESH, t.menu_refresh, true, None);
    let quit = MenuItem::with_id(ID_QUIT, t.menu_quit, true, None);
    let separator = PredefinedMenuItem::separator();
    let separator2 = PredefinedMenuItem::separator();

    let mut items: Vec<&dyn IsMenuItem> = vec![&headline_item];
    items.extend(paused_item.iter().map(|i| i as &dyn IsMenuItem));
    items.extend(snooze_items.iter().map(|i| i as &dyn IsMenuItem));
    items.extend(service_items.iter().map(|i| i as &dyn IsMenuItem));
    items.extend([
        &separator as &dyn IsMenuItem,
        &open,
        &refresh,
        &pause,
        &autostart,
        &separator2,
        &quit,
    ]);
    let menu = Menu::with_items(&items)?;
    let live = LiveMenu {
        shape: shape(snapshot, holds, lang),
        headline: headline_item,
        paused: paused_item,
        snoozes: snooze_items,
        services: service_items,
        resume,
        autostart,
    };
    Ok((menu, live))
}

fn on_menu_event(shared: &Arc<Shared>, id: &str) {
    let now = Utc::now();
    match id {
        ID_OPEN => {
            crate::notify::open_window(shared);
        }
        ID_REFRESH => {
            let _ = shared.commands.send(Command::Refresh);
        }
        ID_PAUSE_1H => crate::holds::pause(shared, Some(now + chrono::Duration::hours(1))),
        ID_PAUSE_8H => crate::holds::pause(shared, Some(now + chrono::Duration::hours(8))),
        ID_PAUSE_TOMORROW => crate::holds::pause(shared, Some(tomorrow_morning(Local::now()))),
        ID_RESUME => crate::holds::pause(shared, None),
        ID_AUTOSTART => {
            // GTK already flipped the check mark; the entry on disk decides what it shows.
            match vigie_shell::autostart::set(!shared.autostart()) {
                Ok(now_on) => tracing::info!("launch at login: {now_on}"),
                Err(e) => tracing::warn!("cannot change launch at login: {e}"),
            }
            shared.reread_autostart();
        }
        ID_QUIT => {
            // From here on no window opens and a new launch waits for this one to end.
            shared.window.quit();
            let _ = shared.commands.send(Command::Stop);
            quit();
        }
        _ => {}
    }
}
