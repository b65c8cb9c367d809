//! incident.io status pages (OpenAI, Cohere, Groq, …): the widget `/api/v1/summary` plus the page's
//! own `/proxy/<host>` document; history from `/history.atom`.
//!
//! Neither body is enough alone. The proxy has the components and their groups but **no component
//! status**: a component is operational unless an `affected_components` entry (page-level, or in an
//! ongoing incident or in-progress maintenance) says otherwise. The widget is the documented, cheap
//! list of ongoing incidents and in-progress maintenances. Widget incidents are seen in two shapes
//! (the proxy's `{updates, affected_components[{component_id, status, current_status}]}` and a flat
//! `{last_update_message, current_worst_impact, affected_components[{id, name, group_name,
//! current_status}]}`), so both are read, and the same incident from both bodies is merged by id.
//! There is no page-level word: the page level is the worst of what the components and open
//! incidents say. The compat `/api/v2` layer is not used: it drops components and groups.
//!
//! Some pages answer 404 on the widget API (it is opt-in per page): the widget is an optional
//! endpoint, the poller then passes an empty body, and the proxy alone (which lists ongoing
//! incidents and maintenances too) is read. Ids are the bare ULIDs everywhere: the history feed's
//! `https://<page>//incidents/<ULID>` is normalised by [`feed::incident_id`].

use std::collections::HashMap;

use serde_json::Value;

use super::{array, str_of, time_of};
use crate::model::{
    is_closed_word, Component, Incident, IncidentKind, IncidentUpdate, Reading, Severity,
};
use crate::platform::{feed, json, ReadError};

/// `[{base}/api/v1/summary, {base}/proxy/{host[:port]}]`.
pub fn endpoints(base: &str) -> Result<Vec<String>, ReadError> {
    let url =
        url::Url::parse(base).map_err(|e| ReadError::Config(format!("bad URL `{base}`: {e}")))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| ReadError::Config(format!("URL `{base}` has no host")))?;
    let authority = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    Ok(vec![
        format!("{base}/api/v1/summary"),
        format!("{base}/proxy/{authority}"),
    ])
}

pub fn history_endpoint(base: &str) -> Option<String> {
    Some(format!("{base}/history.atom"))
}

/// The history feed: incidents with component *names* (the feed does not give ids).
pub fn read_history(body: &[u8]) -> Result<Vec<Incident>, ReadError> {
    feed::entries(body)
}

/// The widget endpoint (index 0) may be missing on a page: see [`read`].
pub const OPTIONAL_WIDGET: usize = 0;

