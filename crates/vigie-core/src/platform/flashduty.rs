//! Flashduty (Flashcat) status pages — DeepSeek. Two documents:
//!
//! * `…/summary/active` → `{page:{components[],sections[]}, active_changes[]}`: the current state;
//! * `…/change/list` → `{items[]}`: history, resolved changes included.
//!
//! The real API wraps each document in `{data: …}` (the only known client, aiwatch's scraper, reads
//! `response.data`, and the recorded fixture bundles those unwrapped `data` objects); both wrapped and
//! unwrapped forms are accepted, as is the scraper's `{active, changeList, structure}` bundle.
//!
//! Page components carry **no status**: a component is operational unless an open change lists it
//! in `affected_components` (whose `status` is the component's current word). There is no page
//! word either, so the page level is `Unknown` and the roll-up decides. Times are epoch seconds, with
//! 0 or absent meaning "not closed". Text is bilingual ("中文\n\nEnglish") and kept whole; `update_id`
//! may be empty on migrated items, so updates are keyed by nothing.

use std::collections::HashMap;

use serde_json::Value;

use super::{array, id_str, str_of};
use crate::model::{Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity};
use crate::platform::{json, ReadError};
use crate::{text, time};

pub fn endpoints(base: &str, page_id: Option<&str>) -> Result<Vec<String>, ReadError> {
    let p = page_id
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ReadError::Config("a Flashduty service needs `page_id` (the status page number)".into())
        })?;
    Ok(vec![format!("{base}/api/status-page/{p}/summary/active")])
}

/// Parse `summary/active`.
pub fn read(body: &[u8]) -> Result<Reading, ReadError> {
    let doc = json(body)?;
    let doc = unwrap(&doc, "active")?;
    let page = doc
        .get("page")
        .filter(|p| p.is_object())
        .ok_or_else(|| ReadError::Shape("summary/active has no `page` object".into()))?;

    let sections: HashMap<String, String> = array(page, "sections")
        .iter()
        .filter_map(|s| {
            let id = ["section_id", "id"]
                .iter()
                .find_map(|k| s.get(*k).and_then(id_str))?;
            Some((id, str_of(s, "name")?.to_string()))
        })
        .collect();

    let changes: Vec<&Value> = match doc.get("active_changes") {
        Some(Value::Array(a)) => a.iter().collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(ReadError::Shape("`active_changes` is not an array".into())),
    };
    let incidents: Vec<Incident> = changes
        .iter()
        .filter_map(|c| change(c, true))
        .filter(|i| !i.is_resolved())
        .collect();

    // Current component words from the open changes (worst wins).
    let mut live: HashMap<String, Severity> = HashMap::new();
    for c in &changes {
        if str_of(c, "status").is_some_and(crate::model::is_closed_word) {
            continue;
        }
        for a in array(c, "affected_components") {
            let (Some(id), Some(s)) = (
                a.get("component_id").and_then(id_str),
                a.get("status").and_then(Value::as_str).map(word_severity),
            ) else {
                continue;
            };
            let e = live.entry(id).or_insert(s);
            *e = (*e).max(s);
        }
    }

    let mut components = Vec::new();
    for c in array(page, "components") {
        push_component(c, None, &sections, &live, &mut components);
    }
    // Sections may also hold their components (newer page layouts).
    for s in array(page, "sections") {
        let name = str_of(s, "name");
        for c in array(s, "components") {
            push_component(c, name, &sections, &live, &mut components);
        }
    }

    Ok(Reading {
        status: Severity::Unknown,
        components,
        incidents,
        notices: Vec::new(),
        past: Vec::new(),
        note: None,
    })
}

/// Parse `change/list` (all changes, resolved included).
pub fn read_history(body: &[u8]) -> Result<Vec<Incident>, ReadError> {
    let doc = json(body)?;
    let items = match &doc {
        Value::Array(a) => a.as_slice(),
        _ => {
            let d = unwrap(&doc, "changeList")?;
            match d.get("items") {
                Some(Value::Array(a)) => a.as_slice(),
                None | Some(Value::Null) => &[],
                Some(_) => return Err(ReadError::Shape("`items` is not an array".into())),
            }
        }
    };
    Ok(items.iter().filter_map(|c| change(c, false)).collect())
}

