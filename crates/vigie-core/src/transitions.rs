//! Pure transition logic: previous knowledge + a new observation → events.
//!
//! Kept free of I/O and clocks (time is passed in) so every rule is a row in a table test:
//! the first reading is a baseline (no news about what was already true), nothing happens while the
//! machine is offline, an unreachable page is not an outage, and noisy sources (probes) must repeat
//! a new status `confirm` times before it is believed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Incident, IncidentKind, Reading, Severity};
use crate::service::ServiceSpec;
use crate::snapshot::{ProbeProblem, ProbeState};

/// One probe answer, classified by the poller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeAnswer {
    /// An answer below 500 in time: up (401/403/404 without a key are the usual ones).
    Up { http_status: u16 },
    /// A 5xx, a timeout, a refusal or a reset: counts towards a problem.
    Failed {
        http_status: Option<u16>,
        error: String,
    },
    /// Something that may be this machine's own (DNS, TLS, proxy): counts neither way.
    Unsure { error: String },
}

/// The probe's next state after one answer, and the change to tell, if any. `official` is the
/// page's status this cycle; only the unconfirmed problem starting or any problem ending is told
/// (a confirmed one is the page's own status change).
pub fn probe_step(
    prev: Option<&ProbeState>,
    url: &str,
    answer: &ProbeAnswer,
    latency_ms: Option<u32>,
    official: Severity,
    now: DateTime<Utc>,
) -> (ProbeState, Option<Change>) {
    // A changed URL is a new probe: its run starts over.
    let before = prev.filter(|p| p.url == url);
    let failures = before.map_or(0, |p| p.failures);
    let (ok, http_status, failures, error) = match answer {
        ProbeAnswer::Up { http_status } => (true, Some(*http_status), 0, None),
        ProbeAnswer::Failed { http_status, error } => (
            false,
            *http_status,
            failures.saturating_add(1),
            Some(error.clone()),
        ),
        ProbeAnswer::Unsure { error } => (false, None, failures, Some(error.clone())),
    };
    let problem = ProbeProblem::of(failures, official);
    let was = before.and_then(|p| p.problem);
    let change = match (was, problem) {
        (None, Some(ProbeProblem::Unconfirmed)) => Some(Change::SeenFromHere {
            detail: probe_detail(url, failures, http_status, error.as_deref()),
        }),
        (Some(_), None) => Some(Change::SeenFromHereEnded),
        _ => None,
    };
    let state = ProbeState {
        url: url.to_string(),
        ok,
        http_status,
        latency_ms: latency_ms.filter(|_| http_status.is_some()),
        failures,
        problem,
        error,
        checked_at: Some(now),
    };
    (state, change)
}

/// "3 failures in a row on api.openai.com (HTTP 503)".
fn probe_detail(url: &str, failures: u32, http: Option<u16>, error: Option<&str>) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string());
    let why = match (http, error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(e)) => e.to_string(),
        (None, None) => "no answer".into(),
    };
    format!("{failures} failures in a row on {host} ({why})")
}

/// What one poll learned about one service.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    Read(Reading),
    /// The page could not be read (transport error, HTTP error, unparseable body).
    Failed(String),
    /// The page was read, but the service as configured cannot be read from it (a component
    /// filter that matches nothing): the whole error, and the reason alone.
    Misconfigured {
        error: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    StatusChanged {
        from: Severity,
        to: Severity,
    },
    IncidentOpened {
        incident: Incident,
    },
    IncidentUpdated {
        incident: Incident,
    },
    IncidentResolved {
        incident: Incident,
    },
    MaintenanceStarted {
        incident: Incident,
    },
    MaintenanceEnded {
        incident: Incident,
    },
    /// A new open incident that names no component, on a service that watches only some: it may
    /// not concern the service, so it is told only when the user opts in.
    PageNotice {
        incident: Incident,
    },
    Unreachable {
        error: String,
    },
    Reachable,
    /// The probe failed [`crate::snapshot::PROBE_FAILURES`] times in a row while the page says
    /// all is well: "problems seen from here, not confirmed".
    SeenFromHere {
        detail: String,
    },
    /// The probe answers again, or the page now agrees (its own status change tells that).
    SeenFromHereEnded,
}

