// @vitest-environment happy-dom
// The Now and Uptime views rendered from core-shaped data: what a person reads in each card and cell.
import { describe, expect, it } from "vitest";
import type { ServiceState } from "../../src/bindings/ServiceState";
import type { Snapshot } from "../../src/bindings/Snapshot";
import type { Day } from "../../src/bindings/Day";
import type { Incident } from "../../src/bindings/Incident";
import { type Ctx, makeT, makeTn } from "../../src/ctx";
import type { Lang } from "../../src/i18n";
import { downComponents, isMisconfigured, renderNow } from "../../src/views/now";
import { cellClass, dayText } from "../../src/views/uptime";
import { share } from "../../src/format";

function ctx(lang: Lang, snapshot: Snapshot | null = null): Ctx {
  return { lang, snapshot, now: () => new Date("2026-09-16T10:00:00Z"), t: makeT(lang), tn: makeTn(lang), say: () => {}, fail: () => {} };
}

function svc(o: Partial<ServiceState>): ServiceState {
  return {
    id: "s", name: "S", kind: "statuspage", page_url: "https://status.example.com", status: "operational", reachable: true, stale: false,
    error: null, config_error: null, components: [], incidents: [], notices: [], since: null, fetched_at: null, checked_at: "2026-09-16T09:59:00Z",
    upstream: [], probe: null, ...o,
  };
}

const notice: Incident = {
  id: "n1", kind: "incident", title: "Disruption with some GitHub services", status: "investigating", impact: "degraded",
  started_at: "2026-09-16T09:30:00Z", resolved_at: null, url: "https://www.githubstatus.com/incidents/n1", components: [],
  updates: [{ at: "2026-09-16T09:30:00Z", status: "investigating", text: "We are investigating." }],
};

function render(lang: Lang, services: ServiceState[]): HTMLElement {
  const snap: Snapshot = { checked_at: "2026-09-16T09:59:00Z", online: true, overall: "operational", services };
  const root = document.createElement("div");
  for (const el of renderNow(ctx(lang, snap), root)) root.appendChild(el);
  return root;
}

describe("Now view", () => {
  it("lists the non-operational components with status and group, and only those", () => {
    const s = svc({
      id: "openai", name: "OpenAI", status: "degraded",
      components: [
        { id: "a", name: "Responses", group: "APIs", status: "degraded" },
        { id: "b", name: "Login", group: null, status: "operational" },
        { id: "c", name: "Sora", group: null, status: "maintenance" },
      ],
    });
    expect(downComponents(s).map((c) => c.id)).toEqual(["a", "c"]);
    const root = render("en", [s]);
    expect(root.querySelector(".down-head")?.textContent).toBe("2 components not operational");
    const items = [...root.querySelectorAll(".down-item")].map((li) => li.textContent);
    expect(items).toEqual(["▲ degraded Responses · APIs", "◆ maintenance Sora"]);
    expect(root.textContent).not.toContain("Login");
  });

  it("shows a page-wide notice with its own label, and the service keeps its status", () => {
    const root = render("en", [svc({ name: "GitHub Copilot", notices: [notice] })]);
    expect(root.querySelector(".card-head .badge")?.textContent).toBe("● operational");
    expect(root.querySelector(".incidents")).toBeNull();
    const n = root.querySelector(".notices .notice");
    expect(n?.querySelector(".notice-label")?.textContent).toBe("Page-wide notice");
    expect(n?.textContent).toContain("Disruption with some GitHub services (investigating)");
    expect(n?.querySelector("a")?.getAttribute("href")).toBe("https://www.githubstatus.com/incidents/n1");
    const fr = render("fr", [svc({ notices: [notice] })]);
    expect(fr.querySelector(".notice-label")?.textContent).toBe("Avis pour toute la page");
  });

  it("says a filter that matches nothing is a configuration problem, not an unreachable page", () => {
    const error = 'https://x/api/v2/summary.json: service is misconfigured: components = ["typo"] matches none of the page\'s 11 components: "8l4ygp009s5s" (Git Operations), …';
    const bad = svc({ status: "unknown", reachable: false, error, config_error: 'components = ["typo"] matches none of the page\'s 11 components' });
    expect(isMisconfigured(bad)).toBe(true);
    expect(render("en", [bad]).querySelector(".error-text")?.textContent).toBe(`Configuration problem: ${error}`);
    expect(render("fr", [bad]).querySelector(".error-text")?.textContent).toBe(`Problème de configuration : ${error}`);
    const down = svc({ status: "unknown", reachable: false, error: "https://x/: HTTP 503" });
    expect(isMisconfigured(down)).toBe(false);
    expect(render("en", [down]).querySelector(".error-text")?.textContent).toBe("Page unavailable: https://x/: HTTP 503");
  });
});

