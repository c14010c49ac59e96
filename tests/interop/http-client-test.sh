#!/usr/bin/env bash
# Our HTTP client transport (through mcp-example-client, ASan build by
# default) against servers written with the official TypeScript SDK:
#   - http-legacy-server.mjs: HTTP+SSE only (SSEServerTransport, protocol
#     2024-11-05); reached by falling back from Streamable HTTP, and by
#     --legacy-sse; --no-fallback must fail with a clear error;
#   - http-streamable-server.mjs: stateful Streamable HTTP
#     (StreamableHTTPServerTransport) with SSE replies (/mcp) and JSON replies
#     (/json): sessions, custom headers and bearer token seen by the server,
#     a dropped SSE stream resumed with Last-Event-ID, DELETE at the end.
#
# Usage: tests/interop/http-client-test.sh [CLIENT]
#   CLIENT defaults to <repo>/build/asan/mcp-example-client.
# Prints `PASS http-client: <server>/<check>` or `FAIL ...: <why>` per check,
# then `N passed, N failed`. Logs under ${CONFORMANCE_OUT:-build/interop}/http-client.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" http-client

case "${1:-}" in -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
client=${1:-$build/asan/mcp-example-client}
out=${CONFORMANCE_OUT:-$root/build/interop}/http-client

[ -x "$client" ] || interop_setup_fail "$client not built; run 'make'"
"$here/setup.sh" >&2 || interop_setup_fail "tests/interop/setup.sh failed"
interop_find_node bundled
rm -rf "$out"
mkdir -p "$out"

pass=0
fail=0
n=0
ok() { echo "PASS http-client: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL http-client: $1: $2"; fail=$((fail + 1)); }

# run NAME WANT_RC WANT -- ARGS...: the client exits WANT_RC and its stdout
# (stderr when WANT_RC is not 0) contains WANT; no sanitizer report.
run() {
  local name=$1 want_rc=$2 want=$3; shift 4
  local log="$out/$((++n))" rc where
  timeout -k 5 60 "$client" "$@" >"$log.out" 2>"$log.err"
  rc=$?
  where="$log.out"; [ "$want_rc" -ne 0 ] && where="$log.err"
  if [ $rc -ne "$want_rc" ]; then
    ko "$name" "exit $rc, expected $want_rc: $(head -c 300 "$log.err" | tr '\n' ' ')"
  elif ! grep -qF -- "$want" "$where"; then
    ko "$name" "output lacks '$want' (got: $(head -c 300 "$where" | tr '\n' ' '))"
  elif grep -qE 'Sanitizer|runtime error' "$log.err"; then
    ko "$name" "sanitizer report in $log.err"
  else
    ok "$name"
  fi
}

free_port() {
  "$node" -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  pids=()
}
trap stop_all EXIT

# start SCRIPT PORT LOG: run a Node server and wait until it listens.
start() {
  local script=$1 port=$2 log=$3 deadline=$((SECONDS + 15))
  "$node" "$here/$script" "127.0.0.1:$port" </dev/null >"$log" 2>&1 &
  pids+=($!)
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "${pids[-1]}" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      ko "$script/start" "not listening on $port: $(tail -n 5 "$log" | tr '\n' ' ')"
      return 1
    fi
    sleep 0.1
  done
}

# count LOG PATTERN: lines of LOG matching the extended regex PATTERN.
count() { grep -cE -- "$2" "$1"; }

# wait_for LOG PATTERN N: until LOG has N lines matching (5 s at most).
wait_for() {
  local i
  for i in $(seq 1 50); do
    [ "$(count "$1" "$2")" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

# HTTP+SSE (2024-11-05) ------------------------------------------------------
port=$(free_port)
llog="$out/legacy-server.log"
if start http-legacy-server.mjs "$port" "$llog"; then
  url="http://127.0.0.1:$port/sse"
  run legacy/fallback-info 0 "transport: http+sse (2024-11-05)" -- --url "$url" info
  run legacy/fallback-tools 0 "add  Adds two numbers" -- --url "$url" tools
  run legacy/fallback-call-add 0 "sum: 42" -- --url "$url" call add '{"a":2,"b":40}'
  run legacy/fallback-call-echo 0 "echo: hi there" -- --url "$url" call echo '{"message":"hi there"}'
  run legacy/explicit-call 0 "echo: explicit" -- --legacy-sse --url "$url" call echo '{"message":"explicit"}'
  run legacy/explicit-json 0 '"sum: 3"' -- --legacy-sse --json --url "$url" call add '{"a":1,"b":2}'
  run legacy/unknown-tool-exit-1 1 "tool nope reported an error" -- --url "$url" call nope
  run legacy/no-fallback-fails 3 "returned HTTP 404: Cannot POST /sse" -- --no-fallback --url "$url" tools
  # Every session the client opened it also closed (the stream ended).
  opened=$(count "$llog" 'session .* opened')
  if [ "$opened" -eq 7 ] && wait_for "$llog" 'session .* closed' 7; then
    ok legacy/every-stream-closed
  else
    ko legacy/every-stream-closed "$opened opened, $(count "$llog" 'session .* closed') closed, expected 7 and 7 (log: $llog)"
  fi
  if grep -qE 'http-legacy-server: .*Error' "$llog"; then
    ko legacy/server-errors "the server logged errors: $(grep -m1 Error "$llog")"
  else
    ok legacy/server-errors
  fi
fi
stop_all

# Streamable HTTP (stateful, SSE and JSON replies) --------------------------
port=$(free_port)
slog="$out/streamable-server.log"
if start http-streamable-server.mjs "$port" "$slog"; then
  base="http://127.0.0.1:$port"
  run streamable/info 0 "transport: streamable http" -- --url "$base/mcp" info
  run streamable/headers 0 "sum: 5" -- --header 'X-Trip: barcelona' --bearer sekrit --url "$base/mcp" call add '{"a":2,"b":3}'
  if grep -qF '/mcp initialize authorization=Bearer sekrit x-trip=barcelona' "$slog"; then
    ok streamable/headers-seen-by-server
  else
    ko streamable/headers-seen-by-server "no initialize with the bearer token and X-Trip in $slog"
  fi
  run streamable/sse-tools 0 "drop  Closes its SSE stream" -- --url "$base/mcp" tools
  run streamable/sse-call 0 "echo: over sse" -- --url "$base/mcp" call echo '{"message":"over sse"}'
  run streamable/sse-resumed 0 "answered after the stream was dropped" -- --url "$base/mcp" call drop
  if [ "$(count "$slog" '^/mcp GET resumes after ')" -ge 1 ]; then
    ok streamable/resumed-with-last-event-id
  else
    ko streamable/resumed-with-last-event-id "the server saw no GET with Last-Event-ID ($slog)"
  fi
  run streamable/json-call 0 "sum: 42" -- --url "$base/json" call add '{"a":40,"b":2}'
  run streamable/json-tools 0 "echo" -- --url "$base/json" tools
  # Every session initialized was ended by DELETE.
  inits=$(count "$slog" 'session .* initialized')
  if [ "$inits" -eq 7 ] && wait_for "$slog" 'session .* deleted' 7; then
    ok streamable/every-session-deleted
  else
    ko streamable/every-session-deleted "$inits initialized, $(count "$slog" 'session .* deleted') deleted, expected 7 and 7 (log: $slog)"
  fi
fi
stop_all

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
