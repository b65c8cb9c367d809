// Browser tests of the built window (ui/dist) in Debian's Chromium via playwright-core, with the
// Tauri IPC mocked (mock-tauri.js) and the CSP of src-tauri/tauri.conf.json sent as a header, so the
// page runs under the same policy as in the app. Also takes the screenshots: into target/screenshots/
// (a test run never changes tracked files), or into $VIGIE_SCREENSHOTS (`make screenshots` passes
// docs/screenshots/, with the clock pinned so that only a change of the window changes the images).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const ui = join(here, "..", "..");
const dist = join(ui, "dist");
const repo = join(ui, "..");
const shots = process.env.VIGIE_SCREENSHOTS ? resolve(process.env.VIGIE_SCREENSHOTS) : join(repo, "target", "screenshots");
const PINNED = process.env.VIGIE_SCREENSHOTS ? new Date("2026-09-16T10:00:00Z") : null;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const conf = JSON.parse(await readFile(join(repo, "src-tauri", "tauri.conf.json"), "utf8"));
const CSP = conf.app.security.csp;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };
let server, base, browser;

before(async () => {
  assert.ok(existsSync(join(dist, "index.html")), "ui/dist missing: run `npm run build` first");
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dist, path === "/" ? "index.html" : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

async function open({ locale = "en-GB", colorScheme = "light", at = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, locale, colorScheme, acceptDownloads: true, timezoneId: "Europe/Paris" });
  if (at) await context.clock.setFixedTime(at);
  await context.addInitScript({ path: join(here, "mock-tauri.js") });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(base);
  await page.waitForSelector(".card");
  return { context, page, errors };
}

async function assertClean(page, errors) {
  assert.deepEqual(await page.evaluate(() => window.__alerts), [], "an alert ran");
  assert.deepEqual(await page.evaluate(() => window.__violations), [], "CSP violation");
  assert.equal(await page.locator("img").count(), 0, "an <img> was injected");
  assert.equal(await page.locator("script").count(), 1, "a <script> was injected");
  const hrefs = await page.$$eval("[href],[src]", (els) => els.map((e) => e.getAttribute("href") ?? e.getAttribute("src")));
  for (const h of hrefs) assert.match(h, /^(https?:\/\/|\/assets\/|\/favicon\.svg$|#)/, `unsafe link ${h}`);
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), [], "page errors");
}

test("Now view: every service with shape + word, since, freshness, incidents; hostile text inert", async () => {
  const { context, page, errors } = await open();
  assert.equal(await page.locator(".card").count(), 7);
  const github = page.locator("article", { has: page.locator("h2", { hasText: /^GitHub$/ }) });
  assert.match(await github.locator(".card-head .badge").innerText(), /◩\s*partial outage/);
  assert.match(await github.innerText(), /since .*ago/);
  assert.match(await github.innerText(), /checked (1 min\.? ago|now)/);
  assert.match(await github.innerText(), /fix is being implemented/);
  const evil = page.locator("article", { has: page.locator("h2", { hasText: "Evil" }) });
  assert.equal(await evil.locator("h2").innerText(), "Evil <img src=x onerror=alert(1)>");
  assert.match(await evil.innerText(), /<script>alert\(2\)<\/script><a href="javascript:alert\(5\)">click<\/a>/);
  assert.equal(await evil.locator("a").count(), 0, "javascript: links must not be rendered");
  assert.match(await page.locator("article", { hasText: "Mistral" }).innerText(), /○\s*unavailable/);
  assert.match(await page.locator("article", { hasText: "Mistral" }).innerText(), /Page unavailable: HTTP 503/);
  // Evil's page-wide notice and component are text too, and its javascript: link is not rendered.
  assert.match(await evil.locator(".notice").innerText(), /Notice <img src=x onerror=alert\(1\)>/);
  assert.match(await evil.locator(".down-list").innerText(), /Part <img src=x onerror=alert\(1\)> · Group <script>alert\(2\)<\/script>/);
  // Links go through open_url, not navigation.
  await github.locator("a.ext").last().click();
  const calls = await page.evaluate(() => window.__calls.filter((c) => c.cmd === "open_url"));
  assert.deepEqual(calls.map((c) => c.args.url), ["https://www.githubstatus.com"]);
  assert.equal(page.url(), base);
  await assertClean(page, errors);
  await context.close();
});

test("Now view: non-operational components, page-wide notices and the config error", async () => {
  const { context, page, errors } = await open();
  const card = (name) => page.locator("article", { has: page.locator("h2", { hasText: new RegExp(`^${name}$`) }) });
  // GitHub: the two parts that are not operational, with their status; Git Operations works.
  const gh = card("GitHub");
  assert.equal(await gh.locator(".down-head").innerText(), "2 components not operational");
  const items = await gh.locator(".down-item").allInnerTexts();
  assert.equal(items.length, 2);
  assert.match(items[0], /◩\s*partial outage\s+Packages/);
  assert.match(items[1], /▲\s*degraded\s+Pages/);
  assert.doesNotMatch(await gh.innerText(), /Git Operations/);
  assert.equal(await gh.locator(".notice").count(), 0);
  // OpenAI API: the group is shown.
  assert.equal(await card("OpenAI API").locator(".down-head").innerText(), "1 component not operational");
  assert.match(await card("OpenAI API").locator(".down-item").innerText(), /Responses · APIs/);
  // GitHub Copilot: operational, with GitHub's page-wide incident as a labelled notice.
  const copilot = card("GitHub Copilot");
  assert.match(await copilot.locator(".card-head .badge").innerText(), /●\s*operational/);
  assert.match(await copilot.innerText(), /No active incident\./);
  const n = copilot.locator(".notices .notice");
  assert.equal(await n.count(), 1);
  assert.equal(await n.locator(".notice-label").textContent(), "Page-wide notice");
  assert.match(await n.innerText(), /Disruption with some GitHub services \(investigating\)/);
  assert.match(await n.innerText(), /degraded performance for some GitHub services/);
  assert.equal(await copilot.locator(".down-list").count(), 0);
  // A filter that matches nothing: the error says it is the config, and lists real components.
  const mine = card("My vendor");
  assert.match(await mine.locator(".error-text").innerText(), /^Configuration problem: .*service is misconfigured: components = \["typo"\] matches none of the page's 11 components: "8l4ygp009s5s" \(Git Operations\)/);
  await assertClean(page, errors);
  await context.close();
});

test("Now view: may be affected, problems seen from here with their own glyph, the probe's latency", async () => {
  const { context, page, errors } = await open();
  const card = (name) => page.locator("article", { has: page.locator("h2", { hasText: new RegExp(`^${name}$`) }) });
  const copilot = card("GitHub Copilot");
  assert.equal(await copilot.locator(".upstream").innerText(), "May be affected: OpenAI API, degraded");
  assert.match(await copilot.locator(".card-head .badge").innerText(), /●\s*operational/);
  const claude = card("Claude");
  assert.match(await claude.locator(".card-head .badge").innerText(), /●\s*operational/);
  assert.equal(await claude.locator(".seen-here .seen-glyph").textContent(), "⚑");
  assert.equal(await claude.locator(".seen-here").innerText(), "⚑ Problems seen from here, not confirmed · failures in a row: 2");
  assert.equal(await claude.locator(".probe-line").innerText(), "From here: HTTP 503 in 48 ms");
  const openai = card("OpenAI API");
  assert.equal(await openai.locator(".seen-here").count(), 0);
  assert.equal(await openai.locator(".probe-line").innerText(), "From here: HTTP 401 in 212 ms");
  // Hostile names and errors stay text; a probe URL is a tooltip, never a link.
  const evil = page.locator("article", { has: page.locator("h2", { hasText: "Evil" }) });
  assert.match(await evil.locator(".upstream").innerText(), /Up <img src=x onerror=alert\(1\)>, major outage/);
  assert.match(await evil.locator(".probe-line").innerText(), /From here: <script>alert\(2\)<\/script>/);
  assert.match(await evil.locator(".seen-here").innerText(), /confirmed by the page/);
  await assertClean(page, errors);
  await context.close();
});

test("Now view: snooze a service for 1 h or until tomorrow from its card, and end it", async () => {
  const { context, page, errors } = await open();
  const card = (name) => page.locator("article.card", { has: page.locator("h2", { hasText: new RegExp(`^${name}$`) }) });
  // Stored snoozes are shown (Mistral, from the mock's holds); the others offer both lengths.
  await card("Mistral").locator(".snooze", { hasText: "Snoozed until" }).waitFor();
  assert.deepEqual(await card("Mistral").locator(".snooze button").allTextContents(), ["End snooze"]);
  const claude = card("Claude").locator(".snooze");
  assert.deepEqual(await claude.locator("button").allTextContents(), ["Snooze 1 h", "Until tomorrow"]);
  await claude.locator("[data-snooze=tomorrow]").click();
  await claude.locator("text=Snoozed until").waitFor();
  const sent = (await page.evaluate(() => window.__calls)).filter((c) => c.cmd === "snooze");
  assert.deepEqual(sent.map((c) => c.args), [{ service: "claude", length: "tomorrow" }]);
  // Keyboard: the focus stays in the group, so Enter ends the snooze at once.
  await page.keyboard.press("Enter");
  await claude.locator("[data-snooze=hour]").waitFor();
  const last = (await page.evaluate(() => window.__calls)).filter((c) => c.cmd === "snooze").pop();
  assert.deepEqual(last.args, { service: "claude", length: "off" });
  await assertClean(page, errors);
  await context.close();
});

test("tabs are a keyboard tablist", async () => {
  const { context, page, errors } = await open();
  await page.locator("#tab-now").focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.locator("#tab-history").getAttribute("aria-selected"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-history");
  assert.equal(await page.locator("#panel-history").isVisible(), true);
  assert.equal(await page.locator("#panel-now").isVisible(), false);
  await page.keyboard.press("End");
  assert.equal(await page.locator("#tab-settings").getAttribute("aria-selected"), "true");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.locator("#tab-now").getAttribute("aria-selected"), "true");
  assert.equal(await page.locator("[role=tab][tabindex='0']").count(), 1);
  await assertClean(page, errors);
  await context.close();
});

test("History: timeline with every update, filters, search, export", async () => {
  const { context, page, errors } = await open();
  await page.locator("#tab-history").click();
  await page.waitForSelector(".hist");
  assert.equal(await page.locator(".count").innerText(), "5 incidents");
  await page.selectOption("select[name=service]", "github");
  assert.equal(await page.locator(".count").innerText(), "2 incidents");
  await page.selectOption("select[name=severity]", "maintenance");
  assert.equal(await page.locator(".count").innerText(), "1 incident");
  await page.selectOption("select[name=service]", "");
  await page.selectOption("select[name=severity]", "");
  await page.fill("input[name=q]", "opus");
  assert.equal(await page.locator(".count").innerText(), "1 incident");
  const item = page.locator(".hist").first();
  await item.locator("summary").click();
  assert.equal(await item.locator(".timeline li").count(), 2);
  const dl = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const d = await dl;
  assert.equal(d.suggestedFilename(), "vigie-history.csv");
  const call = await page.evaluate(() => window.__calls.find((c) => c.cmd === "export_history").args);
  assert.deepEqual(call.keys, [{ service: "claude", id: "c1" }]);
  assert.equal(call.format, "csv");
  await page.fill("input[name=q]", "");
  await page.fill("input[name=q]", "alert");
  assert.match(await page.locator(".hist").first().innerText(), /<img src=x onerror=alert\(1\)>/);
  await assertClean(page, errors);
  await context.close();
});

test("Uptime: 90 cells per service, details on keyboard focus and hover", async () => {
  const { context, page, errors } = await open();
  await page.locator("#tab-uptime").click();
  await page.waitForSelector(".bar");
  assert.equal(await page.locator(".uptime-row").first().locator(".cell").count(), 90);
  const row = page.locator(".uptime-row").nth(0);
  await row.locator(".cell[tabindex='0']").focus();
  await page.keyboard.press("Home");
  const detail = await row.locator(".day-detail").innerText();
  assert.match(detail, /\d{4}: (operational|degraded|partial outage|major outage|maintenance|unavailable), /);
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.i), "1");
  await row.locator(".cell").nth(50).hover();
  assert.notEqual(await row.locator(".day-detail").innerText(), detail);
  assert.match(await row.locator(".avail").innerText(), /% available/);
  // Coverage: a partly observed day is hatched and says how much was seen; an unseen day is no data.
  const part = row.locator(".cell.cov-part").first();
  assert.match(await part.getAttribute("title"), /: (operational|degraded|partial outage|major outage|maintenance), Observed 62% of the day · \d+\.\d\d% available$/);
  const full = row.locator(".cell:not(.cov-part):not(.sev-none)").first();
  assert.doesNotMatch(await full.getAttribute("title"), /Observed/);
  const none = row.locator(".cell.sev-none").last();
  assert.match(await none.getAttribute("title"), /: unavailable, no data$/);
  assert.match(await page.locator("#panel-uptime .legend").innerText(), /partly observed/);
  await assertClean(page, errors);
  await context.close();
});

