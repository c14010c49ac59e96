#!/usr/bin/env bash
# tripmcp-weather (ASan+UBSan build) driven by the official TypeScript SDK
# client: tests/interop/weather-client.mjs.
#
# Usage: BUILD=build tests/interop/weather-test.sh
# Prints PASS/FAIL lines and `N passed, N failed`.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
server=$build/asan/tripmcp-weather

fail() { echo "FAIL weather-sdk: setup: $1"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$server" ] || fail "$server not built; run 'make $build/asan/tripmcp-weather'"
command -v node >/dev/null || fail "node not found; run tests/interop/setup.sh"
[ -d "$here/node_modules/@modelcontextprotocol/sdk" ] ||
	fail "the SDK is not installed; run tests/interop/setup.sh"
cd "$root" && exec timeout -k 5 90 node "$here/weather-client.mjs" "$server" \
	"${TRIPMCP_DATA_DIR:-$root/data}"
