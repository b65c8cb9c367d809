//! The tray's socket (`vigie_shell::ipc`): a second launch asks for the window, and a window
//! process asks for a refresh, a reload of saved settings, or a re-read of the snoozes.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;
use std::time::Duration;

use vigie_core::config;
use vigie_core::poller::Command;
use vigie_shell::ipc::{self, Request};
use vigie_shell::lock;

use crate::app::Shared;

/// A window that stops reading must not stall the engine.
const WRITE_WAIT: Duration = Duration::from_secs(2);

/// Answer the socket: second launches and windows, each connection on a thread of its own.
pub fn serve(shared: &Arc<Shared>, listener: UnixListener) {
    let shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("vigie-socket".into())
        .spawn(move || {
            for conn in listener.incoming() {
                let Ok(stream) = conn else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || {
                    if let Err(e) = connection(&shared, stream) {
                        tracing::debug!("socket connection ended: {e}");
                    }
                });
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot listen for a second launch or the window: {e}");
    }
}

fn connection(shared: &Arc<Shared>, stream: UnixStream) -> std::io::Result<()> {
    stream.set_write_timeout(Some(WRITE_WAIT))?;
    let mut lines = BufReader::new(stream.try_clone()?).lines();
    let hello = lines.next().transpose()?.unwrap_or_default();
    match hello.trim() {
        ipc::HELLO_OPEN => {
            tracing::info!("a second launch asked for the history window");
            shared.window.open();
            let mut w = stream;
            writeln!(w, "{}", ipc::OK)
        }
        ipc::HELLO_WINDOW => window(shared, stream, lines),
        other => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unknown hello {other:?}"),
        )),
    }
}

/// A window connected: it gets the current snapshot at once, then every new one.
fn window(
    shared: &Arc<Shared>,
    mut stream: UnixStream,
    lines: std::io::Lines<BufReader<UnixStream>>,
) -> std::io::Result<()> {
    let Some(id) = shared
        .window
        .attach(&stream, ipc::snapshot_line(&shared.snapshot()))?
    else {
        // One window at a time: the open one came to the front.
        return writeln!(stream, "{}", ipc::BYE);
    };
    tracing::info!("history window connected");
    for line in lines {
        match Request::parse(&line?) {
            Some(Request::Refresh) => {
                let _ = shared.commands.send(Command::Refresh);
            }
            Some(Request::Reload) => reload(shared),
            Some(Request::Holds) => crate::holds::reload(shared),
            None => {}
        }
    }
    shared.window.detach(id);
    tracing::info!("history window closed");
    Ok(())
}

/// The window saved settings to the config file: apply them here.
fn reload(shared: &Arc<Shared>) {
    match config::load(&config::default_path()) {
        Ok(cfg) => {
            *lock(&shared.notifications) = cfg.notifications.clone();
            *lock(&shared.lang) = vigie_core::i18n::Lang::resolve(cfg.language.as_deref());
            let _ = shared.commands.send(Command::Reload(Box::new(cfg)));
            shared.redraw();
        }
        // The window validates before writing, so this is a file edited by hand meanwhile.
        Err(e) => tracing::warn!("settings not applied: {e}"),
    }
}
