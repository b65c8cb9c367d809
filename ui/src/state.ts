// Pure view state: history filters, sorting, uptime navigation. No DOM here (unit-tested).
import type { Severity } from "./bindings/Severity";
import type { StoredIncident } from "./bindings/StoredIncident";
import type { ServiceState } from "./bindings/ServiceState";
import type { IncidentKey } from "./bindings/IncidentKey";
import { localDay, severityRank } from "./format";

export type View = "now" | "history" | "uptime" | "report" | "settings";
export const VIEWS: View[] = ["now", "history", "uptime", "report", "settings"];

export type HistoryFilter = {
  service: string; // "" = any
  severity: Severity | ""; // impact, exact
  from: string; // "YYYY-MM-DD" or ""
  to: string;
  text: string;
};

export const EMPTY_FILTER: HistoryFilter = { service: "", severity: "", from: "", to: "", text: "" };

function norm(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Incidents matching every set filter (dates are local calendar days of the start, inclusive). */
export function filterIncidents(list: StoredIncident[], f: HistoryFilter): StoredIncident[] {
  const q = norm(f.text.trim());
  return list.filter((i) => {
    if (f.service && i.service !== f.service) return false;
    if (f.severity && i.impact !== f.severity) return false;
    if (f.from || f.to) {
      const day = i.started_at ? localDay(i.started_at) : "";
      if (!day) return false;
      if (f.from && day < f.from) return false;
      if (f.to && day > f.to) return false;
    }
    if (q) {
      const hay = norm([i.title, i.status, i.service, ...i.updates.map((u) => u.text)].join("\n"));
      if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}

export function keysOf(list: StoredIncident[]): IncidentKey[] {
  return list.map((i) => ({ service: i.service, id: i.id }));
}

/** Worst first, then by name: what needs attention comes first. */
export function sortServices(list: ServiceState[]): ServiceState[] {
  return [...list].sort((a, b) => severityRank(b.status) - severityRank(a.status) || a.name.localeCompare(b.name));
}

/** Tab keyboard model: ArrowLeft/Right wrap, Home/End jump. */
export function nextTab(current: View, key: string): View | null {
  const i = VIEWS.indexOf(current);
  switch (key) {
    case "ArrowRight":
      return VIEWS[(i + 1) % VIEWS.length];
    case "ArrowLeft":
      return VIEWS[(i + VIEWS.length - 1) % VIEWS.length];
    case "Home":
      return VIEWS[0];
    case "End":
      return VIEWS[VIEWS.length - 1];
    default:
      return null;
  }
}

/** Day-cell keyboard model for the uptime bars (roving focus). */
export function nextCell(index: number, count: number, key: string): number | null {
  switch (key) {
    case "ArrowRight":
      return Math.min(index + 1, count - 1);
    case "ArrowLeft":
      return Math.max(index - 1, 0);
    case "Home":
      return 0;
    case "End":
      return count - 1;
    case "PageUp":
      return Math.max(index - 7, 0);
    case "PageDown":
      return Math.min(index + 7, count - 1);
    default:
      return null;
  }
}

/** Parse "22:00-07:00" into its two halves, or null. */
export function splitQuiet(q: string | null): [string, string] | null {
  if (!q) return null;
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(q);
  return m ? [m[1], m[2]] : null;
}

export const INTERVALS = [30, 60, 120, 300, 600, 900, 1800, 3600];
