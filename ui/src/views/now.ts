import type { ServiceState } from "../bindings/ServiceState";
import type { Incident } from "../bindings/Incident";
import type { Component } from "../bindings/Component";
import type { IncidentUpdate } from "../bindings/IncidentUpdate";
import type { ProbeState } from "../bindings/ProbeState";
import { h } from "../dom";
import { dateTime, relativeTime } from "../format";
import { type Ctx, badge, extLink } from "../ctx";
import { severityWord } from "../i18n";
import { sortServices } from "../state";
import { snoozeControls } from "./snooze";

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

function latestUpdate(i: Incident): IncidentUpdate | undefined {
  return [...i.updates].sort((a, b) => (a.at ?? "").localeCompare(b.at ?? "")).pop();
}

function incident(ctx: Ctx, i: Incident): HTMLElement {
  const latest = latestUpdate(i);
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

/** The core says when `error` is a config error: the page was read, the config is wrong. */
export function isMisconfigured(s: ServiceState): boolean {
  return s.config_error != null;
}

/** The watched components that are not operational: what is not listed still works. */
export function downComponents(s: ServiceState): Component[] {
  return s.components.filter((c) => c.status !== "operational");
}

function components(ctx: Ctx, list: Component[]): HTMLElement | null {
  if (!list.length) return null;
  const label = ctx.tn("now.down", list.length);
  return h(
    "div",
    { class: "down" },
    h("p", { class: "down-head muted" }, label),
    h("ul", { class: "down-list", "aria-label": label },
      list.map((c) => h("li", { class: "down-item" }, badge(ctx, c.status), " ", h("span", { class: "comp-name" }, c.name),
        c.group ? h("span", { class: "muted comp-group" }, ` · ${c.group}`) : null))),
  );
}

/** A page-wide notice: its own look and label, so it never reads as this service's incident. */
function notice(ctx: Ctx, i: Incident): HTMLElement {
  const latest = latestUpdate(i);
  return h(
    "li",
    { class: "notice" },
    h("div", { class: "inc-head" }, h("span", { class: "notice-label", title: ctx.t("now.noticeHelp") }, ctx.t("now.notice")), " ",
      h("strong", {}, i.title), " ", h("span", { class: "muted" }, `(${i.status})`)),
    latest ? h("p", { class: "update-text" }, latest.text) : null,
    extLink(ctx, i.url, ctx.t("incident.open")),
  );
}

function errorLine(ctx: Ctx, s: ServiceState): HTMLElement | null {
  if (!s.error) return null;
  return h("p", { class: "error-text" }, h("strong", {}, ctx.t(isMisconfigured(s) ? "now.misconfigured" : "now.unavailable")), " ", s.error);
}

/** "May be affected: Claude API, partial outage": a provider it runs on has a problem. Its own badge
 * and border keep the service's status. */
function upstream(ctx: Ctx, s: ServiceState): HTMLElement | null {
  if (!s.upstream?.length) return null;
  const list = s.upstream.map((u) => `${u.name}, ${severityWord(ctx.lang, u.status)}`).join(ctx.lang === "fr" ? " ; " : "; ");
  return h("p", { class: "upstream", title: ctx.t("now.upstreamHelp") }, h("strong", {}, ctx.t("now.mayBeAffected")), " ", list);
}

/** The glyph of "problems seen from here": its own, never one of the status shapes. */
export const SEEN_GLYPH = "⚑";

/** The probe from this machine: a problem line with its own glyph when it fails repeatedly, and a
 * small line with what it saw and how fast. */
function probe(ctx: Ctx, p: ProbeState | null | undefined): HTMLElement[] {
  if (!p) return [];
  const out: HTMLElement[] = [];
  if (p.problem) {
    out.push(
      h(
        "p",
        { class: `seen-here seen-${p.problem}`, title: ctx.t("now.seenHelp") },
        h("span", { class: "seen-glyph", "aria-hidden": "true" }, SEEN_GLYPH),
        " ",
        h("strong", {}, ctx.t(p.problem === "confirmed" ? "now.seenConfirmed" : "now.seenUnconfirmed")),
        " · ",
        ctx.t("now.probeFailures", { n: p.failures }),
      ),
    );
  }
  const what =
    p.http_status != null
      ? p.latency_ms != null
        ? ctx.t("now.probeAnswer", { code: p.http_status, ms: p.latency_ms })
        : `HTTP ${p.http_status}`
      : (p.error ?? ctx.t("now.never"));
  out.push(h("p", { class: "probe-line muted", title: p.url }, ctx.t("now.fromHere", { what })));
  return out;
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
    upstream(ctx, s),
    ...probe(ctx, s.probe),
    errorLine(ctx, s),
    components(ctx, downComponents(s)),
    s.incidents.length
      ? h("ul", { class: "incidents", "aria-label": ctx.t("now.incidents") }, s.incidents.map((i) => incident(ctx, i)))
      : h("p", { class: "muted" }, ctx.t("now.noIncident")),
    s.notices.length
      ? h("ul", { class: "notices", "aria-label": ctx.t("now.notices") }, s.notices.map((i) => notice(ctx, i)))
      : null,
    extLink(ctx, s.page_url, ctx.t("now.open")),
    snoozeControls(ctx, s),
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
