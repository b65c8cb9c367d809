//! What the history/settings window reads and writes, kept GUI-free so it is tested here.
//!
//! * [`Settings`]: the editable part of the config in a flat shape, and [`save`], which turns an
//!   edited `Settings` into the smallest set of `toml_edit` changes to the user's file (comments,
//!   order and unrelated keys kept), validates the result with [`config::parse`] **before** writing,
//!   writes atomically, and never builds on a file that is already invalid (the error is returned).
//! * History: [`IncidentKey`] selections and [`export`] (CSV or JSON text).
//! * Uptime: [`ServiceUptime`] per watched service from [`Store::daily_availability`].
//! * [`page_components`]: every component of a page from the last stored response (no network), so
//!   the user can pick components to watch even when the current reading is already filtered.
//! * [`safe_http_url`]: the only URLs the window may ask the app to open.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::config::{self, Config, ConfigError};
use crate::model::StoredIncident;
use crate::model::{Component, Incident, Severity};
use crate::platform::{self, Kind};
use crate::service::ServiceSpec;
use crate::store::{Day, Store, StoreError};

/// One service as the Settings view shows it: every catalog entry, then the user's own pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceSetting {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub url: String,
    /// In the built-in catalog (otherwise a `[[service]]` of the user's).
    pub builtin: bool,
    pub enabled: bool,
    /// Component ids or names watched; empty = the whole page.
    pub components: Vec<String>,
}

/// The notification policy, as edited in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationSettings {
    pub enabled: bool,
    pub threshold: Severity,
    pub recovery: bool,
    pub updates: bool,
    pub maintenance: bool,
    /// Notify about page-wide incidents on services that watch only some components.
    #[serde(default)]
    pub page_wide: bool,
    /// Notify when a local model server stops running.
    #[serde(default)]
    pub local_stopped: bool,
    /// "HH:MM-HH:MM" local time, or null for none.
    pub quiet_hours: Option<String>,
    pub muted: Vec<String>,
}

/// The editable config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    /// The config file (shown, never sent back to be used).
    pub path: String,
    pub interval_secs: u32,
    pub services: Vec<ServiceSetting>,
    pub notifications: NotificationSettings,
    /// "system", "en" or "fr".
    pub language: String,
}

/// What "add a status page" found, shown before anything is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Preview {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub url: String,
    pub status: Severity,
    pub components: Vec<Component>,
    pub incidents: Vec<Incident>,
    pub note: Option<String>,
}

/// A page to add, as confirmed by the user after the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewService {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub url: String,
    pub components: Vec<String>,
}

/// One incident of the history, by service and provider id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentKey {
    pub service: String,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// An export: its text, a file name, and where it was saved (when asked to save).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Export {
    pub file_name: String,
    pub mime: String,
    pub text: String,
    pub saved_to: Option<String>,
}

impl Export {
    /// `vigie-{what}-{stamp}.csv` or `.json`, stamped with `now`; only the chosen text is made.
    pub fn stamped(
        what: &str,
        format: ExportFormat,
        now: DateTime<Utc>,
        csv: impl FnOnce() -> String,
        json: impl FnOnce() -> String,
    ) -> Export {
        let stamp = now.format("%Y%m%d-%H%M%S");
        let (ext, mime, text) = match format {
            ExportFormat::Csv => ("csv", "text/csv", csv()),
            ExportFormat::Json => ("json", "application/json", json()),
        };
        Export {
            file_name: format!("vigie-{what}-{stamp}.{ext}"),
            mime: mime.into(),
            text,
            saved_to: None,
        }
    }

    /// Write it to the Downloads folder ([`export_dir`]) and say where.
    pub fn save(&mut self) -> Result<(), String> {
        let path = export_dir().join(&self.file_name);
        std::fs::write(&path, &self.text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.saved_to = Some(path.display().to_string());
        Ok(())
    }
}

/// The 90-day bar of one service.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceUptime {
    pub id: String,
    pub name: String,
    /// Mean over the days with data, 0–1; null when none has.
    pub availability: Option<f64>,
    /// Oldest first.
    pub days: Vec<Day>,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Invalid(String),
}

