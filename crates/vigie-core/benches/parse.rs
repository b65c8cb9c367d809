//! Criterion: parsing the largest recorded payload of each platform (pure, no I/O).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use vigie_core::platform;

fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn parse(c: &mut Criterion) {
    let github = fixture("statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json");
    let proxy = fixture("incident-io/openai-proxy-summary-all-operational-2026-09.json");
    let widget = fixture("incident-io/openai-widget-v1-summary-quiet-2026-09.json");
    let atom = fixture("feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml");
    let gcp = fixture("google-cloud/gcp-incidents-edited-3-secret-manager-2022-07.json");
    let bundle: serde_json::Value = serde_json::from_slice(&fixture(
        "flashduty/deepseek-flashduty-page-changes-structure-2026-06.json",
    ))
    .expect("json");
    let changes = serde_json::to_vec(&bundle["changeList"]).expect("ser");
    // Each input must parse: timing a parser that bails out early would flatter it.
    assert!(platform::statuspage::read(&github).is_ok());
    assert!(platform::incident_io::read(&widget, &proxy).is_ok());
    assert!(platform::feed::entries(&atom).is_ok());
    assert!(platform::google_cloud::read(&gcp, None).is_ok());
    assert!(platform::flashduty::read_history(&changes).is_ok());
    c.bench_function("statuspage summary (GitHub, 12 KB)", |b| {
        b.iter(|| platform::statuspage::read(black_box(&github)))
    });
    c.bench_function("incident.io widget + proxy (OpenAI, 17 KB)", |b| {
        b.iter(|| platform::incident_io::read(black_box(&widget), black_box(&proxy)))
    });
    c.bench_function("Atom history (GitHub, 11 KB)", |b| {
        b.iter(|| platform::feed::entries(black_box(&atom)))
    });
    c.bench_function("Google Cloud incidents (5 KB)", |b| {
        b.iter(|| platform::google_cloud::read(black_box(&gcp), Some("Z0FZJAMvEB4j3NbCJs6B")))
    });
    c.bench_function("Flashduty change list (DeepSeek)", |b| {
        b.iter(|| platform::flashduty::read_history(black_box(&changes)))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
