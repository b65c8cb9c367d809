//! The SQLite history store: last known state per service (so the tray and `vigie status` show
//! something at once, without network), status changes (transitions only), incidents with every
//! update, and HTTP validators with the last body (so a 304 reuses the stored reading, even across
//! separate `vigie check` runs).
//!
//! WAL mode with `synchronous = NORMAL`: a crash may lose the last transaction but never corrupts the
//! file. A file that is not a readable database is moved aside (never deleted) and a new one made.

use std::collections::HashSet;
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
    // `https://status.example.com//incidents/<ULID>` (Atom); both become the bare id, in Rust
    // after this (`merge_feed_ids`), by the same rule the feed reader uses.
    "DELETE FROM incident_update WHERE rowid NOT IN (
        SELECT MIN(rowid) FROM incident_update
        GROUP BY service_id, incident_id, IFNULL(at, -1), status, body);
     CREATE UNIQUE INDEX incident_update_key
        ON incident_update(service_id, incident_id, IFNULL(at, -1), status, body);",
    // 3: the per-day roll-up of status changes (see `status_day` below), so that uptime and the
    // report read ~90 rows per service instead of every change; backfilled in Rust after this.
    "CREATE TABLE status_day (
        service_id TEXT NOT NULL,
        day INTEGER NOT NULL,
        worst TEXT NOT NULL,
        close_status TEXT NOT NULL,
        unknown_secs INTEGER NOT NULL,
        operational_secs INTEGER NOT NULL,
        maintenance_secs INTEGER NOT NULL,
        degraded_secs INTEGER NOT NULL,
        partial_outage_secs INTEGER NOT NULL,
        major_outage_secs INTEGER NOT NULL,
        PRIMARY KEY (service_id, day)
     ) WITHOUT ROWID;",
];

/// The schema version that makes ids one per incident: reaching it rewrites feed-URL ids.
const ONE_ID_VERSION: usize = 2;

/// The schema version that adds `status_day`: reaching it backfills the table from `status_change`.
const ROLLUP_VERSION: usize = 3;

const SECONDS_PER_DAY: i64 = 86_400;

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

/// Observed time over a range: seconds in each status Vigie saw (no-data time excluded).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Observed {
    /// Seconds in the range.
    pub span: i64,
    /// Seconds observed (any status but unknown).
    pub seen: i64,
    /// Seconds operational or in maintenance.
    pub good: i64,
    /// Seconds at partial or major outage.
    pub outage: i64,
}

impl Observed {
    fn of(secs: &[i64; 6], span: i64) -> Observed {
        let at = |s: Severity| secs[s as usize];
        Observed {
            span,
            seen: secs.iter().sum::<i64>() - at(Severity::Unknown),
            good: at(Severity::Operational) + at(Severity::Maintenance),
            outage: at(Severity::PartialOutage) + at(Severity::MajorOutage),
        }
    }

    /// Share of the observed time that was operational or maintenance; None = nothing observed.
    pub fn availability(&self) -> Option<f64> {
        (self.seen > 0).then(|| self.good as f64 / self.seen as f64)
    }

    /// Share of the range observed; None = nothing observed.
    pub fn coverage(&self) -> Option<f64> {
        (self.seen > 0 && self.span > 0).then(|| self.seen as f64 / self.span as f64)
    }
}

/// An incident as the report needs it: kind, impact and times, no text.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSpan {
    pub service: String,
    pub maintenance: bool,
    pub status: String,
    pub impact: Severity,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
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

/// The database's file name in its data directory.
pub const FILE: &str = "vigie.db";

impl Store {
    /// Open (or create) `dir/vigie.db`. A corrupt file is moved aside to `vigie.db.corrupt-<time>`.
    pub fn open_dir(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        Store::open(&dir.join(FILE))
    }

