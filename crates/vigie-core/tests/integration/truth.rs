//! The truth rules on real payloads: one roll-up table over recorded pages (component statuses
//! outrank page indicator and incident impact; a filtered service sees only what it watches; a
//! filter that matches nothing is an error), and the engine across a restart (time not watched is
//! no data; incidents that ended meanwhile are closed, never "ongoing" for weeks).

use std::path::Path;

use chrono::Utc;
use vigie_core::platform::{self, ReadError};
use vigie_core::store::ENDED_UNWATCHED;
use vigie_core::{Kind, Severity};
use vigie_testkit::Route;

use crate::*;

const CLAUDE_CONSOLE_DEGRADED_IMPACT_MAJOR: &str =
    "statuspage/claude-summary-console-degraded-incident-major-monitoring-2026-10-07-KEYSORTED.json";
const CLAUDE_FOUR_PARTIAL: &str = "statuspage/claude-summary-incident-major-4-components-partial-outage-indicator-minor-2026-09-22-KEYSORTED.json";
const OPENAI_COMPAT_TWO_ONGOING: &str =
    "incident-io/openai-compat-summary-2-ongoing-incidents-22-degraded-2026-09-29-KEYSORTED.json";

fn spec(filter: &[&str]) -> vigie_core::ServiceSpec {
    let text = format!(
        "catalog = []\n[[service]]\nid = \"s\"\nkind = \"statuspage\"\nurl = \"https://status.example.com\"\ncomponents = [{}]\n",
        filter
            .iter()
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let cfg = vigie_core::config::parse(Path::new("t.toml"), &text).expect("config");
    cfg.resolve().remove(0)
}

#[test]
fn roll_up_table_over_real_payloads() {
    use Severity::*;
    // (why, payload, filter, status, incidents counted, page-wide notices)
    type Row<'a> = (&'a str, &'a str, &'a [&'a str], Severity, usize, usize);
    let rows: &[Row] = &[
        (
            "Console degraded, its incident's impact still major: degraded, not partial outage",
            CLAUDE_CONSOLE_DEGRADED_IMPACT_MAJOR,
            &["k8w3r06qmzrp", "0qbwn08sd68x"],
            Degraded,
            1,
            0,
        ),
        (
            "the whole page reads its components too, not the indicator or the impact",
            CLAUDE_CONSOLE_DEGRADED_IMPACT_MAJOR,
            &[],
            Degraded,
            1,
            0,
        ),
        (
            "a filtered service does not take another component's incident",
            CLAUDE_CONSOLE_DEGRADED_IMPACT_MAJOR,
            &["rwppv331jlwc", "bpp5gb3hpjcl"],
            Operational,
            0,
            0,
        ),
        (
            "four components partial, indicator minor: the components' word",
            CLAUDE_FOUR_PARTIAL,
            &[],
            PartialOutage,
            1,
            0,
        ),
        (
            "Console, not named by the major incident, stays operational",
            CLAUDE_FOUR_PARTIAL,
            &["0qbwn08sd68x"],
            Operational,
            0,
            0,
        ),
        (
            "Claude Code, named and partial",
            CLAUDE_FOUR_PARTIAL,
            &["yyzkbfz2thpt"],
            PartialOutage,
            1,
            0,
        ),
        (
            "incidents that name no component are page-wide notices on a filtered service",
            OPENAI_COMPAT_TWO_ONGOING,
            &["01M3Q6W0262E8VW5DE1MJMMN0T"],
            Operational,
            0,
            2,
        ),
        (
            "and the whole page's own incidents otherwise",
            OPENAI_COMPAT_TWO_ONGOING,
            &[],
            Degraded,
            2,
            0,
        ),
        (
            "Packages partial, filter by name",
            GITHUB_MINOR,
            &["Packages"],
            PartialOutage,
            1,
            0,
        ),
    ];
    for (why, payload, filter, status, incidents, notices) in rows {
        let s = spec(filter);
        let r = platform::read(&s, &[&fixture(payload)]).expect(why);
        let r = platform::finish(&s, r).unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(r.status, *status, "{why}");
        assert_eq!(r.incidents.len(), *incidents, "{why}: {:?}", r.incidents);
        assert_eq!(r.notices.len(), *notices, "{why}: {:?}", r.notices);
        assert!(
            filter.is_empty() || !r.components.is_empty(),
            "{why}: only watched components are kept"
        );
    }
}

#[test]
fn a_filter_that_matches_nothing_is_an_error_naming_it() {
    let s = spec(&["typo"]);
    let r = platform::read(&s, &[&fixture(GITHUB_MINOR)]).expect("reads");
    let err = platform::finish(&s, r).expect_err("never green");
    let ReadError::Config(msg) = &err else {
        panic!("{err:?}")
    };
    assert!(msg.contains("components = [\"typo\"]"), "{msg}");
    assert!(msg.contains("11 components"), "{msg}");
    assert!(msg.contains("\"8l4ygp009s5s\" (Git Operations)"), "{msg}");
}

#[tokio::test]
async fn filter_error_reads_unknown_end_to_end() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/g/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    let cfg = one_service(
        "copilot",
        Kind::Statuspage,
        &format!("{}/g", server.url()),
        "components = [\"Copilto\"]",
    );
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    let s = &r.snapshot.services[0];
    assert_eq!(s.status, Severity::Unknown);
    assert!(
        s.error.as_deref().unwrap_or("").contains("Copilto"),
        "{s:?}"
    );
    assert_eq!(r.snapshot.overall, Severity::Unknown, "never green");
}

#[tokio::test]
async fn restart_closes_what_ended_unwatched_and_records_the_gap() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/a/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    server.set(
        "/a/api/v2/incidents.json",
        Route::body(404, "text/plain", &b"not found"[..]),
    );
    let cfg = one_service("a", Kind::Statuspage, &format!("{}/a", server.url()), "");
    let first_seen = {
        let mut e = engine(dir.path(), &cfg);
        let r = e.cycle(true).await.expect("cycle");
        assert_eq!(r.snapshot.services[0].status, Severity::PartialOutage);
        assert_eq!(r.snapshot.services[0].incidents.len(), 1);
        r.snapshot.checked_at
    };
    // The app is closed; meanwhile the incident ends and leaves the page.
    server.set("/a/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(r.snapshot.services[0].status, Severity::Operational);
    let stored = e.store().incidents(Some("a"), None).expect("history");
    assert_eq!(stored.len(), 1);
    let inc = &stored[0].incident;
    assert_eq!(inc.status, ENDED_UNWATCHED);
    assert!(inc.is_resolved());
    let last_seen = inc.resolved_at.expect("closed at last seen");
    assert!(
        (last_seen - first_seen).num_seconds().abs() <= 1,
        "{last_seen}"
    );
    // The time the app was closed is no data, not partial outage carried forward.
    let steps: Vec<(Severity, Severity)> = e
        .store()
        .changes("a", Utc::now() - chrono::Duration::hours(1))
        .expect("changes")
        .into_iter()
        .map(|c| (c.1, c.2))
        .collect();
    assert_eq!(
        steps,
        [
            (Severity::Unknown, Severity::PartialOutage),
            (Severity::PartialOutage, Severity::Unknown),
            (Severity::Unknown, Severity::Operational)
        ]
    );
}

#[tokio::test]
async fn ai_studio_is_posted_with_the_status_pages_public_key_learnt_once() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let rpc = vigie_core::platform::aistudio::RPC_PATH;
    let key = "AIzaSyTEST0123456789abcdefghijklmnopqrs";
    server.set(
        "/g/status",
        Route::body(200, "text/html", crate::catalog::AISTUDIO_PAGE),
    );
    server.set(
        &format!("/g{rpc}"),
        Route::body(200, "application/json+protobuf", fixture(AISTUDIO)),
    );
    let base = format!("{}/g", server.url());
    let cfg = one_service(
        "gemini",
        Kind::AiStudio,
        &base,
        &format!("components = [\"1\"]\npage_url = \"{base}/status\""),
    );
    let mut e = engine(dir.path(), &cfg);
    for _ in 0..3 {
        let r = e.cycle(true).await.expect("cycle");
        let s = &r.snapshot.services[0];
        assert!(s.reachable, "{:?}", s.error);
        assert_eq!(s.status, Severity::Degraded);
    }
    // The page is read once for its key; every call carries it, with the headers Google wants.
    assert_eq!(server.hits("/g/status"), 1);
    let calls: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|(p, _)| p.ends_with("ListIncidentsHistory"))
        .collect();
    assert_eq!(calls.len(), 3);
    for (_, headers) in calls {
        let h = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(h("x-goog-api-key"), Some(key));
        assert_eq!(h("content-type"), Some("application/json+protobuf"));
        assert_eq!(h("referer"), Some("https://aistudio.google.com/"));
    }
    // History from the same payload: 48 closed incidents of the page are stored.
    assert!(
        e.store()
            .incidents(Some("gemini"), None)
            .expect("history")
            .len()
            > 10
    );

    // A page without a key: a clear error, unavailable, never down.
    server.set(
        "/g/status",
        Route::body(200, "text/html", "<html>moved</html>"),
    );
    server.set(
        &format!("/g{rpc}"),
        Route::body(403, "text/plain", "bad key"),
    );
    let r = e.cycle(true).await.expect("cycle");
    let s = &r.snapshot.services[0];
    assert!(!s.reachable);
    assert!(
        s.error.as_deref().unwrap_or("").contains("no public key"),
        "{:?}",
        s.error
    );
}

