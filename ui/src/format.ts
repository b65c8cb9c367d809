// Localised dates, relative times, percentages and the status shapes (never colour alone).
import type { Severity } from "./bindings/Severity";
import type { Lang } from "./i18n";

/** A shape per status, shown next to the word; colour only reinforces it. */
export const SHAPES: Record<Severity, string> = {
  operational: "●",
  maintenance: "◆",
  degraded: "▲",
  partial_outage: "◩",
  major_outage: "■",
  unknown: "○",
};

export const SEVERITY_ORDER: Severity[] = [
  "unknown",
  "operational",
  "maintenance",
  "degraded",
  "partial_outage",
  "major_outage",
];

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

function locale(lang: Lang): string {
  return lang === "fr" ? "fr-FR" : "en-GB";
}

/** "3 min ago" / "il y a 3 min" (or "in 2 min" for the future), relative to `now`. */
export function relativeTime(lang: Lang, iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const secs = Math.round((t - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(lang), { numeric: "auto", style: "short" });
  const abs = Math.abs(secs);
  if (abs < 45) return rtf.format(0, "second");
  if (abs < 45 * 60) return rtf.format(Math.round(secs / 60), "minute");
  if (abs < 22 * 3600) return rtf.format(Math.round(secs / 3600), "hour");
  if (abs < 26 * 86400) return rtf.format(Math.round(secs / 86400), "day");
  if (abs < 320 * 86400) return rtf.format(Math.round(secs / (30 * 86400)), "month");
  return rtf.format(Math.round(secs / (365 * 86400)), "year");
}

/** Date and time in the user's language and time zone. */
export function dateTime(lang: Lang, iso: string, timeZone?: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: "medium", timeStyle: "short", timeZone }).format(t);
}

/** A calendar date ("2024-09-16" as the store gives it), in the user's language. */
export function calendarDate(lang: Lang, ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

/** 0.99731 → "99.73 %" / "99,73 %". */
export function percent(lang: Lang, ratio: number): string {
  return new Intl.NumberFormat(locale(lang), { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(ratio);
}

/** A share in whole percent, never rounded up to 100 % or down to 0 % ("62 %", "99 %"): said
 *  of how much of a day was observed, where "100 %" must mean all of it. */
export function share(lang: Lang, ratio: number): string {
  const pct = ratio >= 1 ? 100 : ratio <= 0 ? 0 : Math.min(99, Math.max(1, Math.round(ratio * 100)));
  return new Intl.NumberFormat(locale(lang), { style: "percent", maximumFractionDigits: 0 }).format(pct / 100);
}

/** The local calendar day of an instant, "YYYY-MM-DD" (for date-range filters). */
export function localDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Interval choices in seconds, with a label. */
export function intervalLabel(lang: Lang, secs: number): string {
  const nf = new Intl.NumberFormat(locale(lang), { style: "unit", unitDisplay: "long", unit: secs % 3600 === 0 ? "hour" : secs % 60 === 0 ? "minute" : "second" });
  return nf.format(secs % 3600 === 0 ? secs / 3600 : secs % 60 === 0 ? secs / 60 : secs);
}