/// The `Settings` view of a config.
pub fn settings_of(cfg: &Config, path: &Path) -> Settings {
    let resolved: HashSet<String> = cfg.resolve().into_iter().map(|s| s.id).collect();
    let mut services = Vec::new();
    for c in config::catalog() {
        let spec = cfg
            .services
            .iter()
            .find(|s| s.id == c.spec.id)
            .unwrap_or(&c.spec);
        services.push(ServiceSetting {
            id: c.spec.id.clone(),
            name: spec.name.clone(),
            kind: spec.kind,
            url: spec.human_url().to_string(),
            builtin: true,
            enabled: resolved.contains(&c.spec.id),
            components: spec.components.clone(),
        });
    }
    for s in &cfg.services {
        if services.iter().any(|o| o.id == s.id) {
            continue;
        }
        services.push(ServiceSetting {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind,
            url: s.human_url().to_string(),
            builtin: false,
            enabled: s.enabled,
            components: s.components.clone(),
        });
    }
    let n = &cfg.notifications;
    Settings {
        path: path.display().to_string(),
        interval_secs: u32::try_from(cfg.interval.as_secs()).unwrap_or(u32::MAX),
        services,
        notifications: NotificationSettings {
            enabled: n.enabled,
            threshold: n.threshold,
            recovery: n.recovery,
            updates: n.updates,
            maintenance: n.maintenance,
            page_wide: n.page_wide,
            local_stopped: n.local_stopped,
            quiet_hours: n.quiet_hours.map(format_quiet_hours),
            muted: n.muted.clone(),
        },
        language: cfg.language.clone().unwrap_or_else(|| "system".into()),
    }
}

fn format_quiet_hours((a, b): (u32, u32)) -> String {
    format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)
}

fn read_text(path: &Path) -> Result<String, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(ConfigError::Io {
            file: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Apply edited settings to the file at `path`: validated before writing, atomic, comments kept.
/// Returns the new config (for the poller's `Reload`). Nothing is written when nothing changed, when
/// the current file is invalid, or when the result would be.
pub fn save(path: &Path, new: &Settings) -> Result<Config, SaveError> {
    let old_text = read_text(path)?;
    // Never build on (or hide) a broken file: the user must fix it first.
    let old_cfg = config::parse(path, &old_text)?;
    let new_text = edit(&old_text, &old_cfg, path, new)?;
    let cfg = config::parse(path, &new_text)?;
    if new_text != old_text {
        config::write_atomic(path, &new_text)?;
    }
    Ok(cfg)
}

/// The edited file text (pure: no I/O), for [`save`] and tests.
pub fn edit(
    old_text: &str,
    old_cfg: &Config,
    path: &Path,
    new: &Settings,
) -> Result<String, SaveError> {
    let old = settings_of(old_cfg, path);
    let mut doc: DocumentMut = old_text
        .parse()
        .map_err(|e: toml_edit::TomlError| SaveError::Invalid(e.message().to_string()))?;

    if new.interval_secs != old.interval_secs {
        if new.interval_secs == 0 {
            return Err(SaveError::Invalid("interval must be at least 1s".into()));
        }
        let d = config::format_duration(Duration::from_secs(u64::from(new.interval_secs)));
        set(doc.as_table_mut(), "interval", Value::from(d));
    }
    if new.language != old.language {
        if !matches!(new.language.as_str(), "system" | "en" | "fr") {
            return Err(SaveError::Invalid(format!(
                "language {:?}: must be system, en or fr",
                new.language
            )));
        }
        set(
            doc.as_table_mut(),
            "language",
            Value::from(new.language.clone()),
        );
    }
    edit_services(&mut doc, old_cfg, &old, new)?;
    if new.notifications != old.notifications {
        edit_notifications(&mut doc, &old.notifications, &new.notifications)?;
    }
    Ok(doc.to_string())
}

/// Set a key, keeping the key's comments and the value's trailing comment.
fn set(t: &mut Table, key: &str, v: Value) {
    let mut v = v;
    match t.get_mut(key) {
        Some(item) => {
            if let Some(old) = item.as_value() {
                *v.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(v);
        }
        None => {
            t.insert(key, Item::Value(v));
        }
    }
}

fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().collect())
}

fn service_table<'a>(doc: &'a mut DocumentMut, id: &str) -> Option<&'a mut Table> {
    doc.get_mut("service")
        .and_then(Item::as_array_of_tables_mut)?
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
}

