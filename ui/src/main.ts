// The history/settings window: five tabs over the app's commands, live on the "snapshot" event.
import "./style.css";
import type { Snapshot } from "./bindings/Snapshot";
import type { Settings } from "./bindings/Settings";
import type { StoredIncident } from "./bindings/StoredIncident";
import type { ServiceUptime } from "./bindings/ServiceUptime";
import { h, replace } from "./dom";
import { dateTime } from "./format";
import { type Lang, pickLang } from "./i18n";
import { invoke, listen, errorText } from "./ipc";
import { type Ctx, makeT, makeTn } from "./ctx";
import { type View, VIEWS, nextTab } from "./state";
import { renderNow, refreshTimes } from "./views/now";
import { historyState, renderHistory, fillHistoryList } from "./views/history";
import { DAYS, renderUptime, uptimeState } from "./views/uptime";
import { renderSettings, settingsState } from "./views/settings";
import { REPORT_DAYS, renderReport, reportState } from "./views/report";
import type { ReportView } from "./bindings/ReportView";

const root = document.getElementById("app");
if (!root) throw new Error("no #app");

let langChoice: string | null = null; // the header switch; null = the config's, else the system's
let active: View = "now";

const ctx: Ctx = {
  lang: pickLang(null, navigator.languages?.length ? navigator.languages : [navigator.language]),
  snapshot: null,
  now: () => new Date(),
  t: makeT("en"),
  tn: makeTn("en"),
  say: (m) => {
    const s = document.getElementById("status-line");
    if (s) s.textContent = m;
  },
  fail: (e) => {
    const s = document.getElementById("status-line");
    if (s) s.textContent = `${ctx.t("error.prefix")} ${errorText(e)}`;
  },
};

function setLang(choice: string | null): void {
  const configured = settingsState.saved?.language ?? null;
  const l: Lang = pickLang(choice ?? configured, navigator.languages?.length ? navigator.languages : [navigator.language]);
  ctx.lang = l;
  ctx.t = makeT(l);
  ctx.tn = makeTn(l);
  document.documentElement.lang = l;
  document.title = ctx.t("app.title");
}

const panels = new Map<View, HTMLElement>();
const tabs = new Map<View, HTMLButtonElement>();

function shell(): void {
  const tablist = h("div", { role: "tablist", "aria-label": ctx.t("tabs.label"), class: "tabs" });
  for (const v of VIEWS) {
    const tab = h("button", { role: "tab", id: `tab-${v}`, "aria-controls": `panel-${v}`, type: "button", "aria-selected": v === active ? "true" : "false", tabindex: v === active ? 0 : -1 }, ctx.t(`tab.${v}`));
    tab.addEventListener("click", () => select(v, false));
    tab.addEventListener("keydown", (e) => {
      const n = nextTab(v, e.key);
      if (n) {
        e.preventDefault();
        select(n, true);
      }
    });
    tabs.set(v, tab);
    tablist.appendChild(tab);
  }
  const switcher = h("select", { id: "lang-switch", "aria-label": ctx.t("lang.label") },
    h("option", { value: "", selected: langChoice === null }, ctx.t("lang.system")),
    h("option", { value: "en", selected: langChoice === "en", lang: "en" }, "English"),
    h("option", { value: "fr", selected: langChoice === "fr", lang: "fr" }, "Français"));
  switcher.addEventListener("change", () => {
    langChoice = switcher.value || null;
    setLang(langChoice);
    rebuild();
    document.getElementById("lang-switch")?.focus();
  });
  const refresh = h("button", { type: "button", class: "secondary", id: "refresh" }, ctx.t("refresh"));
  refresh.addEventListener("click", () => invoke("refresh").then(() => ctx.say(ctx.t("refresh.done")), ctx.fail));
  const header = h("header", { class: "top" }, h("h1", {}, ctx.t("app.title")), tablist, h("div", { class: "actions" }, refresh, switcher));
  const main = h("main", {});
  for (const v of VIEWS) {
    const p = h("section", { role: "tabpanel", id: `panel-${v}`, "aria-labelledby": `tab-${v}`, tabindex: 0, class: "panel" });
    p.hidden = v !== active;
    panels.set(v, p);
    main.appendChild(p);
  }
  const foot = h("footer", {}, h("p", { id: "status-line", role: "status", "aria-live": "polite" }, ""));
  replace(root as HTMLElement, header, main, foot);
}

