import type { Settings } from "../bindings/Settings";
import type { ServiceSetting } from "../bindings/ServiceSetting";
import type { Component } from "../bindings/Component";
import type { Preview } from "../bindings/Preview";
import type { NewService } from "../bindings/NewService";
import type { Severity } from "../bindings/Severity";
import { h, replace } from "../dom";
import { intervalLabel } from "../format";
import { severityWord } from "../i18n";
import { invoke, errorText } from "../ipc";
import { type Ctx, badge } from "../ctx";
import { INTERVALS, splitQuiet } from "../state";

export const settingsState: { saved: Settings | null; draft: Settings | null; autostart: boolean | null; logPath: string | null; error: string | null } = {
  saved: null,
  draft: null,
  autostart: null,
  logPath: null,
  error: null,
};

/** Where the log file is, and a button that opens its folder (the app opens that folder only). */
export function logLine(ctx: Ctx, path: string | null): HTMLElement | null {
  if (!path) return null;
  const open = h("button", { type: "button", class: "link", id: "open-log" }, ctx.t("settings.openLog"));
  open.addEventListener("click", () => {
    invoke("open_log_folder").catch((e) => ctx.fail(e));
  });
  return h("p", { class: "muted small log-path" }, ctx.t("settings.log", { path }), " ", open);
}

const THRESHOLDS: Severity[] = ["maintenance", "degraded", "partial_outage", "major_outage"];
let uid = 0;
const nid = (p: string) => `${p}-${++uid}`;

function check(label: string, checked: boolean, onChange: (v: boolean) => void, attrs: Record<string, string> = {}): HTMLElement {
  const id = nid("c");
  const input = h("input", { type: "checkbox", id, checked, ...attrs });
  input.addEventListener("change", () => onChange(input.checked));
  return h("span", { class: "check" }, input, h("label", { for: id }, label));
}

function componentPicker(ctx: Ctx, s: ServiceSetting, box: HTMLElement): void {
  replace(box, h("p", { class: "muted" }, ctx.t("loading")));
  invoke<Component[]>("get_components", { id: s.id })
    .then((list) => {
      if (!list.length) return replace(box, h("p", { class: "muted" }, ctx.t("settings.noComponents")));
      const chosen = (c: Component) => s.components.some((w) => w === c.id || w.toLowerCase() === c.name.toLowerCase());
      replace(
        box,
        h("fieldset", { class: "components" },
          h("legend", {}, `${ctx.t("settings.components")} — ${ctx.t("settings.componentsHint")}`),
          list.map((c) =>
            check(c.group ? `${c.group} › ${c.name}` : c.name, chosen(c), (v) => {
              s.components = v ? [...s.components.filter((w) => w !== c.id), c.id] : s.components.filter((w) => w !== c.id && w.toLowerCase() !== c.name.toLowerCase());
            }),
          ),
        ),
      );
    })
    .catch((e) => replace(box, h("p", { class: "error-text", role: "alert" }, errorText(e))));
}

function serviceRow(ctx: Ctx, d: Settings, s: ServiceSetting): HTMLElement {
  const box = h("div", { class: "comp-box" });
  const more = h("button", { type: "button", class: "link", "aria-expanded": "false" }, ctx.t("settings.loadComponents"));
  more.addEventListener("click", () => {
    const open = more.getAttribute("aria-expanded") === "true";
    more.setAttribute("aria-expanded", String(!open));
    if (open) replace(box);
    else componentPicker(ctx, s, box);
  });
  const muted = d.notifications.muted.includes(s.id);
  return h(
    "li",
    { class: "svc-row" },
    check(s.name, s.enabled, (v) => (s.enabled = v), { "data-service": s.id }),
    h("span", { class: "muted kind" }, s.kind),
    check(ctx.t("settings.mute"), muted, (v) => {
      const m = d.notifications.muted.filter((x) => x !== s.id);
      d.notifications.muted = v ? [...m, s.id] : m;
    }, { "aria-label": ctx.t("settings.muteName", { name: s.name }) }),
    more,
    box,
  );
}