test("Report: services ranked with their figures, one plain line each, export", async () => {
  const { context, page, errors } = await open();
  await page.locator("#tab-report").click();
  await page.waitForSelector("table.report");
  const rows = page.locator("table.report tbody tr");
  assert.equal(await rows.count(), 7);
  const first = await rows.first().locator("td, th").allInnerTexts();
  assert.deepEqual(first, ["1", "Claude", "99.81%", "93%", "12", "1", "4.2 h", "47 min", "5.2 h"]);
  // Never observed: no data, not 0 % or 100 %.
  assert.match(await page.locator("tr[data-service=mistral]").innerText(), /no data\s+no data\s+0\s+0\s+no data\s+—\s+—/);
  const lines = await page.locator(".report-lines li").allInnerTexts();
  assert.equal(lines[0], "Claude: 12 incidents (1 major), 4.2 h of outage in 90 days; median fix 47 min");
  assert.equal(lines[4], "Evil <img src=x onerror=alert(1)>: 1 major incident, 86.4 h of outage in 90 days");
  assert.equal(lines[5], "Mistral: no incidents, not observed in 90 days");
  const dl = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  assert.equal((await dl).suggestedFilename(), "vigie-report.csv");
  const call = await page.evaluate(() => window.__calls.filter((c) => c.cmd === "get_report").pop().args);
  assert.deepEqual(call, { days: 90, export: "csv", save: false });
  // French: numbers, plurals and words.
  await page.selectOption("#lang-switch", "fr");
  await page.locator("#tab-report").click();
  await page.waitForSelector("table.report");
  assert.equal(await page.locator("#tab-report").innerText(), "Rapport");
  assert.equal(await page.locator(".report-lines li").first().innerText(), "Claude : 12 incidents (1 majeur), 4,2 h de panne sur 90 jours ; résolution médiane 47 min");
  await assertClean(page, errors);
  await context.close();
});