#[tokio::test]
async fn an_incident_io_page_without_the_widget_api_reads_from_the_proxy() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let host = server.url().trim_start_matches("http://").to_string();
    server.set(
        &format!("/p/proxy/{host}"),
        Route::json(fixture(OPENAI_PROXY)),
    );
    server.set(
        "/p/api/v1/summary",
        Route::body(404, "text/plain", &b"not found"[..]),
    );
    let cfg = one_service(
        "chatgpt",
        Kind::IncidentIo,
        &format!("{}/p", server.url()),
        "components = [\"ChatGPT\"]",
    );
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    let s = &r.snapshot.services[0];
    assert!(s.reachable, "{:?}", s.error);
    assert_eq!(s.status, Severity::Operational);
    assert!(s.components.len() > 5);
    assert_eq!(server.hits("/p/api/v1/summary"), 1);
}

#[tokio::test]
async fn an_engine_that_only_reads_writes_nothing() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/a/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    let cfg = one_service("a", Kind::Statuspage, &format!("{}/a", server.url()), "");
    engine(dir.path(), &cfg).cycle(true).await.expect("cycle");
    let count = |d: &std::path::Path| {
        vigie_core::store::Store::open_dir(d)
            .expect("store")
            .changes("a", Utc::now() - chrono::Duration::hours(1))
            .expect("changes")
            .len()
    };
    assert_eq!(count(dir.path()), 1);
    // `vigie status` builds an engine to read the last state while the tray app may be running:
    // the gap since the last look is recorded only by an engine that polls.
    let reader = engine(dir.path(), &cfg);
    let _ = reader.snapshot(Utc::now());
    drop(reader);
    assert_eq!(count(dir.path()), 1);
}

