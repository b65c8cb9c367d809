//! One module per status-page platform, all behind one contract:
//!
//! * `endpoints(spec)` — the URLs to GET for the current state, derived from the service's `url`;
//! * `read(spec, bodies)` — pure parsing of those bodies (same order) into a [`Reading`] whose
//!   `status` is the **page-level** word only (`Unknown` when the page has none);
//! * `history_endpoint(spec)` / `read_history(spec, body)` — past incidents, fetched less often.
//!
//! Parsers never do I/O, so they are tested on recorded bytes. The poller handles transport errors
//! for every kind except the probes (`http`, `ollama`), whose answer *is* the transport outcome; they
//! get [`Fetch`] values instead. [`finish`] applies the service's component filter and rolls up.

pub mod aistudio;
pub mod betterstack;
pub mod detect;
pub mod feed;
pub mod flashduty;
pub mod google_cloud;
pub mod http;
pub mod incident_io;
pub mod instatus;
pub mod ollama;
pub mod statuspage;

use serde::{Deserialize, Serialize};

use crate::model::{Component, Reading, Severity};
use crate::service::ServiceSpec;

/// The platforms Vigie reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Statuspage,
    IncidentIo,
    Instatus,
    Betterstack,
    GoogleCloud,
    AiStudio,
    Feed,
    Flashduty,
    Ollama,
    Http,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Statuspage,
        Kind::IncidentIo,
        Kind::Instatus,
        Kind::Betterstack,
        Kind::GoogleCloud,
        Kind::AiStudio,
        Kind::Feed,
        Kind::Flashduty,
        Kind::Ollama,
        Kind::Http,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Statuspage => "statuspage",
            Kind::IncidentIo => "incident_io",
            Kind::Instatus => "instatus",
            Kind::Betterstack => "betterstack",
            Kind::GoogleCloud => "google_cloud",
            Kind::AiStudio => "ai_studio",
            Kind::Feed => "feed",
            Kind::Flashduty => "flashduty",
            Kind::Ollama => "ollama",
            Kind::Http => "http",
        }
    }

    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// Probes read the transport outcome itself (refused, 5xx, timeout); pages read bodies.
    pub fn is_probe(self) -> bool {
        matches!(self, Kind::Ollama | Kind::Http)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why bytes could not be read. The poller prefixes the URL.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not valid XML: {0}")]
    Xml(String),
    #[error("unexpected shape: {0}")]
    Shape(String),
    #[error("looks like an HTML page (a CDN challenge or a moved page), not the status data")]
    Html,
    /// The page was read; the service as configured cannot be read from it.
    #[error("service is misconfigured: {0}")]
    Config(String),
}

/// A transport outcome for probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch<'a> {
    Response { status: u16, body: &'a [u8] },
    Refused,
    TimedOut,
    Failed(String),
}

/// Parse JSON, telling an HTML page (challenge, login wall) apart from broken JSON.
pub fn json(body: &[u8]) -> Result<serde_json::Value, ReadError> {
    let body = strip_bom(body);
    serde_json::from_slice(body).map_err(|e| {
        if looks_like_html(body) {
            ReadError::Html
        } else {
            ReadError::Json(e.to_string())
        }
    })
}

/// Drop a UTF-8 byte-order mark.
pub fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

pub fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<head")
}

/// Current-state URLs for a service, in the order `read` expects the bodies.
pub fn endpoints(spec: &ServiceSpec) -> Result<Vec<String>, ReadError> {
    let base = spec.url.trim_end_matches('/');
    Ok(match spec.kind {
        Kind::Statuspage => statuspage::endpoints(base),
        Kind::IncidentIo => incident_io::endpoints(base)?,
        Kind::Instatus => instatus::endpoints(base),
        Kind::Betterstack => betterstack::endpoints(base),
        Kind::GoogleCloud => google_cloud::endpoints(base),
        Kind::AiStudio => aistudio::endpoints(base),
        Kind::Feed => vec![spec.url.clone()],
        Kind::Flashduty => flashduty::endpoints(base, spec.page_id.as_deref())?,
        Kind::Ollama => ollama::endpoints(base),
        Kind::Http => vec![spec.url.clone()],
    })
}

/// May the endpoint at `index` of `endpoints(spec)` be missing? The poller then passes an empty
/// body for its 404 instead of failing the service: incident.io's widget API is opt-in per page,
/// and the proxy alone carries everything.
pub fn optional_endpoint(spec: &ServiceSpec, index: usize) -> bool {
    spec.kind == Kind::IncidentIo && index == incident_io::OPTIONAL_WIDGET
}

/// An endpoint that answers only a POST (AI Studio's RPC): its body and fixed headers. The caller
/// adds the API key header ([`aistudio::key_candidates`] finds it in the status page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Post {
    pub body: &'static [u8],
    pub headers: &'static [(&'static str, &'static str)],
    /// The page whose HTML carries the public key, and the header that takes it.
    pub key_page: &'static str,
    pub key_header: &'static str,
}