test("Settings: toggle, components, save, error shown; add a page with a preview", async () => {
  const { context, page, errors } = await open();
  await page.locator("#tab-settings").click();
  await page.waitForSelector("form.settings");
  await page.locator("input[data-service=chatgpt]").check();
  await page.selectOption("#interval", "300");
  await page.locator("input[data-setting=page_wide]").check();
  assert.equal(await page.getByLabel(/Notify about page-wide notices/).isChecked(), true);
  const github = page.locator(".svc-row", { has: page.locator("input[data-service=github]") });
  await github.getByRole("button", { name: "Choose components" }).click();
  await github.locator("fieldset.components input").first().check();
  assert.match(await github.locator("fieldset").innerText(), /CI › Actions <img src=x onerror=alert\(1\)>/);
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForSelector(".form-msg.ok");
  const saved = await page.evaluate(() => window.__calls.filter((c) => c.cmd === "save_settings").pop().args.settings);
  assert.equal(saved.interval_secs, 300);
  assert.equal(saved.services.find((s) => s.id === "chatgpt").enabled, true);
  assert.deepEqual(saved.services.find((s) => s.id === "github").components, ["pkgs"]);
  assert.equal(saved.notifications.quiet_hours, "22:00-07:00");
  assert.equal(saved.notifications.page_wide, true);
  assert.equal(saved.notifications.local_stopped, false);
  // A config the core refuses: the error is shown, in an alert.
  await page.selectOption("#threshold", "maintenance");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForSelector(".form-msg.error-text");
  assert.match(await page.locator("[role=alert]").innerText(), /config\.toml:3: notifications/);

  // Another scheme is refused, and the window says why.
  await page.fill("#add-url", "file:///etc/passwd");
  await page.getByRole("button", { name: "Detect" }).click();
  await page.waitForSelector(".preview [role=alert]");
  assert.match(await page.locator(".preview [role=alert]").innerText(), /is a file: address; only http and https status pages can be added/);

  await page.fill("#add-url", "https://status.example.com");
  await page.getByRole("button", { name: "Detect" }).click();
  await page.waitForSelector(".preview .card");
  assert.match(await page.locator(".preview").innerText(), /Example <script>alert\(2\)<\/script>/);
  await page.getByRole("button", { name: "Add this page" }).click();
  await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "add_service"));
  const added = await page.evaluate(() => window.__calls.find((c) => c.cmd === "add_service").args.service);
  assert.equal(added.url, "https://status.example.com");
  assert.equal(added.id, "example");
  await assertClean(page, errors);
  await context.close();
});

