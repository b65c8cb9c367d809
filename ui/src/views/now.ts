import type { ServiceState } from "../bindings/ServiceState";
import type { Incident } from "../bindings/Incident";
import { h } from "../dom";
import { dateTime, relativeTime } from "../format";
import { type Ctx, badge, extLink } from "../ctx";
import { sortServices } from "../state";

/** A relative time that the ticker keeps fresh (data-rel), with the absolute time as a tooltip. */
export function rel(ctx: Ctx, iso: string, wrap: "now.since" | "now.checked" | null = null): HTMLElement {
  const text = relativeTime(ctx.lang, iso, ctx.now());
  const el = h("time", { datetime: iso, title: dateTime(ctx.lang, iso), "data-rel": iso, "data-wrap": wrap ?? "" },
    wrap ? ctx.t(wrap, { time: text, rel: text }) : text);
  return el;
}

export function refreshTimes(ctx: Ctx, root: HTMLElement): void {
  root.querySelectorAll<HTMLElement>("time[data-rel]").forEach((el) => {
    const iso = el.dataset.rel ?? "";
    const text = relativeTime(ctx.lang, iso, ctx.now());
    const wrap = el.dataset.wrap as "now.since" | "now.checked" | "";
    el.textContent = wrap ? ctx.t(wrap, { time: text, rel: text }) : text;
  });
}

function incident(ctx: Ctx, i: Incident): HTMLElement {
  const latest = [...i.updates].sort((a, b) => (a.at ?? "").localeCompare(b.at ?? "")).pop();
  return h(
    "li",
    { class: "incident" },
    h("div", { class: "inc-head" }, badge(ctx, i.impact), " ", h("strong", {}, i.title), " ", h("span", { class: "muted" }, `(${i.status})`)),
    latest
      ? h(
          "div",
          { class: "latest" },
          h("span", { class: "muted" }, `${ctx.t("now.latest")} · `),
          latest.at ? rel(ctx, latest.at) : null,
          h("p", { class: "update-text" }, latest.text),
        )
      : null,
    extLink(ctx, i.url, ctx.t("incident.open")),
  );
}

function card(ctx: Ctx, s: ServiceState): HTMLElement {
  const id = `svc-${s.id}`;
  return h(
    "article",
    { class: `card sev-border-${s.status}`, "aria-labelledby": id },
    h(
      "header",
      { class: "card-head" },
      h("h2", { id }, s.name),
      badge(ctx, s.status),
    ),
    h(
      "p",
      { class: "meta" },
      s.since ? rel(ctx, s.since, "now.since") : null,
      s.since ? " · " : null,
      s.checked_at ? rel(ctx, s.checked_at, "now.checked") : ctx.t("now.never"),
      s.stale ? h("span", { class: "stale" }, ` · ${ctx.t("now.stale")}`) : null,
    ),
    s.error ? h("p", { class: "error-text" }, s.error) : null,
    s.incidents.length
      ? h("ul", { class: "incidents", "aria-label": ctx.t("now.incidents") }, s.incidents.map((i) => incident(ctx, i)))
      : h("p", { class: "muted" }, ctx.t("now.noIncident")),
    extLink(ctx, s.page_url, ctx.t("now.open")),
  );
}

export function renderNow(ctx: Ctx, panel: HTMLElement): HTMLElement[] {
  const snap = ctx.snapshot;
  if (!snap) return [h("p", {}, ctx.t("loading"))];
  const head = h(
    "div",
    { class: "overall" },
    h("span", {}, `${ctx.t("now.overall", { status: "" })}`),
    badge(ctx, snap.overall),
    !snap.online ? h("span", { class: "stale" }, ` · ${ctx.t("offline")}`) : null,
  );
  void panel;
  if (!snap.services.length) return [head, h("p", {}, ctx.t("now.empty"))];
  return [head, h("div", { class: "cards" }, sortServices(snap.services).map((s) => card(ctx, s)))];
}
