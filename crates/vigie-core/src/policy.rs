//! Notification policy: the events of one poll cycle → the desktop notifications to show.
//!
//! Pure (no I/O, no clock: `now` and the local UTC offset are passed in) so every rule is a row in
//! a table test, and the tray app only has to hand the result to the desktop. The rules:
//! * nothing when notifications are disabled or paused; muted and snoozed services never notify;
//! * a status change to a status at or above the threshold notifies; changes of one cycle that share
//!   the new status are coalesced into one notice ("ChatGPT and Codex: partial outage");
//! * back to operational after any problem that was told is a recovery (if `recovery`), even when
//!   it came down through steps below the threshold; recoveries held back by quiet hours are told
//!   in one notice when quiet hours end (this is why the policy keeps a [`Memory`]);
//! * a page-wide notice (an incident that names no component, on a service that watches only some)
//!   only with `page_wide` on; a local model server that stops only with `local_stopped` on;
//! * maintenance start/end only with `maintenance` on; provider incident updates only with `updates`
//!   on (opt-in: they are chatty);
//! * during quiet hours only major outages get through;
//! * never for `Unreachable`/`Reachable`: a page we could not read is not an outage (the engine
//!   raises no events at all when offline or on the first reading).
//!
//! A status change *to* `maintenance` is left to the `MaintenanceStarted` event of the same cycle,
//! so maintenance is told once; this is also why the threshold is never lower than `degraded`.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Notifications;
use crate::holds::Holds;
use crate::i18n::{fill, Lang};
use crate::model::{Incident, IncidentKind, Severity};
use crate::platform::Kind;
use crate::snapshot::{ServiceState, Snapshot};
use crate::transitions::{Change, Event};

/// How loudly to tell (maps to the freedesktop urgency hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Low,
    Normal,
    Critical,
}

impl Urgency {
    /// Problems map by severity; anything better than degraded (recoveries, maintenance) is low.
    pub fn for_status(s: Severity) -> Urgency {
        match s {
            Severity::MajorOutage => Urgency::Critical,
            Severity::PartialOutage | Severity::Degraded => Urgency::Normal,
            _ => Urgency::Low,
        }
    }
}

/// One desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub summary: String,
    pub body: String,
    pub urgency: Urgency,
    /// The services it is about, in snapshot order.
    pub service_ids: Vec<String>,
    /// The incident to open when clicked: (service id, incident id).
    pub incident: Option<(String, String)>,
}

/// The user's transient choices and the clock.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub now: DateTime<Utc>,
    /// Local time = UTC + this many minutes (for quiet hours).
    pub local_offset_minutes: i32,
    /// "Pause notifications" and per-service snoozes (ended ones hold nothing).
    pub holds: Holds,
    /// The language of the notices' words.
    pub lang: Lang,
}

impl Context {
    pub fn paused(&self) -> bool {
        self.holds.paused_until.is_some_and(|t| t > self.now)
    }

    fn snoozed(&self, service: &str) -> bool {
        self.holds
            .snoozed
            .get(service)
            .is_some_and(|t| *t > self.now)
    }

    /// Is `now` inside the local-time window `(start, end)` (minutes since midnight; may wrap)?
    pub fn in_quiet_hours(&self, window: Option<(u32, u32)>) -> bool {
        let Some((start, end)) = window else {
            return false;
        };
        let local = self.now + Duration::minutes(i64::from(self.local_offset_minutes));
        let m = local.hour() * 60 + local.minute();
        match start.cmp(&end) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => start <= m && m < end,
            std::cmp::Ordering::Greater => m >= start || m < end,
        }
    }
}

/// What the policy remembers between cycles; the shell keeps one for the life of the process.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// Services whose problem was told and whose recovery was not yet.
    told_down: HashSet<String>,
    /// Recoveries held back by quiet hours, told together when they end.
    held: Vec<String>,
}

/// Longest provider text put in a body, in characters.
pub const TEXT_MAX: usize = 200;

/// Decide what to tell about one cycle. `snapshot` is the state after the cycle. The steps, in
/// the order notices are shown: problems, recoveries held by quiet hours, recoveries, then the
/// opt-in kinds (maintenance, incident updates, page-wide notices, a local server stopping).
pub fn notices(
    events: &[Event],
    snapshot: &Snapshot,
    cfg: &Notifications,
    ctx: &Context,
    memory: &mut Memory,
) -> Vec<Notice> {
    if !cfg.enabled || ctx.paused() {
        // Nothing is told, but a service back to operational has no told problem any more.
        forget_recovered(events, memory);
        return Vec::new();
    }
    let round = Round::new(events, snapshot, cfg, ctx);
    // Recoveries of muted or snoozed services are not told either: forget their problems too.
    forget_recovered(round.left_out.iter().copied(), memory);
    let (down, mut recovered) = round.status_moves(memory);
    let mut told: HashSet<&str> = HashSet::new();
    let mut out = round.problems(&down, memory, &mut told);
    out.extend(round.held_recoveries(&mut recovered, memory));
    out.extend(round.recoveries(&recovered, &mut told));
    if !round.quiet {
        out.extend(round.opt_in(&told));
    }
    out
}

/// Services back to operational are no longer "told down" (their problem is over).
fn forget_recovered<'e>(events: impl IntoIterator<Item = &'e Event>, memory: &mut Memory) {
    for e in events {
        if let Change::StatusChanged {
            to: Severity::Operational,
            ..
        } = e.change
        {
            memory.told_down.remove(&e.service);
        }
    }
}

/// A new status at or above the threshold: (to, from, event).
type Down<'a> = (Severity, Severity, &'a Event);

/// One cycle's inputs, with what every step needs.
struct Round<'a> {
    events: Vec<&'a Event>,
    /// The events of muted and snoozed services.
    left_out: Vec<&'a Event>,
    snapshot: &'a Snapshot,
    cfg: &'a Notifications,
    threshold: Severity,
    quiet: bool,
    lang: Lang,
}

