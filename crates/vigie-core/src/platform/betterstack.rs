//! Better Stack / Better Uptime (Hugging Face, Together, Fireworks, Modal, Luma): one JSON:API
//! document, `/index.json`, holds everything.
//!
//! * page level: `data.attributes.aggregate_state` (operational / degraded / downtime / maintenance),
//!   trusted as given;
//! * components: `included[type=status_page_resource]`, grouped by their section's name;
//!   `not_monitored` resources are skipped (they have no state to report);
//! * incidents: `included[type=status_report]` whose `aggregate_state` is not `resolved`; resolved
//!   ones (the page's recent history) go to `past`. `ends_at` stays null on resolved reports, so it
//!   is never used to decide openness; their end is `ends_at`, else their last update.
//!   Their `status_update`s (linked by relationship or by `status_report_id`) become the updates.

use std::collections::HashMap;

use serde_json::Value;

use super::id_str;
use crate::model::{Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity};
use crate::platform::{json, ReadError};
use crate::{text, time};

pub fn endpoints(base: &str) -> Vec<String> {
    vec![format!("{base}/index.json")]
}

pub fn read(body: &[u8]) -> Result<Reading, ReadError> {
    let doc = json(body)?;
    let data = doc
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| ReadError::Shape("no JSON:API `data` object".into()))?;
    if let Some(t) = data.get("type").and_then(Value::as_str) {
        if t != "status_page" {
            return Err(ReadError::Shape(format!(
                "`data.type` is \"{t}\", not \"status_page\""
            )));
        }
    }
    let attrs = data.get("attributes");
    let page_word = attrs
        .and_then(|a| a.get("aggregate_state"))
        .and_then(Value::as_str)
        .map(|s| s.trim().to_lowercase());
    let (status, note) = match page_word.as_deref() {
        None => (
            Severity::Unknown,
            Some("no `data.attributes.aggregate_state`".to_string()),
        ),
        Some(w) => match Severity::from_component_word(w) {
            Some(s) => (s, None),
            None => (
                Severity::Unknown,
                Some(format!("unknown aggregate_state \"{w}\"")),
            ),
        },
    };

    let included = match doc.get("included") {
        Some(Value::Array(a)) => a.as_slice(),
        _ => &[],
    };
    let of_type = |t: &'static str| {
        included
            .iter()
            .filter(move |i| i.get("type").and_then(Value::as_str) == Some(t))
    };

    let sections: HashMap<String, String> = of_type("status_page_section")
        .filter_map(|s| {
            let id = s.get("id").and_then(id_str)?;
            let name = attr_str(s, "name")?;
            Some((id, name))
        })
        .collect();

    let components = of_type("status_page_resource")
        .filter_map(|r| {
            let id = r.get("id").and_then(id_str)?;
            let word = attr_str(r, "status").map(|s| s.to_lowercase());
            if word.as_deref() == Some("not_monitored") {
                return None;
            }
            let name = attr_str(r, "public_name")
                .or_else(|| attr_str(r, "name"))
                .unwrap_or_else(|| id.clone());
            let group = r
                .get("attributes")
                .and_then(|a| a.get("status_page_section_id"))
                .and_then(id_str)
                .and_then(|sid| sections.get(&sid).cloned());
            Some(Component {
                id,
                name,
                group,
                status: word
                    .as_deref()
                    .and_then(Severity::from_component_word)
                    .unwrap_or(Severity::Unknown),
            })
        })
        .collect();

    let updates: Vec<&Value> = of_type("status_update").collect();
    let (past, incidents): (Vec<Incident>, Vec<Incident>) = of_type("status_report")
        .filter_map(|r| report(r, &updates))
        .partition(Incident::is_resolved);

    Ok(Reading {
        status,
        components,
        incidents,
        notices: Vec::new(),
        past,
        note,
    })
}

