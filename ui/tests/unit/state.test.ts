import { describe, expect, it } from "vitest";
import type { StoredIncident } from "../../src/bindings/StoredIncident";
import type { ServiceState } from "../../src/bindings/ServiceState";
import { EMPTY_FILTER, filterIncidents, keysOf, nextCell, nextTab, sortServices, splitQuiet } from "../../src/state";

function inc(service: string, id: string, impact: StoredIncident["impact"], started: string, title: string, update = ""): StoredIncident {
  return { service, id, kind: "incident", title, status: "resolved", impact, started_at: started, resolved_at: null, url: null, components: [], updates: update ? [{ at: started, status: "investigating", text: update }] : [] };
}

const list = [
  inc("github", "a", "partial_outage", "2025-03-10T12:00:00Z", "Packages unavailable", "We are investigating élevé errors"),
  inc("claude", "b", "degraded", "2025-02-01T12:00:00Z", "Elevated errors on Opus"),
  inc("github", "c", "maintenance", "2025-01-15T12:00:00Z", "Scheduled DB maintenance"),
];

describe("history filters", () => {
  it("no filter keeps everything", () => {
    expect(filterIncidents(list, EMPTY_FILTER)).toHaveLength(3);
  });
  it("by service, impact, dates and text (accent- and case-insensitive)", () => {
    expect(filterIncidents(list, { ...EMPTY_FILTER, service: "github" }).map((i) => i.id)).toEqual(["a", "c"]);
    expect(filterIncidents(list, { ...EMPTY_FILTER, severity: "degraded" }).map((i) => i.id)).toEqual(["b"]);
    expect(filterIncidents(list, { ...EMPTY_FILTER, from: "2025-02-01" }).map((i) => i.id)).toEqual(["a", "b"]);
    expect(filterIncidents(list, { ...EMPTY_FILTER, to: "2025-01-31" }).map((i) => i.id)).toEqual(["c"]);
    expect(filterIncidents(list, { ...EMPTY_FILTER, text: "ÉLEV" }).map((i) => i.id)).toEqual(["a", "b"]);
    expect(filterIncidents(list, { ...EMPTY_FILTER, text: "errors opus" }).map((i) => i.id)).toEqual(["b"]);
    expect(filterIncidents(list, { ...EMPTY_FILTER, service: "github", text: "maintenance" }).map((i) => i.id)).toEqual(["c"]);
  });
  it("keys for the export", () => {
    expect(keysOf(list.slice(0, 1))).toEqual([{ service: "github", id: "a" }]);
  });
});

describe("view state", () => {
  it("tabs wrap and jump", () => {
    expect(nextTab("now", "ArrowRight")).toBe("history");
    expect(nextTab("now", "ArrowLeft")).toBe("settings");
    expect(nextTab("uptime", "Home")).toBe("now");
    expect(nextTab("history", "End")).toBe("settings");
    expect(nextTab("now", "a")).toBeNull();
  });
  it("uptime cells move and clamp", () => {
    expect(nextCell(0, 90, "ArrowLeft")).toBe(0);
    expect(nextCell(89, 90, "ArrowRight")).toBe(89);
    expect(nextCell(10, 90, "PageDown")).toBe(17);
    expect(nextCell(3, 90, "PageUp")).toBe(0);
    expect(nextCell(5, 90, "End")).toBe(89);
    expect(nextCell(5, 90, "x")).toBeNull();
  });
  it("worst services first, then by name", () => {
    const s = (name: string, status: ServiceState["status"]) => ({ name, status }) as ServiceState;
    expect(sortServices([s("b", "operational"), s("a", "operational"), s("z", "major_outage"), s("u", "unknown")]).map((x) => x.name)).toEqual(["z", "a", "b", "u"]);
  });
  it("quiet hours", () => {
    expect(splitQuiet("22:00-07:30")).toEqual(["22:00", "07:30"]);
    expect(splitQuiet(null)).toBeNull();
    expect(splitQuiet("bad")).toBeNull();
  });
});
