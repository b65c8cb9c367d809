# shellcheck shell=bash
# Helpers for tests/e2e/run.sh, sourced inside one scenario's private X display and session bus.
# Expects: ROOT, BIN_DIR, WORK (the scenario's temp dir), ART (its artifacts dir).
# Every wait is a bounded poll; a failed step calls `fail`, which exits the scenario non-zero.
# shellcheck disable=SC2034 # the constants and APP_RC are used by run.sh

FIXTURES="$ROOT/tests/fixtures/statuspage"
OPERATIONAL="$FIXTURES/claude-summary-all-operational-6-components-2026-09-03.json"
SUMMARY_PATH=/api/v2/summary.json

# Centre-pixel colours of the tray icon (crates/vigie-shell/src/icon.rs: IconState::color).
GREEN=2EB85C
RED=DC2626
GREY=8A8F98

# Exact notification summaries produced by crates/vigie-core/src/policy.rs for service "GitHub".
SUMMARY_MAJOR="GitHub: major outage"
SUMMARY_RECOVERED="GitHub: recovered"
# The same in French (crates/vigie-core/src/i18n.rs): a space before the colon.
SUMMARY_MAJOR_FR="GitHub : panne majeure"
SUMMARY_RECOVERED_FR="GitHub : rétabli"

PIDS=()     # background processes this scenario started, ended on exit
ON_EXIT=()  # functions run first on exit, last added first
APP_PID=""

step() { echo "  [$(date +%T.%N | cut -c1-12)] $*"; }

fail() {
  echo "  FAILED: $*" >&2
  exit 1
}

# poll SECONDS DESCRIPTION COMMAND...: retry COMMAND every 0.1 s until it succeeds or time is up.
poll() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      fail "timed out after ${secs}s waiting for: $what"
    fi
    sleep 0.1
  done
}

# --- session: tray host, notification monitor, fixture server -------------------------------

# TRAY_HOST=xembed (default): trayer docks the icon as an XEmbed window. TRAY_HOST=sni: the only
# host is tests/e2e/sni_watcher.py, a StatusNotifierWatcher on the session bus (no XEmbed tray).
start_session() {
  if [ "${TRAY_HOST:-xembed}" = sni ]; then
    mkdir -p "$WORK/sni"
    /usr/bin/python3 "$ROOT/tests/e2e/sni_watcher.py" "$WORK/sni" >"$WORK/sni.out" 2>"$WORK/sni.err" &
    PIDS+=($!)
    poll 10 "the StatusNotifierWatcher to own its name" grep -q '^watching' "$WORK/sni.out"
  else
    trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
      --transparent false --tint 0xffffff >"$WORK/trayer.log" 2>&1 &
    PIDS+=($!)
    poll 10 "trayer to own the system tray" "$ROOT/tests/e2e/xhelper.py" tray-ready
  fi
  # Notify calls show up here even with no notification server running.
  dbus-monitor --session "interface=org.freedesktop.Notifications,member=Notify" \
    >"$WORK/notify.log" 2>&1 &
  PIDS+=($!)
  "$BIN_DIR/vigie-fixture-server" --port 0 >"$WORK/fixture.out" 2>"$WORK/fixture.err" &
  PIDS+=($!)
  poll 10 "dbus-monitor to start" grep -q NameAcquired "$WORK/notify.log"
  poll 10 "the fixture server to listen" grep -q '^listening on ' "$WORK/fixture.out"
  BASE=$(sed -n 's/^listening on //p' "$WORK/fixture.out" | head -n1)
  write_config "$WORK/config.toml"
}

# One Statuspage service on the fixture server; 1 s interval (loopback is exempt from the floor).
write_config() {
  cat >"$1" <<EOF
catalog = []
interval = "1s"

[[service]]
id = "github"
name = "GitHub"
kind = "statuspage"
url = "$BASE"
EOF
}

# A major-outage summary: the operational page with indicator critical and one component down.
write_major() {
  jq '.status = {"indicator": "critical", "description": "Major System Outage"}
      | .components[2].status = "major_outage"' "$OPERATIONAL" >"$1"
}

# --- fixture server control (crates/vigie-testkit/src/lib.rs) ---------------------------------

# serve FILE [QUERY]: answer FILE on the summary path (extra route options in QUERY, e.g. delay_ms=N).
serve() {
  curl -fsS -m 5 -X PUT --data-binary "@$1" \
    "$BASE/_control/route?path=$SUMMARY_PATH${2:+&$2}" >/dev/null || fail "cannot set the route"
}