/// Widget summary + proxy summary → components with statuses, ongoing incidents, maintenances.
/// An empty widget body (the page has no widget API) reads the proxy alone.
pub fn read(widget: &[u8], proxy: &[u8]) -> Result<Reading, ReadError> {
    let w = if widget.trim_ascii().is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        json(widget)?
    };
    let p = json(proxy)?;
    if !w.is_object() {
        return Err(ReadError::Shape(
            "widget summary is not a JSON object".into(),
        ));
    }
    let s = p
        .get("summary")
        .filter(|s| s.is_object())
        .ok_or_else(|| ReadError::Shape("proxy body has no `summary` object".into()))?;
    let page_url = str_of(&w, "page_url")
        .or_else(|| str_of(s, "public_url"))
        .map(|u| u.trim_end_matches('/').to_string());
    let mut notes = Vec::new();

    // Components and their groups.
    let mut group_of: HashMap<&str, &str> = HashMap::new();
    let mut hidden: Vec<&str> = Vec::new();
    for item in array(s.get("structure").unwrap_or(&Value::Null), "items") {
        if let Some(g) = item.get("group") {
            let gname = str_of(g, "name");
            let ghidden = g.get("hidden").and_then(Value::as_bool) == Some(true);
            for c in array(g, "components") {
                if let Some(id) = str_of(c, "component_id").or_else(|| str_of(c, "id")) {
                    if let Some(n) = gname {
                        group_of.insert(id, n);
                    }
                    if ghidden || c.get("hidden").and_then(Value::as_bool) == Some(true) {
                        hidden.push(id);
                    }
                }
            }
        } else if let Some(c) = item.get("component") {
            if c.get("hidden").and_then(Value::as_bool) == Some(true) {
                if let Some(id) = str_of(c, "component_id").or_else(|| str_of(c, "id")) {
                    hidden.push(id);
                }
            }
        }
    }
    let mut components: Vec<Component> = array(s, "components")
        .iter()
        .filter_map(|c| {
            let id = str_of(c, "id")?;
            Some(Component {
                id: id.to_string(),
                name: str_of(c, "name").unwrap_or(id).to_string(),
                group: group_of.get(id).map(|g| g.to_string()),
                status: Severity::Operational,
            })
        })
        .collect();

    // Ongoing incidents (both bodies, merged by id) and in-progress maintenances.
    let mut incidents: Vec<Incident> = Vec::new();
    let mut affected: Vec<(&Value, Option<Severity>)> = Vec::new();
    // (list, kind, does the item need to *say* it is in progress?) — the proxy's
    // `scheduled_maintenances` mixes upcoming and running ones; the widget's lists are separate.
    let sources = [
        (array(s, "ongoing_incidents"), IncidentKind::Incident, false),
        (
            array(&w, "ongoing_incidents"),
            IncidentKind::Incident,
            false,
        ),
        (
            array(&w, "in_progress_maintenances"),
            IncidentKind::Maintenance,
            false,
        ),
        (
            array(s, "in_progress_maintenances"),
            IncidentKind::Maintenance,
            false,
        ),
        (
            array(s, "scheduled_maintenances"),
            IncidentKind::Maintenance,
            true,
        ),
    ];
    for (list, kind, must_say) in sources {
        for v in list {
            if must_say && str_of(v, "status").map(lifecycle).as_deref() != Some("in_progress") {
                continue;
            }
            let Some(inc) = incident(v, kind, page_url.as_deref(), &mut notes) else {
                continue;
            };
            if inc.is_resolved() || (kind == IncidentKind::Maintenance && !maintenance_active(&inc))
            {
                continue;
            }
            let fallback = (kind == IncidentKind::Maintenance).then_some(Severity::Maintenance);
            affected.extend(
                array(v, "affected_components")
                    .iter()
                    .map(|a| (a, fallback)),
            );
            match incidents.iter_mut().find(|i| i.id == inc.id) {
                Some(known) => merge(known, inc),
                None => incidents.push(inc),
            }
        }
    }
    affected.extend(array(s, "affected_components").iter().map(|a| (a, None)));

    for (a, fallback) in affected {
        let Some(id) = str_of(a, "component_id").or_else(|| str_of(a, "id")) else {
            continue;
        };
        let status = match component_word(a) {
            Some(word) => Severity::from_component_word(word).unwrap_or_else(|| {
                notes.push(format!("unknown component status `{word}`"));
                Severity::Unknown
            }),
            None => fallback.unwrap_or(Severity::Unknown),
        };
        match components.iter_mut().find(|c| c.id == id) {
            Some(c) => c.status = c.status.max(status),
            None => components.push(Component {
                id: id.to_string(),
                name: str_of(a, "name").unwrap_or(id).to_string(),
                group: str_of(a, "group_name")
                    .or_else(|| group_of.get(id).copied())
                    .map(str::to_string),
                status: status.max(Severity::Operational),
            }),
        }
    }
    components.retain(|c| c.status != Severity::Operational || !hidden.contains(&c.id.as_str()));

    let status = components
        .iter()
        .map(|c| c.status)
        .chain(incidents.iter().map(|i| i.impact))
        .fold(Severity::Operational, Severity::max);
    notes.sort();
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

