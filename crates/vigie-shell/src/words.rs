//! The tray's words: the menu's headline and service lines, the pause and snooze
//! lines. Pure functions of a [`Snapshot`] and a [`Lang`], so they are tested without a display;
//! the words themselves come from the one text table (`vigie_core::i18n`) that the notifications
//! use too.

use chrono::{DateTime, Utc};
use vigie_core::i18n::{fill, Lang};
use vigie_core::{ServiceState, Severity, Snapshot};

use crate::icon::IconState;

/// "Paused until 14:30".
pub fn paused_line(lang: Lang, until: DateTime<Utc>) -> String {
    fill(
        lang.texts().paused_until,
        &[("when", &lang.until_local(until))],
    )
}

/// "Claude snoozed until tomorrow 08:00" (the id when the service is no longer watched).
pub fn snooze_line(lang: Lang, snapshot: &Snapshot, id: &str, until: DateTime<Utc>) -> String {
    let name = snapshot
        .services
        .iter()
        .find(|s| s.id == id)
        .map_or(id, |s| s.name.as_str());
    fill(
        lang.texts().snoozed_until,
        &[("name", name), ("when", &lang.until_local(until))],
    )
}

pub fn icon_state(snapshot: &Snapshot) -> IconState {
    IconState::for_overall(snapshot.overall, snapshot.online)
}

/// When Vigie last heard from any page.
fn last_checked(snapshot: &Snapshot) -> Option<DateTime<Utc>> {
    snapshot.services.iter().filter_map(|s| s.checked_at).max()
}

fn freshness(snapshot: &Snapshot, now: DateTime<Utc>, lang: Lang) -> String {
    let t = lang.texts();
    match last_checked(snapshot) {
        Some(then) => fill(t.checked, &[("ago", &lang.ago(then, now))]),
        None => t.not_checked.into(),
    }
}

/// First menu line: overall + freshness.
pub fn headline(snapshot: &Snapshot, now: DateTime<Utc>, lang: Lang) -> String {
    let t = lang.texts();
    let what = if !snapshot.online {
        t.offline_headline
    } else {
        match snapshot.overall {
            Severity::Operational => t.all_operational,
            Severity::Unknown if snapshot.services.is_empty() => t.no_service,
            Severity::Unknown => t.status_unavailable,
            s => lang.severity(s),
        }
    };
    let fresh = freshness(snapshot, now, lang);
    fill(t.headline, &[("what", what), ("fresh", &fresh)])
}

/// The short reason of a config error, so the line says "misconfigured" (and why), never
/// "unavailable": `components = ["typo"] matches none of the page's 11 components` (the list of
/// real components that follows is for the window and `vigie check`).
fn misconfigured(s: &ServiceState) -> Option<&str> {
    let why = s.config_error.as_deref()?;
    Some(why.split_once(": ").map_or(why, |(short, _)| short))
}

/// One disabled menu line per service: shape symbol, name, status, and page-wide notices (which
/// never colour the service, so they are said in words).
pub fn service_line(s: &ServiceState, lang: Lang) -> String {
    let t = lang.texts();
    if let Some(why) = misconfigured(s).filter(|_| s.status == Severity::Unknown) {
        let why = vigie_core::policy::truncate(why, 80);
        return format!(
            "{} {} — {}",
            IconState::Unknown.symbol(),
            s.name,
            fill(t.misconfigured, &[("why", &why)])
        );
    }
    if !s.reachable {
        let last = match s.status {
            Severity::Unknown => String::new(),
            st => fill(t.last_known, &[("status", lang.severity(st))]),
        };
        return format!(
            "{} {} — {}{last}{}",
            IconState::Unknown.symbol(),
            s.name,
            t.unavailable,
            side_notes(s, lang)
        );
    }
    let sym = IconState::for_overall(s.status, true).symbol();
    let notices = match s.notices.len() {
        0 => String::new(),
        n => lang.count(n, t.notices),
    };
    format!(
        "{sym} {} — {}{notices}{}",
        s.name,
        lang.severity(s.status),
        side_notes(s, lang)
    )
}