fn edit_services(
    doc: &mut DocumentMut,
    old_cfg: &Config,
    old: &Settings,
    new: &Settings,
) -> Result<(), SaveError> {
    let catalog = config::catalog();
    let mut catalog_changed = false;
    for s in &new.services {
        let Some(o) = old.services.iter().find(|o| o.id == s.id) else {
            return Err(SaveError::Invalid(format!(
                "unknown service {:?} (add a page to watch it)",
                s.id
            )));
        };
        if o.enabled == s.enabled && o.components == s.components {
            continue;
        }
        if let Some(t) = service_table(doc, &s.id) {
            if o.enabled != s.enabled {
                set(t, "enabled", Value::from(s.enabled));
            }
            if o.components != s.components {
                set(t, "components", strings(&s.components));
            }
            continue;
        }
        if !s.builtin {
            return Err(SaveError::Invalid(format!("no [[service]] for {:?}", s.id)));
        }
        let default_components = catalog
            .iter()
            .find(|c| c.spec.id == s.id)
            .map(|c| c.spec.components.clone())
            .unwrap_or_default();
        if s.components != default_components {
            // An override table: it also turns the service on unless it says otherwise.
            let mut t = Table::new();
            t.insert("id", toml_edit::value(s.id.clone()));
            t.insert("components", Item::Value(strings(&s.components)));
            if !s.enabled {
                t.insert("enabled", toml_edit::value(false));
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
        }
        catalog_changed = true;
    }
    if catalog_changed {
        // Built-ins without a table of their own are switched by the `catalog` list.
        let tables: HashSet<String> = doc
            .get("service")
            .and_then(Item::as_array_of_tables)
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("id").and_then(Item::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let list: Vec<String> = catalog
            .iter()
            .map(|c| &c.spec.id)
            .filter(|id| !tables.contains(*id))
            .filter(|id| new.services.iter().any(|s| &s.id == *id && s.enabled))
            .cloned()
            .collect();
        let old_list: HashSet<&String> = match &old_cfg.catalog {
            Some(ids) => ids.iter().collect(),
            None => catalog
                .iter()
                .filter(|c| c.default)
                .map(|c| &c.spec.id)
                .collect(),
        };
        let old_list: HashSet<&String> = old_list
            .into_iter()
            .filter(|id| !tables.contains(*id))
            .collect();
        if list.iter().collect::<HashSet<_>>() != old_list || old_cfg.catalog.is_none() {
            set(doc.as_table_mut(), "catalog", strings(&list));
        }
    }
    Ok(())
}

fn edit_notifications(
    doc: &mut DocumentMut,
    old: &NotificationSettings,
    new: &NotificationSettings,
) -> Result<(), SaveError> {
    if let Some(q) = &new.quiet_hours {
        if config::parse_quiet_hours(q).is_none() {
            return Err(SaveError::Invalid(format!(
                "quiet hours {q:?}: must look like 22:00-07:00"
            )));
        }
    }
    if !doc.contains_key("notifications") {
        doc.insert("notifications", Item::Table(Table::new()));
    }
    let Some(t) = doc.get_mut("notifications").and_then(Item::as_table_mut) else {
        return Err(SaveError::Invalid(
            "notifications must be a table in the config file".into(),
        ));
    };
    if new.enabled != old.enabled {
        set(t, "enabled", Value::from(new.enabled));
    }
    if new.threshold != old.threshold {
        set(t, "threshold", Value::from(new.threshold.as_str()));
    }
    if new.recovery != old.recovery {
        set(t, "recovery", Value::from(new.recovery));
    }
    if new.updates != old.updates {
        set(t, "updates", Value::from(new.updates));
    }
    if new.maintenance != old.maintenance {
        set(t, "maintenance", Value::from(new.maintenance));
    }
    if new.page_wide != old.page_wide {
        set(t, "page_wide", Value::from(new.page_wide));
    }
    if new.local_stopped != old.local_stopped {
        set(t, "local_stopped", Value::from(new.local_stopped));
    }
    if new.quiet_hours != old.quiet_hours {
        match &new.quiet_hours {
            Some(q) => set(t, "quiet_hours", Value::from(q.clone())),
            None => {
                t.remove("quiet_hours");
            }
        }
    }
    if new.muted != old.muted {
        set(t, "muted", strings(&new.muted));
    }
    Ok(())
}

/// Append a page found by discovery: validated first, atomic. Refuses an id already in use.
pub fn add_service(path: &Path, new: &NewService) -> Result<Config, SaveError> {
    let cfg = config::parse(path, &read_text(path)?)?;
    let taken = config::catalog().iter().any(|c| c.spec.id == new.id)
        || cfg.services.iter().any(|s| s.id == new.id);
    if taken {
        return Err(SaveError::Invalid(format!(
            "the id {:?} is already used; choose another",
            new.id
        )));
    }
    let spec = ServiceSpec {
        components: new.components.clone(),
        ..ServiceSpec::new(new.id.clone(), new.name.clone(), new.kind, new.url.clone())
    };
    config::append_service(path, &spec)?;
    Ok(config::load(path)?)
}

/// An id not used by the catalog or the config (`example`, `example-2`, …).
pub fn free_id(cfg: &Config, base: &str) -> String {
    let catalog = config::catalog();
    let used = |id: &str| {
        catalog.iter().any(|c| c.spec.id == id) || cfg.services.iter().any(|s| s.id == id)
    };
    if !used(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !used(id))
        .unwrap_or_else(|| base.to_string())
}

/// The preview of a discovered page.
pub fn preview(d: &crate::discover::Discovered, cfg: &Config) -> Preview {
    Preview {
        id: free_id(cfg, &d.spec.id),
        name: d.spec.name.clone(),
        kind: d.spec.kind,
        url: d.spec.url.clone(),
        status: d.reading.status,
        components: d.reading.components.clone(),
        incidents: d.reading.incidents.clone(),
        note: d.reading.note.clone(),
    }
}

/// The service `id` as the config resolves it, else as the catalog defines it (one not watched
/// yet, whose components the Settings view lists before it is ticked).
pub fn spec_of(cfg: &Config, id: &str) -> Option<ServiceSpec> {
    cfg.resolve().into_iter().find(|s| s.id == id).or_else(|| {
        config::catalog()
            .into_iter()
            .find(|c| c.spec.id == id)
            .map(|c| c.spec)
    })
}

/// Every component of a page, from the last stored responses (None when they are not all stored
/// or no longer parse).
pub fn page_components(store: &Store, spec: &ServiceSpec) -> Option<Vec<Component>> {
    let whole = ServiceSpec {
        components: Vec::new(),
        ..spec.clone()
    };
    let mut bodies = Vec::new();
    for u in platform::endpoints(&whole).ok()? {
        bodies.push(store.cached(&u).ok()??.body);
    }
    let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
    platform::read(&whole, &refs).ok().map(|r| r.components)
}

/// The selected incidents, in the store's order (newest first).
pub fn select(list: Vec<StoredIncident>, keys: &[IncidentKey]) -> Vec<StoredIncident> {
    let keys: HashSet<(&str, &str)> = keys
        .iter()
        .map(|k| (k.service.as_str(), k.id.as_str()))
        .collect();
    list.into_iter()
        .filter(|s| keys.contains(&(s.service.as_str(), s.incident.id.as_str())))
        .collect()
}

/// Incidents as CSV or JSON text, with a file name stamped with `now`.
pub fn export(list: &[StoredIncident], format: ExportFormat, now: DateTime<Utc>) -> Export {
    Export::stamped(
        "history",
        format,
        now,
        || crate::snapshot::history_csv(list),
        || serde_json::to_string_pretty(list).unwrap_or_else(|_| "[]".into()),
    )
}

/// Where exports are saved: the Downloads folder, else the home folder, else the temp dir.
pub fn export_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir)
}

