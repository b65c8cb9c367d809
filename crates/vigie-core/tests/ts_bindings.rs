//! The window's TypeScript types (`ui/src/bindings/`) are generated from the Rust types, never
//! written by hand. This test regenerates them and fails when the committed files were stale
//! (after rewriting them, so a second run passes): `cargo test -p vigie-core --features ts`.
#![cfg(feature = "ts")]

use std::path::PathBuf;

use ts_rs::{Config, TS};
use vigie_core::model::StoredIncident;
use vigie_core::report::{ByImpact, Report, ReportView, ServiceReport};
use vigie_core::settings::{
    Export, ExportFormat, IncidentKey, NewService, NotificationSettings, Preview, ServiceSetting,
    ServiceUptime, Settings,
};
use vigie_core::snapshot::{ProbeProblem, ProbeState, Upstream};
use vigie_core::store::Day;
use vigie_core::{
    Component, Incident, IncidentKind, IncidentUpdate, Kind, ServiceState, Severity, Snapshot,
};

fn one<T: TS + 'static>(cfg: &Config) -> (String, String) {
    let name = T::output_path()
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .unwrap_or_else(|| format!("{}.ts", T::ident(cfg)));
    let text = T::export_to_string(cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
    (name, text)
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let cfg = Config::new().with_large_int("number");
    let files = [
        one::<Snapshot>(&cfg),
        one::<ServiceState>(&cfg),
        one::<Upstream>(&cfg),
        one::<ProbeState>(&cfg),
        one::<ProbeProblem>(&cfg),
        one::<Component>(&cfg),
        one::<Incident>(&cfg),
        one::<IncidentUpdate>(&cfg),
        one::<IncidentKind>(&cfg),
        one::<Severity>(&cfg),
        one::<Kind>(&cfg),
        one::<Day>(&cfg),
        one::<StoredIncident>(&cfg),
        one::<Settings>(&cfg),
        one::<ServiceSetting>(&cfg),
        one::<NotificationSettings>(&cfg),
        one::<Preview>(&cfg),
        one::<NewService>(&cfg),
        one::<IncidentKey>(&cfg),
        one::<ExportFormat>(&cfg),
        one::<Export>(&cfg),
        one::<ServiceUptime>(&cfg),
        one::<Report>(&cfg),
        one::<ServiceReport>(&cfg),
        one::<ByImpact>(&cfg),
        one::<ReportView>(&cfg),
    ];
    std::fs::create_dir_all(&dir).expect("bindings dir");
    let mut stale = Vec::new();
    for (name, text) in &files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).expect("write binding");
            stale.push(name.clone());
        }
    }
    // Files left over from a type that was renamed or removed.
    let known: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for entry in std::fs::read_dir(&dir)
        .expect("read bindings dir")
        .flatten()
    {
        let n = entry.file_name().to_string_lossy().into_owned();
        if n.ends_with(".ts") && !known.contains(&n.as_str()) {
            stale.push(format!("{n} (not generated; delete it)"));
        }
    }
    assert!(
        stale.is_empty(),
        "ui/src/bindings was stale and has been regenerated; commit: {stale:?}"
    );
}
