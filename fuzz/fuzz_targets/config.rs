//! The config parser, `config::parse`, on any text (invalid UTF-8 is replaced, as `config::load`
//! would refuse it before parsing), and the duration and quiet-hours readers it uses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::config;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = config::parse(std::path::Path::new("fuzz.toml"), &text);
    if data.len() <= 256 {
        if let Some(d) = config::parse_duration(&text) {
            let _ = config::format_duration(d);
        }
        let _ = config::parse_quiet_hours(&text);
    }
});
