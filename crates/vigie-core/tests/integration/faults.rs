//! Faults the engine must ride out: long offline spells, clock jumps and gaps between polls, and
//! configs that are missing, unreadable or invalid. (Killing a writer with SIGKILL is tested on the
//! real `vigie` binary in the CLI crate's tests.)

use std::time::Duration;

use chrono::Utc;
use vigie_core::config::{self, ConfigError};
use vigie_core::transitions::{Observation, Tracker};
use vigie_core::{Kind, Reading, Severity};
use vigie_testkit::{Route, Server};

use crate::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_for_many_cycles_raises_nothing_and_recovers_at_once() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/a/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    server.set("/b/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let u = server.url();
    let cfg = config(&format!(
        "catalog = []\ninterval = \"1s\"\n{}{}",
        service("a", Kind::Statuspage, &format!("{u}/a"), ""),
        service("b", Kind::Statuspage, &format!("{u}/b"), "")
    ));
    let mut e = engine(dir.path(), &cfg);
    let first = e.cycle(true).await.expect("cycle");
    assert!(first.snapshot.online);
    server.down(true).await.expect("down");
    for i in 0..12 {
        let r = e.cycle(true).await.expect("cycle");
        assert!(!r.snapshot.online, "cycle {i}");
        assert!(r.events.is_empty(), "cycle {i}: {:?}", r.events);
        assert_eq!(
            r.snapshot.overall,
            Severity::Unknown,
            "nothing reachable decides"
        );
        let a = &r.snapshot.services[0];
        assert_eq!(a.status, Severity::PartialOutage, "last known state kept");
        assert!(a.stale && a.error.as_deref().unwrap_or("").contains("offline"));
    }
    // While offline the next look is soon, never a long back-off.
    let now = tokio::time::Instant::now();
    let due = e.next_due(now);
    assert!(
        due.duration_since(now) <= Duration::from_secs(20),
        "{due:?}"
    );
    server.down(false).await.expect("up");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = e.cycle(false).await.expect("cycle");
    assert!(r.snapshot.online);
    assert!(
        r.events.is_empty(),
        "same state as before: no news {:?}",
        r.events
    );
    assert!(r.snapshot.services.iter().all(|s| s.reachable && !s.stale));
    // The offline spell is one gap of "no data" in the uptime history, never the last status
    // carried across it: first reading, offline, back.
    let changes = e
        .store()
        .changes("a", Utc::now() - chrono::Duration::hours(1))
        .expect("changes");
    let steps: Vec<(Severity, Severity)> = changes.iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(
        steps,
        [
            (Severity::Unknown, Severity::PartialOutage),
            (Severity::PartialOutage, Severity::Unknown),
            (Severity::Unknown, Severity::PartialOutage)
        ]
    );
}

#[test]
fn gaps_and_clock_jumps_repeat_no_news() {
    let spec = vigie_core::ServiceSpec::new("s", "S", Kind::Statuspage, "http://127.0.0.1:9");
    let r = |s| {
        Observation::Read(Reading {
            status: s,
            ..Reading::default()
        })
    };
    let mut t = Tracker::new();
    let t0 = Utc::now();
    assert!(t
        .observe(&spec, &r(Severity::MajorOutage), true, t0)
        .is_empty());
    for jump in [
        chrono::Duration::days(3),
        chrono::Duration::hours(-2),
        chrono::Duration::days(365),
        chrono::Duration::seconds(1),
    ] {
        let ev = t.observe(&spec, &r(Severity::MajorOutage), true, t0 + jump);
        assert!(ev.is_empty(), "{jump}: {ev:?}");
    }
    // After a suspend, one real change is reported once.
    let later = t0 + chrono::Duration::days(400);
    assert_eq!(
        t.observe(&spec, &r(Severity::Operational), true, later)
            .len(),
        1
    );
    assert!(t
        .observe(&spec, &r(Severity::Operational), true, later)
        .is_empty());
}

#[test]
fn missing_unreadable_and_invalid_configs() {
    let dir = tempfile::tempdir().expect("tmp");
    // Missing: defaults, and no file is created.
    let missing = dir.path().join("nope.toml");
    let cfg = config::load(&missing).expect("defaults");
    assert!(!cfg.resolve().is_empty());
    assert!(!missing.exists());
    // A directory where the file should be: a clear error naming it.
    let d = dir.path().join("config.toml");
    std::fs::create_dir(&d).expect("mkdir");
    let err = config::load(&d).expect_err("a directory is not a config");
    assert!(matches!(err, ConfigError::Io { .. }));
    assert!(err.to_string().contains("config.toml"), "{err}");
    // Invalid: every problem, and the file stays as it was.
    let f = dir.path().join("bad.toml");
    let text = "interval = 5s\n";
    std::fs::write(&f, text).expect("write");
    let err = config::load(&f).expect_err("invalid");
    assert!(err.to_string().contains("bad.toml:1: syntax"), "{err}");
    assert_eq!(std::fs::read_to_string(&f).expect("read"), text);
}
