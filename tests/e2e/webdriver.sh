# shellcheck shell=bash
# A minimal W3C WebDriver client (curl + jq) for the `webdriver` scenario of tests/e2e/run.sh:
# tauri-driver in front of Debian's WebKitWebDriver, driving the real app binary.
# Sourced after lib.sh, inside the scenario's display and bus. Every request has a time limit:
# a wedged WebKitWebDriver must cost seconds, not the whole scenario budget.

WD_URL=""  # http://127.0.0.1:PORT of tauri-driver
WD_SID=""  # the session id, empty when there is none
WD_PID=""  # tauri-driver's pid
WD_ERR=""  # the last WebDriver error (error: message)

# A lost session (not a failed check) is worth one retry: the reason goes to retry-reason, which
# makes the scenario exit 75 (lib.sh cleanup). Called in $(...) too, so the scenario's shell is
# signalled rather than left to wait out its polls.
wd_lost() {
  echo "  SESSION LOST: $*" >&2
  echo "$*" >>"$WORK/retry-reason"
  kill -TERM $$
  exit 1
}

# A free TCP port on loopback (another tauri-driver may hold the default 4444 on a shared box).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_tauri_driver ENV...: tauri-driver (and the WebKitWebDriver it spawns, and the app that
# spawns) with these variables; waits until it answers /status.
start_tauri_driver() {
  local port native
  port=$(free_port)
  native=$(free_port)
  command -v tauri-driver >/dev/null || fail "tauri-driver not on PATH (run scripts/install-deps.sh)"
  command -v WebKitWebDriver >/dev/null || fail "WebKitWebDriver not on PATH (apt: webkit2gtk-driver)"
  env "$@" tauri-driver --port "$port" --native-port "$native" \
    >"$WORK/tauri-driver.out" 2>"$WORK/tauri-driver.err" &
  WD_PID=$!
  PIDS+=("$WD_PID")
  WD_URL="http://127.0.0.1:$port"
  ON_EXIT+=(wd_stop)
  poll 15 "tauri-driver to answer on port $port" curl -fs -m 2 -o /dev/null "$WD_URL/status"
  step "tauri-driver on port $port (native $native)"
}

# wd METHOD PATH [JSON]: one request on the session (PATH after /session/ID); the reply's .value
# on stdout. A WebDriver error returns 1 with WD_ERR set; a lost session or a dead or silent
# driver exits the scenario with WD_LOST.
wd() {
  local method=$1 path=$2 body=${3:-} reply err
  [ -n "$WD_SID" ] || fail "no WebDriver session"
  if [ -n "$body" ]; then
    reply=$(curl -sS -m 20 -X "$method" -H 'Content-Type: application/json' --data-binary "$body" \
      "$WD_URL/session/$WD_SID$path" 2>&1) || wd_lost "$method $path: $reply"
  else
    reply=$(curl -sS -m 20 -X "$method" "$WD_URL/session/$WD_SID$path" 2>&1) ||
      wd_lost "$method $path: $reply"
  fi
  err=$(jq -r '.value.error? // empty' <<<"$reply" 2>/dev/null) ||
    wd_lost "$method $path: not JSON: ${reply:0:200}"
  if [ -n "$err" ]; then
    WD_ERR="$err: $(jq -r '.value.message // ""' <<<"$reply" | head -n1)"
    case $err in
    "invalid session id" | "session not created") wd_lost "$method $path: $WD_ERR" ;;
    esac
    return 1
  fi
  jq -c '.value' <<<"$reply"
}

# wd_new_session BINARY: a session whose browser is the app binary (tauri-driver launches it).
wd_new_session() {
  local caps reply
  caps=$(jq -cn --arg app "$1" '{capabilities: {alwaysMatch: {"tauri:options": {application: $app}}}}')
  reply=$(curl -sS -m 60 -X POST -H 'Content-Type: application/json' --data-binary "$caps" \
    "$WD_URL/session" 2>&1) || wd_lost "new session: $reply"
  WD_SID=$(jq -r '.value.sessionId // empty' <<<"$reply" 2>/dev/null) || true
  [ -n "$WD_SID" ] || wd_lost "new session: ${reply:0:300}"
}

# Deleting the session makes WebKitWebDriver close the app.
wd_end_session() {
  [ -n "$WD_SID" ] || return 0
  local reply
  reply=$(curl -sS -m 15 -X DELETE "$WD_URL/session/$WD_SID" 2>&1) || true
  WD_SID=""
  [ "$reply" = '{"value":null}' ] || echo "  session delete answered: ${reply:0:200}" >&2
}

# wd_exec SCRIPT [ARG...]: run SCRIPT (a function body; string arguments) in the page, print
# its JSON result.
wd_exec() {
  local script=$1 body
  shift
  body=$(jq -cn --arg s "$script" '{script: $s, args: $ARGS.positional}' --args "$@")
  wd POST /execute/sync "$body"
}

# wd_find CSS: the element id of the first match (returns 1 when there is none).
wd_find() {
  local v
  v=$(wd POST /element "$(jq -cn --arg c "$1" '{using: "css selector", value: $c}')") || return 1
  jq -r 'to_entries[0].value' <<<"$v"
}

# wd_texts CSS: the rendered text of every match, one per line (1 if an element went stale).
wd_texts() {
  local list id
  list=$(wd POST /elements "$(jq -cn --arg c "$1" '{using: "css selector", value: $c}')") || return 1
  for id in $(jq -r '.[] | to_entries[0].value' <<<"$list"); do
    wd GET "/element/$id/text" | jq -r . || return 1
  done
}

# wd_click CSS: click the first match.
wd_click() {
  local id
  id=$(wd_find "$1") || fail "no element $1 to click ($WD_ERR)"
  wd POST "/element/$id/click" '{}' >/dev/null || fail "click on $1: $WD_ERR"
}

# Pids of every process started with this scenario's config: tauri-driver, WebKitWebDriver,
# the app and its WebKit children all inherit VIGIE_CONFIG from tauri-driver's environment.
scenario_pids() {
  local f
  for f in /proc/[0-9]*/environ; do
    if grep -qzxF "VIGIE_CONFIG=$WORK/config.toml" "$f" 2>/dev/null; then
      f=${f#/proc/}
      echo "${f%/environ}"
    fi
  done
}
no_scenario_process() { [ -z "$(scenario_pids)" ]; }

# wd_stop: delete the session (WebKitWebDriver closes the app), stop tauri-driver (it ends
# WebKitWebDriver) and wait for both; whatever still runs with this scenario's config after 10 s
# is killed, and wd_stop returns 1. Also the exit hook, so a failed check leaves nothing behind.
wd_stop() {
  local p deadline=$((SECONDS + 10))
  wd_end_session
  if [ -n "$WD_PID" ]; then
    kill "$WD_PID" 2>/dev/null || true
    wait "$WD_PID" 2>/dev/null || true
    WD_PID=""
  fi
  while ! no_scenario_process; do
    if ((SECONDS >= deadline)); then
      for p in $(scenario_pids); do
        echo "  left running: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
        kill "$p" 2>/dev/null || true
      done
      return 1
    fi
    sleep 0.1
  done
}
