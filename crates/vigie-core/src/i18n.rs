//! The words of the tray and the notifications, in English and French: one table per
//! language, shared by the notification policy and the tray app so a text lives in one place.
//!
//! The language is the config's `language` setting, or else the system locale read from the
//! `LC_ALL`, `LC_MESSAGES` and `LANG` variables as strings (no installed locale is needed).
//! French typography puts a space before `:`; the tables carry it, so callers never build
//! "name: status" themselves. Counts go through [`Lang::count`], which applies the language's
//! plural rule (French says "0 page", "1 page", "2 pages"; English "0 pages").
//!
//! The CLI stays in English; the window has its own table in `ui/src/i18n.ts`.

use chrono::{DateTime, Datelike, Duration, Local, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// A language Vigie speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// "fr", "fr_FR.UTF-8", "fr-CA", "en_GB@euro" → that language; anything else (C, POSIX, de_DE)
    /// is not one of ours.
    pub fn parse(tag: &str) -> Option<Lang> {
        let base: String = tag
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        match base.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The system language from locale variables, the way POSIX orders them: the first of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and non-empty decides; a locale we do not
    /// speak (C, de_DE…) means English.
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| get(k))
            .find(|v| !v.trim().is_empty())
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    /// The config's `language` ("en", "fr"; absent or "system" = the system locale).
    pub fn resolve(setting: Option<&str>) -> Lang {
        setting
            .and_then(Lang::parse)
            .unwrap_or_else(|| Lang::from_locale_vars(|k| std::env::var(k).ok()))
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    /// `one` or `other` by the language's plural rule, with `{n}` filled in.
    pub fn count(self, n: usize, forms: (&str, &str)) -> String {
        let one = match self {
            Lang::En => n == 1,
            // CLDR: French uses the singular for 0 and 1.
            Lang::Fr => n <= 1,
        };
        fill(
            if one { forms.0 } else { forms.1 },
            &[("n", &n.to_string())],
        )
    }

    pub fn severity(self, s: Severity) -> &'static str {
        let t = self.texts();
        match s {
            Severity::Unknown => t.sev_unknown,
            Severity::Operational => t.sev_operational,
            Severity::Maintenance => t.sev_maintenance,
            Severity::Degraded => t.sev_degraded,
            Severity::PartialOutage => t.sev_partial_outage,
            Severity::MajorOutage => t.sev_major_outage,
        }
    }

    /// "A", "A and B", "A, B and C" ("A, B et C").
    pub fn join(self, names: &[String]) -> String {
        match names {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}{}{last}", init.join(", "), self.texts().and),
        }
    }

    /// "{who}: {what}", or "{who} : {what}" in French.
    pub fn about(self, who: &str, what: &str) -> String {
        fill(self.texts().about, &[("who", who), ("what", what)])
    }

    /// "just now", "4 min ago", "3 h ago", "2 days ago".
    pub fn ago(self, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let t = self.texts();
        let s = (now - then).num_seconds();
        let n = |v: i64| v.max(1).to_string();
        match s {
            i64::MIN..=44 => t.just_now.to_string(),
            45..=5399 => fill(t.min_ago, &[("n", &n((s + 30) / 60))]),
            5400..=129_599 => fill(t.h_ago, &[("n", &n((s + 1800) / 3600))]),
            _ => fill(
                t.ago,
                &[(
                    "span",
                    &self.count(((s + 43_200) / 86_400) as usize, t.days),
                )],
            ),
        }
    }

    /// "12 min", "3 h", "2 days" (how long a problem has lasted).
    pub fn span(self, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let s = (now - since).num_seconds().max(0);
        match s {
            0..=89 => "1 min".into(),
            90..=5399 => format!("{} min", (s + 30) / 60),
            5400..=129_599 => format!("{} h", (s + 1800) / 3600),
            _ => self.count(((s + 43_200) / 86_400) as usize, self.texts().days),
        }
    }

    /// When a pause or snooze ends, as the menu says it: "14:30", "tomorrow 08:00", "Mon 14:30".
    pub fn until<Tz: TimeZone>(self, until: DateTime<Utc>, now: DateTime<Tz>) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        let local = until.with_timezone(&now.timezone());
        let hm = local.format("%H:%M").to_string();
        let days = (local.date_naive() - now.date_naive()).num_days();
        match days {
            ..=0 => hm,
            1 => format!("{} {hm}", self.texts().tomorrow),
            _ => {
                let wd = self.texts().weekdays[local.weekday().num_days_from_monday() as usize];
                format!("{wd} {hm}")
            }
        }
    }

    /// [`Lang::until`] in the machine's time zone.
    pub fn until_local(self, until: DateTime<Utc>) -> String {
        self.until(until, Local::now())
    }
}

