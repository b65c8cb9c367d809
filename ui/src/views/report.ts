// The reliability report: the watched services ranked side by side over the last 90 days, one plain
// line each, and the CSV/JSON export. The figures come from the core (`vigie_core::report`); this
// view only words them, in the window's language.
import type { Report } from "../bindings/Report";
import type { ReportView } from "../bindings/ReportView";
import type { ServiceReport } from "../bindings/ServiceReport";
import type { ExportFormat } from "../bindings/ExportFormat";
import { h, replace } from "../dom";
import { percent, share } from "../format";
import { invoke, inApp } from "../ipc";
import { type Ctx } from "../ctx";
import type { Key } from "../i18n";
import { deliver } from "./history";

export const REPORT_DAYS = 90;
export const reportState: { data: Report | null } = { data: null };

function locale(ctx: Ctx): string {
  return ctx.lang === "fr" ? "fr-FR" : "en-GB";
}

/** 4.2 → "4.2 h" / "4,2 h". */
export function hours(ctx: Ctx, h: number): string {
  return `${new Intl.NumberFormat(locale(ctx), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(h)} h`;
}

/** A time to resolve: "47 min" under 90 minutes, else hours ("5.2 h"). */
export function fixTime(ctx: Ctx, minutes: number | null): string {
  if (minutes === null) return "—";
  return minutes < 90 ? `${Math.round(minutes)} min` : hours(ctx, minutes / 60);
}

/** "12 incidents (3 major)", "1 major incident", "no incidents". */
export function incidentWords(ctx: Ctx, s: ServiceReport): string {
  const major = s.by_impact.major_outage;
  if (s.incidents === 0) return ctx.t("report.none");
  if (s.incidents === 1 && major === 1) return ctx.t("report.oneMajor");
  const n = ctx.tn("report.count", s.incidents);
  return major ? `${n} (${ctx.tn("report.major", major)})` : n;
}

/** "Claude: 12 incidents (3 major), 4.2 h of outage in 90 days; median fix 47 min". */
export function reportLine(ctx: Ctx, s: ServiceReport, days: number): string {
  const outage = s.coverage === null ? ctx.t("report.notObserved") : ctx.t("report.outageHours", { h: hours(ctx, s.outage_hours) });
  const fix = s.median_resolve_minutes === null ? "" : ctx.t("report.fix", { d: fixTime(ctx, s.median_resolve_minutes) });
  return ctx.t("report.line", { name: s.name, incidents: incidentWords(ctx, s), outage, n: days, fix });
}

function exportButton(ctx: Ctx, fmt: ExportFormat, label: string): HTMLElement {
  const b = h("button", { type: "button", class: "secondary" }, label);
  b.addEventListener("click", () => {
    invoke<ReportView>("get_report", { days: REPORT_DAYS, export: fmt, save: inApp() && !("__VIGIE_TEST__" in window) })
      .then((v) => {
        if (v.export) deliver(ctx, v.export);
      })
      .catch((e) => ctx.fail(e));
  });
  return b;
}

function row(ctx: Ctx, s: ServiceReport): HTMLElement {
  const noData = ctx.t("uptime.noData");
  const impacts = [
    ["degraded", s.by_impact.degraded],
    ["partial_outage", s.by_impact.partial_outage],
    ["major_outage", s.by_impact.major_outage],
  ] as const;
  return h(
    "tr",
    { "data-service": s.id },
    h("td", { class: "num" }, String(s.rank)),
    h("th", { scope: "row" }, s.name),
    h("td", { class: "num" }, s.availability === null ? noData : percent(ctx.lang, s.availability)),
    h("td", { class: "num" }, s.coverage === null ? noData : share(ctx.lang, s.coverage)),
    h("td", { class: "num", title: impacts.map(([k, n]) => `${ctx.t(`sev.${k}`)}: ${n}`).join(", ") }, String(s.incidents)),
    h("td", { class: "num" }, String(s.by_impact.major_outage)),
    h("td", { class: "num" }, s.coverage === null ? noData : hours(ctx, s.outage_hours)),
    h("td", { class: "num" }, fixTime(ctx, s.median_resolve_minutes)),
    h("td", { class: "num" }, fixTime(ctx, s.longest_resolve_minutes)),
  );
}

export function renderReport(ctx: Ctx, body: HTMLElement): void {
  const data = reportState.data;
  if (!data) {
    replace(body, h("p", {}, ctx.t("loading")));
    return;
  }
  const head = h(
    "tr",
    {},
    ["report.rank", "report.service", "report.availability", "report.coverage", "report.incidents", "report.majorCol", "report.outage", "report.medianFix", "report.longestFix"].map((k) =>
      h("th", { scope: "col" }, ctx.t(k as Key)),
    ),
  );
  replace(
    body,
    h("p", { class: "muted" }, `${ctx.t("report.caption", { n: REPORT_DAYS })} ${ctx.t("uptime.observedHelp")}`),
    h("div", { class: "toolbar" }, exportButton(ctx, "csv", ctx.t("export.csv")), exportButton(ctx, "json", ctx.t("export.json"))),
    data.services.length
      ? [
          h("table", { class: "report" }, h("caption", { class: "muted" }, ctx.t("report.tableCaption")), h("thead", {}, head), h("tbody", {}, data.services.map((s) => row(ctx, s)))),
          h("h2", {}, ctx.t("report.lines")),
          h("ol", { class: "report-lines" }, data.services.map((s) => h("li", {}, reportLine(ctx, s, REPORT_DAYS)))),
        ]
      : h("p", {}, ctx.t("now.empty")),
  );
}
