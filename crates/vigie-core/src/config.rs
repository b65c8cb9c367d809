//! The user's config file (TOML) and the built-in catalog, resolved into the list of services to
//! watch.
//!
//! Parsing goes through `toml_edit` rather than serde so that every problem is reported at once with
//! its file, line and key (`config.toml:7: service[1].kind: unknown kind "statuspag"`): a user fixing a
//! file should not have to run Vigie once per typo. Unknown keys are errors, for the same reason.
//! Nothing here writes the user's file except `init` (never over an existing file) and `append_service`
//! (validated first, atomic rename).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml_edit::{ImDocument, Item, Table, Value};

use crate::platform::Kind;
use crate::service::ServiceSpec;

/// The built-in catalog, compiled in.
pub const CATALOG_TOML: &str = include_str!("../data/catalog.toml");

/// Politeness floor for public pages: Statuspage asks for at most one request a minute and CDNs cache
/// for 10–60 s, so polling faster than 30 s only costs the provider. Hosts on this machine or a
/// private network are exempt (see `poller::is_own_host`).
pub const MIN_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub interval: Duration,
    pub timeout: Duration,
    /// Built-in ids to enable; `None` = the catalog's defaults.
    pub catalog: Option<Vec<String>>,
    pub services: Vec<ServiceSpec>,
    pub notifications: Notifications,
    /// UI language: "en", "fr" or None (follow the system).
    pub language: Option<String>,
}

/// Notification policy settings (used by the tray app; the CLI only validates them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notifications {
    pub enabled: bool,
    /// Lowest severity that notifies.
    pub threshold: crate::Severity,
    pub recovery: bool,
    /// Notify on each incident update with the provider's text.
    pub updates: bool,
    pub maintenance: bool,
    /// Notify about open incidents that name no component on a service that watches only some
    /// (GitHub's "Disruption with some GitHub services" on GitHub Copilot): off, they may not concern it.
    pub page_wide: bool,
    /// Notify when a local model server (Ollama) stops running: off, stopping it is usually on purpose.
    pub local_stopped: bool,
    /// Notify when a service's probe sees problems from this machine that its page does not
    /// confirm yet: off, a local network problem would look the same.
    pub local_probe: bool,
    /// Local time "HH:MM-HH:MM"; only major outages get through.
    pub quiet_hours: Option<(u32, u32)>,
    /// Service ids never notified about.
    pub muted: Vec<String>,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications {
            enabled: true,
            threshold: crate::Severity::Degraded,
            recovery: true,
            updates: false,
            maintenance: false,
            page_wide: false,
            local_stopped: false,
            local_probe: false,
            quiet_hours: None,
            muted: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            interval: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            catalog: None,
            services: Vec::new(),
            notifications: Notifications::default(),
            language: None,
        }
    }
}

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub key: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", render(.file, .problems))]
    Invalid {
        file: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("{}: cannot read: {source}", .file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: already exists; not overwritten", .0.display())]
    Exists(PathBuf),
}

fn render(file: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}:{}: {}: {}", file.display(), p.line, p.key, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A catalog entry: a service spec plus whether it is on by default.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub spec: ServiceSpec,
    pub default: bool,
}

/// The built-in catalog. Parsing it cannot fail at run time: a test checks it.
pub fn catalog() -> Vec<CatalogEntry> {
    parse_catalog(CATALOG_TOML).unwrap_or_default()
}

fn parse_catalog(text: &str) -> Result<Vec<CatalogEntry>, ConfigError> {
    let file = Path::new("catalog.toml");
    let doc = ImDocument::parse(text.to_string()).map_err(|e| syntax(file, text, &e))?;
    let mut p = Parser::new(file, text);
    let mut out = Vec::new();
    if let Some(arr) = doc.get("service").and_then(Item::as_array_of_tables) {
        for (i, t) in arr.iter().enumerate() {
            let default = p.bool(t, "default", &format!("service[{i}]"));
            if let Some(spec) = p.service(t, i, None, &["default", "suggested_probe"]) {
                out.push(CatalogEntry {
                    spec,
                    default: default.unwrap_or(false),
                });
            }
        }
        let ids: Vec<String> = out.iter().map(|c| c.spec.id.clone()).collect();
        p.check_built_on(arr, &ids);
    }
    p.finish().map(|_| out)
}

/// Where the config lives: `--config`, then `VIGIE_CONFIG`, then the XDG config dir.
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("VIGIE_CONFIG").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vigie")
        .join("config.toml")
}

/// Load the file; a missing file means defaults (nothing is created).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError::Io {
            file: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Parse and validate config text, reporting every problem at once.
pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
    let doc = ImDocument::parse(text.to_string()).map_err(|e| syntax(file, text, &e))?;
    let catalog = catalog();
    let mut p = Parser::new(file, text);
    let mut cfg = Config::default();
    for (key, item) in doc.iter() {
        match key {
            "interval" => {
                if let Some(d) = p.duration(doc.as_table(), "interval") {
                    if d < Duration::from_secs(1) {
                        p.at(item, "interval", "must be at least 1s".into());
                    } else {
                        cfg.interval = d;
                    }
                }
            }
            "timeout" => {
                if let Some(d) = p.duration(doc.as_table(), "timeout") {
                    if d < Duration::from_millis(100) || d > Duration::from_secs(120) {
                        p.at(item, "timeout", "must be between 100ms and 120s".into());
                    } else {
                        cfg.timeout = d;
                    }
                }
            }
            "catalog" => {
                if let Some(ids) = p.strings(doc.as_table(), "catalog", "catalog") {
                    for id in &ids {
                        if !catalog.iter().any(|c| &c.spec.id == id) {
                            p.at(
                                item,
                                "catalog",
                                format!("no built-in service {id:?} (see `vigie services`)"),
                            );
                        }
                    }
                    cfg.catalog = Some(ids);
                }
            }
            "language" => {
                if let Some(l) = p.string(doc.as_table(), "language", "language") {
                    if l == "en" || l == "fr" {
                        cfg.language = Some(l);
                    } else if l != "system" {
                        p.at(
                            item,
                            "language",
                            "must be \"en\", \"fr\" or \"system\"".into(),
                        );
                    }
                }
            }
            "notifications" => match item.as_table() {
                Some(t) => cfg.notifications = p.notifications(t),
                None => p.at(item, "notifications", "must be a table".into()),
            },
            "service" => match item.as_array_of_tables() {
                Some(arr) => {
                    let mut seen = HashSet::new();
                    for (i, t) in arr.iter().enumerate() {
                        let id = t.get("id").and_then(Item::as_str).unwrap_or("");
                        let base = catalog.iter().find(|c| c.spec.id == id).map(|c| &c.spec);
                        if let Some(spec) = p.service(t, i, base, &[]) {
                            if !seen.insert(spec.id.clone()) {
                                p.at_table(
                                    t,
                                    &format!("service[{i}].id"),
                                    format!("duplicate id {:?}", spec.id),
                                );
                            }
                            cfg.services.push(spec);
                        }
                    }
                }
                None => p.at(item, "service", "must be [[service]] tables".into()),
            },
            other => p.at(item, other, "unknown key".into()),
        }
    }
    // Once every table is read: a service may be built on one defined further down.
    if let Some(arr) = doc.get("service").and_then(Item::as_array_of_tables) {
        let mut ids: Vec<String> = catalog.iter().map(|c| c.spec.id.clone()).collect();
        ids.extend(cfg.services.iter().map(|s| s.id.clone()));
        ids.sort();
        ids.dedup();
        p.check_built_on(arr, &ids);
    }
    p.finish().map(|_| cfg)
}

impl Config {
    /// The services to watch: the catalog selection, then `[[service]]` tables (a table with a
    /// built-in id overrides that entry and turns it on unless it says `enabled = false`).
    pub fn resolve(&self) -> Vec<ServiceSpec> {
        let catalog = catalog();
        let mut out: Vec<ServiceSpec> = catalog
            .iter()
            .filter(|c| match &self.catalog {
                Some(ids) => ids.contains(&c.spec.id),
                None => c.default,
            })
            .map(|c| c.spec.clone())
            .collect();
        for s in &self.services {
            match out.iter_mut().find(|o| o.id == s.id) {
                Some(o) => *o = s.clone(),
                None => out.push(s.clone()),
            }
        }
        out.retain(|s| s.enabled);
        for s in &mut out {
            if s.kind == Kind::Ollama && s.url == "http://localhost:11434" {
                if let Some(h) = ollama_host() {
                    s.url = h;
                }
            }
        }
        out
    }
}

/// `OLLAMA_HOST` as a URL (`0.0.0.0:11434` means this machine).
fn ollama_host() -> Option<String> {
    let h = std::env::var("OLLAMA_HOST")
        .ok()
        .filter(|h| !h.is_empty())?;
    let h = h.replace("0.0.0.0", "127.0.0.1");
    Some(if h.starts_with("http") {
        h.trim_end_matches('/').to_string()
    } else {
        format!("http://{}", h.trim_end_matches('/'))
    })
}

/// Parse "60s", "5m", "1h", "500ms", "1m30s".
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        total += match unit {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n.checked_mul(60)?),
            "h" => Duration::from_secs(n.checked_mul(3600)?),
            "d" => Duration::from_secs(n.checked_mul(86_400)?),
            _ => return None,
        };
    }
    Some(total)
}

