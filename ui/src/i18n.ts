// English and French. The language follows the system (navigator.language) unless the config or the
// switch says otherwise; dates and relative times go through Intl in that language.
import type { Severity } from "./bindings/Severity";

export type Lang = "en" | "fr";

const en = {
  "app.title": "Vigie",
  "tab.now": "Now",
  "tab.history": "History",
  "tab.uptime": "Uptime",
  "tab.settings": "Settings",
  "tabs.label": "Views",
  "lang.label": "Language",
  "lang.system": "System",
  refresh: "Refresh now",
  "refresh.done": "Refresh requested",
  loading: "Loading…",
  "error.prefix": "Error:",
  "offline": "Offline: showing the last known state",
  "sev.unknown": "unavailable",
  "sev.operational": "operational",
  "sev.maintenance": "maintenance",
  "sev.degraded": "degraded",
  "sev.partial_outage": "partial outage",
  "sev.major_outage": "major outage",
  "now.empty": "No service is watched. Turn some on in Settings.",
  "now.overall": "Overall: {status}",
  "now.since": "since {time}",
  "now.checked": "checked {rel}",
  "now.never": "not checked yet",
  "now.stale": "stale",
  "now.noIncident": "No active incident.",
  "now.incidents": "Active incidents",
  "now.latest": "Latest update",
  "now.open": "Open status page",
  "now.down.one": "{n} component not operational",
  "now.down.other": "{n} components not operational",
  "now.notice": "Page-wide notice",
  "now.noticeHelp": "An incident on the provider's page that names no component: it may or may not concern the parts you watch, so it does not change this service's status.",
  "now.notices": "Page-wide notices",
  "now.misconfigured": "Configuration problem:",
  "now.unavailable": "Page unavailable:",
  "incident.open": "Open incident page",
  "history.filters": "Filters",
  "history.service": "Service",
  "history.severity": "Impact",
  "history.any": "Any",
  "history.from": "From",
  "history.to": "To",
  "history.search": "Search",
  "history.searchPlaceholder": "Title or update text",
  "history.count.one": "{n} incident",
  "history.count.other": "{n} incidents",
  "history.empty": "No incident matches.",
  "history.updates.one": "{n} update",
  "history.updates.other": "{n} updates",
  "history.started": "Started {time}",
  "history.resolved": "resolved {time}",
  "history.ongoing": "ongoing",
  "history.endedUnwatched": "ended while not watched (last seen open {time})",
  "history.maintenance": "maintenance",
  "export.csv": "Export CSV",
  "export.json": "Export JSON",
  "export.saved": "Saved to {path}",
  "export.downloaded": "Downloaded {name}",
  "uptime.caption": "Last {n} days, one cell per day, worst status of the day",
  "uptime.avg": "{pct} available",
  "uptime.noData": "no data",
  "uptime.day": "{date}: {status}, {avail}",
  "uptime.observed": "Observed {pct} of the day",
  "uptime.partial": "partly observed",
  "uptime.observedHelp": "Availability counts only the time Vigie observed (app running, online, page reachable); the rest is no data.",
  "uptime.help": "Use the arrow keys to move between days.",
  "uptime.legend": "Legend",
  "settings.services": "Services",
  "settings.builtin": "Built-in",
  "settings.own": "Your pages",
  "settings.components": "Components",
  "settings.componentsHint": "None checked = the whole page",
  "settings.loadComponents": "Choose components",
  "settings.noComponents": "No component known yet for this page.",
  "settings.add": "Add a status page",
  "settings.url": "Page URL",
  "settings.detect": "Detect",
  "settings.detecting": "Detecting…",
  "settings.preview": "Found {kind}: {name}, {status}",
  "settings.id": "Id",
  "settings.name": "Name",
  "settings.save": "Save",
  "settings.saved": "Saved and applied",
  "settings.addSave": "Add this page",
  "settings.added": "Added {name}",
  "settings.general": "General",
  "settings.interval": "Check every",
  "settings.notifications": "Notifications",
  "settings.notifEnabled": "Desktop notifications",
  "settings.threshold": "Notify from",
  "settings.recovery": "Tell when a service recovers",
  "settings.updates": "Notify on each provider update",
  "settings.maintenance": "Notify about planned maintenance",
  "settings.pageWide": "Notify about page-wide notices (incidents that name no component, on services that watch only some)",
  "settings.localStopped": "Notify when a local model server (Ollama) stops running",
  "settings.quiet": "Quiet hours (only major outages)",
  "settings.quietFrom": "from",
  "settings.quietTo": "to",
  "settings.muted": "Muted services",
  "settings.mute": "Mute",
  "settings.muteName": "Mute {name}",
  "settings.autostart": "Launch at login",
  "settings.language": "Language",
  "settings.file": "Config file: {path}",
  "settings.log": "Log file: {path}",
  "settings.openLog": "Open its folder",
  "settings.invalid": "The config file has problems; fix it first. Nothing was written.",
  "live.updated": "Updated {time}",
} as const;

