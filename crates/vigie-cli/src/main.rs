//! `vigie`: the command-line face of the core. Every command reads the same config and data dir as
//! the tray app, so `vigie status` in a prompt shows what the tray shows, without network.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand, ValueEnum};
use vigie_core::config::{self, Config, ConfigError};
use vigie_core::poller::Engine;
use vigie_core::store::{self, Store};
use vigie_core::text::ago;
use vigie_core::transitions::{Change, Event};
use vigie_core::{ServiceState, Severity, Snapshot};

/// Print to stdout; a closed pipe (`vigie services | head`) ends the program quietly.
macro_rules! outln {
    ($($t:tt)*) => {
        if writeln!(std::io::stdout().lock(), $($t)*).is_err() {
            std::process::exit(0)
        }
    };
}
macro_rules! out {
    ($($t:tt)*) => {
        if write!(std::io::stdout().lock(), $($t)*).is_err() {
            std::process::exit(0)
        }
    };
}

#[derive(Parser)]
#[command(
    name = "vigie",
    version,
    about = "Watch the status pages of the AI services you work in"
)]
struct Cli {
    /// Config file (default: $VIGIE_CONFIG, else ~/.config/vigie/config.toml)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory holding vigie.db (default: $VIGIE_DATA_DIR, else ~/.local/share/vigie)
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Poll every enabled service once (history included), store and print the result
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Print the last known state from the store (no network)
    Status {
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        format: Option<StatusFormat>,
    },
    /// Poll forever and print changes as they happen
    Watch {
        /// One JSON event per line
        #[arg(long)]
        json: bool,
    },
    /// Past incidents, newest first
    History {
        #[arg(long)]
        service: Option<String>,
        /// How far back: 7d, 30d, 12h…
        #[arg(long, default_value = "30d")]
        since: String,
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        format: Option<HistoryFormat>,
    },
    /// Reliability of each watched service over a period, ranked: observed coverage, availability
    /// over observed time, incidents by impact, time to resolve, hours of outage
    Report {
        /// How far back, in days: 90d, 30d…
        #[arg(long, default_value = "90d", conflicts_with = "month")]
        since: String,
        /// One calendar month (UTC) instead: 2026-11
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        format: Option<HistoryFormat>,
    },
    /// List the built-in catalog and what is watched
    Services,
    /// Detect the platform behind a status page URL and add it to the config
    Add { url: String },
    /// Config file helpers
    Config {
        #[command(subcommand)]
        action: ConfigCmd,
    },
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Write a commented default config (never overwrites)
    Init,
    /// Print the config path
    Path,
    /// Validate the config and list every problem
    Check,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusFormat {
    Json,
    Waybar,
}

#[derive(Clone, Copy, ValueEnum)]
enum HistoryFormat {
    Json,
    Csv,
}

/// Exit codes: 0 = the command ran (whatever the statuses), 1 = runtime failure, 2 = config error.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Runtime(String),
}

fn main() -> ExitCode {
    init_logs();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Config(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(CliError::Runtime(e)) => {
            eprintln!("vigie: {e}");
            ExitCode::from(1)
        }
    }
}

/// Warnings (a page failing, offline, a store moved aside) to stderr; stdout stays the command's
/// output alone. `VIGIE_LOG` (e.g. `debug`, `vigie_core=info`) overrides the level.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIGIE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .with_ansi(false)
        .try_init();
}

fn rt<E: std::fmt::Display>(e: E) -> CliError {
    CliError::Runtime(e.to_string())
}

