//! The poller: decides what is due, fetches each distinct URL once, reads, tracks, stores.
//!
//! Politeness and honesty rules live here:
//! * one fetch per distinct URL per cycle, even when several services share a page (OpenAI's four
//!   products are one incident.io page); at most `CONCURRENCY` requests in flight;
//! * conditional requests with validators kept in the store, so a 304 costs nothing and reuses the
//!   stored body, even across separate `vigie check` runs;
//! * never faster than [`MIN_INTERVAL`] for public pages (loopback is exempt), twice as fast while a
//!   service has an open incident, history at a slower cadence, exponential back-off for a failing
//!   page, `Retry-After` honoured;
//! * when every page fetch fails below HTTP, the machine is offline: nothing is marked down, no event
//!   is raised, the last state is kept and marked stale, and pages are re-tried every 20 s.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};

use crate::config::{Config, MIN_INTERVAL};
use crate::fetch::{self, FetchError, Response};
use crate::model::Severity;
use crate::platform::{self, Fetch};
use crate::service::ServiceSpec;
use crate::snapshot::{ServiceState, Snapshot};
use crate::store::{CachedResponse, Store, StoreError};
use crate::transitions::{Change, Event, Observation, Tracker};

const CONCURRENCY: usize = 8;
/// Past incidents change rarely: refresh them every this often.
const HISTORY_EVERY: Duration = Duration::from_secs(15 * 60);
/// How soon to look again while the machine seems offline.
const OFFLINE_RETRY: Duration = Duration::from_secs(20);
/// Longest back-off for a failing page.
const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one cycle did.
#[derive(Debug, Clone)]
pub struct CycleReport {
    pub snapshot: Snapshot,
    pub events: Vec<Event>,
    /// Requests sent and bytes of bodies received (after decompression; 304s count 0).
    pub requests: usize,
    pub bytes: usize,
    pub not_modified: usize,
}

#[derive(Debug, Clone, Default)]
struct Schedule {
    next_due: Option<DateTime<Utc>>,
    history_due: Option<DateTime<Utc>>,
    failures: u32,
}

pub struct Engine {
    specs: Vec<ServiceSpec>,
    interval: Duration,
    timeout: Duration,
    client: reqwest::Client,
    store: Store,
    tracker: Tracker,
    states: HashMap<String, ServiceState>,
    schedule: HashMap<String, Schedule>,
    online: bool,
    last_prune: Option<DateTime<Utc>>,
    /// Validators and bodies by URL, mirrored from the store so a steady cycle reads no BLOBs.
    /// `None` = looked up, nothing stored.
    http_cache: HashMap<String, Option<Arc<CachedResponse>>>,
    /// When each service's state was last written, to skip writes that change nothing.
    persisted: HashMap<String, (ServiceState, DateTime<Utc>)>,
}

/// Rewrite an unchanged state at most this often, so `vigie status` elsewhere stays fresh enough.
const PERSIST_UNCHANGED_EVERY: Duration = Duration::from_secs(300);

impl Engine {
    /// Build an engine over the resolved services; the last known states come from the store so
    /// they can be shown before the first poll.
    pub fn new(config: &Config, store: Store) -> Result<Engine, EngineError> {
        let client = fetch::client(config.timeout)?;
        let mut e = Engine {
            specs: Vec::new(),
            interval: config.interval,
            timeout: config.timeout,
            client,
            store,
            tracker: Tracker::new(),
            states: HashMap::new(),
            schedule: HashMap::new(),
            online: true,
            last_prune: None,
            http_cache: HashMap::new(),
            persisted: HashMap::new(),
        };
        for s in e.store.states()? {
            e.states
                .insert(s.id.clone(), ServiceState { stale: true, ..s });
        }
        e.set_services(config.resolve());
        Ok(e)
    }

    /// Apply a new config: new services are due at once, removed ones are forgotten.
    pub fn reload(&mut self, config: &Config) -> Result<(), EngineError> {
        if config.timeout != self.timeout {
            self.client = fetch::client(config.timeout)?;
        }
        self.interval = config.interval;
        self.timeout = config.timeout;
        self.set_services(config.resolve());
        Ok(())
    }