/// `vigie check` runs while the tray app watches the same file: the app's next write compares with
/// what is in the file, so its uptime is not left on the check's reading.
#[tokio::test]
async fn a_check_beside_the_running_app_does_not_leave_its_uptime_stale() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/a/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let cfg = one_service("a", Kind::Statuspage, &format!("{}/a", server.url()), "");
    let mut app = engine(dir.path(), &cfg);
    app.cycle(true).await.expect("cycle");
    // A check catches a brief partial outage.
    server.set("/a/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    engine(dir.path(), &cfg).cycle(true).await.expect("check");
    server.set("/a/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    app.cycle(true).await.expect("cycle");
    let last = app
        .store()
        .changes("a", Utc::now() - chrono::Duration::hours(1))
        .expect("changes")
        .last()
        .map(|c| c.2);
    assert_eq!(last, Some(Severity::Operational));
}

/// A filter edited into a typo while the app runs: the old status is not kept as if it held.
#[tokio::test]
async fn a_filter_broken_while_running_drops_the_old_status() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/g/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    let url = format!("{}/g", server.url());
    let with = |filter: &str| {
        one_service(
            "gh",
            Kind::Statuspage,
            &url,
            &format!("components = [\"{filter}\"]"),
        )
    };
    let mut e = engine(dir.path(), &with("Packages"));
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(r.snapshot.services[0].status, Severity::PartialOutage);
    assert!(r.snapshot.services[0].config_error.is_none());
    e.reload(&with("Pakages")).expect("reload");
    let r = e.cycle(true).await.expect("cycle");
    let s = &r.snapshot.services[0];
    assert_eq!(s.status, Severity::Unknown);
    assert!(s.components.is_empty() && s.incidents.is_empty());
    let why = s.config_error.as_deref().expect("a config error");
    assert!(why.starts_with("components = [\"Pakages\"]"), "{why}");
}