fn run(cli: Cli) -> Result<(), CliError> {
    let cfg_path = cli.config.clone().unwrap_or_else(config::default_path);
    let data_dir = cli.data_dir.clone().unwrap_or_else(store::default_dir);
    match cli.command {
        Cmd::Config { action } => config_cmd(&cfg_path, action),
        Cmd::Services => {
            let cfg = config::load(&cfg_path)?;
            services(&cfg);
            Ok(())
        }
        Cmd::Status { json, format } => {
            let cfg = config::load(&cfg_path)?;
            let store = open_store(&data_dir)?;
            let engine = Engine::new(&cfg, store).map_err(rt)?;
            let snap = engine.snapshot(Utc::now());
            match (json, format) {
                (true, _) | (_, Some(StatusFormat::Json)) => print_json(&snap)?,
                (_, Some(StatusFormat::Waybar)) => outln!("{}", waybar(&snap)),
                _ => print_snapshot(&snap),
            }
            Ok(())
        }
        Cmd::Check { json } => {
            let cfg = config::load(&cfg_path)?;
            let store = open_store(&data_dir)?;
            let mut engine = Engine::new(&cfg, store).map_err(rt)?;
            let report = runtime()?.block_on(engine.cycle(true)).map_err(rt)?;
            if json {
                print_json(&report.snapshot)?;
            } else {
                print_snapshot(&report.snapshot);
            }
            // The readings were shown, but not kept: say so and exit 1.
            match report.store_error {
                Some(e) => Err(rt(format!("the readings could not be stored: {e}"))),
                None => Ok(()),
            }
        }
        Cmd::Watch { json } => {
            let cfg = config::load(&cfg_path)?;
            let store = open_store(&data_dir)?;
            let engine = Engine::new(&cfg, store).map_err(rt)?;
            runtime()?.block_on(watch(engine, json));
            Ok(())
        }
        Cmd::History {
            service,
            since,
            json,
            format,
        } => {
            let back = config::parse_duration(&since).ok_or_else(|| {
                rt(format!(
                    "--since {since:?}: expected a duration like 30d or 12h"
                ))
            })?;
            let from =
                Utc::now() - chrono::Duration::from_std(back).unwrap_or(chrono::Duration::days(30));
            let store = open_store(&data_dir)?;
            let list = store
                .incidents(service.as_deref(), Some(from))
                .map_err(rt)?;
            match (json, format) {
                (true, _) | (_, Some(HistoryFormat::Json)) => {
                    print_json(&serde_json::json!({ "incidents": list }))?
                }
                (_, Some(HistoryFormat::Csv)) => {
                    out!("{}", vigie_core::snapshot::history_csv(&list))
                }
                _ => print_history(&list),
            }
            Ok(())
        }
        Cmd::Report {
            since,
            month,
            json,
            format,
        } => {
            let period = match &month {
                Some(m) => vigie_core::report::Period::month(m),
                None => vigie_core::report::Period::since(&since),
            }
            .map_err(rt)?;
            let cfg = config::load(&cfg_path)?;
            let services: Vec<(String, String)> =
                cfg.resolve().into_iter().map(|s| (s.id, s.name)).collect();
            let store = open_store(&data_dir)?;
            let r =
                vigie_core::report::compute(&store, &services, period, Utc::now()).map_err(rt)?;
            match (json, format) {
                (true, _) | (_, Some(HistoryFormat::Json)) => print_json(&r)?,
                (_, Some(HistoryFormat::Csv)) => out!("{}", vigie_core::report::csv(&r)),
                _ => print_report(&r),
            }
            Ok(())
        }
        Cmd::Add { url } => {
            let cfg = config::load(&cfg_path)?;
            let found = runtime()?
                .block_on(vigie_core::discover::discover(&url, cfg.timeout))
                .map_err(rt)?;
            let mut spec = found.spec;
            spec.id = vigie_core::settings::free_id(&cfg, &spec.id);
            config::append_service(&cfg_path, &spec)?;
            outln!(
                "Added {} ({}, {}) to {}: {} now.",
                spec.name,
                spec.id,
                spec.kind,
                cfg_path.display(),
                found.reading.status.label()
            );
            for c in found.reading.components.iter().take(20) {
                outln!("  {} {:<40} {}", symbol(c.status), c.name, c.status.label());
            }
            Ok(())
        }
    }
}

fn config_cmd(path: &Path, action: ConfigCmd) -> Result<(), CliError> {
    match action {
        ConfigCmd::Path => outln!("{}", path.display()),
        ConfigCmd::Init => {
            config::init(path)?;
            outln!("Wrote {}", path.display());
        }
        ConfigCmd::Check => {
            if !path.exists() {
                outln!("{}: no file; the defaults apply", path.display());
                return Ok(());
            }
            let cfg = config::load(path)?;
            outln!(
                "{}: ok ({} services watched, every {})",
                path.display(),
                cfg.resolve().len(),
                config::format_duration(cfg.interval)
            );
        }
    }
    Ok(())
}

