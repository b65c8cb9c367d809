//! The `vigie` binary end to end: a real process, real HTTP over loopback, real SQLite files.

use std::path::{Path, PathBuf};
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

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(config: &str) -> Env {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("config.toml"), config).expect("write");
        Env { dir }
    }
    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }
    fn vigie(&self, args: &[&str]) -> Output {
        self.vigie_with(args, &[])
    }
    fn vigie_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(args)
            .env("VIGIE_CONFIG", self.config())
            .env("VIGIE_DATA_DIR", self.dir.path().join("data"))
            .env_remove("OLLAMA_HOST")
            .env_remove("VIGIE_LOG")
            .envs(env.iter().copied())
            .output()
            .expect("run vigie")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn two_services(server: &Server) -> String {
    format!(
        "catalog = []\n\
         [[service]]\nid = \"gh\"\nname = \"GitHub\"\nkind = \"statuspage\"\nurl = \"{u}/gh\"\n\
         [[service]]\nid = \"claude\"\nurl = \"{u}/claude\"\n",
        u = server.url()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_json_has_the_documented_shape_and_status_reads_the_store() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    server.set("/claude/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let env = Env::new(&two_services(&server));

    let out = env.vigie(&["check", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["checked_at"]
        .as_str()
        .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()));
    assert_eq!(v["online"], true);
    assert_eq!(v["overall"], "partial_outage");
    let gh = &v["services"][0];
    for key in [
        "id",
        "name",
        "kind",
        "page_url",
        "status",
        "reachable",
        "stale",
        "error",
        "components",
        "incidents",
    ] {
        assert!(gh.get(key).is_some(), "missing {key}");
    }
    assert_eq!(gh["kind"], "statuspage");
    assert_eq!(gh["status"], "partial_outage");
    assert_eq!(gh["error"], serde_json::Value::Null);
    let c = &gh["components"][0];
    for key in ["id", "name", "group", "status"] {
        assert!(c.get(key).is_some(), "component missing {key}");
    }
    let inc = &gh["incidents"][0];
    for key in [
        "id",
        "title",
        "status",
        "impact",
        "started_at",
        "resolved_at",
        "url",
        "updates",
    ] {
        assert!(inc.get(key).is_some(), "incident missing {key}");
    }
    assert_eq!(inc["status"], "investigating");
    let u = &inc["updates"][0];
    assert!(u.get("at").is_some() && u.get("status").is_some() && u.get("text").is_some());
    // Claude overrides a built-in: its components filter (claude.ai + Cowork) applies.
    assert_eq!(v["services"][1]["name"], "Claude");

    // `status` reads the store, with the server gone.
    server.down(true).await.expect("down");
    let out = env.vigie(&["status", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(s["services"][0]["status"], "partial_outage");
    assert_eq!(s["services"][0]["stale"], true);
    let text = stdout(&env.vigie(&["status"]));
    assert!(
        text.contains("GitHub") && text.contains("partial outage"),
        "{text}"
    );
    let bar: serde_json::Value =
        serde_json::from_slice(&env.vigie(&["status", "--format", "waybar"]).stdout)
            .expect("waybar json");
    assert_eq!(bar["class"], "partial_outage");
    assert!(bar["tooltip"]
        .as_str()
        .unwrap_or("")
        .contains("GitHub: partial outage"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_pages_read_unavailable_and_exit_zero() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::body(
            403,
            "text/html",
            "<!DOCTYPE html><html><head></head>challenge</html>",
        ),
    );
    server.set("/claude/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let env = Env::new(&two_services(&server));
    let out = env.vigie(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("unavailable"), "{text}");
    assert!(text.contains("CDN or bot challenge"), "{text}");
    assert!(text.contains("Overall: operational"), "{text}");
}

/// Poll errors are warnings on stderr, naming the service and the URL; stdout stays the report.
/// `VIGIE_LOG` sets the level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_page_is_a_warning_on_stderr_naming_its_url() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::body(503, "text/plain", "busy"),
    );
    server.set("/claude/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let env = Env::new(&two_services(&server));
    let out = env.vigie(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (err, text) = (stderr(&out), stdout(&out));
    let url = format!("{}/gh/api/v2/summary.json", server.url());
    let warning = err
        .lines()
        .find(|l| l.contains("poll failed"))
        .unwrap_or_else(|| panic!("no warning in {err:?}"));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(warning.contains(&url), "{warning}");
    assert!(warning.contains("service=gh"), "{warning}");
    assert!(!err.contains("claude"), "only the failing page: {err}");
    assert!(
        !text.contains("WARN") && !text.contains("poll failed"),
        "{text}"
    );
    assert!(text.contains("Overall: operational"), "{text}");

    let quiet = env.vigie_with(&["check"], &[("VIGIE_LOG", "error")]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "VIGIE_LOG=error hides warnings");
}

#[test]
fn config_errors_exit_two_naming_file_line_and_key() {
    let env = Env::new("interval = \"often\"\ncatalog = [\"nope\"]\n[[service]]\nid = \"x\"\nkind = \"nah\"\nurl = \"http://127.0.0.1:1\"\n");
    let before = std::fs::read(env.config()).expect("read");
    for cmd in [&["check"][..], &["status"], &["config", "check"]] {
        let out = env.vigie(cmd);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = stderr(&out);
        let file = env.config().display().to_string();
        assert!(err.contains(&format!("{file}:1: interval:")), "{err}");
        assert!(err.contains(&format!("{file}:2: catalog:")), "{err}");
        assert!(
            err.contains(&format!("{file}:5: service[0].kind:")),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(env.config()).expect("read"),
        before,
        "never rewritten"
    );
}

#[test]
fn config_init_writes_a_valid_file_once() {
    let env = Env::new("");
    std::fs::remove_file(env.config()).expect("rm");
    let out = env.vigie(&["config", "init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.vigie(&["config", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok"));
    let out = env.vigie(&["config", "init"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not overwritten"));
    assert_eq!(
        stdout(&env.vigie(&["config", "path"])).trim(),
        env.config().display().to_string()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_detects_the_platform_and_appends_keeping_comments() {
    let server = Server::start().await;
    server.set("/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let env = Env::new("# my comment\ncatalog = []\n");
    let out = env.vigie(&["add", &server.url()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("statuspage"), "{}", stdout(&out));
    let text = std::fs::read_to_string(env.config()).expect("read");
    assert!(text.starts_with("# my comment\n"), "{text}");
    assert!(text.contains("kind = \"statuspage\""), "{text}");
    // The added page is then watched.
    let out = env.vigie(&["check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["services"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["services"][0]["status"], "operational");

    // An unknown page is refused with the URLs tried, and the file is untouched.
    let out = env.vigie(&["add", &format!("{}/nothing-here", server.url())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no known status-page platform"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(env.config()).expect("read"), text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_incidents_as_json_and_csv() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    server.set("/claude/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let env = Env::new(&two_services(&server));
    assert!(env.vigie(&["check"]).status.success());
    let out = env.vigie(&["history", "--json", "--since", "10000d"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = v["incidents"].as_array().expect("array");
    assert_eq!(list.len(), 1, "{v}");
    assert_eq!(list[0]["service"], "gh");
    assert_eq!(list[0]["updates"].as_array().map(Vec::len), Some(7));
    let csv = stdout(&env.vigie(&["history", "--format", "csv", "--since", "10000d"]));
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap_or("")
        .starts_with("service,id,kind,title"));
    assert!(lines.next().unwrap_or("").starts_with("gh,"), "{csv}");
    let none = stdout(&env.vigie(&["history", "--service", "claude"]));
    assert!(none.contains("No incidents"), "{none}");
}

#[test]
fn services_lists_the_catalog() {
    let env = Env::new("");
    let out = stdout(&env.vigie(&["services"]));
    for id in ["chatgpt", "claude-code", "gemini-api", "xai", "ollama"] {
        assert!(out.contains(id), "{id}");
    }
}

/// SIGKILL `vigie check` at random moments, 100 times, while it polls and writes: the database must
/// open every time without being moved aside, pass `integrity_check`, and never lose a committed
/// status change (the count never goes down, and a run that finished has its change stored).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_during_writes_loses_nothing_committed() {
    use vigie_core::store::Store;
    let server = Server::start().await;
    server.set("/claude/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    let env = Env::new(&two_services(&server));
    let data = env.dir.path().join("data");
    let (mut last, mut finished, mut killed) = (0usize, 0, 0);
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    // How long a whole run takes on this machine now (build profile, load): the kills are spread
    // over that, so the test keeps killing mid-way whether a run takes 10 ms or 100 ms.
    let mut runs: Vec<std::time::Duration> = (0..3)
        .map(|_| {
            let t = std::time::Instant::now();
            assert!(env.vigie(&["check"]).status.success());
            t.elapsed()
        })
        .collect();
    runs.sort();
    let span_us = runs[1].as_micros().max(1) as u64;
    for i in 0..100u64 {
        let flip = if i % 2 == 0 { GITHUB_MINOR } else { CLAUDE };
        server.set("/gh/api/v2/summary.json", Route::json(fixture(flip)));
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["check"])
            .env("VIGIE_CONFIG", env.config())
            .env("VIGIE_DATA_DIR", &data)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Spread the kills over start-up, the fetch and the write: 0–120 % of a run.
        std::thread::sleep(std::time::Duration::from_micros(
            (i * 7919) % 120 * span_us / 100,
        ));
        let done_before_kill = child.try_wait().expect("wait").is_some();
        let _ = child.kill();
        let status = child.wait().expect("wait");
        let store = Store::open_dir(&data).expect("opens after SIGKILL");
        assert!(
            store.recovered.is_none(),
            "run {i}: moved aside: {:?}",
            store.recovered
        );
        assert_eq!(store.integrity_check().expect("check"), "ok", "run {i}");
        let n = store.changes("gh", since).expect("changes").len();
        assert!(n >= last, "run {i}: committed changes lost ({last} → {n})");
        if done_before_kill && status.success() {
            finished += 1;
            let want = if i % 2 == 0 {
                vigie_core::Severity::PartialOutage
            } else {
                vigie_core::Severity::Operational
            };
            let states = store.states().expect("states");
            let gh = states.iter().find(|s| s.id == "gh").expect("gh state");
            assert_eq!(
                gh.status, want,
                "run {i}: a finished run's reading is stored"
            );
        } else {
            killed += 1;
        }
        last = n;
    }
    println!("kill -9: {killed} runs killed, {finished} finished, {last} status changes stored");
    assert!(
        killed >= 20,
        "the test must actually kill runs mid-way ({killed})"
    );
}

fn one_service(server: &Server, components: &str) -> String {
    format!(
        "catalog = []\n\
         [[service]]\nid = \"gh\"\nname = \"GitHub\"\nkind = \"statuspage\"\nurl = \"{u}/gh\"\n\
         components = {components}\n",
        u = server.url()
    )
}

/// The real GitHub payload where Packages is `partial_outage`: the human output names the part
/// that is down (and not the ten that work), for `check` and for `status` from the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_and_status_list_the_components_that_are_not_operational() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    let env = Env::new(&one_service(&server, "[]"));
    let out = env.vigie(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("    ◐ Packages: partial outage\n"), "{text}");
    assert!(
        !text.contains("Git Operations"),
        "operational parts are not listed: {text}"
    );
    server.down(true).await.expect("down");
    let text = stdout(&env.vigie(&["status"]));
    assert!(text.contains("    ◐ Packages: partial outage\n"), "{text}");
}

/// `components = ["typo"]` on a real page: status unknown, the error names the filter and real
/// components, in the human output and the JSON. The command ran, so it exits 0 (the README's
/// rule: 2 is for a config file that does not load).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_that_matches_nothing_is_shown_as_misconfigured() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    let env = Env::new(&one_service(&server, "[\"typo\"]"));
    let out = env.vigie(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("GitHub") && text.contains("misconfigured"),
        "{text}"
    );
    assert!(text.contains("    error: "), "{text}");
    assert!(
        text.contains("components = [\"typo\"] matches none of the page's 11 components"),
        "{text}"
    );
    assert!(text.contains("\"8l4ygp009s5s\" (Git Operations)"), "{text}");

    let out = env.vigie(&["check", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["services"][0]["status"], "unknown");
    assert!(v["services"][0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("service is misconfigured: components = [\"typo\"]")));
    let text = stdout(&env.vigie(&["status"]));
    assert!(text.contains("misconfigured"), "{text}");
}

/// A page-wide incident (one that names no component: GitHub's "Disruption with some GitHub
/// services") on a service that watches only Copilot: listed as a notice, never colouring it.
/// The payload is the real GitHub summary with its incident's component list emptied, which is
/// how GitHub publishes those.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_wide_incident_is_a_notice_on_a_filtered_service() {
    let mut page: serde_json::Value =
        serde_json::from_slice(&fixture(GITHUB_MINOR)).expect("fixture json");
    page["incidents"][0]["components"] = serde_json::json!([]);
    page["incidents"][0]["name"] = "Disruption with some GitHub services".into();
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::json(serde_json::to_vec(&page).expect("json")),
    );
    let env = Env::new(&one_service(&server, "[\"Copilot\"]"));
    let out = env.vigie(&["check", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let gh = &v["services"][0];
    assert_eq!(gh["status"], "operational", "{gh}");
    assert_eq!(gh["incidents"], serde_json::json!([]), "{gh}");
    assert_eq!(
        gh["notices"][0]["title"], "Disruption with some GitHub services",
        "{gh}"
    );
    let text = stdout(&env.vigie(&["status"]));
    assert!(
        text.contains(
            "    Disruption with some GitHub services [investigating] — page-wide notice"
        ),
        "{text}"
    );
}

/// Two separate `vigie check` runs: the open GitHub incident leaves the page between them. The
/// history says it ended while not watched (never "ongoing" for weeks, never a made-up end).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_that_ended_between_runs_reads_ended_while_not_watched() {
    let server = Server::start().await;
    server.set(
        "/gh/api/v2/summary.json",
        Route::json(fixture(GITHUB_MINOR)),
    );
    let env = Env::new(&one_service(&server, "[]"));
    assert!(env.vigie(&["check"]).status.success());
    server.set("/gh/api/v2/summary.json", Route::json(fixture(CLAUDE)));
    assert!(env.vigie(&["check"]).status.success());
    let text = stdout(&env.vigie(&["history", "--since", "10000d"]));
    assert!(
        text.contains("Incident with Packages and Pages [ended while not watched]"),
        "{text}"
    );
    let out = env.vigie(&["history", "--json", "--since", "10000d"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["incidents"][0]["status"], "ended_unwatched", "{v}");
    assert!(v["incidents"][0]["resolved_at"].is_string(), "{v}");
}

/// A store with a known history for `vigie report`: Claude observed 5 days ago to 2 days ago and
/// the last day (a gap between), 2 h of major outage; four incidents in range (one ended while not
/// watched), a maintenance and an old incident that do not count. GitHub has nothing.
fn report_store(dir: &Path) -> chrono::DateTime<chrono::Utc> {
    use chrono::Duration as D;
    use vigie_core::store::Store;
    use vigie_core::{Incident, IncidentKind, Severity as S};
    let now = chrono::Utc::now();
    let mut store = Store::open_dir(dir).expect("store");
    let inc = |id: &str, kind, impact, start, minutes: Option<i64>| Incident {
        id: id.into(),
        kind,
        title: format!("Incident {id}"),
        status: if minutes.is_some() {
            "resolved"
        } else {
            "investigating"
        }
        .into(),
        impact,
        started_at: Some(start),
        resolved_at: minutes.map(|m| start + D::minutes(m)),
        url: None,
        components: vec![],
        updates: vec![],
    };
    store
        .transaction(|tx| {
            for (at, from, to) in [
                (now - D::days(5), S::Unknown, S::Operational),
                (now - D::days(4), S::Operational, S::MajorOutage),
                (
                    now - D::days(4) + D::hours(2),
                    S::MajorOutage,
                    S::Operational,
                ),
                (now - D::days(2), S::Operational, S::Unknown),
                (now - D::days(1), S::Unknown, S::Operational),
            ] {
                tx.add_change("claude", at, from, to)?;
            }
            let i = IncidentKind::Incident;
            let day = |n| now - D::days(n);
            tx.upsert_incident(
                "claude",
                &inc("i1", i, S::MajorOutage, day(4), Some(120)),
                true,
                now,
            )?;
            tx.upsert_incident(
                "claude",
                &inc("i2", i, S::Degraded, day(3), Some(30)),
                true,
                now,
            )?;
            tx.upsert_incident(
                "claude",
                &inc("i3", i, S::PartialOutage, day(2), Some(60)),
                true,
                now,
            )?;
            tx.upsert_incident(
                "claude",
                &inc("i4", i, S::Degraded, day(1), None),
                true,
                day(1),
            )?;
            tx.close_vanished("claude", &Default::default(), None, now)?;
            let m = IncidentKind::Maintenance;
            tx.upsert_incident(
                "claude",
                &inc("m1", m, S::Maintenance, day(3), Some(600)),
                true,
                now,
            )?;
            tx.upsert_incident(
                "claude",
                &inc("old", i, S::MajorOutage, day(200), Some(5)),
                true,
                now,
            )
        })
        .expect("write");
    now
}

fn report_env() -> (Env, chrono::DateTime<chrono::Utc>) {
    let env = Env::new(
        "catalog = []\n\
         [[service]]\nid = \"gh\"\nname = \"GitHub\"\nkind = \"statuspage\"\nurl = \"http://127.0.0.1:9/gh\"\n\
         [[service]]\nid = \"claude\"\nname = \"Claude\"\nkind = \"statuspage\"\nurl = \"http://127.0.0.1:9/claude\"\n",
    );
    let now = report_store(&env.dir.path().join("data"));
    (env, now)
}

#[test]
fn report_json_has_the_documented_shape_and_the_store_s_figures() {
    let (env, now) = report_env();
    let out = env.vigie(&["report", "--since", "90d", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let from = now.date_naive() - chrono::Days::new(90);
    assert_eq!(v["from"], format!("{from}T00:00:00Z"));
    assert!(v["to"].as_str().is_some_and(|t| t.ends_with('Z')));
    let list = v["services"].as_array().expect("services");
    assert_eq!(list.len(), 2);
    // Ranked: the observed service first, the never-observed one last, with nulls.
    let c = &list[0];
    assert_eq!(c["id"], "claude");
    assert_eq!(c["name"], "Claude");
    assert_eq!(c["incidents"], 4);
    assert_eq!(
        c["by_impact"],
        serde_json::json!({"degraded": 2, "partial_outage": 1, "major_outage": 1, "other": 0})
    );
    // i4 ended while not watched: counted, but it has no time to resolve.
    assert_eq!(c["median_resolve_minutes"], 60.0);
    assert_eq!(c["longest_resolve_minutes"], 120.0);
    assert_eq!(c["outage_hours"], 2.0);
    // Observed 3 days + 1 day; 2 h of it in major outage.
    let to =
        chrono::DateTime::parse_from_rfc3339(v["to"].as_str().unwrap_or_default()).expect("to");
    let span =
        (to.timestamp() - from.and_hms_opt(0, 0, 0).expect("t").and_utc().timestamp()) as f64;
    let coverage = c["coverage"].as_f64().expect("coverage");
    assert!(
        (coverage - 4.0 * 86_400.0 / span).abs() < 1e-3,
        "{coverage}"
    );
    let availability = c["availability"].as_f64().expect("availability");
    assert!((availability - 94.0 / 96.0).abs() < 1e-4, "{availability}");
    assert_eq!(
        c["line"],
        "Claude: 4 incidents (1 major), 2.0 h of outage in 90 days; median fix 60 min"
    );
    let g = &list[1];
    assert_eq!(g["id"], "gh");
    for key in [
        "coverage",
        "availability",
        "median_resolve_minutes",
        "longest_resolve_minutes",
    ] {
        assert!(g[key].is_null(), "{key}: {}", g[key]);
    }
    assert_eq!(g["incidents"], 0);
    assert_eq!(g["outage_hours"], 0.0);

    // The text form ranks the same and prints the plain lines.
    let out = env.vigie(&["report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("  1  Claude "), "{text}");
    assert!(
        text.contains(
            "Claude: 4 incidents (1 major), 2.0 h of outage in 90 days; median fix 60 min"
        ),
        "{text}"
    );
    assert!(
        text.contains("GitHub: no incidents, not observed in 90 days"),
        "{text}"
    );
}

#[test]
fn report_csv_and_month() {
    let (env, _) = report_env();
    let out = env.vigie(&["report", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("rank,id,name,coverage,availability,incidents,degraded,partial_outage,major_outage,other,median_resolve_minutes,longest_resolve_minutes,outage_hours,"));
    assert!(lines[1].starts_with("1,claude,Claude,0.0"), "{}", lines[1]);
    assert!(lines[1].contains(",4,2,1,1,0,60,120,2,"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("2,gh,GitHub,,,0,0,0,0,0,,,0,"),
        "{}",
        lines[2]
    );

    // A month long past: the range is the calendar month, nothing observed, no incidents.
    let out = env.vigie(&["report", "--month", "2000-02", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["from"], "2000-02-01T00:00:00Z");
    assert_eq!(v["to"], "2000-03-01T00:00:00Z");
    assert!(v["services"][0]["coverage"].is_null());
    assert_eq!(v["services"][0]["incidents"], 0);

    let out = env.vigie(&["report", "--month", "February"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("expected a month like 2026-11"),
        "{}",
        stderr(&out)
    );
    let out = env.vigie(&["report", "--month", "2026-11", "--since", "30d"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses both");
}

/// "Built on" providers and a probe: `upstream` and `probe` in `check --json`, kept by `status`.
/// The JSON on stdout of a command that ran.
fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// One service of a snapshot, by id.
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
    let u = server.url();
    let env = Env::new(&format!(
            "catalog = []\n\
             [[service]]\nid = \"prov\"\nname = \"Provider API\"\nkind = \"statuspage\"\nurl = \"{u}/prov\"\n\
             [[service]]\nid = \"tool\"\nname = \"Tool\"\nkind = \"statuspage\"\nurl = \"{u}/tool\"\n\
             built_on = [\"prov\"]\nprobe = \"{u}/probe\"\n"
    ));

    let v = json(&env.vigie(&["check", "--json"]));
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
    let v = json(&env.vigie(&["check", "--json"]));
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
    let v = json(&env.vigie(&["status", "--json"]));
    let tool = service(&v, "tool");
    assert_eq!(tool["upstream"][0]["id"], "prov");
    assert_eq!(tool["probe"]["problem"], "unconfirmed");

    let text = stdout(&env.vigie(&["status"]));
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
    let env = Env::new("");
    let text = stdout(&env.vigie(&["services"]));
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
