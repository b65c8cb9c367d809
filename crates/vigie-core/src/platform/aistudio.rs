//! Google AI Studio's own status (aistudio.google.com/status, the Gemini API as developers use it):
//! the `ListIncidentsHistory` RPC, JSON+protobuf with positional arrays and no field names.
//!
//! Reply: `[[[incident, …]]]`, `incident = [id, title, severity, updates, primary product,
//! products]`, `update = [type, "YYYY-MM-DD HH:MM" (US Pacific), ["<epoch seconds>"], text]`.
//! * severity 1 = disruption (degraded), 2 = outage (major outage);
//! * update type 1 detected, 2 identified, 3 fix implemented, 4 resolved, 5 mitigation under way;
//!   an incident is over when its latest update is a 4 (a 5 after a 4 reopens it);
//! * products 1 = Gemini API, 2 = Gemini Live API (Multimodal Live / Realtime), 3 = AI Studio.
//!
//! The page publishes no component statuses, only incidents naming products, so the products are
//! the components: operational unless an open incident names them (then its severity). The list is
//! the page's whole history: closed incidents go to `past`. Times are the epoch values (UTC), never
//! the Pacific display strings. A `)]}'` anti-XSS prefix, if sent, is skipped.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use crate::model::{Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity};
use crate::platform::{json, ReadError};

/// Where people read it; incidents have no page of their own.
pub const PAGE: &str = "https://aistudio.google.com/status";

/// The RPC path, under the `alkalimakersuite-pa.clients6.google.com` origin.
pub const RPC_PATH: &str = "/$rpc/google.internal.alkali.applications.makersuite.v1.MakerSuiteService/ListIncidentsHistory";

/// The products the page names, by number.
const PRODUCTS: [(&str, &str); 3] = [
    ("1", "Gemini API"),
    ("2", "Gemini Live API"),
    ("3", "AI Studio"),
];

pub fn endpoints(base: &str) -> Vec<String> {
    vec![format!("{base}{RPC_PATH}")]
}

/// How the RPC must be called (observed in AI Studio's page and in other monitors, see
/// tests/fixtures/PROVENANCE.md): a POST of `[]`, these headers, and `X-Goog-Api-Key` set to the
/// page's public browser key (see [`key_candidates`]); without the Referer Google answers 403.
pub const POST_BODY: &[u8] = b"[]";
pub const HEADERS: [(&str, &str); 4] = [
    ("Content-Type", "application/json+protobuf"),
    ("X-User-Agent", "grpc-web-javascript/0.1"),
    ("Origin", "https://aistudio.google.com"),
    ("Referer", "https://aistudio.google.com/"),
];

/// The public browser keys (`AIza` + 35 characters) that the status page's HTML embeds, in page
/// order without repeats: the caller tries them in turn. They are not secrets (every visitor gets
/// them) but are never logged or stored.
pub fn key_candidates(html: &[u8]) -> Vec<String> {
    const LEN: usize = 39;
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(at) = html
        .get(i..)
        .and_then(|h| h.windows(4).position(|w| w == b"AIza"))
    {
        let start = i + at;
        let end = start + LEN;
        let whole = html
            .get(start..end)
            .is_some_and(|k| k.iter().all(|b| ok(*b)))
            && !html.get(end).is_some_and(|b| ok(*b))
            && !(start > 0 && html.get(start - 1).is_some_and(|b| ok(*b)));
        if whole {
            let key = String::from_utf8_lossy(&html[start..end]).into_owned();
            if !out.contains(&key) {
                out.push(key);
            }
        }
        i = start + 4;
    }
    out
}