    /// Open the database another process owns (the window opening the tray's): a file that is
    /// not a readable database is an error here, never moved aside, since its owner has it open
    /// and recovers it.
    pub fn open_shared(path: &Path) -> Result<Store, StoreError> {
        Store::try_open(path)
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
            if i + 1 == ONE_ID_VERSION {
                merge_feed_ids(&tx).map_err(err)?;
            }
            if i + 1 == ROLLUP_VERSION {
                rebuild_rollup(&tx).map_err(err)?;
            }
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

    /// Per-day worst status and availability for the last `days` days (oldest first), today up to
    /// `now`. Days before the first observation have no data; time in `unknown` is not observed.
    /// Whole days come from the roll-up, today from its changes.
    pub fn daily_availability(
        &self,
        service: &str,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<Day>, StoreError> {
        let first = day_of(ts(now)) - (i64::from(days.max(1)) - 1);
        let cells = day_cells(&self.conn, service, first, ts(now)).map_err(|e| self.err(e))?;
        Ok(cells
            .into_iter()
            .map(|(d, row, span)| {
                let o = Observed::of(&row.secs, span);
                Day {
                    date: Utc
                        .timestamp_opt(d * SECONDS_PER_DAY, 0)
                        .single()
                        .map(|t| t.date_naive())
                        .unwrap_or_default(),
                    worst: row.worst,
                    availability: o.availability(),
                    coverage: if span > 0 {
                        o.seen as f64 / span as f64
                    } else {
                        0.0
                    },
                }
            })
            .collect())
    }

    /// Observed time of a service from midnight UTC of `from` to `to` (no-data time excluded).
    pub fn observed(
        &self,
        service: &str,
        from: chrono::NaiveDate,
        to: DateTime<Utc>,
    ) -> Result<Observed, StoreError> {
        let first = day_of(ts(
            Utc.from_utc_datetime(&from.and_time(chrono::NaiveTime::MIN))
        ));
        let cells = day_cells(&self.conn, service, first, ts(to)).map_err(|e| self.err(e))?;
        let mut secs = [0i64; 6];
        let mut span = 0;
        for (_, row, s) in &cells {
            for (a, b) in secs.iter_mut().zip(row.secs) {
                *a += b;
            }
            span += s;
        }
        Ok(Observed::of(&secs, span))
    }

    /// Every incident (maintenance included) that started in `[from, to)`, lean: no updates.
    /// The start is the page's, else when Vigie first saw it.
    pub fn incident_spans(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<IncidentSpan>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT service_id, kind, status, impact, COALESCE(started_at, first_seen), resolved_at
                 FROM incident
                 WHERE COALESCE(started_at, first_seen) >= ?1 AND COALESCE(started_at, first_seen) < ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![ts(from), ts(to)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let (service, kind, status, impact, start, resolved) = r.map_err(|e| self.err(e))?;
            let Some(started_at) = from_ts(start) else {
                continue;
            };
            out.push(IncidentSpan {
                service,
                maintenance: kind == "maintenance",
                status,
                impact: Severity::parse(&impact).unwrap_or_default(),
                started_at,
                resolved_at: resolved.and_then(from_ts),
            });
        }
        Ok(out)
    }

    /// [`Store::daily_availability`] the slow way, scanning every change: what the roll-up must
    /// agree with (tests).
    #[cfg(test)]
    fn daily_availability_scan(
        &self,
        service: &str,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<Day>, StoreError> {
        let today = now.date_naive();
        let first_day = today - ChronoDuration::days(i64::from(days.max(1)) - 1);
        let start = Utc.from_utc_datetime(&first_day.and_hms_opt(0, 0, 0).unwrap_or_default());
        // The status in force when the window opens.
        let before = status_before(&self.conn, service, ts(start)).map_err(|e| self.err(e))?;
        let changes = self.changes(service, start)?;
        let mut out = Vec::with_capacity(days as usize);
        let mut cur = before.map(|(status, _)| status);
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
            // Each service keeps the last change before the cut: it says what was in force when
            // the window opens (without it, a service that has not changed for 400 days would
            // lose its whole uptime).
            let mut n = tx.0.execute(
                "DELETE FROM status_change WHERE at < ?1 AND id NOT IN (
                    SELECT id FROM (
                        SELECT id, ROW_NUMBER() OVER (
                            PARTITION BY service_id ORDER BY at DESC, id DESC) AS rn
                        FROM status_change WHERE at < ?1)
                    WHERE rn = 1)",
                [cut],
            )?;
            prune_rollup(tx.0)?;
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

// The per-day roll-up. One `status_day` row per (service, UTC day) on which at least one status
// change happened: the worst status of the day (the one in force at midnight included), the status
// in force at its end, and the seconds spent in each status from midnight to midnight. A day with
// no change is the previous row's closing status all day, so it needs no row. Rows are kept exact
// as changes are written (same transaction), so reading 90 days costs ~90 rows, not every change.

/// One `status_day` row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DayRow {
    worst: Severity,
    close: Severity,
    /// Seconds in each status, indexed by `Severity as usize`, to the day's end.
    secs: [i64; 6],
}

impl DayRow {
    /// A day that opens in `prior` (None: nothing recorded before) with `changes` (at, to) in
    /// order, all inside `[start, start + 1 day)`.
    fn build(prior: Option<Severity>, start: i64, changes: &[(i64, Severity)]) -> DayRow {
        let mut cur = prior.unwrap_or(Severity::Unknown);
        let mut row = DayRow {
            worst: cur,
            close: cur,
            secs: [0; 6],
        };
        let mut t = start;
        for &(at, to) in changes {
            row.secs[cur as usize] += (at - t).max(0);
            cur = to;
            row.worst = row.worst.max(to);
            t = at;
        }
        row.secs[cur as usize] += (start + SECONDS_PER_DAY - t).max(0);
        row.close = cur;
        row
    }

    /// A whole day with no change.
    fn constant(s: Severity) -> DayRow {
        let mut secs = [0; 6];
        secs[s as usize] = SECONDS_PER_DAY;
        DayRow {
            worst: s,
            close: s,
            secs,
        }
    }
}

fn day_of(t: i64) -> i64 {
    t.div_euclid(SECONDS_PER_DAY)
}

fn sev(word: &str) -> Severity {
    Severity::parse(word).unwrap_or_default()
}

/// The last recorded change of a service before `before` (seconds): its status and time.
fn status_before(
    c: &Connection,
    service: &str,
    before: i64,
) -> Result<Option<(Severity, i64)>, rusqlite::Error> {
    c.prepare_cached(
        "SELECT to_status, at FROM status_change WHERE service_id = ?1 AND at < ?2
         ORDER BY at DESC, id DESC LIMIT 1",
    )?
    .query_row(params![service, before], |r| {
        Ok((sev(&r.get::<_, String>(0)?), r.get(1)?))
    })
    .optional()
}

fn put_row(c: &Connection, service: &str, day: i64, r: &DayRow) -> Result<(), rusqlite::Error> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO status_day (service_id, day, worst, close_status, unknown_secs,
            operational_secs, maintenance_secs, degraded_secs, partial_outage_secs, major_outage_secs)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        service,
        day,
        r.worst.as_str(),
        r.close.as_str(),
        r.secs[0],
        r.secs[1],
        r.secs[2],
        r.secs[3],
        r.secs[4],
        r.secs[5]
    ])?;
    Ok(())
}

