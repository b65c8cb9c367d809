//! The SQLite history store: last known state per service (so the tray and `vigie status` show
//! something at once, without network), status changes (transitions only), incidents with every
//! update, and HTTP validators with the last body (so a 304 reuses the stored reading, even across
//! separate `vigie check` runs).
//!
//! WAL mode with `synchronous = NORMAL`: a crash may lose the last transaction but never corrupts the
//! file. A file that is not a readable database is moved aside (never deleted) and a new one made.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration as ChronoDuration, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use crate::model::{Incident, IncidentKind, IncidentUpdate, Severity, StoredIncident};
use crate::snapshot::ServiceState;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Keep this many days of history.
pub const RETENTION_DAYS: i64 = 400;

const MIGRATIONS: &[&str] = &[
    // 1: initial schema
    "CREATE TABLE service_state (
        service_id TEXT PRIMARY KEY,
        state_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
     );
     CREATE TABLE status_change (
        id INTEGER PRIMARY KEY,
        service_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        from_status TEXT NOT NULL,
        to_status TEXT NOT NULL
     );
     CREATE INDEX status_change_service_at ON status_change(service_id, at);
     CREATE TABLE incident (
        service_id TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        impact TEXT NOT NULL,
        started_at INTEGER,
        resolved_at INTEGER,
        url TEXT,
        components_json TEXT NOT NULL DEFAULT '[]',
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (service_id, incident_id)
     );
     CREATE INDEX incident_started ON incident(started_at);
     CREATE TABLE incident_update (
        service_id TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        at INTEGER,
        status TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (service_id, incident_id, at, status, body)
     );
     CREATE TABLE http_cache (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        body BLOB NOT NULL,
        fetched_at INTEGER NOT NULL
     );
     CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: one update row per (incident, time, status, text) even without a time: NULL never
    // collides inside a UNIQUE key, so timeless updates were inserted again at every poll.
    // Also one incident row per incident: incident.io ids arrived bare (proxy) and as
    // `https://status.example.com//incidents/<ULID>` (Atom); both become the bare id.
    "DELETE FROM incident_update WHERE rowid NOT IN (
        SELECT MIN(rowid) FROM incident_update
        GROUP BY service_id, incident_id, IFNULL(at, -1), status, body);
     CREATE UNIQUE INDEX incident_update_key
        ON incident_update(service_id, incident_id, IFNULL(at, -1), status, body);
     UPDATE OR IGNORE incident_update
        SET incident_id = replace(incident_id, rtrim(incident_id, replace(incident_id, '/', '')), '')
        WHERE incident_id LIKE 'http%/incidents/%';
     DELETE FROM incident_update WHERE incident_id LIKE 'http%/incidents/%';
     UPDATE OR IGNORE incident
        SET incident_id = replace(incident_id, rtrim(incident_id, replace(incident_id, '/', '')), '')
        WHERE incident_id LIKE 'http%/incidents/%';
     DELETE FROM incident WHERE incident_id LIKE 'http%/incidents/%';",
];

/// Status word of an incident that vanished from its page while Vigie was not running: it ended,
/// but nobody saw when. `resolved_at` is then the time it was last seen open.
pub const ENDED_UNWATCHED: &str = "ended_unwatched";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Set when a corrupt file was moved aside on open: the message to show the user.
    pub recovered: Option<String>,
}

/// Validators and body of the last 200 for a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedResponse {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Vec<u8>,
}

/// One day of one service.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Day {
    pub date: chrono::NaiveDate,
    /// Worst status seen that day (Unknown = no data).
    pub worst: Severity,
    /// Share of the observed part of the day that was operational or maintenance, 0–1; None = no data.
    pub availability: Option<f64>,
    /// Share of the day (up to now, for today) that Vigie observed, 0–1: the rest is no data (app
    /// not running, machine offline, page unreachable).
    pub coverage: f64,
}

/// Where the database lives: `--data-dir`, then `VIGIE_DATA_DIR`, then the XDG data dir.
pub fn default_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("VIGIE_DATA_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vigie")
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}
fn from_ts(v: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(v, 0).single()
}

