#!/usr/bin/env bash
# Our client (mcp-example-client, ASan build by default) against the official
# @modelcontextprotocol/server-everything (pinned in tests/interop/package.json,
# installed by setup.sh), over stdio and over Streamable HTTP.
#
# Usage: tests/interop/client-everything.sh [CLIENT]
#   CLIENT defaults to <repo>/build/asan/mcp-example-client.
#
# Prints `PASS client-everything: <transport>/<check>` or
# `FAIL client-everything: <transport>/<check>: <why>` per check, then
# `N passed, N failed`. Environment: CLIENT_EVERYTHING_START_TIMEOUT (seconds
# to wait for the HTTP server, default 15), CONFORMANCE_OUT (log dir parent,
# default <repo>/build/interop).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

case "${1:-}" in -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
client=${1:-$root/build/asan/mcp-example-client}
start_timeout=${CLIENT_EVERYTHING_START_TIMEOUT:-15}
out=${CONFORMANCE_OUT:-$root/build/interop}/client-everything
server="$here/node_modules/@modelcontextprotocol/server-everything/dist/index.js"

[ -x "$client" ] || { echo "FAIL client-everything: setup: $client not built; run 'make'"; echo "0 passed, 1 failed"; exit 1; }
"$here/setup.sh" >&2 || { echo "FAIL client-everything: setup: tests/interop/setup.sh failed"; echo "0 passed, 1 failed"; exit 1; }
command -v node >/dev/null || { echo "FAIL client-everything: setup: node not found"; echo "0 passed, 1 failed"; exit 1; }
rm -rf "$out"
mkdir -p "$out"

pass=0
fail=0
n=0
# check TRANSPORT NAME WANT -- CLIENT ARGS...: the client must exit 0 and its
# stdout contain WANT (a fixed string; empty: any output).
check() {
  local tr=$1 name=$2 want=$3; shift 4
  local log="$out/$tr-$((++n)).log" rc
  timeout -k 5 60 "$client" "${conn[@]}" "$@" >"$log.out" 2>"$log.err"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL client-everything: $tr/$name: exit $rc: $(head -c 300 "$log.err" | tr '\n' ' ')"
    fail=$((fail + 1))
  elif [ ! -s "$log.out" ] || ! grep -qF -- "$want" "$log.out"; then
    echo "FAIL client-everything: $tr/$name: output lacks '$want' (got: $(head -c 200 "$log.out" | tr '\n' ' '))"
    fail=$((fail + 1))
  elif grep -qE 'Sanitizer|runtime error' "$log.err"; then
    echo "FAIL client-everything: $tr/$name: sanitizer report in $log.err"
    fail=$((fail + 1))
  else
    echo "PASS client-everything: $tr/$name"
    pass=$((pass + 1))
  fi
}

checks() {
  local tr=$1
  check "$tr" info "server: mcp-servers/everything" -- info
  check "$tr" info-json '"protocolVersion"' -- --json info
  check "$tr" tools "get-sum" -- tools
  check "$tr" call-echo "hi" -- call echo '{"message":"hi"}'
  check "$tr" call-get-sum "42" -- call get-sum '{"a":2,"b":40}'
  check "$tr" resources "demo://resource/" -- resources
  check "$tr" read "Architecture" -- read demo://resource/static/document/architecture.md
  check "$tr" prompts "args-prompt" -- prompts
  check "$tr" prompt "Barcelona, CT" -- prompt args-prompt city=Barcelona state=CT
  check "$tr" complete-prompt "Engineering" -- complete prompt completable-prompt department Eng
  check "$tr" ping "ok" -- ping
  # A tool error is exit 1, not a pass.
  local rc
  timeout -k 5 60 "$client" "${conn[@]}" call no-such-tool >/dev/null 2>&1
  rc=$?
  if [ $rc -eq 1 ]; then
    echo "PASS client-everything: $tr/unknown-tool-exit-1"; pass=$((pass + 1))
  else
    echo "FAIL client-everything: $tr/unknown-tool-exit-1: exit $rc"; fail=$((fail + 1))
  fi
}

# stdio: the client spawns the server.
conn=(--stdio node "$server" stdio --)
checks stdio

# Streamable HTTP: server-everything listens on $PORT, endpoint /mcp.
port=$(node -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
srvlog="$out/http-server.log"
PORT=$port setsid node "$server" streamableHttp </dev/null >"$srvlog" 2>&1 &
server_pid=$!
stop_server() {
  [ -n "${server_pid:-}" ] || return 0
  kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=
}
trap stop_server EXIT
deadline=$((SECONDS + start_timeout))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "FAIL client-everything: http/server-start: not listening on $port (log: $srvlog)"
    tail -n 10 "$srvlog" | sed 's/^/  /'
    fail=$((fail + 1))
    echo "$pass passed, $fail failed"
    exit 1
  fi
  sleep 0.1
done
conn=(--url "http://127.0.0.1:$port/mcp")
checks http
stop_server

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
