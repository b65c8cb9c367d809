#!/usr/bin/env bash
# End-to-end tests of the tray app on a headless X display: tray icon pixels, desktop
# notifications on the session bus, the history window and its WebKit processes, single instance
# and Quit. Each scenario runs in a fresh Xvfb + session D-Bus (a tray slot or bus name left over
# from another scenario would skew it) with its own trayer, fixture server, config and data dir.
#
#   tests/e2e/run.sh [SCENARIO...]     (default: all; needs scripts/install-deps.sh and ui/dist)
#
# Prints `PASS name` / `FAIL name` per scenario and `N passed, M failed` last; on failure, the
# app's stderr and the notifications seen are printed and screenshots kept under artifacts/e2e/.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/debug"
SCENARIOS=(pixels notifications window)
# Whole-scenario budget, X server and bus start-up included; each step has its own shorter one.
SCENARIO_TIMEOUT=${VIGIE_E2E_TIMEOUT:-180}

# --- inside one scenario's display and bus ---------------------------------------------------

scenario_pixels() {
  local major="$WORK/major.json"
  write_major "$major"
  serve "$OPERATIONAL"
  start_app
  poll 20 "the tray icon" has_icon
  wait_color "$GREEN" 15 green
  serve "$major"
  wait_color "$RED" 10 red
  serve "$OPERATIONAL"
  wait_color "$GREEN" 10 green
  # Leave a major-outage reading in the store, then stop the app.
  serve "$major"
  wait_color "$RED" 10 red
  kill "$APP_PID"
  wait_app_exit 10

  # Second launch with the page not answering (accepted connections, no reply for 20 s): the
  # icon must show the cached major outage from the start, not the grey "unknown" ring.
  # (With connections refused instead, the first poll fails within milliseconds and the icon
  # turns to the grey "offline" ring by design before a screenshot can be taken; that grey
  # state is checked below.)
  serve "$major" delay_ms=20000
  start_app
  poll 20 "the tray icon" has_icon
  poll 5 "a first icon pixel" icon_has_color
  [ "$LAST_COLOR" = "$RED" ] || fail "first icon pixel after launch is #$LAST_COLOR, expected cached red #$RED"
  step "first pixel after launch is red (cached state)"

  # Connections refused = the machine looks offline: grey ring; back online: red again.
  serve "$major"
  server_down 6
  wait_color "$GREY" 10 "grey (offline)"
  wait_color "$RED" 15 "red (back online)"
}
icon_has_color() {
  LAST_COLOR=$(icon_color)
  [ -n "$LAST_COLOR" ] && [ "$LAST_COLOR" != FFFFFF ]
}

scenario_notifications() {
  local major="$WORK/major.json"
  write_major "$major"
  serve "$OPERATIONAL"
  start_app
  poll 20 "the tray icon" has_icon
  wait_color "$GREEN" 15 green
  wait_polls 2
  expect_notices # none at start

  serve "$major"
  wait_color "$RED" 10 red
  wait_notices 5 "$SUMMARY_MAJOR"
  wait_polls 2
  expect_notices "$SUMMARY_MAJOR" # exactly one for the change

  # Unreachable (offline) and back with the same status: nothing to tell.
  server_down 5
  wait_color "$GREY" 10 "grey (offline)"
  wait_color "$RED" 15 "red (back online)"
  wait_polls 2
  expect_notices "$SUMMARY_MAJOR"

  serve "$OPERATIONAL"
  wait_color "$GREEN" 10 green
  wait_notices 5 "$SUMMARY_MAJOR" "$SUMMARY_RECOVERED"

  # Pause from the tray menu: Pause notifications (3rd enabled item) → For 1 hour.
  menu_pick Down Down Down Right Return
  step "paused for 1 hour from the menu"
  serve "$major"
  wait_color "$RED" 10 red
  wait_polls 3
  serve "$OPERATIONAL"
  wait_color "$GREEN" 10 green
  wait_polls 3
  expect_notices "$SUMMARY_MAJOR" "$SUMMARY_RECOVERED"
  step "no notification while paused"
}

