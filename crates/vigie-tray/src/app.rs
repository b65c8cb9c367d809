//! The tray's shared state and the engine's thread: what the GTK thread, the engine's runtime
//! and the socket threads all read.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;
use vigie_core::config::Notifications;
use vigie_core::holds::Holds;
use vigie_core::i18n::Lang;
use vigie_core::policy::{self, Notice};
use vigie_core::poller::Command;
use vigie_core::store::Store;
use vigie_core::Snapshot;
use vigie_shell::{autostart, lock};

/// Shared by every thread of the tray.
pub struct Shared {
    snapshot: Mutex<Snapshot>,
    /// To the poller.
    pub commands: UnboundedSender<Command>,
    /// Replaced when the window saves new settings.
    pub notifications: Mutex<Notifications>,
    /// "Pause notifications" and per-service snoozes (stored: see `holds`).
    pub holds: Mutex<Holds>,
    /// The language of the menu and the notifications (the config's, else the system locale's).
    pub lang: Mutex<Lang>,
    /// What the notification policy remembers between cycles (told problems, held recoveries).
    policy_memory: Mutex<policy::Memory>,
    /// A second connection to the engine's database, for the pause and the snoozes; opened on
    /// first use.
    store_path: PathBuf,
    store: Mutex<Option<Store>>,
    /// The history window, when one is open or starting.
    pub window: crate::window::Link,
    /// The engine's runtime, where notifications are sent from.
    pub runtime: tokio::runtime::Handle,
    /// How to redraw the tray (set once the tray exists; see [`Shared::redraw`]).
    redraw: OnceLock<fn(&Arc<Shared>)>,
    /// Whether launch at login is on: read from its entry at start, and again when the menu or
    /// the window changed it (not at every redraw).
    autostart: AtomicBool,
}

impl Shared {
    pub fn new(
        snapshot: Snapshot,
        commands: UnboundedSender<Command>,
        notifications: Notifications,
        lang: Lang,
        store_path: PathBuf,
        runtime: tokio::runtime::Handle,
    ) -> Shared {
        Shared {
            snapshot: Mutex::new(snapshot),
            commands,
            notifications: Mutex::new(notifications),
            holds: Mutex::new(Holds::default()),
            lang: Mutex::new(lang),
            policy_memory: Mutex::new(policy::Memory::default()),
            store_path,
            store: Mutex::new(None),
            window: crate::window::Link::default(),
            runtime,
            redraw: OnceLock::new(),
            autostart: AtomicBool::new(autostart::is_enabled().unwrap_or(false)),
        }
    }

    /// Is launch at login on (as last read)?
    pub fn autostart(&self) -> bool {
        self.autostart.load(Ordering::Relaxed)
    }

    /// The autostart entry changed (from the menu or the window): read it again and redraw.
    pub fn reread_autostart(self: &Arc<Self>) {
        let on = autostart::is_enabled().unwrap_or(false);
        self.autostart.store(on, Ordering::Relaxed);
        self.redraw();
    }

    /// Set by the tray when it is created: what [`Shared::redraw`] calls.
    pub fn set_redraw(&self, redraw: fn(&Arc<Shared>)) {
        let _ = self.redraw.set(redraw);
    }

    /// The state changed (a snapshot, a pause, a snooze, the language): redraw the tray's icon
    /// and menu, from any thread. A hook rather than a call into the tray, so what changes the
    /// state never depends on the widgets that show it.
    pub fn redraw(self: &Arc<Self>) {
        if let Some(redraw) = self.redraw.get() {
            redraw(self);
        }
    }

    /// The updated snapshot of a poll cycle.
    pub fn set_snapshot(&self, snapshot: Snapshot) {
        *lock(&self.snapshot) = snapshot;
    }

    /// The notices this cycle's events call for, by the policy (which remembers what it told).
    pub fn notices(
        &self,
        events: &[vigie_core::transitions::Event],
        snapshot: &Snapshot,
    ) -> Vec<Notice> {
        let ctx = self.policy_context(Utc::now());
        let policy = lock(&self.notifications).clone();
        let mut memory = lock(&self.policy_memory);
        policy::notices(events, snapshot, &policy, &ctx, &mut memory)
    }

    pub fn snapshot(&self) -> Snapshot {
        lock(&self.snapshot).clone()
    }

    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    fn policy_context(&self, now: DateTime<Utc>) -> policy::Context {
        policy::Context {
            now,
            local_offset_minutes: Local::now().offset().local_minus_utc() / 60,
            holds: lock(&self.holds).clone(),
            lang: self.lang(),
        }
    }

    /// Run `f` on the tray's own connection to the database.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut guard = lock(&self.store);
        if guard.is_none() {
            *guard = Some(Store::open(&self.store_path).map_err(|e| e.to_string())?);
        }
        match guard.as_mut() {
            Some(s) => f(s),
            None => Err("the history database is not open".into()),
        }
    }
}

/// The engine's single-threaded tokio runtime, on a thread of its own (GTK has the main thread).
pub struct EngineThread {
    handle: tokio::runtime::Handle,
    stop: oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl EngineThread {
    pub fn start() -> std::io::Result<EngineThread> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("vigie-engine".into())
            .spawn(move || {
                // Drives every task spawned on the handle until told to stop.
                rt.block_on(async {
                    let _ = stopped.await;
                });
                // A notification still waiting for a click must not hold the exit.
                rt.shutdown_timeout(Duration::from_millis(500));
            })?;
        Ok(EngineThread {
            handle,
            stop,
            thread,
        })
    }

    pub fn handle(&self) -> tokio::runtime::Handle {
        self.handle.clone()
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}
