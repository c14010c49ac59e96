#!/usr/bin/env bash
# tripmcp-travel (ASan+UBSan build) driven by the official TypeScript SDK
# client: tests/interop/travel-client.mjs.
#
# Usage: BUILD=build tests/interop/travel-test.sh
# Prints PASS/FAIL lines and `N passed, N failed`.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
server=$build/asan/tripmcp-travel

fail() { echo "FAIL travel-sdk: setup: $1"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$server" ] || fail "$server not built; run 'make $build/asan/tripmcp-travel'"
command -v node >/dev/null || fail "node not found; run tests/interop/setup.sh"
[ -d "$here/node_modules/@modelcontextprotocol/sdk" ] ||
	fail "the SDK is not installed; run tests/interop/setup.sh"
cd "$root" && exec timeout -k 5 90 node "$here/travel-client.mjs" "$server" \
	"${TRIPMCP_DATA_DIR:-$root/data}"