# server_down SECS: connections refused for SECS seconds (answers once the listener is closed).
server_down() {
  curl -fsS -m 10 -X POST "$BASE/_control/down?secs=$1" >/dev/null || fail "cannot take the server down"
}

# serve_at PATH FILE: answer FILE on PATH (a second page on the same server, e.g. /other/api/...).
serve_at() {
  curl -fsS -m 5 -X PUT --data-binary "@$2" "$BASE/_control/route?path=$1" >/dev/null ||
    fail "cannot set the route $1"
}

hits() { curl -fsS -m 5 "$BASE/_control/hits?path=$SUMMARY_PATH" | tr -d '[:space:]'; }

# wait_polls N: wait until the app has fetched the page N more times (N more poll cycles).
wait_polls() {
  local target=$(($(hits) + $1))
  poll $((5 + 3 * $1)) "$1 more poll(s) of the page" hits_at_least "$target"
}
hits_at_least() { (($(hits) >= $1)); }

# --- the app ---------------------------------------------------------------------------------

# Environment of every app process: temp config and data, and XDG dirs so WebKit, autostart
# and friends write under the scenario's temp dir instead of the user's home. The log goes to
# the default place under XDG_STATE_HOME (no VIGIE_LOG_DIR): that path is what is checked.
app_env() {
  APP_ENV=(VIGIE_CONFIG="$WORK/config.toml" VIGIE_DATA_DIR="$WORK/data"
    XDG_DATA_HOME="$WORK/xdg/data" XDG_CONFIG_HOME="$WORK/xdg/config"
    XDG_CACHE_HOME="$WORK/xdg/cache" XDG_STATE_HOME="$WORK/xdg/state")
}
APP_LOG_REL=xdg/state/vigie/vigie.log

# log_has TEXT: the app's log file has a line containing TEXT.
log_has() { grep -qF -- "$1" "$WORK/$APP_LOG_REL" 2>/dev/null; }

# wait_log SECONDS TEXT: wait for TEXT in the app's log file.
wait_log() {
  poll "$1" "the log $APP_LOG_REL to say \"$2\"" log_has "$2"
  step "log: $(grep -F -- "$2" "$WORK/$APP_LOG_REL" | tail -n1 | cut -c1-160)"
}

# The always-on process: the tray. `env` execs it, so $! is its own pid (the history window,
# vigie-app, is its child, and WebKit's processes are the window's children).
# start_app [VAR=VALUE...]: extra environment, e.g. a locale.
start_app() {
  app_env
  env "${APP_ENV[@]}" "$@" "$BIN_DIR/vigie-tray" >>"$WORK/app.out" 2>>"$WORK/app.err" &
  APP_PID=$!
  PIDS+=("$APP_PID")
}

app_alive() { kill -0 "$APP_PID" 2>/dev/null; }

# wait_app_exit SECONDS: wait for the app to end; sets APP_RC.
wait_app_exit() {
  poll "$1" "the app to exit" app_gone
  APP_RC=0
  wait "$APP_PID" || APP_RC=$?
}
app_gone() { ! app_alive; }

icon_window() { xdotool search --classname tray-icon 2>/dev/null | head -n1; }
has_icon() { [ -n "$(icon_window)" ]; }

# The tray icon's centre on screen as "X Y" (fails when there is no icon).
icon_centre() {
  local win
  win=$(icon_window)
  [ -n "$win" ] || return 1
  xdotool getwindowgeometry --shell "$win" |
    awk -F= '{ v[$1] = $2 } END { if (!("X" in v)) exit 1; print v["X"] + int(v["WIDTH"] / 2), v["Y"] + int(v["HEIGHT"] / 2) }'
}

# The tray icon's centre pixel as RRGGBB (empty when there is no icon).
icon_color() {
  local x y
  read -r x y < <(icon_centre) || return 0
  import -window root "$WORK/shot.png" 2>/dev/null || return 0
  /usr/bin/convert "$WORK/shot.png" -crop "1x1+$x+$y" txt:- 2>/dev/null |
    sed -n 's/.*#\([0-9A-Fa-f]\{6\}\).*/\1/p' | head -n1
}

icon_is() {
  LAST_COLOR=$(icon_color)
  [ "$LAST_COLOR" = "$1" ]
}

