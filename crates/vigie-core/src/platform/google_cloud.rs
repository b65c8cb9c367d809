//! Google Cloud Service Health (Vertex AI / Gemini on GCP), and the Google Workspace dashboard,
//! which has the same schema: `incidents.json`, an array of every recent incident, open or closed.
//!
//! There is no page word and no "all clear" field: an incident is open when `end` is absent or null,
//! and the page is operational when no open incident names the watched product. An incident with
//! `end` set is over whatever its last update says, and goes to `past` (the document is the page's
//! history too). A location filter keeps incidents whose current or previous locations include a
//! watched one, or `global` (every region); an incident that names no location is kept, since it
//! may concern any. Impact comes from
//! the latest update's status (falling back to `status_impact`): `SERVICE_OUTAGE` → major outage,
//! `SERVICE_DISRUPTION` → degraded (partial outage when `severity` is high), `SERVICE_INFORMATION` →
//! informational. Text is plain (GCP) or light markdown (Workspace); updates are listed newest first
//! upstream and are reversed here.

use serde_json::Value;

use crate::model::{Incident, IncidentKind, IncidentUpdate, Reading, Severity};
use crate::platform::{json, ReadError};
use crate::{text, time};

/// Where incident links point when the document gives only a relative `uri`.
pub const DEFAULT_BASE: &str = "https://status.cloud.google.com";

pub fn endpoints(base: &str) -> Vec<String> {
    vec![format!("{base}/incidents.json")]
}

/// Parse `incidents.json`, keeping the incidents of `product` (all products when `None`).
/// Links are built on [`DEFAULT_BASE`]; use [`read_with_base`] for the Workspace dashboard.
pub fn read(body: &[u8], product: Option<&str>) -> Result<Reading, ReadError> {
    read_with_base(body, product, &[], DEFAULT_BASE)
}

/// [`read`], for the `locations` watched (empty = all), with the page's base URL for incident
/// links (`{base}/incidents/{id}`).
pub fn read_with_base(
    body: &[u8],
    product: Option<&str>,
    locations: &[String],
    base: &str,
) -> Result<Reading, ReadError> {
    let doc = json(body)?;
    let list = match &doc {
        Value::Array(a) => a.as_slice(),
        Value::Object(o) => o
            .get("incidents")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .ok_or_else(|| ReadError::Shape("expected an array of incidents".into()))?,
        _ => return Err(ReadError::Shape("expected an array of incidents".into())),
    };
    let product = product.map(str::trim).filter(|p| !p.is_empty());
    let base = base.trim_end_matches('/');

    let mut seen_product = false;
    let mut incidents = Vec::new();
    let mut past = Vec::new();
    for inc in list {
        if let Some(p) = product {
            if !names_product(inc, p) {
                continue;
            }
            seen_product = true;
        }
        if !inc.is_object() || !in_locations(inc, locations) {
            continue;
        }
        let end = inc.get("end").and_then(time::from_json);
        let Some(mut i) = incident(inc, base) else {
            continue;
        };
        if end.is_some() {
            // Over: its last word is usually AVAILABLE; history wants how bad it was.
            i.impact = declared_impact(inc).unwrap_or(i.impact);
            i.resolved_at = end;
            i.status = "resolved".into();
            past.push(i);
        } else {
            incidents.push(i);
        }
    }
    let note = match product {
        Some(p) if !seen_product => Some(format!(
            "no incident in the feed names product {p}: check the product id"
        )),
        _ => None,
    };
    Ok(Reading {
        // The document is a complete list: no matching open incident is an explicit all-clear.
        status: Severity::Operational,
        components: Vec::new(),
        incidents,
        notices: Vec::new(),
        past,
        note,
    })
}

/// Does the incident concern one of `watched` locations? `global` is every region; an incident that
/// names no location at all may concern any.
fn in_locations(inc: &Value, watched: &[String]) -> bool {
    let watched: Vec<&str> = watched
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect();
    if watched.is_empty() {
        return true;
    }
    let named: Vec<&str> = [
        "currently_affected_locations",
        "previously_affected_locations",
    ]
    .iter()
    .flat_map(|k| super::array(inc, k))
    .filter_map(|l| super::str_of(l, "id"))
    .collect();
    named.is_empty()
        || named.iter().any(|n| {
            n.eq_ignore_ascii_case("global") || watched.iter().any(|w| w.eq_ignore_ascii_case(n))
        })
}

fn names_product(inc: &Value, product: &str) -> bool {
    inc.get("affected_products")
        .and_then(Value::as_array)
        .is_some_and(|l| {
            l.iter()
                .any(|p| p.get("id").and_then(Value::as_str).map(str::trim) == Some(product))
        })
}