impl<'a> Round<'a> {
    /// Muted and snoozed services are out of the round from the start.
    fn new(
        events: &'a [Event],
        snapshot: &'a Snapshot,
        cfg: &'a Notifications,
        ctx: &Context,
    ) -> Round<'a> {
        let muted: HashSet<&str> = cfg.muted.iter().map(String::as_str).collect();
        let (events, left_out) = events
            .iter()
            .partition(|e| !muted.contains(e.service.as_str()) && !ctx.snoozed(&e.service));
        Round {
            events,
            left_out,
            snapshot,
            cfg,
            threshold: cfg.threshold.max(Severity::Degraded),
            quiet: ctx.in_quiet_hours(cfg.quiet_hours),
            lang: ctx.lang,
        }
    }

    /// Snapshot order, so notices list services as the menu does.
    fn order(&self, id: &str) -> usize {
        self.snapshot
            .services
            .iter()
            .position(|s| s.id == id)
            .unwrap_or(usize::MAX)
    }

    fn name_of(&self, e: &Event) -> String {
        state(self.snapshot, &e.service)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| e.name.clone())
    }

    /// Status changes, the last one per service winning (a cycle normally has at most one): new
    /// problems at or above the threshold, and recoveries — back to operational after a problem
    /// at or above the threshold, or after any problem that was told.
    fn status_moves(&self, memory: &Memory) -> (Vec<Down<'a>>, Vec<&'a Event>) {
        let mut down: Vec<Down<'a>> = Vec::new();
        let mut recovered: Vec<&'a Event> = Vec::new();
        for e in &self.events {
            if let Change::StatusChanged { from, to } = e.change {
                down.retain(|(_, _, d)| d.service != e.service);
                recovered.retain(|d| d.service != e.service);
                if to >= self.threshold {
                    down.push((to, from, e));
                } else if to == Severity::Operational
                    && (from >= self.threshold || memory.told_down.contains(&e.service))
                {
                    recovered.push(e);
                }
            }
        }
        (down, recovered)
    }

    /// Problems, worst first, one notice per new status; during quiet hours major outages only.
    fn problems(
        &self,
        down: &[Down<'a>],
        memory: &mut Memory,
        told: &mut HashSet<&'a str>,
    ) -> Vec<Notice> {
        let mut statuses: Vec<Severity> = down.iter().map(|(s, _, _)| *s).collect();
        statuses.sort_by_key(|s| std::cmp::Reverse(*s));
        statuses.dedup();
        let down_ids: HashSet<&str> = down.iter().map(|(_, _, e)| e.service.as_str()).collect();
        let mut out = Vec::new();
        for status in statuses {
            if self.quiet && status != Severity::MajorOutage {
                continue;
            }
            let mut group: Vec<(Severity, &'a Event)> = down
                .iter()
                .filter(|(s, _, _)| *s == status)
                .map(|(_, from, e)| (*from, *e))
                .collect();
            group.sort_by_key(|(_, e)| self.order(&e.service));
            out.push(self.problem(status, &group, &down_ids));
            told.extend(group.iter().map(|(_, e)| e.service.as_str()));
            memory
                .told_down
                .extend(group.iter().map(|(_, e)| e.service.clone()));
        }
        out
    }

    /// One problem notice: the provider's words for each service (once per distinct text), or
    /// where it came from, then which other watched services still work.
    fn problem(
        &self,
        status: Severity,
        group: &[(Severity, &Event)],
        down_ids: &HashSet<&str>,
    ) -> Notice {
        let names: Vec<String> = group.iter().map(|(_, e)| self.name_of(e)).collect();
        let mut lines: Vec<String> = Vec::new();
        let mut seen_text = HashSet::new();
        let mut incident = None;
        for (from, e) in group {
            let inc = state(self.snapshot, &e.service).and_then(worst_incident);
            if let Some(i) = inc {
                if incident.is_none() {
                    incident = Some((e.service.clone(), i.id.clone()));
                }
                let text = describe(i);
                if seen_text.insert(text.clone()) {
                    lines.push(if group.len() > 1 {
                        self.lang.about(&self.name_of(e), &text)
                    } else {
                        text
                    });
                }
            } else if *from > status && *from >= self.threshold && group.len() == 1 {
                let was = self.lang.severity(*from);
                lines.push(fill(self.lang.texts().improved_from, &[("status", was)]));
            }
        }
        let affected = affected(self.snapshot, down_ids);
        if !affected.is_empty() {
            let names = self.lang.join(&affected);
            lines.push(fill(self.lang.texts().may_affect, &[("names", &names)]));
        }
        if let Some(alt) = alternatives(self.snapshot, down_ids, self.lang) {
            lines.push(alt);
        }
        Notice {
            summary: self
                .lang
                .about(&self.lang.join(&names), self.lang.severity(status)),
            body: lines.join("\n"),
            urgency: Urgency::for_status(status),
            service_ids: group.iter().map(|(_, e)| e.service.clone()).collect(),
            incident,
        }
    }

    /// Recoveries during quiet hours are held; once they end, one notice tells those still fine.
    fn held_recoveries(&self, recovered: &mut [&'a Event], memory: &mut Memory) -> Option<Notice> {
        for e in recovered.iter() {
            memory.told_down.remove(&e.service);
        }
        if self.quiet {
            if self.cfg.recovery {
                for e in recovered.iter() {
                    if !memory.held.contains(&e.service) {
                        memory.held.push(e.service.clone());
                    }
                }
            }
            return None;
        }
        let mut held: Vec<String> = std::mem::take(&mut memory.held)
            .into_iter()
            .filter(|id| {
                state(self.snapshot, id).is_some_and(|s| s.status == Severity::Operational)
                    && !recovered.iter().any(|e| &e.service == id)
            })
            .collect();
        if !self.cfg.recovery || held.is_empty() {
            return None;
        }
        held.sort_by_key(|id| self.order(id));
        let names: Vec<String> = held
            .iter()
            .filter_map(|id| state(self.snapshot, id).map(|s| s.name.clone()))
            .collect();
        let t = self.lang.texts();
        Some(Notice {
            summary: self.recovered(&names),
            body: self.lang.count(names.len(), t.recovered_quiet),
            urgency: Urgency::Low,
            service_ids: held,
            incident: None,
        })
    }

    /// This cycle's recoveries, coalesced, with the provider's closing words when it wrote some.
    fn recoveries(&self, recovered: &[&'a Event], told: &mut HashSet<&'a str>) -> Option<Notice> {
        if !self.cfg.recovery || self.quiet || recovered.is_empty() {
            return None;
        }
        let mut recovered = recovered.to_vec();
        recovered.sort_by_key(|e| self.order(&e.service));
        let names: Vec<String> = recovered.iter().map(|e| self.name_of(e)).collect();
        let closing = recovered.iter().find_map(|e| {
            self.events.iter().find_map(|x| match &x.change {
                Change::IncidentResolved { incident } if x.service == e.service => {
                    Some((e.service.clone(), incident))
                }
                _ => None,
            })
        });
        // An incident that merely vanished from the page still carries its old "investigating"
        // text, which would mislead: only real closing words are quoted.
        let body = closing
            .as_ref()
            .filter(|(_, i)| {
                i.latest_update()
                    .is_some_and(|u| crate::model::is_closed_word(&u.status))
            })
            .map(|(_, i)| describe(i))
            .unwrap_or_else(|| {
                let t = self.lang.texts();
                if names.len() == 1 {
                    t.back_one
                } else {
                    t.back_all
                }
                .to_string()
            });
        told.extend(recovered.iter().map(|e| e.service.as_str()));
        Some(Notice {
            summary: self.recovered(&names),
            body,
            urgency: Urgency::Low,
            service_ids: recovered.iter().map(|e| e.service.clone()).collect(),
            incident: closing.map(|(s, i)| (s, i.id.clone())),
        })
    }

    /// "OpenAI API: problems seen from here, not confirmed" (opt-in: a local network problem looks
    /// the same from here).
    fn seen_from_here(&self, e: &Event, name: &str, detail: &str) -> Notice {
        let official = state(self.snapshot, &e.service).map_or(Severity::Unknown, |s| s.status);
        let page = self.lang.severity(official);
        let t = self.lang.texts();
        let what = t.seen_unconfirmed;
        let body = fill(t.seen_body, &[("detail", detail), ("page", page)]);
        Notice {
            summary: self.lang.about(name, what),
            body,
            urgency: Urgency::Normal,
            service_ids: vec![e.service.clone()],
            incident: None,
        }
    }

    /// "Claude: recovered", "ChatGPT et Codex : rétablis".
    fn recovered(&self, names: &[String]) -> String {
        let word = self.lang.count(names.len(), self.lang.texts().recovered);
        self.lang.about(&self.lang.join(names), &word)
    }

    /// The kinds the user opts in to: maintenance, incident updates (not for services already told
    /// about this cycle), page-wide notices, a local model server that stopped.
    fn opt_in(&self, told: &HashSet<&str>) -> Vec<Notice> {
        let cfg = self.cfg;
        let t = self.lang.texts();
        let mut out = Vec::new();
        for e in &self.events {
            let name = self.name_of(e);
            let said = |what: &str| self.lang.about(&name, what);
            let about = |summary: String, incident: &Incident, urgency: Urgency| Notice {
                summary,
                body: describe(incident),
                urgency,
                service_ids: vec![e.service.clone()],
                incident: Some((e.service.clone(), incident.id.clone())),
            };
            let already = told.contains(e.service.as_str());
            let notice = match &e.change {
                Change::MaintenanceStarted { incident } if cfg.maintenance => {
                    Some(about(said(t.maintenance_started), incident, Urgency::Low))
                }
                Change::MaintenanceEnded { incident } if cfg.maintenance => {
                    Some(about(said(t.maintenance_ended), incident, Urgency::Low))
                }
                Change::IncidentOpened { incident } if cfg.updates && !already => Some(about(
                    said(t.new_incident),
                    incident,
                    Urgency::for_status(incident.impact).min(Urgency::Normal),
                )),
                Change::IncidentUpdated { incident } if cfg.updates => {
                    Some(about(said(t.incident_update), incident, Urgency::Low))
                }
                Change::IncidentResolved { incident } if cfg.updates && !already => {
                    Some(about(said(t.incident_resolved), incident, Urgency::Low))
                }
                Change::PageNotice { incident } if cfg.page_wide => Some(about(
                    said(t.page_wide_notice),
                    incident,
                    Urgency::for_status(incident.impact).min(Urgency::Normal),
                )),
                Change::SeenFromHere { detail } if cfg.local_probe => {
                    Some(self.seen_from_here(e, &name, detail))
                }
                Change::Unreachable { error }
                    if cfg.local_stopped
                        && state(self.snapshot, &e.service)
                            .is_some_and(|s| s.kind == Kind::Ollama) =>
                {
                    Some(Notice {
                        summary: said(t.not_running),
                        body: truncate(error, TEXT_MAX),
                        urgency: Urgency::Low,
                        service_ids: vec![e.service.clone()],
                        incident: None,
                    })
                }
                _ => None,
            };
            out.extend(notice);
        }
        out
    }
}

fn state<'a>(snapshot: &'a Snapshot, id: &str) -> Option<&'a ServiceState> {
    snapshot.services.iter().find(|s| s.id == id)
}

/// The active incident that best explains a problem: worst impact, then most recent.
fn worst_incident(s: &ServiceState) -> Option<&Incident> {
    s.incidents
        .iter()
        .filter(|i| i.kind == IncidentKind::Incident && !i.is_resolved())
        .max_by_key(|i| {
            (
                i.impact,
                i.latest_update().and_then(|u| u.at).or(i.started_at),
            )
        })
}

/// "Title — latest provider words" (truncated).
fn describe(i: &Incident) -> String {
    let text = i
        .latest_update()
        .map(|u| u.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    match text {
        Some(t) if t != i.title => format!("{} — {}", i.title, truncate(&t, TEXT_MAX)),
        _ => i.title.clone(),
    }
}

/// The watched tools built on a provider that is down (their `upstream` names it), in snapshot
/// order, themselves not down.
fn affected(snapshot: &Snapshot, down: &HashSet<&str>) -> Vec<String> {
    snapshot
        .services
        .iter()
        .filter(|s| !down.contains(s.id.as_str()))
        .filter(|s| s.upstream.iter().any(|u| down.contains(u.id.as_str())))
        .map(|s| s.name.clone())
        .collect()
}

/// "Claude and Gemini API (Google Cloud) are operational." — what still works (a tool built on a
/// provider that is down is not offered as working).
fn alternatives(snapshot: &Snapshot, down: &HashSet<&str>, lang: Lang) -> Option<String> {
    let ok: Vec<String> = snapshot
        .services
        .iter()
        .filter(|s| !down.contains(s.id.as_str()))
        .filter(|s| !s.upstream.iter().any(|u| down.contains(u.id.as_str())))
        .filter(|s| s.reachable && s.status == Severity::Operational)
        .map(|s| s.name.clone())
        .collect();
    if ok.is_empty() {
        return None;
    }
    let sentence = lang.count(ok.len(), lang.texts().still_ok);
    Some(fill(&sentence, &[("names", &lang.join(&ok))]))
}

/// "A", "A and B", "A, B and C".
pub fn join_names(names: &[String]) -> String {
    Lang::En.join(names)
}

/// At most `max` characters, cut at a word boundary when one is near, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(sp) if sp >= cut.len() * 3 / 4 => &cut[..sp],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IncidentUpdate;
    use crate::platform::Kind;
    use chrono::TimeZone;
    use Severity::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 4, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn inc(id: &str, kind: IncidentKind, impact: Severity, text: &str) -> Incident {
        Incident {
            id: id.into(),
            kind,
            title: format!("Title {id}"),
            status: "investigating".into(),
            impact,
            started_at: Some(t0()),
            resolved_at: None,
            url: None,
            components: vec![],
            updates: vec![IncidentUpdate {
                at: Some(t0()),
                status: "investigating".into(),
                text: text.into(),
            }],
        }
    }

    fn svc(id: &str, name: &str, status: Severity, reachable: bool) -> ServiceState {
        ServiceState {
            status,
            reachable,
            ..ServiceState::unread(&crate::ServiceSpec::new(
                id,
                name,
                Kind::Statuspage,
                format!("https://{id}.example"),
            ))
        }
    }

    fn ev(id: &str, name: &str, change: Change) -> Event {
        Event {
            service: id.into(),
            name: name.into(),
            at: t0(),
            change,
        }
    }

    fn st(id: &str, from: Severity, to: Severity) -> Event {
        let name = match id {
            "chatgpt" => "ChatGPT",
            "codex" => "Codex",
            "sora" => "Sora",
            "claude" => "Claude",
            "gemini" => "Gemini API (Google Cloud)",
            other => other,
        };
        ev(id, name, Change::StatusChanged { from, to })
    }

    /// ChatGPT, Codex, Sora, Claude, Gemini with the given statuses (None = unreachable).
    fn snap(statuses: [Option<Severity>; 5]) -> Snapshot {
        let ids = [
            ("chatgpt", "ChatGPT"),
            ("codex", "Codex"),
            ("sora", "Sora"),
            ("claude", "Claude"),
            ("gemini", "Gemini API (Google Cloud)"),
        ];
        let services = ids
            .iter()
            .zip(statuses)
            .map(|((id, name), s)| match s {
                Some(s) => svc(id, name, s, true),
                None => svc(id, name, Unknown, false),
            })
            .collect();
        Snapshot::new(t0(), true, services)
    }

    fn summaries(n: &[Notice]) -> Vec<String> {
        n.iter()
            .map(|n| format!("{} [{:?}]", n.summary, n.urgency))
            .collect()
    }

    const OK: Option<Severity> = Some(Operational);

    /// One cycle with no memory of earlier ones (most rules need none).
    fn notices(e: &[Event], s: &Snapshot, c: &Notifications, x: &Context) -> Vec<Notice> {
        super::notices(e, s, c, x, &mut Memory::default())
    }

    #[test]
    fn recovery_after_a_told_problem_even_through_steps_below_threshold() {
        let cfg = Notifications {
            threshold: PartialOutage,
            ..Notifications::default()
        };
        let ctx = Context {
            now: t0(),
            ..Context::default()
        };
        let mut mem = Memory::default();
        let mut cycle = |ev: Event, s: Option<Severity>| {
            summaries(&super::notices(
                &[ev],
                &snap([s, OK, OK, OK, OK]),
                &cfg,
                &ctx,
                &mut mem,
            ))
        };
        assert_eq!(
            cycle(st("chatgpt", Operational, MajorOutage), Some(MajorOutage)),
            ["ChatGPT: major outage [Critical]"]
        );
        // Down a step, below the threshold: nothing to tell yet.
        assert!(cycle(st("chatgpt", MajorOutage, Degraded), Some(Degraded)).is_empty());
        assert_eq!(
            cycle(st("chatgpt", Degraded, Operational), OK),
            ["ChatGPT: recovered [Low]"]
        );
        // A problem that was never told has no recovery either.
        assert!(cycle(st("chatgpt", Operational, Degraded), Some(Degraded)).is_empty());
        assert!(cycle(st("chatgpt", Degraded, Operational), OK).is_empty());
    }

    #[test]
    fn a_recovery_while_paused_or_muted_ends_the_told_problem() {
        let cfg = Notifications {
            threshold: PartialOutage,
            ..Notifications::default()
        };
        let ctx = Context {
            now: t0(),
            ..Context::default()
        };
        let paused = Context {
            holds: Holds {
                paused_until: Some(t0() + Duration::hours(1)),
                ..Holds::default()
            },
            ..ctx.clone()
        };
        let muted = Notifications {
            muted: vec!["chatgpt".into()],
            ..cfg.clone()
        };
        for (why, quiet_cfg, quiet_ctx) in [("paused", &cfg, &paused), ("muted", &muted, &ctx)] {
            let mut mem = Memory::default();
            let mut cycle = |ev: Event, s: Option<Severity>, c: &Notifications, x: &Context| {
                summaries(&super::notices(
                    &[ev],
                    &snap([s, OK, OK, OK, OK]),
                    c,
                    x,
                    &mut mem,
                ))
            };
            assert_eq!(
                cycle(
                    st("chatgpt", Operational, MajorOutage),
                    Some(MajorOutage),
                    &cfg,
                    &ctx
                )
                .len(),
                1
            );
            // It recovers while nothing is told.
            assert!(cycle(
                st("chatgpt", MajorOutage, Operational),
                OK,
                quiet_cfg,
                quiet_ctx
            )
            .is_empty());
            // Weeks later, a blip below the threshold: no recovery of a problem never told.
            assert!(cycle(
                st("chatgpt", Operational, Degraded),
                Some(Degraded),
                &cfg,
                &ctx
            )
            .is_empty());
            assert!(
                cycle(st("chatgpt", Degraded, Operational), OK, &cfg, &ctx).is_empty(),
                "{why}"
            );
        }
    }

    #[test]
    fn recoveries_held_by_quiet_hours_are_told_once_when_they_end() {
        let cfg = Notifications {
            quiet_hours: Some((11 * 60, 13 * 60)),
            ..Notifications::default()
        };
        let quiet = Context {
            now: t0(),
            ..Context::default()
        };
        let after = Context {
            now: t0() + Duration::hours(2),
            ..Context::default()
        };
        let mut mem = Memory::default();
        let down = snap([Some(MajorOutage), Some(MajorOutage), OK, OK, OK]);
        let got = super::notices(
            &[
                st("chatgpt", Operational, MajorOutage),
                st("codex", Operational, MajorOutage),
            ],
            &down,
            &cfg,
            &quiet,
            &mut mem,
        );
        assert_eq!(
            summaries(&got),
            ["ChatGPT and Codex: major outage [Critical]"]
        );
        let up = snap([OK, OK, OK, OK, OK]);
        let got = super::notices(
            &[
                st("chatgpt", MajorOutage, Operational),
                st("codex", MajorOutage, Operational),
            ],
            &up,
            &cfg,
            &quiet,
            &mut mem,
        );
        assert!(got.is_empty(), "held during quiet hours: {got:?}");
        assert!(super::notices(&[], &up, &cfg, &quiet, &mut mem).is_empty());
        let got = super::notices(&[], &up, &cfg, &after, &mut mem);
        assert_eq!(summaries(&got), ["ChatGPT and Codex: recovered [Low]"]);
        assert_eq!(got[0].body, "Recovered during quiet hours.");
        assert!(super::notices(&[], &up, &cfg, &after, &mut mem).is_empty());
    }

    #[test]
    fn page_wide_notices_and_local_server_stops_are_opt_in() {
        let ctx = Context {
            now: t0(),
            ..Context::default()
        };
        let mut s = snap([OK, OK, OK, OK, OK]);
        s.services[4].kind = Kind::Ollama;
        let events = [
            Event {
                service: "chatgpt".into(),
                name: "ChatGPT".into(),
                at: t0(),
                change: Change::PageNotice {
                    incident: inc("p", IncidentKind::Incident, Degraded, "Disruption"),
                },
            },
            Event {
                service: "gemini".into(),
                name: "Gemini API (Google Cloud)".into(),
                at: t0(),
                change: Change::Unreachable {
                    error: "not running".into(),
                },
            },
        ];
        assert!(notices(&events, &s, &Notifications::default(), &ctx).is_empty());
        let on = Notifications {
            page_wide: true,
            local_stopped: true,
            ..Notifications::default()
        };
        assert_eq!(
            summaries(&notices(&events, &s, &on, &ctx)),
            [
                "ChatGPT: page-wide notice [Normal]",
                "Gemini API (Google Cloud): not running [Low]"
            ]
        );
        // An unreachable status page is never told, opt-in or not.
        s.services[4].kind = Kind::Statuspage;
        assert_eq!(summaries(&notices(&events, &s, &on, &ctx)).len(), 1);
    }

    #[test]
    fn table() {
        let on = Notifications::default();
        let with = |f: &dyn Fn(&mut Notifications)| {
            let mut n = Notifications::default();
            f(&mut n);
            n
        };
        let ctx = Context {
            now: t0(),
            ..Context::default()
        };
        let maint = inc("m1", IncidentKind::Maintenance, Maintenance, "Upgrading");
        let incident = inc("i1", IncidentKind::Incident, MajorOutage, "We are looking");

        type Case = (
            &'static str,
            Vec<Event>,
            Snapshot,
            Notifications,
            Context,
            &'static [&'static str],
        );
        let cases: Vec<Case> = vec![
            (
                "one service down",
                vec![st("chatgpt", Operational, PartialOutage)],
                snap([Some(PartialOutage), OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &["ChatGPT: partial outage [Normal]"],
            ),
            (
                "two sharing a status coalesce",
                vec![
                    st("chatgpt", Operational, PartialOutage),
                    st("codex", Operational, PartialOutage),
                ],
                snap([Some(PartialOutage), Some(PartialOutage), OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &["ChatGPT and Codex: partial outage [Normal]"],
            ),
            (
                "three coalesce with commas, in snapshot order",
                vec![
                    st("sora", Operational, MajorOutage),
                    st("chatgpt", Operational, MajorOutage),
                    st("codex", Degraded, MajorOutage),
                ],
                snap([
                    Some(MajorOutage),
                    Some(MajorOutage),
                    Some(MajorOutage),
                    OK,
                    OK,
                ]),
                on.clone(),
                ctx.clone(),
                &["ChatGPT, Codex and Sora: major outage [Critical]"],
            ),
            (
                "different statuses: one notice each, worst first",
                vec![
                    st("chatgpt", Operational, Degraded),
                    st("claude", Operational, MajorOutage),
                ],
                snap([Some(Degraded), OK, OK, Some(MajorOutage), OK]),
                on.clone(),
                ctx.clone(),
                &[
                    "Claude: major outage [Critical]",
                    "ChatGPT: degraded [Normal]",
                ],
            ),
            (
                "below threshold stays silent",
                vec![st("chatgpt", Operational, Degraded)],
                snap([Some(Degraded), OK, OK, OK, OK]),
                with(&|n| n.threshold = PartialOutage),
                ctx.clone(),
                &[],
            ),
            (
                "worsening above threshold notifies",
                vec![st("chatgpt", PartialOutage, MajorOutage)],
                snap([Some(MajorOutage), OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &["ChatGPT: major outage [Critical]"],
            ),
            (
                "recovery",
                vec![st("claude", MajorOutage, Operational)],
                snap([OK, OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &["Claude: recovered [Low]"],
            ),
            (
                "recoveries coalesce",
                vec![
                    st("claude", Degraded, Operational),
                    st("chatgpt", PartialOutage, Operational),
                ],
                snap([OK, OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &["ChatGPT and Claude: recovered [Low]"],
            ),
            (
                "recovery off",
                vec![st("claude", MajorOutage, Operational)],
                snap([OK, OK, OK, OK, OK]),
                with(&|n| n.recovery = false),
                ctx.clone(),
                &[],
            ),
            (
                "recovery from below threshold is not news",
                vec![st("claude", Degraded, Operational)],
                snap([OK, OK, OK, OK, OK]),
                with(&|n| n.threshold = PartialOutage),
                ctx.clone(),
                &[],
            ),
            (
                "unreachable and reachable never notify",
                vec![
                    ev(
                        "chatgpt",
                        "ChatGPT",
                        Change::Unreachable {
                            error: "HTTP 503".into(),
                        },
                    ),
                    ev("claude", "Claude", Change::Reachable),
                ],
                snap([None, OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &[],
            ),
            (
                "disabled",
                vec![st("chatgpt", Operational, MajorOutage)],
                snap([Some(MajorOutage), OK, OK, OK, OK]),
                with(&|n| n.enabled = false),
                ctx.clone(),
                &[],
            ),
            (
                "paused",
                vec![st("chatgpt", Operational, MajorOutage)],
                snap([Some(MajorOutage), OK, OK, OK, OK]),
                on.clone(),
                Context {
                    holds: Holds {
                        paused_until: Some(t0() + Duration::hours(1)),
                        ..Holds::default()
                    },
                    ..ctx.clone()
                },
                &[],
            ),
            (
                "pause expired",
                vec![st("chatgpt", Operational, MajorOutage)],
                snap([Some(MajorOutage), OK, OK, OK, OK]),
                on.clone(),
                Context {
                    holds: Holds {
                        paused_until: Some(t0() - Duration::minutes(1)),
                        ..Holds::default()
                    },
                    ..ctx.clone()
                },
                &["ChatGPT: major outage [Critical]"],
            ),
            (
                "muted service never notifies, others still do",
                vec![
                    st("chatgpt", Operational, MajorOutage),
                    st("codex", Operational, MajorOutage),
                ],
                snap([Some(MajorOutage), Some(MajorOutage), OK, OK, OK]),
                with(&|n| n.muted = vec!["chatgpt".into()]),
                ctx.clone(),
                &["Codex: major outage [Critical]"],
            ),
            (
                "snoozed service never notifies",
                vec![st("chatgpt", MajorOutage, Operational)],
                snap([OK, OK, OK, OK, OK]),
                on.clone(),
                Context {
                    holds: Holds {
                        snoozed: [("chatgpt".into(), t0() + Duration::hours(2))].into(),
                        ..Holds::default()
                    },
                    ..ctx.clone()
                },
                &[],
            ),
            (
                "expired snooze notifies again",
                vec![st("chatgpt", Operational, Degraded)],
                snap([Some(Degraded), OK, OK, OK, OK]),
                on.clone(),
                Context {
                    holds: Holds {
                        snoozed: [("chatgpt".into(), t0())].into(),
                        ..Holds::default()
                    },
                    ..ctx.clone()
                },
                &["ChatGPT: degraded [Normal]"],
            ),
            (
                // 12:00 UTC + 660 min = 23:00 local, inside 22:00-07:00.
                "quiet hours: only major outages",
                vec![
                    st("chatgpt", Operational, PartialOutage),
                    st("claude", Operational, MajorOutage),
                    st("sora", MajorOutage, Operational),
                ],
                snap([Some(PartialOutage), OK, OK, Some(MajorOutage), OK]),
                with(&|n| n.quiet_hours = Some((22 * 60, 7 * 60))),
                Context {
                    local_offset_minutes: 660,
                    ..ctx.clone()
                },
                &["Claude: major outage [Critical]"],
            ),
            (
                // 12:00 UTC + 120 min = 14:00 local, outside 22:00-07:00.
                "outside quiet hours everything goes",
                vec![st("chatgpt", Operational, PartialOutage)],
                snap([Some(PartialOutage), OK, OK, OK, OK]),
                with(&|n| n.quiet_hours = Some((22 * 60, 7 * 60))),
                Context {
                    local_offset_minutes: 120,
                    ..ctx.clone()
                },
                &["ChatGPT: partial outage [Normal]"],
            ),
            (
                "maintenance off by default; the status change to maintenance is silent",
                vec![
                    st("chatgpt", Operational, Maintenance),
                    ev(
                        "chatgpt",
                        "ChatGPT",
                        Change::MaintenanceStarted {
                            incident: maint.clone(),
                        },
                    ),
                ],
                snap([Some(Maintenance), OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &[],
            ),
            (
                "maintenance on: start and end, told once",
                vec![
                    st("chatgpt", Operational, Maintenance),
                    ev(
                        "chatgpt",
                        "ChatGPT",
                        Change::MaintenanceStarted {
                            incident: maint.clone(),
                        },
                    ),
                    ev(
                        "claude",
                        "Claude",
                        Change::MaintenanceEnded {
                            incident: maint.clone(),
                        },
                    ),
                ],
                snap([Some(Maintenance), OK, OK, OK, OK]),
                with(&|n| n.maintenance = true),
                ctx.clone(),
                &[
                    "ChatGPT: maintenance started [Low]",
                    "Claude: maintenance ended [Low]",
                ],
            ),
            (
                "incident updates are opt-in",
                vec![ev(
                    "chatgpt",
                    "ChatGPT",
                    Change::IncidentUpdated {
                        incident: incident.clone(),
                    },
                )],
                snap([Some(MajorOutage), OK, OK, OK, OK]),
                on.clone(),
                ctx.clone(),
                &[],
            ),
            (
                "incident updates when asked; an opening told with its status change is not repeated",
                vec![
                    st("chatgpt", Operational, MajorOutage),
                    ev(
                        "chatgpt",
                        "ChatGPT",
                        Change::IncidentOpened {
                            incident: incident.clone(),
                        },
                    ),
                    ev(
                        "claude",
                        "Claude",
                        Change::IncidentUpdated {
                            incident: incident.clone(),
                        },
                    ),
                ],
                snap([Some(MajorOutage), OK, OK, OK, OK]),
                with(&|n| n.updates = true),
                ctx.clone(),
                &[
                    "ChatGPT: major outage [Critical]",
                    "Claude: incident update [Low]",
                ],
            ),
        ];
        for (name, events, snapshot, cfg, ctx, want) in cases {
            let got = summaries(&notices(&events, &snapshot, &cfg, &ctx));
            assert_eq!(got, want, "case: {name}");
        }
    }

    #[test]
    fn down_body_names_incident_and_alternatives() {
        let long = "word ".repeat(100);
        let mut s = snap([Some(MajorOutage), OK, None, OK, OK]);
        s.services[0].incidents = vec![
            inc("old", IncidentKind::Incident, Degraded, "minor thing"),
            inc("big", IncidentKind::Incident, MajorOutage, &long),
            inc("m", IncidentKind::Maintenance, Maintenance, "maint"),
        ];
        let n = notices(
            &[st("chatgpt", Operational, MajorOutage)],
            &s,
            &Notifications::default(),
            &Context {
                now: t0(),
                ..Context::default()
            },
        );
        assert_eq!(n.len(), 1);
        let n = &n[0];
        assert_eq!(n.incident, Some(("chatgpt".into(), "big".into())));
        assert_eq!(n.service_ids, vec!["chatgpt".to_string()]);
        let lines: Vec<&str> = n.body.lines().collect();
        assert_eq!(lines.len(), 2, "{}", n.body);
        assert!(
            lines[0].starts_with("Title big — word word"),
            "{}",
            lines[0]
        );
        assert!(lines[0].ends_with('…'));
        assert!(lines[0].chars().count() <= "Title big — ".len() + TEXT_MAX);
        // Sora is unreachable: not offered as an alternative.
        assert_eq!(
            lines[1],
            "Codex, Claude and Gemini API (Google Cloud) are operational."
        );
    }

    #[test]
    fn coalesced_body_prefixes_names_and_dedupes_shared_incident() {
        let shared = inc(
            "s",
            IncidentKind::Incident,
            PartialOutage,
            "Elevated errors",
        );
        let mut s = snap([
            Some(PartialOutage),
            Some(PartialOutage),
            OK,
            OK,
            Some(Degraded),
        ]);
        s.services[0].incidents = vec![shared.clone()];
        s.services[1].incidents = vec![shared];
        let n = notices(
            &[
                st("chatgpt", Operational, PartialOutage),
                st("codex", Operational, PartialOutage),
            ],
            &s,
            &Notifications::default(),
            &Context {
                now: t0(),
                ..Context::default()
            },
        );
        assert_eq!(n.len(), 1);
        assert_eq!(
            n[0].body,
            "ChatGPT: Title s — Elevated errors\nSora and Claude are operational."
        );
        assert_eq!(n[0].incident, Some(("chatgpt".into(), "s".into())));
    }

    #[test]
    fn recovery_body_uses_closing_words() {
        let mut closed = inc("i9", IncidentKind::Incident, MajorOutage, "All fixed now.");
        closed.resolved_at = Some(t0());
        closed.updates[0].status = "resolved".into();
        let n = notices(
            &[
                st("claude", MajorOutage, Operational),
                ev(
                    "claude",
                    "Claude",
                    Change::IncidentResolved { incident: closed },
                ),
            ],
            &snap([OK, OK, OK, OK, OK]),
            &Notifications::default(),
            &Context {
                now: t0(),
                ..Context::default()
            },
        );
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].summary, "Claude: recovered");
        assert_eq!(n[0].body, "Title i9 — All fixed now.");
        assert_eq!(n[0].incident, Some(("claude".into(), "i9".into())));
    }

    #[test]
    fn recovery_ignores_stale_words_of_a_vanished_incident() {
        let mut gone = inc("i8", IncidentKind::Incident, MajorOutage, "Investigating.");
        gone.resolved_at = Some(t0());
        let n = notices(
            &[
                st("claude", MajorOutage, Operational),
                ev(
                    "claude",
                    "Claude",
                    Change::IncidentResolved { incident: gone },
                ),
            ],
            &snap([OK, OK, OK, OK, OK]),
            &Notifications::default(),
            &Context {
                now: t0(),
                ..Context::default()
            },
        );
        assert_eq!(n[0].body, "Back to operational.");
        assert_eq!(n[0].incident, Some(("claude".into(), "i8".into())));
    }

    #[test]
    fn french_notices() {
        let fr = Context {
            now: t0(),
            lang: Lang::Fr,
            ..Context::default()
        };
        let cfg = Notifications::default();
        let n = notices(
            &[st("claude", Operational, MajorOutage)],
            &snap([OK, Some(Degraded), None, Some(MajorOutage), OK]),
            &cfg,
            &fr,
        );
        assert_eq!(summaries(&n), ["Claude : panne majeure [Critical]"]);
        assert_eq!(
            n[0].body,
            "ChatGPT et Gemini API (Google Cloud) sont opérationnels."
        );
        let n = notices(
            &[
                st("chatgpt", PartialOutage, Operational),
                st("claude", MajorOutage, Operational),
            ],
            &snap([OK, OK, OK, OK, OK]),
            &cfg,
            &fr,
        );
        assert_eq!(summaries(&n), ["ChatGPT et Claude : rétablis [Low]"]);
        assert_eq!(n[0].body, "Tous de nouveau opérationnels.");
        // One service left: singular words.
        let n = notices(
            &[st("codex", Operational, PartialOutage)],
            &snap([
                Some(Degraded),
                Some(PartialOutage),
                OK,
                Some(Degraded),
                None,
            ]),
            &cfg,
            &fr,
        );
        assert_eq!(n[0].summary, "Codex : panne partielle");
        assert_eq!(n[0].body, "Sora est opérationnel.");
    }

    #[test]
    fn provider_notice_names_the_tools_built_on_it() {
        // Codex and Gemini run on Claude (test data): Claude goes down; they stay green but are
        // named in Claude's notice and not offered as working alternatives.
        let mut s = snap([OK, OK, OK, Some(PartialOutage), OK]);
        for i in [1, 4] {
            s.services[i].upstream = vec![crate::snapshot::Upstream {
                id: "claude".into(),
                name: "Claude".into(),
                status: PartialOutage,
            }];
        }
        let ctx = Context {
            now: t0(),
            ..Context::default()
        };
        let cfg = Notifications::default();
        let n = notices(&[st("claude", Operational, PartialOutage)], &s, &cfg, &ctx);
        assert_eq!(summaries(&n), ["Claude: partial outage [Normal]"]);
        assert_eq!(
            n[0].body,
            "May affect Codex and Gemini API (Google Cloud).\nChatGPT and Sora are operational."
        );
        let fr = Context {
            lang: Lang::Fr,
            ..ctx.clone()
        };
        let n = notices(&[st("claude", Operational, PartialOutage)], &s, &cfg, &fr);
        assert!(
            n[0].body
                .starts_with("Peut affecter Codex et Gemini API (Google Cloud)."),
            "{}",
            n[0].body
        );
        // Nothing built on the provider: no such line.
        let plain = snap([OK, OK, OK, Some(PartialOutage), OK]);
        let n = notices(
            &[st("claude", Operational, PartialOutage)],
            &plain,
            &cfg,
            &ctx,
        );
        assert!(!n[0].body.contains("May affect"), "{}", n[0].body);
    }

    #[test]
    fn problems_seen_from_here_are_opt_in() {
        let s = snap([OK, OK, OK, OK, OK]);
        let seen = [ev(
            "codex",
            "Codex",
            Change::SeenFromHere {
                detail: "2 failures in a row on api.openai.com (HTTP 503)".into(),
            },
        )];
        let ctx = Context {
            now: t0(),
            ..Context::default()
        };
        let off = Notifications::default();
        assert!(notices(&seen, &s, &off, &ctx).is_empty());
        let on = Notifications {
            local_probe: true,
            ..Notifications::default()
        };
        let n = notices(&seen, &s, &on, &ctx);
        assert_eq!(
            summaries(&n),
            ["Codex: problems seen from here, not confirmed [Normal]"]
        );
        assert_eq!(
            n[0].body,
            "2 failures in a row on api.openai.com (HTTP 503); the status page says operational."
        );
        // Its end is never told: the page's own changes are.
        let ended = [ev("codex", "Codex", Change::SeenFromHereEnded)];
        assert!(notices(&ended, &s, &on, &ctx).is_empty());
    }

    #[test]
    fn quiet_hours_windows() {
        let at = |h: u32, m: u32| Context {
            now: Utc
                .with_ymd_and_hms(2025, 1, 1, h, m, 0)
                .single()
                .unwrap_or_default(),
            ..Context::default()
        };
        let wrap = Some((22 * 60, 7 * 60));
        assert!(at(23, 0).in_quiet_hours(wrap));
        assert!(at(6, 59).in_quiet_hours(wrap));
        assert!(!at(7, 0).in_quiet_hours(wrap));
        assert!(!at(12, 0).in_quiet_hours(wrap));
        let day = Some((9 * 60, 17 * 60));
        assert!(at(9, 0).in_quiet_hours(day));
        assert!(!at(17, 0).in_quiet_hours(day));
        assert!(!at(12, 0).in_quiet_hours(None));
        assert!(!at(12, 0).in_quiet_hours(Some((600, 600))));
        // Negative offsets wrap to the previous day: 01:00 UTC - 3 h = 22:00 local.
        let mut c = at(1, 0);
        c.local_offset_minutes = -180;
        assert!(c.in_quiet_hours(wrap));
    }

    #[test]
    fn names_and_truncation() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_names(&s(&[])), "");
        assert_eq!(join_names(&s(&["A"])), "A");
        assert_eq!(join_names(&s(&["A", "B"])), "A and B");
        assert_eq!(join_names(&s(&["A", "B", "C"])), "A, B and C");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("ééééééééééé", 5), "éééé…");
        assert_eq!(truncate("one two three four five", 16), "one two three…");
    }
}
