//! Instatus (fal.ai; Perplexity until 2026-08): `/v3/summary.json` for the page word and open incidents and
//! maintenances, `/v3/components.json` for the components — two requests, because the summary
//! carries no components and the components file no incidents.
//!
//! Quirks handled here: `activeIncidents` / `activeMaintenances` are *absent* when empty;
//! components.json is `{components:[…]}` live but a bare array (with `isParent`/`children`) in the
//! docs; `group` is null, a name or an object; names may be localised (`{default: "…"}`); `started`
//! may be a JavaScript `Date.toString()` string. Neither file lists closed incidents, so `past` stays
//! empty (history would need `/history.rss`). `HASISSUES` carries no degree, so the page level is
//! `Degraded` and the components and incident impacts (rolled up later) say how bad it really is.

use serde_json::Value;

use super::{array, id_str};
use crate::model::{Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity};
use crate::platform::{json, ReadError};
use crate::{text, time};

pub fn endpoints(base: &str) -> Vec<String> {
    vec![
        format!("{base}/v3/summary.json"),
        format!("{base}/v3/components.json"),
    ]
}

/// Parse `/v3/summary.json` and `/v3/components.json`.
pub fn read(summary: &[u8], components: &[u8]) -> Result<Reading, ReadError> {
    let summary = json(summary)?;
    let comps = json(components)?;

    let page = summary
        .get("page")
        .filter(|p| p.is_object())
        .ok_or_else(|| ReadError::Shape("summary has no `page` object".into()))?;
    let word = page
        .get("status")
        .and_then(Value::as_str)
        .ok_or_else(|| ReadError::Shape("summary `page.status` is missing".into()))?;
    let (status, note) = match page_level(word) {
        Some(s) => (s, None),
        None => (
            Severity::Unknown,
            Some(format!(
                "unknown page status \"{}\"",
                word.trim().to_lowercase()
            )),
        ),
    };

    let list = match &comps {
        Value::Array(a) => a.as_slice(),
        Value::Object(o) => match o.get("components") {
            Some(Value::Array(a)) => a.as_slice(),
            Some(Value::Null) => &[],
            _ => {
                return Err(ReadError::Shape(
                    "components.json has no `components` array".into(),
                ))
            }
        },
        _ => {
            return Err(ReadError::Shape(
                "components.json is neither an array nor an object".into(),
            ))
        }
    };
    let mut components = Vec::new();
    for c in list {
        push_component(c, None, &mut components);
    }

    let mut incidents: Vec<Incident> = array(&summary, "activeIncidents")
        .iter()
        .filter_map(|i| incident(i, IncidentKind::Incident))
        .collect();
    incidents.extend(
        array(&summary, "activeMaintenances")
            .iter()
            .filter_map(|m| incident(m, IncidentKind::Maintenance)),
    );

    Ok(Reading {
        status,
        components,
        incidents,
        notices: Vec::new(),
        past: Vec::new(),
        note,
    })
}

/// Page words: UP, HASISSUES, UNDERMAINTENANCE.
fn page_level(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_uppercase().as_str() {
        "UP" | "OPERATIONAL" => Some(Severity::Operational),
        "UNDERMAINTENANCE" => Some(Severity::Maintenance),
        // No degree given: the components and incidents decide how bad; "issues" is at least this.
        "HASISSUES" => Some(Severity::Degraded),
        _ => None,
    }
}

/// A component, or the children of a parent (docs shape: `isParent` + `children`).
fn push_component(c: &Value, parent: Option<&str>, out: &mut Vec<Component>) {
    let Some(name) = name_of(c.get("name")) else {
        return;
    };
    let id = c.get("id").and_then(id_str).unwrap_or_else(|| name.clone());
    let children = array(c, "children");
    if !children.is_empty() {
        for ch in children {
            push_component(ch, Some(&name), out);
        }
        return;
    }
    let group = match c.get("group") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(g @ Value::Object(_)) => name_of(g.get("name")),
        _ => None,
    }
    .or_else(|| parent.map(str::to_string));
    let status = c
        .get("status")
        .and_then(Value::as_str)
        .and_then(Severity::from_component_word)
        .unwrap_or(Severity::Unknown);
    out.push(Component {
        id,
        name,
        group,
        status,
    });
}