describe("Now view: built on, and seen from here", () => {
  const probe = { url: "https://api.openai.com/v1/models", ok: true, http_status: 401, latency_ms: 212, failures: 0, problem: null, error: null, checked_at: "2026-09-16T09:59:00Z" } as const;

  it("names the providers with a problem and keeps the service's own badge", () => {
    const s = svc({
      name: "Cursor",
      upstream: [
        { id: "claude-api", name: "Claude API", status: "partial_outage" },
        { id: "openai-api", name: "OpenAI API", status: "degraded" },
      ],
    });
    const root = render("en", [s]);
    expect(root.querySelector(".card-head .badge")?.textContent).toBe("● operational");
    expect(root.querySelector(".card")?.className).toContain("sev-border-operational");
    expect(root.querySelector(".upstream")?.textContent).toBe("May be affected: Claude API, partial outage; OpenAI API, degraded");
    expect(render("fr", [s]).querySelector(".upstream")?.textContent).toBe("Peut être affecté : Claude API, panne partielle ; OpenAI API, dégradé");
    expect(render("en", [svc({})]).querySelector(".upstream")).toBeNull();
  });

  it("shows the probe's latency line, and its own glyph only when it sees problems", () => {
    const ok = render("en", [svc({ probe })]);
    expect(ok.querySelector(".probe-line")?.textContent).toBe("From here: HTTP 401 in 212 ms");
    expect(ok.querySelector(".seen-here")).toBeNull();
    expect(render("en", [svc({})]).querySelector(".probe-line")).toBeNull();

    const failing = svc({ probe: { ...probe, ok: false, http_status: null, latency_ms: null, failures: 3, problem: "unconfirmed", error: "timed out after 10s" } });
    const root = render("en", [failing]);
    const seen = root.querySelector(".seen-here");
    expect(seen?.className).toContain("seen-unconfirmed");
    expect(seen?.textContent).toBe("⚑ Problems seen from here, not confirmed · failures in a row: 3");
    expect(root.querySelector(".probe-line")?.textContent).toBe("From here: timed out after 10s");
    expect(root.querySelector(".card-head .badge")?.textContent).toBe("● operational");

    const confirmed = render("fr", [svc({ status: "major_outage", probe: { ...probe, ok: false, http_status: 503, latency_ms: 12, failures: 2, problem: "confirmed" } })]);
    expect(confirmed.querySelector(".seen-here")?.textContent).toBe("⚑ Problèmes vus d’ici, confirmés par la page · échecs consécutifs : 2");
    expect(confirmed.querySelector(".probe-line")?.textContent).toBe("Depuis ici : HTTP 503 en 12 ms");
  });
});

describe("Uptime cells", () => {
  const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
  const day = (o: Partial<Day>): Day => ({ date: "2026-09-16", worst: "degraded", availability: 0.991, coverage: 1, ...o });

  it("say how much of the day was observed, and availability over that time", () => {
    expect(sp(dayText(ctx("en"), day({ coverage: 0.62 })))).toBe("16 Sept 2026: degraded, Observed 62% of the day · 99.10% available");
    expect(sp(dayText(ctx("fr"), day({ coverage: 0.62 })))).toBe("16 sept. 2026 : dégradé, Observé 62 % de la journée · 99,10 % disponible");
    expect(sp(dayText(ctx("en"), day({})))).toBe("16 Sept 2026: degraded, 99.10% available");
    expect(sp(dayText(ctx("en"), day({ coverage: 0, availability: null, worst: "unknown" })))).toBe("16 Sept 2026: unavailable, no data");
  });

  it("look partly observed below 90 %, empty with no data", () => {
    expect(cellClass(day({ coverage: 0.62 }))).toBe("cell sev-degraded cov-part");
    expect(cellClass(day({ coverage: 0.95 }))).toBe("cell sev-degraded");
    expect(cellClass(day({ coverage: 0, availability: null, worst: "unknown" }))).toBe("cell sev-none");
    expect(cellClass(day({ coverage: 0.3, availability: null }))).toBe("cell sev-none");
  });

  it("never round a partial day up to 100 % observed", () => {
    expect(sp(share("en", 0.998))).toBe("99%");
    expect(sp(share("en", 0.001))).toBe("1%");
    expect(sp(share("en", 1))).toBe("100%");
    expect(sp(share("en", 0))).toBe("0%");
  });
});

describe("History view", () => {
  const base = {
    service: "openai", id: "i1", kind: "incident" as const, title: "Errors", impact: "degraded" as const,
    started_at: "2026-09-01T10:00:00Z", url: null, components: [], updates: [],
  };
  it("says an incident ended while not watched, never that it was resolved then", async () => {
    const { endWords } = await import("../../src/views/history");
    const seen = "2026-09-01T11:00:00Z";
    const unwatched = { ...base, status: "ended_unwatched", resolved_at: seen };
    expect(endWords(ctx("en"), unwatched)).toMatch(/^ended while not watched \(last seen open .+\)$/);
    expect(endWords(ctx("fr"), unwatched)).toMatch(/^terminé hors surveillance/);
    expect(endWords(ctx("en"), { ...base, status: "resolved", resolved_at: seen })).toMatch(/^resolved /);
    expect(endWords(ctx("en"), { ...base, status: "investigating", resolved_at: null })).toBe("ongoing");
  });
});
