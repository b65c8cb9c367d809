//! The reliability report: per service, over a period, what Vigie observed (coverage, availability
//! over observed time, hours at partial or major outage, from the store's per-day roll-up) and what
//! the provider reported (incidents started in the period, by impact, and how long they took to
//! resolve). Services are ranked side by side, each with one plain line. `vigie report` and the
//! window's Report view both print this; CSV and JSON exports come from here too.

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use crate::model::Severity;
use crate::settings::{Export, ExportFormat};
use crate::snapshot::csv_field as cell;
use crate::store::{IncidentSpan, Store, StoreError, ENDED_UNWATCHED};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("--since {0:?}: expected a number of days like 90d")]
    Since(String),
    #[error("--month {0:?}: expected a month like 2026-11")]
    Month(String),
}

/// What the report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The last `n` whole days (from midnight UTC `n` days ago) up to now.
    Days(u32),
    /// One calendar month (UTC), up to now when it is the current one.
    Month(NaiveDate),
}

/// The longest period a report covers, in days (ten years; history is kept 400 days).
pub const MAX_DAYS: u32 = 3660;

impl Period {
    /// `90d`, `4w`… as whole days (a part of a day counts as a day), at most [`MAX_DAYS`]: the
    /// store keeps 400 days, and a period is walked day by day.
    pub fn since(text: &str) -> Result<Period, PeriodError> {
        let d = crate::config::parse_duration(text)
            .filter(|d| !d.is_zero())
            .ok_or_else(|| PeriodError::Since(text.to_string()))?;
        let days = d.as_secs().div_ceil(86_400).min(u64::from(MAX_DAYS));
        Ok(Period::Days(days as u32))
    }

    /// `2026-11`.
    pub fn month(text: &str) -> Result<Period, PeriodError> {
        NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
            .map(Period::Month)
            .map_err(|_| PeriodError::Month(text.to_string()))
    }

    /// `[from, to)`: `from` at midnight UTC, `to` never after `now` (nor before `from`).
    pub fn range(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN));
        match *self {
            Period::Days(n) => {
                let first = now
                    .date_naive()
                    .checked_sub_days(chrono::Days::new(u64::from(n.min(MAX_DAYS))))
                    .unwrap_or(NaiveDate::MIN);
                (midnight(first), now)
            }
            Period::Month(first) => {
                let from = midnight(first);
                let end = first
                    .checked_add_months(Months::new(1))
                    .map(midnight)
                    .unwrap_or(from);
                (from, end.min(now).max(from))
            }
        }
    }

    /// "90 days", "November 2026".
    pub fn words(&self) -> String {
        match *self {
            Period::Days(1) => "1 day".into(),
            Period::Days(n) => format!("{n} days"),
            Period::Month(m) => format!("{} {}", MONTHS[m.month0() as usize], m.year()),
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Incidents counted by the impact the provider gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ByImpact {
    pub degraded: u32,
    pub partial_outage: u32,
    pub major_outage: u32,
    /// No impact given (or "none").
    pub other: u32,
}

/// One service over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceReport {
    pub id: String,
    pub name: String,
    /// 1 = most available.
    pub rank: u32,
    /// Share of the period Vigie observed, 0–1; null when nothing was.
    pub coverage: Option<f64>,
    /// Share of the observed time that was operational or maintenance, 0–1; null when nothing was
    /// observed.
    pub availability: Option<f64>,
    /// Incidents (maintenance excluded) that started in the period.
    pub incidents: u32,
    pub by_impact: ByImpact,
    /// Incidents whose time to resolve is known (see [`resolve_minutes`]).
    pub resolved: u32,
    pub median_resolve_minutes: Option<f64>,
    pub longest_resolve_minutes: Option<f64>,
    /// Observed hours at partial or major outage.
    pub outage_hours: f64,
    pub observed_hours: f64,
    /// "Claude: 12 incidents (1 major), 4.2 h of outage in 90 days; median fix 47 min".
    pub line: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// "90 days", "November 2026".
    pub period: String,
    /// Ranked: most available first.
    pub services: Vec<ServiceReport>,
}

/// The window's answer: the report, and its export when one was asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportView {
    pub report: Report,
    pub export: Option<Export>,
}

