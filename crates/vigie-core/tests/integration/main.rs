//! Core integration tests, one binary (so the crate links once): the engine over real HTTP on
//! loopback (vigie-testkit serving recorded payloads) and real SQLite files, a hostile-input corpus,
//! property-based fuzzing of every parser and the config loader, and crash safety.

pub mod catalog;
mod early;
mod engine;
mod faults;
mod fuzz;
mod hostile;
mod report;
mod truth;

use std::path::Path;

use vigie_core::config::{self, Config};
use vigie_core::poller::Engine;
use vigie_core::store::Store;
use vigie_core::Kind;
use vigie_testkit::{Route, Server};

pub fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub const CLAUDE: &str = "statuspage/claude-summary-all-operational-6-components-2026-09-03.json";
pub const GITHUB_MINOR: &str =
    "statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json";
pub const GITHUB_INCIDENTS: &str = "statuspage/github-incidents-2-resolved-2024-09-16.json";
pub const OPENAI_WIDGET: &str = "incident-io/openai-widget-v1-summary-quiet-2026-09.json";
pub const OPENAI_PROXY: &str = "incident-io/openai-proxy-summary-all-operational-2026-09.json";
pub const AISTUDIO: &str =
    "google-aistudio/aistudio-ListIncidentsHistory-50-incidents-2-open-2026-04-17.json";

/// The recorded payload that answers each current-state endpoint of a platform, mounted under
/// `prefix` on the server. Returns the service URL to configure.
pub fn mount_healthy(server: &Server, kind: Kind, prefix: &str) -> String {
    let base = format!("{}{prefix}", server.url());
    let host = server.url().trim_start_matches("http://").to_string();
    let set =
        |path: &str, rel: &str| server.set(&format!("{prefix}{path}"), Route::json(fixture(rel)));
    match kind {
        Kind::Statuspage => {
            set("/api/v2/summary.json", CLAUDE);
            set("/api/v2/incidents.json", GITHUB_INCIDENTS);
        }
        Kind::IncidentIo => {
            set("/api/v1/summary", OPENAI_WIDGET);
            set(&format!("/proxy/{host}"), OPENAI_PROXY);
            server.set(
                &format!("{prefix}/history.atom"),
                Route::body(
                    200,
                    "application/atom+xml",
                    fixture("feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml"),
                ),
            );
        }
        Kind::Instatus => {
            set(
                "/v3/summary.json",
                "instatus/wistia-v3-summary-up-2026-09-23-DOCQUOTE.json",
            );
            set(
                "/v3/components.json",
                "instatus/wistia-v3-components-2026-09-23-DOCQUOTE-TRIMMED.json",
            );
        }
        Kind::Betterstack => set(
            "/index.json",
            "betterstack/betterstack-index-json-2026-09-23-DOCQUOTE-TRIMMED.json",
        ),
        Kind::GoogleCloud => set(
            "/incidents.json",
            "google-cloud/gcp-incidents-edited-3-secret-manager-2022-07.json",
        ),
        Kind::AiStudio => set(vigie_core::platform::aistudio::RPC_PATH, AISTUDIO),
        Kind::Feed => {
            server.set(
                &format!("{prefix}/feed.xml"),
                Route::body(
                    200,
                    "application/rss+xml",
                    fixture("feeds/github-statuspage-history-rss-4-items-2026-09-03.xml"),
                ),
            );
            return format!("{base}/feed.xml");
        }
        Kind::Flashduty => {
            // The recording bundles the three API answers; each endpoint serves its own part.
            let all: serde_json::Value = serde_json::from_slice(&fixture(
                "flashduty/deepseek-flashduty-page-changes-structure-2026-06.json",
            ))
            .expect("json");
            let active =
                serde_json::to_vec(&serde_json::json!({ "data": all["active"] })).expect("ser");
            let list =
                serde_json::to_vec(&serde_json::json!({ "data": all["changeList"] })).expect("ser");
            server.set(
                &format!("{prefix}/api/status-page/6410630422455/summary/active"),
                Route::json(active),
            );
            server.set(
                &format!("{prefix}/api/status-page/6410630422455/change/list"),
                Route::json(list),
            );
        }
        Kind::Ollama => {
            set("/api/version", "ollama/api-version-DOCEXAMPLE.json");
            set("/api/tags", "ollama/api-tags-DOCEXAMPLE.json");
        }
        Kind::Http => {
            server.set(
                &format!("{prefix}/v1/models"),
                Route::body(401, "application/json", &b"{\"error\":\"no key\"}"[..]),
            );
            return format!("{base}/v1/models");
        }
    }
    base
}

pub fn config(text: &str) -> Config {
    config::parse(Path::new("test.toml"), text).expect("valid config")
}

pub fn service(id: &str, kind: Kind, url: &str, extra: &str) -> String {
    format!("[[service]]\nid = \"{id}\"\nname = \"{id}\"\nkind = \"{kind}\"\nurl = \"{url}\"\n{extra}\n")
}

/// A config watching this one service only, polled every second.
pub fn one_service(id: &str, kind: Kind, url: &str, extra: &str) -> Config {
    config(&format!(
        "catalog = []\ninterval = \"1s\"\n{}",
        service(id, kind, url, extra)
    ))
}

pub fn engine(dir: &Path, cfg: &Config) -> Engine {
    Engine::new(cfg, Store::open_dir(dir).expect("store")).expect("engine")
}
