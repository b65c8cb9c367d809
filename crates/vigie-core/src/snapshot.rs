//! What Vigie knows right now, in the shape the CLI prints as JSON and the tray and window read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Component, Incident, Severity};
use crate::platform::Kind;
use crate::service::ServiceSpec;

/// The last known state of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceState {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub page_url: String,
    pub status: Severity,
    /// Did the last attempt read the page?
    pub reachable: bool,
    /// The state shown is older than the last attempt (fetch failed, offline, backing off).
    pub stale: bool,
    pub error: Option<String>,
    /// When `error` is a config error (a component filter that matches nothing), its reason: the
    /// page was read, the config is wrong; say "misconfigured", never "unavailable".
    #[serde(default)]
    pub config_error: Option<String>,
    pub components: Vec<Component>,
    /// Active incidents and in-progress maintenances.
    pub incidents: Vec<Incident>,
    /// Open incidents that name no component, on a service that watches only some: shown as
    /// page-wide notices, never counted in `status`.
    #[serde(default)]
    pub notices: Vec<Incident>,
    /// When the status last changed (as far as Vigie saw).
    pub since: Option<DateTime<Utc>>,
    /// When the data shown was read from the page.
    pub fetched_at: Option<DateTime<Utc>>,
    /// When Vigie last tried.
    pub checked_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Watched providers this service is built on that have a problem now ("may be affected").
    /// Never counted in `status`; empty when all is well or when a provider is not watched.
    #[serde(default)]
    pub upstream: Vec<Upstream>,
    /// What the opt-in probe saw from this machine; `null` without a probe. Never counted in
    /// `status`: a probe can only raise "problems seen from here".
    #[serde(default)]
    pub probe: Option<ProbeState>,
}

/// A provider this service runs on, while that provider is degraded or worse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Upstream {
    pub id: String,
    pub name: String,
    pub status: Severity,
}

/// The last probe from this machine: an unauthenticated GET to a cheap endpoint of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProbeState {
    pub url: String,
    /// The endpoint answered below 500 in time (401/403/404 without a key included).
    pub ok: bool,
    pub http_status: Option<u16>,
    /// Time to the answer; `null` when there was none (timeout, reset).
    pub latency_ms: Option<u32>,
    /// Failures in a row: 5xx, timeouts, refusals and resets. Other errors (DNS, TLS) may be this
    /// machine's own: they neither count nor reset the run.
    pub failures: u32,
    pub problem: Option<ProbeProblem>,
    pub error: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

/// Probe failures in a row ([`PROBE_FAILURES`] or more), read against the official page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProbeProblem {
    /// "Problems seen from here, not confirmed": the page still says all is well.
    Unconfirmed,
    /// The page agrees (degraded or worse).
    Confirmed,
}

/// Failures in a row before a probe reports a problem: one is a blip.
pub const PROBE_FAILURES: u32 = 2;

impl ProbeProblem {
    /// The probe's verdict given the official status; `None` below [`PROBE_FAILURES`].
    pub fn of(failures: u32, official: Severity) -> Option<ProbeProblem> {
        (failures >= PROBE_FAILURES).then(|| {
            if official.is_problem() {
                ProbeProblem::Confirmed
            } else {
                ProbeProblem::Unconfirmed
            }
        })
    }
}

/// The providers in `built_on` that are watched, were read at their last attempt and are degraded
/// or worse, in `built_on` order. An unwatched provider is unknown, so it is never listed; one
/// that could not be read (or the machine offline) says nothing either.
pub fn upstream(built_on: &[String], services: &[ServiceState]) -> Vec<Upstream> {
    built_on
        .iter()
        .filter_map(|id| services.iter().find(|s| &s.id == id))
        .filter(|s| s.reachable && s.status.is_problem())
        .map(|s| Upstream {
            id: s.id.clone(),
            name: s.name.clone(),
            status: s.status,
        })
        .collect()
}

/// Every watched service at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Snapshot {
    pub checked_at: DateTime<Utc>,
    pub online: bool,
    /// Worst over reachable services; `unknown` when none is.
    pub overall: Severity,
    pub services: Vec<ServiceState>,
}

