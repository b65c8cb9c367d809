//! Platform detection: `detect::classify` of the body as fetched from each kind of candidate URL
//! (a Statuspage endpoint, incident.io's proxy, a feed), and `detect::probe_urls` of the input read
//! as a URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::platform::detect;

const URLS: [&str; 4] = [
    "https://status.example.com/api/v2/summary.json",
    "https://status.example.com/proxy/status.example.com",
    "https://status.example.com/index.json",
    "https://status.example.com/history.atom",
];

fuzz_target!(|data: &[u8]| {
    for url in URLS {
        let _ = detect::classify(url, data);
    }
    if data.len() <= 4096 {
        let text = String::from_utf8_lossy(data);
        for url in detect::probe_urls(&text) {
            let _ = detect::classify(&url, b"{}");
        }
    }
});