/// `{data: X}` → X; the scraper bundle `{active: X}` (or `changeList`) → X; else the document.
fn unwrap<'a>(doc: &'a Value, bundle_key: &str) -> Result<&'a Value, ReadError> {
    if !doc.is_object() {
        return Err(ReadError::Shape("expected a JSON object".into()));
    }
    match doc.get("data") {
        Some(d @ Value::Object(_)) => return Ok(d),
        Some(Value::Null) | None => {}
        Some(_) => return Err(ReadError::Shape("`data` is not an object".into())),
    }
    if let Some(d @ Value::Object(_)) = doc.get(bundle_key) {
        return Ok(d);
    }
    if doc.get("page").is_none() && doc.get("items").is_none() {
        if let Some(e) = doc.get("error") {
            let msg = e
                .get("message")
                .and_then(Value::as_str)
                .or_else(|| e.as_str())
                .unwrap_or("no message");
            return Err(ReadError::Shape(format!(
                "the API answered an error: {msg}"
            )));
        }
    }
    Ok(doc)
}

fn push_component(
    c: &Value,
    group: Option<&str>,
    sections: &HashMap<String, String>,
    live: &HashMap<String, Severity>,
    out: &mut Vec<Component>,
) {
    let Some(id) = ["component_id", "id"]
        .iter()
        .find_map(|k| c.get(*k).and_then(id_str))
    else {
        return;
    };
    if out.iter().any(|x| x.id == id) {
        return;
    }
    let group = group.map(str::to_string).or_else(|| {
        c.get("section_id")
            .and_then(id_str)
            .and_then(|s| sections.get(&s).cloned())
    });
    // Page components carry no status; a status field, if one ever appears, is a floor.
    let own = c
        .get("status")
        .and_then(Value::as_str)
        .map(word_severity)
        .unwrap_or(Severity::Operational);
    let status = live
        .get(&id)
        .copied()
        .unwrap_or(Severity::Operational)
        .max(own);
    out.push(Component {
        name: str_of(c, "name").map_or_else(|| id.clone(), str::to_string),
        id,
        group,
        status,
    });
}

/// An update with its raw epoch seconds (for ordering) and its component words.
type Timed = (Option<i64>, IncidentUpdate, Vec<(String, Severity)>);