/// Format a duration the way the config writes it.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    if d.subsec_millis() != 0 {
        format!("{}ms", d.as_millis())
    } else if s.is_multiple_of(3600) && s > 0 {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) && s > 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

fn syntax(file: &Path, text: &str, e: &toml_edit::TomlError) -> ConfigError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    let msg = e.message().trim().replace('\n', " ");
    ConfigError::Invalid {
        file: file.to_path_buf(),
        problems: vec![Problem {
            line,
            key: "syntax".into(),
            message: msg,
        }],
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Collects problems with their line numbers while walking the document.
struct Parser<'a> {
    file: &'a Path,
    text: &'a str,
    problems: Vec<Problem>,
}

impl<'a> Parser<'a> {
    fn new(file: &'a Path, text: &'a str) -> Self {
        Parser {
            file,
            text,
            problems: Vec::new(),
        }
    }

    fn finish(mut self) -> Result<(), ConfigError> {
        if self.problems.is_empty() {
            return Ok(());
        }
        self.problems.sort_by_key(|p| p.line);
        Err(ConfigError::Invalid {
            file: self.file.to_path_buf(),
            problems: self.problems,
        })
    }

    fn at(&mut self, item: &Item, key: &str, message: String) {
        let line = item
            .span()
            .map(|s| line_of(self.text, s.start))
            .unwrap_or(1);
        self.problems.push(Problem {
            line,
            key: key.into(),
            message,
        });
    }

    fn at_table(&mut self, t: &Table, key: &str, message: String) {
        let line = t.span().map(|s| line_of(self.text, s.start)).unwrap_or(1);
        self.problems.push(Problem {
            line,
            key: key.into(),
            message,
        });
    }