test("Settings: the log file's path, and a button that opens its folder (no path sent)", async () => {
  const { context, page, errors } = await open();
  await page.locator("#tab-settings").click();
  await page.waitForSelector("form.settings .log-path");
  assert.match(await page.locator(".log-path").innerText(), /^Log file: \/home\/user\/\.local\/state\/vigie\/vigie\.log/);
  await page.getByRole("button", { name: "Open its folder" }).click();
  await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "open_log_folder"));
  const call = await page.evaluate(() => window.__calls.find((c) => c.cmd === "open_log_folder"));
  assert.deepEqual(call.args, {});
  await assertClean(page, errors);
  await context.close();
});

test("live: the snapshot event updates the Now view without reload", async () => {
  const { context, page, errors } = await open();
  await page.evaluate(() => {
    const s = { checked_at: new Date().toISOString(), online: true, overall: "major_outage", services: [
      { id: "claude", name: "Claude", kind: "statuspage", page_url: "https://status.claude.com", status: "major_outage", reachable: true, stale: false, error: null, components: [], incidents: [], notices: [], since: new Date().toISOString(), fetched_at: null, checked_at: new Date().toISOString() }] };
    window.__emit("snapshot", s);
  });
  assert.equal(await page.locator(".card").count(), 1);
  assert.match(await page.locator(".card .badge").innerText(), /■\s*major outage/);
  await assertClean(page, errors);
  await context.close();
});

