import type { ServiceUptime } from "../bindings/ServiceUptime";
import type { Day } from "../bindings/Day";
import { h, replace } from "../dom";
import { SEVERITY_ORDER, SHAPES, calendarDate, percent, share } from "../format";
import { severityWord } from "../i18n";
import { type Ctx, badge } from "../ctx";
import { nextCell } from "../state";

export const DAYS = 90;
export const uptimeState: { data: ServiceUptime[] | null } = { data: null };

/** Below this share of the day observed, a cell is drawn as partly observed (a restart of a
 *  minute or two is not worth a different look; the tooltip still gives the figure). */
export const PARTIAL_BELOW = 0.9;

export function hasData(d: Day): boolean {
  return d.coverage > 0 && d.availability !== null;
}

/** "16 Sept 2026: degraded, Observed 62% of the day · 99.10% available" (availability is over the
 *  observed time only, so the observed share is said whenever it is not the whole day). */
export function dayText(ctx: Ctx, d: Day): string {
  const date = calendarDate(ctx.lang, d.date);
  if (!hasData(d) || d.availability === null) {
    return ctx.t("uptime.day", { date, status: severityWord(ctx.lang, "unknown"), avail: ctx.t("uptime.noData") });
  }
  const avail = ctx.t("uptime.avg", { pct: percent(ctx.lang, d.availability) });
  const seen = share(ctx.lang, d.coverage);
  const full = share(ctx.lang, 1);
  const text = seen === full ? avail : `${ctx.t("uptime.observed", { pct: seen })} · ${avail}`;
  return ctx.t("uptime.day", { date, status: severityWord(ctx.lang, d.worst), avail: text });
}

/** The cell's classes: worst status (or none), and partly observed. */
export function cellClass(d: Day): string {
  if (!hasData(d)) return "cell sev-none";
  return `cell sev-${d.worst}${d.coverage < PARTIAL_BELOW ? " cov-part" : ""}`;
}

function row(ctx: Ctx, u: ServiceUptime): HTMLElement {
  const detail = h("output", { class: "day-detail", "aria-live": "polite" }, "\u00a0");
  const cells = u.days.map((d, i) =>
    h("span", {
      class: cellClass(d),
      role: "img",
      tabindex: i === u.days.length - 1 ? 0 : -1,
      title: dayText(ctx, d),
      "aria-label": dayText(ctx, d),
      "data-i": i,
    }),
  );
  const bar = h("div", { class: "bar", role: "group", "aria-label": `${u.name}: ${ctx.t("uptime.caption", { n: u.days.length })}` }, cells);
  const show = (i: number) => {
    const d = u.days[i];
    if (d) detail.textContent = dayText(ctx, d);
  };
  bar.addEventListener("mouseover", (e) => {
    const i = Number((e.target as HTMLElement).dataset.i);
    if (!Number.isNaN(i)) show(i);
  });
  bar.addEventListener("focusin", (e) => {
    const i = Number((e.target as HTMLElement).dataset.i);
    if (!Number.isNaN(i)) show(i);
  });
  bar.addEventListener("keydown", (e) => {
    const i = Number((e.target as HTMLElement).dataset.i);
    const n = nextCell(i, cells.length, e.key);
    if (n === null || Number.isNaN(i)) return;
    e.preventDefault();
    cells[i].tabIndex = -1;
    cells[n].tabIndex = 0;
    cells[n].focus();
  });
  return h(
    "section",
    { class: "uptime-row", "aria-label": u.name },
    h("div", { class: "uptime-head" }, h("h2", {}, u.name),
      h("span", { class: "avail" }, u.availability === null ? ctx.t("uptime.noData") : ctx.t("uptime.avg", { pct: percent(ctx.lang, u.availability) }))),
    bar,
    detail,
  );
}

export function renderUptime(ctx: Ctx, body: HTMLElement): void {
  const data = uptimeState.data;
  if (!data) {
    replace(body, h("p", {}, ctx.t("loading")));
    return;
  }
  const legend = h(
    "ul",
    { class: "legend", "aria-label": ctx.t("uptime.legend") },
    SEVERITY_ORDER.filter((s) => s !== "unknown").map((s) => h("li", {}, h("span", { class: `cell sev-${s}`, "aria-hidden": "true" }), " ", badge(ctx, s))),
    h("li", {}, h("span", { class: "cell sev-operational cov-part", "aria-hidden": "true" }), ` ${ctx.t("uptime.partial")}`),
    h("li", {}, h("span", { class: "cell sev-none", "aria-hidden": "true" }), ` ${SHAPES.unknown} ${ctx.t("uptime.noData")}`),
  );
  replace(
    body,
    h("p", { class: "muted" }, `${ctx.t("uptime.caption", { n: DAYS })}. ${ctx.t("uptime.observedHelp")} ${ctx.t("uptime.help")}`),
    legend,
    data.length ? data.map((u) => row(ctx, u)) : h("p", {}, ctx.t("now.empty")),
  );
}
