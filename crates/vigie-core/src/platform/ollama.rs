//! Local Ollama server probe: `GET /api/version` then `GET /api/tags`.
//!
//! A local server gives definite answers, so the transport outcome *is* the status:
//!
//! | `/api/version`            | reading                                              |
//! |---------------------------|------------------------------------------------------|
//! | 2xx with `{"version"}`    | operational, "Ollama 0.12.6, 3 models" (from tags)   |
//! | 2xx, not Ollama's JSON    | degraded: something else answers on that port        |
//! | 5xx                       | major outage: Ollama is there but failing            |
//! | other non-2xx (401, 404…) | degraded: a proxy or another server is in the way    |
//! | connection refused        | unknown, "not running": grey, never an outage        |
//! | timeout / other failure   | unknown: we cannot tell (a hung load, a DNS error…)  |
//!
//! A local server that is not started is the normal state of a laptop, not an outage: it reads
//! "not running" (unavailable), and the poller notifies nothing unless the user opted in.
//!
//! When the version answers but `/api/tags` does not (non-2xx or transport failure), the server is
//! running but unwell: degraded. `{"models":[]}` (and the older `null`) is a valid empty list.

use serde_json::Value;

use crate::model::{Reading, Severity};
use crate::platform::{json, Fetch};

/// The note of a refused connection; the poller shows it as the "unavailable" reason.
pub const NOT_RUNNING: &str = "not running (connection refused)";

pub fn endpoints(base: &str) -> Vec<String> {
    vec![format!("{base}/api/version"), format!("{base}/api/tags")]
}

