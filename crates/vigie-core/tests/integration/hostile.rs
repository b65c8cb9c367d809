//! A corpus of hostile answers, all served at once on loopback next to healthy services, polled
//! twice by one engine. Each must give either a clean reading or a per-service error naming the URL
//! — never a panic, never a false outage, never an event — and the healthy services must not notice.

use std::time::Duration;

use vigie_core::{Kind, Severity};
use vigie_testkit::{Route, Server};

use crate::*;

const CHALLENGE: &str = "<!DOCTYPE html><html><head><title>Just a moment...</title></head>\
                         <body><script>challenge()</script></body></html>";

/// (name, kind, path under the service prefix, answer, expected error fragment or "" for a reading)
fn corpus(other_host: &str) -> Vec<(&'static str, Kind, &'static str, Route, String)> {
    let sp = "/api/v2/summary.json";
    let claude = fixture(CLAUDE);
    let utf16: Vec<u8> = String::from_utf8_lossy(&claude)
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mut bad_utf8 = claude.clone();
    if let Some(i) = bad_utf8.windows(6).position(|w| w == b"Claude") {
        bad_utf8[i + 1] = 0xff;
    }
    let e = |s: &str| s.to_string();
    vec![
        ("challenge403", Kind::Statuspage, sp, Route::body(403, "text/html", CHALLENGE), e("CDN or bot challenge")),
        ("waf405", Kind::Statuspage, sp, Route::body(405, "text/html", CHALLENGE), e("HTTP 405")),
        ("unauth401", Kind::Statuspage, sp, Route::body(401, "application/json", "{}"), e("HTTP 401")),
        ("gone404", Kind::Statuspage, sp, Route::body(404, "text/plain", "no"), e("HTTP 404")),
        ("limited429", Kind::Statuspage, sp, Route::body(429, "text/plain", "slow").with_header("Retry-After", "3600"), e("HTTP 429")),
        ("err500", Kind::Statuspage, sp, Route::body(500, "text/plain", "boom"), e("HTTP 500")),
        ("err502", Kind::IncidentIo, "/api/v1/summary", Route::body(502, "text/html", "<html>bad gateway</html>"), e("HTTP 502")),
        ("err503", Kind::Betterstack, "/index.json", Route::body(503, "text/plain", "maint"), e("HTTP 503")),
        ("truncated_json", Kind::Statuspage, sp, Route::json(&claude[..claude.len() / 2]), e("not valid JSON")),
        ("truncated_wire", Kind::Statuspage, sp, Route::truncated(claude.clone()), e("broken response")),
        ("invalid_json", Kind::Instatus, "/v3/summary.json", Route::json("{\"page\": {\"status\": UP}}"), e("not valid JSON")),
        ("html200", Kind::Statuspage, sp, Route::body(200, "text/html", CHALLENGE), e("HTML page")),
        ("utf16", Kind::Statuspage, sp, Route::json(utf16), e("not valid JSON")),
        ("invalid_utf8", Kind::Statuspage, sp, Route::json(bad_utf8), e("not valid JSON")),
        ("body50mb", Kind::Statuspage, sp, Route::huge(50 * 1024 * 1024), e("larger than")),
        ("declared5mb", Kind::Statuspage, sp, Route::body(200, "application/json", vec![b' '; 5 * 1024 * 1024]), e("larger than")),
        ("slowloris", Kind::Statuspage, sp, Route::slowloris(), e("timed out")),
        ("too_slow", Kind::Statuspage, sp, Route::json(claude.clone()).delay(Duration::from_secs(4)), e("timed out")),
        ("closed", Kind::Statuspage, sp, Route::refuse(), e("")),
        ("redirect_loop", Kind::Statuspage, sp, Route::redirect(302, "/redirect_loop/api/v2/summary.json"), e("redirect")),
        ("redirect_away", Kind::Statuspage, sp, Route::redirect(301, &format!("{other_host}/challenge")), e("CDN or bot challenge")),
        ("wrong_type", Kind::Statuspage, sp, Route::body(200, "text/plain", claude.clone()), e("")),
        ("no_type", Kind::Statuspage, sp, Route::body(200, "", claude.clone()), e("")),
        ("unknown_words", Kind::Statuspage, sp, Route::json(r#"{"page":{"id":"p","time_zone":"UTC"},"status":{"indicator":"apocalyptic"},"components":[{"id":"c","name":"C","status":"on_fire"}],"incidents":[{"id":"i","name":"?","status":"pondering","impact":"cosmic","incident_updates":[]}]}"#), e("")),
        ("nulls", Kind::Statuspage, sp, Route::json(r#"{"page":null,"status":null,"components":null,"incidents":null,"scheduled_maintenances":null}"#), e("")),
        ("missing_fields", Kind::Statuspage, sp, Route::json("{}"), e("")),
        ("duplicate_ids", Kind::Statuspage, sp, Route::json(r#"{"page":{"id":"p"},"status":{"indicator":"none"},"components":[{"id":"c","name":"A","status":"operational"},{"id":"c","name":"B","status":"operational"}],"incidents":[]}"#), e("")),
        ("absurd_dates", Kind::Statuspage, sp, Route::json(r#"{"page":{"id":"p"},"status":{"indicator":"none"},"components":[],"incidents":[{"id":"i","name":"Old","status":"resolved","impact":"critical","created_at":"0001-01-01T00:00:00Z","resolved_at":"9999-12-31T23:59:59Z","incident_updates":[{"status":"resolved","body":"x","created_at":"yesterday"}]}]}"#), e("")),
        ("array_not_object", Kind::GoogleCloud, "/incidents.json", Route::json(r#"{"incidents":"nope"}"#), e("unexpected shape")),
        ("feed_garbage", Kind::Feed, "/feed.xml", Route::body(200, "application/xml", "<rss><channel><item><title>x</title></item>"), e("not valid XML")),
        ("feed_empty", Kind::Feed, "/feed.xml", Route::body(200, "application/xml", ""), e("")),
        ("feed_scripts", Kind::Feed, "/feed.xml", Route::body(200, "application/rss+xml", "<rss><channel><item><guid>g</guid><title>&lt;script&gt;alert(1)&lt;/script&gt;</title><description>Status: RESOLVED &lt;img src=x onerror=alert(1)&gt;</description></item></channel></rss>"), e("")),
        ("flashduty_error", Kind::Flashduty, "/api/status-page/6410630422455/summary/active", Route::json(r#"{"error":{"message":"denied"}}"#), e("denied")),
        ("betterstack_types", Kind::Betterstack, "/index.json", Route::json(r#"{"data":{"type":"status_page","attributes":{"aggregate_state":42}},"included":"x"}"#), e("")),
    ]
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_corpus_gives_clean_errors_no_outage_no_event() {
    let server = Server::start().await;
    let other = Server::start().await;
    other.set("/challenge", Route::body(403, "text/html", CHALLENGE));
    let dir = tempfile::tempdir().expect("tmp");
    let cases = corpus(&other.url());
    assert!(cases.len() >= 30, "{} cases", cases.len());

    let mut text = String::from("catalog = []\ntimeout = \"2s\"\ninterval = \"1s\"\n");
    for h in ["healthy-a", "healthy-b"] {
        server.set(
            &format!("/{h}/api/v2/summary.json"),
            Route::json(fixture(GITHUB_MINOR)),
        );
        text.push_str(&service(
            h,
            Kind::Statuspage,
            &format!("{}/{h}", server.url()),
            "",
        ));
    }
    for (name, kind, path, route, _) in &cases {
        let url = mount_healthy(&server, *kind, &format!("/{name}"));
        server.set(&format!("/{name}{path}"), route.clone());
        let extra = if *kind == Kind::Flashduty {
            "page_id = \"6410630422455\""
        } else {
            ""
        };
        text.push_str(&service(&name.replace('_', "-"), *kind, &url, extra));
    }
    let cfg = config(&text);
    let mut e = engine(dir.path(), &cfg);
    for round in 0..2 {
        let r = e.cycle(true).await.expect("cycle");
        assert!(r.snapshot.online, "round {round}");
        assert!(r.events.is_empty(), "round {round}: {:?}", r.events);
        let get = |id: &str| {
            r.snapshot
                .services
                .iter()
                .find(|s| s.id == id)
                .unwrap_or_else(|| panic!("{id}"))
        };
        for h in ["healthy-a", "healthy-b"] {
            assert_eq!(get(h).status, Severity::PartialOutage, "{h} unaffected");
            assert!(get(h).error.is_none());
        }
        for (name, _, _, _, want) in &cases {
            let s = get(&name.replace('_', "-"));
            assert!(
                !s.status.is_problem(),
                "{name}: false outage {:?}",
                s.status
            );
            match (want.as_str(), &s.error) {
                ("", None) => assert!(s.reachable, "{name}"),
                ("", Some(err)) => {
                    // An answer with no fixed expectation (a closed connection) may read either way,
                    // but an error must still name the URL.
                    assert!(err.contains(&server.url()), "{name}: {err}");
                }
                (w, Some(err)) => {
                    assert!(err.contains(w), "{name}: want {w:?} in {err:?}");
                    assert!(
                        err.contains(&server.url()),
                        "{name}: the error names the URL: {err}"
                    );
                    assert_eq!(s.status, Severity::Unknown, "{name}");
                }
                (w, None) => panic!(
                    "{name}: wanted an error with {w:?}, got a reading {:?}",
                    s.status
                ),
            }
        }
    }
    // Provider text is plain text: markup from a feed never survives as markup.
    let scripts = e.snapshot(chrono::Utc::now());
    let feed = scripts
        .services
        .iter()
        .find(|s| s.id == "feed-scripts")
        .expect("feed");
    assert!(feed.incidents.iter().all(|i| !i.title.contains("<script")));
    // The 50 MB body was refused at the cap, not buffered.
    let hwm = vm_hwm_kb().unwrap_or(0);
    assert!(hwm < 300 * 1024, "peak RSS {hwm} kB");
    println!(
        "hostile corpus: {} cases, peak RSS {} MB",
        cases.len(),
        hwm / 1024
    );
}
