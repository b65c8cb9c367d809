//! The poller: decides what is due, fetches each distinct URL once, reads, tracks, stores.
//!
//! One cycle is five named stages, each a method tested on its own: [`Engine::plan`] (what is due)
//! → [`Engine::fetch`] (every distinct URL once) → [`Engine::vote_offline`] (is it the machine or
//! the pages?) → [`Engine::observe_all`] (read, track, schedule each service) → [`Engine::persist`]
//! (one transaction).
//!
//! Politeness and honesty rules live here:
//! * one fetch per distinct URL per cycle, even when several services share a page (OpenAI's four
//!   products are one incident.io page); at most `CONCURRENCY` requests in flight;
//! * conditional requests with validators kept in the store, so a 304 costs nothing and reuses the
//!   stored body, even across separate `vigie check` runs;
//! * never faster than [`MIN_INTERVAL`] for public pages (this machine and private networks are
//!   exempt: their servers are the user's own), twice as fast while a
//!   service has an open incident, history at a slower cadence, exponential back-off for a failing
//!   page or history URL, `Retry-After` honoured; offline retries respect the same floor and back-off;
//! * "offline" is a vote over distinct hosts, never one page: one slow page is that page's problem;
//! * scheduling runs on monotonic time, so a wall-clock jump neither stops nor doubles polling; the
//!   wall clock only stamps what is stored;
//! * time not observed is recorded as such (a change to `unknown` at start, offline, unreachable),
//!   so uptime never carries the last status across a gap.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use tokio::time::Instant;

use crate::config::{Config, MIN_INTERVAL};
use crate::fetch::{self, FetchError, Response};
use crate::logs;
use crate::model::{Incident, Severity};
use crate::platform::{self, Fetch, ReadError};
use crate::service::ServiceSpec;
use crate::snapshot::{ProbeProblem, ServiceState, Snapshot, PROBE_FAILURES};
use crate::store::{CachedResponse, Store, StoreError};
use crate::transitions::{self, Event, Observation, ProbeAnswer, Tracker};

const CONCURRENCY: usize = 8;
/// Past incidents change rarely: refresh them every this often.
const HISTORY_EVERY: Duration = Duration::from_secs(15 * 60);
/// How soon to look again while the machine seems offline (never below the public floor).
const OFFLINE_RETRY: Duration = Duration::from_secs(20);
/// Longest back-off for a failing page.
const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);
/// Host failures older than this say nothing about the network now.
const VOTE_WINDOW: Duration = Duration::from_secs(180);
/// A wall clock that moved this much further than monotonic time between two looks means the
/// machine slept: everything is due at once.
const SUSPEND_JUMP: Duration = Duration::from_secs(60);

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
    /// The store refused this cycle's writes (busy, disk full). The events are still here, so an
    /// outage is still told; the writes are retried at the next cycle.
    pub store_error: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Schedule {
    next_due: Option<Instant>,
    history_due: Option<Instant>,
    failures: u32,
    history_failures: u32,
    /// History was read at least once since the service was (re)configured.
    history_read: bool,
    /// Set while a failing probe backs off; otherwise the probe rides with its page.
    probe_due: Option<Instant>,
}

/// The wall clock, injectable so tests can jump it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// A due service: its current-state endpoints (or why there are none) and its history URL if due.
#[derive(Debug, Clone)]
pub struct Planned {
    pub spec: ServiceSpec,
    pub endpoints: Result<Vec<String>, ReadError>,
    pub history: Option<String>,
    /// The opt-in probe, when it is due (it rides with the page unless it is backing off).
    pub probe: Option<String>,
}

/// What the `plan` stage decided: the due services, and every distinct URL to GET once.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub services: Vec<Planned>,
    pub urls: Vec<String>,
    /// URLs that are POSTed (RPC-style APIs), with the page that carries their public key.
    pub posts: HashMap<String, (platform::Post, String)>,
    /// Probe URLs, GET once each, plainly: no validators, no retry, no key ever.
    pub probes: Vec<String>,
}

pub type Results = HashMap<String, Result<Response, FetchError>>;

/// Probe answers by URL, with the time to the answer in milliseconds (None without one).
pub type Probes = HashMap<String, (Result<Response, FetchError>, Option<u32>)>;

/// One fetched URL: its answer, and the (page, key) learnt on the way for an RPC endpoint.
type Fetched = (
    String,
    Result<Response, FetchError>,
    Option<(String, String)>,
);

/// What the `observe` stage learned about one service, ready to be written.
#[derive(Debug, Clone)]
struct Write {
    /// Write the state row (it changed, or has not been written for a while).
    persist: bool,
    state: ServiceState,
    /// Status to record in the uptime history when it differs from the last recorded one
    /// (`Unknown` = no data: unreachable, offline, misconfigured).
    record: Severity,
    /// Incidents to upsert (current, page-wide, history).
    incidents: Vec<Incident>,
    /// The page was read: stored open incidents it no longer lists are closed.
    read_ok: bool,
    /// Ids the page lists right now, open or closed.
    listed: HashSet<String>,
    /// Ids the reading lists as open now (current and page-wide incidents): a stored incident
    /// closed meanwhile is reopened. Past and history listings never reopen one: they can lag.
    reopen: HashSet<String>,
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
    /// Times not watched, to close in the uptime history at the next write: (service, from when).
    /// At start (since the last look of the previous run), after a suspend, on removal.
    pending_gaps: Vec<(String, DateTime<Utc>)>,
    /// Open incident ids seen by this process, per service: one that vanishes was watched ending.
    watched_open: HashMap<String, HashSet<String>>,
    /// Per host: when it last answered at HTTP level, and when it last failed below it.
    hosts: HashMap<String, HostSeen>,
    /// Public browser keys of RPC-style pages, by the page that carries them (memory only).
    keys: HashMap<String, String>,
    clock: Clock,
    /// Wall and monotonic time at the last `check_suspend`.
    last_look: Option<(DateTime<Utc>, Instant)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct HostSeen {
    ok: Option<Instant>,
    failed: Option<Instant>,
}

/// Rewrite an unchanged state at most this often, so `vigie status` elsewhere stays fresh enough.
const PERSIST_UNCHANGED_EVERY: Duration = Duration::from_secs(300);

impl Engine {
    /// Build an engine over the resolved services; the last known states come from the store so
    /// they can be shown before the first poll.
    pub fn new(config: &Config, store: Store) -> Result<Engine, EngineError> {
        Engine::with_clock(config, store, Arc::new(Utc::now))
    }