fn incident(v: &Value, kind: IncidentKind) -> Option<Incident> {
    let id = v.get("id").and_then(id_str)?;
    let status = v
        .get("status")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default();
    // "active" lists should hold only open items; drop finished or not-yet-started ones anyway.
    if crate::model::is_closed_word(&status) || status == "notstartedyet" {
        return None;
    }
    let title = name_of(v.get("name"))
        .or_else(|| name_of(v.get("title")))
        .unwrap_or_else(|| id.clone());
    let impact = match kind {
        IncidentKind::Maintenance => Severity::Maintenance,
        // An open incident with no or an unknown impact word is still a problem: say degraded.
        IncidentKind::Incident => v
            .get("impact")
            .and_then(Value::as_str)
            .and_then(Severity::from_component_word)
            .unwrap_or(Severity::Degraded),
    };
    let started_at = ["started", "start", "startedAt", "created_at", "createdAt"]
        .iter()
        .find_map(|k| v.get(*k).and_then(time::from_json));
    let components = ["components", "affectedComponents"]
        .iter()
        .flat_map(|k| array(v, k))
        .filter_map(|c| match c {
            Value::Object(_) => c.get("id").and_then(id_str),
            other => id_str(other),
        })
        .collect();
    let mut updates: Vec<IncidentUpdate> = ["updates", "incidentUpdates"]
        .iter()
        .flat_map(|k| array(v, k))
        .filter_map(update)
        .collect();
    updates.sort_by_key(|u| u.at);
    Some(Incident {
        id,
        kind,
        title,
        status,
        impact,
        started_at,
        resolved_at: None,
        url: v
            .get("url")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string),
        components,
        updates,
    })
}

fn update(u: &Value) -> Option<IncidentUpdate> {
    let raw = ["description", "message", "text", "body"]
        .iter()
        .find_map(|k| name_of(u.get(*k)))?;
    Some(IncidentUpdate {
        at: ["created_at", "createdAt", "date", "at", "started"]
            .iter()
            .find_map(|k| u.get(*k).and_then(time::from_json)),
        status: u
            .get("status")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_lowercase())
            .unwrap_or_default(),
        text: text::html_to_text(&raw),
    })
}

