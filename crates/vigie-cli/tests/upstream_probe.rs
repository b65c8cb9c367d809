//! `vigie check` / `vigie status` with "built on" providers and a probe: the JSON shape of
//! `upstream` and `probe`, over real HTTP on loopback and real SQLite files.

use std::path::Path;
use std::process::{Command, Output};

use vigie_testkit::{Route, Server};

fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const CLAUDE: &str = "statuspage/claude-summary-all-operational-6-components-2026-09-03.json";
const GITHUB_MINOR: &str =
    "statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json";

fn vigie(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .env("VIGIE_CONFIG", dir.join("config.toml"))
        .env("VIGIE_DATA_DIR", dir.join("data"))
        .env_remove("VIGIE_LOG")
        .output()
        .expect("run vigie")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn service<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["services"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_json_has_upstream_and_probe_and_status_keeps_them() {
    let server = Server::start().await;
    server.set(
        "/prov/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    server.set("/tool/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    server.set(
        "/probe",
        Route::body(503, "text/html", &b"<html>Service Unavailable</html>"[..]),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let u = server.url();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "catalog = []\n\
             [[service]]\nid = \"prov\"\nname = \"Provider API\"\nkind = \"statuspage\"\nurl = \"{u}/prov\"\n\
             [[service]]\nid = \"tool\"\nname = \"Tool\"\nkind = \"statuspage\"\nurl = \"{u}/tool\"\n\
             built_on = [\"prov\"]\nprobe = \"{u}/probe\"\n"
        ),
    )
    .expect("write");

    let v = json(&vigie(dir.path(), &["check", "--json"]));
    let tool = service(&v, "tool");
    // The provider's partial outage is named on the tool; the tool's own colour is unchanged.
    assert_eq!(tool["status"], "operational");
    assert_eq!(
        tool["upstream"],
        serde_json::json!([{"id": "prov", "name": "Provider API", "status": "partial_outage"}])
    );
    let probe = &tool["probe"];
    assert_eq!(probe["ok"], false);
    assert_eq!(probe["http_status"], 503);
    assert!(probe["latency_ms"].is_u64(), "{probe}");
    assert_eq!(probe["failures"], 1);
    assert_eq!(probe["problem"], serde_json::Value::Null);
    // No probe: null; nothing it is built on: an empty list.
    let prov = service(&v, "prov");
    assert_eq!(prov["probe"], serde_json::Value::Null);
    assert_eq!(prov["upstream"], serde_json::json!([]));
    assert_eq!(v["overall"], "partial_outage");

    // A second run continues the count: two in a row while the page says operational.
    let v = json(&vigie(dir.path(), &["check", "--json"]));
    let tool = service(&v, "tool");
    assert_eq!(tool["probe"]["failures"], 2);
    assert_eq!(tool["probe"]["problem"], "unconfirmed");
    assert_eq!(tool["status"], "operational");
    assert_eq!(server.hits("/probe"), 2, "one probe per run, no retry");
    let sent = server.requests();
    let probe_req = sent
        .iter()
        .find(|r| r.0 == "/probe")
        .expect("probe request");
    assert!(
        !probe_req
            .1
            .iter()
            .any(|(k, _)| k == "authorization" || k.contains("api-key")),
        "a probe never sends a key: {probe_req:?}"
    );

    // `status` reads the same from the store, without the network.
    let v = json(&vigie(dir.path(), &["status", "--json"]));
    let tool = service(&v, "tool");
    assert_eq!(tool["upstream"][0]["id"], "prov");
    assert_eq!(tool["probe"]["problem"], "unconfirmed");

    let text = vigie(dir.path(), &["status"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("    may be affected: Provider API, partial outage"),
        "{text}"
    );
    assert!(
        text.contains("⚑ problems seen from here, not confirmed: 2 failures in a row"),
        "{text}"
    );
}

#[test]
fn services_show_built_on_and_suggested_probes() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("config.toml"), "").expect("write");
    let out = vigie(dir.path(), &["services"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("built on: claude-api, openai-api, xai"),
        "{text}"
    );
    assert!(
        text.contains(
            "suggested probe (off; `probe = true` turns it on): https://api.openai.com/v1/models"
        ),
        "{text}"
    );
}
