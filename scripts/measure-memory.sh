#!/usr/bin/env bash
# Memory and start-up figures of the release tray (vigie-tray) and its window (vigie-app),
# headless (Xvfb + session D-Bus + trayer), watching 10 Statuspage services served by a loopback
# fixture server:
#   - PSS of the tray plus all its descendants (the window process and its WebKit processes) with
#     the history window never opened, open, and closed again;
#   - launch-to-tray time: from exec to the tray icon window existing (docked by trayer);
#   - the tray's PSS by mapping (binary, heap, each library), largest first, and how many shared
#     libraries each binary links.
# PSS (not RSS) so that shared libraries are counted once across the processes.
#
#   scripts/measure-memory.sh            (SETTLE=secs to wait before each reading, default 8;
#                                         WINDOW=0: the tray alone, for comparing build profiles)
# shellcheck source-path=SCRIPTDIR/../tests/e2e
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/release"
SETTLE=${SETTLE:-8}
SERVICES=10

# PSS in kB of one process (0 if it is gone).
pss_of() { awk '/^Pss:/ { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# "total_MB detail" for the app's process family, e.g. "24.0 vigie-tray=24.0".
measure() {
  local total=0 detail="" pid kb name
  for pid in $(descendants "$APP_PID"); do
    kb=$(pss_of "$pid")
    name=$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)
    total=$((total + kb))
    detail+=" $name=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  done
  awk -v k="$total" -v d="$detail" 'BEGIN { printf "%.1f %s\n", k / 1024, d }'
}

# Three readings a second apart after settling; prints the median line.
reading() {
  sleep "$SETTLE" # let allocations settle after the state change (pages loaded, caches filled)
  local a b c
  a=$(measure)
  sleep 1
  b=$(measure)
  sleep 1
  c=$(measure)
  printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}

inner() {
  WORK=$1
  ART=$WORK
  export WORK ART
  # shellcheck source=SCRIPTDIR/../tests/e2e/lib.sh
  source "$ROOT/tests/e2e/lib.sh"
  # Default-ish config: the default interval, ten services on the fixture server. Replaces
  # lib.sh's one-service config (called by start_session).
  # shellcheck disable=SC2317
  write_config() {
    {
      echo 'catalog = []'
      for i in $(seq "$SERVICES"); do
        printf '\n[[service]]\nid = "svc%d"\nname = "Service %d"\nkind = "statuspage"\nurl = "%s/s%d"\n' \
          "$i" "$i" "$BASE" "$i"
      done
    } >"$1"
  }
  trap cleanup EXIT
  trap 'exit 1' TERM INT
  start_session
  for i in $(seq "$SERVICES"); do
    curl -fsS -m 5 -X PUT --data-binary "@$OPERATIONAL" \
      "$BASE/_control/route?path=/s$i/api/v2/summary.json" >/dev/null
  done

  local t0 t1
  t0=$(date +%s%N)
  start_app
  until has_icon; do
    sleep 0.02
    (($(date +%s%N) - t0 < 20000000000)) || fail "no tray icon after 20 s"
  done
  t1=$(date +%s%N)
  echo "launch_to_tray_ms $(((t1 - t0) / 1000000))"
  # Settled = every page fetched once.
  poll 30 "all $SERVICES pages fetched" all_fetched
  echo "never_opened $(reading)"
  by_mapping "$APP_PID" >"$WORK/mappings"
  [ "${WINDOW:-1}" = 1 ] || return 0

  local title
  title=$(sed -n 's/.*\.title("\([^"]*\)").*/\1/p' "$ROOT/src-tauri/src/window.rs" | head -n1)
  # A second launch hands over to the running app, which opens the window (single instance).
  app_env
  env "${APP_ENV[@]}" timeout 20 "$BIN_DIR/vigie-tray" >/dev/null 2>&1 || fail "second launch failed"
  poll 20 "the history window" window_shown "$title"
  echo "window_open $(reading)"

  local wpids
  wpids=$(window_pids)
  "$ROOT/tests/e2e/xhelper.py" close "$(xdotool search --onlyvisible --name "^$title\$" | head -n1)"
  # shellcheck disable=SC2086 # one PID per word
  poll 20 "the window's processes to exit" all_gone $wpids
  echo "closed_again $(reading)"
}
all_fetched() {
  local n
  n=$(curl -fsS -m 5 "$BASE/_control/hits" | grep -o '"/s[0-9]*/api/v2/summary.json": *[1-9]' | wc -l)
  ((n >= SERVICES))
}
# PSS of one process summed per mapped file (anonymous mappings by their kind), largest first.
by_mapping() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anonymous]"; next }
       /^Pss:/ { kb[name] += $2 }
       END { for (n in kb) if (kb[n] > 0) printf "%8.1f MB  %s\n", kb[n] / 1024, n }' \
    "/proc/$1/smaps" | sort -rn
}
window_shown() { xdotool search --onlyvisible --name "^$1\$" >/dev/null 2>&1; }

if [ "${1:-}" = --inner ]; then
  inner "$2"
  exit 0
fi

cd "$ROOT"
[ -f ui/dist/index.html ] || make ui
# What the packages ship: the tray, and the window as `tauri build` makes it (front end embedded).
cargo build --quiet --release -p vigie-tray
[ "${WINDOW:-1}" = 0 ] || cargo build --quiet --release -p vigie-app --features custom-protocol
cargo build --quiet --release -p vigie-testkit --bin vigie-fixture-server

work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT
timeout -k 10 300 xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- bash "$ROOT/scripts/measure-memory.sh" --inner "$work" >"$work/out" 2>"$work/err" || {
  echo "measure-memory: failed" >&2
  cat "$work/out" "$work/err" >&2
  tail -n 20 "$work/app.err" >&2 2>/dev/null || true
  exit 1
}

echo "Vigie release build, $SERVICES loopback services, settle ${SETTLE}s, PSS of tray + children"
awk '
  $1 == "launch_to_tray_ms" { launch = $2; next }
  $1 ~ /^(never_opened|window_open|closed_again)$/ {
    label = $1; sub(/_/, " ", label); total[$1] = $2
    detail = ""; for (i = 3; i <= NF; i++) detail = detail " " $i
    printf "  %-14s %7.1f MB  (%s )\n", label, $2, detail
  }
  END {
    printf "  %-14s %7d ms\n", "launch->tray", launch
    if ("closed_again" in total) printf "  closed again - never opened: %+.1f MB\n", total["closed_again"] - total["never_opened"]
  }' "$work/out"
echo "  vigie-tray PSS by mapping, window never opened (largest 12):"
head -n 12 "$work/mappings" | sed 's/^/  /'
tail -n +13 "$work/mappings" |
  awk '{ mb += $1; n++ } END { if (n) printf "  %8.1f MB  the other %d mappings together\n", mb, n }'
for bin in vigie-tray vigie-app; do
  [ -x "$BIN_DIR/$bin" ] || continue
  printf '  %-10s links %3d shared libraries, %d of them WebKit/JavaScriptCore; %s\n' "$bin" \
    "$(ldd "$BIN_DIR/$bin" | grep -c '=>')" \
    "$(ldd "$BIN_DIR/$bin" | grep -ci -e webkit -e javascriptcore || true)" \
    "$(du -h "$BIN_DIR/$bin" | cut -f1) on disk"
done
