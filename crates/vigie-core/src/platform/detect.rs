//! Platform auto-detection for `vigie add URL`.
//!
//! Status pages do not say which product serves them, but each platform's JSON has a telltale
//! shape, so detection is: GET the candidate endpoints from [`probe_urls`] in order, and hand each
//! answer to [`classify`] until one is recognised. Classification is pure (URL + bytes in), like
//! the parsers, so it is tested on the recorded fixtures.
//!
//! Telltales: Statuspage's summary/status has `page.time_zone`; incident.io's Statuspage-compatible
//! API has the same shape *without* `time_zone`, its widget API has `page_title` + `ongoing_incidents`,
//! and its front-end proxy lives under `/proxy/`; Instatus's v3 summary has `page.status` in
//! UP / HASISSUES / UNDERMAINTENANCE; Better Stack answers JSON:API with `data.type = status_page`;
//! an RSS, RDF or Atom root element is a feed.

use serde_json::Value;

use crate::platform::{json, looks_like_html, strip_bom, Kind};

/// What a URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub kind: Kind,
    /// The service URL to store: the page base (endpoint suffix removed), or the feed URL itself.
    pub url: String,
    /// The page's own name, when it gives one.
    pub name: Option<String>,
}

/// Endpoint suffixes removed to get back to the page base.
const SUFFIXES: [&str; 12] = [
    "/api/v2/summary.json",
    "/api/v2/status.json",
    "/api/v2/components.json",
    "/api/v2/incidents.json",
    "/api/v1/summary",
    "/v3/summary.json",
    "/v3/components.json",
    "/summary.json",
    "/index.json",
    "/feed.atom",
    "/feed.rss",
    "/history.atom",
];

/// Candidate URLs to GET, in order: Statuspage/incident.io compat, incident.io widget, Instatus,
/// Better Stack, then the URL itself (a feed). A URL that already names an endpoint is reduced to its
/// base first; a URL that looks like a feed (`.xml`, `.rss`, `.atom`, `/feed`) is only tried itself.
pub fn probe_urls(page_url: &str) -> Vec<String> {
    let given = page_url.trim();
    let lower = given.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    if path.ends_with(".xml")
        || path.ends_with(".rss")
        || path.ends_with(".atom")
        || path.ends_with("/feed")
        || path.ends_with("/rss")
    {
        return vec![given.to_string()];
    }
    let u = base_of(given);
    let mut out = vec![
        format!("{u}/api/v2/summary.json"),
        format!("{u}/api/v1/summary"),
        format!("{u}/v3/summary.json"),
        format!("{u}/index.json"),
    ];
    if !out.iter().any(|x| x == given) {
        out.push(given.to_string());
    }
    out
}

/// Recognise the platform behind `body`, fetched from `requested_url`.
pub fn classify(requested_url: &str, body: &[u8]) -> Option<Detected> {
    let body = strip_bom(body);
    let head = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&body[..0], |i| &body[i..]);
    if head.starts_with(b"<") {
        return feed(requested_url, head);
    }
    let v = json(body).ok()?;
    let url = requested_url.trim();

    let page = v.get("page").filter(|p| p.is_object());
    let page_name = page.and_then(|p| text_of(p.get("name")));

    if url.contains("/proxy/") {
        let looks = v.get("summary").is_some_and(Value::is_object)
            || v.get("incident").is_some_and(Value::is_object);
        return looks.then(|| Detected {
            kind: Kind::IncidentIo,
            url: base_of(url),
            name: v.get("summary").and_then(|s| text_of(s.get("name"))),
        });
    }
    if let Some(p) = page {
        if p.get("time_zone").is_some_and(|t| !t.is_null()) {
            return Some(Detected {
                kind: Kind::Statuspage,
                url: base_of(url),
                name: page_name,
            });
        }
        let instatus = p.get("status").and_then(Value::as_str).is_some_and(|s| {
            matches!(
                s.trim().to_ascii_uppercase().as_str(),
                "UP" | "HASISSUES" | "UNDERMAINTENANCE"
            )
        });
        if instatus {
            return Some(Detected {
                kind: Kind::Instatus,
                url: base_of(url),
                name: page_name,
            });
        }
        let compat = v
            .get("status")
            .is_some_and(|s| s.get("indicator").is_some())
            || v.get("components").is_some_and(Value::is_array)
            || v.get("incidents").is_some();
        if compat {
            return Some(Detected {
                kind: Kind::IncidentIo,
                url: base_of(url),
                name: page_name,
            });
        }
    }
    if v.get("page_title").is_some() && v.get("ongoing_incidents").is_some() {
        return Some(Detected {
            kind: Kind::IncidentIo,
            url: base_of(url),
            name: text_of(v.get("page_title")),
        });
    }
    let data = v.get("data");
    if data.and_then(|d| d.get("type")).and_then(Value::as_str) == Some("status_page") {
        return Some(Detected {
            kind: Kind::Betterstack,
            url: base_of(url),
            name: data
                .and_then(|d| d.get("attributes"))
                .and_then(|a| text_of(a.get("company_name"))),
        });
    }
    None
}