fn report(r: &Value, all_updates: &[&Value]) -> Option<Incident> {
    let id = r.get("id").and_then(id_str)?;
    let state = attr_str(r, "aggregate_state")
        .map(|s| s.to_lowercase())
        .unwrap_or_default();
    let closed = crate::model::is_closed_word(&state);
    let mine = linked_updates(r, &id, all_updates);
    let is_maintenance = attr_str(r, "report_type")
        .is_some_and(|t| t.eq_ignore_ascii_case("maintenance"))
        || state == "maintenance";
    let (kind, impact) = if is_maintenance {
        (IncidentKind::Maintenance, Severity::Maintenance)
    } else {
        // Open: its state word; over: the worst word its updates gave. No or unknown words on a
        // report are still a problem: say degraded.
        let worst = if closed {
            mine.iter()
                .filter_map(|u| update_word(u))
                .filter_map(|w| Severity::from_component_word(&w))
                .max()
        } else {
            Severity::from_component_word(&state)
        };
        let s = worst
            .filter(|s| s.is_problem())
            .unwrap_or(Severity::Degraded);
        (IncidentKind::Incident, s)
    };
    let a = r.get("attributes");
    let components = ids_in(
        a.and_then(|a| a.get("affected_resources")),
        "status_page_resource_id",
    );

    let mut updates: Vec<IncidentUpdate> = mine
        .iter()
        .filter_map(|u| {
            let text = attr_str(u, "message").map(|m| text::tidy(&m))?;
            Some(IncidentUpdate {
                at: u
                    .get("attributes")
                    .and_then(|a| a.get("published_at"))
                    .and_then(time::from_json),
                status: update_word(u).unwrap_or_else(|| state.clone()),
                text,
            })
        })
        .collect();
    updates.sort_by_key(|u| u.at);
    // `ends_at` is often null even when resolved: then the last update is the end.
    let resolved_at = closed.then(|| {
        a.and_then(|a| a.get("ends_at"))
            .and_then(time::from_json)
            .or_else(|| updates.iter().filter_map(|u| u.at).max())
    });

    Some(Incident {
        title: attr_str(r, "title").unwrap_or_else(|| id.clone()),
        id,
        kind,
        status: state,
        impact,
        started_at: a.and_then(|a| a.get("starts_at")).and_then(time::from_json),
        resolved_at: resolved_at.flatten(),
        url: None,
        components,
        updates,
    })
}

/// The report's updates, linked by relationship or by their `status_report_id`.
fn linked_updates<'a>(r: &Value, id: &str, all: &[&'a Value]) -> Vec<&'a Value> {
    let linked = ids_in(
        r.get("relationships")
            .and_then(|x| x.get("status_updates"))
            .and_then(|x| x.get("data")),
        "id",
    );
    all.iter()
        .copied()
        .filter(|u| {
            let uid = u.get("id").and_then(id_str);
            let parent = u
                .get("attributes")
                .and_then(|a| a.get("status_report_id"))
                .and_then(id_str);
            uid.is_some_and(|x| linked.contains(&x)) || parent.as_deref() == Some(id)
        })
        .collect()
}

/// The `key` ids of a JSON:API list (absent or not a list: none).
fn ids_in(list: Option<&Value>, key: &str) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| x.get(key).and_then(id_str))
                .collect()
        })
        .unwrap_or_default()
}

/// An update has no lifecycle word of its own, only per-resource states: keep the worst one.
fn update_word(u: &Value) -> Option<String> {
    u.get("attributes")?
        .get("affected_resources")?
        .as_array()?
        .iter()
        .filter_map(|x| x.get("status").and_then(Value::as_str))
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .max_by_key(|w| Severity::from_component_word(w).unwrap_or(Severity::Unknown))
}

