//! HTML-to-text: `text::html_to_text`, `text::decode_entities` and `text::tidy` on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::text;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = text::html_to_text(&s);
    let _ = text::decode_entities(&s);
    let _ = text::tidy(&s);
});