/// A change to one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub service: String,
    pub name: String,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Debug, Clone, Default)]
struct Track {
    baselined: bool,
    status: Severity,
    pending: Option<(Severity, u32)>,
    reachable: bool,
    incidents: HashMap<String, Incident>,
    notices: std::collections::HashSet<String>,
}

/// Remembers what each service looked like, to tell what changed.
#[derive(Debug, Default)]
pub struct Tracker {
    tracks: HashMap<String, Track>,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// The confirmed status of a service, if it has been read at least once.
    pub fn status(&self, service: &str) -> Option<Severity> {
        self.tracks
            .get(service)
            .filter(|t| t.baselined)
            .map(|t| t.status)
    }

    /// Forget a service (removed from the config).
    pub fn forget(&mut self, service: &str) {
        self.tracks.remove(service);
    }

    /// Feed one observation. `online = false` means the machine looks offline: nothing is learned
    /// and nothing is reported.
    pub fn observe(
        &mut self,
        spec: &ServiceSpec,
        obs: &Observation,
        online: bool,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        if !online {
            return Vec::new();
        }
        let t = self.tracks.entry(spec.id.clone()).or_default();
        let mut changes = Vec::new();
        match obs {
            Observation::Failed(error) | Observation::Misconfigured { error, .. } => {
                if t.baselined && t.reachable {
                    changes.push(Change::Unreachable {
                        error: error.clone(),
                    });
                }
                t.reachable = false;
                t.pending = None;
            }
            Observation::Read(r) => {
                if !t.baselined {
                    t.baselined = true;
                    t.reachable = true;
                    t.status = r.status;
                    t.incidents = active(r);
                    t.notices = r.notices.iter().map(|i| i.id.clone()).collect();
                    return Vec::new();
                }
                if !t.reachable {
                    changes.push(Change::Reachable);
                    t.reachable = true;
                }
                if r.status == t.status {
                    t.pending = None;
                } else {
                    let n = match t.pending {
                        Some((s, n)) if s == r.status => n + 1,
                        _ => 1,
                    };
                    if n >= spec.confirm.max(1) {
                        changes.push(Change::StatusChanged {
                            from: t.status,
                            to: r.status,
                        });
                        t.status = r.status;
                        t.pending = None;
                    } else {
                        t.pending = Some((r.status, n));
                    }
                }
                let now_active = active(r);
                let mut ids: Vec<&String> = now_active.keys().collect();
                ids.sort();
                for id in ids {
                    let inc = &now_active[id];
                    match t.incidents.get(id) {
                        None => changes.push(match inc.kind {
                            IncidentKind::Incident => Change::IncidentOpened {
                                incident: inc.clone(),
                            },
                            IncidentKind::Maintenance => Change::MaintenanceStarted {
                                incident: inc.clone(),
                            },
                        }),
                        Some(old) if has_news(old, inc) => changes.push(Change::IncidentUpdated {
                            incident: inc.clone(),
                        }),
                        Some(_) => {}
                    }
                }
                let mut gone: Vec<&Incident> = t
                    .incidents
                    .values()
                    .filter(|i| !now_active.contains_key(&i.id))
                    .collect();
                gone.sort_by(|a, b| a.id.cmp(&b.id));
                for old in gone {
                    // Use the closing words the page now shows, if it still lists the incident.
                    let mut closed = r
                        .incidents
                        .iter()
                        .find(|i| i.id == old.id)
                        .cloned()
                        .unwrap_or_else(|| old.clone());
                    if closed.resolved_at.is_none() {
                        closed.resolved_at = Some(now);
                    }
                    changes.push(match old.kind {
                        IncidentKind::Incident => Change::IncidentResolved { incident: closed },
                        IncidentKind::Maintenance => Change::MaintenanceEnded { incident: closed },
                    });
                }
                t.incidents = now_active;
                for n in r.notices.iter().filter(|n| !n.is_resolved()) {
                    if !t.notices.contains(&n.id) {
                        changes.push(Change::PageNotice {
                            incident: n.clone(),
                        });
                    }
                }
                t.notices = r.notices.iter().map(|i| i.id.clone()).collect();
            }
        }
        changes
            .into_iter()
            .map(|change| Event {
                service: spec.id.clone(),
                name: spec.name.clone(),
                at: now,
                change,
            })
            .collect()
    }
}

