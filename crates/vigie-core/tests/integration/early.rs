//! "Built on" awareness and early warning from this machine, end to end over loopback: the
//! providers' pages and the probes are real HTTP servers (vigie-testkit) serving recorded payloads,
//! 503s, stalls and dropped connections.

use std::time::Duration;

use vigie_core::config::Notifications;
use vigie_core::policy::{self, Context, Memory};
use vigie_core::snapshot::ProbeProblem;
use vigie_core::transitions::Change;
use vigie_core::{Kind, Severity, Snapshot};
use vigie_testkit::{Route, Server};

use crate::*;

fn state<'a>(snap: &'a Snapshot, id: &str) -> &'a vigie_core::ServiceState {
    snap.services
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[tokio::test]
async fn a_provider_problem_is_named_on_the_tools_built_on_it_never_their_colour() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let u = server.url();
    server.set("/prov/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    server.set("/tool/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    server.set("/solo/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    // `solo` is built on a catalog provider that is not watched: nothing is known about it.
    let cfg = config(&format!(
        "catalog = []\n{}{}{}",
        service("prov", Kind::Statuspage, &format!("{u}/prov"), ""),
        service(
            "tool",
            Kind::Statuspage,
            &format!("{u}/tool"),
            "built_on = [\"prov\"]"
        ),
        service(
            "solo",
            Kind::Statuspage,
            &format!("{u}/solo"),
            "built_on = [\"claude-api\"]"
        ),
    ));
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    assert!(r.snapshot.services.iter().all(|s| s.upstream.is_empty()));

    server.set(
        "/prov/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    let r = e.cycle(true).await.expect("cycle");
    let tool = state(&r.snapshot, "tool");
    assert_eq!(tool.status, Severity::Operational, "its own colour is kept");
    assert_eq!(tool.upstream.len(), 1);
    assert_eq!(
        (tool.upstream[0].id.as_str(), tool.upstream[0].status),
        ("prov", Severity::PartialOutage)
    );
    assert!(state(&r.snapshot, "solo").upstream.is_empty());
    assert!(state(&r.snapshot, "prov").upstream.is_empty());
    // The tool raised no event of its own; the provider's notice names it.
    assert!(
        r.events.iter().all(|e| e.service == "prov"),
        "{:?}",
        r.events
    );
    let ctx = Context {
        now: chrono::Utc::now(),
        ..Context::default()
    };
    let n = policy::notices(
        &r.events,
        &r.snapshot,
        &Notifications::default(),
        &ctx,
        &mut Memory::default(),
    );
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(n[0].summary.starts_with("prov: partial outage"), "{n:?}");
    assert!(n[0].body.contains("May affect tool."), "{}", n[0].body);
    assert!(n[0].body.contains("solo is operational."), "{}", n[0].body);

    // The provider's page unreachable: unknown, so nothing is claimed.
    server.set(
        "/prov/api/v2/summary.json",
        Route::body(503, "text/html", &b"<html>down</html>"[..]),
    );
    let r = e.cycle(true).await.expect("cycle");
    assert!(state(&r.snapshot, "tool").upstream.is_empty());

    // Recovered: the list empties.
    server.set("/prov/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let r = e.cycle(true).await.expect("cycle");
    assert!(state(&r.snapshot, "tool").upstream.is_empty());
}

/// A page on one server, the probe on another, so their hosts differ as in life.
async fn probe_rig(interval: &str, timeout: &str) -> (Server, Server, tempfile::TempDir, Engine) {
    let page = Server::start().await;
    let probe = Server::start().await;
    page.set("/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    probe.set(
        "/v1/models",
        Route::body(401, "application/json", &b"{\"error\":\"no key\"}"[..]),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = config(&format!(
        "catalog = []\ninterval = \"{interval}\"\ntimeout = \"{timeout}\"\n{}",
        service(
            "api",
            Kind::Statuspage,
            &page.url(),
            &format!("probe = \"{}/v1/models\"", probe.url())
        ),
    ));
    let e = engine(dir.path(), &cfg);
    (page, probe, dir, e)
}

fn seen(events: &[vigie_core::transitions::Event]) -> Vec<&'static str> {
    events
        .iter()
        .filter_map(|e| match e.change {
            Change::SeenFromHere { .. } => Some("seen"),
            Change::SeenFromHereEnded => Some("ended"),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn probe_failures_are_seen_from_here_then_confirmed_then_over() {
    let (page, probe, _dir, mut e) = probe_rig("1s", "2s").await;
    let r = e.cycle(true).await.expect("cycle");
    let p = state(&r.snapshot, "api").probe.clone().expect("probe");
    assert!(p.ok);
    assert_eq!((p.http_status, p.failures, p.problem), (Some(401), 0, None));
    assert!(p.latency_ms.is_some());
    assert_eq!(r.requests, 3, "summary, history, probe");

    // One 503 is a blip.
    probe.set(
        "/v1/models",
        Route::body(503, "text/html", &b"<html>503</html>"[..]),
    );
    let r = e.cycle(true).await.expect("cycle");
    let p = state(&r.snapshot, "api").probe.clone().expect("probe");
    assert_eq!(
        (p.ok, p.http_status, p.failures, p.problem),
        (false, Some(503), 1, None)
    );
    assert!(seen(&r.events).is_empty());

    // A second failure in a row, a reset this time, while the page says operational.
    probe.set("/v1/models", Route::refuse());
    let r = e.cycle(true).await.expect("cycle");
    let api = state(&r.snapshot, "api");
    let p = api.probe.clone().expect("probe");
    assert_eq!(
        (p.http_status, p.failures, p.problem),
        (None, 2, Some(ProbeProblem::Unconfirmed))
    );
    assert_eq!(p.latency_ms, None, "no answer, no latency");
    assert_eq!(api.status, Severity::Operational, "the probe never colours");
    assert_eq!(r.snapshot.overall, Severity::Operational);
    assert_eq!(seen(&r.events), ["seen"]);
    assert!(e.online(), "a failing probe is not the machine offline");

    // Backing off now: a forced refresh reads the page, not the probe. The page agrees.
    let hits = probe.hits("/v1/models");
    page.set("/api/v2/summary.json", Route::json(fixture(GITHUB_MINOR)));
    let r = e.cycle(true).await.expect("cycle");
    assert_eq!(probe.hits("/v1/models"), hits, "the probe backs off");
    let api = state(&r.snapshot, "api");
    assert_eq!(api.status, Severity::PartialOutage);
    assert_eq!(
        api.probe.as_ref().and_then(|p| p.problem),
        Some(ProbeProblem::Confirmed)
    );
    assert!(
        seen(&r.events).is_empty(),
        "confirmed is the page's own news"
    );

    // After the back-off the probe answers again: over.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    probe.set(
        "/v1/models",
        Route::body(404, "application/json", &b"{}"[..]),
    );
    let r = e.cycle(true).await.expect("cycle");
    let p = state(&r.snapshot, "api").probe.clone().expect("probe");
    assert_eq!((p.ok, p.failures, p.problem), (true, 0, None));
    assert_eq!(seen(&r.events), ["ended"]);
}

#[tokio::test]
async fn probe_timeouts_count_and_a_dead_probe_host_is_not_the_machine_offline() {
    let (_page, probe, _dir, mut e) = probe_rig("1s", "300ms").await;
    probe.set(
        "/v1/models",
        Route::body(401, "application/json", &b"{}"[..]).delay(Duration::from_secs(2)),
    );
    e.cycle(true).await.expect("cycle");
    let r = e.cycle(true).await.expect("cycle");
    let p = state(&r.snapshot, "api").probe.clone().expect("probe");
    assert_eq!(
        (p.ok, p.failures, p.problem),
        (false, 2, Some(ProbeProblem::Unconfirmed)),
        "{p:?}"
    );
    assert!(
        p.error.as_deref().is_some_and(|e| e.contains("timed out")),
        "{p:?}"
    );

    // The probe's host refuses every connection; the only page answers: still online (with one
    // page host configured, one failing host would otherwise be enough to say offline).
    probe.down(true).await.expect("down");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = e.cycle(true).await.expect("cycle");
    assert!(e.online());
    assert!(r.snapshot.online);
    assert_eq!(state(&r.snapshot, "api").status, Severity::Operational);
}