fn open_store(dir: &Path) -> Result<Store, CliError> {
    let s = Store::open_dir(dir).map_err(rt)?;
    if let Some(msg) = &s.recovered {
        tracing::warn!("{msg}");
    }
    Ok(s)
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(rt)
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), CliError> {
    let s = serde_json::to_string_pretty(v).map_err(rt)?;
    outln!("{s}");
    Ok(())
}

/// A shape per status, so the output reads without colour.
fn symbol(s: Severity) -> &'static str {
    match s {
        Severity::Operational => "●",
        Severity::Maintenance => "◆",
        Severity::Degraded => "▲",
        Severity::PartialOutage => "◐",
        Severity::MajorOutage => "✖",
        Severity::Unknown => "?",
    }
}

fn print_snapshot(snap: &Snapshot) {
    let now = Utc::now();
    outln!(
        "{} {}{}",
        symbol(snap.overall),
        match snap.overall {
            Severity::Unknown => "No reading yet".to_string(),
            s => format!("Overall: {}", s.label()),
        },
        if snap.online {
            ""
        } else {
            " — offline, showing the last known state"
        }
    );
    for s in &snap.services {
        print_service(s, now);
    }
}

fn print_service(s: &ServiceState, now: chrono::DateTime<Utc>) {
    for line in service_lines(s, now) {
        outln!("{line}");
    }
}

/// Past this many, non-operational components are counted rather than listed (OpenAI's page can
/// have twenty degraded at once).
const MAX_COMPONENTS: usize = 12;

/// The lines for one service: status, then its error, the components that are not operational
/// (what still works is what is not listed), incidents, and page-wide notices.
fn service_lines(s: &ServiceState, now: chrono::DateTime<Utc>) -> Vec<String> {
    // The page was read, the config is wrong: "misconfigured", never "unavailable", so nobody
    // waits for the page to return.
    let misconfigured = s.config_error.is_some();
    let word = if misconfigured && s.status == Severity::Unknown {
        "misconfigured"
    } else {
        s.status.label()
    };
    let mut line = format!("{} {:<28} {word}", symbol(s.status), s.name);
    if let Some(since) = s
        .since
        .filter(|_| s.status.is_problem() || s.status == Severity::Maintenance)
    {
        line.push_str(&format!(" since {}", ago(since, now)));
    }
    if s.stale {
        if let Some(t) = s.fetched_at {
            line.push_str(&format!(" (last read {})", ago(t, now)));
        }
    }
    let mut out = vec![line];
    out.extend(upstream_line(s));
    out.extend(probe_line(s));
    if let Some(e) = &s.error {
        out.push(if misconfigured {
            format!("    error: {e}")
        } else {
            format!("    unavailable: {e}")
        });
    }
    let down: Vec<_> = s
        .components
        .iter()
        .filter(|c| c.status != Severity::Operational)
        .collect();
    for c in down.iter().take(MAX_COMPONENTS) {
        let group = c
            .group
            .as_deref()
            .map(|g| format!(" ({g})"))
            .unwrap_or_default();
        out.push(format!(
            "    {} {}{group}: {}",
            symbol(c.status),
            c.name,
            c.status.label()
        ));
    }
    match down.len().saturating_sub(MAX_COMPONENTS) {
        0 => {}
        1 => out.push("    and 1 more component not operational".into()),
        n => out.push(format!("    and {n} more components not operational")),
    }
    for i in &s.incidents {
        out.push(format!("    {} [{}]", i.title, i.status));
        if let Some(u) = i.latest_update() {
            out.push(format!("      {}", excerpt(&u.text)));
        }
    }
    for i in &s.notices {
        out.push(format!("    {} [{}] — page-wide notice", i.title, i.status));
        if let Some(u) = i.latest_update() {
            out.push(format!("      {}", excerpt(&u.text)));
        }
    }
    out
}

/// "may be affected: Claude API, partial outage; OpenAI API, degraded" (its own status unchanged).
fn upstream_line(s: &ServiceState) -> Option<String> {
    let list: Vec<String> = s
        .upstream
        .iter()
        .map(|u| format!("{}, {}", u.name, u.status.label()))
        .collect();
    (!list.is_empty()).then(|| format!("    may be affected: {}", list.join("; ")))
}

/// Glyph of "problems seen from here": its own, never a status shape.
const SEEN_FROM_HERE: &str = "⚑";

