//! The engine at work: the poller of `vigie-core` on the engine's runtime, and each cycle's
//! update applied to the tray, the window and the notifications.

use std::sync::Arc;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use vigie_core::poller::{self, Command, Engine, Update};

use crate::app::Shared;

/// Run the poller and apply each update.
pub fn start(shared: &Arc<Shared>, engine: Engine, commands_rx: UnboundedReceiver<Command>) {
    let (updates_tx, mut updates_rx) = unbounded_channel();
    shared
        .runtime
        .spawn(poller::run(engine, updates_tx, commands_rx));
    let shared = shared.clone();
    shared.runtime.clone().spawn(async move {
        while let Some(update) = updates_rx.recv().await {
            match update {
                Update::Cycle { snapshot, events } => {
                    shared.set_snapshot(snapshot.clone());
                    shared.redraw();
                    shared.window.send_snapshot(&snapshot);
                    for n in shared.notices(&events, &snapshot) {
                        crate::notify::send(&shared, n);
                    }
                }
                Update::Error(e) => tracing::error!("poll cycle failed: {e}"),
            }
        }
    });
}
