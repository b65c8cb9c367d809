// @vitest-environment happy-dom
// The Settings view's log line: where the log file is, in both languages, and a button that asks
// the app to open its folder without sending any path.
import { afterEach, describe, expect, it } from "vitest";
import { type Ctx, makeT, makeTn } from "../../src/ctx";
import type { Lang } from "../../src/i18n";
import { logLine } from "../../src/views/settings";

const failed: unknown[] = [];
function ctx(lang: Lang): Ctx {
  return { lang, snapshot: null, now: () => new Date("2026-09-16T10:00:00Z"), t: makeT(lang), tn: makeTn(lang), say: () => {}, fail: (e) => failed.push(e) };
}

type Call = { cmd: string; args: unknown };
function mockIpc(answer: () => Promise<unknown>): Call[] {
  const calls: Call[] = [];
  (window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = {
    invoke: (cmd: string, args?: unknown) => {
      calls.push({ cmd, args });
      return answer();
    },
    transformCallback: () => 0,
  };
  return calls;
}

afterEach(() => {
  delete (window as unknown as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
  failed.length = 0;
});

const PATH = "/home/ana/.local/state/vigie/vigie.log";

describe("Settings log line", () => {
  it("shows the path in English and French", () => {
    expect(logLine(ctx("en"), PATH)?.textContent).toBe(`Log file: ${PATH} Open its folder`);
    expect(logLine(ctx("fr"), PATH)?.textContent).toBe(`Journal : ${PATH} Ouvrir son dossier`);
  });

  it("is left out when the app did not say where the log is", () => {
    expect(logLine(ctx("en"), null)).toBeNull();
  });

  it("asks the app to open the folder, with no path in the call", async () => {
    const calls = mockIpc(() => Promise.resolve(null));
    const p = logLine(ctx("en"), PATH);
    p?.querySelector<HTMLButtonElement>("button#open-log")?.click();
    await Promise.resolve();
    expect(calls).toEqual([{ cmd: "open_log_folder", args: undefined }]);
    expect(failed).toEqual([]);
  });

  it("shows the app's refusal as an error", async () => {
    mockIpc(() => Promise.reject("/x does not exist yet"));
    logLine(ctx("en"), PATH)?.querySelector<HTMLButtonElement>("button")?.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(failed).toEqual(["/x does not exist yet"]);
  });
});