/// Read the outcomes of [`endpoints`], in order.
pub fn read_probe(fetches: &[Fetch<'_>]) -> Reading {
    let (status, note) = judge(fetches.first(), fetches.get(1));
    Reading {
        status,
        components: Vec::new(),
        incidents: Vec::new(),
        notices: Vec::new(),
        past: Vec::new(),
        note: Some(note),
    }
}

fn judge(version: Option<&Fetch<'_>>, tags: Option<&Fetch<'_>>) -> (Severity, String) {
    let version = match version {
        None => return (Severity::Unknown, "no probe result".into()),
        Some(Fetch::Refused) => {
            return (Severity::Unknown, NOT_RUNNING.into());
        }
        Some(Fetch::TimedOut) => {
            return (
                Severity::Unknown,
                "no answer from Ollama before the timeout".into(),
            )
        }
        Some(Fetch::Failed(msg)) => {
            return (Severity::Unknown, format!("could not reach Ollama: {msg}"))
        }
        Some(Fetch::Response { status, .. }) if *status >= 500 => {
            return (
                Severity::MajorOutage,
                format!("Ollama answers HTTP {status} on /api/version"),
            )
        }
        Some(Fetch::Response { status, .. }) if !(200..300).contains(status) => {
            return (
                Severity::Degraded,
                format!("HTTP {status} on /api/version: a proxy or another server answers"),
            )
        }
        Some(Fetch::Response { body, .. }) => match json(body)
            .ok()
            .and_then(|v| {
                v.get("version")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .map(str::to_string)
            })
            .filter(|v| !v.is_empty())
        {
            Some(v) => v,
            None => {
                return (
                    Severity::Degraded,
                    "something answers on this port, but not like Ollama".into(),
                )
            }
        },
    };
    let running = format!("Ollama {version}");
    match tags {
        Some(Fetch::Response { status, body }) if (200..300).contains(status) => {
            match models(body) {
                Some(1) => (Severity::Operational, format!("{running}, 1 model")),
                Some(n) => (Severity::Operational, format!("{running}, {n} models")),
                None => (
                    Severity::Operational,
                    format!("{running}, model list unreadable"),
                ),
            }
        }
        Some(Fetch::Response { status, .. }) => (
            Severity::Degraded,
            format!("{running} runs, but /api/tags answers HTTP {status}"),
        ),
        Some(Fetch::Refused) | Some(Fetch::TimedOut) | Some(Fetch::Failed(_)) | None => (
            Severity::Degraded,
            format!("{running} answered, then /api/tags failed"),
        ),
    }
}

/// Number of pulled models; `None` when the body is not a tags document.
fn models(body: &[u8]) -> Option<usize> {
    let v = json(body).ok()?;
    match v.get("models")? {
        Value::Array(a) => Some(a.len()),
        Value::Null => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERSION: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ollama/api-version-DOCEXAMPLE.json"
    ));
    const TAGS: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ollama/api-tags-DOCEXAMPLE.json"
    ));
    const ROOT: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/ollama/root-GET-200-text-plain.txt"
    ));

    fn ok(body: &[u8]) -> Fetch<'_> {
        Fetch::Response { status: 200, body }
    }
    fn probe(f: &[Fetch<'_>]) -> (Severity, String) {
        let r = read_probe(f);
        (r.status, r.note.unwrap_or_default())
    }

    #[test]
    fn endpoints_order() {
        assert_eq!(
            endpoints("http://localhost:11434"),
            [
                "http://localhost:11434/api/version",
                "http://localhost:11434/api/tags"
            ]
        );
    }

    #[test]
    fn fixtures_running() {
        assert_eq!(
            probe(&[ok(VERSION), ok(TAGS)]),
            (Severity::Operational, "Ollama 0.12.6, 1 model".into())
        );
        assert_eq!(
            probe(&[ok(VERSION), ok(br#"{"models":[]}"#)]),
            (Severity::Operational, "Ollama 0.12.6, 0 models".into())
        );
        assert_eq!(
            probe(&[ok(VERSION), ok(br#"{"models":null}"#)]).1,
            "Ollama 0.12.6, 0 models"
        );
        assert_eq!(
            probe(&[ok(VERSION), ok(br#"{"models":[{},{},{}]}"#)]).1,
            "Ollama 0.12.6, 3 models"
        );
        assert_eq!(
            probe(&[ok(VERSION), ok(b"garbage")]),
            (
                Severity::Operational,
                "Ollama 0.12.6, model list unreadable".into()
            )
        );
    }

    #[test]
    fn refused_is_not_running_never_an_outage() {
        let r = read_probe(&[Fetch::Refused, Fetch::Refused]);
        assert_eq!(r.status, Severity::Unknown, "grey, not red");
        assert!(!r.status.is_problem());
        assert_eq!(r.note.as_deref(), Some("not running (connection refused)"));
        // Through the dispatcher too, as the poller calls it.
        let spec: crate::service::ServiceSpec = serde_json::from_value(serde_json::json!({
            "id": "ollama", "name": "Ollama", "kind": "ollama", "url": "http://localhost:11434"}))
        .expect("spec");
        let r = crate::platform::read_probe(&spec, &[Fetch::Refused, Fetch::Refused]);
        assert_eq!(
            (r.status, r.note.as_deref()),
            (Severity::Unknown, Some(NOT_RUNNING))
        );
    }

    #[test]
    fn timeouts_and_failures_are_unknown() {
        assert_eq!(
            probe(&[Fetch::TimedOut, Fetch::TimedOut]).0,
            Severity::Unknown
        );
        let (s, n) = probe(&[Fetch::Failed("tls handshake".into()), Fetch::Refused]);
        assert_eq!(s, Severity::Unknown);
        assert!(n.contains("tls handshake"));
        assert_eq!(probe(&[]).0, Severity::Unknown);
    }

    #[test]
    fn http_errors() {
        let e500 = Fetch::Response {
            status: 500,
            body: b"",
        };
        assert_eq!(probe(&[e500.clone(), e500]).0, Severity::MajorOutage);
        let e401 = Fetch::Response {
            status: 401,
            body: b"<html><head></head></html>",
        };
        assert_eq!(probe(&[e401, ok(TAGS)]).0, Severity::Degraded);
        // Not Ollama: the plain-text root, an HTML page, or JSON without a version.
        for body in [
            ROOT,
            b"<!doctype html><html>".as_slice(),
            b"{}",
            b"{\"version\":7}",
        ] {
            assert_eq!(probe(&[ok(body), ok(TAGS)]).0, Severity::Degraded);
        }
        let (s, n) = probe(&[
            ok(VERSION),
            Fetch::Response {
                status: 404,
                body: b"",
            },
        ]);
        assert_eq!(s, Severity::Degraded);
        assert!(n.contains("404"), "{n}");
        assert_eq!(probe(&[ok(VERSION), Fetch::Refused]).0, Severity::Degraded);
        assert_eq!(probe(&[ok(VERSION)]).0, Severity::Degraded);
    }
}
