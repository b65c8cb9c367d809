import { describe, expect, it } from "vitest";
import { allKeys, countText, messages, pickLang, severityWord, translate } from "../../src/i18n";

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
    expect(translate("en", "history.count.other", { n: 3 })).toBe("3 incidents");
    expect(translate("fr", "now.since", { time: "hier" })).toBe("depuis hier");
    expect(translate("en", "now.since")).toBe("since {time}");
    expect(severityWord("fr", "partial_outage")).toBe("panne partielle");
    expect(severityWord("en", "unknown")).toBe("unavailable");
  });

  it("counts with each language's plural rule", () => {
    expect(countText("en", "history.count", 1)).toBe("1 incident");
    expect(countText("en", "history.count", 0)).toBe("0 incidents");
    expect(countText("en", "history.updates", 2)).toBe("2 updates");
    expect(countText("fr", "history.updates", 1)).toBe("1 mise à jour");
    // French uses the singular for 0 and 1.
    expect(countText("fr", "now.down", 0)).toBe("0 composant non opérationnel");
    expect(countText("fr", "now.down", 2)).toBe("2 composants non opérationnels");
    expect(countText("en", "now.down", 1)).toBe("1 component not operational");
    for (const k of allKeys()) {
      const m = /^(.*)\.(one|other)$/.exec(k);
      if (m) expect(allKeys(), `${k} needs both forms`).toContain(`${m[1]}.${m[2] === "one" ? "other" : "one"}`);
    }
  });
});