/// Minutes from start (the page's start, else its creation, else when Vigie first saw it) to
/// resolution, for the incidents whose end is known. Incidents with the status
/// [`ENDED_UNWATCHED`] are excluded: they left their page while Vigie was not running, so they
/// ended at an unknown time (their `resolved_at` is only when they were last seen open). A negative
/// span (a page's data error) is excluded too. Maintenance is the caller's to drop.
pub fn resolve_minutes(i: &IncidentSpan) -> Option<f64> {
    if i.status == ENDED_UNWATCHED {
        return None;
    }
    let secs = (i.resolved_at? - i.started_at).num_seconds();
    (secs >= 0).then(|| secs as f64 / 60.0)
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn round(v: f64, step: f64) -> f64 {
    (v / step).round() * step
}

/// The report of `services` (id, name), in the order given before ranking.
pub fn compute(
    store: &Store,
    services: &[(String, String)],
    period: Period,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let (from, to) = period.range(now);
    let spans = store.incident_spans(from, to)?;
    let mut out = Vec::with_capacity(services.len());
    for (id, name) in services {
        let seen = store.observed(id, from.date_naive(), to)?;
        let mut by_impact = ByImpact::default();
        let mut times = Vec::new();
        for i in spans.iter().filter(|i| &i.service == id && !i.maintenance) {
            match i.impact {
                Severity::Degraded => by_impact.degraded += 1,
                Severity::PartialOutage => by_impact.partial_outage += 1,
                Severity::MajorOutage => by_impact.major_outage += 1,
                _ => by_impact.other += 1,
            }
            times.extend(resolve_minutes(i));
        }
        times.sort_by(f64::total_cmp);
        let mut s = ServiceReport {
            id: id.clone(),
            name: name.clone(),
            rank: 0,
            coverage: seen.coverage(),
            availability: seen.availability(),
            incidents: by_impact.degraded
                + by_impact.partial_outage
                + by_impact.major_outage
                + by_impact.other,
            by_impact,
            resolved: times.len() as u32,
            median_resolve_minutes: median(&times).map(|m| round(m, 0.1)),
            longest_resolve_minutes: times.last().map(|m| round(*m, 0.1)),
            outage_hours: round(seen.outage as f64 / 3600.0, 0.01),
            observed_hours: round(seen.seen as f64 / 3600.0, 0.01),
            line: String::new(),
        };
        s.line = line(&s, &period.words());
        out.push(s);
    }
    rank(&mut out);
    Ok(Report {
        from,
        to,
        period: period.words(),
        services: out,
    })
}

/// Most available first (never observed last), then fewer hours of outage, fewer incidents, name.
fn rank(list: &mut [ServiceReport]) {
    list.sort_by(|a, b| {
        let avail = |s: &ServiceReport| s.availability.unwrap_or(-1.0);
        avail(b)
            .total_cmp(&avail(a))
            .then(a.outage_hours.total_cmp(&b.outage_hours))
            .then(a.incidents.cmp(&b.incidents))
            .then_with(|| a.name.cmp(&b.name))
    });
    for (k, s) in list.iter_mut().enumerate() {
        s.rank = k as u32 + 1;
    }
}

/// "47 min", "5.2 h".
pub fn duration_words(minutes: f64) -> String {
    if minutes < 90.0 {
        format!("{} min", minutes.round())
    } else {
        format!("{:.1} h", minutes / 60.0)
    }
}

/// One plain line: incidents, hours of outage observed, the median fix.
pub fn line(s: &ServiceReport, period: &str) -> String {
    let incidents = match (s.incidents, s.by_impact.major_outage) {
        (0, _) => "no incidents".to_string(),
        (1, 1) => "1 major incident".to_string(),
        (1, _) => "1 incident".to_string(),
        (n, 0) => format!("{n} incidents"),
        (n, m) => format!("{n} incidents ({m} major)"),
    };
    let outage = if s.coverage.is_none() {
        "not observed".to_string()
    } else {
        format!("{:.1} h of outage", s.outage_hours)
    };
    let fix = s
        .median_resolve_minutes
        .map(|m| format!("; median fix {}", duration_words(m)))
        .unwrap_or_default();
    format!("{}: {incidents}, {outage} in {period}{fix}", s.name)
}

fn num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One row per service, ranked; empty cells where the JSON has null.
pub fn csv(r: &Report) -> String {
    let mut out = String::from(
        "rank,id,name,coverage,availability,incidents,degraded,partial_outage,major_outage,other,\
         median_resolve_minutes,longest_resolve_minutes,outage_hours,observed_hours,from,to\n",
    );
    let (from, to) = (r.from.to_rfc3339(), r.to.to_rfc3339());
    for s in &r.services {
        let row = [
            s.rank.to_string(),
            cell(&s.id),
            cell(&s.name),
            num(s.coverage),
            num(s.availability),
            s.incidents.to_string(),
            s.by_impact.degraded.to_string(),
            s.by_impact.partial_outage.to_string(),
            s.by_impact.major_outage.to_string(),
            s.by_impact.other.to_string(),
            num(s.median_resolve_minutes),
            num(s.longest_resolve_minutes),
            s.outage_hours.to_string(),
            s.observed_hours.to_string(),
            from.clone(),
            to.clone(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The report as CSV or JSON text, with a file name stamped with `now`.
pub fn export(r: &Report, format: ExportFormat, now: DateTime<Utc>) -> Export {
    Export::stamped(
        "report",
        format,
        now,
        || csv(r),
        || serde_json::to_string_pretty(r).unwrap_or_else(|_| "{}".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        crate::time::parse(s).expect("time")
    }

    #[test]
    fn periods_parse_and_give_their_range() {
        let now = t("2026-12-06T10:00:00Z");
        assert_eq!(Period::since("90d"), Ok(Period::Days(90)));
        assert_eq!(Period::since("36h"), Ok(Period::Days(2)));
        assert!(Period::since("soon").is_err());
        assert!(Period::since("0d").is_err());
        // Absurd periods are bounded, never a panic nor a day-by-day walk over millennia.
        assert_eq!(Period::since("99999999d"), Ok(Period::Days(MAX_DAYS)));
        let (from, _) = Period::Days(u32::MAX).range(now);
        assert!(from < now);
        assert_eq!(
            Period::Days(90).range(now),
            (t("2026-09-07T00:00:00Z"), now)
        );
        let nov = Period::month("2026-11").expect("month");
        assert_eq!(
            nov.range(now),
            (t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z"))
        );
        assert_eq!(nov.words(), "November 2026");
        // The current month stops at now; a future one is empty.
        let dec = Period::month("2026-12").expect("month");
        assert_eq!(dec.range(now).1, now);
        let (f, to) = Period::month("2027-01").expect("month").range(now);
        assert_eq!(f, to);
        assert!(Period::month("2026-13").is_err());
        assert!(Period::month("november").is_err());
    }

    fn svc(incidents: u32, major: u32, median: Option<f64>, cov: Option<f64>) -> ServiceReport {
        ServiceReport {
            id: "claude".into(),
            name: "Claude".into(),
            rank: 1,
            coverage: cov,
            availability: cov.map(|_| 0.998),
            incidents,
            by_impact: ByImpact {
                major_outage: major,
                degraded: incidents - major,
                ..ByImpact::default()
            },
            resolved: incidents,
            median_resolve_minutes: median,
            longest_resolve_minutes: median,
            outage_hours: 4.2,
            observed_hours: 2000.0,
            line: String::new(),
        }
    }

    #[test]
    fn plain_lines() {
        assert_eq!(
            line(&svc(12, 3, Some(47.0), Some(0.9)), "90 days"),
            "Claude: 12 incidents (3 major), 4.2 h of outage in 90 days; median fix 47 min"
        );
        assert_eq!(
            line(&svc(1, 1, Some(312.0), Some(0.9)), "November 2026"),
            "Claude: 1 major incident, 4.2 h of outage in November 2026; median fix 5.2 h"
        );
        assert_eq!(
            line(&svc(0, 0, None, None), "90 days"),
            "Claude: no incidents, not observed in 90 days"
        );
    }

    #[test]
    fn csv_has_a_row_per_service_empty_for_null_and_text_for_formulas() {
        let mut a = svc(2, 0, Some(30.0), Some(0.5));
        a.name = "=HYPERLINK(\"x\")".into();
        let b = svc(0, 0, None, None);
        let r = Report {
            from: t("2026-09-07T00:00:00Z"),
            to: t("2026-12-06T10:00:00Z"),
            period: "90 days".into(),
            services: vec![a, b],
        };
        let text = csv(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("rank,id,name,coverage,availability,incidents,"));
        assert!(lines[1]
            .starts_with("1,claude,\"'=HYPERLINK(\"\"x\"\")\",0.5,0.998,2,2,0,0,0,30,30,4.2,"));
        assert!(
            lines[2].starts_with("1,claude,Claude,,,0,0,0,0,0,,,4.2,"),
            "{}",
            lines[2]
        );
        let e = export(&r, ExportFormat::Json, t("2026-12-06T10:00:00Z"));
        assert_eq!(e.file_name, "vigie-report-20261206-100000.json");
        let v: serde_json::Value = serde_json::from_str(&e.text).expect("json");
        assert_eq!(v["services"][1]["coverage"], serde_json::Value::Null);
        assert_eq!(v["from"], "2026-09-07T00:00:00Z");
    }

    #[test]
    fn ended_unwatched_and_negative_spans_have_no_time_to_resolve() {
        let i = IncidentSpan {
            service: "x".into(),
            maintenance: false,
            status: "resolved".into(),
            impact: Severity::Degraded,
            started_at: t("2026-09-01T10:00:00Z"),
            resolved_at: Some(t("2026-09-01T10:47:00Z")),
        };
        assert_eq!(resolve_minutes(&i), Some(47.0));
        let unwatched = IncidentSpan {
            status: ENDED_UNWATCHED.into(),
            ..i.clone()
        };
        assert_eq!(resolve_minutes(&unwatched), None);
        let backwards = IncidentSpan {
            resolved_at: Some(t("2026-09-01T09:00:00Z")),
            ..i.clone()
        };
        assert_eq!(resolve_minutes(&backwards), None);
        let open = IncidentSpan {
            resolved_at: None,
            ..i
        };
        assert_eq!(resolve_minutes(&open), None);
        assert_eq!(median(&[1.0, 2.0, 10.0, 20.0]), Some(6.0));
        assert_eq!(median(&[3.0]), Some(3.0));
    }
}
