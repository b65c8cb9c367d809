//! The engine end to end: real HTTP over loopback (vigie-testkit serving recorded payloads), real
//! SQLite files.

use vigie_core::poller::Engine;
use vigie_core::store::Store;
use vigie_core::transitions::Change;
use vigie_core::{Kind, Severity};
use vigie_testkit::{Route, Server};

use crate::*;

#[tokio::test]
async fn a_shared_page_is_fetched_once_and_304s_survive_restarts() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let host = server.url().trim_start_matches("http://").to_string();
    server.set(
        "/api/v1/summary",
        Route::json(fixture(OPENAI_WIDGET)).with_etag("\"w1\""),
    );
    server.set(
        &format!("/proxy/{host}"),
        Route::json(fixture(OPENAI_PROXY)).with_etag("\"p1\""),
    );
    let atom = fixture("feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml");
    server.set(
        "/history.atom",
        Route::body(200, "application/atom+xml", atom).with_etag("\"h1\""),
    );
    let url = server.url();
    let text = format!(
        "catalog = []\n{}{}{}",
        service(
            "chatgpt",
            Kind::IncidentIo,
            &url,
            "components = [\"ChatGPT\"]"
        ),
        service("api", Kind::IncidentIo, &url, "components = [\"APIs\"]"),
        service("codex", Kind::IncidentIo, &url, "components = [\"Codex\"]"),
    );
    let cfg = config(&text);
    let mut e = engine(dir.path(), &cfg);
    let first = e.cycle(true).await.expect("cycle");
    assert_eq!(server.hits("/api/v1/summary"), 1);
    assert_eq!(server.hits(&format!("/proxy/{host}")), 1);
    assert_eq!(server.hits("/history.atom"), 1);
    assert_eq!(first.not_modified, 0);
    assert!(first
        .snapshot
        .services
        .iter()
        .all(|s| s.status == Severity::Operational));
    drop(e);

    // A new engine on the same store (a separate `vigie check`) sends the validators.
    let mut e = engine(dir.path(), &cfg);
    let second = e.cycle(true).await.expect("cycle");
    assert_eq!(second.not_modified, 3, "widget, proxy and history all 304");
    assert_eq!(second.bytes, 0);
    let reqs = server.requests();
    let last_widget = reqs
        .iter()
        .rev()
        .find(|r| r.0 == "/api/v1/summary")
        .expect("req");
    assert!(
        last_widget
            .1
            .iter()
            .any(|(k, v)| k == "if-none-match" && v == "\"w1\""),
        "{last_widget:?}"
    );
    assert_eq!(
        second
            .snapshot
            .services
            .iter()
            .map(|s| s.status)
            .collect::<Vec<_>>(),
        first
            .snapshot
            .services
            .iter()
            .map(|s| s.status)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn changes_raise_events_and_are_stored() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let cfg = config(&format!(
        "catalog = []\n{}",
        service("gh", Kind::Statuspage, &server.url(), "")
    ));
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(r.snapshot.overall, Severity::Operational);
    assert!(r.events.is_empty());

    server.set("/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(r.snapshot.overall, Severity::PartialOutage);
    let kinds: Vec<_> = r.events.iter().map(|e| &e.change).collect();
    assert!(
        matches!(
            kinds[0],
            Change::StatusChanged {
                from: Severity::Operational,
                to: Severity::PartialOutage
            }
        ),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|c| matches!(c, Change::IncidentOpened { .. })),
        "{kinds:?}"
    );
    let gh = &r.snapshot.services[0];
    assert_eq!(gh.incidents.len(), 1);
    assert!(gh.since.is_some());

    server.set("/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let r = e.cycle(true).await.expect("cycle");
    assert!(r
        .events
        .iter()
        .any(|e| matches!(e.change, Change::IncidentResolved { .. })));
    let changes = e
        .store()
        .changes("gh", chrono::Utc::now() - chrono::Duration::hours(1))
        .expect("q");
    let tos: Vec<_> = changes.iter().map(|c| c.2).collect();
    assert_eq!(
        tos,
        [
            Severity::Operational,
            Severity::PartialOutage,
            Severity::Operational
        ]
    );
    let stored = e.store().incidents(Some("gh"), None).expect("q");
    let open = stored
        .iter()
        .find(|i| i.incident.updates.len() == 7)
        .expect("the incident with its 7 updates");
    assert_eq!(open.incident.status, "resolved");
}

#[tokio::test]
async fn probes_need_confirmation_and_ignore_4xx() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    server.set("/v1/models", Route::body(401, "application/json", "{}"));
    // A page kind too, so the offline vote sees the network is fine.
    server.set("/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let cfg = config(&format!(
        "catalog = []\n{}{}",
        service(
            "api",
            Kind::Http,
            &format!("{}/v1/models", server.url()),
            "confirm = 2"
        ),
        service("page", Kind::Statuspage, &server.url(), "")
    ));
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(r.snapshot.services[0].status, Severity::Operational);
    server.set("/v1/models", Route::body(503, "text/plain", "down"));
    let r = e.cycle(true).await.expect("cycle");
    assert!(
        r.events.is_empty(),
        "one bad reading is not believed: {:?}",
        r.events
    );
    assert_eq!(
        r.snapshot.services[0].status,
        Severity::Operational,
        "nor shown"
    );
    let r = e.cycle(true).await.expect("cycle");
    assert!(
        r.events.iter().any(|e| matches!(
            e.change,
            Change::StatusChanged {
                to: Severity::MajorOutage,
                ..
            }
        )),
        "{:?}",
        r.events
    );
}

#[tokio::test]
async fn a_corrupt_database_is_moved_aside_and_the_engine_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("vigie.db"), vec![7u8; 4096]).expect("write");
    let store = Store::open_dir(dir.path()).expect("open");
    assert!(store
        .recovered
        .as_deref()
        .unwrap_or("")
        .contains("moved aside"));
    let server = Server::start().await;
    server.set("/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let cfg = config(&format!(
        "catalog = []\n{}",
        service("c", Kind::Statuspage, &server.url(), "")
    ));
    let mut e = Engine::new(&cfg, store).expect("engine");
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(r.snapshot.overall, Severity::Operational);
}