/// Must the endpoint at `index` of `endpoints(spec)` be POSTed rather than GET? `None` = GET.
pub fn post(spec: &ServiceSpec, index: usize) -> Option<Post> {
    (spec.kind == Kind::AiStudio && index == 0).then_some(Post {
        body: aistudio::POST_BODY,
        headers: &aistudio::HEADERS,
        key_page: aistudio::PAGE,
        key_header: "X-Goog-Api-Key",
    })
}

/// Parse the bodies of `endpoints(spec)` (page kinds only) into a page-level reading.
pub fn read(spec: &ServiceSpec, bodies: &[&[u8]]) -> Result<Reading, ReadError> {
    let need = endpoints(spec)?.len();
    if bodies.len() != need {
        return Err(ReadError::Shape(format!(
            "expected {need} bodies, got {}",
            bodies.len()
        )));
    }
    match spec.kind {
        Kind::Statuspage => statuspage::read(bodies[0]),
        Kind::IncidentIo => incident_io::read(bodies[0], bodies[1]),
        Kind::Instatus => instatus::read(bodies[0], bodies[1]),
        Kind::Betterstack => betterstack::read(bodies[0]),
        Kind::GoogleCloud => google_cloud::read_with_base(
            bodies[0],
            spec.product.as_deref(),
            &spec.locations,
            spec.url.trim_end_matches('/'),
        ),
        Kind::AiStudio => aistudio::read(bodies[0]),
        Kind::Feed => feed::read(bodies[0], &spec.keywords),
        Kind::Flashduty => flashduty::read(bodies[0]),
        Kind::Ollama | Kind::Http => Err(ReadError::Config(format!(
            "{} is a probe: use read_probe",
            spec.kind
        ))),
    }
}