function addPage(ctx: Ctx, onAdded: (s: Settings) => void): HTMLElement {
  const url = h("input", { type: "url", id: "add-url", placeholder: "https://status.example.com", required: true });
  const go = h("button", { type: "submit" }, ctx.t("settings.detect"));
  const out = h("div", { class: "preview", "aria-live": "polite" });
  const form = h("form", { class: "add-form" }, h("label", { for: "add-url" }, ctx.t("settings.url")), url, go);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replace(out, h("p", {}, ctx.t("settings.detecting")));
    go.disabled = true;
    invoke<Preview>("discover_page", { url: url.value })
      .then((p) => replace(out, preview(ctx, p, onAdded)))
      .catch((err) => replace(out, h("p", { class: "error-text", role: "alert" }, errorText(err))))
      .finally(() => (go.disabled = false));
  });
  return h("section", { "aria-labelledby": "add-h" }, h("h2", { id: "add-h" }, ctx.t("settings.add")), form, out);
}

function preview(ctx: Ctx, p: Preview, onAdded: (s: Settings) => void): HTMLElement {
  const chosen = new Set<string>();
  const id = h("input", { type: "text", value: p.id, pattern: "[a-z0-9_-]+", required: true });
  const name = h("input", { type: "text", value: p.name, required: true });
  const add = h("button", { type: "button" }, ctx.t("settings.addSave"));
  add.addEventListener("click", () => {
    const svc: NewService = { id: id.value, name: name.value, kind: p.kind, url: p.url, components: [...chosen] };
    invoke<Settings>("add_service", { service: svc })
      .then((s) => {
        ctx.say(ctx.t("settings.added", { name: svc.name }));
        onAdded(s);
      })
      .catch((e) => ctx.fail(e));
  });
  return h(
    "div",
    { class: "card" },
    h("p", {}, ctx.t("settings.preview", { kind: p.kind, name: p.name, status: "" }), badge(ctx, p.status)),
    p.note ? h("p", { class: "muted" }, p.note) : null,
    h("label", { class: "field" }, h("span", {}, ctx.t("settings.id")), id),
    h("label", { class: "field" }, h("span", {}, ctx.t("settings.name")), name),
    p.components.length
      ? h("fieldset", { class: "components" }, h("legend", {}, `${ctx.t("settings.components")} — ${ctx.t("settings.componentsHint")}`),
          p.components.map((c) => check(c.name, false, (v) => (v ? chosen.add(c.id) : chosen.delete(c.id)))))
      : null,
    add,
  );
}

