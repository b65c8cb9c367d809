#!/usr/bin/env bash
# Memory and idle CPU of `vigie watch` and of the tray, `vigie-tray` (both release), side by side
# over the same ten default services served on loopback, interval 60 s. The tray runs headless
# (Xvfb, a session D-Bus, trayer docking its icon), its window never opened.
# Usage: scripts/measure-watch.sh [SECONDS]   (default 600: 10 minutes idle; INTERVAL=2s polls
#        faster, which magnifies the cost of each cycle when comparing two builds)
# Prints PSS (from /proc/PID/smaps_rollup) after start-up and at the end, and CPU seconds used.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
cargo build --release -q -p vigie-cli -p vigie-testkit -p vigie-tray
BIN="${CARGO_TARGET_DIR:-target}/release"
work=$(mktemp -d)
# The tray's end ends its session: xvfb-run then stops Xvfb itself (killed, it would leave Xvfb
# and trayer running). Only a tray that never started needs its session killed.
trap 'kill "${tray:-}" "${app:-}" "${srv:-}" 2>/dev/null || true; [ -n "${tray:-}" ] || kill "${session:-}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT

# A loopback copy of every default service's endpoints, from the recorded payloads.
mkdir -p "$work/www"
"$BIN/vigie-fixture-server" --port 0 --dir "$work/www" > "$work/srv.log" &
srv=$!
for _ in $(seq 100); do grep -q listening "$work/srv.log" && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$work/srv.log")
put() { curl -fsS -X PUT --data-binary "@$2" "$url/_control/route?path=$1&etag=v1" >/dev/null; }
f=tests/fixtures
{
  echo 'catalog = []'
  echo "interval = \"${INTERVAL:-60s}\""
} > "$work/config.toml"
i=0
for id in chatgpt openai-api codex claude claude-api claude-code github-copilot perplexity gemini-api mistral; do
  i=$((i + 1))
  extra=""
  case $id in
    chatgpt|openai-api|codex|perplexity)
      put "/s$i/api/v1/summary" $f/incident-io/openai-widget-v1-summary-quiet-2026-09.json
      host=${url#http://}
      put "/s$i/proxy/$host" $f/incident-io/openai-proxy-summary-all-operational-2026-09.json
      put "/s$i/history.atom" $f/feeds/github-statuspage-history-atom-4-entries-2026-09-03.xml ;;
    github-copilot)
      put "/s$i/api/v2/summary.json" $f/statuspage/github-summary-minor-packages-partial-outage-2022-11-25.json
      put "/s$i/api/v2/incidents.json" $f/statuspage/github-incidents-2-resolved-2024-09-16.json ;;
    gemini-api)
      # AI Studio: the status page (for its public key) and the RPC the page calls.
      printf '%s' '<!doctype html><html><script>window.WIZ_global_data={"B8SWKb":"AIzaSyTEST0123456789abcdefghijklmnopqrs"};</script></html>' >"$work/aistudio.html"
      put "/s$i/status" "$work/aistudio.html"
      put "/s$i/%24rpc/google.internal.alkali.applications.makersuite.v1.MakerSuiteService/ListIncidentsHistory" \
        $f/google-aistudio/aistudio-ListIncidentsHistory-50-incidents-2-open-2026-04-17.json
      extra="page_url = \"$url/s$i/status\"\n" ;;
    mistral)
      curl -fsS -X PUT --data-binary '{}' "$url/_control/route?path=/s$i/v1/models&status=401" >/dev/null ;;
    *)
      put "/s$i/api/v2/summary.json" $f/statuspage/claude-summary-all-operational-6-components-2026-09-03.json
      put "/s$i/api/v2/incidents.json" $f/statuspage/github-incidents-2-resolved-2024-09-16.json ;;
  esac
  if [ "$id" = mistral ]; then u="$url/s$i/v1/models"; else u="$url/s$i"; fi
  printf '[[service]]\nid = "%s"\nurl = "%s"\n%b' "$id" "$u" "$extra" >> "$work/config.toml"
done
# Every service must read its page: a failing one would make the figures lighter than real.
VIGIE_CONFIG="$work/config.toml" VIGIE_DATA_DIR="$work/check-data" "$BIN/vigie" check --json \
  >"$work/check.json" 2>"$work/check.err" || true
unread=$(python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(open(sys.argv[1]))["services"] if not s["reachable"]))' "$work/check.json")
if [ -n "$unread" ]; then
  echo "measure-watch: these services do not read their loopback page: $unread" >&2
  cat "$work/check.err" >&2
  exit 1
fi

pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
# CPU time in ns, summed over the process's threads (schedstat: ns, where /proc/PID/stat counts
# 10 ms ticks, too coarse for a process that idles at a few ms a minute). Both processes keep
# their threads for the whole run, so no thread's time is lost.
cpu() { cat /proc/"$1"/task/*/schedstat | awk '{ ns += $1 } END { printf "%d", ns }'; }
VIGIE_CONFIG="$work/config.toml" VIGIE_DATA_DIR="$work/data" "$BIN/vigie" watch > "$work/watch.log" &
app=$!
# The tray, with its own data dir: `exec` keeps the pid that bash writes first.
mkdir -p "$work/xdg"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
  trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
    --transparent false --tint 0xffffff >/dev/null 2>&1 &
  sleep 1
  echo $$ > "$0/tray.pid"
  exec env VIGIE_CONFIG="$0/config.toml" VIGIE_DATA_DIR="$0/tray-data" XDG_STATE_HOME="$0/xdg" \
    XDG_CONFIG_HOME="$0/xdg" XDG_CACHE_HOME="$0/xdg" "$1/vigie-tray"' "$work" "$BIN" \
  >"$work/tray.out" 2>&1 &
session=$!
for _ in $(seq 100); do [ -s "$work/tray.pid" ] && break; sleep 0.1; done
tray=$(cat "$work/tray.pid")
sleep 5
pss0=$(pss $app); cpu0=$(cpu $app)
tpss0=$(pss "$tray"); tcpu0=$(cpu "$tray")
echo "vigie watch and vigie-tray: 10 services on loopback each, interval ${INTERVAL:-60s}; measuring for ${secs}s…"
sleep "$secs"
pss1=$(pss $app); cpu1=$(cpu $app)
tpss1=$(pss "$tray"); tcpu1=$(cpu "$tray")
mb() { echo "$1/1024" | bc -l; }
printf '| figure | vigie watch | vigie-tray |\n|---|---|---|\n'
printf '| PSS after start-up | %.1f MB | %.1f MB |\n' "$(mb "$pss0")" "$(mb "$tpss0")"
printf '| PSS after %ss | %.1f MB | %.1f MB |\n' "$secs" "$(mb "$pss1")" "$(mb "$tpss1")"
printf '| CPU over %ss idle | %.3f s | %.3f s |\n' "$secs" "$(echo "($cpu1-$cpu0)/10^9" | bc -l)" \
  "$(echo "($tcpu1-$tcpu0)/10^9" | bc -l)"
printf '| requests served (both) | %s |\n' "$(curl -fsS "$url/_control/hits" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin).values()))')"