/// `current_status` (now) over `status` (worst during the incident).
fn component_word(a: &Value) -> Option<&str> {
    str_of(a, "current_status").or_else(|| str_of(a, "status"))
}

fn maintenance_active(m: &Incident) -> bool {
    !matches!(m.status.as_str(), "scheduled" | "maintenance_scheduled")
}

/// Lower-case lifecycle word; incident.io's maintenance words lose their `maintenance_` prefix.
fn lifecycle(word: &str) -> String {
    let w = word.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    match w.as_str() {
        "maintenance_in_progress" => "in_progress".into(),
        "maintenance_scheduled" => "scheduled".into(),
        "maintenance_complete" => "completed".into(),
        _ => w,
    }
}

/// Plain text of an update: `message_string`, else markdown, else the text nodes of `message`.
fn update_text(u: &Value) -> String {
    if let Some(s) = str_of(u, "message_string") {
        return crate::text::tidy(s);
    }
    let msg = u.get("message");
    if let Some(md) = msg.and_then(|m| str_of(m, "markdown")) {
        return crate::text::tidy(md);
    }
    if let Some(s) = msg.and_then(Value::as_str) {
        return crate::text::tidy(s);
    }
    let mut out = String::new();
    if let Some(node) = msg.and_then(|m| m.get("text_node")) {
        text_nodes(node, &mut out, 0);
    }
    crate::text::tidy(&out)
}

fn text_nodes(v: &Value, out: &mut String, depth: usize) {
    if depth > 32 {
        return;
    }
    if let Some(t) = v.get("text").and_then(Value::as_str) {
        out.push_str(t);
    }
    for c in array(v, "content") {
        text_nodes(c, out, depth + 1);
    }
    if v.get("type").and_then(Value::as_str) == Some("paragraph") {
        out.push_str("\n\n");
    }
}

fn incident(
    v: &Value,
    kind: IncidentKind,
    page_url: Option<&str>,
    notes: &mut Vec<String>,
) -> Option<Incident> {
    let id = str_of(v, "id")?.to_string();
    let status = str_of(v, "status")
        .map(lifecycle)
        .unwrap_or_else(|| match kind {
            IncidentKind::Maintenance => "in_progress".into(),
            IncidentKind::Incident => "investigating".into(),
        });
    let mut updates: Vec<IncidentUpdate> = array(v, "updates")
        .iter()
        .map(|u| IncidentUpdate {
            at: time_of(u, "published_at").or_else(|| time_of(u, "created_at")),
            status: str_of(u, "to_status")
                .or_else(|| str_of(u, "status"))
                .map(lifecycle)
                .unwrap_or_else(|| status.clone()),
            text: update_text(u),
        })
        .collect();
    if updates.is_empty() {
        if let Some(msg) = str_of(v, "last_update_message") {
            updates.push(IncidentUpdate {
                at: time_of(v, "last_update_at"),
                status: status.clone(),
                text: crate::text::tidy(msg),
            });
        }
    }
    updates.sort_by_key(|u| u.at);

    let impact = if kind == IncidentKind::Maintenance {
        Severity::Maintenance
    } else {
        let listed = array(v, "affected_components")
            .iter()
            .filter_map(component_word)
            .filter_map(Severity::from_component_word)
            .max();
        match str_of(v, "current_worst_impact") {
            Some(w) => match Severity::from_component_word(w) {
                Some(s) => Some(s.max(listed.unwrap_or(s))),
                None => {
                    notes.push(format!("unknown impact `{w}`"));
                    listed
                }
            },
            None => listed,
        }
        .unwrap_or(Severity::Unknown)
    };
    let started_at = [
        "started_at",
        "published_at",
        "created_at",
        "starts_at",
        "start_at",
    ]
    .iter()
    .find_map(|k| time_of(v, k))
    .or_else(|| updates.first().and_then(|u| u.at));
    Some(Incident {
        url: str_of(v, "url")
            .map(str::to_string)
            .or_else(|| page_url.map(|b| format!("{b}/incidents/{id}"))),
        kind,
        title: str_of(v, "name")
            .or_else(|| str_of(v, "title"))
            .map(crate::text::tidy)
            .unwrap_or_else(|| id.clone()),
        resolved_at: time_of(v, "resolved_at").filter(|_| is_closed_word(&status)),
        status,
        impact,
        started_at,
        components: array(v, "affected_components")
            .iter()
            .filter_map(|a| str_of(a, "component_id").or_else(|| str_of(a, "id")))
            .map(str::to_string)
            .collect(),
        updates,
        id,
    })
}