fn active(r: &Reading) -> HashMap<String, Incident> {
    r.incidents
        .iter()
        .filter(|i| !i.is_resolved())
        .map(|i| (i.id.clone(), i.clone()))
        .collect()
}

/// An update worth telling: a new provider message or a new lifecycle word.
fn has_news(old: &Incident, new: &Incident) -> bool {
    new.status != old.status
        || new.updates.len() > old.updates.len()
        || new.latest_update().map(|u| (&u.at, &u.text))
            != old.latest_update().map(|u| (&u.at, &u.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Kind;

    fn spec(confirm: u32) -> ServiceSpec {
        ServiceSpec {
            confirm,
            ..ServiceSpec::new("svc", "Svc", Kind::Statuspage, "http://x")
        }
    }

    fn inc(id: &str, status: &str, updates: usize, kind: IncidentKind) -> Incident {
        Incident {
            id: id.into(),
            kind,
            title: format!("Incident {id}"),
            status: status.into(),
            impact: Severity::PartialOutage,
            started_at: None,
            resolved_at: None,
            url: None,
            components: vec![],
            updates: (0..updates)
                .map(|n| crate::model::IncidentUpdate {
                    at: crate::time::from_epoch(1_790_000_000.0 + n as f64),
                    status: status.into(),
                    text: format!("update {n}"),
                })
                .collect(),
        }
    }

    fn read(status: Severity, incidents: Vec<Incident>) -> Observation {
        Observation::Read(Reading {
            status,
            components: vec![],
            incidents,
            notices: Vec::new(),
            past: Vec::new(),
            note: None,
        })
    }

    fn notice(status: Severity, ids: &[&str]) -> Observation {
        Observation::Read(Reading {
            status,
            notices: ids
                .iter()
                .map(|id| inc(id, "investigating", 1, IncidentKind::Incident))
                .collect(),
            ..Reading::default()
        })
    }

    fn names(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| match &e.change {
                Change::StatusChanged { from, to } => format!("status {from}->{to}"),
                Change::IncidentOpened { incident } => format!("opened {}", incident.id),
                Change::IncidentUpdated { incident } => format!("updated {}", incident.id),
                Change::IncidentResolved { incident } => format!("resolved {}", incident.id),
                Change::MaintenanceStarted { incident } => format!("maint-start {}", incident.id),
                Change::MaintenanceEnded { incident } => format!("maint-end {}", incident.id),
                Change::PageNotice { incident } => format!("notice {}", incident.id),
                Change::Unreachable { .. } => "unreachable".into(),
                Change::Reachable => "reachable".into(),
                Change::SeenFromHere { .. } => "seen-from-here".into(),
                Change::SeenFromHereEnded => "seen-from-here-ended".into(),
            })
            .collect()
    }

    use IncidentKind::{Incident as I, Maintenance as M};
    use Severity::*;

    #[test]
    fn table() {
        // (name, confirm, [(observation, online, expected events)])
        type Step = (Observation, bool, &'static [&'static str]);
        let fail = || Observation::Failed("HTTP 503".into());
        let cases: Vec<(&str, u32, Vec<Step>)> = vec![
            (
                "first reading is a baseline",
                1,
                vec![
                    (
                        read(MajorOutage, vec![inc("a", "investigating", 1, I)]),
                        true,
                        &[],
                    ),
                    (
                        read(MajorOutage, vec![inc("a", "investigating", 1, I)]),
                        true,
                        &[],
                    ),
                ],
            ),
            (
                "status change and back",
                1,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (
                        read(MajorOutage, vec![]),
                        true,
                        &["status operational->major_outage"],
                    ),
                    (
                        read(Operational, vec![]),
                        true,
                        &["status major_outage->operational"],
                    ),
                ],
            ),
            (
                "offline is silent and learns nothing",
                1,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (fail(), false, &[]),
                    (read(MajorOutage, vec![]), false, &[]),
                    (read(Operational, vec![]), true, &[]),
                ],
            ),
            (
                "unreachable is not an outage",
                1,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (fail(), true, &["unreachable"]),
                    (fail(), true, &[]),
                    (read(Operational, vec![]), true, &["reachable"]),
                ],
            ),
            (
                "unreachable at start says nothing",
                1,
                vec![(fail(), true, &[]), (read(Degraded, vec![]), true, &[])],
            ),
            (
                "probe needs confirmation",
                3,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (read(MajorOutage, vec![]), true, &[]),
                    (read(MajorOutage, vec![]), true, &[]),
                    (
                        read(MajorOutage, vec![]),
                        true,
                        &["status operational->major_outage"],
                    ),
                ],
            ),
            (
                "a blip does not confirm",
                2,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (read(MajorOutage, vec![]), true, &[]),
                    (read(Operational, vec![]), true, &[]),
                    (read(MajorOutage, vec![]), true, &[]),
                    (read(Operational, vec![]), true, &[]),
                ],
            ),
            (
                "incident lifecycle",
                1,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (
                        read(PartialOutage, vec![inc("a", "investigating", 1, I)]),
                        true,
                        &["status operational->partial_outage", "opened a"],
                    ),
                    (
                        read(PartialOutage, vec![inc("a", "investigating", 1, I)]),
                        true,
                        &[],
                    ),
                    (
                        read(PartialOutage, vec![inc("a", "identified", 2, I)]),
                        true,
                        &["updated a"],
                    ),
                    (
                        read(Operational, vec![]),
                        true,
                        &["status partial_outage->operational", "resolved a"],
                    ),
                ],
            ),
            (
                "resolved incident still listed closes it",
                1,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (
                        read(Degraded, vec![inc("a", "investigating", 1, I)]),
                        true,
                        &["status operational->degraded", "opened a"],
                    ),
                    (
                        read(Degraded, vec![inc("a", "resolved", 2, I)]),
                        true,
                        &["resolved a"],
                    ),
                ],
            ),
            (
                "maintenance lifecycle",
                1,
                vec![
                    (read(Operational, vec![]), true, &[]),
                    (
                        read(Maintenance, vec![inc("m", "in_progress", 1, M)]),
                        true,
                        &["status operational->maintenance", "maint-start m"],
                    ),
                    (
                        read(Operational, vec![]),
                        true,
                        &["status maintenance->operational", "maint-end m"],
                    ),
                ],
            ),
            (
                "a page-wide notice is told once, never at baseline, never as a status",
                1,
                vec![
                    (notice(Operational, &["n0"]), true, &[]),
                    (notice(Operational, &["n0", "n1"]), true, &["notice n1"]),
                    (notice(Operational, &["n0", "n1"]), true, &[]),
                    (notice(Operational, &[]), true, &[]),
                ],
            ),
        ];
        for (name, confirm, steps) in cases {
            let mut t = Tracker::new();
            let s = spec(confirm);
            for (i, (obs, online, want)) in steps.iter().enumerate() {
                let now = crate::time::from_epoch(1_800_000_000.0 + i as f64).expect("t");
                let got = names(&t.observe(&s, obs, *online, now));
                assert_eq!(got, *want, "{name}, step {i}");
            }
        }
    }

    #[test]
    fn probe_table() {
        use ProbeProblem::{Confirmed as C, Unconfirmed as U};
        let up = || ProbeAnswer::Up { http_status: 401 };
        let e503 = || ProbeAnswer::Failed {
            http_status: Some(503),
            error: "HTTP 503".into(),
        };
        let timeout = || ProbeAnswer::Failed {
            http_status: None,
            error: "timed out".into(),
        };
        let dns = || ProbeAnswer::Unsure {
            error: "dns error".into(),
        };
        // (name, [(answer, official status, failures, problem, change)])
        type Step = (
            ProbeAnswer,
            Severity,
            u32,
            Option<ProbeProblem>,
            &'static str,
        );
        let cases: Vec<(&str, Vec<Step>)> = vec![
            (
                "401 in time is up",
                vec![
                    (up(), Operational, 0, None, ""),
                    (up(), Operational, 0, None, ""),
                ],
            ),
            (
                "one failure is a blip; two in a row while the page is green are unconfirmed",
                vec![
                    (e503(), Operational, 1, None, ""),
                    (up(), Operational, 0, None, ""),
                    (e503(), Operational, 1, None, ""),
                    (timeout(), Operational, 2, Some(U), "seen"),
                    (e503(), Operational, 3, Some(U), ""),
                ],
            ),
            (
                "the page agrees: confirmed, then the probe recovers",
                vec![
                    (e503(), Operational, 1, None, ""),
                    (e503(), Operational, 2, Some(U), "seen"),
                    (e503(), PartialOutage, 3, Some(C), ""),
                    (up(), PartialOutage, 0, None, "ended"),
                ],
            ),
            (
                "failing while the page already says degraded is confirmed at once, not told",
                vec![
                    (e503(), Degraded, 1, None, ""),
                    (e503(), Degraded, 2, Some(C), ""),
                    (up(), Degraded, 0, None, "ended"),
                ],
            ),
            (
                "maintenance or an unreadable page does not confirm",
                vec![
                    (e503(), Maintenance, 1, None, ""),
                    (e503(), Unknown, 2, Some(U), "seen"),
                ],
            ),
            (
                "errors that may be this machine's neither count nor reset",
                vec![
                    (e503(), Operational, 1, None, ""),
                    (dns(), Operational, 1, None, ""),
                    (e503(), Operational, 2, Some(U), "seen"),
                    (dns(), Operational, 2, Some(U), ""),
                ],
            ),
        ];
        for (name, steps) in cases {
            let mut prev: Option<ProbeState> = None;
            for (i, (answer, official, failures, problem, change)) in steps.iter().enumerate() {
                let now = crate::time::from_epoch(1_800_000_000.0 + i as f64).expect("t");
                let (st, ch) = probe_step(
                    prev.as_ref(),
                    "https://api.example.com/v1/models",
                    answer,
                    Some(12),
                    *official,
                    now,
                );
                let ch = match ch {
                    Some(Change::SeenFromHere { .. }) => "seen",
                    Some(Change::SeenFromHereEnded) => "ended",
                    Some(_) => "other",
                    None => "",
                };
                assert_eq!(
                    (st.failures, st.problem, ch),
                    (*failures, *problem, *change),
                    "{name}, step {i}"
                );
                assert_eq!(st.ok, matches!(answer, ProbeAnswer::Up { .. }));
                prev = Some(st);
            }
        }
        // A new URL starts a new run; a failure without an answer has no latency.
        let old = ProbeState {
            url: "https://api.example.com/v1/models".into(),
            ok: false,
            http_status: Some(503),
            latency_ms: Some(3),
            failures: 5,
            problem: Some(ProbeProblem::Unconfirmed),
            error: None,
            checked_at: None,
        };
        let (st, _) = probe_step(
            Some(&old),
            "https://other.example.com/",
            &timeout(),
            Some(10_000),
            Operational,
            crate::time::from_epoch(1_800_000_100.0).expect("t"),
        );
        assert_eq!((st.failures, st.latency_ms), (1, None));
        let (_, ch) = probe_step(
            None,
            "https://api.openai.com/v1/models",
            &e503(),
            Some(9),
            Operational,
            crate::time::from_epoch(1_800_000_100.0).expect("t"),
        );
        assert_eq!(ch, None);
        let two = ProbeState { failures: 1, ..st };
        let two = ProbeState {
            url: "https://api.openai.com/v1/models".into(),
            ..two
        };
        let (_, ch) = probe_step(
            Some(&two),
            "https://api.openai.com/v1/models",
            &e503(),
            Some(9),
            Operational,
            crate::time::from_epoch(1_800_000_100.0).expect("t"),
        );
        assert_eq!(
            ch,
            Some(Change::SeenFromHere {
                detail: "2 failures in a row on api.openai.com (HTTP 503)".into()
            })
        );
    }
}
