//! What the fuzz targets share: a service spec per platform, the split of one input into several
//! bodies or transport outcomes, and "read, then finish three ways".
//!
//! The property every target checks is the parsers' contract: outside bytes never panic, never
//! overflow, never hang and never exhaust memory (libFuzzer's `-rss_limit_mb`); bad input is a
//! `ReadError` or `None`.

use vigie_core::platform::{self, Fetch};
use vigie_core::{Kind, Reading, ServiceSpec};

/// Separates bodies in one input. 0xFF never occurs in UTF-8, so a fixture holds none and
/// `fuzz/seed.sh` joins two recorded bodies with it.
pub const SEP: u8 = 0xFF;

pub fn spec(kind: Kind, components: Vec<String>) -> ServiceSpec {
    ServiceSpec {
        components,
        page_id: Some("1".into()),
        ..ServiceSpec::new("f", "F", kind, "https://status.example.com")
    }
}

/// `data` cut at [`SEP`] into exactly `n` bodies (the last keeps any further separators; missing
/// ones are empty, as the poller passes for an optional endpoint's 404).
pub fn bodies(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |b| *b == SEP).collect();
    out.resize(n, b"");
    out
}

/// Read `data` as the bodies of `spec`'s endpoints; on success finish the reading whole-page,
/// filtered on components it holds, and filtered on a name it lacks.
pub fn read_page(spec: &ServiceSpec, data: &[u8]) {
    let Ok(n) = platform::endpoints(spec).map(|e| e.len()) else {
        return;
    };
    let Ok(reading) = platform::read(spec, &bodies(data, n)) else {
        return;
    };
    finish_three_ways(spec, reading);
}

pub fn finish_three_ways(spec: &ServiceSpec, reading: Reading) {
    let whole = ServiceSpec {
        components: Vec::new(),
        ..spec.clone()
    };
    // Whole-page services always get a status: the filter is the only error `finish` has.
    assert!(platform::finish(&whole, reading.clone()).is_ok());

    let mut names = Vec::new();
    if let Some(c) = reading.components.first() {
        names.push(c.id.clone());
    }
    if let Some(c) = reading.components.last() {
        names.push(c.name.to_uppercase());
        names.extend(c.group.clone());
    }
    for i in reading.incidents.iter().chain(&reading.past).take(2) {
        names.extend(i.components.iter().take(2).cloned());
    }
    let filtered = ServiceSpec {
        components: names,
        ..spec.clone()
    };
    let _ = platform::finish(&filtered, reading.clone());
    let missing = ServiceSpec {
        components: vec!["no such component".into()],
        ..spec.clone()
    };
    let _ = platform::finish(&missing, reading);
}

/// A probe's transport outcome from one body: a leading byte 0..=9 picks the outcome (refused,
/// timed out, failed, or an answer with a given HTTP status); anything else is a 200 with the
/// whole body, so recorded JSON seeds are read as they were served.
pub fn fetch(body: &[u8]) -> Fetch<'_> {
    const STATUSES: [u16; 7] = [200, 204, 301, 404, 429, 500, 503];
    match body.split_first() {
        None => Fetch::Refused,
        Some((0, _)) => Fetch::Refused,
        Some((1, _)) => Fetch::TimedOut,
        Some((2, rest)) => Fetch::Failed(String::from_utf8_lossy(rest).into_owned()),
        Some((&b @ 3..=9, rest)) => Fetch::Response {
            status: STATUSES[usize::from(b - 3)],
            body: rest,
        },
        Some(_) => Fetch::Response { status: 200, body },
    }
}

/// A probe: `data` cut into one outcome per endpoint, read, then finished.
pub fn read_probe(kind: Kind, data: &[u8]) {
    let s = spec(kind, Vec::new());
    let n = platform::endpoints(&s).map_or(1, |e| e.len());
    let fetches: Vec<Fetch<'_>> = bodies(data, n).into_iter().map(fetch).collect();
    let reading = platform::read_probe(&s, &fetches);
    finish_three_ways(&s, reading);
}