/// One change (incident or maintenance). `active`: impact from current component words, else from
/// the worst word seen over the change's life (history).
fn change(c: &Value, active: bool) -> Option<Incident> {
    let id = ["change_id", "id"]
        .iter()
        .find_map(|k| c.get(*k).and_then(id_str))?;
    let kind = match str_of(c, "type").map(|t| t.to_lowercase()).as_deref() {
        Some("maintenance") => IncidentKind::Maintenance,
        _ => IncidentKind::Incident,
    };
    let status = str_of(c, "status")
        .map(|s| s.to_lowercase())
        .unwrap_or_default();

    let mut updates: Vec<Timed> = array(c, "updates")
        .iter()
        .filter(|u| u.is_object())
        .map(|u| {
            let secs = u.get("at_seconds").and_then(secs_of);
            let changes = array(u, "component_changes")
                .iter()
                .filter_map(|cc| {
                    Some((
                        cc.get("component_id").and_then(id_str)?,
                        word_severity(cc.get("status").and_then(Value::as_str)?),
                    ))
                })
                .collect();
            let upd = IncidentUpdate {
                at: u.get("at_seconds").and_then(time::from_json),
                status: str_of(u, "status")
                    .map(|s| s.to_lowercase())
                    .unwrap_or_default(),
                text: u
                    .get("description")
                    .and_then(Value::as_str)
                    .map(text::tidy)
                    .unwrap_or_default(),
            };
            (secs, upd, changes)
        })
        .collect();
    updates.sort_by_key(|(s, _, _)| *s);

    let affected: Vec<(String, Severity)> = array(c, "affected_components")
        .iter()
        .filter_map(|a| {
            Some((
                a.get("component_id").and_then(id_str)?,
                a.get("status")
                    .and_then(Value::as_str)
                    .map(word_severity)
                    .unwrap_or(Severity::Unknown),
            ))
        })
        .collect();

    let mut components: Vec<String> = Vec::new();
    for id in affected.iter().map(|(i, _)| i).chain(
        updates
            .iter()
            .flat_map(|(_, _, ch)| ch.iter().map(|(i, _)| i)),
    ) {
        if !components.contains(id) {
            components.push(id.clone());
        }
    }

    let impact = if kind == IncidentKind::Maintenance {
        Severity::Maintenance
    } else {
        let known = |s: &Severity| *s != Severity::Unknown;
        // Open: the components' current words, else the latest words an update gave.
        let current = affected.iter().map(|(_, s)| *s).filter(known).max();
        let last_update = updates
            .iter()
            .rev()
            .find_map(|(_, _, ch)| ch.iter().map(|(_, s)| *s).filter(known).max());
        // History: the worst word seen over the change's life.
        let worst_ever = updates
            .iter()
            .flat_map(|(_, _, ch)| ch.iter().map(|(_, s)| *s))
            .chain(affected.iter().map(|(_, s)| *s))
            .filter(known)
            .max();
        let pick = if active {
            current.or(last_update)
        } else {
            worst_ever
        };
        // A change with no component word at all is still a problem while it lasts.
        pick.unwrap_or(Severity::Degraded)
    };

    let closed_at = ["close_at_seconds", "end_at_seconds"]
        .iter()
        .find_map(|k| c.get(*k).and_then(time::from_json));
    let resolved_at = closed_at.or_else(|| {
        crate::model::is_closed_word(&status)
            .then(|| updates.iter().rev().find_map(|(_, u, _)| u.at))
            .flatten()
    });

    Some(Incident {
        title: str_of(c, "title")
            .map(text::tidy)
            .unwrap_or_else(|| id.clone()),
        id,
        kind,
        status,
        impact,
        started_at: c.get("start_at_seconds").and_then(time::from_json),
        resolved_at,
        url: None,
        components,
        updates: updates.into_iter().map(|(_, u, _)| u).collect(),
    })
}

/// Component words: degraded / partial_outage / full_outage / operational (+ maintenance);
/// unknown words are a problem we cannot grade: degraded.
fn word_severity(w: &str) -> Severity {
    Severity::from_component_word(w).unwrap_or(Severity::Degraded)
}

