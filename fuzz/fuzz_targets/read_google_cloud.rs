//! `platform::read` for Google Cloud's incidents.json, for the whole feed and for one product in one
//! location, then `finish` with and without a component filter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::Kind;
use vigie_fuzz::{read_page, spec};

fuzz_target!(|data: &[u8]| {
    read_page(&spec(Kind::GoogleCloud, Vec::new()), data);
    let mut one = spec(Kind::GoogleCloud, Vec::new());
    one.product = Some("Z0FZJAMvEB4j3NbCJs6B".into());
    one.locations = vec!["us-central1".into(), "global".into()];
    read_page(&one, data);
});
