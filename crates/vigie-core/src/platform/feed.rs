//! RSS 2.0 / Atom feeds, for pages with no structured API (xAI, Azure) and as the history source of
//! Statuspage and incident.io pages.
//!
//! Feeds carry no schema for status, so each entry is read by recognising the conventions seen in
//! real feeds, all in one pass and without knowing which platform wrote it:
//! * Statuspage: entity-escaped HTML of `<small>date</small><br><strong>Label</strong> - text` per
//!   update, newest first (update times have no year: it is taken from the entry's date);
//! * incident.io: `<b>Status: Resolved</b>` then `<li>Component (Status Label)</li>`;
//! * xAI: `[Component] Title`, `Status: RESOLVED`, `Severity: outage|disruption`, and one item per
//!   component with the same guid (merged here, component names united);
//! * Azure: items with no words at all; an item present means trouble of unknown size (Degraded).
//!
//! Components in feeds are names, not ids, so `Incident::components` holds names. A closed entry never
//! makes a service look down; an empty channel is a page that says all is well.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, TimeZone, Utc};
use roxmltree::{Document, Node};

use crate::model::{is_closed_word, Incident, IncidentKind, IncidentUpdate, Reading, Severity};
use crate::platform::{looks_like_html, strip_bom, ReadError};
use crate::text;

/// Current state and history in one read: open entries are the active incidents (scheduled, not
/// started maintenances are not), closed ones are `past`. With `keywords` (a service's `match`), an
/// entry counts only when its title, text or categories contain one of them, case-insensitive: the
/// Azure feed lists every Azure service and Vigie watches only OpenAI's.
pub fn read(body: &[u8], keywords: &[String]) -> Result<Reading, ReadError> {
    let parsed = parse(body)?;
    let mut reading = Reading {
        status: Severity::Operational,
        ..Reading::default()
    };
    let words: Vec<String> = keywords
        .iter()
        .map(|k| k.trim().to_lowercase())
        .filter(|k| !k.is_empty())
        .collect();
    let mut no_severity = false;
    for Entry {
        incident: inc,
        stated,
        haystack,
    } in parsed
    {
        if !words.is_empty() && !words.iter().any(|w| haystack.contains(w.as_str())) {
            continue;
        }
        if inc.is_resolved() {
            reading.past.push(inc);
            continue;
        }
        if inc.status == "scheduled" {
            continue;
        }
        no_severity |= !stated;
        reading.status = reading.status.max(inc.impact);
        reading.incidents.push(inc);
    }
    if no_severity {
        reading.note = Some("the feed gives no severity: an open item counts as degraded".into());
    }
    Ok(reading)
}

/// Every entry as an incident, closed ones included, merged by guid/id.
pub fn entries(body: &[u8]) -> Result<Vec<Incident>, ReadError> {
    Ok(parse(body)?.into_iter().map(|e| e.incident).collect())
}

/// One feed entry (all copies of a guid merged).
struct Entry {
    incident: Incident,
    /// Did the feed state a severity?
    stated: bool,
    /// Lower-case title, text and categories, for keyword matching.
    haystack: String,
}

/// The id one incident has through every endpoint of its page: feeds write a URL where the APIs
/// write a bare id. incident.io's Atom `https://status.openai.com//incidents/<ULID>` (double slash)
/// is the proxy's `<ULID>`; Statuspage's RSS guid `…/incidents/<code>` and its Atom entry's link
/// are incidents.json's `<code>` (its Atom `<id>` is an opaque `tag:`, so the link decides).
/// Anything else (xAI `INC…`, Azure slugs) is kept as written.
pub fn incident_id(id: &str, link: Option<&str>) -> String {
    [Some(id), link]
        .into_iter()
        .flatten()
        .find_map(incidents_path_id)
        .unwrap_or_else(|| id.trim().to_string())
}

/// `<token>` of an `http(s)://host/…/incidents/<token>` URL.
fn incidents_path_id(url: &str) -> Option<String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    let path = url.split(['?', '#']).next()?.trim_end_matches('/');
    let (_, token) = path.rsplit_once("/incidents/")?;
    (!token.is_empty() && !token.contains('/')).then(|| token.to_string())
}

