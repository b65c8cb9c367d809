//! Vigie's GUI-free core: the status model, one parser per status-page platform, the built-in
//! catalog, config, the poller, pure transition logic and the SQLite store. The CLI and the tray app
//! are thin shells over this crate, which is why it must never depend on Tauri or GTK.

pub mod config;
pub mod discover;
pub mod fetch;
pub mod holds;
pub mod i18n;
pub mod logs;
pub mod model;
pub mod platform;
pub mod policy;
pub mod poller;
pub mod report;
pub mod service;
pub mod settings;
pub mod snapshot;
pub mod store;
pub mod text;
pub mod time;
pub mod transitions;

pub use model::{
    Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity, StoredIncident,
};
pub use platform::Kind;
pub use service::ServiceSpec;
pub use snapshot::{ServiceState, Snapshot};