fn incident(inc: &Value, base: &str) -> Option<Incident> {
    let id = inc.get("id").and_then(Value::as_str)?.trim().to_string();
    if id.is_empty() {
        return None;
    }
    let latest = inc
        .get("most_recent_update")
        .and_then(|u| u.get("status"))
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty());
    let declared = inc
        .get("status_impact")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty());
    let high = inc
        .get("severity")
        .and_then(Value::as_str)
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("high"));
    let impact = latest
        .as_deref()
        .and_then(|w| impact_of(w, high))
        .or_else(|| declared.as_deref().and_then(|w| impact_of(w, high)))
        // An open incident in words we do not know is still a problem.
        .unwrap_or(Severity::Degraded);
    let status = latest
        .or(declared)
        .map(|s| s.to_lowercase())
        .unwrap_or_default();

    let mut updates: Vec<IncidentUpdate> = inc
        .get("updates")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(update).collect())
        .unwrap_or_default();
    if updates.is_empty() {
        updates.extend(inc.get("most_recent_update").and_then(update));
    }
    updates.sort_by_key(|u| u.at);

    let title = inc
        .get("external_desc")
        .and_then(Value::as_str)
        .map(title_of)
        .filter(|t| !t.is_empty())
        .or_else(|| {
            inc.get("service_name")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| id.clone());
    let url = match inc.get("uri").and_then(Value::as_str).map(str::trim) {
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => u.to_string(),
        Some(u) if !u.is_empty() => format!("{base}/{}", u.trim_start_matches('/')),
        _ => format!("{base}/incidents/{id}"),
    };
    let components = inc
        .get("affected_products")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|p| p.get("id").and_then(Value::as_str))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();

    Some(Incident {
        id,
        kind: IncidentKind::Incident,
        title,
        status,
        impact,
        started_at: inc.get("begin").and_then(time::from_json),
        resolved_at: None,
        url: Some(url),
        components,
        updates,
    })
}

fn declared_impact(inc: &Value) -> Option<Severity> {
    let high = super::str_of(inc, "severity").is_some_and(|s| s.eq_ignore_ascii_case("high"));
    impact_of(
        &super::str_of(inc, "status_impact")?.to_ascii_uppercase(),
        high,
    )
}

fn impact_of(word: &str, high: bool) -> Option<Severity> {
    Some(match word {
        "SERVICE_OUTAGE" => Severity::MajorOutage,
        "SERVICE_DISRUPTION" if high => Severity::PartialOutage,
        "SERVICE_DISRUPTION" => Severity::Degraded,
        "SERVICE_INFORMATION" | "AVAILABLE" => Severity::Operational,
        _ => return None,
    })
}

fn update(u: &Value) -> Option<IncidentUpdate> {
    let raw = u.get("text").and_then(Value::as_str)?;
    Some(IncidentUpdate {
        at: ["when", "created", "modified"]
            .iter()
            .find_map(|k| u.get(*k).and_then(time::from_json)),
        status: u
            .get("status")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_lowercase())
            .unwrap_or_default(),
        text: text::tidy(raw),
    })
}