fn parse(body: &[u8]) -> Result<Vec<Entry>, ReadError> {
    let body = strip_bom(body);
    let xml = std::str::from_utf8(body).map_err(|e| {
        if looks_like_html(body) {
            ReadError::Html
        } else {
            ReadError::Xml(format!("not UTF-8: {e}"))
        }
    })?;
    let doc = Document::parse(xml).map_err(|e| {
        if looks_like_html(body) {
            ReadError::Html
        } else {
            ReadError::Xml(e.to_string())
        }
    })?;
    let root = doc.root_element();
    let item_name = match root.tag_name().name() {
        "feed" => "entry",
        "rss" | "RDF" => "item",
        "html" => return Err(ReadError::Html),
        other => {
            return Err(ReadError::Shape(format!(
                "no `rss` or `feed` root element (found `{other}`)"
            )))
        }
    };
    let mut out: Vec<Entry> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for node in root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == item_name)
    {
        let e = entry(node);
        match by_key.get(&e.incident.id) {
            Some(&at) => merge(&mut out[at], e),
            None => {
                by_key.insert(e.incident.id.clone(), out.len());
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// The same guid again (xAI: one copy per component): unite components, keep the worst impact.
fn merge(into: &mut Entry, other: Entry) {
    let Entry {
        incident: other,
        stated,
        haystack,
    } = other;
    // Read before the components and updates are moved out below.
    let other_resolved = other.is_resolved();
    into.haystack.push('\n');
    into.haystack.push_str(&haystack);
    let (inc, into_stated) = (&mut into.incident, &mut into.stated);
    for c in other.components {
        if !inc.components.contains(&c) {
            inc.components.push(c);
        }
    }
    if stated && !*into_stated {
        inc.impact = other.impact;
        *into_stated = true;
    } else if stated {
        inc.impact = inc.impact.max(other.impact);
    }
    for u in other.updates {
        if !inc.updates.contains(&u) {
            inc.updates.push(u);
        }
    }
    inc.updates.sort_by_key(|u| u.at);
    // An open copy wins over a closed one only if it is newer; otherwise keep the first copy.
    if inc.is_resolved() != other_resolved {
        let newer = other.started_at > inc.started_at;
        if newer {
            inc.status = other.status;
            inc.resolved_at = other.resolved_at;
        }
    }
    if inc.url.is_none() {
        inc.url = other.url;
    }
}

/// First child element with this local name.
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// All text under the first child with this local name (CDATA included).
fn child_text(node: Node<'_, '_>, name: &str) -> Option<String> {
    let c = child(node, name)?;
    let s: String = c
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn link(node: Node<'_, '_>) -> Option<String> {
    let links: Vec<Node> = node
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "link")
        .collect();
    // Atom: <link rel="alternate" href="…"/> (rel defaults to alternate). RSS: <link>url</link>.
    links
        .iter()
        .find(|l| {
            l.attribute("href").is_some() && l.attribute("rel").is_none_or(|r| r == "alternate")
        })
        .or_else(|| links.iter().find(|l| l.attribute("href").is_some()))
        .and_then(|l| l.attribute("href"))
        .map(|h| h.trim().to_string())
        .or_else(|| {
            links
                .iter()
                .filter_map(|l| l.text())
                .map(str::trim)
                .find(|t| !t.is_empty())
                .map(str::to_string)
        })
}

fn entry(node: Node<'_, '_>) -> Entry {
    let raw_title = child_text(node, "title").unwrap_or_default();
    let mut title = text::html_to_text(&raw_title).replace('\n', " ");
    let url = link(node);
    let html = child_text(node, "content")
        .or_else(|| child_text(node, "encoded"))
        .or_else(|| child_text(node, "description"))
        .or_else(|| child_text(node, "summary"))
        .unwrap_or_default();
    let published = ["published", "pubDate", "date", "issued"]
        .iter()
        .find_map(|n| child_text(node, n).and_then(|s| crate::time::parse(&s)));
    let updated = ["updated", "modified"]
        .iter()
        .find_map(|n| child_text(node, n).and_then(|s| crate::time::parse(&s)));
    let categories: Vec<String> = node
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "category")
        .filter_map(|c| {
            c.attribute("term")
                .map(str::to_string)
                .or_else(|| c.text().map(str::to_string))
        })
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();

    let mut components = Vec::new();
    // xAI: "[grok.com] Elevated errors".
    if let Some(rest) = title.strip_prefix('[') {
        if let Some((comp, after)) = rest.split_once(']') {
            let comp = comp.trim();
            if !comp.is_empty() && !after.trim().is_empty() {
                components.push(comp.to_string());
                title = after.trim().to_string();
            }
        }
    }
    let reference = published.or(updated);
    let plain = text::html_to_text(&html);

    // incident.io: <li>Component (Status Label)</li>.
    let mut li_worst: Option<Severity> = None;
    for (name, label) in list_items(&html) {
        if let Some(sev) = Severity::from_component_word(&label) {
            li_worst = Some(li_worst.map_or(sev, |w| w.max(sev)));
        }
        if !components.contains(&name) {
            components.push(name);
        }
    }

    let mut updates = match dated_block_updates(&html) {
        u if u.is_empty() => statuspage_updates(&html, reference),
        u => u,
    };
    let labelled = labelled_line(&plain, "status:").map(|w| word(&w));
    let severity_word = labelled_line(&plain, "severity:")
        .map(|w| w.to_ascii_lowercase())
        .or_else(|| {
            categories
                .iter()
                .find(|c| matches!(c.as_str(), "outage" | "disruption"))
                .cloned()
        });
    let status = labelled
        .or_else(|| updates.first().map(|u| u.status.clone()))
        .or_else(|| {
            categories
                .iter()
                .find(|c| LIFECYCLE.contains(&word(c).as_str()))
                .map(|c| word(c))
        })
        .unwrap_or_else(|| "active".to_string());
    // Statuspage lists newest first; the model wants oldest first.
    updates.reverse();
    updates.sort_by_key(|u| u.at);
    if updates.is_empty() {
        let body = plain
            .lines()
            .filter(|l| {
                let l = l.trim_start().to_ascii_lowercase();
                !l.starts_with("status:") && !l.starts_with("severity:")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let body = text::tidy(&body);
        updates.push(IncidentUpdate {
            at: updated.or(published),
            status: status.clone(),
            text: body,
        });
    }

    let maintenance = MAINTENANCE_WORDS.contains(&status.as_str())
        || updates
            .iter()
            .any(|u| MAINTENANCE_WORDS.contains(&u.status.as_str()));
    let stated_sev = severity_word.as_deref().and_then(|w| match w {
        "outage" => Some(Severity::MajorOutage),
        "disruption" => Some(Severity::Degraded),
        other => Severity::from_component_word(other).or_else(|| Severity::from_impact_word(other)),
    });
    let (impact, stated) = if maintenance {
        (Severity::Maintenance, true)
    } else if let Some(s) = stated_sev.or(li_worst) {
        (s, true)
    } else {
        (Severity::Degraded, false)
    };
    let closed = is_closed_word(&status);
    let resolved_at = closed.then(|| {
        updates
            .iter()
            .filter(|u| is_closed_word(&u.status))
            .filter_map(|u| u.at)
            .max()
            .or(updated)
            .or(published)
    });
    let started_at = updates
        .iter()
        .filter_map(|u| u.at)
        .min()
        .or(published)
        .or(updated);
    let raw_id = child_text(node, "guid")
        .or_else(|| child_text(node, "id"))
        .or_else(|| url.clone())
        .unwrap_or_else(|| title.clone());
    let id = incident_id(&raw_id, url.as_deref());
    let haystack = [title.as_str(), plain.as_str()]
        .into_iter()
        .chain(categories.iter().map(String::as_str))
        .chain(components.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();

    let inc = Incident {
        id,
        kind: if maintenance {
            IncidentKind::Maintenance
        } else {
            IncidentKind::Incident
        },
        title,
        status,
        impact,
        started_at,
        resolved_at: resolved_at.flatten(),
        url,
        components,
        updates,
    };
    Entry {
        incident: inc,
        stated,
        haystack,
    }
}

const LIFECYCLE: [&str; 7] = [
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "postmortem",
    "update",
    "completed",
];

const MAINTENANCE_WORDS: [&str; 7] = [
    "scheduled",
    "in_progress",
    "verifying",
    "completed",
    "maintenance_scheduled",
    "maintenance_in_progress",
    "maintenance_complete",
];

/// "In progress" → "in_progress", "RESOLVED" → "resolved".
fn word(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_ascii_lowercase()
}

/// The rest of the first line starting with `label` (case-insensitive), e.g. "Status: RESOLVED".
fn labelled_line(plain: &str, label: &str) -> Option<String> {
    plain.lines().find_map(|l| {
        let l = l.trim();
        let head = l.get(..label.len())?;
        if !head.eq_ignore_ascii_case(label) {
            return None;
        }
        let v = l.get(label.len()..)?.trim();
        (!v.is_empty()).then(|| v.to_string())
    })
}

/// `<li>Name (Status Label)</li>` pairs.
fn list_items(html: &str) -> Vec<(String, String)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(start) = lower.get(pos..).and_then(|s| s.find("<li")) {
        let start = pos + start;
        let Some(open_end) = lower.get(start..).and_then(|s| s.find('>')) else {
            break;
        };
        let inner_start = start + open_end + 1;
        let inner_end = lower
            .get(inner_start..)
            .and_then(|s| s.find("</li"))
            .map_or(html.len(), |e| inner_start + e);
        pos = inner_end.max(inner_start);
        let inner = text::html_to_text(html.get(inner_start..inner_end).unwrap_or(""));
        let inner = inner.trim();
        if let Some(body) = inner.strip_suffix(')') {
            if let Some((name, label)) = body.rsplit_once('(') {
                let name = name.trim();
                if !name.is_empty() {
                    out.push((name.to_string(), label.trim().to_string()));
                }
            }
        }
        if pos >= html.len() {
            break;
        }
    }
    out
}

/// xAI feed content: one `<div><p><strong>Wed, 07 Oct 2026 00:30:19 GMT</strong></p><h3>Resolved</h3>
/// <p>text</p></div>` per update, newest first, with full dates. A block whose bold text is not a
/// date is not one of these (Statuspage's bold text is the label).
fn dated_block_updates(html: &str) -> Vec<IncidentUpdate> {
    let mut out = Vec::new();
    for block in html.split("<div>").skip(1) {
        let block = block.split("</div>").next().unwrap_or(block);
        let Some((date, rest)) = block
            .split_once("<strong>")
            .and_then(|(_, r)| r.split_once("</strong>"))
        else {
            continue;
        };
        let Some(at) = crate::time::parse(&text::html_to_text(date)) else {
            continue;
        };
        let (label, body) = match rest
            .split_once("<h3>")
            .and_then(|(_, r)| r.split_once("</h3>"))
        {
            Some((label, body)) => (word(&text::html_to_text(label)), body),
            None => ("update".to_string(), rest),
        };
        out.push(IncidentUpdate {
            at: Some(at),
            status: label,
            text: text::tidy(&text::html_to_text(body)),
        });
    }
    out
}

/// Statuspage feed content: `<small>Sep 3, 17:11 UTC</small><br><strong>Resolved</strong> - text`,
/// newest first. `reference` supplies the year the dates leave out.
fn statuspage_updates(html: &str, reference: Option<DateTime<Utc>>) -> Vec<IncidentUpdate> {
    let parts: Vec<&str> = html.split("<strong>").collect();
    let mut out = Vec::new();
    for i in 1..parts.len() {
        let seg = parts[i];
        let Some((label, rest)) = seg.split_once("</strong>") else {
            continue;
        };
        let label = text::html_to_text(label);
        if label.is_empty() || label.len() > 40 {
            continue;
        }
        // The next update's date sits at the end of this segment.
        let body = if i + 1 < parts.len() {
            rest.rfind("<small").map_or(rest, |s| &rest[..s])
        } else {
            rest
        };
        let body = text::html_to_text(body);
        let body = body.trim_start_matches(['-', '–', ' ']).trim().to_string();
        let at = parts[i - 1]
            .rfind("<small")
            .map(|s| &parts[i - 1][s..])
            .map(text::html_to_text)
            .and_then(|d| feed_date(&d, reference));
        out.push(IncidentUpdate {
            at,
            status: word(&label),
            text: body,
        });
    }
    out
}

/// "Sep 3, 17:11 UTC" (year from `reference`), or "Sep 3, 2025 - 17:11 UTC".
fn feed_date(s: &str, reference: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_end_matches("UTC").trim().to_string();
    for f in ["%b %d, %Y - %H:%M", "%b %d, %Y, %H:%M", "%b %d %Y %H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&s, f) {
            return Some(Utc.from_utc_datetime(&n));
        }
    }
    let reference = reference?;
    let year = reference.year();
    let n = NaiveDateTime::parse_from_str(&format!("{year} {s}"), "%Y %b %d, %H:%M").ok()?;
    let t = Utc.from_utc_datetime(&n);
    // An update dated after its entry belongs to the previous year (a December update in January).
    if t > reference + Duration::days(2) {
        let n =
            NaiveDateTime::parse_from_str(&format!("{} {s}", year - 1), "%Y %b %d, %H:%M").ok()?;
        return Some(Utc.from_utc_datetime(&n));
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB_ATOM: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml"
    ));
    const GITHUB_RSS: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/github-statuspage-history-rss-4-items-2026-09-03.xml"
    ));
    const AZURE_EMPTY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/azure-status-rss-empty-healthy-2026-09-23-DOCQUOTE.xml"
    ));

    fn at(s: &str) -> Option<DateTime<Utc>> {
        crate::time::parse(s)
    }

    #[test]
    fn github_atom_four_resolved_entries() {
        let all = entries(GITHUB_ATOM).expect("parses");
        assert_eq!(all.len(), 4);
        let first = &all[0];
        // The Atom id is an opaque tag: the link gives incidents.json's code.
        assert_eq!(first.id, "ktdr5t0xwnhp");
        assert_eq!(first.title, "Incident with Grok Copilot AI Model Provider");
        assert_eq!(first.status, "resolved");
        assert!(first.is_resolved());
        assert_eq!(first.kind, IncidentKind::Incident);
        assert_eq!(
            first.url.as_deref(),
            Some("https://www.githubstatus.com/incidents/ktdr5t0xwnhp")
        );
        let words: Vec<&str> = first.updates.iter().map(|u| u.status.as_str()).collect();
        assert_eq!(
            words,
            ["investigating", "update", "update", "update", "resolved"]
        );
        assert_eq!(first.updates[0].at, at("2026-09-03T14:17:00Z"));
        assert_eq!(first.started_at, at("2026-09-03T14:17:00Z"));
        assert_eq!(first.resolved_at, at("2026-09-03T17:11:00Z"));
        assert_eq!(
            first.updates[0].text,
            "We are investigating reports of degraded performance for Copilot AI Model Providers"
        );
        assert!(first.updates[3]
            .text
            .contains("Copilot products and IDE surfaces.\nWe will continue"));
        assert!(all.iter().all(|i| i.is_resolved()));
        assert_eq!(all[2].updates.len(), 6);
        assert!(all[2].updates.iter().any(|u| u.status == "monitoring"));

        let reading = read(GITHUB_ATOM, &[]).expect("reads");
        assert_eq!(reading.status, Severity::Operational);
        assert!(reading.incidents.is_empty());
        assert_eq!(reading.past.len(), 4, "closed entries are history");
    }

    #[test]
    fn github_rss_matches_atom() {
        let rss = entries(GITHUB_RSS).expect("parses");
        let atom = entries(GITHUB_ATOM).expect("parses");
        assert_eq!(rss.len(), 4);
        for (r, a) in rss.iter().zip(&atom) {
            assert_eq!(r.title, a.title);
            assert_eq!(r.status, "resolved");
            assert_eq!(r.updates.len(), a.updates.len());
            assert_eq!(r.updates, a.updates);
            assert_eq!(r.id, a.id, "one incident, one id through both feeds");
        }
        assert_eq!(rss[0].id, "ktdr5t0xwnhp");
        assert_eq!(
            read(GITHUB_RSS, &[]).expect("reads").status,
            Severity::Operational
        );
    }

    #[test]
    fn azure_empty_channel_is_operational() {
        let r = read(AZURE_EMPTY, &[]).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.incidents.is_empty() && r.components.is_empty());
        assert!(entries(AZURE_EMPTY).expect("parses").is_empty());
    }

    #[test]
    fn azure_item_without_words_is_degraded() {
        let xml = br#"<rss version="2.0"><channel><title>Azure Status</title>
          <item><title>Azure OpenAI - East US - Mitigated?</title>
          <description>Starting at 14:00 UTC customers may see errors.</description>
          <pubDate>Wed, 23 Sep 2026 15:42:00 Z</pubDate>
          <guid isPermaLink="false">AZ-1</guid></item></channel></rss>"#;
        let r = read(xml, &[]).expect("reads");
        assert_eq!(r.status, Severity::Degraded);
        assert_eq!(r.incidents.len(), 1);
        assert_eq!(r.incidents[0].status, "active");
        assert_eq!(r.incidents[0].started_at, at("2026-09-23T15:42:00Z"));
        assert!(r.note.as_deref().unwrap_or("").contains("no severity"));
    }

    const XAI: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>SpaceXAI System Status</title><link>https://status.x.ai</link>