fn row_of(r: &rusqlite::Row<'_>, first: usize) -> Result<DayRow, rusqlite::Error> {
    let mut secs = [0; 6];
    for (k, v) in secs.iter_mut().enumerate() {
        *v = r.get(first + 2 + k)?;
    }
    Ok(DayRow {
        worst: sev(&r.get::<_, String>(first)?),
        close: sev(&r.get::<_, String>(first + 1)?),
        secs,
    })
}

const ROW_COLUMNS: &str = "worst, close_status, unknown_secs, operational_secs, maintenance_secs,
    degraded_secs, partial_outage_secs, major_outage_secs";

fn get_row(c: &Connection, service: &str, day: i64) -> Result<Option<DayRow>, rusqlite::Error> {
    c.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM status_day WHERE service_id = ?1 AND day = ?2"
    ))?
    .query_row(params![service, day], |r| row_of(r, 0))
    .optional()
}

/// The status in force at the start of `day`: the closing status of the last row before it.
fn close_before(
    c: &Connection,
    service: &str,
    day: i64,
) -> Result<Option<Severity>, rusqlite::Error> {
    c.prepare_cached(
        "SELECT close_status FROM status_day WHERE service_id = ?1 AND day < ?2
         ORDER BY day DESC LIMIT 1",
    )?
    .query_row(params![service, day], |r| r.get::<_, String>(0))
    .optional()
    .map(|s| s.map(|s| sev(&s)))
}