function rebuild(): void {
  panels.clear();
  tabs.clear();
  shell();
  for (const v of VIEWS) render(v);
}

function select(v: View, focus: boolean): void {
  active = v;
  for (const [k, t] of tabs) {
    t.setAttribute("aria-selected", String(k === v));
    t.tabIndex = k === v ? 0 : -1;
    const p = panels.get(k);
    if (p) p.hidden = k !== v;
  }
  if (focus) tabs.get(v)?.focus();
  load(v);
}

function render(v: View): void {
  const p = panels.get(v);
  if (!p) return;
  switch (v) {
    case "now":
      replace(p, renderNow(ctx, p));
      break;
    case "history": {
      const rerender = () => {
        const list = document.getElementById("history-list");
        if (list) fillHistoryList(ctx, list);
      };
      replace(p, renderHistory(ctx, rerender));
      break;
    }
    case "uptime":
      renderUptime(ctx, p);
      break;
    case "report":
      renderReport(ctx, p);
      break;
    case "settings":
      renderSettings(ctx, p, () => {
        setLang(langChoice);
        rebuild();
        select("settings", true);
      });
      break;
  }
}

function load(v: View): void {
  if (v === "history") {
    invoke<StoredIncident[]>("get_history")
      .then((list) => {
        historyState.all = list;
        const p = panels.get("history");
        const el = document.getElementById("history-list");
        // Keep the focus (e.g. in the search box): then only the list is redrawn.
        if (el && p?.contains(document.activeElement)) fillHistoryList(ctx, el);
        else render("history");
      })
      .catch(ctx.fail);
  } else if (v === "uptime") {
    invoke<ServiceUptime[]>("get_uptime", { days: DAYS })
      .then((d) => {
        uptimeState.data = d;
        render("uptime");
      })
      .catch(ctx.fail);
  } else if (v === "report") {
    invoke<ReportView>("get_report", { days: REPORT_DAYS, export: null, save: false })
      .then((r) => {
        reportState.data = r.report;
        render("report");
      })
      .catch(ctx.fail);
  } else if (v === "settings" && !settingsState.draft) {
    loadSettings().then(() => render("settings"));
  }
}

async function loadSettings(): Promise<void> {
  try {
    const s = await invoke<Settings>("get_settings");
    settingsState.saved = s;
    settingsState.draft = structuredClone(s);
    settingsState.error = null;
  } catch (e) {
    settingsState.error = errorText(e);
  }
  try {
    settingsState.autostart = await invoke<boolean>("get_autostart");
  } catch {
    settingsState.autostart = null;
  }
  try {
    settingsState.logPath = await invoke<string>("get_log_path");
  } catch {
    settingsState.logPath = null;
  }
}

function onSnapshot(s: Snapshot): void {
  ctx.snapshot = s;
  const p = panels.get("now");
  // Keep focus where it is: only re-render the Now panel when the focus is not inside it.
  if (p && !p.contains(document.activeElement)) render("now");
  else if (p) refreshTimes(ctx, p);
  if (active === "history" || active === "uptime" || active === "report") load(active);
  ctx.say(ctx.t("live.updated", { time: dateTime(ctx.lang, s.checked_at) }));
}

async function start(): Promise<void> {
  setLang(null);
  shell();
  await loadSettings();
  setLang(langChoice);
  rebuild();
  try {
    onSnapshot(await invoke<Snapshot>("get_snapshot"));
  } catch (e) {
    ctx.fail(e);
  }
  await listen<Snapshot>("snapshot", onSnapshot);
  setInterval(() => {
    const p = panels.get("now");
    if (p) refreshTimes(ctx, p);
  }, 30_000);
}

start().catch((e) => {
  replace(root as HTMLElement, h("p", { role: "alert" }, errorText(e)));
});