fn secs_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/flashduty/deepseek-flashduty-page-changes-structure-2026-06.json"
    ));
    const API: &str = "01KR3NC9ETZYF436Z8YT1HM047";
    const WEB: &str = "01KR3NC9ETESRRQ4GABE0TGW53";

    fn part(key: &str) -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_slice(BUNDLE).expect("fixture is JSON");
        v[key].clone()
    }
    fn bytes(v: &serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(v).expect("serialises")
    }

    #[test]
    fn endpoints_need_page_id() {
        assert_eq!(
            endpoints("https://status.deepseek.com", Some("6410630422455")),
            Ok(vec![
                "https://status.deepseek.com/api/status-page/6410630422455/summary/active".into()
            ])
        );
        assert!(matches!(
            endpoints("https://x", None),
            Err(ReadError::Config(_))
        ));
        assert!(matches!(
            endpoints("https://x", Some(" ")),
            Err(ReadError::Config(_))
        ));
    }

    #[test]
    fn fixture_active_quiet_wrapped_unwrapped_and_bundle() {
        let active = part("active");
        let wrapped = serde_json::json!({"code": 0, "data": active.clone()});
        for body in [bytes(&active), bytes(&wrapped), BUNDLE.to_vec()] {
            let r = read(&body).expect("parses");
            assert_eq!(r.status, Severity::Unknown, "no page word");
            assert!(r.incidents.is_empty());
            let c: Vec<_> = r
                .components
                .iter()
                .map(|c| (c.id.as_str(), c.status))
                .collect();
            assert_eq!(
                c,
                [(API, Severity::Operational), (WEB, Severity::Operational)]
            );
            assert_eq!(r.components[0].name, "API 服务 (API Service)");
            assert_eq!(r.components[0].group, None);
            assert_eq!(
                crate::platform::rolled(crate::platform::Kind::Flashduty, r),
                Severity::Operational
            );
        }
    }

    #[test]
    fn fixture_history() {
        let list = part("changeList");
        let wrapped = serde_json::json!({"data": list.clone()});
        for body in [bytes(&list), bytes(&wrapped)] {
            let h = read_history(&body).expect("parses");
            assert_eq!(h.len(), 15);
            assert!(h.iter().all(|i| i.is_resolved() && i.resolved_at.is_some()));
            let first = &h[0];
            assert_eq!(first.id, "6551550194287");
            assert_eq!(
                first.title,
                "DeepSeek 网页 性能下降（DeepSeek Web Degraded Performance）"
            );
            assert_eq!(first.components, [WEB]);
            assert_eq!(first.impact, Severity::Degraded, "worst word over its life");
            assert_eq!(first.started_at.map(|t| t.timestamp()), Some(1_780_991_884));
            assert_eq!(
                first.resolved_at.map(|t| t.timestamp()),
                Some(1_780_994_827)
            );
            assert_eq!(first.updates.len(), 2);
            assert_eq!(first.updates[0].status, "identified");
            assert_eq!(
                first.updates[0].text,
                "已定位原因，正在实施修复。\n\nThe cause has been identified and a fix is being implemented."
            );
            assert!(first.updates.windows(2).all(|w| w[0].at <= w[1].at));
        }
        let h = read_history(BUNDLE).expect("bundle accepted too");
        // full_outage seen during 6480608319287; one of its updates has no component_changes.
        let big = h.iter().find(|i| i.id == "6480608319287").expect("present");
        assert_eq!(big.impact, Severity::MajorOutage);
        assert_eq!(big.components, [API, WEB]);
        let pa = h.iter().find(|i| i.id == "6499101276287").expect("present");
        assert_eq!(pa.impact, Severity::PartialOutage);
    }

    fn open_doc(comp_status: &str) -> Vec<u8> {
        format!(
            r#"{{"data":{{"page":{{"components":[
                {{"component_id":"{API}","name":"API 服务 (API Service)","section_id":"s1"}},
                {{"component_id":"{WEB}","name":"网页对话服务 (Web Chat Service)"}}],
              "sections":[{{"section_id":"s1","name":"Core"}}]}},
              "active_changes":[{{"change_id":1234,"type":"incident","title":"API 不可用（API down）",
                "status":"investigating","start_at_seconds":1790157600,"close_at_seconds":0,
                "affected_components":[{{"component_id":"{API}","name":"API","status":"{comp_status}"}}],
                "updates":[
                  {{"update_id":"","at_seconds":1790158200,"status":"identified","description":"已定位\n\nIdentified",
                    "component_changes":[{{"component_id":"{API}","status":"{comp_status}"}}]}},
                  {{"update_id":"","at_seconds":1790157600,"status":"investigating","description":"调查中\n\nInvestigating"}}]}}]}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn full_outage_open_change() {
        let r = read(&open_doc("full_outage")).expect("parses");
        assert_eq!(r.status, Severity::Unknown);
        assert_eq!(r.components[0].status, Severity::MajorOutage);
        assert_eq!(r.components[0].group.as_deref(), Some("Core"));
        assert_eq!(r.components[1].status, Severity::Operational);
        assert_eq!(r.incidents.len(), 1);
        let i = &r.incidents[0];
        assert_eq!(i.id, "1234");
        assert_eq!(i.impact, Severity::MajorOutage);
        assert_eq!(i.status, "investigating");
        assert_eq!(i.resolved_at, None, "close_at_seconds 0 = open");
        assert_eq!(i.components, [API]);
        assert_eq!(i.updates[0].text, "调查中\n\nInvestigating");
        assert_eq!(i.updates[1].status, "identified");
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::Flashduty, r.clone()),
            Severity::MajorOutage
        );

        let r = read(&open_doc("partial_outage")).expect("parses");
        assert_eq!(r.incidents[0].impact, Severity::PartialOutage);
        let r = read(&open_doc("degraded")).expect("parses");
        assert_eq!(r.components[0].status, Severity::Degraded);
        let r = read(&open_doc("brand_new_word")).expect("parses");
        assert_eq!(
            r.components[0].status,
            Severity::Degraded,
            "unknown word = degraded"
        );
    }

    #[test]
    fn maintenance_and_sections_holding_components() {
        let doc = br#"{"page":{"components":[],"sections":[{"id":"s","name":"Chat Service",
            "components":[{"component_id":"c1","name":"Instant"},{"component_id":"c2","name":"Expert"}]}]},
          "active_changes":[{"change_id":"m","type":"maintenance","title":"upgrade","status":"in_progress",
            "affected_components":[{"component_id":"c1","status":"maintenance"}]},
            {"change_id":"r","type":"incident","title":"done","status":"resolved",
            "affected_components":[{"component_id":"c2","status":"full_outage"}]}]}"#;
        let r = read(doc).expect("parses");
        assert_eq!(r.components.len(), 2);
        assert_eq!(r.components[0].group.as_deref(), Some("Chat Service"));
        assert_eq!(r.components[0].status, Severity::Maintenance);
        assert_eq!(
            r.components[1].status,
            Severity::Operational,
            "resolved change ignored"
        );
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].kind, IncidentKind::Maintenance);
        assert_eq!(r.incidents[0].impact, Severity::Maintenance);
    }

    #[test]
    fn every_prefix_is_an_answer_not_a_panic() {
        for n in (0..BUNDLE.len()).step_by(101) {
            let _ = read(&BUNDLE[..n]);
            let _ = read_history(&BUNDLE[..n]);
        }
        let doc = open_doc("full_outage");
        for n in 0..doc.len() {
            let _ = read(&doc[..n]);
        }
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(
            read(b"<html><head><title>x</title></head></html>"),
            Err(ReadError::Html)
        );
        assert!(matches!(read(&BUNDLE[..1000]), Err(ReadError::Json(_))));
        assert!(matches!(
            read_history(&BUNDLE[..1000]),
            Err(ReadError::Json(_))
        ));
        assert!(matches!(read(b"[]"), Err(ReadError::Shape(_))));
        assert!(matches!(read(b"{}"), Err(ReadError::Shape(_))));
        assert!(matches!(
            read(br#"{"data":null}"#),
            Err(ReadError::Shape(_))
        ));
        assert!(matches!(read(br#"{"data":3}"#), Err(ReadError::Shape(_))));
        assert_eq!(
            read(br#"{"error":{"code":"NotFound","message":"page not found"}}"#),
            Err(ReadError::Shape(
                "the API answered an error: page not found".into()
            ))
        );
        assert!(matches!(
            read(br#"{"page":{},"active_changes":{}}"#),
            Err(ReadError::Shape(_))
        ));
        let r = read(br#"{"page":{"components":null,"sections":null},"active_changes":null}"#)
            .expect("nulls are empty");
        assert!(r.components.is_empty() && r.incidents.is_empty());
        let r = read(
            br#"{"page":{"components":[null,{"name":"no id"},{"component_id":5}]},
              "active_changes":[null,{"change_id":null},{"change_id":9,"updates":[null,{"at_seconds":"x"}],
              "affected_components":[null,{"component_id":5,"status":null}]}]}"#,
        )
        .expect("parses");
        assert_eq!(r.components.len(), 1);
        assert_eq!(r.components[0].name, "5");
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].impact, Severity::Degraded);
        assert_eq!(read_history(b"[]").expect("ok"), vec![]);
        assert_eq!(
            read_history(br#"{"data":{"items":null}}"#).expect("ok"),
            vec![]
        );
        assert!(matches!(
            read_history(br#"{"items":1}"#),
            Err(ReadError::Shape(_))
        ));
    }
}