/// Raw changes of a service in `[from, to)`, in order: (at, to).
fn raw_changes(
    c: &Connection,
    service: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Severity)>, rusqlite::Error> {
    let mut st = c.prepare_cached(
        "SELECT at, to_status FROM status_change WHERE service_id = ?1 AND at >= ?2 AND at < ?3
         ORDER BY at, id",
    )?;
    let rows = st.query_map(params![service, from, to], |r| {
        Ok((r.get::<_, i64>(0)?, sev(&r.get::<_, String>(1)?)))
    })?;
    rows.collect()
}

/// Recompute one day's row from the raw changes (or drop it when the day has none).
fn refresh_day(c: &Connection, service: &str, day: i64) -> Result<(), rusqlite::Error> {
    let start = day * SECONDS_PER_DAY;
    let changes = raw_changes(c, service, start, start + SECONDS_PER_DAY)?;
    if changes.is_empty() {
        c.prepare_cached("DELETE FROM status_day WHERE service_id = ?1 AND day = ?2")?
            .execute(params![service, day])?;
        return Ok(());
    }
    let prior = status_before(c, service, start)?.map(|(status, _)| status);
    put_row(c, service, day, &DayRow::build(prior, start, &changes))
}

/// Keep the roll-up exact after a change was inserted (the change row is already written).
fn rollup_change(
    c: &Connection,
    service: &str,
    at: i64,
    to: Severity,
) -> Result<(), rusqlite::Error> {
    let day = day_of(at);
    let later: Option<i64> = c
        .prepare_cached(
            "SELECT at FROM status_change WHERE service_id = ?1 AND at > ?2 ORDER BY at LIMIT 1",
        )?
        .query_row(params![service, at], |r| r.get(0))
        .optional()?;
    if let Some(next) = later {
        // Written out of order (rare: a clock step back): recompute this day, and the day of the
        // next change, whose opening status may now differ.
        refresh_day(c, service, day)?;
        if day_of(next) != day {
            refresh_day(c, service, day_of(next))?;
        }
        return Ok(());
    }
    // The usual case, the newest change: only the tail of its day moves from the old closing status
    // to the new one.
    let end = (day + 1) * SECONDS_PER_DAY;
    let row = match get_row(c, service, day)? {
        Some(mut r) => {
            let tail = end - at;
            r.secs[r.close as usize] -= tail;
            r.secs[to as usize] += tail;
            r.worst = r.worst.max(to);
            r.close = to;
            r
        }
        None => DayRow::build(
            close_before(c, service, day)?,
            day * SECONDS_PER_DAY,
            &[(at, to)],
        ),
    };
    put_row(c, service, day, &row)
}