# wait_color RRGGBB SECONDS NAME
wait_color() {
  poll "$2" "the icon to turn $3 (#$1)" icon_is "$1"
  step "icon is $3"
}

# --- the tray menu (keyboard-driven: GTK skips the disabled status lines) ---------------------

open_menu() {
  local x y
  read -r x y < <(icon_centre) || fail "no tray icon to click"
  xdotool mousemove "$x" "$y" click 1
  poll 5 "the tray menu to open" menu_is_open
}
# A GTK popup menu is a visible window of class vigie-tray (the tray icon's own window has the
# class tray-icon).
menu_is_open() { xdotool search --onlyvisible --classname '^vigie-tray$' >/dev/null 2>&1; }

# menu_pick KEYS...: open the menu and press KEYS (e.g. Down Return), screenshot kept for review.
menu_pick() {
  open_menu
  sleep 0.2 # let GTK finish mapping the menu before keys arrive
  xdotool key --delay 80 "${@:1:$#-1}"
  import -window root "$ART/menu-$(date +%s%N).png" 2>/dev/null || true
  xdotool key "${*: -1}"
}

# --- notifications ---------------------------------------------------------------------------

# Summaries of the Notify calls seen so far, one per line (the 4th argument: app, id, icon, summary).
notify_summaries() {
  awk '/member=Notify/ { n = 0; inside = 1; next }
       inside && /^   string "/ { n++; if (n == 3) { s = $0; sub(/^   string "/, "", s); sub(/"$/, "", s); print s; inside = 0 } }' \
    "$WORK/notify.log"
}
notify_count() { notify_summaries | grep -c . || true; }

# expect_notices SUMMARY...: the exact list of notifications so far.
expect_notices() {
  local want got
  want=$(printf '%s\n' "$@" | grep . || true)
  got=$(notify_summaries)
  [ "$got" = "$want" ] || fail "notifications: expected [${want//$'\n'/ | }], got [${got//$'\n'/ | }]"
}
notices_are() {
  local want
  want=$(printf '%s\n' "$@" | grep . || true)
  [ "$(notify_summaries)" = "$want" ]
}

# wait_notices SECONDS SUMMARY...: wait until exactly these have been sent.
wait_notices() {
  local secs=$1
  shift
  poll "$secs" "notifications [$*]" notices_are "$@"
  step "notifications so far: [$*]"
}

# --- teardown --------------------------------------------------------------------------------

cleanup() {
  local rc=$?
  # A scenario that wrote why it may be retried (e.g. a WebDriver session dropped by the driver)
  # exits 75 (EX_TEMPFAIL): run.sh then runs it once more.
  if ((rc != 0)) && [ -s "$WORK/retry-reason" ]; then
    rc=75
  fi
  if ((rc != 0)); then
    import -window root "$ART/failure.png" 2>/dev/null || true
  fi
  # Scenario-specific teardown first (e.g. the WebDriver session), then the processes.
  local i
  for ((i = ${#ON_EXIT[@]} - 1; i >= 0; i--)); do
    "${ON_EXIT[i]}" || true
  done
  # Only what this scenario started, youngest first (the app before the server it polls).
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  exit "$rc"
}

# PID and all its descendants (the history window runs in a child process of the app, and WebKit's
# processes are children of that), from the ppid field of /proc/*/stat. comm may hold spaces and
# parentheses, so the fields are counted after the last ") ".
descendants() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    { pid = $1; rest = $0; sub(/.*\) /, "", rest); split(rest, f, " "); parent[pid] = f[2] }
    END {
      keep[root] = 1; print root
      do { added = 0
        for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; added = 1 }
      } while (added)
    }'
}
# The processes under the tray but the tray itself: the window process and WebKit's, while a
# window is open.
window_pids() { descendants "$APP_PID" | grep -vx "$APP_PID" || true; }
# None of these PIDs runs any more, whoever its parent is now: a process that outlives its parent
# is reparented away from the tray, so counting the tray's descendants would miss it. (An exited
# process not yet reaped, state Z, counts as gone.)
all_gone() {
  local p state
  for p in "$@"; do
    state=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    [ "${state%% *}" = Z ] || return 1
  done
}
# How many processes named $2 (comm, truncated to 15 characters) descend from PID $1.
count_descendants_named() {
  local n=0 p
  for p in $(descendants "$1"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && n=$((n + 1))
  done
  echo "$n"
}
