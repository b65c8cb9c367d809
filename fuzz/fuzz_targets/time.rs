//! Timestamps: `time::parse` on any text, `time::from_json` on it as a JSON value when it is one,
//! and `time::from_epoch` on the first 8 bytes as an f64; every accepted date is sane (1990–2200).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::time;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let sane = |t: chrono::DateTime<chrono::Utc>| {
        let y = chrono::Datelike::year(&t);
        assert!((1990..=2200).contains(&y), "accepted {t} from {s:?}");
    };
    if let Some(t) = time::parse(&s) {
        sane(t);
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Some(t) = time::from_json(&v) {
            sane(t);
        }
    }
    if let Some(b) = data.first_chunk::<8>() {
        if let Some(t) = time::from_epoch(f64::from_le_bytes(*b)) {
            sane(t);
        }
    }
});
