// Snooze a service from its card in the Now view: for 1 h, until tomorrow 08:00, or end it. The
// tray process owns the pause and the snoozes (stored, shown in its menu); this reads them with
// `get_holds` and changes them with `snooze`, then redraws only its own controls.
import type { ServiceState } from "../bindings/ServiceState";
import { h, replace } from "../dom";
import { dateTime } from "../format";
import type { Ctx } from "../ctx";
import { invoke } from "../ipc";

/** `vigie_core::holds::Holds` as JSON (no generated binding: a small shape only this file reads). */
export type Holds = { paused_until: string | null; snoozed: Record<string, string> };
export type SnoozeFor = "hour" | "tomorrow" | "off";

export const snoozeState: { holds: Holds | null; loading: Promise<void> | null } = { holds: null, loading: null };

/** Until when `id` is snoozed, if it still is at `now`. */
export function snoozedUntil(holds: Holds | null, id: string, now: Date): string | null {
  const until = holds?.snoozed[id];
  return until && new Date(until).getTime() > now.getTime() ? until : null;
}

function fill(ctx: Ctx, el: HTMLElement, s: ServiceState): void {
  const until = snoozedUntil(snoozeState.holds, s.id, ctx.now());
  const act = (length: SnoozeFor) => () => {
    invoke<Holds>("snooze", { service: s.id, length })
      .then((holds) => {
        snoozeState.holds = holds;
        fill(ctx, el, s);
        el.querySelector("button")?.focus();
      })
      .catch(ctx.fail);
  };
  const button = (id: string, label: string, length: SnoozeFor, title?: string) => {
    const b = h("button", { type: "button", class: "secondary small", "data-snooze": id, title: title ?? label }, label);
    b.addEventListener("click", act(length));
    return b;
  };
  if (until) {
    replace(el, h("span", { class: "muted snoozed" }, ctx.t("snooze.until", { time: dateTime(ctx.lang, until) })), " ",
      button("off", ctx.t("snooze.end"), "off"));
  } else {
    replace(el, button("hour", ctx.t("snooze.hour"), "hour", ctx.t("snooze.help", { name: s.name })), " ",
      button("tomorrow", ctx.t("snooze.tomorrow"), "tomorrow", ctx.t("snooze.help", { name: s.name })));
  }
}

/** The snooze controls of one card; the stored holds are read once, then kept up to date here. */
export function snoozeControls(ctx: Ctx, s: ServiceState): HTMLElement {
  const el = h("div", { class: "snooze", role: "group", "aria-label": ctx.t("snooze.label", { name: s.name }) });
  fill(ctx, el, s);
  if (!snoozeState.holds) {
    snoozeState.loading ??= invoke<Holds>("get_holds")
      .then((holds) => {
        snoozeState.holds = holds;
      })
      .catch(() => {
        // Outside the app or an old tray: no snooze shown, the buttons still work.
      });
    void snoozeState.loading.then(() => fill(ctx, el, s));
  }
  return el;
}
