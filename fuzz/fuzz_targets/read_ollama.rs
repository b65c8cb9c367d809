//! `platform::read_probe` for ollama: one transport outcome per endpoint (see `vigie_fuzz::fetch`),
//! then `finish`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::Kind;

fuzz_target!(|data: &[u8]| {
    vigie_fuzz::read_probe(Kind::Ollama, data);
});
