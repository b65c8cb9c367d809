//! Catalog truth: every built-in entry, read by the engine over loopback from a recorded payload of
//! its platform that contains what it watches. A filter that matches nothing, a platform that does
//! not parse, or an entry on the wrong platform fails here, not on a user's menu bar.

use vigie_core::config;
use vigie_core::platform::aistudio;
use vigie_core::{Kind, ServiceSpec, Severity};
use vigie_testkit::{Route, Server};

use crate::*;

const GITHUB_COPILOT: &str = GITHUB_MINOR;
const VERTEX_GEMINI: &str = "google-cloud/gcp-incidents-3-vertex-gemini-api-EDITED-2022-07.json";
const XAI_FEED: &str = "feeds/xai-status-feed-rss-19-items-2026-10-07.xml";
const AZURE_OPENAI_FEED: &str = "feeds/azure-status-rss-1-item-openai-EDITED-2026-07-23.xml";
/// A page shaped like AI Studio's, with a made-up key of the real form (`AIza` + 35).
pub const AISTUDIO_PAGE: &str = "<!doctype html><html><script>window.WIZ_global_data={\"B8SWKb\":\"AIzaSyTEST0123456789abcdefghijklmnopqrs\"};</script></html>";
const OPENAI_ATOM: &str = "feeds/openai-incidentio-feed-atom-4-entries-2026-09-03.xml";

/// Serve, under `prefix`, the recorded payload that proves `spec`'s entry; returns its URL.
fn mount(server: &Server, spec: &ServiceSpec, prefix: &str) -> String {
    let base = format!("{}{prefix}", server.url());
    let xml = |path: &str, rel: &str| {
        server.set(
            &format!("{prefix}{path}"),
            Route::body(200, "application/xml", fixture(rel)),
        );
        format!("{base}{path}")
    };
    match (spec.kind, spec.id.as_str()) {
        (Kind::Statuspage, "github-copilot") => {
            server.set(
                &format!("{prefix}/api/v2/summary.json"),
                Route::json(fixture(GITHUB_COPILOT)),
            );
            server.set(
                &format!("{prefix}/api/v2/incidents.json"),
                Route::json(fixture(GITHUB_INCIDENTS)),
            );
            base
        }
        (Kind::IncidentIo, _) => {
            let url = mount_healthy(server, Kind::IncidentIo, prefix);
            // The page's own feed as history: the same incidents the proxy shows, by ULID.
            xml("/history.atom", OPENAI_ATOM);
            url
        }
        (Kind::AiStudio, _) => {
            // The status page that carries the public key the RPC is called with.
            server.set(
                &format!("{prefix}/status"),
                Route::body(200, "text/html", AISTUDIO_PAGE),
            );
            server.set(
                &format!("{prefix}{}", aistudio::RPC_PATH),
                Route::body(
                    200,
                    "application/json+protobuf; charset=UTF-8",
                    fixture(AISTUDIO),
                ),
            );
            base
        }
        (Kind::GoogleCloud, _) => {
            server.set(
                &format!("{prefix}/incidents.json"),
                Route::json(fixture(VERTEX_GEMINI)),
            );
            base
        }
        (Kind::Feed, "xai") => xml("/feed.xml", XAI_FEED),
        (Kind::Feed, "azure-openai") => xml("/feed.xml", AZURE_OPENAI_FEED),
        (kind, _) => mount_healthy(server, kind, prefix),
    }
}

