// Injected before the page's scripts (Playwright addInitScript): a stand-in for Tauri's IPC that
// answers the app's commands with fixture data, including hostile provider strings. It records every
// call, every alert() and every CSP violation so the tests can assert that nothing ran.
(() => {
  const now = Date.now();
  const ago = (m) => new Date(now - m * 60000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const XSS_IMG = '<img src=x onerror=alert(1)>';
  const XSS_SCRIPT = '<script>alert(2)</script>';
  window.__alerts = [];
  window.alert = (m) => window.__alerts.push(String(m));
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  window.__calls = [];
  window.__VIGIE_TEST__ = true;

  const incident = (o) => ({ kind: "incident", status: "investigating", resolved_at: null, components: [], updates: [], url: null, ...o });
  const services = [
    {
      id: "github", name: "GitHub", kind: "statuspage", page_url: "https://www.githubstatus.com", status: "partial_outage",
      reachable: true, stale: false, error: null,
      components: [{ id: "git", name: "Git Operations", group: null, status: "operational" }, { id: "pkgs", name: "Packages", group: null, status: "partial_outage" }, { id: "pages", name: "Pages", group: null, status: "degraded" }],
      notices: [],
      incidents: [incident({ id: "g1", title: "Degraded performance for GitHub Packages", status: "identified", impact: "partial_outage", started_at: ago(95), url: "https://www.githubstatus.com/incidents/g1",
        updates: [{ at: ago(95), status: "investigating", text: "We are investigating reports of degraded performance for Packages." }, { at: ago(20), status: "identified", text: "The issue has been identified and a fix is being implemented." }] })],
      since: ago(95), fetched_at: ago(1), checked_at: ago(1),
    },
    {
      id: "claude", name: "Claude", kind: "statuspage", page_url: "https://status.claude.com", status: "operational",
      reachable: true, stale: false, error: null, components: [], incidents: [], notices: [], since: ago(60 * 30), fetched_at: ago(1), checked_at: ago(1),
      // Its probe fails from here while the page still says operational.
      probe: { url: "https://api.anthropic.com/v1/models", ok: false, http_status: 503, latency_ms: 48, failures: 2, problem: "unconfirmed", error: "HTTP 503", checked_at: ago(1) },
    },
    {
      id: "openai-api", name: "OpenAI API", kind: "incident_io", page_url: "https://status.openai.com", status: "degraded",
      reachable: true, stale: false, error: null, notices: [],
      components: [{ id: "resp", name: "Responses", group: "APIs", status: "degraded" }, { id: "chat", name: "Chat Completions", group: "APIs", status: "operational" }],
      incidents: [incident({ id: "o1", title: "Elevated error rates on Responses API", impact: "degraded", started_at: ago(12), url: "https://status.openai.com/incidents/o1",
        updates: [{ at: ago(12), status: "investigating", text: "We are seeing elevated error rates." }] })],
      since: ago(12), fetched_at: ago(2), checked_at: ago(2),
      probe: { url: "https://api.openai.com/v1/models", ok: true, http_status: 401, latency_ms: 212, failures: 0, problem: null, error: null, checked_at: ago(2) },
    },
    {
      id: "hostile", name: `Evil ${XSS_IMG}`, kind: "statuspage", page_url: "javascript:alert(3)", status: "major_outage",
      reachable: true, stale: true, error: `${XSS_SCRIPT} fetch failed`,
      components: [{ id: "x", name: `Part ${XSS_IMG}`, group: `Group ${XSS_SCRIPT}`, status: "major_outage" }],
      notices: [incident({ id: "xn", title: `Notice ${XSS_IMG}`, impact: "major_outage", started_at: ago(30), url: "javascript:alert(6)",
        updates: [{ at: ago(30), status: "investigating", text: `${XSS_SCRIPT} page-wide` }] })],
      incidents: [incident({ id: "x1", title: XSS_IMG, impact: "major_outage", started_at: ago(300), url: "javascript:alert(4)",
        updates: [{ at: ago(290), status: "investigating", text: `${XSS_SCRIPT}<a href="javascript:alert(5)">click</a>` }] })],
      since: ago(300), fetched_at: ago(40), checked_at: ago(1),
      upstream: [{ id: "evil-up", name: `Up ${XSS_IMG}`, status: "major_outage" }],
      probe: { url: "javascript:alert(7)", ok: false, http_status: null, latency_ms: null, failures: 2, problem: "confirmed", error: XSS_SCRIPT, checked_at: ago(1) },
    },
    {
      id: "mistral", name: "Mistral", kind: "instatus", page_url: "https://status.mistral.ai", status: "unknown",
      reachable: false, stale: true, error: "HTTP 503 from the page", components: [], incidents: [], notices: [], since: null, fetched_at: ago(600), checked_at: ago(1),
    },
    // Watches only Copilot: GitHub's component-less incident is a page-wide notice, not its status.
    {
      id: "github-copilot", name: "GitHub Copilot", kind: "statuspage", page_url: "https://www.githubstatus.com", status: "operational",
      reachable: true, stale: false, error: null, components: [{ id: "pjmpxvq2cmr2", name: "Copilot", group: null, status: "operational" }], incidents: [],
      notices: [incident({ id: "gn1", title: "Disruption with some GitHub services", impact: "degraded", started_at: ago(25), url: "https://www.githubstatus.com/incidents/gn1",
        updates: [{ at: ago(25), status: "investigating", text: "We are investigating reports of degraded performance for some GitHub services." }] })],
      since: ago(60 * 24), fetched_at: ago(1), checked_at: ago(1),
      // Built on the OpenAI API, which is degraded: said in words, its own status unchanged.
      upstream: [{ id: "openai-api", name: "OpenAI API", status: "degraded" }],
    },
    {
      id: "my-vendor", name: "My vendor", kind: "statuspage", page_url: "https://status.example.com", status: "unknown",
      reachable: false, stale: false, components: [], incidents: [], notices: [],
      error: 'https://status.example.com/api/v2/summary.json: service is misconfigured: components = ["typo"] matches none of the page\'s 11 components: "8l4ygp009s5s" (Git Operations), "brv1bkgrwx7q" (API Requests), …',
      config_error: 'components = ["typo"] matches none of the page\'s 11 components: "8l4ygp009s5s" (Git Operations), "brv1bkgrwx7q" (API Requests), …',
      since: null, fetched_at: null, checked_at: ago(1),
    },
  ];
  const snapshot = { checked_at: ago(1), online: true, overall: "partial_outage", services };

  const history = [
    { service: "github", ...services[0].incidents[0] },
    { service: "openai-api", ...services[2].incidents[0] },
    { service: "hostile", ...services[3].incidents[0] },
    { service: "claude", ...incident({ id: "c1", title: "Elevated errors on Claude Opus", status: "resolved", impact: "degraded", started_at: ago(60 * 24 * 3), resolved_at: ago(60 * 24 * 3 - 45), url: "https://status.claude.com/incidents/c1",
      updates: [{ at: ago(60 * 24 * 3), status: "investigating", text: "We are investigating elevated errors." }, { at: ago(60 * 24 * 3 - 45), status: "resolved", text: "This incident has been resolved." }] }) },
    { service: "github", ...incident({ id: "g0", kind: "maintenance", title: "Scheduled maintenance of Codespaces", status: "completed", impact: "maintenance", started_at: ago(60 * 24 * 20), resolved_at: ago(60 * 24 * 20 - 120),
      updates: [{ at: ago(60 * 24 * 20), status: "in_progress", text: "Maintenance is in progress." }] }) },
  ];

  const day = (i) => new Date(now - (89 - i) * 86400000).toISOString().slice(0, 10);
  const bars = (seed, startData) => Array.from({ length: 90 }, (_, i) => {
    if (i < startData) return { date: day(i), worst: "unknown", availability: null, coverage: 0 };
    // Some days seen only in part (app closed, offline), a few not at all.
    const c = (i * 31 + seed * 17) % 11;
    if (c === 1) return { date: day(i), worst: "unknown", availability: null, coverage: 0 };
    const coverage = c === 0 ? 0.62 : 1;
    const r = (i * 7919 + seed * 104729) % 97;
    const worst = r < 3 ? "major_outage" : r < 7 ? "partial_outage" : r < 13 ? "degraded" : r < 15 ? "maintenance" : "operational";
    const availability = worst === "operational" || worst === "maintenance" ? 1 : worst === "degraded" ? 0.995 : worst === "partial_outage" ? 0.97 : 0.9;
    return { date: day(i), worst, availability, coverage };
  });
  const mean = (d) => { const a = d.filter((x) => x.availability !== null); return a.length ? a.reduce((s, x) => s + x.availability, 0) / a.length : null; };
  const uptime = services.map((s, k) => { const days = bars(k + 1, k === 4 ? 90 : k * 10); return { id: s.id, name: s.name, availability: mean(days), days }; });

  // The reliability report as the core ranks it (most available first; never observed last).
  const rep = (id, o) => ({ id, name: services.find((s) => s.id === id).name, by_impact: { degraded: 0, partial_outage: 0, major_outage: 0, other: 0 }, incidents: 0, resolved: 0,
    median_resolve_minutes: null, longest_resolve_minutes: null, outage_hours: 0, observed_hours: 0, coverage: null, availability: null, line: "", ...o });
  const report = {
    from: new Date(Math.floor(now / 86400000) * 86400000 - 90 * 86400000).toISOString().replace(/\.\d{3}Z$/, "Z"), to: ago(0), period: "90 days",
    services: [
      rep("claude", { coverage: 0.93, availability: 0.9981, incidents: 12, resolved: 11, by_impact: { degraded: 7, partial_outage: 4, major_outage: 1, other: 0 }, median_resolve_minutes: 47, longest_resolve_minutes: 312, outage_hours: 4.2, observed_hours: 2009 }),
      rep("github-copilot", { coverage: 0.88, availability: 0.9964, incidents: 5, resolved: 5, by_impact: { degraded: 4, partial_outage: 1, major_outage: 0, other: 0 }, median_resolve_minutes: 38, longest_resolve_minutes: 95, outage_hours: 1.5, observed_hours: 1901 }),
      rep("openai-api", { coverage: 0.91, availability: 0.9902, incidents: 21, resolved: 20, by_impact: { degraded: 12, partial_outage: 6, major_outage: 3, other: 0 }, median_resolve_minutes: 64, longest_resolve_minutes: 540, outage_hours: 11.8, observed_hours: 1966 }),
      rep("github", { coverage: 0.9, availability: 0.9877, incidents: 17, resolved: 17, by_impact: { degraded: 9, partial_outage: 7, major_outage: 1, other: 0 }, median_resolve_minutes: 52, longest_resolve_minutes: 190, outage_hours: 9.3, observed_hours: 1944 }),
      rep("hostile", { coverage: 0.4, availability: 0.9, incidents: 1, resolved: 0, by_impact: { degraded: 0, partial_outage: 0, major_outage: 1, other: 0 }, outage_hours: 86.4, observed_hours: 864 }),
      rep("mistral", {}),
      rep("my-vendor", {}),
    ].map((s, i) => ({ ...s, rank: i + 1 })),
  };

  const settings = {
    path: "/home/user/.config/vigie/config.toml", interval_secs: 60, language: "system",
    notifications: { enabled: true, threshold: "degraded", recovery: true, updates: false, maintenance: false, page_wide: false, local_stopped: false, quiet_hours: "22:00-07:00", muted: [] },
    services: [
      { id: "chatgpt", name: "ChatGPT", kind: "incident_io", url: "https://status.openai.com", builtin: true, enabled: false, components: [] },
      { id: "claude", name: "Claude", kind: "statuspage", url: "https://status.claude.com", builtin: true, enabled: true, components: [] },
      { id: "github", name: "GitHub", kind: "statuspage", url: "https://www.githubstatus.com", builtin: true, enabled: true, components: [] },
      { id: "openai-api", name: "OpenAI API", kind: "incident_io", url: "https://status.openai.com", builtin: true, enabled: true, components: [] },
      { id: "mistral", name: "Mistral", kind: "instatus", url: "https://status.mistral.ai", builtin: true, enabled: true, components: [] },
      { id: "hostile", name: `Evil ${XSS_IMG}`, kind: "statuspage", url: "http://127.0.0.1:9", builtin: false, enabled: true, components: [] },
    ],
  };

  // Pause and snoozes as the tray stores them (vigie_core::holds::Holds); Mistral snoozed for 2 h.
  const holds = { paused_until: null, snoozed: { mistral: ago(-120) } };

  const callbacks = new Map();
  let nextId = 1;
  const listeners = [];
  window.__emit = (event, payload) => { for (const l of listeners) if (l.event === event) callbacks.get(l.handler)?.({ event, id: 0, payload }); };

  const handlers = {
    get_snapshot: () => snapshot,
    refresh: () => null,
    get_history: () => history,
    get_uptime: () => uptime,
    get_report: (a) => ({ report, export: a.export ? { file_name: `vigie-report.${a.export}`, mime: a.export === "csv" ? "text/csv" : "application/json", text: a.export === "csv" ? "rank,id\n" + report.services.map((s) => `${s.rank},${s.id}`).join("\n") : JSON.stringify(report), saved_to: null } : null }),
    get_settings: () => settings,
    get_autostart: () => false,
    set_autostart: (a) => a.enabled,
    save_settings: (a) => { if (a.settings.notifications.threshold === "maintenance") throw "/home/user/.config/vigie/config.toml:3: notifications.threshold: refused by the test mock"; Object.assign(settings, JSON.parse(JSON.stringify(a.settings))); return settings; },
    get_components: () => [{ id: "pkgs", name: "Packages", group: null, status: "partial_outage" }, { id: "act", name: `Actions ${XSS_IMG}`, group: "CI", status: "operational" }],
    discover_page: (a) => { const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(a.url)?.[1]; if (scheme && !/^https?$/i.test(scheme)) throw `${JSON.stringify(a.url)} is a ${scheme}: address; only http and https status pages can be added`; if (!/^https?:/.test(a.url)) throw `${JSON.stringify(a.url)} is not an http(s) URL`; return { id: "example", name: `Example ${XSS_SCRIPT}`, kind: "statuspage", url: a.url, status: "degraded", components: [{ id: "api", name: "API", group: null, status: "degraded" }], incidents: [], note: null }; },
    add_service: (a) => { settings.services.push({ ...a.service, builtin: false, enabled: true }); return settings; },
    export_history: (a) => ({ file_name: `vigie-history.${a.format}`, mime: a.format === "csv" ? "text/csv" : "application/json", text: a.format === "csv" ? "service,id\n" + a.keys.map((k) => `${k.service},${k.id}`).join("\n") : JSON.stringify(a.keys), saved_to: null }),
    open_url: () => null,
    get_holds: () => holds,
    snooze: (a) => { if (!["hour", "tomorrow", "off"].includes(a.length)) throw `bad length ${a.length}`; if (a.length === "off") delete holds.snoozed[a.service]; else holds.snoozed[a.service] = ago(a.length === "hour" ? -60 : -60 * 20); return JSON.parse(JSON.stringify(holds)); },
    get_log_path: () => "/home/user/.local/state/vigie/vigie.log",
    open_log_folder: (a) => { if (Object.keys(a).length) throw "open_log_folder takes no argument"; return null; },
    "plugin:event|listen": (a) => { listeners.push(a); return nextId++; },
    "plugin:event|unlisten": () => null,
  };

  window.__TAURI_INTERNALS__ = {
    transformCallback: (cb) => { const id = nextId++; callbacks.set(id, cb); return id; },
    invoke: (cmd, args = {}) => {
      window.__calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
      const f = handlers[cmd];
      if (!f) return Promise.reject(`unknown command ${cmd}`);
      try { return Promise.resolve(f(args)); } catch (e) { return Promise.reject(e); }
    },
  };
})();