/// What never changes a service's colour, said in words: the probe's problem (with its own glyph,
/// ⚑) and the providers it is built on that have one.
fn side_notes(s: &ServiceState, lang: Lang) -> String {
    use vigie_core::snapshot::ProbeProblem;
    let t = lang.texts();
    let mut out = String::new();
    match s.probe.as_ref().and_then(|p| p.problem) {
        Some(ProbeProblem::Unconfirmed) => out.push_str(&format!(" · ⚑ {}", t.seen_unconfirmed)),
        Some(ProbeProblem::Confirmed) => out.push_str(&format!(" · ⚑ {}", t.seen_confirmed)),
        None => {}
    }
    if !s.upstream.is_empty() {
        let list: Vec<String> = s
            .upstream
            .iter()
            .map(|u| format!("{}, {}", u.name, lang.severity(u.status)))
            .collect();
        out.push_str(&fill(t.may_be_affected, &[("list", &list.join("; "))]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Local, TimeZone};
    use vigie_core::Kind;

    fn t(min_ago: i64) -> DateTime<Utc> {
        now() - chrono::Duration::minutes(min_ago)
    }
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 4, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn svc(name: &str, status: Severity, reachable: bool, since: Option<i64>) -> ServiceState {
        ServiceState {
            status,
            reachable,
            since: since.map(t),
            checked_at: Some(t(0)),
            ..ServiceState::unread(&vigie_core::ServiceSpec::new(
                name.to_lowercase(),
                name,
                Kind::Statuspage,
                "",
            ))
        }
    }

    #[test]
    fn words() {
        let s = Snapshot::new(
            now(),
            true,
            vec![
                svc("ChatGPT", Severity::MajorOutage, true, Some(12)),
                svc("Claude", Severity::Operational, true, None),
                svc("Sora", Severity::Degraded, false, None),
            ],
        );
        assert_eq!(
            headline(&s, now(), Lang::En),
            "Vigie: major outage · checked just now"
        );
        assert_eq!(
            service_line(&s.services[0], Lang::En),
            "✖ ChatGPT — major outage"
        );
        assert_eq!(
            service_line(&s.services[2], Lang::En),
            "⊘ Sora — unavailable (last known: degraded)"
        );

        let off = Snapshot {
            online: false,
            ..s.clone()
        };
        assert!(headline(&off, now(), Lang::En).starts_with("Vigie: offline"));
        assert_eq!(icon_state(&off), IconState::Unknown);

        let ok = Snapshot::new(
            now(),
            true,
            vec![svc("Claude", Severity::Operational, true, None)],
        );
        assert_eq!(
            headline(&ok, now(), Lang::En),
            "Vigie: all operational · checked just now"
        );
    }

    #[test]
    fn page_wide_notices_and_config_errors_are_said_on_the_service_line() {
        let notice = vigie_core::Incident {
            id: "n1".into(),
            kind: vigie_core::IncidentKind::Incident,
            title: "Disruption with some GitHub services".into(),
            status: "investigating".into(),
            impact: Severity::Degraded,
            started_at: None,
            resolved_at: None,
            url: None,
            components: vec![],
            updates: vec![],
        };
        let mut s = svc("GitHub Copilot", Severity::Operational, true, None);
        s.notices = vec![notice.clone()];
        assert_eq!(
            service_line(&s, Lang::En),
            "● GitHub Copilot — operational · page-wide notice"
        );
        s.notices.push(notice);
        assert_eq!(
            service_line(&s, Lang::En),
            "● GitHub Copilot — operational · 2 page-wide notices"
        );

        // The core's error for a filter that matches nothing: the short reason, not "unavailable".
        let mut bad = svc("GitHub", Severity::Unknown, false, None);
        bad.config_error = Some(
            "components = [\"typo\"] matches none of the page's 11 components: \"8l4ygp009s5s\" \
             (Git Operations), …"
                .into(),
        );
        assert_eq!(
            service_line(&bad, Lang::En),
            "⊘ GitHub — misconfigured: components = [\"typo\"] matches none of the page's 11 components"
        );
        // Any other error (no config reason) keeps the usual words.
        bad.error = Some("http://127.0.0.1:1/: HTTP 503".into());
        bad.config_error = None;
        assert_eq!(service_line(&bad, Lang::En), "⊘ GitHub — unavailable");
    }

    /// A service it is built on, in partial outage.
    fn claude_api_partial_outage() -> Vec<vigie_core::snapshot::Upstream> {
        vec![vigie_core::snapshot::Upstream {
            id: "claude-api".into(),
            name: "Claude API".into(),
            status: Severity::PartialOutage,
        }]
    }

    #[test]
    fn built_on_and_probe_problems_are_said_without_changing_the_shape() {
        let mut s = svc("Cursor", Severity::Operational, true, None);
        s.upstream = claude_api_partial_outage();
        assert_eq!(
            service_line(&s, Lang::En),
            "● Cursor — operational · may be affected: Claude API, partial outage"
        );
        s.upstream.clear();
        s.probe = Some(vigie_core::snapshot::ProbeState {
            url: "https://api.openai.com/v1/models".into(),
            ok: false,
            http_status: Some(503),
            latency_ms: Some(12),
            failures: 2,
            problem: Some(vigie_core::snapshot::ProbeProblem::Unconfirmed),
            error: None,
            checked_at: None,
        });
        assert_eq!(
            service_line(&s, Lang::En),
            "● Cursor — operational · ⚑ problems seen from here, not confirmed"
        );
    }

    #[test]
    fn french_words() {
        let fr = Lang::Fr;
        let mut s = Snapshot::new(
            now(),
            true,
            vec![
                svc("ChatGPT", Severity::MajorOutage, true, Some(12)),
                svc("Claude", Severity::Operational, true, None),
                svc("Sora", Severity::Degraded, false, None),
                svc("Codex", Severity::Unknown, false, None),
            ],
        );
        assert_eq!(
            headline(&s, now(), fr),
            "Vigie : panne majeure · vérifié à l’instant"
        );
        assert_eq!(
            service_line(&s.services[0], fr),
            "✖ ChatGPT — panne majeure"
        );
        assert_eq!(
            service_line(&s.services[2], fr),
            "⊘ Sora — indisponible (dernier état connu : dégradé)"
        );
        s.services.truncate(2);
        s.services[0].status = Severity::Operational;
        let ok = Snapshot::new(now(), true, s.services.clone());
        assert_eq!(
            headline(&ok, now(), fr),
            "Vigie : tout est opérationnel · vérifié à l’instant"
        );
        let mut cursor = svc("Cursor", Severity::Operational, true, None);
        cursor.upstream = claude_api_partial_outage();
        assert_eq!(
            service_line(&cursor, fr),
            "● Cursor — opérationnel · peut être affecté : Claude API, panne partielle"
        );
    }

    #[test]
    fn pause_and_snooze_lines() {
        let s = Snapshot::new(
            now(),
            true,
            vec![svc("Claude", Severity::Operational, true, None)],
        );
        // Far enough to be another day in any time zone: a weekday and the time.
        let until = now() + chrono::Duration::days(3);
        let line = snooze_line(Lang::En, &s, "claude", until);
        assert!(line.starts_with("Claude snoozed until "), "{line}");
        let line = snooze_line(Lang::Fr, &s, "gone", until);
        assert!(line.starts_with("gone en silence jusqu’à "), "{line}");
        let line = paused_line(Lang::En, until);
        assert!(line.starts_with("Paused until "), "{line}");
        assert!(line.ends_with(&until.with_timezone(&Local).format("%H:%M").to_string()));
    }
}