test("French follows the system locale, and the switch changes language", async () => {
  const { context, page, errors } = await open({ locale: "fr-FR" });
  assert.equal(await page.locator("#tab-now").innerText(), "Maintenant");
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  const gh = page.locator("article", { has: page.locator("h2", { hasText: /^GitHub$/ }) });
  assert.match(await gh.innerText(), /panne partielle/);
  assert.match(await gh.innerText(), /vérifié (il\sy\sa\s1\smin|maintenant)/);
  const copilot = page.locator("article", { has: page.locator("h2", { hasText: "GitHub Copilot" }) });
  assert.equal(await copilot.locator(".notice-label").textContent(), "Avis pour toute la page");
  assert.equal(await gh.locator(".down-head").innerText(), "2 composants non opérationnels");
  assert.match(await page.locator("article", { hasText: "My vendor" }).locator(".error-text").innerText(), /^Problème de configuration : /);
  await page.selectOption("#lang-switch", "en");
  assert.equal(await page.locator("#tab-now").innerText(), "Now");
  await assertClean(page, errors);
  await context.close();
});

test("screenshots: each view, light/dark × en/fr", async () => {
  await mkdir(shots, { recursive: true });
  const made = [];
  for (const lang of ["en", "fr"]) {
    for (const scheme of ["light", "dark"]) {
      const { context, page, errors } = await open({ locale: lang === "fr" ? "fr-FR" : "en-GB", colorScheme: scheme, at: PINNED });
      for (const v of ["now", "history", "uptime", "report", "settings"]) {
        await page.locator(`#tab-${v}`).click();
        await page.waitForSelector(`#panel-${v} ${{ now: ".card", history: ".hist", uptime: ".bar", report: "table.report", settings: "form.settings" }[v]}`);
        if (v === "uptime") await page.locator(".uptime-row").first().locator(".cell").nth(70).hover();
        const file = join(shots, `${v}-${scheme}-${lang}.png`);
        await page.screenshot({ path: file });
        made.push(file);
        if (v === "now") {
          // Below the fold: a page-wide notice (GitHub Copilot) and a config error (My vendor).
          await page.evaluate(() => {
            const card = [...document.querySelectorAll("article")].find((a) => a.querySelector("h2")?.textContent === "GitHub Copilot");
            window.scrollTo(0, (card?.getBoundingClientRect().top ?? 0) + window.scrollY - 60); // clear of the sticky header
          });
          const more = join(shots, `now-more-${scheme}-${lang}.png`);
          await page.screenshot({ path: more });
          made.push(more);
          await page.evaluate(() => window.scrollTo(0, 0));
        }
      }
      await assertClean(page, errors);
      await context.close();
    }
  }
  assert.equal(made.length, 24);
});