<item><title>[grok.com] Elevated errors</title><link>https://status.x.ai/incidents/INC1</link>
  <guid>INC1</guid><pubDate>Wed, 23 Sep 2026 10:00:00 GMT</pubDate>
  <category>outage</category><category>investigating</category>
  <description>Status: INVESTIGATING&lt;br&gt;Severity: outage&lt;br&gt;We are looking into it.</description></item>
<item><title>[Voice] Elevated errors</title><link>https://status.x.ai/incidents/INC1</link>
  <guid>INC1</guid><pubDate>Wed, 23 Sep 2026 10:00:00 GMT</pubDate>
  <description>Status: INVESTIGATING&lt;br&gt;Severity: outage&lt;br&gt;We are looking into it.</description></item>
<item><title>[Global (api.x.ai)] Slow responses</title><link>https://status.x.ai/incidents/INC0</link>
  <guid>INC0</guid><pubDate>Tue, 22 Sep 2026 10:00:00 GMT</pubDate>
  <description>Status: RESOLVED&lt;br&gt;Severity: disruption&lt;br&gt;Fixed.</description></item>
</channel></rss>"#;

    #[test]
    fn xai_duplicate_guids_merge_and_one_open_outage() {
        let all = entries(XAI.as_bytes()).expect("parses");
        assert_eq!(all.len(), 2);
        let open = &all[0];
        assert_eq!(open.id, "INC1");
        assert_eq!(open.title, "Elevated errors");
        assert_eq!(open.components, ["grok.com", "Voice"]);
        assert_eq!(open.status, "investigating");
        assert_eq!(open.impact, Severity::MajorOutage);
        assert_eq!(open.updates.len(), 1);
        assert_eq!(open.updates[0].text, "We are looking into it.");
        assert_eq!(all[1].impact, Severity::Degraded);
        assert!(all[1].is_resolved());
        assert_eq!(all[1].components, ["Global (api.x.ai)"]);

        let r = read(XAI.as_bytes(), &[]).expect("reads");
        assert_eq!(r.status, Severity::MajorOutage);
        assert_eq!(r.incidents.len(), 1);
        assert!(r.note.is_none());
    }

    const INCIDENT_IO_ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://status.openai.com/</id><title>OpenAI status</title>