    fn set_services(&mut self, specs: Vec<ServiceSpec>) {
        let keep: HashSet<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        let old: Vec<String> = self.specs.iter().map(|s| s.id.clone()).collect();
        for id in old.iter().filter(|id| !keep.contains(id.as_str())) {
            self.tracker.forget(id);
            self.schedule.remove(id);
        }
        for s in &specs {
            let changed = self
                .specs
                .iter()
                .find(|o| o.id == s.id)
                .is_none_or(|o| o != s);
            if changed {
                self.tracker.forget(&s.id);
                self.schedule.remove(&s.id);
            }
        }
        self.specs = specs;
    }

    pub fn services(&self) -> &[ServiceSpec] {
        &self.specs
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn online(&self) -> bool {
        self.online
    }

    /// Current knowledge, watched services only, in config order.
    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        let services = self
            .specs
            .iter()
            .map(|s| {
                self.states
                    .get(&s.id)
                    .cloned()
                    .unwrap_or_else(|| blank_state(s))
            })
            .collect();
        Snapshot::new(now, self.online, services)
    }

    /// When the next service is due.
    pub fn next_due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.specs
            .iter()
            .map(|s| {
                self.schedule
                    .get(&s.id)
                    .and_then(|x| x.next_due)
                    .unwrap_or(now)
            })
            .min()
            .unwrap_or(now + chrono_dur(self.interval))
    }

    /// Make every service due now (Refresh, network back, wake from suspend).
    pub fn make_all_due(&mut self) {
        for s in self.schedule.values_mut() {
            s.next_due = None;
        }
    }

    /// Poll the services that are due (all of them when `force`).
    pub async fn cycle(&mut self, force: bool) -> Result<CycleReport, EngineError> {
        let now = Utc::now();
        let due: Vec<ServiceSpec> = self
            .specs
            .iter()
            .filter(|s| {
                force
                    || self
                        .schedule
                        .get(&s.id)
                        .and_then(|x| x.next_due)
                        .is_none_or(|d| d <= now)
            })
            .cloned()
            .collect();

        // Every distinct URL once, current state and due history together.
        let mut urls: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        let mut plan: Vec<Planned> = Vec::new();
        for s in due {
            let eps = platform::endpoints(&s).map_err(|e| e.to_string());
            let hist = platform::history_endpoint(&s).filter(|_| {
                force
                    || self
                        .schedule
                        .get(&s.id)
                        .and_then(|x| x.history_due)
                        .is_none_or(|d| d <= now)
            });
            for u in eps.iter().flatten().chain(hist.iter()) {
                if seen.insert(u.clone()) {
                    urls.push(u.clone());
                }
            }
            plan.push((s, eps, hist));
        }

        for u in &urls {
            if !self.http_cache.contains_key(u) {
                let c = self.store.cached(u)?.map(Arc::new);
                self.http_cache.insert(u.clone(), c);
            }
        }
        let timeout = self.timeout;
        // Owned inputs: the future must be Send for `tokio::spawn`, which borrowed streams defeat.
        let jobs: Vec<(String, Option<Arc<CachedResponse>>, reqwest::Client)> = urls
            .iter()
            .map(|u| {
                let c = self.http_cache.get(u).cloned().flatten();
                (u.clone(), c, self.client.clone())
            })
            .collect();
        let results: HashMap<String, Result<Response, FetchError>> = stream::iter(jobs)
            .map(|(u, c, client)| async move {
                let r = fetch_with_retry(&client, &u, c.as_deref(), timeout).await;
                (u, r)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;

        let mut requests = 0;
        let mut bytes = 0;
        let mut not_modified = 0;
        for r in results.values() {
            requests += 1;
            if let Ok(r) = r {
                if r.not_modified {
                    not_modified += 1;
                } else {
                    bytes += r.body.len();
                }
            }
        }

        // Offline vote: every page fetch (probes excluded) failed below HTTP.
        let page_results: Vec<&Result<Response, FetchError>> = plan
            .iter()
            .filter(|(s, _, _)| !s.kind.is_probe())
            .flat_map(|(_, eps, _)| eps.iter().flatten())
            .filter_map(|u| results.get(u))
            .collect();
        let was_online = self.online;
        if !page_results.is_empty() {
            self.online = !page_results
                .iter()
                .all(|r| matches!(r, Err(e) if e.is_network()));
        }
        let online = self.online;

        let mut events = Vec::new();
        let mut writes: Vec<Write> = Vec::new();
        for (spec, eps, hist) in &plan {
            let obs = observe(spec, eps, &results);
            let sched = self.schedule.entry(spec.id.clone()).or_default();
            // Schedule the next look.
            let loopback = is_loopback(&spec.url);
            let floor = if loopback {
                Duration::ZERO
            } else {
                MIN_INTERVAL
            };
            let base = self.interval.max(floor);
            let failed = matches!(obs, Observation::Failed(_));
            let mut wait = if !online {
                OFFLINE_RETRY.min(base)
            } else if failed {
                sched.failures = sched.failures.saturating_add(1);
                (base * 2u32.saturating_pow(sched.failures.min(6) - 1)).min(MAX_BACKOFF.max(base))
            } else {
                sched.failures = 0;
                let open = matches!(&obs, Observation::Read(r) if r.incidents.iter().any(|i| !i.is_resolved()) || r.status.is_problem());
                if open {
                    (base / 2).max(floor)
                } else {
                    base
                }
            };
            if let Some(ra) = eps
                .iter()
                .flatten()
                .filter_map(|u| results.get(u)?.as_ref().ok()?.retry_after)
                .filter(|_| failed)
                .max()
            {
                wait = wait.max(ra);
            }
            sched.next_due = Some(now + chrono_dur(wait));

            // History, when fetched and readable.
            let mut history = Vec::new();
            if let Some(h) = hist {
                if let Some(Ok(r)) = results.get(h) {
                    if r.not_modified {
                        // Already read and stored when it last changed.
                        sched.history_due = Some(now + chrono_dur(HISTORY_EVERY));
                    } else if (200..300).contains(&r.status) {
                        let watched = match &obs {
                            Observation::Read(rd) => rd.components.clone(),
                            _ => Vec::new(),
                        };
                        let rh = platform::read_history(spec, &r.body, &watched);
                        if let Ok(list) = rh {
                            history = list;
                            sched.history_due = Some(now + chrono_dur(HISTORY_EVERY));
                        }
                    }
                }
            }

            let new_events = self.tracker.observe(spec, &obs, online, now);
            let prev = self.states.get(&spec.id).cloned();
            // The status shown is the believed one: a probe's single bad reading is not shown
            // until confirmed.
            let confirmed = self.tracker.status(&spec.id);
            let state = next_state(spec, prev.as_ref(), &obs, confirmed, online, now);
            // Status changes are stored whenever the believed status moves, including the first
            // reading after a restart (history stays continuous; no event is raised for it).
            let prev_status = prev
                .as_ref()
                .filter(|p| p.status != Severity::Unknown || p.reachable)
                .map(|p| p.status);
            let change = match (online, &obs, confirmed) {
                (true, Observation::Read(_), Some(c)) if Some(c) != prev_status => {
                    Some((prev_status.unwrap_or(Severity::Unknown), c))
                }
                _ => None,
            };
            let closed: Vec<String> = new_events
                .iter()
                .filter_map(|e| match &e.change {
                    Change::IncidentResolved { incident }
                    | Change::MaintenanceEnded { incident } => Some(incident.id.clone()),
                    _ => None,
                })
                .collect();
            let persist = match self.persisted.get(&spec.id) {
                Some((old, at)) => {
                    !same_content(old, &state) || now - *at > chrono_dur(PERSIST_UNCHANGED_EVERY)
                }
                None => true,
            };
            if persist {
                self.persisted.insert(spec.id.clone(), (state.clone(), now));
            }
            writes.push(Write {
                persist,
                state: state.clone(),
                change,
                history,
                closed,
            });
            self.states.insert(spec.id.clone(), state);
            events.extend(new_events);
        }
        if online && !was_online {
            // Network is back: look at everything now rather than at each page's back-off time.
            for s in self.schedule.values_mut() {
                s.failures = 0;
            }
        }

        let prune = self
            .last_prune
            .is_none_or(|t| now - t > chrono::Duration::days(1));
        let mut new_cache = Vec::new();
        self.store.transaction(|tx| {
            for u in &urls {
                if let Some(Ok(r)) = results.get(u) {
                    // Only answers with validators are worth keeping; a 304 changed nothing.
                    if (200..300).contains(&r.status)
                        && (r.etag.is_some() || r.last_modified.is_some())
                        && !r.not_modified
                    {
                        tx.put_cache(
                            u,
                            r.etag.as_deref(),
                            r.last_modified.as_deref(),
                            &r.body,
                            now,
                        )?;
                        new_cache.push((
                            u.clone(),
                            CachedResponse {
                                etag: r.etag.clone(),
                                last_modified: r.last_modified.clone(),
                                body: r.body.clone(),
                            },
                        ));
                    }
                }
            }
            for w in writes.iter().filter(|w| w.persist) {
                tx.put_state(&w.state, now)?;
            }
            for w in &writes {
                if let Some((from, to)) = w.change {
                    tx.add_change(&w.state.id, now, from, to)?;
                }
                for i in w.history.iter().chain(w.state.incidents.iter()) {
                    tx.upsert_incident(&w.state.id, i, now)?;
                }
                for id in &w.closed {
                    tx.close_incident(&w.state.id, id, now)?;
                }
            }
            Ok(())
        })?;
        for (u, c) in new_cache {
            self.http_cache.insert(u, Some(Arc::new(c)));
        }
        if prune {
            self.store.prune(now)?;
            self.last_prune = Some(now);
        }

        Ok(CycleReport {
            snapshot: self.snapshot(now),
            events,
            requests,
            bytes,
            not_modified,
        })
    }
}

/// A due service: its current-state endpoints (or why there are none) and its history URL if due.
type Planned = (ServiceSpec, Result<Vec<String>, String>, Option<String>);

struct Write {
    /// Write the state row (it changed, or has not been written for a while).
    persist: bool,
    state: ServiceState,
    change: Option<(Severity, Severity)>,
    history: Vec<crate::model::Incident>,
    closed: Vec<String>,
}

/// Turn the fetch results of one service into an observation.
fn observe(
    spec: &ServiceSpec,
    eps: &Result<Vec<String>, String>,
    results: &HashMap<String, Result<Response, FetchError>>,
) -> Observation {
    let eps = match eps {
        Ok(e) => e,
        Err(msg) => return Observation::Failed(msg.clone()),
    };
    if spec.kind.is_probe() {
        let fetches: Vec<Fetch<'_>> = eps
            .iter()
            .map(|u| match results.get(u) {
                Some(Ok(r)) => Fetch::Response {
                    status: r.status,
                    body: &r.body,
                },
                Some(Err(FetchError::Refused)) => Fetch::Refused,
                Some(Err(FetchError::Timeout(_))) => Fetch::TimedOut,
                Some(Err(e)) => Fetch::Failed(e.to_string()),
                None => Fetch::Failed("not fetched".into()),
            })
            .collect();
        let r = platform::read_probe(spec, &fetches);
        if r.status == Severity::Unknown {
            return Observation::Failed(r.note.unwrap_or_else(|| "no answer".into()));
        }
        return Observation::Read(r);
    }
    let mut bodies = Vec::with_capacity(eps.len());
    for u in eps {
        match results.get(u) {
            Some(Ok(r)) if (200..300).contains(&r.status) => bodies.push(r.body.as_slice()),
            Some(Ok(r)) => {
                return Observation::Failed(format!(
                    "{u}: {}",
                    fetch::describe_status(r.status, &r.body)
                ))
            }
            Some(Err(e)) => return Observation::Failed(format!("{u}: {e}")),
            None => return Observation::Failed(format!("{u}: not fetched")),
        }
    }
    match platform::read(spec, &bodies) {
        Ok(r) => match platform::finish(spec, r) {
            Ok(r) => Observation::Read(r),
            Err(e) => Observation::Failed(format!("{}: {e}", eps.join(" + "))),
        },
        Err(e) => Observation::Failed(format!("{}: {e}", eps.join(" + "))),
    }
}

fn next_state(
    spec: &ServiceSpec,
    prev: Option<&ServiceState>,
    obs: &Observation,
    confirmed: Option<Severity>,
    online: bool,
    now: DateTime<Utc>,
) -> ServiceState {
    let mut s = prev.cloned().unwrap_or_else(|| blank_state(spec));
    s.name = spec.name.clone();
    s.kind = spec.kind;
    s.page_url = spec.human_url().to_string();
    s.checked_at = Some(now);
    if !online {
        s.stale = true;
        s.reachable = false;
        s.error = Some("offline: no status page could be reached".into());
        return s;
    }
    match obs {
        Observation::Failed(e) => {
            s.reachable = false;
            s.stale = s.fetched_at.is_some();
            s.error = Some(e.clone());
        }
        Observation::Read(r) => {
            let status = confirmed.unwrap_or(r.status);
            if s.since.is_none() || s.status != status {
                // Since when: an open incident's start when the page says, else now.
                let started = r
                    .incidents
                    .iter()
                    .filter(|i| !i.is_resolved())
                    .filter_map(|i| i.started_at)
                    .min();
                s.since = Some(match started {
                    Some(t) if status.is_problem() && t <= now => t,
                    _ => now,
                });
            }
            s.status = status;
            s.components = r.components.clone();
            s.incidents = r
                .incidents
                .iter()
                .filter(|i| !i.is_resolved())
                .cloned()
                .collect();
            s.note = r.note.clone();
            s.reachable = true;
            s.stale = false;
            s.error = None;
            s.fetched_at = Some(now);
        }
    }
    s
}

/// Equal apart from the timestamps every poll moves.
fn same_content(a: &ServiceState, b: &ServiceState) -> bool {
    let strip = |s: &ServiceState| ServiceState {
        checked_at: None,
        fetched_at: None,
        ..s.clone()
    };
    strip(a) == strip(b)
}

fn blank_state(spec: &ServiceSpec) -> ServiceState {
    ServiceState {
        id: spec.id.clone(),
        name: spec.name.clone(),
        kind: spec.kind,
        page_url: spec.human_url().to_string(),
        status: Severity::Unknown,
        reachable: false,
        stale: false,
        error: None,
        components: Vec::new(),
        incidents: Vec::new(),
        notices: Vec::new(),
        since: None,
        fetched_at: None,
        checked_at: None,
        note: None,
    }
}

/// One retry, after a jittered pause, for answers that are often transient (5xx, reset).
async fn fetch_with_retry(
    client: &reqwest::Client,
    url: &str,
    cached: Option<&CachedResponse>,
    timeout: Duration,
) -> Result<Response, FetchError> {
    let first = fetch::get(client, url, cached, timeout).await;
    let transient = match &first {
        Ok(r) => matches!(r.status, 500 | 502 | 503 | 504) && r.retry_after.is_none(),
        Err(FetchError::Other(_)) => true,
        Err(_) => false,
    };
    if !transient {
        return first;
    }
    let pause = Duration::from_millis(200 + fastrand::u64(0..400));
    tokio::time::sleep(pause).await;
    fetch::get(client, url, cached, timeout).await
}

/// Local hosts are not subject to the politeness floor.
pub fn is_loopback(u: &str) -> bool {
    match url::Url::parse(u)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

fn chrono_dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1))
}

