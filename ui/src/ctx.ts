// What every view gets: the language, the latest snapshot, messages, and safe link opening.
import type { Snapshot } from "./bindings/Snapshot";
import type { Severity } from "./bindings/Severity";
import { h, isHttpUrl } from "./dom";
import { SHAPES } from "./format";
import { type Counted, type Key, type Lang, type Params, countText, severityWord, translate } from "./i18n";
import { invoke, inApp, errorText } from "./ipc";

export type Ctx = {
  lang: Lang;
  snapshot: Snapshot | null;
  now: () => Date;
  t: (key: Key, params?: Params) => string;
  /** A count with its plural form. */
  tn: (base: Counted, n: number) => string;
  say: (msg: string) => void;
  fail: (e: unknown) => void;
};

export function makeT(lang: Lang): (key: Key, params?: Params) => string {
  return (key, params) => translate(lang, key, params);
}

export function makeTn(lang: Lang): (base: Counted, n: number) => string {
  return (base, n) => countText(lang, base, n);
}

/** Status as shape + word (+ colour via the class): never colour alone. */
export function badge(ctx: Ctx, s: Severity, extra = ""): HTMLElement {
  return h(
    "span",
    { class: `badge sev-${s} ${extra}`.trim() },
    h("span", { class: "shape", "aria-hidden": "true" }, SHAPES[s]),
    " ",
    h("span", { class: "word" }, severityWord(ctx.lang, s)),
  );
}

/** A link to a provider page, opened in the system browser by the app; null if not http(s). */
export function extLink(ctx: Ctx, url: string | null | undefined, label: string): HTMLElement | null {
  if (!url || !isHttpUrl(url)) return null;
  const a = h("a", { href: url, class: "ext", rel: "noopener noreferrer" }, label);
  a.addEventListener("click", (e) => {
    e.preventDefault();
    if (inApp()) invoke("open_url", { url }).catch((err) => ctx.fail(err));
  });
  return a;
}

export function errorMessage(ctx: Ctx, e: unknown): string {
  return `${ctx.t("error.prefix")} ${errorText(e)}`;
}
