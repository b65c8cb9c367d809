#!/usr/bin/env bash
# End-to-end tests of the tray app on a headless X display: tray icon pixels, desktop
# notifications on the session bus, the history window and its WebKit processes, single instance
# and Quit, and the window's views driven over WebDriver (tauri-driver + WebKitWebDriver, both
# installed by scripts/install-deps.sh). Each scenario runs in a fresh Xvfb + session D-Bus (a
# tray slot or bus name left over from another scenario would skew it) with its own trayer,
# fixture server, config and data dir.
#
#   tests/e2e/run.sh [SCENARIO...]     (default: all; needs scripts/install-deps.sh and ui/dist)
#
# Prints `PASS name` / `FAIL name` per scenario and `N passed, M failed` last (`RETRY name` first
# when a scenario lost its WebDriver session and is run once more); on failure, the app's stderr
# and the notifications seen are printed and screenshots kept under target/e2e-artifacts/.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/debug"
SCENARIOS=(pixels sni notifications french window webdriver)
# Whole-scenario budget, X server and bus start-up included; each step has its own shorter one.
SCENARIO_TIMEOUT=${VIGIE_E2E_TIMEOUT:-180}

# --- inside one scenario's display and bus ---------------------------------------------------

scenario_pixels() {
  local major="$WORK/major.json"
  write_major "$major"
  serve "$OPERATIONAL"
  start_app
  poll 20 "the tray icon" has_icon
  # A launch leaves a trace in the XDG state dir, whatever the app's stderr is tied to.
  wait_log 10 "started vigie-tray "
  # The always-on process never loads WebKit (it is the window's, in another process).
  local maps
  maps=$(cat "/proc/$APP_PID/maps") || fail "cannot read the tray's /proc/$APP_PID/maps"
  ! grep -qi -e webkit -e javascriptcore <<<"$maps" || fail "the tray process maps WebKit"
  step "the tray process maps no WebKit library"
  log_has "config $WORK/config.toml, data $WORK/data" || fail "the start line does not name the config and data dir"
  wait_color "$GREEN" 15 green
  # The open menu stays open across poll cycles, also when its words change (in place): here
  # the headline and the service lines go from operational to major outage.
  open_menu
  wait_polls 2
  menu_is_open || fail "the tray menu closed on its own during poll cycles"
  serve "$major"
  wait_color "$RED" 10 red
  wait_polls 1
  menu_is_open || fail "the tray menu closed on its own when its words changed"
  xdotool key Escape
  step "the menu stayed open over poll cycles, and while its words changed (green → red)"
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

# The StatusNotifierItem path (KDE Plasma, GNOME's AppIndicator extension, waybar): with a
# watcher on the bus and no XEmbed tray (tests/e2e/sni_watcher.py, the only host), the tray
# registers an item; the host reads the icon file the item names on each NewIcon, green → red →
# green, and the menu's words over dbusmenu.
scenario_sni() {
  local major="$WORK/major.json"
  write_major "$major"
  serve "$OPERATIONAL"
  start_app
  poll 20 "the item to register with the watcher" sni_registered
  [ "$(sni .title)" = Vigie ] || fail "the item's Title is \"$(sni .title)\", expected Vigie"
  step "item $(sni '.registered[0]') registered: Title $(sni .title), Status $(sni .status)"
  sni_wait_color "$GREEN" 15 green
  poll 10 "the menu to list GitHub as operational" sni_has_label "● GitHub — operational"
  step "menu over dbusmenu: $(jq -c '.labels[0:2]' "$WORK/sni/state.json")"
  local ids
  ids=$(jq -c .ids "$WORK/sni/state.json")
  serve "$major"
  sni_wait_color "$RED" 10 red
  poll 10 "the menu to list GitHub's major outage" sni_has_label "✖ GitHub — major outage"
  # Updated in place: the same items with new words (a rebuilt menu has new item ids, and
  # closes under the user's pointer).
  [ "$(jq -c .ids "$WORK/sni/state.json")" = "$ids" ] ||
    fail "the menu was rebuilt: item ids $ids became $(jq -c .ids "$WORK/sni/state.json")"
  step "menu updated in place: same item ids $ids"
  serve "$OPERATIONAL"
  sni_wait_color "$GREEN" 10 "green again"
  has_icon && fail "an XEmbed icon window exists, with no XEmbed host running"
  step "no XEmbed icon: the item was the only tray path"
}
sni() { jq -r "$1 // empty" "$WORK/sni/state.json" 2>/dev/null; }
sni_registered() { [ -n "$(sni '.registered[0]')" ]; }
sni_has_label() { jq -e --arg l "$1" '.labels | index($l)' "$WORK/sni/state.json" >/dev/null 2>&1; }
# The centre pixel of the last icon file the watcher copied on NewIcon (32 px: see tray.rs).
sni_color_is() {
  local f
  f=$(sni '.icons[-1]')
  [ -n "$f" ] || return 1
  LAST_COLOR=$(/usr/bin/convert "$WORK/sni/$f" -crop 1x1+16+16 txt:- 2>/dev/null |
    sed -n 's/.*#\([0-9A-Fa-f]\{6\}\).*/\1/p' | head -n1)
  [ "$LAST_COLOR" = "$1" ]
}
sni_wait_color() {
  poll "$2" "the item's icon to turn $3 (#$1)" sni_color_is "$1"
  step "item icon is $3 ($(sni '.icons[-1]'), read on NewIcon)"
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
  # Each notice is logged (sent, or not shown when the session has no notification server).
  wait_log 5 "$SUMMARY_MAJOR"

  # Unreachable (offline) and back with the same status: nothing to tell.
  server_down 5
  wait_color "$GREY" 10 "grey (offline)"
  wait_color "$RED" 15 "red (back online)"
  wait_polls 2
  expect_notices "$SUMMARY_MAJOR"
  wait_log 5 "offline: no status page could be reached"
  wait_log 5 "online again"
  [ "$(grep -cF "offline: no status page" "$WORK/$APP_LOG_REL")" -eq 1 ] ||
    fail "the offline switch is logged more than once: $(grep -F offline "$WORK/$APP_LOG_REL")"

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

# French everywhere from the locale variables alone (no fr_FR locale need be installed), and a
# pause that survives a restart: it is stored, so the restarted app tells nothing until it ends.
FRENCH=(LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8)
scenario_french() {
  local major="$WORK/major.json"
  write_major "$major"
  serve "$OPERATIONAL"
  start_app "${FRENCH[@]}"
  poll 20 "the tray icon" has_icon
  wait_color "$GREEN" 15 green
  wait_polls 2

  serve "$major"
  wait_color "$RED" 10 red
  wait_notices 5 "$SUMMARY_MAJOR_FR"
  wait_log 5 "$SUMMARY_MAJOR_FR"
  serve "$OPERATIONAL"
  wait_color "$GREEN" 10 green
  wait_notices 5 "$SUMMARY_MAJOR_FR" "$SUMMARY_RECOVERED_FR"

  # Pause from the tray menu (the same keys in French): Pause notifications → For 1 hour.
  menu_pick Down Down Down Right Return
  wait_log 5 "notifications paused until"
  kill "$APP_PID"
  wait_app_exit 10
  start_app "${FRENCH[@]}"
  poll 20 "the tray icon after the restart" has_icon
  wait_color "$GREEN" 15 "green after the restart"
  serve "$major"
  wait_color "$RED" 10 red
  wait_polls 3
  expect_notices "$SUMMARY_MAJOR_FR" "$SUMMARY_RECOVERED_FR"
  step "the stored pause held after the restart"
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
  poll 20 "a WebKitWebProcess" web_process_running
  step "window \"$title\" open, $(web_processes) WebKit web process(es)"

  local wpids
  wpids=$(window_pids)
  win=$(history_window "$title")
  "$ROOT/tests/e2e/xhelper.py" close "$win"
  poll 10 "the window to close" no_history_window "$title"
  # shellcheck disable=SC2086 # one PID per word
  poll 15 "the window's processes ($(echo $wpids)) to exit" all_gone $wpids
  app_alive || fail "the app exited when its window closed"
  # (Polled: xdotool's search can fail on an X error while the window's own windows are torn down.)
  poll 5 "the tray icon, after closing the window" has_icon
  step "window closed, web process gone, app and icon still there"

  # Single instance: a second launch hands over to the first and exits 0.
  local rc=0
  app_env
  env "${APP_ENV[@]}" timeout 20 "$BIN_DIR/vigie-tray" >>"$WORK/app2.out" 2>>"$WORK/app2.err" || rc=$?
  [ "$rc" -eq 0 ] || fail "second launch exited $rc, expected 0"
  poll 20 "the first instance to show the window" has_history_window "$title"
  step "second launch exited 0 and the first instance showed the window"

  # Launch at login (4th enabled item): an XDG autostart entry that starts the tray, not the window.
  local entry="$WORK/xdg/config/autostart/Vigie.desktop"
  menu_pick Down Down Down Down Return
  poll 5 "the autostart entry $entry" test -f "$entry"
  grep -qxF "Exec=\"$BIN_DIR/vigie-tray\"" "$entry" || fail "the autostart entry does not start the tray: $(cat "$entry")"
  step "launch at login on: $(grep '^Exec=' "$entry")"
  menu_pick Down Down Down Down Return
  poll 5 "the autostart entry to be removed" test ! -e "$entry"
  step "launch at login off: entry removed"

  menu_pick Up Return # "Quit", the last item
  wait_app_exit 15
  [ "$APP_RC" -eq 0 ] || fail "Quit exited $APP_RC, expected 0"
  poll 10 "the window to close with the tray" no_history_window "$title"
  step "Quit from the menu: exit code 0, the window closed with it"

  # The window program run with no tray running starts the tray, which opens the window.
  rc=0
  env "${APP_ENV[@]}" timeout 20 "$BIN_DIR/vigie-app" >>"$WORK/app3.out" 2>>"$WORK/app3.err" || rc=$?
  [ "$rc" -eq 0 ] || fail "vigie-app with no tray exited $rc, expected 0"
  poll 20 "a tray started by the window program" tray_started
  PIDS+=("$APP_PID")
  poll 20 "its tray icon" has_icon
  poll 20 "the history window from the started tray" has_history_window "$title"
  step "vigie-app alone started vigie-tray (pid $APP_PID), which opened the window"
  kill "$APP_PID"
  wait_pid_exit 15 "$APP_PID"
  poll 15 "the window to close with the tray" no_history_window "$title"
  step "the tray ended by SIGTERM took its window with it"
}
# The vigie-tray of this scenario (found by its config), as APP_PID.
tray_started() {
  local f p
  for f in /proc/[0-9]*/environ; do
    p=${f#/proc/}
    p=${p%/environ}
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = vigie-tray ] || continue
    grep -qzxF "VIGIE_CONFIG=$WORK/config.toml" "$f" 2>/dev/null || continue
    APP_PID=$p
    return 0
  done
  return 1
}
wait_pid_exit() { poll "$1" "process $2 to exit" test ! -e "/proc/$2"; }
history_window() { xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -n1 | grep .; }
has_history_window() { history_window "$1" >/dev/null; }
no_history_window() { ! has_history_window "$1"; }
# WebKitWebProcess descendants of the app (its window process's children).
web_processes() { count_descendants_named "$APP_PID" WebKitWebProces; }
web_process_running() { (($(web_processes) > 0)); }

# The history window driven through tauri-driver + WebKitWebDriver (tests/e2e/webdriver.sh): an
# open incident and its updates in Now and History, a setting saved to the file with its comments
# kept, and hostile provider text shown as text.
scenario_webdriver() {
  # shellcheck source=SCRIPTDIR/webdriver.sh
  source "$ROOT/tests/e2e/webdriver.sh"
  local page="$FIXTURES/github-summary-minor-packages-partial-outage-2022-11-25.json"
  local hostile="$WORK/hostile.json" config="$WORK/config.toml" title latest
  local comment="# vigie e2e: this comment must survive a save from the Settings view"
  local evil='<img src=x onerror="document.title='\''pwned'\''">'
  title=$(jq -r '.incidents[0].name' "$page")
  latest=$(jq -r '.incidents[0].incident_updates | max_by(.created_at) | .body' "$page")
  jq -r '.incidents[0].incident_updates[].body' "$page" >"$WORK/updates.txt"
  # Second page: the same incident under another id, with markup as its title.
  jq --arg t "$evil" '.page.name = "Hostile" | .incidents[0].id = "evil1" | .incidents[0].name = $t' \
    "$page" >"$hostile"
  serve "$page"
  serve_at "/hostile$SUMMARY_PATH" "$hostile"
  cat >"$config" <<EOF
$comment
catalog = []
interval = "2s"

[[service]]
id = "github"
name = "GitHub"
kind = "statuspage"
url = "$BASE"

[[service]]
id = "hostile"
name = "Hostile"
kind = "statuspage"
url = "$BASE/hostile"
EOF

  # The tray runs first, as on a desktop; tauri-driver then starts the window binary, which
  # connects to the tray's socket like a window the tray started itself.
  start_app
  poll 20 "the tray icon" has_icon
  app_env
  start_tauri_driver "${APP_ENV[@]}"
  wd_new_session "$BIN_DIR/vigie-app"
  step "session $WD_SID"

  poll 30 "the Now view to show \"$title\" and its latest update" now_shows "$title" "$latest"
  step "Now: incident title and latest update shown"

  poll 15 "the Now view to show the hostile title as text" now_shows "$evil" "$latest"
  inert_markup
  step "Now: hostile title shown as text, no <img>, document.title intact"

  wd_click '#tab-history'
  poll 20 "the History view to list the incident and its $(wc -l <"$WORK/updates.txt") updates" \
    history_lists "$title"
  inert_markup
  step "History: incident and all its updates listed"

  wd_click '#tab-settings'
  poll 15 "the Settings form" wd_find '#interval' >/dev/null
  wd_click '#interval option[value="300"]'
  wd_click '#threshold option[value="major_outage"]'
  [ "$(wd_exec 'return [document.getElementById("interval").value, document.getElementById("threshold").value].join(" ")')" = '"300 major_outage"' ] ||
    fail "the Settings selects did not take the new values"
  wd_click 'form.settings button[type="submit"]'
  poll 10 "the Settings view to say it saved" wd_find 'form.settings .form-msg.ok' >/dev/null
  poll 5 "the config file to hold the new values" config_has "$config" \
    'interval = "5m"' 'threshold = "major_outage"' "$comment"
  step "Settings: interval 5m and threshold major_outage saved, comment kept"
  # The window told the tray, which read the file again (its poller now runs at 5 min).
  wait_log 10 "settings reloaded from $config"

  # Deleting the session closes the window (see docs/desktop-testing.md); the tray stays. Then
  # Quit the tray: nothing may outlive tauri-driver (window, WebKit children, WebKitWebDriver).
  wd_end_session
  poll 10 "the window process to exit once the session is deleted" no_scenario_app
  app_alive || fail "the tray exited with the window"
  step "session deleted, window process exited, tray still running"
  kill "$APP_PID"
  wait_app_exit 10
  wd_stop || fail "processes left running after the session was deleted and tauri-driver stopped"
  step "tauri-driver stopped, no process left"
}
# now_shows TITLE UPDATE: an incident with this title and latest update in the Now view, as
# rendered text (WebDriver's element text, not the DOM).
now_shows() {
  local titles updates
  titles=$(wd_texts '#panel-now li.incident .inc-head strong') || return 1
  updates=$(wd_texts '#panel-now li.incident .latest .update-text') || return 1
  grep -qxF -- "$1" <<<"$titles" && grep -qxF -- "$2" <<<"$updates"
}
# history_lists TITLE: the History list has the incident with every update of the fixture
# (inside a closed <details>, so read from the DOM).
history_lists() {
  local got
  got=$(wd_exec 'const li = [...document.querySelectorAll("#history-list li.hist")]
      .find((e) => e.querySelector(".inc-head strong")?.textContent === arguments[0]);
    return li ? [...li.querySelectorAll(".timeline .update-text")].map((p) => p.textContent) : [];' "$1") ||
    return 1
  [ "$(jq -r '.[]' <<<"$got" | sort)" = "$(sort "$WORK/updates.txt")" ]
}
# The hostile title's onerror never ran and no <img> was made from it.
inert_markup() {
  local r
  r=$(wd_exec 'return {title: document.title,
      imgs: document.querySelectorAll("#panel-now ul.incidents img, #history-list img").length}') ||
    fail "script: $WD_ERR"
  [ "$(jq -r .title <<<"$r")" != pwned ] || fail "hostile markup ran: document.title is 'pwned'"
  [ "$(jq -r .imgs <<<"$r")" -eq 0 ] || fail "hostile markup made <img> elements: $r"
}
no_scenario_app() {
  local p
  for p in $(scenario_pids); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" != vigie-app ] || return 1
  done
}
# config_has FILE LINE...: every LINE is a whole line of FILE.
config_has() {
  local f=$1 l
  shift
  for l in "$@"; do
    grep -qxF -- "$l" "$f" || return 1
  done
}

inner() {
  local name=$1
  WORK=$2
  ART=$3 # screenshots (lib.sh)
  export WORK ART
  # shellcheck source=SCRIPTDIR/lib.sh
  source "$ROOT/tests/e2e/lib.sh"
  trap cleanup EXIT
  trap 'exit 1' TERM INT
  [ "$name" != sni ] || TRAY_HOST=sni
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
    echo "unknown scenario: $s (known: ${SCENARIOS[*]})" >&2
    exit 2
  }
done

# Same profile as the Makefile, so `make test` does not rebuild with debug info.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
cargo build --quiet -p vigie-app -p vigie-tray -p vigie-testkit
[ -f "$ROOT/ui/dist/index.html" ] || echo "warning: ui/dist is missing (run make ui)" >&2

ARTIFACTS="${CARGO_TARGET_DIR:-$ROOT/target}/e2e-artifacts"
mkdir -p "$ARTIFACTS"
passed=0
failed=0
for s in "${SCENARIOS[@]}"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-e2e-$s.XXXXXX")
  art="$ARTIFACTS/$s"
  rm -rf "$art"
  mkdir -p "$art"
  retried=""
  while :; do
    rc=0
    # timeout signals its whole process group, so nothing of the scenario outlives the budget.
    timeout -k 10 "$SCENARIO_TIMEOUT" \
      xvfb-run -a -s "-screen 0 1280x800x24" \
      dbus-run-session -- bash "$ROOT/tests/e2e/run.sh" --inner "$s" "$work" "$art" \
      >"$art/steps.log" 2>&1 || rc=$?
    # 75: the scenario lost something outside the app (a WebDriver session WebKitWebDriver
    # dropped); one more run in a fresh work dir, the first run's log kept.
    if [ "$rc" -ne 75 ] || [ -n "$retried" ]; then
      break
    fi
    retried=$(head -n1 "$work/retry-reason" 2>/dev/null || true)
    echo "RETRY $s (once): ${retried:-session lost}"
    mv "$art/steps.log" "$art/steps-first-run.log"
    rm -rf "$work"
    work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-e2e-$s.XXXXXX")
  done
  if [ "$rc" -eq 0 ]; then
    echo "PASS $s${retried:+ (after one retry)}"
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
    echo "  --- app log (last 20 lines)"
    tail -n 20 "$work/xdg/state/vigie/vigie.log" 2>/dev/null | sed 's/^/  | /' || true
    echo "  --- notify log (Notify calls)"
    grep -A5 'member=Notify' "$work/notify.log" 2>/dev/null | grep -E 'member=Notify|^   string' | sed 's/^/  | /' || true
    cp "$work"/app*.err "$work/notify.log" "$work/config.toml" "$work"/xdg/state/vigie/vigie.log* "$art/" 2>/dev/null || true
    echo "  artifacts: $art"
  fi
  rm -rf "$work"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
