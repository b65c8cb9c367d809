//! "Pause notifications" and per-service snoozes, kept in the store's `meta` table so they
//! survive a restart. Expired ones are dropped on every read, so an end time in the past never
//! shows in the menu nor holds a notice back.
//!
//! Two keys, so the tray (which pauses) and the window process (which snoozes) rarely write the
//! same one at once. What cannot be read (hand-edited, older format) is treated as nothing held:
//! losing a snooze is better than never notifying again.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};

const KEY_PAUSE: &str = "paused_until";
const KEY_SNOOZED: &str = "snoozed";

/// How long to snooze, as offered by the notifications and the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnoozeFor {
    Hour,
    Tomorrow,
    /// End a snooze now.
    Off,
}

impl SnoozeFor {
    /// The end time, from `now` in the user's time zone (`None` for `Off`).
    pub fn until<Tz: TimeZone>(self, now: DateTime<Tz>) -> Option<DateTime<Utc>> {
        match self {
            SnoozeFor::Hour => Some(now.with_timezone(&Utc) + Duration::hours(1)),
            SnoozeFor::Tomorrow => Some(crate::i18n::tomorrow_morning(now)),
            SnoozeFor::Off => None,
        }
    }
}

/// What is held back now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holds {
    pub paused_until: Option<DateTime<Utc>>,
    /// Service id → snoozed until.
    pub snoozed: BTreeMap<String, DateTime<Utc>>,
}

impl Holds {
    /// Only what has not ended by `now`.
    pub fn active(mut self, now: DateTime<Utc>) -> Holds {
        self.paused_until = self.paused_until.filter(|t| *t > now);
        self.snoozed.retain(|_, t| *t > now);
        self
    }

    /// The stored holds still in force at `now`.
    pub fn load(store: &Store, now: DateTime<Utc>) -> Result<Holds, StoreError> {
        let paused_until = store
            .meta(KEY_PAUSE)?
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc));
        let snoozed = store
            .meta(KEY_SNOOZED)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        Ok(Holds {
            paused_until,
            snoozed,
        }
        .active(now))
    }

    /// Store the pause (`None` = resumed).
    pub fn save_pause(store: &mut Store, until: Option<DateTime<Utc>>) -> Result<(), String> {
        let v = until.map(|t| t.to_rfc3339()).unwrap_or_default();
        put(store, KEY_PAUSE, &v)
    }

    /// Snooze `services` until `until` (`None` ends their snooze): one read-modify-write of the
    /// stored map, expired entries dropped; returns the holds now in force.
    pub fn snooze(
        store: &mut Store,
        services: &[impl AsRef<str>],
        until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Holds, String> {
        let mut h = Holds::load(store, now).map_err(|e| e.to_string())?;
        for id in services {
            let id = id.as_ref();
            match until.filter(|t| *t > now) {
                Some(t) => h.snoozed.insert(id.to_string(), t),
                None => h.snoozed.remove(id),
            };
        }
        let json = serde_json::to_string(&h.snoozed).map_err(|e| e.to_string())?;
        put(store, KEY_SNOOZED, &json)?;
        Ok(h)
    }

    /// Snooze these services for `length` from the local time `now` (or end their snooze), as a
    /// notification's button or the window asks; logs what was done and returns the holds now in
    /// force. The tray and the window both call this, each on its own connection.
    pub fn snooze_for(
        store: &mut Store,
        services: &[String],
        length: SnoozeFor,
        now: DateTime<chrono::Local>,
    ) -> Result<Holds, String> {
        let until = length.until(now);
        let holds = Holds::snooze(store, services, until, now.with_timezone(&Utc))?;
        tracing::info!(
            "{} {}",
            services.join(", "),
            until.map_or("snooze ended".to_string(), |t| format!("snoozed until {t}"))
        );
        Ok(holds)
    }
}

