// @vitest-environment happy-dom
// The snooze controls of a Now card: what they show for a snoozed and a free service, and the
// command a click sends (IPC mocked through window.__TAURI_INTERNALS__, as the app injects it).
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceState } from "../../src/bindings/ServiceState";
import { type Ctx, makeT, makeTn } from "../../src/ctx";
import type { Lang } from "../../src/i18n";
import { type Holds, snoozeControls, snoozeState, snoozedUntil } from "../../src/views/snooze";

const NOW = new Date("2026-09-16T10:00:00Z");

function ctx(lang: Lang): Ctx {
  return { lang, snapshot: null, now: () => NOW, t: makeT(lang), tn: makeTn(lang), say: () => {}, fail: (e) => { throw e; } };
}

const claude = { id: "claude", name: "Claude" } as ServiceState;

type Call = { cmd: string; args?: Record<string, unknown> };
function mockIpc(holds: Holds): Call[] {
  const calls: Call[] = [];
  (window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = {
    transformCallback: () => 0,
    invoke: async (cmd: string, args?: Record<string, unknown>) => {
      calls.push({ cmd, args });
      if (cmd === "get_holds") return holds;
      if (cmd === "snooze") {
        const service = String(args?.service);
        if (args?.length === "off") delete holds.snoozed[service];
        else holds.snoozed[service] = args?.length === "hour" ? "2026-09-16T11:00:00Z" : "2026-09-17T06:00:00Z";
        return structuredClone(holds);
      }
      throw new Error(`unexpected ${cmd}`);
    },
  };
  return calls;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  snoozeState.holds = null;
  snoozeState.loading = null;
});

describe("snooze", () => {
  it("counts only snoozes that have not ended", () => {
    const holds: Holds = { paused_until: null, snoozed: { claude: "2026-09-16T11:00:00Z", codex: "2026-09-16T09:00:00Z" } };
    expect(snoozedUntil(holds, "claude", NOW)).toBe("2026-09-16T11:00:00Z");
    expect(snoozedUntil(holds, "codex", NOW)).toBeNull();
    expect(snoozedUntil(null, "claude", NOW)).toBeNull();
  });

  it("offers 1 h and tomorrow, sends the choice, then shows the end time and a way back", async () => {
    const calls = mockIpc({ paused_until: null, snoozed: {} });
    const el = snoozeControls(ctx("en"), claude);
    await settle();
    const labels = () => [...el.querySelectorAll("button")].map((b) => b.textContent);
    expect(labels()).toEqual(["Snooze 1 h", "Until tomorrow"]);
    expect(el.getAttribute("aria-label")).toBe("Notifications about Claude");

    el.querySelector<HTMLButtonElement>("[data-snooze=hour]")?.click();
    await settle();
    expect(calls.at(-1)).toEqual({ cmd: "snooze", args: { service: "claude", length: "hour" } });
    expect(el.textContent).toContain("Snoozed until");
    expect(labels()).toEqual(["End snooze"]);

    el.querySelector<HTMLButtonElement>("[data-snooze=off]")?.click();
    await settle();
    expect(calls.at(-1)).toEqual({ cmd: "snooze", args: { service: "claude", length: "off" } });
    expect(labels()).toEqual(["Snooze 1 h", "Until tomorrow"]);
  });

  it("reads the stored snoozes once, in French too", async () => {
    const calls = mockIpc({ paused_until: null, snoozed: { claude: "2026-09-17T06:00:00Z" } });
    const a = snoozeControls(ctx("fr"), claude);
    const b = snoozeControls(ctx("fr"), { id: "codex", name: "Codex" } as ServiceState);
    await settle();
    expect(calls.filter((c) => c.cmd === "get_holds")).toHaveLength(1);
    expect(a.textContent).toContain("En silence jusqu’à");
    expect([...a.querySelectorAll("button")].map((x) => x.textContent)).toEqual(["Réactiver"]);
    expect([...b.querySelectorAll("button")].map((x) => x.textContent)).toEqual(["Silence 1 h", "Jusqu’à demain"]);
  });
});