/// Replace each `{key}` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Tomorrow at 08:00 local time (falls back to +24 h around DST gaps): the end of "until
/// tomorrow" for pauses and snoozes.
pub fn tomorrow_morning<Tz: TimeZone>(now: DateTime<Tz>) -> DateTime<Utc> {
    let fallback = now.with_timezone(&Utc) + Duration::hours(24);
    now.date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .and_then(|t| now.timezone().from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(fallback)
}

/// Every text of the tray and the notifications in one language. A field per text, so a language
/// that misses one does not compile. `{x}` are placeholders; `(one, other)` pairs are plural forms.
pub struct Texts {
    pub sev_unknown: &'static str,
    pub sev_operational: &'static str,
    pub sev_maintenance: &'static str,
    pub sev_degraded: &'static str,
    pub sev_partial_outage: &'static str,
    pub sev_major_outage: &'static str,
    pub and: &'static str,
    pub about: &'static str,
    pub just_now: &'static str,
    pub min_ago: &'static str,
    pub h_ago: &'static str,
    pub ago: &'static str,
    pub days: (&'static str, &'static str),
    pub tomorrow: &'static str,
    pub weekdays: [&'static str; 7],

    // Notifications (policy).
    pub recovered: (&'static str, &'static str),
    pub recovered_quiet: (&'static str, &'static str),
    pub back_one: &'static str,
    pub back_all: &'static str,
    pub improved_from: &'static str,
    pub still_ok: (&'static str, &'static str),
    pub maintenance_started: &'static str,
    pub maintenance_ended: &'static str,
    pub new_incident: &'static str,
    pub incident_update: &'static str,
    pub incident_resolved: &'static str,
    pub page_wide_notice: &'static str,
    pub not_running: &'static str,
    pub config_problems: &'static str,
    pub config_defaults: &'static str,
    /// The tray could not start the history window (the reason follows on the next line).
    pub window_failed: &'static str,
    pub action_open: &'static str,
    pub action_snooze_hour: &'static str,
    pub action_snooze_tomorrow: &'static str,
    pub may_affect: &'static str,
    pub seen_unconfirmed: &'static str,
    pub seen_confirmed: &'static str,
    pub seen_body: &'static str,

    // Tray menu.
    pub headline: &'static str,
    pub all_operational: &'static str,
    pub offline_headline: &'static str,
    pub no_service: &'static str,
    pub status_unavailable: &'static str,
    pub checked: &'static str,
    pub not_checked: &'static str,
    pub misconfigured: &'static str,
    pub unavailable: &'static str,
    pub last_known: &'static str,
    pub notices: (&'static str, &'static str),
    pub may_be_affected: &'static str,
    pub paused_until: &'static str,
    pub snoozed_until: &'static str,
    pub menu_open: &'static str,
    pub menu_refresh: &'static str,
    pub menu_pause: &'static str,
    pub menu_1h: &'static str,
    pub menu_8h: &'static str,
    pub menu_tomorrow: &'static str,
    pub menu_resume: &'static str,
    pub menu_autostart: &'static str,
    pub menu_quit: &'static str,
}

pub static EN: Texts = Texts {
    sev_unknown: "unavailable",
    sev_operational: "operational",
    sev_maintenance: "maintenance",
    sev_degraded: "degraded",
    sev_partial_outage: "partial outage",
    sev_major_outage: "major outage",
    and: " and ",
    about: "{who}: {what}",
    just_now: "just now",
    min_ago: "{n} min ago",
    h_ago: "{n} h ago",
    ago: "{span} ago",
    days: ("{n} day", "{n} days"),
    tomorrow: "tomorrow",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],

    recovered: ("recovered", "recovered"),
    recovered_quiet: (
        "Recovered during quiet hours.",
        "Recovered during quiet hours.",
    ),
    back_one: "Back to operational.",
    back_all: "All back to operational.",
    improved_from: "Improved from {status}.",
    still_ok: ("{names} is operational.", "{names} are operational."),
    maintenance_started: "maintenance started",
    maintenance_ended: "maintenance ended",
    new_incident: "new incident",
    incident_update: "incident update",
    incident_resolved: "incident resolved",
    page_wide_notice: "page-wide notice",
    not_running: "not running",
    config_problems: "Vigie: problems in the configuration",
    config_defaults: "Running on defaults until fixed ({path}):",
    window_failed: "Vigie: the history window cannot open",
    action_open: "Open history",
    action_snooze_hour: "Snooze 1 h",
    action_snooze_tomorrow: "Snooze until tomorrow",
    may_affect: "May affect {names}.",
    seen_unconfirmed: "problems seen from here, not confirmed",
    seen_confirmed: "problems seen from here, confirmed",
    seen_body: "{detail}; the status page says {page}.",

    headline: "Vigie: {what} · {fresh}",
    all_operational: "all operational",
    offline_headline: "offline, showing the last known state",
    no_service: "no service watched",
    status_unavailable: "status unavailable",
    checked: "checked {ago}",
    not_checked: "not checked yet",
    misconfigured: "misconfigured: {why}",
    unavailable: "unavailable",
    last_known: " (last known: {status})",
    notices: (" · page-wide notice", " · {n} page-wide notices"),
    may_be_affected: " · may be affected: {list}",
    paused_until: "Paused until {when}",
    snoozed_until: "{name} snoozed until {when}",
    menu_open: "Open history…",
    menu_refresh: "Refresh now",
    menu_pause: "Pause notifications",
    menu_1h: "For 1 hour",
    menu_8h: "For 8 hours",
    menu_tomorrow: "Until tomorrow (08:00)",
    menu_resume: "Resume",
    menu_autostart: "Launch at login",
    menu_quit: "Quit",
};

pub static FR: Texts = Texts {
    sev_unknown: "indisponible",
    sev_operational: "opérationnel",
    sev_maintenance: "maintenance",
    sev_degraded: "dégradé",
    sev_partial_outage: "panne partielle",
    sev_major_outage: "panne majeure",
    and: " et ",
    about: "{who} : {what}",
    just_now: "à l’instant",
    min_ago: "il y a {n} min",
    h_ago: "il y a {n} h",
    ago: "il y a {span}",
    days: ("{n} jour", "{n} jours"),
    tomorrow: "demain",
    weekdays: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],

    recovered: ("rétabli", "rétablis"),
    recovered_quiet: (
        "Rétabli pendant les heures calmes.",
        "Rétablis pendant les heures calmes.",
    ),
    back_one: "De nouveau opérationnel.",
    back_all: "Tous de nouveau opérationnels.",
    improved_from: "En amélioration, auparavant : {status}.",
    still_ok: ("{names} est opérationnel.", "{names} sont opérationnels."),
    maintenance_started: "maintenance commencée",
    maintenance_ended: "maintenance terminée",
    new_incident: "nouvel incident",
    incident_update: "mise à jour de l’incident",
    incident_resolved: "incident résolu",
    page_wide_notice: "avis pour toute la page",
    not_running: "arrêté",
    config_problems: "Vigie : problèmes dans la configuration",
    config_defaults: "Réglages par défaut en attendant la correction ({path}) :",
    window_failed: "Vigie : la fenêtre d’historique ne peut pas s’ouvrir",
    action_open: "Ouvrir l’historique",
    action_snooze_hour: "Silence 1 h",
    action_snooze_tomorrow: "Silence jusqu’à demain",
    may_affect: "Peut affecter {names}.",
    seen_unconfirmed: "problèmes vus d’ici, non confirmés",
    seen_confirmed: "problèmes vus d’ici, confirmés",
    seen_body: "{detail} ; la page de statut indique : {page}.",

    headline: "Vigie : {what} · {fresh}",
    all_operational: "tout est opérationnel",
    offline_headline: "hors ligne, dernier état connu",
    no_service: "aucun service surveillé",
    status_unavailable: "état indisponible",
    checked: "vérifié {ago}",
    not_checked: "pas encore vérifié",
    misconfigured: "mal configuré : {why}",
    unavailable: "indisponible",
    last_known: " (dernier état connu : {status})",
    notices: (
        " · avis pour toute la page",
        " · {n} avis pour toute la page",
    ),
    may_be_affected: " · peut être affecté : {list}",
    paused_until: "En pause jusqu’à {when}",
    snoozed_until: "{name} en silence jusqu’à {when}",
    menu_open: "Ouvrir l’historique…",
    menu_refresh: "Actualiser",
    menu_pause: "Suspendre les notifications",
    menu_1h: "Pendant 1 heure",
    menu_8h: "Pendant 8 heures",
    menu_tomorrow: "Jusqu’à demain (08:00)",
    menu_resume: "Reprendre",
    menu_autostart: "Lancer à l’ouverture de session",
    menu_quit: "Quitter",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_locale_is_read_from_the_variables_as_strings() {
        assert_eq!(
            Lang::from_locale_vars(vars(&[("LANG", "fr_FR.UTF-8")])),
            Lang::Fr
        );
        assert_eq!(
            Lang::from_locale_vars(vars(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "fr_CA")])),
            Lang::Fr
        );
        // LC_ALL wins, even for a locale we do not speak; an empty one does not count.
        assert_eq!(
            Lang::from_locale_vars(vars(&[("LC_ALL", "C"), ("LANG", "fr_FR.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_vars(vars(&[("LC_ALL", ""), ("LANG", "fr_FR.UTF-8")])),
            Lang::Fr
        );
        assert_eq!(
            Lang::from_locale_vars(vars(&[("LANG", "de_DE.UTF-8")])),
            Lang::En
        );
        assert_eq!(Lang::from_locale_vars(vars(&[])), Lang::En);
        assert_eq!(Lang::parse("fr-BE"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en_GB@euro"), Some(Lang::En));
        assert_eq!(Lang::parse("system"), None);
        // An explicit setting beats the system.
        assert_eq!(Lang::resolve(Some("fr")), Lang::Fr);
        assert_eq!(Lang::resolve(Some("en")), Lang::En);
    }

    #[test]
    fn french_typography_and_words() {
        let fr = Lang::Fr;
        assert_eq!(
            fr.about("Claude", fr.severity(Severity::MajorOutage)),
            "Claude : panne majeure"
        );
        assert_eq!(
            Lang::En.about("Claude", Lang::En.severity(Severity::MajorOutage)),
            "Claude: major outage"
        );
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            fr.join(&names(&["ChatGPT", "Codex", "Claude"])),
            "ChatGPT, Codex et Claude"
        );
        assert_eq!(Lang::En.join(&names(&["A", "B"])), "A and B");
    }

    #[test]
    fn plurals_follow_each_language_rule() {
        let pages = ("{n} page unavailable", "{n} pages unavailable");
        assert_eq!(Lang::En.count(0, pages), "0 pages unavailable");
        assert_eq!(Lang::En.count(1, pages), "1 page unavailable");
        assert_eq!(Lang::En.count(2, pages), "2 pages unavailable");
        let pages = ("{n} page indisponible", "{n} pages indisponibles");
        assert_eq!(Lang::Fr.count(0, pages), "0 page indisponible");
        assert_eq!(Lang::Fr.count(1, pages), "1 page indisponible");
        assert_eq!(Lang::Fr.count(2, pages), "2 pages indisponibles");
        assert_eq!(Lang::Fr.count(3, FR.recovered), "rétablis");
        assert_eq!(Lang::Fr.count(1, FR.recovered), "rétabli");
    }

    #[test]
    fn times_in_both_languages() {
        let now = Utc::now();
        let ago = |l: Lang, s: i64| l.ago(now - Duration::seconds(s), now);
        assert_eq!(ago(Lang::En, 5), "just now");
        assert_eq!(ago(Lang::Fr, 5), "à l’instant");
        assert_eq!(ago(Lang::Fr, 3000), "il y a 50 min");
        assert_eq!(ago(Lang::Fr, 7200), "il y a 2 h");
        assert_eq!(ago(Lang::Fr, 86_400 * 3), "il y a 3 jours");
        assert_eq!(ago(Lang::En, 86_400 * 3), "3 days ago");
        let span = |l: Lang, s: i64| l.span(now - Duration::seconds(s), now);
        assert_eq!(span(Lang::En, 720), "12 min");
        assert_eq!(span(Lang::Fr, 86_400 * 2), "2 jours");
    }

    #[test]
    fn end_times_say_today_tomorrow_or_the_weekday() {
        let tz = FixedOffset::east_opt(3600).expect("offset");
        // Wednesday 5 March 2025, 12:00 local.
        let now = tz
            .with_ymd_and_hms(2025, 3, 5, 12, 0, 0)
            .single()
            .expect("time");
        let at = |d: u32, h: u32, m: u32| {
            tz.with_ymd_and_hms(2025, 3, d, h, m, 0)
                .single()
                .expect("time")
                .with_timezone(&Utc)
        };
        assert_eq!(Lang::En.until(at(5, 14, 30), now), "14:30");
        assert_eq!(Lang::En.until(at(6, 8, 0), now), "tomorrow 08:00");
        assert_eq!(Lang::Fr.until(at(6, 8, 0), now), "demain 08:00");
        assert_eq!(Lang::Fr.until(at(7, 20, 0), now), "ven. 20:00");
        assert_eq!(tomorrow_morning(now), at(6, 8, 0));
    }
}