export type Key = keyof typeof en;

const fr: Record<Key, string> = {
  "app.title": "Vigie",
  "tab.now": "Maintenant",
  "tab.history": "Historique",
  "tab.uptime": "Disponibilité",
  "tab.settings": "Réglages",
  "tabs.label": "Vues",
  "lang.label": "Langue",
  "lang.system": "Système",
  refresh: "Actualiser",
  "refresh.done": "Actualisation demandée",
  loading: "Chargement…",
  "error.prefix": "Erreur :",
  "offline": "Hors ligne : dernier état connu",
  "sev.unknown": "indisponible",
  "sev.operational": "opérationnel",
  "sev.maintenance": "maintenance",
  "sev.degraded": "dégradé",
  "sev.partial_outage": "panne partielle",
  "sev.major_outage": "panne majeure",
  "now.empty": "Aucun service surveillé. Activez-en dans les réglages.",
  "now.overall": "État global : {status}",
  "now.since": "depuis {time}",
  "now.checked": "vérifié {rel}",
  "now.never": "pas encore vérifié",
  "now.stale": "périmé",
  "now.noIncident": "Aucun incident en cours.",
  "now.incidents": "Incidents en cours",
  "now.latest": "Dernière mise à jour",
  "now.open": "Ouvrir la page de statut",
  "now.down.one": "{n} composant non opérationnel",
  "now.down.other": "{n} composants non opérationnels",
  "now.notice": "Avis pour toute la page",
  "now.noticeHelp": "Un incident sur la page du fournisseur qui ne nomme aucun composant : il peut concerner ou non les parties que vous surveillez, il ne change donc pas l’état de ce service.",
  "now.notices": "Avis pour toute la page",
  "now.misconfigured": "Problème de configuration :",
  "now.unavailable": "Page indisponible :",
  "incident.open": "Ouvrir la page de l’incident",
  "history.filters": "Filtres",
  "history.service": "Service",
  "history.severity": "Impact",
  "history.any": "Tous",
  "history.from": "Du",
  "history.to": "Au",
  "history.search": "Recherche",
  "history.searchPlaceholder": "Titre ou texte",
  "history.count.one": "{n} incident",
  "history.count.other": "{n} incidents",
  "history.empty": "Aucun incident ne correspond.",
  "history.updates.one": "{n} mise à jour",
  "history.updates.other": "{n} mises à jour",
  "history.started": "Début {time}",
  "history.resolved": "résolu {time}",
  "history.ongoing": "en cours",
  "history.endedUnwatched": "terminé hors surveillance (vu ouvert pour la dernière fois {time})",
  "history.maintenance": "maintenance",
  "export.csv": "Exporter en CSV",
  "export.json": "Exporter en JSON",
  "export.saved": "Enregistré dans {path}",
  "export.downloaded": "Téléchargé : {name}",
  "uptime.caption": "{n} derniers jours, une case par jour, pire état du jour",
  "uptime.avg": "{pct} disponible",
  "uptime.noData": "pas de données",
  "uptime.day": "{date} : {status}, {avail}",
  "uptime.observed": "Observé {pct} de la journée",
  "uptime.partial": "observé en partie",
  "uptime.observedHelp": "La disponibilité ne compte que le temps observé par Vigie (application lancée, en ligne, page joignable) ; le reste est sans données.",
  "uptime.help": "Flèches pour passer d’un jour à l’autre.",
  "uptime.legend": "Légende",
  "settings.services": "Services",
  "settings.builtin": "Intégrés",
  "settings.own": "Vos pages",
  "settings.components": "Composants",
  "settings.componentsHint": "Aucun coché = toute la page",
  "settings.loadComponents": "Choisir les composants",
  "settings.noComponents": "Aucun composant connu pour cette page.",
  "settings.add": "Ajouter une page de statut",
  "settings.url": "Adresse de la page",
  "settings.detect": "Détecter",
  "settings.detecting": "Détection…",
  "settings.preview": "Trouvé {kind} : {name}, {status}",
  "settings.id": "Identifiant",
  "settings.name": "Nom",
  "settings.save": "Enregistrer",
  "settings.saved": "Enregistré et appliqué",
  "settings.addSave": "Ajouter cette page",
  "settings.added": "{name} ajouté",
  "settings.general": "Général",
  "settings.interval": "Vérifier toutes les",
  "settings.notifications": "Notifications",
  "settings.notifEnabled": "Notifications de bureau",
  "settings.threshold": "Notifier à partir de",
  "settings.recovery": "Signaler le retour à la normale",
  "settings.updates": "Notifier chaque mise à jour du fournisseur",
  "settings.maintenance": "Notifier les maintenances planifiées",
  "settings.pageWide": "Notifier les avis pour toute la page (incidents sans composant nommé, sur les services qui n’en surveillent que certains)",
  "settings.localStopped": "Notifier quand un serveur de modèles local (Ollama) s’arrête",
  "settings.quiet": "Heures calmes (pannes majeures seulement)",
  "settings.quietFrom": "de",
  "settings.quietTo": "à",
  "settings.muted": "Services en sourdine",
  "settings.mute": "Sourdine",
  "settings.muteName": "Mettre {name} en sourdine",
  "settings.autostart": "Lancer à l’ouverture de session",
  "settings.language": "Langue",
  "settings.file": "Fichier de configuration : {path}",
  "settings.log": "Journal : {path}",
  "settings.openLog": "Ouvrir son dossier",
  "settings.invalid": "Le fichier de configuration a des problèmes ; corrigez-le d’abord. Rien n’a été écrit.",
  "live.updated": "Mis à jour {time}",
};

