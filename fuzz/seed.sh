#!/usr/bin/env bash
# Seed each fuzz target's corpus (fuzz/corpus/TARGET, gitignored) from the recorded payloads in
# tests/fixtures, so nothing large is committed and the corpora follow the fixtures. Inputs that
# hold two bodies join them with a 0xFF byte (never in UTF-8 text; see fuzz/src/lib.rs). Seeds are
# named seed-*, so re-running overwrites them and leaves what libFuzzer found (named by hash).
set -euo pipefail
cd "$(dirname "$0")/.."
fx=tests/fixtures
out=fuzz/corpus

put() { # put TARGET NAME < bytes
  mkdir -p "$out/$1"
  cat > "$out/$1/seed-$2"
}
each() { # each TARGET FILE... : one seed per file
  local t=$1; shift
  for f in "$@"; do put "$t" "$(basename "$f")" < "$f"; done
}
pair() { # pair TARGET NAME FIRST SECOND: FIRST 0xFF SECOND
  { cat "$3"; printf '\xff'; cat "$4"; } | put "$1" "$2"
}
prefixed() { # prefixed TARGET N FILE...: the byte N (0-9), then the file
  local t=$1 n=$2; shift 2
  for f in "$@"; do { printf "\\$n"; cat "$f"; } | put "$t" "$n-$(basename "$f")"; done
}

each read_statuspage "$fx"/statuspage/*.json
each read_betterstack "$fx"/betterstack/*.json
each read_google_cloud "$fx"/google-cloud/*.json
each read_ai_studio "$fx"/google-aistudio/*.json
each read_feed "$fx"/feeds/*.xml
each read_flashduty "$fx"/flashduty/*.json

# incident.io: widget summary, then the proxy's page model; each alone in either place too.
for f in "$fx"/incident-io/*.json; do
  each read_incident_io "$f"
  { printf '\xff'; cat "$f"; } | put read_incident_io "proxy-$(basename "$f")"
done
pair read_incident_io widget+proxy "$fx/incident-io/openai-widget-v1-summary-quiet-2026-09.json" \
  "$fx/incident-io/openai-proxy-summary-all-operational-2026-09.json"

# Instatus: v3 summary, then v3 components.
pair read_instatus summary+components "$fx/instatus/wistia-v3-summary-up-2026-09-23-DOCQUOTE.json" \
  "$fx/instatus/wistia-v3-components-2026-09-23-DOCQUOTE-TRIMMED.json"
each read_instatus "$fx"/instatus/*.json

# Probes: Ollama's /api/version then /api/tags (served 200), and other outcomes by leading byte.
pair read_ollama version+tags "$fx/ollama/api-version-DOCEXAMPLE.json" "$fx/ollama/api-tags-DOCEXAMPLE.json"
pair read_ollama version+ps "$fx/ollama/api-version-DOCEXAMPLE.json" "$fx/ollama/api-ps-DOCEXAMPLE.json"
{ printf '\x08'; cat "$fx/ollama/api-version-DOCEXAMPLE.json"; printf '\xff\x01'; } | put read_ollama 500+timeout
printf '\x00\xff\x00' | put read_ollama refused
each read_http "$fx"/ollama/root-GET-200-text-plain.txt "$fx"/misc/*
printf '\x06not found' | put read_http 404
printf '\x02connection reset' | put read_http failed

# History: first byte 0 Statuspage, 1 incident.io (Atom), 2 Flashduty.
prefixed read_history 0 "$fx"/statuspage/*incidents*.json
prefixed read_history 1 "$fx/feeds/openai-incidentio-feed-atom-4-entries-2026-09-03.xml"
prefixed read_history 2 "$fx"/flashduty/*.json

# Detection: every recorded payload.
each detect "$fx"/*/*.json "$fx"/feeds/*.xml

# Config: the template `vigie config init` writes, the catalog, and small hand-made files.
each config crates/vigie-core/data/*.toml
printf '[[service]]\nid = "gh"\nkind = "statuspage"\nurl = "https://www.githubstatus.com"\ncomponents = ["Git Operations"]\n\n[notifications]\nquiet_hours = "22:00-07:00"\n' \
  | put config service
printf 'catalog = ["chatgpt", "claude"]\ninterval = "1m30s"\ntimeout = "10s"\n' | put config catalog

# HTML-to-text: the feeds (HTML in descriptions) and a few fragments.
each text "$fx"/feeds/*.xml
printf '<p>Resolved &amp; <b>monitoring</b></p><ul><li>API</li></ul>&nbsp;&#x1F600;&hellip;' | put text fragment

# Timestamps, one per format time.rs reads.
i=0
for t in '2026-09-03T17:11:00Z' '2026-09-03T17:11:00.123+02:00' 'Thu, 03 Sep 2026 17:11:00 GMT' \
  '2026-09-03 17:11:00 +0000' '2026-09-03T17:11' '1776466800' '1776466800000' '"2026-09-03T17:11:00Z"' \
  'Thu Sep 23 2026 10:00:00 GMT+0000 (Coordinated Universal Time)'; do
  i=$((i + 1)); printf '%s' "$t" | put time "$i"
done