fn put(store: &mut Store, key: &str, value: &str) -> Result<(), String> {
    store
        .transaction(|tx| tx.set_meta(key, value))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 4, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn store(dir: &std::path::Path) -> Store {
        Store::open_dir(dir).expect("store")
    }

    /// What a notification's button and the window's card both do: every named service snoozed
    /// for the hour, and the pause left as it was.
    #[test]
    fn snooze_for_covers_every_service_and_keeps_the_pause() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = store(dir.path());
        let pause = Utc::now() + Duration::hours(3);
        Holds::save_pause(&mut s, Some(pause)).expect("pause");
        let now = chrono::Local::now();
        let ids = ["claude".to_string(), "chatgpt".to_string()];
        let got = Holds::snooze_for(&mut s, &ids, SnoozeFor::Hour, now).expect("snooze");
        assert_eq!(got.snoozed.len(), 2);
        assert_eq!(got.paused_until, Some(pause));
        let until = got.snoozed.get("claude").copied().expect("claude snoozed");
        assert_eq!(until, SnoozeFor::Hour.until(now).expect("an end"));
        assert_eq!(Holds::load(&s, Utc::now()).expect("load"), got);
    }

    #[test]
    fn pause_and_snoozes_survive_a_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = store(dir.path());
        let h = t0() + Duration::hours(1);
        Holds::save_pause(&mut s, Some(h)).expect("pause");
        Holds::snooze(&mut s, &["claude"], Some(t0() + Duration::hours(20)), t0()).expect("snooze");
        Holds::snooze(&mut s, &["chatgpt"], Some(h), t0()).expect("snooze");
        drop(s);

        let mut s = store(dir.path());
        let got = Holds::load(&s, t0()).expect("load");
        assert_eq!(got.paused_until, Some(h));
        assert_eq!(
            got.snoozed.keys().collect::<Vec<_>>(),
            vec!["chatgpt", "claude"]
        );
        // Ending one snooze keeps the other; resuming clears the pause.
        Holds::snooze(&mut s, &["chatgpt"], None, t0()).expect("unsnooze");
        Holds::save_pause(&mut s, None).expect("resume");
        let got = Holds::load(&s, t0()).expect("load");
        assert_eq!(got.paused_until, None);
        assert_eq!(got.snoozed.keys().collect::<Vec<_>>(), vec!["claude"]);
    }

    #[test]
    fn expired_holds_are_gone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = store(dir.path());
        Holds::save_pause(&mut s, Some(t0() + Duration::hours(1))).expect("pause");
        Holds::snooze(
            &mut s,
            &["claude"],
            Some(t0() + Duration::minutes(30)),
            t0(),
        )
        .expect("snooze");
        let later = t0() + Duration::hours(1);
        // Exactly at the end time it is over (the policy's rule too).
        assert_eq!(Holds::load(&s, later).expect("load"), Holds::default());
        // A snooze written later drops the expired entries from the stored map.
        Holds::snooze(&mut s, &["codex"], Some(later + Duration::hours(1)), later).expect("snooze");
        let raw = s.meta(KEY_SNOOZED).expect("meta").unwrap_or_default();
        assert!(!raw.contains("claude"), "{raw}");
        // An end time already past snoozes nothing.
        let h = Holds::snooze(&mut s, &["x"], Some(later - Duration::minutes(1)), later)
            .expect("snooze");
        assert!(!h.snoozed.contains_key("x"));
    }

    #[test]
    fn unreadable_values_hold_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = store(dir.path());
        put(&mut s, KEY_PAUSE, "next tuesday").expect("meta");
        put(&mut s, KEY_SNOOZED, "{not json").expect("meta");
        assert_eq!(Holds::load(&s, t0()).expect("load"), Holds::default());
    }

    #[test]
    fn snooze_lengths() {
        let tz = FixedOffset::east_opt(-5 * 3600).expect("offset");
        let now = t0().with_timezone(&tz); // 07:00 local
        assert_eq!(SnoozeFor::Hour.until(now), Some(t0() + Duration::hours(1)));
        // Tomorrow 08:00 local = 13:00 UTC the next day.
        assert_eq!(
            SnoozeFor::Tomorrow.until(now),
            Some(t0() + Duration::hours(25))
        );
        assert_eq!(SnoozeFor::Off.until(now), None);
    }
}