/// What the probe saw from this machine: "from here: HTTP 401 in 212 ms", or the problem.
fn probe_line(s: &ServiceState) -> Option<String> {
    use vigie_core::snapshot::ProbeProblem;
    let p = s.probe.as_ref()?;
    let answer = match (p.http_status, p.latency_ms) {
        (Some(code), Some(ms)) => format!("HTTP {code} in {ms} ms"),
        (Some(code), None) => format!("HTTP {code}"),
        (None, _) => p.error.clone().unwrap_or_else(|| "not probed yet".into()),
    };
    Some(match p.problem {
        Some(ProbeProblem::Unconfirmed) => format!(
            "    {SEEN_FROM_HERE} problems seen from here, not confirmed: {} failures in a row ({answer})",
            p.failures
        ),
        Some(ProbeProblem::Confirmed) => format!(
            "    {SEEN_FROM_HERE} problems seen from here, confirmed by the page: {} failures in a row ({answer})",
            p.failures
        ),
        None => format!("    from here: {answer}"),
    })
}

/// The first 200 characters of a provider's text, on one line.
fn excerpt(text: &str) -> String {
    text.chars()
        .take(200)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect()
}

fn print_history(list: &[vigie_core::model::StoredIncident]) {
    if list.is_empty() {
        outln!("No incidents stored for that period.");
    }
    for s in list {
        let i = &s.incident;
        let when = i
            .started_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
        let status = if i.status == vigie_core::store::ENDED_UNWATCHED {
            "ended while not watched"
        } else {
            i.status.as_str()
        };
        outln!(
            "{when}  {:<14} {} {} [{status}]",
            s.service,
            symbol(i.impact),
            i.title,
        );
    }
}

/// The ranked table, then one plain line per service.
fn print_report(r: &vigie_core::report::Report) {
    outln!(
        "Reliability over {} ({} – {} UTC), most available first; availability counts observed time only.",
        r.period,
        r.from.format("%Y-%m-%d %H:%M"),
        r.to.format("%Y-%m-%d %H:%M")
    );
    outln!(
        "{:>3}  {:<24} {:>9} {:>8} {:>9} {:>5} {:>8} {:>10} {:>9}",
        "#",
        "SERVICE",
        "AVAILABLE",
        "OBSERVED",
        "INCIDENTS",
        "MAJOR",
        "OUTAGE",
        "MEDIAN FIX",
        "LONGEST"
    );
    let pct = |v: Option<f64>, digits: usize| {
        v.map(|v| format!("{:.digits$} %", v * 100.0))
            .unwrap_or_else(|| "no data".into())
    };
    let mins = |v: Option<f64>| {
        v.map(vigie_core::report::duration_words)
            .unwrap_or_else(|| "—".into())
    };
    for s in &r.services {
        outln!(
            "{:>3}  {:<24} {:>9} {:>8} {:>9} {:>5} {:>8} {:>10} {:>9}",
            s.rank,
            s.name,
            pct(s.availability, 2),
            pct(s.coverage, 0),
            s.incidents,
            s.by_impact.major_outage,
            format!("{:.1} h", s.outage_hours),
            mins(s.median_resolve_minutes),
            mins(s.longest_resolve_minutes)
        );
    }
    outln!();
    for s in &r.services {
        outln!("{}", s.line);
    }
}

/// Waybar custom module JSON: text, tooltip, class.
fn waybar(snap: &Snapshot) -> String {
    let problems: Vec<String> = snap
        .services
        .iter()
        .filter(|s| s.status.is_problem())
        .map(|s| format!("{}: {}", s.name, s.status.label()))
        .collect();
    let text = if problems.is_empty() {
        symbol(snap.overall).to_string()
    } else {
        format!("{} {}", symbol(snap.overall), problems.len())
    };
    let tooltip = if problems.is_empty() {
        "All watched services operational".to_string()
    } else {
        problems.join("\n")
    };
    serde_json::json!({ "text": text, "tooltip": tooltip, "class": snap.overall.as_str() })
        .to_string()
}

