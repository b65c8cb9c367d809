// @vitest-environment happy-dom
// The Report view rendered from core-shaped data: the ranked table and the plain lines, in English
// and French, with nulls said as "no data".
import { describe, expect, it } from "vitest";
import type { ServiceReport } from "../../src/bindings/ServiceReport";
import { type Ctx, makeT, makeTn } from "../../src/ctx";
import type { Lang } from "../../src/i18n";
import { fixTime, renderReport, reportLine, reportState } from "../../src/views/report";

function ctx(lang: Lang): Ctx {
  return { lang, snapshot: null, now: () => new Date("2026-12-06T10:00:00Z"), t: makeT(lang), tn: makeTn(lang), say: () => {}, fail: () => {} };
}

function svc(o: Partial<ServiceReport>): ServiceReport {
  return {
    id: "claude", name: "Claude", rank: 1, coverage: 0.93, availability: 0.9981, incidents: 12, resolved: 11,
    by_impact: { degraded: 7, partial_outage: 4, major_outage: 1, other: 0 }, median_resolve_minutes: 47, longest_resolve_minutes: 312,
    outage_hours: 4.2, observed_hours: 2009, line: "", ...o,
  };
}

describe("Report view", () => {
  it("words each service in one plain line, with plurals", () => {
    expect(reportLine(ctx("en"), svc({}), 90)).toBe("Claude: 12 incidents (1 major), 4.2 h of outage in 90 days; median fix 47 min");
    expect(reportLine(ctx("fr"), svc({ by_impact: { degraded: 7, partial_outage: 2, major_outage: 3, other: 0 } }), 90))
      .toBe("Claude : 12 incidents (3 majeurs), 4,2 h de panne sur 90 jours ; résolution médiane 47 min");
    const one = svc({ incidents: 1, by_impact: { degraded: 0, partial_outage: 0, major_outage: 1, other: 0 }, median_resolve_minutes: 312 });
    expect(reportLine(ctx("en"), one, 30)).toBe("Claude: 1 major incident, 4.2 h of outage in 30 days; median fix 5.2 h");
    expect(reportLine(ctx("fr"), svc({ incidents: 1, by_impact: { degraded: 1, partial_outage: 0, major_outage: 0, other: 0 } }), 90))
      .toBe("Claude : 1 incident, 4,2 h de panne sur 90 jours ; résolution médiane 47 min");
    const none = svc({ coverage: null, availability: null, incidents: 0, median_resolve_minutes: null, by_impact: { degraded: 0, partial_outage: 0, major_outage: 0, other: 0 } });
    expect(reportLine(ctx("en"), none, 90)).toBe("Claude: no incidents, not observed in 90 days");
    expect(reportLine(ctx("fr"), none, 90)).toBe("Claude : aucun incident, non observé sur 90 jours");
    expect(fixTime(ctx("en"), null)).toBe("—");
    expect(fixTime(ctx("fr"), 95)).toBe("1,6 h");
  });

  it("renders the ranked table, nulls as no data, names as text", () => {
    reportState.data = {
      from: "2026-09-07T00:00:00Z", to: "2026-12-06T10:00:00Z", period: "90 days",
      services: [svc({}), svc({ id: "x", name: "<b>X</b>", rank: 2, coverage: null, availability: null, incidents: 0, median_resolve_minutes: null, longest_resolve_minutes: null, by_impact: { degraded: 0, partial_outage: 0, major_outage: 0, other: 0 } })],
    };
    const root = document.createElement("div");
    renderReport(ctx("en"), root);
    const rows = [...root.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows[0]).toEqual(["1", "Claude", "99.81%", "93%", "12", "1", "4.2 h", "47 min", "5.2 h"]);
    expect(rows[1]).toEqual(["2", "<b>X</b>", "no data", "no data", "0", "0", "no data", "—", "—"]);
    expect(root.querySelector("tbody b")).toBeNull();
    expect([...root.querySelectorAll(".report-lines li")].map((l) => l.textContent)[1]).toBe("<b>X</b>: no incidents, not observed in 90 days");
    reportState.data = null;
  });
});
