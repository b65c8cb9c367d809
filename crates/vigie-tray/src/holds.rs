//! Pause and snoozes in the tray: kept in [`Shared`] for the policy and the menu, and stored
//! (`vigie_core::holds`, the store's `meta` table) so a restart keeps them.
//!
//! The window snoozes from its own process: it writes the snooze to the store, then says `holds`
//! on the socket, and the tray reads them back ([`reload`]).

use std::sync::Arc;

use chrono::{DateTime, Local, Utc};
use vigie_core::holds::{Holds, SnoozeFor};
use vigie_core::store::Store;
use vigie_shell::lock;

use crate::app::Shared;

/// What holds now (ended ones left out).
pub fn current(shared: &Shared, now: DateTime<Utc>) -> Holds {
    lock(&shared.holds).clone().active(now)
}

/// Load the stored holds at start (a store that cannot be read holds nothing).
pub fn load_at_start(shared: &Shared, store: &Store) {
    match Holds::load(store, Utc::now()) {
        Ok(h) => *lock(&shared.holds) = h,
        Err(e) => tracing::warn!("cannot read the stored pause and snoozes: {e}"),
    }
}

/// Pause notifications until `until` (`None` = resume), stored, and shown in the menu.
pub fn pause(shared: &Arc<Shared>, until: Option<DateTime<Utc>>) {
    lock(&shared.holds).paused_until = until;
    match until {
        Some(t) => tracing::info!("notifications paused until {t}"),
        None => tracing::info!("notifications resumed"),
    }
    if let Err(e) = shared.with_store(|s| Holds::save_pause(s, until)) {
        tracing::warn!("the pause is not stored (it ends with this run): {e}");
    }
    shared.redraw();
}

/// Snooze these services (or end their snooze) from a notification's button, stored.
pub fn snooze(shared: &Arc<Shared>, services: &[String], length: SnoozeFor) -> Result<(), String> {
    let holds = shared.with_store(|s| Holds::snooze_for(s, services, length, Local::now()))?;
    // The pause is the tray's own: keep the one it knows.
    lock(&shared.holds).snoozed = holds.snoozed;
    shared.redraw();
    Ok(())
}

/// The window changed the stored snoozes: read them back and show them.
pub fn reload(shared: &Arc<Shared>) {
    match shared.with_store(|s| Holds::load(s, Utc::now()).map_err(|e| e.to_string())) {
        Ok(h) => {
            lock(&shared.holds).snoozed = h.snoozed;
            shared.redraw();
        }
        Err(e) => tracing::warn!("cannot read the snoozes: {e}"),
    }
}