export function renderSettings(ctx: Ctx, body: HTMLElement, onLanguage: (l: string) => void): void {
  const st = settingsState;
  if (st.error) {
    replace(body, h("p", { class: "error-text", role: "alert" }, `${ctx.t("settings.invalid")} ${st.error}`));
    return;
  }
  const d = st.draft;
  if (!d) {
    replace(body, h("p", {}, ctx.t("loading")));
    return;
  }
  const msg = h("p", { class: "form-msg", role: "status" });
  const interval = h("select", { id: "interval" },
    [...new Set([...INTERVALS, d.interval_secs])].sort((a, b) => a - b).map((s) => h("option", { value: s, selected: s === d.interval_secs }, intervalLabel(ctx.lang, s))));
  interval.addEventListener("change", () => (d.interval_secs = Number(interval.value)));
  const lang = h("select", { id: "language" },
    (["system", "en", "fr"] as const).map((l) => h("option", { value: l, selected: l === d.language }, l === "system" ? ctx.t("lang.system") : l === "en" ? "English" : "Français")));
  lang.addEventListener("change", () => (d.language = lang.value));
  const n = d.notifications;
  const thr = h("select", { id: "threshold" }, THRESHOLDS.map((s) => h("option", { value: s, selected: s === n.threshold }, severityWord(ctx.lang, s))));
  thr.addEventListener("change", () => (n.threshold = thr.value as Severity));
  const q = splitQuiet(n.quiet_hours);
  const qFrom = h("input", { type: "time", value: q?.[0] ?? "22:00", "aria-label": `${ctx.t("settings.quiet")} ${ctx.t("settings.quietFrom")}` });
  const qTo = h("input", { type: "time", value: q?.[1] ?? "07:00", "aria-label": `${ctx.t("settings.quiet")} ${ctx.t("settings.quietTo")}` });
  let quietOn = q !== null;
  const syncQuiet = () => (n.quiet_hours = quietOn && qFrom.value && qTo.value ? `${qFrom.value}-${qTo.value}` : null);
  qFrom.addEventListener("change", syncQuiet);
  qTo.addEventListener("change", syncQuiet);

  const auto = check(ctx.t("settings.autostart"), st.autostart ?? false, (v) => {
    invoke<boolean>("set_autostart", { enabled: v })
      .then((now) => (st.autostart = now))
      .catch((e) => ctx.fail(e));
  });

  const save = h("button", { type: "submit" }, ctx.t("settings.save"));
  const form = h(
    "form",
    { class: "settings", "aria-label": ctx.t("tab.settings") },
    h("section", { "aria-labelledby": "gen-h" }, h("h2", { id: "gen-h" }, ctx.t("settings.general")),
      h("label", { class: "field" }, h("span", {}, ctx.t("settings.interval")), interval),
      h("label", { class: "field" }, h("span", {}, ctx.t("settings.language")), lang),
      auto),
    h("section", { "aria-labelledby": "not-h" }, h("h2", { id: "not-h" }, ctx.t("settings.notifications")),
      check(ctx.t("settings.notifEnabled"), n.enabled, (v) => (n.enabled = v)),
      h("label", { class: "field" }, h("span", {}, ctx.t("settings.threshold")), thr),
      check(ctx.t("settings.recovery"), n.recovery, (v) => (n.recovery = v)),
      check(ctx.t("settings.updates"), n.updates, (v) => (n.updates = v)),
      check(ctx.t("settings.maintenance"), n.maintenance, (v) => (n.maintenance = v)),
      check(ctx.t("settings.pageWide"), n.page_wide, (v) => (n.page_wide = v), { "data-setting": "page_wide" }),
      check(ctx.t("settings.localStopped"), n.local_stopped, (v) => (n.local_stopped = v), { "data-setting": "local_stopped" }),
      h("div", { class: "quiet" }, check(ctx.t("settings.quiet"), quietOn, (v) => { quietOn = v; syncQuiet(); }), qFrom, " – ", qTo)),
    h("section", { "aria-labelledby": "svc-h" }, h("h2", { id: "svc-h" }, ctx.t("settings.services")),
      h("h3", {}, ctx.t("settings.builtin")),
      h("ul", { class: "svc-list" }, d.services.filter((s) => s.builtin).map((s) => serviceRow(ctx, d, s))),
      d.services.some((s) => !s.builtin) ? h("h3", {}, ctx.t("settings.own")) : null,
      h("ul", { class: "svc-list" }, d.services.filter((s) => !s.builtin).map((s) => serviceRow(ctx, d, s)))),
    h("div", { class: "toolbar sticky" }, save, msg),
    h("p", { class: "muted small" }, ctx.t("settings.file", { path: d.path })),
    logLine(ctx, st.logPath),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save.disabled = true;
    invoke<Settings>("save_settings", { settings: d })
      .then((s) => {
        const langChanged = st.saved?.language !== s.language;
        st.saved = s;
        st.draft = structuredClone(s);
        if (langChanged) onLanguage(s.language); // re-renders the window in the new language
        const m = document.querySelector<HTMLElement>("form.settings .form-msg") ?? msg;
        m.textContent = ctx.t("settings.saved");
        m.className = "form-msg ok";
      })
      .catch((err) => {
        msg.textContent = errorText(err);
        msg.className = "form-msg error-text";
        msg.setAttribute("role", "alert");
      })
      .finally(() => (save.disabled = false));
  });
  replace(body, form, addPage(ctx, (s) => {
    st.saved = s;
    st.draft = structuredClone(s);
    renderSettings(ctx, body, onLanguage);
  }));
}