impl Store {
    /// Open (or create) `dir/vigie.db`. A corrupt file is moved aside to `vigie.db.corrupt-<time>`.
    pub fn open_dir(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        Store::open(&dir.join("vigie.db"))
    }

    pub fn open(path: &Path) -> Result<Store, StoreError> {
        match Store::try_open(path) {
            Ok(s) => Ok(s),
            Err(StoreError::Sqlite { source, .. }) if is_corruption(&source) => {
                let aside = path
                    .with_extension(format!("db.corrupt-{}", Utc::now().format("%Y%m%dT%H%M%S")));
                std::fs::rename(path, &aside).map_err(|e| StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })?;
                for ext in ["db-wal", "db-shm"] {
                    let _ = std::fs::rename(
                        path.with_extension(ext),
                        aside.with_extension(format!("{ext}-aside")),
                    );
                }
                let mut s = Store::try_open(path)?;
                s.recovered = Some(format!(
                    "{} was not a readable database ({source}); moved aside to {} and started a new one",
                    path.display(),
                    aside.display()
                ));
                Ok(s)
            }
            Err(e) => Err(e),
        }
    }

    fn try_open(path: &Path) -> Result<Store, StoreError> {
        let err = |e| StoreError::Sqlite {
            path: path.to_path_buf(),
            source: e,
        };
        let mut conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(err)?;
        // Reading the schema is what detects a file that is not a database.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        let tx = conn.transaction().map_err(err)?;
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.execute_batch(m).map_err(err)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            recovered: None,
        })
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source: e,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Run `f` in one transaction (one commit per poll cycle, not one per row).
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, rusqlite::Error>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let out = f(&Tx(&tx)).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(out)
    }

    /// Last known state of every service ever seen.
    pub fn states(&self) -> Result<Vec<ServiceState>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT state_json FROM service_state ORDER BY service_id")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let json = r.map_err(|e| self.err(e))?;
            // A row written by a different version that no longer parses is skipped, not fatal.
            if let Ok(s) = serde_json::from_str(&json) {
                out.push(s);
            }
        }
        Ok(out)
    }

    pub fn cached(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
        self.conn
            .query_row(
                "SELECT etag, last_modified, body FROM http_cache WHERE url = ?1",
                [url],
                |r| {
                    Ok(CachedResponse {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                        body: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Incidents (with updates) newest first, optionally for one service and since a time.
    pub fn incidents(
        &self,
        service: Option<&str>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        let since = since.map(ts).unwrap_or(i64::MIN);
        let mut st = self
            .conn
            .prepare(
                "SELECT service_id, incident_id, kind, title, status, impact, started_at, resolved_at,
                        url, components_json, first_seen
                 FROM incident
                 WHERE (?1 IS NULL OR service_id = ?1) AND COALESCE(started_at, first_seen) >= ?2
                 ORDER BY COALESCE(started_at, first_seen) DESC, incident_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![service, since], |r| {
                let kind: String = r.get(2)?;
                let impact: String = r.get(5)?;
                let comps: String = r.get(9)?;
                let started: Option<i64> = r.get(6)?;
                let first_seen: i64 = r.get(10)?;
                Ok(StoredIncident {
                    service: r.get(0)?,
                    incident: Incident {
                        id: r.get(1)?,
                        kind: if kind == "maintenance" {
                            IncidentKind::Maintenance
                        } else {
                            IncidentKind::Incident
                        },
                        title: r.get(3)?,
                        status: r.get(4)?,
                        impact: Severity::parse(&impact).unwrap_or_default(),
                        started_at: started.or(Some(first_seen)).and_then(from_ts),
                        resolved_at: r.get::<_, Option<i64>>(7)?.and_then(from_ts),
                        url: r.get(8)?,
                        components: serde_json::from_str(&comps).unwrap_or_default(),
                        updates: Vec::new(),
                    },
                })
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.map_err(|e| self.err(e))?);
        }
        let mut up = self
            .conn
            .prepare(
                "SELECT at, status, body FROM incident_update
                 WHERE service_id = ?1 AND incident_id = ?2 ORDER BY at, rowid",
            )
            .map_err(|e| self.err(e))?;
        for inc in &mut out {
            let rows = up
                .query_map(params![inc.service, inc.incident.id], |r| {
                    Ok(IncidentUpdate {
                        at: r.get::<_, Option<i64>>(0)?.and_then(from_ts),
                        status: r.get(1)?,
                        text: r.get(2)?,
                    })
                })
                .map_err(|e| self.err(e))?;
            for u in rows {
                inc.incident.updates.push(u.map_err(|e| self.err(e))?);
            }
        }
        Ok(out)
    }

    /// Status changes of a service since a time, oldest first: (at, from, to).
    pub fn changes(
        &self,
        service: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, Severity, Severity)>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT at, from_status, to_status FROM status_change
                 WHERE service_id = ?1 AND at >= ?2 ORDER BY at, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![service, ts(since)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let (at, f, t) = r.map_err(|e| self.err(e))?;
            if let Some(at) = from_ts(at) {
                out.push((
                    at,
                    Severity::parse(&f).unwrap_or_default(),
                    Severity::parse(&t).unwrap_or_default(),
                ));
            }
        }
        Ok(out)
    }

    /// The last status recorded in the uptime history of every service.
    pub fn last_recorded(&self) -> Result<HashMap<String, Severity>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT c.service_id, c.to_status FROM status_change c
                 JOIN (SELECT service_id, MAX(id) AS id FROM status_change GROUP BY service_id) m
                   ON m.id = c.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        let mut out = HashMap::new();
        for r in rows {
            let (id, to) = r.map_err(|e| self.err(e))?;
            out.insert(id, Severity::parse(&to).unwrap_or_default());
        }
        Ok(out)
    }

    /// Per-day worst status and availability for the last `days` days (oldest first), from the
    /// status changes. Days before the first observation have no data.
    pub fn daily_availability(
        &self,
        service: &str,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<Day>, StoreError> {
        let today = now.date_naive();
        let first_day = today - ChronoDuration::days(i64::from(days.max(1)) - 1);
        let start = Utc.from_utc_datetime(&first_day.and_hms_opt(0, 0, 0).unwrap_or_default());
        // The status in force when the window opens.
        let before: Option<String> = self
            .conn
            .query_row(
                "SELECT to_status FROM status_change WHERE service_id = ?1 AND at < ?2
                 ORDER BY at DESC, id DESC LIMIT 1",
                params![service, ts(start)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let changes = self.changes(service, start)?;
        let mut out = Vec::with_capacity(days as usize);
        let mut cur = before.and_then(|s| Severity::parse(&s));
        let mut idx = 0;
        for d in 0..i64::from(days.max(1)) {
            let date = first_day + ChronoDuration::days(d);
            let day_start = start + ChronoDuration::days(d);
            let day_end = (day_start + ChronoDuration::days(1)).min(now);
            let mut t = day_start;
            let mut worst = cur.unwrap_or(Severity::Unknown);
            let (mut good, mut seen) = (0i64, 0i64);
            loop {
                let next = changes.get(idx).filter(|c| c.0 < day_end);
                let seg_end = next.map(|c| c.0).unwrap_or(day_end);
                if let Some(s) = cur.filter(|s| *s != Severity::Unknown) {
                    let secs = (seg_end - t).num_seconds().max(0);
                    seen += secs;
                    if s <= Severity::Maintenance {
                        good += secs;
                    }
                }
                match next {
                    Some(c) => {
                        cur = Some(c.2);
                        worst = worst.max(c.2);
                        t = c.0;
                        idx += 1;
                    }
                    None => break,
                }
            }
            out.push(Day {
                date,
                worst,
                availability: (seen > 0).then(|| good as f64 / seen as f64),
                coverage: {
                    let span = (day_end - day_start).num_seconds();
                    if span > 0 {
                        seen as f64 / span as f64
                    } else {
                        0.0
                    }
                },
            });
        }
        Ok(out)
    }

    /// Drop history older than the retention window (incidents, updates, changes).
    pub fn prune(&mut self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let cut = ts(now - ChronoDuration::days(RETENTION_DAYS));
        self.transaction(|tx| {
            let mut n = tx
                .0
                .execute("DELETE FROM status_change WHERE at < ?1", [cut])?;
            n += tx.0.execute(
                "DELETE FROM incident_update WHERE (service_id, incident_id) IN
                 (SELECT service_id, incident_id FROM incident WHERE COALESCE(resolved_at, last_seen) < ?1)",
                [cut],
            )?;
            n += tx.0.execute(
                "DELETE FROM incident WHERE COALESCE(resolved_at, last_seen) < ?1",
                [cut],
            )?;
            Ok(n)
        })
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Writes inside one transaction.
pub struct Tx<'a>(&'a rusqlite::Transaction<'a>);

impl Tx<'_> {
    pub fn put_state(&self, s: &ServiceState, now: DateTime<Utc>) -> Result<(), rusqlite::Error> {
        let json = serde_json::to_string(s)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        self.0.execute(
            "INSERT INTO service_state (service_id, state_json, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(service_id) DO UPDATE SET state_json = excluded.state_json,
                                                   updated_at = excluded.updated_at",
            params![s.id, json, ts(now)],
        )?;
        Ok(())
    }

    pub fn add_change(
        &self,
        service: &str,
        at: DateTime<Utc>,
        from: Severity,
        to: Severity,
    ) -> Result<(), rusqlite::Error> {
        self.0.execute(
            "INSERT INTO status_change (service_id, at, from_status, to_status) VALUES (?1, ?2, ?3, ?4)",
            params![service, ts(at), from.as_str(), to.as_str()],
        )?;
        Ok(())
    }

    /// Insert or update an incident keyed by the provider's id, adding any update not yet stored.
    pub fn upsert_incident(
        &self,
        service: &str,
        i: &Incident,
        now: DateTime<Utc>,
    ) -> Result<(), rusqlite::Error> {
        let comps = serde_json::to_string(&i.components).unwrap_or_else(|_| "[]".into());
        self.0.execute(
            "INSERT INTO incident (service_id, incident_id, kind, title, status, impact, started_at,
                                   resolved_at, url, components_json, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
             ON CONFLICT(service_id, incident_id) DO UPDATE SET
                kind = excluded.kind, title = excluded.title, status = excluded.status,
                impact = CASE WHEN excluded.impact = 'operational' THEN incident.impact ELSE excluded.impact END,
                started_at = COALESCE(excluded.started_at, incident.started_at),
                resolved_at = COALESCE(excluded.resolved_at, incident.resolved_at),
                url = COALESCE(excluded.url, incident.url),
                components_json = CASE WHEN excluded.components_json = '[]' THEN incident.components_json
                                       ELSE excluded.components_json END,
                last_seen = excluded.last_seen",
            params![
                service,
                i.id,
                i.kind.as_str(),
                i.title,
                i.status,
                i.impact.as_str(),
                i.started_at.map(ts),
                i.resolved_at.map(ts),
                i.url,
                comps,
                ts(now),
            ],
        )?;
        for u in &i.updates {
            self.0.execute(
                "INSERT OR IGNORE INTO incident_update (service_id, incident_id, at, status, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![service, i.id, u.at.map(ts), u.status, u.text],
            )?;
        }
        Ok(())
    }

    /// An incident that was active and is no longer listed: mark it resolved now, if it is not yet.
    pub fn close_incident(
        &self,
        service: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), rusqlite::Error> {
        self.0.execute(
            "UPDATE incident SET resolved_at = ?3,
                    status = CASE WHEN kind = 'maintenance' THEN 'completed' ELSE 'resolved' END
             WHERE service_id = ?1 AND incident_id = ?2 AND resolved_at IS NULL",
            params![service, id, ts(at)],
        )?;
        Ok(())
    }

    /// Close the stored open incidents of a service that its page no longer lists (`listed`: ids
    /// the page carries now, open or closed). One this process saw open (`watched`) ended now; any
    /// other ended while Vigie was not watching: it is closed at the time it was last seen, with
    /// the status [`ENDED_UNWATCHED`], so nothing shows "ongoing" for weeks. Returns how many.
    pub fn close_vanished(
        &self,
        service: &str,
        listed: &HashSet<String>,
        watched: Option<&HashSet<String>>,
        now: DateTime<Utc>,
    ) -> Result<usize, rusqlite::Error> {
        let open: Vec<String> = {
            let mut st = self.0.prepare_cached(
                "SELECT incident_id FROM incident WHERE service_id = ?1 AND resolved_at IS NULL",
            )?;
            let rows = st.query_map([service], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut n = 0;
        for id in open.iter().filter(|id| !listed.contains(*id)) {
            if watched.is_some_and(|w| w.contains(id)) {
                n += self.0.execute(
                    "UPDATE incident SET resolved_at = ?3,
                        status = CASE WHEN kind = 'maintenance' THEN 'completed' ELSE 'resolved' END
                     WHERE service_id = ?1 AND incident_id = ?2 AND resolved_at IS NULL",
                    params![service, id, ts(now)],
                )?;
            } else {
                n += self.0.execute(
                    "UPDATE incident SET resolved_at = last_seen, status = ?3
                     WHERE service_id = ?1 AND incident_id = ?2 AND resolved_at IS NULL",
                    params![service, id, ENDED_UNWATCHED],
                )?;
            }
        }
        Ok(n)
    }

    pub fn put_cache(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), rusqlite::Error> {
        self.0.execute(
            "INSERT INTO http_cache (url, etag, last_modified, body, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                                            body = excluded.body, fetched_at = excluded.fetched_at",
            params![url, etag, last_modified, body, ts(now)],
        )?;
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), rusqlite::Error> {
        self.0.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        crate::time::parse(s).expect("time")
    }

    fn incident(id: &str, updates: &[(&str, &str)]) -> Incident {
        Incident {
            id: id.into(),
            kind: IncidentKind::Incident,
            title: "Elevated errors".into(),
            status: "investigating".into(),
            impact: Severity::PartialOutage,
            started_at: Some(t("2026-09-01T10:00:00Z")),
            resolved_at: None,
            url: Some("https://status.example.com/i/1".into()),
            components: vec!["c1".into()],
            updates: updates
                .iter()
                .map(|(at, text)| IncidentUpdate {
                    at: Some(t(at)),
                    status: "investigating".into(),
                    text: (*text).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn incidents_upsert_by_provider_id_and_keep_every_update() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        let now = t("2026-09-01T10:05:00Z");
        s.transaction(|tx| {
            tx.upsert_incident(
                "claude",
                &incident("i1", &[("2026-09-01T10:00:00Z", "Looking")]),
                now,
            )
        })
        .expect("w1");
        s.transaction(|tx| {
            tx.upsert_incident(
                "claude",
                &incident(
                    "i1",
                    &[
                        ("2026-09-01T10:00:00Z", "Looking"),
                        ("2026-09-01T10:30:00Z", "Fixed"),
                    ],
                ),
                now,
            )
        })
        .expect("w2");
        s.transaction(|tx| tx.close_incident("claude", "i1", t("2026-09-01T11:00:00Z")))
            .expect("close");
        drop(s);
        // Reopen: everything is on disk.
        let s = Store::open_dir(dir.path()).expect("reopen");
        let got = s.incidents(Some("claude"), None).expect("q");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].incident.updates.len(), 2);
        assert_eq!(got[0].incident.status, "resolved");
        assert_eq!(got[0].incident.resolved_at, Some(t("2026-09-01T11:00:00Z")));
        assert!(s.incidents(Some("other"), None).expect("q").is_empty());
        assert!(s
            .incidents(None, Some(t("2026-09-02T00:00:00Z")))
            .expect("q")
            .is_empty());
        assert_eq!(s.integrity_check().expect("ic"), "ok");
    }

    #[test]
    fn daily_availability_from_changes() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        s.transaction(|tx| {
            tx.add_change(
                "x",
                t("2026-09-01T00:00:00Z"),
                Severity::Unknown,
                Severity::Operational,
            )?;
            tx.add_change(
                "x",
                t("2026-09-02T06:00:00Z"),
                Severity::Operational,
                Severity::MajorOutage,
            )?;
            tx.add_change(
                "x",
                t("2026-09-02T12:00:00Z"),
                Severity::MajorOutage,
                Severity::Operational,
            )
        })
        .expect("w");
        let days = s
            .daily_availability("x", 4, t("2026-09-03T12:00:00Z"))
            .expect("q");
        assert_eq!(days.len(), 4);
        assert_eq!(days[0].availability, None); // 08-31: before the first observation
        assert_eq!(days[1].availability, Some(1.0));
        assert_eq!(days[2].worst, Severity::MajorOutage);
        assert_eq!(days[2].availability, Some(0.75));
        assert_eq!(days[3].availability, Some(1.0)); // today, up to now
    }

    #[test]
    fn cache_roundtrip_and_prune() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        let now = t("2026-09-01T00:00:00Z");
        s.transaction(|tx| tx.put_cache("http://x/a", Some("\"e1\""), None, b"{}", now))
            .expect("w");
        let c = s.cached("http://x/a").expect("q").expect("some");
        assert_eq!(c.etag.as_deref(), Some("\"e1\""));
        assert_eq!(c.body, b"{}");
        s.transaction(|tx| {
            tx.add_change(
                "x",
                t("2024-01-01T00:00:00Z"),
                Severity::Unknown,
                Severity::Operational,
            )?;
            tx.add_change(
                "x",
                t("2026-08-01T00:00:00Z"),
                Severity::Operational,
                Severity::Degraded,
            )
        })
        .expect("w");
        assert_eq!(s.prune(now).expect("prune"), 1);
        assert_eq!(
            s.changes("x", t("2000-01-01T00:00:00Z")).expect("q").len(),
            1
        );
    }

    #[test]
    fn corrupt_file_is_moved_aside_not_deleted() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("vigie.db");
        let junk = vec![0x42u8; 8192];
        std::fs::write(&db, &junk).expect("write");
        let s = Store::open(&db).expect("open recovers");
        let msg = s.recovered.clone().expect("message");
        assert!(msg.contains("moved aside"), "{msg}");
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read(aside[0].path()).expect("read"), junk);
        assert_eq!(s.integrity_check().expect("ic"), "ok");
    }

    #[test]
    fn a_weekend_not_watched_is_no_data_not_two_degraded_days() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        // Friday 10:00 a degraded reading; the laptop closes at 18:00 (the engine records the gap
        // at its next start, at the last time it looked); Monday 09:00 operational.
        s.transaction(|tx| {
            tx.add_change(
                "x",
                t("2026-12-04T10:00:00Z"),
                Severity::Unknown,
                Severity::Degraded,
            )?;
            tx.add_change(
                "x",
                t("2026-12-04T18:00:00Z"),
                Severity::Degraded,
                Severity::Unknown,
            )?;
            tx.add_change(
                "x",
                t("2026-12-07T09:00:00Z"),
                Severity::Unknown,
                Severity::Operational,
            )
        })
        .expect("w");
        let days = s
            .daily_availability("x", 4, t("2026-12-07T21:00:00Z"))
            .expect("q");
        let fri = &days[0];
        assert_eq!(fri.worst, Severity::Degraded);
        assert_eq!(fri.availability, Some(0.0));
        assert!((fri.coverage - 8.0 / 24.0).abs() < 1e-9, "{}", fri.coverage);
        for d in &days[1..3] {
            assert_eq!(d.worst, Severity::Unknown, "{}", d.date);
            assert_eq!(d.availability, None, "{}", d.date);
            assert_eq!(d.coverage, 0.0, "{}", d.date);
        }
        let mon = &days[3];
        assert_eq!(mon.availability, Some(1.0));
        assert!(
            (mon.coverage - 12.0 / 21.0).abs() < 1e-9,
            "{}",
            mon.coverage
        );
    }

    #[test]
    fn updates_without_a_time_are_stored_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        let mut i = incident("i1", &[]);
        i.updates.push(IncidentUpdate {
            at: None,
            status: "investigating".into(),
            text: "No time given".into(),
        });
        for n in 0..5 {
            let now = t("2026-09-01T10:00:00Z") + ChronoDuration::minutes(n);
            s.transaction(|tx| tx.upsert_incident("svc", &i, now))
                .expect("w");
        }
        let got = s.incidents(Some("svc"), None).expect("q");
        assert_eq!(got[0].incident.updates.len(), 1);
    }

    #[test]
    fn migration_merges_duplicate_updates_and_feed_ids() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("vigie.db");
        {
            // A version-1 file as earlier releases wrote it.
            let c = Connection::open(&db).expect("open");
            c.execute_batch(MIGRATIONS[0]).expect("v1");
            c.execute_batch(
                "PRAGMA user_version = 1;
                 INSERT INTO incident VALUES ('openai', '01K0ABC', 'incident', 'Errors', 'resolved',
                    'degraded', 100, 200, NULL, '[]', 100, 200);
                 INSERT INTO incident VALUES ('openai',
                    'https://status.openai.com//incidents/01K0ABC', 'incident', 'Errors',
                    'resolved', 'degraded', 100, 200, NULL, '[]', 100, 300);
                 INSERT INTO incident VALUES ('openai',
                    'https://status.openai.com//incidents/01K0XYZ', 'incident', 'Other',
                    'resolved', 'degraded', 100, 200, NULL, '[]', 100, 300);
                 INSERT INTO incident_update VALUES ('openai', '01K0ABC', NULL, 'investigating', 'a');
                 INSERT INTO incident_update VALUES ('openai', '01K0ABC', NULL, 'investigating', 'a');
                 INSERT INTO incident_update VALUES ('openai', '01K0ABC', NULL, 'investigating', 'a');",
            )
            .expect("rows");
        }
        let s = Store::open(&db).expect("migrates");
        let got = s.incidents(Some("openai"), None).expect("q");
        let ids: Vec<&str> = got.iter().map(|i| i.incident.id.as_str()).collect();
        assert_eq!(ids, ["01K0ABC", "01K0XYZ"]);
        assert_eq!(got[0].incident.updates.len(), 1);
        assert_eq!(s.integrity_check().expect("ic"), "ok");
    }

    #[test]
    fn vanished_incidents_close_as_watched_or_unwatched() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        let seen = t("2026-09-01T10:05:00Z");
        s.transaction(|tx| {
            tx.upsert_incident("svc", &incident("watched", &[]), seen)?;
            tx.upsert_incident("svc", &incident("unwatched", &[]), seen)?;
            tx.upsert_incident("svc", &incident("listed", &[]), seen)
        })
        .expect("w");
        let now = t("2026-09-20T08:00:00Z");
        let listed: HashSet<String> = ["listed".to_string()].into();
        let watched: HashSet<String> = ["watched".to_string()].into();
        let n = s
            .transaction(|tx| tx.close_vanished("svc", &listed, Some(&watched), now))
            .expect("close");
        assert_eq!(n, 2);
        let got = s.incidents(Some("svc"), None).expect("q");
        let by = |id: &str| {
            got.iter()
                .find(|i| i.incident.id == id)
                .map(|i| i.incident.clone())
                .expect(id)
        };
        assert_eq!(by("watched").status, "resolved");
        assert_eq!(by("watched").resolved_at, Some(now));
        assert_eq!(by("unwatched").status, ENDED_UNWATCHED);
        assert_eq!(by("unwatched").resolved_at, Some(seen));
        assert!(by("unwatched").is_resolved());
        assert_eq!(by("listed").resolved_at, None);
    }
}