<entry><title type="html"><![CDATA[Elevated errors on Login]]></title>
  <id>https://status.openai.com//incidents/01OPEN</id>
  <link href="https://status.openai.com//incidents/01OPEN"/>
  <updated>2026-09-23T10:05:00.000Z</updated>
  <content type="html"><![CDATA[<b>Status: Identified</b><br/><br/>We found it.<br/><br/><b>Affected components</b>
  <ul><li>Login (Full Outage)</li>
<li>Conversations (Degraded Performance)</li></ul>]]></content></entry>
<entry><title type="html"><![CDATA[Old one]]></title>
  <id>https://status.openai.com//incidents/01OLD</id>
  <link href="https://status.openai.com//incidents/01OLD"/>
  <updated>2026-09-01T19:05:46.393Z</updated>
  <summary type="html"><![CDATA[<b>Status: Resolved</b><br/><br/>All impacted services have now fully recovered.<br/><br/><b>Affected components</b>
  <ul><li>Responses (Operational)</li></ul>]]></summary></entry>
</feed>"#;

    #[test]
    fn incident_io_atom_labels_and_components() {
        let all = entries(INCIDENT_IO_ATOM.as_bytes()).expect("parses");
        assert_eq!(all.len(), 2);
        let open = &all[0];
        assert_eq!(open.status, "identified");
        assert_eq!(open.components, ["Login", "Conversations"]);
        assert_eq!(open.impact, Severity::MajorOutage);
        assert_eq!(
            open.url.as_deref(),
            Some("https://status.openai.com//incidents/01OPEN")
        );
        assert!(open.updates[0].text.starts_with("We found it."));
        assert!(!open.updates[0].text.contains("Status:"));
        let old = &all[1];
        assert_eq!(old.status, "resolved");
        assert_eq!(old.resolved_at, at("2026-09-01T19:05:46.393Z"));
        assert_eq!(old.impact, Severity::Operational);
        let r = read(INCIDENT_IO_ATOM.as_bytes(), &[]).expect("reads");
        assert_eq!(r.status, Severity::MajorOutage);
        assert_eq!(r.incidents.len(), 1);
    }

    #[test]
    fn resolved_only_feed_is_operational() {
        let xml = br#"<rss version="2.0"><channel><title>x</title>
          <item><title>Done</title><guid>g1</guid>
          <description>&lt;p&gt;&lt;small&gt;Jan &lt;var&gt;2&lt;/var&gt;, &lt;var&gt;10:00&lt;/var&gt; UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Resolved&lt;/strong&gt; - fixed&lt;/p&gt;&lt;p&gt;&lt;small&gt;Dec &lt;var&gt;31&lt;/var&gt;, &lt;var&gt;23:00&lt;/var&gt; UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - looking&lt;/p&gt;</description>
          <pubDate>Fri, 02 Jan 2026 10:00:00 +0000</pubDate></item></channel></rss>"#;
        let r = read(xml, &[]).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.incidents.is_empty());
        let all = entries(xml).expect("parses");
        // The December update belongs to the previous year.
        assert_eq!(all[0].started_at, at("2025-12-31T23:00:00Z"));
        assert_eq!(all[0].resolved_at, at("2026-01-02T10:00:00Z"));
        assert_eq!(all[0].updates[1].text, "fixed");
    }

    #[test]
    fn statuspage_feed_open_and_maintenance() {
        let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom">
          <entry><id>a</id><title>Open</title><published>2026-09-03T14:17:00Z</published>
            <content type="html">&lt;small&gt;Sep 3, 14:17 UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - hmm</content></entry>
          <entry><id>m</id><title>Maint</title><published>2026-09-03T14:17:00Z</published>
            <content type="html">&lt;small&gt;Sep 3, 14:00 UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;In progress&lt;/strong&gt; - working</content></entry>
          <entry><id>s</id><title>Later</title><published>2026-09-03T14:17:00Z</published>
            <content type="html">&lt;strong&gt;Scheduled&lt;/strong&gt; - soon</content></entry>
        </feed>"#;
        let r = read(xml, &[]).expect("reads");
        assert_eq!(r.incidents.len(), 2);
        assert_eq!(r.incidents[0].impact, Severity::Degraded);
        assert_eq!(r.incidents[1].kind, IncidentKind::Maintenance);
        assert_eq!(r.incidents[1].status, "in_progress");
        assert_eq!(r.incidents[1].impact, Severity::Maintenance);
        assert_eq!(r.status, Severity::Degraded);
    }

    #[test]
    fn unknown_words_are_kept() {
        let xml = br#"<rss><channel><item><guid>1</guid><title>t</title>
          <description>Status: Mostly Fine</description></item></channel></rss>"#;
        let all = entries(xml).expect("parses");
        assert_eq!(all[0].status, "mostly_fine");
        assert!(!all[0].is_resolved());
    }

    const XAI_19: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/xai-status-feed-rss-19-items-2026-10-07.xml"
    ));
    const OPENAI_ATOM: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/openai-incidentio-feed-atom-4-entries-2026-09-03.xml"
    ));
    const AZURE_WEST_US: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/azure-status-rss-1-item-west-us-networking-2026-07-23.xml"
    ));
    const AZURE_FRONT_DOOR: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/azure-status-rss-1-item-front-door-42-categories-2025-10-29.xml"
    ));
    const AZURE_CROWDSTRIKE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/azure-status-rss-1-item-crowdstrike-no-categories-2024-07-21.xml"
    ));
    const AZURE_OPENAI: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/feeds/azure-status-rss-1-item-openai-EDITED-2026-07-23.xml"
    ));

    #[test]
    fn xai_19_items_are_6_incidents_all_in_past() {
        let r = read(XAI_19, &[]).expect("reads");
        assert_eq!(r.status, Severity::Operational);
        assert!(r.incidents.is_empty(), "every item says RESOLVED");
        let mut ids: Vec<&str> = r.past.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(
            ids,
            [
                "INC578e0bc8",
                "INC5a3245c3",
                "INC698e276c",
                "INC72f6dd00",
                "ps_d022a635bce02f4a",
                "ps_f64984fa7d669b08"
            ],
            "one incident per guid"
        );
        assert!(r.past.iter().all(Incident::is_resolved));
        assert!(r.past.iter().all(|i| i.resolved_at.is_some()));
        let big = r
            .past
            .iter()
            .find(|i| i.id == "INC72f6dd00")
            .expect("8 copies");
        assert!(big.components.len() > 1, "{:?}", big.components);
        // Each update keeps its own time, so the time to resolve is real, not 0 min.
        let grok = r
            .past
            .iter()
            .find(|i| i.id == "ps_d022a635bce02f4a")
            .expect("grok.com");
        let t = |s: &str| crate::time::parse(s).expect("time");
        assert_eq!(grok.started_at, Some(t("2026-10-07T00:24:33Z")));
        assert_eq!(grok.resolved_at, Some(t("2026-10-07T00:30:19Z")));
        let words: Vec<(&str, &str)> = grok
            .updates
            .iter()
            .map(|u| (u.status.as_str(), u.text.as_str()))
            .collect();
        assert_eq!(
            words,
            [
                (
                    "investigating",
                    "We are investigating an outage on the web grok.com surface"
                ),
                ("resolved", "Issue has been resolved.")
            ]
        );
    }

    #[test]
    fn ids_are_the_apis_ids() {
        let table: [(&str, Option<&str>, &str); 7] = [
            (
                "https://status.openai.com//incidents/01M1KWEDH417T2CF44YYHZDFCR",
                None,
                "01M1KWEDH417T2CF44YYHZDFCR",
            ),
            (
                "https://status.openai.com/incidents/01M1KWEDH417T2CF44YYHZDFCR/",
                None,
                "01M1KWEDH417T2CF44YYHZDFCR",
            ),
            (
                "tag:www.githubstatus.com,2005:Incident/31343987",
                Some("https://www.githubstatus.com/incidents/ktdr5t0xwnhp"),
                "ktdr5t0xwnhp",
            ),
            (
                "https://www.githubstatus.com/incidents/ktdr5t0xwnhp?u=1",
                None,
                "ktdr5t0xwnhp",
            ),
            (
                "INC578e0bc8",
                Some("https://status.x.ai/api-global/INC578e0bc8"),
                "INC578e0bc8",
            ),
            (
                "azure-front-door-connectivity-issues",
                Some("https://status.azure.com/en-us/status/"),
                "azure-front-door-connectivity-issues",
            ),
            (
                "https://example.com/incidents/",
                None,
                "https://example.com/incidents/",
            ),
        ];
        for (id, link, want) in table {
            assert_eq!(incident_id(id, link), want, "{id}");
        }
        let all = entries(OPENAI_ATOM).expect("parses");
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].id, "01M1KWEDH417T2CF44YYHZDFCR");
        assert!(all.iter().all(|i| !i.id.contains('/')));
    }

    #[test]
    fn keywords_keep_only_matching_items() {
        let azure = |body: &[u8], words: &[&str]| {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            read(body, &words).expect("reads")
        };
        let watch = ["OpenAI", "AI Foundry"];
        // Real Azure items about other services: not ours, whether open or past.
        for body in [AZURE_WEST_US, AZURE_FRONT_DOOR, AZURE_CROWDSTRIKE] {
            let all = azure(body, &[]);
            assert_eq!(all.incidents.len() + all.past.len(), 1);
            let ours = azure(body, &watch);
            assert_eq!(ours.status, Severity::Operational);
            assert!(ours.incidents.is_empty() && ours.past.is_empty());
        }
        assert_eq!(azure(AZURE_WEST_US, &[]).status, Severity::Degraded);
        // The same item naming Azure OpenAI (a category) counts, case-insensitive.
        let ours = azure(AZURE_OPENAI, &["openai", "AI Foundry"]);
        assert_eq!(ours.status, Severity::Degraded);
        assert_eq!(ours.incidents.len(), 1);
        assert!(ours.note.is_some_and(|n| n.contains("no severity")));
        // A word in the text only.
        assert_eq!(azure(AZURE_WEST_US, &["west us region"]).incidents.len(), 1);
        // Past entries are filtered too.
        let xai = azure(XAI_19, &["grok.com"]);
        assert!(
            !xai.past.is_empty() && xai.past.len() < 6,
            "{}",
            xai.past.len()
        );
        assert!(
            azure(XAI_19, &["  "]).past.len() == 6,
            "blank words are ignored"
        );
    }

    type Expect = fn(&ReadError) -> bool;

    #[test]
    fn errors() {
        let cases: [(&[u8], Expect); 6] = [
            (b"<rss><channel><item>", |e| matches!(e, ReadError::Xml(_))),
            (b"", |e| matches!(e, ReadError::Xml(_))),
            (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>", |e| {
                *e == ReadError::Html
            }),
            (b"<html><head></head><body><p>hi</p></body></html>", |e| *e == ReadError::Html),
            (b"<opml version=\"1.0\"/>", |e| matches!(e, ReadError::Shape(m) if m.contains("rss"))),
            (b"\xff\xfe\x00<", |e| matches!(e, ReadError::Xml(_))),
        ];
        for (body, ok) in cases {
            let e = read(body, &[]).expect_err("must fail");
            assert!(ok(&e), "{e:?} for {:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn every_truncation_is_an_error_or_a_reading() {
        for body in [GITHUB_ATOM, GITHUB_RSS, AZURE_EMPTY, XAI.as_bytes()] {
            for n in (0..body.len()).step_by(53) {
                let _ = read(&body[..n], &[]);
                let _ = entries(&body[..n]);
            }
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for body in [
            &b"<rss><channel><item/></channel></rss>"[..],
            b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><link/><title/></entry></feed>",
            b"<rss><channel><item><description>&lt;strong&gt;&lt;/strong&gt;&lt;li&gt;(x)&lt;li&gt;a (</description></item></channel></rss>",
            b"<rss><channel><item><title>[] x</title><description>&lt;small&gt;Feb 30, 99:99 UTC&lt;/small&gt;&lt;strong&gt;Update&lt;/strong&gt;</description></item></channel></rss>",
        ] {
            let _ = read(body, &[]).expect("reads");
        }
    }
}