#[tokio::test]
async fn every_catalog_entry_reads_a_recorded_payload_of_its_platform() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().expect("tmp");
    let catalog = config::catalog();
    // Every platform of the catalog, and no entry left behind by a bad parse of catalog.toml.
    assert!(catalog.len() >= 30, "{}", catalog.len());
    let mut text = String::from("catalog = []\ninterval = \"1s\"\n");
    for (i, c) in catalog.iter().enumerate() {
        let url = mount(&server, &c.spec, &format!("/s{i}"));
        // Same id: override the built-in URL only, keep its components, product, match and page id.
        text.push_str(&format!(
            "[[service]]\nid = \"{}\"\nurl = \"{url}\"\n",
            c.spec.id
        ));
        if c.spec.kind == Kind::AiStudio {
            // Its key page too: nothing may leave loopback.
            text.push_str(&format!("page_url = \"{url}/status\"\n"));
        }
    }
    let cfg = config(&text);
    assert_eq!(cfg.resolve().len(), catalog.len());
    let mut e = engine(dir.path(), &cfg);
    let r = e.cycle(true).await.expect("cycle");
    assert!(r.snapshot.online);
    assert_eq!(r.snapshot.services.len(), catalog.len());
    for s in &r.snapshot.services {
        let spec = &catalog
            .iter()
            .find(|c| c.spec.id == s.id)
            .expect("entry")
            .spec;
        assert!(s.reachable, "{}: {:?}", s.id, s.error);
        assert!(s.error.is_none(), "{}: {:?}", s.id, s.error);
        assert_ne!(s.status, Severity::Unknown, "{}: {:?}", s.id, s.note);
        if !spec.components.is_empty() {
            assert!(!s.components.is_empty(), "{}: filter matched nothing", s.id);
            assert!(
                s.components.len() < 34,
                "{}: the filter kept the whole page",
                s.id
            );
        }
    }
    let by_id = |id: &str| r.snapshot.services.iter().find(|s| s.id == id).expect(id);
    let ids = |id: &str| {
        by_id(id)
            .components
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };

    // Shared pages split by product.
    assert_eq!(ids("claude-code"), ["yyzkbfz2thpt"]);
    assert_eq!(ids("claude"), ["rwppv331jlwc", "bpp5gb3hpjcl"]);
    assert_eq!(ids("claude-api"), ["0qbwn08sd68x", "k8w3r06qmzrp"]);
    assert_eq!(ids("sora"), ["01K9G527YRPY1EFRMHTKB5BKT5"]);
    assert!(by_id("chatgpt")
        .components
        .iter()
        .all(|c| c.group.as_deref() == Some("ChatGPT")));
    assert_eq!(by_id("chatgpt").components.len(), 15);
    assert_eq!(by_id("openai-api").components.len(), 12);
    // GitHub: Copilot is operational while Packages is down; its open incident names Packages only.
    let copilot = by_id("github-copilot");
    assert_eq!(ids("github-copilot"), ["pjmpxvq2cmr2"]);
    assert_eq!(copilot.status, Severity::Operational);
    assert!(copilot.incidents.is_empty());

    // Gemini API from AI Studio: product 1 only, its one open incident (new keys), degraded.
    let gemini = by_id("gemini-api");
    assert_eq!(ids("gemini-api"), ["1"]);
    assert_eq!(gemini.status, Severity::Degraded);
    let open: Vec<&str> = gemini.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(open, ["GeminiAPI-new-keys-20260417"]);
    // Vertex: the recorded open outage names the product (no "check the product id" hint).
    let vertex = by_id("vertex-gemini");
    assert_eq!(vertex.status, Severity::MajorOutage);
    assert_eq!(vertex.incidents.len(), 1);
    assert!(vertex.note.is_none(), "{:?}", vertex.note);
    // Azure: the one item that names Azure OpenAI counts, with no severity given.
    let azure = by_id("azure-openai");
    assert_eq!(azure.status, Severity::Degraded);
    assert_eq!(azure.incidents.len(), 1);
    // xAI: 19 resolved items, nothing open.
    assert_eq!(by_id("xai").status, Severity::Operational);
    assert_eq!(
        by_id("ollama")
            .note
            .as_deref()
            .map(|n| n.starts_with("Ollama")),
        Some(true)
    );
    // First reading: no events.
    assert!(r.events.is_empty(), "{:?}", r.events);

    // History: what each payload carries, one row per incident, stored for the services' pages.
    let hist = |id: &str| e.store().incidents(Some(id), None).expect("history");
    // incident.io: the 2026 Atom entries, keyed by the same bare ULIDs as the proxy.
    let jb = hist("jetbrains-ai");
    assert_eq!(jb.len(), 4, "{jb:?}");
    assert!(jb.iter().all(|h| !h.incident.updates.is_empty()));
    assert!(jb
        .iter()
        .any(|h| h.incident.id == "01M1KWEDH417T2CF44YYHZDFCR"));
    // The 2024 Statuspage incidents are older than the retention window and pruned.
    assert!(hist("cursor").is_empty());
    // Feeds: one incident per guid.
    assert_eq!(hist("xai").len(), 6);
    // AI Studio: every Gemini API incident within the retention window, open and closed.
    let g = hist("gemini-api");
    assert!(g.len() > 5, "{}", g.len());
    assert!(g
        .iter()
        .all(|h| h.incident.components.iter().any(|c| c == "1")));
}
