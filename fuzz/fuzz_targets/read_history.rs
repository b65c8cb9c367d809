//! `platform::read_history` for the three platforms that have a history endpoint. The first byte
//! picks the platform (0 Statuspage, 1 incident.io, 2 Flashduty, by its value mod 3); the rest is the
//! body, read for a whole-page service and for one that watches two components.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::model::{Component, Severity};
use vigie_core::{platform, Kind};
use vigie_fuzz::spec;

const KINDS: [Kind; 3] = [Kind::Statuspage, Kind::IncidentIo, Kind::Flashduty];

fuzz_target!(|data: &[u8]| {
    let Some((first, body)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(*first) % KINDS.len()];
    let _ = platform::read_history(&spec(kind, Vec::new()), body, &[]);
    let watched = [Component {
        id: "c1".into(),
        name: "API".into(),
        group: Some("Core".into()),
        status: Severity::Operational,
    }];
    let filtered = spec(kind, vec!["c1".into(), "Chat".into()]);
    let _ = platform::read_history(&filtered, body, &watched);
});