async fn watch(engine: Engine, json: bool) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (_ctl, crx) = tokio::sync::mpsc::unbounded_channel();
    // Polled here rather than spawned: the runtime has one thread anyway, and the poller's future
    // need not be Send (it holds the store, a SQLite connection, across awaits).
    let poller = vigie_core::poller::run(engine, tx, crx);
    tokio::pin!(poller);
    let mut first = true;
    loop {
        tokio::select! {
            () = &mut poller => break,
            u = rx.recv() => match u {
                Some(vigie_core::poller::Update::Cycle { snapshot, events }) => {
                    if first && !json {
                        print_snapshot(&snapshot);
                    }
                    first = false;
                    for e in &events {
                        if json {
                            if let Ok(s) = serde_json::to_string(e) { outln!("{s}"); }
                        } else {
                            outln!("{}", describe(e));
                        }
                    }
                }
                Some(vigie_core::poller::Update::Error(e)) => tracing::error!("poll cycle failed: {e}"),
                None => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
}

fn describe(e: &Event) -> String {
    let t = e.at.format("%H:%M:%S");
    match &e.change {
        Change::StatusChanged { from, to } => {
            format!(
                "{t} {} {}: {} → {}",
                symbol(*to),
                e.name,
                from.label(),
                to.label()
            )
        }
        Change::IncidentOpened { incident } => {
            format!("{t} {}: incident: {}", e.name, incident.title)
        }
        Change::IncidentUpdated { incident } => format!(
            "{t} {}: update on {}: {}",
            e.name,
            incident.title,
            incident
                .latest_update()
                .map(|u| u.text.as_str())
                .unwrap_or("")
        ),
        Change::IncidentResolved { incident } => {
            format!("{t} {}: resolved: {}", e.name, incident.title)
        }
        Change::MaintenanceStarted { incident } => {
            format!("{t} {}: maintenance: {}", e.name, incident.title)
        }
        Change::MaintenanceEnded { incident } => {
            format!("{t} {}: maintenance over: {}", e.name, incident.title)
        }
        Change::PageNotice { incident } => {
            format!("{t} {}: page-wide notice: {}", e.name, incident.title)
        }
        Change::Unreachable { error } => {
            format!("{t} {}: status page unavailable ({error})", e.name)
        }
        Change::Reachable => format!("{t} {}: status page reachable again", e.name),
        Change::SeenFromHere { detail } => format!(
            "{t} {SEEN_FROM_HERE} {}: problems seen from here, not confirmed ({detail})",
            e.name
        ),
        Change::SeenFromHereEnded => {
            format!("{t} {}: no more problems seen from here", e.name)
        }
    }
}

/// Under a service in `vigie services`: what it is built on, and its probe (on, or suggested).
fn extra_lines(s: &vigie_core::ServiceSpec) -> Vec<String> {
    let mut out = Vec::new();
    if !s.built_on.is_empty() {
        out.push(format!("{:<16} built on: {}", "", s.built_on.join(", ")));
    }
    match (&s.probe, &s.suggested_probe) {
        (Some(p), _) => out.push(format!("{:<16} probe: {p}", "")),
        (None, Some(p)) => out.push(format!(
            "{:<16} suggested probe (off; `probe = true` turns it on): {p}",
            ""
        )),
        (None, None) => {}
    }
    out
}

fn services(cfg: &Config) {
    let watched: Vec<String> = cfg.resolve().into_iter().map(|s| s.id).collect();
    outln!(
        "{:<16} {:<30} {:<13} {:<8} URL",
        "ID",
        "NAME",
        "KIND",
        "WATCHED"
    );
    for c in config::catalog() {
        let s = &c.spec;
        outln!(
            "{:<16} {:<30} {:<13} {:<8} {}",
            s.id,
            s.name,
            s.kind.as_str(),
            if watched.contains(&s.id) { "yes" } else { "" },
            s.human_url()
        );
        for line in extra_lines(s) {
            outln!("{line}");
        }
    }
    for s in cfg
        .services
        .iter()
        .filter(|s| !config::catalog().iter().any(|c| c.spec.id == s.id))
    {
        outln!(
            "{:<16} {:<30} {:<13} {:<8} {}",
            s.id,
            s.name,
            s.kind.as_str(),
            if watched.contains(&s.id) { "yes" } else { "" },
            s.human_url()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_core::{Component, Incident, IncidentKind, Kind};

    fn state() -> ServiceState {
        ServiceState {
            status: Severity::Operational,
            reachable: true,
            ..ServiceState::unread(&vigie_core::ServiceSpec::new(
                "github-copilot",
                "GitHub Copilot",
                Kind::Statuspage,
                "https://www.githubstatus.com",
            ))
        }
    }

    fn component(name: &str, group: Option<&str>, status: Severity) -> Component {
        Component {
            id: name.to_lowercase(),
            name: name.into(),
            group: group.map(str::to_string),
            status,
        }
    }

    #[test]
    fn lines_show_page_wide_notices_without_changing_the_status() {
        let mut s = state();
        s.notices.push(Incident {
            id: "n1".into(),
            kind: IncidentKind::Incident,
            title: "Disruption with some GitHub services".into(),
            status: "investigating".into(),
            impact: Severity::Degraded,
            started_at: None,
            resolved_at: None,
            url: None,
            components: vec![],
            updates: vec![],
        });
        let lines = service_lines(&s, Utc::now());
        assert!(lines[0].ends_with("operational"), "{lines:?}");
        assert_eq!(
            lines[1],
            "    Disruption with some GitHub services [investigating] — page-wide notice"
        );
    }

    #[test]
    fn lines_list_non_operational_components_with_group_and_count_the_rest() {
        let mut s = state();
        s.status = Severity::Degraded;
        s.components = vec![
            component("Copilot", None, Severity::Operational),
            component("Chat", Some("APIs"), Severity::Degraded),
        ];
        let lines = service_lines(&s, Utc::now());
        assert_eq!(lines[1..], ["    ▲ Chat (APIs): degraded".to_string()]);

        s.components = (0..MAX_COMPONENTS + 1)
            .map(|i| component(&format!("C{i}"), None, Severity::PartialOutage))
            .collect();
        let lines = service_lines(&s, Utc::now());
        assert_eq!(
            lines.last().map(String::as_str),
            Some("    and 1 more component not operational")
        );
        s.components
            .push(component("D", None, Severity::MajorOutage));
        let lines = service_lines(&s, Utc::now());
        assert_eq!(
            lines.last().map(String::as_str),
            Some("    and 2 more components not operational")
        );
    }

    #[test]
    fn lines_say_may_be_affected_and_what_the_probe_saw() {
        use vigie_core::snapshot::{ProbeProblem, ProbeState, Upstream};
        let mut s = state();
        s.upstream = vec![
            Upstream {
                id: "claude-api".into(),
                name: "Claude API".into(),
                status: Severity::PartialOutage,
            },
            Upstream {
                id: "openai-api".into(),
                name: "OpenAI API".into(),
                status: Severity::Degraded,
            },
        ];
        s.probe = Some(ProbeState {
            url: "https://api.example.com/v1/models".into(),
            ok: true,
            http_status: Some(401),
            latency_ms: Some(212),
            failures: 0,
            problem: None,
            error: None,
            checked_at: None,
        });
        let lines = service_lines(&s, Utc::now());
        assert!(lines[0].ends_with("operational"), "{lines:?}");
        assert_eq!(
            lines[1..],
            [
                "    may be affected: Claude API, partial outage; OpenAI API, degraded".to_string(),
                "    from here: HTTP 401 in 212 ms".to_string(),
            ]
        );
        s.upstream.clear();
        s.probe = s.probe.map(|p| ProbeState {
            ok: false,
            http_status: Some(503),
            latency_ms: Some(12),
            failures: 2,
            problem: Some(ProbeProblem::Unconfirmed),
            ..p
        });
        assert_eq!(
            service_lines(&s, Utc::now())[1],
            "    ⚑ problems seen from here, not confirmed: 2 failures in a row (HTTP 503 in 12 ms)"
        );
    }

    #[test]
    fn lines_say_misconfigured_not_unavailable_for_a_config_error() {
        let mut s = state();
        s.status = Severity::Unknown;
        s.reachable = false;
        let why = "components = [\"typo\"] matches none of the page's 11 components";
        s.error = Some(format!(
            "http://x/api/v2/summary.json: service is misconfigured: {why}"
        ));
        s.config_error = Some(why.into());
        let lines = service_lines(&s, Utc::now());
        assert!(lines[0].ends_with("misconfigured"), "{lines:?}");
        assert!(lines[1].starts_with("    error: http://x/"), "{lines:?}");
        s.error = Some("http://x/: HTTP 503".into());
        s.config_error = None;
        let lines = service_lines(&s, Utc::now());
        assert!(lines[0].ends_with("unavailable"), "{lines:?}");
        assert_eq!(lines[1], "    unavailable: http://x/: HTTP 503");
    }
}