const MESSAGES: Record<Lang, Record<Key, string>> = { en, fr };

/** The language to use: an explicit choice ("en"/"fr"), else the system's, else English. */
export function pickLang(choice: string | null | undefined, systemLanguages: readonly string[]): Lang {
  if (choice === "en" || choice === "fr") return choice;
  for (const l of systemLanguages) {
    const base = l.toLowerCase().split("-")[0];
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

export type Params = Record<string, string | number>;

/** Translate with {name} placeholders. Unknown placeholders stay visible (easier to spot). */
export function translate(lang: Lang, key: Key, params: Params = {}): string {
  const s = MESSAGES[lang][key] ?? en[key];
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** Keys that come in plural forms: `{base}.one` and `{base}.other`. */
export type Counted = "history.count" | "history.updates" | "now.down";

/** A count in words with the language's plural rule ("1 incident", "2 incidents"; French "0 incident"). */
export function countText(lang: Lang, base: Counted, n: number): string {
  const form = new Intl.PluralRules(lang === "fr" ? "fr-FR" : "en-GB").select(n) === "one" ? "one" : "other";
  return translate(lang, `${base}.${form}` as Key, { n });
}

export function severityWord(lang: Lang, s: Severity): string {
  return translate(lang, `sev.${s}` as Key);
}

export function allKeys(): Key[] {
  return Object.keys(en) as Key[];
}

export function messages(lang: Lang): Record<Key, string> {
  return MESSAGES[lang];
}