/// The 90-day bars (or `days`) of the given services.
pub fn uptime(
    store: &Store,
    services: &[(String, String)],
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<ServiceUptime>, StoreError> {
    let mut out = Vec::new();
    for (id, name) in services {
        let days = store.daily_availability(id, days, now)?;
        let with: Vec<f64> = days.iter().filter_map(|d| d.availability).collect();
        let availability = (!with.is_empty()).then(|| with.iter().sum::<f64>() / with.len() as f64);
        out.push(ServiceUptime {
            id: id.clone(),
            name: name.clone(),
            availability,
            days,
        });
    }
    Ok(out)
}

/// The URL, normalised, if it is an absolute http(s) URL with a host; None otherwise
/// (`javascript:`, `file:`, `data:`, relative, …).
pub fn safe_http_url(s: &str) -> Option<String> {
    let u = url::Url::parse(s.trim()).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.has_host()).then(|| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Config {
        config::parse(Path::new("c.toml"), text).expect("valid")
    }

    #[test]
    fn a_spec_comes_from_the_config_else_the_catalog() {
        let c = cfg("catalog = [\"claude\"]\n[[service]]\nid = \"mine\"\nkind = \"feed\"\nurl = \"http://127.0.0.1:9/f\"\n");
        assert_eq!(
            spec_of(&c, "mine").map(|s| s.url),
            Some("http://127.0.0.1:9/f".into())
        );
        // Watched: as resolved; not watched: as the catalog has it.
        assert_eq!(
            spec_of(&c, "claude").map(|s| s.kind),
            Some(Kind::Statuspage)
        );
        let gh = spec_of(&c, "github-copilot").expect("catalog entry");
        assert!(!gh.components.is_empty());
        assert!(spec_of(&c, "nope").is_none());
    }

    #[test]
    fn exports_are_stamped_and_typed_by_format() {
        use chrono::TimeZone;
        let now = Utc
            .with_ymd_and_hms(2026, 12, 6, 10, 0, 0)
            .single()
            .expect("a time");
        let csv = export(&[], ExportFormat::Csv, now);
        assert_eq!(csv.file_name, "vigie-history-20261206-100000.csv");
        assert_eq!(csv.mime, "text/csv");
        assert_eq!(csv.text, crate::snapshot::history_csv(&[]));
        let json = export(&[], ExportFormat::Json, now);
        assert_eq!(json.file_name, "vigie-history-20261206-100000.json");
        assert_eq!(json.mime, "application/json");
        assert_eq!(json.text, "[]");
        assert_eq!(json.saved_to, None);
    }

    #[test]
    fn settings_reflect_catalog_and_own_pages() {
        let c = cfg("catalog = [\"claude\"]\n[[service]]\nid = \"mine\"\nkind = \"feed\"\nurl = \"http://127.0.0.1:9/f\"\n");
        let s = settings_of(&c, Path::new("c.toml"));
        let claude = s
            .services
            .iter()
            .find(|s| s.id == "claude")
            .expect("claude");
        assert!(claude.builtin && claude.enabled);
        assert!(
            !s.services
                .iter()
                .find(|s| s.id == "chatgpt")
                .expect("chatgpt")
                .enabled
        );
        let mine = s.services.last().expect("mine");
        assert_eq!(
            (mine.id.as_str(), mine.builtin, mine.enabled),
            ("mine", false, true)
        );
        assert_eq!(s.language, "system");
        assert_eq!(s.interval_secs, 60);
    }

    #[test]
    fn edits_keep_comments_and_round_trip() {
        let text = "# my config\ninterval = \"60s\" # poll\ncatalog = [\"claude\"]\n\n[notifications]\n# loud\nthreshold = \"degraded\"\n";
        let old = cfg(text);
        let p = Path::new("c.toml");
        let mut s = settings_of(&old, p);
        s.interval_secs = 300;
        s.language = "fr".into();
        for svc in &mut s.services {
            if svc.id == "chatgpt" {
                svc.enabled = true;
            }
            if svc.id == "claude" {
                svc.components = vec!["rwppv331jlwc".into()];
            }
        }
        s.notifications.threshold = Severity::PartialOutage;
        s.notifications.quiet_hours = Some("22:00-07:00".into());
        s.notifications.muted = vec!["claude".into()];
        let out = edit(text, &old, p, &s).expect("edit");
        assert!(
            out.starts_with("# my config\ninterval = \"5m\" # poll\n"),
            "{out}"
        );
        assert!(
            out.contains("# loud\nthreshold = \"partial_outage\""),
            "{out}"
        );
        let new = cfg(&out);
        assert_eq!(settings_of(&new, p), s, "{out}");
        // Nothing changed → same text.
        assert_eq!(edit(&out, &new, p, &s).expect("edit"), out);
    }

    #[test]
    fn disable_builtin_with_table_and_own_page() {
        let text = "catalog = []\n[[service]]\nid = \"claude\"\nurl = \"http://127.0.0.1:9\"\n[[service]]\nid = \"mine\"\nkind = \"feed\"\nurl = \"http://127.0.0.1:9/f\"\n";
        let old = cfg(text);
        let p = Path::new("c.toml");
        let mut s = settings_of(&old, p);
        for svc in &mut s.services {
            if svc.id == "claude" || svc.id == "mine" {
                svc.enabled = false;
            }
        }
        let out = edit(text, &old, p, &s).expect("edit");
        let new = cfg(&out);
        assert!(new.resolve().is_empty(), "{out}");
        assert_eq!(settings_of(&new, p), s);
    }

    #[test]
    fn save_refuses_invalid_and_never_writes_over_a_broken_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "interval = \"60s\"\n").expect("write");
        let mut s = settings_of(&config::load(&p).expect("load"), &p);
        s.notifications.quiet_hours = Some("25:00-99".into());
        assert!(save(&p, &s).is_err());
        s.notifications.quiet_hours = None;
        s.language = "de".into();
        assert!(save(&p, &s).is_err());
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "interval = \"60s\"\n"
        );

        std::fs::write(&p, "interval = 5 5\n").expect("write");
        s.language = "en".into();
        let e = save(&p, &s).expect_err("broken file");
        assert!(e.to_string().contains("syntax"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&p).expect("read"),
            "interval = 5 5\n"
        );
    }

    #[test]
    fn add_service_refuses_taken_ids() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("config.toml");
        let n = NewService {
            id: "mine".into(),
            name: "Mine <b>".into(),
            kind: Kind::Statuspage,
            url: "http://127.0.0.1:9".into(),
            components: vec![],
        };
        let c = add_service(&p, &n).expect("add");
        assert_eq!(c.services[0].name, "Mine <b>");
        assert!(add_service(&p, &n).is_err());
        assert_eq!(free_id(&c, "mine"), "mine-2");
        assert_eq!(free_id(&c, "claude"), "claude-2");
    }

    #[test]
    fn only_http_urls_are_safe() {
        assert_eq!(
            safe_http_url(" https://status.example.com/x ").as_deref(),
            Some("https://status.example.com/x")
        );
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "/relative",
            "http://",
            "vbscript:x",
        ] {
            assert_eq!(safe_http_url(bad), None, "{bad}");
        }
    }
}