impl ServiceState {
    /// A service never read yet: unknown, not reachable, nothing known.
    pub fn unread(spec: &ServiceSpec) -> ServiceState {
        ServiceState {
            id: spec.id.clone(),
            name: spec.name.clone(),
            kind: spec.kind,
            page_url: spec.human_url().to_string(),
            status: Severity::Unknown,
            reachable: false,
            stale: false,
            error: None,
            config_error: None,
            components: Vec::new(),
            incidents: Vec::new(),
            notices: Vec::new(),
            since: None,
            fetched_at: None,
            checked_at: None,
            note: None,
            upstream: Vec::new(),
            probe: None,
        }
    }
}

impl Snapshot {
    pub fn new(checked_at: DateTime<Utc>, online: bool, services: Vec<ServiceState>) -> Snapshot {
        let overall = overall(&services);
        Snapshot {
            checked_at,
            online,
            overall,
            services,
        }
    }
}

/// Worst status over reachable services (`Unknown` when none is): a page we could not read this
/// time never decides the overall colour.
pub fn overall(services: &[ServiceState]) -> Severity {
    services
        .iter()
        .filter(|s| s.reachable && s.status != Severity::Unknown)
        .map(|s| s.status)
        .max()
        .unwrap_or(Severity::Unknown)
}

/// One CSV cell, quoted when needed. Provider text opened in a spreadsheet must not run as a
/// formula (OWASP "CSV injection"): a leading quote makes the cell plain text.
pub(crate) fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Incidents as CSV (one row per incident; the latest update's text included), for export.
pub fn history_csv(list: &[crate::model::StoredIncident]) -> String {
    let field = csv_field;
    let t = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    let mut out = String::from(
        "service,id,kind,title,status,impact,started_at,resolved_at,url,updates,latest_update\n",
    );
    for s in list {
        let i = &s.incident;
        let row = [
            field(&s.service),
            field(&i.id),
            i.kind.as_str().to_string(),
            field(&i.title),
            field(&i.status),
            i.impact.as_str().to_string(),
            t(i.started_at),
            t(i.resolved_at),
            field(i.url.as_deref().unwrap_or("")),
            i.updates.len().to_string(),
            field(i.latest_update().map(|u| u.text.as_str()).unwrap_or("")),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StoredIncident;
    use crate::model::{IncidentKind, IncidentUpdate};

    fn stored(service: &str, title: &str, update: &str) -> StoredIncident {
        StoredIncident {
            service: service.into(),
            incident: Incident {
                id: "i1".into(),
                kind: IncidentKind::default(),
                title: title.into(),
                status: "investigating".into(),
                impact: Severity::Degraded,
                started_at: None,
                resolved_at: None,
                url: Some("https://status.example.com/i1".into()),
                components: Vec::new(),
                updates: vec![IncidentUpdate {
                    at: None,
                    status: "investigating".into(),
                    text: update.into(),
                }],
            },
        }
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_text() {
        let csv = history_csv(&[
            stored("=cmd", "=HYPERLINK(\"http://x\",\"y\")", "+1 rows"),
            stored("ok", "-2+3", "@SUM(A1)"),
        ]);
        let rows: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(
            rows,
            [
                "'=cmd,i1,incident,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",investigating,degraded,,,https://status.example.com/i1,1,'+1 rows",
                "ok,i1,incident,'-2+3,investigating,degraded,,,https://status.example.com/i1,1,'@SUM(A1)",
            ]
        );
    }

    #[test]
    fn csv_leaves_ordinary_text_alone_and_quotes_as_before() {
        let csv = history_csv(&[stored(
            "claude",
            "Errors on Opus, Sonnet",
            "A \"fix\" - deployed",
        )]);
        let row = csv.lines().nth(1).expect("a row");
        assert!(
            row.starts_with("claude,i1,incident,\"Errors on Opus, Sonnet\","),
            "{row}"
        );
        assert!(row.ends_with(",1,\"A \"\"fix\"\" - deployed\""), "{row}");
    }
}
