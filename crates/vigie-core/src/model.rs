//! The status model every platform parser produces and every consumer (CLI, tray, store) reads.
//!
//! `Severity` is ordered so that "worst" is `max()`. `Unknown` sorts *below* `Operational`: a page we
//! cannot read must never win the roll-up and turn the tray red — it reads "unavailable", not "down".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How bad a service, component or incident is. Ordered: `Unknown < Operational < … < MajorOutage`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// No reading: fetch failed, blocked by a CDN, page gone. Never counted as an outage.
    #[default]
    Unknown,
    Operational,
    Maintenance,
    Degraded,
    PartialOutage,
    MajorOutage,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Unknown,
        Severity::Operational,
        Severity::Maintenance,
        Severity::Degraded,
        Severity::PartialOutage,
        Severity::MajorOutage,
    ];

    /// The wire word (`partial_outage`), as in the CLI's JSON and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Operational => "operational",
            Severity::Maintenance => "maintenance",
            Severity::Degraded => "degraded",
            Severity::PartialOutage => "partial_outage",
            Severity::MajorOutage => "major_outage",
        }
    }

    /// Words for people ("partial outage").
    pub fn label(self) -> &'static str {
        match self {
            Severity::Unknown => "unavailable",
            Severity::Operational => "operational",
            Severity::Maintenance => "maintenance",
            Severity::Degraded => "degraded",
            Severity::PartialOutage => "partial outage",
            Severity::MajorOutage => "major outage",
        }
    }

    pub fn parse(word: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Is this a problem (worse than operational, maintenance excluded)?
    pub fn is_problem(self) -> bool {
        self >= Severity::Degraded
    }

    /// Statuspage-style component words, shared by Statuspage, incident.io, Flashduty, Better Stack and
    /// Instatus (lower-cased). Unknown words give `None` so callers can say what they did not understand.
    pub fn from_component_word(word: &str) -> Option<Severity> {
        let w = word.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match w.as_str() {
            "operational" | "up" | "available" | "resolved" => Severity::Operational,
            "under_maintenance" | "undermaintenance" | "maintenance" | "in_maintenance" => {
                Severity::Maintenance
            }
            "degraded_performance" | "degradedperformance" | "degraded" => Severity::Degraded,
            "partial_outage" | "partialoutage" | "minoroutage" | "minor_outage" => {
                Severity::PartialOutage
            }
            "major_outage" | "majoroutage" | "full_outage" | "downtime" | "outage" => {
                Severity::MajorOutage
            }
            _ => return None,
        })
    }

    /// Statuspage page indicator / incident impact words: none, minor, major, critical, maintenance.
    pub fn from_impact_word(word: &str) -> Option<Severity> {
        Some(match word.trim().to_ascii_lowercase().as_str() {
            "none" => Severity::Operational,
            "maintenance" => Severity::Maintenance,
            "minor" => Severity::Degraded,
            "major" => Severity::PartialOutage,
            "critical" => Severity::MajorOutage,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One component of a status page. Keyed by `id`, never by name (OpenAI has two "Login").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Component {
    pub id: String,
    pub name: String,
    /// Group name, when the page groups components.
    pub group: Option<String>,
    pub status: Severity,
}

/// One update of an incident, as the provider wrote it (plain text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentUpdate {
    pub at: Option<DateTime<Utc>>,
    /// Lower-case lifecycle word: investigating, identified, monitoring, resolved, … or the platform's own.
    pub status: String,
    pub text: String,
}

/// Whether an incident is an unplanned problem or planned maintenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    #[default]
    Incident,
    Maintenance,
}

impl IncidentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Incident => "incident",
            IncidentKind::Maintenance => "maintenance",
        }
    }
}

/// An incident or maintenance, active or from history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    /// The provider's id (guid for feeds). Unique per service.
    pub id: String,
    pub kind: IncidentKind,
    pub title: String,
    /// Lower-case lifecycle word (see `IncidentUpdate::status`).
    pub status: String,
    /// How bad the provider says it is. `Operational` for informational notices.
    pub impact: Severity,
    pub started_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub url: Option<String>,
    /// Ids of the components it affects, when the page says (empty = not said).
    pub components: Vec<String>,
    /// Oldest first.
    pub updates: Vec<IncidentUpdate>,
}

impl Incident {
    /// Closed incidents and completed maintenances never make a service look down.
    pub fn is_resolved(&self) -> bool {
        self.resolved_at.is_some() || is_closed_word(&self.status)
    }

    /// The provider's most recent words.
    pub fn latest_update(&self) -> Option<&IncidentUpdate> {
        self.updates.iter().max_by_key(|u| u.at)
    }
}

/// A stored incident with the service it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredIncident {
    pub service: String,
    #[serde(flatten)]
    pub incident: Incident,
}

/// Lifecycle words that mean "over".
pub fn is_closed_word(word: &str) -> bool {
    matches!(
        word.trim().to_ascii_lowercase().as_str(),
        "resolved"
            | "postmortem"
            | "completed"
            | "complete"
            | "maintenance_complete"
            | "closed"
            | "available"
            | "ended_unwatched"
    )
}

/// What one successful read of a page says about one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Reading {
    pub status: Severity,
    pub components: Vec<Component>,
    /// Active incidents and in-progress maintenances that concern the service.
    pub incidents: Vec<Incident>,
    /// Open incidents that name no component, on a service that watches only some components: they
    /// may or may not concern it, so they are shown as page-wide notices and never colour it.
    #[serde(default)]
    pub notices: Vec<Incident>,
    /// Closed incidents the same payload carries (feeds, Google Cloud, Instatus, Better Stack list
    /// past incidents beside the current ones): stored as history, never counted in the status.
    #[serde(default)]
    pub past: Vec<Incident>,
    /// A short note from the parser (e.g. "Ollama 0.12.6, 3 models").
    pub note: Option<String>,
}