    fn value<'v>(&mut self, t: &'v Table, key: &str) -> Option<(&'v Item, &'v Value)> {
        let item = t.get(key)?;
        match item.as_value() {
            Some(v) => Some((item, v)),
            None => {
                self.at(item, key, "must be a value, not a table".into());
                None
            }
        }
    }

    fn string(&mut self, t: &Table, key: &str, label: &str) -> Option<String> {
        let (item, v) = self.value(t, key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.at(item, label, "must be a string".into());
                None
            }
        }
    }

    fn bool(&mut self, t: &Table, key: &str, prefix: &str) -> Option<bool> {
        let (item, v) = self.value(t, key)?;
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.at(
                    item,
                    &format!("{prefix}.{key}"),
                    "must be true or false".into(),
                );
                None
            }
        }
    }

    fn strings(&mut self, t: &Table, key: &str, label: &str) -> Option<Vec<String>> {
        let (item, v) = self.value(t, key)?;
        let arr = match v.as_array() {
            Some(a) => a,
            None => {
                self.at(item, label, "must be a list of strings".into());
                return None;
            }
        };
        let mut out = Vec::new();
        for v in arr.iter() {
            match v.as_str() {
                Some(s) => out.push(s.to_string()),
                None => {
                    self.at(item, label, "must be a list of strings".into());
                    return None;
                }
            }
        }
        Some(out)
    }

    fn duration(&mut self, t: &Table, key: &str) -> Option<Duration> {
        let (item, v) = self.value(t, key)?;
        let d = match v {
            Value::String(s) => parse_duration(s.value()),
            Value::Integer(i) => u64::try_from(*i.value()).ok().map(Duration::from_secs),
            _ => None,
        };
        if d.is_none() {
            self.at(
                item,
                key,
                "must be a duration like \"60s\", \"5m\" or \"1h\"".into(),
            );
        }
        d
    }

    fn notifications(&mut self, t: &Table) -> Notifications {
        let mut n = Notifications::default();
        for (key, item) in t.iter() {
            let label = format!("notifications.{key}");
            match key {
                "enabled" | "recovery" | "updates" | "maintenance" | "page_wide"
                | "local_stopped" | "local_probe" => {
                    if let Some(b) = self.bool(t, key, "notifications") {
                        match key {
                            "enabled" => n.enabled = b,
                            "recovery" => n.recovery = b,
                            "updates" => n.updates = b,
                            "page_wide" => n.page_wide = b,
                            "local_stopped" => n.local_stopped = b,
                            "local_probe" => n.local_probe = b,
                            _ => n.maintenance = b,
                        }
                    }
                }
                "threshold" => {
                    if let Some(s) = self.string(t, key, &label) {
                        match crate::Severity::parse(&s).filter(|s| *s > crate::Severity::Operational)
                        {
                            Some(sev) => n.threshold = sev,
                            None => self.at(
                                item,
                                &label,
                                "must be one of maintenance, degraded, partial_outage, major_outage"
                                    .into(),
                            ),
                        }
                    }
                }
                "quiet_hours" => {
                    if let Some(s) = self.string(t, key, &label) {
                        match parse_quiet_hours(&s) {
                            Some(q) => n.quiet_hours = Some(q),
                            None if s.is_empty() => n.quiet_hours = None,
                            None => self.at(
                                item,
                                &label,
                                "must be \"HH:MM-HH:MM\" (local time), e.g. \"22:00-07:00\"".into(),
                            ),
                        }
                    }
                }
                "muted" => {
                    if let Some(ids) = self.strings(t, key, &label) {
                        n.muted = ids;
                    }
                }
                _ => self.at(item, &label, "unknown key".into()),
            }
        }
        n
    }

    /// A `[[service]]` table; `base` is the catalog entry it overrides, if any. Every problem is
    /// noted before giving up, so one run of `vigie config check` lists them all.
    fn service(
        &mut self,
        t: &Table,
        i: usize,
        base: Option<&ServiceSpec>,
        extra_keys: &[&str],
    ) -> Option<ServiceSpec> {
        let p = format!("service[{i}]");
        let before = self.problems.len();
        self.unknown_service_keys(t, &p, extra_keys);
        let id = self.service_id(t, &p);
        let name = self.string(t, "name", &format!("{p}.name"));
        let kind = self.service_kind(t, &p, base);
        let url = self.service_url(t, &p, base);
        let inherit = |own: Option<Vec<String>>, of: fn(&ServiceSpec) -> &Vec<String>| {
            own.or_else(|| base.map(|b| of(b).clone()))
                .unwrap_or_default()
        };
        let components = self.strings(t, "components", &format!("{p}.components"));
        let components = inherit(components, |b| &b.components);
        let locations = self.strings(t, "locations", &format!("{p}.locations"));
        let locations = inherit(locations, |b| &b.locations);
        let keywords = self.strings(t, "match", &format!("{p}.match"));
        let keywords = inherit(keywords, |b| &b.keywords);
        let mut text = |key: &str, of: fn(&ServiceSpec) -> &Option<String>| {
            self.string(t, key, &format!("{p}.{key}"))
                .or_else(|| base.and_then(|b| of(b).clone()))
        };
        let product = text("product", |b| &b.product);
        let page_id = text("page_id", |b| &b.page_id);
        let page_url = text("page_url", |b| &b.page_url);
        let note = text("note", |b| &b.note);
        let suggested_probe = if extra_keys.contains(&"suggested_probe") {
            self.probe_url(t, "suggested_probe", &p)
        } else {
            base.and_then(|b| b.suggested_probe.clone())
        };
        let built_on = self.strings(t, "built_on", &format!("{p}.built_on"));
        let built_on = inherit(built_on, |b| &b.built_on);
        let probe = self.service_probe(t, &p, base, suggested_probe.as_deref());
        let enabled = self.bool(t, "enabled", &p).unwrap_or(true);
        let confirm = self.service_confirm(t, &p, base);
        let (kind, url) = (kind?, url?);
        self.kind_rules(t, &p, kind, page_id.is_some(), &locations, &keywords);
        if self.problems.len() > before {
            return None;
        }
        Some(ServiceSpec {
            name: name
                .or_else(|| base.map(|b| b.name.clone()))
                .unwrap_or_else(|| id.clone()),
            id,
            kind,
            url,
            components,
            product,
            locations,
            keywords,
            page_id,
            page_url,
            enabled,
            confirm,
            note,
            built_on,
            probe,
            suggested_probe,
        })
    }

    /// `probe = "https://…"` sets a probe, `probe = true` turns on the suggested one, `false`
    /// turns an inherited one off.
    fn service_probe(
        &mut self,
        t: &Table,
        p: &str,
        base: Option<&ServiceSpec>,
        suggested: Option<&str>,
    ) -> Option<String> {
        let Some(item) = t.get("probe") else {
            return base.and_then(|b| b.probe.clone());
        };
        match item.as_bool() {
            Some(false) => None,
            Some(true) if suggested.is_some() => suggested.map(str::to_string),
            Some(true) => {
                self.at(
                    item,
                    &format!("{p}.probe"),
                    "this service has no suggested probe: give a URL".into(),
                );
                None
            }
            None => self.probe_url(t, "probe", p),
        }
    }

    /// An http(s) URL with a host, for a probe.
    fn probe_url(&mut self, t: &Table, key: &str, p: &str) -> Option<String> {
        let label = format!("{p}.{key}");
        let u = self.string(t, key, &label)?;
        match url::Url::parse(&u) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
                Some(u)
            }
            _ => {
                let item = t.get(key).unwrap_or(&Item::None);
                self.at(item, &label, format!("{u:?} is not an http(s) URL"));
                None
            }
        }
    }

    /// Every `built_on` id names a service that exists (built in, or one of the file's own), and
    /// not the service itself. Checked once all tables are read.
    fn check_built_on(&mut self, arr: &toml_edit::ArrayOfTables, valid: &[String]) {
        for (i, t) in arr.iter().enumerate() {
            let Some(item) = t.get("built_on") else {
                continue;
            };
            let own = t.get("id").and_then(Item::as_str);
            let list = item.as_array().map(|a| a.iter().filter_map(Value::as_str));
            for id in list.into_iter().flatten() {
                let why = if Some(id) == own {
                    "a service cannot be built on itself".to_string()
                } else if !valid.iter().any(|v| v == id) {
                    format!("unknown id {id:?} (valid ids: {})", valid.join(", "))
                } else {
                    continue;
                };
                self.at(item, &format!("service[{i}].built_on"), why);
            }
        }
    }

    fn unknown_service_keys(&mut self, t: &Table, p: &str, extra_keys: &[&str]) {
        const KNOWN: [&str; 15] = [
            "id",
            "name",
            "kind",
            "url",
            "components",
            "product",
            "locations",
            "match",
            "page_id",
            "page_url",
            "enabled",
            "confirm",
            "note",
            "built_on",
            "probe",
        ];
        for (key, item) in t.iter() {
            if !KNOWN.contains(&key) && !extra_keys.contains(&key) {
                self.at(item, &format!("{p}.{key}"), "unknown key".into());
            }
        }
    }

    /// The id, or "" after noting why it is missing or malformed (validation goes on).
    fn service_id(&mut self, t: &Table, p: &str) -> String {
        match self.string(t, "id", &format!("{p}.id")) {
            Some(id) if is_valid_id(&id) => id,
            Some(id) => {
                let item = t.get("id").unwrap_or(&Item::None);
                self.at(
                    item,
                    &format!("{p}.id"),
                    format!("{id:?} must be lower-case letters, digits and '-'"),
                );
                String::new()
            }
            None => {
                self.at_table(t, &format!("{p}.id"), "missing".into());
                String::new()
            }
        }
    }

    fn service_kind(&mut self, t: &Table, p: &str, base: Option<&ServiceSpec>) -> Option<Kind> {
        let kind = match self.string(t, "kind", &format!("{p}.kind")) {
            Some(k) => match Kind::parse(&k) {
                Some(k) => Some(k),
                None => {
                    let item = t.get("kind").unwrap_or(&Item::None);
                    let names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                    self.at(
                        item,
                        &format!("{p}.kind"),
                        format!("unknown kind {k:?} (one of {})", names.join(", ")),
                    );
                    None
                }
            },
            None => base.map(|b| b.kind),
        };
        if kind.is_none() && !t.contains_key("kind") {
            self.at_table(
                t,
                &format!("{p}.kind"),
                "missing (needed for a service that is not built in)".into(),
            );
        }
        kind
    }

    /// An http(s) URL with a host, without its trailing slash.
    fn service_url(&mut self, t: &Table, p: &str, base: Option<&ServiceSpec>) -> Option<String> {
        let url = match self.string(t, "url", &format!("{p}.url")) {
            Some(u) => match url::Url::parse(&u) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
                    Some(u.trim_end_matches('/').to_string())
                }
                _ => {
                    let item = t.get("url").unwrap_or(&Item::None);
                    self.at(
                        item,
                        &format!("{p}.url"),
                        format!("{u:?} is not an http(s) URL"),
                    );
                    None
                }
            },
            None => base.map(|b| b.url.clone()),
        };
        if url.is_none() && !t.contains_key("url") {
            self.at_table(
                t,
                &format!("{p}.url"),
                "missing (needed for a service that is not built in)".into(),
            );
        }
        url
    }

    fn service_confirm(&mut self, t: &Table, p: &str, base: Option<&ServiceSpec>) -> u32 {
        let item = t.get("confirm").unwrap_or(&Item::None);
        match item.as_integer() {
            Some(c) if (1..=10).contains(&c) => c as u32,
            Some(_) => {
                self.at(item, &format!("{p}.confirm"), "must be 1 to 10".into());
                1
            }
            None if t.contains_key("confirm") => {
                self.at(item, &format!("{p}.confirm"), "must be a number".into());
                1
            }
            None => base.map(|b| b.confirm).unwrap_or(1),
        }
    }

    /// Keys that only some kinds take, or that some kinds need.
    fn kind_rules(
        &mut self,
        t: &Table,
        p: &str,
        kind: Kind,
        has_page_id: bool,
        locations: &[String],
        keywords: &[String],
    ) {
        if kind == Kind::Flashduty && !has_page_id {
            self.at_table(
                t,
                &format!("{p}.page_id"),
                "required for kind flashduty".into(),
            );
        }
        for (key, given, allowed) in [
            ("locations", !locations.is_empty(), Kind::GoogleCloud),
            ("match", !keywords.is_empty(), Kind::Feed),
        ] {
            if given && kind != allowed && t.contains_key(key) {
                let item = t.get(key).unwrap_or(&Item::None);
                self.at(
                    item,
                    &format!("{p}.{key}"),
                    format!("only for kind {allowed}, not {kind}"),
                );
            }
        }
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// "22:00-07:00" → minutes since midnight (start, end).
pub fn parse_quiet_hours(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let hm = |x: &str| -> Option<u32> {
        let (h, m) = x.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some(h * 60 + m)
    };
    Some((hm(a)?, hm(b)?))
}

/// The commented file `vigie config init` writes.
pub fn default_file() -> String {
    let mut s = String::from(
        "# Vigie configuration. Every key is optional; delete a line to get the default back.\n\
         # `vigie config check` validates this file; `vigie services` lists the built-in ids.\n\n\
         # How often status pages are polled (30s minimum for public pages).\ninterval = \"60s\"\n\
         # How long one request may take.\ntimeout = \"10s\"\n\n\
         # Built-in services to watch. Remove this line to follow Vigie's defaults; [] watches none.\n",
    );
    let defaults: Vec<String> = catalog()
        .into_iter()
        .filter(|c| c.default)
        .map(|c| format!("\"{}\"", c.spec.id))
        .collect();
    s.push_str(&format!("catalog = [{}]\n\n", defaults.join(", ")));
    s.push_str(
        "# UI language: \"en\", \"fr\" or \"system\".\n# language = \"system\"\n\n\
         [notifications]\n\
         # Lowest status that notifies: maintenance, degraded, partial_outage, major_outage.\n\
         threshold = \"degraded\"\n\
         # Tell when a service recovers.\nrecovery = true\n\
         # Notify on every provider update of an open incident.\nupdates = false\n\
         # Notify when planned maintenance starts and ends.\nmaintenance = false\n\
         # Notify about incidents that name no component, on services that watch only some.\npage_wide = false\n\
         # Notify when a local model server (Ollama) stops running.\nlocal_stopped = false\n\
         # Notify when a service's probe sees problems from here that its page does not confirm yet.\nlocal_probe = false\n\
         # Only major outages get through between these local times.\n# quiet_hours = \"22:00-07:00\"\n\
         # Services never notified about.\nmuted = []\n\n\
         # Your own pages, or overrides of built-in ones (same id):\n\
         # [[service]]\n# id = \"my-vendor\"\n# name = \"My vendor\"\n\
         # kind = \"statuspage\"   # statuspage, incident_io, instatus, betterstack, google_cloud, ai_studio, feed, flashduty, ollama, http\n\
         # url = \"https://status.example.com\"\n# components = []      # ids or names to watch; empty = whole page\n\
         # built_on = [\"claude-api\"]  # providers it runs on, shown as \"may be affected\" (watch them too)\n\
         # probe = \"https://api.example.com/v1/models\"  # opt-in check from this machine, never with a key\n\
         # A built-in API with a suggested probe (see `vigie services`) turns it on with:\n\
         # [[service]]\n# id = \"openai-api\"\n# probe = true\n",
    );
    s
}

/// Write the default file; never over an existing one.
pub fn init(path: &Path) -> Result<(), ConfigError> {
    if path.exists() {
        return Err(ConfigError::Exists(path.to_path_buf()));
    }
    write_atomic(path, &default_file())
}

/// Append a `[[service]]` table, keeping the file's comments. The result is validated before it
/// replaces the file, and the replacement is an atomic rename.
pub fn append_service(path: &Path, spec: &ServiceSpec) -> Result<(), ConfigError> {
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(ConfigError::Io {
                file: path.to_path_buf(),
                source: e,
            })
        }
    };
    // The current file must be valid: never build on (or hide) a broken one.
    parse(path, &old)?;
    let mut doc: toml_edit::DocumentMut = old.parse().map_err(|e| syntax(path, &old, &e))?;
    let mut t = Table::new();
    t["id"] = toml_edit::value(spec.id.clone());
    t["name"] = toml_edit::value(spec.name.clone());
    t["kind"] = toml_edit::value(spec.kind.as_str());
    t["url"] = toml_edit::value(spec.url.clone());
    if !spec.components.is_empty() {
        let arr: toml_edit::Array = spec.components.iter().collect();
        t["components"] = toml_edit::value(arr);
    }
    match doc
        .get_mut("service")
        .and_then(Item::as_array_of_tables_mut)
    {
        Some(arr) => arr.push(t),
        None => {
            let mut arr = toml_edit::ArrayOfTables::new();
            arr.push(t);
            doc.insert("service", Item::ArrayOfTables(arr));
        }
    }
    let new = doc.to_string();
    parse(path, &new)?;
    write_atomic(path, &new)
}