/// Messages to a running engine.
#[derive(Debug)]
pub enum Command {
    Refresh,
    Reload(Box<Config>),
    Stop,
}

/// What a running engine reports.
#[derive(Debug, Clone)]
pub enum Update {
    Cycle {
        snapshot: Snapshot,
        events: Vec<Event>,
    },
    Error(String),
}

/// Run forever: poll when due, or on command. Sleeps in short steps against the wall clock so a
/// suspend or a clock jump leads to one prompt refresh, not a missed or doubled one.
pub async fn run(
    mut engine: Engine,
    updates: tokio::sync::mpsc::UnboundedSender<Update>,
    mut commands: tokio::sync::mpsc::UnboundedReceiver<Command>,
) {
    let mut force = true;
    loop {
        match engine.cycle(force).await {
            Ok(r) => {
                if updates
                    .send(Update::Cycle {
                        snapshot: r.snapshot,
                        events: r.events,
                    })
                    .is_err()
                {
                    return;
                }
            }
            Err(e) => {
                if updates.send(Update::Error(e.to_string())).is_err() {
                    return;
                }
            }
        }
        force = false;
        loop {
            let now = Utc::now();
            let due = engine.next_due(now);
            if due <= now {
                break;
            }
            let step = (due - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(Duration::from_secs(10));
            tokio::select! {
                _ = tokio::time::sleep(step) => {}
                cmd = commands.recv() => match cmd {
                    Some(Command::Refresh) => { force = true; break; }
                    Some(Command::Reload(cfg)) => {
                        if let Err(e) = engine.reload(&cfg) {
                            let _ = updates.send(Update::Error(e.to_string()));
                        }
                        break;
                    }
                    Some(Command::Stop) | None => return,
                }
            }
        }
    }
}