fn attr_str(v: &Value, key: &str) -> Option<String> {
    let s = v.get("attributes")?.get(key)?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/betterstack/betterstack-index-json-2026-09-23-DOCQUOTE-TRIMMED.json"
    ));

    #[test]
    fn endpoint() {
        assert_eq!(
            endpoints("https://status.huggingface.co"),
            ["https://status.huggingface.co/index.json"]
        );
    }

    #[test]
    fn fixture_operational_resolved_report_ignored() {
        let r = read(INDEX).expect("fixture parses");
        assert_eq!(r.status, Severity::Operational);
        assert_eq!(
            r.components,
            vec![Component {
                id: "4018902".into(),
                name: "Better Stack".into(),
                group: Some("Better Stack".into()),
                status: Severity::Operational,
            }]
        );
        assert!(
            r.incidents.is_empty(),
            "resolved report with ends_at null must not count as open"
        );
        assert_eq!(r.past.len(), 1, "it is history");
        let p = &r.past[0];
        assert!(p.is_resolved());
        assert!(
            p.resolved_at.is_some(),
            "ends_at null: the last update ends it"
        );
        assert_eq!(r.note, None);
    }

    fn downtime_doc() -> Vec<u8> {
        br#"{"data":{"id":"1","type":"status_page","attributes":{"aggregate_state":"downtime"}},
         "included":[
          {"type":"status_page_section","id":"10","attributes":{"name":"APIs"}},
          {"type":"status_page_resource","id":"100","attributes":{"public_name":"Inference","status":"downtime","status_page_section_id":10}},
          {"type":"status_page_resource","id":"101","attributes":{"public_name":"Hub","status":"degraded","status_page_section_id":"10"}},
          {"type":"status_page_resource","id":"102","attributes":{"public_name":"Legacy","status":"not_monitored"}},
          {"type":"status_page_resource","id":"103","attributes":{"public_name":"Spaces","status":"maintenance","status_page_section_id":99}},
          {"type":"status_report","id":"500","attributes":{"title":"Inference down","report_type":"manual",
             "starts_at":"2026-09-23T10:00:00.000Z","ends_at":null,"aggregate_state":"downtime",
             "affected_resources":[{"status_page_resource_id":"100","status":"downtime"},{"status_page_resource_id":101,"status":"degraded"}]},
           "relationships":{"status_updates":{"data":[{"id":"u2","type":"status_update"},{"id":"u1","type":"status_update"}]}}},
          {"type":"status_update","id":"u2","attributes":{"message":"  Fix deployed,\n\n\n monitoring. ","published_at":"2026-09-23T11:00:00.000Z",
             "affected_resources":[{"status_page_resource_id":"100","status":"degraded"},{"status_page_resource_id":"101","status":"resolved"}]}},
          {"type":"status_update","id":"u1","attributes":{"message":"Investigating.","published_at":"2026-09-23T10:05:00.000Z",
             "affected_resources":[{"status_page_resource_id":"100","status":"downtime"}]}},
          {"type":"status_update","id":"u3","attributes":{"message":"Other report","published_at":"2026-09-23T10:05:00.000Z"}},
          {"type":"status_report","id":"501","attributes":{"title":"DB maintenance","report_type":"maintenance",
             "starts_at":"2026-09-23T09:00:00Z","aggregate_state":"maintenance","affected_resources":[]}},
          {"type":"status_report","id":"502","attributes":{"title":"Old","aggregate_state":"resolved","ends_at":null}}
         ]}"#.to_vec()
    }

    #[test]
    fn downtime_with_open_report_and_maintenance() {
        let r = read(&downtime_doc()).expect("parses");
        assert_eq!(r.status, Severity::MajorOutage);
        let ids: Vec<_> = r.components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["100", "101", "103"], "not_monitored skipped");
        assert_eq!(r.components[0].status, Severity::MajorOutage);
        assert_eq!(r.components[0].group.as_deref(), Some("APIs"));
        assert_eq!(r.components[1].status, Severity::Degraded);
        assert_eq!(r.components[1].group.as_deref(), Some("APIs"));
        assert_eq!(r.components[2].status, Severity::Maintenance);
        assert_eq!(r.components[2].group, None, "unknown section: no group");

        assert_eq!(r.incidents.len(), 2);
        let i = &r.incidents[0];
        assert_eq!(i.id, "500");
        assert_eq!(i.kind, IncidentKind::Incident);
        assert_eq!(i.impact, Severity::MajorOutage);
        assert_eq!(i.status, "downtime");
        assert_eq!(i.components, ["100", "101"]);
        assert_eq!(i.resolved_at, None);
        assert!(!i.is_resolved());
        assert_eq!(i.updates.len(), 2);
        assert_eq!(i.updates[0].text, "Investigating.");
        assert_eq!(i.updates[0].status, "downtime");
        assert_eq!(i.updates[1].text, "Fix deployed,\n\nmonitoring.");
        assert_eq!(i.updates[1].status, "degraded", "worst resource word");
        let m = &r.incidents[1];
        assert_eq!(m.kind, IncidentKind::Maintenance);
        assert_eq!(m.impact, Severity::Maintenance);
        assert!(m.updates.is_empty());
        assert_eq!(r.past.len(), 1);
        assert_eq!(r.past[0].id, "502");
        assert_eq!(
            r.past[0].resolved_at, None,
            "no end and no update: unknown end"
        );
        assert!(r.past[0].is_resolved(), "the state word says it is over");
    }

    #[test]
    fn updates_linked_by_report_id_attribute() {
        let doc = br#"{"data":{"type":"status_page","attributes":{"aggregate_state":"degraded"}},"included":[
          {"type":"status_report","id":"7","attributes":{"title":"Slow","aggregate_state":"investigating"}},
          {"type":"status_update","id":"9","attributes":{"status_report_id":7,"message":"Looking","published_at":"2026-01-01T00:00:00Z"}}]}"#;
        let r = read(doc).expect("parses");
        assert_eq!(r.status, Severity::Degraded);
        assert_eq!(
            r.incidents[0].impact,
            Severity::Degraded,
            "unknown open word = degraded"
        );
        assert_eq!(r.incidents[0].status, "investigating");
        assert_eq!(r.incidents[0].updates[0].text, "Looking");
        assert_eq!(r.incidents[0].updates[0].status, "investigating");
    }

    #[test]
    fn unknown_and_missing_page_word() {
        let r =
            read(br#"{"data":{"type":"status_page","attributes":{"aggregate_state":"Purple"}}}"#)
                .expect("parses");
        assert_eq!(r.status, Severity::Unknown);
        assert_eq!(
            r.note.as_deref(),
            Some("unknown aggregate_state \"purple\"")
        );
        let r = read(br#"{"data":{"type":"status_page","attributes":null},"included":null}"#)
            .expect("parses");
        assert_eq!(r.status, Severity::Unknown);
        assert!(r.components.is_empty());
    }

    #[test]
    fn every_prefix_is_an_answer_not_a_panic() {
        let doc = downtime_doc();
        for n in 0..doc.len() {
            let _ = read(&doc[..n]);
        }
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(
            read(b"<html><head></head><body>challenge</body></html>"),
            Err(ReadError::Html)
        );
        assert!(matches!(read(&INDEX[..300]), Err(ReadError::Json(_))));
        assert!(matches!(read(b"[]"), Err(ReadError::Shape(_))));
        assert!(matches!(
            read(br#"{"data":null}"#),
            Err(ReadError::Shape(_))
        ));
        assert!(matches!(
            read(br#"{"data":{"type":"monitor"}}"#),
            Err(ReadError::Shape(_))
        ));
        let r = read(
            br#"{"data":{"type":"status_page","attributes":{"aggregate_state":"operational"}},
            "included":[null,3,{"type":"status_page_resource"},{"type":"status_page_resource","id":null},
            {"type":"status_report","id":"1","attributes":{"aggregate_state":null,"affected_resources":{"x":1}},
             "relationships":{"status_updates":{"data":null}}},
            {"type":"status_update","id":"2","attributes":{"message":null}}]}"#,
        )
        .expect("parses");
        assert!(r.components.is_empty());
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].impact, Severity::Degraded);
    }
}
