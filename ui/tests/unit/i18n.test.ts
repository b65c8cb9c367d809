import { describe, expect, it } from "vitest";
import { allKeys, messages, pickLang, severityWord, translate } from "../../src/i18n";

describe("i18n", () => {
  it("follows the system language unless a choice is made", () => {
    expect(pickLang(null, ["fr-FR", "en-US"])).toBe("fr");
    expect(pickLang(null, ["de-DE", "en-GB"])).toBe("en");
    expect(pickLang("system", ["fr-CA"])).toBe("fr");
    expect(pickLang("en", ["fr-FR"])).toBe("en");
    expect(pickLang("fr", ["en-US"])).toBe("fr");
    expect(pickLang(undefined, ["ja-JP"])).toBe("en");
    expect(pickLang(null, [])).toBe("en");
  });

  it("has every key in French, non-empty, with the same placeholders", () => {
    const en = messages("en");
    const fr = messages("fr");
    for (const k of allKeys()) {
      expect(fr[k], k).toBeTruthy();
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(",");
      expect(ph(fr[k]), k).toBe(ph(en[k]));
    }
  });

  it("fills placeholders and names statuses", () => {
    expect(translate("en", "history.count", { n: 3 })).toBe("3 incidents");
    expect(translate("fr", "now.since", { time: "hier" })).toBe("depuis hier");
    expect(translate("en", "now.since")).toBe("since {time}");
    expect(severityWord("fr", "partial_outage")).toBe("panne partielle");
    expect(severityWord("en", "unknown")).toBe("unavailable");
  });
});