/// Read a probe's transport outcomes (same order as `endpoints`).
pub fn read_probe(spec: &ServiceSpec, fetches: &[Fetch<'_>]) -> Reading {
    match spec.kind {
        Kind::Ollama => ollama::read_probe(fetches),
        _ => http::read_probe(fetches),
    }
}

/// Where past incidents live, if the platform has such an endpoint.
pub fn history_endpoint(spec: &ServiceSpec) -> Option<String> {
    let base = spec.url.trim_end_matches('/');
    match spec.kind {
        Kind::Statuspage => Some(format!("{base}/api/v2/incidents.json")),
        Kind::IncidentIo => incident_io::history_endpoint(base),
        Kind::Betterstack => None, // index.json already carries the reports
        Kind::Flashduty => spec
            .page_id
            .as_deref()
            .map(|p| format!("{base}/api/status-page/{p}/change/list")),
        _ => None,
    }
}

/// Parse the history body into incidents (resolved ones included), keeping those that concern the
/// service. `watched` are the service's components from its latest reading (ids and names of
/// incidents are matched against them, since feeds name components rather than id them).
pub fn read_history(
    spec: &ServiceSpec,
    body: &[u8],
    watched: &[Component],
) -> Result<Vec<crate::model::Incident>, ReadError> {
    let incidents = match spec.kind {
        Kind::Statuspage => statuspage::read_history(body)?,
        Kind::IncidentIo => incident_io::read_history(body)?,
        Kind::Flashduty => flashduty::read_history(body)?,
        _ => Vec::new(),
    };
    Ok(incidents
        .into_iter()
        .filter(|i| touches(spec, &i.components, watched))
        .collect())
}

/// Apply the service's component filter, then roll the status up. This is the one place where a
/// service's status is decided, and the provider's most specific word wins:
///
/// * a page that publishes component statuses is read from them: the page indicator and an
///   incident's `impact` (often left at its first value) never raise a service above them;
/// * only a page with no component statuses (feeds, Google Cloud) is read from open incidents'
///   impact, then from its page-level word;
/// * a filtered service sees only what it watches: its components, and open incidents that name one
///   of them. An open incident that names no component is a page-wide notice: listed, never colouring;
/// * a filter that matches nothing is an error (status unknown), never green.
pub fn finish(spec: &ServiceSpec, mut reading: Reading) -> Result<Reading, ReadError> {
    let has_component_statuses = !reading.components.is_empty();
    let open_impact = |r: &Reading| {
        r.incidents
            .iter()
            .filter(|i| !i.is_resolved())
            .map(|i| i.impact)
            .max()
    };
    if spec.components.is_empty() {
        reading.status = if has_component_statuses {
            worst_component(&reading.components)
        } else {
            let page = reading.status.max(Severity::Operational);
            open_impact(&reading).map_or(page, |i| i.max(page))
        };
        return Ok(reading);
    }

    let all = std::mem::take(&mut reading.components);
    reading.components = all.iter().filter(|c| watched(spec, c)).cloned().collect();
    if has_component_statuses && reading.components.is_empty() {
        return Err(ReadError::Config(filter_matches_nothing(spec, &all)));
    }
    if !has_component_statuses {
        // Feeds name components in incidents only: check the filter against every name the payload
        // carries, when it carries any (an empty feed cannot tell a typo from a quiet page).
        let names: Vec<&String> = reading
            .incidents
            .iter()
            .chain(&reading.past)
            .flat_map(|i| &i.components)
            .collect();
        if !names.is_empty() && !names.iter().any(|n| names_watched(spec, &[], n)) {
            let shown: Vec<Component> = names
                .iter()
                .map(|n| Component {
                    id: (*n).clone(),
                    name: (*n).clone(),
                    group: None,
                    status: Severity::Unknown,
                })
                .collect();
            return Err(ReadError::Config(filter_matches_nothing(spec, &shown)));
        }
    }
    let kept = reading.components.clone();
    let (mine, page_wide): (Vec<_>, Vec<_>) = std::mem::take(&mut reading.incidents)
        .into_iter()
        .filter(|i| i.components.is_empty() || names_any(spec, &kept, &i.components))
        .partition(|i| !i.components.is_empty());
    reading.incidents = mine;
    reading.notices = page_wide;
    reading
        .past
        .retain(|i| i.components.is_empty() || names_any(spec, &kept, &i.components));
    // The page-level word covers components we do not watch: ignore it.
    reading.status = if has_component_statuses {
        worst_component(&reading.components)
    } else {
        open_impact(&reading).map_or(Severity::Operational, |i| i.max(Severity::Operational))
    };
    Ok(reading)
}

/// The status `finish` gives a whole-page service of `kind` (parser unit tests).
#[cfg(test)]
pub(crate) fn rolled(kind: Kind, r: Reading) -> Severity {
    let spec = ServiceSpec::new("t", "T", kind, "https://status.example.com");
    finish(&spec, r)
        .map(|r| r.status)
        .unwrap_or(Severity::Unknown)
}

fn worst_component(list: &[Component]) -> Severity {
    list.iter()
        .map(|c| c.status)
        .max()
        .unwrap_or(Severity::Operational)
        .max(Severity::Operational)
}

/// "components = [\"typo\"] matches none of the page's 12 components (…)": names the filter and
/// shows a few real ids and names so the fix is one copy away.
fn filter_matches_nothing(spec: &ServiceSpec, all: &[Component]) -> String {
    let filter = spec
        .components
        .iter()
        .map(|c| format!("{c:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if all.is_empty() {
        return format!("components = [{filter}] matches nothing: this page lists no components");
    }
    let some: Vec<String> = all
        .iter()
        .take(6)
        .map(|c| {
            if c.id == c.name {
                format!("{:?}", c.name)
            } else {
                format!("{:?} ({})", c.id, c.name)
            }
        })
        .collect();
    let more = if all.len() > some.len() { ", …" } else { "" };
    format!(
        "components = [{filter}] matches none of the page's {} components: {}{more}",
        all.len(),
        some.join(", ")
    )
}

fn watched(spec: &ServiceSpec, c: &Component) -> bool {
    spec.components.iter().any(|w| {
        w == &c.id
            || w.eq_ignore_ascii_case(&c.name)
            || c.group
                .as_deref()
                .is_some_and(|g| w.eq_ignore_ascii_case(g))
    })
}

/// Is the component `c` (an id, or a name in feeds) one the service watches?
fn names_watched(spec: &ServiceSpec, kept: &[Component], c: &str) -> bool {
    spec.components.iter().any(|w| w.eq_ignore_ascii_case(c))
        || kept
            .iter()
            .any(|k| k.id == c || k.name.eq_ignore_ascii_case(c))
}

fn names_any(spec: &ServiceSpec, kept: &[Component], components: &[String]) -> bool {
    components.iter().any(|c| names_watched(spec, kept, c))
}

/// Does an incident that names `components` concern this service? For history, an incident that
/// names none is kept on every service of its page: it may concern it, and hiding it would be worse.
fn touches(spec: &ServiceSpec, components: &[String], kept: &[Component]) -> bool {
    spec.components.is_empty() || components.is_empty() || names_any(spec, kept, components)
}

// Small readers of loosely typed JSON shared by the parsers: pages put nulls, numbers or
// nothing where the docs promise strings and arrays.

/// An id that may be written as a string or a number; blank = none.
pub(crate) fn id_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The array under `key`, or nothing (absent, null or another type).
pub(crate) fn array<'a>(v: &'a serde_json::Value, key: &str) -> &'a [serde_json::Value] {
    v.get(key)
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A trimmed, non-empty string field.
pub(crate) fn str_of<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A timestamp field in any format the platforms use.
pub(crate) fn time_of(v: &serde_json::Value, key: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    v.get(key).and_then(crate::time::from_json)
}
