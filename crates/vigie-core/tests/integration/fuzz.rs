//! Property-based fuzzing of every platform parser, detection and the config loader (proptest:
//! cargo-fuzz needs a nightly sanitizer build of every dependency, bundled SQLite included).
//! Inputs are random bytes, and truncations and byte flips of the real recorded payloads, so the
//! fuzzer spends its time near valid documents. The property: no panic, ever. The case count
//! follows `PROPTEST_CASES` (CI keeps it small; a long run sets it high).

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use vigie_core::platform::{self, detect, Fetch};
use vigie_core::{Kind, ServiceSpec};

use crate::fixture;

fn spec(kind: Kind) -> ServiceSpec {
    ServiceSpec {
        components: vec!["c".into()],
        product: Some("Z0FZJAMvEB4j3NbCJs6B".into()),
        page_id: Some("1".into()),
        ..ServiceSpec::new("f", "F", kind, "http://127.0.0.1:9")
    }
}

/// Every entry point that reads outside bytes.
fn read_everything(bytes: &[u8]) {
    for kind in Kind::ALL {
        let s = spec(kind);
        if kind.is_probe() {
            let f = Fetch::Response {
                status: 200,
                body: bytes,
            };
            let _ = platform::read_probe(&s, &[f.clone(), f]);
            continue;
        }
        let n = platform::endpoints(&s).map(|e| e.len()).unwrap_or(1);
        let bodies: Vec<&[u8]> = vec![bytes; n];
        if let Ok(r) = platform::read(&s, &bodies) {
            let _ = platform::finish(&s, r);
        }
        let _ = platform::read_history(&s, bytes, &[]);
    }
    let _ = platform::feed::entries(bytes);
    let _ = detect::classify("http://127.0.0.1:9/api/v2/summary.json", bytes);
    let text = String::from_utf8_lossy(bytes);
    let _ = vigie_core::config::parse(std::path::Path::new("fuzz.toml"), &text);
    let _ = vigie_core::text::html_to_text(&text);
    let _ = vigie_core::time::parse(&text);
}

fn seeds() -> Vec<Vec<u8>> {
    [
        "statuspage/claude-summary-all-operational-6-components-2026-09-03.json",
        "statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json",
        "statuspage/github-incidents-2-resolved-2024-09-16.json",
        "incident-io/openai-proxy-summary-all-operational-2026-09.json",
        "incident-io/openai-proxy-incident-detail-resolved-2026-09-03.json",
        "instatus/wistia-v3-components-2026-09-23-DOCQUOTE-TRIMMED.json",
        "betterstack/betterstack-index-json-2026-09-23-DOCQUOTE-TRIMMED.json",
        "google-cloud/gcp-incidents-edited-3-secret-manager-2022-07.json",
        "flashduty/deepseek-flashduty-page-changes-structure-2026-06.json",
        "feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml",
        "feeds/github-statuspage-history-rss-4-items-2026-09-03.xml",
        "ollama/api-tags-DOCEXAMPLE.json",
    ]
    .iter()
    .map(|p| fixture(p))
    .chain(std::iter::once(
        vigie_core::config::default_file().into_bytes(),
    ))
    .collect()
}

fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    let n = seeds.len();
    (
        0..n,
        any::<usize>(),
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
    )
        .prop_map(move |(i, cut, flips)| {
            let mut b = seeds[i].clone();
            if !b.is_empty() && cut % 3 == 0 {
                b.truncate(cut % b.len());
            }
            let len = b.len();
            for (pos, byte) in flips {
                if len > 0 {
                    b[pos % len] = byte;
                }
            }
            b
        })
}

/// Run one property with proptest's runner (case count from `PROPTEST_CASES`) and print how many
/// inputs went through; a panic inside fails the test with the shrunk input.
fn fuzz<S: Strategy>(name: &str, strategy: S, f: impl Fn(&S::Value)) {
    let runs = AtomicUsize::new(0);
    let config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, |v| {
        runs.fetch_add(1, Ordering::Relaxed);
        f(&v);
        Ok(())
    }) {
        panic!("fuzz {name}: {e}");
    }
    println!(
        "fuzz {name}: {} executions, 0 crashes",
        runs.load(Ordering::Relaxed)
    );
}

#[test]
fn random_bytes_never_panic() {
    fuzz(
        "random bytes",
        prop::collection::vec(any::<u8>(), 0..512),
        |b| read_everything(b),
    );
}

#[test]
fn mutated_recordings_never_panic() {
    fuzz("mutated recordings", mutated(), |b| read_everything(b));
}

#[test]
fn json_shaped_noise_never_panics() {
    fuzz("json-shaped noise", json_value(), |v| {
        read_everything(v.to_string().as_bytes())
    });
}

/// Arbitrary JSON with the field names status pages use, so shapes are nearly right.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop::sample::select(vec![
        "page",
        "status",
        "indicator",
        "components",
        "incidents",
        "incident_updates",
        "summary",
        "affected_components",
        "ongoing_incidents",
        "data",
        "included",
        "attributes",
        "id",
        "name",
        "impact",
        "created_at",
        "group",
        "group_id",
        "only_show_if_degraded",
        "activeIncidents",
        "end",
        "affected_products",
        "active_changes",
        "items",
        "models",
        "version",
        "structure",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "operational",
            "major_outage",
            "full_outage",
            "resolved",
            "UP",
            "critical",
            "2026-09-23T10:00:00Z",
            ""
        ])
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}