fn feed(requested_url: &str, body: &[u8]) -> Option<Detected> {
    if looks_like_html(body) {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    let doc = roxmltree::Document::parse(text).ok()?;
    let root = doc.root_element();
    let title_parent = match root.tag_name().name() {
        "rss" => root.children().find(|n| n.has_tag_name("channel"))?,
        "feed" => root,
        "RDF" => root.children().find(|n| n.has_tag_name("channel"))?,
        _ => return None,
    };
    let name = title_parent
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    Some(Detected {
        kind: Kind::Feed,
        url: requested_url.trim().to_string(),
        name,
    })
}

/// The page base: query, fragment, trailing slashes and any known endpoint suffix removed;
/// `/proxy/<host>…` cut off for incident.io.
fn base_of(url: &str) -> String {
    let mut u = url.trim();
    if let Some(i) = u.find(['?', '#']) {
        u = &u[..i];
    }
    if let Some(i) = u.find("/proxy/") {
        u = &u[..i];
    }
    let mut u = u.trim_end_matches('/');
    for s in SUFFIXES {
        if u.len() > s.len() && u.is_char_boundary(u.len() - s.len()) {
            let (head, tail) = u.split_at(u.len() - s.len());
            if tail.eq_ignore_ascii_case(s) {
                u = head;
                break;
            }
        }
    }
    u.trim_end_matches('/').to_string()
}

fn text_of(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($p:literal) => {
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/fixtures/",
                $p
            ))
            .as_slice()
        };
    }

    fn kind(url: &str, body: &[u8]) -> Option<(Kind, String, Option<String>)> {
        classify(url, body).map(|d| (d.kind, d.url, d.name))
    }

    #[test]
    fn probe_order() {
        assert_eq!(
            probe_urls("https://status.example.com/"),
            [
                "https://status.example.com/api/v2/summary.json",
                "https://status.example.com/api/v1/summary",
                "https://status.example.com/v3/summary.json",
                "https://status.example.com/index.json",
                "https://status.example.com/",
            ]
        );
        // An endpoint URL is reduced to its base and not repeated.
        assert_eq!(
            probe_urls("https://status.example.com/index.json"),
            [
                "https://status.example.com/api/v2/summary.json",
                "https://status.example.com/api/v1/summary",
                "https://status.example.com/v3/summary.json",
                "https://status.example.com/index.json",
            ]
        );
        assert_eq!(
            probe_urls("https://status.x.ai/feed.xml"),
            ["https://status.x.ai/feed.xml"]
        );
        assert_eq!(
            probe_urls("https://status.huggingface.co/feed"),
            ["https://status.huggingface.co/feed"]
        );
    }

    #[test]
    fn statuspage_fixtures() {
        let url = "https://status.claude.com/api/v2/summary.json";
        assert_eq!(
            kind(
                url,
                fixture!("statuspage/claude-summary-all-operational-6-components-2026-09-03.json")
            ),
            Some((
                Kind::Statuspage,
                "https://status.claude.com".into(),
                Some("Claude".into())
            ))
        );
        assert_eq!(
            kind(
                "https://status.claude.com/api/v2/status.json",
                fixture!("statuspage/claude-status-operational-2026-09-15.json")
            )
            .map(|k| (k.0, k.1)),
            Some((Kind::Statuspage, "https://status.claude.com".into()))
        );
        assert_eq!(
            kind(
                "https://www.githubstatus.com/api/v2/summary.json",
                fixture!("statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json")
            )
            .map(|k| k.0),
            Some(Kind::Statuspage)
        );
    }

    #[test]
    fn incident_io_fixtures() {
        assert_eq!(
            kind(
                "https://status.openai.com/api/v2/status.json",
                fixture!("incident-io/openai-compat-status-operational-2026-09-15.json")
            ),
            Some((
                Kind::IncidentIo,
                "https://status.openai.com".into(),
                Some("OpenAI".into())
            ))
        );
        assert_eq!(
            kind(
                "https://status.openai.com/api/v1/summary",
                fixture!("incident-io/openai-widget-v1-summary-quiet-2026-09.json")
            ),
            Some((
                Kind::IncidentIo,
                "https://status.openai.com".into(),
                Some("OpenAI".into())
            ))
        );
        assert_eq!(
            kind(
                "https://status.openai.com/proxy/status.openai.com",
                fixture!("incident-io/openai-proxy-summary-all-operational-2026-09.json")
            )
            .map(|k| (k.0, k.1)),
            Some((Kind::IncidentIo, "https://status.openai.com".into()))
        );
        // A lone incident object is not a page.
        assert_eq!(
            kind(
                "https://status.openai.com/api/v2/incidents.json",
                fixture!(
                    "incident-io/openai-compat-incident-resolved-2026-09-23-DOCQUOTE-TRIMMED.json"
                )
            ),
            None
        );
    }

    #[test]
    fn instatus_and_betterstack_fixtures() {
        assert_eq!(
            kind(
                "https://status.wistia.com/v3/summary.json",
                fixture!("instatus/wistia-v3-summary-up-2026-09-23-DOCQUOTE.json")
            ),
            Some((
                Kind::Instatus,
                "https://status.wistia.com".into(),
                Some("Wistia".into())
            ))
        );
        assert_eq!(
            kind(
                "https://status.wistia.com/v3/components.json",
                fixture!("instatus/wistia-v3-components-2026-09-23-DOCQUOTE-TRIMMED.json")
            ),
            None,
            "components alone do not say which platform"
        );
        assert_eq!(
            kind(
                "https://status.betterstack.com/index.json",
                fixture!("betterstack/betterstack-index-json-2026-09-23-DOCQUOTE-TRIMMED.json")
            ),
            Some((
                Kind::Betterstack,
                "https://status.betterstack.com".into(),
                Some("Better Stack".into())
            ))
        );
    }

    #[test]
    fn feed_fixtures() {
        for (url, body) in [
            (
                "https://www.githubstatus.com/history.atom",
                fixture!("feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml"),
            ),
            (
                "https://www.githubstatus.com/history.rss",
                fixture!("feeds/github-statuspage-history-rss-4-items-2026-09-03.xml"),
            ),
            (
                "https://rssfeed.azure.status.microsoft/en-us/status/feed/",
                fixture!("feeds/azure-status-rss-empty-healthy-2026-09-23-DOCQUOTE.xml"),
            ),
        ] {
            let d = classify(url, body).expect("a feed");
            assert_eq!(d.kind, Kind::Feed, "{url}");
            assert_eq!(d.url, url, "the feed URL itself is stored");
        }
        let d = classify(
            "https://rssfeed.azure.status.microsoft/en-us/status/feed/",
            fixture!("feeds/azure-status-rss-empty-healthy-2026-09-23-DOCQUOTE.xml"),
        );
        assert_eq!(d.and_then(|d| d.name).as_deref(), Some("Azure Status"));
        let rdf = br#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>X</title></channel></rdf:RDF>"#;
        assert_eq!(
            classify("https://x/rdf", rdf).map(|d| d.kind),
            Some(Kind::Feed)
        );
    }

    #[test]
    fn not_a_status_page() {
        for body in [
            b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>".as_slice(),
            b"<html><body>hi</body></html>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"<rss><channel>",
            b"",
            b"   ",
            b"\xEF\xBB\xBF",
            b"garbage",
            b"{\"page\":",
            b"null",
            b"[]",
            b"{}",
            b"{\"page\":null}",
            b"{\"page\":{\"status\":\"GREEN\"}}",
            b"{\"data\":{\"type\":\"monitor\"}}",
            b"\xff\xfe<\x00r\x00",
            fixture!("ollama/root-GET-200-text-plain.txt"),
            fixture!("ollama/api-tags-DOCEXAMPLE.json"),
            fixture!("google-cloud/gcp-incidents-edited-3-secret-manager-2022-07.json"),
            fixture!("flashduty/deepseek-flashduty-page-changes-structure-2026-06.json"),
            fixture!("misc/aws-health-currentevents-one-event-2026-09-23-DOCQUOTE-TRIMMED.json"),
            fixture!("misc/google-workspace-incident-gmail-open-2026-09-23-DOCQUOTE-TRIMMED-INVALIDJSON.txt"),
        ] {
            assert_eq!(classify("https://status.example.com/", body), None, "{:?}", String::from_utf8_lossy(body));
        }
        // "/proxy/" in the URL but not incident.io's document.
        assert_eq!(classify("https://x.com/proxy/x.com", b"{\"a\":1}"), None);
    }

    #[test]
    fn every_prefix_is_an_answer_not_a_panic() {
        for body in [
            fixture!("statuspage/claude-summary-all-operational-6-components-2026-09-03.json"),
            fixture!("incident-io/openai-widget-v1-summary-quiet-2026-09.json"),
            fixture!("feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml"),
            fixture!("betterstack/betterstack-index-json-2026-09-23-DOCQUOTE-TRIMMED.json"),
        ] {
            for n in (0..body.len()).step_by(1 + body.len() / 400) {
                let _ = classify("https://s.com/proxy/s.com", &body[..n]);
                let _ = classify("https://s.com", &body[..n]);
            }
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            base_of("https://s.com/api/v2/summary.json?x=1"),
            "https://s.com"
        );
        assert_eq!(
            base_of("https://s.com/API/V2/Summary.json"),
            "https://s.com"
        );
        assert_eq!(base_of("https://s.com/sub/path/"), "https://s.com/sub/path");
        assert_eq!(
            base_of("https://s.com/proxy/s.com/incidents/1"),
            "https://s.com"
        );
        assert_eq!(base_of("/index.json"), "/index.json");
        assert_eq!(base_of("https://s.com/é/index.json"), "https://s.com/é");
        assert_eq!(base_of("ééé"), "ééé");
    }
}
