#!/usr/bin/env bash
# A real offline network. `vigie watch` runs inside its own network namespace; two status pages
# (two hosts, for the offline vote) answer on the other side of a veth pair. The link is taken
# down for at least 10 poll cycles, so every fetch fails with a real "network unreachable", not a
# refused port, then brought back. Checked:
#   * no event at all (so no notification: the tray notifies only from events);
#   * while down, the stored state reads offline, each service's last status kept, marked stale;
#   * the namespace really tried: its kernel counted >= 10 cycles of unroutable connections;
#   * when the link returns, exactly one refresh: each page fetched once, then the normal interval.
# Where namespaces are not permitted (not root, no iproute2, a sandbox), it says SKIP and why.
#
#   tests/netns/offline.sh          (needs `cargo build -p vigie-cli`)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VIGIE="${CARGO_TARGET_DIR:-$ROOT/target}/debug/vigie"
FIX="$ROOT/tests/fixtures/statuspage"
NS="vigie-off-$$"
HOST_IF="vgh$$"
NS_IF="vgn$$"
NET=10.213.7
INTERVAL=3
DOWN_SECS=34

skip() { echo "SKIP netns-offline: $*"; exit 0; }
fail() { echo "FAIL netns-offline: $*" | head -c 2000; echo; [ -n "${WORK:-}" ] && tail -n 40 "$WORK"/*.log "$WORK/watch.err" 2>/dev/null; exit 1; }
step() { echo "  ok: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root to create a network namespace (ip netns)"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
[ -x "$VIGIE" ] || fail "$VIGIE missing: run cargo build -p vigie-cli first"
err=$(ip netns add "$NS" 2>&1) || skip "ip netns add was refused: $err"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ip link add "$HOST_IF" type veth peer name "$NS_IF" || skip "veth pairs are not permitted here"
ip link set "$NS_IF" netns "$NS"
ip addr add "$NET.1/24" dev "$HOST_IF"
ip link set "$HOST_IF" up
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" ip addr add "$NET.2/24" dev "$NS_IF"
ip netns exec "$NS" ip link set "$NS_IF" up

# Two real HTTP servers on the host side, serving recorded pages: GitHub with Packages in partial
# outage, and Claude all operational.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
serve() { # name fixture
  mkdir -p "$WORK/$1/api/v2"
  cp "$FIX/$2" "$WORK/$1/api/v2/summary.json"
  local port; port=$(free_port)
  python3 -m http.server --bind "$NET.1" "$port" --directory "$WORK/$1" 2>"$WORK/$1.log" >/dev/null &
  PIDS+=($!)
  echo "$port"
}
PA=$(serve a github-summary-minor-packages-partial-outage-2022-11-25.json)
PB=$(serve b claude-summary-all-operational-6-components-2026-09-03.json)
hits() { grep -c 'GET /api/v2/summary.json' "$WORK/$1.log" 2>/dev/null || true; }

cat >"$WORK/config.toml" <<TOML
catalog = []
interval = "${INTERVAL}s"
timeout = "2s"
[[service]]
id = "github"
name = "GitHub"
kind = "statuspage"
url = "http://$NET.1:$PA"
[[service]]
id = "claude"
name = "Claude"
kind = "statuspage"
url = "http://$NET.1:$PB"
TOML
in_ns() { ip netns exec "$NS" env VIGIE_CONFIG="$WORK/config.toml" VIGIE_DATA_DIR="$WORK/data" "$@"; }

# exec, so that $! is vigie itself: a backgrounded shell function is a subshell, and killing it
# alone left `vigie watch` running for good in the deleted namespace.
(exec ip netns exec "$NS" env VIGIE_CONFIG="$WORK/config.toml" VIGIE_DATA_DIR="$WORK/data" \
  "$VIGIE" watch --json >"$WORK/events.jsonl" 2>"$WORK/watch.err") &
WATCH=$!
PIDS+=("$WATCH")

wait_for() { # seconds what command...
  local until=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$until" ] || fail "timed out waiting for $what"
    sleep 0.1
  done
}
both_read() { [ "$(hits a)" -ge 2 ] && [ "$(hits b)" -ge 2 ]; }
wait_for 20 "two readings of both pages" both_read
step "watching GitHub and Claude from inside namespace $NS"

# The namespace's count of connections refused for want of a route (Ip: OutNoRoutes).
no_route() { ip netns exec "$NS" awk '/^Ip:/ { if (seen) { for (i = 1; i <= NF; i++) if (name[i] == "OutNoRoutes") print $i } else { split($0, name); seen = 1 } }' /proc/net/snmp; }
before_nr=$(no_route)
ip netns exec "$NS" ip link set "$NS_IF" down
# A request already on the wire when the link went down still reaches its server, which logs it
# only once it has answered: count the pages' reads after that has settled, not before the cut.
sleep 1
before_a=$(hits a); before_b=$(hits b)
sleep "$((DOWN_SECS - 1))"
tries=$(( $(no_route) - before_nr ))
# Each cycle tries both hosts once (history too, at its slower pace): two unroutable connects.
cycles=$((tries / 2))
[ "$cycles" -ge 10 ] || fail "only $tries unroutable connections in ${DOWN_SECS}s: fewer than 10 cycles"
[ "$(hits a)" = "$before_a" ] && [ "$(hits b)" = "$before_b" ] || fail "pages were reached with the link down"
step "link down ${DOWN_SECS}s: $tries unroutable connections (~$cycles cycles at ${INTERVAL}s)"

[ ! -s "$WORK/events.jsonl" ] || fail "events while offline: $(head -c 400 "$WORK/events.jsonl")"
step "no event, so no notification"

in_ns "$VIGIE" status --json >"$WORK/status.json" || fail "vigie status failed"
python3 - "$WORK/status.json" <<'PY' || fail "the stored state does not read offline: $(cat "$WORK/status.json")"
import json, sys
snap = json.load(open(sys.argv[1]))
by = {s["id"]: s for s in snap["services"]}
assert by["github"]["status"] == "partial_outage", by["github"]
assert by["claude"]["status"] == "operational", by["claude"]
for s in by.values():
    assert s["stale"] and not s["reachable"], s
    assert "offline" in (s["error"] or ""), s
PY
step "stored state: offline, last statuses kept (partial outage, operational), stale"

up_a=$(hits a); up_b=$(hits b); up_at=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
ip netns exec "$NS" ip link set "$NS_IF" up
back() { [ "$(hits a)" -gt "$up_a" ] || [ "$(hits b)" -gt "$up_b" ]; }
wait_for $((INTERVAL * 3)) "a refresh after the link came back" back
# One refresh reads both pages at once; a storm would read them again within the interval (GitHub,
# with an open incident, is polled every half interval: 1.5 s).
sleep 1.0
ra=$(( $(hits a) - up_a )); rb=$(( $(hits b) - up_b ))
[ "$ra" = 1 ] && [ "$rb" = 1 ] || fail "after the link came back: $ra reads of GitHub, $rb of Claude in the first second (want 1 and 1)"
step "link up: exactly one refresh (each page read once)"

sleep "$INTERVAL"
[ ! -s "$WORK/events.jsonl" ] || fail "events after the link came back (same statuses: no news): $(head -c 400 "$WORK/events.jsonl")"
in_ns "$VIGIE" status --json >"$WORK/status.json"
# (`vigie status` marks every stored state stale: it did not look itself. Fresh = read again.)
python3 - "$WORK/status.json" "$up_at" <<'PY' || fail "not read again: $(cat "$WORK/status.json")"
import json, sys
from datetime import datetime
up = datetime.fromisoformat(sys.argv[2])
for s in json.load(open(sys.argv[1]))["services"]:
    assert s["reachable"] and s["error"] is None, s
    assert datetime.fromisoformat(s["fetched_at"][:19] + "+00:00") >= up.replace(microsecond=0), s
PY
step "fresh again, no news"
# Nothing of this test outlives it (its config names every process it started in the namespace).
kill "$WATCH" 2>/dev/null || true
none_left() { ! grep -qzxF "VIGIE_CONFIG=$WORK/config.toml" /proc/[0-9]*/environ 2>/dev/null; }
wait_for 5 "vigie watch to end when stopped" none_left
step "vigie watch ended when stopped"
echo "PASS netns-offline"