scenario_window() {
  local title win
  # The history window's title, as src-tauri/src/window.rs sets it.
  title=$(sed -n 's/.*\.title("\([^"]*\)").*/\1/p' "$ROOT/src-tauri/src/window.rs" | head -n1)
  [ -n "$title" ] || fail "cannot read the window title from src-tauri/src/window.rs"
  serve "$OPERATIONAL"
  start_app
  poll 20 "the tray icon" has_icon
  wait_color "$GREEN" 15 green
  [ "$(web_processes)" -eq 0 ] || fail "WebKit processes running before the window was opened"

  menu_pick Down Return # "Open history…", the first enabled item
  poll 20 "the history window \"$title\"" has_history_window "$title"
  poll 20 "a WebKitWebProcess child" web_process_running
  step "window \"$title\" open, $(web_processes) WebKit web process(es)"

  win=$(history_window "$title")
  "$ROOT/tests/e2e/xhelper.py" close "$win"
  poll 10 "the window to close" no_history_window "$title"
  poll 15 "the WebKitWebProcess children to exit" no_web_process
  app_alive || fail "the app exited when its window closed"
  has_icon || fail "the tray icon is gone after closing the window"
  step "window closed, web process gone, app and icon still there"

  # Single instance: a second launch hands over to the first and exits 0.
  local rc=0
  app_env
  env "${APP_ENV[@]}" timeout 20 "$BIN_DIR/vigie-app" >>"$WORK/app2.out" 2>>"$WORK/app2.err" || rc=$?
  [ "$rc" -eq 0 ] || fail "second launch exited $rc, expected 0"
  poll 20 "the first instance to show the window" has_history_window "$title"
  step "second launch exited 0 and the first instance showed the window"

  menu_pick Up Return # "Quit", the last item
  wait_app_exit 15
  [ "$APP_RC" -eq 0 ] || fail "Quit exited $APP_RC, expected 0"
  step "Quit from the menu: exit code 0"
}
history_window() { xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -n1 | grep .; }
has_history_window() { history_window "$1" >/dev/null; }
no_history_window() { ! has_history_window "$1"; }
# WebKitWebProcess children of the app (comm is truncated to 15 characters).
web_processes() { pgrep -c -P "$APP_PID" -x WebKitWebProces || true; }
web_process_running() { (($(web_processes) > 0)); }
no_web_process() { (($(web_processes) == 0)); }

inner() {
  local name=$1
  WORK=$2
  ART=$3 # screenshots (lib.sh)
  export WORK ART
  # shellcheck source=SCRIPTDIR/lib.sh
  source "$ROOT/tests/e2e/lib.sh"
  trap cleanup EXIT
  trap 'exit 1' TERM INT
  start_session
  "scenario_$name"
}

# --- driver ----------------------------------------------------------------------------------

if [ "${1:-}" = --inner ]; then
  inner "$2" "$3" "$4"
  exit 0
fi

if [ $# -gt 0 ]; then
  SCENARIOS=("$@")
fi
for s in "${SCENARIOS[@]}"; do
  declare -F "scenario_$s" >/dev/null || {
    echo "unknown scenario: $s (known: pixels notifications window)" >&2
    exit 2
  }
done

# Same profile as the Makefile, so `make test` does not rebuild with debug info.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
cargo build --quiet -p vigie-app -p vigie-testkit
[ -f "$ROOT/ui/dist/index.html" ] || echo "warning: ui/dist is missing (run make ui)" >&2

ARTIFACTS="$ROOT/artifacts/e2e"
mkdir -p "$ARTIFACTS"
passed=0
failed=0
for s in "${SCENARIOS[@]}"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-e2e-$s.XXXXXX")
  art="$ARTIFACTS/$s"
  rm -rf "$art"
  mkdir -p "$art"
  rc=0
  # timeout signals its whole process group, so nothing of the scenario outlives the budget.
  timeout -k 10 "$SCENARIO_TIMEOUT" \
    xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- bash "$ROOT/tests/e2e/run.sh" --inner "$s" "$work" "$art" \
    >"$art/steps.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "PASS $s"
    passed=$((passed + 1))
    rm -rf "$art"/menu-*.png
  else
    echo "FAIL $s"
    failed=$((failed + 1))
    [ "$rc" -ne 124 ] || echo "  (scenario timed out after ${SCENARIO_TIMEOUT}s)"
    # The session bus's own chatter (fd limits, a11y activation) is left out.
    grep -v '^dbus-daemon\[' "$art/steps.log" | sed 's/^/  | /' || true
    echo "  --- app stderr (last 40 lines)"
    tail -n 40 "$work/app.err" 2>/dev/null | sed 's/^/  | /' || true
    echo "  --- notify log (Notify calls)"
    grep -A5 'member=Notify' "$work/notify.log" 2>/dev/null | grep -E 'member=Notify|^   string' | sed 's/^/  | /' || true
    cp "$work"/app*.err "$work/notify.log" "$work/config.toml" "$art/" 2>/dev/null || true
    echo "  artifacts: $art"
  fi
  rm -rf "$work"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