    /// [`Engine::new`] with a given wall clock.
    pub fn with_clock(config: &Config, store: Store, clock: Clock) -> Result<Engine, EngineError> {
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
            pending_gaps: Vec::new(),
            watched_open: HashMap::new(),
            hosts: HashMap::new(),
            keys: HashMap::new(),
            clock,
            last_look: None,
        };
        let states = e.store.states()?;
        // The app was not running since each state was last written: that time is no data. The
        // recorded status is closed there, at the first cycle (never here: `vigie status` builds
        // an engine only to read, and must not write while the tray app runs).
        e.pending_gaps = states
            .iter()
            .filter_map(|s| Some((s.id.clone(), s.checked_at.or(s.fetched_at)?)))
            .collect();
        for s in states {
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
        let now = self.now();
        for id in old.iter().filter(|id| !keep.contains(id.as_str())) {
            self.tracker.forget(id);
            self.schedule.remove(id);
            // No longer watched from now on: its uptime must not run on until it comes back.
            self.pending_gaps.push((id.clone(), now));
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

    pub fn online(&self) -> bool {
        self.online
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Current knowledge, watched services only, in config order.
    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        let mut services: Vec<ServiceState> = self
            .specs
            .iter()
            .map(|s| {
                self.states
                    .get(&s.id)
                    .cloned()
                    .unwrap_or_else(|| ServiceState::unread(s))
            })
            .collect();
        // Derived at each look, never stored: it follows the providers' current states.
        let upstream: Vec<_> = self
            .specs
            .iter()
            .map(|s| crate::snapshot::upstream(&s.built_on, &services))
            .collect();
        for (s, up) in services.iter_mut().zip(upstream) {
            s.upstream = up;
        }
        Snapshot::new(now, self.online, services)
    }

    /// When the next service is due, on monotonic time; `now` when one is due already (the
    /// caller's `now`, so that "due" compares equal rather than chasing a clock that moved on).
    pub fn next_due(&self, now: Instant) -> Instant {
        self.specs
            .iter()
            .map(|s| {
                self.schedule
                    .get(&s.id)
                    .and_then(|x| x.next_due)
                    .unwrap_or(now)
            })
            .min()
            .unwrap_or(now + self.interval)
    }

    /// Make every service due now (Refresh, network back, wake from suspend).
    pub fn make_all_due(&mut self) {
        for s in self.schedule.values_mut() {
            s.next_due = None;
        }
    }

    /// Compare the wall clock with monotonic time since the last look: when the wall clock moved
    /// much further (the machine slept; monotonic time stops in suspend), everything is due. A
    /// backward jump changes nothing. Returns whether a suspend was seen.
    pub fn check_suspend(&mut self) -> bool {
        let (wall, mono) = (self.now(), Instant::now());
        let slept_since = self.last_look.and_then(|(w, m)| {
            let wall_step = (wall - w).to_std().unwrap_or(Duration::ZERO);
            (wall_step > mono.duration_since(m) + SUSPEND_JUMP).then_some(w)
        });
        self.last_look = Some((wall, mono));
        if let Some(since) = slept_since {
            self.make_all_due();
            // Asleep is not watching: no service's status runs on across the night.
            let ids: Vec<String> = self.specs.iter().map(|s| s.id.clone()).collect();
            self.pending_gaps
                .extend(ids.into_iter().map(|id| (id, since)));
        }
        slept_since.is_some()
    }

    /// Poll the services that are due (all of them when `force`).
    pub async fn cycle(&mut self, force: bool) -> Result<CycleReport, EngineError> {
        let now = self.now();
        let plan = self.plan(force)?;
        let (results, keys, probes) = self.fetch(&plan).await;
        self.keys.extend(keys);
        self.after_fetch(&plan, &results, &probes, now)
    }

    /// Stages 3–5 on fetched answers (a cycle without the network, for tests).
    #[cfg(test)]
    fn cycle_with(&mut self, plan: &Plan, results: &Results) -> Result<CycleReport, EngineError> {
        let now = self.now();
        self.after_fetch(plan, results, &Probes::new(), now)
    }

    fn after_fetch(
        &mut self,
        plan: &Plan,
        results: &Results,
        probes: &Probes,
        now: DateTime<Utc>,
    ) -> Result<CycleReport, EngineError> {
        let (requests, bytes, not_modified) = traffic(results);
        let requests = requests + probes.len();
        let was_online = self.online;
        self.online = self.vote_offline(plan, results);
        let errors_before: HashMap<String, Option<String>> = self
            .states
            .iter()
            .map(|(id, s)| (id.clone(), s.error.clone()))
            .collect();
        let (events, writes) = self.observe_all(plan, results, probes, now);
        if self.online && !was_online {
            // Network is back: look at everything now rather than at each page's back-off time.
            let polled: HashSet<&str> = plan.services.iter().map(|p| p.spec.id.as_str()).collect();
            for (id, s) in self.schedule.iter_mut() {
                s.failures = 0;
                if !polled.contains(id.as_str()) {
                    s.next_due = None;
                }
            }
        }
        let store_error = match self.persist(plan, results, &writes, now) {
            Ok(()) => None,
            Err(e) => {
                // Rewrite these states next cycle; uptime and incidents are re-derived then.
                for w in &writes {
                    self.persisted.remove(&w.state.id);
                }
                tracing::error!("cannot write the cycle to the store: {e}");
                Some(e.to_string())
            }
        };
        // Changes only (offline/online, a page's error): the log stays small over weeks.
        let errors = writes
            .iter()
            .map(|w| (w.state.id.as_str(), w.state.error.as_deref()));
        logs::log_cycle(&logs::cycle_lines(
            was_online,
            self.online,
            &errors_before,
            errors,
        ));
        Ok(CycleReport {
            snapshot: self.snapshot(now),
            events,
            requests,
            bytes,
            not_modified,
            store_error,
        })
    }

    /// Stage 1: the due services and every distinct URL to fetch (current state and due history).
    pub fn plan(&mut self, force: bool) -> Result<Plan, EngineError> {
        let mono = Instant::now();
        let due = |d: Option<Instant>| force || d.is_none_or(|d| d <= mono);
        let mut plan = Plan::default();
        let mut seen = HashSet::new();
        for s in &self.specs {
            let sched = self.schedule.get(&s.id);
            if !due(sched.and_then(|x| x.next_due)) {
                continue;
            }
            let eps = platform::endpoints(s);
            let hist = platform::history_endpoint(s).filter(|_| {
                // A history URL that keeps failing backs off on its own clock, even when forced.
                let h = sched.map(|x| (x.history_due, x.history_failures));
                match h {
                    Some((d, f)) if f > 0 => d.is_none_or(|d| d <= mono),
                    Some((d, _)) => due(d),
                    None => true,
                }
            });
            for (n, u) in eps.iter().flatten().enumerate() {
                if let Some(post) = platform::post(s, n) {
                    let key_page = s.page_url.clone().unwrap_or(post.key_page.to_string());
                    plan.posts.insert(u.clone(), (post, key_page));
                }
            }
            for u in eps.iter().flatten().chain(hist.iter()) {
                if seen.insert(u.clone()) {
                    plan.urls.push(u.clone());
                }
            }
            // A backing-off probe waits its turn even on a forced refresh.
            let probe = s
                .probe
                .clone()
                .filter(|_| sched.and_then(|x| x.probe_due).is_none_or(|d| d <= mono));
            if let Some(u) = &probe {
                if !plan.probes.contains(u) {
                    plan.probes.push(u.clone());
                }
            }
            plan.services.push(Planned {
                spec: s.clone(),
                endpoints: eps,
                history: hist,
                probe,
            });
        }
        for u in &plan.urls {
            if !self.http_cache.contains_key(u) {
                let c = self.store.cached(u)?.map(Arc::new);
                self.http_cache.insert(u.clone(), c);
            }
        }
        Ok(plan)
    }

    /// Stage 2: GET every planned URL once, conditionally, at most `CONCURRENCY` at a time (RPC
    /// endpoints are POSTed with their page's public key, learnt once and kept in memory). The
    /// future owns its inputs: it must be `Send` for `tokio::spawn`, and the store is not `Sync`.
    pub fn fetch(
        &self,
        plan: &Plan,
    ) -> impl std::future::Future<Output = (Results, HashMap<String, String>, Probes)> + Send + 'static
    {
        let timeout = self.timeout;
        type Job = (
            String,
            Option<Arc<CachedResponse>>,
            reqwest::Client,
            Option<(platform::Post, String, Option<String>)>,
        );
        let jobs: Vec<Job> = plan
            .urls
            .iter()
            .map(|u| {
                let c = self.http_cache.get(u).cloned().flatten();
                let post = plan
                    .posts
                    .get(u)
                    .map(|(p, page)| (*p, page.clone(), self.keys.get(page).cloned()));
                (u.clone(), c, self.client.clone(), post)
            })
            .collect();
        let probe_jobs: Vec<(String, reqwest::Client)> = plan
            .probes
            .iter()
            .map(|u| (u.clone(), self.client.clone()))
            .collect();
        async move {
            let probes = stream::iter(probe_jobs)
                .map(|(u, client)| async move {
                    // Wall time, not tokio's: the latency is what the user would wait.
                    let start = std::time::Instant::now();
                    let r = fetch::get(&client, &u, None, timeout).await;
                    let ms = u32::try_from(start.elapsed().as_millis()).unwrap_or(u32::MAX);
                    (u, (r, Some(ms)))
                })
                .buffer_unordered(CONCURRENCY)
                .collect::<Probes>();
            let done = stream::iter(jobs)
                .map(|(u, c, client, post)| async move {
                    match post {
                        Some((post, page, known)) => {
                            let (r, key) =
                                fetch_post(&client, &u, post, &page, known, timeout).await;
                            (u, r, key.map(|k| (page, k)))
                        }
                        None => {
                            let r = fetch_with_retry(&client, &u, c.as_deref(), timeout).await;
                            (u, r, None)
                        }
                    }
                })
                .buffer_unordered(CONCURRENCY)
                .collect::<Vec<Fetched>>();
            let (done, probes) = futures_util::future::join(done, probes).await;
            let mut results = Results::new();
            let mut keys = HashMap::new();
            for (u, r, k) in done {
                results.insert(u, r);
                keys.extend(k);
            }
            (results, keys, probes)
        }
    }

    /// Stage 3: is the machine offline? A vote over distinct hosts of status pages (probes are
    /// excluded: a local server that is not running says nothing about the network). Offline when
    /// the hosts that failed below HTTP since the last host answered number at least two within
    /// [`VOTE_WINDOW`] (one is enough only when one host is configured). One slow page alone is
    /// that page being unreachable, never the whole machine offline.
    pub fn vote_offline(&mut self, plan: &Plan, results: &Results) -> bool {
        let mono = Instant::now();
        for p in plan.services.iter().filter(|p| !p.spec.kind.is_probe()) {
            for u in p.endpoints.iter().flatten() {
                let (Some(r), Some(h)) = (results.get(u), host_of(u)) else {
                    continue;
                };
                let seen = self.hosts.entry(h).or_default();
                match r {
                    Err(e) if e.is_network() => seen.failed = Some(mono),
                    _ => seen.ok = Some(mono),
                }
            }
        }
        // No route at all is the machine's own state: offline without a vote, unless another
        // page answered in the same cycle (the link came back while the cycle ran).
        let pages: Vec<&Result<Response, FetchError>> = plan
            .services
            .iter()
            .filter(|p| !p.spec.kind.is_probe())
            .flat_map(|p| p.endpoints.iter().flatten())
            .filter_map(|u| results.get(u))
            .collect();
        let no_route = pages
            .iter()
            .any(|r| matches!(r, Err(FetchError::NoNetwork(_))));
        if no_route && !pages.iter().any(|r| r.is_ok()) {
            return false;
        }
        let recent = |t: Option<Instant>| t.filter(|t| mono.duration_since(*t) <= VOTE_WINDOW);
        let configured: HashSet<String> = self
            .specs
            .iter()
            .filter(|s| !s.kind.is_probe())
            .filter_map(|s| platform::endpoints(s).ok())
            .flatten()
            .filter_map(|u| host_of(&u))
            .collect();
        let last_ok = self
            .hosts
            .iter()
            .filter(|(h, _)| configured.contains(*h))
            .filter_map(|(_, s)| recent(s.ok))
            .max();
        let failing = self
            .hosts
            .iter()
            .filter(|(h, _)| configured.contains(*h))
            .filter(|(_, s)| {
                recent(s.failed).is_some_and(|f| last_ok.is_none_or(|ok| f > ok) && s.ok < s.failed)
            })
            .count();
        if failing == 0 {
            // Nothing failed since the last answer: online, unless nothing was asked at all.
            return last_ok.is_some() || self.online;
        }
        failing < configured.len().clamp(1, 2)
    }

    /// Stage 4: read each planned service, feed the tracker, schedule its next look, and build
    /// what to write.
    fn observe_all(
        &mut self,
        plan: &Plan,
        results: &Results,
        probes: &Probes,
        now: DateTime<Utc>,
    ) -> (Vec<Event>, Vec<Write>) {
        let mut events = Vec::new();
        let mut writes = Vec::new();
        for p in &plan.services {
            let (e, w) = self.observe_one(p, results, probes, now);
            events.extend(e);
            writes.push(w);
        }
        (events, writes)
    }

    fn observe_one(
        &mut self,
        p: &Planned,
        results: &Results,
        probes: &Probes,
        now: DateTime<Utc>,
    ) -> (Vec<Event>, Write) {
        let (spec, online) = (&p.spec, self.online);
        let obs = observe(spec, &p.endpoints, results);
        self.schedule_next(p, &obs, results);
        let history = self.read_history(p, &obs, results);

        let mut new_events = self.tracker.observe(spec, &obs, online, now);
        let prev = self.states.get(&spec.id).cloned();
        // The status shown is the believed one: a probe's single bad reading is not shown
        // until confirmed.
        let confirmed = self.tracker.status(&spec.id);
        let mut state = next_state(spec, prev.as_ref(), &obs, confirmed, online, now);
        let change = self.observe_probe(p, &mut state, probes, now);
        new_events.extend(change.map(|change| Event {
            service: spec.id.clone(),
            name: spec.name.clone(),
            at: now,
            change,
        }));
        let record = match (&obs, online) {
            (Observation::Read(r), true) => confirmed.unwrap_or(r.status),
            _ => Severity::Unknown,
        };
        let (read_ok, mut incidents, mut listed, reopen) = match (&obs, online) {
            (Observation::Read(r), true) => {
                let all: Vec<Incident> = r
                    .incidents
                    .iter()
                    .chain(&r.notices)
                    .chain(&r.past)
                    .cloned()
                    .collect();
                let ids = all.iter().map(|i| i.id.clone()).collect::<HashSet<_>>();
                let open = r
                    .incidents
                    .iter()
                    .chain(&r.notices)
                    .filter(|i| !i.is_resolved())
                    .map(|i| i.id.clone())
                    .collect();
                (true, all, ids, open)
            }
            _ => (false, Vec::new(), HashSet::new(), HashSet::new()),
        };
        listed.extend(history.iter().map(|i| i.id.clone()));
        incidents.extend(history);
        if read_ok {
            let open: HashSet<String> = state
                .incidents
                .iter()
                .chain(&state.notices)
                .map(|i| i.id.clone())
                .collect();
            self.watched_open
                .entry(spec.id.clone())
                .or_default()
                .extend(open);
        }
        let persist = match self.persisted.get(&spec.id) {
            Some((old, at)) => {
                !same_content(old, &state) || now - *at > chrono_dur(PERSIST_UNCHANGED_EVERY)
            }
            None => true,
        };
        if persist {
            self.persisted.insert(spec.id.clone(), (state.clone(), now));
        }
        self.states.insert(spec.id.clone(), state.clone());
        let write = Write {
            persist,
            state,
            record,
            incidents,
            read_ok,
            listed,
            reopen,
        };
        (new_events, write)
    }

    /// The probe's answer, if one was fetched, read against the page's status; its back-off. A
    /// probe never touches `status`: it has its own field. Offline, nothing is learnt.
    fn observe_probe(
        &mut self,
        p: &Planned,
        state: &mut ServiceState,
        probes: &Probes,
        now: DateTime<Utc>,
    ) -> Option<transitions::Change> {
        let Some(url) = &p.spec.probe else {
            state.probe = None;
            return None;
        };
        let answer = p
            .probe
            .as_ref()
            .and_then(|u| probes.get(u))
            .filter(|_| self.online);
        let Some((r, ms)) = answer else {
            // Not probed this time (backing off, offline): the page may have changed its mind.
            if let Some(pr) = state.probe.as_mut().filter(|pr| &pr.url == url) {
                pr.problem = ProbeProblem::of(pr.failures, state.status);
            }
            return None;
        };
        let (next, change) = transitions::probe_step(
            state.probe.as_ref(),
            url,
            &probe_answer(r),
            *ms,
            state.status,
            now,
        );
        let floor = if is_own_host(url) {
            Duration::ZERO
        } else {
            MIN_INTERVAL
        };
        let base = self.interval.max(floor);
        let sched = self.schedule.entry(p.spec.id.clone()).or_default();
        // Back off once a problem is reported (≥ 2 failures): first at the page's pace, then
        // doubling; until then the probe rides with its page, so two in a row come quickly.
        sched.probe_due = (next.failures >= PROBE_FAILURES).then(|| {
            let n = (next.failures - PROBE_FAILURES).min(6);
            Instant::now() + (base * 2u32.pow(n)).min(MAX_BACKOFF.max(base))
        });
        state.probe = Some(next);
        change
    }

    /// When to look at a service again: the interval (halved while something is open), doubled per
    /// failure, stretched by `Retry-After`; while offline soon, but never under the public floor
    /// nor a page's own back-off.
    fn schedule_next(&mut self, p: &Planned, obs: &Observation, results: &Results) {
        let mono = Instant::now();
        let online = self.online;
        let floor = if is_own_host(&p.spec.url) {
            Duration::ZERO
        } else {
            MIN_INTERVAL
        };
        let base = self.interval.max(floor);
        let sched = self.schedule.entry(p.spec.id.clone()).or_default();
        let failed = !matches!(obs, Observation::Read(_));
        let backoff =
            |n: u32| (base * 2u32.saturating_pow(n.clamp(1, 6) - 1)).min(MAX_BACKOFF.max(base));
        let mut wait = if !online {
            let held = if sched.failures > 0 {
                backoff(sched.failures)
            } else {
                Duration::ZERO
            };
            OFFLINE_RETRY.min(base).max(floor).max(held)
        } else if failed {
            sched.failures = sched.failures.saturating_add(1);
            backoff(sched.failures)
        } else {
            sched.failures = 0;
            let open = matches!(obs, Observation::Read(r) if r.incidents.iter().any(|i| !i.is_resolved()) || r.status.is_problem());
            if open {
                (base / 2).max(floor)
            } else {
                base
            }
        };
        if let Some(ra) = p
            .endpoints
            .iter()
            .flatten()
            .filter_map(|u| results.get(u)?.as_ref().ok()?.retry_after)
            .filter(|_| failed)
            .max()
        {
            wait = wait.max(ra);
        }
        sched.next_due = Some(mono + wait);
    }

    /// Read the history body when one was fetched. A 304 is read too when this service has not
    /// read its history yet (a service added on a shared page whose URL is already cached). A
    /// failing history URL (HTTP error, challenge, unparsable) backs off like a page.
    fn read_history(&mut self, p: &Planned, obs: &Observation, results: &Results) -> Vec<Incident> {
        let Some(h) = &p.history else {
            return Vec::new();
        };
        let mono = Instant::now();
        let floor = if is_own_host(h) {
            Duration::ZERO
        } else {
            MIN_INTERVAL
        };
        let sched = self.schedule.entry(p.spec.id.clone()).or_default();
        let outcome: Result<Vec<Incident>, ()> = match results.get(h) {
            Some(Ok(r)) if r.not_modified && sched.history_read => Ok(Vec::new()),
            Some(Ok(r)) if (200..300).contains(&r.status) || r.not_modified => {
                let watched = match obs {
                    Observation::Read(rd) => rd.components.clone(),
                    _ => Vec::new(),
                };
                platform::read_history(&p.spec, &r.body, &watched).map_err(|_| ())
            }
            // Offline or the page down: not the history's fault, look again with the page.
            Some(Err(e)) if e.is_network() => return Vec::new(),
            _ => Err(()),
        };
        match outcome {
            Ok(list) => {
                sched.history_read = true;
                sched.history_failures = 0;
                sched.history_due = Some(mono + HISTORY_EVERY);
                list
            }
            Err(()) => {
                sched.history_failures = sched.history_failures.saturating_add(1);
                let n = sched.history_failures.min(6);
                let wait = (HISTORY_EVERY.max(floor) * 2u32.pow(n - 1)).min(MAX_BACKOFF * 4);
                sched.history_due = Some(mono + wait);
                Vec::new()
            }
        }
    }

    /// Stage 5: one transaction for the cycle: HTTP validators, states, uptime records, incidents,
    /// and the closing of incidents that vanished.
    fn persist(
        &mut self,
        plan: &Plan,
        results: &Results,
        writes: &[Write],
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let prune = self
            .last_prune
            .is_none_or(|t| now - t > chrono::Duration::days(1));
        let mut new_cache = Vec::new();
        let gaps = std::mem::take(&mut self.pending_gaps);
        let watched_open = &self.watched_open;
        // The last recorded status is read from the file, not remembered: `vigie check` may have
        // written between two cycles of the tray app, and the file is what uptime reads.
        let written = self.store.transaction(|tx| {
            for (id, at) in &gaps {
                // Only when that status still runs at `at` (nobody has looked since).
                if let Some((last, since)) = tx.last_status(id)? {
                    if last != Severity::Unknown && since <= *at {
                        tx.add_change(id, *at, last, Severity::Unknown)?;
                    }
                }
            }
            for u in &plan.urls {
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
            for w in writes {
                let id = &w.state.id;
                if w.persist {
                    tx.put_state(&w.state, now)?;
                }
                let last = tx
                    .last_status(id)?
                    .map_or(Severity::Unknown, |(status, _)| status);
                if w.record != last {
                    tx.add_change(id, now, last, w.record)?;
                }
                for i in &w.incidents {
                    tx.upsert_incident(id, i, w.reopen.contains(&i.id), now)?;
                }
                if w.read_ok {
                    let seen = watched_open.get(id);
                    tx.close_vanished(id, &w.listed, seen, now)?;
                }
            }
            Ok(())
        });
        if let Err(e) = written {
            // Nothing was written: the gaps are still to record.
            self.pending_gaps = gaps;
            return Err(e.into());
        }
        for (u, c) in new_cache {
            self.http_cache.insert(u, Some(Arc::new(c)));
        }
        for w in writes.iter().filter(|w| w.read_ok) {
            // Forget what closed: only ids still open stay "watched".
            let open: HashSet<String> = w
                .state
                .incidents
                .iter()
                .chain(&w.state.notices)
                .map(|i| i.id.clone())
                .collect();
            if let Some(s) = self.watched_open.get_mut(&w.state.id) {
                s.retain(|id| open.contains(id));
            }
        }
        if prune {
            // The readings are stored by now: a failed clean-up is said, and tried again next
            // time, but does not make the cycle's write a failure.
            if let Err(e) = self.store.prune(now) {
                tracing::warn!("pruning old history failed: {e}");
            }
            self.last_prune = Some(now);
        }
        Ok(())
    }
}

fn traffic(results: &Results) -> (usize, usize, usize) {
    let (mut requests, mut bytes, mut not_modified) = (0, 0, 0);
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
    (requests, bytes, not_modified)
}

/// `host:port` of a URL, the unit of the offline vote.
fn host_of(u: &str) -> Option<String> {
    let u = url::Url::parse(u).ok()?;
    Some(format!(
        "{}:{}",
        u.host_str()?,
        u.port_or_known_default().unwrap_or(0)
    ))
}

/// A probe answer, classified: below 500 in time is up (401/403/404 without a key are the usual
/// answers); a 5xx, a timeout, a refusal or a reset (a broken answer) is a failure; anything else
/// (DNS, TLS, no route) may be this machine's own and counts neither way.
fn probe_answer(r: &Result<Response, FetchError>) -> ProbeAnswer {
    match r {
        Ok(r) if r.status >= 500 => ProbeAnswer::Failed {
            http_status: Some(r.status),
            error: fetch::describe_status(r.status, &r.body),
        },
        Ok(r) => ProbeAnswer::Up {
            http_status: r.status,
        },
        // The server started answering; the probe's body is not its point.
        Err(FetchError::TooLarge) => ProbeAnswer::Up { http_status: 200 },
        Err(e @ (FetchError::Timeout(_) | FetchError::Refused | FetchError::Other(_))) => {
            ProbeAnswer::Failed {
                http_status: None,
                error: e.to_string(),
            }
        }
        Err(e @ FetchError::Connect(msg)) if msg.contains("reset") => ProbeAnswer::Failed {
            http_status: None,
            error: e.to_string(),
        },
        Err(e) => ProbeAnswer::Unsure {
            error: e.to_string(),
        },
    }
}

/// Turn the fetch results of one service into an observation.
fn observe(
    spec: &ServiceSpec,
    eps: &Result<Vec<String>, ReadError>,
    results: &HashMap<String, Result<Response, FetchError>>,
) -> Observation {
    let eps = match eps {
        Ok(e) => e,
        Err(e) => return unread(e.to_string(), e),
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
    for (n, u) in eps.iter().enumerate() {
        match results.get(u) {
            Some(Ok(r)) if (200..300).contains(&r.status) => bodies.push(r.body.as_slice()),
            // An endpoint the page may lack (incident.io's widget API): read the others alone.
            Some(Ok(r)) if r.status == 404 && platform::optional_endpoint(spec, n) => {
                bodies.push(&[])
            }
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
    match platform::read(spec, &bodies).and_then(|r| platform::finish(spec, r)) {
        Ok(r) => Observation::Read(r),
        Err(e) => unread(format!("{}: {e}", eps.join(" + ")), &e),
    }
}

/// A reading that failed: a config error keeps its reason apart from the whole message.
fn unread(error: String, e: &ReadError) -> Observation {
    match e {
        ReadError::Config(reason) => Observation::Misconfigured {
            error,
            reason: reason.clone(),
        },
        _ => Observation::Failed(error),
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
    let mut s = prev.cloned().unwrap_or_else(|| ServiceState::unread(spec));
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
            s.error = Some(e.clone());
            s.config_error = None;
            s.stale = s.fetched_at.is_some();
        }
        Observation::Misconfigured { error, reason } => {
            // The page was read and says nothing about the service as configured: no status of
            // an earlier config is kept as if it still held.
            s.reachable = false;
            s.error = Some(error.clone());
            s.config_error = Some(reason.clone());
            s.status = Severity::Unknown;
            s.since = None;
            s.components.clear();
            s.incidents.clear();
            s.notices.clear();
            s.stale = false;
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
            s.notices = r
                .notices
                .iter()
                .filter(|i| !i.is_resolved())
                .cloned()
                .collect();
            s.note = r.note.clone();
            s.reachable = true;
            s.stale = false;
            s.error = None;
            s.config_error = None;
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
        // Latency moves every poll; it is written with the next real change or the 5-min rewrite.
        probe: s.probe.clone().map(|p| crate::snapshot::ProbeState {
            latency_ms: None,
            checked_at: None,
            ..p
        }),
        ..s.clone()
    };
    strip(a) == strip(b)
}

/// POST an RPC endpoint with its page's public key: the known one first; when there is none or it
/// is refused (400/401/403: keys rotate), read the page and try its keys in turn. Returns the
/// answer and the key that worked. Keys are never logged: errors name the page, not the key.
async fn fetch_post(
    client: &reqwest::Client,
    url: &str,
    post: platform::Post,
    key_page: &str,
    known: Option<String>,
    timeout: Duration,
) -> (Result<Response, FetchError>, Option<String>) {
    let call = |key: String| async move {
        let mut headers: Vec<(&str, &str)> = post.headers.to_vec();
        headers.push((post.key_header, key.as_str()));
        fetch::post(client, url, post.body, &headers, timeout).await
    };
    let refused = |r: &Result<Response, FetchError>| matches!(r, Ok(resp) if matches!(resp.status, 400 | 401 | 403));
    if let Some(k) = known {
        let r = call(k.clone()).await;
        if !refused(&r) {
            return (r, Some(k));
        }
    }
    let page = match fetch::get(client, key_page, None, timeout).await {
        Ok(p) if (200..300).contains(&p.status) => p,
        Ok(p) => {
            let why = fetch::describe_status(p.status, &p.body);
            return (
                Err(FetchError::Other(format!(
                    "{key_page} (read for its public key): {why}"
                ))),
                None,
            );
        }
        Err(e) => return (Err(e), None),
    };
    let candidates = platform::aistudio::key_candidates(&page.body);
    if candidates.is_empty() {
        return (
            Err(FetchError::Other(format!(
                "no public key found in {key_page}: the page changed"
            ))),
            None,
        );
    }
    let mut last = None;
    for k in candidates.into_iter().take(5) {
        let r = call(k.clone()).await;
        if !refused(&r) {
            return (r, Some(k));
        }
        last = Some(r);
    }
    let r = last.unwrap_or_else(|| Err(FetchError::Other("no key tried".into())));
    (r, None)
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

/// Hosts on this machine or a private network (RFC 1918, link-local, IPv6 unique-local) are the
/// user's own servers, not a provider's: the politeness floor does not apply to them.
pub fn is_own_host(u: &str) -> bool {
    match url::Url::parse(u)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Ipv4(a)) => a.is_loopback() || a.is_private() || a.is_link_local(),
        Some(url::Host::Ipv6(a)) => {
            a.is_loopback() || (a.segments()[0] & 0xfe00) == 0xfc00 || a.is_unicast_link_local()
        }
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

/// Run forever: poll when due, or on command. Waits on monotonic time in short steps, and at each
/// step compares it with the wall clock: a suspend leads to one prompt refresh, a clock set back
/// changes nothing.
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
                if let Some(e) = r.store_error {
                    if updates.send(Update::Error(e)).is_err() {
                        return;
                    }
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
            engine.check_suspend();
            let now = Instant::now();
            let due = engine.next_due(now);
            if due <= now {
                break;
            }
            let step = due.duration_since(now).min(Duration::from_secs(10));
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

#[cfg(test)]
mod tests {
    //! Each stage alone, on recorded payloads, with paused monotonic time and an injected wall
    //! clock (no sleeping, no network: answers are built in memory).
    use super::*;
    use std::sync::Mutex;

    const GITHUB: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json"
    ));
    const CLAUDE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/statuspage/claude-summary-all-operational-6-components-2026-09-03.json"
    ));

    fn config(text: &str) -> Config {
        crate::config::parse(std::path::Path::new("t.toml"), text).expect("config")
    }

    fn svc(id: &str, url: &str) -> String {
        format!(
            "[[service]]\nid = \"{id}\"\nname = \"{id}\"\nkind = \"statuspage\"\nurl = \"{url}\"\n"
        )
    }

    struct Rig {
        engine: Engine,
        wall: Arc<Mutex<DateTime<Utc>>>,
        _dir: tempfile::TempDir,
    }

    fn rig(text: &str) -> Rig {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open_dir(dir.path()).expect("store");
        let wall = Arc::new(Mutex::new(
            crate::time::parse("2026-12-04T10:00:00Z").expect("t"),
        ));
        let w = wall.clone();
        let clock: Clock = Arc::new(move || *w.lock().unwrap_or_else(|e| e.into_inner()));
        let engine = Engine::with_clock(&config(text), store, clock).expect("engine");
        Rig {
            engine,
            wall,
            _dir: dir,
        }
    }

    fn ok(body: &[u8]) -> Result<Response, FetchError> {
        Ok(Response {
            status: 200,
            body: body.to_vec(),
            etag: None,
            last_modified: None,
            retry_after: None,
            not_modified: false,
        })
    }

    fn answer(plan: &Plan, f: impl Fn(&str) -> Result<Response, FetchError>) -> Results {
        plan.urls.iter().map(|u| (u.clone(), f(u))).collect()
    }

    #[test]
    fn own_hosts_are_exempt_from_the_floor_public_ones_never() {
        for (u, own) in [
            ("http://127.0.0.1:8080/x", true),
            ("http://localhost/x", true),
            ("http://10.213.7.1:9000/a", true),
            ("http://192.168.1.20/status", true),
            ("http://[fd00::1]/", true),
            ("https://status.openai.com", false),
            ("https://8.8.8.8/", false),
            ("https://[2001:db8::1]/", false),
            ("not a url", false),
        ] {
            assert_eq!(is_own_host(u), own, "{u}");
        }
    }

    /// The engine runs under `tokio::spawn` in the tray and `vigie watch`.
    #[test]
    fn the_run_loop_can_be_spawned() {
        fn assert_send<T: Send>(_: &T) {}
        let r = rig("catalog = []\n");
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let (_ctx, crx) = tokio::sync::mpsc::unbounded_channel();
        let fut = run(r.engine, tx, crx);
        assert_send(&fut);
    }

    #[tokio::test]
    async fn plan_fetches_a_shared_page_once_with_its_history() {
        let text = format!(
            "catalog = []\n{}components = [\"Copilot\"]\n{}components = [\"Pages\"]\n",
            svc("a", "https://www.githubstatus.com"),
            svc("b", "https://www.githubstatus.com")
        );
        let mut r = rig(&text);
        let plan = r.engine.plan(false).expect("plan");
        assert_eq!(plan.services.len(), 2);
        assert_eq!(
            plan.urls,
            [
                "https://www.githubstatus.com/api/v2/summary.json",
                "https://www.githubstatus.com/api/v2/incidents.json"
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn scheduling_runs_on_monotonic_time_whatever_the_wall_clock_does() {
        let mut r = rig(&format!(
            "catalog = []\ninterval = \"60s\"\n{}",
            svc("a", "https://status.example.com")
        ));
        let plan = r.engine.plan(true).expect("plan");
        let res = answer(&plan, |_| ok(CLAUDE));
        r.engine
            .observe_all(&plan, &res, &Probes::new(), r.engine.now());
        assert!(r.engine.plan(false).expect("plan").services.is_empty());
        // The wall clock is set back an hour: polling must not stop for an hour.
        *r.wall.lock().expect("clock") -= chrono::Duration::hours(1);
        assert!(
            !r.engine.check_suspend(),
            "a backward jump is not a suspend"
        );
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(r.engine.plan(false).expect("plan").services.is_empty());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(r.engine.plan(false).expect("plan").services.len(), 1);

        // Wake from suspend: the wall clock moved 2 h while monotonic time moved 10 s.
        let plan = r.engine.plan(true).expect("plan");
        r.engine.observe_all(
            &plan,
            &answer(&plan, |_| ok(CLAUDE)),
            &Probes::new(),
            r.engine.now(),
        );
        r.engine.check_suspend();
        *r.wall.lock().expect("clock") += chrono::Duration::hours(2);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(r.engine.check_suspend());
        assert_eq!(r.engine.plan(false).expect("plan").services.len(), 1);
    }

    #[tokio::test]
    async fn offline_is_a_vote_over_distinct_hosts() {
        let text = format!(
            "catalog = []\n{}{}{}",
            svc("a", "https://status.a.example"),
            svc("b", "https://status.b.example"),
            svc("c", "https://status.c.example")
        );
        let mut r = rig(&text);
        let all = r.engine.plan(true).expect("plan");
        assert!(r.engine.vote_offline(&all, &answer(&all, |_| ok(CLAUDE))));
        let only = |id: &str| Plan {
            services: all
                .services
                .iter()
                .filter(|p| p.spec.id == id)
                .cloned()
                .collect(),
            urls: all
                .urls
                .iter()
                .filter(|u| u.contains(&format!("status.{id}.")))
                .cloned()
                .collect(),
            posts: HashMap::new(),
            probes: Vec::new(),
        };
        let timeout = |_: &str| Err(FetchError::Timeout(Duration::from_secs(10)));
        // One page polled alone times out (it has an open incident, so it is polled twice as
        // often): that page is unreachable, the machine is not offline.
        let a = only("a");
        assert!(r.engine.vote_offline(&a, &answer(&a, timeout)));
        // A second host fails too: now it is the network.
        let b = only("b");
        assert!(!r.engine.vote_offline(&b, &answer(&b, timeout)));
        // Any host answering, even with an HTTP error, means the network is there.
        let c = only("c");
        let forbidden = |_: &str| {
            ok(b"<html>").map(|mut r| {
                r.status = 403;
                r
            })
        };
        assert!(r.engine.vote_offline(&c, &answer(&c, forbidden)));

        // No route at all is the machine offline, whatever the other hosts said.
        let d = only("c");
        let unroutable = |_: &str| Err(FetchError::NoNetwork("Network is unreachable".into()));
        assert!(!r.engine.vote_offline(&d, &answer(&d, unroutable)));

        // With one host configured, one failure is enough.
        let mut one = rig(&format!(
            "catalog = []\n{}",
            svc("a", "https://status.a.example")
        ));
        let p = one.engine.plan(true).expect("plan");
        assert!(!one.engine.vote_offline(&p, &answer(&p, timeout)));
    }

    #[tokio::test(start_paused = true)]
    async fn probes_are_planned_apart_back_off_once_reported_and_never_vote() {
        let mut r = rig(&format!(
            "catalog = []\ninterval = \"60s\"\n{}probe = \"https://api.a.example/v1/models\"\n",
            svc("a", "https://status.a.example")
        ));
        let plan = r.engine.plan(true).expect("plan");
        // Fetched plainly, apart from the page's URLs (no validators, no retry).
        assert_eq!(plan.probes, ["https://api.a.example/v1/models"]);
        assert!(!plan.urls.iter().any(|u| u.contains("api.a.example")));
        let page = answer(&plan, |_| ok(CLAUDE));
        let failing: Probes = plan
            .probes
            .iter()
            .map(|u| {
                (
                    u.clone(),
                    (Err(FetchError::Timeout(Duration::from_secs(10))), None),
                )
            })
            .collect();
        // The probe's host times out, the only page answers: online (one failing host would be
        // enough to say offline if probes voted).
        assert!(r.engine.vote_offline(&plan, &page));
        r.engine.observe_all(&plan, &page, &failing, r.engine.now());
        // One failure: the probe still rides with its page, even on a forced refresh.
        let plan = r.engine.plan(true).expect("plan");
        assert_eq!(plan.probes.len(), 1);
        let (events, _) = r.engine.observe_all(&plan, &page, &failing, r.engine.now());
        assert!(matches!(
            events.as_slice(),
            [Event {
                change: crate::transitions::Change::SeenFromHere { .. },
                ..
            }]
        ));
        let st = r.engine.snapshot(r.engine.now());
        assert_eq!(st.services[0].status, Severity::Operational);
        assert_eq!(
            st.services[0].probe.as_ref().and_then(|p| p.problem),
            Some(ProbeProblem::Unconfirmed)
        );
        // Reported: it backs off (the 30 s floor and the interval), a forced refresh included.
        assert!(r.engine.plan(true).expect("plan").probes.is_empty());
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(r.engine.plan(false).expect("plan").probes.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn back_online_every_page_is_due_at_once() {
        let mut r = rig(&format!(
            "catalog = []\ninterval = \"60s\"\n{}{}",
            svc("a", "https://status.a.example"),
            svc("b", "https://status.b.example")
        ));
        let all = r.engine.plan(true).expect("plan");
        let unroutable = |_: &str| Err(FetchError::NoNetwork("Network is unreachable".into()));
        r.engine
            .cycle_with(&all, &answer(&all, unroutable))
            .expect("cycle");
        assert!(!r.engine.online());
        tokio::time::advance(Duration::from_secs(40)).await;
        // Only `a` is polled when the network returns: `b` is due at once, not at its retry time.
        let a = Plan {
            services: all.services[..1].to_vec(),
            urls: all
                .urls
                .iter()
                .filter(|u| u.contains(".a."))
                .cloned()
                .collect(),
            posts: HashMap::new(),
            probes: Vec::new(),
        };
        r.engine
            .cycle_with(&a, &answer(&a, |_| ok(CLAUDE)))
            .expect("cycle");
        assert!(r.engine.online());
        let now = Instant::now();
        assert_eq!(r.engine.next_due(now), now, "the run loop must not wait");
        let next = r.engine.plan(false).expect("plan");
        let ids: Vec<&str> = next.services.iter().map(|p| p.spec.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
    }

    fn steps(e: &Engine, id: &str) -> Vec<(Severity, Severity)> {
        e.store()
            .changes(id, crate::time::parse("2000-01-01T00:00:00Z").expect("t"))
            .expect("changes")
            .into_iter()
            .map(|c| (c.1, c.2))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_night_asleep_and_a_service_unticked_are_no_data() {
        use Severity::{Operational as Op, Unknown as No};
        let both = format!(
            "catalog = []\n{}{}",
            svc("a", "https://status.a.example"),
            svc("b", "https://status.b.example")
        );
        let mut r = rig(&both);
        let plan = r.engine.plan(true).expect("plan");
        let fine = answer(&plan, |_| ok(CLAUDE));
        r.engine.cycle_with(&plan, &fine).expect("cycle");
        r.engine.check_suspend();
        // The lid closes for 8 h: the wall clock jumps, monotonic time barely moves.
        *r.wall.lock().expect("clock") += chrono::Duration::hours(8);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(r.engine.check_suspend());
        r.engine.cycle_with(&plan, &fine).expect("cycle");
        assert_eq!(steps(&r.engine, "a"), [(No, Op), (Op, No), (No, Op)]);

        // `b` is unticked, then ticked again a day later, with the same status.
        r.engine
            .reload(&config(&format!(
                "catalog = []\n{}",
                svc("a", "https://status.a.example")
            )))
            .expect("reload");
        let only_a = r.engine.plan(true).expect("plan");
        r.engine
            .cycle_with(&only_a, &answer(&only_a, |_| ok(CLAUDE)))
            .expect("cycle");
        *r.wall.lock().expect("clock") += chrono::Duration::days(1);
        r.engine.reload(&config(&both)).expect("reload");
        r.engine.cycle_with(&plan, &fine).expect("cycle");
        assert_eq!(
            steps(&r.engine, "b"),
            [(No, Op), (Op, No), (No, Op), (Op, No), (No, Op)]
        );
    }

    #[tokio::test]
    async fn a_failed_write_keeps_the_cycles_events() {
        let mut r = rig(&format!(
            "catalog = []\n{}",
            svc("a", "https://status.a.example")
        ));
        let plan = r.engine.plan(true).expect("plan");
        r.engine
            .cycle_with(&plan, &answer(&plan, |_| ok(CLAUDE)))
            .expect("cycle");
        // Another process holds the write lock past the busy timeout.
        let path = r.engine.store().path().to_path_buf();
        let other = rusqlite::Connection::open(&path).expect("open");
        other.execute_batch("BEGIN EXCLUSIVE").expect("lock");
        let report = r
            .engine
            .cycle_with(&plan, &answer(&plan, |_| ok(GITHUB)))
            .expect("cycle");
        assert!(report.store_error.is_some());
        let told: Vec<String> = report
            .events
            .iter()
            .map(|e| format!("{:?}", e.change))
            .collect();
        assert!(
            told.iter().any(|c| c.contains("StatusChanged")),
            "the outage is still told: {told:?}"
        );
        other.execute_batch("ROLLBACK").expect("unlock");
        let report = r
            .engine
            .cycle_with(&plan, &answer(&plan, |_| ok(GITHUB)))
            .expect("cycle");
        assert!(report.store_error.is_none());
        // The change missed by the failed write is in the file now.
        assert_eq!(
            steps(&r.engine, "a").last(),
            Some(&(Severity::Operational, Severity::PartialOutage))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn offline_retries_keep_the_public_floor_and_back_off() {
        let mut r = rig(&format!(
            "catalog = []\ninterval = \"30s\"\n{}",
            svc("a", "https://status.a.example")
        ));
        let plan = r.engine.plan(true).expect("plan");
        let refused = answer(&plan, |_| Err(FetchError::Refused));
        // Three failures while online: back-off grows to 4 × 30 s.
        for _ in 0..3 {
            r.engine
                .observe_all(&plan, &refused, &Probes::new(), r.engine.now());
        }
        let start = Instant::now();
        assert_eq!(r.engine.next_due(start) - start, Duration::from_secs(120));
        // Offline now: the retry does not cut that back-off short.
        r.engine.online = false;
        r.engine
            .observe_all(&plan, &refused, &Probes::new(), r.engine.now());
        assert_eq!(r.engine.next_due(start) - start, Duration::from_secs(120));
        // A fresh page offline is retried soon, but never under the 30 s public floor.
        let mut f = rig(&format!(
            "catalog = []\n{}",
            svc("b", "https://status.b.example")
        ));
        f.engine.online = false;
        let p = f.engine.plan(true).expect("plan");
        f.engine.observe_all(
            &p,
            &answer(&p, |_| Err(FetchError::Refused)),
            &Probes::new(),
            f.engine.now(),
        );
        assert_eq!(
            f.engine.next_due(Instant::now()) - Instant::now(),
            MIN_INTERVAL
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_history_url_backs_off_and_a_new_service_reads_a_cached_one() {
        let mut r = rig(&format!(
            "catalog = []\n{}",
            svc("a", "https://www.githubstatus.com")
        ));
        let plan = r.engine.plan(true).expect("plan");
        let hist = plan.services[0].history.clone().expect("history url");
        let challenge = |u: &str| {
            if u.ends_with("incidents.json") {
                ok(b"<!DOCTYPE html><html>Just a moment...</html>")
            } else {
                ok(GITHUB)
            }
        };
        r.engine.observe_all(
            &plan,
            &answer(&plan, challenge),
            &Probes::new(),
            r.engine.now(),
        );
        // Forced refreshes do not hammer a failing history URL.
        assert!(r.engine.plan(true).expect("plan").services[0]
            .history
            .is_none());
        tokio::time::advance(HISTORY_EVERY).await;
        assert_eq!(
            r.engine.plan(true).expect("plan").services[0].history,
            Some(hist.clone())
        );

        // A service added later on the same page gets a 304 for the shared history URL: it still
        // reads the (cached) body on its first cycle.
        let incidents = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/statuspage/github-incidents-2-resolved-2024-09-16.json"
        ));
        let cached = |u: &str| {
            let body: &[u8] = if u.ends_with("incidents.json") {
                incidents
            } else {
                GITHUB
            };
            ok(body).map(|mut r| {
                r.not_modified = true;
                r
            })
        };
        let mut n = rig(&format!(
            "catalog = []\n{}",
            svc("b", "https://www.githubstatus.com")
        ));
        let plan = n.engine.plan(true).expect("plan");
        let (_, writes) = n.engine.observe_all(
            &plan,
            &answer(&plan, cached),
            &Probes::new(),
            n.engine.now(),
        );
        assert_eq!(
            writes[0].incidents.len(),
            1 + 2,
            "open one + two from history"
        );
        // Once read, a 304 is not read again.
        let (_, writes) = n.engine.observe_all(
            &plan,
            &answer(&plan, cached),
            &Probes::new(),
            n.engine.now(),
        );
        assert_eq!(writes[0].incidents.len(), 1);
    }

    #[tokio::test]
    async fn persist_records_gaps_and_closes_what_vanished() {
        let mut r = rig(&format!(
            "catalog = []\n{}",
            svc("a", "https://www.githubstatus.com")
        ));
        let now = r.engine.now();
        let plan = r.engine.plan(true).expect("plan");
        let res = answer(&plan, |u| {
            if u.ends_with("summary.json") {
                ok(GITHUB)
            } else {
                Err(FetchError::Refused)
            }
        });
        let (_, w) = r.engine.observe_all(&plan, &res, &Probes::new(), now);
        r.engine.persist(&plan, &res, &w, now).expect("persist");
        // Unreachable: recorded as no data.
        let later = now + chrono::Duration::minutes(5);
        let down = answer(&plan, |_| {
            ok(b"").map(|mut r| {
                r.status = 503;
                r
            })
        });
        let (_, w) = r.engine.observe_all(&plan, &down, &Probes::new(), later);
        r.engine.persist(&plan, &down, &w, later).expect("persist");
        // Back, with the incident gone from the page: watched ending, closed now.
        let end = later + chrono::Duration::minutes(5);
        let quiet = answer(&plan, |u| {
            if u.ends_with("summary.json") {
                ok(CLAUDE)
            } else {
                Err(FetchError::Refused)
            }
        });
        let (_, w) = r.engine.observe_all(&plan, &quiet, &Probes::new(), end);
        r.engine.persist(&plan, &quiet, &w, end).expect("persist");
        let steps: Vec<(Severity, Severity)> = r
            .engine
            .store()
            .changes("a", now - chrono::Duration::days(1))
            .expect("changes")
            .into_iter()
            .map(|c| (c.1, c.2))
            .collect();
        assert_eq!(
            steps,
            [
                (Severity::Unknown, Severity::PartialOutage),
                (Severity::PartialOutage, Severity::Unknown),
                (Severity::Unknown, Severity::Operational)
            ]
        );
        let inc = r.engine.store().incidents(Some("a"), None).expect("q");
        assert_eq!(inc.len(), 1);
        assert_eq!(inc[0].incident.status, "resolved");
        assert_eq!(inc[0].incident.resolved_at, Some(end));
    }

    /// The page itself decides whether an incident is open again: its history listing (read
    /// apart, and able to lag) never reopens one the page closed.
    #[tokio::test]
    async fn only_the_page_reopens_an_incident_not_a_lagging_history() {
        let mut r = rig(&format!(
            "catalog = []\n{}",
            svc("a", "https://www.githubstatus.com")
        ));
        let plan = r.engine.plan(true).expect("plan");
        // (summary, history): GITHUB lists one open incident, CLAUDE none; None = refused.
        let read = |summary: &'static [u8], history: Option<&'static [u8]>| {
            answer(&plan, move |u| {
                match (u.ends_with("summary.json"), history) {
                    (true, _) => ok(summary),
                    (false, Some(h)) => ok(h),
                    (false, None) => Err(FetchError::Refused),
                }
            })
        };
        let mut at = r.engine.now();
        let mut cycle = |res: Results| {
            at += chrono::Duration::minutes(5);
            let (_, w) = r.engine.observe_all(&plan, &res, &Probes::new(), at);
            r.engine.persist(&plan, &res, &w, at).expect("persist");
            let inc = r.engine.store().incidents(Some("a"), None).expect("q");
            assert_eq!(inc.len(), 1, "one incident, one row");
            (at, inc[0].incident.resolved_at)
        };
        assert_eq!(cycle(read(GITHUB, None)).1, None);
        let (closed_at, resolved) = cycle(read(CLAUDE, None));
        assert_eq!(resolved, Some(closed_at), "gone from the page: closed");
        assert_eq!(
            cycle(read(CLAUDE, Some(GITHUB))).1,
            Some(closed_at),
            "listed open by the history only: still closed"
        );
        assert_eq!(cycle(read(GITHUB, None)).1, None, "open on the page again");
    }
}
