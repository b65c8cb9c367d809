//! Plain HTTP probe for services without a status page: is the endpoint answering?
//!
//! Any HTTP answer below 500 — 401, 403, 404 and 429 included — means a server is up and deciding
//! things, so it reads operational; a 5xx means the server is there but failing: major outage.
//! Refused connections and timeouts also read as major outage: the poller only runs probes when the
//! network is otherwise fine, and a service's `confirm` count (several readings in a row) absorbs
//! one-off blips. Any other transport failure (DNS, TLS, …) is "unknown": we cannot tell whose fault
//! it is. The reading has no components or incidents; `note` says what was seen.

use crate::model::{Reading, Severity};
use crate::platform::Fetch;

/// Read the single probe fetch.
pub fn read_probe(fetches: &[Fetch<'_>]) -> Reading {
    let (status, note) = match fetches.first() {
        None => (Severity::Unknown, "no probe result".to_string()),
        Some(f) => outcome(f),
    };
    Reading {
        status,
        components: Vec::new(),
        incidents: Vec::new(),
        notices: Vec::new(),
        past: Vec::new(),
        note: Some(note),
    }
}

fn outcome(f: &Fetch<'_>) -> (Severity, String) {
    match f {
        Fetch::Response { status, .. } if !(100..=599).contains(status) => (
            Severity::Unknown,
            format!("HTTP {status} is not a valid status code"),
        ),
        Fetch::Response { status, .. } if *status >= 500 => (
            Severity::MajorOutage,
            format!("HTTP {status}: the server answers with an error"),
        ),
        Fetch::Response { status, .. } if *status >= 400 => (
            Severity::Operational,
            format!("HTTP {status}: the endpoint answers (a refusal, not a failure)"),
        ),
        Fetch::Response { status, .. } => (
            Severity::Operational,
            format!("HTTP {status}: the endpoint answers"),
        ),
        Fetch::Refused => (
            Severity::MajorOutage,
            "connection refused: nothing is listening".to_string(),
        ),
        Fetch::TimedOut => (
            Severity::MajorOutage,
            "no answer before the timeout".to_string(),
        ),
        Fetch::Failed(msg) => (Severity::Unknown, format!("could not probe: {msg}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(f: Fetch<'_>) -> (Severity, String) {
        let r = read_probe(&[f]);
        assert!(r.components.is_empty() && r.incidents.is_empty());
        (r.status, r.note.unwrap_or_default())
    }

    #[test]
    fn answers_below_500_are_up() {
        for code in [200, 204, 301, 304, 401, 403, 404, 405, 429] {
            let (s, note) = one(Fetch::Response {
                status: code,
                body: b"",
            });
            assert_eq!(s, Severity::Operational, "{code}");
            assert!(note.contains(&code.to_string()), "{note}");
        }
    }

    #[test]
    fn server_errors_refusals_and_timeouts_are_down() {
        for code in [500, 502, 503, 504, 599] {
            let body: &[u8] = b"<html><head></head>Bad gateway</html>";
            assert_eq!(
                one(Fetch::Response { status: code, body }).0,
                Severity::MajorOutage,
                "{code}"
            );
        }
        assert_eq!(one(Fetch::Refused).0, Severity::MajorOutage);
        assert_eq!(one(Fetch::TimedOut).0, Severity::MajorOutage);
    }

    #[test]
    fn other_failures_are_unknown() {
        let (s, note) = one(Fetch::Failed("dns error: no such host".into()));
        assert_eq!(s, Severity::Unknown);
        assert_eq!(note, "could not probe: dns error: no such host");
        assert_eq!(read_probe(&[]).status, Severity::Unknown);
        assert_eq!(
            one(Fetch::Response {
                status: 0,
                body: b""
            })
            .0,
            Severity::Unknown
        );
        assert_eq!(
            one(Fetch::Response {
                status: 999,
                body: b""
            })
            .0,
            Severity::Unknown
        );
    }
}
