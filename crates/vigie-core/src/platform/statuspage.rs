//! Atlassian Statuspage v2 (Claude, GitHub, Cursor, …): `summary.json` for the current state,
//! `incidents.json` for history.
//!
//! One `summary.json` carries the indicator, components, unresolved incidents and maintenances, so a
//! poll is one request. The indicator is known to lag (it stays `none` while a `minor` incident with
//! no component change is open), so the page level is the worst of indicator, open incident impacts
//! and components. The JSON is walked as a `serde_json::Value` rather than deserialised into structs:
//! real pages put `null` where arrays belong, strings where arrays belong (`reminder_intervals: "[]"`)
//! and add fields over time, and one odd field must never cost us the whole reading.

use std::collections::HashMap;

use serde_json::Value;

use super::{array, id_str, str_of, time_of};
use crate::model::{
    is_closed_word, Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity,
};
use crate::platform::{json, ReadError};
use crate::text;

pub fn endpoints(base: &str) -> Vec<String> {
    vec![format!("{base}/api/v2/summary.json")]
}

/// `summary.json` → page level, visible components, open incidents and in-progress maintenances.
pub fn read(body: &[u8]) -> Result<Reading, ReadError> {
    let v = json(body)?;
    if !v.is_object() {
        return Err(ReadError::Shape("summary is not a JSON object".into()));
    }
    let indicator = v.pointer("/status/indicator").and_then(Value::as_str);
    let has_components = v.get("components").is_some_and(Value::is_array);
    if indicator.is_none() && !has_components {
        return Err(ReadError::Shape(
            "summary has neither `status.indicator` nor `components`".into(),
        ));
    }
    let base = page_url(&v);
    let mut notes = Vec::new();

    let all = array(&v, "components");
    let groups: HashMap<&str, &str> = all
        .iter()
        .filter(|c| c.get("group").and_then(Value::as_bool) == Some(true))
        .filter_map(|c| Some((str_of(c, "id")?, str_of(c, "name")?)))
        .collect();
    let mut components = Vec::new();
    for c in all {
        if c.get("group").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(id) = str_of(c, "id").or_else(|| str_of(c, "name")) else {
            continue;
        };
        let word = str_of(c, "status").unwrap_or("");
        let status = Severity::from_component_word(word).unwrap_or_else(|| {
            notes.push(format!("unknown component status `{word}`"));
            Severity::Unknown
        });
        let hide_when_fine = c.get("only_show_if_degraded").and_then(Value::as_bool) == Some(true);
        if hide_when_fine && status == Severity::Operational {
            continue;
        }
        components.push(Component {
            id: id.to_string(),
            name: str_of(c, "name").unwrap_or(id).trim().to_string(),
            group: str_of(c, "group_id")
                .and_then(|g| groups.get(g))
                .map(|g| g.to_string()),
            status,
        });
    }

    let mut incidents: Vec<Incident> = array(&v, "incidents")
        .iter()
        .filter_map(|i| incident(i, IncidentKind::Incident, base.as_deref()))
        .filter(|i| !i.is_resolved())
        .collect();
    incidents.extend(
        array(&v, "scheduled_maintenances")
            .iter()
            .filter(|m| {
                matches!(
                    str_of(m, "status").map(str::to_ascii_lowercase).as_deref(),
                    Some("in_progress" | "verifying")
                )
            })
            .filter_map(|m| incident(m, IncidentKind::Maintenance, base.as_deref())),
    );

    let status = match indicator {
        Some(word) => match Severity::from_impact_word(word) {
            Some(page) => components
                .iter()
                .map(|c| c.status)
                .chain(incidents.iter().map(|i| i.impact))
                .fold(page, Severity::max),
            None => {
                notes.push(format!("unknown page indicator `{word}`"));
                Severity::Unknown
            }
        },
        None => Severity::Unknown,
    };
    notes.dedup();
    Ok(Reading {
        status,
        components,
        incidents,
        notices: Vec::new(),
        past: Vec::new(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// `incidents.json` (the last 50, resolved included) → incidents, as the page lists them.
pub fn read_history(body: &[u8]) -> Result<Vec<Incident>, ReadError> {
    let v = json(body)?;
    let list = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("incidents") {
            Some(Value::Array(a)) => a,
            Some(Value::Null) => return Ok(Vec::new()),
            _ => return Err(ReadError::Shape("missing `incidents` array".into())),
        },
        _ => return Err(ReadError::Shape("missing `incidents` array".into())),
    };
    let base = page_url(&v);
    Ok(list
        .iter()
        .filter_map(|i| {
            let kind = if str_of(i, "impact") == Some("maintenance") {
                IncidentKind::Maintenance
            } else {
                IncidentKind::Incident
            };
            incident(i, kind, base.as_deref())
        })
        .collect())
}

fn page_url(v: &Value) -> Option<String> {
    v.pointer("/page/url")
        .and_then(Value::as_str)
        .map(|u| u.trim_end_matches('/').to_string())
        .filter(|u| u.starts_with("http"))
}

fn incident(v: &Value, kind: IncidentKind, base: Option<&str>) -> Option<Incident> {
    let id = id_str(v.get("id")?)?;
    let status = str_of(v, "status")
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| "unknown".into());
    let impact = match kind {
        IncidentKind::Maintenance => Severity::Maintenance,
        IncidentKind::Incident => str_of(v, "impact")
            .and_then(Severity::from_impact_word)
            .unwrap_or(Severity::Unknown),
    };
    let mut updates: Vec<IncidentUpdate> = array(v, "incident_updates")
        .iter()
        .map(|u| IncidentUpdate {
            at: time_of(u, "display_at").or_else(|| time_of(u, "created_at")),
            status: str_of(u, "status")
                .map(str::to_ascii_lowercase)
                .unwrap_or_else(|| status.clone()),
            text: str_of(u, "body")
                .map(text::html_to_text)
                .unwrap_or_default(),
        })
        .collect();
    // The API lists newest first; the model wants oldest first.
    updates.reverse();
    updates.sort_by_key(|u| u.at);
    let resolved_at = time_of(v, "resolved_at").or_else(|| {
        is_closed_word(&status)
            .then(|| updates.iter().rev().find(|u| is_closed_word(&u.status)))
            .flatten()
            .and_then(|u| u.at)
    });
    Some(Incident {
        url: str_of(v, "shortlink")
            .map(str::to_string)
            .or_else(|| base.map(|b| format!("{b}/incidents/{id}"))),
        kind,
        title: str_of(v, "name")
            .map(|n| text::tidy(&text::decode_entities(n)))
            .unwrap_or_else(|| id.clone()),
        status,
        impact,
        started_at: time_of(v, "started_at")
            .or_else(|| time_of(v, "scheduled_for"))
            .or_else(|| time_of(v, "created_at")),
        resolved_at,
        components: array(v, "components")
            .iter()
            .filter_map(|c| str_of(c, "id"))
            .map(str::to_string)
            .collect(),
        updates,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{finish, Kind};
    use crate::service::ServiceSpec;

    const GITHUB_SUMMARY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json"
    ));
    const CLAUDE_SUMMARY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/claude-summary-all-operational-6-components-2026-09-03.json"
    ));
    const CLAUDE_STATUS: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/claude-status-operational-2026-09-15.json"
    ));
    const GITHUB_INCIDENTS: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/github-incidents-2-resolved-2024-09-16.json"
    ));
    const GITHUB_COMPONENTS: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/github-components-2-2024-09-17.json"
    ));
    const GITHUB_MAINTENANCE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/github-scheduled-maintenances-in-progress-codespaces-EDITED.json"
    ));

    fn spec(components: &[&str]) -> ServiceSpec {
        let v = serde_json::json!({
            "id": "github", "name": "GitHub", "kind": "statuspage",
            "url": "https://www.githubstatus.com", "components": components,
        });
        let s: ServiceSpec = serde_json::from_value(v).expect("spec");
        assert_eq!(s.kind, Kind::Statuspage);
        s
    }

    fn at(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        crate::time::parse(s)
    }

    #[test]
    fn endpoint() {
        assert_eq!(
            endpoints("https://status.claude.com"),
            ["https://status.claude.com/api/v2/summary.json"]
        );
    }

    #[test]
    fn github_summary_minor_with_packages_partial_outage() {
        let r = read(GITHUB_SUMMARY).expect("reads");
        assert_eq!(r.components.len(), 11);
        let packages = r
            .components
            .iter()
            .find(|c| c.name == "Packages")
            .expect("Packages");
        assert_eq!(packages.id, "st3j38cctv9l");
        assert_eq!(packages.status, Severity::PartialOutage);
        assert_eq!(packages.group, None);
        assert!(r.components.iter().any(|c| c.name == "Copilot"));
        assert_eq!(
            r.components
                .iter()
                .filter(|c| c.status == Severity::Operational)
                .count(),
            10
        );
        assert_eq!(r.incidents.len(), 1);
        let inc = &r.incidents[0];
        assert_eq!(inc.id, "ljwdk6qml8z8");
        assert_eq!(inc.title, "Incident with Packages and Pages");
        assert_eq!(inc.status, "investigating");
        assert_eq!(inc.impact, Severity::PartialOutage);
        assert_eq!(inc.kind, IncidentKind::Incident);
        assert_eq!(inc.components, ["st3j38cctv9l", "vg70hn9s2tyj"]);
        assert_eq!(inc.url.as_deref(), Some("https://stspg.io/33vh8r7z43kh"));
        assert_eq!(inc.started_at, at("2022-11-25T14:39:09.542Z"));
        assert_eq!(inc.resolved_at, None);
        assert_eq!(inc.updates.len(), 7);
        assert!(
            inc.updates.windows(2).all(|w| w[0].at <= w[1].at),
            "oldest first"
        );
        assert_eq!(
            inc.updates[0].text,
            "We are investigating reports of degraded performance for Packages."
        );
        assert!(inc.updates.iter().all(|u| u.status == "investigating"));
        // indicator minor (Degraded), but the open incident is major and Packages is partial.
        assert_eq!(r.status, Severity::PartialOutage);
        assert_eq!(r.note, None);

        let whole = finish(&spec(&[]), r.clone()).expect("filter matches");
        assert_eq!(whole.status, Severity::PartialOutage);
        let codespaces = finish(&spec(&["Codespaces"]), r.clone()).expect("filter matches");
        assert_eq!(codespaces.status, Severity::Operational);
        assert!(codespaces.incidents.is_empty());
        let pages = finish(&spec(&["vg70hn9s2tyj"]), r).expect("filter matches");
        assert_eq!(pages.incidents.len(), 1, "the incident names Pages");
        // The incident's impact is major, but the page says Pages itself is operational: the
        // component's word wins, the incident is listed without colouring the service.
        assert_eq!(pages.status, Severity::Operational);
    }

    #[test]
    fn claude_summary_all_operational() {
        let r = read(CLAUDE_SUMMARY).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        // The 2026-09-03 capture has no `only_show_if_degraded: true` component: all six show.
        assert_eq!(r.components.len(), 6);
        assert!(r
            .components
            .iter()
            .all(|c| c.status == Severity::Operational && c.group.is_none()));
        assert_eq!(r.components[2].id, "k8w3r06qmzrp");
        assert_eq!(r.components[2].name, "Claude API (api.anthropic.com)");
        assert!(r.incidents.is_empty());
        assert_eq!(
            finish(&spec(&[]), r).expect("filter matches").status,
            Severity::Operational
        );
    }

    #[test]
    fn only_show_if_degraded_hidden_while_operational() {
        let mut v: Value = serde_json::from_slice(CLAUDE_SUMMARY).expect("json");
        let gov = v
            .pointer_mut("/components/5")
            .and_then(Value::as_object_mut)
            .expect("6th component");
        assert_eq!(
            gov.get("name").and_then(Value::as_str),
            Some("Claude for Government")
        );
        gov.insert("only_show_if_degraded".into(), Value::Bool(true));
        let body = serde_json::to_vec(&v).expect("ser");
        let r = read(&body).expect("reads");
        assert_eq!(r.components.len(), 5);
        assert!(!r.components.iter().any(|c| c.id == "0scnb50nvy53"));

        if let Some(c) = v.pointer_mut("/components/5/status") {
            *c = Value::String("major_outage".into());
        }
        let r = read(&serde_json::to_vec(&v).expect("ser")).expect("reads");
        assert_eq!(r.components.len(), 6);
        assert_eq!(r.status, Severity::MajorOutage);
    }

    #[test]
    fn status_json_alone_gives_page_level_only() {
        let r = read(CLAUDE_STATUS).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.components.is_empty() && r.incidents.is_empty());
    }

    #[test]
    fn components_json_alone_has_no_page_level() {
        let r = read(GITHUB_COMPONENTS).expect("reads");
        assert_eq!(r.status, Severity::Unknown);
        assert_eq!(r.components.len(), 2);
        assert_eq!(
            finish(&spec(&[]), r).expect("filter matches").status,
            Severity::Operational
        );
    }

    #[test]
    fn groups_are_containers_and_name_their_children() {
        let body = br#"{"status":{"indicator":"none"},"components":[
          {"id":"g1","name":"API","status":"partial_outage","group":true,"components":["c1","c2"]},
          {"id":"c1","name":"Chat","status":"partial_outage","group_id":"g1","group":false},
          {"id":"c2","name":"Embeddings","status":"operational","group_id":"g1"},
          {"id":"c3","name":"Lonely","status":"under_maintenance","group_id":"missing"},
          {"name":"No id","status":"operational"},
          {"status":"operational"},
          {"id":"c5","name":"Odd","status":"sparkly"}
        ],"incidents":null,"scheduled_maintenances":null}"#;
        let r = read(body).expect("reads");
        let got: Vec<(&str, Option<&str>, Severity)> = r
            .components
            .iter()
            .map(|c| (c.id.as_str(), c.group.as_deref(), c.status))
            .collect();
        assert_eq!(
            got,
            [
                ("c1", Some("API"), Severity::PartialOutage),
                ("c2", Some("API"), Severity::Operational),
                ("c3", None, Severity::Maintenance),
                ("No id", None, Severity::Operational),
                ("c5", None, Severity::Unknown),
            ]
        );
        assert_eq!(r.status, Severity::PartialOutage);
        assert!(r.note.as_deref().unwrap_or("").contains("sparkly"));
        let api = finish(&spec(&["api"]), r).expect("filter matches");
        assert_eq!(api.components.len(), 2, "a group name selects its children");
        assert_eq!(api.status, Severity::PartialOutage);
    }

    #[test]
    fn indicator_lags_behind_open_minor_incident() {
        let body = br#"{"page":{"url":"https://status.example.com/"},"status":{"indicator":"none"},"components":[],
          "incidents":[{"id":"i1","name":"Errors &amp; more","status":"identified","impact":"minor",
            "created_at":"2026-09-23T10:00:00Z","components":null,"reminder_intervals":"[]",
            "incident_updates":[{"status":"identified","body":"b","display_at":null,"created_at":"2026-09-23T10:05:00Z","affected_components":null}]},
            {"id":"i2","name":"Over","status":"postmortem","impact":"critical","incident_updates":[]}],
          "scheduled_maintenances":[]}"#;
        let r = read(body).expect("reads");
        assert_eq!(r.status, Severity::Degraded);
        assert_eq!(r.incidents.len(), 1, "postmortem is over");
        let i = &r.incidents[0];
        assert_eq!(i.title, "Errors & more");
        assert_eq!(
            i.url.as_deref(),
            Some("https://status.example.com/incidents/i1")
        );
        assert_eq!(i.started_at, at("2026-09-23T10:00:00Z"));
        assert_eq!(i.updates[0].at, at("2026-09-23T10:05:00Z"));
        assert!(i.components.is_empty());
    }

    #[test]
    fn in_progress_maintenance_from_edited_fixture() {
        let m: Value = serde_json::from_slice(GITHUB_MAINTENANCE).expect("json");
        let mut maints = m.get("scheduled_maintenances").cloned().expect("list");
        if let Some(list) = maints.as_array_mut() {
            list.push(serde_json::json!({"id":"later","name":"Later","status":"scheduled","impact":"maintenance"}));
            list.push(serde_json::json!({"id":"done","name":"Done","status":"completed","impact":"maintenance"}));
        }
        let summary = serde_json::json!({
            "page": m.get("page"),
            "status": {"indicator": "maintenance", "description": "Service Under Maintenance"},
            "components": [{"id":"h2ftsgbw7kmk","name":"Codespaces","status":"under_maintenance","group":false}],
            "incidents": [],
            "scheduled_maintenances": maints,
        });
        let r = read(&serde_json::to_vec(&summary).expect("ser")).expect("reads");
        assert_eq!(r.status, Severity::Maintenance);
        assert_eq!(r.incidents.len(), 1);
        let mt = &r.incidents[0];
        assert_eq!(mt.id, "nwjwwhj118sf");
        assert_eq!(mt.kind, IncidentKind::Maintenance);
        assert_eq!(mt.impact, Severity::Maintenance);
        assert_eq!(mt.status, "in_progress");
        assert_eq!(mt.components, ["h2ftsgbw7kmk"]);
        assert_eq!(mt.started_at, at("2025-05-29T21:01:34.872Z"));
        assert_eq!(mt.updates.len(), 1);
        assert_eq!(mt.updates[0].status, "in_progress");
        let whole = finish(&spec(&[]), r).expect("filter matches");
        assert_eq!(whole.status, Severity::Maintenance);
        assert!(!whole.status.is_problem());
    }

    #[test]
    fn github_history_two_resolved() {
        let h = read_history(GITHUB_INCIDENTS).expect("reads");
        assert_eq!(h.len(), 2);
        let (a, b) = (&h[0], &h[1]);
        assert_eq!(a.id, "69sb0f8lydp4");
        assert_eq!(a.impact, Severity::PartialOutage);
        assert!(a.is_resolved());
        assert_eq!(a.resolved_at, at("2024-09-16T22:08:39.333Z"));
        assert_eq!(a.components, ["br0l2tvcx85d", "vg70hn9s2tyj"]);
        assert_eq!(
            a.updates.last().map(|u| u.status.as_str()),
            Some("resolved")
        );
        assert_eq!(b.title, "Disruption with Git SSH");
        assert_eq!(b.impact, Severity::Degraded);
        assert!(b.components.is_empty());
        assert_eq!(b.updates.len(), 6);
        assert_eq!(
            b.updates[0].text,
            "We are currently investigating this issue."
        );
        let br = b
            .updates
            .iter()
            .find(|u| u.text.starts_with("We are seeing up to 2%"))
            .expect("the <br /> update");
        assert_eq!(
            br.text,
            "We are seeing up to 2% of Git SSH connections failing.\n\nWe have taken suspected problematic hosts out of rotation and are monitoring for recovery and continuing to investigate."
        );
        assert!(b.updates.iter().all(|u| !u.text.contains('<')));
        assert_eq!(
            b.updates.last().map(|u| u.status.as_str()),
            Some("resolved")
        );
    }

    #[test]
    fn history_shapes() {
        assert_eq!(read_history(br#"{"incidents":null}"#), Ok(vec![]));
        assert_eq!(read_history(b"[]"), Ok(vec![]));
        assert!(matches!(
            read_history(br#"{"page":{}}"#),
            Err(ReadError::Shape(m)) if m.contains("incidents")
        ));
        assert!(matches!(
            read_history(br#"{"incidents":"[]"}"#),
            Err(ReadError::Shape(_))
        ));
        let h = read_history(
            br#"{"incidents":[{"id":7,"status":"resolved","incident_updates":[
            {"status":"resolved","created_at":"2026-09-23T10:00:00Z"}]},{"name":"no id"},5,null]}"#,
        )
        .expect("reads");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].id, "7");
        assert_eq!(h[0].resolved_at, at("2026-09-23T10:00:00Z"));
        assert_eq!(h[0].impact, Severity::Unknown);
    }

    #[test]
    fn every_truncation_is_an_error_or_a_reading() {
        for body in [
            GITHUB_SUMMARY,
            CLAUDE_SUMMARY,
            GITHUB_INCIDENTS,
            GITHUB_MAINTENANCE,
        ] {
            for n in (0..body.len()).step_by(37) {
                assert!(read(&body[..n]).is_err() || n == 0 || body[..n].ends_with(b"}"));
                let _ = read_history(&body[..n]);
            }
        }
    }

    #[test]
    fn errors_and_odd_shapes() {
        let html = b"<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head></html>";
        assert_eq!(read(html), Err(ReadError::Html));
        assert_eq!(read_history(html), Err(ReadError::Html));
        let truncated = &GITHUB_SUMMARY[..GITHUB_SUMMARY.len() / 2];
        assert!(matches!(read(truncated), Err(ReadError::Json(_))));
        assert!(matches!(read(b"[]"), Err(ReadError::Shape(_))));
        assert!(matches!(read(b"{}"), Err(ReadError::Shape(m)) if m.contains("status.indicator")));
        assert!(matches!(read(b"\"none\""), Err(ReadError::Shape(_))));
        let r =
            read(br#"{"status":{"indicator":"apocalyptic"},"components":null}"#).expect("reads");
        assert_eq!(r.status, Severity::Unknown);
        assert!(r.note.as_deref().unwrap_or("").contains("apocalyptic"));
        // Wrong types everywhere: no panic, nothing invented.
        let r = read(
            br#"{"status":{"indicator":"major"},"components":[1,"x",null,{"id":5}],
            "incidents":{"a":1},"scheduled_maintenances":"[]",
            "page":{"url":7}}"#,
        )
        .expect("reads");
        assert_eq!(r.status, Severity::PartialOutage);
        assert!(r.incidents.is_empty());
        let r = read(
            br#"{"status":{"indicator":"none"},"incidents":[{"id":"x","status":"investigating",
            "incident_updates":[null,{"body":5,"display_at":12}],"components":[null,{"id":3}]}]}"#,
        )
        .expect("reads");
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].updates.len(), 2);
    }
}