pub fn read(body: &[u8]) -> Result<Reading, ReadError> {
    let body = crate::platform::strip_bom(body).trim_ascii_start();
    let body = body.strip_prefix(b")]}'").unwrap_or(body);
    let doc = json(body)?;
    let mut notes = Vec::new();
    let mut incidents = Vec::new();
    let mut past = Vec::new();
    for v in incident_list(&doc)? {
        let Some(i) = incident(v, &mut notes) else {
            continue;
        };
        if i.is_resolved() {
            past.push(i);
        } else {
            incidents.push(i);
        }
    }

    let mut components: Vec<Component> = PRODUCTS
        .iter()
        .map(|(id, name)| Component {
            id: (*id).to_string(),
            name: (*name).to_string(),
            group: None,
            status: Severity::Operational,
        })
        .collect();
    for i in incidents.iter().chain(&past) {
        for p in &i.components {
            if !components.iter().any(|c| &c.id == p) {
                components.push(Component {
                    id: p.clone(),
                    name: format!("product {p}"),
                    group: None,
                    status: Severity::Operational,
                });
            }
        }
    }
    for i in &incidents {
        for c in components
            .iter_mut()
            .filter(|c| i.components.contains(&c.id))
        {
            c.status = c.status.max(i.impact);
        }
    }
    notes.sort();
    notes.dedup();
    Ok(Reading {
        // The reply is the complete list: no open incident is an explicit all-clear.
        status: Severity::Operational,
        components,
        incidents,
        notices: Vec::new(),
        past,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// `[[[incident, …]]]`; `[]` and `[[]]` are an empty history.
fn incident_list(doc: &Value) -> Result<&[Value], ReadError> {
    let shape = || ReadError::Shape("expected the [[[incident, …]]] envelope".into());
    let outer = doc.as_array().ok_or_else(shape)?;
    let Some(first) = outer.first() else {
        return Ok(&[]);
    };
    let middle = first.as_array().ok_or_else(shape)?;
    match middle.first() {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(list)) => Ok(list),
        Some(_) => Err(shape()),
    }
}

fn incident(v: &Value, notes: &mut Vec<String>) -> Option<Incident> {
    let id = v.get(0).and_then(super::id_str)?;
    let title = v
        .get(1)
        .and_then(Value::as_str)
        .map(crate::text::tidy)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| id.clone());
    let impact = match v.get(2).and_then(Value::as_i64) {
        Some(1) => Severity::Degraded,
        Some(2) => Severity::MajorOutage,
        other => {
            notes.push(format!("unknown severity {other:?}"));
            Severity::Degraded
        }
    };
    // (type, time, list position) so that equal times keep the page's order.
    let mut raw: Vec<(i64, Option<DateTime<Utc>>, usize, String)> = v
        .get(3)
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .enumerate()
                .filter_map(|(n, u)| {
                    let kind = u.get(0).and_then(Value::as_i64)?;
                    let at = u.get(2).and_then(epoch);
                    let text = u.get(3).and_then(Value::as_str).map(crate::text::tidy);
                    Some((kind, at, n, text.unwrap_or_default()))
                })
                .collect()
        })
        .unwrap_or_default();
    raw.sort_by_key(|(_, at, n, _)| (*at, *n));
    for (kind, ..) in &raw {
        if !(1..=5).contains(kind) {
            notes.push(format!("unknown update type {kind}"));
        }
    }
    let last = raw.last();
    let closed = last.is_some_and(|(kind, ..)| *kind == 4);
    let status = last.map_or("investigating".to_string(), |(k, ..)| word(*k));
    let updates: Vec<IncidentUpdate> = raw
        .iter()
        .map(|(kind, at, _, text)| IncidentUpdate {
            at: *at,
            status: word(*kind),
            text: text.clone(),
        })
        .collect();
    let mut components: Vec<String> = v
        .get(5)
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(super::id_str).collect())
        .unwrap_or_default();
    if components.is_empty() {
        components.extend(v.get(4).and_then(super::id_str));
    }
    components.dedup();
    Some(Incident {
        id,
        kind: IncidentKind::Incident,
        title,
        status,
        impact,
        started_at: updates.iter().filter_map(|u| u.at).min(),
        resolved_at: if closed { last.and_then(|l| l.1) } else { None },
        url: Some(PAGE.to_string()),
        components,
        updates,
    })
}

/// The lifecycle word of an update type; unknown types keep their number, never closing anything.
fn word(kind: i64) -> String {
    match kind {
        1 => "investigating".into(),
        2 => "identified".into(),
        3 => "monitoring".into(),
        4 => "resolved".into(),
        5 => "mitigating".into(),
        n => format!("update_{n}"),
    }
}

