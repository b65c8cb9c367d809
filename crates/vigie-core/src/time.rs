//! Timestamps in every format the platforms write: RFC 3339 with or without milliseconds or offset,
//! RFC 822/2822 in feeds (`GMT`, `+0000`, `Z`), epoch seconds as numbers or strings, and JavaScript's
//! `Date.toString()` (Instatus docs). Absurd values (before 1990, after 2200) are treated as absent
//! rather than trusted.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// Parse a timestamp string; `None` when it is not a date we trust.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let t = DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc2822(&s.replace(" Z", " +0000").replace(" UTC", " +0000"))
                .ok()
                .map(|d| d.with_timezone(&Utc))
        })
        .or_else(|| {
            // ISO without offset: assume UTC.
            [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(|n| Utc.from_utc_datetime(&n))
        })
        .or_else(|| {
            // "2026-09-23 10:00:00 +0000"
            DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f %z")
                .ok()
                .map(|d| d.with_timezone(&Utc))
        })
        .or_else(|| js_date(s))
        .or_else(|| s.parse::<f64>().ok().and_then(from_epoch))?;
    sane(t)
}

/// Epoch seconds (or milliseconds, recognised by magnitude).
pub fn from_epoch(v: f64) -> Option<DateTime<Utc>> {
    if !v.is_finite() || v <= 0.0 {
        return None;
    }
    let secs = if v > 1e11 { v / 1000.0 } else { v };
    let t = DateTime::from_timestamp(secs.trunc() as i64, 0)?;
    sane(t)
}

/// A timestamp from a JSON value: string or number.
pub fn from_json(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    match v {
        serde_json::Value::String(s) => parse(s),
        serde_json::Value::Number(n) => n.as_f64().and_then(from_epoch),
        _ => None,
    }
}

fn js_date(s: &str) -> Option<DateTime<Utc>> {
    // "Sat Jun 11 2022 18:55:50 GMT+0000 (Coordinated Universal Time)"
    let head = s.split(" (").next()?;
    let head = head.replace("GMT", "");
    DateTime::parse_from_str(head.trim(), "%a %b %d %Y %H:%M:%S %z")
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn sane(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let y = chrono::Datelike::year(&t);
    (1990..=2200).contains(&y).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_format() {
        let want = "2026-09-23T10:00:00Z";
        for s in [
            "2026-09-23T10:00:00Z",
            "2026-09-23T10:00:00.000Z",
            "2026-09-23T04:00:00.000-06:00",
            "2026-09-23T10:00:00",
            "Wed, 23 Sep 2026 10:00:00 GMT",
            "Wed, 23 Sep 2026 10:00:00 +0000",
            "Wed, 23 Sep 2026 10:00:00 Z",
            "1790157600",
            "Wed Sep 23 2026 10:00:00 GMT+0000 (Coordinated Universal Time)",
            "2026-09-23 10:00:00 +0000",
        ] {
            assert_eq!(
                parse(s)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .as_deref(),
                Some(want),
                "{s}"
            );
        }
    }

    #[test]
    fn absurd_dates_are_absent() {
        for s in [
            "0",
            "-5",
            "9999-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
        assert_eq!(
            from_json(&serde_json::json!(1_790_157_600_000u64)).map(|t| t.timestamp()),
            Some(1_790_157_600)
        );
    }
}