/// A name: a string, or a localised `{default: "…"}` / `{en: "…"}` object.
fn name_of(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o
            .get("default")
            .or_else(|| o.get("en"))
            .and_then(Value::as_str)?,
        _ => return None,
    };
    let s = text::tidy(s);
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY_UP: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/instatus/wistia-v3-summary-up-2026-09-23-DOCQUOTE.json"
    ));
    const COMPONENTS: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/instatus/wistia-v3-components-2026-09-23-DOCQUOTE-TRIMMED.json"
    ));

    #[test]
    fn endpoints_are_v3() {
        assert_eq!(
            endpoints("https://status.perplexity.com"),
            [
                "https://status.perplexity.com/v3/summary.json",
                "https://status.perplexity.com/v3/components.json"
            ]
        );
    }

    #[test]
    fn wistia_fixture_up() {
        let r = read(SUMMARY_UP, COMPONENTS).expect("fixture parses");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.incidents.is_empty(), "activeIncidents absent = none");
        assert_eq!(
            r.components,
            vec![Component {
                id: "cm86c68hh003drlefrrklqlw1".into(),
                name: "Group Record".into(),
                group: None,
                status: Severity::Operational,
            }]
        );
        assert_eq!(r.note, None);
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::Instatus, r),
            Severity::Operational
        );
    }

    #[test]
    fn major_outage_with_active_incident_and_maintenance() {
        let summary = br#"{"page":{"name":"P","url":"https://p","status":"HASISSUES"},
          "activeIncidents":[{"id":"inc1","name":"API down","started":"Sat Jun 11 2022 18:55:50 GMT+0000 (Coordinated Universal Time)",
             "status":"INVESTIGATING","impact":"MAJOROUTAGE","url":"https://p/incident/inc1"}],
          "activeMaintenances":[{"id":"m1","name":{"default":"DB upgrade"},"start":"2022-06-11T20:00:00.000Z",
             "status":"INPROGRESS","duration":"60","url":"https://p/maintenance/m1"},
             {"id":"m2","name":"Later","start":"2099-01-01T00:00:00Z","status":"NOTSTARTEDYET"}]}"#;
        let comps =
            br#"[{"id":"c1","name":"API","status":"MAJOROUTAGE","group":{"id":"g","name":"Core"}},
          {"id":"c2","name":"Web","status":"MINOROUTAGE","group":"Front"},
          {"id":"c3","name":"Docs","status":"UNDERMAINTENANCE","group":null},
          {"id":"c4","name":"Odd","status":"SOMETHINGNEW"}]"#;
        let r = read(summary, comps).expect("parses");
        assert_eq!(
            r.status,
            Severity::Degraded,
            "HASISSUES: page level is degraded"
        );
        let st: Vec<_> = r.components.iter().map(|c| c.status).collect();
        assert_eq!(
            st,
            [
                Severity::MajorOutage,
                Severity::PartialOutage,
                Severity::Maintenance,
                Severity::Unknown
            ]
        );
        assert_eq!(r.components[0].group.as_deref(), Some("Core"));
        assert_eq!(r.components[1].group.as_deref(), Some("Front"));
        assert_eq!(r.components[2].group, None);
        assert_eq!(r.incidents.len(), 2, "not-yet-started maintenance dropped");
        let inc = &r.incidents[0];
        assert_eq!(inc.kind, IncidentKind::Incident);
        assert_eq!(inc.impact, Severity::MajorOutage);
        assert_eq!(inc.status, "investigating");
        assert_eq!(
            inc.started_at.map(|t| t.to_rfc3339()),
            Some("2022-06-11T18:55:50+00:00".into())
        );
        assert_eq!(inc.url.as_deref(), Some("https://p/incident/inc1"));
        let m = &r.incidents[1];
        assert_eq!(m.kind, IncidentKind::Maintenance);
        assert_eq!(m.impact, Severity::Maintenance);
        assert_eq!(m.title, "DB upgrade");
        assert_eq!(m.status, "inprogress");
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::Instatus, r),
            Severity::MajorOutage
        );
    }

    #[test]
    fn docs_shape_bare_array_with_children() {
        let summary = br#"{"page":{"status":"UNDERMAINTENANCE"},"activeIncidents":null}"#;
        let comps = br#"[{"id":"p","name":"Platform","isParent":true,"status":"OPERATIONAL",
            "children":[{"id":"k1","name":"Kid","status":"DEGRADEDPERFORMANCE"}]}]"#;
        let r = read(summary, comps).expect("parses");
        assert_eq!(r.status, Severity::Maintenance);
        assert_eq!(r.components.len(), 1);
        assert_eq!(r.components[0].id, "k1");
        assert_eq!(r.components[0].group.as_deref(), Some("Platform"));
        assert_eq!(r.components[0].status, Severity::Degraded);
    }

    #[test]
    fn incident_updates_oldest_first_and_unknown_impact_is_degraded() {
        let summary = br#"{"page":{"status":"HASISSUES"},"activeIncidents":[{"id":"i","name":"x",
          "status":"MONITORING","impact":"WEIRD","components":[{"id":"c1"},"c2"],
          "updates":[{"description":"<p>Fixed &amp; watching</p>","status":"MONITORING","created_at":"2026-01-01T02:00:00Z"},
                     {"description":"Looking","status":"INVESTIGATING","created_at":"2026-01-01T01:00:00Z"}]},
          {"id":"gone","name":"done","status":"RESOLVED","impact":"MAJOROUTAGE"}]}"#;
        let r = read(summary, br#"{"components":[]}"#).expect("parses");
        assert_eq!(r.incidents.len(), 1, "resolved dropped");
        let i = &r.incidents[0];
        assert_eq!(i.impact, Severity::Degraded);
        assert_eq!(i.components, ["c1", "c2"]);
        assert_eq!(i.updates[0].text, "Looking");
        assert_eq!(i.updates[1].text, "Fixed & watching");
        assert_eq!(i.updates[1].status, "monitoring");
    }

    #[test]
    fn unknown_page_word_is_unknown_with_note() {
        let r = read(br#"{"page":{"status":"Sideways"}}"#, b"[]").expect("parses");
        assert_eq!(r.status, Severity::Unknown);
        assert_eq!(r.note.as_deref(), Some("unknown page status \"sideways\""));
    }

    #[test]
    fn every_prefix_is_an_answer_not_a_panic() {
        for n in 0..SUMMARY_UP.len() {
            let _ = read(&SUMMARY_UP[..n], COMPONENTS);
        }
        for n in 0..COMPONENTS.len() {
            let _ = read(SUMMARY_UP, &COMPONENTS[..n]);
        }
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let html = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>";
        assert_eq!(read(html, COMPONENTS), Err(ReadError::Html));
        assert_eq!(read(SUMMARY_UP, html), Err(ReadError::Html));
        assert!(matches!(
            read(&SUMMARY_UP[..40], COMPONENTS),
            Err(ReadError::Json(_))
        ));
        assert!(matches!(read(b"{}", COMPONENTS), Err(ReadError::Shape(_))));
        assert!(matches!(
            read(br#"{"page":{"status":null}}"#, COMPONENTS),
            Err(ReadError::Shape(_))
        ));
        assert!(matches!(
            read(SUMMARY_UP, br#"{"components":7}"#),
            Err(ReadError::Shape(_))
        ));
        assert!(matches!(read(SUMMARY_UP, b"42"), Err(ReadError::Shape(_))));
        // Nulls and wrong types inside: skipped, never a panic.
        let r = read(
            br#"{"page":{"status":"UP"},"activeIncidents":[null,1,{"id":null},{"id":5,"name":null,"started":[]}],"activeMaintenances":"x"}"#,
            br#"{"components":[null,{"name":null},{"id":1,"name":"N","status":null,"group":7}]}"#,
        )
        .expect("parses");
        assert_eq!(r.components.len(), 1);
        assert_eq!(r.components[0].id, "1");
        assert_eq!(r.components[0].status, Severity::Unknown);
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].title, "5");
        assert_eq!(r.incidents[0].started_at, None);
    }
}
