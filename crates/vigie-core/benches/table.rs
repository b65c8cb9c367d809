//! `make bench`'s table: poll cycles over 25, 100 and 500 services served on loopback from the
//! recorded payloads, against the floor of a plain client fetching the same URLs with no parsing
//! or storage; bytes per steady cycle with conditional requests against refetching everything; and
//! the 90-day uptime and report over 1 M stored status changes. Figures are printed, never
//! asserted.
//!
//! The status server runs in a child process (this binary re-executed), so the CPU time read from
//! `/proc/self/stat` is the client's alone.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vigie_core::config;
use vigie_core::poller::Engine;
use vigie_core::report::Period;
use vigie_core::store::Store;
use vigie_core::Severity;
use vigie_testkit::{Route, Server};

const SERVER_ENV: &str = "VIGIE_BENCH_SERVER";

fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Services on loopback: a mix of the platforms the default catalog uses.
fn routes(n: usize) -> Vec<(String, Vec<u8>)> {
    let claude = fixture("statuspage/claude-summary-all-operational-6-components-2026-09-03.json");
    let github = fixture("statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json");
    let incidents = fixture("statuspage/github-incidents-2-resolved-2024-09-16.json");
    let instatus_s = fixture("instatus/wistia-v3-summary-up-2026-09-23-DOCQUOTE.json");
    let instatus_c = fixture("instatus/wistia-v3-components-2026-09-23-DOCQUOTE-TRIMMED.json");
    let mut out = Vec::new();
    for i in 0..n {
        match i % 3 {
            0 => {
                out.push((format!("/s{i}/api/v2/summary.json"), claude.clone()));
                out.push((format!("/s{i}/api/v2/incidents.json"), incidents.clone()));
            }
            1 => {
                out.push((format!("/s{i}/api/v2/summary.json"), github.clone()));
                out.push((format!("/s{i}/api/v2/incidents.json"), incidents.clone()));
            }
            _ => {
                out.push((format!("/s{i}/v3/summary.json"), instatus_s.clone()));
                out.push((format!("/s{i}/v3/components.json"), instatus_c.clone()));
            }
        }
    }
    out
}

fn config_text(url: &str, n: usize) -> String {
    let mut t = String::from("catalog = []\ninterval = \"60s\"\n");
    for i in 0..n {
        let kind = if i % 3 == 2 { "instatus" } else { "statuspage" };
        t.push_str(&format!(
            "[[service]]\nid = \"s{i}\"\nkind = \"{kind}\"\nurl = \"{url}/s{i}\"\n"
        ));
    }
    t
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command name.
    (ticks(11) + ticks(12)) / 100.0
}

struct Measure {
    wall: Duration,
    cpu: f64,
    bytes: usize,
    requests: usize,
}

async fn floor(client: &reqwest::Client, urls: &[String]) -> Measure {
    let (t, c) = (Instant::now(), cpu_seconds());
    let mut bytes = 0;
    let mut set = tokio::task::JoinSet::new();
    for chunk in urls.chunks(urls.len().div_ceil(8).max(1)) {
        let client = client.clone();
        let chunk = chunk.to_vec();
        set.spawn(async move {
            let mut b = 0;
            for u in chunk {
                if let Ok(r) = client.get(&u).send().await {
                    b += r.bytes().await.map(|x| x.len()).unwrap_or(0);
                }
            }
            b
        });
    }
    while let Some(r) = set.join_next().await {
        bytes += r.unwrap_or(0);
    }
    Measure {
        wall: t.elapsed(),
        cpu: cpu_seconds() - c,
        bytes,
        requests: urls.len(),
    }
}

async fn cycle(engine: &mut Engine) -> Measure {
    let (t, c) = (Instant::now(), cpu_seconds());
    let r = engine.cycle(true).await.expect("cycle");
    let m = Measure {
        wall: t.elapsed(),
        cpu: cpu_seconds() - c,
        bytes: r.bytes,
        requests: r.requests,
    };
    assert!(
        r.snapshot
            .services
            .iter()
            .all(|s| s.status != Severity::Unknown),
        "every service read"
    );
    m
}

fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server = Server::start().await;
        for (path, body) in routes(500) {
            let tag = format!("\"{}\"", body.len());
            server.set(&path, Route::json(body).with_etag(&tag));
        }
        println!("{}", server.url());
        let _ = std::io::stdout().flush();
        // Until the parent closes our stdin.
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    });
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        return serve();
    }
    // `cargo bench` passes --bench; nothing to parse.
    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .env(SERVER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn server");
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("server url");
    let url = url.trim().to_string();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "Poll cycles on loopback (release build; the status server runs in another process)\n"
    );
    println!("| services | cycle | wall ms | CPU ms | requests | body KB received | floor wall ms | floor CPU ms | floor body KB | CPU ÷ floor |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    rt.block_on(async {
        let client = vigie_core::fetch::client(Duration::from_secs(10)).expect("client");
        for n in [25usize, 100, 500] {
            let dir = tempfile::tempdir().expect("tmp");
            let cfg = config::parse(Path::new("bench.toml"), &config_text(&url, n)).expect("config");
            let mut engine = Engine::new(&cfg, Store::open_dir(dir.path()).expect("store")).expect("engine");
            let urls: Vec<String> = routes(n).into_iter().map(|(p, _)| format!("{url}{p}")).collect();
            let fl = floor(&client, &urls).await;
            let cold = cycle(&mut engine).await;
            let steady = cycle(&mut engine).await;
            for (name, m) in [("cold", &cold), ("steady (304s)", &steady)] {
                println!(
                    "| {n} | {name} | {:.1} | {:.0} | {} | {:.0} | {:.1} | {:.0} | {:.0} | {:.1} |",
                    m.wall.as_secs_f64() * 1e3,
                    m.cpu * 1e3,
                    m.requests,
                    m.bytes as f64 / 1024.0,
                    fl.wall.as_secs_f64() * 1e3,
                    fl.cpu * 1e3,
                    fl.bytes as f64 / 1024.0,
                    if fl.cpu > 0.0 { m.cpu / fl.cpu } else { f64::NAN },
                );
            }
            if n == 500 {
                println!(
                    "\nSteady state, 500 services: {:.0} KB per cycle with conditional requests vs {:.0} KB refetching every body ({:.1} %).",
                    steady.bytes as f64 / 1024.0,
                    fl.bytes as f64 / 1024.0,
                    100.0 * steady.bytes as f64 / fl.bytes.max(1) as f64
                );
            }
        }
    });
    drop(child.stdin.take());
    let _ = child.wait();

    // The 90-day uptime and report for 50 services over 1 M stored status changes (and 100
    // incidents each), read from the per-day roll-up kept as the changes are written.
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open_dir(dir.path()).expect("store");
    let now = chrono::Utc::now();
    let t = Instant::now();
    let per = 20_000i64; // 50 × 20 000 = 1 M
    store
        .transaction(|tx| {
            for s in 0..50 {
                let id = format!("svc{s}");
                for k in 0..per {
                    // Spread over 400 days, cycling through statuses with a gap now and then.
                    let at = now - chrono::Duration::seconds(400 * 86_400 * (per - k) / per);
                    let to = [
                        Severity::Operational,
                        Severity::Degraded,
                        Severity::Operational,
                        Severity::PartialOutage,
                        Severity::Operational,
                        Severity::Unknown,
                    ][(k % 6) as usize];
                    tx.add_change(&id, at, Severity::Unknown, to)?;
                }
                for k in 0..100i64 {
                    let start = now - chrono::Duration::hours(4 * k + 1);
                    tx.upsert_incident(
                        &id,
                        &vigie_core::Incident {
                            id: format!("i{k}"),
                            kind: vigie_core::IncidentKind::Incident,
                            title: "Elevated errors".into(),
                            status: "resolved".into(),
                            impact: Severity::ALL[(k % 3 + 3) as usize],
                            started_at: Some(start),
                            resolved_at: Some(start + chrono::Duration::minutes(k % 90)),
                            url: None,
                            components: vec![],
                            updates: vec![],
                        },
                        false,
                        now,
                    )?;
                }
            }
            Ok(())
        })
        .expect("fill");
    let fill = t.elapsed();
    let services: Vec<(String, String)> = (0..50)
        .map(|s| (format!("svc{s}"), format!("Service {s}")))
        .collect();
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (mut uptime, mut report, mut cells) = (Vec::new(), Vec::new(), 0);
    for _ in 0..7 {
        let t = Instant::now();
        cells = vigie_core::settings::uptime(&store, &services, 90, now)
            .expect("uptime")
            .iter()
            .map(|u| u.days.len())
            .sum::<usize>();
        uptime.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let r =
            vigie_core::report::compute(&store, &services, Period::Days(90), now).expect("report");
        report.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(r.services.len(), 50);
    }
    println!(
        "\nOver 1,000,000 stored status changes (filling took {:.1} s, roll-up included):\n\
         - 90-day uptime, 50 services ({cells} day cells): {:.1} ms (median of 7; first {:.1} ms)\n\
         - 90-day report, 50 services: {:.1} ms (median of 7; first {:.1} ms)",
        fill.as_secs_f64(),
        median(uptime.clone()),
        uptime[0],
        median(report.clone()),
        report[0],
    );
}