/// One line: drop Workspace's `**Title:**` markdown label, join wrapped lines.
fn title_of(desc: &str) -> String {
    let s = desc.replace("**", "");
    let s = s.trim_start();
    let s = s.strip_prefix("Title:").unwrap_or(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GCP: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/google-cloud/gcp-incidents-edited-3-secret-manager-2022-07.json"
    ));
    const SECRET_MANAGER: &str = "kzGfErQK3HzkFhptoeHH";
    const CLOUD_SQL: &str = "hV87iK5DcEXKgWU2kDri";

    #[test]
    fn endpoint() {
        assert_eq!(
            endpoints("https://status.cloud.google.com"),
            ["https://status.cloud.google.com/incidents.json"]
        );
    }

    #[test]
    fn fixture_open_outage_for_secret_manager() {
        let r = read(GCP, Some(SECRET_MANAGER)).expect("fixture parses");
        assert_eq!(r.status, Severity::Operational, "page level: no page word");
        assert_eq!(r.incidents.len(), 1, "two closed incidents are history");
        assert_eq!(r.past.len(), 2);
        assert!(r
            .past
            .iter()
            .all(|p| p.is_resolved() && p.status == "resolved"));
        assert_eq!(
            r.past[0].resolved_at.map(|t| t.to_rfc3339()),
            Some("2022-07-10T15:47:00+00:00".into())
        );
        assert_eq!(
            r.past[0].impact,
            Severity::Degraded,
            "status_impact, not AVAILABLE"
        );
        let i = &r.incidents[0];
        assert_eq!(i.id, "mLBHeCxhRia17anXCSX1");
        assert_eq!(
            i.impact,
            Severity::MajorOutage,
            "latest update SERVICE_OUTAGE wins over status_impact"
        );
        assert_eq!(i.status, "service_outage");
        assert_eq!(
            i.title,
            "Secret Manager experienced service unavailability in europe-west2"
        );
        assert_eq!(
            i.url.as_deref(),
            Some("https://status.cloud.google.com/incidents/mLBHeCxhRia17anXCSX1")
        );
        assert_eq!(i.components, [SECRET_MANAGER]);
        assert_eq!(
            i.started_at.map(|t| t.to_rfc3339()),
            Some("2022-07-19T14:17:00+00:00".into())
        );
        assert_eq!(i.updates.len(), 1, "no updates[]: most_recent_update used");
        assert_eq!(i.updates[0].status, "service_outage");
        assert!(i.updates[0].text.starts_with("We experienced an issue"));
        assert!(i.updates[0].text.contains("\nSelf-diagnosis:"));
        assert!(!i.is_resolved());
        assert_eq!(r.note, None);
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::GoogleCloud, r),
            Severity::MajorOutage
        );
    }

    #[test]
    fn fixture_other_products() {
        // Cloud SQL is named only by a closed incident.
        let r = read(GCP, Some(CLOUD_SQL)).expect("parses");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.incidents.is_empty());
        assert_eq!(r.past.len(), 1);
        assert_eq!(r.note, None);
        // Unknown product: operational, with a hint that the id may be wrong.
        let r = read(GCP, Some("nope")).expect("parses");
        assert!(r.incidents.is_empty());
        assert!(r.note.is_some_and(|n| n.contains("nope")));
        // No product: every open incident.
        assert_eq!(read(GCP, None).expect("parses").incidents.len(), 1);
    }

    #[test]
    fn open_incident_for_another_product_is_ignored() {
        let doc = br#"[{"id":"a","begin":"2026-09-23T05:00:00+00:00","end":null,"external_desc":"BigQuery slow",
          "status_impact":"SERVICE_DISRUPTION","severity":"high","affected_products":[{"title":"BigQuery","id":"bq"}]},
          {"id":"b","begin":"2026-09-23T05:00:00+00:00","external_desc":"Vertex info","status_impact":"SERVICE_INFORMATION",
           "affected_products":[{"title":"Vertex Gemini API","id":"Z0FZJAMvEB4j3NbCJs6B"}]}]"#;
        let r = read(doc, Some("Z0FZJAMvEB4j3NbCJs6B")).expect("parses");
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].id, "b");
        assert_eq!(
            r.incidents[0].impact,
            Severity::Operational,
            "information only"
        );
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::GoogleCloud, r),
            Severity::Operational
        );

        let r = read(doc, Some("bq")).expect("parses");
        assert_eq!(
            r.incidents[0].impact,
            Severity::PartialOutage,
            "disruption + high"
        );
        assert_eq!(r.incidents[0].status, "service_disruption");
    }

    #[test]
    fn workspace_shape_updates_oldest_first_and_markdown_title() {
        let doc = br#"[{"id":"B5V4","begin":"2026-09-18T05:00:00+00:00","end":null,
          "external_desc":"**Title:**\nGmail Android App users may experience delays",
          "severity":"low","status_impact":"SERVICE_DISRUPTION","service_name":"Gmail",
          "affected_products":[{"title":"Gmail","id":"prPt"}],
          "most_recent_update":{"when":"2026-09-23T02:56:03+00:00","status":"SERVICE_DISRUPTION","text":"second"},
          "updates":[{"when":"2026-09-23T02:56:03+00:00","status":"SERVICE_DISRUPTION","text":"second"},
                     {"when":"2026-09-22T21:38:51+00:00","status":"SERVICE_INFORMATION","text":"**first**"}],
          "uri":"incidents/B5V4"}]"#;
        let r = read_with_base(
            doc,
            Some("prPt"),
            &[],
            "https://www.google.com/appsstatus/dashboard/",
        )
        .expect("parses");
        let i = &r.incidents[0];
        assert_eq!(i.title, "Gmail Android App users may experience delays");
        assert_eq!(i.impact, Severity::Degraded);
        assert_eq!(
            i.url.as_deref(),
            Some("https://www.google.com/appsstatus/dashboard/incidents/B5V4")
        );
        assert_eq!(i.updates.len(), 2);
        assert_eq!(i.updates[0].status, "service_information");
        assert_eq!(i.updates[1].text, "second");
    }

    #[test]
    fn available_latest_update_reads_as_over() {
        let doc = br#"[{"id":"x","most_recent_update":{"status":"AVAILABLE","text":"ok"},"status_impact":"SERVICE_OUTAGE"}]"#;
        let r = read(doc, None).expect("parses");
        assert_eq!(r.incidents[0].impact, Severity::Operational);
        assert!(r.incidents[0].is_resolved());
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::GoogleCloud, r),
            Severity::Operational
        );
    }

    #[test]
    fn end_set_is_resolved_whatever_the_last_words() {
        let doc = br#"[{"id":"e","begin":"2026-09-20T05:00:00+00:00","end":"2026-09-20T07:00:00+00:00",
          "status_impact":"SERVICE_OUTAGE","most_recent_update":{"status":"SERVICE_OUTAGE","text":"still bad?"},
          "affected_products":[{"title":"Vertex Gemini API","id":"Z0FZJAMvEB4j3NbCJs6B"}]}]"#;
        let r = read(doc, Some("Z0FZJAMvEB4j3NbCJs6B")).expect("parses");
        assert!(r.incidents.is_empty());
        assert_eq!(r.past.len(), 1);
        assert!(r.past[0].is_resolved());
        assert_eq!(r.past[0].impact, Severity::MajorOutage);
        assert_eq!(
            crate::platform::rolled(crate::platform::Kind::GoogleCloud, r),
            Severity::Operational
        );
    }

    #[test]
    fn location_filter() {
        let locs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ids = |r: &Reading| {
            let mut v: Vec<String> = r
                .incidents
                .iter()
                .chain(&r.past)
                .map(|i| i.id.clone())
                .collect();
            v.sort();
            v
        };
        let doc = br#"[
          {"id":"west","currently_affected_locations":[{"title":"Iowa (us-central1)","id":"us-central1"}],
           "previously_affected_locations":[],"status_impact":"SERVICE_DISRUPTION"},
          {"id":"was-east","end":"2026-01-01T00:00:00+00:00","currently_affected_locations":[],
           "previously_affected_locations":[{"title":"South Carolina (us-east1)","id":"us-east1"}]},
          {"id":"global","currently_affected_locations":[{"title":"Global","id":"global"}]},
          {"id":"nowhere","currently_affected_locations":[],"previously_affected_locations":null}]"#;
        // (watched, incidents kept): global and unlocated incidents concern every location.
        let table: [(&[&str], &[&str]); 4] = [
            (&[], &["global", "nowhere", "was-east", "west"]),
            (&["us-central1"], &["global", "nowhere", "west"]),
            (&["US-EAST1", " "], &["global", "nowhere", "was-east"]),
            (&["europe-west4"], &["global", "nowhere"]),
        ];
        for (watched, want) in table {
            let r = read_with_base(doc, None, &locs(watched), DEFAULT_BASE).expect("parses");
            assert_eq!(ids(&r), want, "{watched:?}");
        }
        // The recorded incidents: the open one was in europe-west2 only.
        let r = read_with_base(
            GCP,
            Some(SECRET_MANAGER),
            &locs(&["europe-west1"]),
            DEFAULT_BASE,
        )
        .expect("parses");
        assert!(r.incidents.is_empty());
        assert_eq!(r.past.len(), 2, "both closed ones list `global`");
    }

    #[test]
    fn every_prefix_is_an_answer_not_a_panic() {
        for n in (0..GCP.len()).step_by(7) {
            let _ = read(&GCP[..n], Some(SECRET_MANAGER));
        }
    }

    #[test]
    fn bad_inputs() {
        assert_eq!(read(b"<!doctype html><html>", None), Err(ReadError::Html));
        assert!(matches!(read(&GCP[..500], None), Err(ReadError::Json(_))));
        assert!(matches!(read(b"{}", None), Err(ReadError::Shape(_))));
        assert!(matches!(read(b"\"x\"", None), Err(ReadError::Shape(_))));
        let r = read(
            br#"[null,1,{"id":null},{"id":"z","end":"","affected_products":null,"updates":null,
                "most_recent_update":null,"status_impact":7,"external_desc":null}]"#,
            None,
        )
        .expect("parses");
        assert_eq!(r.incidents.len(), 1);
        let i = &r.incidents[0];
        assert_eq!(i.impact, Severity::Degraded, "open, words unknown");
        assert_eq!(i.title, "z");
        assert!(i.updates.is_empty());
        assert_eq!(
            read(b"[]", Some("p")).expect("parses").status,
            Severity::Operational
        );
    }
}
