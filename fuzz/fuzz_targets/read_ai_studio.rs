//! `platform::read` for AI Studio's incident RPC, then `finish`; and the search for the public API
//! key in the status page's HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::platform::aistudio;
use vigie_core::Kind;
use vigie_fuzz::{read_page, spec};

fuzz_target!(|data: &[u8]| {
    read_page(&spec(Kind::AiStudio, Vec::new()), data);
    let _ = aistudio::key_candidates(data);
});
