//! `platform::read` for instatus (bodies split at 0xFF), then `finish` with and without a component
//! filter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::Kind;
use vigie_fuzz::{read_page, spec};

fuzz_target!(|data: &[u8]| {
    read_page(&spec(Kind::Instatus, Vec::new()), data);
});
