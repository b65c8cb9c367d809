//! `platform::read` for RSS/RDF/Atom feeds, with and without `match` keywords, then `finish`; and
//! `feed::entries`, which the history readers share.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_core::platform::feed;
use vigie_core::Kind;
use vigie_fuzz::{read_page, spec};

fuzz_target!(|data: &[u8]| {
    read_page(&spec(Kind::Feed, Vec::new()), data);
    let mut matching = spec(Kind::Feed, Vec::new());
    matching.keywords = vec!["OpenAI".into(), "front door".into()];
    read_page(&matching, data);
    let _ = feed::entries(data);
});