/// Write via a temporary file and rename, so a crash never leaves half a config.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), ConfigError> {
    let io = |e| ConfigError::Io {
        file: path.to_path_buf(),
        source: e,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse(Path::new("c.toml"), text) {
            Ok(_) => vec![],
            Err(ConfigError::Invalid { problems, .. }) => problems
                .into_iter()
                .map(|p| format!("{}: {}: {}", p.line, p.key, p.message))
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn catalog_parses_and_is_big_enough() {
        let c = parse_catalog(CATALOG_TOML).expect("catalog");
        assert!(c.len() >= 25, "{}", c.len());
        let ids: HashSet<_> = c.iter().map(|e| e.spec.id.as_str()).collect();
        assert_eq!(ids.len(), c.len(), "duplicate ids");
        for want in [
            "chatgpt",
            "openai-api",
            "codex",
            "sora",
            "claude",
            "claude-api",
            "claude-code",
            "gemini-api",
            "mistral",
            "perplexity",
            "deepseek",
            "github-copilot",
            "huggingface",
            "groq",
            "cohere",
            "xai",
            "replicate",
            "together",
            "fireworks",
            "cursor",
            "windsurf",
            "elevenlabs",
            "stability",
            "openrouter",
            "azure-openai",
            "ollama",
        ] {
            assert!(ids.contains(want), "{want}");
        }
        assert!(c.iter().filter(|e| e.default).count() >= 5);
    }

    #[test]
    fn table_of_config_errors() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("interval = \"60s\"\ntimeout = \"5s\"", &[]),
            ("interval = \"soon\"", &["1: interval: must be a duration"]),
            ("intervl = \"60s\"", &["1: intervl: unknown key"]),
            ("catalog = [\"chatgpt\", \"nope\"]", &["1: catalog: no built-in service \"nope\""]),
            (
                "[[service]]\nid = \"x\"\nkind = \"statuspag\"\nurl = \"ftp://x\"\ncolour = 1",
                &[
                    "3: service[0].kind: unknown kind \"statuspag\"",
                    "4: service[0].url: \"ftp://x\" is not an http(s) URL",
                    "5: service[0].colour: unknown key",
                ],
            ),
            ("[[service]]\nid = \"x\"", &["1: service[0].kind: missing", "1: service[0].url: missing"]),
            ("[[service]]\nid = \"A\"\nkind = \"zz\"", &["1: service[0].url: missing", "2: service[0].id: \"A\" must be", "3: service[0].kind: unknown kind"]),
            (
                "[[service]]\nid = \"a\"\nkind = \"feed\"\nurl = \"http://h/f\"\n[[service]]\nid = \"a\"\nkind = \"feed\"\nurl = \"http://h/f\"",
                &["5: service[1].id: duplicate id \"a\""],
            ),
            ("[notifications]\nthreshold = \"bad\"\nquiet_hours = \"25:00-01:00\"\nfoo = 1",
             &["2: notifications.threshold: must be one of", "3: notifications.quiet_hours: must be", "4: notifications.foo: unknown key"]),
            ("interval = ", &["1: syntax:"]),
            ("[[service]]\nid = \"d\"\nkind = \"flashduty\"\nurl = \"https://s.example\"", &["1: service[0].page_id: required"]),
        ];
        for (text, want) in cases {
            let got = problems(text);
            assert_eq!(got.len(), want.len(), "{text:?}: {got:?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text:?}: got {g:?}, want {w:?}");
            }
        }
    }

    #[test]
    fn resolve_defaults_catalog_list_and_overrides() {
        let defaults = Config::default().resolve();
        assert!(defaults.iter().any(|s| s.id == "chatgpt"));
        assert!(!defaults.iter().any(|s| s.id == "deepseek"));

        let none = parse(Path::new("c"), "catalog = []").expect("ok").resolve();
        assert!(none.is_empty());

        let text = "catalog = []\n[[service]]\nid = \"claude\"\nurl = \"http://127.0.0.1:9/\"\n\
                    [[service]]\nid = \"mine\"\nkind = \"feed\"\nurl = \"http://127.0.0.1:9/feed\"\n\
                    [[service]]\nid = \"chatgpt\"\nenabled = false";
        let s = parse(Path::new("c"), text).expect("ok").resolve();
        let ids: Vec<_> = s.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["claude", "mine"]);
        assert_eq!(s[0].url, "http://127.0.0.1:9");
        assert_eq!(s[0].kind, Kind::Statuspage);
        assert_eq!(s[0].components, ["rwppv331jlwc", "bpp5gb3hpjcl"]);
        assert_eq!(s[1].name, "mine");
    }

    #[test]
    fn built_on_and_probes() {
        // Built on a built-in id, or on one of the file's own, even defined further down.
        let text = "catalog = []\n[[service]]\nid = \"tool\"\nkind = \"statuspage\"\n\
                    url = \"https://s.example\"\nbuilt_on = [\"claude-api\", \"mine\"]\n\
                    probe = \"https://api.example.com/v1/models\"\n\
                    [[service]]\nid = \"mine\"\nkind = \"feed\"\nurl = \"https://m.example/f\"\n";
        let cfg = parse(Path::new("c"), text).expect("valid");
        let tool = &cfg.resolve()[0];
        assert_eq!(tool.built_on, ["claude-api", "mine"]);
        assert_eq!(
            tool.probe.as_deref(),
            Some("https://api.example.com/v1/models")
        );
        // Unknown ids are errors that list the valid ones; so is a service built on itself.
        let got = problems(
            "[[service]]\nid = \"t\"\nkind = \"feed\"\nurl = \"https://x/f\"\n\
             built_on = [\"claude-apii\", \"t\"]\nprobe = \"ftp://x\"\n",
        );
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].starts_with("5: service[0].built_on: unknown id \"claude-apii\" (valid ids: "),
            "{got:?}"
        );
        assert!(got[0].contains("claude-api, claude-code"), "{got:?}");
        assert_eq!(
            got[1],
            "5: service[0].built_on: a service cannot be built on itself"
        );
        assert_eq!(
            got[2],
            "6: service[0].probe: \"ftp://x\" is not an http(s) URL"
        );
        // `probe = true` turns the catalog's suggestion on; a service without one must give a URL.
        let on = parse(
            Path::new("c"),
            "catalog = []\n[[service]]\nid = \"openai-api\"\nprobe = true\n",
        )
        .expect("valid")
        .resolve();
        assert_eq!(
            on[0].probe.as_deref(),
            Some("https://api.openai.com/v1/models")
        );
        assert_eq!(on[0].built_on, Vec::<String>::new());
        let got = problems("[[service]]\nid = \"claude\"\nprobe = true\n");
        assert_eq!(
            got,
            ["3: service[0].probe: this service has no suggested probe: give a URL"]
        );
        // Catalog probes are off by default; a user cannot set `suggested_probe`.
        assert!(Config::default()
            .resolve()
            .iter()
            .all(|s| s.probe.is_none()));
        let got = problems("[[service]]\nid = \"x\"\nkind = \"feed\"\nurl = \"https://x/f\"\nsuggested_probe = \"https://x\"\n");
        assert_eq!(got, ["5: service[0].suggested_probe: unknown key"]);
        let n = parse(Path::new("c"), "[notifications]\nlocal_probe = true\n").expect("valid");
        assert!(n.notifications.local_probe);
    }

    #[test]
    fn catalog_built_on_names_catalog_ids_and_suggested_probes_are_off() {
        let c = catalog();
        for e in &c {
            for id in &e.spec.built_on {
                assert!(c.iter().any(|o| &o.spec.id == id), "{}: {id}", e.spec.id);
            }
            assert!(e.spec.probe.is_none(), "{}: probes are opt-in", e.spec.id);
        }
        let by = |id: &str| c.iter().find(|e| e.spec.id == id).map(|e| e.spec.clone());
        let cursor = by("cursor").expect("cursor");
        assert!(cursor.built_on.contains(&"claude-api".to_string()));
        let api = by("openai-api").expect("openai-api");
        assert_eq!(
            api.suggested_probe.as_deref(),
            Some("https://api.openai.com/v1/models")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
        assert_eq!(parse_quiet_hours("22:00-07:30"), Some((1320, 450)));
    }

    #[test]
    fn default_file_is_valid_and_init_never_overwrites() {
        let cfg = parse(Path::new("d"), &default_file()).expect("default file parses");
        assert_eq!(cfg.interval, Duration::from_secs(60));
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("sub/config.toml");
        init(&p).expect("init");
        std::fs::write(&p, "# mine\ninterval = \"2m\"\n").expect("write");
        assert!(matches!(init(&p), Err(ConfigError::Exists(_))));
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "# mine\ninterval = \"2m\"\n"
        );
    }

    #[test]
    fn append_keeps_comments_and_refuses_on_invalid_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "# keep me\ninterval = \"2m\"\n").expect("write");
        let spec = ServiceSpec::new(
            "mine",
            "Mine",
            Kind::Statuspage,
            "https://status.example.com",
        );
        append_service(&p, &spec).expect("append");
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.starts_with("# keep me\n"));
        let cfg = parse(&p, &text).expect("valid");
        assert_eq!(cfg.services[0].id, "mine");

        std::fs::write(&p, "interval = 5 5\n").expect("write");
        assert!(append_service(&p, &spec).is_err());
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "interval = 5 5\n"
        );
    }
}
