import type { StoredIncident } from "../bindings/StoredIncident";
import type { Export } from "../bindings/Export";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { Severity } from "../bindings/Severity";
import { h, replace } from "../dom";
import { dateTime } from "../format";
import { severityWord } from "../i18n";
import { invoke, inApp } from "../ipc";
import { type Ctx, badge, extLink } from "../ctx";
import { type HistoryFilter, EMPTY_FILTER, filterIncidents, keysOf } from "../state";

export type HistoryState = { all: StoredIncident[] | null; filter: HistoryFilter };
export const historyState: HistoryState = { all: null, filter: { ...EMPTY_FILTER } };

const IMPACTS: Severity[] = ["maintenance", "degraded", "partial_outage", "major_outage", "operational"];

/** How an incident ended. One that left its page while Vigie was not running ended at an unknown
 * time: say so, with the last time it was seen open, rather than pretend it was resolved then. */
export function endWords(ctx: Ctx, i: StoredIncident): string {
  if (!i.resolved_at) return ctx.t("history.ongoing");
  const time = dateTime(ctx.lang, i.resolved_at);
  return i.status === "ended_unwatched" ? ctx.t("history.endedUnwatched", { time }) : ctx.t("history.resolved", { time });
}

function item(ctx: Ctx, i: StoredIncident): HTMLElement {
  const updates = [...i.updates].sort((a, b) => (b.at ?? "").localeCompare(a.at ?? ""));
  const names = new Map((ctx.snapshot?.services ?? []).map((s) => [s.id, s.name]));
  return h(
    "li",
    { class: "hist" },
    h("div", { class: "inc-head" }, badge(ctx, i.impact), " ", h("strong", {}, i.title)),
    h(
      "p",
      { class: "meta" },
      `${names.get(i.service) ?? i.service} · `,
      i.kind === "maintenance" ? `${ctx.t("history.maintenance")} · ` : "",
      i.started_at ? ctx.t("history.started", { time: dateTime(ctx.lang, i.started_at) }) : "",
      " · ",
      endWords(ctx, i),
    ),
    h(
      "details",
      {},
      h("summary", {}, ctx.tn("history.updates", updates.length)),
      h(
        "ol",
        { class: "timeline" },
        updates.map((u) =>
          h(
            "li",
            {},
            h("span", { class: "muted" }, `${u.at ? dateTime(ctx.lang, u.at) : "—"} · ${u.status}`),
            h("p", { class: "update-text" }, u.text),
          ),
        ),
      ),
    ),
    extLink(ctx, i.url, ctx.t("incident.open")),
  );
}

function download(e: Export): void {
  const url = URL.createObjectURL(new Blob([e.text], { type: e.mime }));
  const a = document.createElement("a");
  a.download = e.file_name;
  a.href = url; // blob: URL made here, never provider data
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Say where an export was saved, or hand it to the browser as a download. */
export function deliver(ctx: Ctx, e: Export): void {
  if (e.saved_to) ctx.say(ctx.t("export.saved", { path: e.saved_to }));
  else {
    download(e);
    ctx.say(ctx.t("export.downloaded", { name: e.file_name }));
  }
}

export function renderHistory(ctx: Ctx, rerenderList: () => void): HTMLElement[] {
  const st = historyState;
  const f = st.filter;
  const services = new Map<string, string>();
  for (const s of ctx.snapshot?.services ?? []) services.set(s.id, s.name);
  for (const i of st.all ?? []) if (!services.has(i.service)) services.set(i.service, i.service);

  const field = (label: string, control: HTMLElement) => h("label", { class: "field" }, h("span", {}, label), control);
  const svcSel = h("select", { name: "service" }, h("option", { value: "" }, ctx.t("history.any")),
    [...services].map(([id, name]) => h("option", { value: id, selected: id === f.service }, name)));
  const sevSel = h("select", { name: "severity" }, h("option", { value: "" }, ctx.t("history.any")),
    IMPACTS.map((s) => h("option", { value: s, selected: s === f.severity }, severityWord(ctx.lang, s))));
  const from = h("input", { type: "date", name: "from", value: f.from });
  const to = h("input", { type: "date", name: "to", value: f.to });
  const q = h("input", { type: "search", name: "q", value: f.text, placeholder: ctx.t("history.searchPlaceholder") });
  const onChange = () => {
    st.filter = { service: svcSel.value, severity: sevSel.value as Severity | "", from: from.value, to: to.value, text: q.value };
    rerenderList();
  };
  for (const c of [svcSel, sevSel, from, to]) c.addEventListener("change", onChange);
  q.addEventListener("input", onChange);

  const exportBtn = (fmt: ExportFormat, label: string) => {
    const b = h("button", { type: "button", class: "secondary" }, label);
    b.addEventListener("click", () => {
      const keys = keysOf(filterIncidents(st.all ?? [], st.filter));
      invoke<Export>("export_history", { format: fmt, keys, save: inApp() && !("__VIGIE_TEST__" in window) })
        .then((e) => deliver(ctx, e))
        .catch((e) => ctx.fail(e));
    });
    return b;
  };

  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": ctx.t("history.filters") },
    field(ctx.t("history.service"), svcSel),
    field(ctx.t("history.severity"), sevSel),
    field(ctx.t("history.from"), from),
    field(ctx.t("history.to"), to),
    field(ctx.t("history.search"), q),
  );
  form.addEventListener("submit", (e) => e.preventDefault());
  const list = h("div", { id: "history-list" });
  fillHistoryList(ctx, list);
  return [form, h("div", { class: "toolbar" }, exportBtn("csv", ctx.t("export.csv")), exportBtn("json", ctx.t("export.json"))), list];
}

export function fillHistoryList(ctx: Ctx, list: HTMLElement): void {
  const st = historyState;
  if (!st.all) {
    replace(list, h("p", {}, ctx.t("loading")));
    return;
  }
  const shown = filterIncidents(st.all, st.filter);
  replace(
    list,
    h("p", { class: "count", role: "status" }, ctx.tn("history.count", shown.length)),
    shown.length ? h("ul", { class: "hist-list" }, shown.map((i) => item(ctx, i))) : h("p", {}, ctx.t("history.empty")),
  );
}
