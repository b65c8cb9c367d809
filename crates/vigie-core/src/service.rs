//! A service to watch, as the catalog and the config describe it. Plain data; validation lives in
//! `config`, reading in `platform`.

use serde::{Deserialize, Serialize};

use crate::platform::Kind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSpec {
    /// Stable id (`chatgpt`), unique in a config.
    pub id: String,
    /// Display name (`ChatGPT`).
    pub name: String,
    pub kind: Kind,
    /// Page URL (or feed URL for `feed`, endpoint for `http`). No trailing slash.
    pub url: String,
    /// Component ids, names or group names to watch; empty = the whole page.
    #[serde(default)]
    pub components: Vec<String>,
    /// Google Cloud product id.
    #[serde(default)]
    pub product: Option<String>,
    /// Google Cloud locations to watch (`us-central1`, `global`); empty = every location.
    #[serde(default)]
    pub locations: Vec<String>,
    /// Feeds only: count an item only when its title or text contains one of these words
    /// (case-insensitive). The Azure feed lists every Azure service; Vigie watches OpenAI's.
    #[serde(default, rename = "match")]
    pub keywords: Vec<String>,
    /// Flashduty page id.
    #[serde(default)]
    pub page_id: Option<String>,
    /// The human page to link to, when `url` is an API origin (Claude via statuspage.io).
    #[serde(default)]
    pub page_url: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Readings in a row needed before a status change is believed (probes are noisy).
    #[serde(default = "one")]
    pub confirm: u32,
    /// Why the entry is the way it is (catalog only; shown by `vigie services`).
    #[serde(default)]
    pub note: Option<String>,
    /// Watched ids of the providers this service runs on (Cursor on `claude-api`, …): when one of
    /// them has a problem, this service shows "may be affected", its own status unchanged.
    #[serde(default)]
    pub built_on: Vec<String>,
    /// Opt-in reachability probe from this machine: an unauthenticated GET to a cheap endpoint,
    /// read apart from the status page (see `snapshot::ProbeState`).
    #[serde(default)]
    pub probe: Option<String>,
    /// A probe the catalog suggests but does not turn on (`probe = true` in the config uses it).
    #[serde(default)]
    pub suggested_probe: Option<String>,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}

impl ServiceSpec {
    /// A service with only what every service has; the rest at the config's defaults (whole page,
    /// enabled, believed at the first reading). Fill in more with `..ServiceSpec::new(…)`.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        kind: Kind,
        url: impl Into<String>,
    ) -> ServiceSpec {
        ServiceSpec {
            id: id.into(),
            name: name.into(),
            kind,
            url: url.into(),
            components: Vec::new(),
            product: None,
            locations: Vec::new(),
            keywords: Vec::new(),
            page_id: None,
            page_url: None,
            enabled: yes(),
            confirm: one(),
            note: None,
            built_on: Vec::new(),
            probe: None,
            suggested_probe: None,
        }
    }

    /// Where a person should look.
    pub fn human_url(&self) -> &str {
        self.page_url.as_deref().unwrap_or(&self.url)
    }
}