/// `["1776466800"]` (or a bare number / string): epoch seconds, within a sane range.
fn epoch(v: &Value) -> Option<DateTime<Utc>> {
    let v = match v {
        Value::Array(a) => a.first()?,
        other => other,
    };
    let secs = match v {
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    // Seconds, not milliseconds: 2001..2096.
    if !(1_000_000_000..=4_000_000_000).contains(&secs) {
        return None;
    }
    Utc.timestamp_opt(secs, 0).single()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{finish, Kind};
    use crate::service::ServiceSpec;

    const HISTORY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/google-aistudio/aistudio-ListIncidentsHistory-50-incidents-2-open-2026-04-17.json"
    ));

    fn spec(components: &[&str]) -> ServiceSpec {
        serde_json::from_value(serde_json::json!({
            "id": "gemini-api", "name": "Gemini API", "kind": "ai_studio",
            "url": "https://alkalimakersuite-pa.clients6.google.com", "components": components,
        }))
        .expect("spec")
    }

    fn at(s: &str) -> Option<DateTime<Utc>> {
        crate::time::parse(s)
    }

    #[test]
    fn endpoint() {
        assert_eq!(
            endpoints("https://alkalimakersuite-pa.clients6.google.com"),
            ["https://alkalimakersuite-pa.clients6.google.com/$rpc/google.internal.alkali.applications.makersuite.v1.MakerSuiteService/ListIncidentsHistory"]
        );
        assert_eq!(Kind::parse("ai_studio"), Some(Kind::AiStudio));
    }

    #[test]
    fn key_candidates_in_page_order() {
        let k1 = format!("AIza{}", "A".repeat(35));
        let k2 = format!("AIzaSy{}_-", "b9".repeat(15) + "c");
        let html = format!(
            r#"<script>x={{"k":"{k1}"}};y='{k2}';z="{k1}";bad="AIzaShort";glued=x{k1};long={k1}Z</script>"#
        );
        assert_eq!(key_candidates(html.as_bytes()), [k1.clone(), k2]);
        assert!(key_candidates(b"<html>no key</html>").is_empty());
        assert!(key_candidates(b"AIza").is_empty());
        assert_eq!(
            HEADERS.iter().find(|h| h.0 == "Referer").map(|h| h.1),
            Some("https://aistudio.google.com/")
        );
        assert_eq!(POST_BODY, b"[]");
        let post = crate::platform::post(&spec(&["1"]), 0).expect("a POST");
        assert_eq!((post.key_page, post.key_header), (PAGE, "X-Goog-Api-Key"));
        let statuspage = serde_json::from_value(serde_json::json!({
            "id": "c", "name": "C", "kind": "statuspage", "url": "https://status.claude.com"}))
        .expect("spec");
        assert_eq!(crate::platform::post(&statuspage, 0), None);
    }

    #[test]
    fn recorded_history_two_open_the_rest_past() {
        let r = read(HISTORY).expect("parses");
        assert_eq!(r.note, None, "every word known");
        let open: Vec<&str> = r.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            open,
            [
                "GeminiAPI-new-keys-20260417",
                "AIStudio-model-errors-20260417"
            ]
        );
        assert_eq!(r.incidents.len() + r.past.len(), 50);
        assert!(r
            .past
            .iter()
            .all(|i| i.is_resolved() && i.resolved_at.is_some()));
        let keys = &r.incidents[0];
        assert_eq!(keys.impact, Severity::Degraded);
        assert_eq!(keys.status, "investigating");
        assert_eq!(keys.components, ["1"]);
        assert_eq!(
            keys.started_at,
            at("2026-04-17T23:00:00Z"),
            "epoch, not Pacific"
        );
        // 1 → 5 → 4: over, ended by its last update, severity 1.
        let spend = r
            .past
            .iter()
            .find(|i| i.id == "AIStudio-spend-cap-issue-20260321")
            .expect("spend cap");
        let words: Vec<&str> = spend.updates.iter().map(|u| u.status.as_str()).collect();
        assert_eq!(words, ["investigating", "mitigating", "resolved"]);
        assert_eq!(spend.resolved_at, at("2026-03-22T06:00:00Z"));
        // Multi-product and outage severity.
        let both = r
            .past
            .iter()
            .find(|i| i.id == "AIStudio-unavailability-20250929")
            .expect("outage");
        assert_eq!(both.impact, Severity::MajorOutage);
        assert_eq!(both.components, ["3", "1", "2"]);

        let status = |id: &str| r.components.iter().find(|c| c.id == id).map(|c| c.status);
        assert_eq!(status("1"), Some(Severity::Degraded));
        assert_eq!(status("2"), Some(Severity::Operational));
        assert_eq!(status("3"), Some(Severity::Degraded));
        assert_eq!(r.components.len(), 3);
    }

    #[test]
    fn the_gemini_api_filter_sees_only_its_incidents() {
        let r = read(HISTORY).expect("parses");
        // (filter, status, open incidents kept)
        let table: [(&[&str], Severity, usize); 4] = [
            (&["1"], Severity::Degraded, 1),
            (&["Gemini API"], Severity::Degraded, 1),
            (&["2"], Severity::Operational, 0),
            (&[], Severity::Degraded, 2),
        ];
        for (filter, want, open) in table {
            let f = finish(&spec(filter), r.clone()).expect("filter matches");
            assert_eq!((f.status, f.incidents.len()), (want, open), "{filter:?}");
            assert!(f.notices.is_empty());
        }
        let api = finish(&spec(&["1"]), r.clone()).expect("matches");
        assert!(api
            .past
            .iter()
            .all(|i| i.components.iter().any(|c| c == "1")));
        assert!(api.past.len() > 20, "{}", api.past.len());
        assert!(
            finish(&spec(&["Gemini Pro"]), r).is_err(),
            "a typo is an error"
        );
    }

    #[test]
    fn lifecycle_edge_cases() {
        // A 5 after a 4 reopens; an unknown type never closes; a ms timestamp is not a time.
        let doc = br#")]}'
[[[["reopened","R",2,[[1,"x",["1776000000"],"a"],[4,"x",["1776003600"],"b"],[5,"x",["1776007200"],"c"]],1,[1]],
   ["odd","O",7,[[1,"x",["1776000000"],"a"],[9,"x",["1776003600"],"b"]],3,[]],
   ["ms","M",1,[[4,"x",["1776000000000"],"done"]],2,[2]],
   [null,"no id",1,[],1,[1]], 5, ["bare"]]]]"#;
        let r = read(doc).expect("parses");
        let ids: Vec<&str> = r.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["reopened", "odd", "bare"]);
        assert_eq!(r.past.len(), 1, "type 4 closes even without a time");
        assert_eq!(r.past[0].resolved_at, None);
        assert_eq!(r.incidents[0].impact, Severity::MajorOutage);
        assert_eq!(
            r.incidents[1].components,
            ["3"],
            "primary product when none listed"
        );
        assert_eq!(r.incidents[1].status, "update_9");
        let note = r.note.unwrap_or_default();
        assert!(
            note.contains("severity") && note.contains("type 9"),
            "{note}"
        );
        assert_eq!(
            r.components.iter().find(|c| c.id == "1").map(|c| c.status),
            Some(Severity::MajorOutage)
        );
    }

    #[test]
    fn empty_and_bad_inputs() {
        for empty in [&b"[]"[..], b"[[]]", b"[[[]]]", b")]}'\n[[[]]]", b"[[null]]"] {
            let r = read(empty).expect("empty history");
            assert!(r.incidents.is_empty() && r.past.is_empty());
            assert_eq!(r.status, Severity::Operational);
            assert_eq!(r.components.len(), 3);
        }
        assert_eq!(read(b"<!DOCTYPE html><html><head>"), Err(ReadError::Html));
        for bad in [&b"{}"[..], b"[7]", b"[[\"x\"]]", b"\"x\""] {
            assert!(matches!(read(bad), Err(ReadError::Shape(_))), "{bad:?}");
        }
        assert!(matches!(read(&HISTORY[..300]), Err(ReadError::Json(_))));
        for n in (0..HISTORY.len()).step_by(37) {
            let _ = read(&HISTORY[..n]);
        }
    }
}
