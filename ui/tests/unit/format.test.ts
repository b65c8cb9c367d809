import { describe, expect, it } from "vitest";
import { SHAPES, SEVERITY_ORDER, calendarDate, dateTime, localDay, percent, relativeTime, intervalLabel } from "../../src/format";

const now = new Date("2025-03-10T12:00:00Z");
// Intl uses (narrow) no-break spaces; compare with plain ones.
const sp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("format", () => {
  it("relative times in both languages", () => {
    expect(sp(relativeTime("en", "2025-03-10T11:59:00Z", now))).toMatch(/^1 min\.? ago$/);
    expect(sp(relativeTime("en", "2025-03-10T11:59:50Z", now))).toBe("now");
    expect(sp(relativeTime("en", "2025-03-10T09:00:00Z", now))).toMatch(/^3 hr\.? ago$/);
    expect(sp(relativeTime("en", "2025-03-09T12:00:00Z", now))).toBe("yesterday");
    expect(sp(relativeTime("fr", "2025-03-10T11:55:00Z", now))).toBe("il y a 5 min");
    expect(sp(relativeTime("fr", "2025-03-09T12:00:00Z", now))).toBe("hier");
    expect(sp(relativeTime("en", "garbage", now))).toBe("");
  });

  it("dates in both languages", () => {
    expect(sp(dateTime("en", "2025-03-10T12:34:00Z", "UTC"))).toBe("10 Mar 2025, 12:34");
    expect(sp(dateTime("fr", "2025-03-10T12:34:00Z", "UTC"))).toBe("10 mars 2025, 12:34");
    expect(sp(calendarDate("fr", "2024-09-16"))).toBe("16 sept. 2024");
    expect(sp(calendarDate("en", "2024-09-16"))).toBe("16 Sept 2024");
    expect(sp(calendarDate("en", "bad"))).toBe("bad");
  });

  it("percentages and intervals", () => {
    expect(sp(percent("en", 0.99731))).toBe("99.73%");
    expect(percent("fr", 0.5).replace(/\s/g, " ")).toBe("50,00 %");
    expect(sp(intervalLabel("en", 60))).toBe("1 minute");
    expect(sp(intervalLabel("fr", 300))).toBe("5 minutes");
    expect(sp(intervalLabel("en", 30))).toBe("30 seconds");
    expect(sp(intervalLabel("fr", 3600))).toBe("1 heure");
  });

  it("local calendar day", () => {
    expect(localDay("bad")).toBe("");
    expect(localDay("2025-03-10T12:00:00Z")).toMatch(/^2025-03-1[01]$/);
  });

  it("every status has a distinct shape", () => {
    const shapes = SEVERITY_ORDER.map((s) => SHAPES[s]);
    expect(new Set(shapes).size).toBe(SEVERITY_ORDER.length);
  });
});