/// Rows stored under a feed URL (`https://…/incidents/<id>`) move to the bare id the APIs use; where
/// that id already has a row, the API's row is kept and the feed's copy goes.
fn merge_feed_ids(c: &Connection) -> Result<(), rusqlite::Error> {
    let ids: Vec<(String, String)> = {
        let mut st = c.prepare(
            "SELECT DISTINCT service_id, incident_id FROM incident WHERE incident_id LIKE 'http%'
             UNION SELECT DISTINCT service_id, incident_id FROM incident_update
                   WHERE incident_id LIKE 'http%'",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (service, old) in ids {
        let new = crate::platform::feed::incident_id(&old, None);
        if new == old {
            continue;
        }
        for table in ["incident", "incident_update"] {
            c.execute(
                &format!(
                    "UPDATE OR IGNORE {table} SET incident_id = ?3
                     WHERE service_id = ?1 AND incident_id = ?2"
                ),
                params![service, old, new],
            )?;
            c.execute(
                &format!("DELETE FROM {table} WHERE service_id = ?1 AND incident_id = ?2"),
                params![service, old],
            )?;
        }
    }
    Ok(())
}

/// After old changes were deleted: per service, rows before its first remaining change go, and
/// that change's day is recomputed (what was in force before it is no longer known).
fn prune_rollup(c: &Connection) -> Result<(), rusqlite::Error> {
    let firsts: Vec<(String, Option<i64>)> = {
        let mut st = c.prepare(
            "SELECT d.service_id, (SELECT MIN(at) FROM status_change s WHERE s.service_id = d.service_id)
             FROM (SELECT DISTINCT service_id FROM status_day) d",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (service, first) in firsts {
        match first {
            Some(at) => {
                c.execute(
                    "DELETE FROM status_day WHERE service_id = ?1 AND day < ?2",
                    params![service, day_of(at)],
                )?;
                refresh_day(c, &service, day_of(at))?;
            }
            None => {
                c.execute("DELETE FROM status_day WHERE service_id = ?1", [&service])?;
            }
        }
    }
    Ok(())
}

/// One service's day being gathered by [`rebuild_rollup`].
struct OpenDay {
    service: String,
    day: i64,
    prior: Option<Severity>,
    changes: Vec<(i64, Severity)>,
}

impl OpenDay {
    /// Write its row; returns its closing status.
    fn flush(&self, c: &Connection) -> Result<Severity, rusqlite::Error> {
        let r = DayRow::build(self.prior, self.day * SECONDS_PER_DAY, &self.changes);
        put_row(c, &self.service, self.day, &r)?;
        Ok(r.close)
    }
}

/// Rebuild the whole roll-up from `status_change` (the migration's backfill).
fn rebuild_rollup(c: &Connection) -> Result<(), rusqlite::Error> {
    c.execute("DELETE FROM status_day", [])?;
    let mut st = c.prepare(
        "SELECT service_id, at, to_status FROM status_change ORDER BY service_id, at, id",
    )?;
    let mut rows = st.query([])?;
    let mut open: Option<OpenDay> = None;
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let at: i64 = r.get(1)?;
        let to = sev(&r.get::<_, String>(2)?);
        let day = day_of(at);
        match &mut open {
            Some(o) if o.service == service && o.day == day => o.changes.push((at, to)),
            _ => {
                let prior = match &open {
                    Some(o) => {
                        let close = o.flush(c)?;
                        (o.service == service).then_some(close)
                    }
                    None => None,
                };
                open = Some(OpenDay {
                    service,
                    day,
                    prior,
                    changes: vec![(at, to)],
                });
            }
        }
    }
    if let Some(o) = &open {
        o.flush(c)?;
    }
    Ok(())
}

/// Per-day cells of one service for the days `first_day..=day_of(to)` (`to` excluded): whole days
/// from the roll-up, the last (partial) day from its raw changes up to `to`. Each cell: (day,
/// worst, seconds per status, seconds in the cell).
fn day_cells(
    c: &Connection,
    service: &str,
    first_day: i64,
    to: i64,
) -> Result<Vec<(i64, DayRow, i64)>, rusqlite::Error> {
    let last_day = day_of(to);
    let mut out = Vec::with_capacity((last_day - first_day + 1).max(0) as usize);
    if last_day < first_day {
        return Ok(out);
    }
    let mut cur = close_before(c, service, first_day)?;
    let mut st = c.prepare_cached(&format!(
        "SELECT day, {ROW_COLUMNS} FROM status_day WHERE service_id = ?1 AND day >= ?2 AND day < ?3
         ORDER BY day"
    ))?;
    let rows = st.query_map(params![service, first_day, last_day], |r| {
        Ok((r.get::<_, i64>(0)?, row_of(r, 1)?))
    })?;
    // Days without a row spend the whole day in the status in force.
    let fill = |out: &mut Vec<(i64, DayRow, i64)>, from: i64, until: i64, cur: Option<Severity>| {
        for d in from..until {
            out.push((
                d,
                DayRow::constant(cur.unwrap_or_default()),
                SECONDS_PER_DAY,
            ));
        }
    };
    let mut day = first_day;
    for r in rows {
        let (d, row) = r?;
        fill(&mut out, day, d, cur);
        out.push((d, row, SECONDS_PER_DAY));
        cur = Some(row.close);
        day = d + 1;
    }
    fill(&mut out, day, last_day, cur);
    // The partial last day, up to `to`.
    let start = last_day * SECONDS_PER_DAY;
    let changes = raw_changes(c, service, start, to)?;
    let mut row = DayRow::build(cur, start, &changes);
    // `build` ran the last status to midnight: cut it at `to`.
    row.secs[row.close as usize] -= start + SECONDS_PER_DAY - to;
    out.push((last_day, row, to - start));
    Ok(out)
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

    /// Record a status change; the per-day roll-up is kept exact in the same transaction.
    pub fn add_change(
        &self,
        service: &str,
        at: DateTime<Utc>,
        from: Severity,
        to: Severity,
    ) -> Result<(), rusqlite::Error> {
        self.0
            .prepare_cached(
                "INSERT INTO status_change (service_id, at, from_status, to_status) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![service, ts(at), from.as_str(), to.as_str()])?;
        rollup_change(self.0, service, ts(at), to)
    }

    /// Insert or update an incident keyed by the provider's id, adding any update not yet stored.
    /// `reopen`: the page lists it open right now, so a stored end is dropped (it had dropped off
    /// a listing, or ended unwatched and came back).
    pub fn upsert_incident(
        &self,
        service: &str,
        i: &Incident,
        reopen: bool,
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
                resolved_at = CASE WHEN ?12 THEN NULL
                                   ELSE COALESCE(excluded.resolved_at, incident.resolved_at) END,
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
                reopen && !i.is_resolved(),
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

    /// The status in force last in the uptime history of a service, and since when.
    pub fn last_status(
        &self,
        service: &str,
    ) -> Result<Option<(Severity, DateTime<Utc>)>, rusqlite::Error> {
        let row = status_before(self.0, service, i64::MAX)?;
        Ok(row.and_then(|(status, at)| Some((status, from_ts(at)?))))
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
                true,
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
                true,
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
                Severity::Degraded,
            )?;
            tx.add_change(
                "x",
                t("2024-03-01T00:00:00Z"),
                Severity::Degraded,
                Severity::Operational,
            )?;
            tx.add_change(
                "x",
                t("2026-08-01T00:00:00Z"),
                Severity::Operational,
                Severity::Degraded,
            )?;
            // A service that has been operational for longer than the retention window.
            tx.add_change(
                "quiet",
                t("2024-02-01T00:00:00Z"),
                Severity::Unknown,
                Severity::Operational,
            )
        })
        .expect("w");
        assert_eq!(s.prune(now).expect("prune"), 1, "only the older 2024 row");
        let kept: Vec<Severity> = s
            .changes("x", t("2000-01-01T00:00:00Z"))
            .expect("q")
            .iter()
            .map(|c| c.2)
            .collect();
        assert_eq!(kept, [Severity::Operational, Severity::Degraded]);
        // The quiet service keeps its one change, so its recent days still read observed.
        // (`now` is midnight: today has no time yet, so the two days before it are checked.)
        let days = s.daily_availability("quiet", 3, now).expect("days");
        assert!(
            days[..2].iter().all(|d| d.availability == Some(1.0)),
            "{days:?}"
        );
    }

    #[test]
    fn corrupt_file_is_moved_aside_not_deleted() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("vigie.db");
        let junk = vec![0x42u8; 8192];
        std::fs::write(&db, &junk).expect("write");
        // Opened by a process that does not own it (the window): an error, the file untouched.
        let shared = Store::open_shared(&db).err().map(|e| e.to_string());
        assert!(shared.is_some_and(|e| e.contains("vigie.db")));
        assert_eq!(std::fs::read(&db).expect("read"), junk);
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
            s.transaction(|tx| tx.upsert_incident("svc", &i, true, now))
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
                 INSERT INTO incident VALUES ('openai',
                    'https://status.openai.com/incidents/01K0TRAIL/', 'incident', 'Trailing',
                    'resolved', 'degraded', 90, 200, NULL, '[]', 90, 300);
                 INSERT INTO incident VALUES ('openai',
                    'https://status.openai.com/incidents/01K0NEST/updates/2', 'incident', 'Nested',
                    'resolved', 'degraded', 80, 200, NULL, '[]', 80, 300);
                 INSERT INTO incident_update VALUES ('openai', '01K0ABC', NULL, 'investigating', 'a');
                 INSERT INTO incident_update VALUES ('openai', '01K0ABC', NULL, 'investigating', 'a');
                 INSERT INTO incident_update VALUES ('openai', '01K0ABC', NULL, 'investigating', 'a');",
            )
            .expect("rows");
        }
        let s = Store::open(&db).expect("migrates");
        let got = s.incidents(Some("openai"), None).expect("q");
        let ids: Vec<&str> = got.iter().map(|i| i.incident.id.as_str()).collect();
        // The feed reader's rule: a trailing slash is no part of the id; a longer path is not an
        // incident id at all and stays as written.
        assert_eq!(
            ids,
            [
                "01K0ABC",
                "01K0XYZ",
                "01K0TRAIL",
                "https://status.openai.com/incidents/01K0NEST/updates/2"
            ]
        );
        assert_eq!(got[0].incident.updates.len(), 1);
        assert_eq!(s.integrity_check().expect("ic"), "ok");
    }

    #[test]
    fn vanished_incidents_close_as_watched_or_unwatched() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        let seen = t("2026-09-01T10:05:00Z");
        s.transaction(|tx| {
            tx.upsert_incident("svc", &incident("watched", &[]), true, seen)?;
            tx.upsert_incident("svc", &incident("unwatched", &[]), true, seen)?;
            tx.upsert_incident("svc", &incident("listed", &[]), true, seen)
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
        // Listed open again: by a history read only (it can lag the page), it stays ended; back
        // on the page itself, still open, it is open again.
        let list_open = |s: &mut Store, reopen: bool| {
            s.transaction(|tx| tx.upsert_incident("svc", &incident("unwatched", &[]), reopen, now))
                .expect("w");
            let got = s.incidents(Some("svc"), None).expect("q");
            got.into_iter()
                .find(|i| i.incident.id == "unwatched")
                .map(|i| i.incident)
                .expect("row")
        };
        assert_eq!(list_open(&mut s, false).resolved_at, Some(seen));
        let back = list_open(&mut s, true);
        assert_eq!(back.resolved_at, None);
        assert!(!back.is_resolved());
    }

    /// Random histories (out-of-order writes, same-second ties, gaps, several services), checked
    /// day by day against the scan over every change: after the writes, after a prune, and after
    /// a rebuild from scratch (the migration's backfill).
    #[test]
    fn rollup_agrees_with_the_scan_on_random_histories() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open_dir(dir.path()).expect("open");
        let base = t("2026-06-01T00:00:00Z");
        let mut rng = fastrand::Rng::with_seed(9);
        let compare = |s: &Store, rng: &mut fastrand::Rng, what: &str| {
            for svc in ["a", "b", "c"] {
                for _ in 0..6 {
                    let now = base + ChronoDuration::seconds(rng.i64(-86_400..60 * 86_400));
                    let days = rng.u32(1..70);
                    let fast = s.daily_availability(svc, days, now).expect("rollup");
                    let slow = s.daily_availability_scan(svc, days, now).expect("scan");
                    assert_eq!(fast, slow, "{what}: {svc}, {days} days to {now}");
                }
            }
        };
        for round in 0..4 {
            s.transaction(|tx| {
                for _ in 0..300 {
                    let svc = ["a", "b", "c"][rng.usize(0..3)];
                    // Mostly short steps forward in time; sometimes far back or on the same second.
                    let at = base
                        + ChronoDuration::seconds(match rng.u8(0..10) {
                            0 => 0,
                            1 => rng.i64(0..50 * 86_400),
                            _ => rng.i64(0..3_600) + i64::from(round) * 12 * 86_400,
                        });
                    let to = Severity::ALL[rng.usize(0..Severity::ALL.len())];
                    tx.add_change(svc, at, Severity::Unknown, to)?;
                }
                Ok(())
            })
            .expect("write");
            compare(&s, &mut rng, "after writes");
        }
        let pruned = s
            .prune(base + ChronoDuration::days(RETENTION_DAYS + 20))
            .expect("prune");
        assert!(pruned > 0);
        compare(&s, &mut rng, "after prune");
        rebuild_rollup(&s.conn).expect("rebuild");
        compare(&s, &mut rng, "after rebuild");
    }

    #[test]
    fn migration_backfills_the_rollup_from_existing_changes() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("vigie.db");
        {
            // A version-2 file: changes and no roll-up.
            let c = Connection::open(&db).expect("open");
            c.execute_batch(MIGRATIONS[0]).expect("v1");
            c.execute_batch(MIGRATIONS[1]).expect("v2");
            c.execute_batch("PRAGMA user_version = 2").expect("v");
            let mut at = ts(t("2026-09-01T06:00:00Z"));
            for (k, to) in [
                "operational",
                "degraded",
                "unknown",
                "major_outage",
                "operational",
            ]
            .iter()
            .enumerate()
            {
                c.execute(
                    "INSERT INTO status_change (service_id, at, from_status, to_status)
                     VALUES ('x', ?1, 'unknown', ?2)",
                    params![at, to],
                )
                .expect("row");
                at += 7 * 3_600 * (k as i64 + 1);
            }
        }
        let s = Store::open(&db).expect("migrates");
        let rows: i64 = s
            .conn
            .query_row("SELECT COUNT(*) FROM status_day", [], |r| r.get(0))
            .expect("count");
        assert!(rows >= 3, "{rows}");
        let now = t("2026-09-06T12:00:00Z");
        assert_eq!(
            s.daily_availability("x", 8, now).expect("q"),
            s.daily_availability_scan("x", 8, now).expect("scan")
        );
        // No data for 6 h, operational 7 h, degraded 14 h, a gap of 21 h, a major outage of 28 h.
        let o = s
            .observed("x", t("2026-09-01T00:00:00Z").date_naive(), now)
            .expect("obs");
        assert_eq!(o.span, 5 * 86_400 + 12 * 3_600);
        assert_eq!(o.outage, 28 * 3_600);
        assert_eq!(o.seen, o.span - 6 * 3_600 - 21 * 3_600);
    }
}
