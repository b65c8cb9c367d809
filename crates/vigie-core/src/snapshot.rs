//! What Vigie knows right now, in the shape the CLI prints as JSON and the tray and window read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Component, Incident, Severity};
use crate::platform::Kind;

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

/// Incidents as CSV (one row per incident; the latest update's text included), for export.
pub fn history_csv(list: &[crate::model::StoredIncident]) -> String {
    fn field(s: &str) -> String {
        // Provider text opened in a spreadsheet must not run as a formula (OWASP "CSV
        // injection"): a leading quote makes the cell plain text.
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