/// The same incident from the proxy and the widget: keep the richer copy, unite what they say.
fn merge(known: &mut Incident, other: Incident) {
    if other.updates.len() > known.updates.len() {
        known.updates = other.updates;
    }
    known.impact = known.impact.max(other.impact);
    for c in other.components {
        if !known.components.contains(&c) {
            known.components.push(c);
        }
    }
    known.started_at = known.started_at.or(other.started_at);
    known.url = known.url.take().or(other.url);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::finish;
    use crate::service::ServiceSpec;

    const PROXY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/incident-io/openai-proxy-summary-all-operational-2026-09.json"
    ));
    const WIDGET: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/incident-io/openai-widget-v1-summary-quiet-2026-09.json"
    ));
    const DETAIL: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/incident-io/openai-proxy-incident-detail-resolved-2026-09-03.json"
    ));

    const CHATGPT_LOGIN: &str = "01JMXBNJXG1S2D9V65P1ZZTD94";
    const API_LOGIN: &str = "01JSM5RTJWHRWDTS6Q604VEW3B";

    fn spec(components: &[&str]) -> ServiceSpec {
        serde_json::from_value(serde_json::json!({
            "id": "chatgpt", "name": "ChatGPT", "kind": "incident_io",
            "url": "https://status.openai.com", "components": components,
        }))
        .expect("spec")
    }

    fn at(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        crate::time::parse(s)
    }

    /// The recorded proxy with its `summary` fields replaced.
    fn proxy_with(fields: Value) -> Vec<u8> {
        let mut p: Value = serde_json::from_slice(PROXY).expect("json");
        if let (Some(s), Value::Object(f)) =
            (p.get_mut("summary").and_then(Value::as_object_mut), fields)
        {
            s.extend(f);
        }
        serde_json::to_vec(&p).expect("ser")
    }

    /// The incident from the recorded detail document, made ongoing again.
    fn ongoing_from_detail() -> Value {
        let mut d: Value = serde_json::from_slice(DETAIL).expect("json");
        let mut inc = d.get_mut("incident").map(Value::take).expect("incident");
        inc["status"] = Value::String("monitoring".into());
        if let Some(list) = inc
            .get_mut("affected_components")
            .and_then(Value::as_array_mut)
        {
            for a in list {
                a["current_status"] = Value::String("partial_outage".into());
            }
        }
        if let Some(ups) = inc.get_mut("updates").and_then(Value::as_array_mut) {
            ups.pop();
        }
        inc
    }

    #[test]
    fn endpoint_table() {
        let ok = [
            (
                "https://status.openai.com",
                [
                    "https://status.openai.com/api/v1/summary",
                    "https://status.openai.com/proxy/status.openai.com",
                ],
            ),
            (
                "http://127.0.0.1:8080",
                [
                    "http://127.0.0.1:8080/api/v1/summary",
                    "http://127.0.0.1:8080/proxy/127.0.0.1:8080",
                ],
            ),
        ];
        for (base, want) in ok {
            assert_eq!(endpoints(base).expect("ok"), want, "{base}");
        }
        for bad in ["status.openai.com", "", "mailto:a@b.c", "file:///tmp/x"] {
            assert!(matches!(endpoints(bad), Err(ReadError::Config(_))), "{bad}");
        }
        assert_eq!(
            history_endpoint("https://status.openai.com").as_deref(),
            Some("https://status.openai.com/history.atom")
        );
    }

    #[test]
    fn openai_quiet() {
        let r = read(WIDGET, PROXY).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        assert_eq!(r.components.len(), 34);
        assert!(r
            .components
            .iter()
            .all(|c| c.status == Severity::Operational));
        assert!(r.incidents.is_empty());
        let logins: Vec<(&str, Option<&str>)> = r
            .components
            .iter()
            .filter(|c| c.name == "Login")
            .map(|c| (c.id.as_str(), c.group.as_deref()))
            .collect();
        assert_eq!(logins.len(), 2);
        assert!(logins.contains(&(API_LOGIN, Some("APIs"))));
        assert!(logins.contains(&(CHATGPT_LOGIN, Some("ChatGPT"))));
        let mut groups: Vec<&str> = r
            .components
            .iter()
            .filter_map(|c| c.group.as_deref())
            .collect();
        groups.sort();
        groups.dedup();
        assert_eq!(
            groups,
            ["APIs", "Ads Platform", "ChatGPT", "Codex", "FedRAMP"]
        );
        assert!(r.components.iter().all(|c| c.group.is_some()));
        assert_eq!(
            finish(&spec(&[]), r.clone())
                .expect("filter matches")
                .status,
            Severity::Operational
        );
        let chatgpt = finish(&spec(&["ChatGPT"]), r).expect("filter matches");
        assert_eq!(chatgpt.components.len(), 15);
    }

    #[test]
    fn proxy_shape_ongoing_incident() {
        let proxy = proxy_with(serde_json::json!({ "ongoing_incidents": [ongoing_from_detail()] }));
        let r = read(WIDGET, &proxy).expect("reads");
        assert_eq!(r.status, Severity::PartialOutage);
        assert_eq!(r.incidents.len(), 1);
        let i = &r.incidents[0];
        assert_eq!(i.id, "01M1KWEDH417T2CF44YYHZDFCR");
        assert_eq!(i.title, "Elevated errors across ChatGPT and Codex");
        assert_eq!(i.status, "monitoring");
        assert_eq!(i.impact, Severity::PartialOutage);
        assert_eq!(i.components.len(), 19);
        assert!(i.components.iter().any(|c| c == CHATGPT_LOGIN));
        assert_eq!(
            i.url.as_deref(),
            Some("https://status.openai.com/incidents/01M1KWEDH417T2CF44YYHZDFCR")
        );
        let words: Vec<&str> = i.updates.iter().map(|u| u.status.as_str()).collect();
        assert_eq!(words, ["investigating", "monitoring"]);
        assert_eq!(i.updates[0].at, at("2026-09-03T14:43:00Z"));
        assert_eq!(
            i.updates[0].text,
            "We are investigating the issue for the listed services."
        );
        let login = |id: &str| r.components.iter().find(|c| c.id == id).map(|c| c.status);
        assert_eq!(login(CHATGPT_LOGIN), Some(Severity::PartialOutage));
        assert_eq!(login(API_LOGIN), Some(Severity::Operational));
        // A user watching the API login is not told ChatGPT's login is down.
        let api = finish(&spec(&[API_LOGIN]), r.clone()).expect("filter matches");
        assert_eq!(api.status, Severity::Operational);
        assert!(api.incidents.is_empty());
        let chat = finish(&spec(&[CHATGPT_LOGIN]), r).expect("filter matches");
        assert_eq!(chat.status, Severity::PartialOutage);
        assert_eq!(chat.incidents.len(), 1);
    }

    #[test]
    fn resolved_detail_update_text_prefers_message_string() {
        let d: Value = serde_json::from_slice(DETAIL).expect("json");
        let inc = d.get("incident").expect("incident");
        let mut notes = vec![];
        let i = incident(inc, IncidentKind::Incident, None, &mut notes).expect("incident");
        assert!(i.is_resolved());
        assert_eq!(
            i.impact,
            Severity::Operational,
            "current_status wins over worst-seen status"
        );
        let last = i.updates.last().expect("updates");
        assert_eq!(last.status, "resolved");
        assert_eq!(
            last.text,
            "The issue causing elevated errors across ChatGPT and Codex has been resolved.\n\nSome Codex remote control users may need to pair their mobile device again following this incident."
        );
        // Resolved ongoing incidents are not active.
        let proxy = proxy_with(serde_json::json!({ "ongoing_incidents": [inc] }));
        let r = read(WIDGET, &proxy).expect("reads");
        assert!(r.incidents.is_empty());
        assert_eq!(r.status, Severity::Operational);
    }

    #[test]
    fn text_node_fallback() {
        let u = serde_json::json!({"message": {"text_node": {"type":"doc","content":[
            {"type":"paragraph","content":[{"type":"text","text":"One "},{"type":"text","text":"two."}]},
            {"type":"paragraph","content":[{"type":"text","text":"Three."}]}]}}});
        assert_eq!(update_text(&u), "One two.\n\nThree.");
    }

    #[test]
    fn full_outage_on_a_component() {
        let proxy = proxy_with(serde_json::json!({
            "affected_components": [{"component_id": API_LOGIN, "status": "full_outage"}]
        }));
        let r = read(WIDGET, &proxy).expect("reads");
        let c = r
            .components
            .iter()
            .find(|c| c.id == API_LOGIN)
            .expect("login");
        assert_eq!(c.status, Severity::MajorOutage);
        assert_eq!(r.status, Severity::MajorOutage);
        assert_eq!(
            finish(&spec(&[]), r).expect("filter matches").status,
            Severity::MajorOutage
        );
    }

    #[test]
    fn widget_second_shape_merges_with_proxy_copy() {
        let widget = serde_json::json!({
            "page_title": "OpenAI", "page_url": "https://status.openai.com/",
            "ongoing_incidents": [
                {"id": "01WIDGET", "name": "Images slow", "status": "identified",
                 "url": "https://status.openai.com/incidents/01WIDGET",
                 "last_update_at": "2026-09-23T10:05:00Z", "last_update_message": "We found the cause.",
                 "current_worst_impact": "degraded_performance",
                 "affected_components": [
                    {"id": "01JMXBRMFE4MAP2BHSJNZ787WX", "name": "Images", "group_name": "APIs", "current_status": "degraded_performance"},
                    {"id": "01NEWCOMP", "name": "Brand new", "group_name": "Labs", "current_status": "partial_outage"}]},
                ongoing_from_detail()
            ],
            "in_progress_maintenances": null,
            "scheduled_maintenances": null
        });
        let proxy = proxy_with(serde_json::json!({ "ongoing_incidents": [ongoing_from_detail()] }));
        let r = read(&serde_json::to_vec(&widget).expect("ser"), &proxy).expect("reads");
        assert_eq!(
            r.incidents.len(),
            2,
            "the proxy copy and the widget copy are one incident"
        );
        let w = r
            .incidents
            .iter()
            .find(|i| i.id == "01WIDGET")
            .expect("widget incident");
        assert_eq!(w.status, "identified");
        assert_eq!(w.impact, Severity::PartialOutage);
        assert_eq!(
            w.url.as_deref(),
            Some("https://status.openai.com/incidents/01WIDGET")
        );
        assert_eq!(w.updates.len(), 1);
        assert_eq!(w.updates[0].text, "We found the cause.");
        assert_eq!(w.updates[0].at, at("2026-09-23T10:05:00Z"));
        assert_eq!(w.started_at, at("2026-09-23T10:05:00Z"));
        let images = r
            .components
            .iter()
            .find(|c| c.name == "Images")
            .expect("images");
        assert_eq!(images.status, Severity::Degraded);
        let new = r
            .components
            .iter()
            .find(|c| c.id == "01NEWCOMP")
            .expect("unknown to the proxy");
        assert_eq!(
            (new.group.as_deref(), new.status),
            (Some("Labs"), Severity::PartialOutage)
        );
        assert_eq!(r.components.len(), 35);
        let merged = r
            .incidents
            .iter()
            .find(|i| i.id != "01WIDGET")
            .expect("merged");
        assert_eq!(merged.updates.len(), 2);
    }

    #[test]
    fn maintenances() {
        let widget = br#"{"page_title":"OpenAI","page_url":"https://status.openai.com/","ongoing_incidents":[],
          "in_progress_maintenances":[{"id":"01MAINT","name":"Scheduled database maintenance","status":"in_progress",
            "affected_components":[{"id":"01JMXBRMFESJCBGJR10PDD3WCQ"}]}],
          "scheduled_maintenances":[{"id":"01LATER","name":"Later","status":"maintenance_scheduled"}]}"#;
        let proxy = proxy_with(serde_json::json!({"scheduled_maintenances": [
            {"id":"01PROXYM","name":"Proxy maint","status":"maintenance_in_progress"},
            {"id":"01FUTURE","name":"Future","status":"maintenance_scheduled"},
            {"id":"01NOWORD","name":"No word"}]}));
        let r = read(widget, &proxy).expect("reads");
        let ids: Vec<&str> = r.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["01MAINT", "01PROXYM"]);
        assert!(r
            .incidents
            .iter()
            .all(|i| i.kind == IncidentKind::Maintenance
                && i.impact == Severity::Maintenance
                && i.status == "in_progress"));
        let files = r
            .components
            .iter()
            .find(|c| c.name == "Files")
            .expect("files");
        assert_eq!(files.status, Severity::Maintenance);
        assert_eq!(r.status, Severity::Maintenance);
    }

    #[test]
    fn hidden_components_show_only_when_affected() {
        let mut p: Value = serde_json::from_slice(PROXY).expect("json");
        if let Some(c) = p.pointer_mut("/summary/structure/items/4/group/components/0") {
            c["hidden"] = Value::Bool(true);
        }
        let body = serde_json::to_vec(&p).expect("ser");
        let r = read(WIDGET, &body).expect("reads");
        assert_eq!(r.components.len(), 33);
        assert!(!r.components.iter().any(|c| c.name == "Ads Manager"));
    }

    #[test]
    fn every_truncation_is_an_error_or_a_reading() {
        for n in (0..PROXY.len()).step_by(41) {
            assert!(read(WIDGET, &PROXY[..n]).is_err());
        }
        // An empty widget is a page without one (404 on an optional endpoint); any other cut fails.
        for n in (1..WIDGET.len()).step_by(3) {
            assert!(read(&WIDGET[..n], PROXY).is_err());
        }
    }

    #[test]
    fn proxy_alone_when_the_widget_answers_404() {
        for empty in [&b""[..], b"  \n"] {
            let quiet = read(empty, PROXY).expect("reads");
            assert_eq!(
                quiet,
                read(WIDGET, PROXY).expect("reads"),
                "nothing lost when quiet"
            );
            assert_eq!(quiet.components.len(), 34);
            let chatgpt = finish(&spec(&["ChatGPT"]), quiet).expect("filter matches");
            assert_eq!(chatgpt.components.len(), 15);
        }
        // Ongoing incidents come from the proxy too.
        let proxy = proxy_with(serde_json::json!({ "ongoing_incidents": [ongoing_from_detail()] }));
        let r = read(b"", &proxy).expect("reads");
        assert_eq!(r.status, Severity::PartialOutage);
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].id, "01M1KWEDH417T2CF44YYHZDFCR");
        // The dispatcher says which endpoint may be missing.
        let s = spec(&[]);
        assert!(crate::platform::optional_endpoint(&s, OPTIONAL_WIDGET));
        assert!(!crate::platform::optional_endpoint(&s, 1));
        assert_eq!(
            crate::platform::read(&s, &[b"", PROXY]).map(|r| r.components.len()),
            Ok(34)
        );
    }

    #[test]
    fn one_incident_one_id_through_proxy_and_feed() {
        const ATOM: &[u8] = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/feeds/openai-incidentio-feed-atom-4-entries-2026-09-03.xml"
        ));
        let d: Value = serde_json::from_slice(DETAIL).expect("json");
        let mut notes = vec![];
        let from_proxy =
            incident(&d["incident"], IncidentKind::Incident, None, &mut notes).expect("incident");
        let history = read_history(ATOM).expect("reads");
        assert!(
            history.iter().any(|h| h.id == from_proxy.id),
            "{} not in {:?}",
            from_proxy.id,
            history.iter().map(|h| &h.id).collect::<Vec<_>>()
        );
        assert!(history
            .iter()
            .all(|h| h.id.len() == 26 && !h.id.contains('/')));
    }

    #[test]
    fn errors_and_nulls() {
        let html = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>";
        assert_eq!(read(html, PROXY), Err(ReadError::Html));
        assert_eq!(read(WIDGET, html), Err(ReadError::Html));
        assert!(matches!(
            read(&WIDGET[..40], PROXY),
            Err(ReadError::Json(_))
        ));
        assert!(matches!(
            read(WIDGET, &PROXY[..PROXY.len() - 10]),
            Err(ReadError::Json(_))
        ));
        assert!(matches!(read(WIDGET, b"{}"), Err(ReadError::Shape(m)) if m.contains("summary")));
        assert!(matches!(read(b"[]", PROXY), Err(ReadError::Shape(_))));
        let nulls = br#"{"summary":{"components":null,"structure":null,"affected_components":null,
            "ongoing_incidents":null,"scheduled_maintenances":null}}"#;
        let r = read(b"{}", nulls).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.components.is_empty() && r.incidents.is_empty());
        let weird = br#"{"summary":{"components":[5,{"id":3},{"id":"a"}],"structure":{"items":[null,{"group":5},{"group":{"components":"x"}}]},
            "affected_components":[{"component_id":"a","status":"on_fire"},null,7],
            "ongoing_incidents":[{"id":"i","updates":[null,{"message":5}],"affected_components":[{"id":"a"}],"current_worst_impact":"meh"}]}}"#;
        let r = read(br#"{"ongoing_incidents":"none"}"#, weird).expect("reads");
        assert_eq!(r.components.len(), 1);
        assert_eq!(r.components[0].status, Severity::Operational);
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].impact, Severity::Unknown);
        let note = r.note.unwrap_or_default();
        assert!(note.contains("on_fire") && note.contains("meh"), "{note}");
    }

    #[test]
    fn history_is_the_atom_feed() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry>
          <title type="html"><![CDATA[Elevated latency in the Responses API]]></title>
          <id>https://status.openai.com//incidents/01M1CYZDD84XD0H56XNEV2PT98</id>
          <link href="https://status.openai.com//incidents/01M1CYZDD84XD0H56XNEV2PT98"/>
          <updated>2026-09-01T19:05:46.393Z</updated>
          <content type="html"><![CDATA[<b>Status: Resolved</b><br/><br/>All impacted services have now fully recovered.<br/><br/><b>Affected components</b>
          <ul><li>Responses (Operational)</li></ul>]]></content></entry></feed>"#;
        let h = read_history(atom).expect("reads");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].id, "01M1CYZDD84XD0H56XNEV2PT98");
        assert_eq!(h[0].status, "resolved");
        assert_eq!(h[0].components, ["Responses"]);
        assert!(h[0].is_resolved());
        assert!(matches!(
            read_history(b"{\"not\":\"xml\"}"),
            Err(ReadError::Xml(_))
        ));
    }
}
